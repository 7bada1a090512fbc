/* SPDX-License-Identifier: Apache-2.0 */
/* Internal layout of samplers: built-in kinds are dispatched without an indirect call. */
#ifndef OTELC_SAMPLERS_SAMPLER_INTERNAL_H
#define OTELC_SAMPLERS_SAMPLER_INTERNAL_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "otelc/sampler.h"

enum otelc__sampler_kind {
    OTELC__SAMPLER_CUSTOM = 0,
    OTELC__SAMPLER_ALWAYS_ON,
    OTELC__SAMPLER_ALWAYS_OFF,
    OTELC__SAMPLER_PARENT_BASED,
    OTELC__SAMPLER_TRACE_ID_RATIO,
    OTELC__SAMPLER_PROBABILITY,
    OTELC__SAMPLER_ALWAYS_RECORD,
    OTELC__SAMPLER_RULE_BASED,
    OTELC__SAMPLER_RATE_LIMITED,
};

struct otelc_sampler {
    enum otelc__sampler_kind kind;
    const otelc_sampler_methods *m;
    void *ud;
    char *description;
    /* TRACE_ID_RATIO: sample iff the trace's 56-bit randomness is >= threshold. Kept in the
     * handle so the decision reads no other memory. */
    uint64_t threshold;
};

/* 2^56: the number of 56-bit randomness values, and the threshold that never samples. */
#define OTELC__R56_COUNT (UINT64_C(1) << 56)

/* The randomness of a trace id (W3C Trace Context Level 2): its right-most 7 bytes as a
 * big-endian integer. */
static inline uint64_t otelc__trace_id_r56(const uint8_t *trace_id)
{
    uint64_t v;
    memcpy(&v, trace_id + 8, 8);
    return be64toh(v) & (OTELC__R56_COUNT - 1);
}

/* The specification's IsValid for a parent (both ids non-zero), inline on the decision path:
 * otelc_span_context_is_valid() states the same rule behind a call through the PLT. */
static inline int otelc__parent_is_valid(const otelc_span_context *c)
{
    uint64_t t0, t1, s;
    memcpy(&t0, c->trace_id, 8);
    memcpy(&t1, c->trace_id + 8, 8);
    memcpy(&s, c->span_id, 8);
    return (t0 | t1) != 0 && s != 0;
}

/* Builds a sampler of a given kind; the description is copied. On failure nothing is taken
 * over (the caller still owns ud). */
int otelc__sampler_make(otelc_sampler **out, enum otelc__sampler_kind kind,
                        const otelc_sampler_methods *m, void *ud, const char *description);

/* The decisions of the built-in kinds, called directly by otelc__sampler_run() (their method
 * tables point at them too); ud is the sampler's user data. */
void otelc__parent_based_decide(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r);
void otelc__probability_decide(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r);
void otelc__always_record_decide(void *ud, const otelc_sampling_params *p,
                                 otelc_sampling_result *r);
void otelc__rules_decide(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r);
void otelc__rate_limited_decide(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r);

/* Writes v in the shortest "%g" form that reads back as v ("0.25", "1", "0.01"), always with
 * a decimal point whatever the locale; buf needs 32 bytes. */
void otelc__sampler_format_number(char *buf, size_t size, double v);

/* Writes "name{v}" with v in that form: the description of a sampler with one number. */
void otelc__sampler_describe(char *buf, size_t size, const char *name, double v);

/* Parses a plain decimal number, digits with an optional fraction ("0.01", "100", "1."), with
 * at most 15 significant digits and 22 decimals, so the result is the correctly rounded
 * double whatever the locale. Returns 0, or -1 for anything else (signs, exponents, blanks). */
int otelc__sampler_parse_decimal(const char *s, size_t len, double *out);

/* The TraceIdRatioBased threshold of ratio p in [0, 1]: 2^56 - round(p * 2^56), that is
 * (1 - p) * 2^56 rounded to the nearest integer; 0 for p = 1, 2^56 (never) for p = 0. */
uint64_t otelc__ratio_threshold(double p);

/* ---- the OpenTelemetry `ot` tracestate entry (ot_tracestate.c) ------------------------ */

/* What a tracestate's `ot` entry says about sampling. Pointers are borrowed from it. */
struct otelc__ot {
    const char *value; /* the ot member's value; NULL when there is none */
    size_t len;
    int has_th;  /* a valid th sub-key (1 to 14 hex digits) */
    uint64_t th; /* its 56-bit rejection threshold */
    int has_rv;  /* a valid rv sub-key (exactly 14 hex digits) */
    uint64_t rv; /* its 56-bit randomness */
};

/* Reads the ot entry of ts (NULL: empty); allocates nothing. */
void otelc__ot_read(const otelc_tracestate *ts, struct otelc__ot *ot);

/* The randomness the consistent-sampling rules use: rv when present, else the trace id's. */
static inline uint64_t otelc__ot_randomness(const struct otelc__ot *ot, const uint8_t *trace_id)
{
    return ot->has_rv ? ot->rv : otelc__trace_id_r56(trace_id);
}

/* The th form of a threshold below 2^56: 14 hex digits without the trailing zeros, "0" for
 * 0. out needs 15 bytes; returns the length. */
size_t otelc__th_format(uint64_t threshold, char out[15]);

/* The threshold the probability sampler uses and writes for p in (0, 1]: (1 - p) * 2^56
 * rounded half up to 4 significant hex digits, plus one digit for each leading zero of p in
 * hex (at most 12 digits), the specification's recommended encoding. */
uint64_t otelc__probability_threshold(double p);

/* Builds the tracestate that ts (whose ot entry is *ot) becomes with th set to th_hex (NULL:
 * th removed); the ot entry keeps its other sub-keys and goes first, and is removed when
 * nothing is left in it. When setting th would make the entry longer than the 256 characters
 * a value may hold, th is removed instead. *out is a new reference (an empty tracestate when
 * nothing is left, see otelc__tracestate_with()).
 * Returns OTELC_OK, OTELC_ENOMEM, or (for a malformed old entry, whose remains are not a
 * valid value or do not fit) OTELC_EINVAL or OTELC_ERANGE; *out is untouched on failure. */
int otelc__ot_with_th(const otelc_tracestate *ts, const struct otelc__ot *ot, const char *th_hex,
                      otelc_tracestate **out);

/* ---- the rate-limited sampler's time source (rate_limited.c) ------------------------- */

/* Replaces the monotonic clock the rate-limited samplers read (NULL restores it). For tests
 * only: set it before any sampling starts and restore it after. */
void otelc__rate_limited_set_clock(uint64_t (*now_ns)(void));

/* ---- the built-in samplers by name (by_name.c) ---------------------------------------- */

enum otelc__sampler_arg {
    OTELC__SAMPLER_ARG_NONE,  /* no argument */
    OTELC__SAMPLER_ARG_RATIO, /* a ratio in [0, 1] */
    OTELC__SAMPLER_ARG_RATE,  /* traces per second, > 0 */
    OTELC__SAMPLER_ARG_RULES, /* a rule string (the environment's otelc_rules) */
};

#define OTELC__SAMPLER_IN_RULES 1u /* a sampler name of the rule string */
#define OTELC__SAMPLER_IN_ENV 2u   /* a value of OTEL_TRACES_SAMPLER */

struct otelc__sampler_name {
    const char *name;
    enum otelc__sampler_arg arg;
    unsigned where; /* OTELC__SAMPLER_IN_* bits */
    /* Builds the sampler with its argument (ignored for ARG_NONE); NULL for ARG_RULES. */
    int (*make)(otelc_sampler **out, double arg);
};

/* The table, ended by a NULL name. */
const struct otelc__sampler_name *otelc__sampler_names(void);
/* The entry called name[0..len) (exact, case-sensitive) usable in `where`, or NULL. */
const struct otelc__sampler_name *otelc__sampler_by_name(const char *name, size_t len,
                                                         unsigned where);

/* ---- the environment (from_env.c) ----------------------------------------------------- */

/* Builds the sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG describe. A bad value
 * gets one warning naming the variable and the value, and the default (parentbased_always_on,
 * or the sampler's default argument). Returns OTELC_OK or OTELC_ENOMEM. */
int otelc__sampler_from_env(otelc_sampler **out);

#endif
