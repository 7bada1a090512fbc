/* SPDX-License-Identifier: Apache-2.0 */
/* A small, bounded JSON reader for the one body shape the trace-context interop harness sends:
 * an array of {"url": "...", "arguments": <any JSON value>} objects. */
#ifndef OTELC_EXAMPLES_JSON_CALLS_H
#define OTELC_EXAMPLES_JSON_CALLS_H

#include <stddef.h>

#define CALLS_MAX 64        /* elements of the array */
#define CALL_URL_MAX 2048   /* bytes of a decoded url, with its NUL */
#define JSON_DEPTH_MAX 32   /* nesting inside "arguments" */

/* One requested call: where to POST, and the JSON text of what to POST (a slice of the body,
 * exactly as it came; "[]" when the element had no "arguments"). */
struct call {
    char url[CALL_URL_MAX];
    const char *args;
    size_t args_len;
};

/* Reads body[0..len) (need not be NUL-terminated) into calls[0..*n). Every byte is checked
 * against the JSON grammar; anything else, an element without a string "url", more than
 * CALLS_MAX elements or nesting past JSON_DEPTH_MAX is rejected. Returns 0, or -1 with a
 * static reason in *why. */
int json_parse_calls(const char *body, size_t len, struct call *calls, size_t *n,
                     const char **why);

#endif
