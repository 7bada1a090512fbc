/* SPDX-License-Identifier: Apache-2.0 */
/* The public clock functions, thin wrappers over the inline helpers in clock.h. */
#include "otelc/common.h"

#include "clock.h"

uint64_t otelc_now_ns(void) { return otelc__now_ns(); }

uint64_t otelc_monotonic_ns(void) { return otelc__mono_ns(); }
