// SPDX-License-Identifier: Apache-2.0
// The OTLP/HTTP exporter end to end: otelc-gen sends to receiver.js (which decodes with the
// upstream schema), one case per run: node otlp_http.js CASE path/to/otelc-gen
'use strict'

const assert = require('assert')
const { execFile, execFileSync, spawn } = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const receiver = require('./receiver.js')

const [caseName, gen, forkProgram] = process.argv.slice(2)

// Runs otelc-gen with OTLP settings; resolves {code, stats, stderr, ms}.
function runGen (env, genArgs) {
  const started = Date.now()
  return new Promise(resolve => {
    const child = spawn(gen, ['traces', ...genArgs], {
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_BSP_MAX_QUEUE_SIZE: '100000',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_SERVICE_NAME: 'interop-http',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', d => { stderr += d })
    child.stdout.on('data', () => {})
    child.on('close', code => {
      const line = stderr.split('\n').find(l => l.startsWith('{"ended"'))
      // Failed exports are counted, not fatal: otelc-gen exits 0 whenever it shut down cleanly.
      assert.strictEqual(code, 0, 'otelc-gen exited ' + code + ':\n' + stderr)
      resolve({ code, stats: line ? JSON.parse(line) : null, stderr, ms: Date.now() - started })
    })
  })
}

const big = ['--count', '1000', '--depth', '3', '--attrs', '4', '--events', '1', '--links', '1']
const small = ['--count', '10', '--depth', '1']

// 1000 traces of 3 spans: every parent present in its trace, everything else as made.
function checkBig (r, spans) {
  assert.strictEqual(spans.length, 3000, 'spans received')
  const ids = new Set(spans.map(s => s.traceId + '/' + s.spanId))
  assert.strictEqual(ids.size, 3000, 'distinct span ids')
  const traces = new Map()
  for (const s of spans) {
    traces.set(s.traceId, (traces.get(s.traceId) || 0) + 1)
    if (s.parentSpanId) assert.ok(ids.has(s.traceId + '/' + s.parentSpanId), 'parent of ' + s.spanId)
    assert.ok(Object.keys(s.attributes).length >= 4, 'attributes')
    assert.strictEqual(s.events.length, 1, 'events')
    assert.strictEqual(s.resource['service.name'], 'interop-http', 'resource')
    assert.ok(s.scope.name.length > 0, 'scope name')
    assert.strictEqual(s.traceId.length, 32)
    assert.strictEqual(s.spanId.length, 16)
  }
  assert.strictEqual(traces.size, 1000, 'traces')
  for (const n of traces.values()) assert.strictEqual(n, 3, 'spans per trace')
  assert.strictEqual(spans.filter(s => !s.parentSpanId).length, 1000, 'roots')
  const linked = spans.filter(s => s.links.length === 1)
  assert.ok(linked.length >= 2997, 'links: ' + linked.length)
  for (const s of linked) assert.ok(traces.has(s.links[0].traceId), 'link target')
  assert.deepStrictEqual(r.stats, { ended: 3000, exported: 3000, dropped: 0, failed: 0 })
}

function checkRequests (rx, contentType, encoding) {
  assert.ok(rx.requests.length > 0)
  for (const q of rx.requests) {
    assert.strictEqual(q.method, 'POST')
    assert.strictEqual(q.url, '/v1/traces')
    assert.strictEqual(q.contentType, contentType)
    assert.strictEqual(q.contentEncoding, encoding)
    assert.match(q.userAgent, /^OTel-OTLP-Exporter-C\/\d+\.\d+\.\d+ otelc$/)
  }
}

function openssl (dir, ...args) { execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }) }

// A CA, a server certificate for 127.0.0.1 it signed, a client certificate it signed, and a
// self-signed certificate nobody trusts; all made with the openssl CLI.
function makeCerts () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelc-tls-'))
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '2', '-subj', '/CN=otelc test CA')
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  for (const who of ['server', 'client']) {
    openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', who + '.key', '-out', who + '.csr',
      '-subj', '/CN=' + who)
    openssl(dir, 'x509', '-req', '-in', who + '.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
      '-CAcreateserial', '-out', who + '.pem', '-days', '2', '-extfile', 'san.ext')
  }
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'self.key', '-out', 'self.pem',
    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1')
  const f = n => path.join(dir, n)
  return { dir, f, read: n => fs.readFileSync(f(n)) }
}

const cases = {
  // Batches whose request would pass the size limit are split, and nothing is lost.
  async split () {
    const rx = await receiver.start()
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}`,
      OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE: '8192',
    }, big)
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    checkBig(r, rx.spans)
    for (const q of rx.requests) assert.ok(q.bodyLength <= 8192, 'request of ' + q.bodyLength)
    assert.ok(rx.requests.length >= 3000 * 180 / 8192, 'requests: ' + rx.requests.length)
  },
  // (a) the big generator run over http/protobuf, with a percent-encoded header.
  async protobuf () {
    const rx = await receiver.start()
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}`,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cr%20et,x-other=1',
    }, big)
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    checkRequests(rx, 'application/x-protobuf', '')
    for (const q of rx.requests) assert.strictEqual(q.headers['x-api-key'], 's3cr et')
    assert.ok(!r.stderr.includes('s3cr'), 'a header value in the log')
    checkBig(r, rx.spans)
  },
  // (b) the same, gzip-compressed.
  async gzip () {
    const rx = await receiver.start()
    const r = await runGen({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${rx.port}/v1/traces`,
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    }, big)
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    checkRequests(rx, 'application/x-protobuf', 'gzip')
    checkBig(r, rx.spans)
  },
  // (c) the same over http/json.
  async json () {
    const rx = await receiver.start()
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}/`,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    }, big)
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    checkRequests(rx, 'application/json', '')
    checkBig(r, rx.spans)
  },
  // (d) 503 twice, then success: everything arrives once.
  async retry_503 () {
    const rx = await receiver.start()
    rx.fail(2, { status: 503 })
    const r = await runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}` }, small)
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [503, 503, 200])
    assert.strictEqual(rx.spans.length, 10)
    assert.strictEqual(new Set(rx.spans.map(s => s.spanId)).size, 10)
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 10, dropped: 0, failed: 0 })
  },
  // (e) 400: not retried, counted as failed, logged with the google.rpc.Status message.
  async status_400 () {
    const rx = await receiver.start()
    rx.fail(100, { status: 400, message: 'bad spans here' })
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}`,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t0ken',
    }, small)
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [400])
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
    assert.match(r.stderr, /HTTP 400 .*bad spans here/)
    assert.ok(!r.stderr.includes('t0ken'), 'a header value in the log')
    // The same over http/json: the receiver answers a JSON google.rpc.Status.
    const rj = await receiver.start()
    rj.fail(100, { status: 400, message: 'bad \\"json\\" spans' })
    const j = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rj.port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    }, small)
    await rj.close()
    assert.deepStrictEqual(rj.requests.map(q => q.answered), [400])
    assert.deepStrictEqual(j.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
    assert.match(j.stderr, /HTTP 400 .*bad \\"json\\" spans/)
  },
  // (f) connection refused: retried until the deadline, then counted as failed.
  async refused () {
    const port = await new Promise(resolve => {
      const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
    })
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    }, small)
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
    assert.match(r.stderr, /no time left to retry after [2-9] attempts/)
    assert.ok(r.ms >= 1500, 'gave up after ' + r.ms + ' ms')
  },
  // (g) 429 with Retry-After: 1: the next attempt waits that second.
  async retry_after () {
    const rx = await receiver.start()
    rx.fail(1, { status: 429, retryAfter: 1 })
    const r = await runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}` }, small)
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [429, 200])
    const gap = rx.requests[1].time - rx.requests[0].time
    assert.ok(gap >= 950, 'waited ' + gap + ' ms')
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 10, dropped: 0, failed: 0 })
  },
  // (h) partial success: logged once, not retried.
  async partial_success () {
    const rx = await receiver.start()
    rx.fail(1, { partialRejected: 3, partialMessage: 'three spans too old' })
    const r = await runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}` }, small)
    await rx.close()
    assert.strictEqual(rx.requests.length, 1)
    assert.strictEqual(r.stderr.split('partial success').length - 1, 1, r.stderr)
    assert.match(r.stderr, /partial success: 3 spans rejected: three spans too old/)
    // The same over http/json (rejectedSpans is an int64, a string in OTLP/JSON).
    const rj = await receiver.start()
    rj.fail(1, { partialRejected: 4, partialMessage: 'four too old' })
    const j = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rj.port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    }, small)
    await rj.close()
    assert.strictEqual(rj.requests.length, 1)
    assert.strictEqual(j.stderr.split('partial success').length - 1, 1, j.stderr)
    assert.match(j.stderr, /partial success: 4 spans rejected: four too old/)
  },
  // A dropped connection and a 503 with 200 KB of garbage: both retried, then success.
  async drop_garbage () {
    const rx = await receiver.start()
    rx.fail(1, { drop: true })
    rx.fail(1, { status: 503, garbage: true })
    const r = await runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}` }, small)
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), ['drop', 503, 200])
    assert.strictEqual(rx.spans.length, 10)
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 10, dropped: 0, failed: 0 })
  },
  // A receiver slower than the export timeout: the request is cut at the deadline, counted.
  async slow () {
    const rx = await receiver.start()
    rx.fail(100, { delayMs: 4000 })
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    }, small)
    await rx.close()
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
    assert.match(r.stderr, /export failed: .*(timed out|Timeout)/i)
    assert.ok(r.ms < 3500, 'took ' + r.ms + ' ms')
  },
  // Forked children export on their own connections: every span arrives once.
  async fork () {
    const rx = await receiver.start()
    const r = await runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}` },
      ['--count', '300', '--depth', '2', '--processes', '3'])
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    assert.strictEqual(rx.spans.length, 600)
    assert.strictEqual(new Set(rx.spans.map(s => s.spanId)).size, 600)
    const lines = r.stderr.split('\n').filter(l => l.startsWith('{"pid"')).map(l => JSON.parse(l))
    assert.strictEqual(lines.length, 4, r.stderr)
    assert.strictEqual(lines.reduce((a, l) => a + l.exported, 0), 600)
    assert.strictEqual(lines.reduce((a, l) => a + l.failed, 0), 0)
    assert.ok(new Set(rx.requests.map(q => q.remotePort)).size >= 4, 'connections')
  },
  // A process that exported and then forked: the parent keeps its connection, the child's
  // exporter dropped the inherited one (after_fork) and connects afresh.
  async fork_reconnect () {
    const rx = await receiver.start()
    // Not execFileSync: the receiver answers from this process's event loop.
    const out = await new Promise((resolve, reject) => execFile(forkProgram, {
      env: { ...process.env, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}` },
    }, (err, stdout, stderr) => (err ? reject(new Error(stderr + String(err))) : resolve(stdout))))
    await rx.close()
    assert.match(out, /^parent exported 2 failed 0$/m)
    assert.match(out, /^child exported 1 failed 0$/m)
    const byName = n => rx.requests.find((q, i) => rx.spans[i] && rx.spans[i].name === n)
    assert.deepStrictEqual(rx.spans.map(s => s.name).sort(), ['before-fork', 'in-child', 'in-parent'])
    assert.strictEqual(rx.requests.length, 3)
    const first = byName('before-fork'); const parent = byName('in-parent'); const child = byName('in-child')
    assert.strictEqual(parent.remotePort, first.remotePort, 'the parent reused its connection')
    assert.notStrictEqual(child.remotePort, first.remotePort, 'the child made its own connection')
  },
  // (i) TLS with a trusted CA, an untrusted certificate, and mTLS.
  async tls () {
    const c = makeCerts()
    try {
      let rx = await receiver.start({ tls: { cert: c.read('server.pem'), key: c.read('server.key') } })
      let r = await runGen({
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'),
      }, small)
      await rx.close()
      assert.strictEqual(rx.spans.length, 10, r.stderr)
      assert.deepStrictEqual(r.stats, { ended: 10, exported: 10, dropped: 0, failed: 0 })

      rx = await receiver.start({ tls: { cert: c.read('self.pem'), key: c.read('self.key') } })
      r = await runGen({
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'),
      }, small)
      await rx.close()
      assert.strictEqual(rx.spans.length, 0)
      assert.deepStrictEqual(r.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
      assert.match(r.stderr, /export failed: https:\/\/127\.0\.0\.1:\d+\/v1\/traces: .*(certificate|SSL)/i)

      const mtls = { cert: c.read('server.pem'), key: c.read('server.key'), ca: c.read('ca.pem'), requestCert: true, rejectUnauthorized: true }
      rx = await receiver.start({ tls: mtls })
      r = await runGen({
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'),
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: c.f('client.pem'),
        OTEL_EXPORTER_OTLP_CLIENT_KEY: c.f('client.key'),
      }, small)
      await rx.close()
      assert.strictEqual(rx.spans.length, 10, r.stderr)
      assert.deepStrictEqual(r.stats, { ended: 10, exported: 10, dropped: 0, failed: 0 })

      // Without the client certificate the mTLS receiver refuses the connection.
      rx = await receiver.start({ tls: mtls })
      r = await runGen({
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'),
        OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      }, small)
      await rx.close()
      assert.strictEqual(rx.spans.length, 0)
      assert.strictEqual(r.stats.exported, 0)
    } finally {
      fs.rmSync(c.dir, { recursive: true, force: true })
    }
  },
}

if (!cases[caseName]) {
  console.error('usage: node otlp_http.js CASE OTELC_GEN; cases: ' + Object.keys(cases).join(' '))
  process.exit(2)
}
cases[caseName]().then(() => { console.log('ok ' + caseName) }, e => {
  console.error(e)
  process.exit(1)
})
