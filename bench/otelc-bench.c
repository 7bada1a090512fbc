/* SPDX-License-Identifier: Apache-2.0 */
/* otelc-bench: measures what otelc costs; one subcommand per question (see bench_*.c). */
#include <stdio.h>

#include "bench_common.h"
#include "bench_peers.h"
#include "cli.h"

static const struct cli_command commands[] = {
    {"span", "ns per span: sampled (0 and 4 attributes), not sampled, and references",
     bench_span_main},
    {"batch", "spans through the batch processor: ns per span, spans/s, drops",
     bench_batch_main},
    {"propagation", "ns per extract and inject: traceparent, 10-member tracestate and baggage",
     bench_propagation_main},
    {"samplers", "per sampler: ns per decision and per span, fraction sampled, 1 and 2 threads",
     bench_samplers_main},
    {"export", "spans/s encoded to OTLP protobuf and JSON (4 attributes), bytes per span",
     bench_export_main},
    {"workload", "one compare workload in the protocol the peers speak (one JSON line)",
     bench_workload_main},
    {"compare", "otelc against the Go and JavaScript SDKs: medians, ratios, RSS, CPU, budgets",
     bench_compare_main},
    {"metrics", "ns per counter add and histogram record: 0 and 3 attributes, bound and "
                "unbound, 1 and 2 threads",
     bench_metrics_main},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: otelc-bench COMMAND [--iterations N] [--rounds R] [--json]\n"
               "Each workload runs a warm-up, then R rounds of N operations; the median and the\n"
               "minimum ns per operation are reported. (otelc-bench COMMAND --help for more.)\n"
               "Commands:\n");
    cli_print_commands(f, commands, sizeof commands / sizeof commands[0]);
}

int main(int argc, char **argv)
{
    return cli_dispatch(argc, argv, commands, sizeof commands / sizeof commands[0], usage);
}
