// SPDX-License-Identifier: Apache-2.0
// The demo platform (examples/platform) against an independent OTLP receiver that decodes
// with the upstream schema: every sampled request's trace arrives as one tree across the
// gateway, worker and backend processes with correct parent links; errors have Error status
// and an exception event; baggage reached the worker and the backend; flagged requests were
// all sampled and unsampled ones sent nothing; with metrics built, the latency histogram's
// exemplars point at exported spans.
//
//   node platform.js http|grpc path/to/otelc-platform METRICS(0|1)
//
// The grpc case exits 77 (skipped) while tests/interop/grpc_receiver.js does not exist.
'use strict'

const assert = require('assert')
const { spawn } = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')

const [transport, platform, metricsBuilt] = process.argv.slice(2)
const REQUESTS = 40

function receiverModule () {
  if (transport === 'http') return require('./receiver.js')
  const grpcPath = path.join(__dirname, 'grpc_receiver.js')
  if (!fs.existsSync(grpcPath)) {
    console.log('skipped: no grpc_receiver.js yet')
    process.exit(77)
  }
  return require(grpcPath)
}

// Runs the platform under its driver; resolves {code, stdout, stderr}.
function runPlatform (port, report) {
  const env = { ...process.env }
  for (const k of Object.keys(env)) if (k.startsWith('OTEL_') || k.startsWith('OTELC_')) delete env[k]
  Object.assign(env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: transport === 'grpc' ? 'grpc' : 'http/protobuf',
  })
  return new Promise(resolve => {
    const child = spawn(platform, ['--port', '0', '--workers', '2', '--requests', String(REQUESTS),
      '--report', report], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''; let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

// The trace id, span id and sampled flag of a traceresponse value.
function parseTraceresponse (v) {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(v || '')
  assert.ok(m, 'traceresponse ' + v)
  return { traceId: m[1], spanId: m[2], sampled: (parseInt(m[3], 16) & 1) === 1 }
}

const hasException = s => s.events.some(e => e.name === 'exception' &&
  typeof e.attributes['exception.type'] === 'string' && typeof e.attributes['exception.message'] === 'string')

// One request's trace: six spans in three services, each parent where it belongs.
function checkTrace (req, tr, spans) {
  const label = `request ${req.n} (${req.fault}, trace ${tr.traceId})`
  assert.strictEqual(spans.length, 6, label + ': spans ' + spans.map(s => s.name).join(', '))
  const byId = new Map(spans.map(s => [s.spanId, s]))
  const service = s => s.resource['service.name']
  const one = (pred, what) => {
    const found = spans.filter(pred)
    assert.strictEqual(found.length, 1, label + ': ' + what)
    return found[0]
  }
  const root = one(s => !s.parentSpanId, 'one root')
  assert.strictEqual(root.spanId, tr.spanId, label + ': the root is the span traceresponse named')
  assert.strictEqual(root.name, 'GET /api/items/{id}')
  assert.strictEqual(root.kind, 2)
  assert.strictEqual(service(root), 'platform-gateway')
  const childOf = (parent, kind, svc, what) => one(s => s.parentSpanId === parent.spanId &&
    s.kind === kind && service(s) === svc, what)
  const gwClient = childOf(root, 3, 'platform-gateway', 'gateway client span')
  const wkServer = childOf(gwClient, 2, 'platform-worker', 'worker server span under the gateway client')
  const compute = childOf(wkServer, 1, 'platform-worker', 'worker internal span')
  const wkClient = childOf(wkServer, 3, 'platform-worker', 'worker client span')
  const beServer = childOf(wkClient, 2, 'platform-backend', 'backend server span under the worker client')
  for (const s of spans) if (s.parentSpanId) assert.ok(byId.has(s.parentSpanId), label + ': parent of ' + s.name)

  // Semantic conventions.
  const status = req.fault === 'error' ? 502 : 200
  assert.strictEqual(root.attributes['http.request.method'], 'GET')
  assert.strictEqual(root.attributes['url.path'], `/api/items/${1000 + req.n}`)
  assert.strictEqual(root.attributes['http.route'], '/api/items/{id}')
  assert.strictEqual(root.attributes['http.response.status_code'], String(status))
  assert.strictEqual(root.attributes['server.address'], '127.0.0.1')
  assert.strictEqual(gwClient.attributes['rpc.system'], 'otelc_frame')
  assert.strictEqual(wkServer.attributes['rpc.system'], 'otelc_frame')
  assert.strictEqual(gwClient.attributes['server.address'], '127.0.0.1')
  assert.strictEqual(wkClient.attributes['http.request.method'], 'GET')
  assert.strictEqual(beServer.attributes['url.path'], `/inventory/${1000 + req.n}`)
  assert.ok(root.events.some(e => e.name === 'request.dispatched'), label + ': event')
  assert.ok(compute.events.some(e => e.name === 'price.computed'), label + ': event')

  // Baggage: the gateway put the tenant in; the worker and the backend read it from there.
  assert.strictEqual(root.attributes['tenant.id'], req.tenant)
  assert.strictEqual(wkServer.attributes['tenant.id'], req.tenant, label + ': baggage at the worker')
  assert.strictEqual(beServer.attributes['tenant.id'], req.tenant, label + ': baggage at the backend')

  if (req.fault === 'error') {
    for (const s of [root, gwClient, wkServer, wkClient, beServer]) {
      assert.strictEqual(s.status.code, 2, label + ': Error status of ' + s.name + '/' + service(s))
    }
    for (const s of [root, wkServer, beServer]) assert.ok(hasException(s), label + ': exception in ' + service(s))
    assert.strictEqual(root.attributes['error.type'], '502')
  } else {
    for (const s of spans) assert.notStrictEqual(s.status.code, 2, label + ': no error in ' + s.name)
    assert.ok(!spans.some(hasException), label + ': no exception')
  }
  return root
}

// The exemplars of http.server.request.duration, as {traceId, spanId} in hex, from the
// decoded ExportMetricsServiceRequest messages the receiver kept.
function latencyExemplars (rx) {
  const requests = rx.metricRequests || rx.metrics
  assert.ok(Array.isArray(requests), 'the receiver kept no decoded metric requests')
  const hex = v => (typeof v === 'string' ? v : Buffer.from(v || []).toString('hex'))
  const out = []
  for (const req of requests) {
    for (const rm of req.resourceMetrics || []) {
      for (const sm of rm.scopeMetrics || []) {
        for (const m of sm.metrics || []) {
          if (m.name !== 'http.server.request.duration' || !m.histogram) continue
          for (const dp of m.histogram.dataPoints || []) {
            for (const e of dp.exemplars || []) out.push({ traceId: hex(e.traceId), spanId: hex(e.spanId) })
          }
        }
      }
    }
  }
  return out
}

async function main () {
  const receiver = receiverModule()
  const rx = await receiver.start()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelc-platform-'))
  const report = path.join(dir, 'report.jsonl')
  let r
  try {
    r = await runPlatform(rx.port, report)
  } finally {
    await rx.close()
  }
  const reqs = fs.readFileSync(report, 'utf8').trim().split('\n').map(l => JSON.parse(l))
  fs.rmSync(dir, { recursive: true, force: true })
  assert.strictEqual(r.code, 0, 'otelc-platform exited ' + r.code + ':\n' + r.stderr + r.stdout)
  assert.match(r.stdout, /clean shutdown: yes/)
  assert.deepStrictEqual(rx.errors || [], [])
  assert.strictEqual(reqs.length, REQUESTS)

  const byTrace = new Map()
  for (const s of rx.spans) {
    if (!byTrace.has(s.traceId)) byTrace.set(s.traceId, [])
    byTrace.get(s.traceId).push(s)
  }
  const ids = new Set(rx.spans.map(s => s.spanId))
  assert.strictEqual(ids.size, rx.spans.length, 'every span arrived once')

  let sampled = 0
  const roots = new Set()
  const seen = new Set()
  for (const req of reqs) {
    assert.strictEqual(req.status, req.fault === 'error' ? 502 : 200, 'answer to request ' + req.n)
    const tr = parseTraceresponse(req.traceresponse)
    seen.add(tr.traceId)
    const spans = byTrace.get(tr.traceId) || []
    // The policy: all errors, all slow, a share of the rest.
    if (req.fault !== 'none') assert.ok(tr.sampled, `flagged request ${req.n} was not sampled`)
    if (!tr.sampled) {
      assert.strictEqual(spans.length, 0, `unsampled request ${req.n} exported spans`)
      continue
    }
    sampled++
    roots.add(checkTrace(req, tr, spans).spanId)
  }
  for (const t of byTrace.keys()) assert.ok(seen.has(t), 'spans of a trace no request made: ' + t)
  assert.ok(sampled >= reqs.filter(q => q.fault !== 'none').length)

  if (metricsBuilt === '1') {
    const exemplars = latencyExemplars(rx)
    assert.ok(exemplars.length > 0, 'the latency histogram has no exemplars')
    // trace_based exemplars come from sampled server spans, which were all exported.
    for (const e of exemplars) {
      assert.ok(byTrace.has(e.traceId), 'exemplar of an unexported trace ' + e.traceId)
      assert.ok(roots.has(e.spanId), 'exemplar span ' + e.spanId + ' is not an exported gateway server span')
    }
  }
  console.log(`ok platform ${transport}: ${sampled} of ${REQUESTS} traces checked, ${rx.spans.length} spans`)
}

main().catch(e => {
  console.error(e)
  process.exit(1)
})
