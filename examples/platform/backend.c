/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform's backend: a libevent HTTP server answering GET /inventory/{item} in a SERVER
 * span that continues the worker's trace. A slow request is answered from a timer, so its
 * span and context travel with the request struct to that callback; an error request fails
 * with an exception event.
 */
#include <ctype.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../propagation-service/evhttp_headers.h"
#include "evserver.h"
#include "frame.h"
#include "platform.h"

#define HEADERS_MAX 64
#define SLOW_MS 300

struct backend {
    struct evserver server;
    otelc_tracer *tracer;
    struct platform_config cfg;
};

/* A request waiting for its (slow) answer. */
struct pending {
    struct backend *be;
    struct evhttp_request *req;
    otelc_span *span;
    otelc_context *ctx;
    uint32_t item;
};

static void answer(struct backend *be, struct evhttp_request *req, otelc_span *span,
                   const otelc_context *ctx, uint32_t item, enum fault fault)
{
    char body[128];
    int status = 200;
    if (fault == FAULT_ERROR) {
        status = 503;
        otelc_span_record_exception(span, "InventoryUnavailable",
                                    "inventory shard is read-only", NULL, NULL, 0);
        otelc_span_set_attr_str(span, "error.type", "503");
        otelc_span_set_status(span, OTELC_STATUS_ERROR, "HTTP 503");
        snprintf(body, sizeof body, "{\"error\":\"inventory shard is read-only\"}\n");
    } else {
        snprintf(body, sizeof body, "{\"item\":%u,\"stock\":%u}\n", (unsigned)item,
                 (unsigned)(item % 17));
    }
    otelc_span_set_attr_int(span, "http.response.status_code", status);
    if (be->cfg.access_log) {
        char tp[OTELC_TRACEPARENT_SIZE];
        otelc_traceparent_format(tp, ctx);
        fprintf(stderr, "backend: GET /inventory/%u %d traceparent=%s\n", (unsigned)item, status,
                tp[0] ? tp : "-");
    }
    struct evbuffer *b = evbuffer_new();
    if (b)
        evbuffer_add(b, body, strlen(body));
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "application/json");
    evhttp_send_reply(req, status, status == 200 ? "OK" : "Service Unavailable", b);
    if (b)
        evbuffer_free(b);
    otelc_span_end(span);
}

/* The timer of a slow request: everything it needs came with the struct. */
static void on_slow_done(evutil_socket_t fd, short what, void *arg)
{
    struct pending *p = arg;
    (void)fd;
    (void)what;
    otelc_span_add_event(p->span, "inventory.lock_released", 0, NULL, 0);
    answer(p->be, p->req, p->span, p->ctx, p->item, FAULT_SLOW);
    otelc_context_free(p->ctx);
    struct backend *be = p->be;
    free(p);
    evserver_end(&be->server);
}

/* Parses /inventory/{item}[?fault=error|slow]; 0 or -1. */
static int parse_uri(const char *uri, uint32_t *item, enum fault *fault)
{
    static const char prefix[] = "/inventory/";
    if (strncmp(uri, prefix, sizeof prefix - 1) != 0 || !isdigit((unsigned char)uri[11]))
        return -1;
    char *end;
    unsigned long v = strtoul(uri + sizeof prefix - 1, &end, 10);
    if (v > 0xffffffffu || (*end && *end != '?'))
        return -1;
    *item = (uint32_t)v;
    *fault = FAULT_NONE;
    if (*end == '?' && strncmp(end + 1, "fault=", 6) == 0)
        *fault = fault_parse(end + 7);
    return 0;
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct backend *be = arg;
    uint32_t item;
    enum fault fault;
    if (be->server.stopping) {
        evhttp_send_error(req, 503, "shutting down");
        return;
    }
    if (evhttp_request_get_command(req) != EVHTTP_REQ_GET ||
        parse_uri(evhttp_request_get_uri(req), &item, &fault) != 0) {
        evhttp_send_error(req, 404, NULL);
        return;
    }
    otelc_http_header items[HEADERS_MAX];
    otelc_http_headers headers;
    otelc_carrier_getter getter = evhttp_headers_getter(req, items, HEADERS_MAX, &headers);
    otelc_context *parent = NULL;
    if (otelc_propagator_extract(NULL, NULL, &getter, &parent) != OTELC_OK)
        parent = NULL;
    char path[48];
    snprintf(path, sizeof path, "/inventory/%u", (unsigned)item);
    otelc_attr attrs[] = {
        otelc_attr_str("http.request.method", "GET"),
        otelc_attr_str("url.path", path),
        otelc_attr_str("url.scheme", "http"),
        otelc_attr_str("http.route", "/inventory/{item}"),
        otelc_attr_str("server.address", "127.0.0.1"),
        otelc_attr_int("server.port", (int64_t)be->cfg.port),
    };
    otelc_span *span = platform_server_span(be->tracer, "GET /inventory/{item}", parent, attrs,
                                            sizeof attrs / sizeof attrs[0], NULL);
    otelc_context *ctx = otelc_context_with_span(parent, span);
    otelc_context_free(parent);

    struct pending *p = fault == FAULT_SLOW ? calloc(1, sizeof *p) : NULL;
    if (p) {
        /* Not a sleep: the loop keeps serving while this request waits. */
        struct timeval tv = {0, SLOW_MS * 1000};
        *p = (struct pending){be, req, span, ctx, item};
        otelc_span_add_event(span, "inventory.lock_wait", 0, NULL, 0);
        evserver_begin(&be->server);
        if (event_base_once(be->server.base, -1, EV_TIMEOUT, on_slow_done, p, &tv) == 0)
            return;
        evserver_end(&be->server);
        free(p);
    }
    answer(be, req, span, ctx, item, fault);
    otelc_context_free(ctx);
}

int backend_main(int argc, char **argv)
{
    struct backend be;
    memset(&be, 0, sizeof be);
    if (platform_config_parse(argc, argv, &be.cfg) != 0)
        return 2;
    otelc_sdk *sdk = platform_sdk_init("backend");
    if (!sdk)
        return 1;
    be.tracer = otelc_sdk_get_tracer(sdk, "otelc-platform.backend", OTELC_VERSION_STRING);
    int rc = 1;
    if (evserver_open(&be.server, PLATFORM_LISTEN_FD, on_request, &be) == 0) {
        evserver_run(&be.server);
        rc = be.server.forced;
    }
    evserver_close(&be.server);
    return platform_sdk_shutdown(sdk, "backend") || rc;
}
