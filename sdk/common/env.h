/* SPDX-License-Identifier: Apache-2.0 */
/* Internal parsing of OTEL_* environment values. Every reader warns once per call, naming
 * the variable and the value, when the value is bad, and returns the default. An empty value
 * counts as unset (the specification's rule). */
#ifndef OTELC_SDK_COMMON_ENV_H
#define OTELC_SDK_COMMON_ENV_H

#include <stddef.h>
#include <stdint.h>

/* The value, or NULL when unset or empty. */
const char *otelc__getenv(const char *name);
/* "true"/"false", case-insensitive. */
int otelc__env_bool(const char *name, int def);
/* A decimal integer within [min, max]. */
uint32_t otelc__env_u32(const char *name, uint32_t def, uint32_t min, uint32_t max);
/* A duration in milliseconds (a decimal integer) within [min, max]. */
uint64_t otelc__env_ms(const char *name, uint64_t def, uint64_t min, uint64_t max);
/* A ratio in [0, 1] (strtod syntax, no trailing garbage). */
double otelc__env_ratio(const char *name, double def);
/* The index in choices (NULL-terminated, compared case-insensitively after trimming) or def. */
int otelc__env_choice(const char *name, const char *const *choices, int def);

/* Parses a decimal u64 with no sign, no spaces, no trailing garbage. 0 or -1. */
int otelc__parse_u64(const char *s, size_t len, uint64_t *out);
/* Decodes %XX escapes of in[0..len) into out (room for len bytes; out may equal in).
 * Returns OTELC_OK or OTELC_EPARSE for a truncated or non-hex escape. */
int otelc__percent_decode(const char *in, size_t len, char *out, size_t *out_len);
/* Calls fn(key, klen, value, vlen, ud) for each comma-separated `key=value` member, with
 * optional whitespace trimmed around keys and values; values are not decoded. Stops and
 * returns the callback's non-zero result; returns OTELC_EPARSE for a member without '=' or an
 * empty key, and OTELC_OK otherwise. Empty members are skipped. */
typedef int (*otelc__kv_fn)(const char *key, size_t klen, const char *val, size_t vlen,
                            void *ud);
int otelc__parse_kv_list(const char *s, size_t len, otelc__kv_fn fn, void *ud);
/* Trims spaces and tabs on both ends of [*s, *s + *len). */
void otelc__trim(const char **s, size_t *len);

#endif
