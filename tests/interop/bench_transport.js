// SPDX-License-Identifier: Apache-2.0
// Runs `otelc-bench export --transport both` against the local test receivers (grpc_receiver.js
// on @grpc/grpc-js, receiver.js on Node's http), both decoding with the upstream schema, and
// prints the bench's table: node bench_transport.js path/to/otelc-bench [--requests N]
'use strict'

const { spawn } = require('child_process')
const grpcReceiver = require('./grpc_receiver.js')
const httpReceiver = require('./receiver.js')

const [bench, ...rest] = process.argv.slice(2)

async function main () {
  const g = await grpcReceiver.start()
  const h = await httpReceiver.start()
  // The receivers answer from this process's event loop: the bench must not block it.
  const code = await new Promise(resolve => {
    const child = spawn(bench, ['export', '--transport', 'both',
      '--grpc-endpoint', `http://127.0.0.1:${g.port}`,
      '--http-endpoint', `http://127.0.0.1:${h.port}`, ...rest], { stdio: 'inherit' })
    child.on('close', resolve)
  })
  await g.close()
  await h.close()
  if (g.errors.length || h.errors.length) throw new Error('receiver errors: ' + g.errors.concat(h.errors))
  console.log(`received: grpc ${g.spans.length} spans in ${g.requests.length} calls, ` +
    `http ${h.spans.length} spans in ${h.requests.length} requests`)
  process.exit(code)
}

main().catch(e => { console.error(e); process.exit(1) })
