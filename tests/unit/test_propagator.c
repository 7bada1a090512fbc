/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the propagator extension point, the composite propagator, OTEL_PROPAGATORS and the
 * global propagator. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "proputil.h"

#define TP00 "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

static int teardown(void **state)
{
    (void)state;
    tu_alloc_uninstall();
    unsetenv("OTEL_PROPAGATORS");
    otelc_set_global_propagator(NULL);
    return 0;
}

/* A user propagator that writes "x-order" and appends its tag to a shared log, so the order
 * of calls shows. */
static char order_log[64];

struct order {
    const char *tag;
};

static int rec_inject(void *ud, const otelc_context *ctx, const otelc_carrier_setter *s)
{
    struct order *o = ud;
    (void)ctx;
    strcat(order_log, o->tag);
    return s->set(s->user_data, "x-order", o->tag, strlen(o->tag));
}

static int rec_extract(void *ud, const otelc_context *base, const otelc_carrier_getter *g,
                       otelc_context **out)
{
    struct order *o = ud;
    (void)g;
    strcat(order_log, o->tag);
    *out = otelc_context_ref(base);
    return OTELC_OK;
}

static const char *const rec_names[] = {"x-order", "traceparent"};

static const char *const *rec_fields(void *ud, size_t *n)
{
    (void)ud;
    *n = 2;
    return rec_names;
}

static const otelc_propagator_methods rec_methods = {
    .version = OTELC_PROPAGATOR_METHODS_VERSION,
    .inject = rec_inject,
    .extract = rec_extract,
    .fields = rec_fields,
};

/* The method table is versioned and inject/extract are required. */
static void test_propagator_new_checks_methods(void **state)
{
    (void)state;
    otelc_propagator *p = (otelc_propagator *)&p;
    otelc_propagator_methods m = rec_methods;
    m.version = 2;
    assert_int_equal(otelc_propagator_new(&p, &m, NULL), OTELC_EINVAL);
    m = rec_methods;
    m.extract = NULL;
    assert_int_equal(otelc_propagator_new(&p, &m, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_propagator_new(&p, NULL, NULL), OTELC_EINVAL);
    assert_ptr_equal(p, (otelc_propagator *)&p);
    otelc_propagator_free(NULL);
}

/* Carriers are checked at the door: a NULL or unknown-version getter or setter is EINVAL. */
static void test_propagator_carrier_checks(void **state)
{
    (void)state;
    otelc_propagator *p = NULL;
    assert_int_equal(otelc_propagator_tracecontext(&p), OTELC_OK);
    otelc_http_headers h;
    otelc_http_headers_init(&h);
    otelc_carrier_setter s = otelc_http_headers_setter(&h);
    otelc_carrier_getter g = otelc_http_headers_getter(&h);
    otelc_context *out = NULL;
    s.version = 99;
    g.version = 99;
    assert_int_equal(otelc_propagator_inject(p, NULL, &s), OTELC_EINVAL);
    assert_int_equal(otelc_propagator_inject(p, NULL, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_propagator_extract(p, NULL, &g, &out), OTELC_EINVAL);
    assert_int_equal(otelc_propagator_extract(p, NULL, NULL, &out), OTELC_EINVAL);
    g.version = OTELC_CARRIER_VERSION;
    assert_int_equal(otelc_propagator_extract(p, NULL, &g, NULL), OTELC_EINVAL);
    assert_null(out);
    otelc_propagator_free(p);
}

/* Composite: inject and extract run every member in order; fields are their union. */
static void test_propagator_composite_order(void **state)
{
    (void)state;
    struct order a = {"A"}, b = {"B"};
    otelc_propagator *list[3];
    assert_int_equal(otelc_propagator_new(&list[0], &rec_methods, &a), OTELC_OK);
    assert_int_equal(otelc_propagator_new(&list[1], &rec_methods, &b), OTELC_OK);
    assert_int_equal(otelc_propagator_tracecontext(&list[2]), OTELC_OK);
    otelc_propagator *c = NULL;
    assert_int_equal(otelc_propagator_composite(&c, list, 3), OTELC_OK);
    order_log[0] = '\0';
    otelc_context *out = pu_extract(c, (const char *[]){"traceparent", TP00, NULL});
    assert_string_equal(order_log, "AB");
    assert_non_null(otelc_context_get_span(out));
    otelc_http_headers h;
    order_log[0] = '\0';
    pu_inject(c, out, &h);
    assert_string_equal(order_log, "AB");
    /* The later member's value of a shared field wins (set replaces). */
    assert_string_equal(pu_get(&h, "x-order"), "B");
    assert_non_null(pu_get(&h, "traceparent"));
    otelc_http_headers_clear(&h);
    const char *const *names;
    assert_int_equal(otelc_propagator_fields(c, &names), 3);
    assert_string_equal(names[0], "x-order");
    assert_string_equal(names[1], "traceparent");
    assert_string_equal(names[2], "tracestate");
    otelc_context_free(out);
    otelc_propagator_free(c);
}

/* A composite of nothing is the no-op propagator; a NULL member is refused. */
static void test_propagator_composite_empty_and_invalid(void **state)
{
    (void)state;
    otelc_propagator *c = NULL;
    assert_int_equal(otelc_propagator_composite(&c, NULL, 0), OTELC_OK);
    otelc_context *out = pu_extract(c, (const char *[]){"traceparent", TP00, NULL});
    assert_null(otelc_context_get_span(out));
    assert_int_equal(otelc_propagator_fields(c, NULL), 0);
    otelc_context_free(out);
    otelc_propagator_free(c);
    otelc_propagator *list[1] = {NULL};
    assert_int_equal(otelc_propagator_composite(&c, list, 1), OTELC_EINVAL);
}

/* A failed composite takes nothing over, and leaks nothing. */
static void test_propagator_composite_alloc_failures(void **state)
{
    (void)state;
    otelc_propagator *list[2];
    /* The members take the first two allocations; the composite fails at each of its three. */
    for (uint64_t fail = 3; fail <= 5; fail++) {
        tu_alloc_install(fail);
        assert_int_equal(otelc_propagator_tracecontext(&list[0]), OTELC_OK);
        assert_int_equal(otelc_propagator_baggage(&list[1]), OTELC_OK);
        otelc_propagator *c = NULL;
        assert_int_equal(otelc_propagator_composite(&c, list, 2), OTELC_ENOMEM);
        assert_true(tu_alloc_failed());
        assert_null(c);
        otelc_propagator_free(list[0]);
        otelc_propagator_free(list[1]);
        assert_int_equal(tu_alloc_live(), 0);
    }
}

/* The fields a propagator from OTEL_PROPAGATORS uses, comma-joined. */
static const char *env_fields(const char *value)
{
    static char buf[256];
    if (value)
        setenv("OTEL_PROPAGATORS", value, 1);
    else
        unsetenv("OTEL_PROPAGATORS");
    otelc_propagator *p = NULL;
    assert_int_equal(otelc_propagators_from_env(&p), OTELC_OK);
    const char *const *names;
    size_t n = otelc_propagator_fields(p, &names);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(buf, i ? "," : "");
        strcat(buf, names[i]);
    }
    otelc_propagator_free(p);
    return buf;
}

/* Unset or empty OTEL_PROPAGATORS means tracecontext,baggage. */
static void test_propagator_env_default(void **state)
{
    (void)state;
    assert_string_equal(env_fields(NULL), "traceparent,tracestate,baggage");
    assert_string_equal(env_fields(""), "traceparent,tracestate,baggage");
}

/* Names run in the order given; duplicates are removed; spaces are trimmed. */
static void test_propagator_env_order_and_duplicates(void **state)
{
    (void)state;
    assert_string_equal(env_fields("b3multi, tracecontext ,b3multi"),
                        "x-b3-traceid,x-b3-spanid,x-b3-sampled,x-b3-flags,traceparent,"
                        "tracestate");
    assert_string_equal(env_fields("baggage,b3"), "baggage,b3");
    assert_string_equal(env_fields("b3"), "b3");
}

/* none means no propagation. */
static void test_propagator_env_none(void **state)
{
    (void)state;
    assert_string_equal(env_fields("none"), "");
    tu_log_capture(OTELC_LOG_WARN);
    assert_string_equal(env_fields("none,tracecontext"), "");
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("OTEL_PROPAGATORS"));
    tu_log_release();
}

/* Unknown names get one warning naming the variable; the known names still work. */
static void test_propagator_env_unknown_warns_once(void **state)
{
    (void)state;
    tu_log_capture(OTELC_LOG_WARN);
    assert_string_equal(env_fields("xray,tracecontext,ottrace"), "traceparent,tracestate");
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("OTEL_PROPAGATORS"));
    assert_true(tu_log_contains("xray"));
    tu_log_clear();
    assert_string_equal(env_fields("tracecontext"), "traceparent,tracestate");
    assert_int_equal(tu_log_count(), 0);
    tu_log_release();
}

/* Allocation failures while building from the environment leak nothing. */
static void test_propagator_env_alloc_failures(void **state)
{
    (void)state;
    setenv("OTEL_PROPAGATORS", "tracecontext,baggage,b3", 1);
    for (uint64_t fail = 1;; fail++) {
        tu_alloc_install(fail);
        otelc_propagator *p = NULL;
        int rc = otelc_propagators_from_env(&p);
        int failed = tu_alloc_failed();
        otelc_propagator_free(p);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (!failed) {
            assert_int_equal(rc, OTELC_OK);
            break;
        }
        assert_int_equal(rc, OTELC_ENOMEM);
        assert_null(p);
    }
}

/* The global propagator is the no-op one until set; a NULL propagator argument means it. */
static void test_propagator_global(void **state)
{
    (void)state;
    otelc_context *c = pu_extract(NULL, (const char *[]){"traceparent", TP00, NULL});
    assert_null(otelc_context_get_span(c));
    otelc_context_free(c);
    otelc_http_headers none;
    c = pu_remote_ctx(TP00);
    pu_inject(NULL, c, &none);
    assert_int_equal(none.count, 0);
    otelc_context_free(c);
    otelc_propagator *p = NULL;
    assert_int_equal(otelc_propagator_tracecontext(&p), OTELC_OK);
    otelc_set_global_propagator(p);
    assert_ptr_equal(otelc_global_propagator(), p);
    c = pu_extract(NULL, (const char *[]){"traceparent", TP00, NULL});
    assert_non_null(otelc_context_get_span(c));
    otelc_http_headers h;
    pu_inject(NULL, c, &h);
    assert_string_equal(pu_get(&h, "traceparent"), TP00);
    otelc_http_headers_clear(&h);
    otelc_context_free(c);
    otelc_set_global_propagator(NULL);
    assert_int_equal(otelc_propagator_fields(otelc_global_propagator(), NULL), 0);
    otelc_propagator_free(p);
}

/* Inject with a NULL context uses the calling thread's current context. */
static void test_propagator_inject_current_context(void **state)
{
    (void)state;
    otelc_propagator *p = NULL;
    assert_int_equal(otelc_propagator_tracecontext(&p), OTELC_OK);
    otelc_context *c = pu_remote_ctx(TP00);
    otelc_context_token t = otelc_context_attach(c);
    otelc_http_headers h;
    pu_inject(p, NULL, &h);
    assert_string_equal(pu_get(&h, "traceparent"), TP00);
    otelc_http_headers_clear(&h);
    otelc_context_detach(t);
    pu_inject(p, NULL, &h);
    assert_int_equal(h.count, 0);
    otelc_http_headers_clear(&h);
    otelc_context_free(c);
    otelc_propagator_free(p);
}

/* otelc_sdk_init_from_env installs the OTEL_PROPAGATORS propagator as the global one, also
 * when the SDK is disabled, and otelc_sdk_free takes it away again. */
static void test_propagator_sdk_init_installs_global(void **state)
{
    (void)state;
    const char *const *names;
    setenv("OTEL_PROPAGATORS", "b3multi", 1);
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    for (int disabled = 0; disabled < 2; disabled++) {
        if (disabled)
            setenv("OTEL_SDK_DISABLED", "true", 1);
        otelc_sdk *sdk = NULL;
        assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
        assert_int_equal(otelc_propagator_fields(otelc_global_propagator(), &names), 4);
        assert_string_equal(names[0], "x-b3-traceid");
        otelc_sdk_free(sdk);
        assert_int_equal(otelc_propagator_fields(otelc_global_propagator(), NULL), 0);
    }
    unsetenv("OTEL_SDK_DISABLED");
    unsetenv("OTEL_TRACES_EXPORTER");
}

static int failing_inject(void *ud, const otelc_context *ctx, const otelc_carrier_setter *s)
{
    (void)ud;
    (void)ctx;
    (void)s;
    return OTELC_EIO;
}

static int forgetful_extract(void *ud, const otelc_context *base, const otelc_carrier_getter *g,
                             otelc_context **out)
{
    (void)ud;
    (void)base;
    (void)g;
    (void)out;
    return *(const int *)ud;
}

/* A member's error stops a composite and is returned; a member that returns OK without a
 * context is answered with the base context (and a warning). */
static void test_propagator_member_errors(void **state)
{
    (void)state;
    static int ok = OTELC_OK, oom = OTELC_ENOMEM;
    static const otelc_propagator_methods m = {
        .version = OTELC_PROPAGATOR_METHODS_VERSION,
        .inject = failing_inject,
        .extract = forgetful_extract,
    };
    otelc_propagator *list[2], *c = NULL, *lone = NULL;
    assert_int_equal(otelc_propagator_tracecontext(&list[0]), OTELC_OK);
    assert_int_equal(otelc_propagator_new(&list[1], &m, &oom), OTELC_OK);
    assert_int_equal(otelc_propagator_composite(&c, list, 2), OTELC_OK);
    otelc_http_headers h;
    otelc_http_headers_init(&h);
    otelc_carrier_setter s = otelc_http_headers_setter(&h);
    otelc_carrier_getter g = otelc_http_headers_getter(&h);
    otelc_context *out = NULL;
    assert_int_equal(otelc_propagator_inject(c, NULL, &s), OTELC_EIO);
    assert_int_equal(otelc_propagator_extract(c, NULL, &g, &out), OTELC_ENOMEM);
    assert_null(out);
    assert_int_equal(otelc_propagator_new(&lone, &m, &ok), OTELC_OK);
    tu_log_capture(OTELC_LOG_WARN);
    assert_int_equal(otelc_propagator_extract(lone, NULL, &g, &out), OTELC_OK);
    assert_non_null(out);
    assert_true(tu_log_contains("no context"));
    tu_log_release();
    otelc_context_free(out);
    otelc_http_headers_clear(&h);
    otelc_propagator_free(lone);
    otelc_propagator_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_propagator_new_checks_methods, teardown),
        cmocka_unit_test_teardown(test_propagator_carrier_checks, teardown),
        cmocka_unit_test_teardown(test_propagator_composite_order, teardown),
        cmocka_unit_test_teardown(test_propagator_composite_empty_and_invalid, teardown),
        cmocka_unit_test_teardown(test_propagator_composite_alloc_failures, teardown),
        cmocka_unit_test_teardown(test_propagator_env_default, teardown),
        cmocka_unit_test_teardown(test_propagator_env_order_and_duplicates, teardown),
        cmocka_unit_test_teardown(test_propagator_env_none, teardown),
        cmocka_unit_test_teardown(test_propagator_env_unknown_warns_once, teardown),
        cmocka_unit_test_teardown(test_propagator_env_alloc_failures, teardown),
        cmocka_unit_test_teardown(test_propagator_global, teardown),
        cmocka_unit_test_teardown(test_propagator_inject_current_context, teardown),
        cmocka_unit_test_teardown(test_propagator_sdk_init_installs_global, teardown),
        cmocka_unit_test_teardown(test_propagator_member_errors, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
