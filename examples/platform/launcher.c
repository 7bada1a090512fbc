/* SPDX-License-Identifier: Apache-2.0 */
/*
 * otelc-platform: starts the demo platform (backend, worker pool, gateway), optionally runs
 * the load driver against it, forwards SIGTERM, reaps, and prints the trace trees that the
 * services' console exporters write, stitched into one tree per trace across processes.
 *
 *   otelc-platform [--port N] [--workers N] [--requests N] [--concurrency N]
 *                  [--error-every N] [--slow-every N] [--access-log] [--report FILE]
 *
 * Without --requests it serves until SIGTERM or SIGINT. The launcher itself does not trace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cli.h"
#include "platform.h"
#include "stitch.h"

/* How long the processes get to stop after SIGTERM before they are killed. */
#define STOP_TIMEOUT_MS 20000

enum child_role { BACKEND, WORKERS, GATEWAY, DRIVER, ROLE_COUNT };
static const char *const k_roles[ROLE_COUNT] = {"backend", "workers", "gateway", "driver"};
static const char *const k_services[ROLE_COUNT] = {"platform-backend", "platform-worker",
                                                   "platform-gateway", NULL};

struct child {
    pid_t pid;    /* 0 when not running */
    int status;   /* wait status once reaped */
    int signaled; /* SIGTERM sent */
};

static int g_sigpipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(g_sigpipe[1], &b, 1) < 0) {
        /* The pipe is full: enough wake-ups are already queued. */
    }
    errno = saved;
}

/* ---- set-up ---------------------------------------------------------------------------- */

/* A listening TCP socket on 127.0.0.1:port (0: any free port); its port in *bound. */
static int listen_on(unsigned port, unsigned *bound)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

/* The defaults of the demo, where the user did not choose: spans to the console as trees
 * (or over OTLP when an endpoint is set), the sampling policy, quick batches. */
static void default_environment(void)
{
    int endpoint = getenv("OTEL_EXPORTER_OTLP_ENDPOINT") ||
                   getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    setenv("OTEL_TRACES_EXPORTER", endpoint ? "otlp" : "console", 0);
    if (endpoint)
        setenv("OTEL_METRICS_EXPORTER", "otlp", 0);
    setenv("OTELC_CONSOLE_FORMAT", "tree", 0);
    if (!getenv("OTEL_TRACES_SAMPLER")) {
        setenv("OTEL_TRACES_SAMPLER", "otelc_rules", 1);
        setenv("OTEL_TRACES_SAMPLER_ARG", PLATFORM_SAMPLER_RULES, 1);
    }
    setenv("OTEL_BSP_SCHEDULE_DELAY", "200", 0);
}

/* Starts this program again as role, with the socket as PLATFORM_LISTEN_FD and stdout on
 * out_fd. */
static pid_t spawn(enum child_role role, int listen_fd, int out_fd, const char *const *args)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* dup2() clears close-on-exec on the copies, which is how exactly these two reach the
     * new program. */
    if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0)
        _exit(127);
    if (listen_fd >= 0) {
        if (listen_fd == PLATFORM_LISTEN_FD)
            fcntl(listen_fd, F_SETFD, 0);
        else if (dup2(listen_fd, PLATFORM_LISTEN_FD) < 0)
            _exit(127);
    }
    if (k_services[role])
        setenv("OTEL_SERVICE_NAME", k_services[role], 1);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv("/proc/self/exe", (char *const *)args);
    perror("otelc-platform: exec");
    _exit(127);
}

/* ---- running --------------------------------------------------------------------------- */

struct launcher {
    struct child kids[ROLE_COUNT];
    struct stitcher *stitch;
    int tree_fd;   /* read end of the services' stdout; -1 at end of file */
    int driver_fd; /* read end of the driver's stdout; -1 at end of file */
    char driver_out[8192];
    size_t driver_len;
    int stopping;
    uint64_t stop_started;
};

static void terminate(struct launcher *l, enum child_role r)
{
    struct child *c = &l->kids[r];
    if (c->pid > 0 && !c->signaled) {
        kill(c->pid, SIGTERM);
        c->signaled = 1;
    }
}

/* Stops in order: the gateway first (it finishes its requests while the workers and the
 * backend still answer), then the rest once the gateway is gone. */
static void advance_stop(struct launcher *l)
{
    if (!l->stopping) {
        l->stopping = 1;
        l->stop_started = otelc_monotonic_ns();
    }
    terminate(l, DRIVER);
    terminate(l, GATEWAY);
    if (l->kids[GATEWAY].pid == 0) {
        terminate(l, WORKERS);
        terminate(l, BACKEND);
    }
}

/* 1 when the driver ended because the launcher stopped it (a signal asked to stop early). */
static int stopped_driver(const struct launcher *l, enum child_role r)
{
    const struct child *c = &l->kids[r];
    return r == DRIVER && c->signaled && WIFSIGNALED(c->status) && WTERMSIG(c->status) == SIGTERM;
}

static void reap(struct launcher *l)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int r = 0; r < ROLE_COUNT; r++) {
            if (l->kids[r].pid != pid)
                continue;
            l->kids[r].pid = 0;
            l->kids[r].status = status;
            /* Any child ending (the driver when done, a service that failed, the gateway
             * after SIGTERM) moves the stop on. */
            advance_stop(l);
            if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
                fprintf(stderr, "otelc-platform: %s exited %d\n", k_roles[r],
                        WEXITSTATUS(status));
            else if (WIFSIGNALED(status) && !stopped_driver(l, (enum child_role)r))
                fprintf(stderr, "otelc-platform: %s killed by signal %d\n", k_roles[r],
                        WTERMSIG(status));
        }
    }
}

static int running(const struct launcher *l)
{
    for (int r = 0; r < ROLE_COUNT; r++)
        if (l->kids[r].pid > 0)
            return 1;
    return 0;
}

/* Reads what is there on *fd; closes it at end of file. */
static void drain(struct launcher *l, int *fd, int is_tree)
{
    char buf[4096];
    ssize_t n = read(*fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close(*fd);
        *fd = -1;
        return;
    }
    if (is_tree) {
        stitch_feed(l->stitch, buf, (size_t)n);
    } else {
        size_t room = sizeof l->driver_out - l->driver_len;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(l->driver_out + l->driver_len, buf, take);
        l->driver_len += take;
    }
}

static void loop(struct launcher *l)
{
    while (running(l) || l->tree_fd >= 0 || l->driver_fd >= 0) {
        struct pollfd p[3] = {{g_sigpipe[0], POLLIN, 0}, {l->tree_fd, POLLIN, 0},
                              {l->driver_fd, POLLIN, 0}};
        if (poll(p, 3, 250) < 0 && errno != EINTR)
            break;
        if (p[0].revents & POLLIN) {
            unsigned char sig;
            while (read(g_sigpipe[0], &sig, 1) == 1)
                if (sig == SIGTERM || sig == SIGINT)
                    advance_stop(l);
        }
        reap(l);
        if (l->tree_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(l, &l->tree_fd, 1);
        if (l->driver_fd >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR)))
            drain(l, &l->driver_fd, 0);
        if (l->stopping && running(l) &&
            otelc_monotonic_ns() - l->stop_started > (uint64_t)STOP_TIMEOUT_MS * 1000000u) {
            fprintf(stderr, "otelc-platform: processes still running after %d ms: killed\n",
                    STOP_TIMEOUT_MS);
            for (int r = 0; r < ROLE_COUNT; r++)
                if (l->kids[r].pid > 0)
                    kill(l->kids[r].pid, SIGKILL);
            l->stop_started = otelc_monotonic_ns(); /* reap them on the next rounds */
        }
    }
}

static void usage(FILE *f, const struct cli_flag *flags, size_t n)
{
    fprintf(f, "usage: otelc-platform [flags] [--report FILE]\n"
               "Runs the demo platform: a gateway (libevent), pre-forked workers reached over\n"
               "framed TCP, a backend over HTTP. With --requests N, the load driver sends N\n"
               "requests, then everything stops; without it, it serves until SIGTERM.\n"
               "OTEL_* variables configure the SDK (see examples/platform/README.md).\n"
               "  --report FILE      the driver writes one JSON line per request to FILE\n");
    cli_print_flags(f, flags, n);
}

/* Takes `--report PATH` out of argv (the one flag whose value is text). */
static const char *take_report(int *argc, char **argv)
{
    for (int i = 1; i + 1 < *argc; i++) {
        if (strcmp(argv[i], "--report") == 0) {
            const char *path = argv[i + 1];
            memmove(&argv[i], &argv[i + 2], (size_t)(*argc - i - 2) * sizeof *argv);
            *argc -= 2;
            return path;
        }
    }
    return NULL;
}

static int run_role(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*main)(int, char **);
    } roles[] = {{"gateway", gateway_main}, {"workers", workers_main},
                 {"backend", backend_main}, {"driver", driver_main}};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(argv[2], roles[i].name) == 0)
            return roles[i].main(argc - 2, argv + 2);
    fprintf(stderr, "otelc-platform: unknown role %s\n", argv[2]);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--role") == 0)
        return run_role(argc, argv);

    uint64_t port = 8080, workers = 2, requests = 0, concurrency = 4, error_every = 5;
    uint64_t slow_every = 7, access_log = 0;
    const char *report = take_report(&argc, argv);
    const struct cli_flag flags[] = {
        cli_num("--port", "N", &port, 0, 65535, "the gateway's port on 127.0.0.1 (0: any)"),
        cli_num("--workers", "N", &workers, 1, 64, "worker processes to pre-fork"),
        cli_num("--requests", "N", &requests, 0, 1000000, "run the driver: N requests, then stop"),
        cli_num("--concurrency", "N", &concurrency, 1, 16, "the driver's requests at a time"),
        cli_num("--error-every", "N", &error_every, 0, 1000000, "the driver flags every Nth as error"),
        cli_num("--slow-every", "N", &slow_every, 0, 1000000, "the driver flags every Nth as slow"),
        cli_switch("--access-log", &access_log, "services log each request with its traceparent"),
    };
    size_t nflags = sizeof flags / sizeof flags[0];
    switch (cli_parse_flags(argc - 1, argv + 1, flags, nflags)) {
    case CLI_HELP:
        usage(stdout, flags, nflags);
        return 0;
    case CLI_ERROR:
        usage(stderr, flags, nflags);
        return 2;
    case CLI_OK:
        break;
    }
    default_environment();

    int tree[2], drv[2];
    unsigned gw_port, wk_port, be_port;
    int gw_fd = listen_on((unsigned)port, &gw_port);
    int wk_fd = listen_on(0, &wk_port);
    int be_fd = listen_on(0, &be_port);
    if (gw_fd < 0 || wk_fd < 0 || be_fd < 0) {
        fprintf(stderr, "otelc-platform: cannot listen on 127.0.0.1:%u: %s\n", (unsigned)port,
                strerror(errno));
        return 1;
    }
    if (pipe2(tree, O_CLOEXEC) != 0 || pipe2(drv, O_CLOEXEC) != 0 ||
        pipe2(g_sigpipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        perror("otelc-platform: pipe");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    char p_gw[16], p_wk[16], p_be[16], n_wk[16], n_req[16], n_conc[16], n_err[16], n_slow[16];
    snprintf(p_gw, sizeof p_gw, "%u", gw_port);
    snprintf(p_wk, sizeof p_wk, "%u", wk_port);
    snprintf(p_be, sizeof p_be, "%u", be_port);
    snprintf(n_wk, sizeof n_wk, "%u", (unsigned)workers);
    snprintf(n_req, sizeof n_req, "%u", (unsigned)requests);
    snprintf(n_conc, sizeof n_conc, "%u", (unsigned)concurrency);
    snprintf(n_err, sizeof n_err, "%u", (unsigned)error_every);
    snprintf(n_slow, sizeof n_slow, "%u", (unsigned)slow_every);
    const char *log = access_log ? "--access-log" : NULL;
    const char *a_be[] = {argv[0], "--role", "backend", "--port", p_be, log, NULL};
    const char *a_wk[] = {argv[0], "--role", "workers", "--port", p_wk, "--backend-port", p_be,
                    "--workers", n_wk, log, NULL};
    const char *a_gw[] = {argv[0], "--role", "gateway", "--port", p_gw, "--worker-port", p_wk, log,
                    NULL};
    const char *a_dr[] = {argv[0], "--role", "driver", "--port", p_gw, "--requests", n_req,
                    "--concurrency", n_conc, "--error-every", n_err, "--slow-every", n_slow,
                    report ? "--report" : NULL, report, NULL};

    struct launcher l;
    memset(&l, 0, sizeof l);
    l.stitch = stitch_new(stdout);
    l.tree_fd = tree[0];
    l.driver_fd = drv[0];
    if (!l.stitch)
        return 1;
    l.kids[BACKEND].pid = spawn(BACKEND, be_fd, tree[1], a_be);
    l.kids[WORKERS].pid = spawn(WORKERS, wk_fd, tree[1], a_wk);
    l.kids[GATEWAY].pid = spawn(GATEWAY, gw_fd, tree[1], a_gw);
    if (requests > 0)
        l.kids[DRIVER].pid = spawn(DRIVER, -1, drv[1], a_dr);
    else
        fprintf(stderr, "otelc-platform: serving http://127.0.0.1:%u/api/items/{id} "
                "(SIGTERM or Ctrl-C stops)\n", gw_port);
    /* Only the children write to the pipes now: end of file comes when they are all gone. */
    close(tree[1]);
    close(drv[1]);
    close(gw_fd);
    close(wk_fd);
    close(be_fd);
    for (int r = 0; r < ROLE_COUNT; r++)
        if (l.kids[r].pid < 0) {
            perror("otelc-platform: fork");
            l.kids[r].pid = 0;
            advance_stop(&l);
        }

    loop(&l);
    size_t traces = stitch_finish(l.stitch);
    fwrite(l.driver_out, 1, l.driver_len, stdout);
    int rc = 0;
    for (int r = 0; r < ROLE_COUNT; r++) {
        int st = l.kids[r].status;
        if (r == DRIVER && (requests == 0 || stopped_driver(&l, DRIVER)))
            continue;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            rc = 1;
    }
    if (strcmp(getenv("OTEL_TRACES_EXPORTER"), "console") == 0 &&
        strcmp(getenv("OTELC_CONSOLE_FORMAT"), "tree") == 0)
        printf("otelc-platform: %zu traces printed; clean shutdown: %s\n", traces,
               rc == 0 ? "yes" : "no");
    else
        printf("otelc-platform: clean shutdown: %s\n", rc == 0 ? "yes" : "no");
    return rc;
}
