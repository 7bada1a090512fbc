#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs a program that writes an encoded ExportTraceServiceRequest (or, with the last two
arguments, another message), decodes its output with `protoc --decode` and the UPSTREAM
opentelemetry-proto files (not ours), and compares the text with an expected text written by
hand.

usage: otlp_decode.py PROTOC UPSTREAM_DIR PROGRAM EXPECTED OTELC_VERSION [MESSAGE PROTO_FILE]

@OTELC_VERSION@ in the expected text stands for the SDK's version.
"""
import difflib
import os
import subprocess
import sys

MESSAGE = "opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest"
PROTO_FILE = "trace_service.proto"


def main():
    if len(sys.argv) not in (6, 8):
        print(__doc__, file=sys.stderr)
        return 2
    protoc, upstream, program, expected_path, version = sys.argv[1:6]
    message, proto_file = sys.argv[6:8] if len(sys.argv) == 8 else (MESSAGE, PROTO_FILE)
    if not os.path.isfile(os.path.join(upstream, proto_file)):
        print("FAIL: upstream schema missing in %s (run scripts/bootstrap, which installs "
              "tests/interop's npm packages)" % upstream)
        return 1
    encoded = subprocess.run([program], check=True, stdout=subprocess.PIPE).stdout
    decoded = subprocess.run([protoc, "--proto_path=.", "--decode=" + message,
                              proto_file], input=encoded, check=True,
                             stdout=subprocess.PIPE, cwd=upstream).stdout.decode("utf-8")
    with open(expected_path, encoding="utf-8") as fh:
        expected = fh.read().replace("@OTELC_VERSION@", version)
    if decoded != expected:
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True),
                                                   decoded.splitlines(True),
                                                   "expected", "decoded"))
        print("FAIL: the upstream decoding differs from the expected text")
        return 1
    print("ok: %d bytes decode to the expected request" % len(encoded))
    return 0


if __name__ == "__main__":
    sys.exit(main())
