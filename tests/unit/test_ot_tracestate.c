/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenTelemetry `ot` tracestate entry (TraceState: Probability Sampling; TraceState
 * Handling): th encoding, reading th and rv, and rebuilding a tracestate with th changed. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "propagators/tracestate_internal.h"
#include "sampler_testutil.h"
#include "samplers/sampler_internal.h"

static char *th_of(double p, char buf[15])
{
    otelc__th_format(otelc__probability_threshold(p), buf);
    return buf;
}

/* Spec: th is (1 - p) * 2^56 in hex with 4 significant digits (one more per leading hex zero
 * of p) and trailing zeros removed; the values the issue and the specification's table give. */
static void test_ot_tracestate_th_values(void **state)
{
    (void)state;
    char b[15];
    assert_string_equal(th_of(0.1, b), "e666");
    assert_string_equal(th_of(0.01, b), "fd70a");
    assert_string_equal(th_of(0.25, b), "c");
    assert_string_equal(th_of(1.0, b), "0");
    /* The specification's 1-in-N table, precision 4. */
    assert_string_equal(th_of(0.5, b), "8");
    assert_string_equal(th_of(1.0 / 3, b), "aaab");
    assert_string_equal(th_of(0.2, b), "cccd");
    assert_string_equal(th_of(0.125, b), "e");
    assert_string_equal(th_of(0.0625, b), "f");
    assert_string_equal(th_of(0.001, b), "ffbe77");
    assert_string_equal(th_of(0.0001, b), "fff9724");
    assert_string_equal(th_of(0.00001, b), "ffff583a");
    assert_string_equal(th_of(0.000001, b), "ffffef39");
    /* Every digit kept: 14 digits, none trailing zero. */
    assert_int_equal(otelc__th_format(UINT64_C(0xfffffffffffff1), b), 14);
    assert_string_equal(b, "fffffffffffff1");
}

/* The threshold the probability sampler decides with is exactly the one it writes. */
static void test_ot_tracestate_th_is_the_rounded_threshold(void **state)
{
    (void)state;
    assert_int_equal(otelc__probability_threshold(0.1), UINT64_C(0xe6660000000000));
    assert_int_equal(otelc__probability_threshold(0.01), UINT64_C(0xfd70a000000000));
    assert_int_equal(otelc__probability_threshold(1.0), 0);
    assert_int_equal(otelc__probability_threshold(0.0), UINT64_C(1) << 56);
}

/* Spec: th is 1 to 14 hex digits extended with zeros; rv exactly 14; other sub-keys and
 * malformed values are ignored; only the `ot` member is read. */
static void test_ot_tracestate_read(void **state)
{
    (void)state;
    struct otelc__ot ot;
    otelc_tracestate *ts = st_ts("a=1,ot=x:y;th:c;rv:0123456789abcd,b=2");
    otelc__ot_read(ts, &ot);
    assert_true(ot.has_th);
    assert_int_equal(ot.th, UINT64_C(0xc0000000000000));
    assert_true(ot.has_rv);
    assert_int_equal(ot.rv, UINT64_C(0x0123456789abcd));
    assert_int_equal(ot.len, strlen("x:y;th:c;rv:0123456789abcd"));
    otelc_tracestate_free(ts);

    ts = st_ts("ot=th:fffffffffffffff;rv:0123");
    otelc__ot_read(ts, &ot); /* th of 15 digits, rv of 4: both invalid */
    assert_false(ot.has_th);
    assert_false(ot.has_rv);
    assert_non_null(ot.value);
    otelc_tracestate_free(ts);

    ts = st_ts("xot=th:c,o=th:c");
    otelc__ot_read(ts, &ot);
    assert_null(ot.value);
    assert_false(ot.has_th);
    otelc_tracestate_free(ts);

    otelc__ot_read(NULL, &ot);
    assert_null(ot.value);
}

/* Rebuilds ts's ot entry with th set (or erased) and returns the header (freed by caller). */
static char *with_th(const char *header, const char *th)
{
    otelc_tracestate *ts = st_ts(header), *out = NULL;
    struct otelc__ot ot;
    otelc__ot_read(ts, &ot);
    assert_int_equal(otelc__ot_with_th(ts, &ot, th, &out), OTELC_OK);
    assert_non_null(out);
    char *h = strdup(otelc_tracestate_header(out));
    otelc_tracestate_free(out);
    otelc_tracestate_free(ts);
    return h;
}

static void assert_with_th(const char *header, const char *th, const char *want)
{
    char *got = with_th(header, th);
    assert_string_equal(got, want);
    free(got);
}

/* Spec: setting th updates or adds it in the one `ot` entry, keeping the other sub-keys (rv
 * is never overwritten); the changed entry moves first (W3C). */
static void test_ot_tracestate_set_th(void **state)
{
    (void)state;
    assert_with_th("", "c", "ot=th:c");
    assert_with_th("a=1", "c", "ot=th:c,a=1");
    assert_with_th("a=1,ot=rv:0123456789abcd", "e666", "ot=th:e666;rv:0123456789abcd,a=1");
    assert_with_th("ot=p:8;th:8;rv:0123456789abcd", "c", "ot=th:c;p:8;rv:0123456789abcd");
    /* Erasing th leaves the rest, or removes an entry left empty. */
    assert_with_th("a=1,ot=th:c;rv:0123456789abcd", NULL, "ot=rv:0123456789abcd,a=1");
    assert_with_th("a=1,ot=th:c,b=2", NULL, "a=1,b=2");
    assert_with_th("ot=th:c", NULL, "");
}

/* Spec: an ot entry may not exceed 256 characters; a th that does not fit is erased. */
static void test_ot_tracestate_set_th_too_long(void **state)
{
    (void)state;
    char header[300], want[300];
    /* The value "th:8;x:" and 249 letters is 256 characters, the most it may have; th:e666
     * would make it 259. */
    memcpy(header, "ot=th:8;x:", 10);
    memset(header + 10, 'a', 249);
    header[259] = '\0';
    memcpy(want, "ot=x:", 5);
    memset(want + 5, 'a', 249);
    want[254] = '\0';
    assert_with_th(header, "e666", want);
    /* th:c has the length of th:8, so it fits. */
    char *got = with_th(header, "c");
    assert_true(strncmp(got, "ot=th:c;x:aaa", 13) == 0);
    free(got);
}

/* otelc__tracestate_with: first, never duplicated, at most 32 members, validated. */
static void test_ot_tracestate_tracestate_with(void **state)
{
    (void)state;
    char header[600];
    size_t o = 0;
    for (int i = 0; i < 32; i++)
        o += (size_t)snprintf(header + o, sizeof header - o, "%sk%d=%d", i ? "," : "", i, i);
    otelc_tracestate *ts = st_ts(header), *out = NULL;
    /* A new key on a full list: it goes first and the right-most member (k31) goes. */
    assert_int_equal(otelc__tracestate_with(ts, "new", 3, "v", 1, &out), OTELC_OK);
    const char *h = otelc_tracestate_header(out);
    assert_true(strncmp(h, "new=v,k0=0,k1=1,", 16) == 0);
    assert_non_null(strstr(h, ",k30=30"));
    assert_null(strstr(h, "k31"));
    otelc_tracestate_free(out);
    /* An existing key moves first, changed, and the list keeps all 32. */
    assert_int_equal(otelc__tracestate_with(ts, "k5", 2, "x", 1, &out), OTELC_OK);
    h = otelc_tracestate_header(out);
    assert_true(strncmp(h, "k5=x,k0=0,", 10) == 0);
    assert_null(strstr(h, "k5=5"));
    assert_non_null(strstr(h, ",k31=31"));
    otelc_tracestate_free(out);
    /* Removal. */
    assert_int_equal(otelc__tracestate_with(ts, "k0", 2, NULL, 0, &out), OTELC_OK);
    assert_true(strncmp(otelc_tracestate_header(out), "k1=1,", 5) == 0);
    otelc_tracestate_free(out);
    /* Invalid key or value: refused, *out untouched, nothing allocated. */
    out = (otelc_tracestate *)&out;
    tu_alloc_install(0);
    assert_int_equal(otelc__tracestate_with(ts, "Bad", 3, "v", 1, &out), OTELC_EINVAL);
    assert_int_equal(otelc__tracestate_with(ts, "ok", 2, "a,b", 3, &out), OTELC_EINVAL);
    assert_int_equal(otelc__tracestate_with(ts, "ok", 2, "", 0, &out), OTELC_EINVAL);
    assert_int_equal(tu_alloc_calls(), 0);
    /* Out of memory: ENOMEM, nothing leaked. */
    tu_alloc_uninstall();
    tu_alloc_install(1);
    assert_int_equal(otelc__tracestate_with(ts, "ok", 2, "v", 1, &out), OTELC_ENOMEM);
    assert_ptr_equal(out, (otelc_tracestate *)&out);
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
    otelc_tracestate_free(ts);
    /* From nothing. */
    assert_int_equal(otelc__tracestate_with(NULL, "a", 1, "b", 1, &out), OTELC_OK);
    assert_string_equal(otelc_tracestate_header(out), "a=b");
    otelc_tracestate_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ot_tracestate_th_values),
        cmocka_unit_test(test_ot_tracestate_th_is_the_rounded_threshold),
        cmocka_unit_test(test_ot_tracestate_read),
        cmocka_unit_test(test_ot_tracestate_set_th),
        cmocka_unit_test(test_ot_tracestate_set_th_too_long),
        cmocka_unit_test(test_ot_tracestate_tracestate_with),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
