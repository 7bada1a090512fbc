#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""End-to-end propagation test: runs e2e_leaf, e2e_middle and e2e_client as three processes,
each exporting its spans with the console exporter to its own file, then checks that they
form one trace whose spans link parent to child across every hop (HTTP, gRPC metadata, the
custom TCP framing), and that the client's baggage arrived intact.

usage: run_e2e.py E2E_LEAF E2E_MIDDLE E2E_CLIENT
"""
import json
import os
import subprocess
import sys
import tempfile
import time

EXPECTED_BAGGAGE = {
    "baggage.tenant": "acme",
    "baggage.tenant.metadata": "ttl=30;region",
    "baggage.user": 'Zoë Smith, "admin"; 100%',
    "baggage.request.id": "r-42",
}

# Each process names its propagators: every hop must agree on at least one format, and the
# leaf reads B3 only, so the gRPC and TCP hops also prove the composite and B3 paths.
PROPAGATORS = {
    "client": "tracecontext,baggage",
    "middle": "tracecontext,baggage,b3multi",
    "leaf": "b3multi,baggage",
}


def env_for(name):
    env = dict(os.environ)
    env.update({
        "OTEL_SERVICE_NAME": "e2e-" + name,
        "OTEL_TRACES_EXPORTER": "console",
        "OTEL_PROPAGATORS": PROPAGATORS[name],
        "OTEL_TRACES_SAMPLER": "parentbased_always_on",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    })
    return env


def wait_file(path, proc, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                text = f.read()
            if text.endswith("\n"):
                return text.split()
        if proc.poll() is not None:
            raise SystemExit("process exited early with status %d" % proc.returncode)
        time.sleep(0.02)
    raise SystemExit("timed out waiting for " + path)


def attrs(span):
    out = {}
    for a in span.get("attributes", []):
        v = a["value"]
        out[a["key"]] = next(iter(v.values())) if v else None
    return out


def load_spans(path, service):
    spans = []
    with open(path) as f:
        for line in f:
            doc = json.loads(line)
            for rs in doc["resourceSpans"]:
                for ss in rs["scopeSpans"]:
                    for s in ss["spans"]:
                        s["service"] = service
                        spans.append(s)
    return spans


def check(cond, what, failures):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    leaf_bin, middle_bin, client_bin = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as d:
        out = {n: open(os.path.join(d, n + ".jsonl"), "w") for n in PROPAGATORS}
        leaf_ports = os.path.join(d, "leaf.ports")
        middle_port = os.path.join(d, "middle.port")
        procs = []
        try:
            leaf = subprocess.Popen([leaf_bin, leaf_ports], stdout=out["leaf"],
                                    env=env_for("leaf"))
            procs.append(leaf)
            grpc_port, tcp_port = wait_file(leaf_ports, leaf)
            middle = subprocess.Popen([middle_bin, middle_port, grpc_port, tcp_port],
                                      stdout=out["middle"], env=env_for("middle"))
            procs.append(middle)
            (port,) = wait_file(middle_port, middle)
            client = subprocess.run([client_bin, "http://127.0.0.1:%s/call" % port],
                                    stdout=out["client"], env=env_for("client"), timeout=60)
            rcs = {"client": client.returncode, "middle": middle.wait(timeout=60),
                   "leaf": leaf.wait(timeout=60)}
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
            for f in out.values():
                f.close()
        failures = []
        for name, rc in rcs.items():
            check(rc == 0, "%s exited with status 0 (got %d)" % (name, rc), failures)
        spans = []
        for name in PROPAGATORS:
            spans += load_spans(os.path.join(d, name + ".jsonl"), name)

    by_name = {s["name"]: s for s in spans}
    names = ["e2e.client", "e2e.middle.handle", "e2e.middle.grpc", "e2e.middle.tcp",
             "e2e.leaf.grpc", "e2e.leaf.tcp"]
    check(sorted(by_name) == sorted(names) and len(spans) == len(names),
          "six spans, one per step: %s" % sorted(s["name"] for s in spans), failures)
    if failures:
        return 1
    check(len({s["traceId"] for s in spans}) == 1, "one trace id across three processes",
          failures)
    parents = {
        "e2e.client": None,
        "e2e.middle.handle": "e2e.client",            # HTTP, traceparent
        "e2e.middle.grpc": "e2e.middle.handle",
        "e2e.middle.tcp": "e2e.middle.handle",
        "e2e.leaf.grpc": "e2e.middle.grpc",           # gRPC metadata, B3 via nghttp2_nv
        "e2e.leaf.tcp": "e2e.middle.tcp",             # custom TCP framing, binary block
    }
    for child, parent in parents.items():
        got = by_name[child].get("parentSpanId", "")
        want = by_name[parent]["spanId"] if parent else ""
        check(got == want, "%s's parent is %s" % (child, parent or "nobody (root)"), failures)
    for name in ["e2e.middle.handle", "e2e.leaf.grpc", "e2e.leaf.tcp"]:
        got = {k: v for k, v in attrs(by_name[name]).items() if k.startswith("baggage.")}
        check(got == EXPECTED_BAGGAGE, "baggage arrived intact at %s: %r" % (name, got),
              failures)
    print("%d check(s) failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
