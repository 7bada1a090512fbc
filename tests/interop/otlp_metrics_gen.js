// SPDX-License-Identifier: Apache-2.0
// Metrics end to end: `otelc-gen metrics` sends its spans and metrics to one independent
// receiver (receiver.js over http/protobuf, grpc_receiver.js over gRPC, both decoding with the
// upstream schema), which checks sums, histogram buckets and that every exemplar names a span
// the same run exported. One case per run: node otlp_metrics_gen.js CASE path/to/otelc-gen
// (CASE: http, grpc, http_delta, grpc_delta).
'use strict'

const assert = require('assert')
const httpReceiver = require('./receiver.js')
const grpcReceiver = require('./grpc_receiver.js')
const util = require('./interop_util.js')

const [caseName, gen] = process.argv.slice(2)

const COUNT = 20000
const SERIES = 5
const SERVICE = 'interop-metrics'
// The specification's default explicit bucket boundaries.
const DEFAULT_BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]
const CUMULATIVE = 2
const DELTA = 1

const attrs = list => Object.fromEntries((list || []).map(kv => {
  const v = kv.value || {}
  return [kv.key, v.stringValue !== undefined ? v.stringValue : String(v.intValue)]
}))

// Every point of every collection of the metric called name, in the order received, each
// with its metric's temporality, monotonicity and kind.
function pointsOf (requests, name) {
  const out = []
  for (const req of requests) {
    for (const rm of req.resourceMetrics || []) {
      assert.strictEqual(attrs(rm.resource.attributes)['service.name'], SERVICE, 'resource')
      for (const sm of rm.scopeMetrics || []) {
        assert.strictEqual(sm.scope.name, 'otelc-gen', 'scope')
        for (const m of sm.metrics || []) {
          if (m.name !== name) continue
          const kind = ['gauge', 'sum', 'histogram', 'exponentialHistogram'].find(k => m[k])
          const data = m[kind]
          for (const p of data.dataPoints || []) {
            out.push({
              ...p,
              kind,
              temporality: data.aggregationTemporality,
              monotonic: data.isMonotonic,
              series: attrs(p.attributes)['gen.series'],
            })
          }
        }
      }
    }
  }
  return out
}

// The last point of each series (the latest collection's).
function lastPerSeries (points) {
  const last = new Map()
  for (const p of points) {
    const seen = last.get(p.series)
    if (!seen || BigInt(p.timeUnixNano) >= BigInt(seen.timeUnixNano)) last.set(p.series, p)
  }
  return [...last.values()]
}

const int = v => BigInt(v || '0')

// What the run must have delivered; delta: counters and histograms came as deltas.
function check (r, rx, delta) {
  assert.deepStrictEqual(rx.errors || [], [])
  const st = r.stats
  assert.ok(st, 'no counters from otelc-gen:\n' + r.stderr)
  for (const k of ['counter', 'up_down_counter', 'histogram', 'gauge']) {
    assert.strictEqual(st.recorded[k], COUNT, 'recorded ' + k)
  }
  assert.deepStrictEqual(st.spans, { started: COUNT, ended: COUNT, exported: COUNT, dropped: 0, failed: 0 })
  assert.deepStrictEqual(st.metrics, { series: st.metrics.series, overflowed: 0, invalid: 0 })

  // The spans the same run exported, as the receiver decoded them.
  assert.strictEqual(rx.spans.length, COUNT, 'spans received')
  const spanIds = new Set(rx.spans.map(s => s.traceId + '/' + s.spanId))
  assert.strictEqual(spanIds.size, COUNT, 'distinct spans')
  for (const s of rx.spans) assert.strictEqual(s.resource['service.name'], SERVICE)
  assert.ok(rx.metrics.length >= 1, 'metric requests')

  // The counter: its sum over the series (the last cumulative points, or every delta).
  const counter = pointsOf(rx.metrics, 'gen.requests')
  assert.ok(counter.length > 0, 'gen.requests arrived')
  for (const p of counter) {
    assert.strictEqual(p.kind, 'sum')
    assert.strictEqual(p.monotonic, true)
    assert.strictEqual(p.temporality, delta ? DELTA : CUMULATIVE)
  }
  const counted = (delta ? counter : lastPerSeries(counter)).reduce((n, p) => n + int(p.asInt), 0n)
  assert.strictEqual(counted, BigInt(st.sums.counter), 'counter total')
  assert.strictEqual(lastPerSeries(counter).length, SERIES, 'counter series')

  // The up-down counter stays cumulative under the delta preference, as the specification says.
  const updown = pointsOf(rx.metrics, 'gen.inflight')
  for (const p of updown) {
    assert.strictEqual(p.temporality, CUMULATIVE)
    assert.ok(!p.monotonic)
  }
  const upTotal = lastPerSeries(updown).reduce((n, p) => n + int(p.asInt), 0n)
  assert.strictEqual(upTotal, BigInt(st.sums.up_down_counter), 'up-down counter total')

  // The histogram: default boundaries, count = sum of the bucket counts, total count = what
  // was recorded, and every exemplar names an exported span.
  const hist = pointsOf(rx.metrics, 'gen.latency')
  assert.ok(hist.length > 0, 'gen.latency arrived')
  let exemplars = 0
  for (const p of hist) {
    assert.strictEqual(p.kind, 'histogram')
    assert.strictEqual(p.temporality, delta ? DELTA : CUMULATIVE)
    assert.deepStrictEqual(p.explicitBounds, DEFAULT_BOUNDS)
    assert.strictEqual(p.bucketCounts.length, DEFAULT_BOUNDS.length + 1)
    assert.strictEqual(p.bucketCounts.reduce((n, c) => n + int(c), 0n), int(p.count), 'buckets')
    for (const x of p.exemplars || []) {
      exemplars++
      assert.ok(spanIds.has(x.traceId + '/' + x.spanId),
        'exemplar ' + x.traceId + '/' + x.spanId + ' names no exported span')
      assert.strictEqual(typeof x.asDouble, 'number', 'exemplar value')
    }
  }
  const histTotal = (delta ? hist : lastPerSeries(hist)).reduce((n, p) => n + int(p.count), 0n)
  assert.strictEqual(histTotal, BigInt(COUNT), 'histogram count')
  const histSum = (delta ? hist : lastPerSeries(hist)).reduce((n, p) => n + p.sum, 0)
  assert.ok(Math.abs(histSum - st.sums.histogram) <= 1e-9 * st.sums.histogram, 'histogram sum')
  assert.ok(exemplars > 0, 'no exemplar arrived')

  // The gauges: one series each per attribute set.
  const gauge = pointsOf(rx.metrics, 'gen.temperature')
  assert.strictEqual(lastPerSeries(gauge).length, SERIES, 'gauge series')
  for (const p of gauge) assert.strictEqual(p.kind, 'gauge')
  const observed = lastPerSeries(pointsOf(rx.metrics, 'gen.queue.depth'))
  assert.strictEqual(observed.length, SERIES, 'observable gauge series')
  for (const p of observed) {
    assert.strictEqual(p.kind, 'gauge')
    assert.strictEqual(int(p.asInt), BigInt(10 * Number(p.series)), 'observed value')
  }
  return { collections: rx.metrics.length, exemplars }
}

async function run (transport, delta) {
  const rx = transport === 'grpc' ? await grpcReceiver.start() : await httpReceiver.start()
  const env = {
    OTEL_SERVICE_NAME: SERVICE,
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: transport === 'grpc' ? 'grpc' : 'http/protobuf',
    // Several collections while the run goes on, so that deltas add up over more than one.
    OTEL_METRIC_EXPORT_INTERVAL: '50',
    OTEL_TRACES_SAMPLER: 'always_on',
  }
  if (delta) env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE = 'delta'
  const r = await util.runGen(gen, env,
    ['--count', String(COUNT), '--threads', '2', '--series', String(SERIES)], 'metrics')
  await rx.close()
  const seen = check(r, rx, delta)
  console.log(`${caseName}: ${seen.collections} metric requests, ${seen.exemplars} exemplars, ` +
    `${rx.spans.length} spans, ${r.ms} ms`)
}

const cases = {
  http: () => run('http', false),
  grpc: () => run('grpc', false),
  http_delta: () => run('http', true),
  grpc_delta: () => run('grpc', true),
}

if (!cases[caseName]) {
  console.error('unknown case ' + caseName + '; one of ' + Object.keys(cases).join(', '))
  process.exit(2)
}
cases[caseName]().then(() => process.exit(0), e => { console.error(e); process.exit(1) })
