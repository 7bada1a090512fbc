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

#endif
