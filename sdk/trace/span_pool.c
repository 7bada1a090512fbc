/* SPDX-License-Identifier: Apache-2.0 */
/* Pools of span memory, so that after warm-up starting a span allocates nothing. */
#include "span_pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "sdk/common/alloc.h"
#include "sdk/common/fork.h"
#include "sdk/common/ring.h"
#include "sdk/common/tls.h"
#include "span_internal.h"

/* Per-thread caches are small and the shared pool bounded: together they hold at most
 * (threads x (16 + 64) + 4096) spans, a few MiB, which is the memory a busy pipeline cycles anyway. */
#define LOCAL_MAX 16u
#define SMALL_MAX 64u
#define SHARED_CAPACITY 4096u
#define REFILL 8u

struct local_cache {
    struct otelc_span *big[LOCAL_MAX];
    uint32_t nbig;
    struct otelc_span *small; /* linked through cache_next */
    uint32_t nsmall;
    uint8_t registered;
};

static OTELC__TLS struct local_cache t_cache;
static pthread_key_t g_key;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static struct otelc__ring g_shared;
static int g_shared_ok;
static struct otelc__fork_hooks g_fork;

static void free_big(void *p) { otelc__free(p); }

static void pool_child(void *ud, int prepared)
{
    (void)ud;
    (void)prepared;
    /* A thread that vanished in the fork may have been mid-push: start the shared pool over. */
    if (g_shared_ok)
        otelc__ring_reset_single_threaded(&g_shared, free_big);
}

static void drain_local(struct local_cache *c)
{
    while (c->nbig) {
        struct otelc_span *s = c->big[--c->nbig];
        if (!g_shared_ok || !otelc__ring_push(&g_shared, s, NULL))
            otelc__free(s);
    }
    while (c->small) {
        struct otelc_span *s = c->small;
        c->small = s->cache_next;
        otelc__free(s);
    }
    c->nsmall = 0;
}

static void thread_exit(void *p) { drain_local(p); }

static void init_once(void)
{
    pthread_key_create(&g_key, thread_exit);
    g_shared_ok = otelc__ring_init(&g_shared, SHARED_CAPACITY) == 0;
    g_fork.child = pool_child;
    otelc__fork_register(&g_fork);
}

static struct local_cache *cache(void)
{
    struct local_cache *c = &t_cache;
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
        if (c->nbig)
            return c->big[--c->nbig];
        if (g_shared_ok) {
            void *p;
            while (c->nbig < REFILL && otelc__ring_pop(&g_shared, &p))
                c->big[c->nbig++] = p;
            if (c->nbig)
                return c->big[--c->nbig];
        }
    }
    return otelc__malloc(sizeof(struct otelc_span));
}

void otelc__span_pool_put(struct otelc_span *s)
{
    struct local_cache *c = cache();
    if (c) {
        if (c->nbig < LOCAL_MAX) {
            c->big[c->nbig++] = s;
            return;
        }
        if (g_shared_ok && otelc__ring_push(&g_shared, s, NULL))
            return;
    }
    otelc__free(s);
}

struct otelc_span *otelc__span_pool_get_small(void)
{
    struct local_cache *c = cache();
    if (c && c->small) {
        struct otelc_span *s = c->small;
        c->small = s->cache_next;
        c->nsmall--;
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
    s->cache_next = c->small;
    c->small = s;
    c->nsmall++;
}

void otelc__span_cache_trim(void)
{
    struct local_cache *c = cache();
    if (!c)
        return;
    drain_local(c);
    void *p;
    while (g_shared_ok && otelc__ring_pop(&g_shared, &p))
        otelc__free(p);
}
