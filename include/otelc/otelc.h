/* SPDX-License-Identifier: Apache-2.0 */
/** @file otelc.h  Umbrella header: everything public in otelc. */
#ifndef OTELC_OTELC_H
#define OTELC_OTELC_H

#include "attr.h"
#include "baggage.h"
#include "carriers.h"
#include "common.h"
#include "context.h"
#include "exporters.h"
#include "id_generator.h"
#include "log.h"
#include "metric_data.h"
#include "metrics.h"
#include "otlp.h"
#include "otlp_grpc.h"
#include "processor.h"
#include "propagation.h"
#include "resource.h"
#include "sampler.h"
#include "sdk.h"
#include "trace.h"
#include "trace_types.h"
#include "version.h"

#endif /* OTELC_OTELC_H */
