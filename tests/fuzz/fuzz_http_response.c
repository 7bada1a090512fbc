/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: arbitrary bytes as what an OTLP/HTTP receiver answers. The same bytes are read
 * as a 2xx body of the trace and the metrics services (protobuf, or JSON when they start with
 * `{`), as an error body's google.rpc.Status, and as a header line that may be a Retry-After
 * whose value is then parsed. Every message stays within its bound and holds no control byte;
 * a Retry-After value is a part of the line. */
#include <string.h>

#include "exporters/otlp/retry.h"
#include "exporters/otlp_http/http_response.h"
#include "fuzz.h"
#include "metrics_service.pb-c.h"
#include "trace_service.pb-c.h"

static void check_message(const char *msg, size_t cap)
{
    size_t n = strnlen(msg, cap);
    FUZZ_CHECK(n < cap);
    FUZZ_CHECK(n <= OTELC__HTTP_MESSAGE_MAX);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)msg[i] >= 0x20 && (unsigned char)msg[i] != 0x7f);
}

static void partial(const ProtobufCMessageDescriptor *d, const char *key, const char *body,
                    size_t len, size_t cap)
{
    char msg[OTELC__HTTP_MESSAGE_MAX + 1];
    uint64_t rejected = 7;
    int r = otelc__http_partial_success(d, key, body, len, &rejected, msg, cap);
    check_message(msg, cap);
    FUZZ_CHECK(r == (rejected != 0 || msg[0] != '\0'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    char msg[OTELC__HTTP_MESSAGE_MAX + 1];
    /* The message buffer's size comes from the input too, so short buffers are tried. */
    size_t cap = size > 0 ? 1 + data[0] % sizeof msg : sizeof msg;

    partial(&opentelemetry__proto__collector__trace__v1__export_trace_service_response__descriptor,
            "rejectedSpans", body, size, cap);
    partial(
        &opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__descriptor,
        "rejectedDataPoints", body, size, cap);
    otelc__http_status_message(body, size, msg, cap);
    check_message(msg, cap);

    char value[64];
    size_t vlen = otelc__http_retry_after_header(body, size, value, sizeof value);
    FUZZ_CHECK(vlen < sizeof value && vlen <= size);
    if (vlen > 0) {
        FUZZ_CHECK(memcmp(value, body + 12, vlen) == 0);
        uint64_t wait = 0;
        if (otelc__retry_after_parse(value, vlen, 1700000000, &wait) == 0)
            FUZZ_CHECK(wait < UINT64_MAX);
    }
    return 0;
}
