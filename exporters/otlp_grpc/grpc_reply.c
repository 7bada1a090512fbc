/* SPDX-License-Identifier: Apache-2.0 */
/* A small protobuf reader for the two things a gRPC client reads from an answer: RetryInfo in
 * the details of a google.rpc.Status, and the partial_success of an export response. */
#include "exporters/otlp_grpc/grpc_reply.h"

#include <string.h>

#define RETRY_INFO_TYPE "type.googleapis.com/google.rpc.RetryInfo"
/* A RetryInfo delay longer than this is taken as this: the export deadline cuts it anyway. */
#define MAX_DELAY_S 3600

/* One field of a message: its number, wire type, and its value (varint or bytes). */
struct field {
    uint32_t num;
    uint32_t type;
    uint64_t varint;
    const uint8_t *bytes;
    size_t len;
};

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        uint8_t b = *(*p)++;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

/* Reads the next field at *p. 1 when one was read, 0 at the end, -1 when malformed. */
static int next_field(const uint8_t **p, const uint8_t *end, struct field *f)
{
    uint64_t key, v;
    if (*p == end)
        return 0;
    if (read_varint(p, end, &key) != 0 || key >> 3 == 0 || key >> 3 > UINT32_MAX)
        return -1;
    memset(f, 0, sizeof *f);
    f->num = (uint32_t)(key >> 3);
    f->type = (uint32_t)(key & 7);
    switch (f->type) {
    case 0:
        return read_varint(p, end, &f->varint) == 0 ? 1 : -1;
    case 1: /* fixed64 */
    case 5: /* fixed32 */ {
        size_t n = f->type == 1 ? 8 : 4;
        if ((size_t)(end - *p) < n)
            return -1;
        f->bytes = *p;
        f->len = n;
        *p += n;
        return 1;
    }
    case 2:
        if (read_varint(p, end, &v) != 0 || v > (uint64_t)(end - *p))
            return -1;
        f->bytes = *p;
        f->len = (size_t)v;
        *p += v;
        return 1;
    default: /* groups (3, 4) are not used by these messages */
        return -1;
    }
}

/* google.protobuf.Duration { int64 seconds = 1; int32 nanos = 2; } into ns, clamped. */
static int read_duration(const uint8_t *p, size_t len, uint64_t *ns)
{
    const uint8_t *end = p + len;
    struct field f;
    int64_t secs = 0, nanos = 0;
    int r;
    while ((r = next_field(&p, end, &f)) == 1) {
        if (f.num == 1 && f.type == 0)
            secs = (int64_t)f.varint;
        else if (f.num == 2 && f.type == 0)
            nanos = (int32_t)(uint32_t)f.varint;
    }
    if (r < 0)
        return -1;
    if (secs < 0 || (secs == 0 && nanos < 0)) {
        *ns = 0;
    } else if (secs >= MAX_DELAY_S) {
        *ns = (uint64_t)MAX_DELAY_S * 1000000000ull;
    } else {
        int64_t n = nanos < 0 ? 0 : (nanos > 999999999 ? 999999999 : nanos);
        *ns = (uint64_t)secs * 1000000000ull + (uint64_t)n;
    }
    return 0;
}

/* google.protobuf.Any { string type_url = 1; bytes value = 2; }: the RetryInfo's delay when
 * it is one. 1 found, 0 another type, -1 malformed. */
static int read_any(const uint8_t *p, size_t len, uint64_t *delay_ns)
{
    const uint8_t *end = p + len, *value = NULL;
    size_t value_len = 0;
    int is_retry_info = 0;
    struct field f;
    int r;
    while ((r = next_field(&p, end, &f)) == 1) {
        if (f.num == 1 && f.type == 2)
            is_retry_info = f.len == sizeof RETRY_INFO_TYPE - 1 &&
                            memcmp(f.bytes, RETRY_INFO_TYPE, f.len) == 0;
        else if (f.num == 2 && f.type == 2) {
            value = f.bytes;
            value_len = f.len;
        }
    }
    if (r < 0)
        return -1;
    if (!is_retry_info)
        return 0;
    /* RetryInfo { google.protobuf.Duration retry_delay = 1; }; no delay means zero. */
    *delay_ns = 0;
    const uint8_t *q = value, *qend = value ? value + value_len : NULL;
    while (q && (r = next_field(&q, qend, &f)) == 1) {
        if (f.num == 1 && f.type == 2 && read_duration(f.bytes, f.len, delay_ns) != 0)
            return -1;
    }
    return q && r < 0 ? -1 : 1;
}

int otelc__grpc_retry_info(const uint8_t *status, size_t len, uint64_t *delay_ns)
{
    const uint8_t *p = status, *end = status + len;
    struct field f;
    int r, found = 0;
    if (len == 0)
        return 0;
    while ((r = next_field(&p, end, &f)) == 1) {
        if (f.num != 3 || f.type != 2 || found)
            continue;
        int a = read_any(f.bytes, f.len, delay_ns);
        if (a < 0)
            return -1;
        found = a;
    }
    return r < 0 ? -1 : found;
}

int otelc__grpc_partial_success(const uint8_t *msg, size_t len, int64_t *rejected,
                                const char **error_message, size_t *error_len)
{
    const uint8_t *p = msg, *end = msg + len;
    struct field f, g;
    int r, found = 0;
    *rejected = 0;
    *error_message = "";
    *error_len = 0;
    if (len == 0)
        return 0;
    while ((r = next_field(&p, end, &f)) == 1) {
        if (f.num != 1 || f.type != 2)
            continue;
        /* A repeated embedded message is merged field by field, last value winning. */
        found = 1;
        const uint8_t *q = f.bytes, *qend = f.bytes + f.len;
        int s;
        while ((s = next_field(&q, qend, &g)) == 1) {
            if (g.num == 1 && g.type == 0) {
                *rejected = (int64_t)g.varint;
            } else if (g.num == 2 && g.type == 2) {
                *error_message = (const char *)g.bytes;
                *error_len = g.len;
            }
        }
        if (s < 0)
            return -1;
    }
    return r < 0 ? -1 : found;
}
