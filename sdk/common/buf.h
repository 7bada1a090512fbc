/* SPDX-License-Identifier: Apache-2.0 */
/* A growable byte buffer for encoders, with a sticky out-of-memory flag: appends after a failed
 * allocation do nothing, so an encoder writes everything and checks the flag once at the end. */
#ifndef OTELC_SDK_COMMON_BUF_H
#define OTELC_SDK_COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>

struct otelc__buf {
    char *data; /* NULL until the first append; NUL-terminated after any append */
    size_t len; /* bytes written, not counting the terminating NUL */
    size_t cap; /* bytes allocated */
    int oom;    /* 1 once an allocation failed (or a size overflowed); sticky until reset */
};

/* An empty buffer that owns nothing. */
void otelc__buf_init(struct otelc__buf *b);
/* Frees the memory; the buffer is empty (as after init) afterwards. */
void otelc__buf_free(struct otelc__buf *b);
/* Forgets the content and the oom flag but keeps the memory for reuse. */
void otelc__buf_reset(struct otelc__buf *b);
/* Makes room for extra more bytes (and the NUL). 0 on success, -1 (and oom set) on failure. */
int otelc__buf_reserve(struct otelc__buf *b, size_t extra);
/* OTELC_OK, or OTELC_ENOMEM when the oom flag is set. */
int otelc__buf_status(const struct otelc__buf *b);

/* Appends n bytes at p (p may be NULL when n is 0). */
void otelc__buf_append(struct otelc__buf *b, const void *p, size_t n);
/* Appends a NUL-terminated string without its NUL. */
void otelc__buf_append_str(struct otelc__buf *b, const char *s);
/* Appends one byte. */
void otelc__buf_append_char(struct otelc__buf *b, char c);
/* Appends v in decimal. */
void otelc__buf_append_u64(struct otelc__buf *b, uint64_t v);
/* Appends v in decimal, with a '-' when negative (INT64_MIN included). */
void otelc__buf_append_i64(struct otelc__buf *b, int64_t v);
/* Appends the n bytes at p as 2n lowercase hexadecimal digits. */
void otelc__buf_append_hex(struct otelc__buf *b, const void *p, size_t n);

#endif
