/* SPDX-License-Identifier: Apache-2.0 */
/* The gRPC unary-call client: endpoint and metadata set-up, one kept connection, and the loop
 * that moves a call's bytes between the nghttp2 session and the socket within the deadline. */
#include "exporters/otlp_grpc/grpc_client.h"

#include <stdio.h>
#include <string.h>

#include "exporters/otlp/gzip.h"
#include "exporters/otlp_grpc/grpc_conn.h"
#include "otelc/common.h"
#include "otelc/version.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/env.h"
#include "sdk/common/log_internal.h"

#define DEFAULT_MAX_RESPONSE (64u * 1024u)
#define READ_CHUNK 16384
#define USER_AGENT "OTel-OTLP-Exporter-C/" OTELC_VERSION_STRING " otelc"

/* One header of every call, name and value owned. */
struct header {
    char *name;
    char *value;
};

struct otelc__grpc_client {
    char *host;      /* without brackets, for connect and TLS */
    char *port;
    char *authority; /* host[:port] as :authority says it */
    char *target;    /* scheme://authority, for logs */
    int tls;
    SSL_CTX *ssl_ctx;
    int gzip;
    size_t max_response;
    struct header *headers; /* te, content-type, user-agent, grpc-encoding, user metadata */
    size_t nheaders;
    nghttp2_nv *nv; /* room for the 4 pseudo-headers, grpc-timeout and the headers */
    struct otelc__buf gz;
    struct otelc__grpc_conn conn; /* fd -1 when not connected */
    struct otelc__grpc_session *session;
    uint64_t connections;
};

/* --- set-up -------------------------------------------------------------------------------- */

static int add_header(struct otelc__grpc_client *c, const char *name, size_t nlen,
                      const char *value, size_t vlen)
{
    struct header *h = otelc__realloc(c->headers, (c->nheaders + 1) * sizeof *h);
    if (!h)
        return OTELC_ENOMEM;
    c->headers = h;
    h += c->nheaders;
    h->name = otelc__strndup(name, nlen);
    h->value = otelc__strndup(value, vlen);
    if (!h->name || !h->value) {
        otelc__free(h->name);
        otelc__free(h->value);
        return OTELC_ENOMEM;
    }
    c->nheaders++;
    return OTELC_OK;
}

static int is_token_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
           ch == '.';
}

/* Names gRPC or HTTP/2 reserve; the user's metadata cannot set them. */
static int reserved(const char *n, size_t len)
{
    static const char *const names[] = {"te", "content-type", "user-agent", "host",
                                        "connection", "keep-alive", "proxy-connection",
                                        "transfer-encoding", "upgrade", NULL};
    if (len >= 5 && memcmp(n, "grpc-", 5) == 0)
        return 1;
    for (size_t i = 0; names[i]; i++)
        if (strlen(names[i]) == len && memcmp(names[i], n, len) == 0)
            return 1;
    return 0;
}

struct metadata_ctx {
    struct otelc__grpc_client *c;
    char *err;
    size_t errcap;
};

static int user_metadata(const char *key, size_t klen, const char *val, size_t vlen, void *ud)
{
    struct metadata_ctx *m = ud;
    char name[128];
    if (klen == 0 || klen >= sizeof name) {
        snprintf(m->err, m->errcap, "metadata name of %zu bytes", klen);
        return OTELC_EINVAL;
    }
    /* gRPC metadata names are lowercase (HTTP/2 requires it). */
    for (size_t i = 0; i < klen; i++) {
        char ch = key[i] >= 'A' && key[i] <= 'Z' ? (char)(key[i] - 'A' + 'a') : key[i];
        if (!is_token_char(ch)) {
            snprintf(m->err, m->errcap, "metadata name \"%.*s\" is not a valid gRPC name",
                     (int)klen, key);
            return OTELC_EINVAL;
        }
        name[i] = ch;
    }
    name[klen] = '\0';
    if (reserved(name, klen)) {
        otelc__log(OTELC_LOG_WARN, "otlp/grpc exporter: metadata \"%s\" is reserved by gRPC; "
                                   "ignored", name);
        return OTELC_OK;
    }
    char *dec = otelc__malloc(vlen + 1);
    char *b64 = NULL;
    size_t dlen = 0;
    int rc = dec ? otelc__percent_decode(val, vlen, dec, &dlen) : OTELC_ENOMEM;
    if (rc == OTELC_EPARSE) {
        snprintf(m->err, m->errcap, "metadata \"%s\": malformed percent-encoding", name);
        rc = OTELC_EINVAL;
    }
    int bin = klen > 4 && memcmp(name + klen - 4, "-bin", 4) == 0;
    if (rc == OTELC_OK && bin) {
        /* Binary metadata travels in base64. */
        b64 = otelc__malloc(4 * ((dlen + 2) / 3) + 1);
        if (!b64)
            rc = OTELC_ENOMEM;
        else
            otelc__base64_encode((const uint8_t *)dec, dlen, b64);
    }
    if (rc == OTELC_OK && !bin) {
        for (size_t i = 0; i < dlen; i++) {
            unsigned char ch = (unsigned char)dec[i];
            if (ch < 0x20 || ch == 0x7f) {
                snprintf(m->err, m->errcap, "metadata \"%s\": a control byte in the value "
                                            "(values not shown)", name);
                rc = OTELC_EINVAL;
                break;
            }
        }
    }
    if (rc == OTELC_OK)
        rc = bin ? add_header(m->c, name, klen, b64, strlen(b64))
                 : add_header(m->c, name, klen, dec, dlen);
    /* The values may be credentials: wipe the copies. */
    if (dec)
        memset(dec, 0, vlen + 1);
    if (b64)
        memset(b64, 0, strlen(b64));
    otelc__free(dec);
    otelc__free(b64);
    return rc;
}

/* Splits the endpoint into scheme, host and port. */
static int parse_endpoint(struct otelc__grpc_client *c, const char *ep, int insecure, char *err,
                          size_t errcap)
{
    const char *p = ep;
    const char *port_default = "4317";
    if (strncmp(p, "http://", 7) == 0) {
        c->tls = 0;
        p += 7;
        port_default = "80";
    } else if (strncmp(p, "https://", 8) == 0) {
        c->tls = 1;
        p += 8;
        port_default = "443";
    } else if (strstr(p, "://")) {
        snprintf(err, errcap, "endpoint scheme must be http or https");
        return OTELC_EINVAL;
    } else {
        c->tls = !insecure;
    }
    size_t alen = strcspn(p, "/?#");
    const char *host = p, *port = NULL;
    size_t hlen, plen = 0;
    if (memchr(p, '@', alen)) {
        snprintf(err, errcap, "endpoint must not hold user information");
        return OTELC_EINVAL;
    }
    if (alen > 0 && p[0] == '[') {
        const char *close = memchr(p, ']', alen);
        if (!close) {
            snprintf(err, errcap, "endpoint has an unclosed IPv6 address");
            return OTELC_EINVAL;
        }
        host = p + 1;
        hlen = (size_t)(close - host);
        if (close + 1 < p + alen) {
            if (close[1] != ':') {
                snprintf(err, errcap, "endpoint: junk after the IPv6 address");
                return OTELC_EINVAL;
            }
            port = close + 2;
            plen = (size_t)(p + alen - port);
        }
    } else {
        const char *colon = memchr(p, ':', alen);
        hlen = colon ? (size_t)(colon - p) : alen;
        if (colon) {
            port = colon + 1;
            plen = (size_t)(p + alen - port);
        }
    }
    uint64_t pn = 0;
    if (hlen == 0 || (port && (otelc__parse_u64(port, plen, &pn) != 0 || pn == 0 ||
                               pn > 65535))) {
        snprintf(err, errcap, "endpoint needs a host and a port between 1 and 65535");
        return OTELC_EINVAL;
    }
    c->host = otelc__strndup(host, hlen);
    c->port = port ? otelc__strndup(port, plen) : otelc__strdup(port_default);
    c->authority = otelc__strndup(p, alen);
    size_t tlen = alen + 9;
    c->target = otelc__malloc(tlen);
    if (!c->host || !c->port || !c->authority || !c->target)
        return OTELC_ENOMEM;
    snprintf(c->target, tlen, "%s://%.*s", c->tls ? "https" : "http", (int)alen, p);
    return OTELC_OK;
}

int otelc__grpc_client_new(struct otelc__grpc_client **out,
                           const struct otelc__grpc_client_config *cfg, char *err,
                           size_t errcap)
{
    struct otelc__grpc_client *c = otelc__calloc(1, sizeof *c);
    if (!c)
        return OTELC_ENOMEM;
    err[0] = '\0';
    c->conn.fd = -1;
    c->gzip = cfg->gzip != 0;
    c->max_response = cfg->max_response ? cfg->max_response : DEFAULT_MAX_RESPONSE;
    otelc__buf_init(&c->gz);
    int rc = parse_endpoint(c, cfg->endpoint ? cfg->endpoint : OTELC__GRPC_DEFAULT_ENDPOINT,
                            cfg->insecure, err, errcap);
    if (rc == OTELC_OK)
        rc = add_header(c, "te", 2, "trailers", 8);
    if (rc == OTELC_OK)
        rc = add_header(c, "content-type", 12, "application/grpc", 16);
    if (rc == OTELC_OK)
        rc = add_header(c, "user-agent", 10, USER_AGENT, strlen(USER_AGENT));
    if (rc == OTELC_OK && c->gzip)
        rc = add_header(c, "grpc-encoding", 13, "gzip", 4);
    if (rc == OTELC_OK && cfg->headers) {
        struct metadata_ctx m = {c, err, errcap};
        rc = otelc__parse_kv_list(cfg->headers, strlen(cfg->headers), user_metadata, &m);
        if (rc == OTELC_EPARSE) {
            snprintf(err, errcap, "malformed headers option (values not shown)");
            rc = OTELC_EINVAL;
        }
    }
    if (rc == OTELC_OK) {
        c->nv = otelc__calloc(c->nheaders + 5, sizeof *c->nv);
        rc = c->nv ? OTELC_OK : OTELC_ENOMEM;
    }
    if (rc == OTELC_OK && c->tls)
        rc = otelc__grpc_tls_new(&c->ssl_ctx, cfg->ca_file, cfg->cert_file, cfg->key_file, err,
                                 errcap);
    if (rc != OTELC_OK) {
        if (rc == OTELC_ENOMEM && !err[0])
            snprintf(err, errcap, "out of memory");
        otelc__grpc_client_free(c);
        return rc;
    }
    *out = c;
    return OTELC_OK;
}

static void drop_connection(struct otelc__grpc_client *c)
{
    if (c->conn.fd >= 0)
        otelc__grpc_conn_close(&c->conn);
    otelc__grpc_session_free(c->session);
    c->session = NULL;
}

void otelc__grpc_client_free(struct otelc__grpc_client *c)
{
    if (!c)
        return;
    drop_connection(c);
    if (c->ssl_ctx)
        SSL_CTX_free(c->ssl_ctx);
    for (size_t i = 0; i < c->nheaders; i++) {
        otelc__free(c->headers[i].name);
        if (c->headers[i].value)
            memset(c->headers[i].value, 0, strlen(c->headers[i].value));
        otelc__free(c->headers[i].value);
    }
    otelc__free(c->headers);
    otelc__free(c->nv);
    otelc__free(c->host);
    otelc__free(c->port);
    otelc__free(c->authority);
    otelc__free(c->target);
    otelc__buf_free(&c->gz);
    otelc__free(c);
}

const char *otelc__grpc_client_target(const struct otelc__grpc_client *c) { return c->target; }

uint64_t otelc__grpc_client_connections(const struct otelc__grpc_client *c)
{
    return c->connections;
}

void otelc__grpc_client_after_fork(struct otelc__grpc_client *c)
{
    otelc__grpc_conn_abandon(&c->conn);
    otelc__grpc_session_free(c->session);
    c->session = NULL;
}

/* --- calls --------------------------------------------------------------------------------- */

static nghttp2_nv nv(const char *name, const char *value)
{
    nghttp2_nv h = {(uint8_t *)(uintptr_t)name, (uint8_t *)(uintptr_t)value, strlen(name),
                    strlen(value), NGHTTP2_NV_FLAG_NONE};
    return h;
}

/* Reads what a kept connection received while idle (a GOAWAY, a close) without waiting, so
 * a connection the server has left is replaced before a call is sent on it. */
static void check_idle_connection(struct otelc__grpc_client *c)
{
    uint8_t buf[READ_CHUNK];
    for (;;) {
        size_t got = 0;
        int rc = otelc__grpc_conn_read(&c->conn, buf, sizeof buf, &got, 0);
        if (rc == OTELC_ETIMEDOUT)
            break;
        if (rc != OTELC_OK || otelc__grpc_session_recv(c->session, buf, got) != OTELC_OK) {
            drop_connection(c);
            return;
        }
    }
    if (!otelc__grpc_session_reusable(c->session))
        drop_connection(c);
}

static int connect_now(struct otelc__grpc_client *c, uint64_t deadline,
                       struct otelc__grpc_result *res)
{
    char err[256] = "";
    int rc = otelc__grpc_conn_open(&c->conn, c->host, c->port, c->ssl_ctx, deadline, err,
                                   sizeof err);
    if (rc == OTELC_OK) {
        rc = otelc__grpc_session_new(&c->session, c->max_response);
        if (rc != OTELC_OK) {
            otelc__grpc_conn_close(&c->conn);
            return rc;
        }
        c->connections++;
        return OTELC_OK;
    }
    if (rc == OTELC_ENOMEM)
        return rc;
    otelc__grpc_result_set(res, rc == OTELC_ETIMEDOUT ? OTELC__GRPC_DEADLINE_EXCEEDED
                                                      : OTELC__GRPC_UNAVAILABLE,
                           "%s", err);
    return OTELC_ETRANSPORT;
}

/* Moves bytes until the call's stream closes. Returns OTELC_OK, or the local status the call
 * ended with (*status, *why) when it could not complete. */
static int pump(struct otelc__grpc_client *c, uint64_t deadline, int *status, const char **why)
{
    uint8_t buf[READ_CHUNK];
    for (;;) {
        for (;;) {
            const uint8_t *data;
            ssize_t n = otelc__grpc_session_send(c->session, &data);
            if (n < 0) {
                *status = OTELC__GRPC_INTERNAL;
                *why = "HTTP/2 session failed";
                return OTELC_ETRANSPORT;
            }
            if (n == 0)
                break;
            int rc = otelc__grpc_conn_write(&c->conn, data, (size_t)n, deadline);
            if (rc != OTELC_OK) {
                *status = rc == OTELC_ETIMEDOUT ? OTELC__GRPC_DEADLINE_EXCEEDED
                                                : OTELC__GRPC_UNAVAILABLE;
                *why = rc == OTELC_ETIMEDOUT ? "deadline exceeded while sending"
                                             : "connection lost while sending";
                return rc;
            }
        }
        if (otelc__grpc_session_call_done(c->session))
            return OTELC_OK;
        if (!otelc__grpc_session_want_read(c->session)) {
            *status = OTELC__GRPC_UNAVAILABLE;
            *why = "the HTTP/2 session ended";
            return OTELC_ETRANSPORT;
        }
        size_t got = 0;
        int rc = otelc__grpc_conn_read(&c->conn, buf, sizeof buf, &got, deadline);
        if (rc != OTELC_OK) {
            *status = rc == OTELC_ETIMEDOUT ? OTELC__GRPC_DEADLINE_EXCEEDED
                                            : OTELC__GRPC_UNAVAILABLE;
            *why = rc == OTELC_ETIMEDOUT ? "deadline exceeded waiting for the answer"
                                         : "connection closed by the server";
            return rc;
        }
        /* A protocol error closes the stream with an error code; the loop sends the GOAWAY
         * nghttp2 queued and ends when the stream is closed. */
        if (otelc__grpc_session_recv(c->session, buf, got) != OTELC_OK &&
            !otelc__grpc_session_want_write(c->session)) {
            *status = OTELC__GRPC_INTERNAL;
            *why = "the server broke the HTTP/2 protocol";
            return OTELC_ETRANSPORT;
        }
    }
}

int otelc__grpc_unary(struct otelc__grpc_client *c, const char *path, const uint8_t *body,
                      size_t body_len, uint64_t deadline, struct otelc__grpc_result *res)
{
    uint64_t now = otelc__mono_ns();
    otelc__buf_reset(&res->details);
    otelc__buf_reset(&res->response);
    if (now >= deadline) {
        otelc__grpc_result_set(res, OTELC__GRPC_DEADLINE_EXCEEDED, "deadline exceeded before "
                                                                   "the call");
        return res->status;
    }
    if (c->gzip) {
        if (otelc__gzip(body, body_len, &c->gz) != OTELC_OK)
            return OTELC_ENOMEM;
        body = (const uint8_t *)c->gz.data;
        body_len = c->gz.len;
    }
    if (c->session)
        check_idle_connection(c);
    if (!c->session) {
        int rc = connect_now(c, deadline, res);
        if (rc == OTELC_ENOMEM)
            return rc;
        if (rc != OTELC_OK)
            return res->status;
    }
    /* Connecting may have used the time up: the smallest timeout then, not a wrapped one. */
    char timeout[10];
    now = otelc__mono_ns();
    otelc__grpc_timeout_format(deadline > now ? deadline - now : 0, timeout);
    size_t n = 0;
    c->nv[n++] = nv(":method", "POST");
    c->nv[n++] = nv(":scheme", c->tls ? "https" : "http");
    c->nv[n++] = nv(":path", path);
    c->nv[n++] = nv(":authority", c->authority);
    for (size_t i = 0; i < c->nheaders; i++)
        c->nv[n++] = nv(c->headers[i].name, c->headers[i].value);
    c->nv[n++] = nv("grpc-timeout", timeout);
    int rc = otelc__grpc_session_submit(c->session, c->nv, n, body, body_len, c->gzip);
    if (rc == OTELC_ENOMEM)
        return rc;
    int status = OTELC__GRPC_UNAVAILABLE;
    const char *why = "cannot start a stream on the connection";
    int keep = 0;
    if (rc == OTELC_OK) {
        rc = pump(c, deadline, &status, &why);
        keep = rc == OTELC_OK;
    }
    if (otelc__grpc_session_finish(c->session, status, why, res) != OTELC_OK)
        keep = 0;
    /* A timed-out or broken connection is not trusted again (it may be half-open), nor one
     * the server is leaving. */
    if (!keep || !otelc__grpc_session_reusable(c->session))
        drop_connection(c);
    return res->status;
}
