/* SPDX-License-Identifier: Apache-2.0 */
/* Internal access to resources: they are immutable and reference-counted. */
#ifndef OTELC_SDK_COMMON_RESOURCE_INTERNAL_H
#define OTELC_SDK_COMMON_RESOURCE_INTERNAL_H

#include <stdint.h>

#include "otelc/resource.h"

/* Takes a new reference (NULL-safe); otelc_resource_free() gives it back. */
otelc_resource *otelc__resource_ref(const otelc_resource *r);

/* A copy of r whose process.pid is pid, when r has a process.pid that differs (a forked
 * child's); NULL otherwise, and when memory runs out (logged). */
otelc_resource *otelc__resource_with_pid(const otelc_resource *r, int64_t pid);

#endif
