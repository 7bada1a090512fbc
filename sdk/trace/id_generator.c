/* SPDX-License-Identifier: Apache-2.0 */
/* Trace and span ids: the built-in per-thread random generator and the extension point. */
#include <string.h>

#include "sdk/common/alloc.h"
#include "sdk/common/random.h"
#include "span_internal.h"

struct otelc_id_generator {
    const otelc_id_generator_methods *m;
    void *ud;
};

OTELC_API int otelc_id_generator_new(otelc_id_generator **out,
                                     const otelc_id_generator_methods *m, void *user_data)
{
    if (!out || !m || m->version < 1 || !m->new_trace_id || !m->new_span_id)
        return OTELC_EINVAL;
    otelc_id_generator *g = otelc__malloc(sizeof *g);
    if (!g)
        return OTELC_ENOMEM;
    g->m = m;
    g->ud = user_data;
    *out = g;
    return OTELC_OK;
}

uint32_t otelc__id_generator_flags(const otelc_id_generator *g) { return g->m->flags; }

OTELC_API void otelc_id_generator_free(otelc_id_generator *g)
{
    if (!g)
        return;
    if (g->m->destroy)
        g->m->destroy(g->ud);
    otelc__free(g);
}

static int zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* A custom generator that keeps returning zero ids would spin forever; after a few tries
 * the built-in generator takes over for that id. */
#define OTELC__ID_RETRIES 4

void otelc__new_trace_id(const struct otelc_tracer_provider *tp, uint8_t out[16])
{
    if (tp->idgen) {
        for (int i = 0; i < OTELC__ID_RETRIES; i++) {
            tp->idgen->m->new_trace_id(tp->idgen->ud, out);
            if (!zero(out, 16))
                return;
        }
    }
    uint64_t a, b;
    do {
        a = otelc__rand64();
        b = otelc__rand64();
    } while ((a | b) == 0);
    memcpy(out, &a, 8);
    memcpy(out + 8, &b, 8);
}

void otelc__new_span_id(const struct otelc_tracer_provider *tp, uint8_t out[8])
{
    if (tp->idgen) {
        for (int i = 0; i < OTELC__ID_RETRIES; i++) {
            tp->idgen->m->new_span_id(tp->idgen->ud, out);
            if (!zero(out, 8))
                return;
        }
    }
    uint64_t a;
    do
        a = otelc__rand64();
    while (a == 0);
    memcpy(out, &a, 8);
}
