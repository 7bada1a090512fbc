/* SPDX-License-Identifier: Apache-2.0 */
/* Views: validation (an invalid view is warned about and ignored), instrument selection with
 * wildcards, and the name syntax the specification gives instruments. */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "metrics_internal.h"
#include "sdk/common/log_internal.h"

OTELC_API void otelc_view_init(otelc_view *v)
{
    if (!v)
        return;
    memset(v, 0, sizeof *v);
    v->size = sizeof *v;
    v->instrument_kind = OTELC_VIEW_ANY_KIND;
}

int otelc__instrument_name_valid(const char *name)
{
    /* The specification's syntax: an ASCII letter, then up to 254 of [A-Za-z0-9_.-/]. */
    if (!name || !isalpha((unsigned char)name[0]) || ((unsigned char)name[0] & 0x80))
        return 0;
    size_t i = 1;
    for (; name[i]; i++) {
        unsigned char c = (unsigned char)name[i];
        if (i >= 255 || c >= 0x80 ||
            !(isalnum(c) || c == '_' || c == '.' || c == '-' || c == '/'))
            return 0;
    }
    return 1;
}

int otelc__glob_match(const char *p, const char *s)
{
    /* Iterative matching with one backtrack point: the last `*` seen. */
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == '?' || (*p && tolower((unsigned char)*p) == tolower((unsigned char)*s))) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

static int has_wildcard(const char *s) { return strchr(s, '*') || strchr(s, '?'); }

static const char *view_label(const otelc_view *v)
{
    return v->instrument_name ? v->instrument_name : "(any instrument)";
}

/* Why the view cannot be used, or NULL. */
static const char *view_problem(const otelc_view *v)
{
    if (v->size < offsetof(otelc_view, cardinality_limit) + sizeof v->cardinality_limit)
        return "its size field is not set (use otelc_view_init)";
    if (v->instrument_kind != OTELC_VIEW_ANY_KIND &&
        (v->instrument_kind < 0 || v->instrument_kind >= OTELC_INSTRUMENT_KIND_COUNT))
        return "its instrument kind is unknown";
    if (v->name && (!v->instrument_name || has_wildcard(v->instrument_name)))
        return "it renames the stream but may select more than one instrument";
    if (v->name && !otelc__instrument_name_valid(v->name))
        return "its stream name is not a valid instrument name";
    if (v->aggregation < OTELC_AGGREGATION_DEFAULT ||
        v->aggregation > OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM)
        return "its aggregation is unknown";
    if (v->has_boundaries) {
        if (v->boundary_count && !v->boundaries)
            return "its boundaries are NULL";
        for (size_t i = 0; i < v->boundary_count; i++) {
            if (!isfinite(v->boundaries[i]) || (i && v->boundaries[i] <= v->boundaries[i - 1]))
                return "its boundaries are not finite and strictly increasing";
        }
    }
    if (v->has_attribute_keys && v->attribute_key_count && !v->attribute_keys)
        return "its attribute keys are NULL";
    if (v->exclude_key_count && !v->exclude_keys)
        return "its excluded keys are NULL";
    for (size_t i = 0; v->has_attribute_keys && i < v->attribute_key_count; i++)
        if (!v->attribute_keys[i])
            return "one of its attribute keys is NULL";
    for (size_t i = 0; i < v->exclude_key_count; i++)
        if (!v->exclude_keys[i])
            return "one of its excluded keys is NULL";
    if (v->exp_max_size == 1)
        return "its exponential histogram size is below 2";
    if (v->exp_max_scale < -10 || v->exp_max_scale > 20)
        return "its exponential histogram scale is outside [-10, 20]";
    return NULL;
}

char *otelc__metrics_strdup(struct otelc__arena *a, const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *c = otelc__arena_strndup(a, s, strlen(s));
    if (!c)
        *oom = 1;
    return c;
}

static char **arena_strs(struct otelc__arena *a, const char *const *s, size_t n, int *oom)
{
    if (n == 0)
        return NULL;
    char **c = otelc__arena_alloc(a, n * sizeof *c);
    if (!c) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        c[i] = otelc__metrics_strdup(a, s[i], oom);
    return c;
}

int otelc__views_copy(struct otelc_meter_provider *mp, const otelc_view *views, size_t n)
{
    if (n == 0)
        return OTELC_OK;
    struct otelc__arena *a = &mp->arena;
    mp->views = otelc__arena_alloc(a, n * sizeof *mp->views);
    if (!mp->views)
        return OTELC_ENOMEM;
    int oom = 0;
    for (size_t i = 0; i < n; i++) {
        const otelc_view *src = &views[i];
        const char *why = view_problem(src);
        if (why) {
            otelc__log(OTELC_LOG_WARN, "metrics: view %zu (%s) is ignored: %s", i,
                       view_label(src), why);
            continue;
        }
        struct view *d = &mp->views[mp->nviews++];
        memset(d, 0, sizeof *d);
        d->v = *src;
        d->v.instrument_name = otelc__metrics_strdup(a, src->instrument_name, &oom);
        d->v.instrument_unit = otelc__metrics_strdup(a, src->instrument_unit, &oom);
        d->v.meter_name = otelc__metrics_strdup(a, src->meter_name, &oom);
        d->v.meter_version = otelc__metrics_strdup(a, src->meter_version, &oom);
        d->v.meter_schema_url = otelc__metrics_strdup(a, src->meter_schema_url, &oom);
        d->v.name = otelc__metrics_strdup(a, src->name, &oom);
        d->v.description = otelc__metrics_strdup(a, src->description, &oom);
        d->v.attribute_keys = NULL;
        d->v.exclude_keys = NULL;
        if (src->has_boundaries && src->boundary_count) {
            double *b = otelc__arena_alloc(a, src->boundary_count * sizeof *b);
            if (b)
                memcpy(b, src->boundaries, src->boundary_count * sizeof *b);
            else
                oom = 1;
            d->v.boundaries = b;
        } else {
            d->v.boundaries = NULL;
            d->v.boundary_count = 0;
        }
        d->filter.has_allow = src->has_attribute_keys;
        d->filter.allow =
            arena_strs(a, src->attribute_keys, src->has_attribute_keys ? src->attribute_key_count
                                                                       : 0, &oom);
        d->filter.nallow = src->has_attribute_keys ? src->attribute_key_count : 0;
        d->filter.exclude = arena_strs(a, src->exclude_keys, src->exclude_key_count, &oom);
        d->filter.nexclude = src->exclude_key_count;
        d->filters = d->filter.has_allow || d->filter.nexclude;
        if (oom)
            return OTELC_ENOMEM;
    }
    return OTELC_OK;
}

static int str_eq(const char *want, const char *have)
{
    return !want || (have && strcmp(want, have) == 0);
}

int otelc__view_matches(const struct view *view, const struct otelc_instrument *inst)
{
    const otelc_view *v = &view->v;
    const otelc_scope_info *sc = &inst->meter->scope;
    if (v->instrument_kind != OTELC_VIEW_ANY_KIND && v->instrument_kind != (int)inst->kind)
        return 0;
    if (v->instrument_name && !otelc__glob_match(v->instrument_name, inst->name))
        return 0;
    return str_eq(v->instrument_unit, inst->unit) && str_eq(v->meter_name, sc->name) &&
           str_eq(v->meter_version, sc->version) && str_eq(v->meter_schema_url, sc->schema_url);
}
