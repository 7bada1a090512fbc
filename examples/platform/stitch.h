/* SPDX-License-Identifier: Apache-2.0 */
/* Stitching the tree blocks that the services' console exporters write (OTELC_CONSOLE_FORMAT=
 * tree) into one tree per trace across processes. */
#ifndef OTELC_PLATFORM_STITCH_H
#define OTELC_PLATFORM_STITCH_H

#include <stddef.h>
#include <stdio.h>

struct stitcher;

/* A stitcher writing to out (borrowed); NULL when out of memory. */
struct stitcher *stitch_new(FILE *out);
/*
 * Feeds bytes the services wrote. Blocks (`trace <id> ...` up to an empty line) are kept per
 * trace; a trace is written once the block of its root has come and every client or
 * producer span in it has the block of its remote child: each block is placed under the span
 * its header names as parent. Lines outside blocks are written through as they come.
 */
void stitch_feed(struct stitcher *s, const char *data, size_t len);
/* Writes the traces still waiting, marked incomplete, then frees the stitcher. Returns the
 * number of traces written over the stitcher's life. */
size_t stitch_finish(struct stitcher *s);

#endif
