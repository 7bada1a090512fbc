/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-bench export`: spans per second encoded to OTLP/protobuf and OTLP/JSON, and bytes per
 * span, for batches of spans with 4 attributes. */
#include <stdio.h>
#include <string.h>

#include <otelc/otelc.h>

#include "bench_common.h"
#include "exporters/console/otlp_json.h"
#include "exporters/otlp/otlp_proto.h"

/* The batch size of the batch processor's default (OTEL_BSP_MAX_EXPORT_BATCH_SIZE). */
#define BATCH 512

struct export_bench {
    otelc_tracer_provider *provider;
    otelc_span_exporter *memory; /* borrowed from the provider */
    otelc_span *spans[BATCH];
    struct otelc__buf out;
    int failed; /* an encoding failed: the figures would mean nothing */
};

typedef int (*encode_fn)(struct otelc__buf *out, otelc_span *const *spans, size_t n);

/* Encodes n spans as whole batches of BATCH (the last one shorter), the buffer reused. */
static void run_encode(struct export_bench *b, encode_fn encode, uint64_t n)
{
    while (n) {
        size_t k = n < BATCH ? (size_t)n : BATCH;
        otelc__buf_reset(&b->out);
        if (encode(&b->out, b->spans, k) != OTELC_OK)
            b->failed = 1;
        bench_barrier();
        n -= k;
    }
}

static void run_protobuf(void *ctx, uint64_t n)
{
    run_encode(ctx, otelc__otlp_proto_encode_spans, n);
}

static void run_json(void *ctx, uint64_t n)
{
    run_encode(ctx, otelc__otlp_json_encode_spans, n);
}

/* A provider whose spans stay in a memory exporter, and BATCH ended spans made with it, each
 * with the 4 attributes of `otelc-bench span`. Returns an otelc code. */
static int make_spans(struct export_bench *b)
{
    otelc_span_processor *proc = NULL;
    otelc_tracer_provider_options o;
    int err = otelc_memory_exporter_new(&b->memory);
    if (err == OTELC_OK)
        err = otelc_simple_span_processor_new(&proc, b->memory);
    if (err != OTELC_OK) {
        otelc_span_exporter_free(b->memory);
        return err;
    }
    otelc_tracer_provider_options_init(&o);
    o.processors = &proc;
    o.processor_count = 1;
    err = otelc_tracer_provider_new(&b->provider, &o);
    if (err != OTELC_OK)
        return err;
    otelc_tracer *t = otelc_tracer_provider_get_tracer(b->provider, "otelc-bench",
                                                       otelc_version(), NULL, NULL, 0);
    for (size_t i = 0; i < BATCH; i++) {
        otelc_span *s = otelc_span_start(t, "bench.span", NULL);
        bench_set_4_attrs(s);
        otelc_span_end(s);
    }
    if (otelc_memory_exporter_count(b->memory) != BATCH)
        return OTELC_ENOMEM;
    for (size_t i = 0; i < BATCH; i++)
        b->spans[i] = otelc_memory_exporter_get(b->memory, i);
    return OTELC_OK;
}

static void free_spans(struct export_bench *b)
{
    for (size_t i = 0; i < BATCH; i++)
        otelc_span_release(b->spans[i]);
    otelc_tracer_provider_shutdown(b->provider, 5000);
    otelc_tracer_provider_free(b->provider);
    otelc__buf_free(&b->out);
}

/* Bytes of one full batch's request, per span. */
static double bytes_per_span(struct export_bench *b, encode_fn encode)
{
    otelc__buf_reset(&b->out);
    if (encode(&b->out, b->spans, BATCH) != OTELC_OK) {
        b->failed = 1;
        return 0;
    }
    return (double)b->out.len / BATCH;
}

static const char export_usage[] =
    "usage: otelc-bench export [--iterations N] [--rounds R] [--json]\n"
    "ns per span encoded into one OTLP ExportTraceServiceRequest per batch of 512 spans with\n"
    "4 attributes each, to protobuf and to JSON; the table is followed by spans per second and\n"
    "bytes per span of each encoding\n";

int bench_export_main(int argc, char **argv)
{
    struct bench_report rep;
    struct export_bench b;
    memset(&rep, 0, sizeof rep);
    memset(&b, 0, sizeof b);
    rep.command = "export";
    rep.config = (struct bench_config){.iterations = 200000, .rounds = 7, .json = 0};
    int rc = bench_parse_flags(argc, argv, export_usage, &rep.config, NULL, 0);
    if (rc != BENCH_RUN)
        return rc;

    otelc__buf_init(&b.out);
    int err = make_spans(&b);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-bench: cannot make the spans: %s\n", otelc_strerror(err));
        free_spans(&b);
        return 1;
    }
    bench_measure(&rep, "protobuf_per_span", run_protobuf, &b);
    bench_measure(&rep, "json_per_span", run_json, &b);
    double pb_bytes = bytes_per_span(&b, otelc__otlp_proto_encode_spans);
    double json_bytes = bytes_per_span(&b, otelc__otlp_json_encode_spans);
    free_spans(&b);
    if (b.failed) {
        fprintf(stderr, "otelc-bench: an encoding failed\n");
        return 1;
    }
    bench_print(stdout, &rep);
    if (!rep.config.json) {
        printf("protobuf: %.0f spans/s, %.1f bytes/span\n", 1e9 / rep.results[0].median_ns,
               pb_bytes);
        printf("json:     %.0f spans/s, %.1f bytes/span\n", 1e9 / rep.results[1].median_ns,
               json_bytes);
    }
    return 0;
}
