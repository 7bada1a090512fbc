/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of resources: the default resource from the environment, Merge and its schema URL
 * rules, reference counting and allocation failures. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdk/common/resource_internal.h"

static int setup(void **state)
{
    (void)state;
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
    unsetenv("OTEL_SERVICE_NAME");
    tu_log_capture(OTELC_LOG_WARN);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_log_release();
    tu_alloc_uninstall();
    unsetenv("OTEL_RESOURCE_ATTRIBUTES");
    unsetenv("OTEL_SERVICE_NAME");
    return 0;
}

/* Asserts that r has key as a string attribute equal to want. */
static void assert_str_attr(const otelc_resource *r, const char *key, const char *want)
{
    const otelc_value *v = otelc_resource_get(r, key);
    assert_non_null(v);
    assert_int_equal(v->type, OTELC_VALUE_STRING);
    assert_int_equal(v->len, strlen(want));
    assert_memory_equal(v->u.s, want, v->len);
}

static otelc_resource *default_resource(void)
{
    otelc_resource *r = NULL;
    assert_int_equal(otelc_resource_default(&r), OTELC_OK);
    assert_non_null(r);
    return r;
}

/* Resource SDK spec: the SDK provides telemetry.sdk.* and service.name defaults. */
static void test_resource_default_has_sdk_attributes(void **state)
{
    (void)state;
    otelc_resource *r = default_resource();
    assert_str_attr(r, "telemetry.sdk.name", "otelc");
    assert_str_attr(r, "telemetry.sdk.language", "c");
    assert_str_attr(r, "telemetry.sdk.version", OTELC_VERSION_STRING);
    assert_int_equal(otelc_resource_get(r, "process.pid")->u.i, (int64_t)getpid());
    assert_int_equal(otelc_resource_attr_count(r), 5);
    assert_null(otelc_resource_schema_url(r));
    assert_int_equal(tu_log_count(), 0);
    otelc_resource_free(r);
}

/* service.name defaults to unknown_service:<executable name>. */
static void test_resource_default_service_name_from_executable(void **state)
{
    (void)state;
    otelc_resource *r = default_resource();
    assert_str_attr(r, "service.name", "unknown_service:test_resource");
    otelc_resource_free(r);
}

/* OTEL_RESOURCE_ATTRIBUTES: keys and values are percent-decoded, whitespace around them
 * trimmed, empty members skipped. */
static void test_resource_default_env_attributes_percent_decoded(void **state)
{
    (void)state;
    setenv("OTEL_RESOURCE_ATTRIBUTES",
           " deployment.environment = prod%20eu ,, k%3Dx=a%2Cb,empty=,host.name=h1", 1);
    otelc_resource *r = default_resource();
    assert_str_attr(r, "deployment.environment", "prod eu");
    assert_str_attr(r, "k=x", "a,b");
    assert_str_attr(r, "empty", "");
    assert_str_attr(r, "host.name", "h1");
    assert_str_attr(r, "service.name", "unknown_service:test_resource");
    assert_int_equal(otelc_resource_attr_count(r), 9);
    assert_int_equal(tu_log_count(), 0);
    otelc_resource_free(r);
}

/* A decoding error discards the whole variable, with one warning that does not show it. */
static void test_resource_default_bad_escape_discards_whole_variable(void **state)
{
    (void)state;
    setenv("OTEL_RESOURCE_ATTRIBUTES", "token=s3cr3t-value,bad=%zz,late=1", 1);
    otelc_resource *r = default_resource();
    assert_null(otelc_resource_get(r, "token"));
    assert_null(otelc_resource_get(r, "bad"));
    assert_null(otelc_resource_get(r, "late"));
    assert_int_equal(otelc_resource_attr_count(r), 5);
    assert_int_equal(tu_log_count(), 1);
    assert_true(tu_log_contains("OTEL_RESOURCE_ATTRIBUTES"));
    assert_false(tu_log_contains("s3cr3t"));
    assert_false(tu_log_contains("%zz"));
    otelc_resource_free(r);
}

/* A truncated escape, a member without '=' and a "%00" in a key are errors too. */
static void test_resource_default_syntax_errors_discard_whole_variable(void **state)
{
    (void)state;
    static const char *const bad[] = {"a=1,b=%4", "a=1,novalue", "a=1,=v", "k%00x=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tu_log_clear();
        setenv("OTEL_RESOURCE_ATTRIBUTES", bad[i], 1);
        otelc_resource *r = default_resource();
        assert_null(otelc_resource_get(r, "a"));
        assert_int_equal(otelc_resource_attr_count(r), 5);
        assert_int_equal(tu_log_count(), 1);
        assert_true(tu_log_contains("OTEL_RESOURCE_ATTRIBUTES"));
        otelc_resource_free(r);
    }
}

/* OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES. */
static void test_resource_default_service_name_env_wins(void **state)
{
    (void)state;
    setenv("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs,team=core", 1);
    otelc_resource *r = default_resource();
    assert_str_attr(r, "service.name", "from-attrs");
    otelc_resource_free(r);

    setenv("OTEL_SERVICE_NAME", "from-env", 1);
    r = default_resource();
    assert_str_attr(r, "service.name", "from-env");
    assert_str_attr(r, "team", "core");
    assert_int_equal(otelc_resource_attr_count(r), 6);
    otelc_resource_free(r);
}

/* An empty OTEL_SERVICE_NAME counts as unset. */
static void test_resource_default_empty_service_name_is_unset(void **state)
{
    (void)state;
    setenv("OTEL_SERVICE_NAME", "", 1);
    otelc_resource *r = default_resource();
    assert_str_attr(r, "service.name", "unknown_service:test_resource");
    otelc_resource_free(r);
}

/* Merge: the updating resource's attributes win, so code wins over the environment. */
static void test_resource_merge_code_wins_over_env(void **state)
{
    (void)state;
    setenv("OTEL_RESOURCE_ATTRIBUTES", "service.name=envsvc,region=eu", 1);
    otelc_resource *def = default_resource();
    otelc_attr a[] = {otelc_attr_str("service.name", "codesvc"), otelc_attr_int("shard", 7)};
    otelc_resource *code = NULL;
    assert_int_equal(otelc_resource_new(&code, a, 2, NULL), OTELC_OK);
    otelc_resource *m = NULL;
    assert_int_equal(otelc_resource_merge(&m, def, code), OTELC_OK);
    assert_str_attr(m, "service.name", "codesvc");
    assert_str_attr(m, "region", "eu");
    assert_str_attr(m, "telemetry.sdk.name", "otelc");
    const otelc_value *shard = otelc_resource_get(m, "shard");
    assert_non_null(shard);
    assert_int_equal(shard->type, OTELC_VALUE_INT);
    assert_int_equal(shard->u.i, 7);
    assert_int_equal(otelc_resource_attr_count(m), 7);
    /* The inputs are unchanged. */
    assert_str_attr(def, "service.name", "envsvc");
    otelc_resource_free(m);
    otelc_resource_free(code);
    otelc_resource_free(def);
}

static otelc_resource *with_schema(const char *url)
{
    otelc_attr a = otelc_attr_str("k", "v");
    otelc_resource *r = NULL;
    assert_int_equal(otelc_resource_new(&r, &a, 1, url), OTELC_OK);
    return r;
}

/* Merge schema URL rules: the one set wins; equal ones stay; different ones give none and a
 * warning; an empty URL is no URL. */
static void test_resource_merge_schema_url_rules(void **state)
{
    (void)state;
    static const struct {
        const char *old, *updating, *want;
        int warns;
    } cases[] = {
        {NULL, NULL, NULL, 0},
        {NULL, "https://s/1.0", "https://s/1.0", 0},
        {"https://s/1.0", NULL, "https://s/1.0", 0},
        {"", "https://s/1.0", "https://s/1.0", 0},
        {"https://s/1.0", "https://s/1.0", "https://s/1.0", 0},
        {"https://s/1.0", "https://s/2.0", NULL, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_log_clear();
        otelc_resource *a = with_schema(cases[i].old);
        otelc_resource *b = with_schema(cases[i].updating);
        otelc_resource *m = NULL;
        assert_int_equal(otelc_resource_merge(&m, a, b), OTELC_OK);
        if (cases[i].want)
            assert_string_equal(otelc_resource_schema_url(m), cases[i].want);
        else
            assert_null(otelc_resource_schema_url(m));
        assert_int_equal(tu_log_count(), cases[i].warns);
        otelc_resource_free(m);
        otelc_resource_free(a);
        otelc_resource_free(b);
    }
}

/* Merge accepts NULL for either side (the empty resource). */
static void test_resource_merge_null_inputs(void **state)
{
    (void)state;
    otelc_resource *a = with_schema("https://s/1.0");
    otelc_resource *m = NULL;
    assert_int_equal(otelc_resource_merge(&m, NULL, a), OTELC_OK);
    assert_str_attr(m, "k", "v");
    assert_string_equal(otelc_resource_schema_url(m), "https://s/1.0");
    otelc_resource_free(m);
    assert_int_equal(otelc_resource_merge(&m, NULL, NULL), OTELC_OK);
    assert_int_equal(otelc_resource_attr_count(m), 0);
    otelc_resource_free(m);
    assert_int_equal(otelc_resource_merge(NULL, a, a), OTELC_EINVAL);
    otelc_resource_free(a);
}

/* otelc_resource_new: a later duplicate wins; empty keys and NONE values are skipped. */
static void test_resource_new_duplicates_and_skips(void **state)
{
    (void)state;
    otelc_attr a[4];
    a[0] = otelc_attr_str("k", "first");
    a[1] = otelc_attr_str("", "empty key");
    a[2].key = "none";
    memset(&a[2].value, 0, sizeof a[2].value);
    a[3] = otelc_attr_str("k", "second");
    otelc_resource *r = NULL;
    assert_int_equal(otelc_resource_new(&r, a, 4, ""), OTELC_OK);
    assert_int_equal(otelc_resource_attr_count(r), 1);
    assert_str_attr(r, "k", "second");
    assert_string_equal(otelc_resource_attr_at(r, 0)->key, "k");
    assert_null(otelc_resource_attr_at(r, 1));
    assert_null(otelc_resource_schema_url(r));
    otelc_resource_free(r);

    assert_int_equal(otelc_resource_new(NULL, a, 1, NULL), OTELC_EINVAL);
    r = NULL;
    assert_int_equal(otelc_resource_new(&r, NULL, 1, NULL), OTELC_EINVAL);
    assert_null(r);
    assert_int_equal(otelc_resource_new(&r, NULL, 0, NULL), OTELC_OK);
    assert_int_equal(otelc_resource_attr_count(r), 0);
    otelc_resource_free(r);
    assert_int_equal(otelc_resource_attr_count(NULL), 0);
    assert_null(otelc_resource_get(NULL, "k"));
    otelc_resource_free(NULL);
}

/* The last reference frees the resource; every earlier one leaves it readable. */
static void test_resource_ref_counting(void **state)
{
    (void)state;
    tu_alloc_install(0);
    otelc_resource *r = default_resource();
    otelc_resource *r2 = otelc__resource_ref(r);
    assert_ptr_equal(r, r2);
    otelc_resource_free(r);
    assert_str_attr(r2, "telemetry.sdk.name", "otelc");
    assert_true(tu_alloc_live() > 0);
    otelc_resource_free(r2);
    assert_int_equal(tu_alloc_live(), 0);
    assert_null(otelc__resource_ref(NULL));
}

/* Every allocation of otelc_resource_default failing in turn gives ENOMEM and leaks nothing. */
static void test_resource_default_alloc_failures(void **state)
{
    (void)state;
    setenv("OTEL_RESOURCE_ATTRIBUTES", "a=1,b=%41,c=3", 1);
    setenv("OTEL_SERVICE_NAME", "svc", 1);
    tu_alloc_install(0);
    otelc_resource *r = default_resource();
    otelc_resource_free(r);
    uint64_t calls = tu_alloc_calls();
    assert_true(calls >= 2);
    for (uint64_t i = 1; i <= calls; i++) {
        tu_alloc_install(i);
        otelc_resource *out = (otelc_resource *)&out;
        assert_int_equal(otelc_resource_default(&out), OTELC_ENOMEM);
        assert_true(tu_alloc_failed());
        assert_ptr_equal(out, (otelc_resource *)&out);
        assert_int_equal(tu_alloc_live(), 0);
    }
}

/* Every allocation of otelc_resource_merge failing in turn gives ENOMEM and leaks nothing. */
static void test_resource_merge_alloc_failures(void **state)
{
    (void)state;
    otelc_resource *a = with_schema("https://s/1.0");
    otelc_attr attrs[] = {otelc_attr_str("x", "1"), otelc_attr_double("y", 2.5)};
    otelc_resource *b = NULL;
    assert_int_equal(otelc_resource_new(&b, attrs, 2, "https://s/1.0"), OTELC_OK);
    tu_alloc_install(0);
    otelc_resource *m = NULL;
    assert_int_equal(otelc_resource_merge(&m, a, b), OTELC_OK);
    otelc_resource_free(m);
    uint64_t calls = tu_alloc_calls();
    for (uint64_t i = 1; i <= calls; i++) {
        tu_alloc_install(i);
        assert_int_equal(otelc_resource_merge(&m, a, b), OTELC_ENOMEM);
        assert_int_equal(tu_alloc_live(), 0);
    }
    tu_alloc_uninstall();
    otelc_resource_free(a);
    otelc_resource_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resource_default_has_sdk_attributes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resource_default_service_name_from_executable,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_default_env_attributes_percent_decoded,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_default_bad_escape_discards_whole_variable,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_resource_default_syntax_errors_discard_whole_variable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_default_service_name_env_wins, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resource_default_empty_service_name_is_unset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resource_merge_code_wins_over_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_merge_schema_url_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_merge_null_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_new_duplicates_and_skips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_ref_counting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_default_alloc_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resource_merge_alloc_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
