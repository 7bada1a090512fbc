/* SPDX-License-Identifier: Apache-2.0 */
/* Span rules of the OpenTelemetry trace API/SDK specification: start, attributes, events,
 * links, status, name, end, references. */
#include "testutil.h"

#include <math.h>
#include <string.h>

static otelc_tracer_provider *tp;
static otelc_tracer *tracer;

static int setup(void **state)
{
    (void)state;
    tp = tu_provider(NULL, NULL, NULL);
    tracer = otelc_tracer_provider_get_tracer(tp, "test.span", "1.0", NULL, NULL, 0);
    return tp && tracer ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
    return 0;
}

static int zero_id(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* Spec: a root span gets a new trace id and span id; sampled spans record and export. */
static void test_span_start_root_has_new_ids(void **state)
{
    (void)state;
    otelc_span *s = otelc_span_start(tracer, "root", NULL);
    assert_non_null(s);
    assert_true(otelc_span_is_recording(s));
    otelc_span_context c = otelc_span_get_context(s);
    assert_false(zero_id(c.trace_id, 16));
    assert_false(zero_id(c.span_id, 8));
    assert_true(c.trace_flags & OTELC_TRACE_FLAG_SAMPLED);
    /* W3C Level 2: the default generator makes random trace ids. */
    assert_true(c.trace_flags & OTELC_TRACE_FLAG_RANDOM);
    assert_int_equal(c.is_remote, 0);
    assert_int_equal(otelc_span_get_parent_id(s, NULL), 0);
    otelc_span_end(s);
    assert_int_equal(tu_spans_count(), 1);
    assert_string_equal(otelc_span_get_name(tu_span_at(0)), "root");
}

/* Spec: a child takes its trace id from the parent and always gets a new span id. */
static void test_span_child_inherits_trace_id(void **state)
{
    (void)state;
    otelc_span *p = otelc_span_start(tracer, "parent", NULL);
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent_span = p;
    otelc_span *c = otelc_span_start(tracer, "child", &o);
    otelc_span_context pc = otelc_span_get_context(p), cc = otelc_span_get_context(c);
    assert_memory_equal(pc.trace_id, cc.trace_id, 16);
    assert_memory_not_equal(pc.span_id, cc.span_id, 8);
    uint8_t pid[8];
    assert_int_equal(otelc_span_get_parent_id(c, pid), 1);
    assert_memory_equal(pid, pc.span_id, 8);
    assert_int_equal(otelc_span_parent_is_remote(c), 0);
    otelc_span_end(c);
    otelc_span_end(p);
}

/* Spec: a sampler-provided tracestate is used by the span, and children inherit it. */
static void sample_with_ts(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)p;
    r->decision = OTELC_SAMPLING_RECORD_AND_SAMPLE;
    if (!p->parent)
        r->tracestate = otelc_tracestate_ref(ud);
}

static const otelc_sampler_methods ts_methods = {OTELC_SAMPLER_METHODS_VERSION, sample_with_ts,
                                                 NULL};

static void test_span_tracestate_from_sampler_then_parent(void **state)
{
    (void)state;
    otelc_tracestate *ts = NULL;
    assert_int_equal(otelc_tracestate_new(&ts, "vendor=x", 8), OTELC_OK);
    otelc_sampler *smp = NULL;
    assert_int_equal(otelc_sampler_new(&smp, &ts_methods, ts, "TsSampler"), OTELC_OK);
    otelc_tracer_provider *tp2 = tu_provider(smp, NULL, NULL);
    otelc_tracer *t2 = otelc_tracer_provider_get_tracer(tp2, "ts", NULL, NULL, NULL, 0);
    otelc_span *root = otelc_span_start(t2, "root", NULL);
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent_span = root;
    otelc_span *child = otelc_span_start(t2, "child", &o);
    assert_string_equal(otelc_tracestate_header(otelc_span_get_context(root).tracestate),
                        "vendor=x");
    assert_string_equal(otelc_tracestate_header(otelc_span_get_context(child).tracestate),
                        "vendor=x");
    otelc_span_end(child);
    otelc_span_end(root);
    tu_spans_clear();
    otelc_tracer_provider_free(tp2);
    otelc_tracestate_free(ts);
}

/* Spec: the root option starts a new trace even when a parent is current. */
static void test_span_root_option_ignores_current(void **state)
{
    (void)state;
    otelc_span *p = otelc_span_start(tracer, "p", NULL);
    otelc_context_token t = otelc_span_make_current(p);
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.root = 1;
    otelc_span *r = otelc_span_start(tracer, "r", &o);
    assert_memory_not_equal(otelc_span_get_context(p).trace_id,
                            otelc_span_get_context(r).trace_id, 16);
    assert_int_equal(otelc_span_get_parent_id(r, NULL), 0);
    otelc_span_end(r);
    otelc_context_detach(t);
    otelc_span_end(p);
}

/* Spec: the parent may be an explicit context; an explicit context wins over the current. */
static void test_span_parent_from_explicit_context(void **state)
{
    (void)state;
    otelc_span *a = otelc_span_start(tracer, "a", NULL);
    otelc_span *b = otelc_span_start(tracer, "b", NULL);
    otelc_context *ctx = otelc_context_with_span(NULL, a);
    otelc_context_token t = otelc_span_make_current(b);
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = ctx;
    otelc_span *c = otelc_span_start(tracer, "c", &o);
    uint8_t pid[8];
    assert_int_equal(otelc_span_get_parent_id(c, pid), 1);
    assert_memory_equal(pid, otelc_span_get_context(a).span_id, 8);
    otelc_span_end(c);
    otelc_context_detach(t);
    otelc_context_free(ctx);
    otelc_span_end(b);
    otelc_span_end(a);
}

/* Spec: start options carry kind, start time and attributes. */
static void test_span_start_options_kind_time_attrs(void **state)
{
    (void)state;
    otelc_attr attrs[] = {otelc_attr_str("k1", "v1"), otelc_attr_int("k2", 42)};
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = OTELC_SPAN_KIND_SERVER;
    o.start_time = 1000;
    o.attrs = attrs;
    o.attr_count = 2;
    otelc_span *s = otelc_span_start(tracer, "opts", &o);
    otelc_span_end_at(s, 5000);
    otelc_span *e = tu_span_at(0);
    assert_int_equal(otelc_span_get_kind(e), OTELC_SPAN_KIND_SERVER);
    assert_int_equal(otelc_span_get_start_time(e), 1000);
    assert_int_equal(otelc_span_get_end_time(e), 5000);
    assert_int_equal(otelc_span_get_attr_count(e), 2);
    assert_string_equal(otelc_span_find_attr(e, "k1")->u.s, "v1");
    assert_int_equal(otelc_span_find_attr(e, "k2")->u.i, 42);
}

/* Spec (AnyValue): every attribute kind a C user needs is stored as given. */
static void test_span_attr_every_kind(void **state)
{
    (void)state;
    otelc_span *s = otelc_span_start(tracer, "kinds", NULL);
    const char *sa[] = {"x", "yy"};
    const bool ba[] = {true, false, true};
    const int64_t ia[] = {1, -2, INT64_MAX};
    const double da[] = {0.5, -1.25};
    const uint8_t bytes[] = {0, 1, 2, 255};
    otelc_value v;
    otelc_span_set_attr_str(s, "s", "text");
    otelc_span_set_attr_strn(s, "sn", "abcdef", 3);
    otelc_span_set_attr_bool(s, "b", 1);
    otelc_span_set_attr_int(s, "i", -7);
    otelc_span_set_attr_double(s, "d", 2.5);
    v = otelc_value_bytes(bytes, sizeof bytes);
    otelc_span_set_attr(s, "by", &v);
    v.type = OTELC_VALUE_STRING_ARRAY;
    v.u.sa = sa;
    v.len = 2;
    otelc_span_set_attr(s, "sa", &v);
    v.type = OTELC_VALUE_BOOL_ARRAY;
    v.u.ba = ba;
    v.len = 3;
    otelc_span_set_attr(s, "ba", &v);
    v.type = OTELC_VALUE_INT_ARRAY;
    v.u.ia = ia;
    v.len = 3;
    otelc_span_set_attr(s, "ia", &v);
    v.type = OTELC_VALUE_DOUBLE_ARRAY;
    v.u.da = da;
    v.len = 2;
    otelc_span_set_attr(s, "da", &v);
    otelc_span_end(s);
    otelc_span *e = tu_span_at(0);
    assert_int_equal(otelc_span_get_attr_count(e), 10);
    assert_string_equal(otelc_span_find_attr(e, "s")->u.s, "text");
    assert_int_equal(otelc_span_find_attr(e, "sn")->len, 3);
    assert_string_equal(otelc_span_find_attr(e, "sn")->u.s, "abc");
    assert_true(otelc_span_find_attr(e, "b")->u.b);
    assert_int_equal(otelc_span_find_attr(e, "i")->u.i, -7);
    assert_true(otelc_span_find_attr(e, "d")->u.d == 2.5);
    assert_int_equal(otelc_span_find_attr(e, "by")->len, 4);
    assert_memory_equal(otelc_span_find_attr(e, "by")->u.bytes, bytes, 4);
    assert_string_equal(otelc_span_find_attr(e, "sa")->u.sa[1], "yy");
    assert_false(otelc_span_find_attr(e, "ba")->u.ba[1]);
    assert_int_equal(otelc_span_find_attr(e, "ia")->u.ia[2], INT64_MAX);
    assert_true(otelc_span_find_attr(e, "da")->u.da[1] == -1.25);
    /* The order of first setting is kept. */
    assert_string_equal(otelc_span_get_attr(e, 0)->key, "s");
    assert_string_equal(otelc_span_get_attr(e, 9)->key, "da");
}

/* Spec: setting an attribute with an existing key overwrites its value. */
static void test_span_attr_same_key_overwrites(void **state)
{
    (void)state;
    otelc_span *s = otelc_span_start(tracer, "ow", NULL);
    otelc_span_set_attr_str(s, "k", "a long first value");
    otelc_span_set_attr_str(s, "k", "short");
    otelc_span_set_attr_str(s, "k", "a much much longer third value than before");
    otelc_span_set_attr_int(s, "k", 5);
    otelc_span_end(s);
    otelc_span *e = tu_span_at(0);
    assert_int_equal(otelc_span_get_attr_count(e), 1);
    assert_int_equal(otelc_span_find_attr(e, "k")->type, OTELC_VALUE_INT);
    assert_int_equal(otelc_span_find_attr(e, "k")->u.i, 5);
}

/* Spec: attributes with an empty key are invalid and not recorded. */
static void test_span_attr_empty_key_ignored(void **state)
{
    (void)state;
    tu_log_capture(OTELC_LOG_WARN);
    otelc_span *s = otelc_span_start(tracer, "ek", NULL);
    otelc_span_set_attr_str(s, "", "v");
    otelc_span_set_attr_str(s, NULL, "v");
    otelc_span_set_attr(s, "k", NULL);
    otelc_span_end(s);
    tu_log_release();
    assert_int_equal(otelc_span_get_attr_count(tu_span_at(0)), 0);
}

/* Spec: events carry a name, a time (now by default) and attributes. */
static void test_span_events_name_time_attrs(void **state)
{
    (void)state;
    otelc_span *s = otelc_span_start(tracer, "ev", NULL);
    otelc_attr a[] = {otelc_attr_str("ek", "ev")};
    otelc_span_add_event(s, "first", 1234, a, 1);
    uint64_t before = otelc_now_ns();
    otelc_span_add_event(s, "second", 0, NULL, 0);
    otelc_span_end(s);
    otelc_span *e = tu_span_at(0);
    assert_int_equal(otelc_span_get_event_count(e), 2);
    otelc_event_info ev;
    assert_int_equal(otelc_span_get_event(e, 0, &ev), 1);
    assert_string_equal(ev.name, "first");
    assert_int_equal(ev.time_ns, 1234);
    assert_int_equal(ev.attr_count, 1);
    assert_string_equal(ev.attrs[0].key, "ek");
    assert_int_equal(otelc_span_get_event(e, 1, &ev), 1);
    assert_true(ev.time_ns >= before);
    assert_int_equal(otelc_span_get_event(e, 2, &ev), 0);
}

/* Spec (exceptions): the exception event and its attribute names. */
static void test_span_record_exception_event(void **state)
{
    (void)state;
    otelc_span *s = otelc_span_start(tracer, "exc", NULL);
    otelc_attr extra[] = {otelc_attr_bool("exception.escaped", true)};
    otelc_span_record_exception(s, "IOError", "disk full", "at f()\nat g()", extra, 1);
    otelc_span_record_exception(s, NULL, "only message", NULL, NULL, 0);
    otelc_span_end(s);
    otelc_span *e = tu_span_at(0);
    otelc_event_info ev;
    assert_int_equal(otelc_span_get_event(e, 0, &ev), 1);
    assert_string_equal(ev.name, "exception");
    assert_int_equal(ev.attr_count, 4);
    assert_string_equal(ev.attrs[0].key, "exception.type");
    assert_string_equal(ev.attrs[0].value.u.s, "IOError");
    assert_string_equal(ev.attrs[1].key, "exception.message");
    assert_string_equal(ev.attrs[2].key, "exception.stacktrace");
    assert_string_equal(ev.attrs[2].value.u.s, "at f()\nat g()");
    assert_string_equal(ev.attrs[3].key, "exception.escaped");
    assert_int_equal(otelc_span_get_event(e, 1, &ev), 1);
    assert_int_equal(ev.attr_count, 1);
    assert_string_equal(ev.attrs[0].key, "exception.message");
    /* The helper does not change the status. */
    assert_int_equal(otelc_span_get_status(e, NULL), OTELC_STATUS_UNSET);
}

/* Spec: links can be given at start or added later, with attributes and the context. */
static void test_span_links_at_start_and_after(void **state)
{
    (void)state;
    otelc_span *other = otelc_span_start(tracer, "other", NULL);
    otelc_link l0;
    memset(&l0, 0, sizeof l0);
    l0.context = otelc_span_get_context(other);
    l0.context.is_remote = 1;
    otelc_attr la[] = {otelc_attr_str("lk", "lv")};
    l0.attrs = la;
    l0.attr_count = 1;
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.links = &l0;
    o.link_count = 1;
    otelc_span *s = otelc_span_start(tracer, "linked", &o);
    otelc_link l1;
    memset(&l1, 0, sizeof l1);
    l1.context = otelc_span_get_context(other);
    otelc_span_add_link(s, &l1);
    /* Spec: an invalid context without attributes or tracestate is not recorded. */
    otelc_link bad;
    memset(&bad, 0, sizeof bad);
    otelc_span_add_link(s, &bad);
    otelc_span_end(s);
    otelc_span_end(other);
    otelc_span *e = tu_span_named("linked");
    assert_int_equal(otelc_span_get_link_count(e), 2);
    otelc_link_info li;
    assert_int_equal(otelc_span_get_link(e, 0, &li), 1);
    assert_memory_equal(li.context.span_id, otelc_span_get_context(tu_span_named("other")).span_id,
                        8);
    assert_int_equal(li.context.is_remote, 1);
    assert_int_equal(li.attr_count, 1);
    assert_int_equal(otelc_span_get_link(e, 1, &li), 1);
    assert_int_equal(li.attr_count, 0);
}

/* Spec: status Ok is final, Unset is ignored, the description goes only with Error. */
static void test_span_status_rules(void **state)
{
    (void)state;
    const char *desc;
    otelc_span *a = otelc_span_start(tracer, "a", NULL);
    otelc_span_set_status(a, OTELC_STATUS_ERROR, "boom");
    otelc_span_set_status(a, OTELC_STATUS_UNSET, NULL);
    otelc_span_end(a);
    assert_int_equal(otelc_span_get_status(tu_span_at(0), &desc), OTELC_STATUS_ERROR);
    assert_string_equal(desc, "boom");

    otelc_span *b = otelc_span_start(tracer, "b", NULL);
    otelc_span_set_status(b, OTELC_STATUS_OK, "ignored");
    otelc_span_set_status(b, OTELC_STATUS_ERROR, "too late");
    otelc_span_end(b);
    assert_int_equal(otelc_span_get_status(tu_span_at(1), &desc), OTELC_STATUS_OK);
    assert_null(desc);

    otelc_span *c = otelc_span_start(tracer, "c", NULL);
    otelc_span_set_status(c, OTELC_STATUS_ERROR, "first");
    otelc_span_set_status(c, OTELC_STATUS_OK, "x");
    otelc_span_end(c);
    assert_int_equal(otelc_span_get_status(tu_span_at(2), &desc), OTELC_STATUS_OK);
    assert_null(desc);
}

/* Spec: UpdateName replaces the name used at export. */
static void test_span_update_name(void **state)
{
    (void)state;
    otelc_span *s = otelc_span_start(tracer, "GET", NULL);
    otelc_span_update_name(s, "GET /users/{id}");
    otelc_span_update_name(s, "GET /u");
    otelc_span_end(s);
    assert_string_equal(otelc_span_get_name(tu_span_at(0)), "GET /u");
}

/* Spec: End is idempotent and nothing changes after it (with an extra reference kept). */
static void test_span_end_idempotent_and_frozen(void **state)
{
    (void)state;
    otelc_span *s = otelc_span_start(tracer, "once", NULL);
    otelc_span_ref(s);
    otelc_span_end_at(s, 777);
    assert_false(otelc_span_is_recording(s));
    otelc_span_ref(s);
    otelc_span_end_at(s, 999); /* second end: ignored, consumes one reference */
    otelc_span_set_attr_str(s, "late", "x");
    otelc_span_add_event(s, "late", 0, NULL, 0);
    otelc_span_set_status(s, OTELC_STATUS_ERROR, "late");
    otelc_span_update_name(s, "renamed");
    assert_int_equal(tu_spans_count(), 1);
    assert_int_equal(otelc_span_get_end_time(s), 777);
    assert_int_equal(otelc_span_get_attr_count(s), 0);
    assert_int_equal(otelc_span_get_event_count(s), 0);
    assert_int_equal(otelc_span_get_status(s, NULL), OTELC_STATUS_UNSET);
    assert_string_equal(otelc_span_get_name(s), "once");
    otelc_span_release(s);
}

/* API: every span function accepts NULL (a disabled SDK) and does nothing. */
static void test_span_null_safe(void **state)
{
    (void)state;
    assert_null(otelc_span_start(NULL, "x", NULL));
    otelc_span_set_attr_str(NULL, "k", "v");
    otelc_span_set_attr_int(NULL, "k", 1);
    otelc_span_add_event(NULL, "e", 0, NULL, 0);
    otelc_span_add_link(NULL, NULL);
    otelc_span_set_status(NULL, OTELC_STATUS_ERROR, "x");
    otelc_span_update_name(NULL, "x");
    otelc_span_record_exception(NULL, "t", "m", "s", NULL, 0);
    otelc_span_end(NULL);
    otelc_span_release(NULL);
    assert_false(otelc_span_is_recording(NULL));
    otelc_span_context c = otelc_span_get_context(NULL);
    assert_false(otelc_span_context_is_valid(&c));
    assert_null(otelc_span_ref(NULL));
}

/* Spec: a non-recording span still gets a new span id and carries the trace on. */
static void test_span_nonrecording_has_new_span_id(void **state)
{
    (void)state;
    otelc_sampler *off = NULL;
    assert_int_equal(otelc_sampler_always_off(&off), OTELC_OK);
    otelc_tracer_provider *tp2 = tu_provider(off, NULL, NULL);
    otelc_tracer *t2 = otelc_tracer_provider_get_tracer(tp2, "off", NULL, NULL, NULL, 0);
    otelc_span *a = otelc_span_start(t2, "a", NULL);
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent_span = a;
    otelc_span *b = otelc_span_start(t2, "b", &o);
    assert_non_null(a);
    assert_false(otelc_span_is_recording(a));
    otelc_span_context ca = otelc_span_get_context(a), cb = otelc_span_get_context(b);
    assert_true(otelc_span_context_is_valid(&ca));
    assert_true(otelc_span_context_is_valid(&cb));
    assert_memory_equal(ca.trace_id, cb.trace_id, 16);
    assert_memory_not_equal(ca.span_id, cb.span_id, 8);
    assert_false(ca.trace_flags & OTELC_TRACE_FLAG_SAMPLED);
    /* Mutators are ignored. */
    otelc_span_set_attr_str(b, "k", "v");
    assert_int_equal(otelc_span_get_attr_count(b), 0);
    otelc_span_end(b);
    otelc_span_end(a);
    assert_int_equal(tu_spans_count(), 0);
    otelc_tracer_provider_free(tp2);
}

/* Spec: RECORD_ONLY spans record (processors see them) but are not sampled or exported. */
static void record_only(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)ud;
    (void)p;
    r->decision = OTELC_SAMPLING_RECORD_ONLY;
}

static const otelc_sampler_methods ro_methods = {OTELC_SAMPLER_METHODS_VERSION, record_only,
                                                 NULL};

static void test_span_record_only_not_exported(void **state)
{
    (void)state;
    otelc_sampler *ro = NULL;
    assert_int_equal(otelc_sampler_new(&ro, &ro_methods, NULL, "RecordOnly"), OTELC_OK);
    otelc_tracer_provider *tp2 = tu_provider(ro, NULL, NULL);
    otelc_tracer *t2 = otelc_tracer_provider_get_tracer(tp2, "ro", NULL, NULL, NULL, 0);
    otelc_span *s = otelc_span_start(t2, "ro", NULL);
    assert_true(otelc_span_is_recording(s));
    assert_false(otelc_span_get_context(s).trace_flags & OTELC_TRACE_FLAG_SAMPLED);
    otelc_span_set_attr_int(s, "k", 1);
    assert_int_equal(otelc_span_get_attr_count(s), 1);
    otelc_span_end(s);
    assert_int_equal(tu_spans_count(), 0);
    otelc_tracer_provider_free(tp2);
}

/* Sampler attributes are added to the span. */
static const otelc_attr g_sampler_attrs[] = {{"sampler.attr", {OTELC_VALUE_INT, 0, {.i = 9}}}};

static void sample_with_attrs(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)ud;
    (void)p;
    r->decision = OTELC_SAMPLING_RECORD_AND_SAMPLE;
    r->attrs = g_sampler_attrs;
    r->attr_count = 1;
}

static const otelc_sampler_methods sa_methods = {OTELC_SAMPLER_METHODS_VERSION,
                                                 sample_with_attrs, NULL};

static void test_span_sampler_attributes_added(void **state)
{
    (void)state;
    otelc_sampler *smp = NULL;
    assert_int_equal(otelc_sampler_new(&smp, &sa_methods, NULL, "Attrs"), OTELC_OK);
    otelc_tracer_provider *tp2 = tu_provider(smp, NULL, NULL);
    otelc_tracer *t2 = otelc_tracer_provider_get_tracer(tp2, "sa", NULL, NULL, NULL, 0);
    otelc_span_end(otelc_span_start(t2, "s", NULL));
    assert_int_equal(otelc_span_find_attr(tu_span_at(0), "sampler.attr")->u.i, 9);
    tu_spans_clear();
    otelc_tracer_provider_free(tp2);
}

/* Exporter failures are counted as failed by the simple processor. */
static void test_span_simple_processor_counts(void **state)
{
    (void)state;
    tu_log_capture(OTELC_LOG_ERROR);
    tu_spans_fail_next(1);
    otelc_span_end(otelc_span_start(tracer, "fails", NULL));
    otelc_span_end(otelc_span_start(tracer, "ok", NULL));
    tu_log_release();
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(tp, &st);
    assert_int_equal(st.ended, 2);
    assert_int_equal(st.exported, 1);
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.ended, st.exported + st.failed + st.dropped + st.queued);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_span_start_root_has_new_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_child_inherits_trace_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_tracestate_from_sampler_then_parent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_span_root_option_ignores_current, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_parent_from_explicit_context, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_start_options_kind_time_attrs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_attr_every_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_attr_same_key_overwrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_attr_empty_key_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_events_name_time_attrs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_record_exception_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_links_at_start_and_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_status_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_update_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_end_idempotent_and_frozen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_null_safe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_nonrecording_has_new_span_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_record_only_not_exported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_sampler_attributes_added, setup, teardown),
        cmocka_unit_test_setup_teardown(test_span_simple_processor_counts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
