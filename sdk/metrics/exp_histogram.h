/* SPDX-License-Identifier: Apache-2.0 */
/* One series' base-2 exponential bucket histogram (the specification's "Base2 Exponential
 * Bucket Histogram Aggregation"): buckets (base^i, base^(i+1)] with base = 2^(2^-scale), the
 * scale lowered automatically so that each sign needs at most max_size buckets.
 *
 * Not thread-safe: the caller holds the series' lock around record, snapshot, reset and
 * merge. Storage is allocated once by init; nothing else allocates. */
#ifndef OTELC_SDK_METRICS_EXP_HISTOGRAM_H
#define OTELC_SDK_METRICS_EXP_HISTOGRAM_H

#include <stdint.h>

#include "otelc/metric_data.h"

/* The specification's defaults and this implementation's limits. */
#define OTELC__EXPHIST_DEFAULT_MAX_SIZE 160
#define OTELC__EXPHIST_DEFAULT_MAX_SCALE 20
#define OTELC__EXPHIST_MIN_MAX_SIZE 2
#define OTELC__EXPHIST_MAX_MAX_SIZE 16384
#define OTELC__EXPHIST_MIN_SCALE (-10)
#define OTELC__EXPHIST_MAX_SCALE 20

/* The buckets of one sign: a circular array of max_size counts. Bucket index i lives at
 * position (i - anchor) mod max_size; lo..hi is the range of indices that hold counts (both
 * ends non-zero) and is never wider than max_size, so no two indices share a position.
 * Positions outside the range are zero. */
struct otelc__exphist_side {
    uint64_t *counts; /* max_size entries */
    int32_t anchor;   /* the index at position 0; always inside lo..hi when not empty */
    int32_t lo;       /* smallest index with a count */
    int32_t hi;       /* largest index with a count */
    int empty;        /* 1 when no bucket has a count */
};

struct otelc__exphist {
    uint32_t max_size;  /* buckets per sign */
    int32_t max_scale;  /* the scale after init and reset */
    int32_t scale;      /* current scale, only ever lowered until reset */
    uint64_t count;     /* measurements, zero_count included */
    uint64_t zero_count;
    double sum;
    double min;         /* valid when count > 0 */
    double max;
    struct otelc__exphist_side pos;
    struct otelc__exphist_side neg;
};

/* max_size: buckets per sign (spec default 160, in [2, 16384]); max_scale: spec default 20,
 * in [-10, 20]. Allocates the bucket arrays once (2 x max_size uint64_t).
 * OTELC_OK, OTELC_EINVAL (h NULL or a value out of range), OTELC_ENOMEM. */
int otelc__exphist_init(struct otelc__exphist *h, uint32_t max_size, int32_t max_scale);
/* Frees the arrays; h may then be initialised again. NULL and a zeroed h are no-ops. */
void otelc__exphist_fini(struct otelc__exphist *h);

/* Records one measurement. NaN and +-Inf are ignored (and not counted); |v| == 0 goes to
 * zero_count (the zero threshold is 0). Otherwise the bucket index of |v| at the current
 * scale; when that sign's index range would exceed max_size, the scale (shared by both signs)
 * is lowered by the smallest amount that makes it fit and existing counts are merged.
 * Updates count, sum, min and max. Never allocates; O(max_size) only when rescaling. */
void otelc__exphist_record(struct otelc__exphist *h, double v);

/* Back to empty at max_scale (delta temporality calls it after each collection). */
void otelc__exphist_reset(struct otelc__exphist *h);

/* Fills p's count, sum (has_sum = 1), min/max (has_min_max = count > 0), scale, zero_count,
 * zero_threshold = 0, positive and negative: offset and counts copied contiguously into
 * pos_buf / neg_buf (max_size entries each, owned by the caller; p's counts point to them),
 * trimmed so that the first and last copied buckets are non-zero (count_n 0, offset 0 and
 * counts NULL when a side is empty). Does not touch attrs, times or exemplars. */
void otelc__exphist_snapshot(const struct otelc__exphist *h, otelc_exp_histogram_point *p,
                             uint64_t *pos_buf, uint64_t *neg_buf);

/* Merges src into dst, lowering dst's scale as needed so the union fits dst's max_size:
 * for cumulative streams that accumulate delta snapshots. src is not changed (its max_size
 * may differ; the spec-conformant caller uses the same). */
void otelc__exphist_merge(struct otelc__exphist *dst, const struct otelc__exphist *src);

/* The bucket index of |v| at scale (v finite and non-zero; scale in [-10, 20]): the i with
 * base^i < |v| <= base^(i+1), exact at powers of two. Subnormal magnitudes are rounded up to
 * DBL_MIN (the specification allows rounding them to the nearest normal value), which keeps
 * every double within two buckets at scale -10. */
int32_t otelc__exphist_index(double v, int32_t scale);

#endif
