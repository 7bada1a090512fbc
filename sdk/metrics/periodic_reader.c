/* SPDX-License-Identifier: Apache-2.0 */
/* The periodic exporting reader's worker: collects and exports every interval, on flush and at
 * shutdown, with deadlines, and pauses around fork(). */
#include <signal.h>
#include <string.h>

#include "metric_exporter_internal.h"
#include "metrics_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/log_internal.h"

enum worker_state { WORKER_NONE = 0, WORKER_RUNNING, WORKER_EXITED };
enum stop_mode { STOP_NO = 0, STOP_EXPORT, STOP_QUIT };

struct periodic {
    pthread_mutex_t mu;
    pthread_cond_t wake_cv; /* the worker sleeps here */
    pthread_cond_t done_cv; /* flushers, shutdown and fork wait here */
    pthread_t thread;
    _Atomic int state; /* enum worker_state */
    _Atomic int disabled; /* a fork happened mid-export: the exporter's state is unknown */
    int stop;             /* enum stop_mode */
    uint64_t stop_deadline;
    uint64_t flush_req, flush_done;
    int flush_rc;
    int pause_req, paused, fork_unsafe, abandoned;
};

static void init_sync(struct periodic *w)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake_cv, &ca);
    pthread_cond_init(&w->done_cv, &ca);
    pthread_condattr_destroy(&ca);
}

int otelc__periodic_new(otelc_metric_reader *r)
{
    struct periodic *w = otelc__calloc(1, sizeof *w);
    if (!w)
        return OTELC_ENOMEM;
    if (pthread_mutex_init(&w->mu, NULL) != 0) {
        otelc__free(w);
        return OTELC_ENOMEM;
    }
    init_sync(w);
    atomic_init(&w->state, WORKER_NONE);
    atomic_init(&w->disabled, 0);
    r->w = w;
    return OTELC_OK;
}

struct export_arg {
    otelc_metric_reader *r;
    uint64_t deadline;
};

static int export_fn(const otelc_resource_metrics *rm, void *ud)
{
    struct export_arg *a = ud;
    otelc_metric_reader *r = a->r;
    if (rm->scope_count == 0)
        return OTELC_OK; /* nothing was measured: no empty request */
    int rc = OTELC_EDISABLED;
    if (!atomic_load_explicit(&r->w->disabled, memory_order_relaxed))
        rc = otelc_metric_exporter_export(r->exporter, rm, a->deadline);
    if (rc == OTELC_OK) {
        atomic_fetch_add_explicit(&r->exports_ok, 1, memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&r->exports_failed, 1, memory_order_relaxed);
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "periodic metric reader: export failed: %s",
                             otelc_strerror(rc));
    }
    return rc;
}

static int collect_export(otelc_metric_reader *r, uint64_t deadline)
{
    struct export_arg a = {.r = r, .deadline = deadline};
    return otelc__reader_collect(r, export_fn, &a);
}

static void *worker_main(void *arg)
{
    otelc_metric_reader *r = arg;
    struct periodic *w = r->w;
    uint64_t next = otelc__mono_ns() + r->interval_ns;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        if (w->pause_req) {
            /* fork() is coming: stay here, between exports, holding nothing. */
            w->paused = 1;
            pthread_cond_broadcast(&w->done_cv);
            while (w->pause_req)
                pthread_cond_wait(&w->wake_cv, &w->mu);
            w->paused = 0;
            continue;
        }
        if (w->stop) {
            if (w->stop == STOP_EXPORT) {
                uint64_t deadline = w->stop_deadline;
                uint64_t own = otelc__mono_ns() + r->timeout_ns;
                pthread_mutex_unlock(&w->mu);
                collect_export(r, own < deadline ? own : deadline);
                pthread_mutex_lock(&w->mu);
            }
            break;
        }
        uint64_t now = otelc__mono_ns();
        if (w->flush_req > w->flush_done || now >= next) {
            uint64_t req = w->flush_req;
            pthread_mutex_unlock(&w->mu);
            int rc = collect_export(r, now + r->timeout_ns);
            pthread_mutex_lock(&w->mu);
            if (req > w->flush_done) {
                w->flush_done = req;
                w->flush_rc = rc;
            }
            next = otelc__mono_ns() + r->interval_ns;
            pthread_cond_broadcast(&w->done_cv);
            continue;
        }
        struct timespec ts = otelc__timespec(next);
        pthread_cond_timedwait(&w->wake_cv, &w->mu, &ts);
    }
    atomic_store(&w->state, WORKER_EXITED);
    pthread_cond_broadcast(&w->done_cv);
    int abandoned = w->abandoned;
    pthread_mutex_unlock(&w->mu);
    if (abandoned) {
        /* Shutdown gave up waiting for us; we clean up after ourselves. */
        pthread_cond_destroy(&w->wake_cv);
        pthread_cond_destroy(&w->done_cv);
        pthread_mutex_destroy(&w->mu);
        otelc__free(w);
        otelc__reader_free_now(r);
    }
    return NULL;
}

int otelc__periodic_start(otelc_metric_reader *r)
{
    struct periodic *w = r->w;
    int rc = OTELC_OK;
    pthread_mutex_lock(&w->mu);
    if (atomic_load(&w->state) == WORKER_NONE && !w->stop && !atomic_load(&r->shut_down)) {
        /* Every signal blocked, so the host's handlers never run on the worker. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        int e = pthread_create(&w->thread, NULL, worker_main, r);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (e != 0) {
            rc = OTELC_EIO;
        } else {
#if defined(__GLIBC__)
            pthread_setname_np(w->thread, "otelc-metrics");
#endif
            atomic_store(&w->state, WORKER_RUNNING);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

int otelc__periodic_flush(otelc_metric_reader *r, uint64_t deadline)
{
    struct periodic *w = r->w;
    pthread_mutex_lock(&w->mu);
    if (atomic_load(&w->state) != WORKER_RUNNING || w->stop) {
        pthread_mutex_unlock(&w->mu);
        return OTELC_ESTATE;
    }
    uint64_t req = ++w->flush_req;
    pthread_cond_signal(&w->wake_cv);
    int rc = OTELC_OK;
    while (w->flush_done < req && atomic_load(&w->state) == WORKER_RUNNING) {
        if (otelc__mono_ns() >= deadline) {
            rc = OTELC_ETIMEDOUT;
            break;
        }
        struct timespec ts = otelc__timespec(deadline);
        pthread_cond_timedwait(&w->done_cv, &w->mu, &ts);
    }
    if (rc == OTELC_OK)
        rc = w->flush_done >= req ? w->flush_rc : OTELC_ETIMEDOUT;
    pthread_mutex_unlock(&w->mu);
    if (rc == OTELC_OK)
        rc = otelc__metric_exporter_force_flush(r->exporter, deadline);
    return rc;
}

/* Asks the worker to stop and waits for it until deadline; 1 when it has exited. */
static int stop_worker(struct periodic *w, int mode, uint64_t deadline)
{
    pthread_mutex_lock(&w->mu);
    w->stop = mode;
    w->stop_deadline = deadline;
    pthread_cond_signal(&w->wake_cv);
    while (atomic_load(&w->state) == WORKER_RUNNING && otelc__mono_ns() < deadline) {
        struct timespec ts = otelc__timespec(deadline);
        pthread_cond_timedwait(&w->done_cv, &w->mu, &ts);
    }
    int state = atomic_load(&w->state);
    pthread_mutex_unlock(&w->mu);
    if (state == WORKER_EXITED) {
        pthread_join(w->thread, NULL);
        atomic_store(&w->state, WORKER_NONE);
    }
    return state != WORKER_RUNNING;
}

int otelc__periodic_shutdown(otelc_metric_reader *r, uint64_t deadline)
{
    struct periodic *w = r->w;
    int had_worker = atomic_load(&w->state) == WORKER_RUNNING;
    if (!stop_worker(w, STOP_EXPORT, deadline)) {
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "periodic metric reader: shutdown deadline passed "
                                              "while the exporter was still busy");
        return OTELC_ETIMEDOUT;
    }
    /* A child that never started its worker exports its last collection from here: there is
     * no other thread to run into. */
    if (!had_worker)
        collect_export(r, deadline);
    return otelc_metric_exporter_shutdown(r->exporter, deadline);
}

void otelc__periodic_stop(otelc_metric_reader *r)
{
    stop_worker(r->w, STOP_QUIT, UINT64_MAX);
    r->w->stop = STOP_NO;
}

int otelc__periodic_free(otelc_metric_reader *r)
{
    struct periodic *w = r->w;
    pthread_mutex_lock(&w->mu);
    if (atomic_load(&w->state) == WORKER_RUNNING) {
        w->abandoned = 1;
        pthread_detach(w->thread);
        pthread_mutex_unlock(&w->mu);
        return 1;
    }
    pthread_mutex_unlock(&w->mu);
    pthread_cond_destroy(&w->wake_cv);
    pthread_cond_destroy(&w->done_cv);
    pthread_mutex_destroy(&w->mu);
    otelc__free(w);
    r->w = NULL;
    return 0;
}

/* ---- fork ------------------------------------------------------------------------------ */

void otelc__periodic_prepare(otelc_metric_reader *r)
{
    if (!r->periodic)
        return;
    struct periodic *w = r->w;
    pthread_mutex_lock(&w->mu);
    w->fork_unsafe = 0;
    if (atomic_load(&w->state) != WORKER_RUNNING)
        return; /* mu stays held across fork */
    w->pause_req = 1;
    pthread_cond_signal(&w->wake_cv);
    /* Reaching the safe point takes at most one export. */
    uint64_t deadline = otelc__mono_ns() + r->timeout_ns + 1000000000ull;
    while (!w->paused && atomic_load(&w->state) == WORKER_RUNNING) {
        if (otelc__mono_ns() >= deadline) {
            w->fork_unsafe = 1;
            break;
        }
        struct timespec ts = otelc__timespec(deadline);
        pthread_cond_timedwait(&w->done_cv, &w->mu, &ts);
    }
}

void otelc__periodic_parent(otelc_metric_reader *r)
{
    if (!r->periodic)
        return;
    struct periodic *w = r->w;
    w->pause_req = 0;
    pthread_cond_broadcast(&w->wake_cv);
    pthread_mutex_unlock(&w->mu);
}

void otelc__reader_child(otelc_metric_reader *r)
{
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    r->collect_mu = fresh;
    atomic_store(&r->collections, 0);
    atomic_store(&r->exports_ok, 0);
    atomic_store(&r->exports_failed, 0);
}

void otelc__periodic_child(otelc_metric_reader *r, int prepared)
{
    otelc__reader_child(r);
    if (!r->periodic)
        return;
    struct periodic *w = r->w;
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    w->mu = fresh;
    init_sync(w);
    int was_running = atomic_load(&w->state) == WORKER_RUNNING;
    if (was_running && (!prepared || w->fork_unsafe)) {
        /* The worker may have been inside the exporter: its locks and connections are in an
         * unknown state, so this child must not use it. */
        atomic_store(&w->disabled, 1);
        otelc__log(OTELC_LOG_ERROR, "periodic metric reader: fork() happened during an export; "
                                    "exports of this child process will fail");
    }
    atomic_store(&w->state, WORKER_NONE);
    w->flush_req = w->flush_done = 0;
    w->pause_req = w->paused = 0;
    w->fork_unsafe = 0;
    if (!atomic_load(&w->disabled))
        otelc__metric_exporter_after_fork(r->exporter);
}
