#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs one libFuzzer binary for a bounded time from a copy of its committed seed corpus.

usage: run_libfuzzer.py BINARY SEED_DIR [SECONDS]

SECONDS defaults to $OTELC_FUZZ_SECONDS, else 30. The committed corpus is never written: new
inputs go to a temporary directory. On a crash, timeout or leak the failing input is printed
(hex) so it can be added to the corpus as a regression test, and the test fails. The number of
executions is printed for the closing note.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, seeds = sys.argv[1], sys.argv[2]
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else int(os.environ.get("OTELC_FUZZ_SECONDS", "30"))
    name = os.path.basename(binary)
    with tempfile.TemporaryDirectory(prefix="otelc-fuzz-") as tmp:
        corpus = os.path.join(tmp, "corpus")
        shutil.copytree(seeds, corpus)
        seed_count = len(os.listdir(corpus))
        artifacts = os.path.join(tmp, "artifacts") + os.sep
        os.mkdir(artifacts)
        cmd = [binary, f"-max_total_time={seconds}", "-print_final_stats=1", "-timeout=10",
               "-rss_limit_mb=2048", "-max_len=8192", f"-artifact_prefix={artifacts}", corpus]
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", env=env)
        out = p.stdout
        m = re.search(r"stat::number_of_executed_units:\s*(\d+)", out)
        execs = int(m.group(1)) if m else 0
        final = len(os.listdir(corpus))
        if p.returncode != 0:
            print(out[-6000:])
            for f in sorted(os.listdir(artifacts)):
                data = open(os.path.join(artifacts, f), "rb").read()
                print(f"{name}: failing input {f} ({len(data)} bytes): {data.hex()}")
            print(f"{name}: FAILED (exit {p.returncode}) after {execs} executions")
            return 1
        print(f"{name}: {execs} executions in {seconds} s, corpus {seed_count} -> {final} "
              f"inputs, no crash, leak or timeout")
        return 0


if __name__ == "__main__":
    sys.exit(main())
