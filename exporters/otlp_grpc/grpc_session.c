/* SPDX-License-Identifier: Apache-2.0 */
/* The client side of a gRPC unary call on an nghttp2 session, fed and drained by the caller:
 * nghttp2 callbacks, response header and trailer parsing, message deframing, and the status a
 * gRPC client gives each way a call can end. */
#include "exporters/otlp_grpc/grpc_session.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "otelc/common.h"
#include "sdk/common/alloc.h"

/* Status details longer than this (after base64) are ignored: they only carry RetryInfo. */
#define DETAILS_MAX (16u * 1024u)

struct otelc__grpc_session {
    nghttp2_session *ng;
    int32_t stream; /* the current call's stream; 0 when none */
    /* The request message: its prefix, then the body. */
    uint8_t prefix[5];
    const uint8_t *body;
    size_t body_len;
    size_t sent; /* bytes of prefix + body handed to nghttp2 */
    /* The answer. */
    int http_status;      /* 0 until :status */
    int grpc_status;      /* -1 until grpc-status */
    int grpc_status_bad;  /* a grpc-status that is not a number */
    int content_type_ok;  /* content-type is application/grpc[+...] or [;...] */
    int header_fields;    /* fields seen in the first HEADERS (for trailers-only) */
    size_t header_bytes;  /* as HTTP/2 counts them, headers and trailers together */
    int headers_too_large;
    char message[OTELC__GRPC_MESSAGE_MAX];
    struct otelc__buf details; /* grpc-status-details-bin, still base64 */
    int details_too_large;
    struct otelc__grpc_deframer body_in;
    int closed;          /* the stream closed */
    uint32_t close_code; /* its HTTP/2 error code (0: NO_ERROR) */
    int reset_by_peer;   /* an RST_STREAM from the server ended it */
    int refused;         /* GOAWAY said the stream was not processed */
    int goaway;          /* a GOAWAY arrived; no new streams */
    int failed;          /* the session hit a protocol or fatal error */
};

/* --- results ------------------------------------------------------------------------------ */

void otelc__grpc_result_init(struct otelc__grpc_result *r)
{
    r->status = OTELC__GRPC_UNKNOWN;
    r->message[0] = '\0';
    otelc__buf_init(&r->details);
    otelc__buf_init(&r->response);
    r->response_compressed = 0;
    r->from_server = 0;
}

void otelc__grpc_result_free(struct otelc__grpc_result *r)
{
    otelc__buf_free(&r->details);
    otelc__buf_free(&r->response);
    otelc__grpc_result_init(r);
}

void otelc__grpc_result_set(struct otelc__grpc_result *r, int status, const char *fmt, ...)
{
    va_list ap;
    r->status = status;
    r->from_server = 0;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
}

/* --- memory -------------------------------------------------------------------------------- */

static void *mem_malloc(size_t size, void *ud) { return otelc__malloc(size); }

static void mem_free(void *ptr, void *ud) { otelc__free(ptr); }

static void *mem_calloc(size_t n, size_t size, void *ud) { return otelc__calloc(n, size); }

static void *mem_realloc(void *ptr, size_t size, void *ud) { return otelc__realloc(ptr, size); }

static nghttp2_mem mem = {NULL, mem_malloc, mem_free, mem_calloc, mem_realloc};

/* --- callbacks ----------------------------------------------------------------------------- */

static int name_is(const uint8_t *name, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(name, lit, len) == 0;
}

static int on_header(nghttp2_session *ng, const nghttp2_frame *frame, const uint8_t *name,
                     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
                     void *ud)
{
    struct otelc__grpc_session *s = ud;
    if (frame->hd.type != NGHTTP2_HEADERS || frame->hd.stream_id != s->stream || s->stream == 0)
        return 0;
    s->header_bytes += namelen + valuelen + 32;
    if (s->header_bytes > OTELC__GRPC_MAX_HEADER_LIST) {
        /* Resets the stream: the status becomes RESOURCE_EXHAUSTED in finish(). */
        s->headers_too_large = 1;
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    const char *v = (const char *)value;
    if (frame->headers.cat == NGHTTP2_HCAT_RESPONSE)
        s->header_fields++;
    if (name_is(name, namelen, ":status")) {
        int st = 0;
        if (otelc__grpc_status_parse(v, valuelen, &st) == 0 && st < 1000)
            s->http_status = st;
    } else if (name_is(name, namelen, "content-type")) {
        static const char ct[] = "application/grpc";
        size_t n = sizeof ct - 1;
        s->content_type_ok = valuelen >= n && memcmp(v, ct, n) == 0 &&
                             (valuelen == n || v[n] == '+' || v[n] == ';');
    } else if (name_is(name, namelen, "grpc-status")) {
        int code = 0;
        if (otelc__grpc_status_parse(v, valuelen, &code) == 0) {
            s->grpc_status = code;
            s->grpc_status_bad = 0;
        } else {
            s->grpc_status_bad = 1;
        }
    } else if (name_is(name, namelen, "grpc-message")) {
        otelc__grpc_message_decode(v, valuelen, s->message, sizeof s->message);
    } else if (name_is(name, namelen, "grpc-status-details-bin")) {
        otelc__buf_reset(&s->details);
        s->details_too_large = valuelen > DETAILS_MAX;
        if (!s->details_too_large)
            otelc__buf_append(&s->details, v, valuelen);
    }
    return 0;
}

static int on_data_chunk(nghttp2_session *ng, uint8_t flags, int32_t stream_id,
                         const uint8_t *data, size_t len, void *ud)
{
    struct otelc__grpc_session *s = ud;
    /* Only a gRPC answer's body is read as messages; another is discarded. */
    if (stream_id != s->stream || s->stream == 0 || s->http_status != 200 || !s->content_type_ok)
        return 0;
    int rc = otelc__grpc_deframe(&s->body_in, data, len);
    if (rc == OTELC_EREJECTED) {
        /* A message over the limit: stop the stream rather than read it all. */
        nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
        return 0;
    }
    return rc == OTELC_OK ? 0 : NGHTTP2_ERR_CALLBACK_FAILURE;
}

static int on_stream_close(nghttp2_session *ng, int32_t stream_id, uint32_t error_code,
                           void *ud)
{
    struct otelc__grpc_session *s = ud;
    if (stream_id != s->stream || s->stream == 0)
        return 0;
    s->closed = 1;
    s->close_code = error_code;
    return 0;
}

static int on_frame_recv(nghttp2_session *ng, const nghttp2_frame *frame, void *ud)
{
    struct otelc__grpc_session *s = ud;
    if (frame->hd.type == NGHTTP2_GOAWAY) {
        s->goaway = 1;
        /* Streams above last_stream_id were not processed: safe to send again. */
        if (s->stream != 0 && frame->goaway.last_stream_id < s->stream)
            s->refused = 1;
    } else if (frame->hd.type == NGHTTP2_RST_STREAM && frame->hd.stream_id == s->stream &&
               s->stream != 0) {
        s->reset_by_peer = 1;
    }
    return 0;
}

/* The request body: the 5-byte prefix, then the message, in as many DATA frames as it takes. */
static ssize_t read_body(nghttp2_session *ng, int32_t stream_id, uint8_t *buf, size_t length,
                         uint32_t *data_flags, nghttp2_data_source *source, void *ud)
{
    struct otelc__grpc_session *s = ud;
    size_t total = 5 + s->body_len, n = 0;
    while (n < length && s->sent < total) {
        size_t k;
        if (s->sent < 5) {
            k = 5 - s->sent < length - n ? 5 - s->sent : length - n;
            memcpy(buf + n, s->prefix + s->sent, k);
        } else {
            size_t off = s->sent - 5;
            k = s->body_len - off < length - n ? s->body_len - off : length - n;
            memcpy(buf + n, s->body + off, k);
        }
        n += k;
        s->sent += k;
    }
    if (s->sent == total)
        *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

/* --- session ------------------------------------------------------------------------------- */

int otelc__grpc_session_new(struct otelc__grpc_session **out, size_t max_message)
{
    nghttp2_session_callbacks *cbs = NULL;
    struct otelc__grpc_session *s = otelc__calloc(1, sizeof *s);
    if (!s)
        return OTELC_ENOMEM;
    s->grpc_status = -1;
    otelc__buf_init(&s->details);
    otelc__grpc_deframer_init(&s->body_in, max_message);
    /* The callbacks table is nghttp2's own small allocation, freed at once. */
    int rc = nghttp2_session_callbacks_new(&cbs);
    if (rc == 0) {
        nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
        nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
        rc = nghttp2_session_client_new3(&s->ng, cbs, s, NULL, &mem);
        nghttp2_session_callbacks_del(cbs);
    }
    if (rc == 0) {
        nghttp2_settings_entry iv[] = {
            {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
            {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, OTELC__GRPC_MAX_HEADER_LIST},
        };
        rc = nghttp2_submit_settings(s->ng, NGHTTP2_FLAG_NONE, iv, sizeof iv / sizeof iv[0]);
    }
    if (rc != 0) {
        otelc__grpc_session_free(s);
        return OTELC_ENOMEM;
    }
    *out = s;
    return OTELC_OK;
}

void otelc__grpc_session_free(struct otelc__grpc_session *s)
{
    if (!s)
        return;
    if (s->ng)
        nghttp2_session_del(s->ng);
    otelc__buf_free(&s->details);
    otelc__grpc_deframer_free(&s->body_in);
    otelc__free(s);
}

/* Forgets the previous call's answer. */
static void reset_call(struct otelc__grpc_session *s)
{
    s->stream = 0;
    s->body = NULL;
    s->body_len = 0;
    s->sent = 0;
    s->http_status = 0;
    s->grpc_status = -1;
    s->grpc_status_bad = 0;
    s->content_type_ok = 0;
    s->header_fields = 0;
    s->header_bytes = 0;
    s->headers_too_large = 0;
    s->message[0] = '\0';
    otelc__buf_reset(&s->details);
    s->details_too_large = 0;
    otelc__grpc_deframer_reset(&s->body_in);
    s->closed = 0;
    s->close_code = 0;
    s->reset_by_peer = 0;
    s->refused = 0;
}

int otelc__grpc_session_submit(struct otelc__grpc_session *s, const nghttp2_nv *nva, size_t n,
                               const uint8_t *body, size_t len, int compressed)
{
    if (s->stream != 0 || !otelc__grpc_session_reusable(s) || len > UINT32_MAX)
        return OTELC_ETRANSPORT;
    reset_call(s);
    otelc__grpc_frame_prefix(s->prefix, compressed, (uint32_t)len);
    s->body = body;
    s->body_len = len;
    nghttp2_data_provider dp;
    dp.source.ptr = NULL;
    dp.read_callback = read_body;
    int32_t id = nghttp2_submit_request(s->ng, NULL, nva, n, &dp, NULL);
    if (id < 0)
        return id == NGHTTP2_ERR_NOMEM ? OTELC_ENOMEM : OTELC_ETRANSPORT;
    s->stream = id;
    return OTELC_OK;
}

int otelc__grpc_session_recv(struct otelc__grpc_session *s, const uint8_t *p, size_t n)
{
    ssize_t r = nghttp2_session_mem_recv(s->ng, p, n);
    if (r < 0 || (size_t)r != n) {
        s->failed = 1;
        return OTELC_ETRANSPORT;
    }
    return OTELC_OK;
}

ssize_t otelc__grpc_session_send(struct otelc__grpc_session *s, const uint8_t **data)
{
    ssize_t r = nghttp2_session_mem_send(s->ng, data);
    if (r < 0) {
        s->failed = 1;
        return -1;
    }
    return r;
}

int otelc__grpc_session_want_write(const struct otelc__grpc_session *s)
{
    return nghttp2_session_want_write(s->ng);
}

int otelc__grpc_session_want_read(const struct otelc__grpc_session *s)
{
    return nghttp2_session_want_read(s->ng);
}

int otelc__grpc_session_call_done(const struct otelc__grpc_session *s)
{
    return s->stream == 0 || s->closed;
}

void otelc__grpc_session_cancel(struct otelc__grpc_session *s)
{
    if (s->stream != 0 && !s->closed)
        nghttp2_submit_rst_stream(s->ng, NGHTTP2_FLAG_NONE, s->stream, NGHTTP2_CANCEL);
}

int otelc__grpc_session_reusable(const struct otelc__grpc_session *s)
{
    /* Client stream ids are odd and end at 2^31 - 1; stop well before. */
    return !s->goaway && !s->failed && nghttp2_session_want_read(s->ng) &&
           nghttp2_session_get_next_stream_id(s->ng) < (1u << 30);
}

/* The status of a call whose stream closed. */
static void closed_status(struct otelc__grpc_session *s, struct otelc__grpc_result *r)
{
    if (s->headers_too_large) {
        otelc__grpc_result_set(r, OTELC__GRPC_RESOURCE_EXHAUSTED,
                               "response headers over %u bytes", OTELC__GRPC_MAX_HEADER_LIST);
    } else if (s->body_in.too_large) {
        otelc__grpc_result_set(r, OTELC__GRPC_RESOURCE_EXHAUSTED,
                               "response message over %zu bytes", s->body_in.max);
    } else if (s->refused) {
        otelc__grpc_result_set(r, OTELC__GRPC_UNAVAILABLE,
                               "the server went away (GOAWAY) before processing the call");
    } else if (s->http_status != 0 && s->http_status != 200) {
        /* gRPC clients map a non-200 answer by its HTTP status, whatever else it says. */
        otelc__grpc_result_set(r, otelc__grpc_status_from_http(s->http_status),
                               "HTTP status %d%s%s", s->http_status, s->message[0] ? ": " : "",
                               s->message);
    } else if (s->grpc_status >= 0 && s->http_status == 200) {
        r->status = s->grpc_status;
        r->from_server = 1;
        memcpy(r->message, s->message, sizeof r->message);
    } else if (s->close_code != 0 || s->reset_by_peer) {
        otelc__grpc_result_set(r, otelc__grpc_status_from_rst(s->close_code),
                               "stream reset (HTTP/2 error %u)", (unsigned)s->close_code);
    } else if (s->http_status == 0) {
        otelc__grpc_result_set(r, OTELC__GRPC_INTERNAL, "stream ended without a response");
    } else if (!s->content_type_ok && s->grpc_status < 0) {
        otelc__grpc_result_set(r, OTELC__GRPC_UNKNOWN, "the response is not gRPC "
                                                       "(content-type)");
    } else {
        otelc__grpc_result_set(r, OTELC__GRPC_UNKNOWN, "%s",
                               s->grpc_status_bad ? "malformed grpc-status"
                                                  : "no grpc-status in the response");
    }
    /* A status of OK with an unfinished or missing message is no success. */
    if (r->status == OTELC__GRPC_OK && !otelc__grpc_deframer_complete(&s->body_in))
        otelc__grpc_result_set(r, OTELC__GRPC_INTERNAL, "response message cut short");
}

int otelc__grpc_session_finish(struct otelc__grpc_session *s, int local_status,
                               const char *local_message, struct otelc__grpc_result *r)
{
    int rc = OTELC_OK;
    otelc__buf_reset(&r->details);
    otelc__buf_reset(&r->response);
    r->response_compressed = 0;
    if (s->stream == 0) {
        otelc__grpc_result_set(r, local_status, "%s", local_message ? local_message : "");
        return OTELC_OK;
    }
    if (s->closed)
        closed_status(s, r);
    else if (s->refused)
        otelc__grpc_result_set(r, OTELC__GRPC_UNAVAILABLE,
                               "the server went away (GOAWAY) before processing the call");
    else
        otelc__grpc_result_set(r, local_status, "%s", local_message ? local_message : "");
    if (s->closed && r->from_server) {
        /* Details that are not base64 are left out, as gRPC clients do. */
        size_t dlen = 0;
        if (s->details.len > 0 &&
            otelc__base64_decode(s->details.data, s->details.len, (uint8_t *)s->details.data,
                                 &dlen) == 0)
            otelc__buf_append(&r->details, s->details.data, dlen);
        if (s->body_in.messages > 0) {
            otelc__buf_append(&r->response, s->body_in.msg.data, s->body_in.msg.len);
            r->response_compressed = s->body_in.compressed;
        }
        if (r->details.oom || r->response.oom)
            rc = OTELC_ENOMEM;
    }
    if (!s->closed)
        otelc__grpc_session_cancel(s);
    reset_call(s);
    return rc;
}
