/* SPDX-License-Identifier: Apache-2.0 */
/* Internal layout of samplers: built-in kinds are dispatched without an indirect call. */
#ifndef OTELC_SAMPLERS_SAMPLER_INTERNAL_H
#define OTELC_SAMPLERS_SAMPLER_INTERNAL_H

#include "otelc/sampler.h"

enum otelc__sampler_kind {
    OTELC__SAMPLER_CUSTOM = 0,
    OTELC__SAMPLER_ALWAYS_ON,
    OTELC__SAMPLER_ALWAYS_OFF,
    OTELC__SAMPLER_PARENT_BASED,
};

struct otelc_sampler {
    enum otelc__sampler_kind kind;
    const otelc_sampler_methods *m;
    void *ud;
    char *description;
};

/* Builds a sampler of a given kind; the description is copied. On failure nothing is taken
 * over (the caller still owns ud). */
int otelc__sampler_make(otelc_sampler **out, enum otelc__sampler_kind kind,
                        const otelc_sampler_methods *m, void *ud, const char *description);

#endif
