/* SPDX-License-Identifier: Apache-2.0 */
/* The life of an evhttp server in the platform (gateway and backend): serving on an inherited
 * socket, and a graceful stop at SIGTERM that lets requests in progress finish. */
#ifndef OTELC_PLATFORM_EVSERVER_H
#define OTELC_PLATFORM_EVSERVER_H

#include <event2/event.h>
#include <event2/http.h>

struct evserver {
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *bound; /* NULL once the server stopped accepting */
    struct event *sigterm;
    struct event *sigint;
    struct event *deadline;
    int pending;  /* requests begun and not ended */
    int stopping; /* SIGTERM or SIGINT arrived */
    int forced;   /* the drain deadline passed with requests still pending */
};

/* Serves the listening socket fd with handler (called for every request with arg).
 * 0, or -1 after a message on stderr (evserver_close() cleans up either way). */
int evserver_open(struct evserver *s, int fd, void (*handler)(struct evhttp_request *, void *),
                  void *arg);
/* A request began; evserver_end() when it has been answered. */
void evserver_begin(struct evserver *s);
void evserver_end(struct evserver *s);
/* Runs the loop until a signal stopped the server and the pending requests ended (or the
 * drain deadline passed: then forced is set). */
void evserver_run(struct evserver *s);
void evserver_close(struct evserver *s);

#endif
