/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the OTLP/gRPC exporter and its client: options and environment, endpoint and
 * metadata checks, and deadlines against servers that never answer (real sockets, local). */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"

#include "exporters/otlp_grpc/grpc_client.h"
#include "otelc/otlp_grpc.h"
#include "sdk/common/clock.h"

static const char *const env_vars[] = {
    "OTEL_EXPORTER_OTLP_ENDPOINT",     "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_INSECURE",     "OTEL_EXPORTER_OTLP_TRACES_INSECURE",
    "OTEL_EXPORTER_OTLP_HEADERS",      "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_EXPORTER_OTLP_COMPRESSION",  "OTEL_EXPORTER_OTLP_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_CLIENT_KEY",   "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
    "OTEL_EXPORTER_OTLP_PROTOCOL",     "OTELC_EXPORTER_OTLP_MAX_REQUEST_SIZE",
};

static int setup(void **state)
{
    for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
        unsetenv(env_vars[i]);
    tu_log_capture(OTELC_LOG_DEBUG);
    return 0;
}

static int teardown(void **state)
{
    tu_log_release();
    return setup(state) == 0 ? 0 : 1;
}

/* A span exporter's defaults: http://localhost:4317, 10 s, no compression, 4 MiB. */
static void test_otlp_grpc_options_defaults(void **state)
{
    (void)state;
    otelc_otlp_grpc_exporter_options o;
    otelc_otlp_grpc_exporter_options_init(&o);
    assert_int_equal(o.size, sizeof o);
    assert_null(o.endpoint);
    assert_int_equal(o.insecure, 0);
    assert_int_equal(o.timeout_ms, 10000);
    assert_int_equal(o.compression, OTELC_OTLP_COMPRESSION_NONE);
    assert_int_equal(o.max_request_bytes, 4u * 1024 * 1024);
    otelc_otlp_grpc_exporter_options_init(NULL);
}

/* The OTLP exporter specification's variables; TRACES_ ones win; the endpoint is used as is. */
static void test_otlp_grpc_options_from_env(void **state)
{
    (void)state;
    otelc_otlp_grpc_exporter_options o;
    setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4317", 1);
    setenv("OTEL_EXPORTER_OTLP_INSECURE", "true", 1);
    setenv("OTEL_EXPORTER_OTLP_HEADERS", "a=1", 1);
    setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "1234", 1);
    setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip", 1);
    setenv("OTEL_EXPORTER_OTLP_CERTIFICATE", "/ca.pem", 1);
    setenv("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "/c.pem", 1);
    setenv("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/k.pem", 1);
    setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", 1);
    otelc_otlp_grpc_exporter_options_init(&o);
    otelc_otlp_grpc_exporter_options_from_env(&o);
    assert_string_equal(o.endpoint, "http://base:4317");
    assert_int_equal(o.insecure, 1);
    assert_string_equal(o.headers, "a=1");
    assert_int_equal(o.timeout_ms, 1234);
    assert_int_equal(o.compression, OTELC_OTLP_COMPRESSION_GZIP);
    assert_string_equal(o.ca_file, "/ca.pem");
    assert_string_equal(o.client_cert_file, "/c.pem");
    assert_string_equal(o.client_key_file, "/k.pem");
    assert_int_equal(tu_log_count(), 0);

    setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4317", 1);
    setenv("OTEL_EXPORTER_OTLP_TRACES_INSECURE", "maybe", 1);
    setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli", 1);
    otelc_otlp_grpc_exporter_options_init(&o);
    otelc_otlp_grpc_exporter_options_from_env(&o);
    assert_string_equal(o.endpoint, "collector:4317");
    assert_int_equal(o.insecure, 0);
    assert_int_equal(o.compression, OTELC_OTLP_COMPRESSION_NONE);
    assert_true(tu_log_contains("OTEL_EXPORTER_OTLP_TRACES_INSECURE"));
    assert_true(tu_log_contains("brotli"));
    unsetenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    unsetenv("OTEL_EXPORTER_OTLP_TRACES_INSECURE");
}

static int make(const char *endpoint, const char *headers, otelc_span_exporter **e)
{
    otelc_otlp_grpc_exporter_options o;
    otelc_otlp_grpc_exporter_options_init(&o);
    o.endpoint = endpoint;
    o.headers = headers;
    o.insecure = 1;
    return otelc_otlp_grpc_exporter_new(e, &o);
}

/* Endpoints: http(s) URLs or host:port, IPv6 in brackets; no other scheme, no user
 * information, ports 1 to 65535. */
static void test_otlp_grpc_endpoints(void **state)
{
    (void)state;
    static const char *const good[] = {"http://h:1", "h:4317", "http://[::1]:4317/ignored",
                                       "http://localhost", "[::1]"};
    static const char *const bad[] = {"ftp://h:1", "http://:1", "http://h:0", "http://h:65536",
                                      "http://u:p@h:1", "http://[::1", "http://[::1]x",
                                      "http://h:1x"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        otelc_span_exporter *e = NULL;
        assert_int_equal(make(good[i], NULL, &e), OTELC_OK);
        assert_string_equal(otelc_otlp_grpc_exporter_last_error(e), "");
        otelc_span_exporter_free(e);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        otelc_span_exporter *e = NULL;
        assert_int_equal(make(bad[i], NULL, &e), OTELC_EINVAL);
        assert_null(e);
    }
    assert_false(tu_log_contains("u:p"));
    assert_null(otelc_otlp_grpc_exporter_last_error(NULL));
}

/* Metadata: malformed lists and values are refused without showing values; names gRPC
 * reserves are skipped with a warning. */
static void test_otlp_grpc_bad_metadata(void **state)
{
    (void)state;
    static const char *const bad[] = {"novalue", "=v", "k=se%2", "k=a%0Db", "a b=c", "k:x=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        otelc_span_exporter *e = NULL;
        assert_int_equal(make("http://h:1", bad[i], &e), OTELC_EINVAL);
    }
    assert_false(tu_log_contains("se%2"));
    assert_false(tu_log_contains("a%0Db"));
    tu_log_clear();
    otelc_span_exporter *e = NULL;
    assert_int_equal(make("http://h:1", "Grpc-Timeout=1S,te=x,X-Key-Bin=%00%01,Auth=s3cret", &e),
                     OTELC_OK);
    assert_true(tu_log_contains("\"grpc-timeout\" is reserved"));
    assert_true(tu_log_contains("\"te\" is reserved"));
    assert_false(tu_log_contains("s3cret"));
    otelc_span_exporter_free(e);
}

/* TLS files that cannot be used fail at creation, naming the file. */
static void test_otlp_grpc_bad_tls_files(void **state)
{
    (void)state;
    otelc_otlp_grpc_exporter_options o;
    otelc_span_exporter *e = NULL;
    otelc_otlp_grpc_exporter_options_init(&o);
    o.endpoint = "https://h:1";
    o.ca_file = "/nonexistent/ca.pem";
    assert_int_equal(otelc_otlp_grpc_exporter_new(&e, &o), OTELC_EINVAL);
    assert_true(tu_log_contains("/nonexistent/ca.pem"));
    o.ca_file = NULL;
    o.client_cert_file = "/nonexistent/c.pem";
    assert_int_equal(otelc_otlp_grpc_exporter_new(&e, &o), OTELC_EINVAL);
    /* Cleartext needs no TLS files, and does not read them. */
    o.endpoint = "http://h:1";
    assert_int_equal(otelc_otlp_grpc_exporter_new(&e, &o), OTELC_OK);
    otelc_span_exporter_free(e);
}

/* A listening socket that never accepts: TCP connects, nothing is ever answered. */
static int silent_server(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A server that never answers holds a call no longer than its deadline: cleartext (the
 * answer never comes) and TLS (the handshake never ends). */
static void test_otlp_grpc_silent_server_deadline(void **state)
{
    (void)state;
    int port;
    int fd = silent_server(&port);
    static const char *const schemes[] = {"http", "https"};
    for (int i = 0; i < 2; i++) {
        char ep[64];
        struct otelc__grpc_client *c = NULL;
        struct otelc__grpc_client_config cfg;
        struct otelc__grpc_result r;
        char err[256];
        snprintf(ep, sizeof ep, "%s://127.0.0.1:%d", schemes[i], port);
        memset(&cfg, 0, sizeof cfg);
        cfg.endpoint = ep;
        assert_int_equal(otelc__grpc_client_new(&c, &cfg, err, sizeof err), OTELC_OK);
        otelc__grpc_result_init(&r);
        uint64_t t0 = otelc__mono_ns();
        int st = otelc__grpc_unary(c, OTELC__GRPC_TRACES_PATH, (const uint8_t *)"x", 1,
                                   t0 + 300 * 1000000ull, &r);
        uint64_t took = otelc__mono_ns() - t0;
        assert_int_equal(st, OTELC__GRPC_DEADLINE_EXCEEDED);
        assert_true(took >= 290 * 1000000ull);
        assert_true(took < 1000 * 1000000ull);
        otelc__grpc_result_free(&r);
        otelc__grpc_client_free(c);
    }
    close(fd);
}

/* Through the exporter: a silent server makes the export fail at its timeout, and a closed
 * port is UNAVAILABLE, retried until no time is left. */
static void test_otlp_grpc_export_failures(void **state)
{
    (void)state;
    int port;
    int fd = silent_server(&port);
    char ep[64];
    otelc_otlp_grpc_exporter_options o;
    otelc_span_exporter *e = NULL;
    otelc_tracer_provider *tp = tu_provider(NULL, NULL, NULL);
    otelc_tracer *t = otelc_tracer_provider_get_tracer(tp, "t", NULL, NULL, NULL, 0);
    otelc_span_end(otelc_span_start(t, "s", NULL));
    assert_int_equal(tu_spans_count(), 1);
    otelc_span *span = tu_span_at(0);

    snprintf(ep, sizeof ep, "http://127.0.0.1:%d", port);
    otelc_otlp_grpc_exporter_options_init(&o);
    o.endpoint = ep;
    o.timeout_ms = 400;
    assert_int_equal(otelc_otlp_grpc_exporter_new(&e, &o), OTELC_OK);
    uint64_t t0 = otelc__mono_ns();
    int rc = otelc_span_exporter_export(e, &span, 1, 0);
    assert_true(otelc__mono_ns() - t0 < 1500 * 1000000ull);
    assert_true(rc == OTELC_ETIMEDOUT || rc == OTELC_EREJECTED || rc == OTELC_ETRANSPORT);
    assert_non_null(strstr(otelc_otlp_grpc_exporter_last_error(e), "DEADLINE_EXCEEDED"));
    otelc_span_exporter_free(e);
    close(fd);

    /* The port is closed now. */
    o.timeout_ms = 1500;
    assert_int_equal(otelc_otlp_grpc_exporter_new(&e, &o), OTELC_OK);
    rc = otelc_span_exporter_export(e, &span, 1, 0);
    assert_int_equal(rc, OTELC_ETRANSPORT);
    const char *msg = otelc_otlp_grpc_exporter_last_error(e);
    assert_non_null(strstr(msg, "gRPC UNAVAILABLE from http://127.0.0.1:"));
    assert_non_null(strstr(msg, "no time left to retry after"));
    assert_int_equal(otelc_span_exporter_shutdown(e, 0), OTELC_OK);
    assert_int_equal(otelc_span_exporter_export(e, &span, 1, 0), OTELC_ESHUTDOWN);
    otelc_span_exporter_free(e);
    tu_spans_clear();
    otelc_tracer_provider_free(tp);
}

/* Every allocation of the exporter's creation can fail: an error, no leak. */
static void test_otlp_grpc_alloc_failures(void **state)
{
    (void)state;
    for (uint64_t n = 1; n < 500; n++) {
        otelc_span_exporter *e = NULL;
        tu_alloc_install(n);
        int rc = make("http://h:1", "a=1,b-bin=AAE", &e);
        otelc_span_exporter_free(e);
        int failed = tu_alloc_failed();
        int64_t live = tu_alloc_live();
        tu_alloc_uninstall();
        assert_int_equal(live, 0);
        if (!failed) {
            assert_int_equal(rc, OTELC_OK);
            break;
        }
        assert_int_equal(rc, OTELC_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_otlp_grpc_options_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_grpc_options_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_grpc_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_grpc_bad_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_grpc_bad_tls_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_grpc_silent_server_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_grpc_export_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_otlp_grpc_alloc_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
