/* SPDX-License-Identifier: Apache-2.0 */
/* Timing, statistics and report helpers shared by the otelc-bench subcommands. */
#include "bench_common.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint64_t warmup_iterations(const struct bench_config *cfg)
{
    return cfg->iterations / 10 ? cfg->iterations / 10 : 1;
}

uint64_t bench_total_iterations(const struct bench_config *cfg)
{
    uint64_t rounds = cfg->rounds < BENCH_MAX_ROUNDS ? cfg->rounds : BENCH_MAX_ROUNDS;
    return warmup_iterations(cfg) + rounds * cfg->iterations;
}

int bench_measure(struct bench_report *rep, const char *name, bench_fn fn, void *ctx)
{
    if (rep->count >= BENCH_MAX_RESULTS)
        return -1;
    const struct bench_config *cfg = &rep->config;
    double per_op[BENCH_MAX_ROUNDS];
    uint64_t rounds = cfg->rounds < BENCH_MAX_ROUNDS ? cfg->rounds : BENCH_MAX_ROUNDS;

    /* The warm-up fills caches, pools and branch predictors, and lets the CPU clock up. */
    fn(ctx, warmup_iterations(cfg));
    for (uint64_t r = 0; r < rounds; r++) {
        uint64_t t0 = bench_now_ns();
        fn(ctx, cfg->iterations);
        uint64_t t1 = bench_now_ns();
        per_op[r] = (double)(t1 - t0) / (double)cfg->iterations;
    }
    qsort(per_op, (size_t)rounds, sizeof per_op[0], cmp_double);
    struct bench_result *res = &rep->results[rep->count++];
    res->name = name;
    res->min_ns = per_op[0];
    res->median_ns =
        rounds % 2 ? per_op[rounds / 2] : (per_op[rounds / 2 - 1] + per_op[rounds / 2]) / 2.0;
    return 0;
}

static void print_json(FILE *f, const struct bench_report *rep)
{
    fprintf(f,
            "{\"command\":\"%s\",\"iterations\":%llu,\"rounds\":%llu,\"unit\":\"ns/op\","
            "\"results\":{",
            rep->command, (unsigned long long)rep->config.iterations,
            (unsigned long long)rep->config.rounds);
    for (size_t i = 0; i < rep->count; i++) {
        const struct bench_result *r = &rep->results[i];
        fprintf(f, "%s\"%s\":{\"median_ns\":%.3f,\"min_ns\":%.3f}", i ? "," : "", r->name,
                r->median_ns, r->min_ns);
    }
    fprintf(f, "}}\n");
}

static void print_table(FILE *f, const struct bench_report *rep)
{
    fprintf(f, "otelc-bench %s: %llu rounds of %llu iterations, ns per operation\n", rep->command,
            (unsigned long long)rep->config.rounds, (unsigned long long)rep->config.iterations);
    fprintf(f, "%-32s %12s %12s\n", "workload", "median", "min");
    for (size_t i = 0; i < rep->count; i++) {
        const struct bench_result *r = &rep->results[i];
        fprintf(f, "%-32s %12.2f %12.2f\n", r->name, r->median_ns, r->min_ns);
    }
}

void bench_print(FILE *f, const struct bench_report *rep)
{
    if (rep->config.json)
        print_json(f, rep);
    else
        print_table(f, rep);
    fflush(f);
}

int bench_parse_flags(int argc, char **argv, const char *usage_head, struct bench_config *cfg,
                      const struct cli_flag *extra, size_t n_extra)
{
    struct bench_config defaults = *cfg;
    struct cli_flag flags[3 + 8];
    size_t n = 0;
    flags[n++] = cli_num("--iterations", "N", &cfg->iterations, 1, UINT64_MAX / 2,
                         "operations per timed round");
    flags[n++] = cli_num("--rounds", "R", &cfg->rounds, 1, BENCH_MAX_ROUNDS,
                         "timed rounds (median and min are reported)");
    flags[n++] = cli_switch("--json", &cfg->json, "print one JSON object instead of a table");
    for (size_t i = 0; i < n_extra && i < 8; i++)
        flags[n++] = extra[i];

    enum cli_result r = cli_parse_flags(argc - 1, argv + 1, flags, n);
    if (r == CLI_OK)
        return BENCH_RUN;
    /* The usage shows the defaults, not what was parsed before the bad argument. */
    *cfg = defaults;
    FILE *f = r == CLI_HELP ? stdout : stderr;
    fprintf(f, "%s", usage_head);
    cli_print_flags(f, flags, n);
    return r == CLI_HELP ? 0 : 2;
}

void bench_set_4_attrs(otelc_span *s)
{
    otelc_span_set_attr_str(s, "http.request.method", "GET");
    otelc_span_set_attr_int(s, "http.response.status_code", 200);
    otelc_span_set_attr_double(s, "bench.ratio", 0.25);
    otelc_span_set_attr_bool(s, "bench.cached", 1);
}
