/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file sampler.h  The sampler extension point and the built-in samplers
 * (OpenTelemetry trace SDK specification, "Sampling"; docs/sampling.md explains how to choose).
 *
 * A sampler is owned by whoever holds it: passing one to otelc_tracer_provider_new() or to a
 * composite sampler (ParentBased, AlwaysRecord, rule-based) transfers it, on success only.
 * Every built-in sampler is immutable once built and may be used from any number of threads
 * at once. A DROP decision of a built-in sampler allocates nothing and reads no clock, except
 * that the rate-limited sampler reads the monotonic clock for root spans.
 *
 * @code
 * // Errors and slow requests always, 1% of the rest, children follow their parent.
 * otelc_sampler *rules, *sampler;
 * char err[128];
 * if (otelc_sampler_rules_parse(&rules, "error=true:always_on;slow=true:always_on;"
 *                               "*:traceidratio(0.01)", err, sizeof err) != OTELC_OK)
 *     fprintf(stderr, "bad rules: %s\n", err);
 * else if (otelc_sampler_parent_based(&sampler, rules, NULL) != OTELC_OK)
 *     otelc_sampler_free(rules);
 * @endcode
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

/**
 * TraceIdRatioBased: samples a span iff R >= T, where R is the trace id's right-most 7 bytes
 * as a big-endian integer (its W3C Level 2 randomness) and T = 2^56 - round(@p ratio * 2^56)
 * is computed once here. Ratio 0 never samples, 1 always does, and a higher ratio samples a
 * superset of what a lower one samples, in every SDK that follows the specification. The
 * parent's sampled flag is ignored (wrap it in ParentBased to respect it) and the tracestate
 * is left as it is. Description: `TraceIdRatioBased{0.25}`.
 *
 * @param out    receives the sampler
 * @param ratio  the fraction of traces to sample, in [0, 1]
 * @return ::OTELC_OK, ::OTELC_EINVAL (out NULL), ::OTELC_ERANGE (ratio outside [0, 1] or
 *         NaN), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_sampler_trace_id_ratio(otelc_sampler **out, double ratio);

/**
 * The consistent probability sampler (TraceState: Probability Sampling): samples iff
 * R >= T like TraceIdRatioBased, where R is the `rv` value of the parent's `ot` tracestate
 * entry when there is one, else the trace id's randomness, and T is (1 - @p p) * 2^56 rounded
 * to 4 significant hex digits (one more per leading hex zero of p), the threshold it writes:
 * a sampled span's tracestate gets `ot=th:<T>` (p = 0.1 gives `th:e666`, 0.01 `th:fd70a`,
 * 0.25 `th:c`, 1 `th:0`), with the other `ot` sub-keys, `rv` among them, kept and the entry
 * moved first. A dropped span keeps the parent's tracestate. The parent's sampled flag is
 * ignored. Because T is rounded, a decision can differ from TraceIdRatioBased's for trace
 * ids within 2^-16 (relative) of the threshold. Description: `ProbabilitySampler{0.1}`.
 * If the new tracestate cannot be allocated the span is dropped rather than given a wrong th.
 *
 * @param out  receives the sampler
 * @param p    the sampling probability, in [0, 1]
 * @return ::OTELC_OK, ::OTELC_EINVAL (out NULL), ::OTELC_ERANGE (p outside [0, 1] or NaN),
 *         ::OTELC_ENOMEM.
 */
OTELC_API int otelc_sampler_probability(otelc_sampler **out, double p);

/**
 * AlwaysRecord(delegate): the delegate's result, except that DROP becomes RECORD_ONLY, so
 * span processors see every span (for metrics from spans) while exporters still get only
 * sampled ones. Attributes and tracestate from the delegate are kept. Every span then
 * records, with the cost that has. Description: `AlwaysRecordSampler{<delegate's>}`.
 *
 * @param out       receives the sampler
 * @param delegate  transferred on success only
 * @return ::OTELC_OK, ::OTELC_EINVAL (a NULL argument), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_sampler_always_record(otelc_sampler **out, otelc_sampler *delegate);

/** The bit of a span kind in otelc_sampler_rule.kinds. */
#define OTELC_SPAN_KIND_BIT(kind) (1u << (unsigned)(kind))

/**
 * One rule of a rule-based sampler. A rule matches a span when every condition it sets holds:
 * the name pattern, the kind and each attribute. Strings are copied by the constructor.
 */
typedef struct otelc_sampler_rule {
    uint32_t size;           ///< sizeof; set by otelc_sampler_rule_init()
    const char *name;        ///< span-name pattern: `*` any run of bytes, `?` one byte, other
                             ///< bytes exact (so "GET /api/*" is a prefix match); NULL: any
    uint32_t kinds;          ///< OTELC_SPAN_KIND_BIT() of the kinds that match (UNSPECIFIED
                             ///< counts as INTERNAL); 0: any kind
    const otelc_attr *attrs; ///< start attributes that must be present and equal; see
                             ///< otelc_sampler_rule_based() for how values compare
    size_t attr_count;       ///< number of attrs
    otelc_sampler *sampler;  ///< decides for the spans this rule matches; required; transferred
} otelc_sampler_rule;

/** Fills defaults: matches every span, no sampler yet. */
OTELC_API void otelc_sampler_rule_init(otelc_sampler_rule *rule);

/** How a rule-based sampler is built. */
typedef struct otelc_rule_based_options {
    uint32_t size;                   ///< sizeof; set by otelc_rule_based_options_init()
    const otelc_sampler_rule *rules; ///< the rules, first match decides; the array is
                                     ///< borrowed (each element set up by
                                     ///< otelc_sampler_rule_init()), its samplers transferred
    size_t rule_count;               ///< number of rules
    otelc_sampler *fallback;         ///< decides when no rule matches; NULL: DROP; transferred
} otelc_rule_based_options;

/** Fills defaults: no rules, no fallback. */
OTELC_API void otelc_rule_based_options_init(otelc_rule_based_options *opt);

/**
 * A rule-based sampler: the rules are tried in order and the first that matches decides with
 * its sampler (its result, attributes and tracestate included); when none matches, the
 * fallback decides, or the span is dropped when there is none.
 *
 * An attribute condition holds when a start attribute with that key exists (the first one,
 * if several) and its value equals the condition's, compared as text: a string attribute
 * with the same bytes, a boolean with `true` or `false`, an integer with its decimal form
 * (`500`, `-1`), a double with a decimal number of the same value (`0.5`). A condition given
 * as a bool, int or double otelc_attr is written as that text first, so
 * otelc_attr_bool("error", true) also matches the string attribute error="true".
 *
 * Description: `RuleBased{<match>:<sampler's>;...;default:<fallback's>}` with each match
 * written in the otelc_sampler_rules_parse() syntax.
 *
 * @param out  receives the sampler
 * @param opt  borrowed; the samplers in it are transferred on success only
 * @return ::OTELC_OK, ::OTELC_EINVAL (out or opt NULL, a rule without a sampler, a rule
 *         with attr_count but no attrs or an attribute without a key, elements of different
 *         sizes), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_sampler_rule_based(otelc_sampler **out, const otelc_rule_based_options *opt);

/**
 * Builds a rule-based sampler from a one-line rule string, the form OTEL_TRACES_SAMPLER_ARG
 * takes with `OTEL_TRACES_SAMPLER=otelc_rules`:
 *
 *     spec     = rule *( ";" rule )               ; empty rules are skipped
 *     rule     = match ":" sampler                 ; split at the rule's last ':'
 *     match    = "*" / cond *( "," cond )          ; all conditions must hold
 *     cond     = "name=" GLOB                      ; `*` and `?` wildcards, exact otherwise
 *              / "kind=" KIND *( "|" KIND )        ; server, client, internal, producer,
 *                                                  ; consumer
 *              / ATTRKEY "=" VALUE                 ; attribute equality, as text (see
 *                                                  ; otelc_sampler_rule_based())
 *     sampler  = "always_on" / "always_off" / "traceidratio(" P ")" / "probability(" P ")"
 *              / "ratelimited(" N ")" / "parentbased_always_on" / "parentbased_always_off"
 *              / "parentbased_traceidratio(" P ")"
 *
 * P is a decimal number in [0, 1] and N one in [0.001, 10^9] (traces per second; the burst
 * is N clamped to [1, 10^6]); both are plain digits with an optional fraction (`0.01`,
 * `100`). Blanks around tokens are ignored. The keys `name` and `kind` are the conditions
 * above, never attributes; values cannot hold `,` or `;`. A span no rule matches is dropped,
 * so the last rule is usually `*`. Example, errors
 * and slow requests always and 1% of the rest:
 * `error=true:always_on;slow=true:always_on;*:traceidratio(0.01)`.
 *
 * @param out     receives the sampler
 * @param spec    the rule string; borrowed
 * @param err     receives a message naming the 1-based position of the first problem
 *                ("at 12: unknown sampler 'foo'") when the string does not parse; may be NULL
 * @param errlen  size of err
 * @return ::OTELC_OK, ::OTELC_EINVAL (out or spec NULL), ::OTELC_EPARSE (see err),
 *         ::OTELC_ENOMEM.
 */
OTELC_API int otelc_sampler_rules_parse(otelc_sampler **out, const char *spec, char *err,
                                        size_t errlen);

/**
 * A rate-limited sampler: at most @p per_second new traces per second, with bursts of up to
 * @p burst. For root spans (no valid parent) it takes a token from a lock-free token bucket
 * that holds @p burst tokens and refills at @p per_second tokens a second: a token gives
 * RECORD_AND_SAMPLE, no token DROP. Over any interval of t seconds it samples at most
 * burst + per_second * t root spans. Spans with a parent follow the parent's sampled flag
 * (they belong to a trace already admitted or refused). It reads the monotonic clock for
 * each root span, the one built-in sampler whose decisions read a clock.
 * Description: `RateLimitedSampler{rate=100,burst=100}`.
 *
 * @param out         receives the sampler
 * @param per_second  traces per second, in [0.001, 10^9]
 * @param burst       bucket size, in [1, 10^6]; 0 means per_second clamped to [1, 10^6]
 * @return ::OTELC_OK, ::OTELC_EINVAL (out NULL), ::OTELC_ERANGE (a value out of range or
 *         NaN), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_sampler_rate_limited(otelc_sampler **out, double per_second, double burst);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_SAMPLER_H */
