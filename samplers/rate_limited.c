/* SPDX-License-Identifier: Apache-2.0 */
/* The rate-limited sampler: a lock-free token bucket admits at most `rate` new traces a second
 * (with bursts of `burst`); spans with a parent follow the parent's sampled flag. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>

#include "sampler_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"

/*
 * The bucket is one 64-bit word, so a CAS loop updates it without a lock: `full_at` is the
 * monotonic time at which the bucket would be full again. At time `now` it holds
 * burst - (full_at - now) / interval tokens (burst when full_at <= now). Taking a token moves
 * full_at one interval later, and is refused when that would put it more than burst intervals
 * ahead of now (fewer than one token left). Each admission moves full_at by at least one
 * interval from a point no earlier than the first admission's time, and full_at never runs
 * more than burst intervals ahead, so k admissions within t ns need k <= burst + t / interval.
 */
struct rate_limited {
    _Atomic uint64_t full_at;
    uint64_t interval_ns; /* refill time of one token, rounded up so the rate is never exceeded */
    uint64_t burst_ns;    /* burst * interval, rounded down */
};

static uint64_t (*g_now_ns)(void);

void otelc__rate_limited_set_clock(uint64_t (*now_ns)(void))
{
    g_now_ns = now_ns;
}

static int take_token(struct rate_limited *rl)
{
    uint64_t now = g_now_ns ? g_now_ns() : otelc__mono_ns();
    uint64_t full_at = atomic_load_explicit(&rl->full_at, memory_order_relaxed);
    for (;;) {
        uint64_t next = (full_at > now ? full_at : now) + rl->interval_ns;
        if (next - now > rl->burst_ns)
            return 0;
        /* Only the word itself is shared: no other memory is published, so relaxed is enough. */
        if (atomic_compare_exchange_weak_explicit(&rl->full_at, &full_at, next,
                                                  memory_order_relaxed, memory_order_relaxed))
            return 1;
    }
}

void otelc__rate_limited_decide(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    const otelc_span_context *parent = p->parent;
    int sample;
    if (parent && otelc__parent_is_valid(parent))
        sample = (parent->trace_flags & OTELC_TRACE_FLAG_SAMPLED) != 0;
    else
        sample = take_token(ud);
    r->decision = sample ? OTELC_SAMPLING_RECORD_AND_SAMPLE : OTELC_SAMPLING_DROP;
}

static void rl_destroy(void *ud)
{
    otelc__free(ud);
}

static const otelc_sampler_methods rl_methods = {OTELC_SAMPLER_METHODS_VERSION,
                                                 otelc__rate_limited_decide, rl_destroy};

OTELC_API int otelc_sampler_rate_limited(otelc_sampler **out, double per_second, double burst)
{
    if (!out)
        return OTELC_EINVAL;
    /* The bounds keep every time below 2^63 ns: an interval of at most 10^12 ns, a burst of
     * at most 10^18 ns. */
    if (!(per_second >= 1e-3 && per_second <= 1e9))
        return OTELC_ERANGE;
    if (burst == 0.0)
        burst = per_second < 1.0 ? 1.0 : per_second > 1e6 ? 1e6 : per_second;
    if (!(burst >= 1.0 && burst <= 1e6))
        return OTELC_ERANGE;
    struct rate_limited *rl = otelc__malloc(sizeof *rl);
    if (!rl)
        return OTELC_ENOMEM;
    atomic_init(&rl->full_at, 0);
    rl->interval_ns = (uint64_t)ceil(1e9 / per_second);
    rl->burst_ns = (uint64_t)floor(burst * (double)rl->interval_ns);
    char rate_s[32], burst_s[32], desc[96];
    otelc__sampler_format_number(rate_s, sizeof rate_s, per_second);
    otelc__sampler_format_number(burst_s, sizeof burst_s, burst);
    snprintf(desc, sizeof desc, "RateLimitedSampler{rate=%s,burst=%s}", rate_s, burst_s);
    int rc = otelc__sampler_make(out, OTELC__SAMPLER_RATE_LIMITED, &rl_methods, rl, desc);
    if (rc != OTELC_OK)
        otelc__free(rl);
    return rc;
}
