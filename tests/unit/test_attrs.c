/* SPDX-License-Identifier: Apache-2.0 */
/* Attribute lists and the bump arena: copy-in, overwrite, limits, UTF-8 truncation. */
#include "testutil.h"

#include <string.h>

#include "sdk/common/arena.h"
#include "sdk/common/attrs.h"

/* Characters are counted as UTF-8 code points; a character is never split. */
static void test_attrs_utf8_prefix_counts_characters(void **state)
{
    (void)state;
    const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"; /* a é € 😀 z */
    size_t len = strlen(s);
    assert_int_equal(otelc__utf8_prefix(s, len, 0), 0);
    assert_int_equal(otelc__utf8_prefix(s, len, 1), 1);
    assert_int_equal(otelc__utf8_prefix(s, len, 2), 3);
    assert_int_equal(otelc__utf8_prefix(s, len, 3), 6);
    assert_int_equal(otelc__utf8_prefix(s, len, 4), 10);
    assert_int_equal(otelc__utf8_prefix(s, len, 5), 11);
    assert_int_equal(otelc__utf8_prefix(s, len, 100), 11);
    assert_int_equal(otelc__utf8_prefix(s, len, UINT32_MAX), 11);
    /* Invalid bytes count as one character each: a lone continuation byte, an overlong
     * form, a truncated sequence at the end. */
    assert_int_equal(otelc__utf8_prefix("\x80\x80x", 3, 2), 2);
    assert_int_equal(otelc__utf8_prefix("\xc0\xafx", 3, 2), 2);
    assert_int_equal(otelc__utf8_prefix("ab\xe2\x82", 4, 3), 3);
}

/* Values are deep-copied: changing the caller's buffers later changes nothing. */
static void test_attrs_values_are_copied(void **state)
{
    (void)state;
    struct otelc__arena a;
    struct otelc__attrs l;
    otelc__arena_init(&a, NULL, 0);
    otelc__attrs_init(&l, NULL, 0);
    char key[] = "key";
    char val[] = "value";
    const char *arr[] = {"one", "two"};
    otelc_value v = otelc_value_str(val);
    assert_int_equal(otelc__attrs_set(&l, &a, key, &v, 10, UINT32_MAX), OTELC_OK);
    otelc_value av;
    memset(&av, 0, sizeof av);
    av.type = OTELC_VALUE_STRING_ARRAY;
    av.u.sa = arr;
    av.len = 2;
    assert_int_equal(otelc__attrs_set(&l, &a, "arr", &av, 10, UINT32_MAX), OTELC_OK);
    key[0] = 'X';
    val[0] = 'X';
    arr[0] = "changed";
    assert_non_null(otelc__attrs_find(&l, "key"));
    assert_string_equal(otelc__attrs_find(&l, "key")->u.s, "value");
    assert_string_equal(otelc__attrs_find(&l, "arr")->u.sa[0], "one");
    assert_null(otelc__attrs_find(&l, "Xey"));
    otelc__arena_reset(&a, NULL, 0);
}

/* Growing past the inline array and many overwrites keep order and content. */
static void test_attrs_grow_and_overwrite_keep_order(void **state)
{
    (void)state;
    struct otelc__arena a;
    struct otelc__attrs l;
    otelc_attr inline_items[2];
    unsigned char buf[64];
    otelc__arena_init(&a, buf, sizeof buf);
    otelc__attrs_init(&l, inline_items, 2);
    char key[16];
    for (int i = 0; i < 50; i++) {
        snprintf(key, sizeof key, "k%02d", i);
        otelc_value v = otelc_value_int(i);
        assert_int_equal(otelc__attrs_set(&l, &a, key, &v, 100, UINT32_MAX), OTELC_OK);
    }
    size_t heap_after_first = 0;
    for (int round = 0; round < 1000; round++) {
        otelc_value v = otelc_value_str(round % 2 ? "short" : "other");
        assert_int_equal(otelc__attrs_set(&l, &a, "k07", &v, 100, UINT32_MAX), OTELC_OK);
        if (round == 0)
            heap_after_first = a.heap_bytes;
    }
    assert_int_equal(l.count, 50);
    assert_string_equal(l.items[7].key, "k07");
    assert_string_equal(l.items[7].value.u.s, "short");
    assert_string_equal(l.items[49].key, "k49");
    /* Overwriting with values that fit reuses storage: 999 overwrites take no memory. */
    assert_int_equal(a.heap_bytes, heap_after_first);
    otelc__arena_reset(&a, buf, sizeof buf);
}

/* Invalid input is refused: empty key, NULL value, unknown type, NULL array data. */
static void test_attrs_invalid_input_rejected(void **state)
{
    (void)state;
    struct otelc__arena a;
    struct otelc__attrs l;
    otelc__arena_init(&a, NULL, 0);
    otelc__attrs_init(&l, NULL, 0);
    otelc_value v = otelc_value_int(1);
    assert_int_equal(otelc__attrs_set(&l, &a, "", &v, 10, 10), OTELC_EINVAL);
    assert_int_equal(otelc__attrs_set(&l, &a, NULL, &v, 10, 10), OTELC_EINVAL);
    assert_int_equal(otelc__attrs_set(&l, &a, "k", NULL, 10, 10), OTELC_EINVAL);
    v.type = (otelc_value_type)99;
    assert_int_equal(otelc__attrs_set(&l, &a, "k", &v, 10, 10), OTELC_EINVAL);
    v.type = OTELC_VALUE_NONE;
    assert_int_equal(otelc__attrs_set(&l, &a, "k", &v, 10, 10), OTELC_EINVAL);
    v.type = OTELC_VALUE_INT_ARRAY;
    v.len = 3;
    v.u.ia = NULL;
    assert_int_equal(otelc__attrs_set(&l, &a, "k", &v, 10, 10), OTELC_EINVAL);
    assert_int_equal(l.count, 0);
    otelc__arena_reset(&a, NULL, 0);
}

/* Allocation failure: every allocation failing in turn leaves the list consistent and
 * leaks nothing after reset. */
static void test_attrs_allocation_failure_no_leak(void **state)
{
    (void)state;
    for (uint64_t n = 1; n < 64; n++) {
        tu_alloc_install(n);
        struct otelc__arena a;
        struct otelc__attrs l;
        otelc__arena_init(&a, NULL, 0);
        otelc__attrs_init(&l, NULL, 0);
        char key[16], val[2000];
        memset(val, 'v', sizeof val - 1);
        val[sizeof val - 1] = '\0';
        int failures = 0;
        for (int i = 0; i < 20; i++) {
            snprintf(key, sizeof key, "k%d", i);
            otelc_value v = otelc_value_str(val);
            int rc = otelc__attrs_set(&l, &a, key, &v, 100, UINT32_MAX);
            if (rc == OTELC_ENOMEM)
                failures++;
            else
                assert_int_equal(rc, OTELC_OK);
        }
        for (uint32_t i = 0; i < l.count; i++)
            assert_int_equal(strlen(l.items[i].value.u.s), sizeof val - 1);
        otelc__arena_reset(&a, NULL, 0);
        int failed = tu_alloc_failed();
        tu_alloc_uninstall();
        assert_int_equal(tu_alloc_live(), 0);
        if (!failed)
            break;
        assert_true(failures >= 1);
    }
}

/* Value equality compares type and content. */
static void test_attrs_value_equal(void **state)
{
    (void)state;
    otelc_value a = otelc_value_str("x"), b = otelc_value_str("x"), c = otelc_value_strn("x", 0);
    assert_true(otelc__value_equal(&a, &b));
    assert_false(otelc__value_equal(&a, &c));
    otelc_value i1 = otelc_value_int(1), d1 = otelc_value_double(1.0);
    assert_false(otelc__value_equal(&i1, &d1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attrs_utf8_prefix_counts_characters),
        cmocka_unit_test(test_attrs_values_are_copied),
        cmocka_unit_test(test_attrs_grow_and_overwrite_keep_order),
        cmocka_unit_test(test_attrs_invalid_input_rejected),
        cmocka_unit_test(test_attrs_allocation_failure_no_leak),
        cmocka_unit_test(test_attrs_value_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
