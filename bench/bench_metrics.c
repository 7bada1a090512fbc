/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-bench metrics`: ns per counter add and per histogram record, with 0 and 3 attributes,
 * through the attribute look-up (unbound) and a pre-bound handle, on 1 thread and on 2 at once
 * (the same series: the contended case), next to the budgets of the issue. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <otelc/otelc.h>

#include "bench_common.h"
#include "cli.h"

#define MAX_THREADS 2u

enum op { COUNTER, HISTOGRAM };

static const struct metric_case {
    const char *name;
    enum op op;
    int nattrs;
    int bound;
    double budget_ns; /* 0: none given */
} cases[] = {
    {"counter_add/0_attrs", COUNTER, 0, 0, 0},
    {"counter_add/3_attrs", COUNTER, 3, 0, 0},
    {"counter_add/0_attrs/bound", COUNTER, 0, 1, 10},
    {"counter_add/3_attrs/bound", COUNTER, 3, 1, 10},
    {"histogram_record/0_attrs", HISTOGRAM, 0, 0, 0},
    {"histogram_record/3_attrs", HISTOGRAM, 3, 0, 60},
    {"histogram_record/0_attrs/bound", HISTOGRAM, 0, 1, 0},
    {"histogram_record/3_attrs/bound", HISTOGRAM, 3, 1, 0},
};
#define NCASES (sizeof cases / sizeof cases[0])

static const otelc_attr attrs3[3] = {
    {"http.request.method", {OTELC_VALUE_STRING, 3, {.s = "GET"}}},
    {"http.route", {OTELC_VALUE_STRING, 9, {.s = "/api/user"}}},
    {"http.response.status_code", {OTELC_VALUE_INT, 0, {.i = 200}}},
};

struct worker {
    const struct metric_case *c;
    otelc_instrument *inst;
    otelc_bound_instrument *bound;
    const struct bench_config *cfg;
    pthread_barrier_t *barrier;
    double median_ns;
    pthread_t thread;
};

static void run(struct worker *w, uint64_t n)
{
    const otelc_attr *a = w->c->nattrs ? attrs3 : NULL;
    size_t na = (size_t)w->c->nattrs;
    if (w->c->op == COUNTER) {
        if (w->bound)
            for (uint64_t i = 0; i < n; i++)
                otelc_bound_record_i64(w->bound, 1);
        else
            for (uint64_t i = 0; i < n; i++)
                otelc_record_i64(w->inst, 1, a, na);
    } else {
        /* Values spread over the default buckets. */
        if (w->bound)
            for (uint64_t i = 0; i < n; i++)
                otelc_bound_record_f64(w->bound, (double)(i & 1023));
        else
            for (uint64_t i = 0; i < n; i++)
                otelc_record_f64(w->inst, (double)(i & 1023), a, na);
    }
    bench_barrier();
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    double ns[BENCH_MAX_ROUNDS];
    uint64_t rounds = w->cfg->rounds < BENCH_MAX_ROUNDS ? w->cfg->rounds : BENCH_MAX_ROUNDS;
    run(w, w->cfg->iterations / 10 + 1);
    for (uint64_t r = 0; r < rounds; r++) {
        /* Both threads time the same stretch, so two-thread rounds really overlap. */
        pthread_barrier_wait(w->barrier);
        uint64_t t0 = bench_now_ns();
        run(w, w->cfg->iterations);
        ns[r] = (double)(bench_now_ns() - t0) / (double)w->cfg->iterations;
    }
    qsort(ns, rounds, sizeof ns[0], cmp_double);
    w->median_ns = ns[rounds / 2];
    return NULL;
}

/* The per-thread median ns per operation of case c on `threads` threads, or -1. */
static double measure(const struct metric_case *c, otelc_instrument *inst,
                      otelc_bound_instrument *bound, unsigned threads,
                      const struct bench_config *cfg)
{
    struct worker w[MAX_THREADS];
    pthread_barrier_t barrier;
    if (pthread_barrier_init(&barrier, NULL, threads) != 0)
        return -1;
    unsigned started = 0;
    for (; started < threads; started++) {
        w[started] = (struct worker){
            .c = c, .inst = inst, .bound = bound, .cfg = cfg, .barrier = &barrier};
        if (pthread_create(&w[started].thread, NULL, worker_main, &w[started]) != 0)
            break;
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(w[i].thread, NULL);
    pthread_barrier_destroy(&barrier);
    if (started < threads)
        return -1;
    double ns = 0;
    for (unsigned i = 0; i < threads; i++)
        ns += w[i].median_ns / threads;
    return ns;
}

static const char metrics_usage[] =
    "otelc-bench metrics: ns per counter add and histogram record, 0 and 3 attributes,\n"
    "unbound and bound, on 1 thread and on 2 threads at once (per-thread figures).\n";

int bench_metrics_main(int argc, char **argv)
{
    struct bench_config cfg = {.iterations = 1000000, .rounds = 7, .json = 0};
    int rc = bench_parse_flags(argc, argv, metrics_usage, &cfg, NULL, 0);
    if (rc != BENCH_RUN)
        return rc;
    otelc_metric_reader *r = NULL;
    otelc_meter_provider *mp = NULL;
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    if (otelc_manual_reader_new(&r, NULL) != OTELC_OK)
        return 1;
    o.readers = &r;
    o.reader_count = 1;
    if (otelc_meter_provider_new(&mp, &o) != OTELC_OK) {
        otelc_metric_reader_free(r);
        return 1;
    }
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "bench", NULL, NULL, NULL, 0);
    otelc_instrument_options io;
    otelc_instrument_options_init(&io);
    io.is_int = 1;
    otelc_instrument *counter = NULL, *hist = NULL;
    otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "requests", &io, &counter);
    otelc_meter_create_instrument(m, OTELC_INSTRUMENT_HISTOGRAM, "latency", NULL, &hist);
    double ns[NCASES][MAX_THREADS];
    int failed = !counter || !hist;
    for (size_t i = 0; i < NCASES && !failed; i++) {
        const struct metric_case *c = &cases[i];
        otelc_instrument *inst = c->op == COUNTER ? counter : hist;
        otelc_bound_instrument *b = NULL;
        if (c->bound && otelc_instrument_bind(inst, c->nattrs ? attrs3 : NULL,
                                              (size_t)c->nattrs, &b) != OTELC_OK) {
            failed = 1;
            break;
        }
        for (unsigned t = 1; t <= MAX_THREADS && !failed; t++) {
            ns[i][t - 1] = measure(c, inst, b, t, &cfg);
            failed = ns[i][t - 1] < 0;
        }
        otelc_bound_instrument_free(b);
    }
    otelc_meter_provider_free(mp);
    if (failed) {
        fprintf(stderr, "otelc-bench metrics: setup failed\n");
        return 1;
    }
    if (cfg.json) {
        printf("{\"command\":\"metrics\",\"iterations\":%llu,\"rounds\":%llu,\"results\":[",
               (unsigned long long)cfg.iterations, (unsigned long long)cfg.rounds);
        for (size_t i = 0; i < NCASES; i++)
            printf("%s{\"name\":\"%s\",\"ns_1_thread\":%.3f,\"ns_2_threads\":%.3f,"
                   "\"budget_ns\":%.0f}",
                   i ? "," : "", cases[i].name, ns[i][0], ns[i][1], cases[i].budget_ns);
        printf("]}\n");
    } else {
        printf("otelc-bench metrics: %llu rounds of %llu iterations; median ns per call per "
               "thread\n",
               (unsigned long long)cfg.rounds, (unsigned long long)cfg.iterations);
        printf("%-32s %10s %10s %10s\n", "case", "1 thread", "2 threads", "budget");
        for (size_t i = 0; i < NCASES; i++) {
            char budget[16] = "-";
            if (cases[i].budget_ns > 0)
                snprintf(budget, sizeof budget, "%.0f", cases[i].budget_ns);
            printf("%-32s %10.2f %10.2f %10s\n", cases[i].name, ns[i][0], ns[i][1], budget);
        }
    }
    fflush(stdout);
    return 0;
}
