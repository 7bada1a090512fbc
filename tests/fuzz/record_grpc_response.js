// SPDX-License-Identifier: Apache-2.0
// Records the seed corpus of fuzz_grpc_response: what a real gRPC server (@grpc/grpc-js, in
// tests/interop) sends on the first connection of an otelc-gen run, one file per answer.
//   node tests/fuzz/record_grpc_response.js path/to/otelc-gen tests/fuzz/corpus/grpc_response
'use strict'

const { spawn } = require('child_process')
const fs = require('fs')
const net = require('net')
const path = require('path')
const receiver = require('../interop/grpc_receiver.js')

const [gen, outDir] = process.argv.slice(2)

// A proxy in front of the receiver that keeps the bytes of the first connection's server
// side.
function proxy (port) {
  const state = { bytes: [] }
  let first = true
  const server = net.createServer(client => {
    const mine = first
    first = false
    const up = net.connect(port, '127.0.0.1')
    client.pipe(up)
    up.on('data', d => { if (mine) state.bytes.push(d) ; client.write(d) })
    up.on('end', () => client.end())
    client.on('error', () => up.destroy())
    up.on('error', () => client.destroy())
  })
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => {
    state.port = server.address().port
    state.close = () => server.close()
    resolve(state)
  }))
}

function runGen (port) {
  return new Promise(resolve => {
    const child = spawn(gen, ['traces', '--count', '2', '--depth', '1'], {
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_EXPORTER_OTLP_TIMEOUT: '1500',
      },
      stdio: 'ignore',
    })
    child.on('close', resolve)
  })
}

const answers = {
  ok: null,
  partial_success: { partialRejected: 3, partialMessage: 'three spans too old' },
  unavailable: { code: 14, message: 'not now: 100% busy ✓' },
  resource_exhausted_retry_info: { code: 8, message: 'slow down', retryDelayMs: 1500 },
  invalid_argument: { code: 3, message: 'bad spans' },
}

async function main () {
  fs.mkdirSync(outDir, { recursive: true })
  for (const [name, how] of Object.entries(answers)) {
    const rx = await receiver.start()
    if (how) rx.fail(1, how)
    const p = await proxy(rx.port)
    await runGen(p.port)
    p.close()
    await rx.close()
    fs.writeFileSync(path.join(outDir, name), Buffer.concat(p.bytes))
  }
}

main().catch(e => { console.error(e); process.exit(1) })
