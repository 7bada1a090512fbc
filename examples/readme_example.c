/* SPDX-License-Identifier: Apache-2.0 */
/* The README's example, built so that it cannot rot: one span, configured by OTEL_* vars. */
#include <otelc/otelc.h>

int main(void)
{
    otelc_sdk *sdk;
    if (otelc_sdk_init_from_env(&sdk) != OTELC_OK) /* bad values get defaults, not errors */
        return 1;
    otelc_tracer *tracer = otelc_sdk_get_tracer(sdk, "my.daemon", "1.0.0");

    otelc_span_options opts;
    otelc_span_options_init(&opts);
    opts.kind = OTELC_SPAN_KIND_SERVER;
    otelc_span *span = otelc_span_start(tracer, "GET /hello", &opts);
    otelc_span_set_attr_str(span, "http.request.method", "GET");
    otelc_span_set_attr_int(span, "http.response.status_code", 200);
    otelc_span_end(span); /* a NULL span (disabled SDK) is fine everywhere */

    otelc_sdk_shutdown(sdk, 5000); /* flushes, within 5 s */
    otelc_sdk_free(sdk);
    return 0;
}
