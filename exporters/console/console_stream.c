/* SPDX-License-Identifier: Apache-2.0 */
/* The console exporters' output: one line per write(2) on a stream or an appended file. */
#include "exporters/console/console_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"

/* A buffer that grew past this for one huge line is given back after the export. */
#define KEEP_BUF_CAP (1024 * 1024)

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

int otelc__console_stream_write(struct otelc__console_stream *c, otelc__console_encode_fn encode,
                                const void *ctx, size_t n, const char *what)
{
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
        rc = encode(&c->line, ctx, i);
        otelc__buf_append_char(&c->line, '\n');
        if (rc == OTELC_OK)
            rc = otelc__buf_status(&c->line);
        if (rc == OTELC_OK && (err = write_line(c->stream, c->line.data, c->line.len)) != 0)
            rc = OTELC_EIO;
    }
    /* Flush what was written even after a failure, so no half batch lingers in the stream. */
    if (fflush(c->stream) != 0 && rc == OTELC_OK) {
        err = errno;
        rc = OTELC_EIO;
    }
    if (rc == OTELC_EIO)
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "console exporter: cannot write %s (errno %d)", what,
                             err);
    else if (rc == OTELC_ENOMEM)
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "console exporter: out of memory encoding %s", what);
    if (c->line.cap > KEEP_BUF_CAP)
        otelc__buf_free(&c->line);
    return rc;
}

int otelc__console_stream_put(struct otelc__console_stream *c, const struct otelc__buf *text,
                              const char *what)
{
    if (!c->stream)
        return OTELC_ESHUTDOWN;
    int rc = otelc__buf_status(text), err = 0;
    if (rc == OTELC_OK && text->len > 0) {
        if (fflush(c->stream) != 0 || (err = write_line(c->stream, text->data, text->len)) != 0 ||
            fflush(c->stream) != 0) {
            if (!err)
                err = errno;
            rc = OTELC_EIO;
        }
    }
    if (rc == OTELC_EIO)
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "console exporter: cannot write %s (errno %d)", what,
                             err);
    else if (rc == OTELC_ENOMEM)
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "console exporter: out of memory encoding %s", what);
    return rc;
}

int otelc__console_stream_flush(void *ud, uint64_t deadline)
{
    struct otelc__console_stream *c = ud;
    if (c->stream && fflush(c->stream) != 0)
        return OTELC_EIO;
    return OTELC_OK;
}

int otelc__console_stream_shutdown(void *ud, uint64_t deadline)
{
    struct otelc__console_stream *c = ud;
    int rc = otelc__console_stream_flush(c, deadline);
    if (c->owns_stream && c->stream) {
        if (fclose(c->stream) != 0)
            rc = OTELC_EIO;
        c->stream = NULL;
    }
    return rc;
}

void otelc__console_stream_free(void *ud)
{
    struct otelc__console_stream *c = ud;
    if (c->owns_stream && c->stream)
        fclose(c->stream);
    otelc__buf_free(&c->line);
    otelc__free(c);
}

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

int otelc__console_stream_new(struct otelc__console_stream **out,
                              const otelc_console_exporter_options *opt)
{
    otelc_console_exporter_options defaults;
    struct otelc__console_stream *c;
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
    if (opt->path) {
        int rc = open_path(opt->path, &c->stream);
        if (rc != OTELC_OK) {
            otelc__free(c);
            return rc;
        }
        c->owns_stream = 1;
    } else {
        c->stream = opt->stream ? opt->stream : stdout;
    }
    *out = c;
    return OTELC_OK;
}
