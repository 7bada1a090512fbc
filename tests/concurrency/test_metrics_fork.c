/* SPDX-License-Identifier: Apache-2.0 */
/* fork() with a periodic metric reader running: the parent keeps its counts and its worker;
 * the child starts from zero (its own process), with start times after the fork, a fresh
 * worker and the exporter's after_fork called. */
#include <stdatomic.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "otelc/otelc.h"

static _Atomic int64_t g_last;
static _Atomic uint64_t g_last_start;
static _Atomic int g_after_fork;

static int export_fn(void *ud, const otelc_resource_metrics *rm, uint64_t deadline)
{
    (void)ud;
    (void)deadline;
    const otelc_number_point *p = &rm->scopes[0].metrics[0].points.number[0];
    atomic_store(&g_last, p->value.i);
    atomic_store(&g_last_start, p->start_time_ns);
    return OTELC_OK;
}

static void after_fork(void *ud)
{
    (void)ud;
    atomic_store(&g_after_fork, 1);
}

static const otelc_metric_exporter_methods methods = {
    .version = OTELC_METRIC_EXPORTER_METHODS_VERSION,
    .export_metrics = export_fn,
    .after_fork = after_fork,
};

int main(void)
{
    otelc_metric_exporter *e = NULL;
    otelc_metric_exporter_new(&e, &methods, NULL);
    otelc_periodic_reader_options ro;
    otelc_periodic_reader_options_init(&ro);
    ro.interval_ms = 5; /* the worker is busy when fork() comes */
    otelc_metric_reader *r = NULL;
    otelc_periodic_reader_new(&r, e, &ro);
    otelc_meter_provider_options o;
    otelc_meter_provider_options_init(&o);
    o.readers = &r;
    o.reader_count = 1;
    otelc_meter_provider *mp = NULL;
    if (otelc_meter_provider_new(&mp, &o) != OTELC_OK)
        return 1;
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "fork", NULL, NULL, NULL, 0);
    otelc_instrument_options io;
    otelc_instrument_options_init(&io);
    io.is_int = 1;
    otelc_instrument *c = NULL;
    otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "c", &io, &c);
    otelc_bound_instrument *b = NULL;
    otelc_instrument_bind(c, NULL, 0, &b);
    otelc_bound_record_i64(b, 5);
    int fails = 0;
    for (int round = 0; round < 20; round++) {
        uint64_t before = otelc_now_ns();
        pid_t pid = fork();
        if (pid == 0) {
            otelc_bound_record_i64(b, 2);
            int rc = otelc_meter_provider_force_flush(mp, 2000);
            int ok = rc == OTELC_OK && atomic_load(&g_last) == 2 &&
                     atomic_load(&g_last_start) >= before && atomic_load(&g_after_fork);
            if (!ok)
                fprintf(stderr, "child: flush %d, value %lld, after_fork %d\n", rc,
                        (long long)atomic_load(&g_last), atomic_load(&g_after_fork));
            otelc_meter_provider_shutdown(mp, 2000);
            _exit(ok ? 0 : 1);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        fails += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        otelc_bound_record_i64(b, 1);
        if (otelc_meter_provider_force_flush(mp, 2000) != OTELC_OK ||
            atomic_load(&g_last) != 6 + round)
            fails++;
    }
    otelc_bound_instrument_free(b);
    otelc_meter_provider_free(mp);
    printf("20 forks: %d failures\n", fails);
    return fails ? 1 : 0;
}
