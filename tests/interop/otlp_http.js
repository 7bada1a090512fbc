// SPDX-License-Identifier: Apache-2.0
// The OTLP/HTTP exporter end to end: otelc-gen sends to receiver.js (which decodes with the
// upstream schema), one case per run: node otlp_http.js CASE path/to/otelc-gen
'use strict'

const assert = require('assert')
const { execFile } = require('child_process')
const fs = require('fs')
const net = require('net')
const receiver = require('./receiver.js')
const util = require('./interop_util.js')

const [caseName, gen, forkProgram] = process.argv.slice(2)

const { big, small, checkBig, makeCerts } = util
const runGen = (env, genArgs) => util.runGen(gen, { OTEL_SERVICE_NAME: 'interop-http', ...env }, genArgs)
const checkBigHttp = (r, spans) => checkBig(r, spans, 'interop-http')

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
    checkBigHttp(r, rx.spans)
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
    checkBigHttp(r, rx.spans)
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
    checkBigHttp(r, rx.spans)
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
    checkBigHttp(r, rx.spans)
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
