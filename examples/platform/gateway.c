/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform's gateway: a libevent HTTP server that answers GET /api/items/{id} by asking a
 * worker over the framed TCP protocol. Everything a request needs across its callbacks lives
 * in its struct request, the trace context included: the event loop never relies on a
 * thread's current context.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../propagation-service/evhttp_headers.h"
#include "evserver.h"
#include "frame.h"
#include "gateway_metrics.h"
#include "platform.h"

#define HEADERS_MAX 64
#define WORKER_TIMEOUT_S 10
#define TENANT_MAX 64

struct gateway {
    struct evserver server;
    otelc_tracer *tracer;
    struct gateway_metrics *metrics;
    struct platform_config cfg;
    struct sockaddr_in worker_addr;
    struct request *requests; /* in progress, to end them if the stop deadline passes */
};

/* One request in progress: what its callbacks share. */
struct request {
    struct request *prev, *next;
    struct gateway *gw;
    struct evhttp_request *req; /* NULL once the client went away */
    otelc_span *server;         /* the SERVER span (one reference) */
    otelc_context *ctx;         /* the server span and the baggage with the tenant */
    otelc_span *client;         /* the CLIENT span of the worker call */
    struct bufferevent *bev;    /* the connection to a worker */
    uint64_t started;           /* monotonic ns */
    struct item_request item;
    char path[64];
    char tenant[TENANT_MAX];
};

/* Attributes of the in-flight counter, the same at both ends of a request. */
static const otelc_attr k_flight_attrs[2] = {
    {"http.request.method", {OTELC_VALUE_STRING, 3, {.s = "GET"}}},
    {"url.scheme", {OTELC_VALUE_STRING, 4, {.s = "http"}}},
};

/* ---- the end of a request -------------------------------------------------------------- */

static void request_unlink(struct request *r)
{
    struct gateway *gw = r->gw;
    if (r->prev)
        r->prev->next = r->next;
    else
        gw->requests = r->next;
    if (r->next)
        r->next->prev = r->prev;
}

static void access_log(const struct request *r, int status, double ms)
{
    char tp[OTELC_TRACEPARENT_SIZE];
    /* The explicit context, not the thread's: this is a callback of the event loop. */
    otelc_traceparent_format(tp, r->ctx);
    fprintf(stderr, "gateway: GET %s %d %.1f ms tenant=%s traceparent=%s\n", r->path, status, ms,
            r->tenant, tp[0] ? tp : "-");
}

/* Answers the client and ends the request: ok with the worker's reply, or a 502. */
static void finish(struct request *r, const struct item_reply *reply, const char *why)
{
    struct gateway *gw = r->gw;
    int ok = reply && reply->ok;
    int status = ok ? 200 : 502;

    if (r->bev)
        bufferevent_free(r->bev);
    r->bev = NULL;
    if (!reply) {
        /* The worker never answered: the client span failed at the transport. */
        otelc_span_set_attr_str(r->client, "error.type", why);
        otelc_span_set_status(r->client, OTELC_STATUS_ERROR, why);
    } else if (!reply->ok) {
        otelc_span_set_attr_str(r->client, "error.type", "WorkerError");
        otelc_span_set_status(r->client, OTELC_STATUS_ERROR, reply->message);
    }
    otelc_span_end(r->client);
    r->client = NULL;

    otelc_span_set_attr_int(r->server, "http.response.status_code", status);
    if (!ok) {
        const char *msg = reply ? reply->message : why;
        otelc_span_record_exception(r->server, reply ? "WorkerError" : "WorkerUnavailable", msg,
                                    NULL, NULL, 0);
        otelc_span_set_attr_str(r->server, "error.type", "502");
        otelc_span_set_status(r->server, OTELC_STATUS_ERROR, "HTTP 502");
    }

    double seconds = (double)(otelc_monotonic_ns() - r->started) / 1e9;
    otelc_attr attrs[4] = {
        otelc_attr_str("http.request.method", "GET"),
        otelc_attr_str("http.route", "/api/items/{id}"),
        otelc_attr_int("http.response.status_code", status),
        otelc_attr_str("error.type", "502"),
    };
    gateway_metrics_finished(gw->metrics, k_flight_attrs, 2, seconds, attrs, ok ? 3 : 4, r->ctx);
    if (gw->cfg.access_log)
        access_log(r, status, seconds * 1e3);

    if (r->req) {
        char body[256], tp[OTELC_TRACEPARENT_SIZE];
        otelc_span_context sc = otelc_span_get_context(r->server);
        struct evkeyvalq *out = evhttp_request_get_output_headers(r->req);
        /* W3C Trace Context Level 2's traceresponse: the client learns the trace id and
         * whether it was sampled (the driver checks the exported traces with it). */
        if (otelc_traceparent_from_span_context(tp, &sc) > 0)
            evhttp_add_header(out, "traceresponse", tp);
        evhttp_add_header(out, "Content-Type", "application/json");
        if (ok)
            snprintf(body, sizeof body, "{\"item\":%u,\"price_cents\":%u,\"tenant\":\"%s\"}\n",
                     (unsigned)r->item.item, (unsigned)reply->price_cents, r->tenant);
        else
            snprintf(body, sizeof body, "{\"error\":\"the worker failed\"}\n");
        struct evbuffer *b = evbuffer_new();
        if (b)
            evbuffer_add(b, body, strlen(body));
        evhttp_connection_set_closecb(evhttp_request_get_connection(r->req), NULL, NULL);
        evhttp_send_reply(r->req, status, ok ? "OK" : "Bad Gateway", b);
        if (b)
            evbuffer_free(b);
    } else {
        otelc_span_add_event(r->server, "client.disconnected", 0, NULL, 0);
    }
    otelc_span_end(r->server);
    otelc_context_free(r->ctx);
    request_unlink(r);
    free(r);
    evserver_end(&gw->server);
}

/* ---- the worker call: explicit context through the bufferevent callbacks --------------- */

static void on_worker_read(struct bufferevent *bev, void *arg)
{
    struct request *r = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    uint8_t head[4], frame_bytes[FRAME_MAX];
    if (evbuffer_copyout(in, head, 4) < 4)
        return;
    long len = frame_length(head, 4);
    if (len < 0) {
        finish(r, NULL, "malformed reply");
        return;
    }
    if (evbuffer_get_length(in) < (size_t)len)
        return; /* the rest of the frame is still coming */
    evbuffer_remove(in, frame_bytes, (size_t)len);
    struct frame f;
    struct item_reply reply;
    if (frame_decode(frame_bytes, (size_t)len, &f) != 0 || item_reply_decode(&f, &reply) != 0)
        finish(r, NULL, "malformed reply");
    else
        finish(r, &reply, NULL);
}

static void on_worker_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    if (what & BEV_EVENT_CONNECTED)
        return;
    finish(arg, NULL, (what & BEV_EVENT_TIMEOUT) ? "timeout" : "connection failed");
}

/* Starts the CLIENT span and sends the request frame carrying its context. */
static int call_worker(struct request *r)
{
    struct gateway *gw = r->gw;
    otelc_attr attrs[] = {
        otelc_attr_str("rpc.system", "otelc_frame"),
        otelc_attr_str("rpc.service", "platform.Worker"),
        otelc_attr_str("rpc.method", "Process"),
        otelc_attr_str("server.address", "127.0.0.1"),
        otelc_attr_int("server.port", (int64_t)gw->cfg.worker_port),
        otelc_attr_str("network.transport", "tcp"),
    };
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = r->ctx;
    o.kind = OTELC_SPAN_KIND_CLIENT;
    o.attrs = attrs;
    o.attr_count = sizeof attrs / sizeof attrs[0];
    r->client = otelc_span_start(gw->tracer, "platform.Worker/Process", &o);

    /* The client span's context, with the request's baggage, goes into the frame. */
    uint8_t payload[8], frame_bytes[FRAME_MAX];
    otelc_context *call_ctx = otelc_context_with_span(r->ctx, r->client);
    size_t plen = item_request_encode(payload, &r->item);
    size_t flen = frame_encode(frame_bytes, sizeof frame_bytes, FRAME_REQUEST,
                               call_ctx ? call_ctx : r->ctx, payload, plen);
    otelc_context_free(call_ctx);

    r->bev = bufferevent_socket_new(gw->server.base, -1, BEV_OPT_CLOSE_ON_FREE);
    if (!r->bev || flen == 0)
        return -1;
    struct timeval tv = {WORKER_TIMEOUT_S, 0};
    bufferevent_set_timeouts(r->bev, &tv, &tv);
    bufferevent_setcb(r->bev, on_worker_read, NULL, on_worker_event, r);
    if (bufferevent_enable(r->bev, EV_READ | EV_WRITE) != 0 ||
        bufferevent_write(r->bev, frame_bytes, flen) != 0 ||
        bufferevent_socket_connect(r->bev, (struct sockaddr *)&gw->worker_addr,
                                   sizeof gw->worker_addr) != 0)
        return -1;
    return 0;
}

/* ---- the HTTP side ---------------------------------------------------------------------- */

/* The client went away while the worker worked: libevent frees the request with the
 * connection, so the answer must not touch it. */
static void on_client_close(struct evhttp_connection *conn, void *arg)
{
    struct request *r = arg;
    (void)conn;
    r->req = NULL;
}

static int tenant_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && s[n] != '-' && s[n] != '_' && s[n] != '.')
            return 0;
    return n > 0 && n < TENANT_MAX;
}

/* The tenant: the x-tenant-id header, else the tenant.id baggage that came in, else
 * "public". */
static void pick_tenant(struct request *r, struct evhttp_request *req, const otelc_context *in)
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "x-tenant-id");
    const char *b = otelc_baggage_get(otelc_context_get_baggage(in), "tenant.id");
    const char *t = h && tenant_ok(h) ? h : b && tenant_ok(b) ? b : "public";
    snprintf(r->tenant, sizeof r->tenant, "%s", t);
}

/* Parses /api/items/{id}; 0 or -1. */
static int parse_item(const char *uri, uint32_t *item)
{
    static const char prefix[] = "/api/items/";
    if (strncmp(uri, prefix, sizeof prefix - 1) != 0)
        return -1;
    const char *p = uri + sizeof prefix - 1;
    char *end;
    unsigned long v = strtoul(p, &end, 10);
    if (end == p || !isdigit((unsigned char)*p) || (*end && *end != '?') || v > 0xffffffffu)
        return -1;
    *item = (uint32_t)v;
    return 0;
}

/* Starts the SERVER span as a child of what the request carried, with the attributes the
 * sampler sees, and the context the rest of the request uses. */
static void start_server_span(struct request *r, struct evhttp_request *req)
{
    struct gateway *gw = r->gw;
    otelc_http_header items[HEADERS_MAX];
    otelc_http_headers headers;
    otelc_carrier_getter getter = evhttp_headers_getter(req, items, HEADERS_MAX, &headers);
    otelc_context *parent = NULL;
    if (otelc_propagator_extract(NULL, NULL, &getter, &parent) != OTELC_OK)
        parent = NULL; /* out of memory: a new trace */
    pick_tenant(r, req, parent);

    /* Start attributes: the rule-based sampler reads app.fault to keep flagged requests. */
    otelc_attr attrs[] = {
        otelc_attr_str("http.request.method", "GET"),
        otelc_attr_str("url.path", r->path),
        otelc_attr_str("url.scheme", "http"),
        otelc_attr_str("http.route", "/api/items/{id}"),
        otelc_attr_str("server.address", "127.0.0.1"),
        otelc_attr_int("server.port", (int64_t)gw->cfg.port),
        otelc_attr_str("app.fault", fault_name(r->item.fault)),
    };
    size_t n = sizeof attrs / sizeof attrs[0] - (r->item.fault == FAULT_NONE);
    r->server = platform_server_span(gw->tracer, "GET /api/items/{id}", parent, attrs, n,
                                     r->tenant);

    /* The request's context: its span, and the baggage with the tenant for the services
     * downstream. */
    otelc_baggage *bag = NULL;
    otelc_context *with_span = otelc_context_with_span(parent, r->server);
    if (otelc_baggage_set(&bag, otelc_context_get_baggage(parent), "tenant.id", r->tenant,
                          NULL) == OTELC_OK && with_span)
        r->ctx = otelc_context_with_baggage(with_span, bag);
    if (!r->ctx)
        r->ctx = otelc_context_ref(with_span);
    otelc_baggage_free(bag);
    otelc_context_free(with_span);
    otelc_context_free(parent);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct gateway *gw = arg;
    const char *uri = evhttp_request_get_uri(req);
    struct item_request item = {0, FAULT_NONE};
    if (gw->server.stopping) {
        evhttp_send_error(req, 503, "shutting down");
        return;
    }
    if (evhttp_request_get_command(req) != EVHTTP_REQ_GET || parse_item(uri, &item.item) != 0) {
        evhttp_send_error(req, 404, NULL);
        return;
    }
    struct request *r = calloc(1, sizeof *r);
    if (!r) {
        evhttp_send_error(req, 503, "out of memory");
        return;
    }
    item.fault = fault_parse(evhttp_find_header(evhttp_request_get_input_headers(req),
                                                "x-platform-fault"));
    r->gw = gw;
    r->req = req;
    r->item = item;
    r->started = otelc_monotonic_ns();
    snprintf(r->path, sizeof r->path, "/api/items/%u", (unsigned)item.item);
    r->next = gw->requests;
    if (r->next)
        r->next->prev = r;
    gw->requests = r;
    evserver_begin(&gw->server);
    gateway_metrics_started(gw->metrics, k_flight_attrs, 2);
    evhttp_connection_set_closecb(evhttp_request_get_connection(req), on_client_close, r);

    start_server_span(r, req);
    otelc_attr ev[] = {otelc_attr_int("platform.item.id", (int64_t)item.item),
                       otelc_attr_str("platform.fault", fault_name(item.fault))};
    otelc_span_add_event(r->server, "request.dispatched", 0, ev, 2);
    if (call_worker(r) != 0)
        finish(r, NULL, "cannot reach a worker");
}

int gateway_main(int argc, char **argv)
{
    struct gateway gw;
    memset(&gw, 0, sizeof gw);
    if (platform_config_parse(argc, argv, &gw.cfg) != 0)
        return 2;
    gw.worker_addr.sin_family = AF_INET;
    gw.worker_addr.sin_port = htons((uint16_t)gw.cfg.worker_port);
    gw.worker_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    otelc_sdk *sdk = platform_sdk_init("gateway");
    if (!sdk)
        return 1;
    gw.tracer = otelc_sdk_get_tracer(sdk, "otelc-platform.gateway", OTELC_VERSION_STRING);
    gw.metrics = gateway_metrics_new(sdk);
    int rc = 1;
    if (evserver_open(&gw.server, PLATFORM_LISTEN_FD, on_request, &gw) == 0) {
        evserver_run(&gw.server);
        /* Past the drain deadline: the requests still waiting end as failed, so their spans
         * are exported too. */
        while (gw.requests)
            finish(gw.requests, NULL, "shutdown");
        rc = gw.server.forced;
    }
    evserver_close(&gw.server);
    gateway_metrics_free(gw.metrics);
    return platform_sdk_shutdown(sdk, "gateway") || rc;
}
