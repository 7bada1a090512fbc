/* SPDX-License-Identifier: Apache-2.0 */
/* Internal logging: printf-style, level-filtered, and throttled per call site on hot paths. */
#ifndef OTELC_SDK_COMMON_LOG_INTERNAL_H
#define OTELC_SDK_COMMON_LOG_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include "otelc/log.h"

#if defined(__GNUC__)
#define OTELC__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define OTELC__PRINTF(f, a)
#endif

/* Longest message a handler receives, counting its NUL; longer ones are cut and end in "...". */
#define OTELC__LOG_LINE_MAX 1024

/* 1 when a message at lvl would be emitted. */
int otelc__log_enabled(otelc_log_level lvl);
/* Formats and emits one line (no trailing newline needed). Safe from any thread. */
void otelc__log(otelc_log_level lvl, const char *fmt, ...) OTELC__PRINTF(2, 3);

/* State of one throttled call site: at most one line per OTELC__LOG_THROTTLE_NS; the next
 * line that passes says how many were suppressed. Zero-initialised statics are valid.
 * last_ns is the monotonic time of the last line (0: none yet), so a change of the interval
 * applies to sites that have already logged. */
struct otelc__throttle {
    _Atomic uint64_t last_ns;
    _Atomic uint64_t suppressed;
};
#define OTELC__LOG_THROTTLE_NS (10ull * 1000000000ull)

void otelc__log_throttled(struct otelc__throttle *t, otelc_log_level lvl, const char *fmt, ...)
    OTELC__PRINTF(3, 4);

#define OTELC__LOG_THROTTLED(lvl, ...)                                                        \
    do {                                                                                      \
        static struct otelc__throttle otelc__t_;                                              \
        otelc__log_throttled(&otelc__t_, (lvl), __VA_ARGS__);                                 \
    } while (0)

/* Sets the throttling interval of every site (0: no throttling); for tests, which restore
 * OTELC__LOG_THROTTLE_NS when done. */
void otelc__log_set_throttle_interval_ns(uint64_t ns);

/* Re-reads OTEL_LOG_LEVEL (unless otelc_log_set_level() was called); for tests and init. */
void otelc__log_reload_env(void);

#endif
