/* SPDX-License-Identifier: Apache-2.0 */
/* The gRPC client's byte transport: one non-blocking TCP connection, cleartext or TLS 1.2+
 * with ALPN h2 (OpenSSL), where connecting, the handshake, every write and every read end by a
 * monotonic deadline, and writes never raise SIGPIPE. */
#ifndef OTELC_EXPORTERS_OTLP_GRPC_GRPC_CONN_H
#define OTELC_EXPORTERS_OTLP_GRPC_GRPC_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct otelc__grpc_conn {
    int fd;   /* -1 when closed */
    SSL *ssl; /* NULL for cleartext */
};

/* The TLS settings every connection of a client shares: the system's CAs or ca_file, an
 * optional client certificate and key, TLS 1.2 minimum, peer verification, ALPN h2. On
 * failure a reason (file names, no key material) is written to err. Returns OTELC_OK,
 * OTELC_ENOMEM, or OTELC_EINVAL (a file cannot be used). */
int otelc__grpc_tls_new(SSL_CTX **out, const char *ca_file, const char *cert_file,
                        const char *key_file, char *err, size_t errcap);

/* Connects to host:port (trying each address) and, when tls is not NULL, runs the handshake
 * with SNI and verification of host's name or IP address. Returns OTELC_OK, OTELC_ETIMEDOUT
 * (the deadline passed), OTELC_ETRANSPORT (refused, unresolvable, TLS failure: err says
 * which), OTELC_ENOMEM. */
int otelc__grpc_conn_open(struct otelc__grpc_conn *c, const char *host, const char *port,
                          SSL_CTX *tls, uint64_t deadline, char *err, size_t errcap);

/* Writes all n bytes. OTELC_OK, OTELC_ETIMEDOUT or OTELC_ETRANSPORT. */
int otelc__grpc_conn_write(struct otelc__grpc_conn *c, const uint8_t *p, size_t n,
                           uint64_t deadline);

/* Reads what arrives first, up to cap bytes, into buf (*got > 0). OTELC_OK, OTELC_ETIMEDOUT,
 * or OTELC_ETRANSPORT (closed by the peer, or an error). */
int otelc__grpc_conn_read(struct otelc__grpc_conn *c, uint8_t *buf, size_t cap, size_t *got,
                          uint64_t deadline);

/* Closes the connection (a TLS close_notify is tried once, without waiting). */
void otelc__grpc_conn_close(struct otelc__grpc_conn *c);

/* Forgets a connection inherited over fork() without sending anything on it: the descriptor
 * is closed and the TLS state freed without a shutdown. */
void otelc__grpc_conn_abandon(struct otelc__grpc_conn *c);

#endif
