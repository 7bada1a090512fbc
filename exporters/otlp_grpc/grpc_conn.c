/* SPDX-License-Identifier: Apache-2.0 */
/* Non-blocking TCP and OpenSSL TLS for the gRPC client, every step bounded by a deadline. */
#include "exporters/otlp_grpc/grpc_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "otelc/common.h"
#include "sdk/common/clock.h"

/* --- a socket BIO that cannot raise SIGPIPE ---------------------------------------------- */

/* OpenSSL's own socket BIO writes with write(2), which raises SIGPIPE on a closed connection
 * and would kill a host that did not ignore it. This one sends with MSG_NOSIGNAL. */
static BIO_METHOD *bio_method;
static pthread_once_t bio_once = PTHREAD_ONCE_INIT;

static int bio_write(BIO *b, const char *p, int n)
{
    int fd = (int)(intptr_t)BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t r = send(fd, p, (size_t)n, MSG_NOSIGNAL);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_write(b);
    return (int)r;
}

static int bio_read(BIO *b, char *p, int n)
{
    int fd = (int)(intptr_t)BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t r = recv(fd, p, (size_t)n, 0);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_read(b);
    return (int)r;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    return cmd == BIO_CTRL_FLUSH || cmd == BIO_CTRL_DUP ? 1 : 0;
}

static int bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static void make_bio_method(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "otelc socket");
    if (m && (!BIO_meth_set_write(m, bio_write) || !BIO_meth_set_read(m, bio_read) ||
              !BIO_meth_set_ctrl(m, bio_ctrl) || !BIO_meth_set_create(m, bio_create))) {
        BIO_meth_free(m);
        m = NULL;
    }
    bio_method = m;
}

/* --- TLS settings -------------------------------------------------------------------------- */

static void ssl_error(char *err, size_t cap, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[160] = "";
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    snprintf(err, cap, "%s%s%s", what, buf[0] ? ": " : "", buf);
    ERR_clear_error();
}

int otelc__grpc_tls_new(SSL_CTX **out, const char *ca_file, const char *cert_file,
                        const char *key_file, char *err, size_t errcap)
{
    static const unsigned char alpn[] = "\x02h2";
    ERR_clear_error();
    pthread_once(&bio_once, make_bio_method);
    if (!bio_method)
        return OTELC_ENOMEM;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        ssl_error(err, errcap, "cannot set up TLS");
        return OTELC_ENOMEM;
    }
    int ok = SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    /* SSL_CTX_set_alpn_protos returns 0 on success. */
    ok = ok && SSL_CTX_set_alpn_protos(ctx, alpn, sizeof alpn - 1) == 0;
    if (!ok) {
        ssl_error(err, errcap, "cannot set up TLS");
        SSL_CTX_free(ctx);
        return OTELC_ENOMEM;
    }
    if (ca_file ? !SSL_CTX_load_verify_locations(ctx, ca_file, NULL)
                : !SSL_CTX_set_default_verify_paths(ctx)) {
        char what[300];
        snprintf(what, sizeof what, "cannot load the CA file %s", ca_file ? ca_file : "(system)");
        ssl_error(err, errcap, what);
        SSL_CTX_free(ctx);
        return OTELC_EINVAL;
    }
    if (cert_file || key_file) {
        if (!cert_file || !key_file ||
            !SSL_CTX_use_certificate_chain_file(ctx, cert_file) ||
            !SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) ||
            !SSL_CTX_check_private_key(ctx)) {
            ssl_error(err, errcap, "cannot use the client certificate and key (both files are "
                                   "needed, in PEM, and must match)");
            SSL_CTX_free(ctx);
            return OTELC_EINVAL;
        }
    }
    *out = ctx;
    return OTELC_OK;
}

/* --- waiting ------------------------------------------------------------------------------- */

/* Waits for events on fd until the deadline. 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        uint64_t now = otelc__mono_ns();
        if (now >= deadline)
            return 0;
        uint64_t ms = (deadline - now + 999999) / 1000000;
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, ms > 60000 ? 60000 : (int)ms);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

/* --- connect ------------------------------------------------------------------------------- */

static int connect_one(const struct addrinfo *ai, uint64_t deadline, int *fd_out, int *err_no)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0) {
        *err_no = errno;
        return OTELC_ETRANSPORT;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            *err_no = errno;
            close(fd);
            return OTELC_ETRANSPORT;
        }
        int w = wait_fd(fd, POLLOUT, deadline);
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (w <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
            *err_no = w == 0 ? ETIMEDOUT : (soerr ? soerr : errno);
            close(fd);
            return w == 0 ? OTELC_ETIMEDOUT : OTELC_ETRANSPORT;
        }
    }
    *fd_out = fd;
    return OTELC_OK;
}

static int is_ip_literal(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static int handshake(struct otelc__grpc_conn *c, const char *host, SSL_CTX *tls,
                     uint64_t deadline, char *err, size_t errcap)
{
    ERR_clear_error();
    BIO *bio = BIO_new(bio_method);
    c->ssl = SSL_new(tls);
    if (!bio || !c->ssl) {
        BIO_free(bio);
        return OTELC_ENOMEM;
    }
    BIO_set_data(bio, (void *)(intptr_t)c->fd);
    SSL_set_bio(c->ssl, bio, bio);
    int ok;
    if (is_ip_literal(host)) {
        /* No SNI for an address (RFC 6066); the certificate must name the address. */
        ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host);
    } else {
        ok = SSL_set_tlsext_host_name(c->ssl, host) && SSL_set1_host(c->ssl, host);
    }
    if (!ok) {
        ssl_error(err, errcap, "cannot set up TLS for the host");
        return OTELC_ENOMEM;
    }
    SSL_set_connect_state(c->ssl);
    for (;;) {
        int r = SSL_do_handshake(c->ssl);
        if (r == 1)
            break;
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            int w = wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
            if (w == 0) {
                snprintf(err, errcap, "TLS handshake timed out");
                return OTELC_ETIMEDOUT;
            }
            if (w > 0)
                continue;
        }
        long v = SSL_get_verify_result(c->ssl);
        if (v != X509_V_OK) {
            snprintf(err, errcap, "TLS: certificate verification failed: %s",
                     X509_verify_cert_error_string(v));
            ERR_clear_error();
        } else {
            ssl_error(err, errcap, "TLS handshake failed");
        }
        return OTELC_ETRANSPORT;
    }
    const unsigned char *proto = NULL;
    unsigned int plen = 0;
    SSL_get0_alpn_selected(c->ssl, &proto, &plen);
    if (plen != 2 || memcmp(proto, "h2", 2) != 0) {
        snprintf(err, errcap, "TLS: the server did not agree to HTTP/2 (ALPN h2)");
        return OTELC_ETRANSPORT;
    }
    return OTELC_OK;
}

int otelc__grpc_conn_open(struct otelc__grpc_conn *c, const char *host, const char *port,
                          SSL_CTX *tls, uint64_t deadline, char *err, size_t errcap)
{
    struct addrinfo hints, *res = NULL;
    int rc = OTELC_ETRANSPORT, err_no = 0;
    c->fd = -1;
    c->ssl = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    /* Name resolution is the one step the deadline cannot interrupt: getaddrinfo blocks.
     * Addresses (the usual collector endpoint) resolve without a lookup. */
    int g = getaddrinfo(host, port, &hints, &res);
    if (g != 0) {
        snprintf(err, errcap, "cannot resolve %s: %s", host, gai_strerror(g));
        return g == EAI_MEMORY ? OTELC_ENOMEM : OTELC_ETRANSPORT;
    }
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        rc = connect_one(ai, deadline, &c->fd, &err_no);
        if (rc == OTELC_OK || rc == OTELC_ETIMEDOUT)
            break;
    }
    freeaddrinfo(res);
    if (rc != OTELC_OK) {
        snprintf(err, errcap, "cannot connect to %s:%s: %s", host, port,
                 rc == OTELC_ETIMEDOUT ? "timed out" : strerror(err_no));
        return rc;
    }
    if (tls) {
        rc = handshake(c, host, tls, deadline, err, errcap);
        if (rc != OTELC_OK) {
            otelc__grpc_conn_abandon(c);
            return rc;
        }
    }
    return OTELC_OK;
}

/* --- I/O ----------------------------------------------------------------------------------- */

/* One write or read attempt: bytes moved (> 0), 0 when it would block (*want says for what),
 * -1 on an error or end of stream. */
static ssize_t io_once(struct otelc__grpc_conn *c, int writing, void *p, size_t n, short *want)
{
    *want = writing ? POLLOUT : POLLIN;
    if (!c->ssl) {
        ssize_t r = writing ? send(c->fd, p, n, MSG_NOSIGNAL) : recv(c->fd, p, n, 0);
        if (r > 0)
            return r;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return 0;
        return -1;
    }
    int k = n > INT32_MAX ? INT32_MAX : (int)n;
    ERR_clear_error();
    int r = writing ? SSL_write(c->ssl, p, k) : SSL_read(c->ssl, p, k);
    if (r > 0)
        return r;
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        *want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        return 0;
    }
    ERR_clear_error();
    return -1;
}

int otelc__grpc_conn_write(struct otelc__grpc_conn *c, const uint8_t *p, size_t n,
                           uint64_t deadline)
{
    while (n > 0) {
        short want;
        ssize_t r = io_once(c, 1, (void *)p, n, &want);
        if (r < 0)
            return OTELC_ETRANSPORT;
        if (r > 0) {
            p += r;
            n -= (size_t)r;
            continue;
        }
        int w = wait_fd(c->fd, want, deadline);
        if (w <= 0)
            return w == 0 ? OTELC_ETIMEDOUT : OTELC_ETRANSPORT;
    }
    return OTELC_OK;
}

int otelc__grpc_conn_read(struct otelc__grpc_conn *c, uint8_t *buf, size_t cap, size_t *got,
                          uint64_t deadline)
{
    for (;;) {
        short want;
        ssize_t r = io_once(c, 0, buf, cap, &want);
        if (r < 0)
            return OTELC_ETRANSPORT;
        if (r > 0) {
            *got = (size_t)r;
            return OTELC_OK;
        }
        int w = wait_fd(c->fd, want, deadline);
        if (w <= 0)
            return w == 0 ? OTELC_ETIMEDOUT : OTELC_ETRANSPORT;
    }
}

void otelc__grpc_conn_close(struct otelc__grpc_conn *c)
{
    if (c->ssl) {
        ERR_clear_error();
        SSL_shutdown(c->ssl); /* one try: close_notify if the socket takes it */
        ERR_clear_error();
    }
    otelc__grpc_conn_abandon(c);
}

void otelc__grpc_conn_abandon(struct otelc__grpc_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    if (c->ssl) {
        /* With the descriptor closed and a quiet shutdown nothing can reach the peer. */
        SSL_set_quiet_shutdown(c->ssl, 1);
        SSL_free(c->ssl);
    }
    c->ssl = NULL;
}
