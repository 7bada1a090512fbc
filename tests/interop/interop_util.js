// SPDX-License-Identifier: Apache-2.0
// What the OTLP interop case runners (otlp_http.js, otlp_grpc.js) share: running otelc-gen,
// checking the big run's spans, and making test certificates.
'use strict'

const assert = require('assert')
const { execFileSync, spawn } = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')

// Runs `otelc-gen traces` (or another subcommand) with OTLP settings (env holds
// OTEL_SERVICE_NAME and the rest); resolves {code, stats, stderr, ms}: stats is the JSON line
// the subcommand prints last.
function runGen (gen, env, genArgs, subcommand = 'traces') {
  const started = Date.now()
  const statsPrefix = subcommand === 'traces' ? '{"ended"' : '{"recorded"'
  return new Promise(resolve => {
    const child = spawn(gen, [subcommand, ...genArgs], {
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_BSP_MAX_QUEUE_SIZE: '100000',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', d => { stderr += d })
    child.stdout.on('data', () => {})
    child.on('close', code => {
      const line = stderr.split('\n').find(l => l.startsWith(statsPrefix))
      // Failed exports are counted, not fatal: otelc-gen exits 0 whenever it shut down cleanly.
      assert.strictEqual(code, 0, 'otelc-gen exited ' + code + ':\n' + stderr)
      resolve({ code, stats: line ? JSON.parse(line) : null, stderr, ms: Date.now() - started })
    })
  })
}

const big = ['--count', '1000', '--depth', '3', '--attrs', '4', '--events', '1', '--links', '1']
const small = ['--count', '10', '--depth', '1']

// 1000 traces of 3 spans: every parent present in its trace, everything else as made.
function checkBig (r, spans, service) {
  assert.strictEqual(spans.length, 3000, 'spans received')
  const ids = new Set(spans.map(s => s.traceId + '/' + s.spanId))
  assert.strictEqual(ids.size, 3000, 'distinct span ids')
  const traces = new Map()
  for (const s of spans) {
    traces.set(s.traceId, (traces.get(s.traceId) || 0) + 1)
    if (s.parentSpanId) assert.ok(ids.has(s.traceId + '/' + s.parentSpanId), 'parent of ' + s.spanId)
    assert.ok(Object.keys(s.attributes).length >= 4, 'attributes')
    assert.strictEqual(s.events.length, 1, 'events')
    assert.strictEqual(s.resource['service.name'], service, 'resource')
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

// Starts a receiver program (receiver.js or grpc_receiver.js) as a process of its own, to be
// killed; resolves {child, lines, port} once it listens. lines collects the JSON line it prints
// for each request.
function spawnReceiver (js, port) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [js, '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] })
    const lines = []
    let buf = ''
    child.stdout.on('data', d => {
      buf += d
      let i
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 1)
        if (line.startsWith('listening ')) resolve({ child, lines, port: Number(line.split(' ')[1]) })
        else if (line) lines.push(JSON.parse(line))
      }
    })
    child.on('error', reject)
  })
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

module.exports = { runGen, big, small, checkBig, makeCerts, spawnReceiver }
