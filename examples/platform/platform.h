/* SPDX-License-Identifier: Apache-2.0 */
/* What the processes of the demo platform share: their settings, their entry points, and the
 * SDK set-up each of them does. */
#ifndef OTELC_PLATFORM_H
#define OTELC_PLATFORM_H

#include <otelc/otelc.h>
#include <stdint.h>

/* The inherited listening socket of a service process. */
#define PLATFORM_LISTEN_FD 3

/* The sampling policy when OTEL_TRACES_SAMPLER is unset: every request the driver flagged as
 * an error or as slow (the gateway gives the flag to the sampler as the start attribute
 * app.fault), and 10% of the rest; children follow their parent. */
#define PLATFORM_SAMPLER_RULES \
    "app.fault=error:always_on;app.fault=slow:always_on;*:parentbased_traceidratio(0.1)"

/* Settings passed from the launcher to each service process on its command line. */
struct platform_config {
    uint64_t port;         /* the port this service listens on (PLATFORM_LISTEN_FD) */
    uint64_t worker_port;  /* where the workers listen (the gateway calls them) */
    uint64_t backend_port; /* where the backend listens (the workers call it) */
    uint64_t workers;      /* worker processes to pre-fork */
    uint64_t access_log;   /* 1: one log line per request on stderr, with its traceparent */
};

/* Entry points of the processes (argv[0] is the role name); each returns an exit status. */
int gateway_main(int argc, char **argv);
int workers_main(int argc, char **argv);
int backend_main(int argc, char **argv);
int driver_main(int argc, char **argv);

/* Parses a service's command line into cfg; 0, or -1 after a message on stderr. */
int platform_config_parse(int argc, char **argv, struct platform_config *cfg);

/* Builds the SDK from the OTEL_* variables (the launcher set OTEL_SERVICE_NAME for the role)
 * and returns it, or NULL after a message naming the role. */
otelc_sdk *platform_sdk_init(const char *role);
/* Flushes and shuts the SDK down within the shutdown deadline, frees it; returns 0, or 1 when
 * the flush did not finish in time. */
int platform_sdk_shutdown(otelc_sdk *sdk, const char *role);

/* Starts a SERVER span named name as a child of parent (borrowed; NULL: a new trace) with the
 * start attributes attrs, and sets tenant.id: tenant, or when NULL the tenant.id baggage that
 * came with parent. */
otelc_span *platform_server_span(otelc_tracer *tracer, const char *name,
                                 const otelc_context *parent, const otelc_attr *attrs, size_t n,
                                 const char *tenant);

/* How long each process may take to finish its requests and flush at SIGTERM. */
#define PLATFORM_DRAIN_MS 5000u
#define PLATFORM_FLUSH_MS 5000u

#endif
