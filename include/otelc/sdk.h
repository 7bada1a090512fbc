/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file sdk.h  One-call set-up from the standard `OTEL_*` environment variables (a tracer
 * provider and a meter provider), and the global tracer provider.
 *
 * @code
 * otelc_sdk *sdk;
 * otelc_sdk_init_from_env(&sdk);        // never fails for bad values: they get defaults
 * otelc_tracer *t = otelc_sdk_get_tracer(sdk, "my.daemon", "1.0");
 * otelc_meter *m = otelc_sdk_get_meter(sdk, "my.daemon", "1.0");
 * ...
 * otelc_sdk_shutdown(sdk, 5000);
 * otelc_sdk_free(sdk);
 * @endcode
 *
 * Variables read (a bad value gets one warning naming the variable and value, and the
 * default): `OTEL_SDK_DISABLED`, `OTEL_LOG_LEVEL`, `OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_EXPORTER` (`console`, `otlp`, `none`; `otlp` is
 * the OTLP/HTTP exporter configured by otelc_otlp_http_exporter_options_from_env(), or, when
 * `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL` is `grpc`, the OTLP/gRPC exporter configured by
 * otelc_otlp_grpc_exporter_options_from_env(); `console` writes in the format
 * `OTELC_CONSOLE_FORMAT` names: `json`, the default, or `tree`, see
 * otelc_console_exporter_new()),
 * `OTEL_TRACES_SAMPLER` (`always_on`, `always_off`, `traceidratio`, `parentbased_always_on`
 * (the default), `parentbased_always_off`, `parentbased_traceidratio`, `otelc_rules`,
 * `otelc_ratelimited`) with `OTEL_TRACES_SAMPLER_ARG` (the ratio, default 1; the rule string,
 * see otelc_sampler_rules_parse(); or the traces per second, default 100; docs/sampling.md),
 * the span limit variables (see ::otelc_span_limits), and
 * `OTEL_PROPAGATORS` (see otelc_propagators_from_env(); installed as the global propagator,
 * also when the SDK is disabled, so a disabled service still passes context on).
 *
 * `OTEL_TRACES_EXPORTER` is a comma-separated list (case-insensitive, duplicates ignored).
 * When the variable is unset, or names no known exporter, the console exporter is used (the
 * specification's default is `otlp`; otelc never sends over the network unasked). `none`
 * alone disables export; listed with other exporters it is ignored.
 *
 * Metrics: `OTEL_METRICS_EXPORTER` is a list read the same way, with the same default
 * (console, so that neither signal goes over the network unasked) and the same names:
 * `otlp` is the OTLP metric exporter, over gRPC when `OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL`
 * is `grpc` (otelc_otlp_grpc_metric_exporter_options_from_env()), else over HTTP
 * (otelc_otlp_http_metric_exporter_options_from_env(): endpoint, headers, timeout,
 * compression, TLS, `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`,
 * `OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION`); `console` writes one OTLP/JSON
 * line per collection to stdout; `none` alone gives a meter provider without readers (its
 * instruments work and export nothing). Each exporter gets a periodic reader configured by
 * otelc_periodic_reader_options_from_env() (`OTEL_METRIC_EXPORT_INTERVAL`,
 * `OTEL_METRIC_EXPORT_TIMEOUT`); the provider reads `OTEL_METRICS_EXEMPLAR_FILTER`
 * (otelc_meter_provider_options_from_env()) and has the tracer provider's resource. An
 * exporter of either signal that cannot be created (a bad endpoint, say) is left out with
 * one error line; the SDK still starts.
 */
#ifndef OTELC_SDK_H
#define OTELC_SDK_H

#include "metrics.h"
#include "processor.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otelc_sdk otelc_sdk;

/**
 * Builds the SDK from the environment and installs its tracer provider and meter provider as
 * the global ones. With `OTEL_SDK_DISABLED=true` the SDK is disabled: otelc_sdk_get_tracer()
 * and otelc_sdk_get_meter() return NULL and every span or record call costs one branch.
 * @return ::OTELC_OK, ::OTELC_EINVAL (out NULL), ::OTELC_ENOMEM.
 */
OTELC_API int otelc_sdk_init_from_env(otelc_sdk **out);
/** The SDK's tracer provider; NULL when disabled. Borrowed. */
OTELC_API otelc_tracer_provider *otelc_sdk_tracer_provider(const otelc_sdk *sdk);
/** Shorthand for otelc_tracer_provider_get_tracer(provider, name, version, NULL, NULL, 0). */
OTELC_API otelc_tracer *otelc_sdk_get_tracer(otelc_sdk *sdk, const char *name,
                                             const char *version);
/** The SDK's meter provider; NULL when disabled. Borrowed. */
OTELC_API otelc_meter_provider *otelc_sdk_meter_provider(const otelc_sdk *sdk);
/** Shorthand for otelc_meter_provider_get_meter(provider, name, version, NULL, NULL, 0);
 *  NULL when disabled. Borrowed. */
OTELC_API otelc_meter *otelc_sdk_get_meter(otelc_sdk *sdk, const char *name,
                                           const char *version);
/** 1 when built with `OTEL_SDK_DISABLED=true`. */
OTELC_API int otelc_sdk_is_disabled(const otelc_sdk *sdk);
/** Sums the span pipeline's counters (see ::otelc_span_processor_stats). */
OTELC_API void otelc_sdk_get_stats(const otelc_sdk *sdk, otelc_span_processor_stats *stats);
/** Flushes both providers within @p timeout_ms (spans first, metrics in what is left).
 *  @return ::OTELC_OK or the first error of either provider. */
OTELC_API int otelc_sdk_force_flush(otelc_sdk *sdk, uint32_t timeout_ms);
/** Flushes and shuts both providers down within @p timeout_ms (spans first, metrics in what is
 *  left); once. @return ::OTELC_OK or the first error of either provider. */
OTELC_API int otelc_sdk_shutdown(otelc_sdk *sdk, uint32_t timeout_ms);
/** Frees the SDK (shutting down first if needed) and unsets the globals it installed (the
 *  tracer and meter providers, when they are still the global ones, and the propagator). */
OTELC_API void otelc_sdk_free(otelc_sdk *sdk);

/**
 * For programs that fork with a raw system call (bypassing pthread_atfork): call it first
 * thing in the child. Reseeds ids, resets the batch processors (the parent's queued spans are
 * discarded) and the metric readers (the child counts its own measurements) and makes
 * exporters drop inherited connections. Not needed after fork(3).
 */
OTELC_API void otelc_sdk_after_fork(void);

/** The global tracer provider, or NULL; borrowed. */
OTELC_API otelc_tracer_provider *otelc_global_tracer_provider(void);
/** Installs @p tp (borrowed) as the global provider; NULL unsets it. */
OTELC_API void otelc_set_global_tracer_provider(otelc_tracer_provider *tp);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_SDK_H */
