/* SPDX-License-Identifier: Apache-2.0 */
/* The compare workloads, the peer programs that run them too, and the extra figures of
 * `otelc-bench compare` (memory, CPU per exported span, instruction counts). */
#ifndef OTELC_BENCH_PEERS_H
#define OTELC_BENCH_PEERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <otelc/otelc.h>

/* The protocol every program of a comparison speaks (ours: `otelc-bench workload`, the peers:
 * bench/peers/go and bench/peers/js): `PROGRAM WORKLOAD --iterations N` runs a warm-up of
 * N/10 operations (at least one), then N timed ones, and prints one JSON line
 * {"workload":"...","ns_per_op":X,...}; it exits with this status, after a line
 * `unsupported`, when it has no such workload. */
#define BENCH_UNSUPPORTED 3

/* The name of the @p i-th compare workload, or NULL past the last. */
const char *bench_workload_name(size_t i);

/* Sets the first @p n (0..4) of the attributes the peers set too, in their order:
 * http.request.method=GET, http.response.status_code=200, url.path=/api,
 * server.address=example.com. */
void bench_set_peer_attrs(otelc_span *s, int n);

/* A provider with @p sampler and one batch span processor (options @p bo) around
 * @p exporter; it takes all three over, also on failure. Returns an otelc code. */
int bench_span_pipeline_new(otelc_tracer_provider **out, otelc_sampler *sampler,
                            otelc_span_exporter *exporter,
                            const otelc_batch_span_processor_options *bo);

/* The counters of @p tp's processors. */
otelc_span_processor_stats bench_provider_stats(otelc_tracer_provider *tp);

/* A figure of the extras: a value, or the reason there is none. */
struct bench_extra {
    const char *key;   /* JSON key */
    const char *label; /* table label */
    const char *unit;  /* table unit */
    double value;
    char skipped[160]; /* "" when value holds */
};

/* Peak RSS growth per million queued spans with 4 attributes (KiB), measured in a child
 * process whose exporter stalls while @p spans spans are made. */
void bench_extra_rss(struct bench_extra *x, uint64_t spans);

/* User+system CPU of a child process per span exported over OTLP/HTTP (protobuf) to a sink
 * on 127.0.0.1 served by a thread of this process, span start to the sink's answer (ns). */
void bench_extra_cpu_per_export(struct bench_extra *x, uint64_t spans);

/* Instructions of one `otelc-bench workload @p workload` operation on the calling thread
 * (@p all_threads: 0) or on all threads, from two runs under valgrind's callgrind of
 * @p k1 and @p k2 operations, differenced so that set-up cost cancels out. @p self is the
 * path of otelc-bench. */
void bench_extra_callgrind(struct bench_extra *thread, struct bench_extra *all,
                           const char *self, const char *workload, uint64_t k1, uint64_t k2);

/* An HTTP/1.1 sink on 127.0.0.1: answers every POST 200 with an empty body. */
struct bench_sink;

/* Starts the sink's thread; its port goes to @p port. Returns 0 or -1 (errno set). */
int bench_sink_start(struct bench_sink **out, int *port);
/* Stops the thread and frees the sink; returns the requests it answered. NULL: 0. */
uint64_t bench_sink_stop(struct bench_sink *s);

/* Finds @p prog on PATH (or takes it as a path when it holds a slash) and copies its path to
 * @p out. Returns 0, or -1 when there is no executable of that name. */
int bench_find_program(const char *prog, char *out, size_t size);

/* Runs argv (argv[0] a path) with @p env added to the environment (NULL-terminated
 * "K=V" strings; may be NULL), stdin from /dev/null and stderr inherited; at most @p size - 1
 * bytes of stdout go to @p out. Returns the exit status, or -1 when it could not be run or
 * was killed. */
int bench_run_capture(const char *const argv[], const char *const env[], char *out,
                      size_t size);

int bench_workload_main(int argc, char **argv);
int bench_compare_main(int argc, char **argv);

#endif /* OTELC_BENCH_PEERS_H */
