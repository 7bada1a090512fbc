/* SPDX-License-Identifier: Apache-2.0 */
/* Span memory: recording spans come from a pool shared by all threads (the exporting worker
 * frees them, application threads take them), non-recording ones from a per-thread cache. */
#ifndef OTELC_SDK_TRACE_SPAN_POOL_H
#define OTELC_SDK_TRACE_SPAN_POOL_H

struct otelc_span;

/* Memory for a recording span (sizeof(struct otelc_span)), uninitialised; NULL when out of
 * memory. */
struct otelc_span *otelc__span_pool_get(void);
/* Gives a recording span's memory back (its arena already reset). */
void otelc__span_pool_put(struct otelc_span *s);
/* Memory for a non-recording span (the header only); NULL when out of memory. */
struct otelc_span *otelc__span_pool_get_small(void);
/* Gives a non-recording span's memory back. */
void otelc__span_pool_put_small(struct otelc_span *s);
/* Frees every pooled span: the calling thread's caches and the shared pool (tests). */
void otelc__span_cache_trim(void);

#endif
