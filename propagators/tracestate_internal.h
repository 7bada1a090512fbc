/* SPDX-License-Identifier: Apache-2.0 */
/* Internal reading of a tracestate: its members in order, for samplers and propagators. */
#ifndef OTELC_PROPAGATORS_TRACESTATE_INTERNAL_H
#define OTELC_PROPAGATORS_TRACESTATE_INTERNAL_H

#include <stddef.h>

#include "otelc/trace_types.h"

/* The longest key and value the W3C grammar allows, and the most members a header may hold. */
#define OTELC__TRACESTATE_MAX_KEY 256
#define OTELC__TRACESTATE_MAX_VALUE 256
#define OTELC__TRACESTATE_MAX_MEMBERS 32

/* Calls fn(key, klen, value, vlen, ud) for each member of ts, left to right (the most recent
 * vendor first). The strings are not NUL-terminated and are borrowed from ts. Stops at and
 * returns the first non-zero result of fn; returns 0 otherwise, and for NULL (empty). */
int otelc__tracestate_iter(const otelc_tracestate *ts,
                           int (*fn)(const char *k, size_t kl, const char *v, size_t vl,
                                     void *ud),
                           void *ud);

#endif
