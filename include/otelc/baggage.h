/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file baggage.h  Baggage: an immutable, reference-counted set of name/value entries that
 * travels with the context (OpenTelemetry Baggage API, W3C Baggage).
 *
 * Every change makes a new baggage; the old one is untouched, so a baggage can be shared
 * between threads without locks. NULL is the empty baggage everywhere.
 *
 * @code
 * otelc_baggage *b = NULL;
 * otelc_baggage_set(&b, NULL, "tenant", "acme", NULL);       // b: {tenant=acme}
 * otelc_context *ctx = otelc_context_with_baggage(NULL, b);  // the context takes a reference
 * otelc_baggage_free(b);
 * ...
 * const char *tenant = otelc_baggage_get(otelc_context_get_baggage(ctx), "tenant");
 * otelc_context_free(ctx);
 * @endcode
 *
 * Entry metadata holds the W3C `properties` of a member (the text after the first `;`, with
 * optional whitespace removed at both ends). It is opaque: kept, and sent on, as received.
 */
#ifndef OTELC_BAGGAGE_H
#define OTELC_BAGGAGE_H

#include "context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otelc_baggage otelc_baggage;

/** One entry, as read from a baggage. Every pointer is borrowed from the baggage and valid
 *  while it lives; strings are NUL-terminated and their lengths are given too. */
typedef struct otelc_baggage_entry {
    const char *key;      ///< the name (never empty)
    size_t key_len;       ///< bytes of key
    const char *value;    ///< the value, percent-decoded ("" allowed)
    size_t value_len;     ///< bytes of value
    const char *metadata; ///< opaque properties; "" when none
    size_t metadata_len;  ///< bytes of metadata
} otelc_baggage_entry;

/** Number of entries (0 for NULL). */
OTELC_API size_t otelc_baggage_count(const otelc_baggage *b);

/** The value of @p key, or NULL when absent; borrowed, valid while @p b lives. */
OTELC_API const char *otelc_baggage_get(const otelc_baggage *b, const char *key);

/**
 * Fills @p out with the entry of @p key.
 * @return ::OTELC_OK, ::OTELC_ENOTFOUND, ::OTELC_EINVAL (key or out NULL).
 */
OTELC_API int otelc_baggage_get_entry(const otelc_baggage *b, const char *key,
                                      otelc_baggage_entry *out);

/**
 * Fills @p out with the @p i-th entry (in insertion order, which is the header's order for an
 * extracted baggage). @return ::OTELC_OK, or ::OTELC_ENOTFOUND when @p i is out of range.
 */
OTELC_API int otelc_baggage_entry_at(const otelc_baggage *b, size_t i,
                                     otelc_baggage_entry *out);

/**
 * Calls @p fn for each entry in order; stops at and returns the first non-zero result of
 * @p fn; returns 0 otherwise. The entry is borrowed for the call.
 */
OTELC_API int otelc_baggage_iterate(const otelc_baggage *b,
                                    int (*fn)(const otelc_baggage_entry *e, void *user_data),
                                    void *user_data);

/**
 * A new baggage equal to @p b (NULL: empty) with @p key set to @p value. An existing entry of
 * that name is replaced in place; a new one is appended. @p b is not changed.
 * @param key       copied; non-empty. Names are case-sensitive.
 * @param value     copied; may be "".
 * @param metadata  copied; NULL or "" for none (opaque W3C properties, e.g. "ttl=30").
 * @param out       receives a new reference (release with otelc_baggage_free()).
 * @return ::OTELC_OK, ::OTELC_EINVAL (out, key or value NULL, empty key), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_baggage_set(otelc_baggage **out, const otelc_baggage *b, const char *key,
                                const char *value, const char *metadata);

/**
 * A new baggage equal to @p b without @p key. Removing an absent key gives a new reference
 * to @p b. An empty result is NULL.
 * @return ::OTELC_OK, ::OTELC_EINVAL (out or key NULL), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_baggage_remove(otelc_baggage **out, const otelc_baggage *b,
                                   const char *key);

/**
 * Builds a baggage from a W3C `baggage` header value (borrowed; @p len bytes, need not be
 * NUL-terminated). Values are percent-decoded; invalid members are skipped without losing
 * the valid ones; at most 64 members and 8192 bytes are kept (later members are dropped
 * whole). A header with no valid member gives ::OTELC_OK and NULL.
 * @return ::OTELC_OK, ::OTELC_EINVAL, ::OTELC_ENOMEM.
 */
OTELC_API int otelc_baggage_from_header(otelc_baggage **out, const char *header, size_t len);

/**
 * Writes @p b as a W3C `baggage` header value into @p buf (NUL-terminated), percent-encoding
 * values. Members whose key is not an HTTP token are skipped; members are never cut: those
 * that would pass 64 members or 8192 bytes (or @p cap - 1) are left out whole.
 * @return the number of bytes written, without the NUL (0 for an empty baggage, or when
 * @p cap is 0).
 */
OTELC_API size_t otelc_baggage_to_header(const otelc_baggage *b, char *buf, size_t cap);

/**
 * A new context equal to @p base (NULL: the empty context) but holding @p baggage (a
 * reference is taken; NULL removes the baggage). The span of @p base is kept.
 * @return a new reference, or NULL on allocation failure.
 */
OTELC_API otelc_context *otelc_context_with_baggage(const otelc_context *base,
                                                    const otelc_baggage *baggage);

/** The baggage held by @p ctx, or NULL; borrowed, valid while @p ctx lives. */
OTELC_API otelc_baggage *otelc_context_get_baggage(const otelc_context *ctx);

/** The baggage of the calling thread's current context, or NULL; borrowed, valid until
 *  that context is detached. */
OTELC_API otelc_baggage *otelc_baggage_current(void);

/** Takes a new reference (NULL-safe) and returns @p b. */
OTELC_API otelc_baggage *otelc_baggage_ref(const otelc_baggage *b);
/** Releases a reference; NULL is a no-op. */
OTELC_API void otelc_baggage_free(otelc_baggage *b);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_BAGGAGE_H */
