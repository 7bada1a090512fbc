/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the tracestate parser, joined fields, mutation and truncation. The input is
 * split at newlines into repeated fields. A value it accepts must parse again unchanged from
 * its header form, and its truncated form must be a valid prefix-ordered tracestate. */
#include <string.h>

#include "fuzz.h"
#include "otelc/otelc.h"
#include "propagators/tracestate_internal.h"

#define MAX_PARTS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *parts[MAX_PARTS];
    size_t lens[MAX_PARTS], n = 0;
    const char *p = (const char *)data, *end = p + size;
    while (n < MAX_PARTS) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        parts[n] = p;
        lens[n++] = (size_t)((nl ? nl : end) - p);
        if (!nl)
            break;
        p = nl + 1;
    }
    otelc_tracestate *ts = NULL;
    if (otelc__tracestate_from_parts(&ts, parts, lens, n) != OTELC_OK)
        return 0;
    size_t count = otelc_tracestate_count(ts);
    FUZZ_CHECK(count <= 32);
    const char *h = otelc_tracestate_header(ts);
    otelc_tracestate *again = NULL;
    FUZZ_CHECK(otelc_tracestate_new(&again, h, strlen(h)) == OTELC_OK);
    FUZZ_CHECK(strcmp(otelc_tracestate_header(again), h) == 0);
    otelc_tracestate_free(again);

    char out[OTELC__TRACESTATE_PROPAGATE_MAX + 1];
    size_t w = otelc__tracestate_write(ts, out, sizeof out);
    FUZZ_CHECK(w <= OTELC__TRACESTATE_PROPAGATE_MAX && w == strlen(out));
    FUZZ_CHECK(otelc_tracestate_new(&again, out, w) == OTELC_OK);
    FUZZ_CHECK(otelc_tracestate_count(again) <= count);
    otelc_tracestate_free(again);

    /* Setting a member puts it first and keeps at most 32. */
    otelc_tracestate *set = NULL;
    if (otelc_tracestate_set(&set, ts, "fuzz", "v") == OTELC_OK) {
        const char *v;
        size_t vl;
        FUZZ_CHECK(strncmp(otelc_tracestate_header(set), "fuzz=v", 6) == 0);
        FUZZ_CHECK(otelc_tracestate_count(set) <= 32);
        otelc_tracestate *del = NULL;
        FUZZ_CHECK(otelc_tracestate_delete(&del, set, "fuzz") == OTELC_OK);
        FUZZ_CHECK(otelc_tracestate_get(del, "fuzz", &v, &vl) == OTELC_ENOTFOUND);
        otelc_tracestate_free(del);
        otelc_tracestate_free(set);
    }
    otelc_tracestate_free(ts);
    return 0;
}
