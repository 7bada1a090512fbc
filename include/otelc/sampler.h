/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file sampler.h  The sampler extension point and the built-in samplers
 * (OpenTelemetry trace SDK specification, "Sampling").
 *
 * A sampler is owned by whoever holds it: passing one to otelc_tracer_provider_new() or to a
 * composite sampler (ParentBased) transfers it, on success only.
 */
#ifndef OTELC_SAMPLER_H
#define OTELC_SAMPLER_H

#include "trace_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otelc_sampler otelc_sampler;

/** What a sampler decides. */
typedef enum otelc_sampling_decision {
    OTELC_SAMPLING_DROP = 0,             ///< not recorded, not sampled
    OTELC_SAMPLING_RECORD_ONLY = 1,      ///< recorded (processors see it), not sampled
    OTELC_SAMPLING_RECORD_AND_SAMPLE = 2 ///< recorded and sampled (exported)
} otelc_sampling_decision;

/** The inputs of a sampling decision. All pointers are borrowed for the call only. */
typedef struct otelc_sampling_params {
    const otelc_span_context *parent; ///< the parent's span context; NULL for a root span
    const uint8_t *trace_id;          ///< 16 bytes: the parent's, or a new one for a root
    const char *name;                 ///< span name
    otelc_span_kind kind;             ///< span kind
    const otelc_attr *attrs;          ///< attributes given at start
    size_t attr_count;                ///< number of attrs
    const otelc_link *links;          ///< links given at start
    size_t link_count;                ///< number of links
} otelc_sampling_params;

/** The result of a sampling decision, filled by the sampler. */
typedef struct otelc_sampling_result {
    otelc_sampling_decision decision; ///< the decision
    const otelc_attr *attrs;          ///< attributes to add; borrowed from the sampler, valid
                                      ///< until the sampler is freed
    size_t attr_count;                ///< number of attrs
    otelc_tracestate *tracestate;     ///< NULL: keep the parent's; else a new reference that
                                      ///< the SDK takes over
} otelc_sampling_result;

#define OTELC_SAMPLER_METHODS_VERSION 1

/** A sampler implementation. */
typedef struct otelc_sampler_methods {
    uint32_t version; ///< OTELC_SAMPLER_METHODS_VERSION
    /** Decides; @p result arrives zeroed (DROP, no attributes, parent's tracestate).
     *  Called from any thread, concurrently. Must not block. */
    void (*should_sample)(void *user_data, const otelc_sampling_params *params,
                          otelc_sampling_result *result);
    /** Frees user_data; may be NULL. */
    void (*destroy)(void *user_data);
} otelc_sampler_methods;

/**
 * Wraps an implementation. @p methods is borrowed and must outlive the sampler (a static
 * table); @p description (e.g. "MySampler{x}") is copied.
 */
OTELC_API int otelc_sampler_new(otelc_sampler **out, const otelc_sampler_methods *methods,
                                void *user_data, const char *description);
/** Runs the sampler: the same contract as otelc_sampler_methods.should_sample. */
OTELC_API void otelc_sampler_should_sample(otelc_sampler *s, const otelc_sampling_params *p,
                                           otelc_sampling_result *r);
/** The description string ("AlwaysOnSampler", "ParentBased{root:...}"); borrowed. */
OTELC_API const char *otelc_sampler_description(const otelc_sampler *s);
/** Frees a sampler that was not transferred; NULL is a no-op. */
OTELC_API void otelc_sampler_free(otelc_sampler *s);

/** AlwaysOnSampler: every span is RECORD_AND_SAMPLE. */
OTELC_API int otelc_sampler_always_on(otelc_sampler **out);
/** AlwaysOffSampler: every span is DROP. */
OTELC_API int otelc_sampler_always_off(otelc_sampler **out);

/** The delegates of a ParentBased sampler. NULL members take the specification's defaults. */
typedef struct otelc_parent_based_options {
    uint32_t size;                          ///< sizeof; set by _init
    otelc_sampler *remote_parent_sampled;   ///< default AlwaysOn; transferred
    otelc_sampler *remote_parent_not_sampled; ///< default AlwaysOff; transferred
    otelc_sampler *local_parent_sampled;    ///< default AlwaysOn; transferred
    otelc_sampler *local_parent_not_sampled; ///< default AlwaysOff; transferred
} otelc_parent_based_options;

/** Fills defaults (all NULL). */
OTELC_API void otelc_parent_based_options_init(otelc_parent_based_options *opt);

/**
 * ParentBased(root): @p root decides for root spans, the delegates for spans with a parent.
 * @p root and the delegates in @p opt (may be NULL) are transferred on success only.
 */
OTELC_API int otelc_sampler_parent_based(otelc_sampler **out, otelc_sampler *root,
                                         const otelc_parent_based_options *opt);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_SAMPLER_H */
