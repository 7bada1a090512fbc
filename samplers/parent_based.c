/* SPDX-License-Identifier: Apache-2.0 */
/* ParentBased(root): the parent's sampled flag and locality pick the delegate; a sampled
 * child keeps a consistent parent th and loses an inconsistent one. */
#include <stdio.h>
#include <string.h>

#include "sampler_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"
#include "sdk/trace/span_internal.h"

struct parent_based {
    otelc_sampler *root;
    otelc_sampler *remote_sampled, *remote_not_sampled;
    otelc_sampler *local_sampled, *local_not_sampled;
};

/* A sampled child of a parent whose tracestate carries th passes th along when it is
 * consistent (the parent was sampled and its randomness reaches th) and erases it otherwise,
 * so no span claims a probability it was not sampled with. Only sampled decisions are
 * checked: an unsampled span's th means nothing, and a DROP must not allocate. */
static void check_parent_th(const otelc_span_context *parent, const uint8_t *trace_id,
                            otelc_sampling_result *r)
{
    struct otelc__ot ot;
    otelc__ot_read(parent->tracestate, &ot);
    if (!ot.has_th)
        return;
    if ((parent->trace_flags & OTELC_TRACE_FLAG_SAMPLED) &&
        otelc__ot_randomness(&ot, trace_id) >= ot.th)
        return;
    if (otelc__ot_with_th(parent->tracestate, &ot, NULL, &r->tracestate) != OTELC_OK) {
        r->decision = OTELC_SAMPLING_DROP;
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "ParentBased: cannot erase an inconsistent th "
                                              "(out of memory); span dropped");
    }
}

void otelc__parent_based_decide(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    const struct parent_based *pb = ud;
    const otelc_span_context *parent = p->parent;
    otelc_sampler *d;
    if (!parent || !otelc__parent_is_valid(parent))
        d = pb->root;
    else if (parent->is_remote)
        d = (parent->trace_flags & OTELC_TRACE_FLAG_SAMPLED) ? pb->remote_sampled
                                                             : pb->remote_not_sampled;
    else
        d = (parent->trace_flags & OTELC_TRACE_FLAG_SAMPLED) ? pb->local_sampled
                                                             : pb->local_not_sampled;
    otelc__sampler_run(d, p, r);
    if (d != pb->root && r->decision == OTELC_SAMPLING_RECORD_AND_SAMPLE && !r->tracestate &&
        parent->tracestate)
        check_parent_th(parent, p->trace_id, r);
}

static void pb_destroy(void *ud)
{
    struct parent_based *pb = ud;
    otelc_sampler_free(pb->root);
    otelc_sampler_free(pb->remote_sampled);
    otelc_sampler_free(pb->remote_not_sampled);
    otelc_sampler_free(pb->local_sampled);
    otelc_sampler_free(pb->local_not_sampled);
    otelc__free(pb);
}

static const otelc_sampler_methods pb_methods = {OTELC_SAMPLER_METHODS_VERSION,
                                                 otelc__parent_based_decide, pb_destroy};

OTELC_API void otelc_parent_based_options_init(otelc_parent_based_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
}

/* Either the caller's delegate or a fresh default one; *own says which, for cleanup. */
static int pick(otelc_sampler *given, int on, otelc_sampler **dst, int *own)
{
    *own = 0;
    if (given) {
        *dst = given;
        return OTELC_OK;
    }
    *own = 1;
    return on ? otelc_sampler_always_on(dst) : otelc_sampler_always_off(dst);
}

OTELC_API int otelc_sampler_parent_based(otelc_sampler **out, otelc_sampler *root,
                                         const otelc_parent_based_options *opt)
{
    otelc_parent_based_options o;
    otelc_parent_based_options_init(&o);
    if (!out || !root)
        return OTELC_EINVAL;
    if (opt && opt->size >= sizeof o.size)
        memcpy(&o, opt, opt->size < sizeof o ? opt->size : sizeof o);

    struct parent_based *pb = otelc__calloc(1, sizeof *pb);
    if (!pb)
        return OTELC_ENOMEM;
    otelc_sampler *given[4] = {o.remote_parent_sampled, o.remote_parent_not_sampled,
                               o.local_parent_sampled, o.local_parent_not_sampled};
    const int on[4] = {1, 0, 1, 0};
    otelc_sampler *got[4] = {NULL, NULL, NULL, NULL};
    int own[4] = {0, 0, 0, 0};
    int rc = OTELC_OK;
    for (int i = 0; i < 4 && rc == OTELC_OK; i++)
        rc = pick(given[i], on[i], &got[i], &own[i]);
    char desc[1024];
    if (rc == OTELC_OK) {
        snprintf(desc, sizeof desc,
                 "ParentBased{root:%s,remoteParentSampled:%s,remoteParentNotSampled:%s,"
                 "localParentSampled:%s,localParentNotSampled:%s}",
                 otelc_sampler_description(root), otelc_sampler_description(got[0]),
                 otelc_sampler_description(got[1]), otelc_sampler_description(got[2]),
                 otelc_sampler_description(got[3]));
        rc = otelc__sampler_make(out, OTELC__SAMPLER_PARENT_BASED, &pb_methods, pb, desc);
    }
    if (rc != OTELC_OK) {
        /* Only what we made is ours to free; the caller keeps its samplers. */
        for (int i = 0; i < 4; i++)
            if (own[i])
                otelc_sampler_free(got[i]);
        otelc__free(pb);
        return rc;
    }
    pb->root = root;
    pb->remote_sampled = got[0];
    pb->remote_not_sampled = got[1];
    pb->local_sampled = got[2];
    pb->local_not_sampled = got[3];
    return OTELC_OK;
}
