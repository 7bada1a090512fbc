/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the error table: names, messages, unknown codes, and the version string. */
#include "testutil.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "otelc/version.h"

/* Every code of the table is distinct and has its own name and message. */
static void test_error_codes_have_distinct_names_and_messages(void **state)
{
    (void)state;
    int count = 0;
    for (int a = 0; a > OTELC_ERRNO_LAST_; a--) {
        const char *name = otelc_err_name(a), *msg = otelc_strerror(a);
        assert_non_null(name);
        assert_non_null(msg);
        assert_string_not_equal(name, "UNKNOWN");
        assert_string_not_equal(msg, "unknown error");
        assert_true(strlen(name) > 0 && strlen(msg) > 0);
        for (int b = a - 1; b > OTELC_ERRNO_LAST_; b--) {
            assert_string_not_equal(name, otelc_err_name(b));
            assert_string_not_equal(msg, otelc_strerror(b));
        }
        count++;
    }
    assert_int_equal(count, 15);
}

/* Names are the enum names without the prefix. */
static void test_error_names_match_the_enum(void **state)
{
    (void)state;
    assert_string_equal(otelc_err_name(OTELC_OK), "OK");
    assert_string_equal(otelc_err_name(OTELC_EINVAL), "EINVAL");
    assert_string_equal(otelc_err_name(OTELC_ENOMEM), "ENOMEM");
    assert_string_equal(otelc_err_name(OTELC_EPARSE), "EPARSE");
    assert_string_equal(otelc_err_name(OTELC_ERANGE), "ERANGE");
    assert_string_equal(otelc_strerror(OTELC_OK), "success");
    assert_string_equal(otelc_strerror(OTELC_ENOMEM), "out of memory");
    assert_string_equal(otelc_strerror(OTELC_ETIMEDOUT), "deadline exceeded");
}

/* Codes outside the table get a fixed name and message, never NULL. */
static void test_error_unknown_codes(void **state)
{
    (void)state;
    const int unknown[] = {1, 42, OTELC_ERRNO_LAST_, -1000, INT_MIN, INT_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_string_equal(otelc_err_name(unknown[i]), "UNKNOWN");
        assert_string_equal(otelc_strerror(unknown[i]), "unknown error");
    }
}

static void test_error_version_matches_header(void **state)
{
    (void)state;
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", OTELC_VERSION_MAJOR, OTELC_VERSION_MINOR,
             OTELC_VERSION_PATCH);
    assert_string_equal(otelc_version(), OTELC_VERSION_STRING);
    assert_string_equal(otelc_version(), expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_codes_have_distinct_names_and_messages),
        cmocka_unit_test(test_error_names_match_the_enum),
        cmocka_unit_test(test_error_unknown_codes),
        cmocka_unit_test(test_error_version_matches_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
