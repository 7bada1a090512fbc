/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file resource.h  Resources: the immutable set of attributes that describes the entity
 * producing telemetry (OpenTelemetry resource SDK specification).
 *
 * A resource is immutable once built; functions that "keep" a resource take a reference,
 * so the caller may free its own handle at any time.
 *
 * @code
 * otelc_attr a[] = { otelc_attr_str("service.name", "gateway") };
 * otelc_resource *r;
 * if (otelc_resource_new(&r, a, 1, NULL) == OTELC_OK) {
 *     opts.resource = r;             // the provider takes its own reference
 *     otelc_tracer_provider_new(&tp, &opts);
 *     otelc_resource_free(r);
 * }
 * @endcode
 */
#ifndef OTELC_RESOURCE_H
#define OTELC_RESOURCE_H

#include "attr.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otelc_resource otelc_resource;

/**
 * Builds a resource from @p n attributes (copied; a later duplicate key wins; entries with an
 * empty key or ::OTELC_VALUE_NONE are skipped) and an optional schema URL (copied).
 * @return ::OTELC_OK, ::OTELC_EINVAL (out NULL, or attrs NULL with n > 0), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_resource_new(otelc_resource **out, const otelc_attr *attrs, size_t n,
                                 const char *schema_url);

/**
 * Merges two resources as the specification's Merge does: attributes of @p updating win;
 * the schema URL is the one that is set, and when both are set and differ the result has
 * none (a warning is logged). Both inputs are borrowed and unchanged.
 */
OTELC_API int otelc_resource_merge(otelc_resource **out, const otelc_resource *old,
                                   const otelc_resource *updating);

/**
 * The SDK default resource: `telemetry.sdk.name=otelc`, `telemetry.sdk.language=c`,
 * `telemetry.sdk.version`, `service.name=unknown_service:<executable>`, `process.pid` (replaced
 * by the child's pid after fork() in providers built on it), then the attributes of
 * `OTEL_RESOURCE_ATTRIBUTES` (a comma-separated, percent-encoded `key=value` list; a decoding
 * error discards the whole variable with one warning), then `OTEL_SERVICE_NAME`, which wins
 * over a `service.name` in `OTEL_RESOURCE_ATTRIBUTES`.
 */
OTELC_API int otelc_resource_default(otelc_resource **out);

/** Number of attributes in @p r (0 for NULL). */
OTELC_API size_t otelc_resource_attr_count(const otelc_resource *r);
/** The @p i-th attribute, or NULL when out of range; borrowed, valid while @p r lives. */
OTELC_API const otelc_attr *otelc_resource_attr_at(const otelc_resource *r, size_t i);
/** The value for @p key, or NULL; borrowed, valid while @p r lives. */
OTELC_API const otelc_value *otelc_resource_get(const otelc_resource *r, const char *key);
/** The schema URL, or NULL. */
OTELC_API const char *otelc_resource_schema_url(const otelc_resource *r);
/** Releases the caller's reference; NULL is a no-op. */
OTELC_API void otelc_resource_free(otelc_resource *r);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_RESOURCE_H */
