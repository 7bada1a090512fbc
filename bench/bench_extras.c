/* SPDX-License-Identifier: Apache-2.0 */
/* The extra figures of `otelc-bench compare`: peak RSS per million queued spans, CPU per span
 * exported over OTLP/HTTP, and callgrind's instruction count of one span. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <otelc/otelc.h>

#include "bench_common.h"
#include "bench_peers.h"

/* What a child sends back: a value, or why there is none. */
struct child_answer {
    double value;
    char why[160];
};

typedef void (*child_fn)(void *arg, struct child_answer *a);

/* Runs @p fn in a forked child, so its memory and CPU figures are its own, and puts its answer
 * in @p x. The caller has no threads but its own (and the sink's, which the child leaves
 * alone). */
static void in_child(struct bench_extra *x, child_fn fn, void *arg)
{
    int fds[2];
    struct child_answer a;
    memset(&a, 0, sizeof a);
    fflush(NULL);
    if (pipe(fds) != 0) {
        snprintf(x->skipped, sizeof x->skipped, "pipe: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(x->skipped, sizeof x->skipped, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        a.value = NAN;
        fn(arg, &a);
        ssize_t w = write(fds[1], &a, sizeof a);
        /* _exit: the child leaves the parent's stdio buffers and atexit handlers alone, and a
         * stalled exporter thread is simply ended with it. */
        _exit(w == (ssize_t)sizeof a ? 0 : 1);
    }
    close(fds[1]);
    size_t got = 0;
    while (got < sizeof a) {
        ssize_t r = read(fds[0], (char *)&a + got, sizeof a - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fds[0]);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        continue;
    if (got != sizeof a)
        snprintf(x->skipped, sizeof x->skipped, "the measuring child process died");
    else if (a.why[0])
        snprintf(x->skipped, sizeof x->skipped, "%s", a.why);
    else
        x->value = a.value;
}

static long rss_kib(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
        rss = -1;
    fclose(f);
    return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static uint64_t pow2_at_least(uint64_t n)
{
    uint64_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

static int stalled_export(void *user_data, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    /* Holds the worker here until the child exits: everything else stays queued. */
    for (;;) {
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
    return OTELC_OK;
}

static const otelc_span_exporter_methods stalled_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = stalled_export,
};

/* AlwaysOn, and a batch processor whose queue holds @p spans, around @p exp (taken over;
 * NULL when it could not be made). Returns the provider, or NULL with a->why set. */
static otelc_tracer_provider *queue_pipeline(otelc_span_exporter *exp, uint64_t spans,
                                             struct child_answer *a)
{
    otelc_tracer_provider *tp = NULL;
    otelc_sampler *sampler = NULL;
    otelc_batch_span_processor_options bo;
    otelc_batch_span_processor_options_init(&bo);
    bo.max_queue_size = (uint32_t)pow2_at_least(spans);
    if (exp == NULL || otelc_sampler_always_on(&sampler) != OTELC_OK) {
        otelc_span_exporter_free(exp);
        snprintf(a->why, sizeof a->why, "cannot build the exporter or the sampler");
        return NULL;
    }
    if (bench_span_pipeline_new(&tp, sampler, exp, &bo) != OTELC_OK) {
        snprintf(a->why, sizeof a->why, "cannot build the pipeline");
        return NULL;
    }
    return tp;
}

static void make_spans(otelc_tracer *t, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        otelc_span *s = otelc_span_start(t, "bench.span", NULL);
        bench_set_peer_attrs(s, 4);
        otelc_span_end(s);
    }
}

static void rss_child(void *arg, struct child_answer *a)
{
    uint64_t spans = *(const uint64_t *)arg;
    otelc_span_exporter *exp = NULL;
    long before = rss_kib();
    otelc_span_exporter_new(&exp, &stalled_methods, NULL);
    otelc_tracer_provider *tp = queue_pipeline(exp, spans, a);
    if (tp == NULL)
        return;
    otelc_log_set_level(OTELC_LOG_ERROR);
    make_spans(otelc_tracer_provider_get_tracer(tp, "otelc-bench", NULL, NULL, NULL, 0), spans);
    otelc_span_processor_stats st = bench_provider_stats(tp);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    uint64_t held = st.ended - st.dropped; /* queued, or in the stalled exporter's batch */
    if (before < 0 || held == 0) {
        snprintf(a->why, sizeof a->why, "no RSS figure (/proc/self/statm) or no span queued");
        return;
    }
    a->value = (double)(ru.ru_maxrss - before) * 1e6 / (double)held;
}

void bench_extra_rss(struct bench_extra *x, uint64_t spans)
{
    memset(x, 0, sizeof *x);
    x->key = "rss_kib_per_million_spans_queued";
    x->label = "peak RSS per million spans queued (4 attributes, exporter stalled)";
    x->unit = "KiB";
    in_child(x, rss_child, &spans);
}

struct cpu_arg {
    uint64_t spans;
    int port;
};

static uint64_t cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
           ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
}

static void cpu_child(void *arg, struct child_answer *a)
{
    const struct cpu_arg *c = arg;
    char url[64];
    otelc_span_exporter *exp = NULL;
    /* A proxy from the environment would put a third process in the measurement. */
    setenv("NO_PROXY", "127.0.0.1", 1);
    setenv("no_proxy", "127.0.0.1", 1);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/traces", c->port);
    otelc_otlp_http_exporter_options eo;
    otelc_otlp_http_exporter_options_init(&eo);
    eo.endpoint = url;
    otelc_otlp_http_exporter_new(&exp, &eo);
    /* The queue holds every span: none is dropped. */
    otelc_tracer_provider *tp = queue_pipeline(exp, c->spans, a);
    if (tp == NULL)
        return;
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "otelc-bench", NULL, NULL, NULL, 0);
    uint64_t t0 = cpu_ns();
    make_spans(t, c->spans);
    int err = otelc_tracer_provider_force_flush(tp, 60000);
    uint64_t t1 = cpu_ns();
    otelc_span_processor_stats st = bench_provider_stats(tp);
    otelc_tracer_provider_shutdown(tp, 5000);
    otelc_tracer_provider_free(tp);
    if (err != OTELC_OK || st.exported != c->spans) {
        snprintf(a->why, sizeof a->why, "%" PRIu64 " of %" PRIu64 " spans exported (%s)",
                 st.exported, c->spans, otelc_strerror(err));
        return;
    }
    a->value = (double)(t1 - t0) / (double)st.exported;
}

void bench_extra_cpu_per_export(struct bench_extra *x, uint64_t spans)
{
    memset(x, 0, sizeof *x);
    x->key = "cpu_ns_per_exported_span";
    x->label = "CPU per span exported over OTLP/HTTP protobuf (4 attributes)";
    x->unit = "ns";
    struct bench_sink *sink = NULL;
    struct cpu_arg c = {spans, 0};
    if (bench_sink_start(&sink, &c.port) != 0) {
        snprintf(x->skipped, sizeof x->skipped, "no local sink: %s", strerror(errno));
        return;
    }
    in_child(x, cpu_child, &c);
    bench_sink_stop(sink);
}

/* Sums the `totals:` lines of callgrind's output files "@p base-NN" (one per thread); the
 * calling thread's alone goes to @p first. Removes the files. Returns the number of files. */
static int read_callgrind(const char *base, uint64_t *first, uint64_t *all)
{
    int files = 0;
    *first = *all = 0;
    for (int t = 1; t < 100; t++) {
        char path[600], line[256];
        snprintf(path, sizeof path, "%s-%02d", base, t);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            break;
        uint64_t v = 0;
        while (fgets(line, sizeof line, f) != NULL)
            if (strncmp(line, "totals:", 7) == 0 || strncmp(line, "summary:", 8) == 0)
                v = strtoull(strchr(line, ':') + 1, NULL, 10);
        fclose(f);
        unlink(path);
        if (t == 1)
            *first = v;
        *all += v;
        files++;
    }
    return files;
}

/* Instructions of one run of @p workload with @p k operations, or -1. */
static int callgrind_run(const char *valgrind, const char *dir, const char *self,
                         const char *workload, uint64_t k, uint64_t *first, uint64_t *all)
{
    char out_arg[600], base[512], kstr[32];
    snprintf(base, sizeof base, "%s/cg.%" PRIu64, dir, k);
    snprintf(out_arg, sizeof out_arg, "--callgrind-out-file=%s", base);
    snprintf(kstr, sizeof kstr, "%" PRIu64, k);
    const char *argv[] = {valgrind, "--tool=callgrind", "-q", "--separate-threads=yes",
                          out_arg, self, "workload", workload, "--iterations", kstr,
                          "--no-warmup", NULL};
    /* glibc's MALLOC_PERTURB_ (meson test sets it) would add memset instructions to the
     * count: the figure should not depend on who runs it. */
    const char *env[] = {"MALLOC_PERTURB_=0", NULL};
    char out[512];
    int rc = bench_run_capture(argv, env, out, sizeof out);
    int files = read_callgrind(base, first, all);
    return rc == 0 && files > 0 ? 0 : -1;
}

void bench_extra_callgrind(struct bench_extra *thread, struct bench_extra *all,
                           const char *self, const char *workload, uint64_t k1, uint64_t k2)
{
    char valgrind[512], dir[] = "/tmp/otelc-callgrind.XXXXXX";
    uint64_t f1, a1, f2, a2;
    memset(thread, 0, sizeof *thread);
    memset(all, 0, sizeof *all);
    thread->unit = all->unit = "instructions";
    if (bench_find_program("valgrind", valgrind, sizeof valgrind) != 0) {
        snprintf(thread->skipped, sizeof thread->skipped, "valgrind not found");
        memcpy(all->skipped, thread->skipped, sizeof all->skipped);
        return;
    }
    if (mkdtemp(dir) == NULL) {
        snprintf(thread->skipped, sizeof thread->skipped, "mkdtemp: %s", strerror(errno));
        memcpy(all->skipped, thread->skipped, sizeof all->skipped);
        return;
    }
    if (callgrind_run(valgrind, dir, self, workload, k1, &f1, &a1) != 0 ||
        callgrind_run(valgrind, dir, self, workload, k2, &f2, &a2) != 0) {
        snprintf(thread->skipped, sizeof thread->skipped,
                 "valgrind --tool=callgrind failed on otelc-bench workload %s", workload);
        memcpy(all->skipped, thread->skipped, sizeof all->skipped);
    } else {
        thread->value = ((double)f2 - (double)f1) / (double)(k2 - k1);
        all->value = ((double)a2 - (double)a1) / (double)(k2 - k1);
    }
    rmdir(dir);
}
