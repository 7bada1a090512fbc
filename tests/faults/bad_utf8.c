/* SPDX-License-Identifier: Apache-2.0 */
/* Exports invalid UTF-8 (a span name, an attribute key and values, a metric attribute) over
 * the OTLP exporter that OTEL_EXPORTER_OTLP_PROTOCOL names (http/protobuf or grpc), for
 * faults.js utf8_*, whose receivers decode every string strictly. Exits 0 when the exports
 * succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otelc/otelc.h"

static int export_spans(void)
{
    otelc_sdk *sdk = NULL;
    if (otelc_sdk_init_from_env(&sdk) != OTELC_OK)
        return 1;
    otelc_tracer *t = otelc_sdk_get_tracer(sdk, "bad-utf8", NULL);
    otelc_span *s = otelc_span_start(t, "bad\xffname", NULL);
    otelc_span_set_attr_str(s, "bad.value", "a\xc3\x28z\xed\xa0\x80");
    otelc_span_set_attr_str(s, "k\xffy", "overlong \xc0\xaf");
    otelc_span_end(s);
    otelc_span_end(otelc_span_start(t, "truncated \xe2\x82", NULL));
    int rc = otelc_sdk_shutdown(sdk, 10000);
    otelc_span_processor_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    otelc_sdk_get_stats(sdk, &st);
    otelc_sdk_free(sdk);
    printf("spans: shutdown %s, ended %llu exported %llu\n", otelc_strerror(rc),
           (unsigned long long)st.ended, (unsigned long long)st.exported);
    return rc == OTELC_OK && st.ended == 2 && st.exported == 2 ? 0 : 1;
}

static int export_metrics(void)
{
    const char *proto = getenv("OTEL_EXPORTER_OTLP_PROTOCOL");
    otelc_metric_exporter *e = NULL;
    int rc;
    if (proto && strcmp(proto, "grpc") == 0) {
        otelc_otlp_grpc_exporter_options o;
        otelc_otlp_grpc_exporter_options_init(&o);
        otelc_otlp_grpc_metric_exporter_options_from_env(&o);
        rc = otelc_otlp_grpc_metric_exporter_new(&e, &o);
    } else {
        otelc_otlp_http_exporter_options o;
        otelc_otlp_http_exporter_options_init(&o);
        otelc_otlp_http_metric_exporter_options_from_env(&o);
        rc = otelc_otlp_http_metric_exporter_new(&e, &o);
    }
    if (rc != OTELC_OK)
        return 1;
    otelc_metric_reader *r = NULL;
    otelc_periodic_reader_options ro;
    otelc_periodic_reader_options_init(&ro);
    if (otelc_periodic_reader_new(&r, e, &ro) != OTELC_OK)
        return 1;
    otelc_meter_provider_options mo;
    otelc_meter_provider_options_init(&mo);
    mo.readers = &r;
    mo.reader_count = 1;
    otelc_meter_provider *mp = NULL;
    if (otelc_meter_provider_new(&mp, &mo) != OTELC_OK)
        return 1;
    otelc_meter *m = otelc_meter_provider_get_meter(mp, "bad-utf8", NULL, NULL, NULL, 0);
    otelc_instrument *c = NULL;
    if (otelc_meter_create_instrument(m, OTELC_INSTRUMENT_COUNTER, "bad.utf8.count", NULL, &c) !=
        OTELC_OK)
        return 1;
    otelc_attr a = otelc_attr_str("bad.attr", "v\xffl");
    otelc_record_i64(c, 3, &a, 1);
    otelc_metric_reader_stats st;
    memset(&st, 0, sizeof st);
    rc = otelc_meter_provider_shutdown(mp, 10000);
    otelc_metric_reader_get_stats(r, &st);
    otelc_meter_provider_free(mp);
    printf("metrics: shutdown %s, exports ok %llu failed %llu\n", otelc_strerror(rc),
           (unsigned long long)st.exports_ok, (unsigned long long)st.exports_failed);
    return rc == OTELC_OK && st.exports_ok >= 1 && st.exports_failed == 0 ? 0 : 1;
}

int main(void)
{
    int spans = export_spans();
    int metrics = export_metrics();
    return spans || metrics ? 1 : 0;
}
