/* SPDX-License-Identifier: Apache-2.0 */
/* The bounded lock-free ring: order, bounds, and exactly-once delivery under contention. */
#include "testutil.h"

#include <pthread.h>
#include <stdlib.h>

#include "sdk/common/ring.h"

static void test_ring_pow2_ceil(void **state)
{
    (void)state;
    assert_int_equal(otelc__pow2_ceil(1), 1);
    assert_int_equal(otelc__pow2_ceil(2), 2);
    assert_int_equal(otelc__pow2_ceil(3), 4);
    assert_int_equal(otelc__pow2_ceil(2048), 2048);
    assert_int_equal(otelc__pow2_ceil(2049), 4096);
}

/* FIFO order, a full ring refuses a push, an empty one a pop, positions count up. */
static void test_ring_fifo_full_empty(void **state)
{
    (void)state;
    struct otelc__ring r;
    assert_int_equal(otelc__ring_init(&r, 3), OTELC_OK); /* capacity 4 */
    uintptr_t v;
    void *out;
    uint64_t pos;
    assert_int_equal(otelc__ring_pop(&r, &out), 0);
    for (v = 1; v <= 4; v++) {
        assert_int_equal(otelc__ring_push(&r, (void *)v, &pos), 1);
        assert_int_equal(pos, v - 1);
    }
    assert_int_equal(otelc__ring_push(&r, (void *)5, NULL), 0);
    assert_int_equal(otelc__ring_size(&r), 4);
    for (v = 1; v <= 4; v++) {
        assert_int_equal(otelc__ring_pop(&r, &out), 1);
        assert_int_equal((uintptr_t)out, v);
    }
    assert_int_equal(otelc__ring_pop(&r, &out), 0);
    /* Wrapping around many laps keeps working. */
    for (v = 1; v < 1000; v++) {
        assert_int_equal(otelc__ring_push(&r, (void *)v, NULL), 1);
        assert_int_equal(otelc__ring_pop(&r, &out), 1);
        assert_int_equal((uintptr_t)out, v);
    }
    assert_int_equal(otelc__ring_init(&r, 0), OTELC_EINVAL);
    otelc__ring_destroy(&r);
}

/* Reset (for the child after fork) hands back every completed element and empties. */
static uintptr_t g_reset_sum;
static void add_to_sum(void *p) { g_reset_sum += (uintptr_t)p; }

static void test_ring_reset_single_threaded(void **state)
{
    (void)state;
    struct otelc__ring r;
    assert_int_equal(otelc__ring_init(&r, 8), OTELC_OK);
    void *out;
    for (uintptr_t v = 1; v <= 5; v++)
        otelc__ring_push(&r, (void *)v, NULL);
    otelc__ring_pop(&r, &out); /* 1 leaves */
    g_reset_sum = 0;
    otelc__ring_reset_single_threaded(&r, add_to_sum);
    assert_int_equal(g_reset_sum, 2 + 3 + 4 + 5);
    assert_int_equal(otelc__ring_size(&r), 0);
    assert_int_equal(otelc__ring_pop(&r, &out), 0);
    assert_int_equal(otelc__ring_push(&r, (void *)9, NULL), 1);
    assert_int_equal(otelc__ring_pop(&r, &out), 1);
    assert_int_equal((uintptr_t)out, 9);
    otelc__ring_destroy(&r);
}

/* Two producers and two consumers: every value arrives exactly once. */
enum { PRODUCERS = 2, CONSUMERS = 2 };
static uintptr_t g_per_producer; /* 200000, scaled down under valgrind */
static struct otelc__ring g_r;
static _Atomic int g_producers_done;
static unsigned char *g_seen;
static _Atomic uint64_t g_popped;

static void *producer(void *arg)
{
    uintptr_t base = (uintptr_t)arg * g_per_producer;
    for (uintptr_t i = 0; i < g_per_producer; i++)
        while (!otelc__ring_push(&g_r, (void *)(base + i + 1), NULL))
            ;
    atomic_fetch_add(&g_producers_done, 1);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (;;) {
        void *p;
        if (otelc__ring_pop(&g_r, &p)) {
            uintptr_t v = (uintptr_t)p - 1;
            g_seen[v]++; /* each slot is written by the one consumer that popped v */
            atomic_fetch_add(&g_popped, 1);
        } else if (atomic_load(&g_producers_done) == PRODUCERS &&
                   otelc__ring_size(&g_r) == 0) {
            return NULL;
        }
    }
}

static void test_ring_mpmc_exactly_once(void **state)
{
    (void)state;
    assert_int_equal(otelc__ring_init(&g_r, 64), OTELC_OK);
    g_per_producer = (uintptr_t)tu_scale(200000);
    g_seen = calloc(g_per_producer * PRODUCERS, 1);
    assert_non_null(g_seen);
    pthread_t p[PRODUCERS], c[CONSUMERS];
    for (uintptr_t i = 0; i < PRODUCERS; i++)
        pthread_create(&p[i], NULL, producer, (void *)i);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_join(c[i], NULL);
    assert_int_equal(atomic_load(&g_popped), g_per_producer * PRODUCERS);
    for (size_t i = 0; i < g_per_producer * PRODUCERS; i++)
        assert_int_equal(g_seen[i], 1);
    free(g_seen);
    otelc__ring_destroy(&g_r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_pow2_ceil),
        cmocka_unit_test(test_ring_fifo_full_empty),
        cmocka_unit_test(test_ring_reset_single_threaded),
        cmocka_unit_test(test_ring_mpmc_exactly_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
