/* SPDX-License-Identifier: Apache-2.0 */
/* Ids: the per-thread random generator, its reseeding after fork(), and custom generators. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sdk/common/random.h"

static otelc_span_context root_ctx(otelc_tracer *t)
{
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.root = 1;
    otelc_span *s = otelc_span_start(t, "r", &o);
    otelc_span_context c = otelc_span_get_context(s);
    otelc_span_end(s);
    return c;
}

/* W3C: ids are never all zero; 100k root spans give 100k distinct trace and span ids. */
static int cmp16(const void *a, const void *b) { return memcmp(a, b, 16); }
static int cmp8(const void *a, const void *b) { return memcmp(a, b, 8); }

static void test_ids_unique_and_nonzero(void **state)
{
    (void)state;
    otelc_sampler *off = NULL;
    otelc_sampler_always_off(&off); /* ids are made for dropped spans too, cheaply */
    otelc_tracer_provider *tp = tu_provider(off, NULL, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "ids", NULL, NULL, NULL, 0);
    enum { N = 100000 };
    uint8_t(*tids)[16] = malloc(N * 16);
    uint8_t(*sids)[8] = malloc(N * 8);
    assert_non_null(tids);
    assert_non_null(sids);
    for (int i = 0; i < N; i++) {
        otelc_span_context c = root_ctx(t);
        assert_true(otelc_span_context_is_valid(&c));
        memcpy(tids[i], c.trace_id, 16);
        memcpy(sids[i], c.span_id, 8);
    }
    qsort(tids, N, 16, cmp16);
    qsort(sids, N, 8, cmp8);
    for (int i = 1; i < N; i++) {
        assert_memory_not_equal(tids[i - 1], tids[i], 16);
        assert_memory_not_equal(sids[i - 1], sids[i], 8);
    }
    free(tids);
    free(sids);
    otelc_tracer_provider_free(tp);
}

/* The generator's bits are balanced: each of the 64 bit positions is set in about half of
 * 20000 draws (within 5 standard deviations: 10000 +- 354). */
static void test_ids_bits_balanced(void **state)
{
    (void)state;
    int counts[64] = {0};
    for (int i = 0; i < 20000; i++) {
        uint64_t r = otelc__rand64();
        for (int b = 0; b < 64; b++)
            counts[b] += (int)((r >> b) & 1);
    }
    for (int b = 0; b < 64; b++) {
        assert_true(counts[b] > 10000 - 354);
        assert_true(counts[b] < 10000 + 354);
    }
}

/* After fork() the child's generator is reseeded: its next ids differ from the parent's. */
static void test_ids_reseeded_after_fork(void **state)
{
    (void)state;
    (void)otelc__rand64(); /* make sure this thread's generator is seeded before fork */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint64_t v[4];
        for (int i = 0; i < 4; i++)
            v[i] = otelc__rand64();
        ssize_t w = write(fds[1], v, sizeof v);
        _exit(w == (ssize_t)sizeof v ? 0 : 1);
    }
    uint64_t mine[4], theirs[4];
    for (int i = 0; i < 4; i++)
        mine[i] = otelc__rand64();
    size_t got = 0;
    while (got < sizeof theirs) {
        ssize_t r = read(fds[0], (char *)theirs + got, sizeof theirs - got);
        assert_true(r > 0);
        got += (size_t)r;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_memory_not_equal(mine, theirs, sizeof mine);
    close(fds[0]);
    close(fds[1]);
}

/* A custom generator is used; zero ids it returns are replaced; without the random flag the
 * root spans do not claim the W3C random flag. */
static int g_calls;

static void fixed_trace_id(void *ud, uint8_t out[16])
{
    (void)ud;
    g_calls++;
    memset(out, 0, 16);
    if (g_calls % 2 == 0) /* every other call returns an invalid all-zero id */
        out[15] = 0x42;
}

static void fixed_span_id(void *ud, uint8_t out[8])
{
    (void)ud;
    memset(out, 0, 8);
    out[7] = 0x07;
}

static const otelc_id_generator_methods fixed_methods = {OTELC_ID_GENERATOR_METHODS_VERSION, 0,
                                                         fixed_trace_id, fixed_span_id, NULL};

static void test_ids_custom_generator(void **state)
{
    (void)state;
    otelc_id_generator *g = NULL;
    assert_int_equal(otelc_id_generator_new(&g, &fixed_methods, NULL), OTELC_OK);
    otelc_tracer_provider *tp = tu_provider(NULL, NULL, g);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "ids", NULL, NULL, NULL, 0);
    g_calls = 0;
    otelc_span_context c = root_ctx(t);
    uint8_t want_tid[16] = {0};
    want_tid[15] = 0x42;
    assert_memory_equal(c.trace_id, want_tid, 16); /* the zero id was asked for again */
    assert_int_equal(c.span_id[7], 0x07);
    assert_false(c.trace_flags & OTELC_TRACE_FLAG_RANDOM);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
    otelc_id_generator_methods bad = fixed_methods;
    bad.new_span_id = NULL;
    assert_int_equal(otelc_id_generator_new(&g, &bad, NULL), OTELC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_unique_and_nonzero),
        cmocka_unit_test(test_ids_bits_balanced),
        cmocka_unit_test(test_ids_reseeded_after_fork),
        cmocka_unit_test(test_ids_custom_generator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
