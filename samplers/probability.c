/* SPDX-License-Identifier: Apache-2.0 */
/* The probability sampler: TraceIdRatioBased's consistent decision that also reads `rv` and
 * writes `th` in the `ot` tracestate entry (TraceState: Probability Sampling). */
#include <stdio.h>

#include "sampler_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"

struct probability {
    uint64_t threshold;        /* the encoded threshold; the decision uses exactly it */
    char th[15];               /* its th form */
    otelc_tracestate *root_ts; /* "ot=th:<th>", shared by spans without a parent tracestate */
};

void otelc__probability_decide(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    const struct probability *pr = ud;
    const otelc_tracestate *pts = p->parent ? p->parent->tracestate : NULL;
    if (!pts) {
        /* The common root case: no entry to read, and the written one is made once. */
        if (otelc__trace_id_r56(p->trace_id) >= pr->threshold) {
            r->decision = OTELC_SAMPLING_RECORD_AND_SAMPLE;
            r->tracestate = otelc_tracestate_ref(pr->root_ts);
        }
        return;
    }
    struct otelc__ot ot;
    otelc__ot_read(pts, &ot);
    if (otelc__ot_randomness(&ot, p->trace_id) < pr->threshold)
        return; /* DROP, with the parent's tracestate: nothing is allocated */
    r->decision = OTELC_SAMPLING_RECORD_AND_SAMPLE;
    if (ot.has_th && ot.th == pr->threshold)
        return; /* the parent's entry already says what this decision says */
    if (otelc__ot_with_th(pts, &ot, pr->th, &r->tracestate) != OTELC_OK) {
        /* A sampled span must not carry a th that does not describe it. */
        r->decision = OTELC_SAMPLING_DROP;
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "ProbabilitySampler: cannot write th into the "
                                              "tracestate (out of memory); span dropped");
    }
}

static void prob_destroy(void *ud)
{
    struct probability *pr = ud;
    otelc_tracestate_free(pr->root_ts);
    otelc__free(pr);
}

static const otelc_sampler_methods prob_methods = {OTELC_SAMPLER_METHODS_VERSION,
                                                   otelc__probability_decide, prob_destroy};

OTELC_API int otelc_sampler_probability(otelc_sampler **out, double p)
{
    if (!out)
        return OTELC_EINVAL;
    if (!(p >= 0.0 && p <= 1.0))
        return OTELC_ERANGE;
    struct probability *pr = otelc__calloc(1, sizeof *pr);
    if (!pr)
        return OTELC_ENOMEM;
    pr->threshold = p > 0.0 ? otelc__probability_threshold(p) : OTELC__R56_COUNT;
    int rc = OTELC_OK;
    if (pr->threshold < OTELC__R56_COUNT) {
        char header[32];
        otelc__th_format(pr->threshold, pr->th);
        int n = snprintf(header, sizeof header, "ot=th:%s", pr->th);
        rc = otelc_tracestate_new(&pr->root_ts, header, (size_t)n);
    }
    char desc[64];
    otelc__sampler_describe(desc, sizeof desc, "ProbabilitySampler", p);
    if (rc == OTELC_OK)
        rc = otelc__sampler_make(out, OTELC__SAMPLER_PROBABILITY, &prob_methods, pr, desc);
    if (rc != OTELC_OK)
        prob_destroy(pr);
    return rc;
}
