/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file id_generator.h  The id generator extension point. The default generator is a fast
 * per-thread random generator seeded from getrandom(2) and reseeded after fork(); it never
 * returns all-zero ids, and its trace ids satisfy the W3C Level 2 random flag.
 */
#ifndef OTELC_ID_GENERATOR_H
#define OTELC_ID_GENERATOR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otelc_id_generator otelc_id_generator;

#define OTELC_ID_GENERATOR_METHODS_VERSION 1

/** Set in otelc_id_generator_methods.flags when the right-most 7 bytes of every trace id are
 *  random; root spans then carry ::OTELC_TRACE_FLAG_RANDOM. */
#define OTELC_ID_GENERATOR_RANDOM_TRACE_IDS 0x1u

/** An id generator implementation. Called from any thread, concurrently. */
typedef struct otelc_id_generator_methods {
    uint32_t version; ///< OTELC_ID_GENERATOR_METHODS_VERSION
    uint32_t flags;   ///< OTELC_ID_GENERATOR_* bits
    /** Writes 16 bytes; all zero is replaced by the SDK with a fresh call. Required. */
    void (*new_trace_id)(void *user_data, uint8_t out[16]);
    /** Writes 8 bytes; all zero is replaced by the SDK with a fresh call. Required. */
    void (*new_span_id)(void *user_data, uint8_t out[8]);
    /** Frees user_data; may be NULL. */
    void (*destroy)(void *user_data);
} otelc_id_generator_methods;

/** Wraps an implementation; @p methods is borrowed and must outlive the generator. */
OTELC_API int otelc_id_generator_new(otelc_id_generator **out,
                                     const otelc_id_generator_methods *methods, void *user_data);
/** Frees a generator that was not transferred; NULL is a no-op. */
OTELC_API void otelc_id_generator_free(otelc_id_generator *g);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_ID_GENERATOR_H */
