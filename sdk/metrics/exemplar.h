/* SPDX-License-Identifier: Apache-2.0 */
/* Exemplars: the filter that decides which measurements may become one, and the two
 * reservoirs of the specification that keep a few of them per series between collections
 * (SimpleFixedSizeExemplarReservoir and AlignedHistogramBucketExemplarReservoir). */
#ifndef OTELC_SDK_METRICS_EXEMPLAR_H
#define OTELC_SDK_METRICS_EXEMPLAR_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "otelc/metric_data.h"
#include "otelc/trace_types.h"

/* Per-exemplar storage for the attributes the stream dropped: at most this many attributes
 * and this many bytes of keys and string/bytes values (each with a NUL). An attribute that
 * does not fit whole is left out of that exemplar; later, smaller ones may still fit. */
#define OTELC__EXEMPLAR_MAX_ATTRS 4
#define OTELC__EXEMPLAR_ATTR_BYTES 128
/* The largest reservoir (fixed size, or bucket count of the aligned one). */
#define OTELC__RESERVOIR_MAX_SIZE 4096
/* The specification's default size of the fixed reservoir of an exponential histogram is
 * min(20, max_size); every other aggregation but the explicit histogram gets size 1. */
#define OTELC__RESERVOIR_EXP_HISTOGRAM_MAX 20

enum otelc__exemplar_filter {
    OTELC__EXEMPLAR_ALWAYS_OFF,
    OTELC__EXEMPLAR_ALWAYS_ON,
    OTELC__EXEMPLAR_TRACE_BASED
};

/* Parses an OTEL_METRICS_EXEMPLAR_FILTER value: always_on, always_off or trace_based, case
 * and surrounding blanks ignored. OTELC_OK, or OTELC_EPARSE (s NULL or anything else; *out
 * untouched: the caller warns and uses trace_based). */
int otelc__exemplar_filter_parse(const char *s, enum otelc__exemplar_filter *out);

/* Whether a measurement recorded in span context sc (NULL or invalid: no span) may become
 * an exemplar: always_on yes, always_off no, trace_based only in a valid, sampled span. */
static inline int otelc__exemplar_filter_allows(enum otelc__exemplar_filter f,
                                                const otelc_span_context *sc)
{
    if (f == OTELC__EXEMPLAR_ALWAYS_ON)
        return 1;
    if (f == OTELC__EXEMPLAR_TRACE_BASED)
        return otelc_span_context_is_valid(sc) && otelc_span_context_is_sampled(sc);
    return 0;
}

/* One kept measurement. Its storage is position-independent (attribute keys and strings are
 * offsets into strings) so that collect can copy it with memcpy and point the copy's attrs
 * at the copy's own bytes. */
struct otelc__exemplar_slot {
    otelc_exemplar ex;       /* filtered_attrs is set only in the collected copy */
    uint64_t seen;           /* aligned: measurements offered to this bucket since collect */
    int used;                /* 1 when the slot holds a measurement */
    uint16_t str_used;       /* bytes of strings in use */
    uint16_t key_off[OTELC__EXEMPLAR_MAX_ATTRS];
    uint16_t val_off[OTELC__EXEMPLAR_MAX_ATTRS]; /* string and bytes values */
    otelc_attr attrs[OTELC__EXEMPLAR_MAX_ATTRS];  /* pointers valid in the collected copy */
    char strings[OTELC__EXEMPLAR_ATTR_BYTES];
};

/* A reservoir: fixed storage after init (two arrays of slots: the live ones that offers
 * write, and the collected ones that only collect writes, so that the exemplars collect
 * hands out never change under a concurrent offer). */
struct otelc__reservoir {
    atomic_flag lock;         /* guards live and seen; held for one offer or one swap-out */
    atomic_flag collect_lock; /* one collect at a time */
    int aligned;              /* 1: one slot per histogram bucket */
    uint32_t size;            /* number of slots */
    uint64_t seen;            /* fixed: measurements offered since the last collect */
    struct otelc__exemplar_slot *live;
    struct otelc__exemplar_slot *collected;
};

/* A SimpleFixedSizeExemplarReservoir of size slots (1 <= size <= 4096): reservoir sampling
 * (Algorithm R) over the measurements offered since the last collection. Default sizes are
 * the caller's: 1 for sums and gauges, min(20, max_size) for exponential histograms.
 * OTELC_OK, OTELC_EINVAL, OTELC_ENOMEM. */
int otelc__reservoir_init_fixed(struct otelc__reservoir *r, uint32_t size);

/* An AlignedHistogramBucketExemplarReservoir for the explicit histogram with bounds (strictly
 * increasing, bound_count of them, borrowed for the call only: the caller's histogram
 * computes the bucket). One slot per bucket (bound_count + 1); each keeps one of the
 * measurements offered to its bucket since the last collection, uniformly at random.
 * OTELC_OK, OTELC_EINVAL (r NULL, bounds NULL with bound_count > 0, bounds not increasing,
 * more than 4095 bounds), OTELC_ENOMEM. */
int otelc__reservoir_init_aligned(struct otelc__reservoir *r, const double *bounds,
                                  size_t bound_count);

/* Frees the slots; not concurrent with offer or collect. NULL and a zeroed r are no-ops. */
void otelc__reservoir_fini(struct otelc__reservoir *r);

/* Offers a measurement (the filter already allowed it): value (is_int tells which member of
 * the union is set; the union is kept whole), time_ns, the span context it was recorded in
 * (borrowed: trace and span ids are copied; NULL or invalid: no span) and the attributes the
 * stream dropped (borrowed; n of them, usually none). Attributes are copied into the slot's
 * fixed storage: up to OTELC__EXEMPLAR_MAX_ATTRS of them with OTELC__EXEMPLAR_ATTR_BYTES of
 * keys and values; strings and bytes are copied whole or not at all; an attribute that does
 * not fit, has a NULL or empty key, or holds an array is left out of that exemplar. bucket
 * is the explicit histogram's bucket index for the aligned reservoir (out of range: the
 * offer is ignored) and is ignored by the fixed one. Thread-safe, never allocates. */
void otelc__reservoir_offer(struct otelc__reservoir *r, otelc_metric_number value, int is_int,
                            uint64_t time_ns, const otelc_span_context *sc,
                            const otelc_attr *dropped_attrs, size_t n, size_t bucket);

/* Moves the kept exemplars into out (at most cap; the rest are dropped), in slot order (for
 * the aligned reservoir: bucket order), and empties the reservoir, its sampling counts
 * included: exemplars cover one collection interval whatever the temporality. Returns the
 * number written. Each exemplar's filtered_attrs (NULL when it has none) points into the
 * reservoir's collected storage, which offers never touch: valid until the next collect or
 * fini of r. Thread-safe against offers; concurrent collects are serialized, but a second
 * collect ends the validity of what the first returned. */
size_t otelc__reservoir_collect(struct otelc__reservoir *r, otelc_exemplar *out, size_t cap);

#endif
