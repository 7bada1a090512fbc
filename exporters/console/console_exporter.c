/* SPDX-License-Identifier: Apache-2.0 */
/* The console span exporter: one OTLP/JSON request per span and line, or trace trees, on a
 * stream or a file. */
#include "exporters/console/console_stream.h"
#include "exporters/console/otlp_json.h"
#include "exporters/console/tree_format.h"
#include "otelc/exporters.h"
#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"

struct console_spans {
    struct otelc__console_stream *out;
    struct otelc__tree *tree; /* the tree format's waiting spans; NULL in JSON format */
    struct otelc__buf text;   /* the trees one export completes */
};

static int encode_span(struct otelc__buf *b, const void *ctx, size_t i)
{
    otelc_span *const *spans = ctx;
    return otelc__otlp_json_encode_spans(b, &spans[i], 1);
}

static int console_export(void *user_data, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct console_spans *c = user_data;
    (void)deadline;
    if (!c->tree)
        return otelc__console_stream_write(c->out, encode_span, spans, n, "spans");
    otelc__buf_reset(&c->text);
    /* A span the tree cannot hold is counted there; the batch still succeeds. */
    for (size_t i = 0; i < n; i++)
        otelc__tree_add(c->tree, spans[i], &c->text);
    int rc = otelc__console_stream_put(c->out, &c->text, "spans");
    otelc__buf_free(&c->text);
    return rc;
}

/* Writes the trees still waiting for their roots, marked incomplete. */
static int flush_trees(struct console_spans *c)
{
    if (!c->tree || !c->out->stream)
        return OTELC_OK;
    otelc__buf_reset(&c->text);
    otelc__tree_flush(c->tree, &c->text);
    int rc = otelc__console_stream_put(c->out, &c->text, "spans");
    otelc__buf_free(&c->text);
    return rc;
}

static int console_force_flush(void *user_data, uint64_t deadline)
{
    struct console_spans *c = user_data;
    int rc = flush_trees(c);
    int rf = otelc__console_stream_flush(c->out, deadline);
    return rc != OTELC_OK ? rc : rf;
}

static int console_shutdown(void *user_data, uint64_t deadline)
{
    struct console_spans *c = user_data;
    int rc = flush_trees(c);
    uint64_t dropped = otelc__tree_dropped(c->tree);
    if (dropped > 0)
        otelc__log(OTELC_LOG_WARN, "console exporter: %llu spans left out of the trees (more "
                   "than %u spans or %u traces waited for their roots)",
                   (unsigned long long)dropped, OTELC__TREE_DEFAULT_MAX_SPANS,
                   OTELC__TREE_DEFAULT_MAX_TRACES);
    int rs = otelc__console_stream_shutdown(c->out, deadline);
    return rc != OTELC_OK ? rc : rs;
}

static void console_destroy(void *user_data)
{
    struct console_spans *c = user_data;
    otelc__console_stream_free(c->out);
    otelc__tree_free(c->tree);
    otelc__buf_free(&c->text);
    otelc__free(c);
}

static const otelc_span_exporter_methods console_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = console_export,
    .force_flush = console_force_flush,
    .shutdown = console_shutdown,
    .destroy = console_destroy,
};

int otelc_console_exporter_new(otelc_span_exporter **out, const otelc_console_exporter_options *opt)
{
    if (!out)
        return OTELC_EINVAL;
    struct console_spans *c = otelc__calloc(1, sizeof *c);
    if (!c)
        return OTELC_ENOMEM;
    otelc__buf_init(&c->text);
    int rc = otelc__console_stream_new(&c->out, opt);
    if (rc == OTELC_OK && opt && opt->format == OTELC_CONSOLE_TREE)
        rc = otelc__tree_new(&c->tree, NULL);
    if (rc == OTELC_OK)
        rc = otelc_span_exporter_new(out, &console_methods, c);
    if (rc != OTELC_OK) {
        if (c->out)
            otelc__console_stream_free(c->out);
        otelc__tree_free(c->tree);
        otelc__free(c);
    }
    return rc;
}
