/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: arbitrary bytes as the server side of the gRPC client's HTTP/2 connection
 * (SETTINGS, HEADERS, DATA, trailers, resets, GOAWAY...), fed to the client session after it
 * sent one unary call, whole and then in small pieces, with no socket. Whatever arrives, the
 * call ends with a status, the kept message stays within its bound, and the RetryInfo and
 * partial_success readers take whatever the answer held. */
#include <string.h>

#include "exporters/otlp_grpc/grpc_reply.h"
#include "exporters/otlp_grpc/grpc_session.h"
#include "fuzz.h"

#define MAX_MESSAGE 4096

#define NV(n, v)                                                                              \
    {                                                                                         \
        (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1, NGHTTP2_NV_FLAG_NONE    \
    }

static const nghttp2_nv request[] = {
    NV(":method", "POST"),
    NV(":scheme", "http"),
    NV(":path", "/opentelemetry.proto.collector.trace.v1.TraceService/Export"),
    NV(":authority", "127.0.0.1:4317"),
    NV("te", "trailers"),
    NV("content-type", "application/grpc"),
    NV("grpc-timeout", "10S"),
};

static void drain(struct otelc__grpc_session *s)
{
    const uint8_t *d;
    for (int i = 0; i < 1000 && otelc__grpc_session_send(s, &d) > 0; i++)
        ;
}

/* One call answered by data, delivered in pieces of at most piece bytes (0: at once). */
static void one_call(const uint8_t *data, size_t size, size_t piece)
{
    struct otelc__grpc_session *s = NULL;
    struct otelc__grpc_result r;
    if (otelc__grpc_session_new(&s, MAX_MESSAGE) != 0)
        return;
    otelc__grpc_result_init(&r);
    static const uint8_t body[] = "\x0a\x00";
    if (otelc__grpc_session_submit(s, request, sizeof request / sizeof request[0], body, 2, 0) ==
        0) {
        drain(s);
        size_t off = 0;
        while (off < size) {
            size_t n = piece && size - off > piece ? piece : size - off;
            int rc = otelc__grpc_session_recv(s, data + off, n);
            drain(s);
            off += n;
            if (rc != 0)
                break;
        }
        int done = otelc__grpc_session_call_done(s);
        otelc__grpc_session_finish(s, OTELC__GRPC_DEADLINE_EXCEEDED, "deadline", &r);
        FUZZ_CHECK(r.status >= 0);
        FUZZ_CHECK(strlen(r.message) < sizeof r.message);
        FUZZ_CHECK(r.response.len <= MAX_MESSAGE);
        FUZZ_CHECK(done || !r.from_server);
        if (r.from_server) {
            uint64_t delay = 0;
            int64_t rejected = 0;
            const char *msg;
            size_t mlen = 0;
            if (otelc__grpc_retry_info((const uint8_t *)r.details.data, r.details.len,
                                       &delay) == 1)
                FUZZ_CHECK(delay <= 3600ull * 1000000000ull);
            if (otelc__grpc_partial_success((const uint8_t *)r.response.data, r.response.len,
                                            &rejected, &msg, &mlen) == 1)
                FUZZ_CHECK(mlen <= r.response.len);
        }
    }
    otelc__grpc_result_free(&r);
    otelc__grpc_session_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_call(data, size, 0);
    one_call(data, size, size > 0 ? 1 + data[0] % 13 : 1);
    return 0;
}
