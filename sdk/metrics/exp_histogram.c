/* SPDX-License-Identifier: Apache-2.0 */
/* The base-2 exponential bucket histogram of one series: index mapping, recording with
 * automatic rescaling, snapshot, reset and merge. */
#include "exp_histogram.h"

#include <math.h>
#include <string.h>

#include "sdk/common/alloc.h"

/* floor(x / 2^k) for any sign: the bucket that contains index x after lowering the scale by
 * k. Written out because right-shifting a negative number is implementation-defined in C. */
static int64_t floor_shift(int64_t x, int k)
{
    if (x >= 0)
        return x >> k;
    return -(((-x) - 1) >> k) - 1;
}

int32_t otelc__exphist_index(double v, int32_t scale)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t mant = bits & ((1ull << 52) - 1);
    int64_t field = (int64_t)((bits >> 52) & 0x7ff);
    if (field == 0) {
        /* Subnormal: counted as DBL_MIN, so that the whole double range needs at most two
         * buckets at the minimum scale and a max_size of 2 always fits. */
        field = 1;
        mant = 0;
    }
    /* |v| = 1.mant * 2^e. A power of two is the upper bound of the bucket below it. */
    int64_t e = field - 1023;
    if (scale <= 0) {
        int64_t i0 = mant == 0 ? e - 1 : e;
        return (int32_t)floor_shift(i0, -scale);
    }
    int64_t per = (int64_t)1 << scale; /* buckets per power of two */
    if (mant == 0)
        return (int32_t)(e * per - 1);
    /* The significand f in (1, 2) picks one of the 2^scale buckets between 2^e and 2^(e+1):
     * the j with 2^(j/per) < f <= 2^((j+1)/per). log2(f) * per is never an integer for such
     * f (2^(k/per) is irrational), so only rounding within an ulp of a boundary can move a
     * value to its neighbour; the clamp keeps even that inside the right power of two. */
    uint64_t fbits = mant | (1023ull << 52);
    double f;
    memcpy(&f, &fbits, sizeof f);
    int64_t j = (int64_t)ceil(log2(f) * (double)per) - 1;
    if (j < 0)
        j = 0;
    if (j > per - 1)
        j = per - 1;
    return (int32_t)(e * per + j);
}

/* ---- one sign's circular bucket array --------------------------------------------------- */

static uint32_t side_pos(const struct otelc__exphist_side *s, uint32_t n, int64_t idx)
{
    int64_t d = idx - s->anchor; /* |d| < n by the range invariant */
    if (d < 0)
        d += n;
    return (uint32_t)d;
}

static uint64_t side_get(const struct otelc__exphist_side *s, uint32_t n, int64_t idx)
{
    return s->counts[side_pos(s, n, idx)];
}

/* Adds c to bucket idx; the caller made sure the range with idx fits n buckets. */
static void side_add(struct otelc__exphist_side *s, uint32_t n, int64_t idx, uint64_t c)
{
    if (s->empty) {
        s->anchor = s->lo = s->hi = (int32_t)idx;
        s->empty = 0;
    } else if (idx < s->lo) {
        s->lo = (int32_t)idx;
    } else if (idx > s->hi) {
        s->hi = (int32_t)idx;
    }
    s->counts[side_pos(s, n, idx)] += c;
}

static void reverse(uint64_t *a, uint32_t from, uint32_t to)
{
    while (from + 1 < to) {
        uint64_t t = a[from];
        a[from] = a[to - 1];
        a[to - 1] = t;
        from++;
        to--;
    }
}

/* Lowers this side's scale by k: bucket i joins bucket floor(i / 2^k). The array is first
 * rotated so that lo sits at position 0; then the new position of each index is never past
 * its old one, so one ascending pass merges in place. */
static void side_downscale(struct otelc__exphist_side *s, uint32_t n, int k)
{
    if (s->empty || k == 0)
        return;
    uint32_t p = side_pos(s, n, s->lo);
    if (p != 0) {
        reverse(s->counts, 0, p);
        reverse(s->counts, p, n);
        reverse(s->counts, 0, n);
    }
    int64_t lo = s->lo, width = (int64_t)s->hi - s->lo + 1;
    int64_t new_lo = floor_shift(lo, k);
    for (int64_t j = 0; j < width; j++) {
        uint64_t c = s->counts[j];
        if (c == 0)
            continue;
        s->counts[j] = 0;
        s->counts[floor_shift(lo + j, k) - new_lo] += c;
    }
    s->anchor = s->lo = (int32_t)new_lo;
    s->hi = (int32_t)floor_shift(s->hi, k);
}

/* The smallest k >= 0 such that [lo, hi] lowered by k fits n buckets. It exists within the
 * scale limits: at scale -10 every double maps to index -1 or 0 (n >= 2). */
static int shift_to_fit(int64_t lo, int64_t hi, uint32_t n)
{
    int k = 0;
    while (floor_shift(hi, k) - floor_shift(lo, k) >= (int64_t)n)
        k++;
    return k;
}

static void downscale(struct otelc__exphist *h, int k)
{
    if (k <= 0)
        return;
    side_downscale(&h->pos, h->max_size, k);
    side_downscale(&h->neg, h->max_size, k);
    h->scale -= k;
}

/* ---- the histogram ---------------------------------------------------------------------- */

int otelc__exphist_init(struct otelc__exphist *h, uint32_t max_size, int32_t max_scale)
{
    if (!h || max_size < OTELC__EXPHIST_MIN_MAX_SIZE || max_size > OTELC__EXPHIST_MAX_MAX_SIZE
        || max_scale < OTELC__EXPHIST_MIN_SCALE || max_scale > OTELC__EXPHIST_MAX_SCALE)
        return OTELC_EINVAL;
    uint64_t *buf = otelc__calloc(2 * (size_t)max_size, sizeof *buf);
    if (!buf)
        return OTELC_ENOMEM;
    memset(h, 0, sizeof *h);
    h->max_size = max_size;
    h->max_scale = max_scale;
    h->pos.counts = buf;
    h->neg.counts = buf + max_size;
    otelc__exphist_reset(h);
    return OTELC_OK;
}

void otelc__exphist_fini(struct otelc__exphist *h)
{
    if (!h)
        return;
    otelc__free(h->pos.counts); /* one block holds both sides */
    memset(h, 0, sizeof *h);
}

void otelc__exphist_reset(struct otelc__exphist *h)
{
    memset(h->pos.counts, 0, 2 * (size_t)h->max_size * sizeof(uint64_t));
    h->scale = h->max_scale;
    h->count = 0;
    h->zero_count = 0;
    h->sum = 0;
    h->min = 0;
    h->max = 0;
    h->pos.empty = 1;
    h->neg.empty = 1;
    h->pos.anchor = h->pos.lo = h->pos.hi = 0;
    h->neg.anchor = h->neg.lo = h->neg.hi = 0;
}

void otelc__exphist_record(struct otelc__exphist *h, double v)
{
    if (!isfinite(v))
        return;
    if (h->count == 0) {
        h->min = v;
        h->max = v;
    } else if (v < h->min) {
        h->min = v;
    } else if (v > h->max) {
        h->max = v;
    }
    h->count++;
    h->sum += v;
    if (v == 0) {
        h->zero_count++;
        return;
    }
    struct otelc__exphist_side *s = v > 0 ? &h->pos : &h->neg;
    int64_t idx = otelc__exphist_index(v, h->scale);
    if (!s->empty && (idx < s->lo || idx > s->hi)) {
        int64_t lo = idx < s->lo ? idx : s->lo;
        int64_t hi = idx > s->hi ? idx : s->hi;
        int k = shift_to_fit(lo, hi, h->max_size);
        if (k > 0) {
            downscale(h, k);
            idx = floor_shift(idx, k);
        }
    }
    side_add(s, h->max_size, idx, 1);
}

static void side_copy(const struct otelc__exphist_side *s, uint32_t n, uint64_t *buf,
                      otelc_exp_buckets *out)
{
    out->offset = 0;
    out->counts = NULL;
    out->count_n = 0;
    if (s->empty)
        return;
    int64_t lo = s->lo, hi = s->hi;
    while (lo <= hi && side_get(s, n, lo) == 0)
        lo++;
    while (hi >= lo && side_get(s, n, hi) == 0)
        hi--;
    if (lo > hi)
        return;
    for (int64_t i = lo; i <= hi; i++)
        buf[i - lo] = side_get(s, n, i);
    out->offset = (int32_t)lo;
    out->counts = buf;
    out->count_n = (size_t)(hi - lo + 1);
}

void otelc__exphist_snapshot(const struct otelc__exphist *h, otelc_exp_histogram_point *p,
                             uint64_t *pos_buf, uint64_t *neg_buf)
{
    p->count = h->count;
    p->sum = h->sum;
    p->has_sum = 1;
    p->has_min_max = h->count > 0;
    p->min = h->min;
    p->max = h->max;
    p->scale = h->scale;
    p->zero_count = h->zero_count;
    p->zero_threshold = 0;
    side_copy(&h->pos, h->max_size, pos_buf, &p->positive);
    side_copy(&h->neg, h->max_size, neg_buf, &p->negative);
}

/* Widens the union range of one sign (dst side d at dst_scale, src side s at src_scale),
 * both seen at scale, and returns the extra lowering it needs to fit n buckets. */
static int merge_shift(const struct otelc__exphist_side *d, int32_t dst_scale,
                       const struct otelc__exphist_side *s, int32_t src_scale, int32_t scale,
                       uint32_t n)
{
    if (s->empty)
        return 0; /* dst already fits at any lower scale */
    int64_t lo = floor_shift(s->lo, src_scale - scale);
    int64_t hi = floor_shift(s->hi, src_scale - scale);
    if (!d->empty) {
        int64_t dlo = floor_shift(d->lo, dst_scale - scale);
        int64_t dhi = floor_shift(d->hi, dst_scale - scale);
        lo = dlo < lo ? dlo : lo;
        hi = dhi > hi ? dhi : hi;
    }
    return shift_to_fit(lo, hi, n);
}

static void merge_side(struct otelc__exphist_side *d, uint32_t dn,
                       const struct otelc__exphist_side *s, uint32_t sn, int k)
{
    if (s->empty)
        return;
    for (int64_t i = s->lo; i <= s->hi; i++) {
        uint64_t c = side_get(s, sn, i);
        if (c != 0)
            side_add(d, dn, floor_shift(i, k), c);
    }
}

void otelc__exphist_merge(struct otelc__exphist *dst, const struct otelc__exphist *src)
{
    if (src->count == 0)
        return;
    int32_t scale = dst->scale < src->scale ? dst->scale : src->scale;
    int kp = merge_shift(&dst->pos, dst->scale, &src->pos, src->scale, scale, dst->max_size);
    int kn = merge_shift(&dst->neg, dst->scale, &src->neg, src->scale, scale, dst->max_size);
    scale -= kp > kn ? kp : kn;
    downscale(dst, dst->scale - scale);
    merge_side(&dst->pos, dst->max_size, &src->pos, src->max_size, src->scale - scale);
    merge_side(&dst->neg, dst->max_size, &src->neg, src->max_size, src->scale - scale);
    if (dst->count == 0) {
        dst->min = src->min;
        dst->max = src->max;
    } else {
        if (src->min < dst->min)
            dst->min = src->min;
        if (src->max > dst->max)
            dst->max = src->max;
    }
    dst->count += src->count;
    dst->zero_count += src->zero_count;
    dst->sum += src->sum;
}
