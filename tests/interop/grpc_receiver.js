// SPDX-License-Identifier: Apache-2.0
// A test OTLP/gRPC receiver on @grpc/grpc-js (a gRPC server we did not write) that decodes
// requests with the UPSTREAM opentelemetry-proto v1.7.0 schema (the .proto files shipped by
// dd-trace, loaded by @grpc/proto-loader), records what it received, and can be told to answer
// the next calls with a failure.
//
// As a module: start({port, tls, onRequest}) gives {port, requests, spans, rawHeaders, errors,
// fail(n, how), close(), kill()}.
// As a program: node grpc_receiver.js [--port N]; it prints `listening PORT` and one JSON line
// per call (for the case that kills the receiver's process).
'use strict'

const path = require('path')
const grpc = require('@grpc/grpc-js')
const protoLoader = require('@grpc/proto-loader')
const { flatten } = require('./receiver.js')

const protoDir = path.join(__dirname, 'node_modules/dd-trace/packages/dd-trace/src/opentelemetry/otlp')
const definition = protoLoader.loadSync(['trace_service.proto', 'metrics_service.proto'], {
  includeDirs: [protoDir],
  keepCase: false,
  longs: String,
  enums: Number,
  defaults: false,
  oneofs: false,
})
const proto = grpc.loadPackageDefinition(definition)
const TraceService = proto.opentelemetry.proto.collector.trace.v1.TraceService
const MetricsService = proto.opentelemetry.proto.collector.metrics.v1.MetricsService

const varint = n => { const out = []; do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b) } while (n); return Buffer.from(out) }
const field = (num, bytes) => Buffer.concat([varint(num << 3 | 2), varint(bytes.length), bytes])

// google.rpc.Status { code = 1; message = 2; details = 3 (Any) } with one google.rpc.RetryInfo
// { retry_delay = 1 (Duration { seconds = 1; nanos = 2 }) }, written by hand: the upstream
// package does not ship the google.rpc protos.
function statusWithRetryInfo (code, message, delayMs) {
  const duration = Buffer.concat([
    Buffer.from([0x08]), varint(Math.floor(delayMs / 1000)),
    Buffer.from([0x10]), varint((delayMs % 1000) * 1e6),
  ])
  const retryInfo = field(1, duration)
  const any = Buffer.concat([field(1, Buffer.from('type.googleapis.com/google.rpc.RetryInfo')), field(2, retryInfo)])
  return Buffer.concat([Buffer.from([0x08]), varint(code), field(2, Buffer.from(message)), field(3, any)])
}

function start (opts = {}) {
  const state = { requests: [], spans: [], metrics: [], rawHeaders: [], failures: [], errors: [] }
  // fail(n, how): the next n calls are answered as `how` says: {code, message, retryDelayMs,
  // partialRejected, partialMessage, delayMs}.
  state.fail = (n, how) => { for (let i = 0; i < n; i++) state.failures.push(how) }
  // reset(n): the connections of the next n calls are cut as soon as their headers arrive.
  state.resets = 0
  state.reset = n => { state.resets += n }

  const Export = (call, callback) => {
    const how = state.failures.shift() || {}
    const spans = flatten(call.request, false)
    const rec = {
      time: Date.now(),
      peer: call.getPeer(),
      metadata: call.metadata.getMap(),
      answered: how.code || 0,
      spans: spans.length,
      spanIds: spans.map(s => s.spanId),
    }
    state.requests.push(rec)
    // Only calls answered OK count as received.
    if (!how.code) state.spans.push(...spans)
    if (opts.onRequest) opts.onRequest(rec)
    const answer = () => {
      if (how.code) {
        const metadata = new grpc.Metadata()
        if (how.retryDelayMs !== undefined) {
          metadata.set('grpc-status-details-bin', statusWithRetryInfo(how.code, how.message || '', how.retryDelayMs))
        }
        callback({ code: how.code, details: how.message || ('status ' + how.code), metadata })
      } else if (how.partialRejected !== undefined) {
        callback(null, { partialSuccess: { rejectedSpans: how.partialRejected, errorMessage: how.partialMessage || '' } })
      } else {
        callback(null, {})
      }
    }
    if (how.delayMs) setTimeout(answer, how.delayMs)
    else answer()
  }

  // Bytes fields (trace and span ids) as lowercase hex, as receiver.js gives them.
  const hexBytes = v => Buffer.isBuffer(v) ? v.toString('hex')
    : Array.isArray(v) ? v.map(hexBytes)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hexBytes(x)]))
        : v

  // MetricsService/Export: the decoded ExportMetricsServiceRequest of each call answered OK
  // goes to state.metrics; failures as for traces.
  const ExportMetrics = (call, callback) => {
    const how = state.failures.shift() || {}
    const rec = {
      time: Date.now(),
      peer: call.getPeer(),
      metadata: call.metadata.getMap(),
      answered: how.code || 0,
      metrics: true,
    }
    state.requests.push(rec)
    if (!how.code) state.metrics.push(hexBytes(call.request))
    if (opts.onRequest) opts.onRequest(rec)
    const answer = () => {
      if (how.code) {
        const metadata = new grpc.Metadata()
        if (how.retryDelayMs !== undefined) {
          metadata.set('grpc-status-details-bin', statusWithRetryInfo(how.code, how.message || '', how.retryDelayMs))
        }
        callback({ code: how.code, details: how.message || ('status ' + how.code), metadata })
      } else if (how.partialRejected !== undefined) {
        callback(null, { partialSuccess: { rejectedDataPoints: how.partialRejected, errorMessage: how.partialMessage || '' } })
      } else {
        callback(null, {})
      }
    }
    if (how.delayMs) setTimeout(answer, how.delayMs)
    else answer()
  }

  const server = new grpc.Server()
  server.addService(TraceService.service, { Export })
  server.addService(MetricsService.service, { Export: ExportMetrics })
  const creds = opts.tls
    ? grpc.ServerCredentials.createSsl(opts.tls.ca || null,
      [{ private_key: opts.tls.key, cert_chain: opts.tls.cert }], !!opts.tls.ca)
    : grpc.ServerCredentials.createInsecure()
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:' + (opts.port || 0), creds, (err, port) => {
      if (err) return reject(err)
      // The headers as they arrived on the wire (grpc-js hides some from call.metadata).
      for (const h2 of server.http2Servers.keys()) {
        h2.on('stream', (stream, headers) => {
          state.rawHeaders.push({ ...headers })
          if (state.resets > 0) {
            state.resets--
            state.requests.push({ time: Date.now(), answered: 'reset', spans: 0, spanIds: [] })
            stream.session.destroy()
          }
        })
      }
      state.port = port
      // Graceful: GOAWAY, calls under way finish.
      state.close = () => new Promise(resolve => server.tryShutdown(() => resolve()))
      // Abrupt: every connection is cut.
      state.kill = () => { server.forceShutdown() }
      resolve(state)
    })
  })
}

module.exports = { start, statusWithRetryInfo }

if (require.main === module) {
  const args = process.argv.slice(2)
  const i = args.indexOf('--port')
  start({
    port: i >= 0 ? Number(args[i + 1]) : 0,
    onRequest: rec => console.log(JSON.stringify({ time: rec.time, peer: rec.peer, spanIds: rec.spanIds, answered: rec.answered })),
  }).then(r => console.log('listening ' + r.port), e => { console.error(e); process.exit(1) })
}
