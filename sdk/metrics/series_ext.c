/* SPDX-License-Identifier: Apache-2.0 */
/* The exponential histogram and exemplar reservoir of a series (until their modules land,
 * exponential streams refuse their series and no exemplar is kept). */
#include "series_ext.h"

int otelc__series_ext_init(struct stream *st, struct series *s)
{
    (void)s;
    return st->agg == OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM ? OTELC_EUNSUPPORTED : OTELC_OK;
}

void otelc__series_ext_fini(struct series *s) { (void)s; }

void otelc__series_ext_record(struct series *s, double dv)
{
    (void)s;
    (void)dv;
}

void otelc__series_ext_after_fork(struct stream *st, struct series *s)
{
    (void)st;
    (void)s;
}

int otelc__series_ext_exp_point(struct stream *st, struct series *s, otelc_exp_histogram_point *p,
                                struct otelc__arena *a)
{
    (void)st;
    (void)s;
    (void)p;
    (void)a;
    return 0;
}

size_t otelc__series_ext_exemplars(struct series *s, int is_int, struct otelc__arena *a,
                                   const otelc_exemplar **out, int *oom)
{
    (void)s;
    (void)is_int;
    (void)a;
    (void)oom;
    *out = NULL;
    return 0;
}

void otelc__series_ext_offer(struct series *s, otelc_metric_number v, int is_int,
                             const otelc_span_context *sc, const otelc_attr *dropped,
                             size_t ndropped, size_t bucket)
{
    (void)s;
    (void)v;
    (void)is_int;
    (void)sc;
    (void)dropped;
    (void)ndropped;
    (void)bucket;
}
