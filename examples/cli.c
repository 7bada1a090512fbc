/* SPDX-License-Identifier: Apache-2.0 */
/* Strict command-line parsing shared by the otelc tools: numbers, flags and subcommands. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    /* strtoull accepts leading spaces and a minus sign (and wraps the value), so only plain
     * digits are let through to it. */
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        return -1;
    if ((uint64_t)v < min || (uint64_t)v > max)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static const struct cli_flag *find_flag(const char *arg, size_t len, const struct cli_flag *flags,
                                        size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(flags[i].name) == len && memcmp(flags[i].name, arg, len) == 0)
            return &flags[i];
    return NULL;
}

enum cli_result cli_parse_flags(int argc, char **argv, const struct cli_flag *flags, size_t n)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return CLI_HELP;
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const struct cli_flag *f = find_flag(arg, len, flags, n);
        if (f == NULL) {
            fprintf(stderr, "unknown argument '%s'\n", arg);
            return CLI_ERROR;
        }
        if (f->metavar == NULL) {
            if (eq != NULL) {
                fprintf(stderr, "%s takes no value\n", f->name);
                return CLI_ERROR;
            }
            *f->dst = 1;
            continue;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (value == NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s needs a value\n", f->name);
                return CLI_ERROR;
            }
            value = argv[++i];
        }
        if (f->str_dst != NULL) {
            *f->str_dst = value;
            continue;
        }
        if (cli_parse_u64(value, f->min, f->max, f->dst) != 0) {
            fprintf(stderr,
                    "bad value '%s' for %s: want a whole number from %" PRIu64 " to %" PRIu64 "\n",
                    value, f->name, f->min, f->max);
            return CLI_ERROR;
        }
    }
    return CLI_OK;
}

void cli_print_flags(FILE *f, const struct cli_flag *flags, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct cli_flag *fl = &flags[i];
        if (fl->metavar == NULL) {
            fprintf(f, "  %-18s %s\n", fl->name, fl->help);
            continue;
        }
        char head[64];
        snprintf(head, sizeof head, "%s %s", fl->name, fl->metavar);
        if (fl->str_dst != NULL) {
            fprintf(f, "  %-18s %s (default %s)\n", head, fl->help,
                    *fl->str_dst ? *fl->str_dst : "none");
            continue;
        }
        fprintf(f, "  %-18s %s (%" PRIu64 "..%" PRIu64 ", default %" PRIu64 ")\n", head, fl->help,
                fl->min, fl->max, *fl->dst);
    }
}

int cli_parse_command(int argc, char **argv, const struct cli_flag *flags, size_t n,
                      void (*usage)(FILE *f), const uint64_t *required, const char *required_name)
{
    switch (cli_parse_flags(argc - 1, argv + 1, flags, n)) {
    case CLI_HELP:
        usage(stdout);
        return 0;
    case CLI_ERROR:
        usage(stderr);
        return 2;
    case CLI_OK:
        break;
    }
    if (*required == 0) {
        fprintf(stderr, "%s is required\n", required_name);
        usage(stderr);
        return 2;
    }
    return -1;
}

void cli_print_commands(FILE *f, const struct cli_command *cmds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
}

int cli_dispatch(int argc, char **argv, const struct cli_command *cmds, size_t n,
                 void (*usage)(FILE *f))
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].run(argc - 1, argv + 1);
    fprintf(stderr, "unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
