/* SPDX-License-Identifier: Apache-2.0 */
/* TraceIdRatioBased: samples iff the trace id's 56-bit randomness reaches a fixed threshold. */
#include <math.h>

#include "sampler_internal.h"

uint64_t otelc__ratio_threshold(double p)
{
    if (!(p > 0.0))
        return OTELC__R56_COUNT;
    if (p >= 1.0)
        return 0;
    /* Scaling by a power of two is exact, so the one rounding is to the nearest integer. */
    return OTELC__R56_COUNT - (uint64_t)llround(ldexp(p, 56));
}

/* The decision itself is made inline in otelc__sampler_run(); this table serves callers that
 * go through the methods (none inside the library) and keeps the handle uniform. */
static void ratio_should_sample(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    const uint64_t *threshold = ud;
    r->decision = otelc__trace_id_r56(p->trace_id) >= *threshold ? OTELC_SAMPLING_RECORD_AND_SAMPLE
                                                                 : OTELC_SAMPLING_DROP;
}

static const otelc_sampler_methods ratio_methods = {OTELC_SAMPLER_METHODS_VERSION,
                                                    ratio_should_sample, NULL};

OTELC_API int otelc_sampler_trace_id_ratio(otelc_sampler **out, double ratio)
{
    if (!out)
        return OTELC_EINVAL;
    if (!(ratio >= 0.0 && ratio <= 1.0))
        return OTELC_ERANGE;
    char desc[64];
    otelc__sampler_describe(desc, sizeof desc, "TraceIdRatioBased", ratio);
    otelc_sampler *s = NULL;
    int rc = otelc__sampler_make(&s, OTELC__SAMPLER_TRACE_ID_RATIO, &ratio_methods, NULL, desc);
    if (rc != OTELC_OK)
        return rc;
    s->threshold = otelc__ratio_threshold(ratio);
    s->ud = &s->threshold;
    *out = s;
    return OTELC_OK;
}
