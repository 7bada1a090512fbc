/* SPDX-License-Identifier: Apache-2.0 */
/* Sending a metrics collection whose encoded request is over an exporter's size limit: the
 * collection is halved by metrics, then a single metric's points in halves, until every part
 * fits. Shared by the OTLP metric exporters (HTTP and gRPC). */
#ifndef OTELC_EXPORTERS_OTLP_OTLP_METRICS_SPLIT_H
#define OTELC_EXPORTERS_OTLP_OTLP_METRICS_SPLIT_H

#include <stdint.h>

#include "exporters/otlp/otlp_common.h"
#include "otelc/metric_data.h"

/* Encodes and sends one tree (borrowed for the call): OTELC_OK, a negative code, or
 * OTELC__OTLP_SPLIT_ME when its request is over the limit (nothing was sent). */
typedef int (*otelc__otlp_metrics_send_fn)(void *ud, const otelc_resource_metrics *tree,
                                           uint64_t deadline);

/* Reports a part that cannot be split further and still does not fit: what is "one data
 * point", "one metric without points" or "a collection without points". Returns the code
 * the export fails with. */
typedef int (*otelc__otlp_metrics_too_large_fn)(void *ud, const char *what);

/*
 * Sends rm with send; when send asks for a split, sends the halves (recursively), every part
 * even when another failed, and returns the first failure. Returns OTELC_ENOMEM when the
 * scratch space for the parts cannot be had.
 */
int otelc__otlp_metrics_export_split(const otelc_resource_metrics *rm,
                                     otelc__otlp_metrics_send_fn send,
                                     otelc__otlp_metrics_too_large_fn too_large, void *ud,
                                     uint64_t deadline);

#endif
