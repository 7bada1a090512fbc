#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A small trace-context interop harness for otelc-propagation-service: it speaks the W3C
test protocol (POST /test with a JSON array of {"url", "arguments"}), receives the calls the
service makes on a callback server, and checks what was propagated.

usage: propagation_service.py PATH/TO/otelc-propagation-service
"""
import http.client
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time

TID = "4bf92f3577b34da6a3ce929d0e0e4736"
SID = "00f067aa0ba902b7"
received = []


class Callback(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        received.append((self.path, self.headers, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, body, headers=(), method="POST"):
    """Sends a request (headers as (name, value) pairs, repeats allowed); returns the status."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.putrequest(method, "/test")
    for name, value in headers:
        c.putheader(name, value)
    data = body.encode()
    c.putheader("Content-Length", str(len(data)))
    c.endheaders(data)
    status = c.getresponse().status
    c.close()
    return status


def main():
    service = sys.argv[1]
    cb = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=cb.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/callback" % cb.server_address[1]
    port = free_port()
    env = dict(os.environ, OTEL_TRACES_EXPORTER="none")
    proc = subprocess.Popen([service, "--port", str(port)], env=env)
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    def call(headers, n=1):
        received.clear()
        body = json.dumps([{"url": url, "arguments": [i]} for i in range(n)])
        status = post(port, body, headers)
        return status, [(h.get_all("traceparent") or [], h.get("tracestate"), b)
                        for _, h, b in received]

    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)
        tp = "00-%s-%s-01" % (TID, SID)

        status, got = call([("traceparent", tp), ("tracestate", "foo=1,bar=2")])
        check(status == 200 and len(got) == 1, "valid traceparent: one call made")
        out = got[0][0][0]
        check(out.startswith("00-" + TID + "-") and out.endswith("-01") and SID not in out,
              "the trace continues with a new parent id: " + out)
        check(got[0][1] == "foo=1,bar=2", "tracestate is passed on")
        check(got[0][2] == b"[0]", "the arguments are posted as they came")

        status, got = call([("traceparent", tp.upper())])
        check(TID not in got[0][0][0], "upper-case traceparent: a new trace starts")

        status, got = call([("traceparent", tp), ("traceparent", tp), ("tracestate", "a=1")])
        check(TID not in got[0][0][0] and got[0][1] is None,
              "two traceparents: a new trace, and no tracestate")

        status, got = call([("traceparent", "cc-%s-%s-01-future" % (TID, SID))])
        check(got[0][0][0].startswith("00-" + TID), "a future version is read as version 00")

        many = ",".join("k%d=v" % i for i in range(33))
        status, got = call([("traceparent", tp), ("tracestate", many)])
        check(TID in got[0][0][0] and got[0][1] is None,
              "33 tracestate members: tracestate dropped, the trace continues")

        status, got = call([("traceparent", tp)], n=2)
        parents = {g[0][0][36:52] for g in got}
        check(len(got) == 2 and len(parents) == 2, "two calls: two client spans")

        check(post(port, '[{"url": 1}]') == 400, "a malformed body gets 400")
        check(post(port, "[", ()) == 400, "a truncated body gets 400")
        check(post(port, "[]", (), method="GET") == 405, "GET gets 405")
    finally:
        proc.terminate()
        rc = proc.wait(timeout=20)
        cb.shutdown()
    check(rc == 0, "the service stops cleanly on SIGTERM")
    print("%d check(s) failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
