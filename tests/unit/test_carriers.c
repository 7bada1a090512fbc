/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the carrier adapters: HTTP header arrays, nghttp2 name/value lists and the binary
 * header block (its byte format pinned exactly). */
#include "testutil.h"

#include <string.h>

#ifdef OTELC_TEST_NGHTTP2
#include <nghttp2/nghttp2.h>
#endif

static int teardown(void **state)
{
    (void)state;
    tu_alloc_uninstall();
    return 0;
}

/* The index-th value of name through a getter, NUL-terminated in a static buffer, or NULL. */
static const char *get(const otelc_carrier_getter *g, const char *name, size_t index)
{
    static char buf[128];
    const char *v = NULL;
    size_t len = 0;
    if (g->get(g->user_data, name, index, &v, &len) != 1)
        return NULL;
    assert_true(len < sizeof buf);
    memcpy(buf, v, len);
    buf[len] = '\0';
    return buf;
}

static int set(const otelc_carrier_setter *s, const char *name, const char *value)
{
    return s->set(s->user_data, name, value, strlen(value));
}

/* ---- HTTP headers ---------------------------------------------------------------------- */

/* Names match case-insensitively; repeated fields have one index each, in order; only the
 * given lengths are read. */
static void test_carriers_http_get(void **state)
{
    (void)state;
    otelc_http_header items[] = {
        {"Content-Type", 12, "text/plain", 10},
        {"TraceState", 10, "a=1XXX", 3},
        {"traceparent-x", 11, "00-abc", 6},
        {"tracestate", 10, "b=2", 3},
    };
    otelc_http_headers h;
    otelc_http_headers_wrap(&h, items, 4);
    otelc_carrier_getter g = otelc_http_headers_getter(&h);
    assert_string_equal(get(&g, "tracestate", 0), "a=1");
    assert_string_equal(get(&g, "tracestate", 1), "b=2");
    assert_null(get(&g, "tracestate", 2));
    assert_string_equal(get(&g, "traceparent", 0), "00-abc");
    assert_null(get(&g, "content", 0));
    /* A wrapped list is read-only. */
    otelc_carrier_setter s = otelc_http_headers_setter(&h);
    assert_int_equal(set(&s, "x", "1"), OTELC_ESTATE);
    otelc_http_headers_clear(&h);
    assert_int_equal(h.count, 0);
}

/* An owning list appends new fields, replaces an existing one, and frees all on clear. */
static void test_carriers_http_set(void **state)
{
    (void)state;
    tu_alloc_install(0);
    otelc_http_headers h;
    otelc_http_headers_init(&h);
    otelc_carrier_setter s = otelc_http_headers_setter(&h);
    for (int i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", i);
        assert_int_equal(set(&s, name, "v"), OTELC_OK);
    }
    assert_int_equal(set(&s, "F3", "new"), OTELC_OK);
    assert_int_equal(h.count, 10);
    assert_string_equal(h.items[3].name, "F3");
    assert_string_equal(h.items[3].value, "new");
    assert_int_equal(h.items[3].value_len, 3);
    otelc_carrier_getter g = otelc_http_headers_getter(&h);
    assert_string_equal(get(&g, "f3", 0), "new");
    otelc_http_headers_clear(&h);
    assert_int_equal(h.count, 0);
    assert_int_equal(tu_alloc_live(), 0);
}

/* Allocation failures in the setter give ENOMEM and leave the list as it was. */
static void test_carriers_http_set_alloc_failure(void **state)
{
    (void)state;
    otelc_http_headers h;
    otelc_http_headers_init(&h);
    otelc_carrier_setter s = otelc_http_headers_setter(&h);
    tu_alloc_install(1);
    assert_int_equal(set(&s, "a", "1"), OTELC_ENOMEM);
    tu_alloc_install(2);
    assert_int_equal(set(&s, "a", "1"), OTELC_ENOMEM);
    assert_int_equal(h.count, 0);
    assert_int_equal(set(&s, "a", "1"), OTELC_OK);
    otelc_http_headers_clear(&h);
    assert_int_equal(tu_alloc_live(), 0);
}

/* ---- nghttp2 --------------------------------------------------------------------------- */

#ifdef OTELC_TEST_NGHTTP2
#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1, 0}

/* gRPC metadata: a received nghttp2_nv list is read case-insensitively. */
static void test_carriers_nghttp2_get(void **state)
{
    (void)state;
    nghttp2_nv nva[] = {NV(":path", "/svc/Method"), NV("traceparent", "00-x"),
                        NV("Baggage", "k=v"), NV("baggage", "j=w")};
    otelc_nghttp2_headers h;
    otelc_nghttp2_headers_wrap(&h, nva, 4);
    otelc_carrier_getter g = otelc_nghttp2_headers_getter(&h);
    assert_string_equal(get(&g, "traceparent", 0), "00-x");
    assert_string_equal(get(&g, "baggage", 1), "j=w");
    assert_null(get(&g, "tracestate", 0));
    otelc_carrier_setter s = otelc_nghttp2_headers_setter(&h);
    assert_int_equal(set(&s, "x", "1"), OTELC_ESTATE);
}

/* Injection builds nghttp2_nv pairs ready for nghttp2_submit_request(). */
static void test_carriers_nghttp2_set(void **state)
{
    (void)state;
    tu_alloc_install(0);
    otelc_nghttp2_headers h;
    otelc_nghttp2_headers_init(&h);
    otelc_carrier_setter s = otelc_nghttp2_headers_setter(&h);
    assert_int_equal(set(&s, "traceparent", "one"), OTELC_OK);
    assert_int_equal(set(&s, "baggage", "k=v"), OTELC_OK);
    assert_int_equal(set(&s, "traceparent", "two"), OTELC_OK);
    assert_int_equal(h.nvlen, 2);
    nghttp2_nv *nva = h.nva;
    assert_int_equal(nva[0].namelen, 11);
    assert_memory_equal(nva[0].name, "traceparent", 11);
    assert_int_equal(nva[0].valuelen, 3);
    assert_memory_equal(nva[0].value, "two", 3);
    assert_int_equal(nva[1].flags, NGHTTP2_NV_FLAG_NONE);
    otelc_nghttp2_headers_clear(&h);
    assert_int_equal(tu_alloc_live(), 0);
}
#endif

/* ---- the binary header block ----------------------------------------------------------- */

/* The byte format: version, count, then name length, name, 16-bit big-endian value length,
 * value. */
static void test_carriers_binary_exact_bytes(void **state)
{
    (void)state;
    uint8_t buf[64];
    otelc_binary_block_writer w;
    otelc_binary_block_writer_init(&w, buf, sizeof buf);
    assert_int_equal(w.len, 2);
    assert_memory_equal(buf, "\x01\x00", 2);
    otelc_carrier_setter s = otelc_binary_block_writer_setter(&w);
    assert_int_equal(set(&s, "ab", "xyz"), OTELC_OK);
    assert_int_equal(set(&s, "C", ""), OTELC_OK);
    static const uint8_t want[] = {0x01, 0x02, 0x02, 'a', 'b', 0x00, 0x03, 'x', 'y', 'z',
                                   0x01, 'c', 0x00, 0x00};
    assert_int_equal(w.len, sizeof want);
    assert_memory_equal(buf, want, sizeof want);
    assert_int_equal(w.err, 0);
}

/* What the writer makes the reader takes; fields are found case-insensitively. */
static void test_carriers_binary_round_trip(void **state)
{
    (void)state;
    uint8_t buf[512];
    char big[300];
    memset(big, 'b', 299);
    big[299] = '\0';
    otelc_binary_block_writer w;
    otelc_binary_block_writer_init(&w, buf, sizeof buf);
    otelc_carrier_setter s = otelc_binary_block_writer_setter(&w);
    assert_int_equal(set(&s, "traceparent", "00-1"), OTELC_OK);
    assert_int_equal(set(&s, "baggage", big), OTELC_OK);
    assert_int_equal(set(&s, "TraceParent", "00-2"), OTELC_OK);
    otelc_binary_block b;
    assert_int_equal(otelc_binary_block_parse(&b, buf, w.len), OTELC_OK);
    assert_int_equal(b.count, 2);
    otelc_carrier_getter g = otelc_binary_block_getter(&b);
    assert_string_equal(get(&g, "traceparent", 0), "00-2");
    assert_null(get(&g, "traceparent", 1));
    const char *v;
    size_t len;
    assert_int_equal(g.get(g.user_data, "BAGGAGE", 0, &v, &len), 1);
    assert_int_equal(len, 299);
    assert_null(get(&g, "tracestate", 0));
}

/* The reader rejects anything but exactly one whole block. */
static void test_carriers_binary_parse_rejects(void **state)
{
    (void)state;
    otelc_binary_block b;
    static const uint8_t ok[] = {0x01, 0x01, 0x01, 'k', 0x00, 0x01, 'v'};
    assert_int_equal(otelc_binary_block_parse(&b, ok, sizeof ok), OTELC_OK);
    assert_int_equal(otelc_binary_block_parse(&b, "\x01\x00", 2), OTELC_OK);
    assert_int_equal(b.count, 0);
    /* Every shorter prefix is truncated. */
    for (size_t n = 0; n < sizeof ok; n++)
        assert_int_equal(otelc_binary_block_parse(&b, ok, n), OTELC_EPARSE);
    static const uint8_t trailing[] = {0x01, 0x00, 0x00};
    assert_int_equal(otelc_binary_block_parse(&b, trailing, 3), OTELC_EPARSE);
    static const uint8_t version[] = {0x02, 0x00};
    assert_int_equal(otelc_binary_block_parse(&b, version, 2), OTELC_EPARSE);
    static const uint8_t empty_name[] = {0x01, 0x01, 0x00, 0x00, 0x00};
    assert_int_equal(otelc_binary_block_parse(&b, empty_name, 5), OTELC_EPARSE);
    static const uint8_t long_value[] = {0x01, 0x01, 0x01, 'k', 0xff, 0xff, 'v'};
    assert_int_equal(otelc_binary_block_parse(&b, long_value, 7), OTELC_EPARSE);
    static const uint8_t count_high[] = {0x01, 0x02, 0x01, 'k', 0x00, 0x01, 'v'};
    assert_int_equal(otelc_binary_block_parse(&b, count_high, 7), OTELC_EPARSE);
    assert_int_equal(otelc_binary_block_parse(&b, NULL, 2), OTELC_EINVAL);
    assert_int_equal(otelc_binary_block_parse(NULL, ok, 7), OTELC_EINVAL);
}

/* A field that does not fit fails with EFULL and leaves the block whole. */
static void test_carriers_binary_writer_full(void **state)
{
    (void)state;
    uint8_t buf[16];
    otelc_binary_block_writer w;
    otelc_binary_block_writer_init(&w, buf, sizeof buf);
    otelc_carrier_setter s = otelc_binary_block_writer_setter(&w);
    assert_int_equal(set(&s, "a", "12345678"), OTELC_OK); /* 2 + 12 = 14 bytes */
    assert_int_equal(set(&s, "b", "1"), OTELC_EFULL);
    /* Replacing "a" with a longer value that does not fit keeps the old entry. */
    assert_int_equal(set(&s, "a", "123456789012"), OTELC_EFULL);
    assert_int_equal(w.err, OTELC_EFULL);
    otelc_binary_block b;
    assert_int_equal(otelc_binary_block_parse(&b, buf, w.len), OTELC_OK);
    otelc_carrier_getter g = otelc_binary_block_getter(&b);
    assert_string_equal(get(&g, "a", 0), "12345678");
    /* Shrinking in place works. */
    assert_int_equal(set(&s, "a", "1"), OTELC_OK);
    assert_int_equal(w.len, 7);
    otelc_binary_block_writer_init(&w, buf, 1);
    assert_int_equal(w.err, OTELC_EFULL);
    assert_int_equal(set(&s, "a", "1"), OTELC_EFULL);
}

/* Names of 1 to 255 bytes, values up to 65535 bytes, at most 255 entries. */
static void test_carriers_binary_writer_limits(void **state)
{
    (void)state;
    static uint8_t buf[70000];
    static char value[65537];
    char name[300];
    otelc_binary_block_writer w;
    /* Room for exactly the 255-byte name entry and the 65535-byte value entry. */
    otelc_binary_block_writer_init(&w, buf, 2 + (1 + 255 + 2 + 1) + (1 + 3 + 2 + 65535));
    otelc_carrier_setter s = otelc_binary_block_writer_setter(&w);
    memset(name, 'n', 256);
    name[256] = '\0';
    assert_int_equal(set(&s, name, "v"), OTELC_EINVAL);
    name[255] = '\0';
    assert_int_equal(set(&s, name, "v"), OTELC_OK);
    memset(value, 'v', 65536);
    assert_int_equal(s.set(s.user_data, "big", value, 65536), OTELC_EINVAL);
    assert_int_equal(s.set(s.user_data, "big", value, 65535), OTELC_OK);
    assert_int_equal(s.set(s.user_data, "more", "v", 1), OTELC_EFULL);
    otelc_binary_block_writer_init(&w, buf, sizeof buf);
    for (int i = 0; i < 255; i++) {
        snprintf(name, sizeof name, "k%d", i);
        assert_int_equal(set(&s, name, "v"), OTELC_OK);
    }
    assert_int_equal(set(&s, "one-more", "v"), OTELC_EINVAL);
    otelc_binary_block b;
    assert_int_equal(otelc_binary_block_parse(&b, buf, w.len), OTELC_OK);
    assert_int_equal(b.count, 255);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_carriers_http_get, teardown),
        cmocka_unit_test_teardown(test_carriers_http_set, teardown),
        cmocka_unit_test_teardown(test_carriers_http_set_alloc_failure, teardown),
#ifdef OTELC_TEST_NGHTTP2
        cmocka_unit_test_teardown(test_carriers_nghttp2_get, teardown),
        cmocka_unit_test_teardown(test_carriers_nghttp2_set, teardown),
#endif
        cmocka_unit_test_teardown(test_carriers_binary_exact_bytes, teardown),
        cmocka_unit_test_teardown(test_carriers_binary_round_trip, teardown),
        cmocka_unit_test_teardown(test_carriers_binary_parse_rejects, teardown),
        cmocka_unit_test_teardown(test_carriers_binary_writer_full, teardown),
        cmocka_unit_test_teardown(test_carriers_binary_writer_limits, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
