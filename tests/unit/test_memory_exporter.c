/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the in-memory span exporter: kept references, reset, injected failures. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "testutil.h"

#include "otelc/exporters.h"

/* A provider exporting through the simple processor to a memory exporter. */
struct pipeline {
    otelc_tracer_provider *tp;
    otelc_span_exporter *exp; /* borrowed from the provider */
    otelc_tracer *tracer;
};

static void pipeline_start(struct pipeline *p)
{
    otelc_span_processor *proc;
    otelc_tracer_provider_options o;
    assert_int_equal(otelc_memory_exporter_new(&p->exp), OTELC_OK);
    assert_int_equal(otelc_simple_span_processor_new(&proc, p->exp), OTELC_OK);
    otelc_tracer_provider_options_init(&o);
    o.processors = &proc;
    o.processor_count = 1;
    assert_int_equal(otelc_tracer_provider_new(&p->tp, &o), OTELC_OK);
    p->tracer = otelc_tracer_provider_get_tracer(p->tp, "test", NULL, NULL, NULL, 0);
    assert_non_null(p->tracer);
}

static void end_span(otelc_tracer *t, const char *name)
{
    otelc_span *s = otelc_span_start(t, name, NULL);
    assert_non_null(s);
    otelc_span_end(s);
}

/* The exporter keeps each span until reset or until the provider is freed: they stay
 * readable after provider shutdown. */
static void test_memory_exporter_keeps_spans_after_shutdown(void **state)
{
    struct pipeline p;
    (void)state;
    pipeline_start(&p);
    end_span(p.tracer, "one");
    end_span(p.tracer, "two");
    end_span(p.tracer, "three");
    assert_int_equal(otelc_tracer_provider_shutdown(p.tp, 1000), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_count(p.exp), 3);
    otelc_span *s = otelc_memory_exporter_get(p.exp, 1);
    assert_non_null(s);
    assert_string_equal(otelc_span_get_name(s), "two");
    assert_null(otelc_memory_exporter_get(p.exp, 3));
    assert_int_not_equal(otelc_span_get_end_time(s), 0);
    otelc_span_release(s);
    /* Ended after shutdown: not exported. */
    otelc_span_end(otelc_span_start(p.tracer, "late", NULL));
    assert_int_equal(otelc_memory_exporter_count(p.exp), 3);
    otelc_tracer_provider_free(p.tp);
}

/* reset() forgets every span; later exports are kept again. */
static void test_memory_exporter_reset_drops_spans(void **state)
{
    struct pipeline p;
    (void)state;
    pipeline_start(&p);
    end_span(p.tracer, "before");
    otelc_span *kept = otelc_memory_exporter_get(p.exp, 0);
    otelc_memory_exporter_reset(p.exp);
    assert_int_equal(otelc_memory_exporter_count(p.exp), 0);
    assert_null(otelc_memory_exporter_get(p.exp, 0));
    /* A reference taken before the reset is still the caller's. */
    assert_string_equal(otelc_span_get_name(kept), "before");
    otelc_span_release(kept);
    end_span(p.tracer, "after");
    assert_int_equal(otelc_memory_exporter_count(p.exp), 1);
    otelc_span *s = otelc_memory_exporter_get(p.exp, 0);
    assert_string_equal(otelc_span_get_name(s), "after");
    otelc_span_release(s);
    otelc_tracer_provider_free(p.tp);
}

/* fail_next(n, err): exactly the next n exports return err and keep nothing; 0 stops it. */
static void test_memory_exporter_fail_next_counts(void **state)
{
    struct pipeline p;
    otelc_span_exporter *e;
    (void)state;
    pipeline_start(&p);
    end_span(p.tracer, "a");
    end_span(p.tracer, "b");
    otelc_span *spans[2] = {otelc_memory_exporter_get(p.exp, 0),
                            otelc_memory_exporter_get(p.exp, 1)};
    assert_int_equal(otelc_memory_exporter_new(&e), OTELC_OK);

    otelc_memory_exporter_fail_next(e, 2, OTELC_EIO);
    assert_int_equal(otelc_span_exporter_export(e, spans, 2, UINT64_MAX), OTELC_EIO);
    assert_int_equal(otelc_span_exporter_export(e, spans, 1, UINT64_MAX), OTELC_EIO);
    assert_int_equal(otelc_memory_exporter_count(e), 0);
    assert_int_equal(otelc_span_exporter_export(e, spans, 2, UINT64_MAX), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_count(e), 2);

    otelc_memory_exporter_fail_next(e, 5, OTELC_ETRANSPORT);
    otelc_memory_exporter_fail_next(e, 0, OTELC_ETRANSPORT);
    assert_int_equal(otelc_span_exporter_export(e, spans, 1, UINT64_MAX), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_count(e), 3);

    otelc_span_exporter_free(e);
    otelc_span_release(spans[0]);
    otelc_span_release(spans[1]);
    otelc_tracer_provider_free(p.tp);
}

/* A failing export seen through the simple processor counts as failed, not exported. */
static void test_memory_exporter_failure_reaches_processor(void **state)
{
    struct pipeline p;
    otelc_span_processor_stats st;
    (void)state;
    tu_log_capture(OTELC_LOG_WARN);
    pipeline_start(&p);
    otelc_memory_exporter_fail_next(p.exp, 1, OTELC_EIO);
    end_span(p.tracer, "lost");
    end_span(p.tracer, "kept");
    assert_int_equal(otelc_memory_exporter_count(p.exp), 1);
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(p.tp, &st);
    assert_int_equal(st.exported, 1);
    assert_int_equal(st.failed, 1);
    otelc_tracer_provider_free(p.tp);
    tu_log_release();
}

static int other_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    (void)ud;
    (void)spans;
    (void)n;
    (void)deadline;
    return OTELC_OK;
}

/* The accessors ignore NULL and exporters that are not memory exporters. */
static void test_memory_exporter_accessors_ignore_other_exporters(void **state)
{
    static const otelc_span_exporter_methods other = {
        .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
        .export_spans = other_export,
    };
    otelc_span_exporter *e;
    (void)state;
    assert_int_equal(otelc_span_exporter_new(&e, &other, NULL), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_count(e), 0);
    assert_null(otelc_memory_exporter_get(e, 0));
    otelc_memory_exporter_reset(e);
    otelc_memory_exporter_fail_next(e, 1, OTELC_EIO);
    assert_int_equal(otelc_span_exporter_export(e, NULL, 0, UINT64_MAX), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_count(NULL), 0);
    assert_null(otelc_memory_exporter_get(NULL, 0));
    otelc_memory_exporter_reset(NULL);
    otelc_memory_exporter_fail_next(NULL, 1, OTELC_EIO);
    assert_int_equal(otelc_memory_exporter_new(NULL), OTELC_EINVAL);
    otelc_span_exporter_free(e);
}

/* Every allocation failure of new() and export() is an error that leaks nothing. */
static void test_memory_exporter_fails_cleanly_without_memory(void **state)
{
    struct pipeline p;
    (void)state;
    pipeline_start(&p);
    end_span(p.tracer, "span");
    otelc_span *s = otelc_memory_exporter_get(p.exp, 0);
    for (uint64_t fail_at = 1;; fail_at++) {
        otelc_span_exporter *e = NULL;
        tu_alloc_install(fail_at);
        int rc = otelc_memory_exporter_new(&e);
        if (rc == OTELC_OK) {
            rc = otelc_span_exporter_export(e, &s, 1, UINT64_MAX);
            assert_int_equal(otelc_memory_exporter_count(e), rc == OTELC_OK ? 1 : 0);
        }
        int failed = tu_alloc_failed();
        assert_int_equal(rc, failed ? OTELC_ENOMEM : OTELC_OK);
        otelc_span_exporter_free(e);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (!failed)
            break;
    }
    otelc_span_release(s);
    otelc_tracer_provider_free(p.tp);
}

struct reader {
    otelc_span_exporter *exp;
    _Atomic int stop;
    int bad; /* spans read that were not the ones exported; checked on the main thread */
};

static void *read_loop(void *arg)
{
    struct reader *r = arg;
    while (!atomic_load(&r->stop)) {
        size_t n = otelc_memory_exporter_count(r->exp);
        /* A reset may come between count() and get(): then get() gives NULL. */
        otelc_span *s = n ? otelc_memory_exporter_get(r->exp, n - 1) : NULL;
        if (s && strcmp(otelc_span_get_name(s), "concurrent") != 0)
            r->bad++;
        otelc_span_release(s);
    }
    return NULL;
}

/* The accessors may run on another thread while spans are exported. */
static void test_memory_exporter_accessors_are_thread_safe(void **state)
{
    struct pipeline p;
    struct reader r;
    pthread_t th;
    (void)state;
    pipeline_start(&p);
    r.exp = p.exp;
    r.bad = 0;
    atomic_store(&r.stop, 0);
    assert_int_equal(pthread_create(&th, NULL, read_loop, &r), 0);
    for (int i = 0; i < 2000; i++) {
        end_span(p.tracer, "concurrent");
        if (i == 1000)
            otelc_memory_exporter_reset(p.exp);
    }
    atomic_store(&r.stop, 1);
    pthread_join(th, NULL);
    assert_int_equal(r.bad, 0);
    assert_int_equal(otelc_memory_exporter_count(p.exp), 999);
    otelc_tracer_provider_free(p.tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_exporter_keeps_spans_after_shutdown),
        cmocka_unit_test(test_memory_exporter_reset_drops_spans),
        cmocka_unit_test(test_memory_exporter_fail_next_counts),
        cmocka_unit_test(test_memory_exporter_failure_reaches_processor),
        cmocka_unit_test(test_memory_exporter_accessors_ignore_other_exporters),
        cmocka_unit_test(test_memory_exporter_fails_cleanly_without_memory),
        cmocka_unit_test(test_memory_exporter_accessors_are_thread_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
