/* SPDX-License-Identifier: Apache-2.0 */
/* Writes to stdout one ExportMetricsServiceRequest, encoded by otelc, of the hand-built
 * collection with every metric type (tests/unit/metric_fixture.h); otlp_decode.py reads it
 * with upstream protoc and the upstream schema. */
#include <stdio.h>

#include "exporters/otlp/otlp_proto.h"
#include "metric_fixture.h"

int main(void)
{
    const otelc_resource_metrics *rm = mf_collection();
    struct otelc__buf out;
    int rc = 1;

    otelc__buf_init(&out);
    if (rm && otelc__otlp_proto_encode_metrics(&out, rm) == OTELC_OK &&
        fwrite(out.data, 1, out.len, stdout) == out.len && fflush(stdout) == 0)
        rc = 0;
    else
        fprintf(stderr, "otlp_metrics_sample: encoding failed\n");
    otelc__buf_free(&out);
    mf_free();
    return rc;
}
