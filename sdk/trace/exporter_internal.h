/* SPDX-License-Identifier: Apache-2.0 */
/* Internal access to span exporter handles. */
#ifndef OTELC_SDK_TRACE_EXPORTER_INTERNAL_H
#define OTELC_SDK_TRACE_EXPORTER_INTERNAL_H

#include "otelc/processor.h"

/* The method table the exporter was made with (to recognise built-in exporters). */
const otelc_span_exporter_methods *otelc__span_exporter_methods(const otelc_span_exporter *e);
/* Calls the exporter's force_flush, if any, unless it was shut down. */
int otelc__span_exporter_force_flush(otelc_span_exporter *e, uint64_t deadline);

#endif
