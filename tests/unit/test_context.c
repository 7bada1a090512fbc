/* SPDX-License-Identifier: Apache-2.0 */
/* Context rules: current context per thread, attach/detach tokens, explicit contexts. */
#include "testutil.h"

#include <pthread.h>
#include <string.h>

static otelc_tracer_provider *tp;
static otelc_tracer *tracer;

static int setup(void **state)
{
    (void)state;
    tp = tu_provider(NULL, NULL, NULL);
    tracer = otelc_tracer_provider_get_tracer(tp, "test.context", NULL, NULL, NULL, 0);
    return tp ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
    return 0;
}

static int is_child_of(otelc_span *c, otelc_span *p)
{
    uint8_t pid[8];
    return otelc_span_get_parent_id(c, pid) &&
           memcmp(pid, otelc_span_get_context(p).span_id, 8) == 0;
}

/* Spec: a span started without an explicit parent is a child of the current span. */
static void test_context_current_span_is_implicit_parent(void **state)
{
    (void)state;
    assert_null(otelc_span_current());
    otelc_span *p = otelc_span_start(tracer, "p", NULL);
    otelc_context_token t = otelc_span_make_current(p);
    assert_ptr_equal(otelc_span_current(), p);
    otelc_span *c = otelc_span_start(tracer, "c", NULL);
    assert_true(is_child_of(c, p));
    otelc_span_end(c);
    otelc_context_detach(t);
    assert_null(otelc_span_current());
    otelc_span *r = otelc_span_start(tracer, "r", NULL);
    assert_false(otelc_span_get_parent_id(r, NULL));
    otelc_span_end(r);
    otelc_span_end(p);
}

/* Scopes nest: detaching restores the previous current span. */
static void test_context_nested_scopes_restore(void **state)
{
    (void)state;
    otelc_span *a = otelc_span_start(tracer, "a", NULL);
    otelc_context_token ta = otelc_span_make_current(a);
    otelc_span *b = otelc_span_start(tracer, "b", NULL);
    otelc_context_token tb = otelc_span_make_current(b);
    assert_ptr_equal(otelc_span_current(), b);
    otelc_context_detach(tb);
    assert_ptr_equal(otelc_span_current(), a);
    otelc_context_detach(ta);
    assert_null(otelc_span_current());
    otelc_span_end(b);
    otelc_span_end(a);
}

/* Detaching out of order is reported, removes only that entry, and corrupts nothing. */
static void test_context_detach_out_of_order_reported(void **state)
{
    (void)state;
    tu_log_capture(OTELC_LOG_WARN);
    otelc_span *a = otelc_span_start(tracer, "a", NULL);
    otelc_span *b = otelc_span_start(tracer, "b", NULL);
    otelc_context_token ta = otelc_span_make_current(a);
    otelc_context_token tb = otelc_span_make_current(b);
    otelc_context_detach(ta); /* out of order */
    assert_true(tu_log_contains("out of order"));
    assert_ptr_equal(otelc_span_current(), b); /* the innermost stays current */
    otelc_context_detach(tb);
    assert_null(otelc_span_current()); /* and the stack is empty again */
    /* A stale token (detached twice) is reported and ignored. */
    otelc_context_detach(tb);
    assert_true(tu_log_contains("stale"));
    assert_null(otelc_span_current());
    tu_log_release();
    otelc_span_end(b);
    otelc_span_end(a);
}

/* An attached context keeps its span readable even after the caller ended it. */
static void test_context_keeps_span_alive(void **state)
{
    (void)state;
    otelc_span *a = otelc_span_start(tracer, "a", NULL);
    otelc_context *ctx = otelc_context_with_span(NULL, a);
    otelc_context_token t = otelc_context_attach(ctx);
    otelc_context_free(ctx);
    otelc_span_end(a); /* the caller's reference is gone; the context holds one */
    otelc_span *c = otelc_span_start(tracer, "c", NULL);
    assert_true(is_child_of(c, a));
    otelc_span_end(c);
    otelc_context *cur = otelc_context_current();
    assert_ptr_equal(otelc_context_get_span(cur), a);
    otelc_context_free(cur);
    otelc_context_detach(t);
}

/* otelc_context_current returns a context object usable as an explicit parent elsewhere. */
struct thread_arg {
    otelc_context *ctx;
    otelc_span *child;
};

static void *other_thread(void *p)
{
    struct thread_arg *ta = p;
    assert_null(otelc_span_current()); /* contexts are per thread */
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = ta->ctx;
    ta->child = otelc_span_start(tracer, "in-thread", &o);
    return NULL;
}

static void test_context_explicit_value_crosses_threads(void **state)
{
    (void)state;
    otelc_span *a = otelc_span_start(tracer, "a", NULL);
    otelc_context_token t = otelc_span_make_current(a);
    struct thread_arg ta = {otelc_context_current(), NULL};
    otelc_context_detach(t);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, other_thread, &ta), 0);
    pthread_join(th, NULL);
    assert_true(is_child_of(ta.child, a));
    otelc_span_end(ta.child);
    otelc_context_free(ta.ctx);
    otelc_span_end(a);
}

/* A NULL span (disabled SDK) keeps the current context and still pairs its token. */
static void test_context_make_current_null_passes_through(void **state)
{
    (void)state;
    otelc_span *a = otelc_span_start(tracer, "a", NULL);
    otelc_context_token ta = otelc_span_make_current(a);
    otelc_context_token tn = otelc_span_make_current(NULL);
    assert_ptr_equal(otelc_span_current(), a);
    otelc_context_detach(tn);
    assert_ptr_equal(otelc_span_current(), a);
    otelc_context_detach(ta);
    otelc_span_end(a);
}

/* Deep nesting past the inline stack grows it, and unwinds cleanly. */
static void test_context_deep_nesting(void **state)
{
    (void)state;
    enum { N = 100 };
    otelc_span *spans[N];
    otelc_context_token toks[N];
    for (int i = 0; i < N; i++) {
        spans[i] = otelc_span_start(tracer, "deep", NULL);
        toks[i] = otelc_span_make_current(spans[i]);
        if (i)
            assert_true(is_child_of(spans[i], spans[i - 1]));
    }
    for (int i = N - 1; i >= 0; i--) {
        assert_ptr_equal(otelc_span_current(), spans[i]);
        otelc_context_detach(toks[i]);
        otelc_span_end(spans[i]);
    }
    assert_null(otelc_span_current());
}

/* The empty context and NULL are handled without allocation or crash. */
static void test_context_empty_and_null(void **state)
{
    (void)state;
    otelc_context *e = otelc_context_current();
    assert_non_null(e);
    assert_null(otelc_context_get_span(e));
    otelc_context_free(e);
    otelc_context_free(NULL);
    assert_null(otelc_context_get_span(NULL));
    tu_log_capture(OTELC_LOG_WARN);
    otelc_context_token z = otelc_context_attach(NULL);
    assert_int_equal(z.depth, 0);
    otelc_context_detach(z);
    tu_log_release();
}

static otelc_baggage *one_entry(const char *k, const char *v)
{
    otelc_baggage *b = NULL;
    assert_int_equal(otelc_baggage_set(&b, NULL, k, v, NULL), OTELC_OK);
    return b;
}

/* A context holds baggage next to its span: adding one keeps the other. */
static void test_context_baggage_and_span_kept_together(void **state)
{
    (void)state;
    otelc_baggage *b = one_entry("k", "v");
    otelc_span *s = otelc_span_start(tracer, "s", NULL);
    otelc_context *c1 = otelc_context_with_baggage(NULL, b);
    otelc_context *c2 = otelc_context_with_span(c1, s);
    otelc_context *c3 = otelc_context_with_baggage(c2, NULL);
    assert_ptr_equal(otelc_context_get_baggage(c1), b);
    assert_null(otelc_context_get_span(c1));
    assert_ptr_equal(otelc_context_get_baggage(c2), b);
    assert_ptr_equal(otelc_context_get_span(c2), s);
    assert_null(otelc_context_get_baggage(c3));
    assert_ptr_equal(otelc_context_get_span(c3), s);
    /* The context holds its own reference to the baggage. */
    otelc_baggage_free(b);
    assert_string_equal(otelc_baggage_get(otelc_context_get_baggage(c2), "k"), "v");
    otelc_context_free(c3);
    otelc_context_free(c2);
    otelc_context_free(c1);
    otelc_span_end(s);
    assert_null(otelc_context_get_baggage(NULL));
}

/* Making a span current keeps the current baggage current with it. */
static void test_context_make_current_keeps_baggage(void **state)
{
    (void)state;
    otelc_baggage *b = one_entry("tenant", "acme");
    otelc_context *c = otelc_context_with_baggage(NULL, b);
    otelc_baggage_free(b);
    assert_null(otelc_baggage_current());
    otelc_context_token t1 = otelc_context_attach(c);
    assert_ptr_equal(otelc_baggage_current(), otelc_context_get_baggage(c));
    otelc_span *s = otelc_span_start(tracer, "s", NULL);
    otelc_context_token t2 = otelc_span_make_current(s);
    assert_ptr_equal(otelc_span_current(), s);
    assert_string_equal(otelc_baggage_get(otelc_baggage_current(), "tenant"), "acme");
    otelc_context *cur = otelc_context_current();
    assert_ptr_equal(otelc_context_get_span(cur), s);
    assert_string_equal(otelc_baggage_get(otelc_context_get_baggage(cur), "tenant"), "acme");
    otelc_context_free(cur);
    otelc_context_detach(t2);
    otelc_context_detach(t1);
    assert_null(otelc_baggage_current());
    otelc_span_end(s);
    otelc_context_free(c);
}

/* A context with baggage and no span is not the empty context when current. */
static void test_context_baggage_only_is_current(void **state)
{
    (void)state;
    otelc_baggage *b = one_entry("k", "v");
    otelc_context *c = otelc_context_with_baggage(NULL, b);
    otelc_baggage_free(b);
    otelc_context_token t = otelc_context_attach(c);
    otelc_context *cur = otelc_context_current();
    assert_null(otelc_context_get_span(cur));
    assert_string_equal(otelc_baggage_get(otelc_context_get_baggage(cur), "k"), "v");
    otelc_context_free(cur);
    otelc_context_detach(t);
    otelc_context_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_context_current_span_is_implicit_parent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_context_nested_scopes_restore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_context_detach_out_of_order_reported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_context_keeps_span_alive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_context_explicit_value_crosses_threads, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_context_make_current_null_passes_through, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_context_deep_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_context_empty_and_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_context_baggage_and_span_kept_together, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_context_make_current_keeps_baggage, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_context_baggage_only_is_current, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
