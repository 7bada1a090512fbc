/* SPDX-License-Identifier: Apache-2.0 */
/* `otelc-bench compare`: otelc against the OpenTelemetry SDKs for Go and JavaScript, the same
 * workloads run interleaved in fresh processes, reported as medians and ratios peer/otelc. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_common.h"
#include "bench_peers.h"
#include "cli.h"

#ifndef OTELC_BENCH_SOURCE_DIR
#error "bench/meson.build defines OTELC_BENCH_SOURCE_DIR"
#endif
#ifndef OTELC_BENCH_BUILD_DIR
#error "bench/meson.build defines OTELC_BENCH_BUILD_DIR"
#endif

/* Where Debian's golang-*-dev packages put their sources: the Go peer builds against it in
 * GOPATH mode, offline. */
#define DEBIAN_GOPATH "/usr/share/gocode"
#define GO_OTEL_SRC DEBIAN_GOPATH "/src/go.opentelemetry.io/otel"
#define JS_DIR OTELC_BENCH_SOURCE_DIR "/bench/peers/js"
#define PEERS_BUILD_DIR OTELC_BENCH_BUILD_DIR "/peers"

#define MAX_WORKLOADS 8u
#define REASON_LEN 200

enum { PROG_OTELC, PROG_GO, PROG_JS, N_PROGS };

/* One program of the comparison and how to run it: head[] then WORKLOAD --iterations N. */
struct program {
    const char *name;
    int wanted;  /* ours always; a peer when --peers names it */
    int ready;   /* found (and built) */
    char why[REASON_LEN]; /* why a wanted peer is not ready */
    char version[160];
    char path[512];
    char arg[512];
    const char *head[3];
    size_t n_head;
};

/* One program's rounds of one workload. */
struct cell {
    double ns[BENCH_MAX_ROUNDS];
    size_t n;
    int unsupported;
    int failures;
};

struct compare {
    uint64_t rounds, iterations, json, no_extras;
    struct program prog[N_PROGS];
    const char *workloads[MAX_WORKLOADS];
    size_t n_workloads;
    struct cell cells[MAX_WORKLOADS][N_PROGS];
    struct bench_extra extras[4];
    size_t n_extras;
    char self[512];
};

static int cmp_path(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The first line of @p path holding @p key, from just after it to the next '"'; "" if none. */
static void read_quoted_after(const char *path, const char *key, char *out, size_t size)
{
    char line[512];
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        const char *p = strstr(line, key);
        if (p == NULL)
            continue;
        p += strlen(key);
        const char *q = strchr(p, '"');
        if (q != NULL && (size_t)(q - p) < size) {
            memcpy(out, p, (size_t)(q - p));
            out[q - p] = '\0';
        }
        break;
    }
    fclose(f);
}

static void trim_newline(char *s)
{
    s[strcspn(s, "\r\n")] = '\0';
}

#define GO_MAX_FILES 16
#define GO_DIR OTELC_BENCH_SOURCE_DIR "/bench/peers/go"

/* The paths of the Go peer's source files (not its tests), sorted; returns how many. */
static size_t go_files(char files[GO_MAX_FILES][512])
{
    size_t n = 0;
    DIR *d = opendir(GO_DIR);
    if (d == NULL)
        return 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < GO_MAX_FILES;) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".go") != 0 ||
            (len > 8 && strcmp(e->d_name + len - 8, "_test.go") == 0))
            continue;
        if (snprintf(files[n], 512, "%s/%s", GO_DIR, e->d_name) < 512)
            n++;
    }
    closedir(d);
    qsort(files, n, sizeof files[0], cmp_path);
    return n;
}

/* Finds go and Debian's OpenTelemetry Go sources, and builds the Go peer into the build dir. */
static void prepare_go(struct program *p)
{
    char go[512], out[256];
    if (bench_find_program("go", go, sizeof go) != 0) {
        snprintf(p->why, sizeof p->why, "go not found (scripts/bootstrap --peers installs it)");
        return;
    }
    if (access(GO_OTEL_SRC "/sdk/trace/provider.go", R_OK) != 0) {
        snprintf(p->why, sizeof p->why,
                 "golang-opentelemetry-otel-dev not installed (scripts/bootstrap --peers)");
        return;
    }
    if ((mkdir(PEERS_BUILD_DIR, 0755) != 0 && errno != EEXIST)) {
        snprintf(p->why, sizeof p->why, "cannot make %s: %s", PEERS_BUILD_DIR, strerror(errno));
        return;
    }
    snprintf(p->path, sizeof p->path, "%s", PEERS_BUILD_DIR "/otelc-peer-go");
    /* GOPATH mode, offline: the imports resolve to Debian's packaged sources alone. GOPATH
     * mode takes no absolute package path, so the program's files are named one by one. */
    const char *env[] = {"GOPATH=" DEBIAN_GOPATH, "GO111MODULE=off", "GOPROXY=off", "GOFLAGS=",
                         "GOCACHE=" PEERS_BUILD_DIR "/go-cache", NULL};
    const char *argv[4 + GO_MAX_FILES + 1] = {go, "build", "-o", p->path};
    char files[GO_MAX_FILES][512];
    size_t n = go_files(files);
    if (n == 0) {
        snprintf(p->why, sizeof p->why, "no Go files in bench/peers/go");
        return;
    }
    for (size_t i = 0; i < n; i++)
        argv[4 + i] = files[i];
    argv[4 + n] = NULL;
    if (bench_run_capture(argv, env, out, sizeof out) != 0) {
        snprintf(p->why, sizeof p->why, "go build of bench/peers/go failed (see stderr)");
        return;
    }
    char gov[64];
    const char *vargv[] = {go, "env", "GOVERSION", NULL};
    bench_run_capture(vargv, env, gov, sizeof gov);
    trim_newline(gov);
    char otel[32];
    read_quoted_after(GO_OTEL_SRC "/version.go", "return \"", otel, sizeof otel);
    snprintf(p->version, sizeof p->version, "go.opentelemetry.io/otel %s (Debian), %s", otel,
             gov);
    p->head[0] = p->path;
    p->n_head = 1;
    p->ready = 1;
}

/* Finds node and the npm packages of bench/peers/js. */
static void prepare_js(struct program *p)
{
    if (bench_find_program("node", p->path, sizeof p->path) != 0) {
        snprintf(p->why, sizeof p->why, "node not found (scripts/bootstrap installs nodejs)");
        return;
    }
    static const char *const pkgs[] = {"sdk-trace-base", "sdk-metrics"};
    for (size_t i = 0; i < 2; i++) {
        char pj[600];
        snprintf(pj, sizeof pj, "%s/node_modules/@opentelemetry/%s/package.json", JS_DIR,
                 pkgs[i]);
        if (access(pj, R_OK) != 0) {
            snprintf(p->why, sizeof p->why,
                     "bench/peers/js/node_modules missing (scripts/bootstrap --peers runs npm ci)");
            return;
        }
    }
    char v[32], nodev[32];
    read_quoted_after(JS_DIR "/node_modules/@opentelemetry/sdk-trace-base/package.json",
                      "\"version\": \"", v, sizeof v);
    const char *argv[] = {p->path, "--version", NULL};
    bench_run_capture(argv, NULL, nodev, sizeof nodev);
    trim_newline(nodev);
    snprintf(p->version, sizeof p->version, "@opentelemetry/sdk-trace-base %s, node %s", v,
             nodev);
    snprintf(p->arg, sizeof p->arg, "%s", JS_DIR "/bench.js");
    p->head[0] = p->path;
    p->head[1] = p->arg;
    p->n_head = 2;
    p->ready = 1;
}

static void prepare_otelc(struct compare *c)
{
    struct program *p = &c->prog[PROG_OTELC];
    snprintf(p->version, sizeof p->version, "otelc %s", otelc_version());
    p->head[0] = c->self;
    p->head[1] = "workload";
    p->n_head = 2;
    p->ready = 1;
}

/* --peers: "go,js", "go", "js" or "none". Returns 0, or -1 for a name it does not know. */
static int parse_peers(struct compare *c, const char *list)
{
    if (strcmp(list, "none") == 0)
        return 0;
    while (*list) {
        size_t len = strcspn(list, ",");
        if (len == 2 && memcmp(list, "go", 2) == 0)
            c->prog[PROG_GO].wanted = 1;
        else if (len == 2 && memcmp(list, "js", 2) == 0)
            c->prog[PROG_JS].wanted = 1;
        else
            return -1;
        list += len + (list[len] == ',');
    }
    return 0;
}

/* Runs one round of @p workload in @p p and records it in @p cell. */
static void run_one(struct compare *c, struct program *p, const char *workload, struct cell *cell)
{
    char n[32], out[1024];
    const char *argv[8];
    size_t k = 0;
    for (size_t i = 0; i < p->n_head; i++)
        argv[k++] = p->head[i];
    snprintf(n, sizeof n, "%" PRIu64, c->iterations);
    argv[k++] = workload;
    argv[k++] = "--iterations";
    argv[k++] = n;
    argv[k] = NULL;
    int rc = bench_run_capture(argv, NULL, out, sizeof out);
    if (rc == BENCH_UNSUPPORTED) {
        cell->unsupported = 1;
        return;
    }
    const char *v = strstr(out, "\"ns_per_op\":");
    char *end = NULL;
    double ns = v ? strtod(v + strlen("\"ns_per_op\":"), &end) : 0;
    if (rc != 0 || v == NULL || end == v + strlen("\"ns_per_op\":") || !(ns > 0)) {
        fprintf(stderr, "otelc-bench compare: %s %s exited %d: %.200s\n", p->name, workload, rc,
                out);
        cell->failures++;
        return;
    }
    cell->ns[cell->n++] = ns;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(const double *v, size_t n)
{
    double s[BENCH_MAX_ROUNDS];
    memcpy(s, v, n * sizeof *v);
    qsort(s, n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

/* The figures of one cell against ours. */
struct stats {
    int ok;                  /* at least one round */
    double median, min, max; /* ns per operation */
    int has_ratio;
    double ratio, ratio_min, ratio_max; /* peer/ours: of the medians, and per round */
};

static struct stats cell_stats(const struct cell *cell, const struct cell *ours)
{
    struct stats s;
    memset(&s, 0, sizeof s);
    if (cell->n == 0)
        return s;
    s.ok = 1;
    s.median = median_of(cell->ns, cell->n);
    s.min = s.max = cell->ns[0];
    for (size_t i = 1; i < cell->n; i++) {
        s.min = cell->ns[i] < s.min ? cell->ns[i] : s.min;
        s.max = cell->ns[i] > s.max ? cell->ns[i] : s.max;
    }
    if (cell == ours || ours->n == 0)
        return s;
    /* Round r of each program ran next to each other: their ratio is the spread's unit. Only
     * when both have every round do the rounds pair up. */
    s.has_ratio = 1;
    s.ratio = s.median / median_of(ours->ns, ours->n);
    s.ratio_min = s.ratio_max = s.ratio;
    if (cell->n == ours->n) {
        for (size_t i = 0; i < cell->n; i++) {
            double r = cell->ns[i] / ours->ns[i];
            s.ratio_min = i == 0 || r < s.ratio_min ? r : s.ratio_min;
            s.ratio_max = i == 0 || r > s.ratio_max ? r : s.ratio_max;
        }
    }
    return s;
}

static void machine_cpu(char *out, size_t size)
{
    char line[256];
    snprintf(out, size, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        const char *v = strchr(line, ':');
        if (v != NULL) {
            v += strspn(v + 1, " \t") + 1;
            snprintf(out, size, "%s", v);
            trim_newline(out);
        }
        break;
    }
    fclose(f);
}

/* A budget of the issue: value OP limit, where OP is "<", "<=" or ">=". */
struct budget {
    const char *name;
    const char *op;
    double limit;
    int measured;
    double value;
};

static int budget_holds(const struct budget *b)
{
    if (strcmp(b->op, "<") == 0)
        return b->value < b->limit;
    if (strcmp(b->op, "<=") == 0)
        return b->value <= b->limit;
    return b->value >= b->limit;
}

static size_t workload_index(const struct compare *c, const char *name)
{
    for (size_t i = 0; i < c->n_workloads; i++)
        if (strcmp(c->workloads[i], name) == 0)
            return i;
    return SIZE_MAX;
}

static size_t make_budgets(const struct compare *c, struct budget *b)
{
    static const struct {
        const char *name, *workload, *op;
        double limit;
        int vs_go;
    } spec[] = {
        {"sampled span, 2 attributes, start to queue (ns)", "span_always_on_2attrs", "<", 100, 0},
        {"sampled span, 2 attributes: times cheaper than Go", "span_always_on_2attrs", ">=", 10,
         1},
        {"dropped span, AlwaysOff (ns)", "span_always_off", "<=", 15, 0},
        {"dropped span, AlwaysOff: times cheaper than Go", "span_always_off", ">=", 20, 1},
        {"histogram record, 3 attributes (ns)", "histogram_record_3attrs", "<", 60, 0},
    };
    size_t n = sizeof spec / sizeof spec[0];
    for (size_t i = 0; i < n; i++) {
        b[i] = (struct budget){spec[i].name, spec[i].op, spec[i].limit, 0, 0};
        size_t w = workload_index(c, spec[i].workload);
        if (w == SIZE_MAX)
            continue;
        const struct cell *ours = &c->cells[w][PROG_OTELC];
        struct stats s = cell_stats(spec[i].vs_go ? &c->cells[w][PROG_GO] : ours, ours);
        if (spec[i].vs_go && s.has_ratio) {
            b[i].measured = 1;
            b[i].value = s.ratio;
        } else if (!spec[i].vs_go && s.ok) {
            b[i].measured = 1;
            b[i].value = s.median;
        }
    }
    return n;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void print_json(FILE *f, const struct compare *c, const char *cpu)
{
    fprintf(f, "{\"command\":\"compare\",\"rounds\":%" PRIu64 ",\"iterations\":%" PRIu64
               ",\"unit\":\"ns/op\",\"machine\":{\"cpu\":",
            c->rounds, c->iterations);
    json_str(f, cpu);
    fprintf(f, ",\"cores\":%ld},\"programs\":{", sysconf(_SC_NPROCESSORS_ONLN));
    int first = 1;
    for (size_t p = 0; p < N_PROGS; p++) {
        const struct program *pr = &c->prog[p];
        if (!pr->wanted)
            continue;
        fprintf(f, "%s\"%s\":{\"status\":\"%s\",", first ? "" : ",", pr->name,
                pr->ready ? "ok" : "skipped");
        json_str(f, pr->ready ? "version" : "reason");
        fputc(':', f);
        json_str(f, pr->ready ? pr->version : pr->why);
        fputc('}', f);
        first = 0;
    }
    fprintf(f, "},\"workloads\":{");
    for (size_t w = 0; w < c->n_workloads; w++) {
        fprintf(f, "%s\"%s\":{", w ? "," : "", c->workloads[w]);
        first = 1;
        for (size_t p = 0; p < N_PROGS; p++) {
            const struct program *pr = &c->prog[p];
            const struct cell *cell = &c->cells[w][p];
            if (!pr->wanted)
                continue;
            fprintf(f, "%s\"%s\":", first ? "" : ",", pr->name);
            first = 0;
            struct stats s = cell_stats(cell, &c->cells[w][PROG_OTELC]);
            if (!pr->ready) {
                fprintf(f, "{\"skipped\":");
                json_str(f, pr->why);
                fputc('}', f);
            } else if (cell->unsupported) {
                fprintf(f, "{\"unsupported\":true}");
            } else if (!s.ok) {
                fprintf(f, "{\"failed\":%d}", cell->failures);
            } else {
                fprintf(f, "{\"median_ns\":%.3f,\"min_ns\":%.3f,\"max_ns\":%.3f,\"runs\":%zu",
                        s.median, s.min, s.max, cell->n);
                if (s.has_ratio)
                    fprintf(f, ",\"ratio\":%.3f,\"ratio_min\":%.3f,\"ratio_max\":%.3f", s.ratio,
                            s.ratio_min, s.ratio_max);
                fputc('}', f);
            }
        }
        fputc('}', f);
    }
    fprintf(f, "},\"extras\":{");
    for (size_t i = 0; i < c->n_extras; i++) {
        const struct bench_extra *x = &c->extras[i];
        fprintf(f, "%s\"%s\":", i ? "," : "", x->key);
        if (x->skipped[0]) {
            fprintf(f, "{\"skipped\":");
            json_str(f, x->skipped);
            fputc('}', f);
        } else {
            fprintf(f, "%.3f", x->value);
        }
    }
    fprintf(f, "},\"budgets\":[");
    struct budget b[8];
    size_t nb = make_budgets(c, b);
    for (size_t i = 0; i < nb; i++) {
        fprintf(f, "%s{\"name\":", i ? "," : "");
        json_str(f, b[i].name);
        fprintf(f, ",\"op\":\"%s\",\"limit\":%g,", b[i].op, b[i].limit);
        if (b[i].measured)
            fprintf(f, "\"value\":%.3f,\"holds\":%s}", b[i].value,
                    budget_holds(&b[i]) ? "true" : "false");
        else
            fprintf(f, "\"value\":null,\"holds\":null}");
    }
    fprintf(f, "]}\n");
}

static void print_table(FILE *f, const struct compare *c, const char *cpu)
{
    fprintf(f,
            "otelc-bench compare: %" PRIu64 " rounds of %" PRIu64 " operations, interleaved, "
            "each run a fresh process\nmachine: %s, %ld cores\n",
            c->rounds, c->iterations, cpu, sysconf(_SC_NPROCESSORS_ONLN));
    for (size_t p = 0; p < N_PROGS; p++) {
        const struct program *pr = &c->prog[p];
        if (pr->wanted)
            fprintf(f, "  %-6s %s%s\n", pr->name, pr->ready ? "" : "skipped: ",
                    pr->ready ? pr->version : pr->why);
    }
    fprintf(f, "\nmedian ns per operation; ratio = peer/otelc (min-max of the per-round ratios)\n");
    fprintf(f, "%-26s %11s", "workload", "otelc");
    for (size_t p = PROG_GO; p < N_PROGS; p++) {
        char ratio_head[40];
        snprintf(ratio_head, sizeof ratio_head, "%s/otelc (min-max)", c->prog[p].name);
        if (c->prog[p].wanted)
            fprintf(f, " | %9s %-22s", c->prog[p].name, ratio_head);
    }
    fputc('\n', f);
    for (size_t w = 0; w < c->n_workloads; w++) {
        const struct cell *ours = &c->cells[w][PROG_OTELC];
        struct stats so = cell_stats(ours, ours);
        fprintf(f, "%-26s ", c->workloads[w]);
        if (so.ok)
            fprintf(f, "%11.1f", so.median);
        else
            fprintf(f, "%11s", ours->unsupported ? "unsupported" : "failed");
        for (size_t p = PROG_GO; p < N_PROGS; p++) {
            const struct program *pr = &c->prog[p];
            const struct cell *cell = &c->cells[w][p];
            if (!pr->wanted)
                continue;
            struct stats s = cell_stats(cell, ours);
            char ratio[64] = "-";
            if (s.has_ratio)
                snprintf(ratio, sizeof ratio, "%.1fx (%.1f-%.1f)", s.ratio, s.ratio_min,
                         s.ratio_max);
            if (!pr->ready)
                fprintf(f, " | %9s %-22s", "skipped", "");
            else if (!s.ok)
                fprintf(f, " | %9s %-22s", cell->unsupported ? "unsupp." : "failed", "");
            else
                fprintf(f, " | %9.1f %-22s", s.median, ratio);
        }
        fputc('\n', f);
    }
    if (c->n_extras)
        fprintf(f, "\notelc, extra figures:\n");
    for (size_t i = 0; i < c->n_extras; i++) {
        const struct bench_extra *x = &c->extras[i];
        if (x->skipped[0])
            fprintf(f, "  %-66s skipped: %s\n", x->label, x->skipped);
        else
            fprintf(f, "  %-66s %10.1f %s\n", x->label, x->value, x->unit);
    }
    struct budget b[8];
    size_t nb = make_budgets(c, b);
    fprintf(f, "\nbudgets:\n");
    for (size_t i = 0; i < nb; i++) {
        if (b[i].measured)
            fprintf(f, "  %-52s %8.1f %-2s %-4g %s\n", b[i].name, b[i].value, b[i].op, b[i].limit,
                    budget_holds(&b[i]) ? "holds" : "MISSED");
        else
            fprintf(f, "  %-52s %8s %-2s %-4g not measured\n", b[i].name, "-", b[i].op,
                    b[i].limit);
    }
}

static void run_extras(struct compare *c)
{
    bench_extra_rss(&c->extras[c->n_extras++], 1u << 18);
    bench_extra_cpu_per_export(&c->extras[c->n_extras++], 50000);
    struct bench_extra *on = &c->extras[c->n_extras++];
    struct bench_extra *off = &c->extras[c->n_extras++];
    struct bench_extra all;
    /* Both runs stay below one batch (512): the worker never wakes before shutdown, so the
     * calling thread's count does not depend on how valgrind interleaves the threads. */
    bench_extra_callgrind(on, &all, c->self, "span_always_on_2attrs", 100, 400);
    on->key = "callgrind_instructions_sampled_span_2attrs";
    on->label = "instructions per sampled span, 2 attributes (callgrind)";
    bench_extra_callgrind(off, &all, c->self, "span_always_off", 100, 400);
    off->key = "callgrind_instructions_dropped_span";
    off->label = "instructions per dropped span, AlwaysOff (callgrind)";
}

static const char compare_usage[] =
    "usage: otelc-bench compare [--rounds R] [--iterations N] [--json] [--peers LIST]\n"
    "Runs every compare workload (see `otelc-bench workload --help`) in otelc and in each\n"
    "peer named by --peers (go: Debian's golang-opentelemetry-otel-dev, built here offline;\n"
    "js: the npm packages of bench/peers/js), interleaved (otelc, go, js, otelc, go, js, ...),\n"
    "R rounds, each run a fresh process of N operations after a warm-up. Prints per workload\n"
    "the median ns/op of each, the ratio peer/otelc with the min-max of the per-round ratios,\n"
    "then otelc's peak RSS per million queued spans, CPU per span exported over OTLP/HTTP to a\n"
    "local sink, callgrind's instructions per sampled and dropped span, and the budgets.\n"
    "A peer that is not installed is reported as skipped (scripts/bootstrap --peers).\n";

int bench_compare_main(int argc, char **argv)
{
    static struct compare c;
    memset(&c, 0, sizeof c);
    c.rounds = 7;
    c.iterations = 200000;
    const char *peers = "go,js";
    struct cli_flag flags[] = {
        cli_num("--rounds", "R", &c.rounds, 1, BENCH_MAX_ROUNDS, "rounds (fresh processes)"),
        cli_num("--iterations", "N", &c.iterations, 1, UINT64_MAX / 4, "operations per run"),
        cli_switch("--json", &c.json, "print one JSON object instead of a table"),
        cli_str("--peers", "LIST", &peers, "go,js, go, js or none"),
        cli_switch("--no-extras", &c.no_extras, "skip RSS, CPU per export and callgrind"),
    };
    size_t nflags = sizeof flags / sizeof flags[0];
    enum cli_result r = cli_parse_flags(argc - 1, argv + 1, flags, nflags);
    if (r == CLI_OK && parse_peers(&c, peers) != 0) {
        fprintf(stderr, "bad --peers '%s': want a comma-separated list of go, js, or none\n",
                peers);
        r = CLI_ERROR;
    }
    if (r != CLI_OK) {
        FILE *f = r == CLI_HELP ? stdout : stderr;
        fputs(compare_usage, f);
        cli_print_flags(f, flags, nflags);
        return r == CLI_HELP ? 0 : 2;
    }
    ssize_t len = readlink("/proc/self/exe", c.self, sizeof c.self - 1);
    if (len <= 0) {
        fprintf(stderr, "otelc-bench compare: cannot find its own path: %s\n", strerror(errno));
        return 1;
    }
    c.self[len] = '\0';

    static const char *const names[N_PROGS] = {"otelc", "go", "js"};
    for (size_t p = 0; p < N_PROGS; p++)
        c.prog[p].name = names[p];
    c.prog[PROG_OTELC].wanted = 1;
    prepare_otelc(&c);
    if (c.prog[PROG_GO].wanted)
        prepare_go(&c.prog[PROG_GO]);
    if (c.prog[PROG_JS].wanted)
        prepare_js(&c.prog[PROG_JS]);
    for (const char *w; c.n_workloads < MAX_WORKLOADS &&
                        (w = bench_workload_name(c.n_workloads)) != NULL;)
        c.workloads[c.n_workloads++] = w;

    int tty = isatty(2);
    for (size_t w = 0; w < c.n_workloads; w++) {
        for (uint64_t round = 0; round < c.rounds; round++) {
            if (tty)
                fprintf(stderr, "\rcompare: %-26s round %" PRIu64 "/%" PRIu64 "   ",
                        c.workloads[w], round + 1, c.rounds);
            for (size_t p = 0; p < N_PROGS; p++) {
                struct cell *cell = &c.cells[w][p];
                if (c.prog[p].ready && !cell->unsupported)
                    run_one(&c, &c.prog[p], c.workloads[w], cell);
            }
        }
    }
    if (tty)
        fprintf(stderr, "\r%60s\r", "");
    if (!c.no_extras)
        run_extras(&c);

    char cpu[128];
    machine_cpu(cpu, sizeof cpu);
    if (c.json)
        print_json(stdout, &c, cpu);
    else
        print_table(stdout, &c, cpu);
    fflush(stdout);
    /* Ours failing (not "unsupported") means the figures are not to be trusted. */
    for (size_t w = 0; w < c.n_workloads; w++)
        if (c.cells[w][PROG_OTELC].failures)
            return 1;
    return 0;
}
