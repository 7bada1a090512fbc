// SPDX-License-Identifier: Apache-2.0
// A test OTLP/HTTP receiver on Node's http(s) server that decodes requests with the UPSTREAM
// opentelemetry-proto v1.7.0 schema (the .proto files and protobufjs shipped by dd-trace), not
// ours, records what it received, and can be told to fail the next requests. POST /v1/metrics
// carries an ExportMetricsServiceRequest; every other path an ExportTraceServiceRequest.
//
// As a module: start({tls, failures}) gives {port, requests, spans, metrics, fail(...),
// close()}; metrics holds each metrics request as a plain object (OTLP/JSON field names, 64-bit
// integers as strings, ids in lower-case hex), whatever its encoding.
// As a program: node receiver.js [--port N] [--fail N --status S --retry-after V
//   --partial-rejected N --partial-message M --delay MS --drop] [--tls-cert F --tls-key F
//   [--tls-ca F]]; it prints `listening PORT` and, for each request, one JSON line.
'use strict'

const fs = require('fs')
const http = require('http')
const https = require('https')
const path = require('path')
const zlib = require('zlib')

const protoDir = path.join(__dirname, 'node_modules/dd-trace/packages/dd-trace/src/opentelemetry/otlp')
const protobuf = require(path.join(__dirname, 'node_modules/dd-trace/vendor/dist/protobufjs'))

const root = protobuf.loadSync(['common.proto', 'resource.proto', 'trace.proto',
  'trace_service.proto', 'metrics.proto', 'metrics_service.proto'].map(f => path.join(protoDir, f)))
const RequestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest')
const ResponseType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse')
const MetricsRequestType = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest')
const MetricsResponseType = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse')

const hex = b => (b ? Buffer.from(b).toString('hex') : '')

// google.rpc.Status { int32 code = 1; string message = 2; } written by hand: the upstream
// package does not ship status.proto.
function encodeStatus (code, message) {
  const msg = Buffer.from(message, 'utf8')
  const varint = n => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b) } while (n); return out }
  return Buffer.concat([Buffer.from([0x08, ...varint(code), 0x12, ...varint(msg.length)]), msg])
}

function anyValue (v) {
  if (!v) return null
  // Own properties only: a decoded protobufjs message also answers the defaults of the
  // fields that are not set (stringValue '' for an intValue) through its prototype.
  for (const k of ['stringValue', 'boolValue', 'intValue', 'doubleValue']) {
    if (Object.prototype.hasOwnProperty.call(v, k) && v[k] !== null) return k === 'intValue' ? String(v[k]) : v[k]
  }
  if (v.arrayValue) return (v.arrayValue.values || []).map(anyValue)
  if (v.bytesValue) return hex(v.bytesValue)
  return null
}

function attrs (list) {
  const o = {}
  for (const kv of list || []) o[kv.key] = anyValue(kv.value)
  return o
}

// One flat record per span, the same for protobuf and JSON bodies (ids in lower-case hex).
function flatten (req, idsAreHex) {
  const out = []
  const id = v => (idsAreHex ? (v || '') : hex(v))
  for (const rs of req.resourceSpans || []) {
    const resource = attrs(rs.resource && rs.resource.attributes)
    for (const ss of rs.scopeSpans || []) {
      const scope = ss.scope || {}
      for (const s of ss.spans || []) {
        out.push({
          traceId: id(s.traceId),
          spanId: id(s.spanId),
          parentSpanId: id(s.parentSpanId),
          name: s.name,
          kind: Number(s.kind || 0),
          attributes: attrs(s.attributes),
          events: (s.events || []).map(e => ({ name: e.name, attributes: attrs(e.attributes) })),
          links: (s.links || []).map(l => ({ traceId: id(l.traceId), spanId: id(l.spanId) })),
          status: { code: Number((s.status && s.status.code) || 0) },
          resource,
          scope: { name: scope.name || '', version: scope.version || '' },
        })
      }
    }
  }
  return out
}

// Exemplar ids of a decoded protobuf request, base64 in toObject(), as OTLP/JSON's hex.
function hexIds (req) {
  const b64hex = v => (v ? Buffer.from(v, 'base64').toString('hex') : v)
  for (const rm of req.resourceMetrics || []) {
    for (const sm of rm.scopeMetrics || []) {
      for (const m of sm.metrics || []) {
        const data = m.gauge || m.sum || m.histogram || m.exponentialHistogram || {}
        for (const p of data.dataPoints || []) {
          for (const x of p.exemplars || []) {
            x.spanId = b64hex(x.spanId)
            x.traceId = b64hex(x.traceId)
          }
        }
      }
    }
  }
  return req
}

function decodeMetrics (body, contentType) {
  if (contentType.startsWith('application/json')) return JSON.parse(body.toString('utf8'))
  if (contentType.startsWith('application/x-protobuf')) {
    return hexIds(MetricsRequestType.toObject(MetricsRequestType.decode(body),
      { longs: String, enums: Number, bytes: String }))
  }
  throw new Error('unexpected content type ' + contentType)
}

function countPoints (req) {
  let n = 0
  for (const rm of req.resourceMetrics || []) {
    for (const sm of rm.scopeMetrics || []) {
      for (const m of sm.metrics || []) {
        const data = m.gauge || m.sum || m.histogram || m.exponentialHistogram || {}
        n += (data.dataPoints || []).length
      }
    }
  }
  return n
}

function decode (body, contentType) {
  if (contentType.startsWith('application/json')) return flatten(JSON.parse(body.toString('utf8')), true)
  if (contentType.startsWith('application/x-protobuf')) return flatten(RequestType.decode(body), false)
  throw new Error('unexpected content type ' + contentType)
}

function start (opts = {}) {
  const state = { requests: [], spans: [], metrics: [], failures: [], errors: [] }
  // fail(n, how): the next n requests are answered as `how` says: {status, retryAfter,
  // message, partialRejected, partialMessage, delayMs, drop, reset, body}. reset cuts the
  // connection as soon as the request's headers are read (before its body); body (a Buffer)
  // replaces the answer's body, whatever the status.
  state.fail = (n, how) => { for (let i = 0; i < n; i++) state.failures.push(how) }

  const handler = (req, res) => {
    if (state.failures.length && state.failures[0].reset) {
      const how = state.failures.shift()
      state.requests.push({ time: Date.now(), method: req.method, url: req.url, answered: 'reset', spans: 0, spanIds: [] })
      if (opts.onRequest) opts.onRequest(state.requests[state.requests.length - 1], how)
      req.socket.destroy()
      return
    }
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const t = Date.now()
      const how = state.failures.shift() || {}
      const rec = {
        time: t,
        method: req.method,
        url: req.url,
        contentType: req.headers['content-type'] || '',
        contentEncoding: req.headers['content-encoding'] || '',
        userAgent: req.headers['user-agent'] || '',
        remotePort: req.socket.remotePort,
        headers: req.headers,
        answered: how.drop ? 'drop' : (how.status || 200),
        bodyLength: chunks.reduce((n, c) => n + c.length, 0),
        spans: 0,
        spanIds: [],
      }
      state.requests.push(rec)
      const isMetrics = req.url === '/v1/metrics'
      const answer = () => {
        if (how.drop) { req.socket.destroy(); return }
        const json = rec.contentType.startsWith('application/json')
        const status = how.status || 200
        const headers = { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' }
        if (how.retryAfter !== undefined) headers['Retry-After'] = String(how.retryAfter)
        let body
        if (how.body) {
          body = how.body
        } else if (status >= 200 && status < 300) {
          if (how.partialRejected !== undefined && isMetrics) {
            const ps = { rejectedDataPoints: how.partialRejected, errorMessage: how.partialMessage || '' }
            body = json ? Buffer.from(JSON.stringify({ partialSuccess: { rejectedDataPoints: String(ps.rejectedDataPoints), errorMessage: ps.errorMessage } }))
              : Buffer.from(MetricsResponseType.encode({ partialSuccess: ps }).finish())
          } else if (how.partialRejected !== undefined) {
            const ps = { rejectedSpans: how.partialRejected, errorMessage: how.partialMessage || '' }
            body = json ? Buffer.from(JSON.stringify({ partialSuccess: { rejectedSpans: String(ps.rejectedSpans), errorMessage: ps.errorMessage } }))
              : Buffer.from(ResponseType.encode({ partialSuccess: ps }).finish())
          } else {
            body = json ? Buffer.from('{}') : Buffer.alloc(0)
          }
        } else if (how.garbage) {
          body = Buffer.alloc(200000, 0xff)
        } else {
          const message = how.message || ('status ' + status)
          body = json ? Buffer.from(JSON.stringify({ code: 3, message })) : encodeStatus(3, message)
        }
        res.writeHead(status, headers)
        res.end(body)
      }
      if ((how.status || how.drop) && !isMetrics) {
        // What a failed request carried, for checking that it is not sent again.
        try {
          let body = Buffer.concat(chunks)
          if (rec.contentEncoding === 'gzip') body = zlib.gunzipSync(body)
          rec.spanIds = decode(body, rec.contentType).map(s => s.spanId)
        } catch (e) {
          state.errors.push(String(e))
        }
      }
      if (!how.status && !how.drop) {
        // Only requests answered with success count as received.
        try {
          let body = Buffer.concat(chunks)
          if (rec.contentEncoding === 'gzip') body = zlib.gunzipSync(body)
          if (isMetrics) {
            const metrics = decodeMetrics(body, rec.contentType)
            rec.dataPoints = countPoints(metrics)
            state.metrics.push(metrics)
          } else {
            const spans = decode(body, rec.contentType)
            rec.spans = spans.length
            rec.spanIds = spans.map(s => s.spanId)
            state.spans.push(...spans)
          }
        } catch (e) {
          state.errors.push(String(e))
          res.writeHead(400, { 'Content-Type': 'application/x-protobuf' })
          res.end(encodeStatus(3, 'receiver cannot decode: ' + e.message))
          return
        }
      }
      if (opts.onRequest) opts.onRequest(rec)
      if (how.delayMs) setTimeout(answer, how.delayMs)
      else answer()
    })
  }

  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler)
  server.on('tlsClientError', e => state.errors.push('tls: ' + e.message))
  return new Promise(resolve => {
    server.listen(opts.port || 0, '127.0.0.1', () => {
      state.port = server.address().port
      state.close = () => new Promise(r => { server.closeAllConnections && server.closeAllConnections(); server.close(() => r()) })
      resolve(state)
    })
  })
}

module.exports = { start, encodeStatus, flatten }

if (require.main === module) {
  const args = process.argv.slice(2)
  const flag = name => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined }
  const tls = flag('--tls-cert') ? {
    cert: fs.readFileSync(flag('--tls-cert')),
    key: fs.readFileSync(flag('--tls-key')),
    ...(flag('--tls-ca') ? { ca: fs.readFileSync(flag('--tls-ca')), requestCert: true, rejectUnauthorized: true } : {}),
  } : null
  start({ port: Number(flag('--port') || 0), tls, onRequest: rec => console.log(JSON.stringify({ ...rec, headers: undefined })) }).then(r => {
    const n = Number(flag('--fail') || 0)
    if (n) {
      r.fail(n, {
        status: flag('--status') ? Number(flag('--status')) : undefined,
        retryAfter: flag('--retry-after'),
        partialRejected: flag('--partial-rejected') ? Number(flag('--partial-rejected')) : undefined,
        partialMessage: flag('--partial-message'),
        delayMs: Number(flag('--delay') || 0),
        drop: args.includes('--drop'),
      })
    }
    console.log('listening ' + r.port)
  })
}
