/* SPDX-License-Identifier: Apache-2.0 */
/* The batch span processor: a lock-free bounded queue in front of one exporting worker. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

#include "exporter_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/env.h"
#include "sdk/common/fork.h"
#include "sdk/common/log_internal.h"
#include "sdk/common/ring.h"
#include "sdk/common/tsc_clock.h"
#include "span_internal.h"

enum worker_state { WORKER_NONE = 0, WORKER_RUNNING, WORKER_EXITED };

#define NO_WAKE UINT64_MAX

struct batch {
    struct otelc__ring q;
    /* Producers read wake_at on every push, the worker writes it only around sleeping: it
     * gets a line of its own so pushes do not bounce the worker's lines. */
    _Alignas(OTELC__CACHE_LINE) _Atomic uint64_t wake_at;
    char pad1_[OTELC__CACHE_LINE - sizeof(uint64_t)];
    _Alignas(OTELC__CACHE_LINE) _Atomic uint64_t dropped_full; /* refused by a full queue */
    char pad2_[OTELC__CACHE_LINE - sizeof(uint64_t)];
    _Alignas(OTELC__CACHE_LINE) _Atomic uint64_t exported, failed;
    _Atomic uint64_t dropped_late; /* still queued when shutdown's deadline came */
    _Atomic uint64_t done_pos;     /* queue positions exported, failed or dropped late */
    _Atomic uint64_t flush_target; /* export at least up to this position */
    _Atomic int state;             /* enum worker_state */
    _Atomic int stopping;
    _Atomic int disabled; /* a fork happened mid-export: the exporter's state is unknown */

    otelc_span_exporter *exporter;
    uint32_t batch_size;
    uint64_t delay_ns, timeout_ns;
    otelc_span **buf; /* the worker's batch */

    pthread_mutex_t mu;
    pthread_cond_t wake_cv;  /* the worker sleeps here */
    pthread_cond_t done_cv;  /* flushers, shutdown and fork wait here */
    pthread_t thread;
    int pause_req, paused, abandoned, fork_unsafe;
    struct otelc__fork_hooks fork;
};

/* ---- options ------------------------------------------------------------------------- */

OTELC_API void otelc_batch_span_processor_options_init(otelc_batch_span_processor_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->max_queue_size = 2048;
    o->max_export_batch_size = 512;
    o->schedule_delay_ms = 5000;
    o->export_timeout_ms = 30000;
}

OTELC_API void otelc_batch_span_processor_options_from_env(otelc_batch_span_processor_options *o)
{
    if (!o)
        return;
    otelc_batch_span_processor_options_init(o);
    o->max_queue_size =
        otelc__env_u32("OTEL_BSP_MAX_QUEUE_SIZE", o->max_queue_size, 1, 1u << 24);
    o->max_export_batch_size = otelc__env_u32("OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
                                              o->max_export_batch_size, 1, 1u << 24);
    o->schedule_delay_ms = (uint32_t)otelc__env_ms("OTEL_BSP_SCHEDULE_DELAY",
                                                   o->schedule_delay_ms, 0, UINT32_MAX);
    o->export_timeout_ms = (uint32_t)otelc__env_ms("OTEL_BSP_EXPORT_TIMEOUT",
                                                   o->export_timeout_ms, 0, UINT32_MAX);
    if (o->max_export_batch_size > o->max_queue_size) {
        otelc__log(OTELC_LOG_WARN,
                   "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=%u is larger than OTEL_BSP_MAX_QUEUE_SIZE=%u;"
                   " using %u",
                   o->max_export_batch_size, o->max_queue_size, o->max_queue_size);
        o->max_export_batch_size = o->max_queue_size;
    }
}

/* ---- the worker ------------------------------------------------------------------------ */

static uint64_t queue_tail(struct batch *b)
{
    return atomic_load_explicit(&b->q.tail, memory_order_seq_cst);
}

/* Pops up to one batch and exports it. `until` asks for every position below it: a producer
 * that has claimed such a position but not yet written its cell is waited for briefly. */
static size_t export_once(struct batch *b, uint64_t until)
{
    size_t n = 0;
    unsigned spins = 0;
    while (n < b->batch_size) {
        void *p;
        if (otelc__ring_pop(&b->q, &p)) {
            b->buf[n++] = p;
            continue;
        }
        uint64_t head = atomic_load_explicit(&b->q.head, memory_order_acquire);
        if (head >= until || head >= queue_tail(b))
            break;
        if (++spins > 1000)
            break; /* a producer stalled mid-push (signal handler?): take it next time */
        sched_yield();
    }
    if (n == 0)
        return 0;
    int rc = OTELC_EDISABLED;
    if (!atomic_load_explicit(&b->disabled, memory_order_relaxed))
        rc = otelc_span_exporter_export(b->exporter, b->buf, n,
                                        otelc__mono_ns() + b->timeout_ns);
    if (rc == OTELC_OK) {
        atomic_fetch_add_explicit(&b->exported, n, memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&b->failed, n, memory_order_relaxed);
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "batch span processor: export of %zu spans "
                                              "failed: %s", n, otelc_strerror(rc));
    }
    for (size_t i = 0; i < n; i++)
        otelc_span_release(b->buf[i]);
    atomic_fetch_add_explicit(&b->done_pos, n, memory_order_release);
    return n;
}

static void free_batch(struct batch *b);

static void *worker_main(void *arg)
{
    struct batch *b = arg;
    uint64_t next_export = otelc__mono_ns() + b->delay_ns;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        if (b->pause_req) {
            /* fork() is coming: stay here, between exports, holding nothing. */
            b->paused = 1;
            pthread_cond_broadcast(&b->done_cv);
            while (b->pause_req)
                pthread_cond_wait(&b->wake_cv, &b->mu);
            b->paused = 0;
            continue;
        }
        uint64_t size = otelc__ring_size(&b->q);
        uint64_t done = atomic_load(&b->done_pos);
        uint64_t target = atomic_load(&b->flush_target);
        int stopping = atomic_load(&b->stopping);
        uint64_t now = otelc__mono_ns();
        otelc__tsc_tick(now);
        int work = size >= b->batch_size || (size > 0 && now >= next_export) ||
                   target > done || (stopping && size > 0);
        if (!work) {
            if (stopping)
                break;
            if (now >= next_export)
                next_export = now + b->delay_ns;
            /* Ask producers to wake us once a full batch waits; then look again, so a push
             * that raced with the store is not missed (both sides use seq_cst). */
            atomic_store(&b->wake_at, atomic_load(&b->q.head) + b->batch_size);
            if (queue_tail(b) < atomic_load(&b->wake_at)) {
                /* Until the span clock is calibrated, look in every 25 ms to finish it. */
                uint64_t until = next_export;
                if (otelc__tsc_calibrating() && until > now + 25000000ull)
                    until = now + 25000000ull;
                struct timespec ts = otelc__timespec(until);
                pthread_cond_timedwait(&b->wake_cv, &b->mu, &ts);
            }
            atomic_store(&b->wake_at, NO_WAKE);
            continue;
        }
        pthread_mutex_unlock(&b->mu);
        uint64_t until = target > done ? target : (stopping ? queue_tail(b) : 0);
        size_t n = export_once(b, until);
        pthread_mutex_lock(&b->mu);
        next_export = otelc__mono_ns() + b->delay_ns;
        pthread_cond_broadcast(&b->done_cv);
        if (n == 0) {
            /* A producer holds a claimed slot unwritten: do not spin on it. */
            struct timespec ts = otelc__timespec(otelc__mono_ns() + 1000000ull);
            pthread_cond_timedwait(&b->wake_cv, &b->mu, &ts);
        }
    }
    atomic_store(&b->state, WORKER_EXITED);
    pthread_cond_broadcast(&b->done_cv);
    int abandoned = b->abandoned;
    pthread_mutex_unlock(&b->mu);
    if (abandoned)
        free_batch(b); /* shutdown gave up waiting for us; we clean up after ourselves */
    return NULL;
}

/* Starts the worker with every signal blocked, so the host's handlers never run on it. */
static int start_worker(struct batch *b)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&b->thread, NULL, worker_main, b);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return OTELC_EIO;
#if defined(__GLIBC__)
    pthread_setname_np(b->thread, "otelc-batch");
#endif
    atomic_store(&b->state, WORKER_RUNNING);
    return OTELC_OK;
}

/* After fork the child has no worker: the first span (or flush) starts one. */
static int ensure_worker(struct batch *b)
{
    if (atomic_load_explicit(&b->state, memory_order_acquire) == WORKER_RUNNING)
        return OTELC_OK;
    int rc = OTELC_OK;
    pthread_mutex_lock(&b->mu);
    if (atomic_load(&b->state) == WORKER_NONE && !atomic_load(&b->stopping))
        rc = start_worker(b);
    pthread_mutex_unlock(&b->mu);
    return rc;
}

/* ---- the processor methods --------------------------------------------------------------- */

/* Queues an ended span, taking over one reference the caller gives it (released here when
 * the span is not queued). */
static const otelc_span_processor_methods batch_methods;

static void queue_owned(struct batch *b, otelc_span *span)
{
    if (!(span->ctx.trace_flags & OTELC_TRACE_FLAG_SAMPLED)) {
        otelc_span_release(span);
        return;
    }
    if (__builtin_expect(atomic_load_explicit(&b->state, memory_order_relaxed) != WORKER_RUNNING,
                         0))
        ensure_worker(b);
    uint64_t pos;
    if (!otelc__ring_push(&b->q, span, &pos)) {
        atomic_fetch_add_explicit(&b->dropped_full, 1, memory_order_relaxed);
        otelc_span_release(span);
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "batch span processor: queue full, spans dropped "
                                             "(the exporter is slower than the span rate)");
        return;
    }
    if (pos + 1 >= atomic_load(&b->wake_at) &&
        atomic_exchange(&b->wake_at, NO_WAKE) != NO_WAKE) {
        /* Only the producer that takes the wake-up request signals: one lock per batch. */
        pthread_mutex_lock(&b->mu);
        pthread_cond_signal(&b->wake_cv);
        pthread_mutex_unlock(&b->mu);
    }
}

static void batch_on_end(void *ud, otelc_span *span)
{
    if (!(span->ctx.trace_flags & OTELC_TRACE_FLAG_SAMPLED))
        return;
    queue_owned(ud, otelc_span_ref(span));
}

int otelc__batch_on_end_owned(const otelc_span_processor_methods *m, void *ud,
                              otelc_span *span)
{
    if (m != &batch_methods)
        return 0;
    queue_owned(ud, span);
    return 1;
}

/* Waits on done_cv until pred holds, the worker exits, or the deadline passes. */
static int wait_done(struct batch *b, uint64_t target, uint64_t deadline)
{
    int rc = OTELC_OK;
    while (atomic_load(&b->done_pos) < target && atomic_load(&b->state) == WORKER_RUNNING) {
        if (otelc__mono_ns() >= deadline) {
            rc = OTELC_ETIMEDOUT;
            break;
        }
        struct timespec ts = otelc__timespec(deadline);
        pthread_cond_timedwait(&b->done_cv, &b->mu, &ts);
    }
    if (rc == OTELC_OK && atomic_load(&b->done_pos) < target)
        rc = OTELC_ETIMEDOUT; /* the worker is gone and the spans were not exported */
    return rc;
}

static int batch_force_flush(void *ud, uint64_t deadline)
{
    struct batch *b = ud;
    int rc = ensure_worker(b);
    if (rc != OTELC_OK)
        return rc;
    uint64_t target = queue_tail(b);
    pthread_mutex_lock(&b->mu);
    uint64_t cur = atomic_load(&b->flush_target);
    while (cur < target && !atomic_compare_exchange_weak(&b->flush_target, &cur, target))
        ;
    pthread_cond_signal(&b->wake_cv);
    rc = wait_done(b, target, deadline);
    pthread_mutex_unlock(&b->mu);
    if (rc == OTELC_OK)
        rc = otelc__span_exporter_force_flush(b->exporter, deadline);
    return rc;
}

static int batch_shutdown(void *ud, uint64_t deadline)
{
    struct batch *b = ud;
    pthread_mutex_lock(&b->mu);
    atomic_store(&b->stopping, 1);
    pthread_cond_signal(&b->wake_cv);
    int rc = OTELC_OK;
    while (atomic_load(&b->state) == WORKER_RUNNING) {
        if (otelc__mono_ns() >= deadline) {
            rc = OTELC_ETIMEDOUT;
            break;
        }
        struct timespec ts = otelc__timespec(deadline);
        pthread_cond_timedwait(&b->done_cv, &b->mu, &ts);
    }
    int exited = atomic_load(&b->state) == WORKER_EXITED;
    pthread_mutex_unlock(&b->mu);
    if (exited) {
        pthread_join(b->thread, NULL);
        atomic_store(&b->state, WORKER_NONE);
    }
    if (rc != OTELC_OK) {
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "batch span processor: shutdown deadline passed "
                                              "while the exporter was still busy");
        return rc;
    }
    /* Spans that arrived after the worker's last look cannot be sent any more. */
    void *p;
    while (otelc__ring_pop(&b->q, &p)) {
        atomic_fetch_add(&b->dropped_late, 1);
        atomic_fetch_add(&b->done_pos, 1);
        otelc_span_release(p);
    }
    return otelc_span_exporter_shutdown(b->exporter, deadline);
}

static void batch_get_stats(void *ud, otelc_span_processor_stats *st)
{
    struct batch *b = ud;
    /* Read in the order that keeps every figure consistent with a later one: results first,
     * the queue position last, so queued is never negative. */
    uint64_t exported = atomic_load(&b->exported);
    uint64_t failed = atomic_load(&b->failed);
    uint64_t late = atomic_load(&b->dropped_late);
    uint64_t done = atomic_load(&b->done_pos);
    uint64_t full = atomic_load(&b->dropped_full);
    uint64_t tail = queue_tail(b);
    st->exported = exported;
    st->failed = failed;
    st->dropped = full + late;
    st->queued = tail > done ? tail - done : 0;
    /* Counted where it happens (queue pushes and refusals), not derived from the rest, so the
     * invariant ended = exported + dropped + failed + queued is something tests can check. */
    st->ended = tail + full;
}

static void free_batch(struct batch *b)
{
    void *p;
    while (otelc__ring_pop(&b->q, &p))
        otelc_span_release(p);
    otelc__ring_destroy(&b->q);
    otelc_span_exporter_free(b->exporter);
    pthread_cond_destroy(&b->wake_cv);
    pthread_cond_destroy(&b->done_cv);
    pthread_mutex_destroy(&b->mu);
    otelc__free(b->buf);
    otelc__free(b);
}

static void batch_destroy(void *ud)
{
    struct batch *b = ud;
    otelc__fork_unregister(&b->fork);
    pthread_mutex_lock(&b->mu);
    if (atomic_load(&b->state) == WORKER_RUNNING) {
        /* The exporter ignored its deadline: leave the memory to the worker, which frees it
         * when the export returns, rather than pull it from under its feet. */
        b->abandoned = 1;
        pthread_detach(b->thread);
        pthread_mutex_unlock(&b->mu);
        return;
    }
    pthread_mutex_unlock(&b->mu);
    free_batch(b);
}

/* ---- fork ---------------------------------------------------------------------------------- */

static void batch_prepare(void *ud)
{
    struct batch *b = ud;
    pthread_mutex_lock(&b->mu);
    b->fork_unsafe = 0;
    if (atomic_load(&b->state) != WORKER_RUNNING)
        return; /* mu stays held across fork */
    b->pause_req = 1;
    pthread_cond_signal(&b->wake_cv);
    /* Waiting for the worker to reach its safe point takes at most one export. */
    uint64_t deadline = otelc__mono_ns() + b->timeout_ns + 1000000000ull;
    while (!b->paused && atomic_load(&b->state) == WORKER_RUNNING) {
        if (otelc__mono_ns() >= deadline) {
            b->fork_unsafe = 1;
            break;
        }
        struct timespec ts = otelc__timespec(deadline);
        pthread_cond_timedwait(&b->done_cv, &b->mu, &ts);
    }
}

static void batch_parent(void *ud)
{
    struct batch *b = ud;
    b->pause_req = 0;
    pthread_cond_broadcast(&b->wake_cv);
    pthread_mutex_unlock(&b->mu);
}

static void discard_span(void *p) { otelc_span_release(p); }

static void batch_child(void *ud, int prepared)
{
    struct batch *b = ud;
    /* The child has no worker and fresh synchronisation objects; the parent's queued spans
     * are the parent's to send, so they are released unsent and not counted. */
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    b->mu = mu;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&b->wake_cv, &ca);
    pthread_cond_init(&b->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    int was_running = atomic_load(&b->state) == WORKER_RUNNING;
    if (was_running && (!prepared || b->fork_unsafe)) {
        /* The worker may have been inside the exporter: its locks and connections are in an
         * unknown state, so this child must not use it. */
        atomic_store(&b->disabled, 1);
        otelc__log(OTELC_LOG_ERROR, "batch span processor: fork() happened during an export; "
                                    "spans of this child process will be counted as failed");
    }
    otelc__ring_reset_single_threaded(&b->q, discard_span);
    atomic_store(&b->state, WORKER_NONE);
    atomic_store(&b->wake_at, NO_WAKE);
    atomic_store(&b->dropped_full, 0);
    atomic_store(&b->dropped_late, 0);
    atomic_store(&b->exported, 0);
    atomic_store(&b->failed, 0);
    atomic_store(&b->done_pos, 0);
    atomic_store(&b->flush_target, 0);
    b->pause_req = b->paused = 0;
    b->fork_unsafe = 0;
    if (!atomic_load(&b->disabled)) {
        const otelc_span_exporter_methods *m = otelc__span_exporter_methods(b->exporter);
        if (m->after_fork)
            m->after_fork(otelc_span_exporter_user_data(b->exporter));
    }
}

static const otelc_span_processor_methods batch_methods = {
    .version = OTELC_SPAN_PROCESSOR_METHODS_VERSION,
    .on_start = NULL,
    .on_end = batch_on_end,
    .force_flush = batch_force_flush,
    .shutdown = batch_shutdown,
    .get_stats = batch_get_stats,
    .destroy = batch_destroy,
};

OTELC_API int otelc_batch_span_processor_new(otelc_span_processor **out,
                                             otelc_span_exporter *exporter,
                                             const otelc_batch_span_processor_options *opt)
{
    otelc_batch_span_processor_options o;
    otelc_batch_span_processor_options_init(&o);
    if (!out || !exporter)
        return OTELC_EINVAL;
    if (opt) {
        if (opt->size < sizeof o.size)
            return OTELC_EINVAL;
        memcpy(&o, opt, opt->size < sizeof o ? opt->size : sizeof o);
    }
    if (o.max_queue_size == 0 || o.max_queue_size > (1u << 24) || o.max_export_batch_size == 0 ||
        o.max_export_batch_size > o.max_queue_size)
        return OTELC_EINVAL;

    struct batch *b = otelc__calloc(1, sizeof *b);
    if (!b)
        return OTELC_ENOMEM;
    int rc = otelc__ring_init(&b->q, o.max_queue_size);
    if (rc != OTELC_OK)
        goto fail_b;
    b->buf = otelc__calloc(o.max_export_batch_size, sizeof *b->buf);
    if (!b->buf) {
        rc = OTELC_ENOMEM;
        goto fail_ring;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->wake_cv, &ca);
    pthread_cond_init(&b->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    atomic_init(&b->wake_at, NO_WAKE);
    b->exporter = exporter;
    b->batch_size = o.max_export_batch_size;
    b->delay_ns = (uint64_t)o.schedule_delay_ms * 1000000ull;
    b->timeout_ns = (uint64_t)o.export_timeout_ms * 1000000ull;
    otelc_span_processor *p = NULL;
    rc = otelc_span_processor_new(&p, &batch_methods, b);
    if (rc != OTELC_OK)
        goto fail_sync;
    rc = start_worker(b);
    if (rc != OTELC_OK) {
        otelc__free(p); /* the wrapper only: nothing else was taken over yet */
        goto fail_sync;
    }
    b->fork.prepare = batch_prepare;
    b->fork.parent = batch_parent;
    b->fork.child = batch_child;
    b->fork.ud = b;
    otelc__fork_register(&b->fork);
    *out = p;
    return OTELC_OK;
fail_sync:
    pthread_cond_destroy(&b->wake_cv);
    pthread_cond_destroy(&b->done_cv);
    pthread_mutex_destroy(&b->mu);
    otelc__free(b->buf);
fail_ring:
    otelc__ring_destroy(&b->q);
fail_b:
    otelc__free(b);
    return rc;
}
