/* SPDX-License-Identifier: Apache-2.0 */
/* Internal pieces shared by the propagators: the propagator object, hex, carrier access. */
#ifndef OTELC_PROPAGATORS_PROPAGATOR_INTERNAL_H
#define OTELC_PROPAGATORS_PROPAGATOR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "otelc/propagation.h"

struct otelc_propagator {
    const otelc_propagator_methods *m;
    void *user_data;
};

/* Restores the no-op global propagator if p is still the global one (someone may have
 * installed another since). */
void otelc__unset_global_propagator(const otelc_propagator *p);

/* Writes 2n lowercase hex digits of in[0..n) to out (no NUL). */
void otelc__hex_encode(char *out, const uint8_t *in, size_t n);
/* Decodes 2n lowercase hex digits into out[0..n); -1 (out partly written) on any other
 * character, upper-case included, which the W3C and B3 formats both forbid. */
int otelc__hex_decode(const char *in, size_t n, uint8_t *out);
/* 1 when p[0..n) is all zero. */
int otelc__all_zero(const uint8_t *p, size_t n);

/* The carrier's index-th value of name; 0 when absent. Getters were checked at the door. */
static inline int otelc__carrier_get(const otelc_carrier_getter *g, const char *name,
                                     size_t index, const char **value, size_t *len)
{
    *value = NULL;
    *len = 0;
    if (g->get(g->user_data, name, index, value, len) != 1)
        return 0;
    if (!*value) {
        /* A getter that found an empty field may leave the pointer NULL. */
        if (*len != 0)
            return 0;
        *value = "";
    }
    return 1;
}

/* Sets a NUL-terminated value. */
static inline int otelc__carrier_set(const otelc_carrier_setter *s, const char *name,
                                     const char *value, size_t len)
{
    return s->set(s->user_data, name, value, len);
}

/* Parses a `b3` single-header value into sc (ids and sampled flag; no tracestate) and
 * *debug; 0, or -1 when it carries no valid ids or breaks the format. Allocates nothing. */
int otelc__b3_parse_single(const char *s, size_t n, otelc_span_context *sc, int *debug);

/* Makes *out a new context on base holding a remote span for sc (a reference to its
 * tracestate is taken), with the propagation flags given. OTELC_OK or OTELC_ENOMEM. */
int otelc__context_with_remote(const otelc_context *base, const otelc_span_context *sc,
                               uint8_t flags, otelc_context **out);

/* Carrier adapters that own what is set into them keep each field's name and value in one
 * block, "name\0value\0"; *name_len receives strlen(name). NULL when memory runs out. */
char *otelc__field_block(const char *name, const char *value, size_t len, size_t *name_len);
/* Makes room for one more element in *items (count used of *cap); OTELC_OK or ENOMEM. */
int otelc__grow_array(void **items, size_t *cap, size_t count, size_t elem);

/* 1 when c is in the ASCII character class mask (bit c of word c / 32): one test per byte
 * on the parsing paths. */
static inline int otelc__in_class(const uint32_t mask[4], unsigned char c)
{
    return c < 128 && (mask[c >> 5] >> (c & 31) & 1u);
}

/* Case-insensitive ASCII comparison of a[0..alen) with the NUL-terminated b. */
int otelc__name_equal(const char *a, size_t alen, const char *b);

#endif
