/* SPDX-License-Identifier: Apache-2.0 */
/* The process-wide allocator hook that every allocation of the library goes through. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include "otelc/common.h"

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

static otelc_allocator g_alloc = {NULL, libc_malloc, libc_calloc, libc_realloc, libc_free};

OTELC_API int otelc_set_allocator(const otelc_allocator *a)
{
    if (!a) {
        otelc_allocator def = {NULL, libc_malloc, libc_calloc, libc_realloc, libc_free};
        g_alloc = def;
        return OTELC_OK;
    }
    if (!a->malloc || !a->calloc || !a->realloc || !a->free)
        return OTELC_EINVAL;
    g_alloc = *a;
    return OTELC_OK;
}

void *otelc__malloc(size_t size) { return g_alloc.malloc(size ? size : 1, g_alloc.user_data); }

void *otelc__calloc(size_t n, size_t size)
{
    return g_alloc.calloc(n ? n : 1, size ? size : 1, g_alloc.user_data);
}

void *otelc__realloc(void *ptr, size_t size)
{
    return g_alloc.realloc(ptr, size ? size : 1, g_alloc.user_data);
}

void otelc__free(void *ptr)
{
    if (ptr)
        g_alloc.free(ptr, g_alloc.user_data);
}

char *otelc__strndup(const char *s, size_t len)
{
    if (!s)
        return NULL;
    char *p = otelc__malloc(len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *otelc__strdup(const char *s) { return s ? otelc__strndup(s, strlen(s)) : NULL; }
