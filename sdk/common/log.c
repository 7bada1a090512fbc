/* SPDX-License-Identifier: Apache-2.0 */
/* The SDK's diagnostic log: a threshold from OTEL_LOG_LEVEL, a swappable handler, throttling. */
#include "log_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "tls.h"
#include "env.h"

/* g_threshold holds this until OTEL_LOG_LEVEL has been read or otelc_log_set_level() called. */
#define LEVEL_UNSET (-1)

static _Atomic int g_threshold = LEVEL_UNSET;
static pthread_once_t g_env_once = PTHREAD_ONCE_INIT;
/* Makes "has otelc_log_set_level() been called?" and the store of a level read from the
 * environment one step, so a level read from the environment never replaces the user's. */
static pthread_mutex_t g_level_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_level_set_by_user;

/* Readers call the handler under the read lock, so otelc_log_set_handler() returns only when
 * no thread is still inside the old handler and its user_data may be freed. */
static pthread_rwlock_t g_handler_lock = PTHREAD_RWLOCK_INITIALIZER;
static otelc_log_handler g_handler;
static void *g_handler_ud;

static _Atomic uint64_t g_throttle_ns = OTELC__LOG_THROTTLE_NS;

/* While a thread reads OTEL_LOG_LEVEL, the threshold its own messages are judged by: the
 * default, which is what a bad value leads to, so the warning about it is not lost. Other
 * threads keep the old threshold, or wait in pthread_once() on the first read. */
static OTELC__TLS int tl_parse_threshold = LEVEL_UNSET;
/* Set while this thread runs a handler. A handler that logs (directly or through an otelc
 * call) would otherwise recurse without end, and it would also wait on its own lock. */
static OTELC__TLS int tl_in_handler;

static const char *const g_level_names[] = {"debug", "info", "warn", "error", "none", "warning",
                                            NULL};
static const otelc_log_level g_level_of_name[] = {OTELC_LOG_DEBUG, OTELC_LOG_INFO,
                                                  OTELC_LOG_WARN,  OTELC_LOG_ERROR,
                                                  OTELC_LOG_NONE,  OTELC_LOG_WARN};
#define DEFAULT_LEVEL_INDEX 1

static void read_env_level(void)
{
    pthread_mutex_lock(&g_level_mu);
    int skip = g_level_set_by_user;
    pthread_mutex_unlock(&g_level_mu);
    if (skip)
        return;

    tl_parse_threshold = OTELC_LOG_INFO;
    int i = otelc__env_choice("OTEL_LOG_LEVEL", g_level_names, DEFAULT_LEVEL_INDEX);
    tl_parse_threshold = LEVEL_UNSET;

    pthread_mutex_lock(&g_level_mu);
    if (!g_level_set_by_user)
        atomic_store(&g_threshold, (int)g_level_of_name[i]);
    pthread_mutex_unlock(&g_level_mu);
}

static int threshold(void)
{
    if (tl_parse_threshold != LEVEL_UNSET)
        return tl_parse_threshold;
    int t = atomic_load_explicit(&g_threshold, memory_order_relaxed);
    if (t == LEVEL_UNSET) {
        pthread_once(&g_env_once, read_env_level);
        t = atomic_load(&g_threshold);
    }
    return t;
}

void otelc__log_reload_env(void)
{
    /* After this the threshold is set, so the lazy first read never runs and warns again. */
    read_env_level();
}

void otelc_log_set_level(otelc_log_level level)
{
    /* An out-of-range value (a cast int) cannot be reported from a void call; ignoring it keeps
     * the threshold meaningful. */
    if ((int)level < (int)OTELC_LOG_DEBUG || (int)level > (int)OTELC_LOG_NONE)
        return;
    pthread_mutex_lock(&g_level_mu);
    g_level_set_by_user = 1;
    atomic_store(&g_threshold, (int)level);
    pthread_mutex_unlock(&g_level_mu);
}

otelc_log_level otelc_log_get_level(void) { return (otelc_log_level)threshold(); }

int otelc__log_enabled(otelc_log_level lvl)
{
    return (int)lvl >= (int)OTELC_LOG_DEBUG && (int)lvl < (int)OTELC_LOG_NONE &&
           (int)lvl >= threshold();
}

void otelc_log_set_handler(otelc_log_handler handler, void *user_data)
{
    /* Inside a handler this thread holds the read lock; waiting for the write lock would never
     * end. The header forbids calling back into otelc from a handler, so refusing is enough. */
    if (tl_in_handler)
        return;
    if (pthread_rwlock_wrlock(&g_handler_lock) != 0)
        return;
    g_handler = handler;
    g_handler_ud = handler ? user_data : NULL;
    pthread_rwlock_unlock(&g_handler_lock);
}

void otelc__log_set_throttle_interval_ns(uint64_t ns) { atomic_store(&g_throttle_ns, ns); }

static const char *level_name(otelc_log_level lvl)
{
    switch (lvl) {
    case OTELC_LOG_DEBUG:
        return "debug";
    case OTELC_LOG_INFO:
        return "info";
    case OTELC_LOG_WARN:
        return "warn";
    default:
        return "error";
    }
}

static void default_handler(otelc_log_level lvl, const char *msg)
{
    /* One write(2) per line: lines shorter than PIPE_BUF from concurrent threads then never
     * interleave, on a pipe or on an O_APPEND file, and nothing is buffered in stdio. */
    char line[OTELC__LOG_LINE_MAX + 32];
    int n = snprintf(line, sizeof line, "otelc: %s: %s\n", level_name(lvl), msg);
    if (n < 0)
        return;
    size_t len = (size_t)n;
    if (len >= sizeof line) {
        len = sizeof line - 1;
        line[len - 1] = '\n';
    }
    ssize_t w;
    do {
        w = write(STDERR_FILENO, line, len);
    } while (w < 0 && errno == EINTR);
}

static void call_handler(otelc_log_level lvl, const char *msg)
{
    if (pthread_rwlock_rdlock(&g_handler_lock) != 0)
        return;
    tl_in_handler = 1;
    if (g_handler)
        g_handler(lvl, msg, g_handler_ud);
    else
        default_handler(lvl, msg);
    tl_in_handler = 0;
    pthread_rwlock_unlock(&g_handler_lock);
}

/* Formats the message into buf (OTELC__LOG_LINE_MAX bytes) followed by suffix. A message
 * that does not fit is cut before a whole UTF-8 character and ends in "...". */
static void format_line(char *buf, const char *suffix, const char *fmt, va_list ap)
    OTELC__PRINTF(3, 0);

static void format_line(char *buf, const char *suffix, const char *fmt, va_list ap)
{
    static const char cut_mark[] = "...";
    size_t suffix_len = strlen(suffix);
    size_t room = OTELC__LOG_LINE_MAX - suffix_len;
    int n = vsnprintf(buf, room, fmt, ap);
    size_t len;
    if (n < 0) {
        len = (size_t)snprintf(buf, room, "(unformattable message: %s)", fmt);
        if (len >= room)
            len = room - 1;
    } else if ((size_t)n < room) {
        len = (size_t)n;
    } else {
        len = room - sizeof cut_mark;
        while (len > 0 && ((unsigned char)buf[len] & 0xc0) == 0x80)
            len--;
        memcpy(buf + len, cut_mark, sizeof cut_mark - 1);
        len += sizeof cut_mark - 1;
    }
    memcpy(buf + len, suffix, suffix_len + 1);
}

static void vemit(otelc_log_level lvl, const char *suffix, const char *fmt, va_list ap)
    OTELC__PRINTF(3, 0);

static void vemit(otelc_log_level lvl, const char *suffix, const char *fmt, va_list ap)
{
    /* Logging is a side effect of some other call; it must not change the caller's errno. */
    int saved_errno = errno;
    char buf[OTELC__LOG_LINE_MAX];
    format_line(buf, suffix, fmt, ap);
    call_handler(lvl, buf);
    errno = saved_errno;
}

void otelc__log(otelc_log_level lvl, const char *fmt, ...)
{
    if (tl_in_handler || !otelc__log_enabled(lvl))
        return;
    va_list ap;
    va_start(ap, fmt);
    vemit(lvl, "", fmt, ap);
    va_end(ap);
}

void otelc__log_throttled(struct otelc__throttle *t, otelc_log_level lvl, const char *fmt, ...)
{
    if (tl_in_handler || !otelc__log_enabled(lvl))
        return;
    /* The last time is loaded before the clock is read, so a time another thread stored is
     * never later than now unless that thread won the race after our load. */
    uint64_t last = atomic_load_explicit(&t->last_ns, memory_order_relaxed);
    uint64_t now = otelc__mono_ns() | 1; /* 0 means "never logged" */
    uint64_t interval = atomic_load_explicit(&g_throttle_ns, memory_order_relaxed);
    if ((last != 0 && (now < last || now - last < interval)) ||
        !atomic_compare_exchange_strong_explicit(&t->last_ns, &last, now, memory_order_relaxed,
                                                 memory_order_relaxed)) {
        atomic_fetch_add_explicit(&t->suppressed, 1, memory_order_relaxed);
        return;
    }
    uint64_t n = atomic_exchange_explicit(&t->suppressed, 0, memory_order_relaxed);
    char suffix[64] = "";
    if (n != 0)
        snprintf(suffix, sizeof suffix, " (%" PRIu64 " similar messages suppressed)", n);
    va_list ap;
    va_start(ap, fmt);
    vemit(lvl, suffix, fmt, ap);
    va_end(ap);
}
