/* SPDX-License-Identifier: Apache-2.0 */
/* The parts of a series that live in modules of their own: the exponential histogram and the
 * exemplar reservoir. */
#ifndef OTELC_SDK_METRICS_SERIES_EXT_H
#define OTELC_SDK_METRICS_SERIES_EXT_H

#include "exemplar.h"
#include "metrics_internal.h"

/* Allocates the exponential histogram (exponential streams) and the exemplar reservoir
 * (streams that may keep exemplars) of a new series. OTELC_OK or OTELC_ENOMEM. */
int otelc__series_ext_init(struct stream *st, struct series *s);
/* Frees what otelc__series_ext_init() allocated. */
void otelc__series_ext_fini(struct series *s);
/* Records dv into the exponential histogram; the caller holds s->eh_lock. */
void otelc__series_ext_record(struct series *s, double dv);
/* In a forked child: the histogram and the reservoir start empty (and unlocked). */
void otelc__series_ext_after_fork(struct stream *st, struct series *s);
/* Fills p from the exponential histogram (buckets copied into a), resetting it for delta.
 * Returns 0 when the series has no measurement to report, 1 when p is set, or OTELC_ENOMEM. */
int otelc__series_ext_exp_point(struct stream *st, struct series *s, otelc_exp_histogram_point *p,
                                struct otelc__arena *a);
/* Moves the series' exemplars into a (copied); *out NULL when none. Returns the count, or
 * 0 with *oom set when memory ran out. */
size_t otelc__series_ext_exemplars(struct series *s, int is_int, struct otelc__arena *a,
                                   const otelc_exemplar **out, int *oom);
/* 1 when filter f lets a measurement recorded in span context sc (NULL: none) become an
 * exemplar. Inline with the cheap refusals first: it runs on every record call. */
static inline int otelc__series_ext_filter(otelc_exemplar_filter f, const otelc_span_context *sc)
{
    if (f == OTELC_EXEMPLAR_FILTER_ALWAYS_ON)
        return 1;
    if (f != OTELC_EXEMPLAR_FILTER_TRACE_BASED || !sc ||
        !(sc->trace_flags & OTELC_TRACE_FLAG_SAMPLED))
        return 0;
    return otelc__exemplar_filter_allows(OTELC__EXEMPLAR_TRACE_BASED, sc);
}
/* Offers a measurement to the series' reservoir (when it has one). */
void otelc__series_ext_offer(struct series *s, otelc_metric_number v, int is_int,
                             const otelc_span_context *sc, const otelc_attr *dropped,
                             size_t ndropped, size_t bucket);

#endif
