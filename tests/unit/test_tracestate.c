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

/* ---- Level 2 mutation ------------------------------------------------------------------ */

static otelc_tracestate *ts_of(const char *h)
{
    otelc_tracestate *ts = NULL;
    assert_int_equal(otelc_tracestate_new(&ts, h, strlen(h)), OTELC_OK);
    return ts;
}

/* get finds a member's value by key; an absent key is ENOTFOUND. */
static void test_tracestate_get(void **state)
{
    (void)state;
    otelc_tracestate *ts = ts_of("a=1,bb=two words,c=3");
    const char *v;
    size_t n;
    assert_int_equal(otelc_tracestate_get(ts, "bb", &v, &n), OTELC_OK);
    assert_int_equal(n, 9);
    assert_memory_equal(v, "two words", 9);
    assert_int_equal(otelc_tracestate_get(ts, "b", &v, &n), OTELC_ENOTFOUND);
    assert_int_equal(otelc_tracestate_get(NULL, "a", &v, &n), OTELC_ENOTFOUND);
    assert_int_equal(otelc_tracestate_get(ts, NULL, &v, &n), OTELC_EINVAL);
    assert_int_equal(otelc_tracestate_count(ts), 3);
    assert_int_equal(otelc_tracestate_count(NULL), 0);
    otelc_tracestate_free(ts);
}

/* set puts the updated key first and removes its old entry: never a duplicate. */
static void test_tracestate_set_moves_to_front(void **state)
{
    (void)state;
    otelc_tracestate *ts = ts_of("a=1,b=2,c=3");
    otelc_tracestate *t2 = NULL, *t3 = NULL;
    assert_int_equal(otelc_tracestate_set(&t2, ts, "c", "new"), OTELC_OK);
    assert_string_equal(otelc_tracestate_header(t2), "c=new,a=1,b=2");
    assert_int_equal(otelc_tracestate_set(&t3, t2, "z@t", "9"), OTELC_OK);
    assert_string_equal(otelc_tracestate_header(t3), "z@t=9,c=new,a=1,b=2");
    /* The original is immutable. */
    assert_string_equal(otelc_tracestate_header(ts), "a=1,b=2,c=3");
    otelc_tracestate_free(t3);
    assert_int_equal(otelc_tracestate_set(&t3, NULL, "x", "1"), OTELC_OK);
    assert_string_equal(otelc_tracestate_header(t3), "x=1");
    otelc_tracestate_free(t3);
    otelc_tracestate_free(t2);
    otelc_tracestate_free(ts);
}

/* A set that would make 33 members drops the right-most. */
static void test_tracestate_set_drops_rightmost_past_32(void **state)
{
    (void)state;
    char h[1024];
    members_header(h, sizeof h, 32);
    otelc_tracestate *ts = ts_of(h), *t2 = NULL;
    assert_int_equal(otelc_tracestate_set(&t2, ts, "new", "1"), OTELC_OK);
    assert_int_equal(otelc_tracestate_count(t2), 32);
    const char *v;
    size_t n;
    assert_int_equal(otelc_tracestate_get(t2, "k31", &v, &n), OTELC_ENOTFOUND);
    assert_int_equal(otelc_tracestate_get(t2, "k30", &v, &n), OTELC_OK);
    assert_memory_equal(otelc_tracestate_header(t2), "new=1,k0=v,", 11);
    otelc_tracestate_free(t2);
    /* Updating a key already there keeps all 32. */
    assert_int_equal(otelc_tracestate_set(&t2, ts, "k31", "w"), OTELC_OK);
    assert_int_equal(otelc_tracestate_count(t2), 32);
    assert_memory_equal(otelc_tracestate_header(t2), "k31=w,k0=v,", 11);
    otelc_tracestate_free(t2);
    otelc_tracestate_free(ts);
}

/* set checks the key and value grammar: nothing invalid can be propagated. */
static void test_tracestate_set_validates(void **state)
{
    (void)state;
    char long_key[300];
    repeat(long_key, 'k', 257);
    otelc_tracestate *t = (otelc_tracestate *)&t;
    assert_int_equal(otelc_tracestate_set(&t, NULL, "Upper", "1"), OTELC_EINVAL);
    assert_int_equal(otelc_tracestate_set(&t, NULL, long_key, "1"), OTELC_EINVAL);
    assert_int_equal(otelc_tracestate_set(&t, NULL, "k", ""), OTELC_EINVAL);
    assert_int_equal(otelc_tracestate_set(&t, NULL, "k", "a,b"), OTELC_EINVAL);
    assert_int_equal(otelc_tracestate_set(&t, NULL, "k", "a=b"), OTELC_EINVAL);
    assert_int_equal(otelc_tracestate_set(&t, NULL, "k", "trailing "), OTELC_EINVAL);
    assert_int_equal(otelc_tracestate_set(&t, NULL, "k", NULL), OTELC_EINVAL);
    assert_ptr_equal(t, (otelc_tracestate *)&t);
}

/* delete removes one key; deleting an absent key keeps the value; the last one gives NULL. */
static void test_tracestate_delete(void **state)
{
    (void)state;
    otelc_tracestate *ts = ts_of("a=1,b=2,c=3"), *t2 = NULL, *t3 = NULL;
    assert_int_equal(otelc_tracestate_delete(&t2, ts, "b"), OTELC_OK);
    assert_string_equal(otelc_tracestate_header(t2), "a=1,c=3");
    assert_int_equal(otelc_tracestate_delete(&t3, t2, "zz"), OTELC_OK);
    assert_ptr_equal(t3, t2);
    otelc_tracestate_free(t3);
    otelc_tracestate *one = ts_of("a=1");
    assert_int_equal(otelc_tracestate_delete(&t3, one, "a"), OTELC_OK);
    assert_null(t3);
    otelc_tracestate_free(one);
    otelc_tracestate_free(t2);
    otelc_tracestate_free(ts);
}

/* Mutations report allocation failures and leak nothing. */
static void test_tracestate_mutation_alloc_failure(void **state)
{
    (void)state;
    otelc_tracestate *ts = ts_of("a=1,b=2"), *t = NULL;
    tu_alloc_install(1);
    assert_int_equal(otelc_tracestate_set(&t, ts, "c", "3"), OTELC_ENOMEM);
    tu_alloc_install(1);
    assert_int_equal(otelc_tracestate_delete(&t, ts, "a"), OTELC_ENOMEM);
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
    assert_null(t);
    otelc_tracestate_free(ts);
}

/* ---- propagation limits -------------------------------------------------------------- */

/* Writes ts through the propagation path and returns the text. */
static const char *written(const otelc_tracestate *ts, char *buf, size_t cap)
{
    size_t n = otelc__tracestate_write(ts, buf, cap);
    assert_int_equal(n, strlen(buf));
    return buf;
}

/* A header of up to 512 characters is propagated whole; one more character truncates. */
static void test_tracestate_propagates_512(void **state)
{
    (void)state;
    char h[700], va[300], vb[300], out[600];
    repeat(va, 'v', 253);
    repeat(vb, 'w', 253);
    snprintf(h, sizeof h, "a=%s,bb=%s", va, vb);
    assert_int_equal(strlen(h), 512);
    otelc_tracestate *ts = ts_of(h);
    assert_string_equal(written(ts, out, sizeof out), h);
    otelc_tracestate_free(ts);
    snprintf(h, sizeof h, "a=%s,bbb=%s", va, vb);
    ts = ts_of(h);
    h[255] = '\0'; /* only "a=<253 v>" is left: the right-most long entry went */
    assert_string_equal(written(ts, out, sizeof out), h);
    otelc_tracestate_free(ts);
}

/* Past 512: entries over 128 characters go first, right-most first, until it fits. */
static void test_tracestate_truncates_long_entries_first(void **state)
{
    (void)state;
    char h[1200], v[200], out[600];
    repeat(v, 'x', 150);
    /* l1 and l2 are long (152 characters); s0..s9 are short (~30 each). */
    size_t n = (size_t)snprintf(h, sizeof h, "l1=%s", v);
    for (int i = 0; i < 5; i++)
        n += (size_t)snprintf(h + n, sizeof h - n, ",s%d=abcdefghijklmnopqrstuvwxyz", i);
    n += (size_t)snprintf(h + n, sizeof h - n, ",l2=%s", v);
    for (int i = 5; i < 10; i++)
        n += (size_t)snprintf(h + n, sizeof h - n, ",s%d=abcdefghijklmnopqrstuvwxyz", i);
    assert_true(n > 512 && n - 153 <= 512);
    otelc_tracestate *ts = ts_of(h);
    written(ts, out, sizeof out);
    /* Removing l2 (the right-most long entry) is enough: l1 stays. */
    assert_non_null(strstr(out, "l1="));
    assert_null(strstr(out, "l2="));
    assert_non_null(strstr(out, "s9="));
    assert_true(strlen(out) <= 512);
    otelc_tracestate_free(ts);
}

/* When removing the long entries is not enough, entries go from the right; whole ones only. */
static void test_tracestate_truncates_from_the_right(void **state)
{
    (void)state;
    char h[1200], out[600];
    size_t n = 0;
    for (int i = 0; i < 30; i++)
        n += (size_t)snprintf(h + n, sizeof h - n, "%sk%02d=0123456789abcdef", i ? "," : "", i);
    assert_true(n > 512);
    otelc_tracestate *ts = ts_of(h);
    written(ts, out, sizeof out);
    /* Each member is 20 characters plus a comma: 24 fit in 512 (24 * 21 - 1 = 503). */
    assert_int_equal(strlen(out), 503);
    assert_memory_equal(out, h, 503);
    assert_null(strstr(out, "k24="));
    otelc_tracestate_free(ts);
    /* A small buffer truncates the same way and never cuts a member. */
    ts = ts_of("a=1,b=2,c=3");
    assert_string_equal(written(ts, out, 8), "a=1,b=2");
    assert_string_equal(written(ts, out, 4), "a=1");
    assert_string_equal(written(ts, out, 3), "");
    assert_int_equal(otelc__tracestate_write(ts, out, 0), 0);
    assert_string_equal(written(NULL, out, sizeof out), "");
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
        cmocka_unit_test_teardown(test_tracestate_get, teardown),
        cmocka_unit_test_teardown(test_tracestate_set_moves_to_front, teardown),
        cmocka_unit_test_teardown(test_tracestate_set_drops_rightmost_past_32, teardown),
        cmocka_unit_test_teardown(test_tracestate_set_validates, teardown),
        cmocka_unit_test_teardown(test_tracestate_delete, teardown),
        cmocka_unit_test_teardown(test_tracestate_mutation_alloc_failure, teardown),
        cmocka_unit_test_teardown(test_tracestate_propagates_512, teardown),
        cmocka_unit_test_teardown(test_tracestate_truncates_long_entries_first, teardown),
        cmocka_unit_test_teardown(test_tracestate_truncates_from_the_right, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
