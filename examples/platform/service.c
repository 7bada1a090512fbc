/* SPDX-License-Identifier: Apache-2.0 */
/* What every service process of the platform does the same way: read its settings from the
 * command line the launcher wrote, and set the SDK up and shut it down. */
#include <stdio.h>

#include "../cli.h"
#include "platform.h"

int platform_config_parse(int argc, char **argv, struct platform_config *cfg)
{
    *cfg = (struct platform_config){0, 0, 0, 1, 0};
    const struct cli_flag flags[] = {
        cli_num("--port", "N", &cfg->port, 1, 65535, "the port of the inherited socket"),
        cli_num("--worker-port", "N", &cfg->worker_port, 0, 65535, "the workers' port"),
        cli_num("--backend-port", "N", &cfg->backend_port, 0, 65535, "the backend's port"),
        cli_num("--workers", "N", &cfg->workers, 1, 64, "worker processes"),
        cli_switch("--access-log", &cfg->access_log, "a log line per request"),
    };
    if (cli_parse_flags(argc - 1, argv + 1, flags, sizeof flags / sizeof flags[0]) != CLI_OK) {
        fprintf(stderr, "%s: bad arguments from the launcher\n", argv[0]);
        return -1;
    }
    return 0;
}

otelc_sdk *platform_sdk_init(const char *role)
{
    otelc_sdk *sdk = NULL;
    int rc = otelc_sdk_init_from_env(&sdk);
    if (rc != OTELC_OK) {
        fprintf(stderr, "%s: cannot set up the SDK: %s\n", role, otelc_strerror(rc));
        return NULL;
    }
    return sdk;
}

int platform_sdk_shutdown(otelc_sdk *sdk, const char *role)
{
    int rc = otelc_sdk_shutdown(sdk, PLATFORM_FLUSH_MS);
    otelc_sdk_free(sdk);
    if (rc != OTELC_OK && rc != OTELC_ESHUTDOWN) {
        fprintf(stderr, "%s: shutdown: %s\n", role, otelc_strerror(rc));
        return 1;
    }
    return 0;
}

otelc_span *platform_server_span(otelc_tracer *tracer, const char *name,
                                 const otelc_context *parent, const otelc_attr *attrs, size_t n,
                                 const char *tenant)
{
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = parent;
    o.kind = OTELC_SPAN_KIND_SERVER;
    o.attrs = attrs;
    o.attr_count = n;
    otelc_span *span = otelc_span_start(tracer, name, &o);
    if (!tenant)
        tenant = otelc_baggage_get(otelc_context_get_baggage(parent), "tenant.id");
    otelc_span_set_attr_str(span, "tenant.id", tenant ? tenant : "unknown");
    return span;
}
