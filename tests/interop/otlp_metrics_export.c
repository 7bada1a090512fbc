/* SPDX-License-Identifier: Apache-2.0 */
/* Exports the hand-built collection with every metric type (tests/unit/metric_fixture.h) with
 * the OTLP/HTTP metric exporter (or, with argv[2] `grpc`, the OTLP/gRPC one) configured from
 * OTEL_EXPORTER_OTLP_* (as a periodic reader would), COUNT times (argv[1], default 1), then
 * prints `exported N failed N` and the last error. otlp_http_metrics.js runs it against
 * receiver.js, and against grpc_receiver.js for the gRPC cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metric_fixture.h"
#include "otelc/otlp.h"
#include "otelc/otlp_grpc.h"

int main(int argc, char **argv)
{
    otelc_otlp_http_exporter_options o;
    otelc_metric_exporter *e = NULL;
    int exported = 0, failed = 0, count = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1;
    char err[400] = "";

    int grpc = argc > 2 && strcmp(argv[2], "grpc") == 0;
    int rc;
    if (grpc) {
        otelc_otlp_grpc_exporter_options g;
        otelc_otlp_grpc_exporter_options_init(&g);
        otelc_otlp_grpc_metric_exporter_options_from_env(&g);
        rc = otelc_otlp_grpc_metric_exporter_new(&e, &g);
    } else {
        otelc_otlp_http_exporter_options_init(&o);
        otelc_otlp_http_metric_exporter_options_from_env(&o);
        rc = otelc_otlp_http_metric_exporter_new(&e, &o);
    }
    if (!mf_collection() || rc != OTELC_OK) {
        fprintf(stderr, "otlp_metrics_export: setup failed\n");
        return 1;
    }
    for (int i = 0; i < count; i++) {
        if (otelc_metric_exporter_export(e, mf_collection(), 0) == OTELC_OK) {
            exported++;
        } else {
            failed++;
            snprintf(err, sizeof err, "%s",
                     grpc ? otelc_otlp_grpc_metric_exporter_last_error(e)
                          : otelc_otlp_http_metric_exporter_last_error(e));
        }
    }
    printf("exported %d failed %d\n%s\n", exported, failed, err);
    otelc_metric_exporter_free(e);
    mf_free();
    return 0;
}
