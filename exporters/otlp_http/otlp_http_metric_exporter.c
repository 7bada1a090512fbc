/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/HTTP metric exporter: encodes each collection (http/protobuf or http/json), splits
 * one over the request limit by metrics and then by points, and sends it on the shared
 * OTLP/HTTP transport; answers readers' temporality and aggregation questions from its
 * options. */
#include <string.h>

#include "exporters/console/otlp_json.h"
#include "exporters/otlp/otlp_proto.h"
#include "exporters/otlp_http/http_transport.h"
#include "metrics_service.pb-c.h"
#include "otelc/otlp.h"
#include "sdk/common/alloc.h"
#include "sdk/common/env.h"
#include "sdk/metrics/metric_exporter_internal.h"

static const struct otelc__http_signal metrics_signal = {
    .path = "v1/metrics",
    .env_infix = "METRICS",
    .items = "data points",
    .json_rejected = "rejectedDataPoints",
    .response =
        &opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__descriptor,
};

struct otlp_http_metrics {
    struct otelc__http_transport t; /* first: the transport's functions take this pointer */
    otelc_temporality_preference temporality;
    otelc_aggregation histogram_aggregation;
};

/* Options sized for the older header have no metric fields: they take the defaults. */
static int has_metric_fields(const otelc_otlp_http_exporter_options *opt)
{
    return opt->size >= sizeof *opt;
}

void otelc_otlp_http_metric_exporter_options_from_env(otelc_otlp_http_exporter_options *opt)
{
    static const char *const prefs[] = {"cumulative", "delta", "lowmemory", NULL};
    static const char *const aggs[] = {"explicit_bucket_histogram",
                                       "base2_exponential_bucket_histogram", NULL};
    static const char pref_name[] = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
    static const char agg_name[] = "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION";

    otelc__http_options_from_env(opt, &metrics_signal);
    if (!opt || opt->size < sizeof *opt)
        return;
    /* otelc__env_choice warns once, naming the variable and value, and gives the default. */
    if (otelc__getenv(pref_name)) {
        static const otelc_temporality_preference values[] = {OTELC_TEMPORALITY_PREFER_CUMULATIVE,
                                                              OTELC_TEMPORALITY_PREFER_DELTA,
                                                              OTELC_TEMPORALITY_PREFER_LOWMEMORY};
        opt->temporality_preference = values[otelc__env_choice(pref_name, prefs, 0)];
    }
    if (otelc__getenv(agg_name))
        opt->histogram_aggregation = otelc__env_choice(agg_name, aggs, 0) == 1
                                         ? OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM
                                         : OTELC_AGGREGATION_EXPLICIT_HISTOGRAM;
}

/* --- splitting --------------------------------------------------------------------------- */

/* A part of a collection: the metrics [first, last) counted across scopes in order and, when
 * it is one metric, its points [p0, p1) (ignored for a part of several metrics). */
struct part {
    size_t first, last, p0, p1;
};

/* Where a part's tree is built. */
struct scratch {
    otelc_scope_metrics *scopes; /* as many as the collection has */
    otelc_metric_data one;       /* the metric of a part of one metric's points */
};

static size_t metric_total(const otelc_resource_metrics *rm)
{
    size_t n = 0;
    for (size_t i = 0; i < rm->scope_count; i++)
        n += rm->scopes[i].metrics ? rm->scopes[i].metric_count : 0;
    return n;
}

/* The point array of md starting at point p0. */
static void offset_points(otelc_metric_data *md, size_t p0)
{
    switch (md->type) {
    case OTELC_METRIC_HISTOGRAM:
        md->points.histogram += p0;
        break;
    case OTELC_METRIC_EXPONENTIAL_HISTOGRAM:
        md->points.exp_histogram += p0;
        break;
    default:
        md->points.number += p0;
        break;
    }
}

/* The tree of part p of rm, in s. */
static otelc_resource_metrics part_tree(const otelc_resource_metrics *rm, struct part p,
                                        struct scratch *s)
{
    otelc_resource_metrics out = {.resource = rm->resource, .scopes = s->scopes};
    size_t base = 0;
    for (size_t i = 0; i < rm->scope_count; i++) {
        const otelc_scope_metrics *sc = &rm->scopes[i];
        size_t n = sc->metrics ? sc->metric_count : 0;
        size_t lo = p.first > base ? p.first - base : 0;
        size_t hi = p.last - base < n ? p.last - base : n;
        if (p.last > base && lo < hi) {
            otelc_scope_metrics *d = &s->scopes[out.scope_count++];
            *d = *sc;
            d->metrics = sc->metrics + lo;
            d->metric_count = hi - lo;
            if (p.last - p.first == 1) {
                s->one = sc->metrics[lo];
                s->one.point_count = p.p1 - p.p0;
                offset_points(&s->one, p.p0);
                d->metrics = &s->one;
            }
        }
        base += n;
    }
    return out;
}

static int send_tree(struct otlp_http_metrics *x, const otelc_resource_metrics *rm,
                     uint64_t deadline)
{
    struct otelc__http_transport *t = &x->t;
    otelc__buf_reset(&t->body);
    if (t->protocol == OTELC_OTLP_HTTP_JSON)
        otelc__otlp_json_encode_metrics(&t->body, rm);
    else
        otelc__otlp_proto_encode_metrics(&t->body, rm);
    return otelc__http_transport_send(t, deadline);
}

/* The number of points of the index-th metric counted across scopes. */
static size_t points_of(const otelc_resource_metrics *rm, size_t index)
{
    for (size_t i = 0; i < rm->scope_count; i++) {
        size_t n = rm->scopes[i].metrics ? rm->scopes[i].metric_count : 0;
        if (index < n)
            return rm->scopes[i].metrics[index].point_count;
        index -= n;
    }
    return 0;
}

/* Sends part p, halving it (by metrics, then by points) while its request is too large; every
 * part is sent even when another failed, and the first failure is returned. */
static int send_part(struct otlp_http_metrics *x, const otelc_resource_metrics *rm, struct part p,
                     struct scratch *s, uint64_t deadline)
{
    otelc_resource_metrics tree = part_tree(rm, p, s);
    int rc = send_tree(x, &tree, deadline);
    if (rc != OTELC__HTTP_TOO_LARGE)
        return rc;
    struct part a = p, b = p;
    if (p.last - p.first > 1) {
        a.last = b.first = p.first + (p.last - p.first) / 2;
        a.p0 = b.p0 = 0;
        a.p1 = points_of(rm, a.first);
        b.p1 = points_of(rm, b.first);
    } else if (p.p1 - p.p0 > 1) {
        a.p1 = b.p0 = p.p0 + (p.p1 - p.p0) / 2;
    } else {
        return otelc__http_transport_fail(
            &x->t, OTELC_EREJECTED, "%s encodes to %zu bytes, over the request limit of %llu",
            p.p1 > p.p0 ? "one data point" : "one metric without points", x->t.body.len,
            (unsigned long long)x->t.max_request);
    }
    int ra = send_part(x, rm, a, s, deadline);
    int rb = send_part(x, rm, b, s, deadline);
    return ra != OTELC_OK ? ra : rb;
}

/* --- methods ----------------------------------------------------------------------------- */

static int metrics_export(void *ud, const otelc_resource_metrics *rm, uint64_t deadline)
{
    struct otlp_http_metrics *x = ud;
    struct otelc__http_transport *t = &x->t;
    int rc;

    deadline = otelc__http_transport_begin(t, deadline);
    if (t->shut)
        return OTELC_ESHUTDOWN;
    if (rm->scope_count && !rm->scopes)
        return OTELC_EINVAL;
    rc = send_tree(x, rm, deadline);
    if (rc == OTELC__HTTP_TOO_LARGE) {
        size_t total = metric_total(rm);
        struct scratch s = {.scopes = otelc__calloc(rm->scope_count, sizeof *s.scopes)};
        struct part all = {0, total, 0, total == 1 ? points_of(rm, 0) : 0};
        if (!s.scopes)
            rc = otelc__http_transport_fail(t, OTELC_ENOMEM,
                                            "cannot split a request of %zu "
                                            "bytes: out of memory",
                                            t->body.len);
        else if (total == 0)
            rc =
                otelc__http_transport_fail(t, OTELC_EREJECTED,
                                           "a collection without points encodes to %zu bytes, over "
                                           "the request limit of %llu",
                                           t->body.len, (unsigned long long)t->max_request);
        else
            rc = send_part(x, rm, all, &s, deadline);
        otelc__free(s.scopes);
    }
    otelc__http_transport_trim(t);
    return rc;
}

static otelc_temporality metrics_temporality(void *ud, otelc_instrument_kind kind)
{
    const struct otlp_http_metrics *x = ud;
    return otelc_temporality_for(x->temporality, kind);
}

static otelc_aggregation metrics_aggregation(void *ud, otelc_instrument_kind kind)
{
    const struct otlp_http_metrics *x = ud;
    return kind == OTELC_INSTRUMENT_HISTOGRAM ? x->histogram_aggregation
                                              : OTELC_AGGREGATION_DEFAULT;
}

static int metrics_shutdown(void *ud, uint64_t deadline)
{
    struct otlp_http_metrics *x = ud;
    x->t.shut = 1;
    return OTELC_OK;
}

static void metrics_destroy(void *ud)
{
    struct otlp_http_metrics *x = ud;
    otelc__http_transport_fini(&x->t);
    otelc__free(x);
}

static void metrics_after_fork(void *ud)
{
    struct otlp_http_metrics *x = ud;
    otelc__http_transport_after_fork(&x->t);
}

static const otelc_metric_exporter_methods metrics_methods = {
    .version = OTELC_METRIC_EXPORTER_METHODS_VERSION,
    .export_metrics = metrics_export,
    .temporality = metrics_temporality,
    .aggregation = metrics_aggregation,
    .shutdown = metrics_shutdown,
    .destroy = metrics_destroy,
    .after_fork = metrics_after_fork,
};

int otelc_otlp_http_metric_exporter_new(otelc_metric_exporter **out,
                                        const otelc_otlp_http_exporter_options *opt)
{
    otelc_otlp_http_exporter_options defaults;
    struct otlp_http_metrics *x;
    int rc;

    if (!out)
        return OTELC_EINVAL;
    otelc_otlp_http_exporter_options_init(&defaults);
    if (!opt)
        opt = &defaults;
    if (opt->size < OTELC__OTLP_HTTP_OPTIONS_V1_SIZE)
        return OTELC_EINVAL;
    if (has_metric_fields(opt))
        defaults = *opt;
    if ((unsigned)defaults.temporality_preference > OTELC_TEMPORALITY_PREFER_LOWMEMORY ||
        (defaults.histogram_aggregation != OTELC_AGGREGATION_EXPLICIT_HISTOGRAM &&
         defaults.histogram_aggregation != OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM &&
         defaults.histogram_aggregation != OTELC_AGGREGATION_DEFAULT))
        return OTELC_EINVAL;
    x = otelc__calloc(1, sizeof *x);
    if (!x)
        return OTELC_ENOMEM;
    x->temporality = defaults.temporality_preference;
    x->histogram_aggregation = defaults.histogram_aggregation;
    rc = otelc__http_transport_init(&x->t, &metrics_signal, opt);
    if (rc != OTELC_OK) {
        otelc__free(x);
        return rc;
    }
    rc = otelc_metric_exporter_new(out, &metrics_methods, x);
    if (rc != OTELC_OK)
        metrics_destroy(x);
    return rc;
}

const char *otelc_otlp_http_metric_exporter_last_error(const otelc_metric_exporter *e)
{
    if (!e || otelc__metric_exporter_methods(e) != &metrics_methods)
        return NULL;
    const struct otlp_http_metrics *x = otelc_metric_exporter_user_data(e);
    return x->t.last_error;
}
