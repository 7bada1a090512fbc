/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-bench workload NAME`: one compare workload in a process of its own, speaking the
 * protocol the peer programs of bench/peers/ speak too (see bench_peers.h). */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <otelc/otelc.h>

#include "bench_common.h"
#include "bench_peers.h"
#include "cli.h"

/* A span pipeline: the given sampler, the batch span processor with its default settings, and
 * an exporter that counts the spans and drops them. */
struct span_workload {
    otelc_tracer_provider *provider;
    otelc_tracer *tracer;
    _Atomic uint64_t exported;
    int attrs; /* attributes set on each span: 0, 2 or 4 */
};

static int discard_export(void *user_data, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct span_workload *w = user_data;
    atomic_fetch_add(&w->exported, n);
    return OTELC_OK;
}

static const otelc_span_exporter_methods discard_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = discard_export,
};

int bench_span_pipeline_new(otelc_tracer_provider **out, otelc_sampler *sampler,
                            otelc_span_exporter *exporter,
                            const otelc_batch_span_processor_options *bo)
{
    otelc_span_processor *proc = NULL;
    int err = otelc_batch_span_processor_new(&proc, exporter, bo);
    if (err != OTELC_OK) {
        otelc_span_exporter_free(exporter);
        otelc_sampler_free(sampler);
        return err;
    }
    otelc_tracer_provider_options o;
    otelc_tracer_provider_options_init(&o);
    o.sampler = sampler;
    o.processors = &proc;
    o.processor_count = 1;
    err = otelc_tracer_provider_new(out, &o);
    if (err != OTELC_OK) {
        otelc_span_processor_free(proc);
        otelc_sampler_free(sampler);
    }
    return err;
}

otelc_span_processor_stats bench_provider_stats(otelc_tracer_provider *tp)
{
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(tp, &st);
    return st;
}

void bench_set_peer_attrs(otelc_span *s, int n)
{
    /* The same keys, values and order as bench/peers/go and bench/peers/js. */
    if (n >= 1)
        otelc_span_set_attr_str(s, "http.request.method", "GET");
    if (n >= 2)
        otelc_span_set_attr_int(s, "http.response.status_code", 200);
    if (n >= 3)
        otelc_span_set_attr_str(s, "url.path", "/api");
    if (n >= 4)
        otelc_span_set_attr_str(s, "server.address", "example.com");
}

/* Sampler kinds of the span workloads. */
enum { SAMPLER_ON, SAMPLER_OFF, SAMPLER_PARENT_RATIO };

static int make_sampler(int kind, otelc_sampler **out)
{
    if (kind == SAMPLER_ON)
        return otelc_sampler_always_on(out);
    if (kind == SAMPLER_OFF)
        return otelc_sampler_always_off(out);
    otelc_sampler *root = NULL;
    int err = otelc_sampler_trace_id_ratio(&root, 0.01);
    if (err != OTELC_OK)
        return err;
    otelc_parent_based_options po;
    otelc_parent_based_options_init(&po);
    err = otelc_sampler_parent_based(out, root, &po);
    if (err != OTELC_OK)
        otelc_sampler_free(root); /* taken over on success only */
    return err;
}

static int span_setup(struct span_workload *w, int sampler_kind, int attrs)
{
    otelc_sampler *sampler = NULL;
    otelc_span_exporter *exp = NULL;
    memset(w, 0, sizeof *w);
    w->attrs = attrs;
    int err = make_sampler(sampler_kind, &sampler);
    if (err != OTELC_OK)
        return err;
    err = otelc_span_exporter_new(&exp, &discard_methods, w);
    if (err != OTELC_OK) {
        otelc_sampler_free(sampler);
        return err;
    }
    otelc_batch_span_processor_options bo;
    otelc_batch_span_processor_options_init(&bo); /* the specification's defaults */
    err = bench_span_pipeline_new(&w->provider, sampler, exp, &bo);
    if (err != OTELC_OK)
        return err;
    w->tracer = otelc_tracer_provider_get_tracer(w->provider, "otelc-bench", NULL, NULL, NULL, 0);
    if (w->tracer == NULL) {
        otelc_tracer_provider_free(w->provider);
        return OTELC_ENOMEM;
    }
    return OTELC_OK;
}

static void span_run(void *ctx, uint64_t n)
{
    struct span_workload *w = ctx;
    otelc_tracer *t = w->tracer;
    int attrs = w->attrs;
    for (uint64_t i = 0; i < n; i++) {
        otelc_span *s = otelc_span_start(t, "bench.span", NULL);
        bench_set_peer_attrs(s, attrs);
        otelc_span_end(s);
    }
}

/* Flushes everything queued, so the count covers every span, and frees the pipeline. */
static uint64_t span_finish(struct span_workload *w, uint64_t *dropped)
{
    otelc_tracer_provider_shutdown(w->provider, 30000);
    otelc_span_processor_stats st = bench_provider_stats(w->provider);
    *dropped = st.dropped;
    otelc_tracer_provider_free(w->provider);
    return atomic_load(&w->exported);
}

/* A metric pipeline as the peers set theirs up: a meter provider whose only reader is never
 * collected during the timed loop (a manual reader here, a periodic one with an hour's interval
 * or a stopped controller there), one instrument, and the peers' three attributes passed on
 * every call (unbound: each call hashes and looks its series up). */
struct metric_workload {
    otelc_meter_provider *provider;
    otelc_instrument *inst;
    int histogram; /* 1: histogram_record; 0: counter_add */
};

/* The same keys, values and order as bench/peers/go/metrics.go and bench/peers/js/bench.js. */
static const otelc_attr peer_metric_attrs[3] = {
    {"http.request.method", {OTELC_VALUE_STRING, 3, {.s = "GET"}}},
    {"http.response.status_code", {OTELC_VALUE_INT, 0, {.i = 200}}},
    {"url.path", {OTELC_VALUE_STRING, 4, {.s = "/api"}}},
};

static int metric_setup(struct metric_workload *w, int histogram)
{
    memset(w, 0, sizeof *w);
    w->histogram = histogram;
    otelc_metric_reader *reader = NULL;
    int err = otelc_manual_reader_new(&reader, NULL);
    if (err != OTELC_OK)
        return err;
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    o.readers = &reader;
    o.reader_count = 1;
    err = otelc_meter_provider_new(&w->provider, &o);
    if (err != OTELC_OK) {
        otelc_metric_reader_free(reader); /* taken over on success only */
        return err;
    }
    otelc_meter *m =
        otelc_meter_provider_get_meter(w->provider, "otelc-bench", NULL, NULL, NULL, 0);
    /* As the peers: an int64 counter and a double histogram with the default boundaries. */
    otelc_instrument_options io;
    otelc_instrument_options_init(&io);
    io.is_int = !histogram;
    err = otelc_meter_create_instrument(
        m, histogram ? OTELC_INSTRUMENT_HISTOGRAM : OTELC_INSTRUMENT_COUNTER,
        histogram ? "bench.histogram" : "bench.counter", &io, &w->inst);
    if (err != OTELC_OK)
        otelc_meter_provider_free(w->provider);
    return err;
}

static void metric_run(void *ctx, uint64_t n)
{
    struct metric_workload *w = ctx;
    otelc_instrument *inst = w->inst;
    if (w->histogram)
        for (uint64_t i = 0; i < n; i++)
            otelc_record_f64(inst, (double)(i % 1000), peer_metric_attrs, 3);
    else
        for (uint64_t i = 0; i < n; i++)
            otelc_record_i64(inst, 1, peer_metric_attrs, 3);
}

/* Counts what was recorded (the measurements must have reached their series, or the loop
 * measured nothing) and frees the pipeline. */
static uint64_t metric_finish(struct metric_workload *w)
{
    otelc_meter_provider_stats st;
    memset(&st, 0, sizeof st);
    otelc_meter_provider_get_stats(w->provider, &st);
    otelc_meter_provider_shutdown(w->provider, 30000);
    otelc_meter_provider_free(w->provider);
    return st.series;
}

/* One workload: a span pipeline with a sampler, or a metric instrument. */
struct workload {
    const char *name;
    int sampler; /* SAMPLER_*; -1: a metric workload */
    int attrs;
    int histogram; /* metric workloads: 1 histogram, 0 counter */
};

static const struct workload workloads[] = {
    {"span_always_on", SAMPLER_ON, 0, 0},
    {"span_always_off", SAMPLER_OFF, 0, 0},
    {"span_parent_ratio_0.01", SAMPLER_PARENT_RATIO, 0, 0},
    {"span_always_on_2attrs", SAMPLER_ON, 2, 0},
    {"span_always_on_4attrs", SAMPLER_ON, 4, 0},
    {"counter_add_3attrs", -1, 3, 0},
    {"histogram_record_3attrs", -1, 3, 1},
};

const char *bench_workload_name(size_t i)
{
    return i < sizeof workloads / sizeof workloads[0] ? workloads[i].name : NULL;
}

static const char workload_usage[] =
    "usage: otelc-bench workload NAME --iterations N [--no-warmup]\n"
    "Runs one compare workload: a warm-up of N/10 operations and at least 100 ms, then N timed\n"
    "operations, and prints one JSON line {\"workload\":NAME,\"ns_per_op\":X,\"ops\":...,\n"
    "\"exported\":...}. Exit status 3 and the line `unsupported` when NAME is not one this\n"
    "build has. Span workloads go through the batch span processor (default settings) to an\n"
    "exporter that discards; metric workloads record into a meter provider with a manual\n"
    "reader, never collected while timed (their exported count is -1). Names: span_always_on,\n"
    "span_always_off, span_parent_ratio_0.01, span_always_on_2attrs, span_always_on_4attrs,\n"
    "counter_add_3attrs, histogram_record_3attrs.\n";

int bench_workload_main(int argc, char **argv)
{
    uint64_t iterations = 200000, no_warmup = 0;
    struct cli_flag flags[] = {
        cli_num("--iterations", "N", &iterations, 1, UINT64_MAX / 4, "timed operations"),
        cli_switch("--no-warmup", &no_warmup, "no warm-up (callgrind counts exactly N)"),
    };
    size_t nflags = sizeof flags / sizeof flags[0];
    const char *name = argc >= 2 ? argv[1] : NULL;
    if (name != NULL && (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)) {
        fputs(workload_usage, stdout);
        cli_print_flags(stdout, flags, nflags);
        return 0;
    }
    enum cli_result r =
        name == NULL || name[0] == '-' ? CLI_ERROR : cli_parse_flags(argc - 2, argv + 2, flags,
                                                                      nflags);
    if (r != CLI_OK) {
        FILE *f = r == CLI_HELP ? stdout : stderr;
        fputs(workload_usage, f);
        cli_print_flags(f, flags, nflags);
        return r == CLI_HELP ? 0 : 2;
    }

    const struct workload *wl = NULL;
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
        if (strcmp(workloads[i].name, name) == 0)
            wl = &workloads[i];
    if (wl == NULL) {
        printf("unsupported\n");
        return BENCH_UNSUPPORTED;
    }

    static struct span_workload w;
    static struct metric_workload mw;
    int metric = wl->sampler < 0;
    void (*run)(void *ctx, uint64_t n) = metric ? metric_run : span_run;
    void *ctx = metric ? (void *)&mw : (void *)&w;
    int err = metric ? metric_setup(&mw, wl->histogram) : span_setup(&w, wl->sampler, wl->attrs);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-bench: cannot build the pipeline: %s\n", otelc_strerror(err));
        return 1;
    }
    /* Queue-full warnings would go to stderr, between the peers' lines; drops are counted. */
    otelc_log_set_level(OTELC_LOG_ERROR);
    /* Warm-up: a tenth of N and at least 100 ms, whichever is longer (the peers follow the
     * same rule): pools fill and the span clock finishes its calibration. */
    uint64_t warm = no_warmup ? 0 : (iterations / 10 ? iterations / 10 : 1), warmed = 0;
    for (uint64_t w0 = bench_now_ns(); !no_warmup && (warmed < warm ||
                                                      bench_now_ns() - w0 < 100000000ull);
         warmed += warm)
        run(ctx, warm);
    warm = warmed;
    uint64_t t0 = bench_now_ns();
    run(ctx, iterations);
    uint64_t t1 = bench_now_ns();
    if (metric) {
        uint64_t series = metric_finish(&mw);
        printf("{\"workload\":\"%s\",\"ns_per_op\":%.3f,\"ops\":%llu,\"exported\":-1}\n",
               wl->name, (double)(t1 - t0) / (double)iterations,
               (unsigned long long)(warm + iterations));
        if (series != 1) {
            fprintf(stderr, "otelc-bench: %llu series after the loop, want 1\n",
                    (unsigned long long)series);
            return 1;
        }
        return 0;
    }
    uint64_t dropped = 0;
    uint64_t exported = span_finish(&w, &dropped);
    printf("{\"workload\":\"%s\",\"ns_per_op\":%.3f,\"ops\":%llu,\"exported\":%llu,"
           "\"dropped\":%llu}\n",
           wl->name, (double)(t1 - t0) / (double)iterations,
           (unsigned long long)(warm + iterations), (unsigned long long)exported,
           (unsigned long long)dropped);
    /* A sampled workload whose spans never reached the exporter would measure nothing. */
    if (wl->sampler == SAMPLER_ON && exported + dropped != warm + iterations) {
        fprintf(stderr, "otelc-bench: %llu spans exported and %llu dropped of %llu\n",
                (unsigned long long)exported, (unsigned long long)dropped,
                (unsigned long long)(warm + iterations));
        return 1;
    }
    return 0;
}
