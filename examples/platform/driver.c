/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform's load driver: sends N requests to the gateway from a few threads, flags some
 * as errors and some as slow (the x-platform-fault header), names a tenant in each, and
 * prints a summary: answers, latencies, and how many traces the gateway sampled (read from
 * the traceresponse header it returns). It does not trace itself: it plays the outside world.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../cli.h"
#include "frame.h"
#include "platform.h"

#define THREADS_MAX 16
#define REQUEST_TIMEOUT_S 30

struct result {
    enum fault fault;
    const char *tenant;
    long status;       /* 0: no HTTP answer */
    double ms;
    char traceresponse[64];
};

struct run {
    uint64_t port, requests, concurrency, error_every, slow_every;
    struct result *results;
    atomic_uint_fast64_t next;
};

static const char *const k_tenants[] = {"acme", "globex", "initech"};

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* Keeps the traceresponse header of the answer. */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct result *r = ud;
    size_t len = size * n;
    static const char name[] = "traceresponse:";
    if (len > sizeof name && strncasecmp(p, name, sizeof name - 1) == 0) {
        size_t i = sizeof name - 1;
        while (i < len && p[i] == ' ')
            i++;
        size_t v = len - i;
        while (v > 0 && (p[i + v - 1] == '\r' || p[i + v - 1] == '\n'))
            v--;
        if (v < sizeof r->traceresponse) {
            memcpy(r->traceresponse, p + i, v);
            r->traceresponse[v] = '\0';
        }
    }
    return len;
}

static enum fault fault_of(const struct run *run, uint64_t n)
{
    if (run->error_every && n % run->error_every == 0)
        return FAULT_ERROR;
    if (run->slow_every && n % run->slow_every == 0)
        return FAULT_SLOW;
    return FAULT_NONE;
}

static void *client(void *arg)
{
    struct run *run = arg;
    CURL *curl = curl_easy_init(); /* one per thread: keeps its connection alive */
    if (!curl)
        return NULL;
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)REQUEST_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    for (;;) {
        uint64_t i = atomic_fetch_add(&run->next, 1);
        if (i >= run->requests)
            break;
        uint64_t n = i + 1;
        struct result *r = &run->results[i];
        char url[96], fault[48], tenant[48];
        r->fault = fault_of(run, n);
        r->tenant = k_tenants[n % 3];
        snprintf(url, sizeof url, "http://127.0.0.1:%u/api/items/%u", (unsigned)run->port,
                 (unsigned)(1000 + n));
        snprintf(fault, sizeof fault, "x-platform-fault: %s", fault_name(r->fault));
        snprintf(tenant, sizeof tenant, "x-tenant-id: %s", r->tenant);
        struct curl_slist *h = curl_slist_append(NULL, tenant);
        struct curl_slist *h2 = h && r->fault != FAULT_NONE ? curl_slist_append(h, fault) : h;
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h2);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, r);
        uint64_t t0 = otelc_monotonic_ns();
        if (curl_easy_perform(curl) == CURLE_OK)
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
        r->ms = (double)(otelc_monotonic_ns() - t0) / 1e6;
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(h2 ? h2 : h);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* 1 when the traceresponse's flags say sampled. */
static int sampled(const struct result *r)
{
    size_t len = strlen(r->traceresponse);
    return len == 55 && (strtoul(r->traceresponse + 53, NULL, 16) & 1u);
}

/* Prints the summary; returns 0 when every request got the answer its flag calls for. */
static int summarise(const struct run *run, double seconds, FILE *report)
{
    uint64_t n = run->requests, ok = 0, bad = 0, none = 0, errors = 0, slow = 0, kept = 0;
    uint64_t wrong = 0;
    double *ms = calloc(n, sizeof *ms);
    for (uint64_t i = 0; i < n; i++) {
        const struct result *r = &run->results[i];
        long want = r->fault == FAULT_ERROR ? 502 : 200;
        ok += r->status == 200;
        bad += r->status == 502;
        none += r->status == 0;
        errors += r->fault == FAULT_ERROR;
        slow += r->fault == FAULT_SLOW;
        kept += (uint64_t)sampled(r);
        wrong += r->status != want;
        if (ms)
            ms[i] = r->ms;
        if (report)
            fprintf(report, "{\"n\":%llu,\"fault\":\"%s\",\"tenant\":\"%s\",\"status\":%ld,"
                    "\"ms\":%.3f,\"traceresponse\":\"%s\"}\n", (unsigned long long)(i + 1),
                    fault_name(r->fault), r->tenant, r->status, r->ms, r->traceresponse);
    }
    printf("driver: %llu requests in %.2f s, %llu at a time: %llu answered 200, %llu answered "
           "502, %llu not answered\n", (unsigned long long)n, seconds,
           (unsigned long long)run->concurrency, (unsigned long long)ok,
           (unsigned long long)bad, (unsigned long long)none);
    if (ms) {
        qsort(ms, n, sizeof *ms, cmp_double);
        printf("driver: %llu flagged error, %llu flagged slow; latency p50 %.1f ms, p90 %.1f ms, "
               "max %.1f ms\n", (unsigned long long)errors, (unsigned long long)slow,
               ms[n / 2], ms[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1], ms[n - 1]);
        free(ms);
    }
    printf("driver: %llu of %llu traces sampled (the traceresponse header's flag)\n",
           (unsigned long long)kept, (unsigned long long)n);
    if (wrong > 0)
        printf("driver: %llu requests did not get the answer their flag calls for\n",
               (unsigned long long)wrong);
    return wrong > 0;
}

int driver_main(int argc, char **argv)
{
    struct run run = {.port = 8080, .requests = 20, .concurrency = 4, .error_every = 5,
                      .slow_every = 7};
    const char *report_path = NULL;
    /* --report PATH is the one flag that takes text; the rest are numbers. */
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--report") == 0) {
            report_path = argv[i + 1];
            memmove(&argv[i], &argv[i + 2], (size_t)(argc - i - 2) * sizeof *argv);
            argc -= 2;
            break;
        }
    }
    const struct cli_flag flags[] = {
        cli_num("--port", "N", &run.port, 1, 65535, "the gateway's port on 127.0.0.1"),
        cli_num("--requests", "N", &run.requests, 1, 1000000, "requests to send"),
        cli_num("--concurrency", "N", &run.concurrency, 1, THREADS_MAX, "requests at a time"),
        cli_num("--error-every", "N", &run.error_every, 0, 1000000, "flag every Nth as error"),
        cli_num("--slow-every", "N", &run.slow_every, 0, 1000000, "flag every Nth as slow"),
    };
    if (cli_parse_flags(argc - 1, argv + 1, flags, sizeof flags / sizeof flags[0]) != CLI_OK)
        return 2;
    FILE *report = report_path ? fopen(report_path, "w") : NULL;
    if (report_path && !report) {
        perror(report_path);
        return 1;
    }
    run.results = calloc(run.requests, sizeof *run.results);
    if (!run.results || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    pthread_t threads[THREADS_MAX];
    size_t started = 0;
    uint64_t t0 = otelc_monotonic_ns();
    for (; started < run.concurrency; started++)
        if (pthread_create(&threads[started], NULL, client, &run) != 0)
            break;
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    int rc = summarise(&run, (double)(otelc_monotonic_ns() - t0) / 1e9, report);
    if (report && fclose(report) != 0)
        rc = 1;
    free(run.results);
    curl_global_cleanup();
    return started == 0 ? 1 : rc;
}
