/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file metric_data.h  Collected metric data (the read side of the metrics SDK) and the metric
 * exporter interface.
 *
 * A reader's collection produces one ::otelc_resource_metrics: a tree of plain structs shaped
 * like OTLP's `ResourceMetrics` (resource, then scopes, then metrics, then points). The tree
 * and everything it points to (names, attributes, bucket arrays, exemplars) is owned by the
 * reader and valid only for the duration of the call it is passed to (an export, or the
 * callback of otelc_metric_reader_collect()). Exporters that keep data must copy it.
 *
 * Times are nanoseconds since the UNIX epoch. Numbers of a metric are all integers or all
 * doubles (::otelc_metric_data.is_int), as the instrument was created.
 */
#ifndef OTELC_METRIC_DATA_H
#define OTELC_METRIC_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "common.h"
#include "resource.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The kinds of instrument of the specification. */
typedef enum otelc_instrument_kind {
    OTELC_INSTRUMENT_COUNTER = 0,
    OTELC_INSTRUMENT_UP_DOWN_COUNTER = 1,
    OTELC_INSTRUMENT_HISTOGRAM = 2,
    OTELC_INSTRUMENT_GAUGE = 3,
    OTELC_INSTRUMENT_OBSERVABLE_COUNTER = 4,
    OTELC_INSTRUMENT_OBSERVABLE_UP_DOWN_COUNTER = 5,
    OTELC_INSTRUMENT_OBSERVABLE_GAUGE = 6
} otelc_instrument_kind;

/** Number of ::otelc_instrument_kind values. */
#define OTELC_INSTRUMENT_KIND_COUNT 7

/** Aggregation temporality; the values are OTLP's `AggregationTemporality`. */
typedef enum otelc_temporality {
    OTELC_TEMPORALITY_UNSPECIFIED = 0, ///< gauges carry no temporality
    OTELC_TEMPORALITY_DELTA = 1,       ///< each point covers the time since the last collection
    OTELC_TEMPORALITY_CUMULATIVE = 2   ///< each point covers the time since the series began
} otelc_temporality;

/** Aggregations a view or an exporter can ask for. */
typedef enum otelc_aggregation {
    OTELC_AGGREGATION_DEFAULT = 0,          ///< the instrument kind's default
    OTELC_AGGREGATION_DROP = 1,             ///< measurements are ignored
    OTELC_AGGREGATION_SUM = 2,              ///< monotonic for counters, not for the others
    OTELC_AGGREGATION_LAST_VALUE = 3,       ///< the last measurement
    OTELC_AGGREGATION_EXPLICIT_HISTOGRAM = 4,   ///< explicit bucket boundaries
    OTELC_AGGREGATION_EXPONENTIAL_HISTOGRAM = 5 ///< base-2 exponential buckets
} otelc_aggregation;

/** The shape of a metric's points; the names follow OTLP's `Metric.data` oneof. */
typedef enum otelc_metric_type {
    OTELC_METRIC_GAUGE = 0,                ///< ::otelc_number_point, no temporality
    OTELC_METRIC_SUM = 1,                  ///< ::otelc_number_point
    OTELC_METRIC_HISTOGRAM = 2,            ///< ::otelc_histogram_point
    OTELC_METRIC_EXPONENTIAL_HISTOGRAM = 3 ///< ::otelc_exp_histogram_point
} otelc_metric_type;

/** A number, an integer or a double according to the metric's is_int. */
typedef union otelc_metric_number {
    int64_t i; ///< when ::otelc_metric_data.is_int
    double d;  ///< otherwise
} otelc_metric_number;

/** A measurement kept as an exemplar (OTLP `Exemplar`). */
typedef struct otelc_exemplar {
    const otelc_attr *filtered_attrs; ///< the measurement's attributes that the stream dropped
    size_t filtered_attr_count;       ///< number of filtered_attrs
    uint64_t time_ns;                 ///< when the measurement was recorded
    otelc_metric_number value;        ///< the measurement
    int has_span;                     ///< 1 when trace_id and span_id are set
    uint8_t trace_id[16];             ///< the span the measurement was recorded in
    uint8_t span_id[8];               ///< idem
} otelc_exemplar;

/** A point of a Sum or a Gauge (OTLP `NumberDataPoint`). */
typedef struct otelc_number_point {
    const otelc_attr *attrs;     ///< the series' attributes
    size_t attr_count;           ///< number of attrs
    uint64_t start_time_ns;      ///< 0 for gauges
    uint64_t time_ns;            ///< the collection time
    otelc_metric_number value;   ///< the sum or last value
    const otelc_exemplar *exemplars; ///< may be NULL when exemplar_count is 0
    size_t exemplar_count;       ///< number of exemplars
} otelc_number_point;

/** A point of an explicit-bucket histogram (OTLP `HistogramDataPoint`). */
typedef struct otelc_histogram_point {
    const otelc_attr *attrs;      ///< the series' attributes
    size_t attr_count;            ///< number of attrs
    uint64_t start_time_ns;       ///< start of the interval
    uint64_t time_ns;             ///< the collection time
    uint64_t count;               ///< number of measurements
    double sum;                   ///< their sum (when has_sum)
    int has_sum;                  ///< 0 when the sum is not meaningful
    int has_min_max;              ///< 1 when min and max are set (count > 0 and recorded)
    double min;                   ///< smallest measurement
    double max;                   ///< largest measurement
    const double *bounds;         ///< bucket boundaries, increasing; bucket i is
                                  ///< (bounds[i-1], bounds[i]]
    size_t bound_count;           ///< number of bounds
    const uint64_t *bucket_counts; ///< bound_count + 1 counts
    const otelc_exemplar *exemplars; ///< may be NULL when exemplar_count is 0
    size_t exemplar_count;        ///< number of exemplars
} otelc_histogram_point;

/** One side (positive or negative) of an exponential histogram's buckets. */
typedef struct otelc_exp_buckets {
    int32_t offset;         ///< index of counts[0]; bucket i is (base^i, base^(i+1)]
    const uint64_t *counts; ///< counts of consecutive buckets (may be NULL when count_n is 0)
    size_t count_n;         ///< number of counts
} otelc_exp_buckets;

/** A point of a base-2 exponential histogram (OTLP `ExponentialHistogramDataPoint`). */
typedef struct otelc_exp_histogram_point {
    const otelc_attr *attrs;    ///< the series' attributes
    size_t attr_count;          ///< number of attrs
    uint64_t start_time_ns;     ///< start of the interval
    uint64_t time_ns;           ///< the collection time
    uint64_t count;             ///< number of measurements (zero_count and buckets included)
    double sum;                 ///< their sum (when has_sum)
    int has_sum;                ///< 0 when the sum is not meaningful
    int has_min_max;            ///< 1 when min and max are set
    double min;                 ///< smallest measurement
    double max;                 ///< largest measurement
    int32_t scale;              ///< base = 2^(2^-scale)
    uint64_t zero_count;        ///< measurements of magnitude <= zero_threshold
    double zero_threshold;      ///< 0 unless configured
    otelc_exp_buckets positive; ///< buckets of positive measurements
    otelc_exp_buckets negative; ///< buckets of negative measurements (by magnitude)
    const otelc_exemplar *exemplars; ///< may be NULL when exemplar_count is 0
    size_t exemplar_count;      ///< number of exemplars
} otelc_exp_histogram_point;

/** One metric stream's points (OTLP `Metric`). */
typedef struct otelc_metric_data {
    const char *name;        ///< the stream name (the view's, else the instrument's)
    const char *description; ///< "" when none
    const char *unit;        ///< "" when none
    otelc_metric_type type;  ///< which member of points is set
    int is_int;              ///< numbers (points and exemplars) are int64, else double
    otelc_temporality temporality; ///< for SUM and the histograms; UNSPECIFIED for GAUGE
    int is_monotonic;        ///< for SUM
    size_t point_count;      ///< number of points
    union {
        const otelc_number_point *number;           ///< GAUGE and SUM
        const otelc_histogram_point *histogram;     ///< HISTOGRAM
        const otelc_exp_histogram_point *exp_histogram; ///< EXPONENTIAL_HISTOGRAM
    } points;                ///< the points
} otelc_metric_data;

/** The metrics of one instrumentation scope (OTLP `ScopeMetrics`). */
typedef struct otelc_scope_metrics {
    otelc_scope_info scope;          ///< the meter's name, version, schema URL, attributes
    const otelc_metric_data *metrics; ///< the streams with at least one point
    size_t metric_count;             ///< number of metrics
} otelc_scope_metrics;

/** Everything one collection produced (OTLP `ResourceMetrics`). */
typedef struct otelc_resource_metrics {
    const otelc_resource *resource;    ///< the meter provider's resource
    const otelc_scope_metrics *scopes; ///< scopes with at least one metric
    size_t scope_count;                ///< number of scopes
} otelc_resource_metrics;

typedef struct otelc_metric_exporter otelc_metric_exporter;

#define OTELC_METRIC_EXPORTER_METHODS_VERSION 1

/** A metric exporter implementation (a push exporter, driven by a periodic reader). */
typedef struct otelc_metric_exporter_methods {
    uint32_t version; ///< OTELC_METRIC_EXPORTER_METHODS_VERSION
    /** Exports one collection (borrowed for the call). Returns ::OTELC_OK or a negative code;
     *  must return by @p deadline (monotonic ns). Required. */
    int (*export_metrics)(void *user_data, const otelc_resource_metrics *data,
                          uint64_t deadline);
    /** The temporality the exporter wants for instruments of @p kind (gauges ignore it).
     *  NULL: cumulative for every kind. */
    otelc_temporality (*temporality)(void *user_data, otelc_instrument_kind kind);
    /** The aggregation for instruments of @p kind that no view configures; return
     *  ::OTELC_AGGREGATION_DEFAULT for the specification's default. NULL: the default. */
    otelc_aggregation (*aggregation)(void *user_data, otelc_instrument_kind kind);
    /** May be NULL. */
    int (*force_flush)(void *user_data, uint64_t deadline);
    /** May be NULL. After it, export_metrics is not called again. */
    int (*shutdown)(void *user_data, uint64_t deadline);
    /** Frees user_data; may be NULL. */
    void (*destroy)(void *user_data);
    /** In a child process after fork(): drop inherited connections. May be NULL. */
    void (*after_fork)(void *user_data);
} otelc_metric_exporter_methods;

/** Wraps an implementation; @p methods is borrowed and must outlive the exporter. */
OTELC_API int otelc_metric_exporter_new(otelc_metric_exporter **out,
                                        const otelc_metric_exporter_methods *methods,
                                        void *user_data);
/** Calls the exporter (what readers do). ::OTELC_ESHUTDOWN after shutdown. */
OTELC_API int otelc_metric_exporter_export(otelc_metric_exporter *e,
                                           const otelc_resource_metrics *data,
                                           uint64_t deadline);
/** The exporter's temporality for @p kind (cumulative when it has no preference). */
OTELC_API otelc_temporality otelc_metric_exporter_temporality(const otelc_metric_exporter *e,
                                                              otelc_instrument_kind kind);
/** The exporter's aggregation for @p kind (::OTELC_AGGREGATION_DEFAULT when none). */
OTELC_API otelc_aggregation otelc_metric_exporter_aggregation(const otelc_metric_exporter *e,
                                                              otelc_instrument_kind kind);
/** Shuts the exporter down once; later calls return ::OTELC_OK and do nothing. */
OTELC_API int otelc_metric_exporter_shutdown(otelc_metric_exporter *e, uint64_t deadline);
/** The user_data given at creation. */
OTELC_API void *otelc_metric_exporter_user_data(const otelc_metric_exporter *e);
/** Frees an exporter that was not transferred (shutting it down first); NULL is a no-op. */
OTELC_API void otelc_metric_exporter_free(otelc_metric_exporter *e);

/**
 * The temporality preference of `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`, as the
 * specification defines it: `cumulative` (every kind cumulative), `delta` (counters,
 * observable counters and histograms delta; up-down counters cumulative) and `lowmemory`
 * (counters and histograms delta; observable counters and up-down counters cumulative).
 */
typedef enum otelc_temporality_preference {
    OTELC_TEMPORALITY_PREFER_CUMULATIVE = 0,
    OTELC_TEMPORALITY_PREFER_DELTA = 1,
    OTELC_TEMPORALITY_PREFER_LOWMEMORY = 2
} otelc_temporality_preference;

/** The temporality that preference @p p gives instruments of @p kind. */
OTELC_API otelc_temporality otelc_temporality_for(otelc_temporality_preference p,
                                                  otelc_instrument_kind kind);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_METRIC_DATA_H */
