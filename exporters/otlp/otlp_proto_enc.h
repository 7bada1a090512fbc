/* SPDX-License-Identifier: Apache-2.0 */
/* The building blocks the OTLP/protobuf encoders of every signal share: one arena per request,
 * UTF-8-repaired strings, AnyValue attributes, Resource and InstrumentationScope messages, and
 * packing into a buffer. They live in otlp_proto.c with the span encoder. */
#ifndef OTELC_EXPORTERS_OTLP_OTLP_PROTO_ENC_H
#define OTELC_EXPORTERS_OTLP_OTLP_PROTO_ENC_H

#include <stddef.h>

#include "common.pb-c.h"
#include "otelc/trace.h"
#include "resource.pb-c.h"
#include "sdk/common/arena.h"
#include "sdk/common/buf.h"

/* The memory of one request. Every builder returns NULL or 0 (and the caller gives up) when
 * the arena cannot grow; the whole request is then freed at once by otelc__pb_enc_done(). */
struct otelc__pb_enc {
    struct otelc__arena arena;
};

/* Reads the i-th attribute of a list (a span's, a resource's or a plain array); NULL skips. */
typedef const otelc_attr *(*otelc__pb_attr_at_fn)(const void *ctx, size_t i);

void otelc__pb_enc_init(struct otelc__pb_enc *e);
/* Frees everything the request's messages hold. */
void otelc__pb_enc_done(struct otelc__pb_enc *e);

/* An uninitialised array of n elements of size bytes in the arena; NULL when it cannot grow
 * or n * size overflows. n == 0 may give NULL or a pointer: callers test n first. */
void *otelc__pb_array(struct otelc__pb_enc *e, size_t n, size_t size);

/* A C string for a message: s itself when it is valid UTF-8 without NUL issues (protobuf-c
 * only reads it), else a copy with each ill-formed sequence replaced by U+FFFD. NULL stays
 * NULL (an absent proto3 string). *ok is cleared when memory runs out. */
char *otelc__pb_cstr(struct otelc__pb_enc *e, const char *s, int *ok);

/* The KeyValue list of n attributes read through at; NULL attributes are skipped. Sets *out and
 * *out_n; returns 0 when memory runs out. */
int otelc__pb_attrs(struct otelc__pb_enc *e, otelc__pb_attr_at_fn at, const void *ctx, size_t n,
                    Opentelemetry__Proto__Common__V1__KeyValue ***out, size_t *out_n);

/* The same for a plain array (attrs may be NULL when n is 0). */
int otelc__pb_attr_array(struct otelc__pb_enc *e, const otelc_attr *attrs, size_t n,
                         Opentelemetry__Proto__Common__V1__KeyValue ***out, size_t *out_n);

/* The Resource message of res (its attributes); NULL when memory runs out. */
Opentelemetry__Proto__Resource__V1__Resource *otelc__pb_resource(struct otelc__pb_enc *e,
                                                                 const otelc_resource *res);

/* The InstrumentationScope message of sc (name, version, attributes); NULL when memory runs
 * out. The scope's schema URL belongs to the Scope<Signal> message, not to this one. */
Opentelemetry__Proto__Common__V1__InstrumentationScope *otelc__pb_scope(struct otelc__pb_enc *e,
                                                                        const otelc_scope_info *sc);

/* Appends the serialised msg to out. OTELC_OK, or OTELC_ENOMEM (out's oom flag set, nothing
 * appended). */
int otelc__pb_pack(struct otelc__buf *out, const ProtobufCMessage *msg);

#endif
