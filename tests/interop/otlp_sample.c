/* SPDX-License-Identifier: Apache-2.0 */
/* Writes to stdout one ExportTraceServiceRequest, encoded by otelc, of spans made through the
 * public API with fixed ids and times; otlp_decode.py reads it with the upstream schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporters/otlp/otlp_proto.h"
#include "otelc/exporters.h"
#include "otelc/otelc.h"
#include "sdk/trace/span_internal.h"

#define START 1700000000000000000ull
#define END (START + 1500)

/* Ids made of printable bytes keep the expected text readable: span ids are "span-" followed
 * by the provider's letter and a two-digit counter. */
struct ids {
    char letter;
    unsigned next;
};

static void trace_id(void *ud, uint8_t out[16])
{
    (void)ud;
    memcpy(out, "TRACE-ID-0000001", 16);
}

static void span_id(void *ud, uint8_t out[8])
{
    struct ids *ids = ud;
    char tmp[9];
    ids->next++;
    snprintf(tmp, sizeof tmp, "span-%c%02u", ids->letter, ids->next % 100);
    memcpy(out, tmp, 8);
}

static const otelc_id_generator_methods id_methods = {
    .version = OTELC_ID_GENERATOR_METHODS_VERSION,
    .new_trace_id = trace_id,
    .new_span_id = span_id,
};

struct pipe {
    otelc_tracer_provider *tp;
    otelc_span_exporter *exp; /* borrowed from the provider */
    struct ids ids;
};

static int pipe_start(struct pipe *p, char letter, const char *service, const char *schema_url,
                      const otelc_span_limits *limits)
{
    otelc_attr attrs[] = {otelc_attr_str("service.name", service),
                          otelc_attr_int("process.pid", 4242)};
    otelc_resource *res = NULL;
    otelc_span_processor *proc = NULL;
    otelc_id_generator *gen = NULL;
    otelc_tracer_provider_options o;

    memset(p, 0, sizeof *p);
    p->ids.letter = letter;
    if (otelc_resource_new(&res, attrs, 2, schema_url) != OTELC_OK ||
        otelc_memory_exporter_new(&p->exp) != OTELC_OK ||
        otelc_simple_span_processor_new(&proc, p->exp) != OTELC_OK ||
        otelc_id_generator_new(&gen, &id_methods, &p->ids) != OTELC_OK)
        return -1;
    otelc_tracer_provider_options_init(&o);
    o.resource = res;
    o.processors = &proc;
    o.processor_count = 1;
    o.id_generator = gen;
    if (limits)
        o.limits = *limits;
    int err = otelc_tracer_provider_new(&p->tp, &o);
    otelc_resource_free(res);
    return err;
}

static otelc_span *begin(otelc_tracer *t, const char *name, otelc_span_kind kind,
                         otelc_span *parent, const otelc_context *parent_ctx)
{
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = kind;
    o.parent_span = parent;
    o.parent = parent_ctx;
    o.root = parent == NULL && parent_ctx == NULL;
    o.start_time = START;
    return otelc_span_start(t, name, &o);
}

/* A span with an attribute of every kind, an event and an error status. */
static void every_value(otelc_tracer *t)
{
    static const uint8_t bytes[] = {'b', 'y', 't', 'e', 's'};
    static const char *const strs[] = {"a", "b"};
    static const bool bools[] = {true, false};
    static const int64_t ints[] = {1, -2};
    static const double dbls[] = {0.25, -1.5};
    otelc_attr ev_attr = otelc_attr_int("ev.n", 7);
    otelc_value v;
    otelc_span *s = begin(t, "root", OTELC_SPAN_KIND_SERVER, NULL, NULL);

    otelc_span_set_attr_str(s, "str", "hello");
    /* A truncated UTF-8 sequence becomes U+FFFD; protobuf-c strings end at a NUL. */
    otelc_span_set_attr_strn(s, "bad.utf8", "x\xe2\x82y", 4);
    otelc_span_set_attr_strn(s, "nul", "n\0e", 3);
    otelc_span_set_attr_bool(s, "bool", 1);
    otelc_span_set_attr_int(s, "int", -42);
    otelc_span_set_attr_double(s, "double", 1.5);
    v = otelc_value_bytes(bytes, sizeof bytes);
    otelc_span_set_attr(s, "bytes", &v);
    v.type = OTELC_VALUE_STRING_ARRAY;
    v.len = 2;
    v.u.sa = strs;
    otelc_span_set_attr(s, "strs", &v);
    v.type = OTELC_VALUE_BOOL_ARRAY;
    v.u.ba = bools;
    otelc_span_set_attr(s, "bools", &v);
    v.type = OTELC_VALUE_INT_ARRAY;
    v.u.ia = ints;
    otelc_span_set_attr(s, "ints", &v);
    v.type = OTELC_VALUE_DOUBLE_ARRAY;
    v.u.da = dbls;
    otelc_span_set_attr(s, "dbls", &v);
    otelc_span_add_event(s, "ev", START + 10, &ev_attr, 1);
    otelc_span_set_status(s, OTELC_STATUS_ERROR, "boom");
    otelc_span_end_at(s, END);
}

int main(void)
{
    otelc_span_limits limits;
    otelc_attr scope_attr = otelc_attr_str("lib.attr", "x");
    otelc_attr link_attr = otelc_attr_str("link.kind", "remote");
    struct pipe a, b;
    otelc_tracestate *ts = NULL;
    otelc_span *spans[4] = {NULL};
    int rc = 1;

    /* The expected resources assume no resource configuration from the environment. */
    unsetenv("OTEL_SERVICE_NAME");
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
    otelc_span_limits_init(&limits);
    limits.attr_count = 1;
    limits.event_count = 1;
    limits.link_count = 1;
    if (pipe_start(&a, 'a', "svc-a", "https://opentelemetry.io/schemas/1.26.0", NULL) != 0 ||
        pipe_start(&b, 'b', "svc-b", NULL, &limits) != 0 ||
        otelc_tracestate_new(&ts, "vendor=value", 12) != OTELC_OK) {
        fprintf(stderr, "otlp_sample: setup failed\n");
        return 1;
    }
    otelc_tracer *a_lib = otelc_tracer_provider_get_tracer(a.tp, "lib", "1.2.3",
                                                           "https://example.com/lib",
                                                           &scope_attr, 1);
    otelc_tracer *a_other = otelc_tracer_provider_get_tracer(a.tp, "other", NULL, NULL, NULL, 0);
    otelc_tracer *b_lib = otelc_tracer_provider_get_tracer(b.tp, "lib", "1.2.3",
                                                           "https://example.com/lib",
                                                           &scope_attr, 1);

    /* span-a01: every value kind, an event, an error status. */
    every_value(a_lib);

    /* span-a02: a client child of span-a01 in another scope, status OK. */
    otelc_span *root = otelc_memory_exporter_get(a.exp, 0);
    otelc_span *child = begin(a_other, "child", OTELC_SPAN_KIND_CLIENT, root, NULL);
    otelc_span_release(root);
    otelc_span_set_status(child, OTELC_STATUS_OK, NULL);
    otelc_span_end_at(child, END);

    /* span-a03: the child of a remote parent, which brings its tracestate. */
    otelc_span_context remote;
    memset(&remote, 0, sizeof remote);
    memcpy(remote.trace_id, "REMOTE-TRACE-ID1", 16);
    memcpy(remote.span_id, "remote01", 8);
    remote.trace_flags = 1;
    remote.is_remote = 1;
    remote.tracestate = ts;
    otelc_span *remote_span = otelc__span_new_remote(&remote);
    otelc_context *ctx = otelc_context_with_span(NULL, remote_span);
    otelc_span_release(remote_span);
    otelc_span *rc_span = begin(a_lib, "remote-child", OTELC_SPAN_KIND_CONSUMER, NULL, ctx);
    otelc_context_free(ctx);
    otelc_span_end_at(rc_span, END);

    /* span-b01: over every limit (one attribute, event and link kept), with a remote link
     * and a name that is not UTF-8. */
    otelc_span *lim = begin(b_lib, "bad\xff", OTELC_SPAN_KIND_PRODUCER, NULL, NULL);
    otelc_link link;
    memset(&link, 0, sizeof link);
    memcpy(link.context.trace_id, "LINKED-TRACE-ID1", 16);
    memcpy(link.context.span_id, "linked01", 8);
    link.context.trace_flags = 1;
    link.context.is_remote = 1;
    link.context.tracestate = ts;
    link.attrs = &link_attr;
    link.attr_count = 1;
    otelc_span_add_link(lim, &link);
    otelc_span_add_link(lim, &link);
    otelc_span_set_attr_int(lim, "kept", 1);
    otelc_span_set_attr_int(lim, "dropped", 2);
    otelc_span_add_event(lim, "first", START + 1, NULL, 0);
    otelc_span_add_event(lim, "second", START + 2, NULL, 0);
    otelc_span_end_at(lim, END);

    /* Interleaved on purpose: the request groups them by resource, then scope. */
    spans[0] = otelc_memory_exporter_get(a.exp, 0);
    spans[1] = otelc_memory_exporter_get(b.exp, 0);
    spans[2] = otelc_memory_exporter_get(a.exp, 1);
    spans[3] = otelc_memory_exporter_get(a.exp, 2);

    struct otelc__buf out;
    otelc__buf_init(&out);
    if (otelc_memory_exporter_count(a.exp) == 3 && otelc_memory_exporter_count(b.exp) == 1 &&
        otelc__otlp_proto_encode_spans(&out, spans, 4) == OTELC_OK &&
        fwrite(out.data, 1, out.len, stdout) == out.len && fflush(stdout) == 0)
        rc = 0;
    else
        fprintf(stderr, "otlp_sample: encoding failed\n");
    otelc__buf_free(&out);
    for (size_t i = 0; i < 4; i++)
        otelc_span_release(spans[i]);
    otelc_tracestate_free(ts);
    otelc_tracer_provider_free(a.tp);
    otelc_tracer_provider_free(b.tp);
    return rc;
}
