/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file metrics.h  The metrics API and SDK: meter provider, meters, instruments, views and
 * readers.
 *
 * @code
 * otelc_metric_reader *r;
 * otelc_periodic_reader_options ro;
 * otelc_periodic_reader_options_init(&ro);
 * otelc_periodic_reader_new(&r, exporter, &ro);          // takes the exporter over
 * otelc_meter_provider_options o;
 * otelc_meter_provider_options_init(&o);
 * o.readers = &r; o.reader_count = 1;                     // takes the reader over
 * otelc_meter_provider *mp; otelc_meter_provider_new(&mp, &o);
 * otelc_meter *m = otelc_meter_provider_get_meter(mp, "my.daemon", "1.0", NULL, NULL, 0);
 * otelc_instrument *lat;
 * otelc_meter_create_instrument(m, OTELC_INSTRUMENT_HISTOGRAM, "http.server.request.duration",
 *                               NULL, &lat);
 * otelc_attr a[] = { otelc_attr_str("http.request.method", "GET") };
 * otelc_record_f64(lat, 0.0042, a, 1);
 * otelc_meter_provider_shutdown(mp, 5000);
 * otelc_meter_provider_free(mp);
 * @endcode
 *
 * Threads: every call is thread-safe. The record calls (otelc_record_*, otelc_bound_record_*)
 * never block on a lock held by a collection, never allocate once their series exists, and
 * accept NULL handles (a no-op). They must not be called from a signal handler.
 *
 * Ownership: handles returned by a provider (meters, instruments) are borrowed and live until
 * the provider is freed. Readers passed in the provider options, and exporters passed to a
 * reader constructor, are taken over on success only.
 */
#ifndef OTELC_METRICS_H
#define OTELC_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "common.h"
#include "context.h"
#include "metric_data.h"
#include "resource.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otelc_meter_provider otelc_meter_provider;
typedef struct otelc_meter otelc_meter;
typedef struct otelc_instrument otelc_instrument;
typedef struct otelc_bound_instrument otelc_bound_instrument;
typedef struct otelc_metric_reader otelc_metric_reader;
typedef struct otelc_observer otelc_observer;
typedef struct otelc_callback_registration otelc_callback_registration;

/** Which measurements may become exemplars (`OTEL_METRICS_EXEMPLAR_FILTER`). */
typedef enum otelc_exemplar_filter {
    OTELC_EXEMPLAR_FILTER_TRACE_BASED = 0, ///< only inside a sampled span (the default)
    OTELC_EXEMPLAR_FILTER_ALWAYS_ON = 1,   ///< every measurement is offered
    OTELC_EXEMPLAR_FILTER_ALWAYS_OFF = 2   ///< none
} otelc_exemplar_filter;

/** The default cardinality limit of a metric stream. */
#define OTELC_DEFAULT_CARDINALITY_LIMIT 2000u

/* ---- Views ------------------------------------------------------------------------------- */

/** Any instrument kind, in ::otelc_view.instrument_kind. */
#define OTELC_VIEW_ANY_KIND (-1)

/**
 * A view: a selection of instruments (every criterion set must match) and the stream
 * configuration applied to them. Strings and arrays are borrowed for the call that takes the
 * view and copied.
 */
typedef struct otelc_view {
    uint32_t size; ///< sizeof; set by _init

    /* Selection. NULL / OTELC_VIEW_ANY_KIND: any. */
    const char *instrument_name;  ///< exact name (case-insensitive), or a pattern where `*`
                                  ///< matches any run of characters and `?` one character
    int instrument_kind;          ///< an ::otelc_instrument_kind or OTELC_VIEW_ANY_KIND
    const char *instrument_unit;  ///< exact unit
    const char *meter_name;       ///< exact meter name
    const char *meter_version;    ///< exact meter version
    const char *meter_schema_url; ///< exact meter schema URL

    /* Stream configuration. NULL / 0: keep the instrument's. */
    const char *name;        ///< new stream name; a view that renames must select by a name
                             ///< without wildcards (else it is invalid: warned, ignored)
    const char *description; ///< new description
    const char *const *attribute_keys; ///< allow list: only these keys are kept
    size_t attribute_key_count;        ///< number of attribute_keys; see has_attribute_keys
    int has_attribute_keys;            ///< 1: attribute_keys applies (even when empty: no keys)
    const char *const *exclude_keys;   ///< these keys are removed (after the allow list)
    size_t exclude_key_count;          ///< number of exclude_keys
    otelc_aggregation aggregation;     ///< ::OTELC_AGGREGATION_DEFAULT: the kind's default
    const double *boundaries;          ///< explicit histogram boundaries (strictly increasing)
    size_t boundary_count;             ///< number of boundaries; see has_boundaries
    int has_boundaries;                ///< 1: boundaries applies (even when empty: one bucket)
    int no_min_max;                    ///< 1: histograms do not record min and max
    uint32_t exp_max_size;             ///< exponential histogram buckets per sign; 0: 160
    int32_t exp_max_scale;             ///< exponential histogram max scale; 0 with
                                       ///< exp_max_size 0: 20
    uint32_t cardinality_limit;        ///< series per stream before overflow; 0: the provider's
} otelc_view;

/** Fills defaults: selects nothing in particular (every criterion "any"), changes nothing. */
OTELC_API void otelc_view_init(otelc_view *v);

/* ---- Readers ----------------------------------------------------------------------------- */

/** Options of otelc_periodic_reader_new(). */
typedef struct otelc_periodic_reader_options {
    uint32_t size;        ///< sizeof; set by _init
    uint32_t interval_ms; ///< time between exports; default 60000 (OTEL_METRIC_EXPORT_INTERVAL)
    uint32_t timeout_ms;  ///< deadline of one export; default 30000 (OTEL_METRIC_EXPORT_TIMEOUT)
} otelc_periodic_reader_options;

/** Fills defaults. */
OTELC_API void otelc_periodic_reader_options_init(otelc_periodic_reader_options *o);
/** Reads `OTEL_METRIC_EXPORT_INTERVAL` and `OTEL_METRIC_EXPORT_TIMEOUT` (milliseconds); a bad
 *  value gets one warning and leaves the field as it was. */
OTELC_API void otelc_periodic_reader_options_from_env(otelc_periodic_reader_options *o);

/**
 * A reader that collects and exports every interval on a worker thread of its own (started
 * with the provider; after fork(), a fresh worker starts in the child). Temporality and
 * default aggregation per instrument kind come from the exporter. Takes @p exporter over on
 * success. @return ::OTELC_OK, ::OTELC_EINVAL, ::OTELC_ENOMEM.
 */
OTELC_API int otelc_periodic_reader_new(otelc_metric_reader **out,
                                        otelc_metric_exporter *exporter,
                                        const otelc_periodic_reader_options *o);

/** Options of otelc_manual_reader_new(). */
typedef struct otelc_manual_reader_options {
    uint32_t size;                            ///< sizeof; set by _init
    otelc_temporality_preference temporality; ///< default cumulative
    otelc_aggregation histogram_aggregation;  ///< for histograms without a view; default
                                              ///< ::OTELC_AGGREGATION_DEFAULT (explicit)
} otelc_manual_reader_options;

/** Fills defaults. */
OTELC_API void otelc_manual_reader_options_init(otelc_manual_reader_options *o);
/** A reader collected only on demand with otelc_metric_reader_collect() (pull, tests). */
OTELC_API int otelc_manual_reader_new(otelc_metric_reader **out,
                                      const otelc_manual_reader_options *o);

/** Receives a collection; @p data is valid for the call only. Return ::OTELC_OK or an error,
 *  which otelc_metric_reader_collect() passes on. */
typedef int (*otelc_metrics_collect_fn)(const otelc_resource_metrics *data, void *user_data);

/**
 * Collects now (running observable callbacks) and passes the result to @p fn on the calling
 * thread. Works on any reader registered with a provider.
 * @return what @p fn returned, ::OTELC_EINVAL, ::OTELC_ESTATE (not registered with a
 * provider), ::OTELC_ESHUTDOWN, ::OTELC_ENOMEM.
 */
OTELC_API int otelc_metric_reader_collect(otelc_metric_reader *r, otelc_metrics_collect_fn fn,
                                          void *user_data);
/** Collects and exports now (periodic readers); ::OTELC_OK for manual readers. */
OTELC_API int otelc_metric_reader_force_flush(otelc_metric_reader *r, uint32_t timeout_ms);
/** Flushes, stops the worker and shuts the exporter down, once. */
OTELC_API int otelc_metric_reader_shutdown(otelc_metric_reader *r, uint32_t timeout_ms);
/** Frees a reader that was not transferred to a provider; NULL is a no-op. */
OTELC_API void otelc_metric_reader_free(otelc_metric_reader *r);

/** Counters of a reader, readable at any time. */
typedef struct otelc_metric_reader_stats {
    uint64_t collections;    ///< collections done
    uint64_t exports_ok;     ///< exports that succeeded
    uint64_t exports_failed; ///< exports that returned an error (their data is lost)
} otelc_metric_reader_stats;

/** Reads @p r's counters. */
OTELC_API void otelc_metric_reader_get_stats(const otelc_metric_reader *r,
                                             otelc_metric_reader_stats *s);

/* ---- Provider and meters ----------------------------------------------------------------- */

/** Options of otelc_meter_provider_new(). */
typedef struct otelc_meter_provider_options {
    uint32_t size;                     ///< sizeof; set by _init
    const otelc_resource *resource;    ///< borrowed (a reference is taken); merged over
                                       ///< otelc_resource_default(); NULL: the default alone
    otelc_metric_reader **readers;     ///< taken over on success
    size_t reader_count;               ///< number of readers
    const otelc_view *views;           ///< copied; invalid ones are warned about and ignored
    size_t view_count;                 ///< number of views
    otelc_exemplar_filter exemplar_filter; ///< default trace_based
    uint32_t cardinality_limit;        ///< default OTELC_DEFAULT_CARDINALITY_LIMIT
} otelc_meter_provider_options;

/** Fills defaults. */
OTELC_API void otelc_meter_provider_options_init(otelc_meter_provider_options *o);
/** Reads `OTEL_METRICS_EXEMPLAR_FILTER` (`trace_based`, `always_on`, `always_off`); a bad
 *  value gets one warning and the default. */
OTELC_API void otelc_meter_provider_options_from_env(otelc_meter_provider_options *o);

/** @return ::OTELC_OK, ::OTELC_EINVAL, ::OTELC_ENOMEM. */
OTELC_API int otelc_meter_provider_new(otelc_meter_provider **out,
                                       const otelc_meter_provider_options *o);

/**
 * The meter for an instrumentation scope; the same (name, version, schema_url, attributes)
 * gives the same meter. An empty or NULL name gives a working meter and one warning. NULL
 * only when @p mp is NULL or memory runs out. Borrowed.
 */
OTELC_API otelc_meter *otelc_meter_provider_get_meter(otelc_meter_provider *mp,
                                                      const char *name, const char *version,
                                                      const char *schema_url,
                                                      const otelc_attr *attrs, size_t n);

/** Collects and exports through every reader within @p timeout_ms. */
OTELC_API int otelc_meter_provider_force_flush(otelc_meter_provider *mp, uint32_t timeout_ms);
/** Flushes and shuts every reader down within @p timeout_ms; once. Afterwards the record
 *  calls do nothing. */
OTELC_API int otelc_meter_provider_shutdown(otelc_meter_provider *mp, uint32_t timeout_ms);
/** The provider's resource (borrowed). */
OTELC_API const otelc_resource *otelc_meter_provider_resource(const otelc_meter_provider *mp);
/** Frees the provider (shutting it down first if needed). NULL is a no-op. */
OTELC_API void otelc_meter_provider_free(otelc_meter_provider *mp);

/** Counters of a provider's record path, readable at any time. */
typedef struct otelc_meter_provider_stats {
    uint64_t series;          ///< series that exist now, over all streams
    uint64_t overflowed;      ///< measurements recorded into an overflow series
    uint64_t invalid;         ///< measurements ignored as invalid (negative counter
                              ///< increments, NaN, wrong instrument kind)
} otelc_meter_provider_stats;

/** Reads @p mp's counters. */
OTELC_API void otelc_meter_provider_get_stats(const otelc_meter_provider *mp,
                                              otelc_meter_provider_stats *s);

/** The global meter provider, or NULL; borrowed. */
OTELC_API otelc_meter_provider *otelc_global_meter_provider(void);
/** Installs @p mp (borrowed) as the global meter provider; NULL unsets it. */
OTELC_API void otelc_set_global_meter_provider(otelc_meter_provider *mp);

/* ---- Instruments ------------------------------------------------------------------------- */

/** Options of otelc_meter_create_instrument(). Strings and arrays are borrowed and copied. */
typedef struct otelc_instrument_options {
    uint32_t size;           ///< sizeof; set by _init
    const char *unit;        ///< at most 63 ASCII characters; NULL: ""
    const char *description; ///< NULL: ""
    int is_int;              ///< 1: an int64 instrument (points are integers); 0: double
    const double *advisory_boundaries; ///< histogram boundaries advised by the instrumentation
                                       ///< (a view's boundaries win)
    size_t advisory_boundary_count;    ///< number of advisory_boundaries
} otelc_instrument_options;

/** Fills defaults. */
OTELC_API void otelc_instrument_options_init(otelc_instrument_options *o);

/**
 * Creates an instrument of @p kind. The name must follow the specification's syntax (a letter,
 * then up to 254 letters, digits, `_`, `.`, `-` or `/`): an invalid name gives
 * ::OTELC_EINVAL and one warning. Registering the same name (case-insensitive) again in the
 * same meter returns the first instrument when everything matches; when kind, unit,
 * description or number type differ, a working instrument is still returned, with one
 * warning naming the conflict. @p o may be NULL. The instrument is borrowed (owned by the
 * provider). @return ::OTELC_OK, ::OTELC_EINVAL, ::OTELC_ENOMEM, ::OTELC_ESHUTDOWN.
 */
OTELC_API int otelc_meter_create_instrument(otelc_meter *m, otelc_instrument_kind kind,
                                            const char *name, const otelc_instrument_options *o,
                                            otelc_instrument **out);

/**
 * Records a measurement: Counter and UpDownCounter add it, Histogram records it, Gauge sets
 * it. @p attrs (n of them) are borrowed for the call; keys repeated keep the last. The
 * current span of the calling thread is the exemplar's span. An int64 value recorded into a
 * double instrument is converted, and the other way round truncated. Ignored (and counted as
 * invalid in the stats): negative values on a Counter or Histogram, NaN and infinities,
 * observable instruments.
 */
OTELC_API void otelc_record_i64(otelc_instrument *inst, int64_t value, const otelc_attr *attrs,
                                size_t n);
/** As otelc_record_i64() with a double. */
OTELC_API void otelc_record_f64(otelc_instrument *inst, double value, const otelc_attr *attrs,
                                size_t n);
/** As otelc_record_i64(), with the exemplar's span taken from @p ctx (NULL: no span). */
OTELC_API void otelc_record_i64_ctx(otelc_instrument *inst, int64_t value,
                                    const otelc_attr *attrs, size_t n, const otelc_context *ctx);
/** As otelc_record_f64(), with the exemplar's span taken from @p ctx (NULL: no span). */
OTELC_API void otelc_record_f64_ctx(otelc_instrument *inst, double value,
                                    const otelc_attr *attrs, size_t n, const otelc_context *ctx);

/**
 * Pre-binds an attribute set to @p inst for hot loops: recording through the bound handle
 * skips hashing and look-up. The series it names stays alive while the handle exists.
 * @return ::OTELC_OK, ::OTELC_EINVAL (NULL or observable instrument), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_instrument_bind(otelc_instrument *inst, const otelc_attr *attrs, size_t n,
                                    otelc_bound_instrument **out);
/** Records through a bound handle (the rules of otelc_record_i64()). */
OTELC_API void otelc_bound_record_i64(otelc_bound_instrument *b, int64_t value);
/** Records through a bound handle (the rules of otelc_record_f64()). */
OTELC_API void otelc_bound_record_f64(otelc_bound_instrument *b, double value);
/** Releases a bound handle; NULL is a no-op. Free it before the provider. */
OTELC_API void otelc_bound_instrument_free(otelc_bound_instrument *b);

/* ---- Observable instruments --------------------------------------------------------------- */

/**
 * An observable callback, run on the collecting thread at each collection. It reports values
 * with otelc_observe_i64() / otelc_observe_f64() on @p obs, which is valid for the call only.
 * It must not block for long and must not call into the metrics SDK otherwise.
 */
typedef void (*otelc_observable_callback)(otelc_observer *obs, void *user_data);

/**
 * Registers @p cb for the observable instrument @p inst; in it, otelc_observe_*() may pass
 * NULL as the instrument. @p out may be NULL when the callback is never removed.
 * @return ::OTELC_OK, ::OTELC_EINVAL (not an observable instrument), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_instrument_add_callback(otelc_instrument *inst, otelc_observable_callback cb,
                                            void *user_data, otelc_callback_registration **out);
/** Registers one callback that observes several observable instruments of meter @p m (it
 *  must name the instrument in each observation). */
OTELC_API int otelc_meter_register_callback(otelc_meter *m, otelc_instrument *const *insts,
                                            size_t n, otelc_observable_callback cb,
                                            void *user_data, otelc_callback_registration **out);
/** Removes a callback: after the call returns it is not running and will not run again.
 *  Not from inside a callback. NULL is a no-op. */
OTELC_API void otelc_callback_unregister(otelc_callback_registration *reg);

/** Reports one observation of @p inst (NULL: the callback's single instrument). Observations
 *  of an instrument the callback was not registered for are ignored with one warning. */
OTELC_API void otelc_observe_i64(otelc_observer *obs, otelc_instrument *inst, int64_t value,
                                 const otelc_attr *attrs, size_t n);
/** As otelc_observe_i64() with a double. */
OTELC_API void otelc_observe_f64(otelc_observer *obs, otelc_instrument *inst, double value,
                                 const otelc_attr *attrs, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_METRICS_H */
