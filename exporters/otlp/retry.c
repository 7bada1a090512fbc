/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP exporters' retry policy, shared by the HTTP and the gRPC exporters. */
#include "exporters/otlp/retry.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "sdk/common/clock.h"
#include "sdk/common/env.h"
#include "sdk/common/random.h"

#define NS_PER_S 1000000000ull
/* A Retry-After longer than this is taken as this: the export deadline cuts it anyway. */
#define RETRY_AFTER_MAX_S 3600ull
/* The least time left for an attempt to be worth making. */
#define LAST_TRY_NS (100ull * 1000000ull)

void otelc__retry_init(struct otelc__retry *r)
{
    r->attempt = 0;
    r->initial_ns = 500ull * 1000000ull;
    r->max_ns = 5ull * NS_PER_S;
}

int otelc__retry_http_status_retryable(long status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

int otelc__retry_grpc_status_retryable(int code, int has_retry_info)
{
    switch (code) {
    case 1:  /* CANCELLED */
    case 4:  /* DEADLINE_EXCEEDED */
    case 10: /* ABORTED */
    case 11: /* OUT_OF_RANGE */
    case 14: /* UNAVAILABLE */
    case 15: /* DATA_LOSS */
        return 1;
    case 8: /* RESOURCE_EXHAUSTED: only when the server says recovery is possible */
        return has_retry_info;
    default:
        return 0;
    }
}

int otelc__retry_after_parse(const char *v, size_t len, int64_t now_unix_s, uint64_t *wait_ns)
{
    char tmp[64];
    uint64_t secs;
    struct tm tm;

    otelc__trim(&v, &len);
    if (len == 0 || len >= sizeof tmp)
        return -1;
    if (otelc__parse_u64(v, len, &secs) == 0) {
        *wait_ns = (secs > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S : secs) * NS_PER_S;
        return 0;
    }
    memcpy(tmp, v, len);
    tmp[len] = '\0';
    memset(&tm, 0, sizeof tm);
    /* The IMF-fixdate form of RFC 9110, the one senders must use. */
    const char *end = strptime(tmp, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0')
        return -1;
    int64_t at = (int64_t)timegm(&tm);
    int64_t d = at - now_unix_s;
    if (d < 0)
        d = 0;
    if ((uint64_t)d > RETRY_AFTER_MAX_S)
        d = (int64_t)RETRY_AFTER_MAX_S;
    *wait_ns = (uint64_t)d * NS_PER_S;
    return 0;
}

int otelc__retry_next(struct otelc__retry *r, uint64_t retry_after_ns, uint64_t deadline,
                      uint64_t *wait_ns)
{
    uint64_t wait = retry_after_ns;
    if (wait == 0) {
        uint64_t step = r->initial_ns;
        for (uint32_t i = 0; i < r->attempt && step < r->max_ns; i++)
            step *= 2;
        if (step > r->max_ns)
            step = r->max_ns;
        /* Jitter spreads the retries of many processes that failed together. */
        wait = step / 2 + otelc__rand64() % (step / 2 + 1);
    }
    r->attempt++;
    uint64_t now = otelc__mono_ns();
    if (now + wait + LAST_TRY_NS <= deadline) {
        *wait_ns = wait;
        return 0;
    }
    /* A backoff step that overshoots is cut so one last attempt still fits; a wait the
     * receiver asked for is not: trying earlier than it said is pointless. */
    if (retry_after_ns != 0 || now + 2 * LAST_TRY_NS > deadline)
        return -1;
    *wait_ns = deadline - now - LAST_TRY_NS;
    return 0;
}

void otelc__retry_sleep(uint64_t wait_ns)
{
    struct timespec ts = {(time_t)(wait_ns / NS_PER_S), (long)(wait_ns % NS_PER_S)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
