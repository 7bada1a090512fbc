/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file common.h  Error codes, time, the allocator hook and visibility macros shared by every
 * otelc header.
 *
 * Conventions used by all headers:
 * - Functions that can fail return `int`: ::OTELC_OK (0) or a negative `OTELC_E...` code.
 * - Constructors are `int otelc_x_new(otelc_x **out, ...)`; on failure `*out` is untouched
 *   and nothing passed in was taken over. Destructors accept NULL.
 * - Hot-path calls return void and accept NULL handles.
 * - Times are nanoseconds since the UNIX epoch (wall clock) unless named `deadline`, which is
 *   an absolute CLOCK_MONOTONIC time in nanoseconds (see otelc_monotonic_ns()).
 */
#ifndef OTELC_COMMON_H
#define OTELC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(OTELC_BUILDING) && defined(__GNUC__)
#define OTELC_API __attribute__((visibility("default")))
#else
#define OTELC_API
#endif

/**
 * The one table of error codes: name, value, message. It generates the ::otelc_error enum,
 * otelc_strerror() and otelc_err_name().
 */
#define OTELC_ERRNO_MAP(X)                                                                    \
    X(OK, 0, "success")                                                                       \
    X(EINVAL, -1, "invalid argument")                                                         \
    X(ENOMEM, -2, "out of memory")                                                            \
    X(ETIMEDOUT, -3, "deadline exceeded")                                                     \
    X(ESHUTDOWN, -4, "already shut down")                                                     \
    X(EUNSUPPORTED, -5, "not supported")                                                      \
    X(EFULL, -6, "queue full")                                                                \
    X(EIO, -7, "input/output error")                                                          \
    X(EPARSE, -8, "malformed input")                                                          \
    X(ETRANSPORT, -9, "transport failure")                                                    \
    X(EREJECTED, -10, "rejected by the receiver")                                             \
    X(ENOTFOUND, -11, "not found")                                                            \
    X(EDISABLED, -12, "the SDK is disabled")                                                  \
    X(ESTATE, -13, "invalid state for this call")                                             \
    X(ERANGE, -14, "value out of range")

/** Error codes returned by otelc functions. */
typedef enum otelc_error {
#define OTELC_ERRNO_ENUM_(name, value, msg) OTELC_##name = (value),
    OTELC_ERRNO_MAP(OTELC_ERRNO_ENUM_)
#undef OTELC_ERRNO_ENUM_
    OTELC_ERRNO_LAST_ = -15
} otelc_error;

/** A static English message for @p err; "unknown error" for codes outside the table. */
OTELC_API const char *otelc_strerror(int err);
/** The code's name without prefix ("EINVAL"); "UNKNOWN" for codes outside the table. */
OTELC_API const char *otelc_err_name(int err);

/** The library's version string, e.g. "0.1.0". */
OTELC_API const char *otelc_version(void);

/** Wall-clock time now, nanoseconds since the UNIX epoch (CLOCK_REALTIME). */
OTELC_API uint64_t otelc_now_ns(void);
/** Monotonic time now in nanoseconds (CLOCK_MONOTONIC); the clock deadlines are taken on. */
OTELC_API uint64_t otelc_monotonic_ns(void);

/**
 * A pluggable allocator (the nghttp2_mem pattern). Every allocation the library makes goes
 * through it, which lets tests inject failures. All four functions are required.
 */
typedef struct otelc_allocator {
    void *user_data;                                              ///< passed to every call
    void *(*malloc)(size_t size, void *user_data);                ///< like malloc(3)
    void *(*calloc)(size_t n, size_t size, void *user_data);      ///< like calloc(3)
    void *(*realloc)(void *ptr, size_t size, void *user_data);    ///< like realloc(3)
    void (*free)(void *ptr, void *user_data);                     ///< like free(3)
} otelc_allocator;

/**
 * Installs the process-wide allocator. Call it before any other otelc call (or after every
 * otelc object has been freed): memory is always returned to the allocator that gave it.
 *
 * @param a  copied; NULL restores the C library's allocator.
 * @return ::OTELC_OK, or ::OTELC_EINVAL if a function pointer is missing.
 * Not thread-safe with other otelc calls.
 */
OTELC_API int otelc_set_allocator(const otelc_allocator *a);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_COMMON_H */
