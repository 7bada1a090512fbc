#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""otelc-bench samplers: --json prints one object with every sampler on 1 and 2 threads, the
fractions it reports are the ones the samplers promise, and a dropped span allocates nothing.
Timings are printed by the benchmark, never asserted here."""
import argparse
import json
import math
import os
import subprocess
import sys

SAMPLERS = ['always_on', 'always_off', 'ratio_0.01', 'ratio_0.1', 'ratio_0.5',
            'parent_based/sampled', 'parent_based/unsampled', 'parent_based/remote',
            'rules_5', 'rate_limited_1000/s']
ITERATIONS = 5000


def run(argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OTEL_')}
    return subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=100)


def fail(msg):
    sys.exit(msg)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--bench', required=True, help='path to otelc-bench')
    a = ap.parse_args()

    p = run([a.bench, 'samplers', '--iterations', str(ITERATIONS), '--rounds', '1', '--json'])
    if p.returncode != 0:
        fail(f'exit {p.returncode}: {p.stderr[-500:]}')
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    if len(lines) != 1:
        fail(f'{len(lines)} lines on stdout, want 1')
    doc = json.loads(lines[0])
    if doc.get('command') != 'samplers' or doc.get('iterations') != ITERATIONS:
        fail(f'header: {doc}')
    rows = {(r['sampler'], r['threads']): r for r in doc['results']}
    want = {(s, t) for s in SAMPLERS for t in (1, 2)}
    if set(rows) != want:
        fail(f'rows: missing {sorted(want - set(rows))}, extra {sorted(set(rows) - want)}')

    # Spans per row: each thread runs a warm-up of iterations / 10 + 1, then one round.
    for (name, threads), r in rows.items():
        spans = threads * (ITERATIONS // 10 + 1 + ITERATIONS)
        if not (r['should_sample_ns'] > 0 and r['span_ns'] > 0):
            fail(f'{name}/{threads}: a call cannot cost 0 ns: {r}')
        f = r['sampled_fraction']
        expect = {'always_on': 1.0, 'always_off': 0.0, 'parent_based/sampled': 1.0,
                  'parent_based/unsampled': 0.0, 'parent_based/remote': 1.0}.get(name)
        ratio = {'ratio_0.01': 0.01, 'ratio_0.1': 0.1, 'ratio_0.5': 0.5,
                 'rules_5': 0.01}.get(name)
        if expect is not None and f != expect:
            fail(f'{name}/{threads}: sampled {f}, want {expect}')
        if ratio is not None:
            sigma = math.sqrt(ratio * (1 - ratio) / spans)
            if abs(f - ratio) > 4 * sigma + 1e-9:
                fail(f'{name}/{threads}: sampled {f}, want {ratio} +- {4 * sigma:.4f}')
        # Issue: a DROP decision allocates nothing.
        if expect == 0.0 and r['allocs_per_span'] != 0:
            fail(f'{name}/{threads}: {r["allocs_per_span"]} allocations per dropped span')

    p = run([a.bench, 'samplers', '--iterations', '1000', '--rounds', '1'])
    if p.returncode != 0 or 'rules_5' not in p.stdout or 'should_sample' not in p.stdout:
        fail(f'table form: exit {p.returncode}: {p.stdout[:300]}')
    p = run([a.bench, 'samplers', '--rounds', 'x'])
    if p.returncode != 2 or 'usage' not in p.stderr:
        fail(f'bad --rounds: exit {p.returncode}')
    print(f'{len(rows)} rows checked')


if __name__ == '__main__':
    main()
