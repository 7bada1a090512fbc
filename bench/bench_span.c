/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-bench span`: what a span costs, sampled and not, next to a clock read and a loop. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <otelc/otelc.h>

#include "bench_common.h"
#include "cli.h"

/* A provider whose spans go through the simple processor to an exporter that only counts. */
struct span_pipeline {
    otelc_tracer_provider *provider;
    otelc_tracer *tracer;
    uint64_t exported; /* spans the exporter was given; the simple processor serialises it */
};

static int discard_export(void *user_data, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct span_pipeline *p = user_data;
    p->exported += n;
    return OTELC_OK;
}

static const otelc_span_exporter_methods discard_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = discard_export,
};

/* Builds @p p around @p sampler, which it takes over (also on failure). Returns an otelc code. */
static int pipeline_init(struct span_pipeline *p, otelc_sampler *sampler)
{
    otelc_span_exporter *exp = NULL;
    otelc_span_processor *proc = NULL;
    memset(p, 0, sizeof *p);
    int err = otelc_span_exporter_new(&exp, &discard_methods, p);
    if (err != OTELC_OK)
        goto fail;
    err = otelc_simple_span_processor_new(&proc, exp);
    if (err != OTELC_OK)
        goto fail;
    exp = NULL; /* the processor owns it now */
    otelc_tracer_provider_options o;
    otelc_tracer_provider_options_init(&o);
    o.sampler = sampler;
    o.processors = &proc;
    o.processor_count = 1;
    err = otelc_tracer_provider_new(&p->provider, &o);
    if (err != OTELC_OK)
        goto fail;
    p->tracer = otelc_tracer_provider_get_tracer(p->provider, "otelc-bench", otelc_version(), NULL,
                                                 NULL, 0);
    if (p->tracer == NULL) {
        otelc_tracer_provider_free(p->provider);
        return OTELC_ENOMEM;
    }
    return OTELC_OK;
fail:
    otelc_span_processor_free(proc);
    otelc_span_exporter_free(exp);
    otelc_sampler_free(sampler);
    return err;
}

static void pipeline_fini(struct span_pipeline *p)
{
    otelc_tracer_provider_shutdown(p->provider, 5000);
    otelc_tracer_provider_free(p->provider);
}

static void run_empty_loop(void *ctx, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        bench_barrier();
}

static void run_clock_gettime(void *ctx, uint64_t n)
{
    struct timespec ts;
    for (uint64_t i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        bench_barrier();
    }
}

static void run_span_0_attrs(void *ctx, uint64_t n)
{
    otelc_tracer *t = ((struct span_pipeline *)ctx)->tracer;
    for (uint64_t i = 0; i < n; i++)
        otelc_span_end(otelc_span_start(t, "bench.span", NULL));
}

static void run_span_4_attrs(void *ctx, uint64_t n)
{
    otelc_tracer *t = ((struct span_pipeline *)ctx)->tracer;
    for (uint64_t i = 0; i < n; i++) {
        otelc_span *s = otelc_span_start(t, "bench.span", NULL);
        bench_set_4_attrs(s);
        otelc_span_end(s);
    }
}

static const char span_usage[] =
    "usage: otelc-bench span [--iterations N] [--rounds R] [--json]\n"
    "ns per span start+end through the simple processor and a discarding exporter (0 and 4\n"
    "attributes), per non-recording span (AlwaysOff), and for reference per empty loop\n"
    "iteration and per clock_gettime(CLOCK_MONOTONIC).\n";

int bench_span_main(int argc, char **argv)
{
    struct bench_report rep;
    memset(&rep, 0, sizeof rep);
    rep.command = "span";
    rep.config = (struct bench_config){.iterations = 200000, .rounds = 7, .json = 0};
    int rc = bench_parse_flags(argc, argv, span_usage, &rep.config, NULL, 0);
    if (rc != BENCH_RUN)
        return rc;

    struct span_pipeline on, off;
    otelc_sampler *s_on = NULL, *s_off = NULL;
    int err = otelc_sampler_always_on(&s_on);
    if (err == OTELC_OK)
        err = pipeline_init(&on, s_on);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-bench: cannot build the sampled pipeline: %s\n",
                otelc_strerror(err));
        return 1;
    }
    err = otelc_sampler_always_off(&s_off);
    if (err == OTELC_OK)
        err = pipeline_init(&off, s_off);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-bench: cannot build the unsampled pipeline: %s\n",
                otelc_strerror(err));
        pipeline_fini(&on);
        return 1;
    }

    bench_measure(&rep, "empty_loop", run_empty_loop, NULL);
    bench_measure(&rep, "clock_gettime", run_clock_gettime, NULL);
    bench_measure(&rep, "span_start_end", run_span_0_attrs, &on);
    bench_measure(&rep, "span_start_4_attrs_end", run_span_4_attrs, &on);
    bench_measure(&rep, "span_not_sampled", run_span_0_attrs, &off);

    /* A benchmark of spans that never reached the exporter would measure nothing useful. */
    uint64_t want = 2 * bench_total_iterations(&rep.config);
    rc = 0;
    if (on.exported != want || off.exported != 0) {
        fprintf(stderr,
                "otelc-bench: the exporter saw %llu sampled spans (want %llu) and %llu "
                "unsampled ones (want 0)\n",
                (unsigned long long)on.exported, (unsigned long long)want,
                (unsigned long long)off.exported);
        rc = 1;
    }
    pipeline_fini(&off);
    pipeline_fini(&on);
    bench_print(stdout, &rep);
    return rc;
}
