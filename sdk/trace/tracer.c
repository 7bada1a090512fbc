/* SPDX-License-Identifier: Apache-2.0 */
/* Tracers: one per instrumentation scope, owned by the provider. */
#include <string.h>

#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"
#include "span_internal.h"

static int str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Empty strings mean "not given" for version and schema URL. */
static const char *nonempty(const char *s) { return s && s[0] ? s : NULL; }

static struct otelc_tracer *tracer_new(struct otelc_tracer_provider *tp, const char *name,
                                       const char *version, const char *schema_url,
                                       const otelc_attr *attrs, size_t n)
{
    struct otelc_tracer *t = otelc__calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->tp = tp;
    otelc__arena_init(&t->arena, NULL, 0);
    otelc__attrs_init(&t->attrs, NULL, 0);
    t->name = otelc__arena_strndup(&t->arena, name, strlen(name));
    if (!t->name)
        goto fail;
    if (version && !(t->version = otelc__arena_strndup(&t->arena, version, strlen(version))))
        goto fail;
    if (schema_url &&
        !(t->schema_url = otelc__arena_strndup(&t->arena, schema_url, strlen(schema_url))))
        goto fail;
    for (size_t i = 0; attrs && i < n; i++) {
        int rc = otelc__attrs_set(&t->attrs, &t->arena, attrs[i].key, &attrs[i].value,
                                  UINT32_MAX, UINT32_MAX);
        if (rc == OTELC_ENOMEM)
            goto fail;
    }
    return t;
fail:
    otelc__arena_reset(&t->arena, NULL, 0);
    otelc__free(t);
    return NULL;
}

void otelc__tracer_free(struct otelc_tracer *t)
{
    otelc__arena_reset(&t->arena, NULL, 0);
    otelc__free(t);
}

OTELC_API otelc_tracer *otelc_tracer_provider_get_tracer(otelc_tracer_provider *tp,
                                                         const char *name, const char *version,
                                                         const char *schema_url,
                                                         const otelc_attr *attrs, size_t n)
{
    if (!tp)
        return NULL;
    if (!name || !name[0]) {
        otelc__log(OTELC_LOG_WARN, "otelc_tracer_provider_get_tracer: empty tracer name; "
                                   "using \"\" (pass the instrumentation library's name)");
        name = "";
    }
    version = nonempty(version);
    schema_url = nonempty(schema_url);
    pthread_mutex_lock(&tp->mu);
    struct otelc_tracer *t;
    for (t = tp->tracers; t; t = t->next)
        if (strcmp(t->name, name) == 0 && str_eq(t->version, version) &&
            str_eq(t->schema_url, schema_url))
            break;
    if (!t) {
        t = tracer_new(tp, name, version, schema_url, attrs, n);
        if (t) {
            t->next = tp->tracers;
            tp->tracers = t;
        } else {
            otelc__log(OTELC_LOG_ERROR, "out of memory: no tracer for '%s'", name);
        }
    }
    pthread_mutex_unlock(&tp->mu);
    return t;
}
