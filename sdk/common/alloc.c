/* SPDX-License-Identifier: Apache-2.0 */
/* The process-wide allocator hook and the otelc__ allocation helpers built on it. */
#include "alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "otelc/common.h"
#include "tls.h"

static void *libc_malloc(size_t size, void *ud)
{
    (void)ud;
    return malloc(size);
}

static void *libc_calloc(size_t n, size_t size, void *ud)
{
    (void)ud;
    return calloc(n, size);
}

static void *libc_realloc(void *ptr, size_t size, void *ud)
{
    (void)ud;
    return realloc(ptr, size);
}

static void libc_free(void *ptr, void *ud)
{
    (void)ud;
    free(ptr);
}

static const otelc_allocator g_libc = {NULL, libc_malloc, libc_calloc, libc_realloc, libc_free};

/* otelc_set_allocator() copies the caller's struct into the slot that is not current and then
 * publishes a pointer to it with release order, so a thread that loads the pointer always sees
 * a complete struct, never a half-copied one. Two slots suffice because setting the allocator
 * while other threads allocate is outside the contract; this only keeps a racing reader from
 * calling a mix of two allocators. */
static otelc_allocator g_slots[2];
static unsigned g_next_slot;
static _Atomic(const otelc_allocator *) g_current = &g_libc;

static const otelc_allocator *current(void)
{
    return atomic_load_explicit(&g_current, memory_order_acquire);
}

OTELC_API int otelc_set_allocator(const otelc_allocator *a)
{
    if (a == NULL) {
        atomic_store_explicit(&g_current, &g_libc, memory_order_release);
        return OTELC_OK;
    }
    if (!a->malloc || !a->calloc || !a->realloc || !a->free)
        return OTELC_EINVAL;
    otelc_allocator *slot = &g_slots[g_next_slot];
    g_next_slot ^= 1u;
    *slot = *a;
    atomic_store_explicit(&g_current, slot, memory_order_release);
    return OTELC_OK;
}

OTELC__TLS volatile sig_atomic_t otelc__in_alloc;

/* Marks the calling thread as inside the allocator, so that a signal handler that interrupts
 * it and calls into otelc can refuse work that would allocate (the allocator's locks are
 * held: allocating would deadlock). The fences keep the call between the two stores. */
static inline void enter(void)
{
    otelc__in_alloc = 1;
    atomic_signal_fence(memory_order_seq_cst);
}

static inline void leave(void)
{
    atomic_signal_fence(memory_order_seq_cst);
    otelc__in_alloc = 0;
}

void *otelc__malloc(size_t size)
{
    const otelc_allocator *a = current();
    enter();
    /* malloc(0) may return NULL, which would read as out of memory. */
    void *p = a->malloc(size ? size : 1, a->user_data);
    leave();
    return p;
}

void *otelc__calloc(size_t n, size_t size)
{
    /* A user's calloc may not check the product, so the overflow is refused here. */
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    const otelc_allocator *a = current();
    enter();
    void *p = a->calloc(n ? n : 1, size ? size : 1, a->user_data);
    leave();
    return p;
}

void *otelc__realloc(void *ptr, size_t size)
{
    const otelc_allocator *a = current();
    enter();
    void *p = a->realloc(ptr, size ? size : 1, a->user_data);
    leave();
    return p;
}

void otelc__free(void *ptr)
{
    if (ptr == NULL)
        return;
    const otelc_allocator *a = current();
    enter();
    a->free(ptr, a->user_data);
    leave();
}

char *otelc__strndup(const char *s, size_t len)
{
    if (s == NULL || len == SIZE_MAX)
        return NULL;
    char *p = otelc__malloc(len + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *otelc__strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    return otelc__strndup(s, strlen(s));
}
