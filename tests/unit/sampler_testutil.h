/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the sampler tests: trace ids from hex, parents, one-call decisions and a
 * seeded generator of random ids. Include after testutil.h. */
#ifndef OTELC_TESTS_SAMPLER_TESTUTIL_H
#define OTELC_TESTS_SAMPLER_TESTUTIL_H

#include <stdint.h>

#include "otelc/otelc.h"

/* Fills out from 32 hex digits (asserts they are). */
void st_id(uint8_t out[16], const char *hex32);
/* A valid parent context with the given trace id (NULL: 0xab bytes), locality, sampled flag
 * and tracestate (borrowed). */
otelc_span_context st_parent(const uint8_t *trace_id, int remote, int sampled,
                             const otelc_tracestate *ts);
/* Runs s for a span named name with trace id tid (parent may be NULL) and returns the result;
 * the caller frees result.tracestate. */
otelc_sampling_result st_run(otelc_sampler *s, const uint8_t tid[16],
                             const otelc_span_context *parent);
/* st_run's decision alone (the tracestate is freed). */
otelc_sampling_decision st_decide(otelc_sampler *s, const uint8_t tid[16],
                                  const otelc_span_context *parent);
/* The decision for a root span with this name, kind and start attributes. */
otelc_sampling_decision st_decide_span(otelc_sampler *s, const uint8_t tid[16], const char *name,
                                       otelc_span_kind kind, const otelc_attr *attrs, size_t n);
/* splitmix64: a reproducible stream from *state. */
uint64_t st_rand64(uint64_t *state);
/* A random trace id from *state. */
void st_random_id(uint64_t *state, uint8_t out[16]);
/* Runs build (which makes a sampler into *out) with the N-th allocation failing, for N = 1, 2,
 * ... until none fails: each run must succeed or return OTELC_ENOMEM, and leak nothing. */
void st_each_alloc_failure(int (*build)(otelc_sampler **out, void *ud), void *ud);
/* A tracestate from a header (asserts it parses); NULL for "". */
otelc_tracestate *st_ts(const char *header);

#endif
