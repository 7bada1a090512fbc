/* SPDX-License-Identifier: Apache-2.0 */
/* Attribute sets of measurements: sorted by key, deduplicated (the last value of a repeated
 * key wins) and hashed once per record call, without allocating. */
#ifndef OTELC_SDK_METRICS_ATTRSET_H
#define OTELC_SDK_METRICS_ATTRSET_H

#include <stddef.h>
#include <stdint.h>

#include "otelc/attr.h"
#include "sdk/common/arena.h"

/* Attributes of one measurement beyond this many are left out (with a throttled warning):
 * the set lives on the recording thread's stack. */
#define OTELC__ATTRSET_MAX 128

struct otelc__attrset {
    uint64_t hash;
    uint32_t n;
    const otelc_attr *a[OTELC__ATTRSET_MAX]; /* borrowed from the caller, sorted by key */
};

/* A key filter of a view: an allow list (when has_allow) and an exclude list. */
struct otelc__keyfilter {
    char **allow;
    size_t nallow;
    int has_allow;
    char **exclude;
    size_t nexclude;
};

/* 64-bit hash of len bytes at p, mixed with seed. */
uint64_t otelc__hash_bytes(const void *p, size_t len, uint64_t seed);

/* Builds the normalised set of attrs[0..n): entries with a NULL or empty key are skipped. */
void otelc__attrset_build(struct otelc__attrset *s, const otelc_attr *attrs, size_t n);
/* The members of src that filter f keeps, rehashed. */
void otelc__attrset_filter(struct otelc__attrset *dst, const struct otelc__attrset *src,
                           const struct otelc__keyfilter *f);
/* 1 when f keeps key. */
int otelc__keyfilter_keeps(const struct otelc__keyfilter *f, const char *key);
/* 1 when the stored (sorted) attributes are the set's. */
int otelc__attrset_equal(const struct otelc__attrset *s, const otelc_attr *stored, size_t n);
/* At least the bytes otelc__attrset_copy() takes from an arena for s. */
size_t otelc__attrset_copy_size(const struct otelc__attrset *s);
/* Deep-copies the set into the arena as a sorted array; OTELC_OK or OTELC_ENOMEM. *out is
 * NULL for an empty set. */
int otelc__attrset_copy(const struct otelc__attrset *s, struct otelc__arena *a,
                        otelc_attr **out);

#endif
