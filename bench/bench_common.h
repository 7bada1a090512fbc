/* SPDX-License-Identifier: Apache-2.0 */
/* Timing, statistics and report helpers shared by the otelc-bench subcommands. */
#ifndef OTELC_BENCH_COMMON_H
#define OTELC_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <otelc/trace.h>

#define BENCH_MAX_ROUNDS 101u
#define BENCH_MAX_RESULTS 32u

/* Keeps the compiler from deleting or merging the loop around it, at no run-time cost. */
static inline void bench_barrier(void)
{
    __asm__ __volatile__("" : : : "memory");
}

/* Monotonic time in nanoseconds, read directly so the helper costs one clock read. */
static inline uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A workload: runs its operation @p iterations times. Timing the whole loop (rather than each
 * call) keeps the clock read out of the per-operation cost. */
typedef void (*bench_fn)(void *ctx, uint64_t iterations);

/* How every workload of a run is measured. */
struct bench_config {
    uint64_t iterations; /* operations per round */
    uint64_t rounds;     /* timed rounds; the median and the minimum are reported */
    uint64_t json;       /* 1: one JSON object instead of a table */
};

/* One workload's outcome, in nanoseconds per operation. */
struct bench_result {
    const char *name;
    double median_ns;
    double min_ns;
};

/* The results of one subcommand, printed together. */
struct bench_report {
    const char *command;
    struct bench_config config;
    struct bench_result results[BENCH_MAX_RESULTS];
    size_t count;
};

/* Operations bench_measure() runs for one workload: the warm-up's and the timed rounds'. */
uint64_t bench_total_iterations(const struct bench_config *cfg);

/* Runs one untimed warm-up round (a tenth of the iterations, at least one), then
 * config.rounds timed rounds of @p fn, and appends the median and minimum ns/op to @p rep.
 * Returns 0, or -1 when the report is full. */
int bench_measure(struct bench_report *rep, const char *name, bench_fn fn, void *ctx);

/* Prints the report: a table, or with config.json one JSON object on one line. */
void bench_print(FILE *f, const struct bench_report *rep);

/* bench_parse_flags() returns this when the subcommand should go on and run. */
#define BENCH_RUN (-1)

struct cli_flag;

/* Parses the flags every subcommand shares (--iterations N, --rounds R, --json) into @p cfg,
 * which holds the subcommand's defaults, and the subcommand's own @p extra flags (at most 8).
 * argv[0] is the subcommand. Returns ::BENCH_RUN to go on, or the exit status to return at
 * once: 0 after --help, 2 after a bad argument (usage, headed by @p usage_head, is printed). */
int bench_parse_flags(int argc, char **argv, const char *usage_head, struct bench_config *cfg,
                      const struct cli_flag *extra, size_t n_extra);

/* Sets the 4 attributes of a typical server span (string, int, double, bool) on @p s: the
 * spans of `span` and `export` carry the same ones. */
void bench_set_4_attrs(otelc_span *s);

/* The subcommands: argv[0] is the subcommand's name. Each returns the exit status. */
int bench_span_main(int argc, char **argv);
int bench_batch_main(int argc, char **argv);
int bench_propagation_main(int argc, char **argv);
int bench_samplers_main(int argc, char **argv);
int bench_export_main(int argc, char **argv);
int bench_metrics_main(int argc, char **argv);

#endif /* OTELC_BENCH_COMMON_H */
