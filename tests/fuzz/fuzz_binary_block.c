/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the binary header block reader, and the writer fed with what it read. A block
 * it accepts must give each entry back, and written again must read back the same. */
#include <string.h>

#include "fuzz.h"
#include "otelc/otelc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    otelc_binary_block b;
    if (otelc_binary_block_parse(&b, data, size) != OTELC_OK)
        return 0;
    FUZZ_CHECK(b.count <= 255 && b.len == size);
    /* Walk the block by its documented format and look every entry up through the getter. */
    otelc_carrier_getter g = otelc_binary_block_getter(&b);
    static uint8_t out[70000];
    otelc_binary_block_writer w;
    otelc_binary_block_writer_init(&w, out, sizeof out);
    otelc_carrier_setter s = otelc_binary_block_writer_setter(&w);
    size_t off = 2;
    for (size_t i = 0; i < b.count; i++) {
        char name[256];
        size_t nl = data[off];
        memcpy(name, data + off + 1, nl);
        name[nl] = '\0';
        off += 1 + nl;
        size_t vl = (size_t)data[off] << 8 | data[off + 1];
        const char *v;
        size_t len;
        /* A NUL in a name ends it for the getter, so only names without one are looked up. */
        if (strlen(name) == nl) {
            FUZZ_CHECK(g.get(g.user_data, name, 0, &v, &len) == 1);
            FUZZ_CHECK(s.set(s.user_data, name, v, len) == OTELC_OK);
        }
        off += 2 + vl;
    }
    FUZZ_CHECK(off == size);
    otelc_binary_block again;
    FUZZ_CHECK(otelc_binary_block_parse(&again, out, w.len) == OTELC_OK);
    FUZZ_CHECK(again.count <= b.count);
    return 0;
}
