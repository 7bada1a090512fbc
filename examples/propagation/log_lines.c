/* SPDX-License-Identifier: Apache-2.0 */
/* The current trace position in log lines and SQL statements, so logs and slow-query reports
 * can be joined with traces. Nothing here allocates. */
#include <otelc/otelc.h>
#include <stdio.h>
#include <string.h>

/* A log line that names the trace and span of the thread's current context. */
static void log_line(const char *msg)
{
    char tp[OTELC_TRACEPARENT_SIZE];
    otelc_traceparent_format(tp, NULL); /* "" outside any span */
    fprintf(stdout, "level=info traceparent=%s msg=\"%s\"\n", tp, msg);
}

/* A SQL statement with a sqlcommenter comment, which databases and their logs keep. */
static void run_query(char *sql, size_t cap, const char *stmt)
{
    char comment[OTELC_SQL_COMMENT_SIZE];
    otelc_sql_comment_format(comment, NULL);
    snprintf(sql, cap, "%s %s", stmt, comment);
}

int main(void)
{
    otelc_sdk *sdk;
    if (otelc_sdk_init_from_env(&sdk) != OTELC_OK)
        return 1;
    otelc_tracer *tracer = otelc_sdk_get_tracer(sdk, "example.logs", "1.0");
    otelc_span *span = otelc_span_start(tracer, "handle", NULL);
    otelc_context_token t = otelc_span_make_current(span);

    log_line("request accepted");
    char sql[256];
    run_query(sql, sizeof sql, "SELECT * FROM items WHERE id = 42");
    printf("%s\n", sql);

    otelc_context_detach(t);
    otelc_span_end(span);
    otelc_sdk_shutdown(sdk, 5000);
    otelc_sdk_free(sdk);
    return strstr(sql, "/*traceparent='00-") ? 0 : 1;
}
