/* SPDX-License-Identifier: Apache-2.0 */
/* Stitches per-process tree blocks into whole traces: a block whose header names a parent
 * span goes under the line of that span, re-indented, with the columns after the name kept. */
#include "stitch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The tree format's columns (exporters/console/tree_format.h): the name column, the kind
 * column, and the span column ("#" and 8 hex digits). */
#define NAME_WIDTH 44
#define KIND_WIDTH 10
#define SPAN_COLUMN 86
#define MAX_INDENT 16
#define LINE_MAX_BYTES 4096

struct fragment {
    struct fragment *next;
    char parent[17]; /* the remote parent's span id; "" for the trace's root block */
    int used;        /* written in the current render */
    char **lines;
    size_t n, cap;
};

struct trace {
    struct trace *next;
    char id[33];
    struct fragment *frags;
};

struct stitcher {
    FILE *out;
    char line[LINE_MAX_BYTES];
    size_t line_len;
    struct trace *traces;
    struct trace *cur;     /* the trace of the block being read */
    struct fragment *frag; /* the block being read; NULL outside blocks */
    size_t written;
};

struct stitcher *stitch_new(FILE *out)
{
    struct stitcher *s = calloc(1, sizeof *s);
    if (s)
        s->out = out;
    return s;
}

static void fragment_free(struct fragment *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->lines[i]);
    free(f->lines);
    free(f);
}

static void trace_free(struct trace *t)
{
    while (t->frags) {
        struct fragment *f = t->frags;
        t->frags = f->next;
        fragment_free(f);
    }
    free(t);
}

/* ---- reading lines --------------------------------------------------------------------- */

/* The span id prefix of a span line (8 hex digits), or NULL. */
static const char *line_id(const char *line)
{
    size_t len = strlen(line);
    return len >= SPAN_COLUMN + 9 && line[SPAN_COLUMN] == '#' ? line + SPAN_COLUMN + 1 : NULL;
}

/* 1 when the span's kind calls another process (client or producer). */
static int line_calls_out(const char *line)
{
    return strlen(line) > NAME_WIDTH + KIND_WIDTH &&
           (strncmp(line + NAME_WIDTH, "client ", 7) == 0 ||
            strncmp(line + NAME_WIDTH, "producer ", 9) == 0);
}

static struct trace *find_trace(struct stitcher *s, const char *id, int create)
{
    for (struct trace *t = s->traces; t; t = t->next)
        if (strcmp(t->id, id) == 0)
            return t;
    if (!create)
        return NULL;
    struct trace *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    memcpy(t->id, id, 32);
    t->next = s->traces;
    s->traces = t;
    return t;
}

/* A header `trace <32 hex>[ parent <16 hex>][ incomplete]` starts a block. */
static int begin_block(struct stitcher *s, const char *line)
{
    if (strncmp(line, "trace ", 6) != 0 || strspn(line + 6, "0123456789abcdef") != 32)
        return 0;
    char id[33];
    memcpy(id, line + 6, 32);
    id[32] = '\0';
    struct trace *t = find_trace(s, id, 1);
    struct fragment *f = t ? calloc(1, sizeof *f) : NULL;
    if (!f)
        return 0; /* out of memory: the block passes through as text */
    const char *p = line + 38;
    if (strncmp(p, " parent ", 8) == 0 && strspn(p + 8, "0123456789abcdef") == 16)
        memcpy(f->parent, p + 8, 16);
    f->next = t->frags;
    t->frags = f;
    s->cur = t;
    s->frag = f;
    return 1;
}

static void add_line(struct fragment *f, const char *line)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 8;
        char **lines = realloc(f->lines, cap * sizeof *lines);
        if (!lines)
            return;
        f->lines = lines;
        f->cap = cap;
    }
    char *copy = strdup(line);
    if (copy)
        f->lines[f->n++] = copy;
}

/* ---- writing whole traces -------------------------------------------------------------- */

/* Writes a span line at depth: the name re-indented in its column, the rest as it was. */
static void write_line(FILE *out, const char *line, unsigned depth)
{
    size_t skip = strspn(line, " ");
    size_t end = NAME_WIDTH;
    while (end > skip && line[end - 1] == ' ')
        end--;
    char col[NAME_WIDTH + 1];
    unsigned indent = 2 * (depth < MAX_INDENT ? depth : MAX_INDENT);
    size_t name_len = end > skip ? end - skip : 0;
    memset(col, ' ', NAME_WIDTH);
    col[NAME_WIDTH] = '\0';
    if (indent + name_len > NAME_WIDTH) {
        size_t keep = NAME_WIDTH - indent - 3;
        while (keep > 0 && ((unsigned char)line[skip + keep] & 0xc0) == 0x80)
            keep--; /* do not cut a character in two */
        memcpy(col + indent, line + skip, keep);
        memcpy(col + indent + keep, "...", 3);
    } else {
        memcpy(col + indent, line + skip, name_len);
    }
    fprintf(out, "%s%s\n", col, line + NAME_WIDTH);
}

static void write_fragment(struct stitcher *s, struct trace *t, struct fragment *f,
                           unsigned base)
{
    f->used = 1;
    /* Blocks arrive newest first; their lines are in order. */
    for (size_t i = 0; i < f->n; i++) {
        const char *line = f->lines[i];
        unsigned depth = base + (unsigned)(strspn(line, " ") / 2);
        write_line(s->out, line, depth);
        const char *id = line_id(line);
        if (!id)
            continue;
        for (struct fragment *g = t->frags; g; g = g->next)
            if (!g->used && strncmp(g->parent, id, 8) == 0)
                write_fragment(s, t, g, depth + 1);
    }
}

/* 1 when every client span of the trace has its remote block, and the root block came. */
static int trace_complete(const struct trace *t)
{
    int root = 0;
    for (const struct fragment *f = t->frags; f; f = f->next) {
        root |= f->parent[0] == '\0';
        for (size_t i = 0; i < f->n; i++) {
            const char *id = line_id(f->lines[i]);
            if (!id || !line_calls_out(f->lines[i]))
                continue;
            const struct fragment *g = t->frags;
            while (g && strncmp(g->parent, id, 8) != 0)
                g = g->next;
            if (!g)
                return 0;
        }
    }
    return root;
}

static void write_trace(struct stitcher *s, struct trace *t, int incomplete)
{
    fprintf(s->out, "trace %s%s\n", t->id, incomplete ? " incomplete" : "");
    /* Roots first (oldest block first), then blocks whose parent never came. */
    for (int pass = 0; pass < 2; pass++) {
        struct fragment *order[256];
        size_t n = 0;
        for (struct fragment *f = t->frags; f && n < 256; f = f->next)
            order[n++] = f;
        while (n-- > 0)
            if (!order[n]->used && (pass == 1 || order[n]->parent[0] == '\0'))
                write_fragment(s, t, order[n], 0);
    }
    fputc('\n', s->out);
    fflush(s->out);
    s->written++;
}

static void unlink_trace(struct stitcher *s, struct trace *t)
{
    for (struct trace **pp = &s->traces; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            return;
        }
}

static void end_block(struct stitcher *s)
{
    struct trace *t = s->cur;
    s->frag = NULL;
    s->cur = NULL;
    if (t && trace_complete(t)) {
        write_trace(s, t, 0);
        unlink_trace(s, t);
        trace_free(t);
    }
}

static void take_line(struct stitcher *s, const char *line)
{
    if (s->frag) {
        if (line[0] == '\0')
            end_block(s);
        else
            add_line(s->frag, line);
    } else if (!begin_block(s, line)) {
        fprintf(s->out, "%s\n", line);
        fflush(s->out);
    }
}

void stitch_feed(struct stitcher *s, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n') {
            s->line[s->line_len] = '\0';
            take_line(s, s->line);
            s->line_len = 0;
        } else if (s->line_len < sizeof s->line - 1) {
            s->line[s->line_len++] = data[i];
        }
    }
}

size_t stitch_finish(struct stitcher *s)
{
    if (s->line_len > 0)
        stitch_feed(s, "\n", 1);
    if (s->frag)
        end_block(s);
    /* Oldest first: the list holds the newest trace first. */
    while (s->traces) {
        struct trace *t = s->traces, *prev = NULL;
        while (t->next) {
            prev = t;
            t = t->next;
        }
        write_trace(s, t, !trace_complete(t));
        if (prev)
            prev->next = NULL;
        else
            s->traces = NULL;
        trace_free(t);
    }
    size_t written = s->written;
    free(s);
    return written;
}
