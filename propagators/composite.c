/* SPDX-License-Identifier: Apache-2.0 */
/* The composite propagator: several propagators run in order as one. */
#include <string.h>

#include "propagator_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"

struct composite {
    otelc_propagator **list;
    size_t n;
    const char **fields; /* the members' fields, duplicates removed */
    size_t nfields;
};

static int co_inject(void *ud, const otelc_context *ctx, const otelc_carrier_setter *s)
{
    struct composite *c = ud;
    for (size_t i = 0; i < c->n; i++) {
        int rc = c->list[i]->m->inject(c->list[i]->user_data, ctx, s);
        if (rc != OTELC_OK)
            return rc;
    }
    return OTELC_OK;
}

static int co_extract(void *ud, const otelc_context *base, const otelc_carrier_getter *g,
                      otelc_context **out)
{
    struct composite *c = ud;
    otelc_context *cur = otelc_context_ref(base);
    for (size_t i = 0; i < c->n; i++) {
        otelc_context *next = NULL;
        int rc = c->list[i]->m->extract(c->list[i]->user_data, cur, g, &next);
        if (rc != OTELC_OK) {
            otelc_context_free(cur);
            return rc;
        }
        otelc_context_free(cur);
        cur = next ? next : otelc_context_ref(base);
    }
    *out = cur;
    return OTELC_OK;
}

static const char *const *co_fields(void *ud, size_t *count)
{
    struct composite *c = ud;
    *count = c->nfields;
    return c->fields;
}

static void co_destroy(void *ud)
{
    struct composite *c = ud;
    for (size_t i = 0; i < c->n; i++)
        otelc_propagator_free(c->list[i]);
    otelc__free(c->list);
    otelc__free(c->fields);
    otelc__free(c);
}

static const otelc_propagator_methods co_methods = {
    .version = OTELC_PROPAGATOR_METHODS_VERSION,
    .inject = co_inject,
    .extract = co_extract,
    .fields = co_fields,
    .destroy = co_destroy,
};

/* Collects the members' field names once, so fields() is a plain read. */
static int collect_fields(struct composite *c)
{
    size_t total = 0;
    for (size_t i = 0; i < c->n; i++)
        total += otelc_propagator_fields(c->list[i], NULL);
    if (total == 0)
        return OTELC_OK;
    c->fields = otelc__malloc(total * sizeof *c->fields);
    if (!c->fields)
        return OTELC_ENOMEM;
    for (size_t i = 0; i < c->n; i++) {
        const char *const *names;
        size_t k = otelc_propagator_fields(c->list[i], &names);
        for (size_t j = 0; j < k; j++) {
            size_t d = 0;
            while (d < c->nfields && strcmp(c->fields[d], names[j]) != 0)
                d++;
            if (d == c->nfields)
                c->fields[c->nfields++] = names[j];
        }
    }
    return OTELC_OK;
}

OTELC_API int otelc_propagator_composite(otelc_propagator **out, otelc_propagator *const *list,
                                         size_t n)
{
    if (!out || (n && !list))
        return OTELC_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!list[i])
            return OTELC_EINVAL;
    struct composite *c = otelc__calloc(1, sizeof *c);
    if (!c)
        return OTELC_ENOMEM;
    if (n) {
        c->list = otelc__malloc(n * sizeof *c->list);
        if (!c->list)
            goto fail;
        memcpy(c->list, list, n * sizeof *c->list);
    }
    c->n = n;
    if (collect_fields(c) != OTELC_OK)
        goto fail;
    int rc = otelc_propagator_new(out, &co_methods, c);
    if (rc != OTELC_OK)
        goto fail;
    return OTELC_OK;
fail:
    /* Nothing was taken over: the members go back to the caller untouched. */
    otelc__free(c->fields);
    otelc__free(c->list);
    otelc__free(c);
    return OTELC_ENOMEM;
}
