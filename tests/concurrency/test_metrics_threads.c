/* SPDX-License-Identifier: Apache-2.0 */
/* Four threads record 10^6 measurements each (a counter, a bound counter, a histogram and new
 * attribute sets up to the cardinality limit) while a delta reader collects every millisecond:
 * the sums of all collected points equal what was recorded, exactly. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otelc/otelc.h"

#define THREADS 4

/* ThreadSanitizer runs this about 20 times slower: a smaller N keeps it near a minute. */
#if defined(__SANITIZE_THREAD__)
#define DEFAULT_PER_THREAD 100000
#else
#define DEFAULT_PER_THREAD 1000000
#endif

static long g_per_thread = DEFAULT_PER_THREAD;
static otelc_instrument *g_counter, *g_hist, *g_wide;
static otelc_bound_instrument *g_bound;
static _Atomic int g_done;

/* Totals summed over every collection (only the collecting thread writes them). */
static int64_t g_counter_sum, g_bound_sum, g_wide_sum;
static uint64_t g_hist_count, g_hist_buckets, g_points, g_bad_points;
static double g_hist_sum;

static int add_up(const otelc_resource_metrics *rm, void *ud)
{
    (void)ud;
    for (size_t s = 0; s < rm->scope_count; s++) {
        for (size_t m = 0; m < rm->scopes[s].metric_count; m++) {
            const otelc_metric_data *md = &rm->scopes[s].metrics[m];
            for (size_t p = 0; p < md->point_count; p++) {
                g_points++;
                if (md->type == OTELC_METRIC_HISTOGRAM) {
                    const otelc_histogram_point *h = &md->points.histogram[p];
                    uint64_t in_buckets = 0;
                    for (size_t b = 0; b <= h->bound_count; b++)
                        in_buckets += h->bucket_counts[b];
                    /* Every point is consistent on its own: count == sum of its buckets. */
                    if (in_buckets != h->count)
                        g_bad_points++;
                    g_hist_count += h->count;
                    g_hist_buckets += in_buckets;
                    g_hist_sum += h->sum;
                } else if (strcmp(md->name, "requests") == 0) {
                    const otelc_number_point *n = &md->points.number[p];
                    if (n->attr_count == 0)
                        g_counter_sum += n->value.i;
                    else
                        g_bound_sum += n->value.i;
                } else {
                    g_wide_sum += md->points.number[p].value.i;
                }
            }
        }
    }
    return OTELC_OK;
}

static void *producer(void *arg)
{
    long id = (long)(intptr_t)arg;
    otelc_attr a[2] = {otelc_attr_int("thread", id), otelc_attr_int("n", 0)};
    for (long i = 0; i < g_per_thread; i++) {
        otelc_record_i64(g_counter, 1, NULL, 0);
        otelc_bound_record_i64(g_bound, 2);
        otelc_record_f64(g_hist, (double)(i % 200), a, 1);
        if ((i & 63) == 0) {
            /* New attribute sets, well past the limit of 100: the overflow series. */
            a[1] = otelc_attr_int("n", i);
            otelc_record_i64(g_wide, 1, a, 2);
        }
    }
    return NULL;
}

static void *collector(void *arg)
{
    otelc_metric_reader *r = arg;
    while (!atomic_load(&g_done)) {
        otelc_metric_reader_collect(r, add_up, NULL);
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    otelc_metric_reader_collect(r, add_up, NULL);
    return NULL;
}

int main(void)
{
    const char *n = getenv("OTELC_TEST_PER_THREAD");
    if (n)
        g_per_thread = strtol(n, NULL, 10);
    otelc_manual_reader_options ro;
    otelc_manual_reader_options_init(&ro);
    ro.temporality = OTELC_TEMPORALITY_PREFER_DELTA;
    otelc_metric_reader *r = NULL;
    otelc_manual_reader_new(&r, &ro);
    otelc_view v;
    otelc_view_init(&v);
    v.instrument_name = "wide";
    v.cardinality_limit = 100;
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    o.readers = &r;
    o.reader_count = 1;
    o.views = &v;
    o.view_count = 1;
    o.exemplar_filter = OTELC_EXEMPLAR_FILTER_ALWAYS_ON;
    otelc_meter_provider *mp = NULL;
    if (otelc_meter_provider_new(&mp, &o) != OTELC_OK)
        return 1;
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "threads", NULL, NULL, NULL, 0);
    otelc_instrument_options io;
    otelc_instrument_options_init(&io);
    io.is_int = 1;
    otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "requests", &io, &g_counter);
    otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "wide", &io, &g_wide);
    otelc_meter_create_instrument(m, OTELC_INSTRUMENT_HISTOGRAM, "latency", NULL, &g_hist);
    otelc_attr b = otelc_attr_str("bound", "yes");
    if (otelc_instrument_bind(g_counter, &b, 1, &g_bound) != OTELC_OK)
        return 1;

    pthread_t prod[THREADS], coll;
    pthread_create(&coll, NULL, collector, r);
    for (long i = 0; i < THREADS; i++)
        pthread_create(&prod[i], NULL, producer, (void *)(intptr_t)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(prod[i], NULL);
    atomic_store(&g_done, 1);
    pthread_join(coll, NULL);

    int64_t total = (int64_t)g_per_thread * THREADS;
    int64_t wide = (int64_t)((g_per_thread + 63) / 64) * THREADS;
    /* Each thread records i % 200 for i < N: whole cycles sum to 19900 each. */
    double per_thread = 0;
    for (long i = 0; i < g_per_thread; i++)
        per_thread += (double)(i % 200);
    int ok = g_counter_sum == total && g_bound_sum == 2 * total && g_wide_sum == wide &&
             g_hist_count == (uint64_t)total && g_hist_buckets == (uint64_t)total &&
             g_hist_sum == per_thread * THREADS && g_bad_points == 0;
    otelc_meter_provider_stats st;
    otelc_meter_provider_get_stats(mp, &st);
    printf("%ld x %d: counter %lld/%lld bound %lld/%lld wide %lld/%lld histogram %llu/%lld "
           "(sum %.0f/%.0f) points %llu, inconsistent %llu, series %llu, overflowed %llu: %s\n",
           g_per_thread, THREADS, (long long)g_counter_sum, (long long)total,
           (long long)g_bound_sum, (long long)(2 * total), (long long)g_wide_sum, (long long)wide,
           (unsigned long long)g_hist_count, (long long)total, g_hist_sum, per_thread * THREADS,
           (unsigned long long)g_points, (unsigned long long)g_bad_points,
           (unsigned long long)st.series, (unsigned long long)st.overflowed, ok ? "ok" : "FAIL");
    otelc_bound_instrument_free(g_bound);
    otelc_meter_provider_free(mp);
    return ok ? 0 : 1;
}
