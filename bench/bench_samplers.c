/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-bench samplers`: what each sampler costs per decision and per span, how much it
 * samples, on one thread and on two at once, next to an untraced baseline loop. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <otelc/carriers.h>
#include <otelc/otelc.h>

#include "bench_common.h"
#include "cli.h"

#define IDS 4096u /* random trace ids the decision loops cycle through (a power of two) */
#define MAX_THREADS 2u

/* ---- allocations, counted per thread by a pass-through allocator ---------------------- */

static _Thread_local uint64_t t_allocs;

static void *count_malloc(size_t n, void *ud)
{
    (void)ud;
    t_allocs++;
    return malloc(n);
}

static void *count_calloc(size_t n, size_t size, void *ud)
{
    (void)ud;
    t_allocs++;
    return calloc(n, size);
}

static void *count_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    t_allocs++;
    return realloc(p, n);
}

static void count_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

static const otelc_allocator counting_allocator = {NULL, count_malloc, count_calloc, count_realloc,
                                                   count_free};

/* ---- the samplers under test ---------------------------------------------------------- */

enum parent_kind { ROOT, LOCAL_SAMPLED, LOCAL_UNSAMPLED, REMOTE_SAMPLED };
enum sampler_kind { ALWAYS_ON, ALWAYS_OFF, RATIO, PARENT_BASED_ON, RULES_5, RATE_LIMITED };

static const struct sampler_case {
    const char *name;
    enum sampler_kind kind;
    double arg; /* the ratio or the rate */
    enum parent_kind parent;
} cases[] = {
    {"always_on", ALWAYS_ON, 0, ROOT},
    {"always_off", ALWAYS_OFF, 0, ROOT},
    {"ratio_0.01", RATIO, 0.01, ROOT},
    {"ratio_0.1", RATIO, 0.1, ROOT},
    {"ratio_0.5", RATIO, 0.5, ROOT},
    {"parent_based/sampled", PARENT_BASED_ON, 0, LOCAL_SAMPLED},
    {"parent_based/unsampled", PARENT_BASED_ON, 0, LOCAL_UNSAMPLED},
    {"parent_based/remote", PARENT_BASED_ON, 0, REMOTE_SAMPLED},
    {"rules_5", RULES_5, 0, ROOT},
    {"rate_limited_1000/s", RATE_LIMITED, 1000, ROOT},
};
#define NCASES (sizeof cases / sizeof cases[0])

/* Five rules; the benchmark's spans fall through the first four to the last. */
static const char rules_5[] = "error=true:always_on;slow=true:always_on;"
                              "name=GET /health*:always_off;"
                              "kind=client,peer.service=db:traceidratio(0.1);"
                              "*:traceidratio(0.01)";

static int make_sampler(const struct sampler_case *c, otelc_sampler **out)
{
    otelc_sampler *root = NULL;
    int rc;
    switch (c->kind) {
    case ALWAYS_ON:
        return otelc_sampler_always_on(out);
    case ALWAYS_OFF:
        return otelc_sampler_always_off(out);
    case RATIO:
        return otelc_sampler_trace_id_ratio(out, c->arg);
    case RULES_5:
        return otelc_sampler_rules_parse(out, rules_5, NULL, 0);
    case RATE_LIMITED:
        return otelc_sampler_rate_limited(out, c->arg, 0);
    case PARENT_BASED_ON:
    default:
        rc = otelc_sampler_always_on(&root);
        if (rc == OTELC_OK && (rc = otelc_sampler_parent_based(out, root, NULL)) != OTELC_OK)
            otelc_sampler_free(root);
        return rc;
    }
}

/* ---- the pipeline: the simple processor and an exporter that only counts -------------- */

struct pipeline {
    otelc_tracer_provider *provider;
    otelc_tracer *tracer;
    _Atomic uint64_t exported;
};

static int count_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    (void)spans;
    (void)deadline;
    atomic_fetch_add_explicit(&((struct pipeline *)ud)->exported, n, memory_order_relaxed);
    return OTELC_OK;
}

static const otelc_span_exporter_methods count_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = count_export,
};

/* Builds p around sampler, which it takes over, also on failure. */
static int pipeline_init(struct pipeline *p, otelc_sampler *sampler)
{
    otelc_span_exporter *exp = NULL;
    otelc_span_processor *proc = NULL;
    memset(p, 0, sizeof *p);
    int err = otelc_span_exporter_new(&exp, &count_methods, p);
    if (err == OTELC_OK && (err = otelc_simple_span_processor_new(&proc, exp)) != OTELC_OK)
        otelc_span_exporter_free(exp);
    if (err == OTELC_OK) {
        otelc_tracer_provider_options o;
        otelc_tracer_provider_options_init(&o);
        o.sampler = sampler;
        o.processors = &proc;
        o.processor_count = 1;
        if ((err = otelc_tracer_provider_new(&p->provider, &o)) != OTELC_OK)
            otelc_span_processor_free(proc);
    }
    if (err != OTELC_OK) {
        otelc_sampler_free(sampler);
        return err;
    }
    p->tracer = otelc_tracer_provider_get_tracer(p->provider, "otelc-bench", NULL, NULL, NULL, 0);
    return p->tracer ? OTELC_OK : OTELC_ENOMEM;
}

static void pipeline_fini(struct pipeline *p)
{
    if (!p->provider)
        return;
    otelc_tracer_provider_shutdown(p->provider, 5000);
    otelc_tracer_provider_free(p->provider);
    p->provider = NULL;
}

/* ---- workloads ------------------------------------------------------------------------ */

/* What every workload of one case shares: the sampler (owned by the pipeline), the span
 * options with the case's parent, and the decision inputs. */
struct job {
    const struct sampler_case *c;
    struct pipeline pipe;
    otelc_sampler *sampler; /* borrowed from the pipeline's provider */
    otelc_span_options span_opt;
    otelc_span_context parent_sc;
    int has_parent;
    uint8_t (*ids)[16];
};

static const otelc_attr request_attrs[] = {
    {"http.request.method", {OTELC_VALUE_STRING, 3, {.s = "GET"}}},
    {"error", {OTELC_VALUE_BOOL, 0, {.b = false}}},
};

/* One thread's share of a measurement. */
struct worker {
    struct job *job;
    void (*fn)(struct worker *w, uint64_t n);
    const struct bench_config *cfg;
    pthread_barrier_t *barrier;
    unsigned index;
    uint64_t sampled; /* decisions that sampled, in the timed rounds */
    uint64_t allocs;  /* allocations in the timed rounds */
    double median_ns;
    pthread_t thread;
};

static void run_baseline(struct worker *w, uint64_t n)
{
    (void)w;
    for (uint64_t i = 0; i < n; i++)
        bench_barrier();
}

static void run_should_sample(struct worker *w, uint64_t n)
{
    struct job *j = w->job;
    otelc_sampling_params p;
    memset(&p, 0, sizeof p);
    p.parent = j->has_parent ? &j->parent_sc : NULL;
    p.name = "GET /api/users";
    p.kind = OTELC_SPAN_KIND_SERVER;
    p.attrs = request_attrs;
    p.attr_count = 2;
    otelc_sampling_result r;
    uint64_t sampled = 0;
    for (uint64_t i = 0; i < n; i++) {
        p.trace_id = j->ids[(i + w->index * (IDS / 2)) & (IDS - 1)];
        otelc_sampler_should_sample(j->sampler, &p, &r);
        sampled += r.decision == OTELC_SAMPLING_RECORD_AND_SAMPLE;
        otelc_tracestate_free(r.tracestate);
    }
    w->sampled += sampled;
}

static void run_span(struct worker *w, uint64_t n)
{
    struct job *j = w->job;
    for (uint64_t i = 0; i < n; i++)
        otelc_span_end(otelc_span_start(j->pipe.tracer, "GET /api/users", &j->span_opt));
}

static uint64_t warmup_iterations(const struct bench_config *cfg)
{
    return cfg->iterations / 10 + 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    const struct bench_config *cfg = w->cfg;
    double per_op[BENCH_MAX_ROUNDS];
    uint64_t rounds = cfg->rounds < BENCH_MAX_ROUNDS ? cfg->rounds : BENCH_MAX_ROUNDS;
    w->fn(w, warmup_iterations(cfg)); /* caches, span pools, branch predictors */
    w->sampled = 0;
    uint64_t allocs0 = t_allocs;
    for (uint64_t r = 0; r < rounds; r++) {
        /* Both threads time the same stretch, so two-thread rounds really overlap. */
        pthread_barrier_wait(w->barrier);
        uint64_t t0 = bench_now_ns();
        w->fn(w, cfg->iterations);
        per_op[r] = (double)(bench_now_ns() - t0) / (double)cfg->iterations;
    }
    w->allocs = t_allocs - allocs0;
    qsort(per_op, (size_t)rounds, sizeof per_op[0], cmp_double);
    w->median_ns =
        rounds % 2 ? per_op[rounds / 2] : (per_op[rounds / 2 - 1] + per_op[rounds / 2]) / 2.0;
    return NULL;
}

/* One measurement's outcome: the threads' median ns per operation (their mean), the share
 * of sampled decisions and the allocations per operation. */
struct outcome {
    double ns;
    double sampled;
    double allocs;
};

static int measure(struct job *j, void (*fn)(struct worker *, uint64_t), unsigned threads,
                   const struct bench_config *cfg, struct outcome *out)
{
    struct worker w[MAX_THREADS];
    pthread_barrier_t barrier;
    if (pthread_barrier_init(&barrier, NULL, threads) != 0)
        return -1;
    uint64_t exported0 = j ? atomic_load(&j->pipe.exported) : 0;
    unsigned started = 0;
    for (; started < threads; started++) {
        w[started] =
            (struct worker){.job = j, .fn = fn, .cfg = cfg, .barrier = &barrier, .index = started};
        if (pthread_create(&w[started].thread, NULL, worker_main, &w[started]) != 0)
            break;
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(w[i].thread, NULL);
    pthread_barrier_destroy(&barrier);
    if (started < threads)
        return -1; /* only when a thread could not start: the barrier was never passed */
    uint64_t rounds = cfg->rounds < BENCH_MAX_ROUNDS ? cfg->rounds : BENCH_MAX_ROUNDS;
    double ops = (double)rounds * (double)cfg->iterations * threads, ns = 0, sampled = 0,
           allocs = 0;
    for (unsigned i = 0; i < threads; i++) {
        ns += w[i].median_ns / threads;
        sampled += (double)w[i].sampled;
        allocs += (double)w[i].allocs;
    }
    if (fn == run_span) {
        /* What the exporter actually got, over every span started (warm-up included). */
        double spans =
            (double)threads * (double)(warmup_iterations(cfg) + rounds * cfg->iterations);
        sampled = (double)(atomic_load(&j->pipe.exported) - exported0) / spans * ops;
    }
    *out = (struct outcome){ns, sampled / ops, allocs / ops};
    return 0;
}

/* ---- set-up of one case --------------------------------------------------------------- */

/* A remote parent, extracted from a sampled `traceparent` the way a server gets one. */
static int remote_parent(otelc_context **out)
{
    static const char tp[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const otelc_http_header h = {"traceparent", 11, tp, sizeof tp - 1};
    otelc_http_headers headers;
    otelc_propagator *p = NULL;
    int err = otelc_propagator_tracecontext(&p);
    if (err != OTELC_OK)
        return err;
    otelc_http_headers_wrap(&headers, &h, 1);
    otelc_carrier_getter getter = otelc_http_headers_getter(&headers);
    err = otelc_propagator_extract(p, NULL, &getter, out);
    otelc_propagator_free(p);
    return err;
}

/* Parents come from providers of their own, so the case's sampler sees only its spans. */
struct parents {
    struct pipeline on, off;
    otelc_span *sampled, *unsampled;
    otelc_context *remote;
};

static int parents_init(struct parents *ps)
{
    otelc_sampler *on = NULL, *off = NULL;
    memset(ps, 0, sizeof *ps);
    int err = otelc_sampler_always_on(&on);
    if (err == OTELC_OK)
        err = pipeline_init(&ps->on, on);
    if (err == OTELC_OK)
        err = otelc_sampler_always_off(&off);
    if (err == OTELC_OK)
        err = pipeline_init(&ps->off, off);
    if (err != OTELC_OK)
        return err;
    ps->sampled = otelc_span_start(ps->on.tracer, "parent", NULL);
    ps->unsampled = otelc_span_start(ps->off.tracer, "parent", NULL);
    return remote_parent(&ps->remote);
}

static void parents_fini(struct parents *ps)
{
    otelc_context_free(ps->remote);
    otelc_span_end(ps->sampled);
    otelc_span_end(ps->unsampled);
    pipeline_fini(&ps->on);
    pipeline_fini(&ps->off);
}

static int job_init(struct job *j, const struct sampler_case *c, struct parents *ps,
                    uint8_t (*ids)[16])
{
    memset(j, 0, sizeof *j);
    j->c = c;
    j->ids = ids;
    otelc_sampler *s = NULL;
    int err = make_sampler(c, &s);
    if (err != OTELC_OK)
        return err;
    j->sampler = s;
    err = pipeline_init(&j->pipe, s);
    if (err != OTELC_OK)
        return err;
    otelc_span_options_init(&j->span_opt);
    j->span_opt.kind = OTELC_SPAN_KIND_SERVER;
    j->span_opt.attrs = request_attrs;
    j->span_opt.attr_count = 2;
    j->span_opt.root = c->parent == ROOT;
    j->has_parent = c->parent != ROOT;
    if (c->parent == LOCAL_SAMPLED || c->parent == LOCAL_UNSAMPLED) {
        j->span_opt.parent_span = c->parent == LOCAL_SAMPLED ? ps->sampled : ps->unsampled;
        j->parent_sc = otelc_span_get_context(j->span_opt.parent_span);
    } else if (c->parent == REMOTE_SAMPLED) {
        j->span_opt.parent = ps->remote;
        j->parent_sc = otelc_span_get_context(otelc_context_get_span(ps->remote));
    }
    return OTELC_OK;
}

/* ---- the report ----------------------------------------------------------------------- */

struct row {
    const char *sampler;
    unsigned threads;
    struct outcome decide, span;
};

static void print_table(const struct bench_config *cfg, double baseline, const struct row *rows,
                        size_t n)
{
    printf("otelc-bench samplers: %llu rounds of %llu iterations; ns per call per thread "
           "(median of rounds)\n",
           (unsigned long long)cfg->rounds, (unsigned long long)cfg->iterations);
    printf("untraced baseline loop: %.2f ns per iteration\n", baseline);
    printf("%-24s %3s %14s %14s %10s %9s %12s\n", "sampler", "thr", "should_sample",
           "span_start_end", "overhead", "sampled", "allocs/span");
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        printf("%-24s %3u %14.2f %14.2f %10.2f %9.6f %12.2f\n", r->sampler, r->threads,
               r->decide.ns, r->span.ns, r->span.ns - baseline, r->span.sampled, r->span.allocs);
    }
}

static void print_json(const struct bench_config *cfg, double baseline, const struct row *rows,
                       size_t n)
{
    printf("{\"command\":\"samplers\",\"iterations\":%llu,\"rounds\":%llu,\"unit\":\"ns/op\","
           "\"baseline_ns\":%.3f,\"results\":[",
           (unsigned long long)cfg->iterations, (unsigned long long)cfg->rounds, baseline);
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        printf("%s{\"sampler\":\"%s\",\"threads\":%u,\"should_sample_ns\":%.3f,"
               "\"span_ns\":%.3f,\"overhead_ns\":%.3f,\"sampled_fraction\":%.6f,"
               "\"allocs_per_span\":%.3f}",
               i ? "," : "", r->sampler, r->threads, r->decide.ns, r->span.ns,
               r->span.ns - baseline, r->span.sampled, r->span.allocs);
    }
    printf("]}\n");
}

static const char samplers_usage[] =
    "usage: otelc-bench samplers [--iterations N] [--rounds R] [--json]\n"
    "For each sampler: ns per otelc_sampler_should_sample(), ns per span start+end through\n"
    "the SDK (simple processor, an exporter that only counts), the overhead of that span over\n"
    "an untraced baseline loop, the fraction of decisions that sampled and the allocations\n"
    "per span; each on 1 thread and on 2 threads at once (per-thread figures).\n";

/* Fills ids with random trace ids (a fixed seed: every run decides on the same ids). */
static void random_ids(uint8_t (*ids)[16])
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (unsigned i = 0; i < IDS; i++) {
        for (unsigned k = 0; k < 16; k += 8) {
            uint64_t z = (x += 0x9e3779b97f4a7c15u);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
            z ^= z >> 31;
            memcpy(ids[i] + k, &z, 8);
        }
    }
}

/* Measures one case on 1 and 2 threads into rows[0..2). */
static int run_case(const struct sampler_case *c, struct parents *ps, uint8_t (*ids)[16],
                    const struct bench_config *cfg, struct row *rows)
{
    struct job j;
    int err = job_init(&j, c, ps, ids);
    for (unsigned t = 1; err == OTELC_OK && t <= MAX_THREADS; t++) {
        struct row *r = &rows[t - 1];
        r->sampler = c->name;
        r->threads = t;
        if (measure(&j, run_should_sample, t, cfg, &r->decide) != 0 ||
            measure(&j, run_span, t, cfg, &r->span) != 0)
            err = OTELC_ENOMEM;
    }
    pipeline_fini(&j.pipe);
    return err;
}

int bench_samplers_main(int argc, char **argv)
{
    struct bench_config cfg = {.iterations = 200000, .rounds = 7, .json = 0};
    int rc = bench_parse_flags(argc, argv, samplers_usage, &cfg, NULL, 0);
    if (rc != BENCH_RUN)
        return rc;
    /* Counting allocations needs the allocator in place before any other otelc call. */
    if (otelc_set_allocator(&counting_allocator) != OTELC_OK)
        return 1;
    static uint8_t ids[IDS][16];
    random_ids(ids);
    struct parents ps;
    struct row rows[NCASES * MAX_THREADS];
    struct outcome baseline = {0};
    int err = parents_init(&ps);
    if (err == OTELC_OK)
        err = measure(NULL, run_baseline, 1, &cfg, &baseline) == 0 ? OTELC_OK : OTELC_ENOMEM;
    for (size_t i = 0; i < NCASES && err == OTELC_OK; i++)
        err = run_case(&cases[i], &ps, ids, &cfg, &rows[i * MAX_THREADS]);
    parents_fini(&ps);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-bench samplers: %s\n", otelc_strerror(err));
        return 1;
    }
    if (cfg.json)
        print_json(&cfg, baseline.ns, rows, NCASES * MAX_THREADS);
    else
        print_table(&cfg, baseline.ns, rows, NCASES * MAX_THREADS);
    fflush(stdout);
    return 0;
}
