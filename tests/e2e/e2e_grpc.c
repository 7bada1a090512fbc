/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal gRPC unary exchange over h2c with nghttp2, client and server, on blocking
 * sockets: just enough HTTP/2 to carry context in gRPC metadata between two processes. */
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "e2e_common.h"

#define MAX_MD 64

/* The state of one connection, shared by both sides. */
struct conn {
    int fd;
    int read_once;       /* data was read in this nghttp2_session_recv() call */
    int32_t stream;
    int closed;          /* the stream closed */
    int status_ok;       /* client: :status 200 seen */
    int grpc_status;     /* client: grpc-status received (-1 until then) */
    nghttp2_nv md[MAX_MD]; /* server: the request headers, copied */
    size_t nmd;
    int (*handler)(const otelc_nghttp2_headers *md, void *ud);
    void *ud;
    const uint8_t *body; /* the message to send: a 5-byte gRPC prefix and the payload */
    size_t body_len, body_off;
    int send_trailer;    /* server: after the body, trailers with this grpc-status */
    char grpc_status_text[8];
};

#define NV(n, v) {(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE}

static ssize_t on_send(nghttp2_session *s, const uint8_t *data, size_t len, int flags, void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)flags;
    ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
    return n < 0 ? NGHTTP2_ERR_CALLBACK_FAILURE : n;
}

static ssize_t on_recv(nghttp2_session *s, uint8_t *buf, size_t len, int flags, void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)flags;
    /* nghttp2_session_recv() reads until the socket would block; on a blocking socket that
     * would wait forever, so one read per call it is. */
    if (c->read_once)
        return NGHTTP2_ERR_WOULDBLOCK;
    ssize_t n = recv(c->fd, buf, len, 0);
    c->read_once = 1;
    if (n == 0)
        return NGHTTP2_ERR_EOF;
    return n < 0 ? NGHTTP2_ERR_CALLBACK_FAILURE : n;
}

static ssize_t read_body(nghttp2_session *s, int32_t stream, uint8_t *buf, size_t len,
                         uint32_t *flags, nghttp2_data_source *src, void *ud)
{
    struct conn *c = ud;
    (void)src;
    size_t n = c->body_len - c->body_off;
    if (n > len)
        n = len;
    memcpy(buf, c->body + c->body_off, n);
    c->body_off += n;
    if (c->body_off == c->body_len) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        if (c->send_trailer) {
            /* gRPC ends a response with trailers, sent after the data from here. */
            nghttp2_nv t[] = {NV("grpc-status", c->grpc_status_text)};
            *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
            if (nghttp2_submit_trailer(s, stream, t, 1) != 0)
                return NGHTTP2_ERR_CALLBACK_FAILURE;
        }
    }
    return (ssize_t)n;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name,
                     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
                     void *ud)
{
    struct conn *c = ud;
    (void)s;
    (void)flags;
    c->stream = f->hd.stream_id;
    if (c->handler) {
        /* Server: keep a copy of every request header for the handler. */
        if (c->nmd == MAX_MD)
            return 0;
        nghttp2_nv *nv = &c->md[c->nmd];
        nv->name = malloc(namelen + 1);
        nv->value = malloc(valuelen + 1);
        if (!nv->name || !nv->value) {
            free(nv->name);
            free(nv->value);
            return NGHTTP2_ERR_CALLBACK_FAILURE;
        }
        memcpy(nv->name, name, namelen);
        memcpy(nv->value, value, valuelen);
        nv->namelen = namelen;
        nv->valuelen = valuelen;
        nv->flags = NGHTTP2_NV_FLAG_NONE;
        c->nmd++;
        return 0;
    }
    if (namelen == 7 && memcmp(name, ":status", 7) == 0)
        c->status_ok = valuelen == 3 && memcmp(value, "200", 3) == 0;
    if (namelen == 11 && memcmp(name, "grpc-status", 11) == 0)
        c->grpc_status = valuelen == 1 ? value[0] - '0' : 99;
    return 0;
}

static const uint8_t empty_message[5] = {0, 0, 0, 0, 0};

/* Server: the request is complete once its END_STREAM arrives; answer it. */
static int on_frame(nghttp2_session *s, const nghttp2_frame *f, void *ud)
{
    struct conn *c = ud;
    if (!c->handler || !(f->hd.flags & NGHTTP2_FLAG_END_STREAM) ||
        (f->hd.type != NGHTTP2_HEADERS && f->hd.type != NGHTTP2_DATA))
        return 0;
    otelc_nghttp2_headers md;
    otelc_nghttp2_headers_wrap(&md, c->md, c->nmd);
    int st = c->handler(&md, c->ud);
    snprintf(c->grpc_status_text, sizeof c->grpc_status_text, "%d", st);
    c->body = empty_message;
    c->body_len = sizeof empty_message;
    c->send_trailer = 1;
    nghttp2_nv h[] = {NV(":status", "200"), NV("content-type", "application/grpc")};
    nghttp2_data_provider prd = {{0}, read_body};
    return nghttp2_submit_response(s, f->hd.stream_id, h, 2, &prd) == 0
               ? 0
               : NGHTTP2_ERR_CALLBACK_FAILURE;
}

static int on_close(nghttp2_session *s, int32_t stream, uint32_t err, void *ud)
{
    struct conn *c = ud;
    (void)err;
    (void)stream;
    c->closed = 1;
    /* One call per connection: say goodbye once the stream is done. */
    return nghttp2_session_terminate_session(s, NGHTTP2_NO_ERROR) == 0
               ? 0
               : NGHTTP2_ERR_CALLBACK_FAILURE;
}

/* Runs the session until neither side has anything more to say. */
static int run(nghttp2_session *s, struct conn *c)
{
    while (nghttp2_session_want_read(s) || nghttp2_session_want_write(s)) {
        if (nghttp2_session_send(s) != 0)
            return -1;
        if (c->closed && !nghttp2_session_want_write(s))
            break;
        c->read_once = 0;
        int rc = nghttp2_session_recv(s);
        if (rc == NGHTTP2_ERR_EOF)
            break;
        if (rc != 0)
            return -1;
    }
    return c->closed ? 0 : -1;
}

static nghttp2_session *session(struct conn *c, int server)
{
    nghttp2_session_callbacks *cb;
    nghttp2_session *s = NULL;
    if (nghttp2_session_callbacks_new(&cb) != 0)
        return NULL;
    nghttp2_session_callbacks_set_send_callback(cb, on_send);
    nghttp2_session_callbacks_set_recv_callback(cb, on_recv);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
    int rc = server ? nghttp2_session_server_new(&s, cb, c) : nghttp2_session_client_new(&s, cb, c);
    nghttp2_session_callbacks_del(cb);
    if (rc != 0 || nghttp2_submit_settings(s, NGHTTP2_FLAG_NONE, NULL, 0) != 0) {
        nghttp2_session_del(s);
        return NULL;
    }
    return s;
}

int e2e_grpc_call(int fd, const char *path, const void *md, size_t n)
{
    static const uint8_t message[] = {0, 0, 0, 0, 4, 'p', 'i', 'n', 'g'};
    struct conn c;
    memset(&c, 0, sizeof c);
    c.fd = fd;
    c.grpc_status = -1;
    c.body = message;
    c.body_len = sizeof message;
    nghttp2_nv h[4 + MAX_MD] = {NV(":method", "POST"), NV(":scheme", "http"), NV(":path", path),
                                NV(":authority", "127.0.0.1")};
    size_t nh = 4;
    h[nh++] = (nghttp2_nv)NV("content-type", "application/grpc");
    h[nh++] = (nghttp2_nv)NV("te", "trailers");
    /* The metadata the propagator injected goes after gRPC's own headers. */
    for (size_t i = 0; i < n && nh < sizeof h / sizeof h[0]; i++)
        h[nh++] = ((const nghttp2_nv *)md)[i];
    nghttp2_session *s = session(&c, 0);
    if (!s)
        return -1;
    nghttp2_data_provider prd = {{0}, read_body};
    int rc = nghttp2_submit_request(s, NULL, h, nh, &prd, NULL) < 0 ? -1 : run(s, &c);
    nghttp2_session_del(s);
    return rc == 0 && c.status_ok && c.grpc_status == 0 ? 0 : -1;
}

int e2e_grpc_serve_one(int fd, int (*handler)(const otelc_nghttp2_headers *md, void *ud),
                       void *ud)
{
    struct conn c;
    memset(&c, 0, sizeof c);
    c.fd = fd;
    c.handler = handler;
    c.ud = ud;
    nghttp2_session *s = session(&c, 1);
    int rc = s ? run(s, &c) : -1;
    nghttp2_session_del(s);
    /* Closing with the client's last frames unread would reset the connection and could
     * destroy the response before the client reads it: finish sending, then drain. */
    shutdown(fd, SHUT_WR);
    struct pollfd p = {fd, POLLIN, 0};
    uint8_t sink[512];
    while (poll(&p, 1, 2000) > 0 && recv(fd, sink, sizeof sink, 0) > 0)
        ;
    for (size_t i = 0; i < c.nmd; i++) {
        free(c.md[i].name);
        free(c.md[i].value);
    }
    return rc;
}
