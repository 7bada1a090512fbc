/* SPDX-License-Identifier: Apache-2.0 */
/* Span limits: the specification's defaults and the OTEL_*_LIMIT variables. */
#include "otelc/trace.h"
#include "sdk/common/env.h"

OTELC_API void otelc_span_limits_init(otelc_span_limits *l)
{
    if (!l)
        return;
    l->attr_count = 128;
    l->attr_value_length = OTELC_LIMIT_NONE;
    l->event_count = 128;
    l->link_count = 128;
    l->event_attr_count = 128;
    l->link_attr_count = 128;
}

/* The span-specific variable wins; the general one applies when it is unset. */
static uint32_t two_level(const char *specific, const char *general, uint32_t def)
{
    uint32_t g = otelc__env_u32(general, def, 0, UINT32_MAX);
    return otelc__env_u32(specific, g, 0, UINT32_MAX);
}

OTELC_API void otelc_span_limits_from_env(otelc_span_limits *l)
{
    if (!l)
        return;
    otelc_span_limits_init(l);
    l->attr_count = two_level("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT",
                              l->attr_count);
    l->attr_value_length = two_level("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                                     "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", l->attr_value_length);
    l->event_count = otelc__env_u32("OTEL_SPAN_EVENT_COUNT_LIMIT", l->event_count, 0, UINT32_MAX);
    l->link_count = otelc__env_u32("OTEL_SPAN_LINK_COUNT_LIMIT", l->link_count, 0, UINT32_MAX);
    /* The general attribute limit covers every attribute collection, events' and links'
     * included, unless their own variable is set. */
    l->event_attr_count = two_level("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
                                    "OTEL_ATTRIBUTE_COUNT_LIMIT", l->event_attr_count);
    l->link_attr_count = two_level("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
                                   "OTEL_ATTRIBUTE_COUNT_LIMIT", l->link_attr_count);
}
