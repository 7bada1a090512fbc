/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding OTLP/HTTP answers: partial successes, google.rpc.Status messages and Retry-After,
 * over caller buffers with no connection (tests/fuzz/fuzz_http_response.c drives it). */
#include "exporters/otlp_http/http_response.h"

#include <string.h>
#include <strings.h>

#include "google/rpc/status.pb-c.h"
#include "sdk/common/alloc.h"
#include "sdk/common/env.h"

/* Copies at most OTELC__HTTP_MESSAGE_MAX bytes of a receiver's text, making control bytes
 * harmless. */
static void sanitize(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    if (n > OTELC__HTTP_MESSAGE_MAX)
        n = OTELC__HTTP_MESSAGE_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    dst[n] = '\0';
}

static void *pb_alloc(void *ud, size_t n)
{
    return otelc__malloc(n);
}

static void pb_free(void *ud, void *p)
{
    otelc__free(p);
}

static ProtobufCAllocator pb_allocator = {pb_alloc, pb_free, NULL};

/* Finds `"key"` followed by `:` in a JSON text and returns what follows the colon. A small
 * scanner, not a parser: enough for the two flat answers a collector sends. */
static const char *json_value(const char *s, size_t len, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i + klen + 2 <= len; i++) {
        if (s[i] != '"' || memcmp(s + i + 1, key, klen) != 0 || s[i + 1 + klen] != '"')
            continue;
        size_t j = i + klen + 2;
        while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
            j++;
        if (j < len && s[j] == ':') {
            j++;
            while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
                j++;
            return j < len ? s + j : NULL;
        }
    }
    return NULL;
}

/* A JSON string value of key, escapes other than \" and \\ left as they are. */
static void json_string(const char *s, size_t len, const char *key, char *out, size_t cap)
{
    const char *v = json_value(s, len, key);
    size_t o = 0;
    out[0] = '\0';
    if (!v || *v != '"')
        return;
    for (v++; v < s + len && *v != '"' && o + 1 < cap && o < OTELC__HTTP_MESSAGE_MAX; v++) {
        if (*v == '\\' && v + 1 < s + len)
            v++;
        unsigned char c = (unsigned char)*v;
        out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[o] = '\0';
}

/* A JSON integer (bare or, as OTLP/JSON writes int64, quoted) of key; 0 when absent. */
static uint64_t json_u64(const char *s, size_t len, const char *key)
{
    const char *v = json_value(s, len, key);
    uint64_t r = 0;
    if (!v)
        return 0;
    if (*v == '"')
        v++;
    size_t n = 0;
    while (v + n < s + len && v[n] >= '0' && v[n] <= '9' && n < 20)
        n++;
    if (n == 0 || otelc__parse_u64(v, n, &r) != 0)
        return 0;
    return r;
}

static int body_is_json(const char *body, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = body[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return c == '{';
    }
    return 0;
}

/* The value of field number id of m, when it exists with the given type. */
static const void *pb_field(const ProtobufCMessage *m, unsigned id, ProtobufCType type)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(m->descriptor, id);
    if (!f || f->type != type || f->label == PROTOBUF_C_LABEL_REPEATED)
        return NULL;
    return (const char *)m + f->offset;
}

/* The partial success of a protobuf Export<Signal>ServiceResponse, read through the signal's
 * descriptor: the layout (field numbers and types) is the same in every signal. */
static void pb_partial(const ProtobufCMessageDescriptor *response, const char *body, size_t len,
                       uint64_t *rejected, char *msg, size_t cap)
{
    ProtobufCMessage *r =
        protobuf_c_message_unpack(response, &pb_allocator, len, (const uint8_t *)body);
    if (!r)
        return;
    ProtobufCMessage *const *ps = pb_field(r, 1, PROTOBUF_C_TYPE_MESSAGE);
    if (ps && *ps) {
        const int64_t *n = pb_field(*ps, 1, PROTOBUF_C_TYPE_INT64);
        char *const *m = pb_field(*ps, 2, PROTOBUF_C_TYPE_STRING);
        if (n && *n > 0)
            *rejected = (uint64_t)*n;
        if (m && *m)
            sanitize(msg, cap, *m, strlen(*m));
    }
    protobuf_c_message_free_unpacked(r, &pb_allocator);
}

int otelc__http_partial_success(const ProtobufCMessageDescriptor *response,
                                const char *json_rejected, const char *body, size_t len,
                                uint64_t *rejected, char *msg, size_t cap)
{
    *rejected = 0;
    msg[0] = '\0';
    if (len == 0)
        return 0;
    if (body_is_json(body, len)) {
        *rejected = json_u64(body, len, json_rejected);
        json_string(body, len, "errorMessage", msg, cap);
    } else {
        pb_partial(response, body, len, rejected, msg, cap);
    }
    return *rejected != 0 || msg[0] != '\0';
}

void otelc__http_status_message(const char *body, size_t len, char *msg, size_t cap)
{
    msg[0] = '\0';
    if (len == 0)
        return;
    if (body_is_json(body, len)) {
        json_string(body, len, "message", msg, cap);
        return;
    }
    Google__Rpc__Status *st =
        google__rpc__status__unpack(&pb_allocator, len, (const uint8_t *)body);
    if (!st)
        return;
    if (st->message)
        sanitize(msg, cap, st->message, strlen(st->message));
    google__rpc__status__free_unpacked(st, &pb_allocator);
}

size_t otelc__http_retry_after_header(const char *line, size_t n, char *out, size_t cap)
{
    static const char name[] = "retry-after:";
    if (n <= sizeof name - 1 || strncasecmp(line, name, sizeof name - 1) != 0)
        return 0;
    const char *v = line + sizeof name - 1;
    size_t vlen = n - (sizeof name - 1);
    while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
        vlen--;
    if (vlen >= cap)
        return 0;
    memcpy(out, v, vlen);
    return vlen;
}
