/* SPDX-License-Identifier: Apache-2.0 */
/* The base-2 exponential histogram: index mapping, rescaling, statistics, reset, merge. */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sdk/metrics/exp_histogram.h"

/* A snapshot with its own bucket storage. */
struct snap {
    otelc_exp_histogram_point p;
    uint64_t pos[OTELC__EXPHIST_MAX_MAX_SIZE];
    uint64_t neg[OTELC__EXPHIST_MAX_MAX_SIZE];
};

static struct snap g_snap;

static const otelc_exp_histogram_point *snap(const struct otelc__exphist *h)
{
    memset(&g_snap, 0xab, sizeof g_snap); /* fields the snapshot forgets stay visible */
    otelc__exphist_snapshot(h, &g_snap.p, g_snap.pos, g_snap.neg);
    return &g_snap.p;
}

static void assert_buckets(const otelc_exp_buckets *b, int32_t offset, const uint64_t *counts,
                           size_t n)
{
    assert_int_equal(b->count_n, n);
    if (n == 0) {
        assert_int_equal(b->offset, 0);
        assert_null(b->counts);
        return;
    }
    assert_int_equal(b->offset, offset);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(b->counts[i], counts[i]);
}

/* Data model, scale <= 0: the exponent of the double, shifted right by -scale, one less at
 * exact powers of two (bucket i is (base^i, base^(i+1)]). */
static void test_exp_histogram_index_scale_zero_and_negative(void **state)
{
    (void)state;
    /* Scale 0, base 2. */
    assert_int_equal(otelc__exphist_index(1.0, 0), -1);  /* (1/2, 1] */
    assert_int_equal(otelc__exphist_index(2.0, 0), 0);   /* (1, 2] */
    assert_int_equal(otelc__exphist_index(3.0, 0), 1);   /* (2, 4] */
    assert_int_equal(otelc__exphist_index(4.0, 0), 1);
    assert_int_equal(otelc__exphist_index(4.000000000000001, 0), 2);
    assert_int_equal(otelc__exphist_index(0.75, 0), -1); /* (1/2, 1] */
    assert_int_equal(otelc__exphist_index(0.5, 0), -2);
    assert_int_equal(otelc__exphist_index(-3.0, 0), 1);  /* the magnitude counts */
    assert_int_equal(otelc__exphist_index(DBL_MAX, 0), 1023);  /* (2^1023, 2^1024] */
    assert_int_equal(otelc__exphist_index(DBL_MIN, 0), -1023); /* 2^-1022 ends (2^-1023, ..] */
    /* Subnormals are counted as DBL_MIN (rounded away from zero to the nearest normal). */
    assert_int_equal(otelc__exphist_index(5e-324, 0), -1023);
    assert_int_equal(otelc__exphist_index(DBL_MIN / 3, 0), -1023);

    /* Scale -1, base 4. */
    assert_int_equal(otelc__exphist_index(1.0, -1), -1);  /* (1/4, 1] */
    assert_int_equal(otelc__exphist_index(1.5, -1), 0);   /* (1, 4] */
    assert_int_equal(otelc__exphist_index(4.0, -1), 0);
    assert_int_equal(otelc__exphist_index(5.0, -1), 1);   /* (4, 16] */
    assert_int_equal(otelc__exphist_index(16.0, -1), 1);
    assert_int_equal(otelc__exphist_index(17.0, -1), 2);
    assert_int_equal(otelc__exphist_index(0.25, -1), -2); /* (1/16, 1/4] */
    assert_int_equal(otelc__exphist_index(DBL_MAX, -1), 511);  /* (2^1022, 2^1024] */
    assert_int_equal(otelc__exphist_index(DBL_MIN, -1), -512); /* (2^-1024, 2^-1022] */
    assert_int_equal(otelc__exphist_index(5e-324, -1), -512);

    /* Scale -4, base 2^16. */
    assert_int_equal(otelc__exphist_index(1.0, -4), -1);
    assert_int_equal(otelc__exphist_index(65536.0, -4), 0);  /* (1, 2^16] */
    assert_int_equal(otelc__exphist_index(65537.0, -4), 1);  /* (2^16, 2^32] */
    assert_int_equal(otelc__exphist_index(1.0 / 65536, -4), -2);
    assert_int_equal(otelc__exphist_index(DBL_MAX, -4), 63);   /* (2^1008, 2^1024] */
    assert_int_equal(otelc__exphist_index(DBL_MIN, -4), -64);  /* (2^-1024, 2^-1008] */
    assert_int_equal(otelc__exphist_index(1e-310, -4), -64);

    /* Scale -10: every double needs at most the two buckets -1 and 0. */
    assert_int_equal(otelc__exphist_index(DBL_MAX, -10), 0);
    assert_int_equal(otelc__exphist_index(1.0, -10), -1);
    assert_int_equal(otelc__exphist_index(5e-324, -10), -1);
}

/* Data model, scale > 0: ceil(log2(v) * 2^scale) - 1, exact at powers of two. */
static void test_exp_histogram_index_scale_positive(void **state)
{
    (void)state;
    /* Scale 3: eight buckets per power of two. log2(1.5) * 8 = 4.6797, so 1.5 is in bucket 4,
     * (2^(4/8), 2^(5/8)] = (1.4142, 1.5422]. */
    assert_int_equal(otelc__exphist_index(1.0, 3), -1);
    assert_int_equal(otelc__exphist_index(2.0, 3), 7);
    assert_int_equal(otelc__exphist_index(1.5, 3), 4);
    assert_int_equal(otelc__exphist_index(3.0, 3), 12);   /* 8 + 4 */
    assert_int_equal(otelc__exphist_index(0.75, 3), -4);  /* -8 + 4 */
    assert_int_equal(otelc__exphist_index(1.0000001, 3), 0);
    assert_int_equal(otelc__exphist_index(1.9999999, 3), 7);
    assert_int_equal(otelc__exphist_index(DBL_MAX, 3), 1023 * 8 + 7);
    assert_int_equal(otelc__exphist_index(DBL_MIN, 3), -1022 * 8 - 1);
    assert_int_equal(otelc__exphist_index(5e-324, 3), -1022 * 8 - 1);

    /* Scale 20: log2(1.5) * 2^20 = 613377.639, so 3 = 1.5 * 2 is in bucket 2^20 + 613377. */
    assert_int_equal(otelc__exphist_index(1.0, 20), -1);
    assert_int_equal(otelc__exphist_index(2.0, 20), 1048575);
    assert_int_equal(otelc__exphist_index(0.5, 20), -1048577);
    assert_int_equal(otelc__exphist_index(3.0, 20), 1048576 + 613377);
    assert_int_equal(otelc__exphist_index(1024.0, 20), 10 * 1048576 - 1);
    assert_int_equal(otelc__exphist_index(DBL_MAX, 20), 1073741823); /* 1023 * 2^20 + 2^20 - 1 */
    assert_int_equal(otelc__exphist_index(DBL_MIN, 20), -1022 * 1048576 - 1);
    assert_int_equal(otelc__exphist_index(5e-324, 20), -1022 * 1048576 - 1);
    assert_int_equal(otelc__exphist_index(nextafter(1.0, 2.0), 20), 0);
    assert_int_equal(otelc__exphist_index(nextafter(2.0, 1.0), 20), 1048575);
}

/* Spec example: 1, 2, 4 at max_size 4 from scale 20. 1 is bucket -1 and 2 is bucket
 * 2^20 - 1 at scale 20; the range fits 4 buckets once 2^20 - 1 >> k <= 2, i.e. k = 19, scale 1
 * (1 -> -1, 2 -> 1). 4 is bucket 3 at scale 1: [-1, 3] is 5 wide, so one more step, scale 0,
 * where 1, 2, 4 are the buckets -1, 0, 1 (each (2^i, 2^(i+1)]). */
static void test_exp_histogram_spec_example_1_2_4(void **state)
{
    (void)state;
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(&h, 4, 20), OTELC_OK);
    otelc__exphist_record(&h, 1);
    assert_int_equal(h.scale, 20); /* one value: the maximum scale */
    otelc__exphist_record(&h, 2);
    assert_int_equal(h.scale, 1);
    otelc__exphist_record(&h, 4);
    const otelc_exp_histogram_point *p = snap(&h);
    assert_int_equal(p->scale, 0);
    const uint64_t want[] = {1, 1, 1};
    assert_buckets(&p->positive, -1, want, 3);
    assert_buckets(&p->negative, 0, NULL, 0);
    assert_int_equal(p->count, 3);
    otelc__exphist_fini(&h);
}

/* Rescaling with positive values only: the smallest lowering that fits, counts merged. */
static void test_exp_histogram_rescale_positive(void **state)
{
    (void)state;
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(&h, 4, 0), OTELC_OK);
    const double v[] = {1, 2, 4, 8};
    for (int i = 0; i < 4; i++)
        otelc__exphist_record(&h, v[i]);
    const otelc_exp_histogram_point *p = snap(&h);
    assert_int_equal(p->scale, 0); /* buckets -1..2 fill exactly max_size */
    const uint64_t at0[] = {1, 1, 1, 1};
    assert_buckets(&p->positive, -1, at0, 4);
    /* 16 is bucket 3: scale -1 (base 4) puts 1 in (1/4, 1], 2 and 4 in (1, 4], 8, 16 in (4, 16]. */
    otelc__exphist_record(&h, 16);
    p = snap(&h);
    assert_int_equal(p->scale, -1);
    const uint64_t at1[] = {1, 2, 2};
    assert_buckets(&p->positive, -1, at1, 3);
    assert_buckets(&p->negative, 0, NULL, 0);
    otelc__exphist_fini(&h);
}

/* Rescaling with negative values only: the same buckets, by magnitude. */
static void test_exp_histogram_rescale_negative(void **state)
{
    (void)state;
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(&h, 4, 0), OTELC_OK);
    const double v[] = {-1, -2, -4, -8, -16};
    for (int i = 0; i < 5; i++)
        otelc__exphist_record(&h, v[i]);
    const otelc_exp_histogram_point *p = snap(&h);
    assert_int_equal(p->scale, -1);
    const uint64_t want[] = {1, 2, 2};
    assert_buckets(&p->negative, -1, want, 3);
    assert_buckets(&p->positive, 0, NULL, 0);
    assert_true(p->min == -16);
    assert_true(p->max == -1);
    otelc__exphist_fini(&h);
}

/* Both signs share one scale: a wide negative range lowers the positive side's scale too. */
static void test_exp_histogram_rescale_both_signs(void **state)
{
    (void)state;
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(&h, 4, 0), OTELC_OK);
    otelc__exphist_record(&h, 1);
    otelc__exphist_record(&h, 2);
    otelc__exphist_record(&h, 4); /* positive -1..1 at scale 0 */
    otelc__exphist_record(&h, -1);
    /* -1024 is bucket 9: [-1, 9] needs k = 2 ([-1, 2]), scale -2 (base 16), where 1024 is in
     * (16^2, 16^3] and 1 in (1/16, 1], 2 and 4 in (1, 16]. */
    otelc__exphist_record(&h, -1024);
    const otelc_exp_histogram_point *p = snap(&h);
    assert_int_equal(p->scale, -2);
    const uint64_t pos[] = {1, 2};
    const uint64_t neg[] = {1, 0, 0, 1};
    assert_buckets(&p->positive, -1, pos, 2);
    assert_buckets(&p->negative, -1, neg, 4);
    /* Recording into the circular array below and above its first index keeps working. */
    otelc__exphist_record(&h, 0.001); /* bucket -3 at scale -2: [-3, 0] */
    p = snap(&h);
    assert_int_equal(p->scale, -2);
    const uint64_t pos2[] = {1, 0, 1, 2};
    assert_buckets(&p->positive, -3, pos2, 4);
    otelc__exphist_record(&h, 1000); /* bucket 2: [-3, 2] needs scale -3 */
    p = snap(&h);
    assert_int_equal(p->scale, -3);
    /* Base 256: 0.001 in (256^-2, 256^-1], 1 in (1/256, 1], 2 and 4 in (1, 256], 1000 in
     * (256, 256^2]. */
    const uint64_t pos3[] = {1, 1, 2, 1};
    assert_buckets(&p->positive, -2, pos3, 4);
    const uint64_t neg3[] = {1, 0, 1}; /* 1024 = 2^10 is in (256, 65536], bucket 1 */
    assert_buckets(&p->negative, -1, neg3, 3);
    assert_int_equal(p->count, 7);
    otelc__exphist_fini(&h);
}

/* Zero goes to zero_count (threshold 0); NaN and infinities are ignored and not counted. */
static void test_exp_histogram_zero_and_non_finite(void **state)
{
    (void)state;
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(&h, 160, 20), OTELC_OK);
    otelc__exphist_record(&h, 0.0);
    otelc__exphist_record(&h, -0.0);
    otelc__exphist_record(&h, NAN);
    otelc__exphist_record(&h, INFINITY);
    otelc__exphist_record(&h, -INFINITY);
    const otelc_exp_histogram_point *p = snap(&h);
    assert_int_equal(p->count, 2);
    assert_int_equal(p->zero_count, 2);
    assert_true(p->zero_threshold == 0);
    assert_true(p->sum == 0);
    assert_int_equal(p->scale, 20);
    assert_buckets(&p->positive, 0, NULL, 0);
    assert_buckets(&p->negative, 0, NULL, 0);
    otelc__exphist_fini(&h);
}

/* Histogram aggregations collect count, sum, min and max of the measurements. */
static void test_exp_histogram_min_max_sum(void **state)
{
    (void)state;
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(&h, 160, 20), OTELC_OK);
    const otelc_exp_histogram_point *p = snap(&h);
    assert_int_equal(p->count, 0);
    assert_int_equal(p->has_min_max, 0);
    assert_int_equal(p->has_sum, 1);
    otelc__exphist_record(&h, 3);
    otelc__exphist_record(&h, -5);
    otelc__exphist_record(&h, 0.5);
    otelc__exphist_record(&h, 0);
    p = snap(&h);
    assert_int_equal(p->count, 4);
    assert_int_equal(p->has_min_max, 1);
    assert_true(p->min == -5);
    assert_true(p->max == 3);
    assert_true(p->sum == -1.5);
    assert_int_equal(p->zero_count, 1);
    otelc__exphist_fini(&h);
}

/* Reset returns to empty at the maximum scale (delta temporality after each collection). */
static void test_exp_histogram_reset(void **state)
{
    (void)state;
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(&h, 4, 10), OTELC_OK);
    for (double v = 1; v < 1e9; v *= 3)
        otelc__exphist_record(&h, -v);
    otelc__exphist_record(&h, 0);
    assert_true(h.scale < 10);
    otelc__exphist_reset(&h);
    const otelc_exp_histogram_point *p = snap(&h);
    assert_int_equal(p->scale, 10);
    assert_int_equal(p->count, 0);
    assert_int_equal(p->zero_count, 0);
    assert_int_equal(p->has_min_max, 0);
    assert_true(p->sum == 0);
    assert_buckets(&p->positive, 0, NULL, 0);
    assert_buckets(&p->negative, 0, NULL, 0);
    /* Usable again: one value, the maximum scale; log2(1.5) * 1024 = 599.0016, so 1.5 at
     * scale 10 is in bucket 599. */
    otelc__exphist_record(&h, 1.5);
    p = snap(&h);
    const uint64_t one[] = {1};
    assert_int_equal(p->scale, 10);
    assert_buckets(&p->positive, 599, one, 1);
    assert_true(p->min == 1.5 && p->max == 1.5);
    otelc__exphist_fini(&h);
}

/* Merging lowers the scale to the smaller one, and further when the union is too wide. */
static void test_exp_histogram_merge_different_scales(void **state)
{
    (void)state;
    struct otelc__exphist a, b, c, e;
    assert_int_equal(otelc__exphist_init(&a, 4, 20), OTELC_OK);
    assert_int_equal(otelc__exphist_init(&b, 4, 20), OTELC_OK);
    assert_int_equal(otelc__exphist_init(&c, 4, 0), OTELC_OK);
    assert_int_equal(otelc__exphist_init(&e, 4, 20), OTELC_OK);
    otelc__exphist_record(&a, 1);
    otelc__exphist_record(&a, 2);
    otelc__exphist_record(&a, 4); /* scale 0, [-1, 1] (the spec example) */
    otelc__exphist_record(&b, 3); /* scale 20, one value */
    otelc__exphist_record(&b, -7);
    /* b at scale 0: 3 in (2, 4], bucket 1; -7 in (4, 8], bucket 2. */
    otelc__exphist_merge(&a, &b);
    const otelc_exp_histogram_point *p = snap(&a);
    assert_int_equal(p->scale, 0);
    const uint64_t pos[] = {1, 1, 2};
    const uint64_t neg[] = {1};
    assert_buckets(&p->positive, -1, pos, 3);
    assert_buckets(&p->negative, 2, neg, 1);
    assert_int_equal(p->count, 5);
    assert_true(p->sum == 3);
    assert_true(p->min == -7 && p->max == 4);
    assert_int_equal(b.count, 2); /* src unchanged */
    assert_int_equal(b.scale, 20);

    /* 1024 (bucket 9 at scale 0) widens a's positive side to [-1, 9]: scale -2 (base 16),
     * 1 in (1/16, 1], 2, 3, 4 in (1, 16], 1024 in (256, 4096]; -7 in (1, 16] too. */
    otelc__exphist_record(&c, 1024);
    otelc__exphist_record(&c, 0);
    otelc__exphist_merge(&a, &c);
    p = snap(&a);
    assert_int_equal(p->scale, -2);
    const uint64_t pos2[] = {1, 3, 0, 1};
    assert_buckets(&p->positive, -1, pos2, 4);
    assert_buckets(&p->negative, 0, neg, 1);
    assert_int_equal(p->zero_count, 1);
    assert_int_equal(p->count, 7);

    /* Into an empty histogram at a higher scale: a copy at a's scale. */
    otelc__exphist_merge(&e, &a);
    p = snap(&e);
    assert_int_equal(p->scale, -2);
    assert_buckets(&p->positive, -1, pos2, 4);
    assert_int_equal(p->count, 7);
    assert_true(p->min == -7 && p->max == 1024);
    /* Merging an empty histogram changes nothing. */
    otelc__exphist_reset(&b);
    otelc__exphist_merge(&e, &b);
    assert_int_equal(e.count, 7);
    assert_int_equal(e.scale, -2);
    otelc__exphist_fini(&a);
    otelc__exphist_fini(&b);
    otelc__exphist_fini(&c);
    otelc__exphist_fini(&e);
}

/* The minimum max_size, 2: the whole double range still fits, at scale -10. */
static void test_exp_histogram_max_size_2(void **state)
{
    (void)state;
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(&h, 2, 20), OTELC_OK);
    otelc__exphist_record(&h, 1);
    otelc__exphist_record(&h, 2); /* scale 0: 1 -> -1, 2 -> 0 */
    assert_int_equal(h.scale, 0);
    otelc__exphist_record(&h, 4); /* scale -1: 1 -> -1, 2 and 4 -> 0 */
    const otelc_exp_histogram_point *p = snap(&h);
    const uint64_t a[] = {1, 2};
    assert_int_equal(p->scale, -1);
    assert_buckets(&p->positive, -1, a, 2);
    otelc__exphist_record(&h, DBL_MAX);
    otelc__exphist_record(&h, 5e-324);
    otelc__exphist_record(&h, -DBL_MAX);
    otelc__exphist_record(&h, -DBL_MIN);
    p = snap(&h);
    /* Scale -10: base 2^1024, so (2^-1024, 1] and (1, 2^1024] hold everything. */
    assert_int_equal(p->scale, -10);
    const uint64_t b[] = {2, 3};
    const uint64_t c[] = {1, 1};
    assert_buckets(&p->positive, -1, b, 2);
    assert_buckets(&p->negative, -1, c, 2);
    otelc__exphist_fini(&h);
}

/* Arguments out of range are refused; a failed allocation is reported and leaks nothing. */
static void test_exp_histogram_init_errors(void **state)
{
    (void)state;
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(NULL, 160, 20), OTELC_EINVAL);
    assert_int_equal(otelc__exphist_init(&h, 1, 20), OTELC_EINVAL);
    assert_int_equal(otelc__exphist_init(&h, OTELC__EXPHIST_MAX_MAX_SIZE + 1, 20), OTELC_EINVAL);
    assert_int_equal(otelc__exphist_init(&h, 160, 21), OTELC_EINVAL);
    assert_int_equal(otelc__exphist_init(&h, 160, -11), OTELC_EINVAL);
    assert_int_equal(otelc__exphist_init(&h, 160, -10), OTELC_OK);
    otelc__exphist_fini(&h);
    otelc__exphist_fini(&h); /* a finished histogram is zeroed: harmless */
    otelc__exphist_fini(NULL);
    tu_alloc_install(1);
    assert_int_equal(otelc__exphist_init(&h, 160, 20), OTELC_ENOMEM);
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
}

/* Recording never allocates, rescaling included. */
static void test_exp_histogram_record_no_allocation(void **state)
{
    (void)state;
    struct otelc__exphist h;
    tu_alloc_install(0);
    assert_int_equal(otelc__exphist_init(&h, 8, 20), OTELC_OK);
    uint64_t calls = tu_alloc_calls();
    for (double v = 1e-300; v < 1e300; v *= 7.3)
        otelc__exphist_record(&h, v);
    assert_true(h.scale < 20);
    assert_int_equal(tu_alloc_calls(), calls);
    otelc__exphist_fini(&h);
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
}

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void) /* splitmix64: a fixed seed keeps the test deterministic */
{
    uint64_t z = (g_rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * ((double)(next_rand() >> 11) / 9007199254740992.0);
}

/* base^i computed in long double (exact at scale <= 0, where it is a power of two). */
static long double bound(int64_t i, int32_t scale)
{
    if (scale <= 0)
        return ldexpl(1.0L, (int)(i * ((int64_t)1 << -scale)));
    return exp2l((long double)i / (long double)((int64_t)1 << scale));
}

/* Counts every value into its bucket at the final scale and checks the histogram agrees,
 * bucket by bucket, and that each value lies in (base^i, base^(i+1)]. */
static void check_property(const double *v, size_t n, uint32_t max_size, int32_t max_scale)
{
    struct otelc__exphist h;
    assert_int_equal(otelc__exphist_init(&h, max_size, max_scale), OTELC_OK);
    for (size_t i = 0; i < n; i++)
        otelc__exphist_record(&h, v[i]);
    const otelc_exp_histogram_point *p = snap(&h);
    assert_int_equal(p->count, n);
    assert_true(p->positive.count_n <= max_size);
    assert_true(p->negative.count_n <= max_size);
    uint64_t *pos = calloc(max_size, sizeof *pos);
    uint64_t *neg = calloc(max_size, sizeof *neg);
    assert_non_null(pos);
    assert_non_null(neg);
    uint64_t zeros = 0, total = p->zero_count;
    for (size_t i = 0; i < p->positive.count_n; i++)
        total += p->positive.counts[i];
    for (size_t i = 0; i < p->negative.count_n; i++)
        total += p->negative.counts[i];
    assert_int_equal(total, n);
    for (size_t i = 0; i < n; i++) {
        if (v[i] == 0) {
            zeros++;
            continue;
        }
        double m = fabs(v[i]);
        int64_t idx = otelc__exphist_index(m, p->scale);
        assert_true(bound(idx, p->scale) < (long double)m);
        assert_true((long double)m <= bound(idx + 1, p->scale));
        const otelc_exp_buckets *b = v[i] > 0 ? &p->positive : &p->negative;
        int64_t at = idx - b->offset;
        assert_true(at >= 0 && at < (int64_t)b->count_n);
        (v[i] > 0 ? pos : neg)[at]++;
    }
    assert_int_equal(zeros, p->zero_count);
    for (size_t i = 0; i < p->positive.count_n; i++)
        assert_int_equal(pos[i], p->positive.counts[i]);
    for (size_t i = 0; i < p->negative.count_n; i++)
        assert_int_equal(neg[i], p->negative.counts[i]);
    free(pos);
    free(neg);
    otelc__exphist_fini(&h);
}

/* Property: over 10^5 random values the total count is the number recorded and every value
 * is in its bucket's bounds at the final scale; a wide range (both signs, zeros) and a
 * narrow one that keeps a high scale. */
static void test_exp_histogram_random_property(void **state)
{
    (void)state;
    enum { N = 100000 };
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < N; i++) {
        uint64_t r = next_rand();
        double m = exp2(uniform(-40, 40));
        v[i] = (r % 100 == 0) ? 0.0 : ((r >> 8) & 1) ? m : -m;
    }
    check_property(v, N, 160, 20);
    for (size_t i = 0; i < N; i++)
        v[i] = uniform(1000, 1001);
    check_property(v, N, 160, 20);
    for (size_t i = 0; i < N; i++)
        v[i] = exp2(uniform(-1000, 1000)) * ((next_rand() & 1) ? 1 : -1);
    check_property(v, N, 7, 5);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_histogram_index_scale_zero_and_negative),
        cmocka_unit_test(test_exp_histogram_index_scale_positive),
        cmocka_unit_test(test_exp_histogram_spec_example_1_2_4),
        cmocka_unit_test(test_exp_histogram_rescale_positive),
        cmocka_unit_test(test_exp_histogram_rescale_negative),
        cmocka_unit_test(test_exp_histogram_rescale_both_signs),
        cmocka_unit_test(test_exp_histogram_zero_and_non_finite),
        cmocka_unit_test(test_exp_histogram_min_max_sum),
        cmocka_unit_test(test_exp_histogram_reset),
        cmocka_unit_test(test_exp_histogram_merge_different_scales),
        cmocka_unit_test(test_exp_histogram_max_size_2),
        cmocka_unit_test(test_exp_histogram_init_errors),
        cmocka_unit_test(test_exp_histogram_record_no_allocation),
        cmocka_unit_test(test_exp_histogram_random_property),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
