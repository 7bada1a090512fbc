/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/JSON writers the encoders of every signal share (they live in otlp_json.c with the
 * span encoder): strings, numbers, ids, members, lists, attributes, resource and scope. Each
 * appends to a buffer with a sticky oom flag, so callers check it once at the end. */
#ifndef OTELC_EXPORTERS_CONSOLE_OTLP_JSON_WRITE_H
#define OTELC_EXPORTERS_CONSOLE_OTLP_JSON_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "otelc/trace.h"
#include "sdk/common/buf.h"

/* A JSON string of the C string s (NULL as ""), escaped, invalid UTF-8 replaced by U+FFFD. */
void otelc__json_cstr(struct otelc__buf *b, const char *s);
/* A 64-bit integer as a JSON string (the protobuf JSON mapping of int64/fixed64). */
void otelc__json_u64_string(struct otelc__buf *b, uint64_t v);
/* n bytes as a lowercase hex string: OTLP/JSON's form of trace and span ids. */
void otelc__json_hex(struct otelc__buf *b, const uint8_t *p, size_t n);
/* A double in its shortest exact form; NaN and the infinities as the strings "NaN",
 * "Infinity" and "-Infinity" (the protobuf JSON mapping). */
void otelc__json_double(struct otelc__buf *b, double d);
/* Writes the separator before a list element or object member; *first tracks the first. */
void otelc__json_sep(struct otelc__buf *b, int *first);
/* Writes `"key":` (key is a literal that needs no escaping), with its separator. */
void otelc__json_member(struct otelc__buf *b, int *first, const char *key);

/* Writes the i-th element of a list (with its separator, unless it skips the element). */
typedef void (*otelc__json_item_fn)(struct otelc__buf *b, int *first, const void *ctx, size_t i);
/* The member `"key":[...]` of n elements, left out when n is 0 (empty repeated fields are not
 * written in the protobuf JSON mapping). */
void otelc__json_list(struct otelc__buf *b, int *first, const char *key, size_t n,
                      otelc__json_item_fn item, const void *ctx);
/* An item function writing the i-th KeyValue of the otelc_attr array ctx. */
void otelc__json_attr_item(struct otelc__buf *b, int *first, const void *ctx, size_t i);
/* The member `"attributes":[...]` of an attribute array, left out when empty. */
void otelc__json_attrs(struct otelc__buf *b, int *first, const otelc_attr *attrs, size_t n);
/* An integer member, left out when zero (the protobuf JSON default). */
void otelc__json_count(struct otelc__buf *b, int *first, const char *key, uint64_t v);
/* A string member, left out when NULL or empty. */
void otelc__json_opt_string(struct otelc__buf *b, int *first, const char *key, const char *s);

/* The member `"resource":{...}` of res (its attributes). */
void otelc__json_resource(struct otelc__buf *b, int *first, const otelc_resource *res);
/* The member `"scope":{...}` of sc (name, version, attributes; the schema URL belongs to the
 * Scope<Signal> object). */
void otelc__json_scope(struct otelc__buf *b, int *first, const otelc_scope_info *sc);

#endif
