#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""otelc-gen with a ratio sampler from the environment exports the share of traces the ratio
says, and every exported trace id satisfies the specification's 56-bit rule, recomputed here
without otelc:

    OTEL_TRACES_SAMPLER=traceidratio OTEL_TRACES_SAMPLER_ARG=0.25 otelc-gen traces --count 20000

R is the trace id's right-most 7 bytes as a big-endian integer, T = (1 - p) * 2^56 rounded to
the nearest integer, and a trace is sampled iff R >= T. The number of exported traces must lie
within 3 standard deviations of count * p.
"""
import argparse
import json
import math
import os
import subprocess
import sys
from fractions import Fraction


def threshold(p):
    """T = 2^56 - round(p * 2^56), in exact arithmetic on the double p."""
    return 2**56 - round(Fraction(p) * 2**56)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--gen', required=True, help='path to otelc-gen')
    ap.add_argument('--sampler', default='traceidratio')
    ap.add_argument('--ratio', default='0.25')
    ap.add_argument('--count', type=int, default=20000)
    ap.add_argument('--depth', type=int, default=1)
    args = ap.parse_args()

    env = {k: v for k, v in os.environ.items() if not k.startswith('OTEL_')}
    env.update({
        'OTEL_TRACES_SAMPLER': args.sampler,
        'OTEL_TRACES_SAMPLER_ARG': args.ratio,
        'OTEL_TRACES_EXPORTER': 'console',
        # Room for every sampled span: a full queue would drop spans and bias the count.
        'OTEL_BSP_MAX_QUEUE_SIZE': str(4 * args.count * args.depth),
        'OTEL_LOG_LEVEL': 'warn',
    })
    p = subprocess.run([args.gen, 'traces', '--count', str(args.count), '--depth',
                        str(args.depth)], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=100)
    if p.returncode != 0:
        sys.exit(f'otelc-gen exited {p.returncode}: {p.stderr[-1000:]}')
    warnings = [l for l in p.stderr.splitlines() if not l.startswith('{')]
    if warnings:
        sys.exit(f'unexpected output on stderr: {warnings[:5]}')

    spans_per_trace = {}
    for n, line in enumerate(p.stdout.splitlines(), 1):
        req = json.loads(line)
        for rs in req['resourceSpans']:
            for ss in rs['scopeSpans']:
                for s in ss['spans']:
                    tid = s['traceId']
                    if len(tid) != 32:
                        sys.exit(f'line {n}: trace id {tid!r} is not 32 hex digits')
                    spans_per_trace[tid] = spans_per_trace.get(tid, 0) + 1

    ratio = float(args.ratio)
    t = threshold(ratio)
    bad = [tid for tid in spans_per_trace if int(tid[18:], 16) < t]
    if bad:
        sys.exit(f'{len(bad)} exported trace ids break R >= T (T = {t:#x}), e.g. {bad[:3]}')
    broken = {tid: k for tid, k in spans_per_trace.items() if k != args.depth}
    if broken:
        sys.exit(f'{len(broken)} traces are not whole ({args.depth} spans each): '
                 f'{list(broken.items())[:3]}')

    stats = json.loads([l for l in p.stderr.splitlines() if l.startswith('{')][-1])
    exported = len(spans_per_trace)
    if stats['dropped'] or stats['failed'] or stats['exported'] != exported * args.depth:
        sys.exit(f'the pipeline lost spans: {stats}, {exported * args.depth} on stdout')
    n = args.count
    mean, sigma = n * ratio, math.sqrt(n * ratio * (1 - ratio))
    if abs(exported - mean) > 3 * sigma:
        sys.exit(f'{exported} of {n} traces exported; expected {mean:.0f} +- {3 * sigma:.0f}')
    print(f'{exported} of {n} traces exported (expected {mean:.0f} +- {3 * sigma:.0f}); '
          f'every trace id has R >= {t:#x}')


if __name__ == '__main__':
    main()
