#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""otelc-bench workload and compare: the protocol every program of a comparison speaks, and the
shape of compare's JSON report. Timings are printed by the benchmark, never asserted here.

Cases: `test_bench_compare.py workload --bench PATH`, `... compare --bench PATH`,
`... compare_skipped --bench PATH`.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

SPAN_WORKLOADS = ['span_always_on', 'span_always_off', 'span_parent_ratio_0.01',
                  'span_always_on_2attrs', 'span_always_on_4attrs']
METRIC_WORKLOADS = ['counter_add_3attrs', 'histogram_record_3attrs']
SAMPLED = {'span_always_on', 'span_always_on_2attrs', 'span_always_on_4attrs'}
EXTRAS = ['rss_kib_per_million_spans_queued', 'cpu_ns_per_exported_span',
          'callgrind_instructions_sampled_span_2attrs', 'callgrind_instructions_dropped_span']


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run(argv, env=None, timeout=240):
    base = {k: v for k, v in os.environ.items() if not k.startswith('OTEL_')}
    base.update(env or {})
    p = subprocess.run(argv, env=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def one_json_line(out, what):
    lines = [l for l in out.splitlines() if l.strip()]
    check(len(lines) == 1, f'{what}: {len(lines)} lines on stdout, want 1: {out[:500]}')
    try:
        return json.loads(lines[0])
    except json.JSONDecodeError as e:
        raise Failure(f'{what}: not JSON ({e}): {lines[0][:300]}')


def case_workload(a):
    """Each span workload prints one JSON line with its name, ns per op and its span counts;
    unknown names exit 3 with `unsupported`; bad arguments exit 2."""
    n = 2000
    for name in SPAN_WORKLOADS:
        rc, out, err = run([a.bench, 'workload', name, '--iterations', str(n)])
        check(rc == 0, f'{name}: exit {rc}: {err[-300:]}')
        doc = one_json_line(out, name)
        check(doc.get('workload') == name, f'{name}: workload is {doc.get("workload")}')
        check(isinstance(doc.get('ns_per_op'), (int, float)) and doc['ns_per_op'] > 0,
              f'{name}: ns_per_op {doc.get("ns_per_op")}')
        # The warm-up is whole rounds of N/10 lasting at least 100 ms.
        ops = doc.get('ops')
        check(isinstance(ops, int) and ops > n and (ops - n) % (n // 10) == 0,
              f'{name}: ops {ops}, want N + whole warm-up rounds of N/10')
        if name in SAMPLED:
            # The spans reach the exporter (or are counted as dropped at the queue).
            check(doc['exported'] + doc['dropped'] == doc['ops'] and doc['exported'] > 0,
                  f'{name}: exported {doc["exported"]} + dropped {doc["dropped"]}')
        elif name == 'span_always_off':
            check(doc['exported'] == 0, f'{name}: exported {doc["exported"]}')
    # --no-warmup runs exactly N operations: callgrind's differencing relies on it.
    rc, out, _ = run([a.bench, 'workload', 'span_always_on', '--iterations', '300',
                      '--no-warmup'])
    check(rc == 0 and one_json_line(out, '--no-warmup')['ops'] == 300, f'--no-warmup: {out}')
    for name in METRIC_WORKLOADS:
        # Recorded into a meter provider that is not collected while timed, as the peers do.
        rc, out, err = run([a.bench, 'workload', name, '--iterations', str(n)])
        check(rc == 0, f'{name}: exit {rc}: {err[-300:]}')
        doc = one_json_line(out, name)
        check(doc.get('workload') == name and doc.get('exported') == -1, f'{name}: {out}')
        check(isinstance(doc.get('ns_per_op'), (int, float)) and doc['ns_per_op'] > 0,
              f'{name}: ns_per_op {doc.get("ns_per_op")}')
        check(isinstance(doc.get('ops'), int) and doc['ops'] > n, f'{name}: ops {doc.get("ops")}')
    rc, out, _ = run([a.bench, 'workload', 'no_such_workload', '--iterations', '10'])
    check(rc == 3 and out.strip() == 'unsupported', f'unknown workload: exit {rc}, {out!r}')
    for bad in (['workload'], ['workload', 'span_always_on', '--iterations', 'x'],
                ['workload', 'span_always_on', '--rounds', '3'], ['workload', '--iterations', '5']):
        rc, _, err = run([a.bench] + bad)
        check(rc == 2 and 'usage' in err, f'{bad}: exit {rc}, stderr {err[-200:]!r}')


def check_report(doc, want_programs, want_extras):
    check(doc.get('command') == 'compare', f'command: {doc.get("command")}')
    check(doc.get('rounds') == 1 and doc.get('iterations') in (200, 1000), f'header: {doc}')
    m = doc.get('machine', {})
    check(isinstance(m.get('cpu'), str) and isinstance(m.get('cores'), int) and m['cores'] > 0,
          f'machine: {m}')
    progs = doc.get('programs', {})
    check(sorted(progs) == sorted(want_programs), f'programs: {sorted(progs)}')
    check(progs['otelc'].get('status') == 'ok', f'otelc: {progs["otelc"]}')
    wl = doc.get('workloads', {})
    check(sorted(wl) == sorted(SPAN_WORKLOADS + METRIC_WORKLOADS), f'workloads: {sorted(wl)}')
    for name, cells in wl.items():
        check(sorted(cells) == sorted(want_programs), f'{name}: programs {sorted(cells)}')
        ours = cells['otelc']
        if name in SPAN_WORKLOADS:
            check(ours.get('runs') == 1 and ours['min_ns'] <= ours['median_ns'] <= ours['max_ns']
                  and ours['median_ns'] > 0, f'{name}: otelc {ours}')
        else:
            check(ours.get('runs') == 1 and ours['median_ns'] > 0, f'{name}: otelc {ours}')
    extras = doc.get('extras', {})
    check(sorted(extras) == (sorted(EXTRAS) if want_extras else []), f'extras: {sorted(extras)}')
    for k, v in extras.items():
        check(isinstance(v, (int, float)) and v > 0 or
              isinstance(v, dict) and isinstance(v.get('skipped'), str), f'extra {k}: {v}')
    budgets = doc.get('budgets', [])
    check(len(budgets) == 5, f'{len(budgets)} budgets, want 5')
    for b in budgets:
        check(set(b) == {'name', 'op', 'limit', 'value', 'holds'}, f'budget keys: {b}')
        check(b['op'] in ('<', '<=', '>='), f'budget op: {b}')
        check((b['value'] is None) == (b['holds'] is None), f'budget: {b}')
        if b['value'] is not None:
            want = {'<': b['value'] < b['limit'], '<=': b['value'] <= b['limit'],
                    '>=': b['value'] >= b['limit']}[b['op']]
            check(b['holds'] == want, f'budget verdict: {b}')


def case_compare(a):
    """The issue's check: --peers none --json gives every workload, extra and budget key."""
    rc, out, err = run([a.bench, 'compare', '--rounds', '1', '--iterations', '1000', '--peers',
                        'none', '--json'])
    check(rc == 0, f'exit {rc}: {err[-500:]}')
    doc = one_json_line(out, 'compare')
    check_report(doc, ['otelc'], True)
    print('extras:', json.dumps(doc['extras']))
    rc, _, err = run([a.bench, 'compare', '--peers', 'rust'])
    check(rc == 2 and 'usage' in err, f'--peers rust: exit {rc}, {err[-200:]!r}')


def case_compare_skipped(a):
    """Peers that are not installed are reported as skipped, with a reason, and do not fail the
    run: here neither go nor node is on PATH."""
    with tempfile.TemporaryDirectory() as empty:
        rc, out, err = run([a.bench, 'compare', '--rounds', '1', '--iterations', '200',
                            '--peers', 'go,js', '--no-extras', '--json'], {'PATH': empty})
    check(rc == 0, f'exit {rc}: {err[-500:]}')
    doc = one_json_line(out, 'compare')
    check_report(doc, ['otelc', 'go', 'js'], False)
    for peer, word in (('go', 'go'), ('js', 'node')):
        p = doc['programs'][peer]
        check(p.get('status') == 'skipped' and word in p.get('reason', ''), f'{peer}: {p}')
        for name, cells in doc['workloads'].items():
            check(cells[peer] == {'skipped': p['reason']}, f'{name} {peer}: {cells[peer]}')
    rc, out, _ = run([a.bench, 'compare', '--rounds', '1', '--iterations', '200', '--peers',
                      'go', '--no-extras'], {'PATH': '/nonexistent'})
    check(rc == 0 and 'skipped: go not found' in out, f'table: exit {rc}: {out[-600:]}')


CASES = {'workload': case_workload, 'compare': case_compare,
         'compare_skipped': case_compare_skipped}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('case', choices=sorted(CASES))
    ap.add_argument('--bench', required=True, help='path to otelc-bench')
    a = ap.parse_args()
    try:
        CASES[a.case](a)
    except (Failure, subprocess.TimeoutExpired) as e:
        print(f'FAIL {a.case}: {e}', file=sys.stderr)
        return 1
    print(f'ok {a.case}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
