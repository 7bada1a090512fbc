/* SPDX-License-Identifier: Apache-2.0 */
/* Internal allocation helpers: every allocation of the library goes through the hook. */
#ifndef OTELC_SDK_COMMON_ALLOC_H
#define OTELC_SDK_COMMON_ALLOC_H

#include <signal.h>
#include <stddef.h>

#include "tls.h"

/* 1 while the calling thread is inside the allocator (a signal handler that interrupted it
 * must not allocate: otelc_span_start then gives NULL). */
extern OTELC__TLS volatile sig_atomic_t otelc__in_alloc;

void *otelc__malloc(size_t size);
void *otelc__calloc(size_t n, size_t size);
void *otelc__realloc(void *ptr, size_t size);
void otelc__free(void *ptr);
/* NULL in, NULL out; NULL on allocation failure. */
char *otelc__strdup(const char *s);
/* Copies exactly len bytes and a terminating NUL. */
char *otelc__strndup(const char *s, size_t len);

#endif
