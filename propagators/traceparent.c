/* SPDX-License-Identifier: Apache-2.0 */
/* The W3C `traceparent` value: parsing by the Level 2 rules and writing version 00. Neither
 * allocates. */
#include <string.h>

#include "propagator_internal.h"

/* version "-" trace-id "-" parent-id "-" trace-flags: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
#define TP_LEN 55

OTELC_API int otelc_traceparent_parse(const char *s, size_t len, otelc_span_context *out)
{
    if (!out || (!s && len > 0))
        return OTELC_EINVAL;
    while (len > 0 && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len < TP_LEN)
        return OTELC_EPARSE;
    uint8_t version, flags;
    if (otelc__hex_decode(s, 1, &version) != 0 || version == 0xff)
        return OTELC_EPARSE;
    /* Version 00 is exactly 55 characters. A later version may append fields after a '-';
     * its first 55 characters are read as version 00. */
    if (version == 0 ? len != TP_LEN : (len > TP_LEN && s[TP_LEN] != '-'))
        return OTELC_EPARSE;
    if (s[2] != '-' || s[35] != '-' || s[52] != '-')
        return OTELC_EPARSE;
    otelc_span_context sc;
    memset(&sc, 0, sizeof sc);
    if (otelc__hex_decode(s + 3, 16, sc.trace_id) != 0 ||
        otelc__hex_decode(s + 36, 8, sc.span_id) != 0 || otelc__hex_decode(s + 53, 1, &flags) != 0)
        return OTELC_EPARSE;
    if (otelc__all_zero(sc.trace_id, 16) || otelc__all_zero(sc.span_id, 8))
        return OTELC_EPARSE;
    /* Flags this version does not define are ignored, so they are not kept either. */
    sc.trace_flags = flags & (OTELC_TRACE_FLAG_SAMPLED | OTELC_TRACE_FLAG_RANDOM);
    sc.is_remote = 1;
    *out = sc;
    return OTELC_OK;
}

OTELC_API size_t otelc_traceparent_from_span_context(char buf[OTELC_TRACEPARENT_SIZE],
                                                     const otelc_span_context *sc)
{
    if (!buf)
        return 0;
    if (!otelc_span_context_is_valid(sc)) {
        buf[0] = '\0';
        return 0;
    }
    uint8_t flags = sc->trace_flags & (OTELC_TRACE_FLAG_SAMPLED | OTELC_TRACE_FLAG_RANDOM);
    buf[0] = '0';
    buf[1] = '0';
    buf[2] = '-';
    otelc__hex_encode(buf + 3, sc->trace_id, 16);
    buf[35] = '-';
    otelc__hex_encode(buf + 36, sc->span_id, 8);
    buf[52] = '-';
    otelc__hex_encode(buf + 53, &flags, 1);
    buf[TP_LEN] = '\0';
    return TP_LEN;
}
