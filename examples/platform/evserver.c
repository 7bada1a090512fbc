/* SPDX-License-Identifier: Apache-2.0 */
/* Graceful life of the platform's evhttp servers: stop accepting at SIGTERM, let requests in
 * progress finish within a deadline, then leave the loop so the process can flush. */
#include "evserver.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "platform.h"

/* Keep-alive connections idle longer than this are closed, so a stop is never held up. */
#define IDLE_TIMEOUT_S 30

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
    struct evserver *s = arg;
    (void)fd;
    (void)what;
    s->forced = s->pending > 0;
    event_base_loopexit(s->base, NULL);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct evserver *s = arg;
    (void)sig;
    (void)what;
    if (s->stopping)
        return;
    s->stopping = 1;
    /* No new connections; requests on open ones are answered 503 by the handlers. */
    if (s->bound) {
        evhttp_del_accept_socket(s->http, s->bound);
        s->bound = NULL;
    }
    if (s->pending == 0) {
        event_base_loopexit(s->base, NULL);
        return;
    }
    struct timeval tv = {PLATFORM_DRAIN_MS / 1000, (PLATFORM_DRAIN_MS % 1000) * 1000};
    event_add(s->deadline, &tv);
}

int evserver_open(struct evserver *s, int fd, void (*handler)(struct evhttp_request *, void *),
                  void *arg)
{
    memset(s, 0, sizeof *s);
    signal(SIGPIPE, SIG_IGN);
    s->base = event_base_new();
    s->http = s->base ? evhttp_new(s->base) : NULL;
    if (!s->http)
        goto fail;
    s->sigterm = evsignal_new(s->base, SIGTERM, on_signal, s);
    s->sigint = evsignal_new(s->base, SIGINT, on_signal, s);
    s->deadline = evtimer_new(s->base, on_deadline, s);
    if (!s->sigterm || !s->sigint || !s->deadline || event_add(s->sigterm, NULL) != 0 ||
        event_add(s->sigint, NULL) != 0)
        goto fail;
    evhttp_set_timeout(s->http, IDLE_TIMEOUT_S);
    evhttp_set_gencb(s->http, handler, arg);
    if (evutil_make_socket_nonblocking(fd) != 0 ||
        (s->bound = evhttp_accept_socket_with_handle(s->http, fd)) == NULL)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "cannot set up the event loop and HTTP server\n");
    return -1;
}

void evserver_begin(struct evserver *s) { s->pending++; }

void evserver_end(struct evserver *s)
{
    if (--s->pending == 0 && s->stopping)
        event_base_loopexit(s->base, NULL);
}

void evserver_run(struct evserver *s) { event_base_dispatch(s->base); }

void evserver_close(struct evserver *s)
{
    if (s->deadline)
        event_free(s->deadline);
    if (s->sigint)
        event_free(s->sigint);
    if (s->sigterm)
        event_free(s->sigterm);
    if (s->http)
        evhttp_free(s->http);
    if (s->base)
        event_base_free(s->base);
    memset(s, 0, sizeof *s);
}
