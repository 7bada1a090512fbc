/* SPDX-License-Identifier: Apache-2.0 */
/* The console span exporter: one OTLP/JSON request per span and line, or trace trees, on a
 * stream or a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exporters/console/otlp_json.h"
#include "exporters/console/tree_format.h"
#include "otelc/exporters.h"
#include "sdk/common/alloc.h"
#include "sdk/common/buf.h"
#include "sdk/common/log_internal.h"

/* A buffer that grew past this for one huge span is given back after the export. */
#define KEEP_BUF_CAP (1024 * 1024)

struct console_exporter {
    FILE *stream;           /* NULL after shutdown of an owned file */
    int owns_stream;        /* opened from a path: closed by the exporter */
    struct otelc__buf line; /* reused between exports (never called concurrently) */
    struct otelc__tree *tree; /* the tree format's waiting spans; NULL in JSON format */
};

/* Writes one line with one write(2) where the stream has a descriptor, so lines of processes
 * sharing a pipe or an O_APPEND file never interleave (pipes keep writes of up to PIPE_BUF
 * bytes whole). Streams without one (fmemopen) go through stdio. Returns 0 or an errno. */
static int write_line(FILE *f, const char *p, size_t len)
{
    int fd = fileno(f);
    if (fd < 0)
        return fwrite(p, 1, len, f) == len ? 0 : (errno ? errno : EIO);
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int console_export(void *user_data, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct console_exporter *c = user_data;
    int rc = OTELC_OK, err = 0;

    if (!c->stream)
        return OTELC_ESHUTDOWN;
    /* What the program itself buffered on the stream goes out before our lines. */
    if (fflush(c->stream) != 0) {
        err = errno;
        rc = OTELC_EIO;
    }
    for (size_t i = 0; i < n && rc == OTELC_OK; i++) {
        otelc__buf_reset(&c->line);
        if (c->tree) {
            /* A span the tree cannot hold is counted there; the batch still succeeds. */
            otelc__tree_add(c->tree, spans[i], &c->line);
        } else {
            rc = otelc__otlp_json_encode_spans(&c->line, &spans[i], 1);
            otelc__buf_append_char(&c->line, '\n');
        }
        if (rc == OTELC_OK)
            rc = otelc__buf_status(&c->line);
        if (rc == OTELC_OK && c->line.len > 0 &&
            (err = write_line(c->stream, c->line.data, c->line.len)) != 0)
            rc = OTELC_EIO;
    }
    /* Flush what was written even after a failure, so no half batch lingers in the stream. */
    if (fflush(c->stream) != 0 && rc == OTELC_OK) {
        err = errno;
        rc = OTELC_EIO;
    }
    if (rc == OTELC_EIO)
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "console exporter: cannot write spans (errno %d)",
                             err);
    else if (rc == OTELC_ENOMEM)
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "console exporter: out of memory encoding a span");
    if (c->line.cap > KEEP_BUF_CAP)
        otelc__buf_free(&c->line);
    return rc;
}

/* Writes the trees still waiting for their roots, marked incomplete. */
static int flush_trees(struct console_exporter *c)
{
    if (!c->tree || !c->stream)
        return OTELC_OK;
    otelc__buf_reset(&c->line);
    otelc__tree_flush(c->tree, &c->line);
    int rc = otelc__buf_status(&c->line);
    if (rc == OTELC_OK && c->line.len > 0 && write_line(c->stream, c->line.data, c->line.len))
        rc = OTELC_EIO;
    return rc;
}

static int console_force_flush(void *user_data, uint64_t deadline)
{
    struct console_exporter *c = user_data;
    int rc = flush_trees(c);
    if (c->stream && fflush(c->stream) != 0)
        return OTELC_EIO;
    return rc;
}

/* Closes an owned file at shutdown so its descriptor is not held until the provider is freed. */
static int console_shutdown(void *user_data, uint64_t deadline)
{
    struct console_exporter *c = user_data;
    int rc = console_force_flush(c, deadline);
    uint64_t dropped = otelc__tree_dropped(c->tree);
    if (dropped > 0)
        otelc__log(OTELC_LOG_WARN, "console exporter: %llu spans left out of the trees (more "
                   "than %u spans or %u traces waited for their roots)",
                   (unsigned long long)dropped, OTELC__TREE_DEFAULT_MAX_SPANS,
                   OTELC__TREE_DEFAULT_MAX_TRACES);
    if (c->owns_stream && c->stream) {
        if (fclose(c->stream) != 0)
            rc = OTELC_EIO;
        c->stream = NULL;
    }
    return rc;
}

static void console_destroy(void *user_data)
{
    struct console_exporter *c = user_data;
    if (c->owns_stream && c->stream)
        fclose(c->stream);
    otelc__tree_free(c->tree);
    otelc__buf_free(&c->line);
    otelc__free(c);
}

static const otelc_span_exporter_methods console_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = console_export,
    .force_flush = console_force_flush,
    .shutdown = console_shutdown,
    .destroy = console_destroy,
};

void otelc_console_exporter_options_init(otelc_console_exporter_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
    opt->format = OTELC_CONSOLE_JSON;
}

/* Opens path for appending; the stream is closed by the exporter. */
static int open_path(const char *path, FILE **out)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        otelc__log(OTELC_LOG_ERROR, "console exporter: cannot open %s (errno %d)", path, errno);
        return OTELC_EIO;
    }
    FILE *f = fdopen(fd, "a");
    if (!f) {
        int err = errno;
        close(fd);
        otelc__log(OTELC_LOG_ERROR, "console exporter: cannot open %s (errno %d)", path, err);
        return err == ENOMEM ? OTELC_ENOMEM : OTELC_EIO;
    }
    *out = f;
    return OTELC_OK;
}

int otelc_console_exporter_new(otelc_span_exporter **out, const otelc_console_exporter_options *opt)
{
    otelc_console_exporter_options defaults;
    struct console_exporter *c;
    otelc_span_exporter *e = NULL;
    int rc;

    if (!out)
        return OTELC_EINVAL;
    if (!opt) {
        otelc_console_exporter_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->size < sizeof *opt ||
        (opt->format != OTELC_CONSOLE_JSON && opt->format != OTELC_CONSOLE_TREE))
        return OTELC_EINVAL;
    c = otelc__calloc(1, sizeof *c);
    if (!c)
        return OTELC_ENOMEM;
    otelc__buf_init(&c->line);
    if (opt->format == OTELC_CONSOLE_TREE) {
        rc = otelc__tree_new(&c->tree, NULL);
        if (rc != OTELC_OK)
            goto fail;
    }
    if (opt->path) {
        rc = open_path(opt->path, &c->stream);
        if (rc != OTELC_OK)
            goto fail;
        c->owns_stream = 1;
    } else {
        c->stream = opt->stream ? opt->stream : stdout;
    }
    rc = otelc_span_exporter_new(&e, &console_methods, c);
    if (rc != OTELC_OK)
        goto fail;
    *out = e;
    return OTELC_OK;

fail:
    console_destroy(c);
    return rc;
}
