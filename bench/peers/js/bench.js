#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The JavaScript peer of `otelc-bench compare`: the compare workloads on the OpenTelemetry JS
// SDK from npm (@opentelemetry/sdk-trace-base and @opentelemetry/sdk-metrics, versions pinned
// in package.json).
//
// Usage: node bench.js WORKLOAD --iterations N
// It runs a warm-up (a tenth of N and at least 100 ms), then N timed operations, and prints
// one JSON line {"workload":"...","ns_per_op":X,...}. An unknown workload prints "unsupported"
// and exits 3; a bad argument exits 2.
//
// The batch span processor of the JS SDK exports from promise callbacks, which never run while
// a loop runs synchronously: without a turn of the event loop it would export one batch and
// drop every span after the queue filled. So every loop yields to the event loop after each
// YIELD_EVERY operations, as a server between requests does; the yield is timed with the rest.
'use strict';

const {
    BasicTracerProvider, BatchSpanProcessor, AlwaysOnSampler, AlwaysOffSampler,
    ParentBasedSampler, TraceIdRatioBasedSampler,
} = require('@opentelemetry/sdk-trace-base');
const {
    MeterProvider, PeriodicExportingMetricReader,
} = require('@opentelemetry/sdk-metrics');

const YIELD_EVERY = 1024;

// The same attributes, in the same order, as otelc's and the Go peer's workloads.
const SPAN_ATTRS = [
    ['http.request.method', 'GET'],
    ['http.response.status_code', 200],
    ['url.path', '/api'],
    ['server.address', 'example.com'],
];
const METRIC_ATTRS = {
    'http.request.method': 'GET',
    'http.response.status_code': 200,
    'url.path': '/api',
};

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

// Counts the spans it is given and drops them.
class DiscardSpanExporter {
    constructor() { this.exported = 0; }
    export(spans, done) { this.exported += spans.length; done({ code: 0 }); }
    shutdown() { return Promise.resolve(); }
    forceFlush() { return Promise.resolve(); }
}

// Drops every collection; the long interval keeps collection out of the timed loop.
class DiscardMetricExporter {
    export(metrics, done) { done({ code: 0 }); }
    shutdown() { return Promise.resolve(); }
    forceFlush() { return Promise.resolve(); }
}

function spanWorkload(sampler, nattrs) {
    const exporter = new DiscardSpanExporter();
    const provider = new BasicTracerProvider({
        sampler,
        spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('otelc-bench');
    const attrs = Object.fromEntries(SPAN_ATTRS.slice(0, nattrs));
    const op = async (n) => {
        for (let i = 0; i < n; i++) {
            const span = tracer.startSpan('bench.span');
            if (nattrs > 0)
                span.setAttributes(attrs);
            span.end();
            if (i % YIELD_EVERY === YIELD_EVERY - 1)
                await yieldToLoop();
        }
    };
    const finish = async () => {
        await provider.shutdown();
        return exporter.exported;
    };
    return { op, finish };
}

function meterWorkload(record) {
    const provider = new MeterProvider({
        readers: [new PeriodicExportingMetricReader({
            exporter: new DiscardMetricExporter(), exportIntervalMillis: 3600 * 1000,
        })],
    });
    const meter = provider.getMeter('otelc-bench');
    const instrument = record === 'counter'
        ? meter.createCounter('bench.counter') : meter.createHistogram('bench.histogram');
    const op = async (n) => {
        for (let i = 0; i < n; i++) {
            if (record === 'counter')
                instrument.add(1, METRIC_ATTRS);
            else
                instrument.record(i % 1000, METRIC_ATTRS);
            if (i % YIELD_EVERY === YIELD_EVERY - 1)
                await yieldToLoop();
        }
    };
    const finish = async () => {
        await provider.shutdown();
        return -1;
    };
    return { op, finish };
}

const ratioSampler = () => new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.01) });

const WORKLOADS = {
    span_always_on: () => spanWorkload(new AlwaysOnSampler(), 0),
    span_always_off: () => spanWorkload(new AlwaysOffSampler(), 0),
    'span_parent_ratio_0.01': () => spanWorkload(ratioSampler(), 0),
    span_always_on_2attrs: () => spanWorkload(new AlwaysOnSampler(), 2),
    span_always_on_4attrs: () => spanWorkload(new AlwaysOnSampler(), 4),
    counter_add_3attrs: () => meterWorkload('counter'),
    histogram_record_3attrs: () => meterWorkload('histogram'),
};

function usage() {
    process.stderr.write('usage: node bench.js WORKLOAD --iterations N\n');
    process.exit(2);
}

async function main() {
    const argv = process.argv.slice(2);
    if (argv.length !== 3 || argv[1] !== '--iterations' || !/^[0-9]+$/.test(argv[2]))
        usage();
    const n = Number(argv[2]);
    if (!Number.isSafeInteger(n) || n < 1)
        usage();
    const make = Object.prototype.hasOwnProperty.call(WORKLOADS, argv[0]) && WORKLOADS[argv[0]];
    if (!make) {
        process.stdout.write('unsupported\n');
        process.exit(3);
    }
    const { op, finish } = make();
    // Warm-up: a tenth of N and at least 100 ms, whichever is longer (the same rule in every
    // language: the JIT, pools and clocks reach their steady state).
    const warm = Math.max(1, Math.floor(n / 10));
    let warmed = 0;
    for (const w0 = process.hrtime.bigint(); warmed < warm ||
         process.hrtime.bigint() - w0 < 100000000n; warmed += warm)
        await op(warm);
    const t0 = process.hrtime.bigint();
    await op(n);
    const dt = process.hrtime.bigint() - t0;
    const exported = await finish();
    process.stdout.write(JSON.stringify({
        workload: argv[0], ns_per_op: Number(dt) / n, ops: warmed + n, exported,
    }) + '\n');
}

main().catch((err) => {
    process.stderr.write(`bench.js: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
});
