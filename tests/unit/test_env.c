/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the OTEL_* environment readers and of the integer, percent and kv-list parsers. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "sdk/common/env.h"

#define VAR "OTEL_TEST_VALUE"

static int setup(void **state)
{
    (void)state;
    unsetenv(VAR);
    tu_log_capture(OTELC_LOG_DEBUG);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unsetenv(VAR);
    tu_log_release();
    return 0;
}

static void set(const char *value) { setenv(VAR, value, 1); }

/* An empty value counts as unset (specification, "Environment Variable Specification"). */
static void test_env_getenv_empty_is_unset(void **state)
{
    (void)state;
    assert_null(otelc__getenv(VAR));
    set("");
    assert_null(otelc__getenv(VAR));
    set(" x ");
    assert_string_equal(otelc__getenv(VAR), " x ");
}

static void test_env_bool_valid(void **state)
{
    (void)state;
    set("true");
    assert_int_equal(otelc__env_bool(VAR, 0), 1);
    set("TRUE");
    assert_int_equal(otelc__env_bool(VAR, 0), 1);
    set(" True\t");
    assert_int_equal(otelc__env_bool(VAR, 0), 1);
    set("false");
    assert_int_equal(otelc__env_bool(VAR, 1), 0);
    set("FaLsE");
    assert_int_equal(otelc__env_bool(VAR, 1), 0);
    assert_int_equal(tu_log_count(), 0);
}

static void test_env_bool_unset_or_empty_gives_default_silently(void **state)
{
    (void)state;
    assert_int_equal(otelc__env_bool(VAR, 1), 1);
    set("");
    assert_int_equal(otelc__env_bool(VAR, 0), 0);
    set("  ");
    assert_int_equal(otelc__env_bool(VAR, 1), 1);
    assert_int_equal(tu_log_count(), 0);
}

static void test_env_bool_garbage_warns_and_gives_default(void **state)
{
    (void)state;
    const char *bad[] = {"yes", "1", "truee", "tru", "t rue", "on"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        set(bad[i]);
        assert_int_equal(otelc__env_bool(VAR, 0), 0);
        assert_int_equal(otelc__env_bool(VAR, 1), 1);
    }
    assert_int_equal(tu_log_count(), 2 * (int)(sizeof bad / sizeof bad[0]));
    assert_true(tu_log_contains(VAR "='yes' is not true or false; using false"));
    assert_true(tu_log_contains(VAR "='on' is not true or false; using true"));
}

static void test_env_u32_valid(void **state)
{
    (void)state;
    set("2048");
    assert_int_equal(otelc__env_u32(VAR, 1, 1, UINT32_MAX), 2048);
    set(" 512\t");
    assert_int_equal(otelc__env_u32(VAR, 1, 1, UINT32_MAX), 512);
    set("0007");
    assert_int_equal(otelc__env_u32(VAR, 1, 1, 10), 7);
    set("4294967295");
    assert_int_equal(otelc__env_u32(VAR, 1, 1, UINT32_MAX), UINT32_MAX);
    set("10");
    assert_int_equal(otelc__env_u32(VAR, 1, 10, 10), 10);
    assert_int_equal(tu_log_count(), 0);
}

static void test_env_u32_unset_or_empty_gives_default_silently(void **state)
{
    (void)state;
    assert_int_equal(otelc__env_u32(VAR, 2048, 1, UINT32_MAX), 2048);
    set("");
    assert_int_equal(otelc__env_u32(VAR, 2048, 1, UINT32_MAX), 2048);
    set(" \t ");
    assert_int_equal(otelc__env_u32(VAR, 2048, 1, UINT32_MAX), 2048);
    assert_int_equal(tu_log_count(), 0);
}

/* The warning names the variable, shows the value, the range and the default. */
static void test_env_u32_garbage_warns(void **state)
{
    (void)state;
    setenv("OTEL_BSP_MAX_QUEUE_SIZE", "abc", 1);
    assert_int_equal(otelc__env_u32("OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1, UINT32_MAX), 2048);
    unsetenv("OTEL_BSP_MAX_QUEUE_SIZE");
    assert_int_equal(tu_log_count(), 1);
    assert_string_equal(tu_log_text(), "OTEL_BSP_MAX_QUEUE_SIZE='abc' is not an integer in "
                                       "[1, 4294967295]; using 2048\n");

    const char *bad[] = {"-1", "+5", "0x10", "1.5", "4 2", "12abc", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        set(bad[i]);
        assert_int_equal(otelc__env_u32(VAR, 9, 0, UINT32_MAX), 9);
    }
    assert_int_equal(tu_log_count(), 1 + (int)(sizeof bad / sizeof bad[0]));
}

static void test_env_u32_out_of_range_or_overflow_warns(void **state)
{
    (void)state;
    set("0");
    assert_int_equal(otelc__env_u32(VAR, 5, 1, 100), 5);
    set("101");
    assert_int_equal(otelc__env_u32(VAR, 5, 1, 100), 5);
    set("4294967296");
    assert_int_equal(otelc__env_u32(VAR, 5, 0, UINT32_MAX), 5);
    set("99999999999999999999999");
    assert_int_equal(otelc__env_u32(VAR, 5, 0, UINT32_MAX), 5);
    assert_int_equal(tu_log_count(), 4);
    assert_true(tu_log_contains(VAR "='0' is not an integer in [1, 100]; using 5"));
    assert_true(tu_log_contains(VAR "='4294967296' is not an integer in [0, 4294967295]"));
}

static void test_env_ms_valid_and_bounds(void **state)
{
    (void)state;
    set("30000");
    assert_int_equal(otelc__env_ms(VAR, 10000, 0, UINT64_MAX), 30000);
    set("18446744073709551615");
    assert_true(otelc__env_ms(VAR, 1, 0, UINT64_MAX) == UINT64_MAX);
    set("");
    assert_int_equal(otelc__env_ms(VAR, 10000, 0, UINT64_MAX), 10000);
    assert_int_equal(tu_log_count(), 0);

    set("18446744073709551616");
    assert_int_equal(otelc__env_ms(VAR, 10000, 0, UINT64_MAX), 10000);
    set("5s");
    assert_int_equal(otelc__env_ms(VAR, 10000, 0, UINT64_MAX), 10000);
    set("600001");
    assert_int_equal(otelc__env_ms(VAR, 10000, 1, 600000), 10000);
    assert_int_equal(tu_log_count(), 3);
    assert_true(tu_log_contains(VAR "='5s' is not a whole number of milliseconds in "
                                    "[0, 18446744073709551615]; using 10000"));
}

static void test_env_ratio_valid(void **state)
{
    (void)state;
    const struct {
        const char *text;
        double value;
    } ok[] = {{"0.25", 0.25}, {"1", 1.0},   {"0", 0.0},   {"1e-1", 0.1},
              {" 0.5 ", 0.5}, {".5", 0.5},  {"1.0\t", 1.0}, {"-0", 0.0}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        set(ok[i].text);
        assert_true(otelc__env_ratio(VAR, 0.75) == ok[i].value);
    }
    set("");
    assert_true(otelc__env_ratio(VAR, 0.75) == 0.75);
    assert_int_equal(tu_log_count(), 0);
}

/* NaN, infinities, values outside [0, 1] and trailing garbage are refused. */
static void test_env_ratio_bad_values_warn(void **state)
{
    (void)state;
    const char *bad[] = {"nan", "NaN", "inf", "-inf", "1.5", "-0.1", "1e400",
                         "0.5x", "0.5 x", "x", "\n0.5", "0,5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        set(bad[i]);
        assert_true(otelc__env_ratio(VAR, 0.75) == 0.75);
    }
    assert_int_equal(tu_log_count(), (int)(sizeof bad / sizeof bad[0]));
    assert_true(tu_log_contains(VAR "='nan' is not a number in [0, 1]; using 0.75"));
    assert_true(tu_log_contains(VAR "='\\x0a0.5' is not a number"));
}

static const char *const samplers[] = {"always_on", "always_off", "traceidratio", NULL};

static void test_env_choice_case_insensitive(void **state)
{
    (void)state;
    set("always_on");
    assert_int_equal(otelc__env_choice(VAR, samplers, 2), 0);
    set("ALWAYS_OFF");
    assert_int_equal(otelc__env_choice(VAR, samplers, 2), 1);
    set("  TraceIdRatio\t");
    assert_int_equal(otelc__env_choice(VAR, samplers, 0), 2);
    set("");
    assert_int_equal(otelc__env_choice(VAR, samplers, 1), 1);
    assert_int_equal(tu_log_count(), 0);
}

static void test_env_choice_unknown_warns(void **state)
{
    (void)state;
    set("always");
    assert_int_equal(otelc__env_choice(VAR, samplers, 0), 0);
    set("always_on_");
    assert_int_equal(otelc__env_choice(VAR, samplers, -1), -1);
    assert_int_equal(tu_log_count(), 2);
    assert_true(tu_log_contains(
        VAR "='always' is not one of always_on, always_off, traceidratio; using always_on"));
    assert_true(tu_log_contains(VAR "='always_on_' is not one of always_on, always_off, "
                                    "traceidratio; using the default"));
}

/* Warnings show at most 64 bytes of the value and escape bytes outside printable ASCII. */
static void test_env_warning_quotes_value_safely(void **state)
{
    (void)state;
    char long_value[201];
    memset(long_value, 'x', 200);
    long_value[200] = '\0';
    set(long_value);
    otelc__env_bool(VAR, 0);
    char expect[128];
    memset(expect, 'x', 64);
    memcpy(expect + 64, "...'", 5);
    assert_true(tu_log_contains(expect));
    assert_false(tu_log_contains(long_value + 135));

    tu_log_clear();
    set("a\x01\x1b[2J\xc3\xa9\x7f");
    otelc__env_bool(VAR, 0);
    assert_true(tu_log_contains(VAR "='a\\x01\\x1b[2J\\xc3\\xa9\\x7f' is not true or false"));
}

static void test_env_parse_u64(void **state)
{
    (void)state;
    uint64_t v = 77;
    assert_int_equal(otelc__parse_u64("0", 1, &v), 0);
    assert_true(v == 0);
    assert_int_equal(otelc__parse_u64("18446744073709551615", 20, &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(otelc__parse_u64("123abc", 3, &v), 0);
    assert_true(v == 123);

    v = 77;
    const char *bad[] = {"", "18446744073709551616", "99999999999999999999", "-1", "+1",
                         " 1", "1 ", "1a", "0x1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(otelc__parse_u64(bad[i], strlen(bad[i]), &v), -1);
    assert_int_equal(otelc__parse_u64(NULL, 0, &v), -1);
    assert_true(v == 77);
}

static void test_env_percent_decode_valid(void **state)
{
    (void)state;
    char out[64];
    size_t n = 99;
    assert_int_equal(otelc__percent_decode("a%20b", 5, out, &n), OTELC_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "a b", 3);
    assert_int_equal(otelc__percent_decode("%2f%2F%C3%a9", 12, out, &n), OTELC_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "//\xc3\xa9", 4);
    assert_int_equal(otelc__percent_decode("%00", 3, out, &n), OTELC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], '\0');
    assert_int_equal(otelc__percent_decode("", 0, out, &n), OTELC_OK);
    assert_int_equal(n, 0);
    /* Only len bytes are read: the stray '%' after them does not count. */
    assert_int_equal(otelc__percent_decode("%41%", 3, out, &n), OTELC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 'A');
    /* '+' is not a space in percent-encoding. */
    assert_int_equal(otelc__percent_decode("a+b", 3, out, &n), OTELC_OK);
    assert_memory_equal(out, "a+b", 3);
}

static void test_env_percent_decode_in_place(void **state)
{
    (void)state;
    char buf[] = "key%3Dvalue%2C%20more";
    size_t n;
    assert_int_equal(otelc__percent_decode(buf, strlen(buf), buf, &n), OTELC_OK);
    assert_int_equal(n, strlen("key=value, more"));
    assert_memory_equal(buf, "key=value, more", n);
}

static void test_env_percent_decode_invalid(void **state)
{
    (void)state;
    const char *bad[] = {"%", "%2", "abc%", "abc%4", "%zz", "%2g", "%g2", "a%%20"};
    char out[16];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = 99;
        assert_int_equal(otelc__percent_decode(bad[i], strlen(bad[i]), out, &n), OTELC_EPARSE);
        assert_int_equal(n, 99);
    }
}

/* Collects the members as "key=value;" into a buffer; stops with stop_rc at member stop_at. */
struct kv_collect {
    char text[256];
    int calls;
    int stop_at;
    int stop_rc;
};

static int collect(const char *key, size_t klen, const char *val, size_t vlen, void *ud)
{
    struct kv_collect *c = ud;
    size_t used = strlen(c->text);
    snprintf(c->text + used, sizeof c->text - used, "[%.*s]=[%.*s];", (int)klen, key,
             (int)vlen, val);
    c->calls++;
    return c->calls == c->stop_at ? c->stop_rc : 0;
}

static int kv(const char *s, struct kv_collect *c)
{
    memset(c, 0, sizeof *c);
    return otelc__parse_kv_list(s, strlen(s), collect, c);
}

static void test_env_kv_list_valid(void **state)
{
    (void)state;
    struct kv_collect c;
    assert_int_equal(kv("a=1,b=2", &c), OTELC_OK);
    assert_string_equal(c.text, "[a]=[1];[b]=[2];");
    assert_int_equal(kv(" a = 1 ,\tb\t=\t2 x\t", &c), OTELC_OK);
    assert_string_equal(c.text, "[a]=[1];[b]=[2 x];");
    assert_int_equal(kv("k=a=b==c", &c), OTELC_OK);
    assert_string_equal(c.text, "[k]=[a=b==c];");
    assert_int_equal(kv("k=,l= ", &c), OTELC_OK);
    assert_string_equal(c.text, "[k]=[];[l]=[];");
    assert_int_equal(kv("service.name=my%20app", &c), OTELC_OK);
    assert_string_equal(c.text, "[service.name]=[my%20app];");
    assert_int_equal(tu_log_count(), 0);
}

static void test_env_kv_list_skips_empty_members(void **state)
{
    (void)state;
    struct kv_collect c;
    assert_int_equal(kv(",,a=1,, ,\t,b=2,", &c), OTELC_OK);
    assert_string_equal(c.text, "[a]=[1];[b]=[2];");
    assert_int_equal(kv("", &c), OTELC_OK);
    assert_int_equal(c.calls, 0);
    assert_int_equal(kv(" , ", &c), OTELC_OK);
    assert_int_equal(c.calls, 0);
    assert_int_equal(otelc__parse_kv_list(NULL, 0, collect, &c), OTELC_OK);
}

/* A member without '=' or with an empty key is an error, and nothing is logged (the lists hold
 * header values and tokens). */
static void test_env_kv_list_malformed(void **state)
{
    (void)state;
    struct kv_collect c;
    const char *bad[] = {"a", "a=1,secret-token", "=1", " =1", "a=1, \t=2", "a=1,b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(kv(bad[i], &c), OTELC_EPARSE);
    assert_int_equal(tu_log_count(), 0);
    /* Members before the bad one were delivered. */
    assert_int_equal(kv("a=1,b", &c), OTELC_EPARSE);
    assert_string_equal(c.text, "[a]=[1];");
}

static void test_env_kv_list_callback_stops(void **state)
{
    (void)state;
    struct kv_collect c;
    memset(&c, 0, sizeof c);
    c.stop_at = 2;
    c.stop_rc = OTELC_ENOMEM;
    const char *s = "a=1,b=2,c=3";
    assert_int_equal(otelc__parse_kv_list(s, strlen(s), collect, &c), OTELC_ENOMEM);
    assert_int_equal(c.calls, 2);
    /* Only len bytes are read. */
    memset(&c, 0, sizeof c);
    assert_int_equal(otelc__parse_kv_list(s, 6, collect, &c), OTELC_OK);
    assert_string_equal(c.text, "[a]=[1];[b]=[];");
}

static void test_env_trim(void **state)
{
    (void)state;
    const char *s = " \t a b \t";
    size_t len = strlen(s);
    otelc__trim(&s, &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "a b", 3);
    s = " \t ";
    len = 3;
    otelc__trim(&s, &len);
    assert_int_equal(len, 0);
    s = "\nx\n";
    len = 3;
    otelc__trim(&s, &len);
    assert_int_equal(len, 3);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_env_getenv_empty_is_unset),
        T(test_env_bool_valid),
        T(test_env_bool_unset_or_empty_gives_default_silently),
        T(test_env_bool_garbage_warns_and_gives_default),
        T(test_env_u32_valid),
        T(test_env_u32_unset_or_empty_gives_default_silently),
        T(test_env_u32_garbage_warns),
        T(test_env_u32_out_of_range_or_overflow_warns),
        T(test_env_ms_valid_and_bounds),
        T(test_env_ratio_valid),
        T(test_env_ratio_bad_values_warn),
        T(test_env_choice_case_insensitive),
        T(test_env_choice_unknown_warns),
        T(test_env_warning_quotes_value_safely),
        T(test_env_parse_u64),
        T(test_env_percent_decode_valid),
        T(test_env_percent_decode_in_place),
        T(test_env_percent_decode_invalid),
        T(test_env_kv_list_valid),
        T(test_env_kv_list_skips_empty_members),
        T(test_env_kv_list_malformed),
        T(test_env_kv_list_callback_stops),
        T(test_env_trim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
