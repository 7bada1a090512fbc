/* SPDX-License-Identifier: Apache-2.0 */
/* Per-thread random numbers for ids and sampling, reseeded after fork(). */
#include "sdk/common/tls.h"
#include "random.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Bumped in the child after fork(): a thread whose seed generation differs reseeds, so a
 * child never replays the ids its parent is about to make. */
_Atomic uint32_t otelc__seed_gen = 1;
static pthread_once_t g_atfork_once = PTHREAD_ONCE_INIT;

OTELC__TLS struct otelc__rng otelc__rng_tls;

void otelc__random_after_fork(void) { atomic_fetch_add_explicit(&otelc__seed_gen, 1, memory_order_relaxed); }

static void register_atfork(void) { pthread_atfork(NULL, NULL, otelc__random_after_fork); }

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void otelc__os_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(p + got, len - got, GRND_NONBLOCK);
        if (n > 0) {
            got += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        break;
    }
    if (got < len) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            while (got < len) {
                ssize_t n = read(fd, p + got, len - got);
                if (n > 0)
                    got += (size_t)n;
                else if (!(n < 0 && errno == EINTR))
                    break;
            }
            close(fd);
        }
    }
    if (got < len) {
        /* Last resort (no getrandom, no /dev/urandom): clocks, pid and an address, mixed.
         * Good enough for unique ids, which is all it serves. */
        struct timespec a, b;
        clock_gettime(CLOCK_REALTIME, &a);
        clock_gettime(CLOCK_MONOTONIC, &b);
        uint64_t s = (uint64_t)a.tv_nsec ^ ((uint64_t)a.tv_sec << 20) ^ (uint64_t)b.tv_nsec ^
                     ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)&a;
        while (got < len) {
            s += 0x9e3779b97f4a7c15ull;
            uint64_t r = mix64(s);
            size_t n = len - got < sizeof r ? len - got : sizeof r;
            memcpy(p + got, &r, n);
            got += n;
        }
    }
}

void otelc__rng_reseed(struct otelc__rng *r, uint32_t gen)
{
    pthread_once(&g_atfork_once, register_atfork);
    uint64_t seed;
    otelc__os_random(&seed, sizeof seed);
    r->state = seed;
    r->gen = gen;
}
