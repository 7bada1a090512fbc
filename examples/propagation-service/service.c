/* SPDX-License-Identifier: Apache-2.0 */
/*
 * otelc-propagation-service: the trace-context interop test service, and an example of
 * server-side extract plus client-side inject.
 *
 *   otelc-propagation-service [--port 5000]
 *
 * It listens on 127.0.0.1 (libevent's evhttp) and answers `POST /test`, whose body is a JSON
 * array of {"url": ..., "arguments": [...]}: it extracts the context of the request, starts a
 * server span as its child, and for each element starts a client span and POSTs the element's
 * "arguments" as JSON to its "url" (libcurl) with that span's context injected. Then it
 * answers 200. A malformed body gets 400.
 *
 * The calls run on a worker thread per request so the event loop stays free (a url may point
 * back at this service); the reply goes back to the loop thread through event_base_once().
 * The SDK is configured from OTEL_* variables: OTEL_PROPAGATORS picks the propagators
 * (default tracecontext,baggage), OTEL_TRACES_EXPORTER the exporter.
 */
#include <curl/curl.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <otelc/otelc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evhttp_headers.h"
#include "json_calls.h"

#define BODY_MAX (1u << 20)
#define HEADERS_MAX 128

static otelc_tracer *g_tracer;

/* Workers still running, so that shutdown waits for them before freeing the loop. */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_idle = PTHREAD_COND_INITIALIZER;
static int g_active, g_stopping;

/* One POST /test being served. */
struct job {
    struct event_base *base;
    struct evhttp_request *req;
    otelc_span *server;  /* the server span (one reference) */
    otelc_context *ctx;  /* the extracted context with the server span in it */
    char *body;          /* a copy of the request body: the calls point into it */
    struct call calls[CALLS_MAX];
    size_t n;
};

/* ---- server side: extract ------------------------------------------------------------- */

/* The context the request carries (never NULL: the empty context when nothing valid came). */
static otelc_context *extract_request(struct evhttp_request *req)
{
    otelc_http_header items[HEADERS_MAX];
    otelc_http_headers headers;
    otelc_carrier_getter getter = evhttp_headers_getter(req, items, HEADERS_MAX, &headers);
    otelc_context *parent = NULL;
    if (otelc_propagator_extract(NULL, NULL, &getter, &parent) != OTELC_OK)
        parent = otelc_context_with_span(NULL, NULL); /* out of memory: start a new trace */
    return parent;
}

/* ---- client side: inject --------------------------------------------------------------- */

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* "name: value" lines for libcurl from what the propagator injected. */
static struct curl_slist *header_lines(const otelc_http_headers *h)
{
    struct curl_slist *list = curl_slist_append(NULL, "Content-Type: application/json");
    for (size_t i = 0; list && i < h->count; i++) {
        const otelc_http_header *it = &h->items[i];
        size_t len = it->name_len + 2 + it->value_len + 1;
        char *line = malloc(len);
        if (!line)
            break;
        snprintf(line, len, "%s: %s", it->name, it->value);
        struct curl_slist *next = curl_slist_append(list, line);
        free(line);
        if (!next)
            break;
        list = next;
    }
    return list;
}

/* POSTs one call's arguments as a child of parent, with the client span's context
 * injected. */
static void post_call(const struct call *c, const otelc_context *parent)
{
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = parent;
    o.kind = OTELC_SPAN_KIND_CLIENT;
    otelc_span *span = otelc_span_start(g_tracer, "POST", &o);
    otelc_span_set_attr_str(span, "url.full", c->url);
    /* The client span's context, keeping the baggage that came in. */
    otelc_context *ctx = otelc_context_with_span(parent, span);

    otelc_http_headers out;
    otelc_http_headers_init(&out);
    otelc_carrier_setter setter = otelc_http_headers_setter(&out);
    if (otelc_propagator_inject(NULL, ctx ? ctx : parent, &setter) != OTELC_OK)
        fprintf(stderr, "inject failed: the call goes out without context\n");

    struct curl_slist *lines = header_lines(&out);
    CURL *curl = curl_easy_init();
    CURLcode rc = CURLE_OUT_OF_MEMORY;
    long status = 0;
    if (curl && lines) {
        curl_easy_setopt(curl, CURLOPT_URL, c->url);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, c->args);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)c->args_len);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, lines);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
        rc = curl_easy_perform(curl);
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    }
    if (rc != CURLE_OK)
        otelc_span_set_status(span, OTELC_STATUS_ERROR, curl_easy_strerror(rc));
    else
        otelc_span_set_attr_int(span, "http.response.status_code", status);
    curl_easy_cleanup(curl);
    curl_slist_free_all(lines);
    otelc_http_headers_clear(&out);
    otelc_context_free(ctx);
    otelc_span_end(span);
}

/* ---- one request: the worker and the reply --------------------------------------------- */

static void job_free(struct job *j)
{
    otelc_context_free(j->ctx);
    otelc_span_end(j->server);
    free(j->body);
    free(j);
}

/* On the loop thread: the client went away while its calls ran. libevent frees the request
 * with the connection, so the reply must not touch it. */
static void on_close(struct evhttp_connection *conn, void *arg)
{
    struct job *j = arg;
    (void)conn;
    j->req = NULL;
}

/* On the loop thread: answer (if the client is still there) and finish. */
static void reply(evutil_socket_t fd, short what, void *arg)
{
    struct job *j = arg;
    (void)fd;
    (void)what;
    if (j->req) {
        evhttp_connection_set_closecb(evhttp_request_get_connection(j->req), NULL, NULL);
        evhttp_send_reply(j->req, HTTP_OK, "OK", NULL);
    } else {
        otelc_span_set_status(j->server, OTELC_STATUS_ERROR, "client closed the connection");
    }
    job_free(j);
}

static void *worker(void *arg)
{
    struct job *j = arg;
    for (size_t i = 0; i < j->n; i++)
        post_call(&j->calls[i], j->ctx);
    pthread_mutex_lock(&g_mu);
    const struct timeval now = {0, 0};
    if (g_stopping || event_base_once(j->base, -1, EV_TIMEOUT, reply, j, &now) != 0)
        job_free(j); /* the loop is gone: evhttp_free() drops the request */
    g_active--;
    pthread_cond_signal(&g_idle);
    pthread_mutex_unlock(&g_mu);
    return NULL;
}

static void on_test(struct evhttp_request *req, void *arg)
{
    if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
        evhttp_send_error(req, 405, "POST only");
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    struct job *j = calloc(1, sizeof *j);
    char *body = malloc(len + 1);
    if (!j || !body || evbuffer_copyout(in, body, len) != (ev_ssize_t)len) {
        free(j);
        free(body);
        evhttp_send_error(req, HTTP_INTERNAL, "out of memory");
        return;
    }
    const char *why = NULL;
    if (json_parse_calls(body, len, j->calls, &j->n, &why) != 0) {
        free(j);
        free(body);
        evhttp_send_error(req, HTTP_BADREQUEST, why);
        return;
    }
    j->body = body;
    j->base = arg;
    j->req = req;
    evhttp_connection_set_closecb(evhttp_request_get_connection(req), on_close, j);

    /* Server side: the extracted context is the parent of the server span. */
    otelc_context *parent = extract_request(req);
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = parent;
    o.kind = OTELC_SPAN_KIND_SERVER;
    j->server = otelc_span_start(g_tracer, "POST /test", &o);
    otelc_span_set_attr_int(j->server, "test.calls", (int64_t)j->n);
    j->ctx = otelc_context_with_span(parent, j->server);
    otelc_context_free(parent);

    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_mutex_lock(&g_mu);
    int started = pthread_create(&t, &attr, worker, j) == 0;
    g_active += started;
    pthread_mutex_unlock(&g_mu);
    pthread_attr_destroy(&attr);
    if (!started) {
        evhttp_connection_set_closecb(evhttp_request_get_connection(req), NULL, NULL);
        job_free(j);
        evhttp_send_error(req, HTTP_SERVUNAVAIL, "cannot start a worker");
    }
}

/* ---- main ------------------------------------------------------------------------------ */

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    event_base_loopexit(arg, NULL);
}

static int parse_port(int argc, char **argv, unsigned *port)
{
    *port = 5000;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            errno = 0;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (errno || *end || v == 0 || v > 65535)
                return -1;
            *port = (unsigned)v;
        } else {
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    unsigned port;
    if (parse_port(argc, argv, &port) != 0) {
        fprintf(stderr, "usage: %s [--port N]\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || evthread_use_pthreads() != 0) {
        fprintf(stderr, "cannot initialise libcurl or libevent threads\n");
        return 1;
    }
    otelc_sdk *sdk = NULL;
    if (otelc_sdk_init_from_env(&sdk) != OTELC_OK) {
        fprintf(stderr, "cannot initialise the SDK\n");
        return 1;
    }
    g_tracer = otelc_sdk_get_tracer(sdk, "otelc-propagation-service", OTELC_VERSION_STRING);

    int rc = 1;
    struct event_base *base = event_base_new();
    struct evhttp *http = base ? evhttp_new(base) : NULL;
    struct event *sigint = base ? evsignal_new(base, SIGINT, on_signal, base) : NULL;
    struct event *sigterm = base ? evsignal_new(base, SIGTERM, on_signal, base) : NULL;
    if (!http || !sigint || !sigterm || event_add(sigint, NULL) || event_add(sigterm, NULL)) {
        fprintf(stderr, "cannot set up the event loop\n");
        goto out;
    }
    evhttp_set_max_body_size(http, BODY_MAX);
    evhttp_set_cb(http, "/test", on_test, base);
    if (evhttp_bind_socket(http, "127.0.0.1", (ev_uint16_t)port) != 0) {
        fprintf(stderr, "cannot listen on 127.0.0.1:%u\n", port);
        goto out;
    }
    fprintf(stderr, "listening on 127.0.0.1:%u\n", port);
    event_base_dispatch(base);

    /* Let the workers finish, then deliver the replies they queued. */
    pthread_mutex_lock(&g_mu);
    while (g_active > 0)
        pthread_cond_wait(&g_idle, &g_mu);
    g_stopping = 1;
    pthread_mutex_unlock(&g_mu);
    event_base_loop(base, EVLOOP_NONBLOCK);
    rc = 0;
out:
    if (sigint)
        event_free(sigint);
    if (sigterm)
        event_free(sigterm);
    if (http)
        evhttp_free(http);
    if (base)
        event_base_free(base);
    otelc_sdk_shutdown(sdk, 5000);
    otelc_sdk_free(sdk);
    curl_global_cleanup();
    return rc;
}
