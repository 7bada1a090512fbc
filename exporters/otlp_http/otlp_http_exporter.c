/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/HTTP span exporter: http/protobuf or http/json POSTs on one reused libcurl handle,
 * with gzip, TLS, retries within the export deadline and decoded error answers. */
#include <curl/curl.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "exporters/console/otlp_json.h"
#include "exporters/otlp/gzip.h"
#include "exporters/otlp/otlp_common.h"
#include "exporters/otlp/otlp_env.h"
#include "exporters/otlp/otlp_proto.h"
#include "exporters/otlp/retry.h"
#include "google/rpc/status.pb-c.h"
#include "otelc/otlp.h"
#include "otelc/version.h"
#include "sdk/common/alloc.h"
#include "sdk/common/buf.h"
#include "sdk/common/clock.h"
#include "sdk/common/env.h"
#include "sdk/common/log_internal.h"
#include "sdk/trace/exporter_internal.h"
#include "trace_service.pb-c.h"

#define DEFAULT_BASE "http://localhost:4318"
#define TRACES_PATH "v1/traces"
#define DEFAULT_TIMEOUT_MS 10000u
/* The request size above which a batch is split (what collectors accept by default). */
#define DEFAULT_MAX_REQUEST (64ull * 1024 * 1024)
/* Response bodies are read up to this; the rest is discarded (a collector's answer is small). */
#define RESPONSE_CAP (64 * 1024)
/* Buffers that grew past this for one huge batch are given back after the export. */
#define KEEP_BUF_CAP (4 * 1024 * 1024)
/* Messages from the receiver are logged up to this many bytes. */
#define MESSAGE_MAX 200

struct otlp_http {
    char *url;
    char *url_shown; /* url without user information or query, for logs and errors */
    otelc_otlp_protocol protocol;
    otelc_otlp_compression compression;
    uint32_t timeout_ms;
    uint64_t max_request; /* encoded bytes above which a batch is split */
    char *ca_file, *cert_file, *key_file;
    int insecure;
    struct curl_slist *headers; /* Content-Type, Content-Encoding and the user's headers */
    CURL *curl;                 /* NULL until the first export, and after fork */
    int shut;
    struct otelc__buf body, gz, resp;
    char retry_after[64];
    size_t retry_after_len;
    char curl_err[CURL_ERROR_SIZE];
    char last_error[320];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void) { curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

/* Copies at most MESSAGE_MAX bytes of a receiver's text, making control bytes harmless. */
static void sanitize(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    if (n > MESSAGE_MAX)
        n = MESSAGE_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    dst[n] = '\0';
}

/* --- request headers --------------------------------------------------------------------- */

/* Adds one `key: value` line; a key or value that would break the header block is refused. */
static int add_header(struct curl_slist **list, const char *k, size_t klen, const char *v,
                      size_t vlen)
{
    for (size_t i = 0; i < klen; i++)
        if (k[i] == ':' || k[i] == '\r' || k[i] == '\n' || k[i] == ' ')
            return OTELC_EINVAL;
    for (size_t i = 0; i < vlen; i++)
        if (v[i] == '\r' || v[i] == '\n' || v[i] == '\0')
            return OTELC_EINVAL;
    char *line = otelc__malloc(klen + vlen + 3);
    if (!line)
        return OTELC_ENOMEM;
    /* `Key:` with nothing after the colon is how libcurl is told to leave a header out. */
    memcpy(line, k, klen);
    line[klen] = ':';
    line[klen + 1] = vlen ? ' ' : '\0';
    memcpy(line + klen + 2, v, vlen);
    line[klen + 2 + vlen] = '\0';
    struct curl_slist *l = curl_slist_append(*list, line);
    otelc__free(line);
    if (!l)
        return OTELC_ENOMEM;
    *list = l;
    return OTELC_OK;
}

static int user_header(const char *key, size_t klen, const char *val, size_t vlen, void *ud)
{
    struct curl_slist **list = ud;
    char *dec = otelc__malloc(vlen + 1);
    size_t dlen = 0;
    int rc;
    if (!dec)
        return OTELC_ENOMEM;
    rc = otelc__percent_decode(val, vlen, dec, &dlen);
    if (rc == OTELC_OK)
        rc = add_header(list, key, klen, dec, dlen);
    /* The value may be a credential: wipe the copy. */
    memset(dec, 0, vlen + 1);
    otelc__free(dec);
    return rc;
}

/* --- options ----------------------------------------------------------------------------- */

void otelc_otlp_http_exporter_options_init(otelc_otlp_http_exporter_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
    opt->protocol = OTELC_OTLP_HTTP_PROTOBUF;
    opt->compression = OTELC_OTLP_COMPRESSION_NONE;
    opt->timeout_ms = DEFAULT_TIMEOUT_MS;
    opt->max_request_bytes = DEFAULT_MAX_REQUEST;
}

void otelc_otlp_http_exporter_options_from_env(otelc_otlp_http_exporter_options *opt)
{
    static const char *const protocols[] = {"http/protobuf", "http/json", "grpc", NULL};
    const char *which, *v;

    if (!opt || opt->size < sizeof *opt)
        return;
    if ((v = otelc__getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) != NULL) {
        opt->endpoint = v;
    } else if ((v = otelc__getenv("OTEL_EXPORTER_OTLP_ENDPOINT")) != NULL) {
        opt->endpoint = NULL;
        opt->base_endpoint = v;
    }
    struct otelc__otlp_env_fields f = {&opt->headers,         &opt->ca_file,
                                       &opt->client_cert_file, &opt->client_key_file,
                                       &opt->timeout_ms,       &opt->compression,
                                       &opt->max_request_bytes};
    otelc__otlp_env_traces_settings(&f);
    if (OTELC__OTLP_TRACES_ENV("PROTOCOL", &which)) {
        int p = otelc__env_choice(which, protocols, -1);
        /* grpc selects the other exporter (otelc_otlp_grpc_exporter_new), not a setting of
         * this one: it leaves the protocol as it was. */
        if (p == 0 || p == 1)
            opt->protocol = p == 1 ? OTELC_OTLP_HTTP_JSON : OTELC_OTLP_HTTP_PROTOBUF;
    }
}

/* --- curl handle ------------------------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct otlp_http *x = ud;
    size_t n = size * nmemb;
    size_t room = x->resp.len < RESPONSE_CAP ? RESPONSE_CAP - x->resp.len : 0;
    /* Past the cap the rest is read and dropped, so the connection stays usable. */
    otelc__buf_append(&x->resp, p, n < room ? n : room);
    return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    struct otlp_http *x = ud;
    size_t n = size * nmemb;
    static const char name[] = "retry-after:";
    if (n > sizeof name - 1 && strncasecmp(p, name, sizeof name - 1) == 0) {
        const char *v = p + sizeof name - 1;
        size_t vlen = n - (sizeof name - 1);
        while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
            vlen--;
        if (vlen < sizeof x->retry_after) {
            memcpy(x->retry_after, v, vlen);
            x->retry_after_len = vlen;
        }
    }
    return n;
}

static int make_handle(struct otlp_http *x)
{
    CURL *c = curl_easy_init();
    CURLcode rc = CURLE_OK;
    if (!c)
        return OTELC_ENOMEM;
#define SET(opt, val)                                                                         \
    do {                                                                                      \
        if (rc == CURLE_OK)                                                                   \
            rc = curl_easy_setopt(c, opt, val);                                               \
    } while (0)
    SET(CURLOPT_URL, x->url);
    SET(CURLOPT_POST, 1L);
    SET(CURLOPT_HTTPHEADER, x->headers);
    SET(CURLOPT_USERAGENT, "OTel-OTLP-Exporter-C/" OTELC_VERSION_STRING " otelc");
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, x);
    SET(CURLOPT_ERRORBUFFER, x->curl_err);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    if (x->ca_file)
        SET(CURLOPT_CAINFO, x->ca_file);
    if (x->cert_file)
        SET(CURLOPT_SSLCERT, x->cert_file);
    if (x->key_file)
        SET(CURLOPT_SSLKEY, x->key_file);
    SET(CURLOPT_SSL_VERIFYPEER, x->insecure ? 0L : 1L);
    SET(CURLOPT_SSL_VERIFYHOST, x->insecure ? 0L : 2L);
#undef SET
    if (rc != CURLE_OK) {
        curl_easy_cleanup(c);
        snprintf(x->last_error, sizeof x->last_error, "cannot set up libcurl: %s",
                 curl_easy_strerror(rc));
        return rc == CURLE_OUT_OF_MEMORY ? OTELC_ENOMEM : OTELC_ETRANSPORT;
    }
    x->curl = c;
    return OTELC_OK;
}

/* --- request body ------------------------------------------------------------------------ */

/* --- response decoding ------------------------------------------------------------------- */

static void *pb_alloc(void *ud, size_t n) { return otelc__malloc(n); }

static void pb_free(void *ud, void *p) { otelc__free(p); }

static ProtobufCAllocator pb_allocator = {pb_alloc, pb_free, NULL};

/* Finds `"key"` followed by `:` in a JSON text and returns what follows the colon. A small
 * scanner, not a parser: enough for the two flat answers a collector sends. */
static const char *json_value(const char *s, size_t len, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i + klen + 2 <= len; i++) {
        if (s[i] != '"' || memcmp(s + i + 1, key, klen) != 0 || s[i + 1 + klen] != '"')
            continue;
        size_t j = i + klen + 2;
        while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
            j++;
        if (j < len && s[j] == ':') {
            j++;
            while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
                j++;
            return j < len ? s + j : NULL;
        }
    }
    return NULL;
}

/* A JSON string value of key, escapes other than \" and \\ left as they are. */
static void json_string(const char *s, size_t len, const char *key, char *out, size_t cap)
{
    const char *v = json_value(s, len, key);
    size_t o = 0;
    out[0] = '\0';
    if (!v || *v != '"')
        return;
    for (v++; v < s + len && *v != '"' && o + 1 < cap && o < MESSAGE_MAX; v++) {
        if (*v == '\\' && v + 1 < s + len)
            v++;
        unsigned char c = (unsigned char)*v;
        out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    out[o] = '\0';
}

/* A JSON integer (bare or, as OTLP/JSON writes int64, quoted) of key; 0 when absent. */
static uint64_t json_u64(const char *s, size_t len, const char *key)
{
    const char *v = json_value(s, len, key);
    uint64_t r = 0;
    if (!v)
        return 0;
    if (*v == '"')
        v++;
    size_t n = 0;
    while (v + n < s + len && v[n] >= '0' && v[n] <= '9' && n < 20)
        n++;
    if (n == 0 || otelc__parse_u64(v, n, &r) != 0)
        return 0;
    return r;
}

static int body_is_json(const struct otlp_http *x)
{
    for (size_t i = 0; i < x->resp.len; i++) {
        char c = x->resp.data[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return c == '{';
    }
    return 0;
}

/* Logs a partial success once; a 2xx answer is never retried. */
static void handle_success(struct otlp_http *x)
{
    uint64_t rejected = 0;
    char msg[MESSAGE_MAX + 1] = "";

    if (x->resp.len == 0)
        return;
    if (body_is_json(x)) {
        rejected = json_u64(x->resp.data, x->resp.len, "rejectedSpans");
        json_string(x->resp.data, x->resp.len, "errorMessage", msg, sizeof msg);
    } else {
        Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceResponse *r =
            opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
                &pb_allocator, x->resp.len, (const uint8_t *)x->resp.data);
        if (!r)
            return;
        if (r->partial_success) {
            rejected = (uint64_t)r->partial_success->rejected_spans;
            if (r->partial_success->error_message)
                sanitize(msg, sizeof msg, r->partial_success->error_message,
                         strlen(r->partial_success->error_message));
        }
        opentelemetry__proto__collector__trace__v1__export_trace_service_response__free_unpacked(
            r, &pb_allocator);
    }
    if (rejected > 0 || msg[0])
        otelc__log(OTELC_LOG_WARN,
                   "otlp/http exporter: partial success: %llu spans rejected: %s",
                   (unsigned long long)rejected, msg[0] ? msg : "(no message)");
}

/* The google.rpc.Status message of an error answer, or "" for none or garbage. */
static void status_message(struct otlp_http *x, char *msg, size_t cap)
{
    msg[0] = '\0';
    if (x->resp.len == 0)
        return;
    if (body_is_json(x)) {
        json_string(x->resp.data, x->resp.len, "message", msg, cap);
        return;
    }
    Google__Rpc__Status *st =
        google__rpc__status__unpack(&pb_allocator, x->resp.len, (const uint8_t *)x->resp.data);
    if (!st)
        return;
    if (st->message)
        sanitize(msg, cap, st->message, strlen(st->message));
    google__rpc__status__free_unpacked(st, &pb_allocator);
}

/* --- export ------------------------------------------------------------------------------ */

/* Transport failures worth another attempt: the receiver may be back soon. */
static int curl_retryable(CURLcode c)
{
    return c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST ||
           c == CURLE_SEND_ERROR || c == CURLE_RECV_ERROR || c == CURLE_GOT_NOTHING ||
           c == CURLE_PARTIAL_FILE || c == CURLE_OPERATION_TIMEDOUT;
}

static int fail(struct otlp_http *x, int rc)
{
    /* Throttled: a collector that is down for an hour must not fill the host's stderr; the
     * counters and otelc_otlp_http_exporter_last_error() keep the details. */
    OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "otlp/http exporter: export failed: %s", x->last_error);
    return rc;
}


static int export_batch(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct otlp_http *x = ud;
    struct otelc__retry retry;
    const struct otelc__buf *payload;
    int rc;

    otelc__buf_reset(&x->body);
    rc = x->protocol == OTELC_OTLP_HTTP_JSON ? otelc__otlp_json_encode_spans(&x->body, spans, n)
                                             : otelc__otlp_proto_encode_spans(&x->body, spans, n);
    if (rc == OTELC_OK)
        rc = otelc__buf_status(&x->body);
    if (rc == OTELC_OK && x->body.len > x->max_request) {
        if (n > 1) {
            rc = OTELC__OTLP_SPLIT_ME;
            goto out;
        }
        snprintf(x->last_error, sizeof x->last_error,
                 "one span encodes to %zu bytes, over the request limit of %llu", x->body.len,
                 (unsigned long long)x->max_request);
        rc = fail(x, OTELC_EREJECTED);
        goto out;
    }
    if (rc == OTELC_OK && x->compression == OTELC_OTLP_COMPRESSION_GZIP)
        rc = otelc__gzip(x->body.data, x->body.len, &x->gz);
    if (rc != OTELC_OK) {
        snprintf(x->last_error, sizeof x->last_error, "cannot encode %zu spans: %s", n,
                 otelc_strerror(rc));
        rc = fail(x, rc);
        goto out;
    }
    payload = x->compression == OTELC_OTLP_COMPRESSION_GZIP ? &x->gz : &x->body;
    if (!x->curl && (rc = make_handle(x)) != OTELC_OK) {
        rc = fail(x, rc);
        goto out;
    }

    otelc__retry_init(&retry);
    for (;;) {
        uint64_t now = otelc__mono_ns();
        long status = 0;
        uint64_t wait_after = 0, wait;
        if (now >= deadline) {
            rc = fail(x, OTELC_ETIMEDOUT);
            goto out;
        }
        uint64_t left_ms = (deadline - now + 999999) / 1000000;
        otelc__buf_reset(&x->resp);
        x->retry_after_len = 0;
        x->curl_err[0] = '\0';
        curl_easy_setopt(x->curl, CURLOPT_POSTFIELDS, payload->len ? payload->data : "");
        curl_easy_setopt(x->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)payload->len);
        curl_easy_setopt(x->curl, CURLOPT_TIMEOUT_MS, (long)left_ms);
        CURLcode cc = curl_easy_perform(x->curl);
        if (cc == CURLE_OK) {
            curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &status);
            if (status >= 200 && status < 300) {
                handle_success(x);
                rc = OTELC_OK;
                goto out;
            }
            char msg[MESSAGE_MAX + 1];
            status_message(x, msg, sizeof msg);
            snprintf(x->last_error, sizeof x->last_error, "HTTP %ld from %s%s%s", status,
                     x->url_shown, msg[0] ? ": " : "", msg);
            if (!otelc__retry_http_status_retryable(status)) {
                rc = fail(x, OTELC_EREJECTED);
                goto out;
            }
            if (x->retry_after_len > 0)
                otelc__retry_after_parse(x->retry_after, x->retry_after_len,
                                         (int64_t)time(NULL), &wait_after);
            rc = OTELC_EREJECTED;
        } else {
            /* libcurl's own messages name hosts and files, never headers or passwords. */
            snprintf(x->last_error, sizeof x->last_error, "%s: %s", x->url_shown,
                     x->curl_err[0] ? x->curl_err : curl_easy_strerror(cc));
            if (!curl_retryable(cc)) {
                rc = fail(x, cc == CURLE_OUT_OF_MEMORY ? OTELC_ENOMEM : OTELC_ETRANSPORT);
                goto out;
            }
            rc = OTELC_ETRANSPORT;
        }
        if (otelc__retry_next(&retry, wait_after, deadline, &wait) != 0) {
            size_t l = strlen(x->last_error);
            snprintf(x->last_error + l, sizeof x->last_error - l,
                     " (no time left to retry after %u attempts)", retry.attempt);
            rc = fail(x, rc == OTELC_ETRANSPORT ? OTELC_ETRANSPORT : OTELC_ETIMEDOUT);
            goto out;
        }
        otelc__retry_sleep(wait);
    }

out:
    if (x->body.cap > KEEP_BUF_CAP)
        otelc__buf_free(&x->body);
    if (x->gz.cap > KEEP_BUF_CAP)
        otelc__buf_free(&x->gz);
    return rc;
}

static int otlp_http_export(void *ud, otelc_span *const *spans, size_t n, uint64_t deadline)
{
    struct otlp_http *x = ud;
    x->last_error[0] = '\0';
    if (x->shut)
        return OTELC_ESHUTDOWN;
    if (n == 0)
        return OTELC_OK;
    uint64_t cap = otelc__deadline_ms(x->timeout_ms);
    if (deadline == 0 || deadline > cap)
        deadline = cap;
    return otelc__otlp_export_split(export_batch, x, spans, n, deadline);
}

static int otlp_http_shutdown(void *ud, uint64_t deadline)
{
    struct otlp_http *x = ud;
    x->shut = 1;
    return OTELC_OK;
}

static void otlp_http_destroy(void *ud)
{
    struct otlp_http *x = ud;
    if (x->curl)
        curl_easy_cleanup(x->curl);
    curl_slist_free_all(x->headers);
    otelc__free(x->url);
    otelc__free(x->url_shown);
    otelc__free(x->ca_file);
    otelc__free(x->cert_file);
    otelc__free(x->key_file);
    otelc__buf_free(&x->body);
    otelc__buf_free(&x->gz);
    otelc__buf_free(&x->resp);
    otelc__free(x);
}

/* In the child the inherited connection belongs to the parent: its descriptor is pointed at
 * /dev/null first, so closing the handle cannot send a TLS close or data on the parent's
 * connection; the next export connects afresh. */
static void otlp_http_after_fork(void *ud)
{
    struct otlp_http *x = ud;
    curl_socket_t s = CURL_SOCKET_BAD;
    if (!x->curl)
        return;
    if (curl_easy_getinfo(x->curl, CURLINFO_ACTIVESOCKET, &s) == CURLE_OK &&
        s != CURL_SOCKET_BAD) {
        int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (nul >= 0) {
            if (nul != s)
                dup3(nul, s, O_CLOEXEC);
            if (nul != s)
                close(nul);
        }
    }
    curl_easy_cleanup(x->curl);
    x->curl = NULL;
}

static const otelc_span_exporter_methods otlp_http_methods = {
    .version = OTELC_SPAN_EXPORTER_METHODS_VERSION,
    .export_spans = otlp_http_export,
    .shutdown = otlp_http_shutdown,
    .destroy = otlp_http_destroy,
    .after_fork = otlp_http_after_fork,
};

/* The traces URL: endpoint as is, or base with v1/traces appended after one '/'. */
static char *make_url(const otelc_otlp_http_exporter_options *opt)
{
    if (opt->endpoint)
        return otelc__strdup(opt->endpoint);
    const char *base = opt->base_endpoint ? opt->base_endpoint : DEFAULT_BASE;
    size_t blen = strlen(base);
    int slash = blen > 0 && base[blen - 1] == '/';
    char *u = otelc__malloc(blen + 1 + sizeof TRACES_PATH);
    if (!u)
        return NULL;
    memcpy(u, base, blen);
    if (!slash)
        u[blen++] = '/';
    memcpy(u + blen, TRACES_PATH, sizeof TRACES_PATH);
    return u;
}

/* The URL as logs may show it: user information (`user:password@`) and the query, which may
 * hold credentials, are left out. */
static char *make_shown_url(const char *url)
{
    const char *scheme_end = strstr(url, "://");
    const char *host = scheme_end ? scheme_end + 3 : url;
    size_t host_len = strcspn(host, "/?#");
    const char *at = memchr(host, '@', host_len);
    size_t prefix = (size_t)(host - url);
    if (at)
        host = at + 1;
    size_t rest = strcspn(host, "?#");
    char *u = otelc__malloc(prefix + rest + 1);
    if (!u)
        return NULL;
    memcpy(u, url, prefix);
    memcpy(u + prefix, host, rest);
    u[prefix + rest] = '\0';
    return u;
}

static int dup_opt(const char *s, char **out)
{
    *out = NULL;
    if (!s)
        return OTELC_OK;
    *out = otelc__strdup(s);
    return *out ? OTELC_OK : OTELC_ENOMEM;
}

int otelc_otlp_http_exporter_new(otelc_span_exporter **out,
                                 const otelc_otlp_http_exporter_options *opt)
{
    otelc_otlp_http_exporter_options defaults;
    struct otlp_http *x;
    int rc;

    if (!out)
        return OTELC_EINVAL;
    if (!opt) {
        otelc_otlp_http_exporter_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->size < sizeof *opt || (opt->protocol != OTELC_OTLP_HTTP_PROTOBUF &&
                                    opt->protocol != OTELC_OTLP_HTTP_JSON) ||
        (opt->compression != OTELC_OTLP_COMPRESSION_NONE &&
         opt->compression != OTELC_OTLP_COMPRESSION_GZIP))
        return OTELC_EINVAL;
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return curl_init_rc == CURLE_OUT_OF_MEMORY ? OTELC_ENOMEM : OTELC_ETRANSPORT;
    x = otelc__calloc(1, sizeof *x);
    if (!x)
        return OTELC_ENOMEM;
    otelc__buf_init(&x->body);
    otelc__buf_init(&x->gz);
    otelc__buf_init(&x->resp);
    x->protocol = opt->protocol;
    x->compression = opt->compression;
    x->timeout_ms = opt->timeout_ms ? opt->timeout_ms : DEFAULT_TIMEOUT_MS;
    x->max_request = opt->max_request_bytes ? opt->max_request_bytes : DEFAULT_MAX_REQUEST;
    x->insecure = opt->tls_insecure_skip_verify != 0;
    x->url = make_url(opt);
    if (x->url)
        x->url_shown = make_shown_url(x->url);
    rc = x->url && x->url_shown ? OTELC_OK : OTELC_ENOMEM;
    if (rc == OTELC_OK)
        rc = dup_opt(opt->ca_file, &x->ca_file);
    if (rc == OTELC_OK)
        rc = dup_opt(opt->client_cert_file, &x->cert_file);
    if (rc == OTELC_OK)
        rc = dup_opt(opt->client_key_file, &x->key_file);
    if (rc == OTELC_OK) {
        const char *ct = x->protocol == OTELC_OTLP_HTTP_JSON ? "application/json"
                                                             : "application/x-protobuf";
        rc = add_header(&x->headers, "Content-Type", 12, ct, strlen(ct));
    }
    if (rc == OTELC_OK && x->compression == OTELC_OTLP_COMPRESSION_GZIP)
        rc = add_header(&x->headers, "Content-Encoding", 16, "gzip", 4);
    /* No `Expect: 100-continue` round trip before large bodies. */
    if (rc == OTELC_OK)
        rc = add_header(&x->headers, "Expect", 6, "", 0);
    if (rc == OTELC_OK && opt->headers) {
        rc = otelc__parse_kv_list(opt->headers, strlen(opt->headers), user_header, &x->headers);
        if (rc == OTELC_EPARSE)
            rc = OTELC_EINVAL;
        if (rc == OTELC_EINVAL)
            otelc__log(OTELC_LOG_ERROR, "otlp/http exporter: malformed headers option "
                                        "(values not shown)");
    }
    if (rc == OTELC_OK)
        rc = otelc_span_exporter_new(out, &otlp_http_methods, x);
    if (rc != OTELC_OK) {
        otlp_http_destroy(x);
        return rc;
    }
    return OTELC_OK;
}

const char *otelc_otlp_http_exporter_last_error(const otelc_span_exporter *e)
{
    if (!e || otelc__span_exporter_methods(e) != &otlp_http_methods)
        return NULL;
    const struct otlp_http *x = otelc_span_exporter_user_data(e);
    return x->last_error;
}
