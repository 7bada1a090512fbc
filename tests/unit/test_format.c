/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the traceparent renderings for log lines and SQL comments. */
#include "testutil.h"

#include <string.h>

#include "proputil.h"

#define TP00 "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

static int teardown(void **state)
{
    (void)state;
    tu_alloc_uninstall();
    return 0;
}

/* The traceparent of an explicit context, and of the thread's current one, without
 * allocating. */
static void test_format_traceparent(void **state)
{
    (void)state;
    otelc_context *c = pu_remote_ctx(TP00);
    char buf[OTELC_TRACEPARENT_SIZE];
    tu_alloc_install(0);
    assert_int_equal(otelc_traceparent_format(buf, c), 55);
    assert_string_equal(buf, TP00);
    assert_int_equal(otelc_traceparent_format(buf, NULL), 0);
    assert_string_equal(buf, "");
    assert_int_equal(tu_alloc_calls(), 0);
    tu_alloc_uninstall();
    otelc_context_token t = otelc_context_attach(c);
    tu_alloc_install(0);
    assert_int_equal(otelc_traceparent_format(buf, NULL), 55);
    assert_string_equal(buf, TP00);
    assert_int_equal(tu_alloc_calls(), 0);
    tu_alloc_uninstall();
    otelc_context_detach(t);
    otelc_context_free(c);
}

/* The sqlcommenter form: exactly /\*traceparent='...'*\/, 73 characters. */
static void test_format_sql_comment(void **state)
{
    (void)state;
    otelc_context *c = pu_remote_ctx(TP00);
    char buf[OTELC_SQL_COMMENT_SIZE];
    assert_int_equal(otelc_sql_comment_format(buf, c), 73);
    assert_string_equal(buf, "/*traceparent='" TP00 "'*/");
    otelc_context_free(c);
    c = otelc_context_with_span(NULL, NULL);
    assert_int_equal(otelc_sql_comment_format(buf, c), 0);
    assert_string_equal(buf, "");
    otelc_context_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_format_traceparent, teardown),
        cmocka_unit_test_teardown(test_format_sql_comment, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
