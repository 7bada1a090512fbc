/* SPDX-License-Identifier: Apache-2.0 */
/* Internal layout of context objects. */
#ifndef OTELC_SDK_TRACE_CONTEXT_INTERNAL_H
#define OTELC_SDK_TRACE_CONTEXT_INTERNAL_H

#include <stdatomic.h>

#include "otelc/context.h"

struct otelc_context {
    _Atomic uint32_t refs; /* the static empty context is never counted */
    otelc_span *span;      /* a reference, or NULL */
};

#endif
