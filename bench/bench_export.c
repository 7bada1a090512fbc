/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-bench export`: spans per second encoded to OTLP/protobuf and OTLP/JSON, and bytes per
 * span, for batches of spans with 4 attributes; with --transport, requests and spans per second
 * sent to a receiver over OTLP/gRPC and OTLP/HTTP. */
#include <stdio.h>
#include <string.h>

#include <otelc/otelc.h>

#include "bench_common.h"
#include "cli.h"
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
    "       otelc-bench export --transport grpc|http|both [--endpoint URL]\n"
    "                          [--grpc-endpoint URL] [--http-endpoint URL] [--requests N]\n"
    "ns per span encoded into one OTLP ExportTraceServiceRequest per batch of 512 spans with\n"
    "4 attributes each, to protobuf and to JSON; the table is followed by spans per second and\n"
    "bytes per span of each encoding. With --transport: N exports of 512 spans each sent to a\n"
    "running receiver (--endpoint, or one per transport; tests/interop/bench_transport.js\n"
    "starts the test receivers and runs this), requests and spans per second of each\n"
    "transport, and the ratio gRPC/HTTP\n";

/* The string flags of --transport runs, taken out of argv before the shared flags are parsed
 * (those take numbers only). */
struct transport_opts {
    const char *transport;
    const char *endpoint;
    const char *grpc_endpoint;
    const char *http_endpoint;
};

/* Removes the string flags from argv into t. 0, or -1 for a flag without its value. */
static int take_transport_flags(int *argc, char **argv, struct transport_opts *t)
{
    static const char *const names[] = {"--transport", "--endpoint", "--grpc-endpoint",
                                        "--http-endpoint"};
    const char **dst[] = {&t->transport, &t->endpoint, &t->grpc_endpoint, &t->http_endpoint};
    int out = 0;
    for (int i = 0; i < *argc; i++) {
        size_t k = 0;
        while (k < 4 && strcmp(argv[i], names[k]) != 0)
            k++;
        if (k == 4 || i == 0) {
            argv[out++] = argv[i];
            continue;
        }
        if (i + 1 >= *argc) {
            fprintf(stderr, "otelc-bench: %s needs a value\n", names[k]);
            return -1;
        }
        *dst[k] = argv[++i];
    }
    *argc = out;
    return 0;
}

/* Exports of one batch per request, timed: requests per second, or a negative value when an
 * export failed. */
static double run_transport(struct export_bench *b, otelc_span_exporter *e, uint64_t requests)
{
    /* A few untimed exports connect and warm the receiver up. */
    for (int i = 0; i < 5; i++)
        if (otelc_span_exporter_export(e, b->spans, BATCH, 0) != OTELC_OK)
            return -1;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < requests; i++)
        if (otelc_span_exporter_export(e, b->spans, BATCH, 0) != OTELC_OK)
            return -1;
    return (double)requests * 1e9 / (double)(bench_now_ns() - t0);
}

static int make_exporter(const char *transport, const char *endpoint, otelc_span_exporter **e)
{
    if (strcmp(transport, "grpc") == 0) {
        otelc_otlp_grpc_exporter_options o;
        otelc_otlp_grpc_exporter_options_init(&o);
        o.endpoint = endpoint;
        return otelc_otlp_grpc_exporter_new(e, &o);
    }
    otelc_otlp_http_exporter_options o;
    otelc_otlp_http_exporter_options_init(&o);
    o.base_endpoint = endpoint;
    return otelc_otlp_http_exporter_new(e, &o);
}

/* --transport: each transport asked for, against its endpoint; 0 or the exit status. */
static int transport_main(struct export_bench *b, const struct transport_opts *t,
                          uint64_t requests)
{
    static const char *const names[] = {"grpc", "http"};
    const char *endpoints[2] = {t->grpc_endpoint, t->http_endpoint};
    double rps[2] = {0, 0};
    int both = strcmp(t->transport, "both") == 0;
    if (!both && strcmp(t->transport, "grpc") != 0 && strcmp(t->transport, "http") != 0) {
        fprintf(stderr, "otelc-bench: --transport is grpc, http or both\n");
        return 2;
    }
    printf("transport  requests/s     spans/s  (%llu exports of %d spans)\n",
           (unsigned long long)requests, BATCH);
    for (int k = 0; k < 2; k++) {
        if (!both && strcmp(t->transport, names[k]) != 0)
            continue;
        const char *ep = endpoints[k] ? endpoints[k] : t->endpoint;
        otelc_span_exporter *e = NULL;
        if (!ep) {
            fprintf(stderr, "otelc-bench: no endpoint for %s (--endpoint or --%s-endpoint)\n",
                    names[k], names[k]);
            return 2;
        }
        int err = make_exporter(names[k], ep, &e);
        if (err == OTELC_OK)
            rps[k] = run_transport(b, e, requests);
        if (err != OTELC_OK || rps[k] < 0) {
            const char *why = err != OTELC_OK ? otelc_strerror(err)
                              : k == 0        ? otelc_otlp_grpc_exporter_last_error(e)
                                              : otelc_otlp_http_exporter_last_error(e);
            fprintf(stderr, "otelc-bench: %s export to %s failed: %s\n", names[k], ep, why);
            otelc_span_exporter_free(e);
            return 1;
        }
        otelc_span_exporter_free(e);
        printf("%-9s %11.0f %11.0f\n", names[k], rps[k], rps[k] * BATCH);
    }
    if (both)
        printf("grpc/http: %.2fx\n", rps[0] / rps[1]);
    return 0;
}

int bench_export_main(int argc, char **argv)
{
    struct bench_report rep;
    struct export_bench b;
    memset(&rep, 0, sizeof rep);
    memset(&b, 0, sizeof b);
    rep.command = "export";
    rep.config = (struct bench_config){.iterations = 200000, .rounds = 7, .json = 0};
    struct transport_opts t = {NULL, NULL, NULL, NULL};
    uint64_t requests = 200;
    struct cli_flag extra = cli_num("--requests", "N", &requests, 1, 1000000,
                                    "with --transport: timed exports per transport");
    if (take_transport_flags(&argc, argv, &t) != 0)
        return 2;
    int rc = bench_parse_flags(argc, argv, export_usage, &rep.config, &extra, 1);
    if (rc != BENCH_RUN)
        return rc;

    otelc__buf_init(&b.out);
    int err = make_spans(&b);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-bench: cannot make the spans: %s\n", otelc_strerror(err));
        free_spans(&b);
        return 1;
    }
    if (t.transport) {
        rc = transport_main(&b, &t, requests);
        free_spans(&b);
        return rc;
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
