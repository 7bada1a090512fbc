// SPDX-License-Identifier: Apache-2.0
// The OTLP/HTTP metric exporter end to end: otlp_metrics_export sends the hand-built collection
// with every metric type (tests/unit/metric_fixture.h) to receiver.js, which decodes it with
// the upstream schema; one case per run: node otlp_http_metrics.js CASE path/to/otlp_metrics_export
'use strict'

const assert = require('assert')
const { execFile } = require('child_process')
const receiver = require('./receiver.js')
const grpcReceiver = require('./grpc_receiver.js')

const [caseName, program] = process.argv.slice(2)

const SPAN_ID = Buffer.from('SPAN-ID1').toString('hex')
const TRACE_ID = Buffer.from('TRACE-ID-0000001').toString('hex')

// Runs the exporter program; resolves {exported, failed, lastError, stderr}. Not execFileSync:
// the receiver answers from this process's event loop.
function runExport (env, count = 1, transport = 'http') {
  return new Promise((resolve, reject) => execFile(program, [String(count), transport], {
    env: { ...process.env, ...env },
  }, (err, stdout, stderr) => {
    if (err) { reject(new Error(stderr + String(err))); return }
    const m = /^exported (\d+) failed (\d+)\n(.*)\n$/s.exec(stdout)
    assert.ok(m, 'output: ' + stdout)
    resolve({ exported: Number(m[1]), failed: Number(m[2]), lastError: m[3], stderr })
  }))
}

const attrs = list => Object.fromEntries((list || []).map(kv => [kv.key, kv.value.stringValue]))

// Every metric of the received requests by name (a split collection arrives in parts: their
// points are put back together).
function metricsByName (requests) {
  const out = {}
  for (const req of requests) {
    assert.strictEqual(req.resourceMetrics.length, 1)
    const rm = req.resourceMetrics[0]
    assert.deepStrictEqual(attrs(rm.resource.attributes), { 'service.name': 'svc-m' })
    assert.strictEqual(rm.schemaUrl, 'https://opentelemetry.io/schemas/1.26.0')
    for (const sm of rm.scopeMetrics) {
      if (sm.scope.name === 'meter') {
        assert.strictEqual(sm.scope.version, '1.0')
        assert.strictEqual(sm.schemaUrl, 'https://example.com/meter')
        assert.deepStrictEqual(attrs(sm.scope.attributes), { 'scope.k': 'v' })
      }
      for (const m of sm.metrics) {
        const kind = ['gauge', 'sum', 'histogram', 'exponentialHistogram'].find(k => m[k])
        assert.ok(kind, 'data of ' + m.name)
        const seen = out[m.name]
        if (seen) seen.data.dataPoints.push(...(m[kind].dataPoints || []))
        else out[m.name] = { ...m, kind, scope: sm.scope.name, data: { dataPoints: [], ...m[kind] } }
      }
    }
  }
  return out
}

// The collection as metric_fixture.h describes it: values, bucket counts and exemplar ids.
function checkCollection (requests) {
  const m = metricsByName(requests)
  assert.deepStrictEqual(Object.keys(m).sort(), ['idle', 'inflight', 'latency', 'queue.depth', 'requests', 'size'])

  const req = m.requests
  assert.strictEqual(req.kind, 'sum')
  assert.strictEqual(req.description, 'Requests served')
  assert.strictEqual(req.unit, '{request}')
  assert.strictEqual(req.data.aggregationTemporality, 2)
  assert.strictEqual(req.data.isMonotonic, true)
  const [a, b] = req.data.dataPoints
  assert.deepStrictEqual(attrs(a.attributes), { route: '/a' })
  assert.strictEqual(a.asInt, '42')
  assert.strictEqual(a.startTimeUnixNano, '1700000000000000000')
  assert.strictEqual(a.timeUnixNano, '1700000001000000000')
  assert.strictEqual(a.exemplars.length, 1)
  assert.strictEqual(a.exemplars[0].asInt, '7')
  assert.strictEqual(a.exemplars[0].spanId, SPAN_ID)
  assert.strictEqual(a.exemplars[0].traceId, TRACE_ID)
  assert.deepStrictEqual(attrs(a.exemplars[0].filteredAttributes), { user: 'u1' })
  assert.deepStrictEqual(attrs(b.attributes), { route: '/b' })
  assert.strictEqual(b.asInt, '0')

  const g = m['queue.depth']
  assert.strictEqual(g.kind, 'gauge')
  assert.strictEqual(g.data.dataPoints[0].asDouble, 3.5)
  assert.strictEqual(g.data.dataPoints[0].exemplars[0].asDouble, 2.25)
  assert.ok(!g.data.dataPoints[0].exemplars[0].spanId, 'an exemplar without span has no ids')
  assert.ok(!g.data.dataPoints[0].exemplars[0].traceId)

  assert.strictEqual(m.inflight.data.dataPoints[0].asDouble, -1.5)
  assert.ok(!m.inflight.data.isMonotonic)

  const h = m.latency
  assert.strictEqual(h.kind, 'histogram')
  assert.strictEqual(h.data.aggregationTemporality, 1)
  const [h0, h1] = h.data.dataPoints
  assert.strictEqual(h0.count, '4')
  assert.strictEqual(h0.sum, 16.5)
  assert.strictEqual(h0.min, 0.5)
  assert.strictEqual(h0.max, 12)
  assert.deepStrictEqual(h0.bucketCounts, ['1', '2', '0', '1'])
  assert.deepStrictEqual(h0.explicitBounds, [0, 5, 10])
  assert.strictEqual(h0.exemplars[0].asDouble, 12)
  assert.strictEqual(h0.exemplars[0].spanId, SPAN_ID)
  assert.strictEqual(h0.exemplars[0].traceId, TRACE_ID)
  assert.deepStrictEqual(attrs(h1.attributes), { kind: 'empty' })
  assert.strictEqual(h1.count || '0', '0')
  assert.strictEqual(h1.sum, undefined)
  assert.strictEqual(h1.min, undefined)
  assert.deepStrictEqual(h1.bucketCounts, ['0', '0', '0', '0'])

  const x = m.size
  assert.strictEqual(x.kind, 'exponentialHistogram')
  const p = x.data.dataPoints[0]
  assert.strictEqual(p.count, '5')
  assert.strictEqual(p.sum, 20.5)
  assert.strictEqual(p.scale, 3)
  assert.strictEqual(p.zeroCount, '1')
  assert.strictEqual(p.min, 0)
  assert.strictEqual(p.max, 9)
  assert.strictEqual(p.positive.offset, -2)
  assert.deepStrictEqual(p.positive.bucketCounts, ['1', '0', '3'])
  assert.ok(p.negative, 'the empty negative side is present')
  assert.strictEqual(p.negative.offset || 0, 0)
  assert.deepStrictEqual(p.negative.bucketCounts || [], [])
  assert.strictEqual(p.exemplars[0].spanId, SPAN_ID)
  assert.strictEqual(p.exemplars[0].traceId, TRACE_ID)

  assert.strictEqual(m.idle.scope, 'idle')
  assert.strictEqual(m.idle.data.aggregationTemporality, 1)
  assert.deepStrictEqual(m.idle.data.dataPoints, [])
}

function checkRequests (rx, contentType, encoding) {
  assert.ok(rx.requests.length > 0)
  for (const q of rx.requests) {
    assert.strictEqual(q.method, 'POST')
    assert.strictEqual(q.url, '/v1/metrics')
    assert.strictEqual(q.contentType, contentType)
    assert.strictEqual(q.contentEncoding, encoding)
    assert.match(q.userAgent, /^OTel-OTLP-Exporter-C\/\d+\.\d+\.\d+ otelc$/)
  }
}

const cases = {
  // Two collections over http/protobuf to a base endpoint, with the METRICS_ headers (the
  // general ones and the TRACES_ ones are not used).
  async protobuf () {
    const rx = await receiver.start()
    const r = await runExport({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}`,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-general=1',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-api-key=s3cr%20et',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces',
    }, 2)
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    assert.deepStrictEqual([r.exported, r.failed], [2, 0], r.stderr + r.lastError)
    checkRequests(rx, 'application/x-protobuf', '')
    assert.strictEqual(rx.requests.length, 2)
    for (const q of rx.requests) {
      assert.strictEqual(q.headers['x-api-key'], 's3cr et')
      assert.strictEqual(q.headers['x-general'], undefined)
      assert.strictEqual(q.dataPoints, 7)
    }
    checkCollection([rx.metrics[0]])
    checkCollection([rx.metrics[1]])
  },
  // The same, gzip-compressed, to the per-signal endpoint used as is.
  async gzip () {
    const rx = await receiver.start()
    const r = await runExport({
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${rx.port}/v1/metrics`,
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'gzip',
    })
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    assert.strictEqual(r.exported, 1, r.stderr + r.lastError)
    checkRequests(rx, 'application/x-protobuf', 'gzip')
    checkCollection(rx.metrics)
  },
  // The same over http/json.
  async json () {
    const rx = await receiver.start()
    const r = await runExport({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}/`,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    })
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    assert.strictEqual(r.exported, 1, r.stderr + r.lastError)
    checkRequests(rx, 'application/json', '')
    checkCollection(rx.metrics)
  },
  // A partial success (rejected_data_points) is logged once with its count, not retried.
  async partial_success () {
    for (const protocol of ['http/protobuf', 'http/json']) {
      const rx = await receiver.start()
      rx.fail(1, { partialRejected: 3, partialMessage: 'three points too old' })
      const r = await runExport({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      })
      await rx.close()
      assert.strictEqual(rx.requests.length, 1)
      assert.strictEqual(r.exported, 1)
      assert.strictEqual(r.stderr.split('partial success').length - 1, 1, r.stderr)
      assert.match(r.stderr, /partial success: 3 data points rejected: three points too old \(3 rejected in all\)/)
    }
  },
  // 503 twice, then success: the collection arrives once; a 400 is not retried and says why.
  async retry_503 () {
    let rx = await receiver.start()
    rx.fail(2, { status: 503 })
    let r = await runExport({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}` })
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [503, 503, 200])
    assert.strictEqual(r.exported, 1)
    checkCollection(rx.metrics)

    rx = await receiver.start()
    rx.fail(100, { status: 400, message: 'bad metrics here' })
    r = await runExport({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}` })
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [400])
    assert.deepStrictEqual([r.exported, r.failed], [0, 1])
    assert.match(r.lastError, /HTTP 400 from http:\/\/127\.0\.0\.1:\d+\/v1\/metrics: bad metrics here/)
    assert.match(r.stderr, /export failed: HTTP 400/)
  },
  // Over gRPC (h2c) to a @grpc/grpc-js server: two collections decoded with the upstream
  // schema, with the METRICS_ endpoint, headers as metadata, and gzip.
  async grpc () {
    const rx = await grpcReceiver.start()
    const r = await runExport({
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${rx.port}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-api-key=s3cr%20et',
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'gzip',
    }, 2, 'grpc')
    await rx.close()
    assert.deepStrictEqual([r.exported, r.failed], [2, 0], r.stderr + r.lastError)
    assert.strictEqual(rx.metrics.length, 2)
    for (const q of rx.requests) assert.deepStrictEqual(q.metadata['x-api-key'], 's3cr et')
    checkCollection([rx.metrics[0]])
    checkCollection([rx.metrics[1]])
  },
  // gRPC UNAVAILABLE twice then OK: delivered once; INVALID_ARGUMENT is not retried; a
  // partial success is logged with its count.
  async grpc_status () {
    let rx = await grpcReceiver.start()
    rx.fail(2, { code: 14, message: 'try later' })
    let r = await runExport({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${rx.port}` }, 1, 'grpc')
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [14, 14, 0])
    assert.strictEqual(r.exported, 1, r.stderr + r.lastError)
    checkCollection(rx.metrics)

    rx = await grpcReceiver.start()
    rx.fail(100, { code: 3, message: 'bad metrics here' })
    r = await runExport({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${rx.port}` }, 1, 'grpc')
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [3])
    assert.deepStrictEqual([r.exported, r.failed], [0, 1])
    assert.match(r.lastError, /bad metrics here/)

    rx = await grpcReceiver.start()
    rx.fail(1, { partialRejected: 3, partialMessage: 'three points too old' })
    r = await runExport({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${rx.port}` }, 1, 'grpc')
    await rx.close()
    assert.strictEqual(r.exported, 1)
    assert.match(r.stderr, /partial success.*3 data points/)
  },
  // A collection over the request size limit arrives in parts that each fit, and together
  // hold every metric and point.
  async split () {
    const rx = await receiver.start()
    const r = await runExport({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}`,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE: '1024',
    })
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    assert.deepStrictEqual([r.exported, r.failed], [1, 0], r.stderr + r.lastError)
    assert.ok(rx.requests.length >= 3, 'requests: ' + rx.requests.length)
    for (const q of rx.requests) assert.ok(q.bodyLength <= 1024, 'request of ' + q.bodyLength)
    assert.strictEqual(rx.requests.reduce((n, q) => n + q.dataPoints, 0), 7)
    checkCollection(rx.metrics)
  },
}

if (!cases[caseName]) {
  console.error('usage: node otlp_http_metrics.js CASE OTLP_METRICS_EXPORT; cases: ' + Object.keys(cases).join(' '))
  process.exit(2)
}
cases[caseName]().then(() => { console.log('ok ' + caseName) }, e => {
  console.error(e)
  process.exit(1)
})
