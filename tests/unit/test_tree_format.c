/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the console exporter's tree format: grouping by trace, the block written when a
 * local root ends, the fixed columns, limits, flushing and allocation failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "exporters/console/tree_format.h"
#include "otelc/carriers.h"
#include "otelc/exporters.h"
#include "sdk/common/alloc.h"

#define T0 1700000000000000000ull /* a start time, ns since the epoch */
#define MS 1000000ull

/* A provider whose ended spans land in a memory exporter, with service.name "shop". */
struct fixture {
    otelc_tracer_provider *tp;
    otelc_tracer *tracer;
    otelc_span_exporter *mem;
    otelc_span *ended[16]; /* what the memory exporter got, in order of ending */
    size_t n;
};

static void fixture_start(struct fixture *f)
{
    otelc_span_processor *proc;
    otelc_tracer_provider_options o;
    otelc_resource *res;
    otelc_attr a = otelc_attr_str("service.name", "shop");
    memset(f, 0, sizeof *f);
    assert_int_equal(otelc_resource_new(&res, &a, 1, NULL), OTELC_OK);
    assert_int_equal(otelc_memory_exporter_new(&f->mem), OTELC_OK);
    assert_int_equal(otelc_simple_span_processor_new(&proc, f->mem), OTELC_OK);
    otelc_tracer_provider_options_init(&o);
    o.processors = &proc;
    o.processor_count = 1;
    o.resource = res;
    assert_int_equal(otelc_tracer_provider_new(&f->tp, &o), OTELC_OK);
    otelc_resource_free(res);
    f->tracer = otelc_tracer_provider_get_tracer(f->tp, "test", NULL, NULL, NULL, 0);
}

/* Starts a span at T0 + start_ms under parent (NULL: a root). */
static otelc_span *start(struct fixture *f, const char *name, otelc_span *parent,
                         otelc_span_kind kind, uint64_t start_ms)
{
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent_span = parent;
    o.root = parent == NULL;
    o.kind = kind;
    o.start_time = T0 + start_ms * MS;
    return otelc_span_start(f->tracer, name, &o);
}

/* Ends s at T0 + end_ms and keeps the ended span for the test. */
static otelc_span *end(struct fixture *f, otelc_span *s, uint64_t end_ms)
{
    otelc_span_end_at(s, T0 + end_ms * MS);
    assert_int_equal(otelc_memory_exporter_count(f->mem), f->n + 1);
    f->ended[f->n] = otelc_memory_exporter_get(f->mem, f->n);
    return f->ended[f->n++];
}

static void fixture_stop(struct fixture *f)
{
    for (size_t i = 0; i < f->n; i++)
        otelc_span_release(f->ended[i]);
    otelc_tracer_provider_free(f->tp);
}

/* "#" and the first 8 hex digits of the span id. */
static const char *id8(otelc_span *s)
{
    static char buf[4][12];
    static int next;
    char *b = buf[next++ % 4];
    otelc_span_context sc = otelc_span_get_context(s);
    snprintf(b, 12, "#%02x%02x%02x%02x", sc.span_id[0], sc.span_id[1], sc.span_id[2],
             sc.span_id[3]);
    return b;
}

static const char *trace_hex(otelc_span *s)
{
    static char b[33];
    otelc_span_context sc = otelc_span_get_context(s);
    for (int i = 0; i < 16; i++)
        snprintf(b + 2 * i, 3, "%02x", sc.trace_id[i]);
    return b;
}

/* One span line as the format defines it (name column already indented by the caller). */
static void expect_line(char *out, size_t cap, const char *name_col, const char *kind,
                        const char *dur, const char *id, const char *status)
{
    snprintf(out, cap, "%-44s%-10s%10s  %-20s%s%s%s\n", name_col, kind, dur, "shop", id,
             status[0] ? "  " : "", status);
}

static struct otelc__tree *new_tree(uint32_t spans, uint32_t traces)
{
    struct otelc__tree *t;
    struct otelc__tree_limits lim = {spans, traces};
    assert_int_equal(otelc__tree_new(&t, &lim), OTELC_OK);
    return t;
}

/* Nothing is written until the local root ends; then the whole tree, depth first, children
 * in order of start time, one fixed-column line per span. */
static void test_tree_format_writes_tree_when_root_ends(void **state)
{
    struct fixture f;
    struct otelc__buf out;
    (void)state;
    fixture_start(&f);
    otelc_span *root = start(&f, "GET /items", NULL, OTELC_SPAN_KIND_SERVER, 0);
    otelc_span *late = start(&f, "late child", root, OTELC_SPAN_KIND_CLIENT, 5);
    otelc_span *early = start(&f, "early child", root, OTELC_SPAN_KIND_INTERNAL, 1);
    otelc_span *grand = start(&f, "grandchild", early, OTELC_SPAN_KIND_INTERNAL, 2);
    otelc_span_set_status(root, OTELC_STATUS_ERROR, "HTTP 502");
    otelc_span_set_status(early, OTELC_STATUS_OK, NULL);
    otelc_span *e_grand = end(&f, grand, 3);
    otelc_span *e_late = end(&f, late, 7);
    otelc_span *e_early = end(&f, early, 4);
    otelc_span *e_root = end(&f, root, 12346);

    struct otelc__tree *t = new_tree(16, 4);
    otelc__buf_init(&out);
    assert_int_equal(otelc__tree_add(t, e_grand, &out), OTELC_OK);
    assert_int_equal(otelc__tree_add(t, e_late, &out), OTELC_OK);
    assert_int_equal(otelc__tree_add(t, e_early, &out), OTELC_OK);
    assert_int_equal(out.len, 0);
    assert_int_equal(otelc__tree_add(t, e_root, &out), OTELC_OK);

    char expected[2048], line[256];
    snprintf(expected, sizeof expected, "trace %s\n", trace_hex(e_root));
    expect_line(line, sizeof line, "GET /items", "server", "12.35 s", id8(e_root),
                "error: HTTP 502");
    strcat(expected, line);
    expect_line(line, sizeof line, "  early child", "internal", "3.000 ms", id8(e_early), "ok");
    strcat(expected, line);
    expect_line(line, sizeof line, "    grandchild", "internal", "1.000 ms", id8(e_grand), "");
    strcat(expected, line);
    expect_line(line, sizeof line, "  late child", "client", "2.000 ms", id8(e_late), "");
    strcat(expected, line);
    strcat(expected, "\n");
    assert_string_equal(out.data, expected);

    /* Everything was forgotten: a flush writes nothing. */
    otelc__buf_reset(&out);
    otelc__tree_flush(t, &out);
    assert_int_equal(out.len, 0);
    otelc__buf_free(&out);
    otelc__tree_free(t);
    fixture_stop(&f);
}

/* Spans of different traces wait apart: each trace is written when its own root ends. */
static void test_tree_format_groups_by_trace(void **state)
{
    struct fixture f;
    struct otelc__buf out;
    (void)state;
    fixture_start(&f);
    otelc_span *a = start(&f, "a", NULL, OTELC_SPAN_KIND_SERVER, 0);
    otelc_span *b = start(&f, "b", NULL, OTELC_SPAN_KIND_SERVER, 0);
    otelc_span *a1 = start(&f, "a1", a, OTELC_SPAN_KIND_INTERNAL, 1);
    otelc_span *b1 = start(&f, "b1", b, OTELC_SPAN_KIND_INTERNAL, 1);
    otelc_span *e_a1 = end(&f, a1, 2), *e_b1 = end(&f, b1, 2);
    otelc_span *e_b = end(&f, b, 3), *e_a = end(&f, a, 4);

    struct otelc__tree *t = new_tree(16, 4);
    otelc__buf_init(&out);
    otelc__tree_add(t, e_a1, &out);
    otelc__tree_add(t, e_b1, &out);
    otelc__tree_add(t, e_b, &out);
    assert_non_null(strstr(out.data, trace_hex(e_b)));
    assert_non_null(strstr(out.data, id8(e_b1)));
    assert_null(strstr(out.data, id8(e_a1)));
    otelc__buf_reset(&out);
    otelc__tree_add(t, e_a, &out);
    assert_non_null(strstr(out.data, trace_hex(e_a)));
    assert_non_null(strstr(out.data, id8(e_a1)));
    assert_null(strstr(out.data, id8(e_b1)));
    otelc__buf_free(&out);
    otelc__tree_free(t);
    fixture_stop(&f);
}

/* A span whose parent came from another process is a local root: it is written at once,
 * and the header names the remote parent so that blocks can be stitched together. */
static void test_tree_format_remote_parent_is_local_root(void **state)
{
    struct fixture f;
    struct otelc__buf out;
    otelc_propagator *prop;
    otelc_context *parent = NULL;
    (void)state;
    fixture_start(&f);
    static const char tp[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    otelc_http_header h = {"traceparent", 11, tp, sizeof tp - 1};
    otelc_http_headers in;
    otelc_http_headers_wrap(&in, &h, 1);
    otelc_carrier_getter g = otelc_http_headers_getter(&in);
    assert_int_equal(otelc_propagator_tracecontext(&prop), OTELC_OK);
    assert_int_equal(otelc_propagator_extract(prop, NULL, &g, &parent), OTELC_OK);

    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent = parent;
    o.kind = OTELC_SPAN_KIND_SERVER;
    o.start_time = T0;
    otelc_span *s = otelc_span_start(f.tracer, "Worker/Process", &o);
    otelc_span *e = end(&f, s, 1);

    struct otelc__tree *t = new_tree(16, 4);
    otelc__buf_init(&out);
    assert_int_equal(otelc__tree_add(t, e, &out), OTELC_OK);
    char line[256];
    expect_line(line, sizeof line, "Worker/Process", "server", "1.000 ms", id8(e), "");
    char expected[512];
    snprintf(expected, sizeof expected,
             "trace 4bf92f3577b34da6a3ce929d0e0e4736 parent 00f067aa0ba902b7\n%s\n", line);
    assert_string_equal(out.data, expected);
    assert_int_equal(strncmp(out.data + strlen(out.data) - strlen(line) - 1 +
                                 OTELC__TREE_SPAN_COLUMN, id8(e), 9), 0);
    otelc__buf_free(&out);
    otelc__tree_free(t);
    otelc_context_free(parent);
    otelc_propagator_free(prop);
    fixture_stop(&f);
}

/* Control bytes never break a line; a long name is cut at a UTF-8 boundary with "...", so
 * the columns after it stay where they are. */
static void test_tree_format_keeps_columns_fixed(void **state)
{
    struct fixture f;
    struct otelc__buf out;
    (void)state;
    fixture_start(&f);
    /* 41 ASCII bytes, then a 2-byte character that straddles the cut at 41. */
    char longname[64];
    memset(longname, 'x', 40);
    memcpy(longname + 40, "\xc3\xa9tail with more", 17);
    otelc_span *root = start(&f, "bad\nname", NULL, OTELC_SPAN_KIND_SERVER, 0);
    otelc_span *child = start(&f, longname, root, OTELC_SPAN_KIND_PRODUCER, 0);
    otelc_span_set_status(root, OTELC_STATUS_ERROR, "line\none");
    otelc_span *e_child = end(&f, child, 1), *e_root = end(&f, root, 1);

    struct otelc__tree *t = new_tree(16, 4);
    otelc__buf_init(&out);
    otelc__tree_add(t, e_child, &out);
    otelc__tree_add(t, e_root, &out);
    char *first = strchr(out.data, '\n') + 1;
    char *second = strchr(first, '\n') + 1;
    assert_int_equal(strncmp(first, "bad?name   ", 11), 0);
    assert_non_null(strstr(first, "  error: line?one\n"));
    char cut[64];
    memset(cut, 'x', 39);
    snprintf(cut + 39, sizeof cut - 39, "...producer  ");
    assert_int_equal(strncmp(second, "  ", 2), 0);
    assert_int_equal(strncmp(second + 2, cut, strlen(cut)), 0);
    /* examples/platform/stitch.c reads the columns at these offsets. */
    assert_int_equal(OTELC__TREE_NAME_WIDTH, 44);
    assert_int_equal(OTELC__TREE_NAME_WIDTH + OTELC__TREE_KIND_WIDTH, 54);
    assert_int_equal(OTELC__TREE_SPAN_COLUMN, 86);
    assert_int_equal(strncmp(first + OTELC__TREE_SPAN_COLUMN, id8(e_root), 9), 0);
    assert_int_equal(strncmp(second + OTELC__TREE_SPAN_COLUMN, id8(e_child), 9), 0);
    otelc__buf_free(&out);
    otelc__tree_free(t);
    fixture_stop(&f);
}

/* A flush writes what waits, one block per local tree marked incomplete, and forgets it. */
static void test_tree_format_flush_writes_incomplete(void **state)
{
    struct fixture f;
    struct otelc__buf out;
    (void)state;
    fixture_start(&f);
    otelc_span *root = start(&f, "root", NULL, OTELC_SPAN_KIND_SERVER, 0);
    otelc_span *child = start(&f, "child", root, OTELC_SPAN_KIND_INTERNAL, 1);
    otelc_span *grand = start(&f, "grand", child, OTELC_SPAN_KIND_INTERNAL, 2);
    otelc_span *e_grand = end(&f, grand, 3), *e_child = end(&f, child, 4);

    struct otelc__tree *t = new_tree(16, 4);
    otelc__buf_init(&out);
    otelc__tree_add(t, e_grand, &out);
    otelc__tree_add(t, e_child, &out);
    assert_int_equal(out.len, 0);
    otelc__tree_flush(t, &out);
    char header[128];
    otelc_span_context rc = otelc_span_get_context(root);
    snprintf(header, sizeof header, "trace %s parent %02x%02x%02x%02x%02x%02x%02x%02x incomplete\n",
             trace_hex(e_child), rc.span_id[0], rc.span_id[1], rc.span_id[2], rc.span_id[3],
             rc.span_id[4], rc.span_id[5], rc.span_id[6], rc.span_id[7]);
    assert_int_equal(strncmp(out.data, header, strlen(header)), 0);
    /* One block: the child heads it, the grandchild under it. */
    assert_null(strstr(out.data + 1, "trace "));
    assert_non_null(strstr(out.data, "\n  grand "));
    otelc__buf_reset(&out);
    otelc__tree_flush(t, &out);
    assert_int_equal(out.len, 0);

    /* The root ends later, alone. */
    otelc__tree_add(t, end(&f, root, 5), &out);
    assert_int_equal(strncmp(out.data, "trace ", 6), 0);
    assert_null(strstr(out.data, "child"));
    otelc__buf_free(&out);
    otelc__tree_free(t);
    fixture_stop(&f);
}

/* Memory is bounded: spans past the span or trace limit are dropped and counted. */
static void test_tree_format_limits_drop_and_count(void **state)
{
    struct fixture f;
    struct otelc__buf out;
    (void)state;
    fixture_start(&f);
    otelc_span *r1 = start(&f, "r1", NULL, OTELC_SPAN_KIND_SERVER, 0);
    otelc_span *r2 = start(&f, "r2", NULL, OTELC_SPAN_KIND_SERVER, 0);
    otelc_span *c1 = start(&f, "c1", r1, OTELC_SPAN_KIND_INTERNAL, 0);
    otelc_span *c2 = start(&f, "c2", r1, OTELC_SPAN_KIND_INTERNAL, 0);
    otelc_span *c3 = start(&f, "c3", r2, OTELC_SPAN_KIND_INTERNAL, 0);
    otelc_span *e1 = end(&f, c1, 1), *e2 = end(&f, c2, 1), *e3 = end(&f, c3, 1);
    otelc_span *er1 = end(&f, r1, 2);
    end(&f, r2, 2);

    struct otelc__tree *t = new_tree(2, 1);
    otelc__buf_init(&out);
    assert_int_equal(otelc__tree_add(t, e1, &out), OTELC_OK);
    assert_int_equal(otelc__tree_add(t, e3, &out), OTELC_EFULL); /* a second trace */
    assert_int_equal(otelc__tree_add(t, e2, &out), OTELC_OK);
    assert_int_equal(otelc__tree_add(t, er1, &out), OTELC_EFULL); /* a third span */
    assert_int_equal(otelc__tree_dropped(t), 2);
    assert_int_equal(out.len, 0);
    otelc__tree_flush(t, &out);
    assert_non_null(strstr(out.data, id8(e1)));
    assert_non_null(strstr(out.data, id8(e2)));
    /* After the flush there is room again. */
    otelc__buf_reset(&out);
    assert_int_equal(otelc__tree_add(t, e3, &out), OTELC_OK);
    otelc__buf_free(&out);
    otelc__tree_free(t);
    struct otelc__tree_limits zero = {0, 1};
    assert_int_equal(otelc__tree_new(&t, &zero), OTELC_EINVAL);
    fixture_stop(&f);
}

/* Every allocation may fail: the span is dropped and counted, nothing leaks or crashes. */
static void test_tree_format_allocation_failures(void **state)
{
    struct fixture f;
    (void)state;
    fixture_start(&f);
    otelc_span *root = start(&f, "root", NULL, OTELC_SPAN_KIND_SERVER, 0);
    otelc_span *child = start(&f, "child", root, OTELC_SPAN_KIND_INTERNAL, 0);
    otelc_span *e_child = end(&f, child, 1), *e_root = end(&f, root, 2);
    for (uint64_t n = 1;; n++) {
        struct otelc__tree *t = NULL;
        struct otelc__buf out;
        otelc__buf_init(&out);
        tu_alloc_install(n);
        int rc = otelc__tree_new(&t, NULL);
        if (rc == OTELC_OK) {
            int a = otelc__tree_add(t, e_child, &out);
            int b = otelc__tree_add(t, e_root, &out);
            assert_true(a == OTELC_OK || a == OTELC_ENOMEM);
            assert_true(b == OTELC_OK || b == OTELC_ENOMEM);
            otelc__tree_flush(t, &out);
            otelc__tree_free(t);
        } else {
            assert_int_equal(rc, OTELC_ENOMEM);
        }
        otelc__buf_free(&out);
        int failed = tu_alloc_failed();
        tu_alloc_uninstall();
        assert_int_equal(tu_alloc_live(), 0);
        if (!failed)
            break;
    }
    fixture_stop(&f);
}

/* The console exporter in tree format writes blocks to its stream, and what still waits at
 * shutdown, marked incomplete. */
static void test_tree_format_console_exporter(void **state)
{
    otelc_console_exporter_options o;
    otelc_span_exporter *e;
    otelc_span_processor *proc;
    otelc_tracer_provider_options po;
    otelc_tracer_provider *tp;
    char text[4096];
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    otelc_console_exporter_options_init(&o);
    o.stream = f;
    o.format = OTELC_CONSOLE_TREE;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_OK);
    assert_int_equal(otelc_simple_span_processor_new(&proc, e), OTELC_OK);
    otelc_tracer_provider_options_init(&po);
    po.processors = &proc;
    po.processor_count = 1;
    assert_int_equal(otelc_tracer_provider_new(&tp, &po), OTELC_OK);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "test", NULL, NULL, NULL, 0);
    otelc_span *root = otelc_span_start(t, "root", NULL);
    otelc_span_options so;
    otelc_span_options_init(&so);
    so.parent_span = root;
    otelc_span_end(otelc_span_start(t, "child", &so));
    otelc_span *open_root = otelc_span_start(t, "never ends", NULL);
    otelc_span *orphan = otelc_span_start(t, "orphan", &(otelc_span_options){
        .size = sizeof so, .parent_span = open_root});
    otelc_span_end(orphan);
    otelc_span_end(root);
    ssize_t n = pread(fileno(f), text, sizeof text - 1, 0);
    assert_true(n > 0);
    text[n] = '\0';
    assert_non_null(strstr(text, "\nroot "));
    assert_non_null(strstr(text, "\n  child "));
    assert_null(strstr(text, "orphan"));
    otelc_tracer_provider_shutdown(tp, 1000);
    n = pread(fileno(f), text, sizeof text - 1, 0);
    text[n] = '\0';
    assert_non_null(strstr(text, " incomplete\norphan "));
    otelc_span_end(open_root);
    otelc_tracer_provider_free(tp);
    fclose(f);

    o.format = (otelc_console_format)7;
    assert_int_equal(otelc_console_exporter_new(&e, &o), OTELC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_format_writes_tree_when_root_ends),
        cmocka_unit_test(test_tree_format_groups_by_trace),
        cmocka_unit_test(test_tree_format_remote_parent_is_local_root),
        cmocka_unit_test(test_tree_format_keeps_columns_fixed),
        cmocka_unit_test(test_tree_format_flush_writes_incomplete),
        cmocka_unit_test(test_tree_format_limits_drop_and_count),
        cmocka_unit_test(test_tree_format_allocation_failures),
        cmocka_unit_test(test_tree_format_console_exporter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
