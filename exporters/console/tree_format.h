/* SPDX-License-Identifier: Apache-2.0 */
/* The tree format of the console exporter: ended spans are grouped by trace and a trace is
 * written as a tree, one line per span, when its local root ends. */
#ifndef OTELC_EXPORTERS_CONSOLE_TREE_FORMAT_H
#define OTELC_EXPORTERS_CONSOLE_TREE_FORMAT_H

#include <stdint.h>

#include "otelc/trace.h"
#include "sdk/common/buf.h"

/*
 * A block is written for each finished local tree:
 *
 *   trace <32 hex digits>[ parent <16 hex digits>][ incomplete]
 *   <name column><kind column><duration column><service column><span column><status>
 *   ...                                               (one line per span, depth first)
 *   <empty line>
 *
 * `parent` names the remote parent of the block's root (its caller in another process);
 * `incomplete` marks what a flush wrote before the local root ended. Span lines have fixed
 * byte columns so that a program can stitch blocks of several processes together:
 *
 *   name      OTELC__TREE_NAME_WIDTH bytes: two spaces per depth level, then the span name
 *             (control bytes written as '?', cut at a UTF-8 boundary and ended with "..."
 *             when too long), padded with spaces
 *   kind      OTELC__TREE_KIND_WIDTH bytes: "server", "client", "internal", "producer",
 *             "consumer", padded
 *   duration  OTELC__TREE_DURATION_WIDTH bytes, right-aligned: "12.345 ms" or "12.35 s",
 *             then two spaces
 *   service   OTELC__TREE_SERVICE_WIDTH bytes: the resource's service.name, cut and padded
 *   span      "#" and the first 8 hex digits of the span id, then two spaces
 *   status    "ok", "error" or "error: <description>" (control bytes as '?'), nothing when
 *             unset; the line ends after it without trailing spaces
 *
 * Children are ordered by start time. Only the depth of indentation is capped (at
 * OTELC__TREE_MAX_INDENT levels), never the depth of the tree.
 */
#define OTELC__TREE_NAME_WIDTH 44
#define OTELC__TREE_KIND_WIDTH 10
#define OTELC__TREE_DURATION_WIDTH 10
#define OTELC__TREE_SERVICE_WIDTH 20
#define OTELC__TREE_MAX_INDENT 16
/* The byte offset of the span column in a span line. */
#define OTELC__TREE_SPAN_COLUMN                                                                 \
    (OTELC__TREE_NAME_WIDTH + OTELC__TREE_KIND_WIDTH + OTELC__TREE_DURATION_WIDTH + 2 +       \
     OTELC__TREE_SERVICE_WIDTH)

/* Bounds of what waits for its local root. */
struct otelc__tree_limits {
    uint32_t max_spans;  /* spans waiting over all traces */
    uint32_t max_traces; /* traces with waiting spans */
};

/* Defaults: 4096 spans, 512 traces. */
#define OTELC__TREE_DEFAULT_MAX_SPANS 4096u
#define OTELC__TREE_DEFAULT_MAX_TRACES 512u

struct otelc__tree;

/* A new, empty printer; lim NULL: the defaults. OTELC_OK, OTELC_EINVAL (a zero limit),
 * OTELC_ENOMEM. */
int otelc__tree_new(struct otelc__tree **out, const struct otelc__tree_limits *lim);
/* Frees the printer and whatever still waits (without writing it). NULL is a no-op. */
void otelc__tree_free(struct otelc__tree *t);

/*
 * Takes an ended span (its fields are copied; the span is borrowed for the call). When it is
 * a local root (no parent, or a parent in another process), its tree is appended to out as a
 * block and forgotten. A span that does not fit the limits is dropped and counted.
 * OTELC_OK, OTELC_EFULL (dropped: a limit), OTELC_ENOMEM (dropped, or out's oom flag is set).
 */
int otelc__tree_add(struct otelc__tree *t, otelc_span *span, struct otelc__buf *out);

/* Appends every waiting span to out, one block per trace and local tree marked incomplete
 * (spans whose parent is not waiting are roots of their own), and forgets them. */
void otelc__tree_flush(struct otelc__tree *t, struct otelc__buf *out);

/* Spans dropped so far. */
uint64_t otelc__tree_dropped(const struct otelc__tree *t);

#endif
