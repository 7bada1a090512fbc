/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the tracestate value: the W3C Trace Context Level 2 tracestate grammar, the
 * normalised header form, reference counting and the internal member iterator. */
#include "testutil.h"

#include <string.h>

#include "propagators/tracestate_internal.h"

static int teardown(void **state)
{
    (void)state;
    tu_alloc_uninstall();
    return 0;
}

/* Parses h and asserts success with the normalised header want ("" for the empty NULL). */
static void assert_parses_to(const char *h, const char *want)
{
    otelc_tracestate *ts = (otelc_tracestate *)&ts;
    assert_int_equal(otelc_tracestate_new(&ts, h, strlen(h)), OTELC_OK);
    if (want[0] == '\0') {
        assert_null(ts);
        return;
    }
    assert_non_null(ts);
    assert_string_equal(otelc_tracestate_header(ts), want);
    otelc_tracestate_free(ts);
}

/* Asserts that h is rejected, allocating nothing and leaving *out alone. */
static void assert_rejected(const char *h, size_t len)
{
    tu_alloc_install(0);
    otelc_tracestate *ts = (otelc_tracestate *)&ts;
    assert_int_equal(otelc_tracestate_new(&ts, h, len), OTELC_EPARSE);
    assert_ptr_equal(ts, (otelc_tracestate *)&ts);
    assert_int_equal(tu_alloc_calls(), 0);
    tu_alloc_uninstall();
}

static void assert_invalid(const char *h) { assert_rejected(h, strlen(h)); }

/* A string of n copies of c. */
static char *repeat(char *buf, char c, size_t n)
{
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

/* Optional whitespace (spaces and tabs) around members is removed; members keep their order. */
static void test_tracestate_normalises_whitespace(void **state)
{
    (void)state;
    assert_parses_to("congo=t61rcWkgMzE", "congo=t61rcWkgMzE");
    assert_parses_to("  rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE\t ",
                     "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    assert_parses_to("a=1 b", "a=1 b");
}

/* Empty list members are allowed and dropped. */
static void test_tracestate_empty_members_dropped(void **state)
{
    (void)state;
    assert_parses_to(",a=1,, ,\t,b=2,", "a=1,b=2");
}

/* An empty or whitespace-only header is the empty tracestate: OK with NULL. */
static void test_tracestate_empty_header_is_null(void **state)
{
    (void)state;
    assert_parses_to("", "");
    assert_parses_to(" \t , ,", "");
    otelc_tracestate *ts = (otelc_tracestate *)&ts;
    assert_int_equal(otelc_tracestate_new(&ts, NULL, 0), OTELC_OK);
    assert_null(ts);
    assert_string_equal(otelc_tracestate_header(NULL), "");
}

/* Key: first character a lowercase letter or a digit (Level 2), then [a-z0-9_*-/@]. */
static void test_tracestate_key_grammar(void **state)
{
    (void)state;
    assert_parses_to("a=1", "a=1");
    assert_parses_to("0abc=1", "0abc=1");
    assert_parses_to("a_b-c*d/e=1", "a_b-c*d/e=1");
    assert_invalid("A=1");
    assert_invalid("aB=1");
    assert_invalid("_a=1");
    assert_invalid("-a=1");
    assert_invalid("*a=1");
    assert_invalid("/a=1");
    assert_invalid("a.b=1");
    assert_invalid("a b=1");
    assert_invalid("a =1");
    assert_invalid("=1");
    assert_invalid("novalue");
}

/* Level 2 keys: '@' is a plain key character (keychar), allowed anywhere but first; the
 * Level 1 one-'@' multi-tenant form is a special case of it. */
static void test_tracestate_key_at_sign(void **state)
{
    (void)state;
    assert_parses_to("tenant@vendor=1", "tenant@vendor=1");
    assert_parses_to("0tenant@v-1=1", "0tenant@v-1=1");
    assert_parses_to("a@b@c=1", "a@b@c=1");
    assert_parses_to("a@=1", "a@=1");
    assert_invalid("@vendor=1");
}

/* Builds "<256 x's>=v" (key) or "k=<256 x's>" (value), then with 257: the first is valid, the
 * second is not. */
static void assert_length_limit_256(int key)
{
    char part[300], h[600];
    for (size_t n = 256; n <= 257; n++) {
        repeat(part, key ? 'k' : 'v', n);
        snprintf(h, sizeof h, key ? "%s=v" : "k=%s", part);
        if (n == 256)
            assert_parses_to(h, h);
        else
            assert_invalid(h);
    }
}

/* Keys hold at most 256 characters. */
static void test_tracestate_key_length(void **state)
{
    (void)state;
    assert_length_limit_256(1);
}

/* Value: printable ASCII except ',' and '=', no control characters. */
static void test_tracestate_value_grammar(void **state)
{
    (void)state;
    assert_parses_to("k= !\"#$%&'()*+-./09:;<>?@AZ[\\]^_`az{|}~",
                     "k= !\"#$%&'()*+-./09:;<>?@AZ[\\]^_`az{|}~");
    assert_parses_to("k= 1", "k= 1");
    assert_invalid("k=");
    assert_invalid("k=a=b");
    assert_invalid("k=a\tb");
    assert_invalid("k=a\x7f");
    assert_invalid("k=a\x80");
    assert_invalid("k=a\x1f");
    assert_rejected("k=a\0b", 5);
}

/* A trailing space is optional whitespace around the member, so it is removed. */
static void test_tracestate_value_trailing_space_is_ows(void **state)
{
    (void)state;
    assert_parses_to("k=v  ,j=w \t", "k=v,j=w");
    assert_invalid("k=  ");
}

/* Values hold 1 to 256 characters. */
static void test_tracestate_value_length(void **state)
{
    (void)state;
    assert_length_limit_256(0);
}

/* Builds a header of n members k0=v, k1=v, ..., with an empty member after each. */
static void members_header(char *h, size_t size, int n)
{
    size_t off = 0;
    h[0] = '\0';
    for (int i = 0; i < n; i++)
        off += (size_t)snprintf(h + off, size - off, "%sk%d=v,", i ? " " : "", i);
}

/* At most 32 members. */
static void test_tracestate_member_count(void **state)
{
    (void)state;
    char h[1024];
    members_header(h, sizeof h, 32);
    otelc_tracestate *ts = NULL;
    assert_int_equal(otelc_tracestate_new(&ts, h, strlen(h)), OTELC_OK);
    assert_non_null(ts);
    assert_true(strncmp(otelc_tracestate_header(ts), "k0=v,k1=v,", 10) == 0);
    assert_int_equal(strlen(otelc_tracestate_header(ts)), 10 * 5 + 22 * 6 - 1);
    otelc_tracestate_free(ts);
    members_header(h, sizeof h, 33);
    assert_invalid(h);
}

/* A key listed twice makes the header invalid. */
static void test_tracestate_duplicate_key(void **state)
{
    (void)state;
    assert_invalid("a=1,b=2,a=3");
    assert_invalid("t@v=1, t@v=2");
    assert_parses_to("a=1,ab=2,b=3", "a=1,ab=2,b=3");
}

/* Argument checks at the door. */
static void test_tracestate_invalid_arguments(void **state)
{
    (void)state;
    otelc_tracestate *ts = NULL;
    assert_int_equal(otelc_tracestate_new(NULL, "a=1", 3), OTELC_EINVAL);
    assert_int_equal(otelc_tracestate_new(&ts, NULL, 3), OTELC_EINVAL);
    assert_null(ts);
}

/* Only len bytes are read: the header need not be NUL-terminated. */
static void test_tracestate_reads_only_len_bytes(void **state)
{
    (void)state;
    otelc_tracestate *ts = NULL;
    assert_int_equal(otelc_tracestate_new(&ts, "a=1,b=2", 3), OTELC_OK);
    assert_string_equal(otelc_tracestate_header(ts), "a=1");
    otelc_tracestate_free(ts);
}

/* Each reference is given back once; the last one frees. */
static void test_tracestate_ref_counting(void **state)
{
    (void)state;
    tu_alloc_install(0);
    otelc_tracestate *ts = NULL;
    assert_int_equal(otelc_tracestate_new(&ts, "a=1", 3), OTELC_OK);
    assert_int_equal(tu_alloc_live(), 1);
    otelc_tracestate *t2 = otelc_tracestate_ref(ts);
    assert_ptr_equal(t2, ts);
    otelc_tracestate_free(ts);
    assert_string_equal(otelc_tracestate_header(t2), "a=1");
    assert_int_equal(tu_alloc_live(), 1);
    otelc_tracestate_free(t2);
    assert_int_equal(tu_alloc_live(), 0);
    assert_null(otelc_tracestate_ref(NULL));
    otelc_tracestate_free(NULL);
}

/* An allocation failure gives ENOMEM and leaves *out alone. */
static void test_tracestate_alloc_failure(void **state)
{
    (void)state;
    tu_alloc_install(1);
    otelc_tracestate *ts = (otelc_tracestate *)&ts;
    assert_int_equal(otelc_tracestate_new(&ts, "a=1", 3), OTELC_ENOMEM);
    assert_ptr_equal(ts, (otelc_tracestate *)&ts);
    assert_int_equal(tu_alloc_live(), 0);
}

struct collected {
    char text[256];
    int calls;
    int stop_at;
};

static int collect(const char *k, size_t kl, const char *v, size_t vl, void *ud)
{
    struct collected *c = ud;
    size_t off = strlen(c->text);
    snprintf(c->text + off, sizeof c->text - off, "[%.*s|%.*s]", (int)kl, k, (int)vl, v);
    return ++c->calls == c->stop_at ? 42 : 0;
}

/* The iterator gives every member in order and stops at a non-zero result. */
static void test_tracestate_iter(void **state)
{
    (void)state;
    otelc_tracestate *ts = NULL;
    const char *h = " ot=th:8;rv:ab , vendor@t=x=";
    assert_int_equal(otelc_tracestate_new(&ts, h, strlen(h)), OTELC_EPARSE);
    h = " ot=th:8;rv:ab , vendor@t=x y,z=1";
    assert_int_equal(otelc_tracestate_new(&ts, h, strlen(h)), OTELC_OK);
    struct collected c = {"", 0, 0};
    assert_int_equal(otelc__tracestate_iter(ts, collect, &c), 0);
    assert_string_equal(c.text, "[ot|th:8;rv:ab][vendor@t|x y][z|1]");
    struct collected s = {"", 0, 2};
    assert_int_equal(otelc__tracestate_iter(ts, collect, &s), 42);
    assert_int_equal(s.calls, 2);
    struct collected e = {"", 0, 0};
    assert_int_equal(otelc__tracestate_iter(NULL, collect, &e), 0);
    assert_int_equal(e.calls, 0);
    otelc_tracestate_free(ts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_tracestate_normalises_whitespace, teardown),
        cmocka_unit_test_teardown(test_tracestate_empty_members_dropped, teardown),
        cmocka_unit_test_teardown(test_tracestate_empty_header_is_null, teardown),
        cmocka_unit_test_teardown(test_tracestate_key_grammar, teardown),
        cmocka_unit_test_teardown(test_tracestate_key_at_sign, teardown),
        cmocka_unit_test_teardown(test_tracestate_key_length, teardown),
        cmocka_unit_test_teardown(test_tracestate_value_grammar, teardown),
        cmocka_unit_test_teardown(test_tracestate_value_trailing_space_is_ows, teardown),
        cmocka_unit_test_teardown(test_tracestate_value_length, teardown),
        cmocka_unit_test_teardown(test_tracestate_member_count, teardown),
        cmocka_unit_test_teardown(test_tracestate_duplicate_key, teardown),
        cmocka_unit_test_teardown(test_tracestate_invalid_arguments, teardown),
        cmocka_unit_test_teardown(test_tracestate_reads_only_len_bytes, teardown),
        cmocka_unit_test_teardown(test_tracestate_ref_counting, teardown),
        cmocka_unit_test_teardown(test_tracestate_alloc_failure, teardown),
        cmocka_unit_test_teardown(test_tracestate_iter, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
