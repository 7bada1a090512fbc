/* SPDX-License-Identifier: Apache-2.0 */
/* The `metrics` subcommand of otelc-gen. */
#ifndef OTELC_EXAMPLES_GEN_METRICS_H
#define OTELC_EXAMPLES_GEN_METRICS_H

/* Runs `otelc-gen metrics` (argv[0] is "metrics"); returns the exit status. */
int gen_cmd_metrics(int argc, char **argv);

#endif
