/* SPDX-License-Identifier: Apache-2.0 */
/* Internal access to resources: they are immutable and reference-counted. */
#ifndef OTELC_SDK_COMMON_RESOURCE_INTERNAL_H
#define OTELC_SDK_COMMON_RESOURCE_INTERNAL_H

#include "otelc/resource.h"

/* Takes a new reference (NULL-safe); otelc_resource_free() gives it back. */
otelc_resource *otelc__resource_ref(const otelc_resource *r);

#endif
