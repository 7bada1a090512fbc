/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the in-memory metric exporter and of the deep copies of collections it keeps. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "exporters/console/otlp_json.h"
#include "metric_fixture.h"
#include "otelc/exporters.h"

/* The copy in OTLP/JSON: equal to the fixture's when nothing was lost. */
static void assert_json_of(const otelc_resource_metrics *rm, const char *want)
{
    struct otelc__buf b;
    otelc__buf_init(&b);
    assert_int_equal(otelc__otlp_json_encode_metrics(&b, rm), OTELC_OK);
    assert_string_equal(b.data, want);
    otelc__buf_free(&b);
}

/* A copy holds everything (it encodes to the same document) in its own memory, and keeps the
 * resource alive. */
static void test_memory_metric_exporter_copy_is_deep(void **state)
{
    (void)state;
    const otelc_resource_metrics *src = mf_collection();
    otelc_resource_metrics *copy = NULL;
    assert_int_equal(otelc_resource_metrics_copy(&copy, src), OTELC_OK);
    assert_json_of(copy, MF_JSON);
    const otelc_metric_data *a = &src->scopes[0].metrics[3], *b = &copy->scopes[0].metrics[3];
    assert_ptr_not_equal(a->name, b->name);
    assert_ptr_not_equal(a->points.histogram, b->points.histogram);
    assert_ptr_not_equal(a->points.histogram[0].bucket_counts,
                         b->points.histogram[0].bucket_counts);
    assert_ptr_not_equal(src->scopes[0].scope.attrs, copy->scopes[0].scope.attrs);
    assert_ptr_not_equal(src->scopes[0].metrics[0].points.number[0].exemplars[0].filtered_attrs,
                         copy->scopes[0].metrics[0].points.number[0].exemplars[0].filtered_attrs);
    /* The copy holds a reference: the collection's resource may go. */
    mf_free();
    assert_json_of(copy, MF_JSON);
    otelc_resource_metrics_free(copy);
    otelc_resource_metrics_free(NULL);

    otelc_resource_metrics empty = {.scope_count = 1};
    assert_int_equal(otelc_resource_metrics_copy(&copy, &empty), OTELC_EINVAL);
    assert_int_equal(otelc_resource_metrics_copy(NULL, mf_collection()), OTELC_EINVAL);
}

/* Exports are counted and the last collection is kept; lookups by name; reset forgets; forced
 * failures are returned and neither kept nor counted. */
static void test_memory_metric_exporter_keeps_last_collection(void **state)
{
    (void)state;
    otelc_metric_exporter *e = NULL;
    otelc_resource_metrics *rm = NULL;
    const otelc_metric_data none = {.name = "none", .type = OTELC_METRIC_GAUGE};
    const otelc_scope_metrics scope = {.scope = {.name = "s"}, .metrics = &none, .metric_count = 1};
    const otelc_resource_metrics small = {.scopes = &scope, .scope_count = 1};

    assert_int_equal(otelc_memory_metric_exporter_new(&e, OTELC_TEMPORALITY_PREFER_CUMULATIVE,
                                                      OTELC_AGGREGATION_DEFAULT),
                     OTELC_OK);
    assert_int_equal(otelc_memory_metric_exporter_export_count(e), 0);
    assert_int_equal(otelc_memory_metric_exporter_last(e, &rm), OTELC_ENOTFOUND);
    assert_null(rm);

    assert_int_equal(otelc_metric_exporter_export(e, &small, 0), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_export(e, mf_collection(), 0), OTELC_OK);
    assert_int_equal(otelc_memory_metric_exporter_export_count(e), 2);
    assert_int_equal(otelc_memory_metric_exporter_last(e, &rm), OTELC_OK);
    assert_json_of(rm, MF_JSON);
    const otelc_metric_data *req = otelc_resource_metrics_find(rm, "requests");
    assert_non_null(req);
    assert_int_equal(req->point_count, 2);
    assert_int_equal(req->points.number[0].value.i, 42);
    const otelc_metric_data *idle = otelc_resource_metrics_find(rm, "idle");
    assert_non_null(idle);
    assert_int_equal(idle->point_count, 0);
    assert_null(otelc_resource_metrics_find(rm, "none"));
    assert_null(otelc_resource_metrics_find(rm, NULL));
    assert_null(otelc_resource_metrics_find(NULL, "requests"));
    otelc_resource_metrics_free(rm);

    otelc_memory_metric_exporter_fail_next(e, 1, OTELC_ETRANSPORT);
    assert_int_equal(otelc_metric_exporter_export(e, &small, 0), OTELC_ETRANSPORT);
    assert_int_equal(otelc_metric_exporter_export(e, &small, 0), OTELC_OK);
    assert_int_equal(otelc_memory_metric_exporter_export_count(e), 3);
    assert_int_equal(otelc_memory_metric_exporter_last(e, &rm), OTELC_OK);
    assert_non_null(otelc_resource_metrics_find(rm, "none"));
    otelc_resource_metrics_free(rm);

    otelc_memory_metric_exporter_reset(e);
    assert_int_equal(otelc_memory_metric_exporter_export_count(e), 0);
    assert_int_equal(otelc_memory_metric_exporter_last(e, &rm), OTELC_ENOTFOUND);
    /* Exported data stays readable after shutdown. */
    assert_int_equal(otelc_metric_exporter_export(e, &small, 0), OTELC_OK);
    assert_int_equal(otelc_metric_exporter_shutdown(e, 0), OTELC_OK);
    assert_int_equal(otelc_memory_metric_exporter_export_count(e), 1);
    otelc_metric_exporter_free(e);
}

/* The temporality and histogram aggregation a test asked for are what readers are told. */
static void test_memory_metric_exporter_temporality_and_aggregation(void **state)
{
    (void)state;
    otelc_metric_exporter *e = NULL, *bad = NULL;
    assert_int_equal(otelc_memory_metric_exporter_new(&e, OTELC_TEMPORALITY_PREFER_DELTA,
                                                      OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM),
                     OTELC_OK);
    assert_int_equal(otelc_metric_exporter_temporality(e, OTELC_INSTRUMENT_COUNTER),
                     OTELC_TEMPORALITY_DELTA);
    assert_int_equal(otelc_metric_exporter_temporality(e, OTELC_INSTRUMENT_UP_DOWN_COUNTER),
                     OTELC_TEMPORALITY_CUMULATIVE);
    assert_int_equal(otelc_metric_exporter_aggregation(e, OTELC_INSTRUMENT_HISTOGRAM),
                     OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM);
    assert_int_equal(otelc_metric_exporter_aggregation(e, OTELC_INSTRUMENT_COUNTER),
                     OTELC_AGGREGATION_DEFAULT);
    otelc_metric_exporter_free(e);

    assert_int_equal(otelc_memory_metric_exporter_new(NULL, 0, 0), OTELC_EINVAL);
    assert_int_equal(otelc_memory_metric_exporter_new(&bad, (otelc_temporality_preference)3, 0),
                     OTELC_EINVAL);
    assert_int_equal(otelc_memory_metric_exporter_new(&bad, 0, (otelc_aggregation)9), OTELC_EINVAL);
    assert_null(bad);
    /* Accessors on anything else are harmless. */
    assert_int_equal(otelc_memory_metric_exporter_export_count(NULL), 0);
    otelc_memory_metric_exporter_reset(NULL);
    otelc_memory_metric_exporter_fail_next(NULL, 1, OTELC_EIO);
    otelc_resource_metrics *rm = NULL;
    assert_int_equal(otelc_memory_metric_exporter_last(NULL, &rm), OTELC_EINVAL);
}

/* Every allocation failure in new(), export() or last() is OTELC_ENOMEM and leaks nothing. */
static void test_memory_metric_exporter_fails_cleanly_without_memory(void **state)
{
    (void)state;
    mf_collection();
    for (uint64_t fail_at = 1;; fail_at++) {
        otelc_metric_exporter *e = NULL;
        otelc_resource_metrics *rm = NULL;
        tu_alloc_install(fail_at);
        int rc = otelc_memory_metric_exporter_new(&e, OTELC_TEMPORALITY_PREFER_CUMULATIVE,
                                                  OTELC_AGGREGATION_DEFAULT);
        if (rc == OTELC_OK)
            rc = otelc_metric_exporter_export(e, mf_collection(), 0);
        if (rc == OTELC_OK)
            rc = otelc_memory_metric_exporter_last(e, &rm);
        int failed = tu_alloc_failed();
        assert_int_equal(rc, failed ? OTELC_ENOMEM : OTELC_OK);
        otelc_metric_exporter_free(e);
        if (!failed) {
            tu_alloc_uninstall();
            assert_json_of(rm, MF_JSON);
            otelc_resource_metrics_free(rm);
            break;
        }
        otelc_resource_metrics_free(rm);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
    }
}

static int teardown_group(void **state)
{
    (void)state;
    mf_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_metric_exporter_copy_is_deep),
        cmocka_unit_test(test_memory_metric_exporter_keeps_last_collection),
        cmocka_unit_test(test_memory_metric_exporter_temporality_and_aggregation),
        cmocka_unit_test(test_memory_metric_exporter_fails_cleanly_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_group);
}
