/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/gRPC span exporter: spans encoded to one ExportTraceServiceRequest per export (split
 * when too large) and sent by the shared gRPC export call. */
#include <string.h>

#include "exporters/otlp/otlp_common.h"
#include "exporters/otlp/otlp_proto.h"
#include "exporters/otlp_grpc/grpc_base.h"
#include "otelc/otlp_grpc.h"
#include "sdk/common/alloc.h"
#include "sdk/trace/exporter_internal.h"

struct otlp_grpc {
    struct otelc__otlp_grpc_base b;
};

static int export_batch(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct otlp_grpc *x = ud;
    otelc__buf_reset(&x->b.body);
    int rc = otelc__otlp_proto_encode_spans(&x->b.body, spans, n);
    if (rc != OTELC_OK)
        return otelc__otlp_grpc_base_fail(&x->b, rc, "cannot encode %zu spans: %s", n,
                                          otelc_strerror(rc));
    rc = otelc__otlp_grpc_base_send(&x->b, OTELC__GRPC_TRACES_PATH, "spans", deadline);
    if (rc == OTELC__OTLP_SPLIT_ME && n == 1)
        return otelc__otlp_grpc_base_fail(&x->b, OTELC_EREJECTED,
                                          "one span encodes to %zu bytes, over the request "
                                          "limit of %llu",
                                          x->b.body.len, (unsigned long long)x->b.max_request);
    return rc;
}

static int otlp_grpc_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct otlp_grpc *x = ud;
    deadline = otelc__otlp_grpc_base_begin(&x->b, deadline);
    if (x->b.shut)
        return OTELC_ESHUTDOWN;
    if (n == 0)
        return OTELC_OK;
    int rc = otelc__otlp_export_split(export_batch, x, spans, n, deadline);
    otelc__otlp_grpc_base_trim(&x->b);
    return rc;
}

static int otlp_grpc_shutdown(void *ud, uint64_t deadline)
{
    struct otlp_grpc *x = ud;
    (void)deadline;
    x->b.shut = 1;
    return OTELC_OK;
}

static void otlp_grpc_destroy(void *ud)
{
    struct otlp_grpc *x = ud;
    otelc__otlp_grpc_base_fini(&x->b);
    otelc__free(x);
}

/* The inherited connection is the parent's: closed here without a byte sent on it. */
static void otlp_grpc_after_fork(void *ud)
{
    struct otlp_grpc *x = ud;
    otelc__grpc_client_after_fork(x->b.client);
}

static const otelc_span_exporter_methods otlp_grpc_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = otlp_grpc_export,
    .shutdown = otlp_grpc_shutdown,
    .destroy = otlp_grpc_destroy,
    .after_fork = otlp_grpc_after_fork,
};

int otelc_otlp_grpc_exporter_new(otelc_span_exporter **out,
                                 const otelc_otlp_grpc_exporter_options *opt)
{
    if (!out)
        return OTELC_EINVAL;
    struct otlp_grpc *x = otelc__calloc(1, sizeof *x);
    if (!x)
        return OTELC_ENOMEM;
    int rc = otelc__otlp_grpc_base_init(&x->b, opt, "otlp/grpc exporter");
    if (rc == OTELC_OK)
        rc = otelc_span_exporter_new(out, &otlp_grpc_methods, x);
    if (rc != OTELC_OK) {
        otlp_grpc_destroy(x);
        return rc;
    }
    return OTELC_OK;
}

const char *otelc_otlp_grpc_exporter_last_error(const otelc_span_exporter *e)
{
    if (!e || otelc__span_exporter_methods(e) != &otlp_grpc_methods)
        return NULL;
    const struct otlp_grpc *x = otelc_span_exporter_user_data(e);
    return x->b.last_error;
}
