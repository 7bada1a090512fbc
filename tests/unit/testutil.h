/* SPDX-License-Identifier: Apache-2.0 */
/* Shared test helpers: a counting allocator that can fail the N-th allocation, and a log
 * capture. Include after <cmocka.h>'s prerequisites. */
#ifndef OTELC_TESTS_TESTUTIL_H
#define OTELC_TESTS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "otelc/otelc.h"

/* Installs the counting allocator. fail_at = 0: never fail; N: the N-th allocation from now
 * (and only it) fails. */
void tu_alloc_install(uint64_t fail_at);
/* Restores the C library allocator. */
void tu_alloc_uninstall(void);
/* Allocations made since install (successful or not). */
uint64_t tu_alloc_calls(void);
/* n, or n / 100 (at least 1) under valgrind (the meson setup sets OTELC_TEST_UNDER_VALGRIND),
 * whose one-thread-at-a-time scheduling makes threaded loops a hundred times slower. */
uint64_t tu_scale(uint64_t n);
/* Blocks currently allocated through the hook (0 means nothing leaked). */
int64_t tu_alloc_live(void);
/* 1 when the programmed failure has happened. */
int tu_alloc_failed(void);

/* Captures log lines (level >= min) into a buffer instead of stderr. */
void tu_log_capture(otelc_log_level min);
/* Stops capturing, restores the default handler. */
void tu_log_release(void);
/* Number of captured lines. */
int tu_log_count(void);
/* 1 when some captured line contains needle. */
int tu_log_contains(const char *needle);
/* All captured text, lines separated by '\n'. */
const char *tu_log_text(void);
/* Forgets captured lines. */
void tu_log_clear(void);

#endif

/* A provider with the simple processor and a collecting exporter that keeps a reference to
 * every span it is given (up to 4096). sampler, limits and gen may be NULL (defaults). */
otelc_tracer_provider *tu_provider(otelc_sampler *sampler, const otelc_span_limits *limits,
                                   otelc_id_generator *gen);
/* Spans collected so far, their i-th (borrowed), and dropping them all. */
size_t tu_spans_count(void);
otelc_span *tu_span_at(size_t i);
void tu_spans_clear(void);
/* Makes the collecting exporter fail the next n exports. */
void tu_spans_fail_next(int n);
/* Finds a collected span by name, or NULL. */
otelc_span *tu_span_named(const char *name);
