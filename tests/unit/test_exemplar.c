/* SPDX-License-Identifier: Apache-2.0 */
/* Exemplar filter and reservoirs: decisions, sampling, attribute storage, collection,
 * concurrency and the no-allocation promise of offer. */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdk/common/random.h"
#include "sdk/metrics/exemplar.h"

/* Makes the calling thread's generator deterministic for a statistical test. */
static void seed_rng(uint64_t seed)
{
    otelc__rng_tls.state = seed;
    otelc__rng_tls.gen = atomic_load(&otelc__seed_gen);
}

static otelc_span_context span_ctx(uint8_t id, uint8_t flags)
{
    otelc_span_context sc;
    memset(&sc, 0, sizeof sc);
    memset(sc.trace_id, id, sizeof sc.trace_id);
    memset(sc.span_id, id, sizeof sc.span_id);
    sc.trace_flags = flags;
    return sc;
}

static otelc_metric_number num_i(int64_t i)
{
    otelc_metric_number v;
    v.i = i;
    return v;
}

static void offer_i(struct otelc__reservoir *r, int64_t v, size_t bucket)
{
    otelc__reservoir_offer(r, num_i(v), 1, (uint64_t)v, NULL, NULL, 0, bucket);
}

/* OTEL_METRICS_EXEMPLAR_FILTER takes always_on, always_off and trace_based. */
static void test_exemplar_filter_parse(void **state)
{
    (void)state;
    enum otelc__exemplar_filter f = OTELC__EXEMPLAR_TRACE_BASED;
    assert_int_equal(otelc__exemplar_filter_parse("always_on", &f), OTELC_OK);
    assert_int_equal(f, OTELC__EXEMPLAR_ALWAYS_ON);
    assert_int_equal(otelc__exemplar_filter_parse("ALWAYS_OFF", &f), OTELC_OK);
    assert_int_equal(f, OTELC__EXEMPLAR_ALWAYS_OFF);
    assert_int_equal(otelc__exemplar_filter_parse(" Trace_Based\t", &f), OTELC_OK);
    assert_int_equal(f, OTELC__EXEMPLAR_TRACE_BASED);
    f = OTELC__EXEMPLAR_ALWAYS_OFF;
    const char *bad[] = {"", "   ", "always", "always_onx", "trace based", "on"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(otelc__exemplar_filter_parse(bad[i], &f), OTELC_EPARSE);
        assert_int_equal(f, OTELC__EXEMPLAR_ALWAYS_OFF); /* untouched */
    }
    assert_int_equal(otelc__exemplar_filter_parse(NULL, &f), OTELC_EPARSE);
}

/* AlwaysOn: every measurement; AlwaysOff: none; TraceBased: in a sampled parent span only. */
static void test_exemplar_filter_decisions(void **state)
{
    (void)state;
    otelc_span_context sampled = span_ctx(7, OTELC_TRACE_FLAG_SAMPLED);
    otelc_span_context unsampled = span_ctx(7, 0);
    otelc_span_context invalid = span_ctx(0, OTELC_TRACE_FLAG_SAMPLED);
    otelc_span_context no_span_id = span_ctx(7, OTELC_TRACE_FLAG_SAMPLED);
    memset(no_span_id.span_id, 0, sizeof no_span_id.span_id);

    assert_true(otelc__exemplar_filter_allows(OTELC__EXEMPLAR_ALWAYS_ON, NULL));
    assert_true(otelc__exemplar_filter_allows(OTELC__EXEMPLAR_ALWAYS_ON, &unsampled));
    assert_false(otelc__exemplar_filter_allows(OTELC__EXEMPLAR_ALWAYS_OFF, &sampled));
    assert_false(otelc__exemplar_filter_allows(OTELC__EXEMPLAR_ALWAYS_OFF, NULL));
    assert_true(otelc__exemplar_filter_allows(OTELC__EXEMPLAR_TRACE_BASED, &sampled));
    assert_false(otelc__exemplar_filter_allows(OTELC__EXEMPLAR_TRACE_BASED, &unsampled));
    assert_false(otelc__exemplar_filter_allows(OTELC__EXEMPLAR_TRACE_BASED, &invalid));
    assert_false(otelc__exemplar_filter_allows(OTELC__EXEMPLAR_TRACE_BASED, &no_span_id));
    assert_false(otelc__exemplar_filter_allows(OTELC__EXEMPLAR_TRACE_BASED, NULL));
}

/* An exemplar keeps the value, time and the trace and span ids of its span context. */
static void test_exemplar_fixed_keeps_measurement(void **state)
{
    (void)state;
    struct otelc__reservoir r;
    assert_int_equal(otelc__reservoir_init_fixed(&r, 3), OTELC_OK);
    otelc_span_context sc = span_ctx(9, OTELC_TRACE_FLAG_SAMPLED);
    otelc_span_context invalid = span_ctx(0, OTELC_TRACE_FLAG_SAMPLED);
    otelc_metric_number d;
    d.d = 2.5;
    otelc__reservoir_offer(&r, d, 0, 1000, &sc, NULL, 0, 0);
    otelc__reservoir_offer(&r, num_i(-4), 1, 2000, &invalid, NULL, 0, 0);
    otelc__reservoir_offer(&r, num_i(5), 1, 3000, NULL, NULL, 0, 0);
    otelc_exemplar out[4];
    assert_int_equal(otelc__reservoir_collect(&r, out, 4), 3);
    /* Fewer offers than slots: all kept, in slot (offer) order. */
    assert_true(out[0].value.d == 2.5);
    assert_int_equal(out[0].time_ns, 1000);
    assert_int_equal(out[0].has_span, 1);
    assert_memory_equal(out[0].trace_id, sc.trace_id, 16);
    assert_memory_equal(out[0].span_id, sc.span_id, 8);
    assert_null(out[0].filtered_attrs);
    assert_int_equal(out[0].filtered_attr_count, 0);
    assert_int_equal(out[1].value.i, -4);
    assert_int_equal(out[1].has_span, 0);
    assert_int_equal(out[2].value.i, 5);
    assert_int_equal(out[2].time_ns, 3000);
    assert_int_equal(out[2].has_span, 0);
    otelc__reservoir_fini(&r);
}

/* SimpleFixedSizeExemplarReservoir: Algorithm R keeps each of N offers with probability
 * size/N, and the count of offers restarts every collection. 20000 rounds of N = 20 offers
 * into 4 slots: each value is expected 4000 times (standard deviation 57); the bound is 7
 * standard deviations and the seed is fixed, so the test is deterministic. */
static void test_exemplar_fixed_algorithm_r_uniform(void **state)
{
    (void)state;
    enum { SIZE = 4, N = 20, ROUNDS = 20000 };
    struct otelc__reservoir r;
    assert_int_equal(otelc__reservoir_init_fixed(&r, SIZE), OTELC_OK);
    seed_rng(0x1234567890abcdefull);
    unsigned kept[N] = {0};
    otelc_exemplar out[SIZE];
    for (int round = 0; round < ROUNDS; round++) {
        for (int v = 0; v < N; v++)
            offer_i(&r, v, 0);
        assert_int_equal(otelc__reservoir_collect(&r, out, SIZE), SIZE);
        for (int j = 0; j < SIZE; j++) {
            assert_true(out[j].value.i >= 0 && out[j].value.i < N);
            kept[out[j].value.i]++;
        }
    }
    for (int v = 0; v < N; v++) {
        assert_true(kept[v] > 4000 - 400);
        assert_true(kept[v] < 4000 + 400);
    }
    otelc__reservoir_fini(&r);
}

/* AlignedHistogramBucketExemplarReservoir: at most one measurement per bucket (bounds + 1
 * buckets), collected in bucket order; buckets without offers give nothing. */
static void test_exemplar_aligned_one_per_bucket(void **state)
{
    (void)state;
    const double bounds[] = {0, 10, 100};
    struct otelc__reservoir r;
    assert_int_equal(otelc__reservoir_init_aligned(&r, bounds, 3), OTELC_OK);
    assert_int_equal(r.size, 4);
    offer_i(&r, 500, 3);
    offer_i(&r, 5, 1);
    offer_i(&r, 7, 1);
    offer_i(&r, 50, 2);
    offer_i(&r, 1, 4); /* no such bucket: ignored */
    otelc_exemplar out[8];
    assert_int_equal(otelc__reservoir_collect(&r, out, 8), 3);
    assert_true(out[0].value.i == 5 || out[0].value.i == 7);
    assert_int_equal(out[1].value.i, 50);
    assert_int_equal(out[2].value.i, 500);
    assert_int_equal(otelc__reservoir_collect(&r, out, 8), 0);
    otelc__reservoir_fini(&r);

    /* No bounds: one bucket for everything. */
    assert_int_equal(otelc__reservoir_init_aligned(&r, NULL, 0), OTELC_OK);
    offer_i(&r, 3, 0);
    assert_int_equal(otelc__reservoir_collect(&r, out, 8), 1);
    otelc__reservoir_fini(&r);
}

/* The aligned reservoir SHOULD sample uniformly among a bucket's measurements: 20000 rounds
 * of 5 offers into one bucket keep each about 4000 times (standard deviation 57, bound 7). */
static void test_exemplar_aligned_uniform_in_bucket(void **state)
{
    (void)state;
    enum { N = 5, ROUNDS = 20000 };
    const double bounds[] = {1, 2};
    struct otelc__reservoir r;
    assert_int_equal(otelc__reservoir_init_aligned(&r, bounds, 2), OTELC_OK);
    seed_rng(42);
    unsigned kept[N] = {0};
    otelc_exemplar out[3];
    for (int round = 0; round < ROUNDS; round++) {
        for (int v = 0; v < N; v++)
            offer_i(&r, v, 1);
        assert_int_equal(otelc__reservoir_collect(&r, out, 3), 1);
        kept[out[0].value.i]++;
    }
    for (int v = 0; v < N; v++) {
        assert_true(kept[v] > 4000 - 400);
        assert_true(kept[v] < 4000 + 400);
    }
    otelc__reservoir_fini(&r);
}

static const otelc_attr *find_attr(const otelc_exemplar *e, const char *key)
{
    for (size_t i = 0; i < e->filtered_attr_count; i++) {
        if (strcmp(e->filtered_attrs[i].key, key) == 0)
            return &e->filtered_attrs[i];
    }
    return NULL;
}

/* Exemplars retain the measurement's attributes the stream dropped, within fixed storage:
 * what does not fit whole is left out, never cut; later smaller ones still fit. */
static void test_exemplar_attr_storage_limits(void **state)
{
    (void)state;
    struct otelc__reservoir r;
    assert_int_equal(otelc__reservoir_init_fixed(&r, 1), OTELC_OK);
    /* Sized from the limit: "a" + NUL + value + NUL leaves 4 bytes free. */
    enum { FITS_LEN = OTELC__EXEMPLAR_ATTR_BYTES - 7 };
    static char big[OTELC__EXEMPLAR_ATTR_BYTES + 100], fits[FITS_LEN + 1];
    memset(big, 'x', sizeof big - 1);
    memset(fits, 'y', sizeof fits - 1);
    const char *sa[] = {"p", "q"};
    otelc_attr arr;
    arr.key = "arr";
    arr.value.type = OTELC_VALUE_STRING_ARRAY;
    arr.value.len = 2;
    arr.value.u.sa = sa;
    otelc_attr attrs[] = {
        otelc_attr_str("big", big),      /* too long for the slot: left out */
        arr,                             /* arrays: left out */
        otelc_attr_str("a", fits),       /* all but 4 bytes */
        otelc_attr_int("b", 42),         /* 2 bytes: 2 left */
        otelc_attr_bool("cc", true),     /* 3 bytes: left out */
        otelc_attr_double("d", 1.5),     /* 2 bytes: exactly full */
        otelc_attr_int("e", 1),          /* left out: full */
    };
    otelc__reservoir_offer(&r, num_i(1), 1, 1, NULL, attrs, 7, 0);
    fits[0] = 'z'; /* the exemplar holds a copy */
    otelc_exemplar out[1];
    assert_int_equal(otelc__reservoir_collect(&r, out, 1), 1);
    assert_int_equal(out[0].filtered_attr_count, 3);
    const otelc_attr *a = find_attr(&out[0], "a");
    assert_non_null(a);
    assert_int_equal(a->value.type, OTELC_VALUE_STRING);
    assert_int_equal(a->value.len, FITS_LEN);
    assert_int_equal(a->value.u.s[0], 'y');
    assert_int_equal(a->value.u.s[FITS_LEN - 1], 'y');
    assert_int_equal(find_attr(&out[0], "b")->value.u.i, 42);
    assert_true(find_attr(&out[0], "d")->value.u.d == 1.5);
    assert_null(find_attr(&out[0], "big"));
    assert_null(find_attr(&out[0], "cc"));

    /* At most OTELC__EXEMPLAR_MAX_ATTRS attributes; bytes are kept, NULL and empty keys not. */
    otelc_attr many[12];
    char keys[12][4];
    for (int i = 0; i < 12; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        many[i] = otelc_attr_int(keys[i], i);
    }
    many[0].key = NULL;
    many[1].key = "";
    many[2].key = "bin";
    many[2].value = otelc_value_bytes("\x00\x01\x02", 3);
    otelc__reservoir_offer(&r, num_i(2), 1, 2, NULL, many, 12, 0);
    assert_int_equal(otelc__reservoir_collect(&r, out, 1), 1);
    assert_int_equal(out[0].filtered_attr_count, OTELC__EXEMPLAR_MAX_ATTRS);
    assert_string_equal(out[0].filtered_attrs[0].key, "bin");
    assert_int_equal(out[0].filtered_attrs[0].value.type, OTELC_VALUE_BYTES);
    assert_int_equal(out[0].filtered_attrs[0].value.len, 3);
    assert_memory_equal(out[0].filtered_attrs[0].value.u.bytes, "\x00\x01\x02", 3);
    /* The last one kept is the (MAX_ATTRS - 1)-th valid attribute after "bin". */
    char last[8];
    snprintf(last, sizeof last, "k%d", 2 + OTELC__EXEMPLAR_MAX_ATTRS - 1);
    assert_string_equal(out[0].filtered_attrs[OTELC__EXEMPLAR_MAX_ATTRS - 1].key, last);
    assert_int_equal(out[0].filtered_attrs[OTELC__EXEMPLAR_MAX_ATTRS - 1].value.u.i,
                     2 + OTELC__EXEMPLAR_MAX_ATTRS - 1);
    otelc__reservoir_fini(&r);
}

/* Collect empties the reservoir (exemplars reset every collection) and the offer count with
 * it; a small cap drops the rest. */
static void test_exemplar_collect_resets(void **state)
{
    (void)state;
    struct otelc__reservoir r;
    assert_int_equal(otelc__reservoir_init_fixed(&r, 4), OTELC_OK);
    for (int v = 1; v <= 4; v++)
        offer_i(&r, v, 0);
    otelc_exemplar out[4];
    assert_int_equal(otelc__reservoir_collect(&r, out, 2), 2);
    assert_int_equal(out[0].value.i, 1);
    assert_int_equal(out[1].value.i, 2);
    assert_int_equal(otelc__reservoir_collect(&r, out, 4), 0);
    assert_int_equal(otelc__reservoir_collect(&r, NULL, 0), 0);
    /* The count restarted: the first offer of the interval always lands, in slot 0. */
    for (int i = 0; i < 100; i++)
        offer_i(&r, 1000 + i, 0);
    assert_int_equal(otelc__reservoir_collect(&r, NULL, 0), 0);
    offer_i(&r, 77, 0);
    assert_int_equal(otelc__reservoir_collect(&r, out, 4), 1);
    assert_int_equal(out[0].value.i, 77);
    otelc__reservoir_fini(&r);
}

/* What collect hands out lives in storage offers do not touch: later offers leave it alone. */
static void test_exemplar_collected_survive_offers(void **state)
{
    (void)state;
    struct otelc__reservoir r;
    assert_int_equal(otelc__reservoir_init_fixed(&r, 1), OTELC_OK);
    otelc_attr a = otelc_attr_str("user", "alice");
    otelc__reservoir_offer(&r, num_i(1), 1, 1, NULL, &a, 1, 0);
    otelc_exemplar out[1];
    assert_int_equal(otelc__reservoir_collect(&r, out, 1), 1);
    otelc_attr b = otelc_attr_str("host", "a-much-longer-value-than-alice");
    for (int i = 0; i < 10; i++)
        otelc__reservoir_offer(&r, num_i(2), 1, 2, NULL, &b, 1, 0);
    assert_string_equal(out[0].filtered_attrs[0].key, "user");
    assert_string_equal(out[0].filtered_attrs[0].value.u.s, "alice");
    otelc__reservoir_fini(&r);
}

/* Reservoirs SHOULD avoid allocations when sampling: offer and collect make none. */
static void test_exemplar_offer_no_allocation(void **state)
{
    (void)state;
    struct otelc__reservoir r, h;
    const double bounds[] = {1, 10};
    tu_alloc_install(0);
    assert_int_equal(otelc__reservoir_init_fixed(&r, 2), OTELC_OK);
    assert_int_equal(otelc__reservoir_init_aligned(&h, bounds, 2), OTELC_OK);
    otelc_span_context sc = span_ctx(3, OTELC_TRACE_FLAG_SAMPLED);
    otelc_attr attrs[] = {otelc_attr_str("k", "v"), otelc_attr_int("n", 3)};
    otelc_exemplar out[3];
    uint64_t calls = tu_alloc_calls();
    for (int i = 0; i < 1000; i++) {
        otelc__reservoir_offer(&r, num_i(i), 1, 1, &sc, attrs, 2, 0);
        otelc__reservoir_offer(&h, num_i(i), 1, 1, &sc, attrs, 2, (size_t)i % 3);
        if (i % 100 == 0) {
            otelc__reservoir_collect(&r, out, 3);
            otelc__reservoir_collect(&h, out, 3);
        }
    }
    assert_int_equal(tu_alloc_calls(), calls);
    otelc__reservoir_fini(&r);
    otelc__reservoir_fini(&h);
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
}

/* Bad sizes and bounds are refused; a failed allocation is reported and leaks nothing. */
static void test_exemplar_init_errors(void **state)
{
    (void)state;
    struct otelc__reservoir r;
    const double nan_bounds[] = {1, NAN};
    const double down[] = {2, 1};
    const double same[] = {1, 1};
    assert_int_equal(otelc__reservoir_init_fixed(NULL, 1), OTELC_EINVAL);
    assert_int_equal(otelc__reservoir_init_fixed(&r, 0), OTELC_EINVAL);
    assert_int_equal(otelc__reservoir_init_fixed(&r, OTELC__RESERVOIR_MAX_SIZE + 1),
                     OTELC_EINVAL);
    assert_int_equal(otelc__reservoir_init_aligned(&r, NULL, 2), OTELC_EINVAL);
    assert_int_equal(otelc__reservoir_init_aligned(&r, nan_bounds, 2), OTELC_EINVAL);
    assert_int_equal(otelc__reservoir_init_aligned(&r, down, 2), OTELC_EINVAL);
    assert_int_equal(otelc__reservoir_init_aligned(&r, same, 2), OTELC_EINVAL);
    tu_alloc_install(1);
    assert_int_equal(otelc__reservoir_init_fixed(&r, 4), OTELC_ENOMEM);
    assert_int_equal(tu_alloc_live(), 0);
    tu_alloc_uninstall();
    otelc__reservoir_fini(NULL);
    memset(&r, 0, sizeof r);
    otelc__reservoir_fini(&r);
    /* A zeroed (finished) reservoir ignores offers and collects nothing. */
    offer_i(&r, 1, 0);
    assert_int_equal(otelc__reservoir_collect(&r, NULL, 0), 0);
}

/* Offers from 4 threads while another collects: every exemplar collected is whole (value,
 * time, ids and attribute all from the same offer), never more than the slots. */
enum { THREADS = 4 };
static int64_t g_per_thread; /* 50000, scaled down under valgrind */
static struct otelc__reservoir g_fixed, g_aligned;
static atomic_int g_running;

static void *offer_thread(void *arg)
{
    int64_t t = (int64_t)(intptr_t)arg;
    for (int64_t i = 0; i < g_per_thread; i++) {
        int64_t v = t * 1000000 + i;
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)v);
        otelc_attr a = otelc_attr_str("v", buf);
        otelc_span_context sc = span_ctx((uint8_t)(v % 255 + 1), OTELC_TRACE_FLAG_SAMPLED);
        otelc__reservoir_offer(&g_fixed, num_i(v), 1, (uint64_t)v, &sc, &a, 1, 0);
        otelc__reservoir_offer(&g_aligned, num_i(v), 1, (uint64_t)v, &sc, &a, 1,
                               (size_t)(v % 3));
    }
    atomic_fetch_sub(&g_running, 1);
    return NULL;
}

static size_t check_collected(struct otelc__reservoir *r, size_t max)
{
    otelc_exemplar out[8];
    size_t n = otelc__reservoir_collect(r, out, 8);
    assert_true(n <= max);
    int64_t prev_bucket = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t v = out[i].value.i;
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)v);
        assert_int_equal(out[i].time_ns, (uint64_t)v);
        assert_int_equal(out[i].has_span, 1);
        assert_int_equal(out[i].trace_id[15], (uint8_t)(v % 255 + 1));
        assert_int_equal(out[i].span_id[0], (uint8_t)(v % 255 + 1));
        assert_int_equal(out[i].filtered_attr_count, 1);
        assert_string_equal(out[i].filtered_attrs[0].key, "v");
        assert_string_equal(out[i].filtered_attrs[0].value.u.s, buf);
        if (r == &g_aligned) { /* bucket order, one per bucket */
            assert_true(v % 3 > prev_bucket);
            prev_bucket = v % 3;
        }
    }
    return n;
}

static void test_exemplar_concurrent_offer_collect(void **state)
{
    (void)state;
    const double bounds[] = {1, 2};
    assert_int_equal(otelc__reservoir_init_fixed(&g_fixed, 4), OTELC_OK);
    assert_int_equal(otelc__reservoir_init_aligned(&g_aligned, bounds, 2), OTELC_OK);
    g_per_thread = (int64_t)tu_scale(50000);
    atomic_store(&g_running, THREADS);
    pthread_t th[THREADS];
    for (intptr_t t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, offer_thread, (void *)t), 0);
    while (atomic_load(&g_running) > 0) {
        check_collected(&g_fixed, 4);
        check_collected(&g_aligned, 3);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    check_collected(&g_fixed, 4);
    check_collected(&g_aligned, 3);
    /* Drained, and sampling restarted: a few offers fill every slot again. */
    assert_int_equal(check_collected(&g_fixed, 4), 0);
    offer_thread((void *)(intptr_t)THREADS);
    assert_int_equal(check_collected(&g_fixed, 4), 4);
    assert_int_equal(check_collected(&g_aligned, 3), 3);
    otelc__reservoir_fini(&g_fixed);
    otelc__reservoir_fini(&g_aligned);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exemplar_filter_parse),
        cmocka_unit_test(test_exemplar_filter_decisions),
        cmocka_unit_test(test_exemplar_fixed_keeps_measurement),
        cmocka_unit_test(test_exemplar_fixed_algorithm_r_uniform),
        cmocka_unit_test(test_exemplar_aligned_one_per_bucket),
        cmocka_unit_test(test_exemplar_aligned_uniform_in_bucket),
        cmocka_unit_test(test_exemplar_attr_storage_limits),
        cmocka_unit_test(test_exemplar_collect_resets),
        cmocka_unit_test(test_exemplar_collected_survive_offers),
        cmocka_unit_test(test_exemplar_offer_no_allocation),
        cmocka_unit_test(test_exemplar_init_errors),
        cmocka_unit_test(test_exemplar_concurrent_offer_collect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
