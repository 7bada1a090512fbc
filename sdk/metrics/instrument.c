/* SPDX-License-Identifier: Apache-2.0 */
/* Instruments: registration with the specification's checks and duplicate rules, and the
 * streams each one gets from the views and the readers. */
#include <math.h>
#include <strings.h>
#include <string.h>

#include "metric_exporter_internal.h"
#include "metrics_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/log_internal.h"

/* The default explicit-bucket boundaries of the specification. */
static const double default_bounds[] = {0,   5,    10,   25,   50,   75,   100,  250,
                                        500, 750,  1000, 2500, 5000, 7500, 10000};

OTELC_API void otelc_instrument_options_init(otelc_instrument_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
}

static int kind_observable(otelc_instrument_kind k)
{
    return k == OTELC_INSTRUMENT_OBSERVABLE_COUNTER ||
           k == OTELC_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER ||
           k == OTELC_INSTRUMENT_OBSERVABLE_GAUGE;
}

otelc_temporality otelc__reader_temporality(const otelc_metric_reader *r,
                                            otelc_instrument_kind kind)
{
    if (r->periodic)
        return otelc_metric_exporter_temporality(r->exporter, kind);
    return otelc_temporality_for(r->mo.temporality, kind);
}

otelc_aggregation otelc__reader_aggregation(const otelc_metric_reader *r,
                                            otelc_instrument_kind kind)
{
    if (r->periodic)
        return otelc_metric_exporter_aggregation(r->exporter, kind);
    return kind == OTELC_INSTRUMENT_HISTOGRAM ? r->mo.histogram_aggregation
                                              : OTELC_AGGREGATION_DEFAULT;
}

static otelc_aggregation kind_default(otelc_instrument_kind k)
{
    switch (k) {
    case OTELC_INSTRUMENT_HISTOGRAM:
        return OTELC_AGGREGATION_EXPLICIT_HISTOGRAM;
    case OTELC_INSTRUMENT_GAUGE:
    case OTELC_INSTRUMENT_OBSERVABLE_GAUGE:
        return OTELC_AGGREGATION_LAST_VALUE;
    default:
        return OTELC_AGGREGATION_SUM;
    }
}

static int unit_valid(const char *u)
{
    size_t i = 0;
    for (; u[i]; i++)
        if ((unsigned char)u[i] >= 0x80 || i >= 63)
            return 0;
    return 1;
}

static int advisory_valid(const double *b, size_t n)
{
    if (n && !b)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(b[i]) || (i && b[i] <= b[i - 1]))
            return 0;
    return 1;
}

/* The aggregation a stream of inst gets from an optional view and reader r. */
static otelc_aggregation stream_aggregation(const struct otelc_instrument *inst,
                                            const struct view *view, const otelc_metric_reader *r)
{
    otelc_aggregation agg = view ? view->v.aggregation : OTELC_AGGREGATION_DEFAULT;
    if (agg == OTELC_AGGREGATION_DEFAULT)
        agg = otelc__reader_aggregation(r, inst->kind);
    if (agg == OTELC_AGGREGATION_DEFAULT)
        agg = kind_default(inst->kind);
    return agg;
}

/* One stream from the instrument, an optional view and a reader; NULL when memory runs out. */
static struct stream *stream_new(struct otelc_instrument *inst, const struct view *view,
                                 size_t reader, otelc_aggregation agg, uint64_t now)
{
    struct otelc_meter_provider *mp = inst->meter->mp;
    const otelc_metric_reader *r = mp->readers[reader];
    struct stream *st = otelc__calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->inst = inst;
    st->reader = reader;
    st->name = view && view->v.name ? view->v.name : inst->name;
    st->description = view && view->v.description ? view->v.description : inst->description;
    st->agg = agg;
    st->temporality = otelc__reader_temporality(r, inst->kind);
    st->monotonic = inst->kind == OTELC_INSTRUMENT_COUNTER ||
                    inst->kind == OTELC_INSTRUMENT_OBSERVABLE_COUNTER ||
                    inst->kind == OTELC_INSTRUMENT_HISTOGRAM;
    if (view && view->v.has_boundaries) {
        st->bounds = view->v.boundaries;
        st->nbounds = view->v.boundary_count;
    } else if (inst->advisory) {
        st->bounds = inst->advisory;
        st->nbounds = inst->nadvisory;
    } else {
        st->bounds = default_bounds;
        st->nbounds = sizeof default_bounds / sizeof default_bounds[0];
    }
    st->no_min_max = view ? view->v.no_min_max : 0;
    st->exp_max_size = view && view->v.exp_max_size ? view->v.exp_max_size : 160;
    st->exp_max_scale = view && (view->v.exp_max_size || view->v.exp_max_scale)
                            ? view->v.exp_max_scale
                            : 20;
    st->limit = view && view->v.cardinality_limit ? view->v.cardinality_limit : mp->limit;
    st->filter = view && view->filters ? &view->filter : NULL;
    if (otelc__stream_init(st, now) != OTELC_OK) {
        otelc__free(st);
        return NULL;
    }
    return st;
}

static void streams_free(struct stream **streams, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (streams[i]) {
            otelc__stream_fini(streams[i]);
            otelc__free(streams[i]);
        }
    }
    otelc__free(streams);
}

/* One stream per (matching view or none, reader), without DROP streams. */
static int make_streams(struct otelc_instrument *inst)
{
    struct otelc_meter_provider *mp = inst->meter->mp;
    size_t nviews = 0;
    for (size_t v = 0; v < mp->nviews; v++)
        nviews += otelc__view_matches(&mp->views[v], inst);
    size_t per_reader = nviews ? nviews : 1;
    if (mp->nreaders == 0)
        return OTELC_OK;
    struct stream **streams = otelc__calloc(per_reader * mp->nreaders, sizeof *streams);
    if (!streams)
        return OTELC_ENOMEM;
    size_t n = 0;
    uint64_t now = otelc__now_ns();
    for (size_t r = 0; r < mp->nreaders; r++) {
        /* No matching view: one pass with none. */
        size_t passes = nviews ? mp->nviews : 1;
        for (size_t v = 0; v < passes; v++) {
            const struct view *view = nviews ? &mp->views[v] : NULL;
            if (view && !otelc__view_matches(view, inst))
                continue;
            otelc_aggregation agg = stream_aggregation(inst, view, mp->readers[r]);
            if (agg == OTELC_AGGREGATION_DROP)
                continue;
            struct stream *st = stream_new(inst, view, r, agg, now);
            if (!st) {
                streams_free(streams, n);
                return OTELC_ENOMEM;
            }
            streams[n++] = st;
            inst->filtered |= st->filter != NULL;
        }
    }
    inst->streams = streams;
    inst->nstreams = n;
    return OTELC_OK;
}

void otelc__instrument_free(struct otelc_instrument *inst)
{
    streams_free(inst->streams, inst->nstreams);
    otelc__free(inst);
}

static const char *kind_name(otelc_instrument_kind k)
{
    static const char *const names[] = {"Counter",           "UpDownCounter",
                                        "Histogram",         "Gauge",
                                        "ObservableCounter", "ObservableUpDownCounter",
                                        "ObservableGauge"};
    return (unsigned)k < OTELC_INSTRUMENT_KIND_COUNT ? names[k] : "?";
}

/* An instrument with the same name (case-insensitive) in m; *same when it is identical. */
static struct otelc_instrument *find_duplicate(struct otelc_meter *m, otelc_instrument_kind kind,
                                               const char *name, const char *unit,
                                               const char *desc, int is_int, int *same)
{
    struct otelc_instrument *dup = NULL;
    *same = 0;
    for (struct otelc_instrument *i = atomic_load(&m->instruments); i; i = atomic_load(&i->next)) {
        if (strcasecmp(i->name, name) != 0)
            continue;
        if (i->kind == kind && strcmp(i->unit, unit) == 0 && strcmp(i->description, desc) == 0 &&
            i->is_int == is_int) {
            *same = 1;
            return i;
        }
        dup = i;
    }
    return dup;
}

/* A stream name used by another instrument of the meter: a conflicting identity. */
static void warn_stream_conflicts(struct otelc_meter *m, const struct otelc_instrument *inst)
{
    for (size_t s = 0; s < inst->nstreams; s++) {
        const struct stream *st = inst->streams[s];
        if (st->reader != 0)
            continue;
        for (struct otelc_instrument *i = atomic_load(&m->instruments); i;
             i = atomic_load(&i->next)) {
            for (size_t t = 0; t < i->nstreams; t++) {
                if (i->streams[t]->reader == 0 && strcasecmp(i->streams[t]->name, st->name) == 0) {
                    otelc__log(OTELC_LOG_WARN,
                               "metrics: instrument %s and %s both produce a stream named %s "
                               "in meter %s; both are exported",
                               i->name, inst->name, st->name, m->scope.name);
                    return;
                }
            }
        }
    }
}

static char *meter_str(struct otelc_meter *m, const char *s)
{
    return otelc__arena_strndup(&m->arena, s, strlen(s));
}

OTELC_API int otelc_meter_create_instrument(otelc_meter *m, otelc_instrument_kind kind,
                                            const char *name, const otelc_instrument_options *opt,
                                            otelc_instrument **out)
{
    otelc_instrument_options o;
    otelc_instrument_options_init(&o);
    if (!m || !out || (unsigned)kind >= OTELC_INSTRUMENT_KIND_COUNT)
        return OTELC_EINVAL;
    if (otelc__opts_copy(&o, sizeof o, opt) != OTELC_OK)
        return OTELC_EINVAL;
    struct otelc_meter_provider *mp = m->mp;
    if (atomic_load(&mp->state) & MP_SHUT_DOWN)
        return OTELC_ESHUTDOWN;
    if (!otelc__instrument_name_valid(name)) {
        otelc__log(OTELC_LOG_WARN, "metrics: instrument name \"%s\" is invalid (a letter, then "
                                   "up to 254 letters, digits, '_', '.', '-' or '/')",
                   name ? name : "(null)");
        return OTELC_EINVAL;
    }
    const char *unit = o.unit ? o.unit : "";
    const char *desc = o.description ? o.description : "";
    if (!unit_valid(unit)) {
        otelc__log(OTELC_LOG_WARN, "metrics: unit of instrument %s is invalid (at most 63 ASCII "
                                   "characters)", name);
        return OTELC_EINVAL;
    }
    int advisory_ok = advisory_valid(o.advisory_boundaries, o.advisory_boundary_count);
    if (!advisory_ok)
        otelc__log(OTELC_LOG_WARN, "metrics: advisory boundaries of instrument %s are ignored: "
                                   "not finite and strictly increasing", name);
    int is_int = o.is_int ? 1 : 0;

    pthread_mutex_lock(&mp->mu);
    int same = 0;
    struct otelc_instrument *dup = find_duplicate(m, kind, name, unit, desc, is_int, &same);
    if (same) {
        pthread_mutex_unlock(&mp->mu);
        *out = dup;
        return OTELC_OK;
    }
    int rc = OTELC_ENOMEM;
    struct otelc_instrument *inst = otelc__calloc(1, sizeof *inst);
    if (!inst)
        goto unlock;
    inst->mp = mp;
    inst->meter = m;
    inst->kind = kind;
    inst->is_int = is_int;
    inst->observable = kind_observable(kind);
    atomic_init(&inst->next, NULL);
    /* The meter's arena keeps strings until the provider goes, even when creation fails
     * below: a few bytes, and no arena rollback to get wrong. */
    char *n = meter_str(m, name), *u = meter_str(m, unit), *d = meter_str(m, desc);
    if (!n || !u || !d)
        goto fail;
    inst->name = n;
    inst->unit = u;
    inst->description = d;
    if (advisory_ok && o.advisory_boundary_count) {
        double *b = otelc__arena_alloc(&m->arena, o.advisory_boundary_count * sizeof *b);
        if (!b)
            goto fail;
        memcpy(b, o.advisory_boundaries, o.advisory_boundary_count * sizeof *b);
        inst->advisory = b;
        inst->nadvisory = o.advisory_boundary_count;
    }
    rc = make_streams(inst);
    if (rc != OTELC_OK)
        goto fail;
    if (dup)
        otelc__log(OTELC_LOG_WARN,
                   "metrics: instrument %s registered again in meter %s as %s (unit \"%s\", "
                   "description \"%s\", %s) but first as %s (unit \"%s\", description \"%s\", "
                   "%s); both are kept and exported",
                   name, m->scope.name, kind_name(kind), unit, desc, is_int ? "int" : "double",
                   kind_name(dup->kind), dup->unit, dup->description,
                   dup->is_int ? "int" : "double");
    else
        warn_stream_conflicts(m, inst);
    /* Publish last, with release: collections walk the list without the lock. */
    if (m->last)
        atomic_store_explicit(&m->last->next, inst, memory_order_release);
    else
        atomic_store_explicit(&m->instruments, inst, memory_order_release);
    m->last = inst;
    pthread_mutex_unlock(&mp->mu);
    *out = inst;
    return OTELC_OK;
fail:
    otelc__free(inst);
unlock:
    pthread_mutex_unlock(&mp->mu);
    return rc;
}
