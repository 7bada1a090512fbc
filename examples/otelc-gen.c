/* SPDX-License-Identifier: Apache-2.0 */
/* otelc-gen: a load generator that makes synthetic telemetry through the public otelc API. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <otelc/otelc.h>

#include "cli.h"
#include "gen_metrics.h"

#define GEN_MAX_ATTRS 128u
#define GEN_MAX_EVENTS 1024u
#define GEN_MAX_LINKS 128u
#define GEN_MAX_DEPTH 1000u
#define GEN_MAX_THREADS 1024u
/* The shutdown deadline: long enough for a slow collector to take what is queued. */
#define GEN_SHUTDOWN_MS 30000u
/* Children --processes may fork. */
#define GEN_MAX_PROCESSES 256u

/* What `otelc-gen traces` makes. Every field is a flag of the subcommand. */
struct traces_opts {
    uint64_t count;       /* traces in all */
    uint64_t threads;     /* threads sharing the count */
    uint64_t depth;       /* spans per trace, in one parent-child chain */
    uint64_t attrs;       /* attributes per span */
    uint64_t events;      /* events per span */
    uint64_t links;       /* links per span, to the previous trace's root */
    uint64_t error_every; /* every K-th trace's root fails; 0: none */
    uint64_t rate;        /* traces per second over all threads; 0: as fast as possible */
    uint64_t processes;   /* children forked after SDK set-up; each takes a share */
    uint64_t duration;    /* seconds after which the threads stop; 0: when the count is made */
    uint64_t process_stats; /* 1: also print peak RSS, queued spans, ns per span, shutdown ms */
};

static const struct traces_opts traces_defaults = {.threads = 1, .depth = 1};

/* One thread's share: the global trace indexes [first, end). */
struct traces_worker {
    const struct traces_opts *opts;
    otelc_tracer *tracer;
    uint64_t first;
    uint64_t end;
    uint64_t t0; /* monotonic ns when generation started, for pacing */
    int failed;  /* set when the worker could not run (out of memory) */
    uint64_t made;    /* traces made */
    uint64_t busy_ns; /* time spent making them (pacing sleeps excluded) */
    pthread_t thread;
};

/* Attribute keys made once, so the hot loop formats nothing. */
static char attr_keys[GEN_MAX_ATTRS][24];

static size_t traces_flags(struct traces_opts *o, struct cli_flag *f)
{
    size_t n = 0;
    f[n++] = cli_num("--count", "N", &o->count, 1, UINT64_MAX / 2, "traces to make (required)");
    f[n++] =
        cli_num("--threads", "T", &o->threads, 1, GEN_MAX_THREADS, "threads that split the count");
    f[n++] = cli_num("--depth", "D", &o->depth, 1, GEN_MAX_DEPTH,
                     "spans per trace: a SERVER root and D-1 nested children");
    f[n++] = cli_num("--attrs", "A", &o->attrs, 0, GEN_MAX_ATTRS,
                     "attributes per span (string, int, double, bool in turn)");
    f[n++] = cli_num("--events", "E", &o->events, 0, GEN_MAX_EVENTS, "events per span");
    f[n++] = cli_num("--links", "L", &o->links, 0, GEN_MAX_LINKS,
                     "links per span, to the previous trace's root");
    f[n++] = cli_num("--error-every", "K", &o->error_every, 0, UINT64_MAX,
                     "every K-th trace's root records an exception and fails");
    f[n++] = cli_num("--rate", "R", &o->rate, 0, 100000000,
                     "traces per second over all threads (0: no limit)");
    f[n++] = cli_num("--processes", "P", &o->processes, 0, GEN_MAX_PROCESSES,
                     "children forked after SDK set-up; parent and children split the count");
    f[n++] = cli_num("--duration", "S", &o->duration, 0, 86400,
                     "stop after S seconds (then --count is an upper bound, default none)");
    f[n++] = cli_switch("--process-stats", &o->process_stats,
                        "after the counters, print peak RSS, spans still queued, ns per span "
                        "made and shutdown ms as a second JSON line");
    return n;
}

static void traces_usage(FILE *f)
{
    struct traces_opts d = traces_defaults;
    struct cli_flag flags[16];
    size_t n = traces_flags(&d, flags);
    fprintf(f,
            "usage: otelc-gen traces --count N | --duration S [flags]\n"
            "Makes N traces (or as many as S seconds allow) through the SDK that OTEL_*\n"
            "variables configure, shuts down with a %u s deadline and prints the span\n"
            "counters as one JSON line to stderr (--process-stats: and a second line).\n",
            GEN_SHUTDOWN_MS / 1000);
    cli_print_flags(f, flags, n);
}

/* Sleeps until the monotonic time @p due_ns. */
static void sleep_until(uint64_t due_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(due_ns / 1000000000u),
                          .tv_nsec = (long)(due_ns % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

static void set_span_attrs(otelc_span *s, uint64_t n, uint64_t trace_index)
{
    for (uint64_t i = 0; i < n; i++) {
        const char *key = attr_keys[i];
        switch (i % 4) {
        case 0:
            otelc_span_set_attr_str(s, key, "otelc-gen");
            break;
        case 1:
            otelc_span_set_attr_int(s, key, (int64_t)trace_index);
            break;
        case 2:
            otelc_span_set_attr_double(s, key, (double)trace_index * 0.5);
            break;
        default:
            otelc_span_set_attr_bool(s, key, (trace_index & 1u) != 0);
            break;
        }
    }
}

static void add_events(otelc_span *s, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        otelc_attr a = otelc_attr_int("gen.event.index", (int64_t)i);
        otelc_span_add_event(s, "gen.event", 0, &a, 1);
    }
}

/* Makes the trace with global index @p g: a chain of depth spans, ended innermost first. */
static void make_trace(struct traces_worker *w, uint64_t g, otelc_span **chain, otelc_link *links,
                       otelc_span_context *prev_root)
{
    const struct traces_opts *o = w->opts;
    otelc_span_options so;
    otelc_span_options_init(&so);
    /* The first trace of a thread has no previous root to link to. */
    if (otelc_span_context_is_valid(prev_root)) {
        for (uint64_t i = 0; i < o->links; i++)
            links[i].context = *prev_root;
        so.links = links;
        so.link_count = (size_t)o->links;
    }
    for (uint64_t level = 0; level < o->depth; level++) {
        so.kind = level == 0 ? OTELC_SPAN_KIND_SERVER : OTELC_SPAN_KIND_INTERNAL;
        so.root = level == 0;
        so.parent_span = level == 0 ? NULL : chain[level - 1];
        otelc_span *s = otelc_span_start(w->tracer, level == 0 ? "gen.root" : "gen.child", &so);
        set_span_attrs(s, o->attrs, g);
        add_events(s, o->events);
        chain[level] = s;
    }
    otelc_span *root = chain[0];
    if (o->error_every != 0 && (g + 1) % o->error_every == 0) {
        otelc_span_record_exception(root, "gen.SimulatedError", "simulated failure", NULL, NULL, 0);
        otelc_span_set_status(root, OTELC_STATUS_ERROR, "simulated failure");
    }
    *prev_root = otelc_span_get_context(root);
    /* The tracestate belongs to the root, which is released below. */
    prev_root->tracestate = NULL;
    for (uint64_t level = o->depth; level-- > 0;)
        otelc_span_end(chain[level]);
}

static void *traces_worker_main(void *arg)
{
    struct traces_worker *w = arg;
    const struct traces_opts *o = w->opts;
    otelc_span **chain = calloc((size_t)o->depth, sizeof *chain);
    otelc_link *links = calloc((size_t)o->links + 1, sizeof *links);
    otelc_attr *link_attrs = calloc((size_t)o->links + 1, sizeof *link_attrs);
    if (chain == NULL || links == NULL || link_attrs == NULL) {
        w->failed = 1;
        goto out;
    }
    for (uint64_t i = 0; i < o->links; i++) {
        link_attrs[i] = otelc_attr_int("gen.link.index", (int64_t)i);
        links[i].attrs = &link_attrs[i];
        links[i].attr_count = 1;
    }
    otelc_span_context prev_root;
    memset(&prev_root, 0, sizeof prev_root);
    /* Each thread paces its own share: trace j of this thread is due at t0 + j * T / R. */
    double ns_per_trace = o->rate ? 1e9 * (double)o->threads / (double)o->rate : 0.0;
    uint64_t stop = o->duration ? w->t0 + o->duration * 1000000000u : UINT64_MAX;
    for (uint64_t g = w->first; g < w->end; g++) {
        if (o->rate != 0)
            sleep_until(w->t0 + (uint64_t)((double)(g - w->first) * ns_per_trace));
        uint64_t t = otelc_monotonic_ns();
        if (t >= stop)
            break;
        make_trace(w, g, chain, links, &prev_root);
        w->busy_ns += otelc_monotonic_ns() - t;
        w->made++;
    }
out:
    free(link_attrs);
    free(links);
    free(chain);
    return NULL;
}

/* Runs the workers over the trace indexes [lo, hi) and waits for them; returns 0, or -1 when
 * a thread could not run. */
static int run_workers(const struct traces_opts *o, otelc_tracer *tracer, uint64_t lo,
                       uint64_t hi, struct traces_worker *sum)
{
    struct traces_worker *w = calloc((size_t)o->threads, sizeof *w);
    if (w == NULL) {
        fprintf(stderr, "otelc-gen: out of memory\n");
        return -1;
    }
    uint64_t t0 = otelc_monotonic_ns();
    uint64_t started = 0;
    int rc = 0;
    for (uint64_t t = 0; t < o->threads; t++) {
        /* An even split; the first count % threads workers take one more. */
        uint64_t base = (hi - lo) / o->threads, extra = (hi - lo) % o->threads;
        w[t].opts = o;
        w[t].tracer = tracer;
        w[t].first = lo + t * base + (t < extra ? t : extra);
        w[t].end = w[t].first + base + (t < extra ? 1 : 0);
        w[t].t0 = t0;
        int err = pthread_create(&w[t].thread, NULL, traces_worker_main, &w[t]);
        if (err != 0) {
            fprintf(stderr, "otelc-gen: cannot start thread %" PRIu64 ": %s\n", t, strerror(err));
            rc = -1;
            break;
        }
        started++;
    }
    for (uint64_t t = 0; t < started; t++) {
        pthread_join(w[t].thread, NULL);
        sum->made += w[t].made;
        sum->busy_ns += w[t].busy_ns;
        if (w[t].failed) {
            fprintf(stderr, "otelc-gen: thread %" PRIu64 " ran out of memory\n", t);
            rc = -1;
        }
    }
    free(w);
    return rc;
}

/* The process's peak RSS in KiB: VmHWM, which starts afresh at exec (ru_maxrss does not: it
 * keeps the peak of the program that spawned this one), or ru_maxrss where there is no /proc. */
static long peak_rss_kb(void)
{
    char line[128];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "re");
    while (f && kb < 0 && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    if (kb < 0) {
        struct rusage ru;
        memset(&ru, 0, sizeof ru);
        getrusage(RUSAGE_SELF, &ru);
        kb = ru.ru_maxrss;
    }
    return kb;
}

/* Shuts the SDK down, prints the counters as one JSON line on stderr, then the process's
 * figures (peak RSS, spans still queued, time per span made, shutdown time) as another when
 * asked, and frees it.
 * Returns 0, or -1 when the shutdown did not finish cleanly. */
static int finish_sdk(otelc_sdk *sdk, int with_pid, const struct traces_worker *sum,
                      uint64_t depth, int process_stats)
{
    uint64_t t0 = otelc_monotonic_ns();
    int rc = otelc_sdk_shutdown(sdk, GEN_SHUTDOWN_MS);
    uint64_t shutdown_ms = (otelc_monotonic_ns() - t0) / 1000000u;
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_sdk_get_stats(sdk, &st);
    char pid[32] = "";
    if (with_pid)
        snprintf(pid, sizeof pid, "\"pid\":%ld,", (long)getpid());
    fprintf(stderr,
            "{%s\"ended\":%" PRIu64 ",\"exported\":%" PRIu64 ",\"dropped\":%" PRIu64
            ",\"failed\":%" PRIu64 "}\n",
            pid, st.ended, st.exported, st.dropped, st.failed);
    uint64_t spans = sum->made * depth;
    if (process_stats) {
        fprintf(stderr,
                "{\"process\":{%s\"maxrss_kb\":%ld,\"queued\":%" PRIu64
                ",\"spans_made\":%" PRIu64 ",\"ns_per_span\":%.1f,\"shutdown_ms\":%" PRIu64
                "}}\n",
                pid, peak_rss_kb(), st.queued, spans,
                spans ? (double)sum->busy_ns / (double)spans : 0.0, shutdown_ms);
    }
    int disabled = otelc_sdk_is_disabled(sdk);
    otelc_sdk_free(sdk);
    if (rc != OTELC_OK && !disabled) {
        fprintf(stderr, "otelc-gen: shutdown: %s\n", otelc_strerror(rc));
        return -1;
    }
    return 0;
}

static int cmd_traces(int argc, char **argv)
{
    struct traces_opts o = traces_defaults;
    struct cli_flag flags[16];
    size_t n = traces_flags(&o, flags);
    switch (cli_parse_flags(argc - 1, argv + 1, flags, n)) {
    case CLI_HELP:
        traces_usage(stdout);
        return 0;
    case CLI_ERROR:
        traces_usage(stderr);
        return 2;
    case CLI_OK:
        break;
    }
    if (o.count == 0 && o.duration != 0)
        o.count = UINT64_MAX / 2;
    if (o.count == 0) {
        fprintf(stderr, "--count is required\n");
        traces_usage(stderr);
        return 2;
    }
    if (o.threads > o.count)
        o.threads = o.count;
    for (unsigned i = 0; i < GEN_MAX_ATTRS; i++)
        snprintf(attr_keys[i], sizeof attr_keys[i], "gen.attr.%u", i);

    otelc_sdk *sdk = NULL;
    int err = otelc_sdk_init_from_env(&sdk);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-gen: cannot set up the SDK: %s\n", otelc_strerror(err));
        return 1;
    }
    otelc_tracer *tracer = otelc_sdk_get_tracer(sdk, "otelc-gen", otelc_version());
    /* Process k of P+1 (the parent is 0) takes the k-th even share of the trace indexes. */
    uint64_t nproc = o.processes + 1, k = 0;
    pid_t kids[GEN_MAX_PROCESSES];
    uint64_t forked = 0;
    for (uint64_t i = 1; i < nproc; i++) {
        fflush(NULL); /* the child must not write the parent's buffered output again */
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "otelc-gen: fork: %s\n", strerror(errno));
            break;
        }
        if (pid == 0) {
            k = i;
            forked = 0;
            break;
        }
        kids[forked++] = pid;
    }
    uint64_t base = o.count / nproc, extra = o.count % nproc;
    uint64_t lo = k * base + (k < extra ? k : extra), hi = lo + base + (k < extra ? 1 : 0);
    struct traces_worker sum;
    memset(&sum, 0, sizeof sum);
    int rc = lo < hi ? run_workers(&o, tracer, lo, hi, &sum) : 0;
    if (finish_sdk(sdk, o.processes > 0, &sum, o.depth, o.process_stats != 0) != 0)
        rc = -1;
    if (k != 0)
        _exit(rc == 0 ? 0 : 1); /* a child: no atexit handlers of the parent's */
    for (uint64_t i = 0; i < forked; i++) {
        int status = 0;
        if (waitpid(kids[i], &status, 0) != kids[i] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            fprintf(stderr, "otelc-gen: child %ld failed\n", (long)kids[i]);
            rc = -1;
        }
    }
    if (forked != o.processes)
        rc = -1;
    return rc == 0 ? 0 : 1;
}

static const struct cli_command commands[] = {
    {"traces", "make traces: a SERVER root with nested children per trace", cmd_traces},
    {"metrics", "record into every kind of instrument, with exemplars from sampled spans",
     gen_cmd_metrics},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: otelc-gen COMMAND [flags]   (otelc-gen COMMAND --help for its flags)\n"
               "Generates telemetry through otelc; OTEL_* variables configure the SDK.\n"
               "Commands:\n");
    cli_print_commands(f, commands, sizeof commands / sizeof commands[0]);
}

int main(int argc, char **argv)
{
    return cli_dispatch(argc, argv, commands, sizeof commands / sizeof commands[0], usage);
}
