/* SPDX-License-Identifier: Apache-2.0 */
/* The registry of fork hooks behind one pthread_atfork registration. */
#include "fork.h"

#include <pthread.h>

#include "otelc/sdk.h"
#include "random.h"

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct otelc__fork_hooks *g_head, *g_tail; /* oldest first */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void on_prepare(void)
{
    /* Held across fork so no registration changes while hooks pause their components. */
    pthread_mutex_lock(&g_mu);
    for (struct otelc__fork_hooks *h = g_tail; h; h = h->prev)
        if (h->prepare)
            h->prepare(h->ud);
}

static void on_parent(void)
{
    for (struct otelc__fork_hooks *h = g_head; h; h = h->next)
        if (h->parent)
            h->parent(h->ud);
    pthread_mutex_unlock(&g_mu);
}

static void on_child(void)
{
    for (struct otelc__fork_hooks *h = g_head; h; h = h->next)
        if (h->child)
            h->child(h->ud, 1);
    pthread_mutex_unlock(&g_mu);
}

static void install(void) { pthread_atfork(on_prepare, on_parent, on_child); }

void otelc__fork_register(struct otelc__fork_hooks *h)
{
    pthread_once(&g_once, install);
    pthread_mutex_lock(&g_mu);
    h->next = NULL;
    h->prev = g_tail;
    if (g_tail)
        g_tail->next = h;
    else
        g_head = h;
    g_tail = h;
    pthread_mutex_unlock(&g_mu);
}

void otelc__fork_unregister(struct otelc__fork_hooks *h)
{
    pthread_mutex_lock(&g_mu);
    if (h->prev)
        h->prev->next = h->next;
    else if (g_head == h)
        g_head = h->next;
    if (h->next)
        h->next->prev = h->prev;
    else if (g_tail == h)
        g_tail = h->prev;
    h->prev = h->next = NULL;
    pthread_mutex_unlock(&g_mu);
}

void otelc__fork_child_unprepared(void)
{
    /* A raw fork may have copied the registry lock held by a vanished thread. */
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    g_mu = fresh;
    otelc__random_after_fork();
    for (struct otelc__fork_hooks *h = g_head; h; h = h->next)
        if (h->child)
            h->child(h->ud, 0);
}

OTELC_API void otelc_sdk_after_fork(void) { otelc__fork_child_unprepared(); }
