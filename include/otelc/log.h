/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file log.h  The SDK's own diagnostic log: levels, `OTEL_LOG_LEVEL`, a user handler.
 *
 * The SDK never logs header values, tokens or key material. Messages from hot paths are
 * throttled (at most one line per message site per interval), so a misbehaving caller cannot
 * flood the host's stderr.
 */
#ifndef OTELC_LOG_H
#define OTELC_LOG_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Severity of a diagnostic message. */
typedef enum otelc_log_level {
    OTELC_LOG_DEBUG = 0, ///< detail for debugging the SDK
    OTELC_LOG_INFO = 1,  ///< normal but notable events
    OTELC_LOG_WARN = 2,  ///< bad input or configuration; a default is used
    OTELC_LOG_ERROR = 3, ///< data was lost or a component failed
    OTELC_LOG_NONE = 4   ///< as a threshold: log nothing
} otelc_log_level;

/**
 * Receives each diagnostic line that passes the level threshold.
 * @param msg  borrowed, valid only during the call; no trailing newline.
 * Called from any thread, possibly concurrently; it must not call back into otelc.
 */
typedef void (*otelc_log_handler)(otelc_log_level level, const char *msg, void *user_data);

/** Replaces the handler (NULL restores the default, which writes `otelc: <level>: <msg>` to
 *  stderr). Thread-safe. */
OTELC_API void otelc_log_set_handler(otelc_log_handler handler, void *user_data);
/** Sets the threshold; messages below it are discarded. The initial threshold comes from
 *  `OTEL_LOG_LEVEL` (debug, info, warn, error, none; default info). Thread-safe. */
OTELC_API void otelc_log_set_level(otelc_log_level level);
/** The current threshold. */
OTELC_API otelc_log_level otelc_log_get_level(void);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_LOG_H */
