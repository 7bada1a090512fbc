/* SPDX-License-Identifier: Apache-2.0 */
/* TracerProvider and Tracer rules: scopes, flush, shutdown, processors and the resource. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

/* Spec: the same (name, version, schema_url) returns the same tracer; others differ. */
static void test_provider_same_scope_same_tracer(void **state)
{
    (void)state;
    otelc_tracer_provider *tp = tu_provider(NULL, NULL, NULL);
    otelc_attr a[] = {otelc_attr_str("scope.k", "v")};
    otelc_tracer *t1 = otelc_tracer_provider_get_tracer(tp, "lib", "1", "https://s", a, 1);
    otelc_tracer *t2 = otelc_tracer_provider_get_tracer(tp, "lib", "1", "https://s", NULL, 0);
    otelc_tracer *t3 = otelc_tracer_provider_get_tracer(tp, "lib", "2", "https://s", NULL, 0);
    otelc_tracer *t4 = otelc_tracer_provider_get_tracer(tp, "lib", NULL, NULL, NULL, 0);
    otelc_tracer *t5 = otelc_tracer_provider_get_tracer(tp, "lib", "", "", NULL, 0);
    assert_ptr_equal(t1, t2);
    assert_ptr_not_equal(t1, t3);
    assert_ptr_not_equal(t1, t4);
    assert_ptr_equal(t4, t5); /* empty version/schema mean "not given" */
    otelc_span_end(otelc_span_start(t1, "s", NULL));
    otelc_scope_info si = otelc_span_get_scope(tu_span_at(0));
    assert_string_equal(si.name, "lib");
    assert_string_equal(si.version, "1");
    assert_string_equal(si.schema_url, "https://s");
    assert_int_equal(si.attr_count, 1);
    assert_string_equal(si.attrs[0].key, "scope.k");
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

/* Spec: an empty or NULL name still gives a working tracer, with one warning. */
static void test_provider_empty_tracer_name_warns(void **state)
{
    (void)state;
    otelc_tracer_provider *tp = tu_provider(NULL, NULL, NULL);
    tu_log_capture(OTELC_LOG_WARN);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, NULL, NULL, NULL, NULL, 0);
    assert_non_null(t);
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("empty tracer name"));
    tu_log_release();
    otelc_span_end(otelc_span_start(t, "s", NULL));
    assert_string_equal(otelc_span_get_scope(tu_span_at(0)).name, "");
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

/* Spec: Shutdown happens once; later calls fail; tracers then make non-recording spans. */
static void test_provider_shutdown_once_then_noop(void **state)
{
    (void)state;
    otelc_tracer_provider *tp = tu_provider(NULL, NULL, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "x", NULL, NULL, NULL, 0);
    otelc_span *running = otelc_span_start(t, "running", NULL);
    assert_int_equal(otelc_tracer_provider_shutdown(tp, 1000), OTELC_OK);
    assert_int_equal(otelc_tracer_provider_shutdown(tp, 1000), OTELC_ESHUTDOWN);
    otelc_span *after = otelc_span_start(t, "after", NULL);
    assert_non_null(after);
    assert_false(otelc_span_is_recording(after));
    otelc_span_context c = otelc_span_get_context(after);
    assert_true(otelc_span_context_is_valid(&c));
    otelc_span_end(after);
    otelc_span_end(running); /* ended after shutdown: not exported */
    assert_int_equal(tu_spans_count(), 0);
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 100), OTELC_ESHUTDOWN);
    otelc_tracer_provider_free(tp);
}

/* Processors are called in order, on start and end, and flushed and shut down. */
struct rec {
    char log[256];
    size_t len;
};

static void rec_add(struct rec *r, const char *what)
{
    size_t n = strlen(what);
    if (r->len + n + 1 < sizeof r->log) {
        memcpy(r->log + r->len, what, n);
        r->len += n;
        r->log[r->len++] = ';';
        r->log[r->len] = '\0';
    }
}

static struct rec g_rec;

static void p1_start(void *ud, otelc_span *s, const otelc_context *parent)
{
    (void)s;
    (void)parent;
    rec_add(&g_rec, ud);
    rec_add(&g_rec, "start");
    otelc_span_set_attr_str(s, "added.on.start", ud); /* spans are writable in on_start */
}

static void p1_end(void *ud, otelc_span *s)
{
    (void)s;
    rec_add(&g_rec, ud);
    rec_add(&g_rec, "end");
}

static int p1_flush(void *ud, uint64_t deadline)
{
    (void)deadline;
    rec_add(&g_rec, ud);
    rec_add(&g_rec, "flush");
    return OTELC_OK;
}

static int p1_shutdown(void *ud, uint64_t deadline)
{
    (void)deadline;
    rec_add(&g_rec, ud);
    rec_add(&g_rec, "shutdown");
    return OTELC_OK;
}

static void p1_destroy(void *ud)
{
    rec_add(&g_rec, ud);
    rec_add(&g_rec, "destroy");
}

static const otelc_span_processor_methods p1_methods = {
    OTELC_SPAN_PROCESSOR_METHODS_VERSION, p1_start, p1_end, p1_flush, p1_shutdown, NULL,
    p1_destroy};

static void test_provider_processors_in_order(void **state)
{
    (void)state;
    memset(&g_rec, 0, sizeof g_rec);
    otelc_span_processor *procs[2];
    static char name_a[] = "A", name_b[] = "B";
    assert_int_equal(otelc_span_processor_new(&procs[0], &p1_methods, name_a), OTELC_OK);
    assert_int_equal(otelc_span_processor_new(&procs[1], &p1_methods, name_b), OTELC_OK);
    otelc_tracer_provider_options o;
    otelc_tracer_provider_options_init(&o);
    o.processors = procs;
    o.processor_count = 2;
    otelc_tracer_provider *tp = NULL;
    assert_int_equal(otelc_tracer_provider_new(&tp, &o), OTELC_OK);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "x", NULL, NULL, NULL, 0);
    otelc_span *s = otelc_span_start(t, "s", NULL);
    assert_string_equal(otelc_span_find_attr(s, "added.on.start")->u.s, "B");
    otelc_span_end(s);
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 1000), OTELC_OK);
    otelc_tracer_provider_free(tp);
    assert_string_equal(g_rec.log, "A;start;B;start;A;end;B;end;A;flush;B;flush;A;shutdown;B;"
                                   "shutdown;A;destroy;B;destroy;");
}

/* Constructors check their arguments and leave *out untouched on failure. */
static void test_provider_new_rejects_bad_arguments(void **state)
{
    (void)state;
    otelc_tracer_provider *tp = (otelc_tracer_provider *)0x1;
    otelc_tracer_provider_options o;
    otelc_tracer_provider_options_init(&o);
    o.processor_count = 1; /* with a NULL array */
    assert_int_equal(otelc_tracer_provider_new(&tp, &o), OTELC_EINVAL);
    assert_ptr_equal(tp, (otelc_tracer_provider *)0x1);
    assert_int_equal(otelc_tracer_provider_new(NULL, NULL), OTELC_EINVAL);
    otelc_span_processor *p = NULL;
    otelc_span_processor_methods bad = p1_methods;
    bad.version = 0;
    assert_int_equal(otelc_span_processor_new(&p, &bad, NULL), OTELC_EINVAL);
    assert_null(p);
    otelc_span_exporter *e = NULL;
    otelc_span_exporter_methods em = {.version = OTELC_SPAN_EXPORTER_METHODS_VERSION};
    assert_int_equal(otelc_span_exporter_new(&e, &em, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_simple_span_processor_new(&p, NULL), OTELC_EINVAL);
    otelc_tracer_provider_free(NULL);
    otelc_span_processor_free(NULL);
    otelc_span_exporter_free(NULL);
}

/* Spec: the provider's resource is the SDK default merged under the user's attributes. */
static void test_provider_resource_merges_user_over_default(void **state)
{
    (void)state;
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
    unsetenv("OTEL_SERVICE_NAME");
    otelc_attr a[] = {otelc_attr_str("service.name", "checkout")};
    otelc_resource *r = NULL;
    assert_int_equal(otelc_resource_new(&r, a, 1, NULL), OTELC_OK);
    otelc_tracer_provider_options o;
    otelc_tracer_provider_options_init(&o);
    o.resource = r;
    otelc_tracer_provider *tp = NULL;
    assert_int_equal(otelc_tracer_provider_new(&tp, &o), OTELC_OK);
    otelc_resource_free(r); /* the provider holds its own reference */
    const otelc_resource *pr = otelc_tracer_provider_resource(tp);
    assert_string_equal(otelc_resource_get(pr, "service.name")->u.s, "checkout");
    assert_string_equal(otelc_resource_get(pr, "telemetry.sdk.name")->u.s, "otelc");
    assert_string_equal(otelc_resource_get(pr, "telemetry.sdk.language")->u.s, "c");
    otelc_tracer_provider_free(tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_provider_same_scope_same_tracer),
        cmocka_unit_test(test_provider_empty_tracer_name_warns),
        cmocka_unit_test(test_provider_shutdown_once_then_noop),
        cmocka_unit_test(test_provider_processors_in_order),
        cmocka_unit_test(test_provider_new_rejects_bad_arguments),
        cmocka_unit_test(test_provider_resource_merges_user_over_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
