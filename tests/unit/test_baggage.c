/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of baggage: the immutable value, the W3C `baggage` header (parsing and writing), and
 * the baggage propagator. */
#include "testutil.h"

#include <string.h>

#include "propagators/baggage_internal.h"
#include "proputil.h"

static int teardown(void **state)
{
    (void)state;
    tu_alloc_uninstall();
    return 0;
}

static otelc_baggage *parse(const char *h)
{
    otelc_baggage *b = (otelc_baggage *)&b;
    assert_int_equal(otelc_baggage_from_header(&b, h, strlen(h)), OTELC_OK);
    return b;
}

/* Writes b into a fresh buffer (static: one result at a time). */
static const char *header(const otelc_baggage *b)
{
    static char buf[9000];
    size_t n = otelc_baggage_to_header(b, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    return buf;
}

/* ---- the value ------------------------------------------------------------------------- */

/* set adds or replaces, get reads, and the baggage set from is never changed. */
static void test_baggage_set_get_immutable(void **state)
{
    (void)state;
    otelc_baggage *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(otelc_baggage_set(&a, NULL, "user", "alice", NULL), OTELC_OK);
    assert_int_equal(otelc_baggage_set(&b, a, "tenant", "acme", "ttl=30"), OTELC_OK);
    assert_int_equal(otelc_baggage_set(&c, b, "user", "bob", NULL), OTELC_OK);
    assert_string_equal(otelc_baggage_get(a, "user"), "alice");
    assert_null(otelc_baggage_get(a, "tenant"));
    assert_string_equal(otelc_baggage_get(b, "user"), "alice");
    assert_string_equal(otelc_baggage_get(c, "user"), "bob");
    assert_int_equal(otelc_baggage_count(c), 2);
    /* A replaced entry keeps its place. */
    otelc_baggage_entry e;
    assert_int_equal(otelc_baggage_entry_at(c, 0, &e), OTELC_OK);
    assert_string_equal(e.key, "user");
    assert_int_equal(otelc_baggage_get_entry(c, "tenant", &e), OTELC_OK);
    assert_string_equal(e.metadata, "ttl=30");
    assert_int_equal(e.metadata_len, 6);
    assert_int_equal(otelc_baggage_entry_at(c, 2, &e), OTELC_ENOTFOUND);
    assert_int_equal(otelc_baggage_get_entry(c, "nope", &e), OTELC_ENOTFOUND);
    otelc_baggage_free(a);
    otelc_baggage_free(b);
    otelc_baggage_free(c);
}

/* remove drops one key; an absent key gives the same baggage; the last one gives NULL. */
static void test_baggage_remove(void **state)
{
    (void)state;
    otelc_baggage *a = parse("k1=v1,k2=v2"), *b = NULL, *c = NULL, *d = NULL;
    assert_int_equal(otelc_baggage_remove(&b, a, "k1"), OTELC_OK);
    assert_int_equal(otelc_baggage_count(b), 1);
    assert_string_equal(otelc_baggage_get(b, "k2"), "v2");
    assert_int_equal(otelc_baggage_remove(&c, b, "zz"), OTELC_OK);
    assert_ptr_equal(c, b);
    assert_int_equal(otelc_baggage_remove(&d, b, "k2"), OTELC_OK);
    assert_null(d);
    assert_int_equal(otelc_baggage_count(a), 2);
    otelc_baggage_free(a);
    otelc_baggage_free(b);
    otelc_baggage_free(c);
}

static int count_entries(const otelc_baggage_entry *e, void *ud)
{
    int *n = ud;
    (*n)++;
    return strcmp(e->key, "stop") == 0 ? 7 : 0;
}

/* iterate visits entries in order and stops at a non-zero result. */
static void test_baggage_iterate(void **state)
{
    (void)state;
    otelc_baggage *b = parse("a=1,stop=2,c=3");
    int n = 0;
    assert_int_equal(otelc_baggage_iterate(b, count_entries, &n), 7);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(otelc_baggage_iterate(NULL, count_entries, &n), 0);
    assert_int_equal(n, 0);
    otelc_baggage_free(b);
}

/* Arguments are checked at the door, and metadata must be valid properties. */
static void test_baggage_set_validates(void **state)
{
    (void)state;
    otelc_baggage *b = (otelc_baggage *)&b;
    assert_int_equal(otelc_baggage_set(&b, NULL, "", "v", NULL), OTELC_EINVAL);
    assert_int_equal(otelc_baggage_set(&b, NULL, NULL, "v", NULL), OTELC_EINVAL);
    assert_int_equal(otelc_baggage_set(&b, NULL, "k", NULL, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_baggage_set(NULL, NULL, "k", "v", NULL), OTELC_EINVAL);
    assert_int_equal(otelc_baggage_set(&b, NULL, "k", "v", "a,b"), OTELC_EINVAL);
    assert_int_equal(otelc_baggage_set(&b, NULL, "k", "v", "bad key=1"), OTELC_EINVAL);
    assert_ptr_equal(b, (otelc_baggage *)&b);
    assert_null(otelc_baggage_get(NULL, "k"));
    assert_int_equal(otelc_baggage_count(NULL), 0);
}

/* Every allocation failure gives ENOMEM and leaks nothing. */
static void test_baggage_alloc_failures(void **state)
{
    (void)state;
    otelc_baggage *a = parse("k1=v1,k2=v2"), *b = NULL;
    tu_alloc_install(1);
    assert_int_equal(otelc_baggage_set(&b, a, "k3", "v", NULL), OTELC_ENOMEM);
    tu_alloc_install(2);
    assert_int_equal(otelc_baggage_set(&b, a, "k3", "v", NULL), OTELC_ENOMEM);
    tu_alloc_install(1);
    assert_int_equal(otelc_baggage_remove(&b, a, "k1"), OTELC_ENOMEM);
    tu_alloc_install(2);
    assert_int_equal(otelc_baggage_remove(&b, a, "k1"), OTELC_ENOMEM);
    tu_alloc_install(1);
    assert_int_equal(otelc_baggage_from_header(&b, "a=1", 3), OTELC_ENOMEM);
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
    assert_null(b);
    otelc_baggage_free(a);
}

/* The character classes: keys are RFC 7230 tokens; values are W3C baggage-octets. */
static void test_baggage_character_classes(void **state)
{
    (void)state;
    const char *tchar_extra = "!#$%&'*+-.^_`|~";
    for (int c = 0; c < 256; c++) {
        char ch = (char)c;
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        int token = alnum || (c != 0 && strchr(tchar_extra, c) != NULL);
        int octet = c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
                    (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
        assert_int_equal(otelc__baggage_is_token(&ch, 1), token);
        assert_int_equal(otelc__baggage_is_octet((unsigned char)c), octet);
    }
    assert_false(otelc__baggage_is_token("", 0));
}

/* ---- the header: parsing --------------------------------------------------------------- */

/* Optional whitespace is allowed around keys, '=', values, ';' and ','. */
static void test_baggage_header_whitespace(void **state)
{
    (void)state;
    otelc_baggage *b = parse(" k1 = v1 ,\tk2=v2\t; p = 1 ;q ,k3=");
    assert_int_equal(otelc_baggage_count(b), 3);
    assert_string_equal(otelc_baggage_get(b, "k1"), "v1");
    otelc_baggage_entry e;
    assert_int_equal(otelc_baggage_get_entry(b, "k2", &e), OTELC_OK);
    assert_string_equal(e.value, "v2");
    assert_string_equal(e.metadata, "p = 1 ;q");
    assert_string_equal(otelc_baggage_get(b, "k3"), "");
    otelc_baggage_free(b);
}

/* Values are percent-decoded; UTF-8 survives. */
static void test_baggage_header_percent_decoding(void **state)
{
    (void)state;
    otelc_baggage *b = parse("k=a%20b%2C%3B%25%e2%82%ac,plain=x/y:z");
    assert_string_equal(otelc_baggage_get(b, "k"), "a b,;%\xe2\x82\xac");
    assert_string_equal(otelc_baggage_get(b, "plain"), "x/y:z");
    otelc_baggage_free(b);
}

/* Invalid members are skipped; the valid ones around them are kept. */
static void test_baggage_header_invalid_members_skipped(void **state)
{
    (void)state;
    otelc_baggage *b = parse("ok1=1,noequals,bad key=2,k(=3,sp=a b,q=\"x\",esc=%zz,"
                             "trunc=%4,nul=%00,bs=a\\b,props=1;,props2=1;;x,ok2=2");
    assert_int_equal(otelc_baggage_count(b), 2);
    assert_string_equal(otelc_baggage_get(b, "ok1"), "1");
    assert_string_equal(otelc_baggage_get(b, "ok2"), "2");
    otelc_baggage_free(b);
    assert_null(parse("=1, ,,"));
    assert_null(parse(""));
}

/* Properties are kept as opaque metadata, exactly as received (trimmed at the ends). */
static void test_baggage_header_properties_opaque(void **state)
{
    (void)state;
    otelc_baggage *b = parse("k=v;prop1;prop2=val2 ; Prop-3=%20");
    otelc_baggage_entry e;
    assert_int_equal(otelc_baggage_get_entry(b, "k", &e), OTELC_OK);
    assert_string_equal(e.metadata, "prop1;prop2=val2 ; Prop-3=%20");
    assert_string_equal(header(b), "k=v;prop1;prop2=val2 ; Prop-3=%20");
    otelc_baggage_free(b);
}

/* A repeated key: the later member wins. */
static void test_baggage_header_duplicate_key_last_wins(void **state)
{
    (void)state;
    otelc_baggage *b = parse("k=1,j=2,k=3");
    assert_int_equal(otelc_baggage_count(b), 2);
    assert_string_equal(otelc_baggage_get(b, "k"), "3");
    otelc_baggage_free(b);
}

/* At least (and at most) 64 members are kept; later ones are dropped whole. */
static void test_baggage_header_64_members(void **state)
{
    (void)state;
    char h[2000];
    size_t n = 0;
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(h + n, sizeof h - n, "%sk%d=v%d", i ? "," : "", i, i);
    otelc_baggage *b = parse(h);
    assert_int_equal(otelc_baggage_count(b), 64);
    assert_string_equal(otelc_baggage_get(b, "k63"), "v63");
    assert_null(otelc_baggage_get(b, "k64"));
    otelc_baggage_free(b);
}

/* At least 8192 bytes are kept; a member that would pass them is dropped whole. */
static void test_baggage_header_8192_bytes(void **state)
{
    (void)state;
    static char h[10000];
    /* Four members of 2046 characters plus three commas make 8187 bytes; then a member that
     * would make 8193, and one that makes exactly 8192. */
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        n += (size_t)snprintf(h + n, sizeof h - n, "%sk%d=", i ? "," : "", i);
        memset(h + n, 'v', 2043);
        n += 2043;
    }
    h[n] = '\0';
    assert_int_equal(n, 8187);
    strcat(h, ",a=123");
    otelc_baggage *b = parse(h);
    assert_int_equal(otelc_baggage_count(b), 4);
    assert_null(otelc_baggage_get(b, "a"));
    otelc_baggage_free(b);
    h[8187] = '\0';
    strcat(h, ",a=12");
    b = parse(h);
    assert_int_equal(otelc_baggage_count(b), 5);
    assert_string_equal(header(b), h);
    otelc_baggage_free(b);
}

/* ---- the header: writing --------------------------------------------------------------- */

/* Values are percent-encoded where the grammar needs it, and only there. */
static void test_baggage_header_percent_encoding(void **state)
{
    (void)state;
    otelc_baggage *b = NULL, *c = NULL;
    assert_int_equal(otelc_baggage_set(&b, NULL, "k", "a b,c;d\"e\\f%g\xe2\x82\xac/h:i=j", NULL),
                     OTELC_OK);
    assert_string_equal(header(b), "k=a%20b%2Cc%3Bd%22e%5Cf%25g%E2%82%AC/h:i=j");
    /* And it comes back as it went. */
    c = parse(header(b));
    assert_string_equal(otelc_baggage_get(c, "k"), otelc_baggage_get(b, "k"));
    otelc_baggage_free(c);
    otelc_baggage_free(b);
}

/* A key that is not a token cannot be sent: that entry is left out, the others are not. */
static void test_baggage_header_non_token_key_skipped(void **state)
{
    (void)state;
    otelc_baggage *a = NULL, *b = NULL, *c = NULL;
    otelc_baggage_set(&a, NULL, "good", "1", NULL);
    otelc_baggage_set(&b, a, "not a token", "2", NULL);
    otelc_baggage_set(&c, b, "also-good", "3", "p=1");
    tu_log_capture(OTELC_LOG_WARN);
    assert_string_equal(header(c), "good=1,also-good=3;p=1");
    assert_true(tu_log_contains("not propagated"));
    assert_false(tu_log_contains("not a token=")); /* no baggage content in logs */
    tu_log_release();
    otelc_baggage_free(a);
    otelc_baggage_free(b);
    otelc_baggage_free(c);
}

/* At most 64 members and 8192 bytes go out; members are never cut. */
static void test_baggage_header_write_limits(void **state)
{
    (void)state;
    otelc_baggage *b = NULL;
    char k[16];
    for (int i = 0; i < 70; i++) {
        otelc_baggage *n = NULL;
        snprintf(k, sizeof k, "k%d", i);
        assert_int_equal(otelc_baggage_set(&n, b, k, "v", NULL), OTELC_OK);
        otelc_baggage_free(b);
        b = n;
    }
    tu_log_capture(OTELC_LOG_WARN);
    otelc_baggage *back = parse(header(b));
    assert_int_equal(otelc_baggage_count(back), 64);
    otelc_baggage_free(back);
    /* A small buffer gets whole members only. */
    char small[12];
    assert_int_equal(otelc_baggage_to_header(b, small, sizeof small), 9);
    assert_string_equal(small, "k0=v,k1=v");
    assert_int_equal(otelc_baggage_to_header(b, small, 0), 0);
    assert_int_equal(otelc_baggage_to_header(NULL, small, sizeof small), 0);
    assert_string_equal(small, "");
    tu_log_release();
    otelc_baggage_free(b);

    /* A value that encodes past 8192 bytes is left out whole. */
    static char big[5000];
    memset(big, ' ', 3000);
    big[3000] = '\0';
    otelc_baggage *x = NULL, *y = NULL;
    otelc_baggage_set(&x, NULL, "big", big, NULL);
    otelc_baggage_set(&y, x, "small", "1", NULL);
    tu_log_capture(OTELC_LOG_WARN);
    assert_string_equal(header(y), "small=1");
    tu_log_release();
    otelc_baggage_free(x);
    otelc_baggage_free(y);
}

/* ---- the propagator -------------------------------------------------------------------- */

/* Extract puts the baggage in the context; inject writes it back; repeated fields join. */
static void test_baggage_propagator_round_trip(void **state)
{
    (void)state;
    otelc_propagator *p = NULL;
    assert_int_equal(otelc_propagator_baggage(&p), OTELC_OK);
    otelc_context *c = pu_extract(p, (const char *[]){"baggage", "a=1;m", "Baggage",
                                                      "b=%20x", NULL});
    const otelc_baggage *b = otelc_context_get_baggage(c);
    assert_int_equal(otelc_baggage_count(b), 2);
    assert_string_equal(otelc_baggage_get(b, "b"), " x");
    assert_null(otelc_context_get_span(c));
    otelc_http_headers out;
    pu_inject(p, c, &out);
    assert_string_equal(pu_get(&out, "baggage"), "a=1;m,b=%20x");
    otelc_http_headers_clear(&out);
    otelc_context_free(c);
    /* Nothing valid: the base context comes back, and nothing is injected. */
    c = pu_extract(p, (const char *[]){"baggage", "no equals", NULL});
    assert_null(otelc_context_get_baggage(c));
    pu_inject(p, c, &out);
    assert_int_equal(out.count, 0);
    otelc_http_headers_clear(&out);
    otelc_context_free(c);
    const char *const *names;
    assert_int_equal(otelc_propagator_fields(p, &names), 1);
    assert_string_equal(names[0], "baggage");
    otelc_propagator_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_baggage_set_get_immutable, teardown),
        cmocka_unit_test_teardown(test_baggage_remove, teardown),
        cmocka_unit_test_teardown(test_baggage_iterate, teardown),
        cmocka_unit_test_teardown(test_baggage_set_validates, teardown),
        cmocka_unit_test_teardown(test_baggage_alloc_failures, teardown),
        cmocka_unit_test_teardown(test_baggage_character_classes, teardown),
        cmocka_unit_test_teardown(test_baggage_header_whitespace, teardown),
        cmocka_unit_test_teardown(test_baggage_header_percent_decoding, teardown),
        cmocka_unit_test_teardown(test_baggage_header_invalid_members_skipped, teardown),
        cmocka_unit_test_teardown(test_baggage_header_properties_opaque, teardown),
        cmocka_unit_test_teardown(test_baggage_header_duplicate_key_last_wins, teardown),
        cmocka_unit_test_teardown(test_baggage_header_64_members, teardown),
        cmocka_unit_test_teardown(test_baggage_header_8192_bytes, teardown),
        cmocka_unit_test_teardown(test_baggage_header_percent_encoding, teardown),
        cmocka_unit_test_teardown(test_baggage_header_non_token_key_skipped, teardown),
        cmocka_unit_test_teardown(test_baggage_header_write_limits, teardown),
        cmocka_unit_test_teardown(test_baggage_propagator_round_trip, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
