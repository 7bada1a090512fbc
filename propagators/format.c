/* SPDX-License-Identifier: Apache-2.0 */
/* Rendering the current trace position for humans and databases: a `traceparent` for log
 * lines and a sqlcommenter comment for SQL statements. Neither allocates. */
#include <string.h>

#include "otelc/trace.h"
#include "propagator_internal.h"

/* The span of ctx, or of the calling thread's current context, read without a context object
 * being made. */
static otelc_span_context span_context_of(const otelc_context *ctx)
{
    otelc_span *s = ctx ? otelc_context_get_span(ctx) : otelc_span_current();
    return otelc_span_get_context(s);
}

OTELC_API size_t otelc_traceparent_format(char buf[OTELC_TRACEPARENT_SIZE],
                                          const otelc_context *ctx)
{
    otelc_span_context sc = span_context_of(ctx);
    return otelc_traceparent_from_span_context(buf, &sc);
}

OTELC_API size_t otelc_sql_comment_format(char buf[OTELC_SQL_COMMENT_SIZE],
                                          const otelc_context *ctx)
{
    /* sqlcommenter URL-encodes values; a traceparent holds only hex digits and '-', which
     * need none. */
    static const char head[] = "/*traceparent='";
    static const char tail[] = "'*/";
    if (!buf)
        return 0;
    otelc_span_context sc = span_context_of(ctx);
    char tp[OTELC_TRACEPARENT_SIZE];
    size_t n = otelc_traceparent_from_span_context(tp, &sc);
    if (n == 0) {
        buf[0] = '\0';
        return 0;
    }
    memcpy(buf, head, sizeof head - 1);
    memcpy(buf + sizeof head - 1, tp, n);
    memcpy(buf + sizeof head - 1 + n, tail, sizeof tail);
    return sizeof head - 1 + n + sizeof tail - 1;
}
