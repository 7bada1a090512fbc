#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Tests of the programs users run (otelc-gen, otelc-demo, otelc-bench) and of the README example.

Each case is one meson test: `test_tools.py CASE --gen PATH ...`. The spans are read back from
the console exporter's output (one OTLP/JSON ExportTraceServiceRequest per line).
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

TIMEOUT = 100


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def clean_env(**extra):
    """The caller's environment without OTEL_* (but the log level), plus @p extra."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('OTEL_') or k == 'OTEL_LOG_LEVEL'}
    env.update(extra)
    return env


def run(argv, env):
    p = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=TIMEOUT, text=True)
    return p.returncode, p.stdout, p.stderr


def parse_spans(stdout):
    """Every span in the console output, each with its resource attributes under '_resource'."""
    spans = []
    for n, line in enumerate(stdout.splitlines(), 1):
        if not line.strip():
            continue
        try:
            req = json.loads(line)
        except json.JSONDecodeError as e:
            raise Failure(f'stdout line {n} is not JSON ({e}): {line[:200]}')
        for rs in req.get('resourceSpans', []):
            resource = attr_map(rs.get('resource', {}).get('attributes', []))
            for ss in rs.get('scopeSpans', []):
                for s in ss.get('spans', []):
                    s['_resource'] = resource
                    spans.append(s)
    return spans


def attr_map(attrs):
    """OTLP/JSON attributes as {key: (kind, value)}, e.g. {'k': ('intValue', '3')}."""
    out = {}
    for a in attrs or []:
        (kind, value), = a['value'].items()
        out[a['key']] = (kind, value)
    return out


def stats_line(stderr):
    """The counters otelc-gen prints last on stderr."""
    for line in reversed(stderr.splitlines()):
        if line.startswith('{'):
            return json.loads(line)
    raise Failure(f'no JSON counters on stderr: {stderr[-500:]}')


def is_root(span):
    return not span.get('parentSpanId')


def check_forest(spans, traces, depth):
    """@p traces trees, each a chain of @p depth spans under one SERVER root."""
    check(len(spans) == traces * depth, f'{len(spans)} spans, want {traces * depth}')
    by_trace = defaultdict(list)
    for s in spans:
        by_trace[s['traceId']].append(s)
    check(len(by_trace) == traces, f'{len(by_trace)} distinct trace ids, want {traces}')
    for tid, members in by_trace.items():
        ids = {s['spanId'] for s in members}
        check(len(ids) == len(members), f'trace {tid}: duplicate span ids')
        roots = [s for s in members if is_root(s)]
        check(len(roots) == 1, f'trace {tid}: {len(roots)} roots, want 1')
        check(roots[0].get('kind') == 2, f'trace {tid}: root kind {roots[0].get("kind")}')
        parent = {s['spanId']: s.get('parentSpanId') for s in members}
        for s in members:
            if not is_root(s):
                check(s['parentSpanId'] in ids,
                      f'trace {tid}: span {s["spanId"]} has parent {s["parentSpanId"]} '
                      f'outside its trace')
        # Walking up from every span reaches the root in fewer than depth steps, and the
        # deepest span is depth - 1 steps down: a chain, no cycles.
        deepest = 0
        for sid in ids:
            steps, cur = 0, sid
            while parent[cur]:
                cur = parent[cur]
                steps += 1
                check(steps < depth, f'trace {tid}: deeper than {depth} (or a cycle)')
            deepest = max(deepest, steps)
        check(deepest == depth - 1, f'trace {tid}: depth {deepest + 1}, want {depth}')
    return by_trace


def check_stats(stderr, spans):
    st = stats_line(stderr)
    check(st.get('ended') == spans and st.get('exported') == spans,
          f'counters {st}, want ended={spans} exported={spans}')
    check(st.get('dropped') == 0 and st.get('failed') == 0, f'counters {st}: lost spans')


# otelc-gen makes spans faster than the console exporter writes them; a batch queue that holds
# them all makes the counts exact (drops under load are the batch processor's tests' business).
GEN_ENV = {'OTEL_TRACES_EXPORTER': 'console', 'OTEL_BSP_MAX_QUEUE_SIZE': '4096'}


def case_gen_chain(a):
    """otelc-gen traces --count 1000 --depth 3 makes 1000 trees of depth 3 and exports them."""
    rc, out, err = run([a.gen, 'traces', '--count', '1000', '--depth', '3'],
                       clean_env(**GEN_ENV))
    check(rc == 0, f'exit {rc}: {err[-500:]}')
    spans = parse_spans(out)
    check_forest(spans, 1000, 3)
    check_stats(err, 3000)


def case_gen_processes(a):
    """--processes 3 forks after set-up: 4 processes share 1000 traces, each exports its own
    spans under its own process.pid, and every process's counters add up."""
    rc, out, err = run([a.gen, 'traces', '--count', '1000', '--depth', '3', '--processes', '3'],
                       clean_env(**GEN_ENV))
    check(rc == 0, f'exit {rc}: {err[-500:]}')
    per_pid = Counter()
    spans = []
    for line in out.splitlines():
        doc = json.loads(line)
        for rs in doc['resourceSpans']:
            pid = attr_map(rs['resource']['attributes'])['process.pid'][1]
            for ss in rs['scopeSpans']:
                per_pid[int(pid)] += len(ss['spans'])
                spans.extend(ss['spans'])
    check_forest(spans, 1000, 3)
    stats = [json.loads(l) for l in err.splitlines() if l.startswith('{')]
    check(len(stats) == 4, f'{len(stats)} counter lines, want 4')
    check(sorted(per_pid) == sorted(s['pid'] for s in stats),
          f'pids in spans {sorted(per_pid)} vs counters {[s["pid"] for s in stats]}')
    for st in stats:
        check(st['ended'] == 750 and st['exported'] == per_pid[st['pid']] == 750,
              f'process {st["pid"]}: {st}, spans seen {per_pid[st["pid"]]}')


def case_gen_features(a):
    """Threads, attributes, events, links and errors appear exactly as the flags ask."""
    rc, out, err = run([a.gen, 'traces', '--count', '1000', '--depth', '3', '--threads', '2',
                        '--attrs', '4', '--events', '1', '--links', '1', '--error-every', '10'],
                       clean_env(**GEN_ENV))
    check(rc == 0, f'exit {rc}: {err[-500:]}')
    spans = parse_spans(out)
    by_trace = check_forest(spans, 1000, 3)
    check_stats(err, 3000)
    roots = {s['traceId']: s for s in spans if is_root(s)}

    for s in spans:
        kinds = sorted(kind for kind, _ in attr_map(s.get('attributes')).values())
        check(kinds == ['boolValue', 'doubleValue', 'intValue', 'stringValue'],
              f'span {s["spanId"]}: attribute kinds {kinds}')

    errors = [r for r in roots.values() if r.get('status', {}).get('code') == 2]
    check(len(errors) == 100, f'{len(errors)} roots with status ERROR, want 100')
    for s in spans:
        names = Counter(e['name'] for e in s.get('events', []))
        failed = s.get('status', {}).get('code') == 2
        check(failed == (s in errors), f'span {s["spanId"]}: status {s.get("status")}')
        want = Counter({'gen.event': 1, 'exception': 1} if failed else {'gen.event': 1})
        check(names == want, f'span {s["spanId"]}: events {dict(names)}, want {dict(want)}')
        if failed:
            exc = next(e for e in s['events'] if e['name'] == 'exception')
            check('exception.type' in attr_map(exc.get('attributes')),
                  'exception event without exception.type')

    # Each thread's first trace has nothing to link to; every other span links to the root of
    # the trace its thread made before.
    unlinked = set()
    for tid, members in by_trace.items():
        for s in members:
            links = s.get('links', [])
            if not links:
                unlinked.add(tid)
                continue
            check(len(links) == 1, f'span {s["spanId"]}: {len(links)} links, want 1')
            target = roots.get(links[0]['traceId'])
            check(target is not None and target['spanId'] == links[0]['spanId']
                  and links[0]['traceId'] != tid,
                  f'span {s["spanId"]}: link {links[0]} is not another trace\'s root')
    check(len(unlinked) == 2, f'{len(unlinked)} traces without links, want 2 (one a thread)')
    for tid in unlinked:
        check(all(not s.get('links') for s in by_trace[tid]), f'trace {tid}: partly linked')


def case_gen_args(a):
    """Bad arguments give usage on stderr and exit 2, before any span is made."""
    env = clean_env(OTEL_TRACES_EXPORTER='console')
    bad = [[], ['nosuch'], ['traces'], ['traces', '--count'], ['traces', '--count', 'abc'],
           ['traces', '--count', '-1'], ['traces', '--count', ' 5'], ['traces', '--count', '5x'],
           ['traces', '--count', '0'], ['traces', '--count', '99999999999999999999999'],
           ['traces', '--count', '5', '--bogus'], ['traces', '--count', '5', '--depth', '0'],
           ['traces', '--count', '5', '--threads', '1', 'extra']]
    for argv in bad:
        rc, out, err = run([a.gen] + argv, env)
        check(rc == 2, f'otelc-gen {argv}: exit {rc}, want 2')
        check('usage' in err, f'otelc-gen {argv}: no usage on stderr')
        check(out == '', f'otelc-gen {argv}: wrote to stdout')
    for argv in (['--help'], ['traces', '--help']):
        rc, out, err = run([a.gen] + argv, env)
        check(rc == 0 and 'usage' in out, f'otelc-gen {argv}: exit {rc}, stdout {out[:100]}')
    rc, out, err = run([a.gen, 'traces', '--count=2', '--depth=2'], env)
    check(rc == 0 and len(parse_spans(out)) == 4, f'--flag=value form: exit {rc}')


def case_gen_metrics_args(a):
    """otelc-gen metrics: bad arguments give usage on stderr and exit 2, before anything is
    recorded; --help gives usage on stdout."""
    env = clean_env(OTEL_TRACES_EXPORTER='console', OTEL_METRICS_EXPORTER='console')
    bad = [['metrics'], ['metrics', '--count'], ['metrics', '--count', '0'],
           ['metrics', '--count', 'x'], ['metrics', '--count', '5', '--series', '0'],
           ['metrics', '--count', '5', '--series', '100001'],
           ['metrics', '--count', '5', '--threads', '0'],
           ['metrics', '--count', '5', '--threads', '1025'],
           ['metrics', '--count', '5', '--depth', '2'], ['metrics', '--count', '5', 'extra']]
    for argv in bad:
        rc, out, err = run([a.gen] + argv, env)
        check(rc == 2, f'otelc-gen {argv}: exit {rc}, want 2')
        check('usage: otelc-gen metrics' in err, f'otelc-gen {argv}: no usage on stderr')
        check(out == '', f'otelc-gen {argv}: wrote to stdout')
    rc, out, err = run([a.gen, 'metrics', '--help'], env)
    check(rc == 0 and 'usage: otelc-gen metrics' in out and '--series' in out,
          f'metrics --help: exit {rc}, stdout {out[:100]}')
    rc, out, err = run([a.gen, '--help'], env)
    check(rc == 0 and 'metrics' in out, 'otelc-gen --help does not list metrics')


def parse_metrics(stdout):
    """The metrics of the console output's collections: {name: [metric of each collection]}."""
    out = defaultdict(list)
    for line in stdout.splitlines():
        req = json.loads(line)
        for rm in req.get('resourceMetrics', []):
            for sm in rm.get('scopeMetrics', []):
                for m in sm.get('metrics', []):
                    out[m['name']].append(m)
    return out


def case_gen_metrics(a):
    """otelc-gen metrics --count 600 --threads 2 --series 3 over the console exporters: the
    last (cumulative) collection holds what it says it recorded, and the histogram's exemplars
    point at spans it exported."""
    env = clean_env(OTEL_TRACES_EXPORTER='console', OTEL_METRICS_EXPORTER='console',
                    OTEL_BSP_MAX_QUEUE_SIZE='4096')
    rc, out, err = run([a.gen, 'metrics', '--count=600', '--threads=2', '--series=3'], env)
    check(rc == 0, f'exit {rc}: {err[-500:]}')
    st = stats_line(err)
    check(st['recorded'] == {'counter': 600, 'up_down_counter': 600, 'histogram': 600,
                             'gauge': 600, 'observable_gauge': st['recorded']['observable_gauge']},
          f'recorded {st["recorded"]}')
    check(st['recorded']['observable_gauge'] >= 3, f'observations {st["recorded"]}')
    check(st['spans'] == {'started': 600, 'ended': 600, 'exported': 600, 'dropped': 0,
                          'failed': 0}, f'spans {st["spans"]}')
    spans = {(s['traceId'], s['spanId']) for s in parse_spans(out)}
    check(len(spans) == 600, f'{len(spans)} spans exported, want 600')
    metrics = parse_metrics(out)
    check(sorted(metrics) == ['gen.inflight', 'gen.latency', 'gen.queue.depth', 'gen.requests',
                              'gen.temperature'], f'metrics {sorted(metrics)}')
    last = {name: ms[-1] for name, ms in metrics.items()}
    points = last['gen.requests']['sum']['dataPoints']
    check(len(points) == 3, f'{len(points)} counter series, want 3')
    total = sum(int(p['asInt']) for p in points)
    check(total == st['sums']['counter'], f'counter sum {total}, want {st["sums"]["counter"]}')
    total = sum(int(p['asInt']) for p in last['gen.inflight']['sum']['dataPoints'])
    check(total == st['sums']['up_down_counter'], f'up-down sum {total}')
    hist = last['gen.latency']['histogram']['dataPoints']
    check(sum(int(p['count']) for p in hist) == 600, 'histogram count')
    exemplars = [x for p in hist for x in p.get('exemplars', [])]
    check(len(exemplars) > 0, 'no exemplars')
    for x in exemplars:
        check((x.get('traceId'), x.get('spanId')) in spans, f'exemplar {x} of no exported span')
    check(len(last['gen.queue.depth']['gauge']['dataPoints']) == 3, 'observable gauge series')
    check(len(last['gen.temperature']['gauge']['dataPoints']) == 3, 'gauge series')


def demo_spans_ok(spans):
    servers = [s for s in spans if s.get('kind') == 2]
    by_id = {s['spanId']: s for s in spans}
    for s in servers:
        attrs = attr_map(s.get('attributes'))
        for key in ('http.request.method', 'url.path', 'http.route',
                    'http.response.status_code', 'server.address'):
            check(key in attrs, f'server span without {key}: {sorted(attrs)}')
        check(s['name'] == 'GET /api/items/{id}', f'server span name {s["name"]}')
        check(s['_resource'].get('service.name') == ('stringValue', 'otelc-demo'),
              f'service.name {s["_resource"].get("service.name")}')
    for s in spans:
        if s.get('kind') == 2:
            continue
        parent = by_id.get(s.get('parentSpanId'))
        check(parent is not None and parent.get('kind') == 2,
              f'{s["name"]}: parent is not a request span')
    return servers


def case_demo(a):
    """The demo traces 5 requests with nested spans; the third fails with a 500."""
    rc, out, err = run([a.demo], clean_env())
    check(rc == 0, f'exit {rc}: {err[-500:]}')
    spans = parse_spans(out)
    servers = demo_spans_ok(spans)
    check(len(servers) == 5, f'{len(servers)} request spans, want 5')
    check(sum(1 for s in spans if s['name'] == 'cache.lookup') == 5, 'want 5 cache lookups')
    db = [s for s in spans if s.get('kind') == 3]
    check(len(db) == 3, f'{len(db)} database spans, want 3')
    for s in db:
        attrs = attr_map(s.get('attributes'))
        check('db.system' in attrs and 'db.query.text' in attrs, f'db span attrs {attrs}')
    failed = [s for s in servers if s.get('status', {}).get('code') == 2]
    check(len(failed) == 1, f'{len(failed)} failed requests, want 1')
    check(attr_map(failed[0]['attributes'])['http.response.status_code'] == ('intValue', '500'),
          'the failed request does not answer 500')
    check(any(e['name'] == 'exception' for e in failed[0].get('events', [])),
          'the failed request has no exception event')


def case_demo_sigterm(a):
    """SIGTERM stops the demo between requests; it still flushes and exits 0."""
    # A short batch delay makes the first spans appear soon after the first request.
    env = clean_env(OTEL_BSP_SCHEDULE_DELAY='100')
    with tempfile.TemporaryFile(mode='w+') as errf:
        p = subprocess.Popen([a.demo, '--requests', '100000'], env=env,
                             stdout=subprocess.PIPE, stderr=errf, text=True)
        try:
            first = p.stdout.readline()  # the handler is installed before any span ends
            check(first.startswith('{'), f'no span before the signal: {first!r}')
            p.send_signal(signal.SIGTERM)
            rest = p.stdout.read()  # through the same buffer readline() filled
            p.wait(timeout=TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        errf.seek(0)
        err = errf.read()
    check(p.returncode == 0, f'exit {p.returncode} after SIGTERM: {err[-500:]}')
    spans = parse_spans(first + rest)
    servers = demo_spans_ok(spans)
    check(0 < len(servers) < 100000, f'{len(servers)} requests handled')
    check('stopped by a signal' in err, f'stderr: {err[-300:]}')


def case_bench_json(a):
    """otelc-bench span --json prints one parseable object with every workload."""
    rc, out, err = run([a.bench, 'span', '--iterations', '2000', '--json'], clean_env())
    check(rc == 0, f'exit {rc}: {err[-500:]}')
    lines = [l for l in out.splitlines() if l.strip()]
    check(len(lines) == 1, f'{len(lines)} lines on stdout, want 1')
    doc = json.loads(lines[0])
    check(doc.get('command') == 'span' and doc.get('iterations') == 2000, f'header {doc}')
    results = doc.get('results', {})
    for name in ('empty_loop', 'clock_gettime', 'span_start_end', 'span_start_4_attrs_end',
                 'span_not_sampled'):
        r = results.get(name)
        check(r is not None, f'no result for {name}: {sorted(results)}')
        check(0 <= r['min_ns'] <= r['median_ns'], f'{name}: {r}')
    check(results['span_start_end']['min_ns'] > 0, 'a sampled span cannot cost 0 ns')
    rc, out, err = run([a.bench, 'span', '--iterations', '2000', '--rounds', '3'], clean_env())
    check(rc == 0 and 'span_start_4_attrs_end' in out, f'table form: exit {rc}')
    rc, out, err = run([a.bench, 'span', '--iterations', 'x'], clean_env())
    check(rc == 2 and 'usage' in err, f'bad --iterations: exit {rc}')


def case_readme_example(a):
    """The README's C example is examples/readme_example.c (which the build compiles)."""
    with open(a.readme, encoding='utf-8') as f:
        readme = f.read()
    check('```c\n' in readme, 'README has no C example')
    block = readme.split('```c\n', 1)[1].split('```', 1)[0]
    with open(a.example, encoding='utf-8') as f:
        lines = f.read().splitlines(keepends=True)
    while lines and lines[0].startswith('/*'):  # the SPDX line and the file's one sentence
        lines.pop(0)
    check(block == ''.join(lines), 'README example and examples/readme_example.c differ')


CASES = {name[len('case_'):]: fn for name, fn in globals().items() if name.startswith('case_')}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('case', choices=sorted(CASES))
    for opt in ('gen', 'demo', 'bench', 'readme', 'example'):
        ap.add_argument('--' + opt)
    a = ap.parse_args()
    try:
        CASES[a.case](a)
    except Failure as e:
        print(f'FAIL {a.case}: {e}', file=sys.stderr)
        return 1
    print(f'ok {a.case}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
