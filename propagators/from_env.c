/* SPDX-License-Identifier: Apache-2.0 */
/* OTEL_PROPAGATORS: the list of propagators the environment names, as one propagator. */
#include <string.h>

#include "propagator_internal.h"
#include "sdk/common/env.h"
#include "sdk/common/log_internal.h"

struct known {
    const char *name;
    int (*make)(otelc_propagator **out);
};

static const struct known known[] = {
    {"tracecontext", otelc_propagator_tracecontext},
    {"baggage", otelc_propagator_baggage},
    {"b3", otelc_propagator_b3},
    {"b3multi", otelc_propagator_b3multi},
};

#define N_KNOWN (sizeof known / sizeof known[0])
#define DEFAULT_PROPAGATORS "tracecontext,baggage"

static int name_is(const char *s, size_t n, const char *name)
{
    return otelc__name_equal(s, n, name);
}

/* Reads the list into order[] (indexes into known, duplicates removed); returns how many. */
static size_t read_list(const char *v, size_t order[N_KNOWN])
{
    size_t count = 0;
    int none = 0, bad = 0;
    const char *p = v, *end = v + strlen(v);
    for (;;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *s = p;
        size_t n = (size_t)((comma ? comma : end) - p);
        otelc__trim(&s, &n);
        if (n > 0) {
            size_t k = 0;
            while (k < N_KNOWN && !name_is(s, n, known[k].name))
                k++;
            if (k < N_KNOWN) {
                size_t d = 0;
                while (d < count && order[d] != k)
                    d++;
                if (d == count)
                    order[count++] = k;
            } else if (name_is(s, n, "none")) {
                none = 1;
            } else {
                bad = 1;
            }
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (bad)
        otelc__log(OTELC_LOG_WARN, "OTEL_PROPAGATORS=\"%s\": unknown or unsupported propagator "
                   "names ignored (known: tracecontext, baggage, b3, b3multi, none)", v);
    if (none && count) {
        otelc__log(OTELC_LOG_WARN, "OTEL_PROPAGATORS=\"%s\": \"none\" given with other "
                   "propagators; propagating nothing", v);
        count = 0;
    }
    return count;
}

OTELC_API int otelc_propagators_from_env(otelc_propagator **out)
{
    if (!out)
        return OTELC_EINVAL;
    const char *v = otelc__getenv("OTEL_PROPAGATORS");
    size_t order[N_KNOWN];
    size_t n = read_list(v ? v : DEFAULT_PROPAGATORS, order);
    otelc_propagator *list[N_KNOWN];
    int rc = OTELC_OK;
    size_t made = 0;
    for (; made < n && rc == OTELC_OK; made++)
        rc = known[order[made]].make(&list[made]);
    if (rc != OTELC_OK)
        made--; /* the failed constructor made nothing */
    if (rc == OTELC_OK && n == 1) {
        *out = list[0];
        return OTELC_OK;
    }
    if (rc == OTELC_OK)
        rc = otelc_propagator_composite(out, list, n);
    if (rc != OTELC_OK)
        for (size_t i = 0; i < made; i++)
            otelc_propagator_free(list[i]);
    return rc;
}
