/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the traceparent parser. A value it accepts must write back as version 00 and
 * parse again to the same span context. */
#include <string.h>

#include "fuzz.h"
#include "otelc/otelc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    otelc_span_context sc, again;
    if (otelc_traceparent_parse((const char *)data, size, &sc) != OTELC_OK)
        return 0;
    FUZZ_CHECK(size >= 55);
    FUZZ_CHECK(otelc_span_context_is_valid(&sc));
    FUZZ_CHECK((sc.trace_flags & ~3u) == 0);
    char buf[OTELC_TRACEPARENT_SIZE];
    FUZZ_CHECK(otelc_traceparent_from_span_context(buf, &sc) == 55);
    FUZZ_CHECK(otelc_traceparent_parse(buf, 55, &again) == OTELC_OK);
    FUZZ_CHECK(memcmp(&sc, &again, sizeof sc) == 0);
    return 0;
}
