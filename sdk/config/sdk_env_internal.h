/* SPDX-License-Identifier: Apache-2.0 */
/* What the SDK set-up from the environment shares between its trace and metrics halves. */
#ifndef OTELC_SDK_CONFIG_SDK_ENV_INTERNAL_H
#define OTELC_SDK_CONFIG_SDK_ENV_INTERNAL_H

#include "otelc/metrics.h"

/* The exporters an OTEL_{TRACES,METRICS}_EXPORTER list can name; a bit each in the set that
 * otelc__exporters_from_env() returns. */
enum otelc__exporter_kind {
    OTELC__EXPORTER_CONSOLE = 0,
    OTELC__EXPORTER_OTLP,
    OTELC__EXPORTER_KIND_COUNT
};

/* The set of exporter kinds the list in variable var asks for: a trimmed, case-insensitive,
 * comma-separated list of console, otlp and none, duplicates ignored; unknown names are warned
 * about. Unset, or nothing recognised, gives console; none alone gives the empty set. */
unsigned otelc__exporters_from_env(const char *var);

/* The list name of an exporter kind ("console", "otlp"). */
const char *otelc__exporter_kind_name(int kind);

/* The meter provider of otelc_sdk_init_from_env(): one periodic reader per exporter that
 * OTEL_METRICS_EXPORTER asks for (OTEL_METRIC_EXPORT_INTERVAL, OTEL_METRIC_EXPORT_TIMEOUT),
 * OTEL_METRICS_EXEMPLAR_FILTER, and resource (borrowed) taken as it is. An exporter that
 * cannot be made for a reason other than memory is left out with one error line.
 * Returns OTELC_OK, OTELC_ENOMEM or what the provider or a reader returned. */
int otelc__meter_provider_from_env(otelc_meter_provider **out, const otelc_resource *resource);

#endif
