/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the pure gRPC wire helpers: grpc-timeout, grpc-message, status mappings, message
 * framing, base64, and the RetryInfo and partial_success readers. */
#include <string.h>

#include "testutil.h"

#include "exporters/otlp_grpc/grpc_reply.h"
#include "exporters/otlp_grpc/grpc_wire.h"

/* PROTOCOL-HTTP2: TimeoutValue is at most 8 digits; the finest unit that fits, rounded up. */
static void test_grpc_wire_timeout_format(void **state)
{
    (void)state;
    static const struct {
        uint64_t ns;
        const char *want;
    } cases[] = {
        {1, "1n"},
        {0, "1n"},
        {99999999, "99999999n"},
        {100000000, "100000u"},
        {100000001, "100001u"},
        {10000000000ull, "10000000u"},
        {100000000000ull, "100000m"},
        {100000000000000ull, "100000S"},
        {100000000000000000ull, "1666667M"},
        {UINT64_MAX, "5124096H"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[10];
        size_t n = otelc__grpc_timeout_format(cases[i].ns, out);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(n, strlen(cases[i].want));
    }
}

/* PROTOCOL-HTTP2: grpc-message is percent-decoded; a bad escape is kept, never an error. */
static void test_grpc_wire_message_decode(void **state)
{
    (void)state;
    char out[64];
    const char *in = "bad%20spans%3A%20%E2%9C%93 %zz 50%";
    otelc__grpc_message_decode(in, strlen(in), out, sizeof out);
    assert_string_equal(out, "bad spans: \xE2\x9C\x93 %zz 50%");
    /* Control bytes become '?', so the message is safe to log. */
    otelc__grpc_message_decode("a%0Ab%00c", 9, out, sizeof out);
    assert_string_equal(out, "a?b?c");
    /* Cut when the buffer is full. */
    assert_int_equal(otelc__grpc_message_decode("abcdef", 6, out, 4), 3);
    assert_string_equal(out, "abc");
}

/* http-grpc-status-mapping.md, and RST_STREAM codes as gRPC clients map them. */
static void test_grpc_wire_status_mappings(void **state)
{
    (void)state;
    assert_int_equal(otelc__grpc_status_from_http(400), OTELC__GRPC_INTERNAL);
    assert_int_equal(otelc__grpc_status_from_http(401), OTELC__GRPC_UNAUTHENTICATED);
    assert_int_equal(otelc__grpc_status_from_http(403), OTELC__GRPC_PERMISSION_DENIED);
    assert_int_equal(otelc__grpc_status_from_http(404), OTELC__GRPC_UNIMPLEMENTED);
    assert_int_equal(otelc__grpc_status_from_http(429), OTELC__GRPC_UNAVAILABLE);
    assert_int_equal(otelc__grpc_status_from_http(502), OTELC__GRPC_UNAVAILABLE);
    assert_int_equal(otelc__grpc_status_from_http(503), OTELC__GRPC_UNAVAILABLE);
    assert_int_equal(otelc__grpc_status_from_http(504), OTELC__GRPC_UNAVAILABLE);
    assert_int_equal(otelc__grpc_status_from_http(500), OTELC__GRPC_UNKNOWN);
    assert_int_equal(otelc__grpc_status_from_http(302), OTELC__GRPC_UNKNOWN);
    assert_int_equal(otelc__grpc_status_from_rst(0x7), OTELC__GRPC_UNAVAILABLE);
    assert_int_equal(otelc__grpc_status_from_rst(0x8), OTELC__GRPC_CANCELLED);
    assert_int_equal(otelc__grpc_status_from_rst(0xb), OTELC__GRPC_RESOURCE_EXHAUSTED);
    assert_int_equal(otelc__grpc_status_from_rst(0xc), OTELC__GRPC_PERMISSION_DENIED);
    assert_int_equal(otelc__grpc_status_from_rst(0x1), OTELC__GRPC_INTERNAL);
    assert_int_equal(otelc__grpc_status_from_rst(0x0), OTELC__GRPC_INTERNAL);
    assert_string_equal(otelc__grpc_code_name(14), "UNAVAILABLE");
    assert_string_equal(otelc__grpc_code_name(16), "UNAUTHENTICATED");
    assert_string_equal(otelc__grpc_code_name(17), "UNKNOWN_CODE");
    assert_string_equal(otelc__grpc_code_name(-1), "UNKNOWN_CODE");
}

static void test_grpc_wire_status_parse(void **state)
{
    (void)state;
    int c = -1;
    assert_int_equal(otelc__grpc_status_parse("14", 2, &c), 0);
    assert_int_equal(c, 14);
    assert_int_equal(otelc__grpc_status_parse("0", 1, &c), 0);
    assert_int_equal(c, 0);
    assert_int_equal(otelc__grpc_status_parse("", 0, &c), -1);
    assert_int_equal(otelc__grpc_status_parse("-1", 2, &c), -1);
    assert_int_equal(otelc__grpc_status_parse("1 ", 2, &c), -1);
    assert_int_equal(otelc__grpc_status_parse("9999999999", 10, &c), -1);
}

/* Length-Prefixed-Message: the compressed flag, then the length in 4 big-endian bytes. */
static void test_grpc_wire_frame_prefix(void **state)
{
    (void)state;
    uint8_t p[5];
    otelc__grpc_frame_prefix(p, 1, 0x01020304u);
    assert_memory_equal(p, "\x01\x01\x02\x03\x04", 5);
    otelc__grpc_frame_prefix(p, 0, 5);
    assert_memory_equal(p, "\x00\x00\x00\x00\x05", 5);
}

/* A message arriving byte by byte is put back together; a second one is counted, not kept. */
static void test_grpc_wire_deframe_pieces(void **state)
{
    (void)state;
    struct otelc__grpc_deframer d;
    static const uint8_t body[] = "\x00\x00\x00\x00\x03" "abc" "\x01\x00\x00\x00\x01" "z";
    otelc__grpc_deframer_init(&d, 16);
    for (size_t i = 0; i < sizeof body - 1; i++) {
        assert_int_equal(otelc__grpc_deframe(&d, body + i, 1), OTELC_OK);
        assert_int_equal(otelc__grpc_deframer_complete(&d), i == 7 || i == 13);
    }
    assert_int_equal(d.messages, 2);
    assert_int_equal(d.msg.len, 3);
    assert_memory_equal(d.msg.data, "abc", 3);
    assert_int_equal(d.compressed, 0);
    otelc__grpc_deframer_reset(&d);
    assert_int_equal(d.messages, 0);
    assert_int_equal(d.msg.len, 0);
    /* An empty message is a message. */
    assert_int_equal(otelc__grpc_deframe(&d, (const uint8_t *)"\x01\x00\x00\x00\x00", 5),
                     OTELC_OK);
    assert_int_equal(d.messages, 1);
    assert_int_equal(d.compressed, 1);
    otelc__grpc_deframer_free(&d);
}

/* A response message over the limit is refused before it is buffered. */
static void test_grpc_wire_deframe_limit(void **state)
{
    (void)state;
    struct otelc__grpc_deframer d;
    otelc__grpc_deframer_init(&d, 4);
    assert_int_equal(otelc__grpc_deframe(&d, (const uint8_t *)"\x00\x7f\xff\xff\xff", 5),
                     OTELC_EREJECTED);
    assert_true(d.too_large);
    assert_false(otelc__grpc_deframer_complete(&d));
    assert_int_equal(otelc__grpc_deframe(&d, (const uint8_t *)"x", 1), OTELC_EREJECTED);
    assert_int_equal(d.msg.len, 0);
    otelc__grpc_deframer_free(&d);
    /* A partial prefix is an incomplete body. */
    otelc__grpc_deframer_init(&d, 4);
    assert_int_equal(otelc__grpc_deframe(&d, (const uint8_t *)"\x00\x00", 2), OTELC_OK);
    assert_false(otelc__grpc_deframer_complete(&d));
    otelc__grpc_deframer_free(&d);
}

/* Binary metadata (-bin) is base64; receivers accept it with or without padding. */
static void test_grpc_wire_base64(void **state)
{
    (void)state;
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                                      "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char out[16];
        uint8_t dec[16];
        size_t n = 0;
        otelc__base64_encode((const uint8_t *)plain[i], strlen(plain[i]), out);
        assert_string_equal(out, enc[i]);
        assert_int_equal(otelc__base64_decode(enc[i], strlen(enc[i]), dec, &n), 0);
        assert_int_equal(n, strlen(plain[i]));
        assert_memory_equal(dec, plain[i], n);
        /* Unpadded. */
        size_t len = strlen(enc[i]);
        while (len > 0 && enc[i][len - 1] == '=')
            len--;
        assert_int_equal(otelc__base64_decode(enc[i], len, dec, &n), 0);
        assert_int_equal(n, strlen(plain[i]));
    }
    uint8_t dec[16];
    size_t n;
    assert_int_equal(otelc__base64_decode("Zm9v!", 5, dec, &n), -1);
    assert_int_equal(otelc__base64_decode("Z", 1, dec, &n), -1);
    assert_int_equal(otelc__base64_decode("Zm=v", 4, dec, &n), -1);
}

/* google.rpc.Status{code 8, message "slow down", details [Any{RetryInfo{1.5 s}}]}. */
static const uint8_t status_retry_info[] = {
    0x08, 0x08, 0x12, 0x09, 's', 'l', 'o', 'w', ' ', 'd', 'o', 'w', 'n', 0x1a, 0x36, 0x0a, 0x28,
    't', 'y', 'p', 'e', '.', 'g', 'o', 'o', 'g', 'l', 'e', 'a', 'p', 'i', 's', '.', 'c', 'o', 'm',
    '/', 'g', 'o', 'o', 'g', 'l', 'e', '.', 'r', 'p', 'c', '.', 'R', 'e', 't', 'r', 'y', 'I', 'n',
    'f', 'o', 0x12, 0x0a, 0x0a, 0x08, 0x08, 0x01, 0x10, 0x80, 0xca, 0xb5, 0xee, 0x01};

/* RetryInfo's retry_delay is read from the status details; other details are skipped. */
static void test_grpc_wire_retry_info(void **state)
{
    (void)state;
    uint64_t d = 0;
    assert_int_equal(otelc__grpc_retry_info(status_retry_info, sizeof status_retry_info, &d), 1);
    assert_int_equal(d, 1500000000ull);
    /* Without details: none. */
    assert_int_equal(otelc__grpc_retry_info(status_retry_info, 13, &d), 0);
    assert_int_equal(otelc__grpc_retry_info(NULL, 0, &d), 0);
    /* Another type of detail (the URL changed by one byte): none. */
    uint8_t other[sizeof status_retry_info];
    memcpy(other, status_retry_info, sizeof other);
    other[20] = 'X';
    assert_int_equal(otelc__grpc_retry_info(other, sizeof other, &d), 0);
    /* Cut short anywhere: malformed, never a read past the end. */
    for (size_t n = 14; n < sizeof status_retry_info; n++)
        assert_int_equal(otelc__grpc_retry_info(status_retry_info, n, &d), -1);
}

/* ExportTraceServiceResponse.partial_success {rejected_spans 3, error_message "old"}. */
static void test_grpc_wire_partial_success(void **state)
{
    (void)state;
    static const uint8_t msg[] = {0x0a, 0x07, 0x08, 0x03, 0x12, 0x03, 'o', 'l', 'd'};
    int64_t rejected = -1;
    const char *m;
    size_t mlen;
    assert_int_equal(otelc__grpc_partial_success(msg, sizeof msg, &rejected, &m, &mlen), 1);
    assert_int_equal(rejected, 3);
    assert_int_equal(mlen, 3);
    assert_memory_equal(m, "old", 3);
    assert_int_equal(otelc__grpc_partial_success(msg, 0, &rejected, &m, &mlen), 0);
    assert_int_equal(rejected, 0);
    /* An empty partial_success is present, with nothing rejected. */
    assert_int_equal(otelc__grpc_partial_success((const uint8_t *)"\x0a\x00", 2, &rejected, &m,
                                                 &mlen), 1);
    assert_int_equal(rejected, 0);
    /* Unknown fields are skipped (fixed64, fixed32, varint). */
    static const uint8_t unknown[] = {0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1d, 1, 2, 3, 4, 0x20, 0x05,
                                      0x0a, 0x02, 0x08, 0x09};
    assert_int_equal(otelc__grpc_partial_success(unknown, sizeof unknown, &rejected, &m, &mlen),
                     1);
    assert_int_equal(rejected, 9);
    for (size_t n = 1; n < sizeof msg; n++)
        assert_int_equal(otelc__grpc_partial_success(msg, n, &rejected, &m, &mlen), -1);
    /* Groups and field 0 are malformed. */
    assert_int_equal(otelc__grpc_partial_success((const uint8_t *)"\x0b", 1, &rejected, &m,
                                                 &mlen), -1);
    assert_int_equal(otelc__grpc_partial_success((const uint8_t *)"\x00\x01", 2, &rejected, &m,
                                                 &mlen), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grpc_wire_timeout_format),
        cmocka_unit_test(test_grpc_wire_message_decode),
        cmocka_unit_test(test_grpc_wire_status_mappings),
        cmocka_unit_test(test_grpc_wire_status_parse),
        cmocka_unit_test(test_grpc_wire_frame_prefix),
        cmocka_unit_test(test_grpc_wire_deframe_pieces),
        cmocka_unit_test(test_grpc_wire_deframe_limit),
        cmocka_unit_test(test_grpc_wire_base64),
        cmocka_unit_test(test_grpc_wire_retry_info),
        cmocka_unit_test(test_grpc_wire_partial_success),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
