/* SPDX-License-Identifier: Apache-2.0 */
/* Internal layout of context objects, and the constructor the propagators use. */
#ifndef OTELC_SDK_TRACE_CONTEXT_INTERNAL_H
#define OTELC_SDK_TRACE_CONTEXT_INTERNAL_H

#include <stdatomic.h>

#include "otelc/baggage.h"
#include "otelc/context.h"

/* Bits of otelc_context.flags: propagation state that is not part of the span context but
 * must travel with it to the next inject. */
#define OTELC__CTX_B3_DEBUG 0x01u /* a B3 debug flag was extracted (B3 must send it on) */

struct otelc_context {
    _Atomic uint32_t refs;  /* the static empty context is never counted */
    otelc_span *span;       /* a reference, or NULL */
    otelc_baggage *baggage; /* a reference, or NULL */
    uint8_t flags;          /* OTELC__CTX_* bits */
};

/* A context holding span and baggage (new references are taken) with flags. Returns the
 * static empty context when all three are empty, and NULL when memory runs out. */
otelc_context *otelc__context_new(otelc_span *span, const otelc_baggage *baggage,
                                  uint8_t flags);

#endif
