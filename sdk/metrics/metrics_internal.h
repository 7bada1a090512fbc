/* SPDX-License-Identifier: Apache-2.0 */
/* Internal layout of the metrics SDK: provider, meters, instruments, streams, series and
 * readers, shared by the files of sdk/metrics. */
#ifndef OTELC_SDK_METRICS_METRICS_INTERNAL_H
#define OTELC_SDK_METRICS_METRICS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "attrset.h"
#include "otelc/metrics.h"
#include "sdk/common/arena.h"
#include "sdk/common/fork.h"

struct otelc__exphist;
struct otelc__reservoir;

/* Bits of series.flags. */
#define SERIES_TOUCHED 1u /* measured since the last collection of its stream */
#define SERIES_USED 2u    /* measured at least once */

/* The explicit-bucket histogram of one series, guarded by its spin lock. */
struct hist {
    atomic_flag lock;
    uint64_t count;
    double sum, min, max;
    uint64_t *buckets; /* bound_count + 1 counts, allocated with the series */
};

/*
 * One attribute set of a stream and its aggregation state. Created on the first measurement
 * (or bind), then published to the stream's table; never freed before the provider, so the
 * record path and bound handles use it without reference counts.
 */
struct series {
    uint64_t hash;
    const otelc_attr *attrs; /* sorted by key; immutable once published */
    uint32_t nattrs;
    _Atomic uint32_t flags; /* SERIES_* */
    uint64_t start_ns;      /* cumulative start; written before publication and by fork */
    union {
        _Atomic int64_t i;
        _Atomic uint64_t dbits; /* a double's bits */
    } v;                        /* Sum and LastValue */
    otelc_metric_number prev;   /* observable delta: the last observation reported */
    struct hist *h;             /* explicit histogram, or NULL */
    atomic_flag eh_lock;
    struct otelc__exphist *eh; /* exponential histogram, or NULL */
    struct otelc__reservoir *res; /* exemplars, or NULL */
    struct series *next;        /* the stream's list, newest first; immutable once published */
    struct otelc__arena arena;  /* the attribute copies */
};

/* An open-addressing table of series pointers; grown by publishing a bigger copy. */
struct table {
    uint32_t mask;
    struct table *older; /* tables replaced by this one, freed with the stream */
    struct series *_Atomic slots[];
};

/*
 * One metric stream: an instrument seen through one view (or none) by one reader. Each reader
 * has its own streams, so temporality is per reader and a collection touches only its own.
 */
struct stream {
    struct otelc_instrument *inst;
    size_t reader;
    const char *name, *description; /* borrowed from the view or the instrument */
    otelc_aggregation agg;          /* never DEFAULT or DROP */
    otelc_temporality temporality;  /* DELTA or CUMULATIVE */
    int monotonic;
    const double *bounds; /* explicit histogram */
    size_t nbounds;
    int no_min_max;
    uint32_t exp_max_size;
    int32_t exp_max_scale;
    uint32_t limit;                    /* cardinality limit, overflow series included */
    const struct otelc__keyfilter *filter; /* NULL: every attribute kept */

    pthread_mutex_t mu;          /* insertion */
    struct table *_Atomic table;
    struct series *_Atomic list; /* every series but the overflow one, newest first */
    _Atomic uint32_t count;      /* series in the table */
    struct series *_Atomic overflow;
    uint64_t last_collect_ns; /* delta start; the collecting reader's */
};

struct otelc_instrument {
    struct otelc_meter_provider *mp;
    struct otelc_meter *meter;
    struct otelc_instrument *_Atomic next;
    otelc_instrument_kind kind;
    int is_int;
    int observable;
    const char *name, *unit, *description; /* in the meter's arena */
    const double *advisory;
    size_t nadvisory;
    struct stream **streams;
    size_t nstreams;
    int filtered; /* some stream filters attributes */
};

struct otelc_meter {
    struct otelc_meter_provider *mp;
    struct otelc_meter *_Atomic next;
    otelc_scope_info scope; /* strings in the arena */
    uint64_t attr_hash;
    struct otelc_instrument *_Atomic instruments; /* creation order */
    struct otelc_instrument *last;
    struct otelc__arena arena;
};

/* A copied, validated view. */
struct view {
    otelc_view v; /* strings and arrays point into the provider's arena */
    struct otelc__keyfilter filter;
    int filters;
};

struct callback_reg {
    struct otelc_meter_provider *mp;
    otelc_observable_callback cb;
    void *ud;
    otelc_instrument **insts;
    size_t n;
    struct callback_reg *prev, *next;
};

struct otelc_observer {
    struct callback_reg *reg;
    size_t reader;
};

#define MP_SHUT_DOWN 1      /* state: record calls do nothing */
#define MP_START_WORKERS 2  /* state: a forked child has readers without a worker */

struct otelc_meter_provider {
    otelc_resource *resource;
    otelc_metric_reader **readers;
    size_t nreaders;
    struct view *views;
    size_t nviews;
    otelc_exemplar_filter exemplar_filter;
    uint32_t limit;
    _Atomic int state; /* MP_* bits, read on every record call */
    pthread_mutex_t mu;    /* meters, instruments, streams and series creation */
    pthread_mutex_t cb_mu; /* callbacks; held while they run */
    struct otelc_meter *_Atomic meters;
    struct otelc_meter *last_meter;
    struct callback_reg *callbacks;
    _Atomic uint64_t nseries, overflowed, invalid;
    struct otelc__arena arena; /* views */
    struct otelc__fork_hooks fork;
};

struct otelc_bound_instrument {
    otelc_instrument *inst;
    otelc_attr *attrs; /* the bound set (for the exemplars of filtered streams) */
    uint32_t nattrs;
    struct otelc__arena arena;
    size_t n;
    struct series *series[]; /* one per stream of inst */
};

/* Copies caller options (whose first field is their uint32_t size) over defaults in dst:
 * OTELC_OK, or OTELC_EINVAL when the size field is not set. */
static inline int otelc__opts_copy(void *dst, size_t dst_size, const void *src)
{
    uint32_t size;
    if (!src)
        return OTELC_OK;
    memcpy(&size, src, sizeof size);
    if (size < sizeof size)
        return OTELC_EINVAL;
    memcpy(dst, src, size < dst_size ? size : dst_size);
    return OTELC_OK;
}

/* A copy of s (NULL: NULL) in a; *oom set when memory runs out. */
char *otelc__metrics_strdup(struct otelc__arena *a, const char *s, int *oom);

/* ---- streams and series (stream.c) ---- */
/* The series of set in st, created when missing; the overflow series past the limit; NULL
 * when memory runs out. */
struct series *otelc__stream_series(struct stream *st, const struct otelc__attrset *set);
/* Adds (Sum of a synchronous instrument), sets (LastValue, observable Sum) or records
 * (histograms) v, which is of the stream's number type; dv is the same value as a double.
 * Returns the explicit histogram bucket v fell in (0 for other aggregations). */
size_t otelc__series_update(struct stream *st, struct series *s, otelc_metric_number v,
                            double dv, int set);
/* The spin lock of a histogram (held for a few instructions). */
void otelc__series_lock(atomic_flag *f);
void otelc__series_unlock(atomic_flag *f);
/* Creates a stream's storage. OTELC_OK or OTELC_ENOMEM. */
int otelc__stream_init(struct stream *st, uint64_t now);
/* Frees a stream's series and tables (not st itself). */
void otelc__stream_fini(struct stream *st);
/* In a forked child: every series back to empty, starting now; fresh locks. */
void otelc__stream_reset_after_fork(struct stream *st, uint64_t now);

/* ---- collection (collect.c) ---- */
int otelc__collect(struct otelc_meter_provider *mp, size_t reader, otelc_metrics_collect_fn fn,
                   void *ud);

/* ---- instruments (instrument.c) ---- */
void otelc__instrument_free(struct otelc_instrument *inst);
/* The stream settings a reader gives kind when no view says otherwise. */
otelc_temporality otelc__reader_temporality(const otelc_metric_reader *r,
                                            otelc_instrument_kind kind);
otelc_aggregation otelc__reader_aggregation(const otelc_metric_reader *r,
                                            otelc_instrument_kind kind);

/* ---- views (view.c) ---- */
/* Copies and validates the views; invalid ones are warned about and left out. */
int otelc__views_copy(struct otelc_meter_provider *mp, const otelc_view *views, size_t n);
/* 1 when view v selects inst. */
int otelc__view_matches(const struct view *v, const struct otelc_instrument *inst);
/* Case-insensitive glob match with `*` and `?`. */
int otelc__glob_match(const char *pattern, const char *s);
/* 1 when name follows the instrument name syntax. */
int otelc__instrument_name_valid(const char *name);

/* ---- observable instruments (observable.c) ---- */
/* Runs every callback for reader; called with the reader's collect lock held. */
void otelc__run_callbacks(struct otelc_meter_provider *mp, size_t reader);
void otelc__callbacks_free(struct otelc_meter_provider *mp);

/* ---- the record path (record.c) ---- */
/* Records v (the instrument's number type; dv the same as a double) into every stream of
 * inst whose reader is `reader` (SIZE_MAX: all), with set semantics for observations. */
void otelc__record_streams(struct otelc_instrument *inst, otelc_metric_number v, double dv,
                           const otelc_attr *attrs, size_t n, size_t reader, int set,
                           const otelc_span_context *sc);
/* Converts a measurement to the instrument's number type; 0 when it must be ignored. */
int otelc__measurement(const struct otelc_instrument *inst, int is_i, int64_t vi, double vd,
                       otelc_metric_number *v, double *dv);

/* ---- readers (reader.c, periodic_reader.c) ---- */
struct otelc_metric_reader {
    int periodic;
    otelc_manual_reader_options mo;
    otelc_metric_exporter *exporter;
    uint64_t interval_ns, timeout_ns;
    struct otelc_meter_provider *mp; /* set once when a provider takes the reader */
    size_t index;
    pthread_mutex_t collect_mu; /* one collection at a time */
    _Atomic uint64_t collections, exports_ok, exports_failed;
    _Atomic int shut_down;
    struct periodic *w; /* periodic readers: the worker */
};

/* Collects for r under its collect lock. */
int otelc__reader_collect(otelc_metric_reader *r, otelc_metrics_collect_fn fn, void *ud);
/* Periodic readers: the worker's life. */
int otelc__periodic_new(otelc_metric_reader *r);
int otelc__periodic_start(otelc_metric_reader *r);
int otelc__periodic_flush(otelc_metric_reader *r, uint64_t deadline);
int otelc__periodic_shutdown(otelc_metric_reader *r, uint64_t deadline);
/* Stops the worker without a last export (a provider that could not be made). */
void otelc__periodic_stop(otelc_metric_reader *r);
/* 1 when the worker's memory was handed to a worker that outlived shutdown. */
int otelc__periodic_free(otelc_metric_reader *r);
void otelc__periodic_prepare(otelc_metric_reader *r);
void otelc__periodic_parent(otelc_metric_reader *r);
void otelc__periodic_child(otelc_metric_reader *r, int prepared);
/* Frees a reader (provider_free and otelc_metric_reader_free). Returns 1 when its worker is
 * still inside the exporter past the shutdown deadline: the worker frees it on return, and
 * the data it exports must stay. */
int otelc__reader_destroy(otelc_metric_reader *r);
/* Frees the reader, its exporter and its lock. */
void otelc__reader_free_now(otelc_metric_reader *r);
/* In a forked child: fresh locks and counters for any reader. */
void otelc__reader_child(otelc_metric_reader *r);
/* Starts periodic workers that a fork left without one. */
void otelc__provider_start_workers(struct otelc_meter_provider *mp);

/* As otelc_meter_provider_new(), with o->resource (when set) taken as it is, not merged over
 * otelc_resource_default(): the SDK set-up passes the tracer provider's resource, which is
 * already merged, so the environment is read (and a bad value warned about) once. */
int otelc__meter_provider_new_exact_resource(otelc_meter_provider **out,
                                             const otelc_meter_provider_options *o);

#endif
