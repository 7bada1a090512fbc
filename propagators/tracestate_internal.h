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

/* A propagated tracestate keeps at least this many characters (the W3C minimum); longer ones
 * are truncated, entries over OTELC__TRACESTATE_LONG_ENTRY characters going first. */
#define OTELC__TRACESTATE_PROPAGATE_MAX 512
#define OTELC__TRACESTATE_LONG_ENTRY 128

/* Parses the n header values parts[i] (lens[i] bytes each) as one joined header, the way
 * repeated `tracestate` fields combine. OTELC_OK (*out NULL when empty), OTELC_EPARSE (any
 * invalid member, more than 32 members, a duplicated key) or OTELC_ENOMEM. */
int otelc__tracestate_from_parts(otelc_tracestate **out, const char *const *parts,
                                 const size_t *lens, size_t n);

/* Writes ts as a header value into buf (NUL-terminated), truncated to fit both cap - 1 and
 * OTELC__TRACESTATE_PROPAGATE_MAX characters by the W3C order: entries longer than 128
 * characters are removed first, right-most first, then entries from the right. Whole entries
 * only. Returns the length written (0 for NULL or when nothing fits). */
size_t otelc__tracestate_write(const otelc_tracestate *ts, char *buf, size_t cap);

/* Calls fn(key, klen, value, vlen, ud) for each member of ts, left to right (the most recent
 * vendor first). The strings are not NUL-terminated and are borrowed from ts. Stops at and
 * returns the first non-zero result of fn; returns 0 otherwise, and for NULL (empty). */
int otelc__tracestate_iter(const otelc_tracestate *ts,
                           int (*fn)(const char *k, size_t kl, const char *v, size_t vl,
                                     void *ud),
                           void *ud);

/* Builds the tracestate that ts becomes when the member `key` is set to `value` (neither
 * NUL-terminated): the member goes first (the W3C rule for a member that was added or
 * changed), an older member with that key is removed rather than duplicated, and when the
 * result would hold more than OTELC__TRACESTATE_MAX_MEMBERS members the right-most ones are
 * dropped. value NULL removes the member instead. ts is borrowed and not changed; *out gets a
 * new reference. When no member is left, *out is an empty tracestate (header ""), not NULL:
 * a sampler's result uses NULL for "keep the parent's", so clearing needs a real value.
 * Returns OTELC_OK, OTELC_EINVAL when key or value breaks the W3C grammar, or OTELC_ENOMEM;
 * *out is untouched on failure. */
int otelc__tracestate_with(const otelc_tracestate *ts, const char *key, size_t klen,
                           const char *value, size_t vlen, otelc_tracestate **out);

#endif
