/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the OTLP/JSON span encoder against documents written by hand from the OTLP/JSON
 * rules (OTLP specification, "JSON Protobuf Encoding"; opentelemetry-proto v1.7.0). */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "exporters/console/otlp_json.h"
#include "otelc/exporters.h"

#define TRACE_ID "0af7651916cd43dd8448eb211c80319c"
#define START 1700000000000000000ull
#define END (START + 1500)
#define START_S "\"startTimeUnixNano\":\"1700000000000000000\""
#define END_S "\"endTimeUnixNano\":\"1700000000000001500\""

/* The provider's resource: the SDK defaults with service.name and process.pid overridden. */
#define RESOURCE(service)                                                                     \
    "{\"attributes\":["                                                                       \
    "{\"key\":\"telemetry.sdk.name\",\"value\":{\"stringValue\":\"otelc\"}},"                 \
    "{\"key\":\"telemetry.sdk.language\",\"value\":{\"stringValue\":\"c\"}},"                 \
    "{\"key\":\"telemetry.sdk.version\",\"value\":{\"stringValue\":\"" OTELC_VERSION_STRING   \
    "\"}},"                                                                                   \
    "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"" service "\"}},"            \
    "{\"key\":\"process.pid\",\"value\":{\"intValue\":\"4242\"}}]}"

/* A root span with nothing but its name, sampled, local, INTERNAL. */
#define PLAIN_SPAN(id, name)                                                                  \
    "{\"traceId\":\"" TRACE_ID "\",\"spanId\":\"" id "\",\"flags\":257,\"name\":\"" name      \
    "\",\"kind\":1," START_S "," END_S "}"

/* One resource, one scope named "lib" without version, the given spans. */
#define ONE_SCOPE(service, spans)                                                             \
    "{\"resourceSpans\":[{\"resource\":" RESOURCE(service)                                    \
    ",\"scopeSpans\":[{\"scope\":{\"name\":\"lib\"},\"spans\":[" spans "]}]}]}"

/* A provider with the simple processor, a memory exporter and fixed ids: every trace id is
 * TRACE_ID, span ids are tag 11 22 33 44 55 66 n for the n-th span started (from 1). */
struct fx {
    otelc_tracer_provider *tp;
    otelc_span_exporter *exp; /* borrowed from the provider */
    otelc_tracer *lib;        /* the scope "lib" */
    uint8_t tag;
    _Atomic unsigned next;
};

static void fixed_trace_id(void *ud, uint8_t out[16])
{
    static const uint8_t id[16] = {0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd,
                                   0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c};
    (void)ud;
    memcpy(out, id, sizeof id);
}

static void counting_span_id(void *ud, uint8_t out[8])
{
    struct fx *f = ud;
    const uint8_t id[8] = {f->tag, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                           (uint8_t)(atomic_fetch_add(&f->next, 1) + 1)};
    memcpy(out, id, sizeof id);
}

static const otelc_id_generator_methods fixed_ids = {
    .version = OTELC_ID_GENERATOR_METHODS_VERSION,
    .new_trace_id = fixed_trace_id,
    .new_span_id = counting_span_id,
};

/* Sampled always; the span named "with-state" gets a tracestate. */
static void sample_with_state(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    r->decision = OTELC_SAMPLING_RECORD_AND_SAMPLE;
    if (strcmp(p->name, "with-state") == 0)
        assert_int_equal(otelc_tracestate_new(&r->tracestate, "congo=t61rcWkgMzE", 17), OTELC_OK);
    (void)ud;
}

static const otelc_sampler_methods state_sampler = {
    .version = OTELC_SAMPLER_METHODS_VERSION,
    .should_sample = sample_with_state,
};

static void fx_start(struct fx *f, uint8_t tag, const char *service, const char *schema_url,
                     const otelc_span_limits *limits, otelc_sampler *sampler)
{
    otelc_attr svc[] = {otelc_attr_str("service.name", service), otelc_attr_int("process.pid", 4242)};
    otelc_resource *res;
    otelc_span_processor *proc;
    otelc_id_generator *ids;
    otelc_tracer_provider_options o;

    memset(f, 0, sizeof *f);
    f->tag = tag;
    assert_int_equal(otelc_resource_new(&res, svc, 2, schema_url), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_new(&f->exp), OTELC_OK);
    assert_int_equal(otelc_simple_span_processor_new(&proc, f->exp), OTELC_OK);
    assert_int_equal(otelc_id_generator_new(&ids, &fixed_ids, f), OTELC_OK);
    otelc_tracer_provider_options_init(&o);
    o.resource = res;
    o.processors = &proc;
    o.processor_count = 1;
    o.id_generator = ids;
    o.sampler = sampler;
    if (limits)
        o.limits = *limits;
    assert_int_equal(otelc_tracer_provider_new(&f->tp, &o), OTELC_OK);
    otelc_resource_free(res);
    f->lib = otelc_tracer_provider_get_tracer(f->tp, "lib", NULL, NULL, NULL, 0);
    assert_non_null(f->lib);
}

static void fx_stop(struct fx *f) { otelc_tracer_provider_free(f->tp); }

/* Starts a span at START (a root when parent is NULL). */
static otelc_span *begin(otelc_tracer *t, const char *name, otelc_span *parent,
                         otelc_span_kind kind, const otelc_link *links, size_t link_count)
{
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = kind;
    o.parent_span = parent;
    o.root = parent == NULL;
    o.start_time = START;
    o.links = links;
    o.link_count = link_count;
    otelc_span *s = otelc_span_start(t, name, &o);
    assert_non_null(s);
    return s;
}

/* Starts and ends a plain root span. */
static void plain(otelc_tracer *t, const char *name)
{
    otelc_span_end_at(begin(t, name, NULL, OTELC_SPAN_KIND_INTERNAL, NULL, 0), END);
}

/* The exported spans of f, in end order; released by release_all(). */
static size_t take(struct fx *f, otelc_span **out, size_t cap)
{
    size_t n = otelc_memory_exporter_count(f->exp);
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++)
        assert_non_null(out[i] = otelc_memory_exporter_get(f->exp, i));
    return n;
}

static void release_all(otelc_span **spans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        otelc_span_release(spans[i]);
}

static void assert_encodes(otelc_span *const *spans, size_t n, const char *expected)
{
    struct otelc__buf b;
    otelc__buf_init(&b);
    assert_int_equal(otelc__otlp_json_encode_spans(&b, spans, n), OTELC_OK);
    assert_non_null(b.data);
    assert_string_equal(b.data, expected);
    assert_int_equal(b.len, strlen(expected));
    otelc__buf_free(&b);
}

/* An export of nothing is still one valid request. */
static void test_otlp_json_empty_request(void **state)
{
    (void)state;
    assert_encodes(NULL, 0, "{\"resourceSpans\":[]}");
}

/* OTLP/JSON: hex ids, integer enums, 64-bit times as strings, flags with HAS_IS_REMOTE. */
static void test_otlp_json_minimal_span(void **state)
{
    struct fx f;
    otelc_span *spans[1];
    (void)state;
    fx_start(&f, 0xa0, "svc-a", NULL, NULL, NULL);
    plain(f.lib, "minimal");
    size_t n = take(&f, spans, 1);
    assert_encodes(spans, n, ONE_SCOPE("svc-a", PLAIN_SPAN("a011223344556601", "minimal")));
    release_all(spans, n);
    fx_stop(&f);
}

/* AnyValue mapping: intValue as a string, doubles as numbers or "NaN"/"Infinity"/"-Infinity",
 * bytesValue in base64, arrays as arrayValue.values. */
static void test_otlp_json_value_kinds(void **state)
{
    static const uint8_t b3[] = {0x00, 0xff, 0x10}, b1[] = {0xfb}, b2[] = {0xff, 0xfe};
    static const char *const strs[] = {"a", "b"};
    static const bool bools[] = {true, false};
    static const int64_t ints[] = {1, -2};
    const double dbls[] = {0.25, NAN};
    struct fx f;
    otelc_span *spans[1];
    (void)state;
    fx_start(&f, 0xa0, "svc-a", NULL, NULL, NULL);
    otelc_span *s = begin(f.lib, "values", NULL, OTELC_SPAN_KIND_INTERNAL, NULL, 0);
    otelc_value v;
    otelc_span_set_attr_str(s, "str", "hello");
    otelc_span_set_attr_str(s, "empty", "");
    otelc_span_set_attr_bool(s, "yes", 1);
    otelc_span_set_attr_bool(s, "no", 0);
    otelc_span_set_attr_int(s, "int", -42);
    otelc_span_set_attr_int(s, "int.max", INT64_MAX);
    otelc_span_set_attr_int(s, "int.min", INT64_MIN);
    otelc_span_set_attr_double(s, "dbl", 1.5);
    otelc_span_set_attr_double(s, "dbl.tenth", 0.1);
    otelc_span_set_attr_double(s, "dbl.third", 1.0 / 3.0);
    otelc_span_set_attr_double(s, "dbl.whole", 3.0);
    otelc_span_set_attr_double(s, "dbl.big", 1e300);
    otelc_span_set_attr_double(s, "dbl.small", -2.5e-7);
    otelc_span_set_attr_double(s, "nan", NAN);
    otelc_span_set_attr_double(s, "inf", INFINITY);
    otelc_span_set_attr_double(s, "ninf", -INFINITY);
    v = otelc_value_bytes(b3, sizeof b3);
    otelc_span_set_attr(s, "bytes3", &v);
    v = otelc_value_bytes(b1, sizeof b1);
    otelc_span_set_attr(s, "bytes1", &v);
    v = otelc_value_bytes(b2, sizeof b2);
    otelc_span_set_attr(s, "bytes2", &v);
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
    otelc_span_end_at(s, END);
    size_t n = take(&f, spans, 1);
    assert_encodes(spans, n, ONE_SCOPE("svc-a",
        "{\"traceId\":\"" TRACE_ID "\",\"spanId\":\"a011223344556601\",\"flags\":257,"
        "\"name\":\"values\",\"kind\":1," START_S "," END_S ",\"attributes\":["
        "{\"key\":\"str\",\"value\":{\"stringValue\":\"hello\"}},"
        "{\"key\":\"empty\",\"value\":{\"stringValue\":\"\"}},"
        "{\"key\":\"yes\",\"value\":{\"boolValue\":true}},"
        "{\"key\":\"no\",\"value\":{\"boolValue\":false}},"
        "{\"key\":\"int\",\"value\":{\"intValue\":\"-42\"}},"
        "{\"key\":\"int.max\",\"value\":{\"intValue\":\"9223372036854775807\"}},"
        "{\"key\":\"int.min\",\"value\":{\"intValue\":\"-9223372036854775808\"}},"
        "{\"key\":\"dbl\",\"value\":{\"doubleValue\":1.5}},"
        "{\"key\":\"dbl.tenth\",\"value\":{\"doubleValue\":0.1}},"
        "{\"key\":\"dbl.third\",\"value\":{\"doubleValue\":0.3333333333333333}},"
        "{\"key\":\"dbl.whole\",\"value\":{\"doubleValue\":3}},"
        "{\"key\":\"dbl.big\",\"value\":{\"doubleValue\":1e+300}},"
        "{\"key\":\"dbl.small\",\"value\":{\"doubleValue\":-2.5e-07}},"
        "{\"key\":\"nan\",\"value\":{\"doubleValue\":\"NaN\"}},"
        "{\"key\":\"inf\",\"value\":{\"doubleValue\":\"Infinity\"}},"
        "{\"key\":\"ninf\",\"value\":{\"doubleValue\":\"-Infinity\"}},"
        "{\"key\":\"bytes3\",\"value\":{\"bytesValue\":\"AP8Q\"}},"
        "{\"key\":\"bytes1\",\"value\":{\"bytesValue\":\"+w==\"}},"
        "{\"key\":\"bytes2\",\"value\":{\"bytesValue\":\"//4=\"}},"
        "{\"key\":\"strs\",\"value\":{\"arrayValue\":{\"values\":["
        "{\"stringValue\":\"a\"},{\"stringValue\":\"b\"}]}}},"
        "{\"key\":\"bools\",\"value\":{\"arrayValue\":{\"values\":["
        "{\"boolValue\":true},{\"boolValue\":false}]}}},"
        "{\"key\":\"ints\",\"value\":{\"arrayValue\":{\"values\":["
        "{\"intValue\":\"1\"},{\"intValue\":\"-2\"}]}}},"
        "{\"key\":\"dbls\",\"value\":{\"arrayValue\":{\"values\":["
        "{\"doubleValue\":0.25},{\"doubleValue\":\"NaN\"}]}}}]}"));
    release_all(spans, n);
    fx_stop(&f);
}

/* JSON strings: quote, backslash and control characters escaped; UTF-8 passed through. */
static void test_otlp_json_escapes_strings(void **state)
{
    struct fx f;
    otelc_span *spans[1];
    (void)state;
    fx_start(&f, 0xa0, "svc-a", NULL, NULL, NULL);
    otelc_span *s = begin(f.lib, "esc\"aped\n", NULL, OTELC_SPAN_KIND_INTERNAL, NULL, 0);
    otelc_span_set_attr_str(s, "k\"\\/", "\"\\/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9 \xe2\x82\xac "
                                         "\xf0\x9f\x98\x80");
    otelc_span_end_at(s, END);
    size_t n = take(&f, spans, 1);
    assert_encodes(spans, n, ONE_SCOPE("svc-a",
        "{\"traceId\":\"" TRACE_ID "\",\"spanId\":\"a011223344556601\",\"flags\":257,"
        "\"name\":\"esc\\\"aped\\n\",\"kind\":1," START_S "," END_S ",\"attributes\":["
        "{\"key\":\"k\\\"\\\\/\",\"value\":{\"stringValue\":"
        "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xc3\xa9 \xe2\x82\xac "
        "\xf0\x9f\x98\x80\"}}]}"));
    release_all(spans, n);
    fx_stop(&f);
}

#define FFFD "\xef\xbf\xbd"

/* Invalid UTF-8 (bad bytes, overlongs, surrogates, past U+10FFFF, truncated) becomes U+FFFD,
 * one per maximal subpart (Unicode 3.9), so that a receiver never rejects the request; NUL
 * bytes are escaped. */
static void test_otlp_json_replaces_invalid_utf8(void **state)
{
    static const char bad[] = "a\xff"
                              "b|\xc0\xaf|\xe2\x82"
                              "x|\xed\xa0\x80|\xf4\x90\x80\x80|\xe0\x80\xaf|\xf0\x8f\xbf\xbf|"
                              "n\0e|\xf0\x9f\x98";
    struct fx f;
    otelc_span *spans[1];
    (void)state;
    fx_start(&f, 0xa0, "svc-a", NULL, NULL, NULL);
    otelc_span *s = begin(f.lib, "name\xff", NULL, OTELC_SPAN_KIND_INTERNAL, NULL, 0);
    otelc_span_set_attr_strn(s, "k\xc3", bad, sizeof bad - 1);
    otelc_span_end_at(s, END);
    size_t n = take(&f, spans, 1);
    assert_encodes(spans, n, ONE_SCOPE("svc-a",
        "{\"traceId\":\"" TRACE_ID "\",\"spanId\":\"a011223344556601\",\"flags\":257,"
        "\"name\":\"name" FFFD "\",\"kind\":1," START_S "," END_S ",\"attributes\":["
        "{\"key\":\"k" FFFD "\",\"value\":{\"stringValue\":\"a" FFFD "b|" FFFD FFFD "|" FFFD
        "x|" FFFD FFFD FFFD "|" FFFD FFFD FFFD FFFD "|" FFFD FFFD FFFD "|" FFFD FFFD FFFD FFFD
        "|n\\u0000e|" FFFD "\"}}]}"));
    release_all(spans, n);
    fx_stop(&f);
}

/* Span fields of trace.proto: parentSpanId, events, links with their own flags (0x200 for a
 * remote linked context), traceState, status with message and code. */
static void test_otlp_json_events_links_status(void **state)
{
    otelc_tracestate *ts;
    otelc_attr link_attr = otelc_attr_str("link.kind", "remote");
    otelc_attr attempt = otelc_attr_int("attempt", 2);
    otelc_link links[2];
    otelc_sampler *sampler;
    struct fx f;
    otelc_span *spans[3];
    (void)state;
    assert_int_equal(otelc_sampler_new(&sampler, &state_sampler, NULL, "State"), OTELC_OK);
    fx_start(&f, 0xa0, "svc-a", NULL, NULL, sampler);
    assert_int_equal(otelc_tracestate_new(&ts, "vendor=x,other=y", 16), OTELC_OK);
    memset(links, 0, sizeof links);
    memcpy(links[0].context.trace_id, "\x4b\xf9\x2f\x35\x77\xb3\x4d\xa6\xa3\xce\x92\x9d\x0e\x0e"
                                      "\x47\x36", 16);
    memcpy(links[0].context.span_id, "\x00\xf0\x67\xaa\x0b\xa9\x02\xb7", 8);
    links[0].context.trace_flags = OTELC_TRACE_FLAG_SAMPLED;
    links[0].context.is_remote = 1;
    links[0].context.tracestate = ts;
    links[0].attrs = &link_attr;
    links[0].attr_count = 1;
    links[1] = links[0];
    memcpy(links[1].context.span_id, "\x53\x99\x5c\x3f\x42\xcd\x8a\xd8", 8);
    links[1].context.trace_flags = 0;
    links[1].context.is_remote = 0;
    links[1].context.tracestate = NULL;
    links[1].attrs = NULL;
    links[1].attr_count = 0;

    otelc_span *parent = begin(f.lib, "parent", NULL, OTELC_SPAN_KIND_SERVER, NULL, 0);
    otelc_span *child = begin(f.lib, "child", parent, OTELC_SPAN_KIND_CLIENT, links, 1);
    otelc_span_add_link(child, &links[1]);
    otelc_span_add_event(child, "started", START + 100, NULL, 0);
    otelc_span_add_event(child, "retry", START + 200, &attempt, 1);
    otelc_span_set_status(child, OTELC_STATUS_ERROR, "timed out");
    otelc_span_end_at(child, END);
    otelc_span_set_status(parent, OTELC_STATUS_OK, NULL);
    otelc_span_end_at(parent, END);
    otelc_span_end_at(begin(f.lib, "with-state", NULL, OTELC_SPAN_KIND_PRODUCER, NULL, 0), END);
    otelc_tracestate_free(ts);

    size_t n = take(&f, spans, 3);
    assert_int_equal(n, 3);
    assert_encodes(spans, n, ONE_SCOPE("svc-a",
        "{\"traceId\":\"" TRACE_ID "\",\"spanId\":\"a011223344556602\","
        "\"parentSpanId\":\"a011223344556601\",\"flags\":257,\"name\":\"child\",\"kind\":3,"
        START_S "," END_S ",\"events\":["
        "{\"timeUnixNano\":\"1700000000000000100\",\"name\":\"started\"},"
        "{\"timeUnixNano\":\"1700000000000000200\",\"name\":\"retry\",\"attributes\":["
        "{\"key\":\"attempt\",\"value\":{\"intValue\":\"2\"}}]}],\"links\":["
        "{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanId\":\"00f067aa0ba902b7\","
        "\"traceState\":\"vendor=x,other=y\",\"attributes\":["
        "{\"key\":\"link.kind\",\"value\":{\"stringValue\":\"remote\"}}],\"flags\":769},"
        "{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanId\":\"53995c3f42cd8ad8\","
        "\"flags\":256}],\"status\":{\"message\":\"timed out\",\"code\":2}},"
        "{\"traceId\":\"" TRACE_ID "\",\"spanId\":\"a011223344556601\",\"flags\":257,"
        "\"name\":\"parent\",\"kind\":2," START_S "," END_S ",\"status\":{\"code\":1}},"
        "{\"traceId\":\"" TRACE_ID "\",\"spanId\":\"a011223344556603\","
        "\"traceState\":\"congo=t61rcWkgMzE\",\"flags\":257,\"name\":\"with-state\","
        "\"kind\":4," START_S "," END_S "}"));
    release_all(spans, n);
    fx_stop(&f);
}

/* droppedAttributesCount, droppedEventsCount, droppedLinksCount, and the per-event and
 * per-link droppedAttributesCount, as the limits counted them. */
static void test_otlp_json_dropped_counts(void **state)
{
    otelc_attr two[2] = {otelc_attr_int("x", 1), otelc_attr_int("y", 2)};
    otelc_span_limits lim;
    otelc_link links[2];
    struct fx f;
    otelc_span *spans[1];
    (void)state;
    otelc_span_limits_init(&lim);
    lim.attr_count = lim.event_count = lim.link_count = 1;
    lim.event_attr_count = lim.link_attr_count = 1;
    tu_log_capture(OTELC_LOG_WARN); /* the span warns once about what it dropped */
    fx_start(&f, 0xa0, "svc-a", NULL, &lim, NULL);
    memset(links, 0, sizeof links);
    memcpy(links[0].context.trace_id, "\x4b\xf9\x2f\x35\x77\xb3\x4d\xa6\xa3\xce\x92\x9d\x0e\x0e"
                                      "\x47\x36", 16);
    memcpy(links[0].context.span_id, "\x00\xf0\x67\xaa\x0b\xa9\x02\xb7", 8);
    links[0].context.trace_flags = OTELC_TRACE_FLAG_SAMPLED;
    links[0].attrs = two;
    links[0].attr_count = 2;
    links[1] = links[0];

    otelc_span *s = begin(f.lib, "limited", NULL, OTELC_SPAN_KIND_CONSUMER, links, 2);
    otelc_span_set_attr_int(s, "a", 1);
    otelc_span_set_attr_int(s, "b", 2);
    otelc_span_set_attr_int(s, "c", 3);
    otelc_span_add_event(s, "e1", START + 1, two, 2);
    otelc_span_add_event(s, "e2", START + 2, NULL, 0);
    otelc_span_end_at(s, END);
    size_t n = take(&f, spans, 1);
    assert_encodes(spans, n, ONE_SCOPE("svc-a",
        "{\"traceId\":\"" TRACE_ID "\",\"spanId\":\"a011223344556601\",\"flags\":257,"
        "\"name\":\"limited\",\"kind\":5," START_S "," END_S ",\"attributes\":["
        "{\"key\":\"a\",\"value\":{\"intValue\":\"1\"}}],\"droppedAttributesCount\":2,"
        "\"events\":[{\"timeUnixNano\":\"1700000000000000001\",\"name\":\"e1\",\"attributes\":["
        "{\"key\":\"x\",\"value\":{\"intValue\":\"1\"}}],\"droppedAttributesCount\":1}],"
        "\"droppedEventsCount\":1,\"links\":["
        "{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanId\":\"00f067aa0ba902b7\","
        "\"attributes\":[{\"key\":\"x\",\"value\":{\"intValue\":\"1\"}}],"
        "\"droppedAttributesCount\":1,\"flags\":257}],\"droppedLinksCount\":1}"));
    release_all(spans, n);
    fx_stop(&f);
    tu_log_release();
}

/* ResourceSpans per resource and ScopeSpans per scope (name, version, attributes, schemaUrl;
 * scopes that differ only by version or schema are distinct), in order of first appearance. */
static void test_otlp_json_groups_by_resource_and_scope(void **state)
{
    otelc_attr scope_attr = otelc_attr_str("scope.attr", "v");
    struct fx a, b;
    otelc_span *mixed[6], *from_a[5], *from_b[1];
    (void)state;
    fx_start(&a, 0xa0, "svc-a", NULL, NULL, NULL);
    fx_start(&b, 0xb0, "svc-b", "https://opentelemetry.io/schemas/1.26.0", NULL, NULL);
    otelc_tracer *x = otelc_tracer_provider_get_tracer(
        a.tp, "lib.x", "1.2.3", "https://opentelemetry.io/schemas/1.24.0", &scope_attr, 1);
    otelc_tracer *y = otelc_tracer_provider_get_tracer(a.tp, "lib.y", NULL, NULL, NULL, 0);
    otelc_tracer *y2 = otelc_tracer_provider_get_tracer(a.tp, "lib.y", "2", NULL, NULL, 0);
    otelc_tracer *y3 = otelc_tracer_provider_get_tracer(
        a.tp, "lib.y", NULL, "https://opentelemetry.io/schemas/1.25.0", NULL, 0);
    otelc_tracer *z = otelc_tracer_provider_get_tracer(b.tp, "lib.z", "0.1", NULL, NULL, 0);
    plain(x, "x1");
    plain(z, "z1");
    plain(y, "y1");
    plain(x, "x2");
    plain(y2, "w1");
    plain(y3, "w2");
    assert_int_equal(take(&a, from_a, 5), 5);
    assert_int_equal(take(&b, from_b, 1), 1);
    mixed[0] = from_a[0];
    mixed[1] = from_b[0];
    mixed[2] = from_a[1];
    mixed[3] = from_a[2];
    mixed[4] = from_a[3];
    mixed[5] = from_a[4];
    assert_encodes(mixed, 6,
        "{\"resourceSpans\":["
        "{\"resource\":" RESOURCE("svc-a") ",\"scopeSpans\":["
        "{\"scope\":{\"name\":\"lib.x\",\"version\":\"1.2.3\",\"attributes\":["
        "{\"key\":\"scope.attr\",\"value\":{\"stringValue\":\"v\"}}]},\"spans\":["
        PLAIN_SPAN("a011223344556601", "x1") "," PLAIN_SPAN("a011223344556603", "x2")
        "],\"schemaUrl\":\"https://opentelemetry.io/schemas/1.24.0\"},"
        "{\"scope\":{\"name\":\"lib.y\"},\"spans\":[" PLAIN_SPAN("a011223344556602", "y1")
        "]},"
        "{\"scope\":{\"name\":\"lib.y\",\"version\":\"2\"},\"spans\":["
        PLAIN_SPAN("a011223344556604", "w1") "]},"
        "{\"scope\":{\"name\":\"lib.y\"},\"spans\":[" PLAIN_SPAN("a011223344556605", "w2")
        "],\"schemaUrl\":\"https://opentelemetry.io/schemas/1.25.0\"}]},"
        "{\"resource\":" RESOURCE("svc-b") ",\"scopeSpans\":["
        "{\"scope\":{\"name\":\"lib.z\",\"version\":\"0.1\"},\"spans\":["
        PLAIN_SPAN("b011223344556601", "z1") "]}],"
        "\"schemaUrl\":\"https://opentelemetry.io/schemas/1.26.0\"}]}");
    release_all(from_a, 5);
    release_all(from_b, 1);
    fx_stop(&a);
    fx_stop(&b);
}

/* Ten spans of two alternating scopes: more than the encoder groups without allocating. */
static size_t make_batch(struct fx *f, otelc_span **spans)
{
    static const char *const names[10] = {"s0", "s1", "s2", "s3", "s4",
                                          "s5", "s6", "s7", "s8", "s9"};
    otelc_tracer *other = otelc_tracer_provider_get_tracer(f->tp, "other", NULL, NULL, NULL, 0);
    for (size_t i = 0; i < 10; i++)
        plain(i % 2 ? other : f->lib, names[i]);
    return take(f, spans, 10);
}

#define BATCH_JSON                                                                            \
    "{\"resourceSpans\":[{\"resource\":" RESOURCE("svc-a") ",\"scopeSpans\":["                \
    "{\"scope\":{\"name\":\"lib\"},\"spans\":["                                               \
    PLAIN_SPAN("a011223344556601", "s0") "," PLAIN_SPAN("a011223344556603", "s2") ","         \
    PLAIN_SPAN("a011223344556605", "s4") "," PLAIN_SPAN("a011223344556607", "s6") ","         \
    PLAIN_SPAN("a011223344556609", "s8") "]},"                                                \
    "{\"scope\":{\"name\":\"other\"},\"spans\":["                                             \
    PLAIN_SPAN("a011223344556602", "s1") "," PLAIN_SPAN("a011223344556604", "s3") ","         \
    PLAIN_SPAN("a011223344556606", "s5") "," PLAIN_SPAN("a011223344556608", "s7") ","         \
    PLAIN_SPAN("a01122334455660a", "s9") "]}]}]}"

/* Grouping of a large batch keeps each span's order within its scope. */
static void test_otlp_json_groups_large_batch(void **state)
{
    struct fx f;
    otelc_span *spans[10];
    (void)state;
    fx_start(&f, 0xa0, "svc-a", NULL, NULL, NULL);
    size_t n = make_batch(&f, spans);
    assert_int_equal(n, 10);
    assert_encodes(spans, n, BATCH_JSON);
    release_all(spans, n);
    fx_stop(&f);
}

/* The encoder appends to what the buffer holds, and rejects bad arguments. */
static void test_otlp_json_appends_and_checks_arguments(void **state)
{
    struct otelc__buf b;
    (void)state;
    otelc__buf_init(&b);
    otelc__buf_append_str(&b, "x=");
    assert_int_equal(otelc__otlp_json_encode_spans(&b, NULL, 0), OTELC_OK);
    assert_string_equal(b.data, "x={\"resourceSpans\":[]}");
    assert_int_equal(otelc__otlp_json_encode_spans(&b, NULL, 1), OTELC_EINVAL);
    assert_int_equal(otelc__otlp_json_encode_spans(NULL, NULL, 0), OTELC_EINVAL);
    otelc__buf_free(&b);
}

/* Every allocation failure gives ENOMEM and leaks nothing (failure injection). */
static void test_otlp_json_fails_cleanly_without_memory(void **state)
{
    struct fx f;
    otelc_span *spans[10];
    int failures = 0;
    (void)state;
    fx_start(&f, 0xa0, "svc-a", NULL, NULL, NULL);
    size_t n = make_batch(&f, spans);
    for (uint64_t fail_at = 1;; fail_at++) {
        struct otelc__buf b;
        otelc__buf_init(&b);
        tu_alloc_install(fail_at);
        int rc = otelc__otlp_json_encode_spans(&b, spans, n);
        int failed = tu_alloc_failed();
        if (failed) {
            assert_int_equal(rc, OTELC_ENOMEM);
            assert_int_equal(b.oom, 1);
            failures++;
        } else {
            assert_int_equal(rc, OTELC_OK);
            assert_string_equal(b.data, BATCH_JSON);
        }
        otelc__buf_free(&b);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (!failed)
            break;
    }
    /* The group table and at least two buffer growths can fail. */
    assert_true(failures >= 3);
    release_all(spans, n);
    fx_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_otlp_json_empty_request),
        cmocka_unit_test(test_otlp_json_minimal_span),
        cmocka_unit_test(test_otlp_json_value_kinds),
        cmocka_unit_test(test_otlp_json_escapes_strings),
        cmocka_unit_test(test_otlp_json_replaces_invalid_utf8),
        cmocka_unit_test(test_otlp_json_events_links_status),
        cmocka_unit_test(test_otlp_json_dropped_counts),
        cmocka_unit_test(test_otlp_json_groups_by_resource_and_scope),
        cmocka_unit_test(test_otlp_json_groups_large_batch),
        cmocka_unit_test(test_otlp_json_appends_and_checks_arguments),
        cmocka_unit_test(test_otlp_json_fails_cleanly_without_memory),
    };
    /* The expected resources assume no resource configuration from the environment. */
    unsetenv("OTEL_SERVICE_NAME");
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
