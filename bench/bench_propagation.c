/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-bench propagation`: ns per extract and per inject of a traceparent, a traceparent
 * with a 10-member tracestate, and a 10-member baggage. */
#include <stdio.h>
#include <string.h>

#include <otelc/otelc.h>

#include "bench_common.h"
#include "cli.h"

#define TRACEPARENT "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
#define TRACESTATE_10                                                                           \
    "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,ot=th:8;rv:4bf92f3577b34d,dd=s:1;o:rum,"          \
    "vendor1=value1,vendor2=value-two,tenant@sys=abc123,k8=v8v8v8,k9=v9v9v9,k10=last"
#define BAGGAGE_10                                                                              \
    "userId=alice,serverNode=DF%2028,isProduction=false,tenant=acme;ttl=30,region=eu-west-1,"  \
    "session=6f1d2c3b,plan=gold,feature.flag=on,request.id=r-42,note=a%20b%2Cc"

/* A carrier that keeps what inject writes in a fixed buffer: the propagator's cost is
 * measured, not an allocator's. */
struct sink {
    char buf[8200];
    uint64_t fields;
};

static int sink_set(void *user_data, const char *name, const char *value, size_t len)
{
    struct sink *s = user_data;
    (void)name;
    memcpy(s->buf, value, len < sizeof s->buf ? len : sizeof s->buf);
    s->fields++;
    return OTELC_OK;
}

/* One workload: a propagator, the headers to extract from and the context to inject. */
struct case_ {
    const otelc_propagator *prop;
    otelc_http_header items[2];
    otelc_http_headers headers;
    otelc_carrier_getter getter;
    otelc_context *ctx; /* what the headers extract to, injected back */
    struct sink sink;
    otelc_carrier_setter setter;
    uint64_t extracted; /* extracts that found something */
};

static void case_header(struct case_ *c, size_t i, const char *name, const char *value)
{
    c->items[i].name = name;
    c->items[i].name_len = strlen(name);
    c->items[i].value = value;
    c->items[i].value_len = strlen(value);
}

static int case_init(struct case_ *c, const otelc_propagator *p, size_t n)
{
    c->prop = p;
    otelc_http_headers_wrap(&c->headers, c->items, n);
    c->getter = otelc_http_headers_getter(&c->headers);
    c->setter = (otelc_carrier_setter){OTELC_CARRIER_VERSION, &c->sink, sink_set};
    c->sink.fields = 0;
    c->extracted = 0;
    return otelc_propagator_extract(p, NULL, &c->getter, &c->ctx);
}

static void run_extract(void *ctx, uint64_t n)
{
    struct case_ *c = ctx;
    for (uint64_t i = 0; i < n; i++) {
        otelc_context *out = NULL;
        otelc_propagator_extract(c->prop, NULL, &c->getter, &out);
        c->extracted += otelc_context_get_span(out) || otelc_context_get_baggage(out);
        otelc_context_free(out);
    }
}

static void run_inject(void *ctx, uint64_t n)
{
    struct case_ *c = ctx;
    for (uint64_t i = 0; i < n; i++) {
        otelc_propagator_inject(c->prop, c->ctx, &c->setter);
        bench_barrier();
    }
}

static void run_parse(void *ctx, uint64_t n)
{
    uint64_t *ok = ctx;
    otelc_span_context sc;
    for (uint64_t i = 0; i < n; i++) {
        *ok += otelc_traceparent_parse(TRACEPARENT, sizeof TRACEPARENT - 1, &sc) == OTELC_OK;
        bench_barrier();
    }
}

static const char propagation_usage[] =
    "usage: otelc-bench propagation [--iterations N] [--rounds R] [--json]\n"
    "ns per extract (a new context with its remote parent span, freed) and per inject (into a\n"
    "carrier that copies into a fixed buffer) with the W3C propagators: a traceparent, a\n"
    "traceparent with a 10-member tracestate, and a 10-member baggage; and per traceparent\n"
    "parse alone.\n";

int bench_propagation_main(int argc, char **argv)
{
    struct bench_report rep;
    memset(&rep, 0, sizeof rep);
    rep.command = "propagation";
    rep.config = (struct bench_config){.iterations = 200000, .rounds = 7, .json = 0};
    int rc = bench_parse_flags(argc, argv, propagation_usage, &rep.config, NULL, 0);
    if (rc != BENCH_RUN)
        return rc;
    rc = 0; /* BENCH_RUN is not an exit status: the checks below set a failure */

    otelc_propagator *tc = NULL, *bg = NULL;
    static struct case_ tp, ts, bag;
    int err = otelc_propagator_tracecontext(&tc);
    if (err == OTELC_OK)
        err = otelc_propagator_baggage(&bg);
    case_header(&tp, 0, "traceparent", TRACEPARENT);
    case_header(&ts, 0, "traceparent", TRACEPARENT);
    case_header(&ts, 1, "tracestate", TRACESTATE_10);
    case_header(&bag, 0, "baggage", BAGGAGE_10);
    if (err == OTELC_OK)
        err = case_init(&tp, tc, 1);
    if (err == OTELC_OK)
        err = case_init(&ts, tc, 2);
    if (err == OTELC_OK)
        err = case_init(&bag, bg, 1);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-bench: cannot set up the propagators: %s\n", otelc_strerror(err));
        return 1;
    }
    /* The inputs must be what they claim: 10 members each, extracted in full. */
    otelc_span_context sc = otelc_span_get_context(otelc_context_get_span(ts.ctx));
    if (otelc_tracestate_count(sc.tracestate) != 10 ||
        otelc_baggage_count(otelc_context_get_baggage(bag.ctx)) != 10) {
        fprintf(stderr, "otelc-bench: the 10-member inputs did not extract to 10 members\n");
        rc = 1;
    }

    uint64_t parsed = 0;
    bench_measure(&rep, "traceparent_parse", run_parse, &parsed);
    bench_measure(&rep, "extract_traceparent", run_extract, &tp);
    bench_measure(&rep, "inject_traceparent", run_inject, &tp);
    bench_measure(&rep, "extract_tracestate_10", run_extract, &ts);
    bench_measure(&rep, "inject_tracestate_10", run_inject, &ts);
    bench_measure(&rep, "extract_baggage_10", run_extract, &bag);
    bench_measure(&rep, "inject_baggage_10", run_inject, &bag);

    /* Every operation must have done its work, or the numbers measure nothing. */
    uint64_t want = bench_total_iterations(&rep.config);
    if (rc == 0 && (parsed != want || tp.extracted != want || ts.extracted != want ||
                    bag.extracted != want || tp.sink.fields != want ||
                    ts.sink.fields != 2 * want || bag.sink.fields != want)) {
        fprintf(stderr, "otelc-bench: an extract or inject did not do its work\n");
        rc = 1;
    }
    otelc_context_free(tp.ctx);
    otelc_context_free(ts.ctx);
    otelc_context_free(bag.ctx);
    otelc_propagator_free(tc);
    otelc_propagator_free(bg);
    bench_print(stdout, &rep);
    return rc;
}
