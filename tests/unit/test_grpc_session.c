/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the gRPC client session (nghttp2 callbacks, frame handling, header and trailer
 * parsing, status synthesis) against an nghttp2 server session in memory: no sockets. */
#include <string.h>

#include "testutil.h"

#include "exporters/otlp_grpc/grpc_session.h"

#define NV(n, v)                                                                              \
    {                                                                                         \
        (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1, NGHTTP2_NV_FLAG_NONE    \
    }

/* The server side of the test: what it received, and what it answers with. */
struct server {
    nghttp2_session *ng;
    int32_t stream;
    int request_done;
    char names[32][64];
    char values[32][128];
    int nheaders;
    uint8_t body[256];
    size_t body_len;
    /* The answer's DATA and trailers. */
    const uint8_t *data;
    size_t data_len;
    const nghttp2_nv *trailers;
    size_t ntrailers;
};

static int srv_on_header(nghttp2_session *ng, const nghttp2_frame *f, const uint8_t *name,
                         size_t nl, const uint8_t *value, size_t vl, uint8_t flags, void *ud)
{
    struct server *s = ud;
    if (s->nheaders < 32 && nl < 64 && vl < 128) {
        memcpy(s->names[s->nheaders], name, nl);
        s->names[s->nheaders][nl] = '\0';
        memcpy(s->values[s->nheaders], value, vl);
        s->values[s->nheaders][vl] = '\0';
        s->nheaders++;
    }
    return 0;
}

static int srv_on_data(nghttp2_session *ng, uint8_t flags, int32_t id, const uint8_t *d,
                       size_t n, void *ud)
{
    struct server *s = ud;
    if (s->body_len + n <= sizeof s->body) {
        memcpy(s->body + s->body_len, d, n);
        s->body_len += n;
    }
    return 0;
}

static int srv_on_frame(nghttp2_session *ng, const nghttp2_frame *f, void *ud)
{
    struct server *s = ud;
    if ((f->hd.type == NGHTTP2_HEADERS || f->hd.type == NGHTTP2_DATA) &&
        (f->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
        s->request_done = 1;
        s->stream = f->hd.stream_id;
    }
    return 0;
}

static ssize_t srv_read(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t len,
                        uint32_t *flags, nghttp2_data_source *src, void *ud)
{
    struct server *s = ud;
    size_t n = s->data_len < len ? s->data_len : len;
    memcpy(buf, s->data, n);
    s->data += n;
    s->data_len -= n;
    if (s->data_len == 0) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        if (s->trailers) {
            *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
            nghttp2_submit_trailer(ng, id, s->trailers, s->ntrailers);
        }
    }
    return (ssize_t)n;
}

static void server_init(struct server *s)
{
    nghttp2_session_callbacks *cb;
    nghttp2_option *opt;
    memset(s, 0, sizeof *s);
    assert_int_equal(nghttp2_session_callbacks_new(&cb), 0);
    nghttp2_session_callbacks_set_on_header_callback(cb, srv_on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, srv_on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, srv_on_frame);
    /* Large enough to send header blocks past the client's limit. */
    assert_int_equal(nghttp2_option_new(&opt), 0);
    nghttp2_option_set_max_send_header_block_length(opt, 1u << 20);
    assert_int_equal(nghttp2_session_server_new2(&s->ng, cb, s, opt), 0);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cb);
    assert_int_equal(nghttp2_submit_settings(s->ng, NGHTTP2_FLAG_NONE, NULL, 0), 0);
}

static void server_free(struct server *s) { nghttp2_session_del(s->ng); }

/* Moves bytes both ways until neither side has anything to send. */
static void exchange(struct otelc__grpc_session *c, struct server *s)
{
    for (int round = 0; round < 100; round++) {
        int moved = 0;
        const uint8_t *d;
        ssize_t n;
        while ((n = otelc__grpc_session_send(c, &d)) > 0) {
            assert_int_equal(nghttp2_session_mem_recv(s->ng, d, (size_t)n), n);
            moved = 1;
        }
        while ((n = nghttp2_session_mem_send(s->ng, &d)) > 0) {
            otelc__grpc_session_recv(c, d, (size_t)n);
            moved = 1;
        }
        if (!moved)
            return;
    }
    fail_msg("the sessions never went quiet");
}

static const nghttp2_nv request_nv[] = {
    NV(":method", "POST"),        NV(":scheme", "http"),
    NV(":path", "/svc/Export"),   NV(":authority", "collector:4317"),
    NV("te", "trailers"),         NV("content-type", "application/grpc"),
    NV("grpc-timeout", "1000m"),
};

/* Starts a call with body "hello" and delivers it to the server. */
static void start_call(struct otelc__grpc_session *c, struct server *s)
{
    s->request_done = 0;
    s->nheaders = 0;
    s->body_len = 0;
    assert_int_equal(otelc__grpc_session_submit(c, request_nv, 7, (const uint8_t *)"hello", 5, 0),
                     OTELC_OK);
    exchange(c, s);
    assert_true(s->request_done);
    assert_false(otelc__grpc_session_call_done(c));
}

static void answer(struct server *s, const nghttp2_nv *hdrs, size_t n, const uint8_t *data,
                   size_t len, const nghttp2_nv *trailers, size_t nt)
{
    s->data = data;
    s->data_len = len;
    s->trailers = trailers;
    s->ntrailers = nt;
    nghttp2_data_provider dp = {{0}, srv_read};
    assert_int_equal(nghttp2_submit_response(s->ng, s->stream, hdrs, n, data ? &dp : NULL), 0);
}

static const nghttp2_nv ok_headers[] = {NV(":status", "200"),
                                        NV("content-type", "application/grpc")};
static const nghttp2_nv ok_trailers[] = {NV("grpc-status", "0"), NV("grpc-message", "")};

/* Runs one call answered with (headers, data, trailers) and finishes it into r. */
static int run_call(struct otelc__grpc_session *c, struct server *s, const nghttp2_nv *hdrs,
                    size_t n, const uint8_t *data, size_t len, const nghttp2_nv *trailers,
                    size_t nt, struct otelc__grpc_result *r)
{
    start_call(c, s);
    answer(s, hdrs, n, data, len, trailers, nt);
    exchange(c, s);
    assert_true(otelc__grpc_session_call_done(c));
    assert_int_equal(otelc__grpc_session_finish(c, OTELC__GRPC_DEADLINE_EXCEEDED, "local", r),
                     OTELC_OK);
    return r->status;
}

/* PROTOCOL-HTTP2 requests: pseudo-headers, te, content-type, grpc-timeout, and one
 * Length-Prefixed-Message; OK answers give the status and the response message. */
static void test_grpc_session_request_and_ok_answer(void **state)
{
    (void)state;
    struct otelc__grpc_session *c;
    struct otelc__grpc_result r;
    struct server s;
    otelc__grpc_result_init(&r);
    assert_int_equal(otelc__grpc_session_new(&c, 1024), OTELC_OK);
    server_init(&s);
    start_call(c, &s);
    assert_int_equal(s.nheaders, 7);
    for (int i = 0; i < 7; i++) {
        assert_memory_equal(s.names[i], request_nv[i].name, request_nv[i].namelen + 1);
        assert_memory_equal(s.values[i], request_nv[i].value, request_nv[i].valuelen + 1);
    }
    assert_int_equal(s.body_len, 10);
    assert_memory_equal(s.body, "\x00\x00\x00\x00\x05hello", 10);
    static const uint8_t data[] = {0, 0, 0, 0, 4, 0x0a, 0x02, 0x08, 0x03};
    answer(&s, ok_headers, 2, data, sizeof data, ok_trailers, 2);
    exchange(c, &s);
    assert_true(otelc__grpc_session_call_done(c));
    assert_int_equal(otelc__grpc_session_finish(c, OTELC__GRPC_UNKNOWN, "x", &r), OTELC_OK);
    assert_int_equal(r.status, OTELC__GRPC_OK);
    assert_true(r.from_server);
    assert_int_equal(r.response.len, 4);
    assert_memory_equal(r.response.data, "\x0a\x02\x08\x03", 4);
    assert_true(otelc__grpc_session_reusable(c));

    /* The same session carries the next call on the next stream. */
    s.nheaders = 0;
    s.request_done = 0;
    s.body_len = 0;
    assert_int_equal(otelc__grpc_session_submit(c, request_nv, 7, (const uint8_t *)"", 0, 1),
                     OTELC_OK);
    exchange(c, &s);
    assert_int_equal(s.stream, 3);
    assert_memory_equal(s.body, "\x01\x00\x00\x00\x00", 5);
    answer(&s, ok_headers, 2, (const uint8_t *)"\0\0\0\0\0", 5, ok_trailers, 1);
    exchange(c, &s);
    assert_int_equal(otelc__grpc_session_finish(c, OTELC__GRPC_UNKNOWN, "x", &r), OTELC_OK);
    assert_int_equal(r.status, OTELC__GRPC_OK);
    assert_int_equal(r.response.len, 0);
    server_free(&s);
    otelc__grpc_result_free(&r);
    otelc__grpc_session_free(c);
}

/* A Trailers-Only answer carries the status, the percent-decoded grpc-message and the
 * base64 grpc-status-details-bin. */
static void test_grpc_session_trailers_only(void **state)
{
    (void)state;
    struct otelc__grpc_session *c;
    struct otelc__grpc_result r;
    otelc__grpc_result_init(&r);
    assert_int_equal(otelc__grpc_session_new(&c, 1024), OTELC_OK);
    struct server s;
    server_init(&s);
    static const nghttp2_nv hdrs[] = {
        NV(":status", "200"), NV("content-type", "application/grpc+proto"),
        NV("grpc-status", "8"), NV("grpc-message", "slow%20down%21"),
        NV("grpc-status-details-bin", "CAgSCXNsb3cgZG93bg"),
    };
    assert_int_equal(run_call(c, &s, hdrs, 5, NULL, 0, NULL, 0, &r), OTELC__GRPC_RESOURCE_EXHAUSTED);
    assert_string_equal(r.message, "slow down!");
    assert_int_equal(r.details.len, 13);
    assert_memory_equal(r.details.data, "\x08\x08\x12\x09slow down", 13);
    assert_true(otelc__grpc_session_reusable(c));
    /* Details that are not base64 are dropped; the status stands. */
    static const nghttp2_nv bad[] = {NV(":status", "200"), NV("content-type", "application/grpc"),
                                     NV("grpc-status", "3"),
                                     NV("grpc-status-details-bin", "!!")};
    assert_int_equal(run_call(c, &s, bad, 4, NULL, 0, NULL, 0, &r), OTELC__GRPC_INVALID_ARGUMENT);
    assert_int_equal(r.details.len, 0);
    otelc__grpc_result_free(&r);
    server_free(&s);
    otelc__grpc_session_free(c);
}

/* http-grpc-status-mapping.md: a non-200 answer is mapped by its HTTP status, whatever it
 * carries; a 200 without grpc-status is UNKNOWN. */
static void test_grpc_session_synthesised_status(void **state)
{
    (void)state;
    struct otelc__grpc_session *c;
    struct otelc__grpc_result r;
    otelc__grpc_result_init(&r);
    assert_int_equal(otelc__grpc_session_new(&c, 1024), OTELC_OK);
    struct server s;
    server_init(&s);
    static const nghttp2_nv h503[] = {NV(":status", "503"), NV("content-type", "text/html")};
    static const uint8_t html[] = "<html>down</html>";
    assert_int_equal(run_call(c, &s, h503, 2, html, sizeof html - 1, NULL, 0, &r),
                     OTELC__GRPC_UNAVAILABLE);
    assert_false(r.from_server);
    assert_string_equal(r.message, "HTTP status 503");
    static const nghttp2_nv h404[] = {NV(":status", "404"), NV("grpc-status", "0")};
    assert_int_equal(run_call(c, &s, h404, 2, NULL, 0, NULL, 0, &r), OTELC__GRPC_UNIMPLEMENTED);
    static const nghttp2_nv h401[] = {NV(":status", "401")};
    assert_int_equal(run_call(c, &s, h401, 1, NULL, 0, NULL, 0, &r), OTELC__GRPC_UNAUTHENTICATED);
    /* 200 and a body, but no trailers: no grpc-status. */
    static const uint8_t empty[] = {0, 0, 0, 0, 0};
    assert_int_equal(run_call(c, &s, ok_headers, 2, empty, 5, NULL, 0, &r), OTELC__GRPC_UNKNOWN);
    assert_string_equal(r.message, "no grpc-status in the response");
    static const nghttp2_nv html200[] = {NV(":status", "200"), NV("content-type", "text/html")};
    assert_int_equal(run_call(c, &s, html200, 2, html, sizeof html - 1, NULL, 0, &r),
                     OTELC__GRPC_UNKNOWN);
    assert_string_equal(r.message, "the response is not gRPC (content-type)");
    static const nghttp2_nv bad_status[] = {NV("grpc-status", "zero")};
    assert_int_equal(run_call(c, &s, ok_headers, 2, empty, 5, bad_status, 1, &r),
                     OTELC__GRPC_UNKNOWN);
    assert_string_equal(r.message, "malformed grpc-status");
    /* OK with a message cut short is no success. */
    static const uint8_t cut[] = {0, 0, 0, 0, 9, 1, 2};
    assert_int_equal(run_call(c, &s, ok_headers, 2, cut, sizeof cut, ok_trailers, 1, &r),
                     OTELC__GRPC_INTERNAL);
    assert_true(otelc__grpc_session_reusable(c));
    otelc__grpc_result_free(&r);
    server_free(&s);
    otelc__grpc_session_free(c);
}

/* A response message over the client's limit ends the call RESOURCE_EXHAUSTED. */
static void test_grpc_session_message_too_large(void **state)
{
    (void)state;
    struct otelc__grpc_session *c;
    struct otelc__grpc_result r;
    static uint8_t big[5 + 100];
    otelc__grpc_result_init(&r);
    assert_int_equal(otelc__grpc_session_new(&c, 64), OTELC_OK);
    struct server s;
    server_init(&s);
    big[4] = 100;
    assert_int_equal(run_call(c, &s, ok_headers, 2, big, sizeof big, ok_trailers, 1, &r),
                     OTELC__GRPC_RESOURCE_EXHAUSTED);
    assert_string_equal(r.message, "response message over 64 bytes");
    assert_int_equal(r.response.len, 0);
    otelc__grpc_result_free(&r);
    server_free(&s);
    otelc__grpc_session_free(c);
}

/* RST_STREAM: REFUSED_STREAM is UNAVAILABLE (not processed: safe to retry), CANCEL is
 * CANCELLED; the connection stays usable. */
static void test_grpc_session_reset_stream(void **state)
{
    (void)state;
    static const struct {
        uint32_t code;
        int status;
    } cases[] = {{NGHTTP2_REFUSED_STREAM, OTELC__GRPC_UNAVAILABLE},
                 {NGHTTP2_CANCEL, OTELC__GRPC_CANCELLED},
                 {NGHTTP2_INTERNAL_ERROR, OTELC__GRPC_INTERNAL}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct otelc__grpc_session *c;
        struct otelc__grpc_result r;
        struct server s;
        otelc__grpc_result_init(&r);
        assert_int_equal(otelc__grpc_session_new(&c, 64), OTELC_OK);
        server_init(&s);
        start_call(c, &s);
        nghttp2_submit_rst_stream(s.ng, NGHTTP2_FLAG_NONE, s.stream, cases[i].code);
        exchange(c, &s);
        assert_true(otelc__grpc_session_call_done(c));
        otelc__grpc_session_finish(c, OTELC__GRPC_UNKNOWN, "x", &r);
        assert_int_equal(r.status, cases[i].status);
        assert_true(otelc__grpc_session_reusable(c));
        server_free(&s);
        otelc__grpc_result_free(&r);
        otelc__grpc_session_free(c);
    }
}

/* GOAWAY below the call's stream: UNAVAILABLE (not processed) and no new calls on this
 * connection; GOAWAY that includes it lets the call finish, then no new calls. */
static void test_grpc_session_goaway(void **state)
{
    (void)state;
    struct otelc__grpc_session *c;
    struct otelc__grpc_result r;
    struct server s;
    otelc__grpc_result_init(&r);
    assert_int_equal(otelc__grpc_session_new(&c, 64), OTELC_OK);
    server_init(&s);
    start_call(c, &s);
    nghttp2_submit_goaway(s.ng, NGHTTP2_FLAG_NONE, 0, NGHTTP2_NO_ERROR, NULL, 0);
    exchange(c, &s);
    assert_true(otelc__grpc_session_call_done(c));
    otelc__grpc_session_finish(c, OTELC__GRPC_UNKNOWN, "x", &r);
    assert_int_equal(r.status, OTELC__GRPC_UNAVAILABLE);
    assert_false(otelc__grpc_session_reusable(c));
    assert_int_equal(otelc__grpc_session_submit(c, request_nv, 7, (const uint8_t *)"", 0, 0),
                     OTELC_ETRANSPORT);
    server_free(&s);
    otelc__grpc_session_free(c);

    assert_int_equal(otelc__grpc_session_new(&c, 64), OTELC_OK);
    server_init(&s);
    start_call(c, &s);
    nghttp2_submit_goaway(s.ng, NGHTTP2_FLAG_NONE, s.stream, NGHTTP2_NO_ERROR, NULL, 0);
    answer(&s, ok_headers, 2, (const uint8_t *)"\0\0\0\0\0", 5, ok_trailers, 1);
    exchange(c, &s);
    otelc__grpc_session_finish(c, OTELC__GRPC_UNKNOWN, "x", &r);
    assert_int_equal(r.status, OTELC__GRPC_OK);
    assert_false(otelc__grpc_session_reusable(c));
    server_free(&s);
    otelc__grpc_result_free(&r);
    otelc__grpc_session_free(c);
}

/* A call that has not ended takes the client's own status (deadline, lost connection). */
static void test_grpc_session_unfinished_call(void **state)
{
    (void)state;
    struct otelc__grpc_session *c;
    struct otelc__grpc_result r;
    struct server s;
    otelc__grpc_result_init(&r);
    assert_int_equal(otelc__grpc_session_new(&c, 64), OTELC_OK);
    server_init(&s);
    start_call(c, &s);
    nghttp2_submit_headers(s.ng, NGHTTP2_FLAG_NONE, s.stream, NULL, ok_headers, 2, NULL);
    exchange(c, &s);
    assert_false(otelc__grpc_session_call_done(c));
    otelc__grpc_session_finish(c, OTELC__GRPC_DEADLINE_EXCEEDED, "deadline exceeded", &r);
    assert_int_equal(r.status, OTELC__GRPC_DEADLINE_EXCEEDED);
    assert_string_equal(r.message, "deadline exceeded");
    assert_false(r.from_server);
    server_free(&s);
    otelc__grpc_result_free(&r);
    otelc__grpc_session_free(c);
}

/* Response headers past the advertised limit reset the stream: RESOURCE_EXHAUSTED. */
static void test_grpc_session_headers_too_large(void **state)
{
    (void)state;
    struct otelc__grpc_session *c;
    struct otelc__grpc_result r;
    static char big[16000];
    otelc__grpc_result_init(&r);
    memset(big, 'x', sizeof big);
    nghttp2_nv hdrs[7] = {NV(":status", "200"), NV("content-type", "application/grpc")};
    static const char *const names[] = {"x-a", "x-b", "x-c", "x-d", "x-e"};
    for (int i = 0; i < 5; i++) {
        nghttp2_nv h = {(uint8_t *)(uintptr_t)names[i], (uint8_t *)big, 3, sizeof big,
                        NGHTTP2_NV_FLAG_NONE};
        hdrs[2 + i] = h;
    }
    assert_int_equal(otelc__grpc_session_new(&c, 64), OTELC_OK);
    struct server s;
    server_init(&s);
    assert_int_equal(run_call(c, &s, hdrs, 7, NULL, 0, NULL, 0, &r), OTELC__GRPC_RESOURCE_EXHAUSTED);
    otelc__grpc_result_free(&r);
    server_free(&s);
    otelc__grpc_session_free(c);
}

/* Garbage from the server fails the session, which is then not reused. */
static void test_grpc_session_protocol_error(void **state)
{
    (void)state;
    struct otelc__grpc_session *c;
    assert_int_equal(otelc__grpc_session_new(&c, 64), OTELC_OK);
    const uint8_t *d;
    while (otelc__grpc_session_send(c, &d) > 0)
        ;
    static const uint8_t junk[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    otelc__grpc_session_recv(c, junk, sizeof junk - 1);
    while (otelc__grpc_session_send(c, &d) > 0)
        ;
    assert_false(otelc__grpc_session_reusable(c));
    otelc__grpc_session_free(c);
}

/* Every allocation of a session and a call can fail: an error, no leak, no crash. */
static void test_grpc_session_alloc_failures(void **state)
{
    (void)state;
    for (uint64_t n = 1; n < 200; n++) {
        struct otelc__grpc_session *c = NULL;
        struct otelc__grpc_result r;
        struct server s;
        tu_alloc_install(n);
        otelc__grpc_result_init(&r);
        int rc = otelc__grpc_session_new(&c, 64);
        if (rc == OTELC_OK) {
            server_init(&s);
            if (otelc__grpc_session_submit(c, request_nv, 7, (const uint8_t *)"hi", 2, 0) ==
                OTELC_OK) {
                exchange(c, &s);
                if (s.request_done) {
                    answer(&s, ok_headers, 2, (const uint8_t *)"\0\0\0\0\1x", 6, ok_trailers, 1);
                    exchange(c, &s);
                }
            }
            otelc__grpc_session_finish(c, OTELC__GRPC_UNAVAILABLE, "x", &r);
            server_free(&s);
        } else {
            assert_int_equal(rc, OTELC_ENOMEM);
        }
        otelc__grpc_result_free(&r);
        otelc__grpc_session_free(c);
        int failed = tu_alloc_failed();
        int64_t live = tu_alloc_live();
        tu_alloc_uninstall();
        assert_int_equal(live, 0);
        if (!failed)
            break;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grpc_session_request_and_ok_answer),
        cmocka_unit_test(test_grpc_session_trailers_only),
        cmocka_unit_test(test_grpc_session_synthesised_status),
        cmocka_unit_test(test_grpc_session_message_too_large),
        cmocka_unit_test(test_grpc_session_reset_stream),
        cmocka_unit_test(test_grpc_session_goaway),
        cmocka_unit_test(test_grpc_session_unfinished_call),
        cmocka_unit_test(test_grpc_session_headers_too_large),
        cmocka_unit_test(test_grpc_session_protocol_error),
        cmocka_unit_test(test_grpc_session_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
