// SPDX-License-Identifier: Apache-2.0
// The fault suite (docs/reliability.md): otelc-gen makes spans at a steady rate through the
// batch processor and the OTLP exporter, over HTTP (receiver.js) or gRPC (grpc_receiver.js,
// @grpc/grpc-js), while the receiver misbehaves in one way per case. Every case checks that
// otelc-gen exits 0 with its shutdown inside the deadline, that ended = exported + dropped +
// failed with nothing left queued, that no span arrived twice, that what arrived equals what
// was counted as exported when the fault lets anything through, and that the peak RSS stays
// within the documented memory bound. The cost per span is printed, never asserted.
//
// usage: node faults.js CASE OTELC_GEN [FORK_STRESS] [BAD_UTF8]   (node faults.js --list)
'use strict'

const assert = require('assert')
const { execFileSync, spawn } = require('child_process')
const fs = require('fs')
const http2 = require('http2')
const net = require('net')
const os = require('os')
const path = require('path')

const interop = path.join(__dirname, '..', 'interop')
const receiver = require(path.join(interop, 'receiver.js'))
const grpcReceiver = require(path.join(interop, 'grpc_receiver.js'))
const { spawnReceiver: spawnReceiverProgram } = require(path.join(interop, 'interop_util.js'))

const [caseName, gen, forkStress, badUtf8] = process.argv.slice(2)
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// The load: RATE traces of DEPTH spans per second for COUNT / RATE seconds.
const RATE = 500
const COUNT = 1500
const DEPTH = 2
const LOAD = ['--count', String(COUNT), '--rate', String(RATE), '--depth', String(DEPTH),
  '--attrs', '4', '--events', '1']
// otelc-gen's shutdown deadline (GEN_SHUTDOWN_MS) and the slack allowed beyond it.
const SHUTDOWN_DEADLINE_MS = 30000
const SHUTDOWN_SLACK_MS = 1000
// docs/batch-processor.md: at most (queue size + 4096 + 32 x threads) spans, each under
// 1 KiB with these limits and values. On top of the process at rest (measured per case), the
// transport may hold a request body and its gzip copy (given back above 4 MiB), a 64 KiB
// response and the TLS and HTTP/2 state: TRANSPORT_MARGIN_KB covers them.
const QUEUE = 2048
const SPAN_KB = 1
const TRANSPORT_MARGIN_KB = 8 * 1024
const boundKb = (baseKb, threads) => baseKb + (QUEUE + 4096 + 32 * threads) * SPAN_KB + TRANSPORT_MARGIN_KB

const genEnv = (transport, port, extra) => ({
  ...process.env,
  OTEL_SERVICE_NAME: 'faults',
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_EXPORTER_OTLP_PROTOCOL: transport === 'grpc' ? 'grpc' : 'http/protobuf',
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
  OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
  OTEL_BSP_SCHEDULE_DELAY: '200',
  OTEL_BSP_MAX_QUEUE_SIZE: String(QUEUE),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512',
  ...extra,
})

// Runs otelc-gen traces; resolves {code, stats, proc, stderr, ms, pid}. onStart(child) runs
// once it is spawned.
function runGen (env, args, onStart) {
  const started = Date.now()
  return new Promise(resolve => {
    const child = spawn(gen, ['traces', '--process-stats', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', d => { stderr += d })
    if (onStart) onStart(child)
    child.on('close', code => {
      const lines = stderr.split('\n')
      const json = p => { const l = lines.find(x => x.startsWith(p)); return l ? JSON.parse(l) : null }
      const proc = json('{"process"')
      resolve({ code, stats: json('{"ended"'), proc: proc && proc.process, stderr, ms: Date.now() - started, pid: child.pid })
    })
  })
}

function freePort () {
  return new Promise(resolve => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)) })
  })
}

// The peak RSS of the process at rest with this transport: ten traces to a healthy receiver.
async function baseRssKb (transport, extra = {}) {
  const rx = transport === 'grpc' ? await grpcReceiver.start() : await receiver.start()
  const r = await runGen(genEnv(transport, rx.port, extra), ['--count', '10', '--depth', String(DEPTH)])
  await rx.close()
  assert.strictEqual(r.code, 0, r.stderr)
  return r.proc.maxrss_kb
}

const rows = []

// The checks every case makes. received: span ids that arrived in requests answered with
// success; sent: ids of every request the receiver saw (failed ones too), when known.
// exact: what arrived must equal exported (the fault cannot make a success look like a
// failure). lost: the fault must have made the exporter count failures.
function check (name, transport, r, baseKb, { received, exact = true, lost = false, someExported = true }) {
  assert.strictEqual(r.code, 0, 'otelc-gen exited ' + r.code + ':\n' + r.stderr)
  const s = r.stats
  const p = r.proc
  assert.ok(s && p, 'no counters printed:\n' + r.stderr)
  assert.strictEqual(s.ended, p.spans_made, 'every span made was ended into the processor')
  assert.strictEqual(s.ended, s.exported + s.dropped + s.failed, 'ended = exported + dropped + failed: ' + JSON.stringify(s))
  assert.strictEqual(p.queued, 0, 'nothing left queued after shutdown')
  assert.ok(p.shutdown_ms <= SHUTDOWN_DEADLINE_MS + SHUTDOWN_SLACK_MS, 'shutdown took ' + p.shutdown_ms + ' ms')
  assert.strictEqual(new Set(received).size, received.length, 'a span arrived twice')
  if (exact) assert.strictEqual(received.length, s.exported, 'arrived vs exported')
  else assert.ok(received.length >= s.exported, `arrived ${received.length} < exported ${s.exported}`)
  if (someExported) assert.ok(s.exported > 0, 'nothing got through')
  else assert.strictEqual(s.exported, 0, 'exported through a fault that lets nothing through')
  if (lost) assert.ok(s.failed + s.dropped > 0, 'nothing counted as lost')
  const bound = boundKb(baseKb, 1)
  assert.ok(p.maxrss_kb <= bound, `peak RSS ${p.maxrss_kb} KiB over the bound ${bound} KiB`)
  const row = { transport, fault: name, ended: s.ended, exported: s.exported, dropped: s.dropped, failed: s.failed, rss_kb: p.maxrss_kb, base_kb: baseKb, bound_kb: bound, ns_per_span: p.ns_per_span, shutdown_ms: p.shutdown_ms, ms: r.ms }
  rows.push(row)
}

function printRows () {
  console.log('transport fault                   ended exported dropped failed   RSS KiB (base, bound)  ns/span shutdown ms')
  for (const w of rows) {
    console.log(`${w.transport.padEnd(9)} ${w.fault.padEnd(22)} ${String(w.ended).padStart(6)} ${String(w.exported).padStart(8)} ${String(w.dropped).padStart(7)} ${String(w.failed).padStart(6)} ${String(w.rss_kb).padStart(9)} (${w.base_kb}, ${w.bound_kb}) ${w.ns_per_span.toFixed(0).padStart(8)} ${String(w.shutdown_ms).padStart(11)}`)
    console.log('FAULTROW ' + JSON.stringify(w))
  }
}

const start = transport => (transport === 'grpc' ? grpcReceiver.start : receiver.start)
const okIds = rx => rx.requests.filter(q => q.answered === 200 || q.answered === 0).flatMap(q => q.spanIds || [])

// One run against an in-process receiver set up by arm(rx); returns the run and the receiver.
async function simple (transport, arm, extra = {}) {
  const baseKb = await baseRssKb(transport, extra)
  const rx = await start(transport)({})
  arm(rx)
  const r = await runGen(genEnv(transport, rx.port, extra), LOAD)
  await rx.close()
  return { r, rx, baseKb }
}

// --- the faults ----------------------------------------------------------------------------

// The collector is not there when the application starts; it comes up 1.5 s later. The last
// attempt of an export may reach the fresh collector too late for its answer to beat the
// deadline: it arrives but counts as failed, so what arrived may exceed what was counted.
async function absent (transport) {
  const baseKb = await baseRssKb(transport)
  const port = await freePort()
  let rx = null
  const run = runGen(genEnv(transport, port), LOAD)
  await sleep(1500)
  rx = await start(transport)({ port })
  const r = await run
  await rx.close()
  check('absent at start', transport, r, baseKb, { received: okIds(rx), exact: false, lost: true })
}

// Spawns the receiver as a process of its own (to be killed); resolves {child, lines, port}.
const spawnReceiver = (transport, port) =>
  spawnReceiverProgram(path.join(interop, transport === 'grpc' ? 'grpc_receiver.js' : 'receiver.js'), port)

// The collector's process is killed (SIGKILL) 1 s into the run and restarted 1 s later on the
// same port. A request the collector read just before dying may be sent again when its
// answer was lost, so what arrived may exceed what was counted; it must still arrive once.
async function killed (transport) {
  const baseKb = await baseRssKb(transport)
  const first = await spawnReceiver(transport, 0)
  const run = runGen(genEnv(transport, first.port), LOAD)
  await sleep(1000)
  first.child.kill('SIGKILL')
  await sleep(1000)
  const second = await spawnReceiver(transport, first.port)
  const r = await run
  second.child.kill('SIGTERM')
  const ok = l => l.answered === 200 || l.answered === 0
  const received = [...first.lines, ...second.lines].filter(ok).flatMap(l => l.spanIds)
  assert.ok(second.lines.filter(ok).length > 0, 'export resumed after the restart')
  check('killed and restarted', transport, r, baseKb, { received, exact: false, lost: true })
}

// Every answer comes 1.5 s after the 1 s export deadline: each export fails at the deadline,
// is counted, and not sent again.
async function slow (transport) {
  const { r, rx, baseKb } = await simple(transport, rx => rx.fail(100000, { delayMs: 1500 }))
  const received = rx.requests.flatMap(q => q.spanIds || [])
  check('slow (past deadline)', transport, r, baseKb, { received, exact: false, lost: true, someExported: false })
  assert.ok(r.stats.failed > 0, 'failures counted')
}

// No fault: the reference row for the table (cost per span, RSS).
async function none (transport) {
  const { r, rx, baseKb } = await simple(transport, () => {})
  check('none (reference)', transport, r, baseKb, { received: okIds(rx) })
  assert.deepStrictEqual([r.stats.dropped, r.stats.failed], [0, 0])
}

// The first three requests get a retryable status: they are retried (the 5 s deadline leaves
// room for the 0.5 s and 1 s backoff steps), none fails, everything arrives once.
async function retryable (transport, how, label) {
  const extra = { OTEL_EXPORTER_OTLP_TIMEOUT: '5000' }
  const { r, rx, baseKb } = await simple(transport, rx => rx.fail(3, how), extra)
  const failedIds = rx.requests.filter(q => q.answered !== 200 && q.answered !== 0).flatMap(q => q.spanIds || [])
  const received = okIds(rx)
  check(label, transport, r, baseKb, { received })
  assert.strictEqual(rx.requests.filter(q => q.answered !== 200 && q.answered !== 0).length, 3)
  const got = new Set(received)
  for (const id of failedIds) assert.ok(got.has(id), 'a retried span did not arrive')
  assert.ok(failedIds.length > 0, 'the failed requests carried spans')
  // The queue may fill (and drop, counted) while the exporter waits between attempts.
  assert.strictEqual(r.stats.failed, 0, 'a retried export failed')
}

// The first three requests get a non-retryable status: counted as failed, never sent again.
async function nonRetryable (transport, how, label) {
  const { r, rx, baseKb } = await simple(transport, rx => rx.fail(3, how))
  const failedIds = rx.requests.filter(q => q.answered !== 200 && q.answered !== 0).flatMap(q => q.spanIds || [])
  const received = okIds(rx)
  check(label, transport, r, baseKb, { received, lost: true })
  assert.strictEqual(rx.requests.filter(q => q.answered !== 200 && q.answered !== 0).length, 3, 'retried')
  const got = new Set(received)
  for (const id of failedIds) assert.ok(!got.has(id), 'a rejected span was sent again')
  assert.strictEqual(r.stats.failed, failedIds.length, 'failed = the spans of the rejected requests')
}

// The connections of the first three requests are cut right after their headers arrive:
// retried, delivered once.
async function reset (transport) {
  const { r, rx, baseKb } = await simple(transport, rx => (transport === 'grpc' ? rx.reset(3) : rx.fail(3, { reset: true })))
  check('connection reset', transport, r, baseKb, { received: okIds(rx) })
  assert.strictEqual(rx.requests.filter(q => q.answered === 'reset').length, 3)
}

// A gRPC server on node:http2 that reads each call and answers as answer(stream) says.
function rawGrpcServer (answer) {
  const server = http2.createServer()
  const state = { calls: 0 }
  server.on('stream', stream => {
    stream.on('data', () => {})
    stream.on('end', () => { state.calls++; answer(stream) })
    stream.on('error', () => {})
  })
  server.on('sessionError', () => {})
  // Sessions are tracked so that close() need not wait for idle connections.
  const sessions = new Set()
  server.on('session', s => { sessions.add(s); s.on('close', () => sessions.delete(s)) })
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => {
    state.port = server.address().port
    state.close = () => new Promise(r => { server.close(() => r()); for (const s of sessions) s.destroy() })
    resolve(state)
  }))
}

// Garbage answers. HTTP: a 200 whose body is 200 KB of 0xff (the partial success reader
// ignores it: exported). gRPC: a 200 with `application/grpc` whose body is not gRPC framing
// followed by grpc-status 0 (the call fails and is counted).
async function garbage (transport) {
  if (transport === 'http') {
    const { r, rx, baseKb } = await simple(transport, rx => rx.fail(100000, { body: Buffer.alloc(200000, 0xff) }))
    check('garbage body', transport, r, baseKb, { received: okIds(rx) })
    return
  }
  const baseKb = await baseRssKb(transport)
  const junk = Buffer.alloc(70000)
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) & 0xff
  const srv = await rawGrpcServer(stream => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true })
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }))
    stream.end(junk)
  })
  const r = await runGen(genEnv(transport, srv.port), LOAD)
  await srv.close()
  assert.ok(srv.calls > 0)
  check('garbage body', transport, r, baseKb, { received: [], exact: true, lost: true, someExported: false })
}

// Oversized answers. HTTP: the first three answers are 200 with a 50 MB body; the exporter
// keeps 64 KiB of it (the rest is read and dropped) and counts the spans exported. gRPC: every
// answer is one 50 MB gRPC message; the exporter stops at its 64 KiB response limit and
// counts the call failed. Either way the peak RSS stays within the bound.
async function oversized (transport) {
  const big = Buffer.alloc(50 * 1024 * 1024, 0x41)
  if (transport === 'http') {
    const extra = { OTEL_EXPORTER_OTLP_TIMEOUT: '5000' }
    const { r, rx, baseKb } = await simple(transport, rx => rx.fail(3, { body: big }), extra)
    check('oversized body (50 MB)', transport, r, baseKb, { received: okIds(rx) })
    return
  }
  const baseKb = await baseRssKb(transport)
  const prefix = Buffer.alloc(5)
  prefix.writeUInt32BE(big.length, 1)
  const srv = await rawGrpcServer(stream => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true })
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }))
    stream.write(prefix)
    stream.end(big)
  })
  const r = await runGen(genEnv(transport, srv.port), LOAD)
  await srv.close()
  assert.ok(srv.calls > 0)
  check('oversized message (50 MB)', transport, r, baseKb, { received: [], lost: true, someExported: false })
}

function openssl (dir, ...args) { execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }) }

// A CA the exporter trusts and three server certificates it must refuse: one the CA signed
// that expired yesterday, one nobody signed, and one the CA signed for another host.
function makeBadCerts () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelc-faults-tls-'))
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '2', '-subj', '/CN=otelc faults CA')
  fs.writeFileSync(path.join(dir, 'local.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  fs.writeFileSync(path.join(dir, 'other.ext'), 'subjectAltName=DNS:collector.example.com,IP:10.9.9.9\n')
  const signed = (name, days, ext) => {
    openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', name + '.key', '-out', name + '.csr',
      '-subj', '/CN=' + name)
    // -days -1: valid from now until yesterday, i.e. expired (OpenSSL 3.0 has no -not_after).
    openssl(dir, 'x509', '-req', '-in', name + '.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
      '-CAcreateserial', '-out', name + '.pem', '-days', String(days), '-extfile', ext)
  }
  signed('expired', -1, 'local.ext')
  signed('wronghost', 2, 'other.ext')
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'selfsigned.key', '-out',
    'selfsigned.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1')
  return { dir, f: n => path.join(dir, n), read: n => fs.readFileSync(path.join(dir, n)) }
}

// TLS with a certificate that must be refused. OTEL_EXPORTER_OTLP_INSECURE=true is set too: a
// stray variable must not turn verification off for an https endpoint.
async function tls (transport, which) {
  const c = makeBadCerts()
  try {
    const extra = { OTEL_EXPORTER_OTLP_CERTIFICATE: c.f('ca.pem'), OTEL_EXPORTER_OTLP_INSECURE: 'true' }
    const baseKb = await baseRssKb(transport)
    const rx = await start(transport)({ tls: { cert: c.read(which + '.pem'), key: c.read(which + '.key') } })
    const r = await runGen(genEnv(transport, rx.port, { ...extra, OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${rx.port}` }), LOAD)
    await rx.close()
    assert.strictEqual(rx.spans.length, 0, 'spans arrived over a connection that should be refused')
    check('TLS ' + which, transport, r, baseKb, { received: [], lost: true, someExported: false })
    assert.match(r.stderr, /certificate|SSL|TLS/i)
  } finally {
    fs.rmSync(c.dir, { recursive: true, force: true })
  }
}

// Two producer threads at full speed for 30 s against a collector that answers every request
// 100 ms late: RSS (sampled every second from /proc) is flat after the 10 s warm-up, within
// OVERLOAD_MARGIN_KB of its value at 10 s, and the counters add up.
const OVERLOAD_MARGIN_KB = 8 * 1024
async function overload (transport) {
  const baseKb = await baseRssKb(transport)
  const rx = await start(transport)({})
  rx.fail(1000000, { delayMs: 100 })
  const samples = []
  let timer = null
  const r = await runGen(genEnv(transport, rx.port), ['--threads', '2', '--duration', '30'], child => {
    const t0 = Date.now()
    timer = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
        const m = status.match(/VmRSS:\s+(\d+) kB/)
        if (m) samples.push({ s: Math.round((Date.now() - t0) / 1000), kb: Number(m[1]) })
      } catch (e) { /* the process has exited */ }
    }, 1000)
  })
  clearInterval(timer)
  await rx.close()
  console.log('RSS samples (s: KiB): ' + samples.map(x => `${x.s}:${x.kb}`).join(' '))
  const at10 = samples.find(x => x.s >= 10)
  const late = samples.filter(x => x.s > 10 && x.s <= 30)
  assert.ok(at10 && late.length >= 15, 'too few RSS samples: ' + samples.length)
  const maxLate = Math.max(...late.map(x => x.kb))
  console.log(`overload ${transport}: RSS at 10 s ${at10.kb} KiB, max over 11-30 s ${maxLate} KiB (margin ${OVERLOAD_MARGIN_KB} KiB)`)
  assert.ok(maxLate <= at10.kb + OVERLOAD_MARGIN_KB, `RSS grew after warm-up: ${at10.kb} -> ${maxLate} KiB`)
  check('overload 2x full speed 30 s', transport, r, baseKb, { received: okIds(rx), lost: true })
  assert.ok(r.stats.dropped > 0, 'the slow collector made the queue drop')
}

// The pre-forking server pattern (fork_stress.c): every process's spans arrive, once.
async function forkStressCase () {
  const rx = await receiver.start()
  const out = await new Promise((resolve, reject) => {
    const child = spawn(forkStress, ['200'], { env: genEnv('http', rx.port, {}), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('close', (code, signal) => (code === 0 ? resolve(stdout) : reject(new Error(`fork_stress exited ${code} ${signal}:\n${stderr}${stdout}`))))
  })
  await rx.close()
  const summary = JSON.parse(out.trim().split('\n').pop())
  assert.deepStrictEqual(rx.errors, [])
  const ids = rx.spans.map(s => s.spanId)
  assert.strictEqual(new Set(ids).size, ids.length, 'a span arrived twice')
  const byTag = new Map()
  for (const s of rx.spans) byTag.set(s.attributes['proc.tag'], (byTag.get(s.attributes['proc.tag']) || 0) + 1)
  for (let i = 0; i < summary.children; i++) {
    assert.strictEqual(byTag.get('c' + i), summary.spans_per_process, 'spans of child ' + i)
    if (i % 10 === 0) assert.strictEqual(byTag.get('g' + i), summary.spans_per_process, 'spans of grandchild ' + i)
  }
  assert.strictEqual(byTag.get('p') || 0, summary.parent.exported, 'the parent threads\' spans')
  assert.strictEqual(summary.parent.exported, summary.parent.ended)
  const processes = [...byTag.keys()].length
  console.log(`fork stress: ${summary.children} children, ${summary.grandchildren} grandchildren, ` +
    `${rx.spans.length} spans from ${processes} tags (parent threads ${summary.parent.exported}), ${rx.requests.length} requests`)
  console.log('FAULTROW ' + JSON.stringify({ fault: 'fork stress', ...summary, spans: rx.spans.length, requests: rx.requests.length }))
}

// Invalid UTF-8 in span names, attribute values and metric attributes (bad_utf8.c) is repaired
// on export, so receivers that reject ill-formed proto3 strings take it: protobufjs is made
// as strict as the Go collector's decoder here (a fatal UTF-8 decode of every string).
function strictUtf8 (pb) {
  const td = new TextDecoder('utf-8', { fatal: true })
  for (const R of [pb.Reader, pb.BufferReader]) {
    R.prototype.string = function () { return td.decode(this.bytes()) }
  }
}

async function utf8 (transport) {
  strictUtf8(require(path.join(interop, 'node_modules/dd-trace/vendor/dist/protobufjs')))
  strictUtf8(require(require.resolve('protobufjs', { paths: [require.resolve('@grpc/proto-loader', { paths: [interop] })] })))
  const rx = await start(transport)({})
  const env = genEnv(transport, rx.port, { OTEL_METRICS_EXPORTER: 'otlp' })
  const out = await new Promise((resolve, reject) => {
    const child = spawn(badUtf8, [], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('close', code => (code === 0 ? resolve(stdout + stderr) : reject(new Error(`bad_utf8 exited ${code}:\n${stderr}${stdout}`))))
  })
  await rx.close()
  assert.deepStrictEqual(rx.errors, [], 'the receiver could not decode: ' + out)
  assert.strictEqual(rx.spans.length, 2, out)
  const names = rx.spans.map(s => s.name).sort()
  assert.deepStrictEqual(names, ['bad\uFFFDname', 'truncated \uFFFD'])
  const span = rx.spans.find(s => s.name === 'bad\uFFFDname')
  // One U+FFFD per maximal ill-formed subpart (Unicode 3.9): \xc3 before '(', and each byte
  // of the encoded surrogate \xed\xa0\x80.
  assert.strictEqual(span.attributes['bad.value'], 'a\uFFFD(z\uFFFD\uFFFD\uFFFD')
  assert.strictEqual(span.attributes['k\uFFFDy'], 'overlong \uFFFD\uFFFD')
  assert.ok(rx.metrics.length >= 1, 'metrics arrived')
  const text = JSON.stringify(rx.metrics)
  assert.ok(text.includes('v\\ufffdl') || text.includes('v\uFFFDl'), 'the repaired metric attribute: ' + text.slice(0, 400))
  console.log(`utf8 ${transport}: ${rx.spans.length} spans and ${rx.metrics.length} metric requests decoded strictly`)
}

const cases = {
  overload_http: () => overload('http'),
  overload_grpc: () => overload('grpc'),
  fork_stress: forkStressCase,
  utf8_http: () => utf8('http'),
  utf8_grpc: () => utf8('grpc'),
}
for (const t of ['http', 'grpc']) {
  cases[t + '_none'] = () => none(t)
  cases[t + '_absent'] = () => absent(t)
  cases[t + '_killed'] = () => killed(t)
  cases[t + '_slow'] = () => slow(t)
  cases[t + '_reset'] = () => reset(t)
  cases[t + '_garbage'] = () => garbage(t)
  cases[t + '_oversized'] = () => oversized(t)
  for (const which of ['expired', 'selfsigned', 'wronghost']) cases[`${t}_tls_${which}`] = () => tls(t, which)
}
for (const s of [429, 502, 503, 504]) cases['http_retry_' + s] = () => retryable('http', { status: s }, 'HTTP ' + s)
for (const s of [400, 401, 403, 413, 500]) cases['http_reject_' + s] = () => nonRetryable('http', { status: s, message: 'no' }, 'HTTP ' + s)
const grpcNames = { 1: 'CANCELLED', 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 10: 'ABORTED', 11: 'OUT_OF_RANGE', 12: 'UNIMPLEMENTED', 13: 'INTERNAL', 14: 'UNAVAILABLE', 15: 'DATA_LOSS', 16: 'UNAUTHENTICATED' }
for (const c of [1, 4, 10, 11, 14, 15]) cases['grpc_retry_' + grpcNames[c].toLowerCase()] = () => retryable('grpc', { code: c, message: 'later' }, grpcNames[c])
cases.grpc_retry_resource_exhausted = () => retryable('grpc', { code: 8, message: 'slow down', retryDelayMs: 200 }, 'RESOURCE_EXHAUSTED+RetryInfo')
for (const c of [3, 7, 8, 12, 13, 16]) cases['grpc_reject_' + grpcNames[c].toLowerCase()] = () => nonRetryable('grpc', { code: c, message: 'no' }, grpcNames[c])

if (caseName === '--list') {
  console.log(Object.keys(cases).join('\n'))
  process.exit(0)
}
if (!cases[caseName] || !gen) {
  console.error('usage: node faults.js CASE OTELC_GEN [FORK_STRESS] [BAD_UTF8]; cases: ' + Object.keys(cases).join(' '))
  process.exit(2)
}
cases[caseName]().then(() => {
  printRows()
  console.log('ok ' + caseName)
  process.exit(0)
}, e => {
  printRows()
  console.error(e)
  process.exit(1)
})
