/* SPDX-License-Identifier: Apache-2.0 */
/* Pools of span memory, so that after warm-up starting a span allocates nothing. */
#include "span_pool.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "sdk/common/alloc.h"
#include "sdk/common/fork.h"
#include "sdk/common/ring.h"
#include "sdk/common/tls.h"
#include "span_internal.h"

/* Spans move between threads in chains of CHAIN (linked through cache_next): a thread that
 * ends spans it did not start (the batch worker) hands a whole chain to the shared pool with
 * one push, and a thread that starts spans takes a chain with one pop, so the shared pool's
 * atomic operations are paid once per CHAIN spans. Per-thread caches hold at most 2 x CHAIN
 * spans, and the shared pool SHARED_CHAINS chains: together at most
 * (threads x 32 + 4096) spans, a few MiB, which is the memory a busy pipeline cycles anyway. */
#define CHAIN 16u
#define LOCAL_MAX (2u * CHAIN)
#define SMALL_MAX 64u
#define SHARED_CHAINS 256u

struct local_cache {
    struct otelc_span *big; /* linked through cache_next */
    uint32_t nbig;
    struct otelc_span *small; /* linked through cache_next */
    uint32_t nsmall;
    uint8_t registered;
    /* Set while this thread changes the cache: a signal handler that starts or ends spans on
     * the same thread (not allowed, but it must not corrupt the lists) then bypasses it. */
    volatile sig_atomic_t busy;
};

static OTELC__TLS struct local_cache t_cache;
static pthread_key_t g_key;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static struct otelc__ring g_shared; /* chains of CHAIN spans */
static int g_shared_ok;
static struct otelc__fork_hooks g_fork;

static void free_list(struct otelc_span *s)
{
    while (s) {
        struct otelc_span *next = s->cache_next;
        otelc__free(s);
        s = next;
    }
}

static void free_chain(void *p) { free_list(p); }

static void pool_child(void *ud, int prepared)
{
    (void)ud;
    (void)prepared;
    /* A thread that vanished in the fork may have been mid-push: start the shared pool over. */
    if (g_shared_ok)
        otelc__ring_reset_single_threaded(&g_shared, free_chain);
}

/* Detaches the first CHAIN spans of the local list (it holds at least CHAIN). */
static struct otelc_span *take_chain(struct local_cache *c)
{
    struct otelc_span *head = c->big, *last = head;
    for (uint32_t i = 1; i < CHAIN; i++)
        last = last->cache_next;
    c->big = last->cache_next;
    last->cache_next = NULL;
    c->nbig -= CHAIN;
    return head;
}

static void drain_local(struct local_cache *c)
{
    while (c->nbig >= CHAIN) {
        struct otelc_span *chain = take_chain(c);
        if (!g_shared_ok || !otelc__ring_push(&g_shared, chain, NULL))
            free_list(chain);
    }
    free_list(c->big);
    c->big = NULL;
    c->nbig = 0;
    free_list(c->small);
    c->small = NULL;
    c->nsmall = 0;
}

static void thread_exit(void *p) { drain_local(p); }

static void init_once(void)
{
    pthread_key_create(&g_key, thread_exit);
    g_shared_ok = otelc__ring_init(&g_shared, SHARED_CHAINS) == 0;
    g_fork.child = pool_child;
    otelc__fork_register(&g_fork);
}

/* The flag, with compiler barriers so the list updates stay between the two stores. */
static inline void busy_enter(struct local_cache *c)
{
    c->busy = 1;
    atomic_signal_fence(memory_order_seq_cst);
}

static inline void busy_leave(struct local_cache *c)
{
    atomic_signal_fence(memory_order_seq_cst);
    c->busy = 0;
}

static struct local_cache *cache(void)
{
    struct local_cache *c = &t_cache;
    if (__builtin_expect(c->busy, 0))
        return NULL; /* re-entered from a signal handler */
    if (__builtin_expect(!c->registered, 0)) {
        pthread_once(&g_once, init_once);
        /* Without the key the thread's cache would leak at exit: then it is not used. */
        if (pthread_setspecific(g_key, c) == 0)
            c->registered = 1;
        else
            return NULL;
    }
    return c;
}

struct otelc_span *otelc__span_pool_get(void)
{
    struct local_cache *c = cache();
    if (c) {
        busy_enter(c);
        if (!c->big && g_shared_ok) {
            void *p;
            if (otelc__ring_pop(&g_shared, &p)) {
                c->big = p;
                c->nbig = CHAIN;
            }
        }
        struct otelc_span *s = c->big;
        if (s) {
            c->big = s->cache_next;
            c->nbig--;
            /* The next span was last written by another thread (the batch worker): ask for
             * its first lines now, so the next start does not wait for them. */
            if (c->big) {
                __builtin_prefetch(c->big, 1);
                __builtin_prefetch((char *)c->big + 64, 1);
            }
            busy_leave(c);
            return s;
        }
        busy_leave(c);
    }
    return otelc__malloc(sizeof(struct otelc_span));
}

void otelc__span_pool_put(struct otelc_span *s)
{
    struct local_cache *c = cache();
    if (!c) {
        otelc__free(s);
        return;
    }
    busy_enter(c);
    s->cache_next = c->big;
    c->big = s;
    if (++c->nbig < LOCAL_MAX) {
        busy_leave(c);
        return;
    }
    /* Full: pass a chain on to threads that start spans, or free it when nobody wants it. */
    struct otelc_span *chain = take_chain(c);
    busy_leave(c);
    if (!g_shared_ok || !otelc__ring_push(&g_shared, chain, NULL))
        free_list(chain);
}

struct otelc_span *otelc__span_pool_get_small(void)
{
    struct local_cache *c = cache();
    if (c && c->small) {
        busy_enter(c);
        struct otelc_span *s = c->small;
        c->small = s->cache_next;
        c->nsmall--;
        busy_leave(c);
        return s;
    }
    return otelc__malloc(OTELC__SPAN_HEADER_SIZE);
}

void otelc__span_pool_put_small(struct otelc_span *s)
{
    struct local_cache *c = cache();
    if (!c || c->nsmall >= SMALL_MAX) {
        otelc__free(s);
        return;
    }
    busy_enter(c);
    s->cache_next = c->small;
    c->small = s;
    c->nsmall++;
    busy_leave(c);
}

void otelc__span_cache_trim(void)
{
    struct local_cache *c = cache();
    if (!c)
        return;
    drain_local(c);
    void *p;
    while (g_shared_ok && otelc__ring_pop(&g_shared, &p))
        free_list(p);
}
