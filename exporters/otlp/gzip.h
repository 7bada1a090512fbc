/* SPDX-License-Identifier: Apache-2.0 */
/* gzip compression of request bodies, shared by the OTLP exporters (HTTP and gRPC). */
#ifndef OTELC_EXPORTERS_OTLP_GZIP_H
#define OTELC_EXPORTERS_OTLP_GZIP_H

#include <stddef.h>

#include "sdk/common/buf.h"

/* Replaces the content of out with n bytes at in compressed as one gzip member (zlib, its
 * memory through the otelc allocator). Returns OTELC_OK or OTELC_ENOMEM. */
int otelc__gzip(const void *in, size_t n, struct otelc__buf *out);

#endif
