/* SPDX-License-Identifier: Apache-2.0 */
/* Batch span processor (trace SDK specification, "Batching processor"): triggers, flush,
 * shutdown, deadlines, queue-full drops, settings. */
#include "testutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A test exporter: counts spans, can block until released, can fail. */
struct texp {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t spans, calls;
    int block;     /* exports wait while set */
    int blocked;   /* an export is waiting now */
    int fail;      /* exports return OTELC_EIO */
    int destroyed;
    size_t max_batch;
};

static struct texp g_exp;

static int texp_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    (void)spans;
    (void)deadline;
    struct texp *e = ud;
    pthread_mutex_lock(&e->mu);
    e->blocked = 1;
    pthread_cond_broadcast(&e->cv);
    while (e->block)
        pthread_cond_wait(&e->cv, &e->mu);
    e->blocked = 0;
    e->calls++;
    if (n > e->max_batch)
        e->max_batch = n;
    int rc = e->fail ? OTELC_EIO : OTELC_OK;
    if (!e->fail)
        e->spans += n;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    return rc;
}

static void texp_destroy(void *ud)
{
    struct texp *e = ud;
    pthread_mutex_lock(&e->mu);
    e->destroyed = 1;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
}

static const otelc_span_exporter_methods texp_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = texp_export,
    .destroy = texp_destroy,
};

static int reset_exp(void **state)
{
    (void)state;
    memset(&g_exp, 0, sizeof g_exp);
    pthread_mutex_init(&g_exp.mu, NULL);
    pthread_cond_init(&g_exp.cv, NULL);
    static const char *vars[] = {"OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                                 "OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_EXPORT_TIMEOUT"};
    for (size_t i = 0; i < 4; i++)
        unsetenv(vars[i]);
    return 0;
}

static uint64_t exp_spans(void)
{
    pthread_mutex_lock(&g_exp.mu);
    uint64_t n = g_exp.spans;
    pthread_mutex_unlock(&g_exp.mu);
    return n;
}

static void set_block(int on)
{
    pthread_mutex_lock(&g_exp.mu);
    g_exp.block = on;
    pthread_cond_broadcast(&g_exp.cv);
    pthread_mutex_unlock(&g_exp.mu);
}

/* Waits (bounded, 10 s) until an export is blocked inside the exporter. */
static void wait_blocked(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    pthread_mutex_lock(&g_exp.mu);
    while (!g_exp.blocked)
        if (pthread_cond_timedwait(&g_exp.cv, &g_exp.mu, &ts) != 0)
            break;
    int b = g_exp.blocked;
    pthread_mutex_unlock(&g_exp.mu);
    assert_true(b);
}

static otelc_tracer_provider *make(uint32_t queue, uint32_t batch, uint32_t delay_ms,
                                   uint32_t timeout_ms, otelc_tracer **t)
{
    otelc_span_exporter *e = NULL;
    assert_int_equal(otelc_span_exporter_new(&e, &texp_methods, &g_exp), OTELC_OK);
    otelc_batch_span_processor_options o;
    otelc_batch_span_processor_options_init(&o);
    o.max_queue_size = queue;
    o.max_export_batch_size = batch;
    o.schedule_delay_ms = delay_ms;
    o.export_timeout_ms = timeout_ms;
    otelc_span_processor *p = NULL;
    assert_int_equal(otelc_batch_span_processor_new(&p, e, &o), OTELC_OK);
    otelc_tracer_provider_options po;
    otelc_tracer_provider_options_init(&po);
    po.processors = &p;
    po.processor_count = 1;
    otelc_tracer_provider *tp = NULL;
    assert_int_equal(otelc_tracer_provider_new(&tp, &po), OTELC_OK);
    *t = otelc_tracer_provider_get_tracer(tp, "batch", NULL, NULL, NULL, 0);
    return tp;
}

static otelc_span_processor_stats stats(otelc_tracer_provider *tp)
{
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_tracer_provider_get_stats(tp, &st);
    return st;
}

static void end_n(otelc_tracer *t, int n)
{
    for (int i = 0; i < n; i++) {
        otelc_span *s = otelc_span_start(t, "s", NULL);
        otelc_span_set_attr_int(s, "i", i);
        otelc_span_end(s);
    }
}

/* Polls (bounded, 10 s) until the exporter has seen n spans. */
static int eventually_exported(uint64_t n)
{
    for (int i = 0; i < 2000; i++) {
        if (exp_spans() >= n)
            return 1;
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* Spec: a full batch is exported without waiting for the schedule delay. */
static void test_batch_full_batch_triggers_export(void **state)
{
    (void)state;
    otelc_tracer *t;
    otelc_tracer_provider *tp = make(64, 10, 3600 * 1000, 30000, &t);
    end_n(t, 10);
    assert_true(eventually_exported(10));
    assert_int_equal(g_exp.max_batch, 10);
    otelc_tracer_provider_free(tp);
}

/* Spec: when the schedule delay passes, whatever is queued is exported. */
static void test_batch_schedule_delay_exports_partial_batch(void **state)
{
    (void)state;
    otelc_tracer *t;
    otelc_tracer_provider *tp = make(64, 32, 20, 30000, &t);
    end_n(t, 3);
    assert_true(eventually_exported(3));
    otelc_tracer_provider_free(tp);
}

/* Spec: ForceFlush exports every span ended before the call, in batches of at most the
 * maximum batch size. */
static void test_batch_force_flush_exports_all_ended(void **state)
{
    (void)state;
    otelc_tracer *t;
    otelc_tracer_provider *tp = make(1024, 50, 3600 * 1000, 30000, &t);
    end_n(t, 777);
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 10000), OTELC_OK);
    assert_int_equal(exp_spans(), 777);
    assert_true(g_exp.max_batch <= 50);
    otelc_span_processor_stats st = stats(tp);
    assert_int_equal(st.ended, 777);
    assert_int_equal(st.exported, 777);
    assert_int_equal(st.queued, 0);
    otelc_tracer_provider_free(tp);
}

/* Spec: Shutdown flushes, then the processor stops; it happens once. */
static void test_batch_shutdown_flushes_once(void **state)
{
    (void)state;
    otelc_tracer *t;
    otelc_tracer_provider *tp = make(1024, 100, 3600 * 1000, 30000, &t);
    end_n(t, 250);
    assert_int_equal(otelc_tracer_provider_shutdown(tp, 10000), OTELC_OK);
    assert_int_equal(exp_spans(), 250);
    assert_int_equal(otelc_tracer_provider_shutdown(tp, 10000), OTELC_ESHUTDOWN);
    end_n(t, 5); /* after shutdown: not recorded, not exported */
    assert_int_equal(exp_spans(), 250);
    otelc_tracer_provider_free(tp);
    assert_true(g_exp.destroyed);
}

/* Deadlines: flush and shutdown return a timeout instead of hanging on a stuck exporter,
 * and freeing the processor then neither blocks nor frees memory under the worker. */
static void test_batch_deadlines_with_stuck_exporter(void **state)
{
    (void)state;
    otelc_tracer *t;
    otelc_tracer_provider *tp = make(64, 4, 3600 * 1000, 30000, &t);
    set_block(1);
    end_n(t, 4);
    wait_blocked();
    end_n(t, 3);
    uint64_t t0 = otelc_monotonic_ns();
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 100), OTELC_ETIMEDOUT);
    assert_int_equal(otelc_tracer_provider_shutdown(tp, 100), OTELC_ETIMEDOUT);
    /* Bounded, not a timing assertion: 10 s would mean the deadlines were ignored. */
    assert_true(otelc_monotonic_ns() - t0 < 10000000000ull);
    otelc_tracer_provider_free(tp); /* returns while the export is still stuck */
    set_block(0);
    /* The abandoned worker finishes its export and frees everything itself. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 10;
    pthread_mutex_lock(&g_exp.mu);
    while (!g_exp.destroyed)
        if (pthread_cond_timedwait(&g_exp.cv, &g_exp.mu, &ts) != 0)
            break;
    int destroyed = g_exp.destroyed;
    pthread_mutex_unlock(&g_exp.mu);
    assert_true(destroyed);
    struct timespec settle = {0, 50000000};
    nanosleep(&settle, NULL); /* let the worker return from free and exit */
}

/* A full queue drops and counts; the invariant ended = exported + dropped + failed + queued
 * holds; one throttled log line, not one per span. */
static void test_batch_queue_full_drops_and_counts(void **state)
{
    (void)state;
    otelc_tracer *t;
    otelc_tracer_provider *tp = make(8, 4, 3600 * 1000, 30000, &t);
    tu_log_capture(OTELC_LOG_WARN);
    set_block(1);
    end_n(t, 4);
    wait_blocked(); /* 4 spans are inside the exporter; the queue (8) is empty */
    end_n(t, 100);
    otelc_span_processor_stats st = stats(tp);
    assert_int_equal(st.ended, 104);
    assert_int_equal(st.dropped, 92);
    assert_int_equal(st.queued, 12); /* 8 waiting + 4 being exported */
    assert_int_equal(st.ended, st.exported + st.dropped + st.failed + st.queued);
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("queue full"));
    tu_log_release();
    set_block(0);
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 10000), OTELC_OK);
    st = stats(tp);
    assert_int_equal(st.exported, 12);
    assert_int_equal(st.queued, 0);
    assert_int_equal(st.ended, st.exported + st.dropped + st.failed + st.queued);
    otelc_tracer_provider_free(tp);
}

/* Export failures are counted as failed, not exported. */
static void test_batch_export_failure_counted(void **state)
{
    (void)state;
    otelc_tracer *t;
    otelc_tracer_provider *tp = make(64, 8, 3600 * 1000, 30000, &t);
    g_exp.fail = 1;
    tu_log_capture(OTELC_LOG_ERROR);
    end_n(t, 20);
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 10000), OTELC_OK);
    tu_log_release();
    otelc_span_processor_stats st = stats(tp);
    assert_int_equal(st.failed, 20);
    assert_int_equal(st.exported, 0);
    assert_int_equal(st.ended, st.exported + st.dropped + st.failed + st.queued);
    otelc_tracer_provider_free(tp);
}

/* Only sampled spans are queued: RECORD_ONLY spans reach on_end but are not exported. */
static void record_only(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)ud;
    (void)p;
    r->decision = OTELC_SAMPLING_RECORD_ONLY;
}

static const otelc_sampler_methods ro_methods = {.version = OTELC_SAMPLER_METHODS_VERSION,
                                                 .should_sample = record_only};

static void test_batch_only_sampled_spans_queued(void **state)
{
    (void)state;
    otelc_span_exporter *e = NULL;
    assert_int_equal(otelc_span_exporter_new(&e, &texp_methods, &g_exp), OTELC_OK);
    otelc_span_processor *p = NULL;
    assert_int_equal(otelc_batch_span_processor_new(&p, e, NULL), OTELC_OK);
    otelc_sampler *ro = NULL;
    assert_int_equal(otelc_sampler_new(&ro, &ro_methods, NULL, "RecordOnly"), OTELC_OK);
    otelc_tracer_provider_options po;
    otelc_tracer_provider_options_init(&po);
    po.processors = &p;
    po.processor_count = 1;
    po.sampler = ro;
    otelc_tracer_provider *tp = NULL;
    assert_int_equal(otelc_tracer_provider_new(&tp, &po), OTELC_OK);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "x", NULL, NULL, NULL, 0);
    end_n(t, 10);
    assert_int_equal(otelc_tracer_provider_force_flush(tp, 10000), OTELC_OK);
    assert_int_equal(exp_spans(), 0);
    assert_int_equal(stats(tp).ended, 0);
    otelc_tracer_provider_free(tp);
}

/* Settings: defaults from the specification, bad values refused in code, and in the
 * environment warned about and replaced by the default; the batch never exceeds the queue. */
static void test_batch_settings_defaults_and_bad_values(void **state)
{
    (void)state;
    otelc_batch_span_processor_options o;
    otelc_batch_span_processor_options_init(&o);
    assert_int_equal(o.max_queue_size, 2048);
    assert_int_equal(o.max_export_batch_size, 512);
    assert_int_equal(o.schedule_delay_ms, 5000);
    assert_int_equal(o.export_timeout_ms, 30000);

    otelc_span_exporter *e = NULL;
    assert_int_equal(otelc_span_exporter_new(&e, &texp_methods, &g_exp), OTELC_OK);
    otelc_span_processor *p = (otelc_span_processor *)0x1;
    o.max_export_batch_size = 4096; /* more than the queue */
    assert_int_equal(otelc_batch_span_processor_new(&p, e, &o), OTELC_EINVAL);
    o.max_export_batch_size = 0;
    assert_int_equal(otelc_batch_span_processor_new(&p, e, &o), OTELC_EINVAL);
    assert_ptr_equal(p, (otelc_span_processor *)0x1);
    assert_int_equal(otelc_batch_span_processor_new(&p, NULL, NULL), OTELC_EINVAL);
    otelc_span_exporter_free(e); /* not taken over on failure */

    setenv("OTEL_BSP_MAX_QUEUE_SIZE", "100", 1);
    setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "many", 1);
    setenv("OTEL_BSP_SCHEDULE_DELAY", "-5", 1);
    setenv("OTEL_BSP_EXPORT_TIMEOUT", "250", 1);
    tu_log_capture(OTELC_LOG_WARN);
    otelc_batch_span_processor_options_from_env(&o);
    assert_int_equal(o.max_queue_size, 100);
    assert_int_equal(o.export_timeout_ms, 250);
    assert_int_equal(o.schedule_delay_ms, 5000);
    assert_true(tu_log_contains("OTEL_BSP_SCHEDULE_DELAY"));
    /* "many" falls back to 512, which is more than the queue (100): clamped with a warning. */
    assert_true(tu_log_contains("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"));
    assert_int_equal(o.max_export_batch_size, 100);
    tu_log_release();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_batch_full_batch_triggers_export, reset_exp),
        cmocka_unit_test_setup(test_batch_schedule_delay_exports_partial_batch, reset_exp),
        cmocka_unit_test_setup(test_batch_force_flush_exports_all_ended, reset_exp),
        cmocka_unit_test_setup(test_batch_shutdown_flushes_once, reset_exp),
        cmocka_unit_test_setup(test_batch_deadlines_with_stuck_exporter, reset_exp),
        cmocka_unit_test_setup(test_batch_queue_full_drops_and_counts, reset_exp),
        cmocka_unit_test_setup(test_batch_export_failure_counted, reset_exp),
        cmocka_unit_test_setup(test_batch_only_sampled_spans_queued, reset_exp),
        cmocka_unit_test_setup(test_batch_settings_defaults_and_bad_values, reset_exp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
