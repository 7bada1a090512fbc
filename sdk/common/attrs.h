/* SPDX-License-Identifier: Apache-2.0 */
/* Attribute lists: ordered key/value storage with copy-in, overwrite by key, count and value
 * length limits and a dropped counter. Used by spans, events, links, resources and scopes. */
#ifndef OTELC_SDK_COMMON_ATTRS_H
#define OTELC_SDK_COMMON_ATTRS_H

#include "arena.h"
#include "otelc/attr.h"

struct otelc__attrs {
    otelc_attr *items; /* in the arena or inline; keys and values copied into the arena */
    uint32_t count;
    uint32_t cap;
    uint32_t dropped; /* attributes refused by the count limit */
};

/* Starts an empty list over an optional inline array of cap items. */
void otelc__attrs_init(struct otelc__attrs *l, otelc_attr *inline_items, uint32_t cap);

/* Sets key to a copy of v. An existing key is overwritten in place (its old bytes are reused
 * when the new value fits). A new key past count_limit is dropped and counted. Strings (and
 * string array elements) longer than len_limit characters are truncated at a UTF-8 character
 * boundary. Returns OTELC_OK, OTELC_EFULL (dropped), OTELC_EINVAL (NULL/empty key, NULL value,
 * bad type), OTELC_ENOMEM (nothing changed). */
int otelc__attrs_set(struct otelc__attrs *l, struct otelc__arena *a, const char *key,
                     const otelc_value *v, uint32_t count_limit, uint32_t len_limit);
/* The value of key, or NULL. */
const otelc_value *otelc__attrs_find(const struct otelc__attrs *l, const char *key);

/* Deep copy of v into the arena with the length limit; OTELC_OK, OTELC_EINVAL, OTELC_ENOMEM. */
int otelc__value_copy(otelc_value *dst, const otelc_value *src, struct otelc__arena *a,
                      uint32_t len_limit);
/* The byte length of the longest prefix of s[0..len) holding at most max_chars UTF-8
 * characters, never splitting a character (an invalid byte counts as one character). */
size_t otelc__utf8_prefix(const char *s, size_t len, uint32_t max_chars);
/* 1 when the two values are equal (same type and content). */
int otelc__value_equal(const otelc_value *a, const otelc_value *b);

#endif
