// SPDX-License-Identifier: Apache-2.0
// The OTLP/gRPC exporter end to end: otelc-gen sends to grpc_receiver.js (@grpc/grpc-js,
// decoding with the upstream schema), one case per run: node otlp_grpc.js CASE path/to/otelc-gen
'use strict'

const assert = require('assert')
const { execFile } = require('child_process')
const fs = require('fs')
const net = require('net')
const path = require('path')
const receiver = require('./grpc_receiver.js')
const util = require('./interop_util.js')

const [caseName, gen, forkProgram] = process.argv.slice(2)
const { big, small, checkBig, makeCerts } = util
const SERVICE = 'interop-grpc'
const runGen = (env, genArgs) => util.runGen(gen, {
  OTEL_SERVICE_NAME: SERVICE,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
  ...env,
}, genArgs)
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// What every call must carry on the wire, as PROTOCOL-HTTP2.md says.
function checkWire (rx, encoding) {
  assert.ok(rx.rawHeaders.length > 0)
  for (const h of rx.rawHeaders) {
    assert.strictEqual(h[':method'], 'POST')
    assert.strictEqual(h[':scheme'], rx.tls ? 'https' : 'http')
    assert.strictEqual(h[':path'], '/opentelemetry.proto.collector.trace.v1.TraceService/Export')
    assert.strictEqual(h[':authority'], '127.0.0.1:' + rx.port)
    assert.strictEqual(h.te, 'trailers')
    assert.strictEqual(h['content-type'], 'application/grpc')
    assert.match(h['grpc-timeout'], /^\d{1,8}[HMSmun]$/)
    assert.match(h['user-agent'], /^OTel-OTLP-Exporter-C\/\d+\.\d+\.\d+ otelc/)
    assert.strictEqual(h['grpc-encoding'], encoding)
  }
}

// Many batches, one connection.
function checkOneConnection (rx) {
  assert.ok(rx.requests.length >= 5, 'calls: ' + rx.requests.length)
  assert.strictEqual(new Set(rx.requests.map(q => q.peer)).size, 1, 'connections')
}

function checkSmallOnce (r, spans) {
  assert.strictEqual(spans.length, 10)
  assert.strictEqual(new Set(spans.map(s => s.spanId)).size, 10)
  assert.deepStrictEqual(r.stats, { ended: 10, exported: 10, dropped: 0, failed: 0 })
}

const endpoint = rx => `http://127.0.0.1:${rx.port}`

const cases = {
  // The big run over h2c, with metadata (a percent-encoded value, an upper-case name, a -bin).
  async h2c () {
    const rx = await receiver.start()
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(rx),
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cr%20et,X-Other=1,x-trace-bin=%00%01%FF',
    }, big)
    await rx.close()
    assert.deepStrictEqual(rx.errors, [])
    checkBig(r, rx.spans, SERVICE)
    checkWire(rx, undefined)
    checkOneConnection(rx)
    for (const q of rx.requests) {
      assert.strictEqual(q.metadata['x-api-key'], 's3cr et')
      assert.strictEqual(q.metadata['x-other'], '1')
      assert.deepStrictEqual([...q.metadata['x-trace-bin']], [0, 1, 255])
    }
    assert.ok(!r.stderr.includes('s3cr'), 'a header value in the log')
  },
  // The same, gzip-compressed (grpc-js decompresses with the encoding we name).
  async gzip () {
    const rx = await receiver.start()
    const r = await runGen({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint(rx),
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    }, big)
    await rx.close()
    checkBig(r, rx.spans, SERVICE)
    checkWire(rx, 'gzip')
    checkOneConnection(rx)
  },
  // TLS with a test CA (https, and a scheme-less endpoint, which is TLS by default); a
  // certificate from no trusted CA; mTLS with and without the client certificate.
  async tls () {
    const c = makeCerts()
    try {
      const tls = { cert: c.read('server.pem'), key: c.read('server.key') }
      let rx = await receiver.start({ tls })
      rx.tls = true
      let r = await runGen({
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'),
      }, big)
      await rx.close()
      checkBig(r, rx.spans, SERVICE)
      checkWire(rx, undefined)
      checkOneConnection(rx)

      rx = await receiver.start({ tls })
      r = await runGen({
        OTEL_EXPORTER_OTLP_ENDPOINT: `127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'),
      }, small)
      await rx.close()
      checkSmallOnce(r, rx.spans)

      rx = await receiver.start({ tls: { cert: c.read('self.pem'), key: c.read('self.key') } })
      r = await runGen({
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'),
        OTEL_EXPORTER_OTLP_TIMEOUT: '1500',
      }, small)
      await rx.close()
      assert.strictEqual(rx.spans.length, 0)
      assert.deepStrictEqual(r.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
      assert.match(r.stderr, /export failed: gRPC UNAVAILABLE from https:\/\/127\.0\.0\.1:\d+: TLS: certificate verification failed/)

      const mtls = { ...tls, ca: c.read('ca.pem') }
      rx = await receiver.start({ tls: mtls })
      r = await runGen({
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'),
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: c.f('client.pem'),
        OTEL_EXPORTER_OTLP_CLIENT_KEY: c.f('client.key'),
      }, small)
      await rx.close()
      checkSmallOnce(r, rx.spans)

      rx = await receiver.start({ tls: mtls })
      r = await runGen({
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${rx.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'),
        OTEL_EXPORTER_OTLP_TIMEOUT: '1500',
      }, small)
      await rx.close()
      assert.strictEqual(rx.spans.length, 0)
      assert.strictEqual(r.stats.exported, 0)
    } finally {
      fs.rmSync(c.dir, { recursive: true, force: true })
    }
  },
  // UNAVAILABLE twice, then OK: delivered once.
  async unavailable () {
    const rx = await receiver.start()
    rx.fail(2, { code: 14, message: 'not now' })
    const r = await runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(rx) }, small)
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [14, 14, 0])
    checkSmallOnce(r, rx.spans)
  },
  // RESOURCE_EXHAUSTED with a RetryInfo of 1 s is retried after that second; without one it
  // is not retried.
  async resource_exhausted () {
    let rx = await receiver.start()
    rx.fail(1, { code: 8, message: 'slow down', retryDelayMs: 1000 })
    let r = await runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(rx) }, small)
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [8, 0])
    const gap = rx.requests[1].time - rx.requests[0].time
    assert.ok(gap >= 950, 'waited ' + gap + ' ms')
    checkSmallOnce(r, rx.spans)

    rx = await receiver.start()
    rx.fail(100, { code: 8, message: 'quota gone' })
    r = await runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(rx) }, small)
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [8])
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
    assert.match(r.stderr, /gRPC RESOURCE_EXHAUSTED from http:\/\/127\.0\.0\.1:\d+: quota gone/)
  },
  // INVALID_ARGUMENT: not retried, counted as failed, logged with the decoded grpc-message.
  async invalid_argument () {
    const rx = await receiver.start()
    rx.fail(100, { code: 3, message: 'bad spans: 100% wrong ✓' })
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(rx),
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t0ken',
    }, small)
    await rx.close()
    assert.deepStrictEqual(rx.requests.map(q => q.answered), [3])
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
    assert.match(r.stderr, /gRPC INVALID_ARGUMENT from .*: bad spans: 100% wrong ✓/)
    assert.ok(!r.stderr.includes('t0ken'), 'a header value in the log')
  },
  // partial_success: logged once, not retried, the spans count as exported.
  async partial_success () {
    const rx = await receiver.start()
    rx.fail(1, { partialRejected: 3, partialMessage: 'three spans too old' })
    const r = await runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(rx) }, small)
    await rx.close()
    assert.strictEqual(rx.requests.length, 1)
    assert.strictEqual(r.stderr.split('partial success').length - 1, 1, r.stderr)
    assert.match(r.stderr, /partial success: 3 spans rejected: three spans too old/)
    checkSmallOnce(r, rx.spans)
  },
  // A server 2 s late against a 1 s deadline: cut at the deadline (grpc-timeout tells the
  // server too), counted as failed.
  async slow () {
    const rx = await receiver.start()
    rx.fail(100, { delayMs: 2000 })
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(rx),
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    }, small)
    await rx.close()
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
    assert.match(r.stderr, /export failed: gRPC DEADLINE_EXCEEDED/)
    assert.ok(r.ms < 3000, 'took ' + r.ms + ' ms')
    for (const h of rx.rawHeaders) assert.ok(/^\d+[mu]$/.test(h['grpc-timeout']), h['grpc-timeout'])
  },
  // The server restarts (GOAWAY, then down, then back on the same port) while otelc-gen
  // runs: everything arrives exactly once.
  async restart () {
    const rx = await receiver.start()
    const port = rx.port
    const run = runGen({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(rx) },
      ['--count', '2000', '--depth', '1', '--rate', '1000'])
    await sleep(700)
    await rx.close()
    await sleep(300)
    const rx2 = await receiver.start({ port })
    const r = await run
    await rx2.close()
    const spans = rx.spans.concat(rx2.spans)
    assert.ok(rx.spans.length > 0 && rx2.spans.length > 0, `${rx.spans.length} + ${rx2.spans.length}`)
    assert.strictEqual(new Set(spans.map(s => s.spanId)).size, spans.length, 'delivered twice')
    assert.strictEqual(spans.length, 2000)
    assert.deepStrictEqual(r.stats, { ended: 2000, exported: 2000, dropped: 0, failed: 0 })
  },
  // The server's process is killed for 10 s while otelc-gen keeps making spans: otelc-gen
  // keeps its pace, drops and failures are counted, and export resumes when the server is back.
  async killed () {
    const receiverJs = path.join(__dirname, 'grpc_receiver.js')
    const spawnReceiver = port => util.spawnReceiver(receiverJs, port)
    const first = await spawnReceiver(0)
    const started = Date.now()
    const run = runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${first.port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      OTEL_BSP_MAX_QUEUE_SIZE: '2048',
    }, ['--count', '16000', '--depth', '1', '--rate', '1000'])
    await sleep(3000)
    first.child.kill('SIGKILL')
    await sleep(10000)
    const second = await spawnReceiver(first.port)
    const r = await run
    const took = Date.now() - started
    second.child.kill('SIGTERM')
    const ids = [...first.lines, ...second.lines].filter(l => l.answered === 0).flatMap(l => l.spanIds)
    const after = second.lines.reduce((n, l) => n + l.spanIds.length, 0)
    assert.strictEqual(r.stats.ended, 16000)
    assert.strictEqual(r.stats.exported + r.stats.dropped + r.stats.failed, 16000, JSON.stringify(r.stats))
    assert.ok(r.stats.dropped + r.stats.failed > 0, 'nothing counted as lost: ' + JSON.stringify(r.stats))
    assert.ok(after > 1000, 'export resumed: ' + after)
    assert.strictEqual(new Set(ids).size, ids.length, 'delivered twice')
    assert.ok(ids.length >= r.stats.exported, `received ${ids.length} < exported ${r.stats.exported}`)
    // 16 s of spans at 1000/s; the generator never waited for the exporter.
    assert.ok(took < 16000 + 6000, 'took ' + took + ' ms')
  },
  // A process that exported and then forked: the parent keeps its connection, the child's
  // exporter dropped the inherited one (after_fork, sending nothing on it) and connects afresh.
  async fork_reconnect () {
    const rx = await receiver.start()
    const out = await new Promise((resolve, reject) => execFile(forkProgram, {
      env: { ...process.env, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(rx) },
    }, (err, stdout, stderr) => (err ? reject(new Error(stderr + String(err))) : resolve(stdout))))
    await rx.close()
    assert.match(out, /^parent exported 2 failed 0$/m)
    assert.match(out, /^child exported 1 failed 0$/m)
    assert.deepStrictEqual(rx.spans.map(s => s.name).sort(), ['before-fork', 'in-child', 'in-parent'])
    assert.strictEqual(rx.requests.length, 3)
    const peerOf = n => rx.requests.find(q => q.spanIds.includes(rx.spans.find(s => s.name === n).spanId)).peer
    assert.strictEqual(peerOf('in-parent'), peerOf('before-fork'), 'the parent reused its connection')
    assert.notStrictEqual(peerOf('in-child'), peerOf('before-fork'), 'the child made its own connection')
  },
  // A closed port: UNAVAILABLE retried with backoff until the deadline.
  async refused () {
    const port = await new Promise(resolve => {
      const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
    })
    const r = await runGen({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    }, small)
    assert.deepStrictEqual(r.stats, { ended: 10, exported: 0, dropped: 0, failed: 10 })
    assert.match(r.stderr, /gRPC UNAVAILABLE from .*no time left to retry after [2-9] attempts/)
  },
}

if (!cases[caseName]) {
  console.error('usage: node otlp_grpc.js CASE OTELC_GEN; cases: ' + Object.keys(cases).join(' '))
  process.exit(2)
}
cases[caseName]().then(() => { console.log('ok ' + caseName) }, e => {
  console.error(e)
  process.exit(1)
})
