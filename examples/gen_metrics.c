/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-gen metrics`: records into one instrument of each synchronous kind and an observable
 * gauge, the histogram inside sampled spans so that exemplars point at exported spans. */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <otelc/otelc.h>

#include "cli.h"
#include "gen_metrics.h"

#define GEN_MAX_THREADS 1024u
#define GEN_MAX_SERIES 100000u
/* The shutdown deadline: long enough for a slow collector to take the last collection. */
#define GEN_SHUTDOWN_MS 30000u

/* What `otelc-gen metrics` makes. Every field is a flag of the subcommand. */
struct metrics_opts {
    uint64_t count;   /* measurements per synchronous instrument, in all */
    uint64_t threads; /* threads sharing the count */
    uint64_t series;  /* attribute sets (gen.series = 0 .. S-1), measurement i going to i % S */
};

static const struct metrics_opts metrics_defaults = {.threads = 1, .series = 1};

/* The instruments, made once and shared by the threads. */
struct instruments {
    otelc_instrument *counter;  /* gen.requests: int counter, adds 1 + i % 5 */
    otelc_instrument *updown;   /* gen.inflight: int up-down counter, +2 for even i, -1 odd */
    otelc_instrument *histo;    /* gen.latency: double histogram, inside a span each */
    otelc_instrument *gauge;    /* gen.temperature: double gauge, the last i of a series */
    otelc_instrument *observed; /* gen.queue.depth: int observable gauge, 10 * series */
};

/* What was recorded, summed over the threads at the end. */
struct totals {
    uint64_t measurements; /* per synchronous instrument */
    int64_t counter_sum;
    int64_t updown_sum;
    double histogram_sum;
    uint64_t spans;
};

/* One thread's share: the measurement indexes [first, end). */
struct metrics_worker {
    const struct instruments *inst;
    otelc_tracer *tracer;
    uint64_t series;
    uint64_t first;
    uint64_t end;
    struct totals t;
    pthread_t thread;
};

/* The observable gauge's callback: one observation per series per collection. */
struct observed_state {
    uint64_t series;
    _Atomic uint64_t observations;
};

static size_t metrics_flags(struct metrics_opts *o, struct cli_flag *f)
{
    size_t n = 0;
    f[n++] = cli_num("--count", "N", &o->count, 1, UINT64_MAX / 8,
                     "measurements per instrument (required)");
    f[n++] =
        cli_num("--threads", "T", &o->threads, 1, GEN_MAX_THREADS, "threads that split the count");
    f[n++] = cli_num("--series", "S", &o->series, 1, GEN_MAX_SERIES,
                     "attribute sets per instrument (gen.series = 0 .. S-1)");
    return n;
}

static void metrics_usage(FILE *f)
{
    struct metrics_opts d = metrics_defaults;
    struct cli_flag flags[8];
    size_t n = metrics_flags(&d, flags);
    fprintf(f,
            "usage: otelc-gen metrics --count N [flags]\n"
            "Records N measurements into a counter, an up-down counter, a histogram (each in\n"
            "a span of its own, so that exemplars are taken) and a gauge, observes a gauge at\n"
            "each collection, through the SDK that OTEL_* variables configure; shuts down with\n"
            "a %u s deadline and prints what it recorded and the counters as one JSON line to\n"
            "stderr.\n",
            GEN_SHUTDOWN_MS / 1000);
    cli_print_flags(f, flags, n);
}

/* A histogram value for measurement i, spread over the default buckets (0 .. 10000 ms). */
static double latency_of(uint64_t i) { return (double)((i * 37u) % 12000u) / 4.0; }

static void *metrics_worker_main(void *arg)
{
    struct metrics_worker *w = arg;
    const struct instruments *in = w->inst;
    for (uint64_t i = w->first; i < w->end; i++) {
        otelc_attr a = otelc_attr_int("gen.series", (int64_t)(i % w->series));
        int64_t add = (int64_t)(1 + i % 5);
        int64_t delta = (i & 1u) ? -1 : 2;
        double latency = latency_of(i);
        otelc_record_i64(in->counter, add, &a, 1);
        otelc_record_i64(in->updown, delta, &a, 1);
        /* The histogram's measurement is taken in a span of its own, which the trace_based
         * exemplar filter needs (the span must be sampled) and the exemplar points at. */
        otelc_span *s = otelc_span_start(w->tracer, "gen.metrics.op", NULL);
        otelc_context_token tok = otelc_span_make_current(s);
        otelc_record_f64(in->histo, latency, &a, 1);
        otelc_context_detach(tok);
        otelc_span_end(s);
        otelc_record_f64(in->gauge, (double)i, &a, 1);
        w->t.counter_sum += add;
        w->t.updown_sum += delta;
        w->t.histogram_sum += latency;
        w->t.spans++;
        w->t.measurements++;
    }
    return NULL;
}

static void observe_queue_depth(otelc_observer *obs, void *user_data)
{
    struct observed_state *st = user_data;
    for (uint64_t s = 0; s < st->series; s++) {
        otelc_attr a = otelc_attr_int("gen.series", (int64_t)s);
        otelc_observe_i64(obs, NULL, (int64_t)(10 * s), &a, 1);
    }
    atomic_fetch_add(&st->observations, st->series);
}

static int make_instruments(otelc_meter *m, struct instruments *in)
{
    otelc_instrument_options io;
    otelc_instrument_options_init(&io);
    io.is_int = 1;
    io.unit = "{request}";
    int rc = otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "gen.requests", &io,
                                           &in->counter);
    if (rc == OTELC_OK)
        rc = otelc_meter_create_instrument(m, OTELC_INSTRUMENT_UP_DOWN_COUNTER, "gen.inflight",
                                           &io, &in->updown);
    io.unit = "{item}";
    if (rc == OTELC_OK)
        rc = otelc_meter_create_instrument(m, OTELC_INSTRUMENT_OBSERVABLE_GAUGE,
                                           "gen.queue.depth", &io, &in->observed);
    io.is_int = 0;
    io.unit = "ms";
    if (rc == OTELC_OK)
        rc = otelc_meter_create_instrument(m, OTELC_INSTRUMENT_HISTOGRAM, "gen.latency", &io,
                                           &in->histo);
    io.unit = "Cel";
    if (rc == OTELC_OK)
        rc = otelc_meter_create_instrument(m, OTELC_INSTRUMENT_GAUGE, "gen.temperature", &io,
                                           &in->gauge);
    return rc;
}

/* Runs the workers over [0, count) and adds their totals into *t; returns 0, or -1 when a
 * thread could not start. */
static int run_metrics_workers(const struct metrics_opts *o, const struct instruments *in,
                               otelc_tracer *tracer, struct totals *t)
{
    struct metrics_worker *w = calloc((size_t)o->threads, sizeof *w);
    if (w == NULL) {
        fprintf(stderr, "otelc-gen: out of memory\n");
        return -1;
    }
    int rc = 0;
    uint64_t started = 0;
    uint64_t base = o->count / o->threads, extra = o->count % o->threads;
    for (uint64_t k = 0; k < o->threads; k++) {
        w[k].inst = in;
        w[k].tracer = tracer;
        w[k].series = o->series;
        w[k].first = k * base + (k < extra ? k : extra);
        w[k].end = w[k].first + base + (k < extra ? 1 : 0);
        int err = pthread_create(&w[k].thread, NULL, metrics_worker_main, &w[k]);
        if (err != 0) {
            fprintf(stderr, "otelc-gen: cannot start thread %" PRIu64 ": %s\n", k, strerror(err));
            rc = -1;
            break;
        }
        started++;
    }
    for (uint64_t k = 0; k < started; k++) {
        pthread_join(w[k].thread, NULL);
        t->measurements += w[k].t.measurements;
        t->counter_sum += w[k].t.counter_sum;
        t->updown_sum += w[k].t.updown_sum;
        t->histogram_sum += w[k].t.histogram_sum;
        t->spans += w[k].t.spans;
    }
    free(w);
    return rc;
}

/* Shuts the SDK down (both providers: the last collection and the last spans are exported),
 * prints what was recorded and the counters as one JSON line on stderr, and frees it. Returns
 * 0, or -1 when the shutdown did not finish cleanly. */
static int finish_metrics_sdk(otelc_sdk *sdk, const struct totals *t,
                              const struct observed_state *obs)
{
    int rc = otelc_sdk_shutdown(sdk, GEN_SHUTDOWN_MS);
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_sdk_get_stats(sdk, &st);
    otelc_meter_provider_stats ms;
    memset(&ms, 0, sizeof ms);
    otelc_meter_provider_get_stats(otelc_sdk_meter_provider(sdk), &ms);
    fprintf(stderr,
            "{\"recorded\":{\"counter\":%" PRIu64 ",\"up_down_counter\":%" PRIu64
            ",\"histogram\":%" PRIu64 ",\"gauge\":%" PRIu64 ",\"observable_gauge\":%" PRIu64
            "},\"sums\":{\"counter\":%" PRId64 ",\"up_down_counter\":%" PRId64
            ",\"histogram\":%.17g},\"metrics\":{\"series\":%" PRIu64 ",\"overflowed\":%" PRIu64
            ",\"invalid\":%" PRIu64 "},\"spans\":{\"started\":%" PRIu64 ",\"ended\":%" PRIu64
            ",\"exported\":%" PRIu64 ",\"dropped\":%" PRIu64 ",\"failed\":%" PRIu64 "}}\n",
            t->measurements, t->measurements, t->measurements, t->measurements,
            atomic_load(&obs->observations), t->counter_sum, t->updown_sum, t->histogram_sum,
            ms.series, ms.overflowed, ms.invalid, t->spans, st.ended, st.exported, st.dropped,
            st.failed);
    int disabled = otelc_sdk_is_disabled(sdk);
    otelc_sdk_free(sdk);
    if (rc != OTELC_OK && !disabled) {
        fprintf(stderr, "otelc-gen: shutdown: %s\n", otelc_strerror(rc));
        return -1;
    }
    return 0;
}

int gen_cmd_metrics(int argc, char **argv)
{
    struct metrics_opts o = metrics_defaults;
    struct cli_flag flags[8];
    size_t n = metrics_flags(&o, flags);
    int parsed = cli_parse_command(argc, argv, flags, n, metrics_usage, &o.count, "--count");
    if (parsed >= 0)
        return parsed;
    if (o.threads > o.count)
        o.threads = o.count;

    otelc_sdk *sdk = NULL;
    int err = otelc_sdk_init_from_env(&sdk);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-gen: cannot set up the SDK: %s\n", otelc_strerror(err));
        return 1;
    }
    struct instruments in;
    memset(&in, 0, sizeof in);
    struct observed_state obs = {.series = o.series};
    struct totals t;
    memset(&t, 0, sizeof t);
    int rc = 0;
    otelc_meter *meter = otelc_sdk_get_meter(sdk, "otelc-gen", otelc_version());
    /* A disabled SDK has no meter: the records below are then no-ops, as they should be. */
    if (meter != NULL) {
        err = make_instruments(meter, &in);
        if (err == OTELC_OK)
            err = otelc_instrument_add_callback(in.observed, observe_queue_depth, &obs, NULL);
        if (err != OTELC_OK) {
            fprintf(stderr, "otelc-gen: cannot create the instruments: %s\n",
                    otelc_strerror(err));
            rc = -1;
        }
    }
    otelc_tracer *tracer = otelc_sdk_get_tracer(sdk, "otelc-gen", otelc_version());
    if (rc == 0)
        rc = run_metrics_workers(&o, &in, tracer, &t);
    if (finish_metrics_sdk(sdk, &t, &obs) != 0)
        rc = -1;
    return rc == 0 ? 0 : 1;
}
