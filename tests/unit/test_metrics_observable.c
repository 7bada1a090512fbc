/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of observable instruments: callbacks for one and for several instruments, series
 * reported only when observed, removal, and removal waiting for a running callback. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "testutil.h"

#include "metrics_testutil.h"

static struct mt_snap snap;
static otelc_instrument *g_a, *g_b, *g_other;
static int g_round;

static void multi_cb(otelc_observer *obs, void *ud)
{
    (void)ud;
    otelc_attr k = otelc_attr_int("round", g_round);
    otelc_observe_f64(obs, g_a, 1.5, &k, 1);
    otelc_observe_i64(obs, g_b, -3, NULL, 0);
    otelc_observe_i64(obs, g_other, 9, NULL, 0); /* not registered: ignored */
}

static void test_metrics_observable_multi(void **state)
{
    /* Spec: one callback may observe several instruments; attribute sets not observed in a
     * collection are not reported. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    g_a = mt_instrument(mp, OTELC_INSTRUMENT_OBSERVABLE_GAUGE, "a", 0);
    g_b = mt_instrument(mp, OTELC_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER, "b", 1);
    g_other = mt_instrument(mp, OTELC_INSTRUMENT_OBSERVABLE_GAUGE, "other", 1);
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "test", NULL, NULL, NULL, 0);
    otelc_instrument *both[] = {g_a, g_b};
    otelc_callback_registration *reg = NULL;
    assert_int_equal(otelc_meter_register_callback(m, both, 2, multi_cb, NULL, &reg), OTELC_OK);
    tu_log_capture(OTELC_LOG_WARN);
    g_round = 1;
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_true(tu_log_contains("not registered"));
    tu_log_release();
    assert_true(mt_point(&snap, "a", "round=1")->d == 1.5);
    assert_int_equal(mt_point(&snap, "b", "")->i, -3);
    assert_false(mt_metric(&snap, "b")->monotonic);
    assert_null(mt_metric(&snap, "other"));
    g_round = 2;
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(mt_metric(&snap, "a")->np, 1);
    assert_non_null(mt_point(&snap, "a", "round=2"));
    otelc_callback_unregister(reg);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(snap.n, 0);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

static void test_metrics_observable_bad_registration(void **state)
{
    /* Callbacks belong to observable instruments only. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    otelc_instrument *c = mt_instrument(mp, OTELC_INSTRUMENT_COUNTER, "c", 1);
    assert_int_equal(otelc_instrument_add_callback(c, multi_cb, NULL, NULL), OTELC_EINVAL);
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "test", NULL, NULL, NULL, 0);
    assert_int_equal(otelc_meter_register_callback(m, &c, 1, multi_cb, NULL, NULL),
                     OTELC_EINVAL);
    assert_int_equal(otelc_instrument_bind(mt_instrument(mp, OTELC_INSTRUMENT_OBSERVABLE_GAUGE,
                                                         "g", 1),
                                           NULL, 0, &(otelc_bound_instrument *){NULL}),
                     OTELC_EINVAL);
    otelc_callback_unregister(NULL);
    otelc_meter_provider_free(mp);
}

static _Atomic int g_in_cb, g_cb_done;

static void slow_cb(otelc_observer *obs, void *ud)
{
    (void)ud;
    atomic_store(&g_in_cb, 1);
    struct timespec ts = {0, 100000000};
    nanosleep(&ts, NULL);
    otelc_observe_i64(obs, NULL, 1, NULL, 0);
    atomic_store(&g_cb_done, 1);
}

struct collect_job {
    otelc_metric_reader *r;
    struct mt_snap snap;
};

static void *collector(void *arg)
{
    struct collect_job *j = arg;
    mt_collect(j->r, &j->snap);
    return NULL;
}

static void test_metrics_observable_unregister_waits(void **state)
{
    /* Spec: once unregistration returns, the callback is not running and never runs again. */
    (void)state;
    otelc_metric_reader *r;
    otelc_meter_provider *mp = mt_provider(&r, OTELC_TEMPORALITY_PREFER_CUMULATIVE, NULL, 0);
    otelc_instrument *g = mt_instrument(mp, OTELC_INSTRUMENT_OBSERVABLE_GAUGE, "g", 1);
    otelc_callback_registration *reg = NULL;
    assert_int_equal(otelc_instrument_add_callback(g, slow_cb, NULL, &reg), OTELC_OK);
    static struct collect_job job;
    job.r = r;
    pthread_t t;
    pthread_create(&t, NULL, collector, &job);
    while (!atomic_load(&g_in_cb)) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    otelc_callback_unregister(reg);
    assert_int_equal(atomic_load(&g_cb_done), 1);
    pthread_join(t, NULL);
    assert_int_equal(mt_point(&job.snap, "g", "")->i, 1);
    mt_snap_free(&job.snap);
    atomic_store(&g_cb_done, 0);
    assert_int_equal(mt_collect(r, &snap), OTELC_OK);
    assert_int_equal(atomic_load(&g_cb_done), 0);
    mt_snap_free(&snap);
    otelc_meter_provider_free(mp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_observable_multi),
        cmocka_unit_test(test_metrics_observable_bad_registration),
        cmocka_unit_test(test_metrics_observable_unregister_waits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
