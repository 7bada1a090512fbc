/* SPDX-License-Identifier: Apache-2.0 */
/* otelc-demo: a small daemon-shaped program that traces simulated HTTP requests with otelc. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <otelc/otelc.h>

#include "cli.h"

/* Set by the signal handler; the request loop checks it between requests. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int signo)
{
    (void)signo;
    stop_requested = 1;
}

static int install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a signal cuts the simulated work short, which is what a daemon wants. */
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return -1;
    return 0;
}

/* Simulated work: sleeps @p ms milliseconds, less when a signal interrupts this thread. */
static void work_for(unsigned ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The cache lookup runs inside the request's scope: it names no parent, so the SDK takes the
 * thread's current span (the request) as its parent. Request 1, 4, 7... hit the cache. */
static int cache_lookup(otelc_tracer *tracer, uint64_t n)
{
    otelc_span *s = otelc_span_start(tracer, "cache.lookup", NULL);
    int hit = n % 3 == 1;
    otelc_span_set_attr_str(s, "cache.key", "items");
    otelc_span_set_attr_bool(s, "cache.hit", hit);
    work_for(2);
    otelc_span_end(s);
    return hit;
}

/* The database query names its parent explicitly, as event-loop code would: it does not
 * depend on which context is current. Returns 0, or -1 when the query failed. */
static int db_query(otelc_tracer *tracer, otelc_span *request, uint64_t item_id, int fail)
{
    otelc_attr attrs[] = {
        otelc_attr_str("db.system", "postgresql"),
        otelc_attr_str("db.operation.name", "SELECT"),
        otelc_attr_str("db.query.text", "SELECT id, name, price FROM items WHERE id = $1"),
        otelc_attr_str("server.address", "db.internal"),
        otelc_attr_int("server.port", 5432),
    };
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = OTELC_SPAN_KIND_CLIENT;
    o.parent_span = request;
    o.attrs = attrs;
    o.attr_count = sizeof attrs / sizeof attrs[0];
    otelc_span *s = otelc_span_start(tracer, "SELECT items", &o);
    work_for(5);
    if (fail) {
        char msg[96];
        snprintf(msg, sizeof msg, "canceling statement due to statement timeout (item %" PRIu64 ")",
                 item_id);
        otelc_span_record_exception(s, "QueryCanceled", msg, NULL, NULL, 0);
        otelc_span_set_status(s, OTELC_STATUS_ERROR, "statement timeout");
    } else {
        otelc_span_set_attr_int(s, "db.response.returned_rows", 1);
    }
    otelc_span_end(s);
    return fail ? -1 : 0;
}

/* Handles request number @p n (1-based): every third one misses the cache, fails in the
 * database and answers 500. */
static int handle_request(otelc_tracer *tracer, uint64_t n)
{
    uint64_t item_id = 40 + n;
    char path[64];
    snprintf(path, sizeof path, "/api/items/%" PRIu64, item_id);
    otelc_attr attrs[] = {
        otelc_attr_str("http.request.method", "GET"),
        otelc_attr_str("url.path", path),
        otelc_attr_str("http.route", "/api/items/{id}"),
        otelc_attr_str("server.address", "localhost"),
        otelc_attr_int("server.port", 8080),
    };
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = OTELC_SPAN_KIND_SERVER;
    o.root = 1;
    o.attrs = attrs;
    o.attr_count = sizeof attrs / sizeof attrs[0];
    otelc_span *req = otelc_span_start(tracer, "GET /api/items/{id}", &o);

    otelc_context_token scope = otelc_span_make_current(req);
    int hit = cache_lookup(tracer, n);
    otelc_context_detach(scope);

    int failed = 0;
    if (!hit)
        failed = db_query(tracer, req, item_id, n % 3 == 0) != 0;
    if (failed) {
        otelc_span_record_exception(req, "HTTPInternalServerError", "the item store did not answer",
                                    NULL, NULL, 0);
        otelc_span_set_status(req, OTELC_STATUS_ERROR, "HTTP 500");
        otelc_span_set_attr_str(req, "error.type", "500");
        otelc_span_set_attr_int(req, "http.response.status_code", 500);
    } else {
        otelc_attr ev[] = {otelc_attr_int("item.id", (int64_t)item_id),
                           otelc_attr_bool("cache.hit", hit)};
        otelc_span_add_event(req, "item.loaded", 0, ev, 2);
        otelc_span_set_attr_int(req, "http.response.status_code", 200);
    }
    otelc_span_end(req);
    return failed;
}

static void usage(FILE *f, const struct cli_flag *flags, size_t n)
{
    fprintf(f, "usage: otelc-demo [--requests N]\n"
               "Handles N simulated HTTP requests, tracing each with otelc. OTEL_* variables\n"
               "configure the SDK; spans go to the console (stdout) unless\n"
               "OTEL_TRACES_EXPORTER says otherwise. SIGINT or SIGTERM stops it cleanly.\n");
    cli_print_flags(f, flags, n);
}

int main(int argc, char **argv)
{
    uint64_t requests = 5;
    const struct cli_flag flags[] = {
        cli_num("--requests", "N", &requests, 1, 1000000, "simulated requests to handle"),
    };
    size_t nflags = sizeof flags / sizeof flags[0];
    switch (cli_parse_flags(argc - 1, argv + 1, flags, nflags)) {
    case CLI_HELP:
        requests = 5;
        usage(stdout, flags, nflags);
        return 0;
    case CLI_ERROR:
        requests = 5;
        usage(stderr, flags, nflags);
        return 2;
    case CLI_OK:
        break;
    }
    if (install_signal_handlers() != 0) {
        fprintf(stderr, "otelc-demo: sigaction: %s\n", strerror(errno));
        return 1;
    }
    /* The demo is for looking at spans: print them unless the user chose an exporter. */
    setenv("OTEL_TRACES_EXPORTER", "console", 0);
    const char *res = getenv("OTEL_RESOURCE_ATTRIBUTES");
    if (res == NULL || strstr(res, "service.name") == NULL)
        setenv("OTEL_SERVICE_NAME", "otelc-demo", 0);

    otelc_sdk *sdk = NULL;
    int err = otelc_sdk_init_from_env(&sdk);
    if (err != OTELC_OK) {
        fprintf(stderr, "otelc-demo: cannot set up the SDK: %s\n", otelc_strerror(err));
        return 1;
    }
    otelc_tracer *tracer = otelc_sdk_get_tracer(sdk, "otelc-demo", otelc_version());

    uint64_t handled = 0, failed = 0;
    while (handled < requests && !stop_requested) {
        failed += (uint64_t)handle_request(tracer, handled + 1);
        handled++;
        if (handled < requests)
            work_for(20);
    }

    err = otelc_sdk_shutdown(sdk, 5000);
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_sdk_get_stats(sdk, &st);
    int disabled = otelc_sdk_is_disabled(sdk);
    otelc_sdk_free(sdk);
    fprintf(stderr,
            "otelc-demo: handled %" PRIu64 " requests (%" PRIu64 " failed)%s; spans: "
            "%" PRIu64 " ended, %" PRIu64 " exported, %" PRIu64 " dropped\n",
            handled, failed, stop_requested ? ", stopped by a signal" : "", st.ended, st.exported,
            st.dropped);
    if (err != OTELC_OK && !disabled) {
        fprintf(stderr, "otelc-demo: shutdown: %s\n", otelc_strerror(err));
        return 1;
    }
    return 0;
}
