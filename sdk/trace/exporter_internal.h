/* SPDX-License-Identifier: Apache-2.0 */
/* Internal access to span exporters: lets built-in exporters recognise their own handles. */
#ifndef OTELC_SDK_TRACE_EXPORTER_INTERNAL_H
#define OTELC_SDK_TRACE_EXPORTER_INTERNAL_H

#include "otelc/processor.h"

/* The methods table the exporter was created with (NULL for NULL). */
const otelc_span_exporter_methods *otelc__span_exporter_methods(const otelc_span_exporter *e);

#endif
