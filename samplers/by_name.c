/* SPDX-License-Identifier: Apache-2.0 */
/* The built-in samplers by configuration name, one table for the rule string and for
 * OTEL_TRACES_SAMPLER. */
#include "sampler_internal.h"

static int make_always_on(otelc_sampler **out, double arg)
{
    (void)arg;
    return otelc_sampler_always_on(out);
}

static int make_always_off(otelc_sampler **out, double arg)
{
    (void)arg;
    return otelc_sampler_always_off(out);
}

static int make_rate(otelc_sampler **out, double arg)
{
    /* A second's worth of burst: a quiet service may start a second with a full budget. */
    return otelc_sampler_rate_limited(out, arg, 0);
}

/* ParentBased around the root that make builds, with the default delegates. */
static int parent_based(otelc_sampler **out, int (*make)(otelc_sampler **, double), double arg)
{
    otelc_sampler *root = NULL;
    int rc = make(&root, arg);
    if (rc != OTELC_OK)
        return rc;
    rc = otelc_sampler_parent_based(out, root, NULL);
    if (rc != OTELC_OK)
        otelc_sampler_free(root);
    return rc;
}

static int make_pb_on(otelc_sampler **out, double arg)
{
    return parent_based(out, make_always_on, arg);
}

static int make_pb_off(otelc_sampler **out, double arg)
{
    return parent_based(out, make_always_off, arg);
}

static int make_pb_ratio(otelc_sampler **out, double arg)
{
    return parent_based(out, otelc_sampler_trace_id_ratio, arg);
}

#define RULES OTELC__SAMPLER_IN_RULES
#define ENV OTELC__SAMPLER_IN_ENV

static const struct otelc__sampler_name names[] = {
    {"always_on", OTELC__SAMPLER_ARG_NONE, RULES | ENV, make_always_on},
    {"always_off", OTELC__SAMPLER_ARG_NONE, RULES | ENV, make_always_off},
    {"traceidratio", OTELC__SAMPLER_ARG_RATIO, RULES | ENV, otelc_sampler_trace_id_ratio},
    {"parentbased_always_on", OTELC__SAMPLER_ARG_NONE, RULES | ENV, make_pb_on},
    {"parentbased_always_off", OTELC__SAMPLER_ARG_NONE, RULES | ENV, make_pb_off},
    {"parentbased_traceidratio", OTELC__SAMPLER_ARG_RATIO, RULES | ENV, make_pb_ratio},
    {"probability", OTELC__SAMPLER_ARG_RATIO, RULES, otelc_sampler_probability},
    {"ratelimited", OTELC__SAMPLER_ARG_RATE, RULES, make_rate},
    {"otelc_ratelimited", OTELC__SAMPLER_ARG_RATE, ENV, make_rate},
    {"otelc_rules", OTELC__SAMPLER_ARG_RULES, ENV, NULL},
    {NULL, OTELC__SAMPLER_ARG_NONE, 0, NULL},
};

const struct otelc__sampler_name *otelc__sampler_names(void)
{
    return names;
}

const struct otelc__sampler_name *otelc__sampler_by_name(const char *name, size_t len,
                                                         unsigned where)
{
    for (const struct otelc__sampler_name *n = names; n->name; n++)
        if ((n->where & where) && strlen(n->name) == len && memcmp(n->name, name, len) == 0)
            return n;
    return NULL;
}
