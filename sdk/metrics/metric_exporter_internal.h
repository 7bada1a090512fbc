/* SPDX-License-Identifier: Apache-2.0 */
/* Internal access to metric exporter handles (for readers and the SDK's set-up). */
#ifndef OTELC_SDK_METRICS_METRIC_EXPORTER_INTERNAL_H
#define OTELC_SDK_METRICS_METRIC_EXPORTER_INTERNAL_H

#include "otelc/metric_data.h"

/* The method table the exporter was made with (to recognise built-in exporters). */
const otelc_metric_exporter_methods *
otelc__metric_exporter_methods(const otelc_metric_exporter *e);
/* Calls the exporter's force_flush, if any, unless it was shut down. */
int otelc__metric_exporter_force_flush(otelc_metric_exporter *e, uint64_t deadline);
/* Calls the exporter's after_fork, if any (in a child process after fork). */
void otelc__metric_exporter_after_fork(otelc_metric_exporter *e);

/* What a metric exporter answers readers, shared by the OTLP (HTTP and gRPC) and memory
 * metric exporters: the temporality preference and the aggregation for histograms without a
 * view. */
struct otelc__metric_prefs {
    otelc_temporality_preference temporality;
    otelc_aggregation histogram_aggregation;
};

/* Sets p from t and a: OTELC_OK, or OTELC_EINVAL for a value outside its enum; with
 * histogram_only, a must also be a histogram aggregation (explicit, exponential) or DEFAULT,
 * as OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION allows. */
int otelc__metric_prefs_set(struct otelc__metric_prefs *p, otelc_temporality_preference t,
                            otelc_aggregation a, int histogram_only);
/* The temporality p gives instruments of kind. */
otelc_temporality otelc__metric_prefs_temporality(const struct otelc__metric_prefs *p,
                                                  otelc_instrument_kind kind);
/* The aggregation p gives instruments of kind (DEFAULT for everything but histograms). */
otelc_aggregation otelc__metric_prefs_aggregation(const struct otelc__metric_prefs *p,
                                                  otelc_instrument_kind kind);

#endif
