/* SPDX-License-Identifier: Apache-2.0 */
/* What the OTLP encoders (protobuf and JSON) share: grouping spans by resource and scope, the
 * SpanFlags word and the UTF-8 check that keeps strings decodable. */
#ifndef OTELC_EXPORTERS_OTLP_OTLP_COMMON_H
#define OTELC_EXPORTERS_OTLP_OTLP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "otelc/trace.h"

/* Span flags of opentelemetry-proto (trace.proto, SpanFlags). */
#define OTELC__OTLP_FLAGS_HAS_IS_REMOTE 0x100u
#define OTELC__OTLP_FLAGS_IS_REMOTE 0x200u

/* One resource and scope pair, and (in the same array, indexed by span) the pair of a span. */
struct otelc__otlp_slot {
    const otelc_resource *res;
    otelc_scope_info scope;
    size_t group_of; /* for the span of this index: its group, SIZE_MAX for a NULL span */
};

/*
 * Assigns each of the n spans (NULL entries allowed) a (resource, scope) group, numbered in
 * order of first appearance: slots[i].group_of for span i, and slots[g].res / .scope for group
 * g. slots holds n entries. Returns the number of groups.
 */
size_t otelc__otlp_group_spans(otelc_span *const *spans, size_t n, struct otelc__otlp_slot *slots);

/* 1 when group g is the first group of its resource (the one that writes the resource). */
int otelc__otlp_first_of_resource(const struct otelc__otlp_slot *slots, size_t g);

/* SpanFlags: the W3C trace flags in the low byte and whether the context is remote. */
static inline uint32_t otelc__otlp_span_flags(uint8_t trace_flags, int remote)
{
    return trace_flags | OTELC__OTLP_FLAGS_HAS_IS_REMOTE |
           (remote ? OTELC__OTLP_FLAGS_IS_REMOTE : 0u);
}

/* The i-th element (i < v->len) of an array value, as a scalar value. */
otelc_value otelc__otlp_array_element(const otelc_value *v, size_t i);

/*
 * The length (2 to 4) of the well-formed UTF-8 sequence at p (p[0] >= 0x80, avail >= 1 bytes
 * readable), or 0 when it is ill-formed; then *skip is the length of its maximal subpart, which
 * becomes one U+FFFD (the Unicode standard's "substitution of maximal subparts").
 */
size_t otelc__utf8_seq(const unsigned char *p, size_t avail, size_t *skip);

/* What an otelc__otlp_batch_fn returns when the batch's encoded request is over the size
 * limit and the batch has more than one span. */
#define OTELC__OTLP_SPLIT_ME 1

/* Sends one batch: OTELC_OK, a negative code, or OTELC__OTLP_SPLIT_ME. */
typedef int (*otelc__otlp_batch_fn)(void *ud, otelc_span *const *spans, size_t n,
                                    uint64_t deadline);

/* Sends the n spans with send, halving a batch that asks to be split until every part fits;
 * every part is sent even when another failed, and the first failure is returned. */
int otelc__otlp_export_split(otelc__otlp_batch_fn send, void *ud, otelc_span *const *spans,
                             size_t n, uint64_t deadline);

#endif
