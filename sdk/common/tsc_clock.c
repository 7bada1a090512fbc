/* SPDX-License-Identifier: Apache-2.0 */
/* Calibration of the TSC span clock against the system clocks (see tsc_clock.h). */
#include "tsc_clock.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "env.h"
#include "log_internal.h"
#include "tls.h"

#if OTELC__HAVE_TSC
#include <cpuid.h>
#endif

struct otelc__tsc_scale otelc__tsc;

/* Calibration state, touched only by the thread that owns the calibration: cal_owner holds
 * its pid while it works (0: nobody). Not a mutex and no fork hook: a hook would have to be
 * registered under the fork registry's lock, which a fork() in progress holds while it waits
 * for the batch worker, the thread that calibrates. A child inherits cal_owner set by a
 * parent's thread that does not exist there; the pid tells, and the child takes it over. */
static _Atomic pid_t cal_owner;
static _Atomic int cal_state; /* 0 not started, 1 base taken, 2 published, -1 not usable */
static uint64_t base_tsc, base_mono, last_anchor_mono;
static uint64_t published_baseline; /* ns between the base pair and the pair of the last scale */

/* Takes the calibration for the calling process, or returns 0 when one of its threads has
 * it. */
static int cal_take(void)
{
    pid_t me = getpid(), owner = 0;
    if (atomic_compare_exchange_strong(&cal_owner, &owner, me))
        return 1;
    /* Held by a thread of the parent process (we are a child of fork): take it over. */
    return owner != me && atomic_compare_exchange_strong(&cal_owner, &owner, me);
}

static void cal_give(void) { atomic_store(&cal_owner, 0); }

#define CAL_FIRST_NS 20000000ull   /* the first scale after 20 ms */
#define CAL_EVERY_NS 1000000000ull /* then re-anchored once a second */

uint64_t otelc__tsc_compute_mult(uint64_t btsc, uint64_t bmono, uint64_t tsc, uint64_t mono)
{
    if (tsc <= btsc || mono <= bmono)
        return 0;
    /* A double keeps 53 bits: the rate is exact to far better than the clocks' jitter. */
    double m = (double)(mono - bmono) / (double)(tsc - btsc) * 4294967296.0;
    /* 0.05 ns per tick is a 20 GHz counter, 20 ns per tick a 50 MHz one. */
    if (!(m >= 4294967296.0 / 20.0 && m <= 4294967296.0 * 20.0))
        return 0;
    return (uint64_t)m;
}

int otelc__tsc_ready(void) { return (int)atomic_load(&otelc__tsc.ready); }

int otelc__tsc_calibrating(void)
{
#if OTELC__HAVE_TSC
    int st = atomic_load_explicit(&cal_state, memory_order_relaxed);
    return st == 0 || st == 1;
#else
    return 0;
#endif
}

void otelc__tsc_reset(void)
{
    while (!cal_take())
        sched_yield();
    atomic_store(&otelc__tsc.ready, 0);
    cal_state = 0;
    published_baseline = 0;
    cal_give();
}

#if OTELC__HAVE_TSC
/* The CPU says its TSC runs at a constant rate in every power state (CPUID 8000_0007h EDX[8]),
 * and the kernel trusts it enough to keep time with it (it checks the counters of all CPUs
 * are in step before it does). */
static int tsc_usable(void)
{
    const char *v = otelc__getenv("OTELC_SPAN_CLOCK");
    if (v && v[0]) {
        if (strcasecmp(v, "system") == 0)
            return 0;
        if (strcasecmp(v, "tsc") != 0 && strcasecmp(v, "auto") != 0)
            otelc__log(OTELC_LOG_WARN, "OTELC_SPAN_CLOCK='%s' is not auto, tsc or system; "
                                       "using auto", v);
    }
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u)
        return 0;
    __cpuid(0x80000007u, a, b, c, d);
    if (!(d & (1u << 8)))
        return 0;
    int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource",
                  O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[32] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n >= 3 && strncmp(buf, "tsc", 3) == 0 && (buf[3] == '\n' || buf[3] == '\0');
}

/* A (counter, clock) pair read as close together as the machine allows: the best of a few
 * tries, by the counter ticks the clock read took. */
static void read_pair(clockid_t id, uint64_t *tsc, uint64_t *ns)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 5; i++) {
        uint64_t t1 = __rdtsc();
        uint64_t c = otelc__clock_ns(id);
        uint64_t t2 = __rdtsc();
        if (t2 >= t1 && t2 - t1 < best) {
            best = t2 - t1;
            *tsc = t1 + (t2 - t1) / 2;
            *ns = c;
        }
    }
    if (best == UINT64_MAX) {
        *tsc = __rdtsc();
        *ns = otelc__clock_ns(id);
    }
}

static void publish(uint64_t tsc0, uint64_t wall0, uint64_t mult)
{
    /* A second's worth of ticks: mult is ns per tick in 32.32. */
    uint64_t stale = (uint64_t)((double)CAL_EVERY_NS * 4294967296.0 / (double)mult);
    uint32_t s = atomic_load_explicit(&otelc__tsc.seq, memory_order_relaxed);
    atomic_store_explicit(&otelc__tsc.seq, s + 1, memory_order_relaxed);
    atomic_store_explicit(&otelc__tsc.tsc0, tsc0, memory_order_release);
    atomic_store_explicit(&otelc__tsc.wall0, wall0, memory_order_release);
    atomic_store_explicit(&otelc__tsc.mult, mult, memory_order_release);
    atomic_store_explicit(&otelc__tsc.stale, stale, memory_order_release);
    atomic_store_explicit(&otelc__tsc.seq, s + 2, memory_order_release);
    atomic_store_explicit(&otelc__tsc.ready, 1, memory_order_release);
}

static void calibrate(uint64_t mono_now)
{
    if (cal_state == 0) {
        if (!tsc_usable()) {
            cal_state = -1;
            return;
        }
        read_pair(CLOCK_MONOTONIC, &base_tsc, &base_mono);
        cal_state = 1;
        return;
    }
    if (cal_state < 0 || mono_now - base_mono < CAL_FIRST_NS ||
        (cal_state == 2 && mono_now - last_anchor_mono < CAL_EVERY_NS))
        return;
    uint64_t tsc, mono, wtsc, wall;
    read_pair(CLOCK_MONOTONIC, &tsc, &mono);
    uint64_t mult = otelc__tsc_compute_mult(base_tsc, base_mono, tsc, mono);
    uint64_t old = atomic_load_explicit(&otelc__tsc.mult, memory_order_relaxed);
    /* The rate is measured over the whole time since the base pair, so it only gets better.
     * A pair read on a busy machine can be off by tens of microseconds, which over the first
     * 20 ms baseline is a 0.1% error: the rate is checked only against one measured over at
     * least a second (an error under 0.01%). A change of more than 0.5% then means the counter
     * cannot be trusted (a migration to a host with another TSC rate, a counter that stops):
     * back to the system clock for good. */
    int check = cal_state == 2 && published_baseline >= CAL_EVERY_NS;
    if (!mult || (check && (mult > old + old / 200 || mult < old - old / 200))) {
        atomic_store(&otelc__tsc.ready, 0);
        cal_state = -1;
        otelc__log(OTELC_LOG_DEBUG, "span clock: the TSC rate is unstable; using "
                                    "clock_gettime");
        return;
    }
    read_pair(CLOCK_REALTIME, &wtsc, &wall);
    publish(wtsc, wall, mult);
    published_baseline = mono - base_mono;
    cal_state = 2;
    last_anchor_mono = mono;
}
#endif

void otelc__tsc_tick(uint64_t mono_now)
{
#if OTELC__HAVE_TSC
    if (!cal_take())
        return;
    calibrate(mono_now);
    cal_give();
#else
    (void)mono_now;
#endif
}

void otelc__tsc_refresh(void) { otelc__tsc_tick(otelc__mono_ns()); }

uint64_t otelc__span_time_system(void)
{
#if OTELC__HAVE_TSC
    /* Every 256th system-clock read of a thread nudges a calibration that is under way. */
    static OTELC__TLS uint32_t reads;
    if ((++reads & 255u) == 0 && otelc__tsc_calibrating())
        otelc__tsc_tick(otelc__mono_ns());
#endif
    return otelc__now_ns();
}
