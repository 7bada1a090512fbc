/* SPDX-License-Identifier: Apache-2.0 */
/* Internal baggage pieces: the W3C grammar checks and the builder the header parser uses. */
#ifndef OTELC_PROPAGATORS_BAGGAGE_INTERNAL_H
#define OTELC_PROPAGATORS_BAGGAGE_INTERNAL_H

#include <stddef.h>

#include "otelc/baggage.h"

/* The W3C Baggage limits a propagator must at least honour, which otelc also stops at. */
#define OTELC__BAGGAGE_MAX_MEMBERS 64
#define OTELC__BAGGAGE_MAX_BYTES 8192

/* 1 when s[0..n) is an HTTP token (RFC 7230 tchar), the W3C key grammar; n > 0. */
int otelc__baggage_is_token(const char *s, size_t n);
/* 1 when c may appear unencoded in a W3C baggage value (baggage-octet). */
int otelc__baggage_is_octet(unsigned char c);
/* 1 when s[0..n) is a valid `;`-separated list of properties (already trimmed; n may be 0). */
int otelc__baggage_valid_properties(const char *s, size_t n);

/* One member a builder will hold: key and metadata are copied as they are; the value is
 * copied, or percent-decoded when encoded is set. */
struct otelc__baggage_member {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
    const char *meta;
    size_t meta_len;
    int encoded;
};

/* Builds a baggage of m[0..n) in order (NULL when n is 0). Encoded values must have been
 * checked with otelc__percent_decode(). OTELC_OK or OTELC_ENOMEM. */
int otelc__baggage_build(otelc_baggage **out, const struct otelc__baggage_member *m, size_t n);

/* Parses the n header values parts[i] (lens[i] bytes) as one joined `baggage` header. */
int otelc__baggage_from_parts(otelc_baggage **out, const char *const *parts,
                              const size_t *lens, size_t n);

#endif
