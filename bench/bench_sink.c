/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal HTTP/1.1 sink on 127.0.0.1 for `otelc-bench compare`: reads each request (with
 * Content-Length, and `Expect: 100-continue`), drops the body, answers 200 with no body. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_peers.h"
#include "sdk/common/alloc.h"

struct bench_sink {
    int listen_fd;
    int stop_pipe[2]; /* written to stop the thread */
    pthread_t thread;
    _Atomic uint64_t requests;
};

/* Waits until @p fd is readable; 0 when it is, -1 when the sink is being stopped. */
static int wait_readable(struct bench_sink *s, int fd)
{
    struct pollfd p[2] = {{fd, POLLIN, 0}, {s->stop_pipe[0], POLLIN, 0}};
    for (;;) {
        int r = poll(p, 2, -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || p[1].revents)
            return -1;
        return 0;
    }
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The value of header @p name in the head @p head, or NULL. */
static const char *header_value(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line != NULL; line = strstr(line + 2, "\r\n"))
        if (strncasecmp(line + 2, name, n) == 0 && line[2 + n] == ':')
            return line + 3 + n;
    return NULL;
}

/* Serves requests on one connection until it closes. */
static void serve(struct bench_sink *s, int fd)
{
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n"
                             "Content-Length: 0\r\n\r\n";
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    char buf[65536];
    size_t have = 0;
    for (;;) {
        char *end;
        buf[have] = '\0';
        while ((end = strstr(buf, "\r\n\r\n")) == NULL) {
            if (have + 1 >= sizeof buf || wait_readable(s, fd) != 0)
                return;
            ssize_t r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
            if (r <= 0)
                return;
            have += (size_t)r;
            buf[have] = '\0';
        }
        end[2] = '\0'; /* the head, ending with its last header's CRLF */
        size_t head_len = (size_t)(end - buf) + 4;
        const char *cl = header_value(buf, "Content-Length");
        unsigned long long body = cl ? strtoull(cl, NULL, 10) : 0;
        const char *expect = header_value(buf, "Expect");
        if (expect != NULL && strstr(expect, "100-continue") != NULL &&
            send_all(fd, cont, sizeof cont - 1) != 0)
            return;
        /* Drop the body: first what came with the head, then the rest from the socket. */
        size_t extra = have - head_len;
        size_t take = body < extra ? (size_t)body : extra;
        body -= take;
        memmove(buf, buf + head_len + take, extra - take);
        have = extra - take;
        while (body > 0) {
            if (wait_readable(s, fd) != 0)
                return;
            ssize_t r = recv(fd, buf + have, body < sizeof buf - 1 - have ? (size_t)body
                                                                           : sizeof buf - 1 - have,
                             0);
            if (r <= 0)
                return;
            body -= (unsigned long long)r;
        }
        if (send_all(fd, ok, sizeof ok - 1) != 0)
            return;
        atomic_fetch_add(&s->requests, 1);
    }
}

static void *sink_thread(void *arg)
{
    struct bench_sink *s = arg;
    while (wait_readable(s, s->listen_fd) == 0) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        serve(s, fd);
        close(fd);
    }
    return NULL;
}

int bench_sink_start(struct bench_sink **out, int *port)
{
    struct bench_sink *s = otelc__calloc(1, sizeof *s);
    if (s == NULL)
        return -1;
    s->stop_pipe[0] = s->stop_pipe[1] = -1;
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->listen_fd < 0)
        goto fail;
    if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->listen_fd, 8) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0)
        goto fail;
    if (pipe2(s->stop_pipe, O_CLOEXEC) != 0)
        goto fail;
    if (pthread_create(&s->thread, NULL, sink_thread, s) != 0)
        goto fail;
    *port = ntohs(a.sin_port);
    *out = s;
    return 0;
fail:
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->stop_pipe[0] >= 0) {
        close(s->stop_pipe[0]);
        close(s->stop_pipe[1]);
    }
    otelc__free(s);
    return -1;
}

uint64_t bench_sink_stop(struct bench_sink *s)
{
    if (s == NULL)
        return 0;
    ssize_t w;
    do
        w = write(s->stop_pipe[1], "x", 1);
    while (w < 0 && errno == EINTR);
    pthread_join(s->thread, NULL);
    uint64_t n = atomic_load(&s->requests);
    close(s->listen_fd);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
    otelc__free(s);
    return n;
}
