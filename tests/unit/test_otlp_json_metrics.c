/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the OTLP/JSON metrics encoder against documents written by hand from the OTLP/JSON
 * rules (OTLP specification, "JSON Protobuf Encoding"; opentelemetry-proto v1.7.0): hex ids,
 * int64 and fixed64 as strings, enums as integers, lowerCamelCase keys. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "exporters/console/otlp_json.h"
#include "metric_fixture.h"
#include "sdk/common/alloc.h"

static char *encode(const otelc_resource_metrics *rm)
{
    struct otelc__buf b;
    otelc__buf_init(&b);
    assert_int_equal(otelc__otlp_json_encode_metrics(&b, rm), OTELC_OK);
    return b.data;
}

/* Every metric type, the edges of the fixture (a zero int value, a point without start time,
 * a histogram without sum or min/max, an empty negative side, an exemplar without span, a
 * metric without points) in one document. */
static void test_otlp_json_metrics_every_type(void **state)
{
    (void)state;
    char *doc = encode(mf_collection());
    assert_string_equal(doc, MF_JSON);
    otelc__free(doc);
}

/* OTLP/JSON: NaN and the infinities are the strings of the protobuf JSON mapping; int64
 * extremes are decimal strings; strings are escaped and repaired; a NULL points array is an
 * empty metric; sum, min and max that are set but zero are written. */
static void test_otlp_json_metrics_special_numbers(void **state)
{
    (void)state;
    const double bounds[] = {-INFINITY, 1e300};
    const uint64_t counts[] = {UINT64_MAX, 0, 1};
    const otelc_number_point dpts[] = {
        {.value = {.d = NAN}}, {.value = {.d = INFINITY}}, {.value = {.d = -INFINITY}}};
    const otelc_number_point ipts[] = {{.value = {.i = INT64_MIN}}};
    const otelc_histogram_point hpts[] = {{.count = UINT64_MAX,
                                           .has_sum = 1,
                                           .has_min_max = 1,
                                           .bounds = bounds,
                                           .bound_count = 2,
                                           .bucket_counts = counts}};
    const otelc_exp_histogram_point epts[] = {{.scale = -4,
                                               .zero_threshold = 1e-9,
                                               .positive = {.offset = INT32_MIN},
                                               .negative = {.offset = 7}}};
    const otelc_metric_data metrics[] = {
        {.name = "d\"\n\xff", .type = OTELC_METRIC_GAUGE, .point_count = 3, .points.number = dpts},
        {.name = "i",
         .type = OTELC_METRIC_SUM,
         .is_int = 1,
         .point_count = 1,
         .points.number = ipts},
        {.name = "h", .type = OTELC_METRIC_HISTOGRAM, .point_count = 1, .points.histogram = hpts},
        {.name = "e",
         .type = OTELC_METRIC_EXPONENTIAL_HISTOGRAM,
         .point_count = 1,
         .points.exp_histogram = epts},
        {.name = "null", .type = OTELC_METRIC_GAUGE, .point_count = 2},
    };
    const otelc_scope_metrics scope = {
        .scope = {.name = "s"}, .metrics = metrics, .metric_count = 5};
    const otelc_resource_metrics rm = {.scopes = &scope, .scope_count = 1};
    char *doc = encode(&rm);
    assert_string_equal(
        doc, "{\"resourceMetrics\":[{\"resource\":{},\"scopeMetrics\":[{\"scope\":{\"name\":\"s\"},"
             "\"metrics\":["
             "{\"name\":\"d\\\"\\n\xEF\xBF\xBD\",\"gauge\":{\"dataPoints\":["
             "{\"timeUnixNano\":\"0\",\"asDouble\":\"NaN\"},"
             "{\"timeUnixNano\":\"0\",\"asDouble\":\"Infinity\"},"
             "{\"timeUnixNano\":\"0\",\"asDouble\":\"-Infinity\"}]}},"
             "{\"name\":\"i\",\"sum\":{\"dataPoints\":[{\"timeUnixNano\":\"0\","
             "\"asInt\":\"-9223372036854775808\"}]}},"
             "{\"name\":\"h\",\"histogram\":{\"dataPoints\":[{\"timeUnixNano\":\"0\","
             "\"count\":\"18446744073709551615\",\"sum\":0,"
             "\"bucketCounts\":[\"18446744073709551615\",\"0\",\"1\"],"
             "\"explicitBounds\":[\"-Infinity\",1e+300],\"min\":0,\"max\":0}]}},"
             "{\"name\":\"e\",\"exponentialHistogram\":{\"dataPoints\":[{\"timeUnixNano\":\"0\","
             "\"count\":\"0\",\"scale\":-4,\"zeroCount\":\"0\","
             "\"positive\":{\"offset\":-2147483648},\"negative\":{\"offset\":7},"
             "\"zeroThreshold\":1e-09}]}},"
             "{\"name\":\"null\",\"gauge\":{}}]}]}]}");
    otelc__free(doc);
}

/* Bad arguments are refused; the document is appended to what the buffer holds. */
static void test_otlp_json_metrics_arguments(void **state)
{
    struct otelc__buf b;
    (void)state;
    otelc__buf_init(&b);
    assert_int_equal(otelc__otlp_json_encode_metrics(NULL, mf_collection()), OTELC_EINVAL);
    assert_int_equal(otelc__otlp_json_encode_metrics(&b, NULL), OTELC_EINVAL);
    assert_int_equal(b.len, 0);
    otelc__buf_append_str(&b, "x");
    assert_int_equal(otelc__otlp_json_encode_metrics(&b, mf_collection()), OTELC_OK);
    assert_string_equal(b.data, "x" MF_JSON);
    otelc__buf_free(&b);
}

/* Every allocation failing in turn gives OTELC_ENOMEM with the oom flag set, and no leak. */
static void test_otlp_json_metrics_fails_cleanly_without_memory(void **state)
{
    int failures = 0;
    (void)state;
    mf_collection();
    for (uint64_t fail_at = 1;; fail_at++) {
        struct otelc__buf out;
        otelc__buf_init(&out);
        tu_alloc_install(fail_at);
        int rc = otelc__otlp_json_encode_metrics(&out, mf_collection());
        int failed = tu_alloc_failed();
        if (failed) {
            assert_int_equal(rc, OTELC_ENOMEM);
            assert_int_equal(out.oom, 1);
            failures++;
        } else {
            assert_int_equal(rc, OTELC_OK);
            assert_string_equal(out.data, MF_JSON);
        }
        otelc__buf_free(&out);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (!failed)
            break;
    }
    assert_true(failures >= 1);
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
        cmocka_unit_test(test_otlp_json_metrics_every_type),
        cmocka_unit_test(test_otlp_json_metrics_special_numbers),
        cmocka_unit_test(test_otlp_json_metrics_arguments),
        cmocka_unit_test(test_otlp_json_metrics_fails_cleanly_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_group);
}
