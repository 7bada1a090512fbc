/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform's worker pool: a process that sets the SDK up, then pre-forks N workers that
 * accept framed requests on one shared socket. Each worker extracts the context from the
 * frame's binary block, serves the request in a SERVER span (with the baggage's tenant as an
 * attribute), prices the item in an INTERNAL span and asks the backend over HTTP in a CLIENT
 * span. A worker is single-threaded and blocking, so it uses the thread's current context.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frame.h"
#include "platform.h"

#define WORKERS_MAX 64
#define BACKEND_TIMEOUT_S 10

static volatile sig_atomic_t g_stop;

static void on_stop(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* A worker's state: one per process after the fork. */
struct worker {
    otelc_tracer *tracer;
    const struct platform_config *cfg;
    CURL *curl; /* reused: keeps the connection to the backend open */
};

/* ---- serving one request ----------------------------------------------------------------- */

/* An INTERNAL span started without a parent: the SDK takes the current one (the request). */
static uint32_t compute_price(struct worker *w, uint32_t item)
{
    otelc_span *s = otelc_span_start(w->tracer, "compute price", NULL);
    uint32_t cents = 199 + (item * 7919u) % 5000u;
    otelc_attr ev[] = {otelc_attr_int("platform.price_cents", cents)};
    otelc_span_add_event(s, "price.computed", 0, ev, 1);
    otelc_span_end(s);
    return cents;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* "name: value" lines for libcurl from what the propagators injected. */
static struct curl_slist *header_lines(const otelc_http_headers *h)
{
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < h->count; i++) {
        char line[1024];
        const otelc_http_header *it = &h->items[i];
        snprintf(line, sizeof line, "%.*s: %.*s", (int)it->name_len, it->name,
                 (int)it->value_len, it->value);
        struct curl_slist *next = curl_slist_append(list, line);
        if (!next)
            break;
        list = next;
    }
    return list;
}

/* GET /inventory/{item} on the backend in a CLIENT span; 0, or -1 with why filled. */
static int call_backend(struct worker *w, const struct item_request *rq, char *why, size_t cap)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/inventory/%u%s%s",
             (unsigned)w->cfg->backend_port, (unsigned)rq->item,
             rq->fault != FAULT_NONE ? "?fault=" : "", rq->fault != FAULT_NONE ?
             fault_name(rq->fault) : "");
    otelc_attr attrs[] = {
        otelc_attr_str("http.request.method", "GET"),
        otelc_attr_str("server.address", "127.0.0.1"),
        otelc_attr_int("server.port", (int64_t)w->cfg->backend_port),
        otelc_attr_str("url.full", url),
    };
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = OTELC_SPAN_KIND_CLIENT;
    o.attrs = attrs;
    o.attr_count = sizeof attrs / sizeof attrs[0];
    otelc_span *span = otelc_span_start(w->tracer, "GET /inventory/{item}", &o);

    /* Inject the client span's context with the current baggage (the tenant). */
    otelc_http_headers out;
    otelc_http_headers_init(&out);
    otelc_carrier_setter setter = otelc_http_headers_setter(&out);
    otelc_context_token t = otelc_span_make_current(span);
    otelc_propagator_inject(NULL, NULL, &setter);
    otelc_context_detach(t);
    struct curl_slist *lines = header_lines(&out);

    long status = 0;
    curl_easy_setopt(w->curl, CURLOPT_URL, url);
    curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, lines);
    CURLcode rc = curl_easy_perform(w->curl);
    curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(lines);
    otelc_http_headers_clear(&out);

    int result = 0;
    if (rc != CURLE_OK) {
        snprintf(why, cap, "backend: %s", curl_easy_strerror(rc));
        otelc_span_set_attr_str(span, "error.type", "transport");
        otelc_span_set_status(span, OTELC_STATUS_ERROR, why);
        result = -1;
    } else {
        otelc_span_set_attr_int(span, "http.response.status_code", status);
        if (status >= 400) {
            /* For a client span every 4xx and 5xx answer is an error. */
            snprintf(why, cap, "the inventory answered HTTP %ld", status);
            char type[16];
            snprintf(type, sizeof type, "%ld", status);
            otelc_span_set_attr_str(span, "error.type", type);
            otelc_span_set_status(span, OTELC_STATUS_ERROR, NULL);
            result = -1;
        }
    }
    otelc_span_end(span);
    return result;
}

/* Serves one request frame and fills the reply. */
static void serve(struct worker *w, const struct frame *f, struct item_reply *reply)
{
    struct item_request rq;
    memset(reply, 0, sizeof *reply);
    otelc_context *parent = frame_extract(f);
    otelc_attr attrs[] = {
        otelc_attr_str("rpc.system", "otelc_frame"),
        otelc_attr_str("rpc.service", "platform.Worker"),
        otelc_attr_str("rpc.method", "Process"),
        otelc_attr_str("server.address", "127.0.0.1"),
        otelc_attr_int("server.port", (int64_t)w->cfg->port),
        otelc_attr_str("network.transport", "tcp"),
    };
    /* Its tenant.id attribute comes from the baggage, which crossed two processes. */
    otelc_span *span = platform_server_span(w->tracer, "platform.Worker/Process", parent, attrs,
                                            sizeof attrs / sizeof attrs[0], NULL);
    const char *tenant = otelc_baggage_get(otelc_context_get_baggage(parent), "tenant.id");

    /* The request's context becomes current: the spans below and the inject find it. */
    otelc_context *ctx = otelc_context_with_span(parent, span);
    otelc_context_token scope = otelc_context_attach(ctx ? ctx : parent);

    char why[sizeof reply->message];
    if (item_request_decode(f, &rq) != 0) {
        snprintf(why, sizeof why, "malformed request");
        reply->ok = 0;
    } else {
        reply->price_cents = compute_price(w, rq.item);
        reply->ok = call_backend(w, &rq, why, sizeof why) == 0;
    }
    if (reply->ok) {
        snprintf(reply->message, sizeof reply->message, "ok");
    } else {
        snprintf(reply->message, sizeof reply->message, "%s", why);
        otelc_span_record_exception(span, "InventoryError", why, NULL, NULL, 0);
        otelc_span_set_status(span, OTELC_STATUS_ERROR, why);
    }
    if (w->cfg->access_log) {
        char tp[OTELC_TRACEPARENT_SIZE];
        otelc_traceparent_format(tp, NULL); /* the current context: this request's */
        fprintf(stderr, "worker[%d]: item %u %s tenant=%s traceparent=%s\n", (int)getpid(),
                (unsigned)rq.item, reply->ok ? "ok" : "failed", tenant ? tenant : "-",
                tp[0] ? tp : "-");
    }
    otelc_context_detach(scope);
    otelc_span_end(span);
    otelc_context_free(ctx);
    otelc_context_free(parent);
}

/* Serves the frames of one connection until the gateway closes it. */
static void serve_connection(struct worker *w, int fd)
{
    static uint8_t in[FRAME_MAX], out[FRAME_MAX];
    struct timeval tv = {BACKEND_TIMEOUT_S * 2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct frame f;
    while (frame_read(fd, in, &f) == 1) {
        struct item_reply reply;
        uint8_t payload[sizeof reply.message + 8];
        serve(w, &f, &reply);
        size_t plen = item_reply_encode(payload, sizeof payload, &reply);
        size_t len = frame_encode(out, sizeof out, FRAME_REPLY, NULL, payload, plen);
        if (len == 0 || frame_write(fd, out, len) != 0)
            break;
    }
    close(fd);
}

/* ---- the processes --------------------------------------------------------------------- */

/* A forked worker: accept and serve until SIGTERM. SIGTERM is blocked except while waiting
 * in ppoll(), so a request being served is always finished. */
static int worker_run(otelc_sdk *sdk, const struct platform_config *cfg, const sigset_t *waitmask)
{
    struct worker w = {otelc_sdk_get_tracer(sdk, "otelc-platform.worker", OTELC_VERSION_STRING),
                       cfg, curl_easy_init()};
    if (!w.curl) {
        fprintf(stderr, "worker: cannot initialise libcurl\n");
        return 1;
    }
    curl_easy_setopt(w.curl, CURLOPT_TIMEOUT, (long)BACKEND_TIMEOUT_S);
    curl_easy_setopt(w.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(w.curl, CURLOPT_WRITEFUNCTION, discard);
    while (!g_stop) {
        struct pollfd p = {PLATFORM_LISTEN_FD, POLLIN, 0};
        if (ppoll(&p, 1, NULL, waitmask) < 0)
            continue; /* EINTR: the flag says whether to stop */
        int fd = accept4(PLATFORM_LISTEN_FD, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0)
            serve_connection(&w, fd); /* another worker may have taken it: EAGAIN */
    }
    curl_easy_cleanup(w.curl);
    return 0;
}

/* Sends SIGTERM to every worker and reaps them; returns 0 when all exited 0. */
static int stop_workers(const pid_t *pids, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        kill(pids[i], SIGTERM);
    for (size_t i = 0; i < n; i++) {
        int status = 0;
        pid_t got;
        while ((got = waitpid(pids[i], &status, 0)) < 0 && errno == EINTR)
            ;
        if (got < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            rc = 1; /* got < 0: it died earlier and was reaped already */
    }
    return rc;
}

int workers_main(int argc, char **argv)
{
    struct platform_config cfg;
    if (platform_config_parse(argc, argv, &cfg) != 0)
        return 2;
    if (cfg.workers == 0 || cfg.workers > WORKERS_MAX) {
        fprintf(stderr, "workers: --workers must be 1..%d\n", WORKERS_MAX);
        return 2;
    }
    /* Workers share the socket; non-blocking, so the ones that lose a race for a connection
     * go back to waiting. */
    fcntl(PLATFORM_LISTEN_FD, F_SETFL, fcntl(PLATFORM_LISTEN_FD, F_GETFL) | O_NONBLOCK);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &waitmask);

    /* The SDK first, then fork: each worker inherits a working SDK (the batch processor
     * starts a fresh worker thread in the child, process.pid is the child's own). */
    otelc_sdk *sdk = platform_sdk_init("workers");
    if (!sdk)
        return 1;
    pid_t pids[WORKERS_MAX];
    size_t n = 0;
    for (; n < cfg.workers; n++) {
        pids[n] = fork();
        if (pids[n] < 0) {
            perror("workers: fork");
            break;
        }
        if (pids[n] == 0) {
            int rc = worker_run(sdk, &cfg, &waitmask);
            rc |= platform_sdk_shutdown(sdk, "worker");
            curl_global_cleanup();
            _exit(rc);
        }
    }
    /* The pool waits for SIGTERM (or a worker dying), then stops the workers. */
    int sig = 0;
    while (n == cfg.workers && sig != SIGTERM && sig != SIGINT) {
        if (sigwait(&block, &sig) != 0)
            break;
        if (sig == SIGCHLD && waitpid(-1, NULL, WNOHANG) > 0) {
            fprintf(stderr, "workers: a worker died; stopping the pool\n");
            break;
        }
    }
    int rc = stop_workers(pids, n) || n != cfg.workers || (sig != SIGTERM && sig != SIGINT);
    rc |= platform_sdk_shutdown(sdk, "workers");
    curl_global_cleanup();
    return rc;
}
