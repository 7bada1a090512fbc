/* SPDX-License-Identifier: Apache-2.0 */
/* AlwaysRecord(delegate): the delegate's decision, with DROP turned into RECORD_ONLY so span
 * processors see every span while only sampled ones are exported. */
#include <stdio.h>

#include "sampler_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/trace/span_internal.h"

void otelc__always_record_decide(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    otelc__sampler_run(ud, p, r);
    /* The delegate's attributes and tracestate are kept as they are. */
    if (r->decision == OTELC_SAMPLING_DROP)
        r->decision = OTELC_SAMPLING_RECORD_ONLY;
}

static void ar_destroy(void *ud)
{
    otelc_sampler_free(ud);
}

static const otelc_sampler_methods ar_methods = {OTELC_SAMPLER_METHODS_VERSION,
                                                 otelc__always_record_decide, ar_destroy};

OTELC_API int otelc_sampler_always_record(otelc_sampler **out, otelc_sampler *delegate)
{
    if (!out || !delegate)
        return OTELC_EINVAL;
    const char *inner = otelc_sampler_description(delegate);
    size_t n = strlen(inner) + sizeof "AlwaysRecordSampler{}";
    char *desc = otelc__malloc(n);
    if (!desc)
        return OTELC_ENOMEM;
    snprintf(desc, n, "AlwaysRecordSampler{%s}", inner);
    int rc = otelc__sampler_make(out, OTELC__SAMPLER_ALWAYS_RECORD, &ar_methods, delegate, desc);
    otelc__free(desc);
    return rc;
}
