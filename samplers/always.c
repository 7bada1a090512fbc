/* SPDX-License-Identifier: Apache-2.0 */
/* AlwaysOn and AlwaysOff samplers. */
#include "sampler_internal.h"

static void always_on(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)ud;
    (void)p;
    r->decision = OTELC_SAMPLING_RECORD_AND_SAMPLE;
}

static void always_off(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)ud;
    (void)p;
    r->decision = OTELC_SAMPLING_DROP;
}

static const otelc_sampler_methods on_methods = {OTELC_SAMPLER_METHODS_VERSION, always_on, NULL};
static const otelc_sampler_methods off_methods = {OTELC_SAMPLER_METHODS_VERSION, always_off,
                                                  NULL};

OTELC_API int otelc_sampler_always_on(otelc_sampler **out)
{
    if (!out)
        return OTELC_EINVAL;
    return otelc__sampler_make(out, OTELC__SAMPLER_ALWAYS_ON, &on_methods, NULL,
                               "AlwaysOnSampler");
}

OTELC_API int otelc_sampler_always_off(otelc_sampler **out)
{
    if (!out)
        return OTELC_EINVAL;
    return otelc__sampler_make(out, OTELC__SAMPLER_ALWAYS_OFF, &off_methods, NULL,
                               "AlwaysOffSampler");
}
