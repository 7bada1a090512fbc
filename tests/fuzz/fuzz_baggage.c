/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the W3C baggage header. What it accepts must stay within the limits, write
 * back within them, and read back to the same entries. */
#include <string.h>

#include "fuzz.h"
#include "otelc/otelc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    otelc_baggage *b = NULL;
    if (otelc_baggage_from_header(&b, (const char *)data, size) != OTELC_OK)
        return 0;
    size_t count = otelc_baggage_count(b);
    FUZZ_CHECK(count <= 64);
    static char out[8193];
    size_t n = otelc_baggage_to_header(b, out, sizeof out);
    FUZZ_CHECK(n <= 8192 && n == strlen(out));
    otelc_baggage *again = NULL;
    FUZZ_CHECK(otelc_baggage_from_header(&again, out, n) == OTELC_OK);
    /* Percent-encoding can make a member longer than it came in, so some may not fit; those
     * that come back are equal. */
    FUZZ_CHECK(otelc_baggage_count(again) <= count);
    otelc_baggage_entry e, f;
    for (size_t i = 0; otelc_baggage_entry_at(again, i, &e) == OTELC_OK; i++) {
        FUZZ_CHECK(otelc_baggage_get_entry(b, e.key, &f) == OTELC_OK);
        FUZZ_CHECK(e.value_len == f.value_len && memcmp(e.value, f.value, e.value_len) == 0);
        FUZZ_CHECK(strcmp(e.metadata, f.metadata) == 0);
    }
    otelc_baggage_free(again);
    otelc_baggage_free(b);
    return 0;
}
