/* SPDX-License-Identifier: Apache-2.0 */
/* Internal layout of spans, tracers and providers, shared by the trace SDK's files. */
#ifndef OTELC_SDK_TRACE_SPAN_INTERNAL_H
#define OTELC_SDK_TRACE_SPAN_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "otelc/trace.h"
#include "sdk/common/arena.h"
#include "sdk/common/attrs.h"
#include "sdk/common/fork.h"
#include "sdk/common/tls.h"

struct otelc__event {
    const char *name;
    uint64_t time_ns;
    struct otelc__attrs attrs;
};

struct otelc__link {
    otelc_span_context ctx; /* ctx.tracestate is a reference owned by the span */
    struct otelc__attrs attrs;
};

#define OTELC__SPAN_INLINE_ATTRS 8
#define OTELC__SPAN_INLINE_ARENA 320

/*
 * A span. Non-recording spans are allocated only up to `start_ns` (the header); every field
 * from there on exists only when `recording` is set. Mutable fields of a recording span are
 * guarded by `lock`, a spin lock held for a few instructions; once `ended` is set they never
 * change again, so readers of an ended span (processors, exporters) need no lock.
 */
struct otelc_span {
    _Atomic uint32_t refs;
    uint8_t recording;     /* the sampler said RECORD_ONLY or RECORD_AND_SAMPLE */
    uint8_t has_parent;
    uint8_t parent_remote;
    _Atomic uint8_t ended;
    atomic_flag lock;
    otelc_span_context ctx; /* ctx.tracestate is a reference owned by the span */
    uint8_t parent_span_id[8];
    struct otelc_tracer *tracer;
    struct otelc_span *cache_next; /* link in a per-thread cache while pooled */
    /* ---- recording spans only ---- */
    uint64_t start_ns;
    uint64_t end_ns;
    const char *name;
    uint8_t kind;
    uint8_t status;
    uint8_t limit_warned;
    const char *status_desc;
    struct otelc__attrs attrs;
    struct otelc__event *events;
    uint32_t event_count, event_cap, dropped_events;
    struct otelc__link *links;
    uint32_t link_count, link_cap, dropped_links;
    struct otelc__arena arena;
    otelc_attr inline_attrs[OTELC__SPAN_INLINE_ATTRS];
    _Alignas(8) unsigned char inline_arena[OTELC__SPAN_INLINE_ARENA];
};

#define OTELC__SPAN_HEADER_SIZE offsetof(struct otelc_span, start_ns)

struct otelc_tracer {
    struct otelc_tracer_provider *tp;
    struct otelc_tracer *next;
    const char *name;
    const char *version;
    const char *schema_url;
    struct otelc__attrs attrs;
    struct otelc__arena arena;
};

struct otelc_tracer_provider {
    otelc_resource *resource;
    otelc_sampler *sampler;
    otelc_span_processor **procs;
    size_t nprocs;
    otelc_id_generator *idgen; /* NULL: the built-in random generator */
    uint8_t random_trace_ids;  /* root spans get OTELC_TRACE_FLAG_RANDOM */
    otelc_span_limits limits;
    _Atomic int shut_down;
    pthread_mutex_t mu; /* guards tracers and shutdown */
    struct otelc_tracer *tracers;
    struct otelc__fork_hooks fork; /* the child gets its own process.pid */
};

/* Frees a tracer (provider.c calls it when the provider goes). */
void otelc__tracer_free(struct otelc_tracer *t);

/* Processor dispatch (processor.c). */
void otelc__processor_on_start(otelc_span_processor *p, otelc_span *span,
                               const otelc_context *parent);
void otelc__processor_on_end(otelc_span_processor *p, otelc_span *span);
/* Gives @p span's ending reference to the processor when it can take it over (the built-in
 * batch processor): returns 1 and the caller must not release it; else 0 and nothing
 * happened. Saves the reference and release pair of a plain on_end. */
int otelc__processor_on_end_owned(otelc_span_processor *p, otelc_span *span);
/* The batch processor's side of it: 1 when m is the batch processor's table. */
int otelc__batch_on_end_owned(const otelc_span_processor_methods *m, void *ud,
                              otelc_span *span);
int otelc__processor_force_flush(otelc_span_processor *p, uint64_t deadline);
int otelc__processor_shutdown(otelc_span_processor *p, uint64_t deadline);
void otelc__processor_get_stats(otelc_span_processor *p, otelc_span_processor_stats *stats);

/* Ids (id_generator.c). */
void otelc__new_trace_id(const struct otelc_tracer_provider *tp, uint8_t out[16]);
void otelc__new_span_id(const struct otelc_tracer_provider *tp, uint8_t out[8]);
uint32_t otelc__id_generator_flags(const otelc_id_generator *g);

/* Context (context.c): the span of the calling thread's current context, borrowed. */
otelc_span *otelc__context_current_span(void);
extern OTELC__TLS otelc_span *otelc__current_span_tls; /* the same, read inline */

/* A non-recording span with no tracer that wraps a span context extracted from another
 * process (is_remote is set; a reference to its tracestate is taken). One reference, or NULL
 * when memory runs out. */
otelc_span *otelc__span_new_remote(const otelc_span_context *sc);

/* Samplers (samplers/sampler.c): the built-in ones are called without an indirect jump. */
void otelc__sampler_run(otelc_sampler *s, const otelc_sampling_params *p,
                        otelc_sampling_result *r);

#endif
