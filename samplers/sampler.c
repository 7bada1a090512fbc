/* SPDX-License-Identifier: Apache-2.0 */
/* The sampler handle and dispatch: built-in kinds inline, others through their table. */
#include <string.h>

#include "sampler_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/trace/span_internal.h"

int otelc__sampler_make(otelc_sampler **out, enum otelc__sampler_kind kind,
                        const otelc_sampler_methods *m, void *ud, const char *description)
{
    otelc_sampler *s = otelc__malloc(sizeof *s);
    if (!s)
        return OTELC_ENOMEM;
    s->description = otelc__strdup(description ? description : "");
    if (!s->description) {
        otelc__free(s);
        return OTELC_ENOMEM;
    }
    s->kind = kind;
    s->m = m;
    s->ud = ud;
    *out = s;
    return OTELC_OK;
}

OTELC_API int otelc_sampler_new(otelc_sampler **out, const otelc_sampler_methods *m,
                                void *user_data, const char *description)
{
    if (!out || !m || m->version < 1 || !m->should_sample)
        return OTELC_EINVAL;
    return otelc__sampler_make(out, OTELC__SAMPLER_CUSTOM, m, user_data, description);
}

void otelc__sampler_run(otelc_sampler *s, const otelc_sampling_params *p,
                        otelc_sampling_result *r)
{
    switch (s->kind) {
    case OTELC__SAMPLER_ALWAYS_ON:
        r->decision = OTELC_SAMPLING_RECORD_AND_SAMPLE;
        return;
    case OTELC__SAMPLER_ALWAYS_OFF:
        r->decision = OTELC_SAMPLING_DROP;
        return;
    default:
        s->m->should_sample(s->ud, p, r);
        if (r->decision != OTELC_SAMPLING_DROP && r->decision != OTELC_SAMPLING_RECORD_ONLY &&
            r->decision != OTELC_SAMPLING_RECORD_AND_SAMPLE)
            r->decision = OTELC_SAMPLING_DROP;
        return;
    }
}

OTELC_API void otelc_sampler_should_sample(otelc_sampler *s, const otelc_sampling_params *p,
                                           otelc_sampling_result *r)
{
    if (!r)
        return;
    memset(r, 0, sizeof *r);
    if (!s || !p || !p->trace_id)
        return;
    otelc__sampler_run(s, p, r);
}

OTELC_API const char *otelc_sampler_description(const otelc_sampler *s)
{
    return s ? s->description : "";
}

OTELC_API void otelc_sampler_free(otelc_sampler *s)
{
    if (!s)
        return;
    if (s->m && s->m->destroy)
        s->m->destroy(s->ud);
    otelc__free(s->description);
    otelc__free(s);
}
