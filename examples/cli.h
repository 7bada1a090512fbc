/* SPDX-License-Identifier: Apache-2.0 */
/* Strict command-line parsing shared by the otelc tools (otelc-gen, otelc-demo, otelc-bench). */
#ifndef OTELC_EXAMPLES_CLI_H
#define OTELC_EXAMPLES_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What cli_parse_flags() found. */
enum cli_result {
    CLI_OK = 0,    /* every argument was a known flag with a good value */
    CLI_HELP = 1,  /* --help or -h was given: print usage, exit 0 */
    CLI_ERROR = -1 /* a message naming the bad argument went to stderr: usage, exit 2 */
};

/* One flag. A flag with a metavar takes a number (`--name N` or `--name=N`) that must lie in
 * [min, max], or with str_dst set a string; a flag without one is a switch that sets *dst
 * to 1. */
struct cli_flag {
    const char *name;    /* "--count" */
    const char *metavar; /* "N" in the usage text; NULL for a switch */
    uint64_t *dst;       /* where the value goes; keeps its default when the flag is absent */
    uint64_t min;        /* smallest accepted value */
    uint64_t max;        /* largest accepted value */
    const char *help;    /* one line for the usage text */
    const char **str_dst; /* a string flag's value (borrowed from argv); NULL for the others */
};

/* A flag that takes a number in [min, max]. */
static inline struct cli_flag cli_num(const char *name, const char *metavar, uint64_t *dst,
                                      uint64_t min, uint64_t max, const char *help)
{
    struct cli_flag f = {name, metavar, dst, min, max, help, NULL};
    return f;
}

/* A flag that takes a string (`--name S` or `--name=S`); *dst points into argv after parsing
 * and keeps its default when the flag is absent. */
static inline struct cli_flag cli_str(const char *name, const char *metavar, const char **dst,
                                      const char *help)
{
    struct cli_flag f = {name, metavar, NULL, 0, 0, help, dst};
    return f;
}

/* A switch: present sets *dst to 1. */
static inline struct cli_flag cli_switch(const char *name, uint64_t *dst, const char *help)
{
    struct cli_flag f = {name, NULL, dst, 0, 1, help, NULL};
    return f;
}

/* Parses a whole decimal number in [min, max]: no sign, no spaces, no trailing characters.
 * Returns 0 and sets *out, or -1 (and leaves *out alone). */
int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Parses argv[0..argc) against the @p n flags. Later occurrences of a flag win. */
enum cli_result cli_parse_flags(int argc, char **argv, const struct cli_flag *flags, size_t n);

/* A subcommand's flags (argv[0] is the subcommand) with a required flag: prints usage (to
 * stdout after --help, else to stderr) and returns the exit status (0 or 2) when the command
 * must not run, or -1 when it may. *required is the required flag's value, 0 when absent. */
int cli_parse_command(int argc, char **argv, const struct cli_flag *flags, size_t n,
                      void (*usage)(FILE *f), const uint64_t *required, const char *required_name);

/* Writes one usage line per flag, with its range and default (the value in *dst now). */
void cli_print_flags(FILE *f, const struct cli_flag *flags, size_t n);

/* A subcommand: its name, what it does, and its entry point (argv[0] is the subcommand). */
struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

/* Runs the subcommand named by argv[1]; prints @p usage (a function of the program's own) and
 * returns 2 when it is missing or unknown, 0 for --help. */
int cli_dispatch(int argc, char **argv, const struct cli_command *cmds, size_t n,
                 void (*usage)(FILE *f));

/* Prints the subcommand list, one per line. */
void cli_print_commands(FILE *f, const struct cli_command *cmds, size_t n);

#endif /* OTELC_EXAMPLES_CLI_H */
