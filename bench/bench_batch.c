/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-bench batch`: spans through the batch span processor: cost per span end, throughput
 * with one and two producer threads, drop rate, and (--stalled-exporter) the same while the
 * exporter is stuck for 10 s. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <otelc/otelc.h>

#include "bench_common.h"
#include "cli.h"

struct batch_pipeline {
    otelc_tracer_provider *provider;
    otelc_tracer *tracer;
    _Atomic uint64_t exported;
    _Atomic int stall; /* the exporter sleeps while set (bounded by stall_until) */
    uint64_t stall_until;
};

static int bench_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct batch_pipeline *p = ud;
    (void)spans;
    (void)deadline;
    while (atomic_load(&p->stall) && bench_now_ns() < p->stall_until) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    atomic_fetch_add(&p->exported, n);
    return OTELC_OK;
}

static const otelc_span_exporter_methods bench_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = bench_export,
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of n values (sorted in place). */
static double median_of(double *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int pipeline_init(struct batch_pipeline *p)
{
    memset(p, 0, sizeof *p);
    otelc_span_exporter *e = NULL;
    otelc_span_processor *proc = NULL;
    int err = otelc_span_exporter_new(&e, &bench_methods, p);
    if (err != OTELC_OK)
        return err;
    otelc_batch_span_processor_options bo;
    otelc_batch_span_processor_options_init(&bo); /* the specification's defaults */
    err = otelc_batch_span_processor_new(&proc, e, &bo);
    if (err != OTELC_OK) {
        otelc_span_exporter_free(e);
        return err;
    }
    otelc_tracer_provider_options o;
    otelc_tracer_provider_options_init(&o);
    otelc_sampler_always_on(&o.sampler);
    o.processors = &proc;
    o.processor_count = 1;
    err = otelc_tracer_provider_new(&p->provider, &o);
    if (err != OTELC_OK) {
        otelc_span_processor_free(proc);
        otelc_sampler_free(o.sampler);
        return err;
    }
    p->tracer = otelc_tracer_provider_get_tracer(p->provider, "otelc-bench", NULL, NULL, NULL, 0);
    return OTELC_OK;
}

static otelc_span_processor_stats pipeline_stats(struct batch_pipeline *p)
{
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(p->provider, &st);
    return st;
}

/* The budgeted operation: a sampled span with two attributes, start to queue. */
static void run_span_2_attrs(void *ctx, uint64_t n)
{
    otelc_tracer *t = ((struct batch_pipeline *)ctx)->tracer;
    for (uint64_t i = 0; i < n; i++) {
        otelc_span *s = otelc_span_start(t, "bench.span", NULL);
        otelc_span_set_attr_str(s, "http.request.method", "GET");
        otelc_span_set_attr_int(s, "http.response.status_code", 200);
        otelc_span_end(s);
    }
}

struct producer_arg {
    struct batch_pipeline *p;
    uint64_t n;
};

static void *producer(void *arg)
{
    struct producer_arg *a = arg;
    run_span_2_attrs(a->p, a->n);
    return NULL;
}

/* Spans per second through the processor with @p threads producers of @p per_thread spans. */
static double throughput(struct batch_pipeline *p, int threads, uint64_t per_thread)
{
    pthread_t th[2];
    struct producer_arg a = {p, per_thread};
    uint64_t t0 = bench_now_ns();
    for (int i = 0; i < threads; i++)
        pthread_create(&th[i], NULL, producer, &a);
    for (int i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    uint64_t dt = bench_now_ns() - t0;
    return (double)per_thread * threads * 1e9 / (double)(dt ? dt : 1);
}

static long rss_kib(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
        rss = -1;
    fclose(f);
    return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static const char batch_usage[] =
    "usage: otelc-bench batch [--iterations N] [--rounds R] [--json] [--stalled-exporter]\n"
    "A sampled span with two attributes, start to queue, through the batch span processor\n"
    "(specification defaults) to a discarding exporter: ns per span on one thread, spans/s\n"
    "with 1 and 2 producer threads, and the drop rate. --stalled-exporter repeats the\n"
    "measurement while the exporter blocks for 10 s, and reports RSS before and after.\n";

int bench_batch_main(int argc, char **argv)
{
    struct bench_report rep;
    memset(&rep, 0, sizeof rep);
    rep.command = "batch";
    rep.config = (struct bench_config){.iterations = 200000, .rounds = 7, .json = 0};
    uint64_t stalled = 0;
    struct cli_flag extra[] = {
        cli_switch("--stalled-exporter", &stalled, "measure while the exporter blocks 10 s")};
    int rc = bench_parse_flags(argc, argv, batch_usage, &rep.config, extra, 1);
    if (rc != BENCH_RUN)
        return rc;

    static struct batch_pipeline p;
    int err = pipeline_init(&p);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-bench: cannot build the pipeline: %s\n", otelc_strerror(err));
        return 1;
    }
    otelc_log_set_level(OTELC_LOG_ERROR); /* queue-full warnings are expected here */
    long rss_before = 0;
    if (stalled) {
        p.stall_until = bench_now_ns() + 10000000000ull;
        atomic_store(&p.stall, 1);
        run_span_2_attrs(&p, 10000); /* fill the queue so the exporter holds a batch */
        rss_before = rss_kib();
    }
    bench_measure(&rep, stalled ? "span_2_attrs_end_stalled" : "span_2_attrs_end",
                  run_span_2_attrs, &p);
    /* The same operation timed by the producer thread's own CPU clock: the cost to the
     * application thread alone. On 2 CPUs the worker runs beside the producer and wall time
     * shows the same; when the scheduler puts both on one CPU, wall time also counts the
     * worker's share of each span (its export work), and this figure does not. */
    double cpu_rounds[64];
    size_t ncpu = rep.config.rounds < 64 ? rep.config.rounds : 64;
    for (size_t r = 0; r < ncpu; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        run_span_2_attrs(&p, rep.config.iterations);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        cpu_rounds[r] = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) /
                        (double)rep.config.iterations;
    }
    double cpu_median = median_of(cpu_rounds, ncpu);
    otelc_span_processor_stats st = pipeline_stats(&p);
    double drop_1 = st.ended ? (double)st.dropped / (double)st.ended : 0;
    uint64_t per = rep.config.iterations;
    double tp1 = throughput(&p, 1, per);
    double tp2 = throughput(&p, 2, per / 2);
    long rss_after = rss_kib();
    atomic_store(&p.stall, 0);
    otelc_tracer_provider_force_flush(p.provider, 30000);
    st = pipeline_stats(&p);
    double drop = st.ended ? (double)st.dropped / (double)st.ended : 0;

    bench_print(stdout, &rep);
    if (rep.config.json) {
        printf("{\"command\":\"batch-extra\",\"stalled\":%d,\"producer_cpu_ns\":%.2f,"
               "\"spans_per_s_1_thread\":%.0f,"
               "\"spans_per_s_2_threads\":%.0f,\"drop_rate_timed\":%.4f,\"drop_rate_all\":%.4f,"
               "\"ended\":%llu,\"exported\":%llu,\"dropped\":%llu,\"rss_kib_before\":%ld,"
               "\"rss_kib_after\":%ld}\n",
               (int)stalled, cpu_median, tp1, tp2, drop_1, drop, (unsigned long long)st.ended,
               (unsigned long long)st.exported, (unsigned long long)st.dropped, rss_before,
               rss_after);
    } else {
        printf("%-32s %14.2f\n", stalled ? "  producer CPU ns (stalled)" : "  producer CPU ns per span",
               cpu_median);
        printf("%-32s %14.0f\n", "spans/s, 1 producer", tp1);
        printf("%-32s %14.0f\n", "spans/s, 2 producers", tp2);
        printf("%-32s %13.2f%%\n", "drop rate (timed rounds)", 100 * drop_1);
        printf("%-32s %13.2f%%\n", "drop rate (whole run)", 100 * drop);
        printf("%-32s %llu = %llu exported + %llu dropped + %llu failed\n", "ended",
               (unsigned long long)st.ended, (unsigned long long)st.exported,
               (unsigned long long)st.dropped, (unsigned long long)st.failed);
        if (stalled)
            printf("%-32s %ld KiB -> %ld KiB\n", "RSS while stalled", rss_before, rss_after);
    }
    rc = st.ended == st.exported + st.dropped + st.failed + st.queued ? 0 : 1;
    otelc_tracer_provider_shutdown(p.provider, 30000);
    otelc_tracer_provider_free(p.provider);
    return rc;
}
