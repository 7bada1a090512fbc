/* SPDX-License-Identifier: Apache-2.0 */
/* The OTLP/HTTP transport shared by the span and metric exporters: POSTs on one reused libcurl
 * handle, with gzip, TLS, retries within the export deadline and decoded error answers. */
#include "exporters/otlp_http/http_transport.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exporters/otlp/gzip.h"
#include "exporters/otlp/retry.h"
#include "exporters/otlp_http/http_response.h"
#include "otelc/version.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/env.h"

#define DEFAULT_BASE "http://localhost:4318"
#define DEFAULT_TIMEOUT_MS 10000u
/* The request size above which a batch is split (what collectors accept by default). */
#define DEFAULT_MAX_REQUEST (64ull * 1024 * 1024)
/* Response bodies are read up to this; the rest is discarded (a collector's answer is small). */
#define RESPONSE_CAP (64 * 1024)
/* Buffers that grew past this for one huge batch are given back after the export. */
#define KEEP_BUF_CAP (4 * 1024 * 1024)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
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

/* --- curl handle ------------------------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct otelc__http_transport *t = ud;
    size_t n = size * nmemb;
    size_t room = t->resp.len < RESPONSE_CAP ? RESPONSE_CAP - t->resp.len : 0;
    /* Past the cap the rest is read and dropped, so the connection stays usable. */
    otelc__buf_append(&t->resp, p, n < room ? n : room);
    return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    struct otelc__http_transport *t = ud;
    size_t n = size * nmemb;
    size_t vlen = otelc__http_retry_after_header(p, n, t->retry_after, sizeof t->retry_after);
    if (vlen > 0)
        t->retry_after_len = vlen;
    return n;
}

static int make_handle(struct otelc__http_transport *t)
{
    CURL *c = curl_easy_init();
    CURLcode rc = CURLE_OK;
    if (!c)
        return OTELC_ENOMEM;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (rc == CURLE_OK)                                                                        \
            rc = curl_easy_setopt(c, opt, val);                                                    \
    } while (0)
    SET(CURLOPT_URL, t->url);
    SET(CURLOPT_POST, 1L);
    SET(CURLOPT_HTTPHEADER, t->headers);
    SET(CURLOPT_USERAGENT, "OTel-OTLP-Exporter-C/" OTELC_VERSION_STRING " otelc");
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, t);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, t);
    SET(CURLOPT_ERRORBUFFER, t->curl_err);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    if (t->ca_file)
        SET(CURLOPT_CAINFO, t->ca_file);
    if (t->cert_file)
        SET(CURLOPT_SSLCERT, t->cert_file);
    if (t->key_file)
        SET(CURLOPT_SSLKEY, t->key_file);
    SET(CURLOPT_SSL_VERIFYPEER, t->insecure ? 0L : 1L);
    SET(CURLOPT_SSL_VERIFYHOST, t->insecure ? 0L : 2L);
#undef SET
    if (rc != CURLE_OK) {
        curl_easy_cleanup(c);
        snprintf(t->last_error, sizeof t->last_error, "cannot set up libcurl: %s",
                 curl_easy_strerror(rc));
        return rc == CURLE_OUT_OF_MEMORY ? OTELC_ENOMEM : OTELC_ETRANSPORT;
    }
    t->curl = c;
    return OTELC_OK;
}

/* --- request body ------------------------------------------------------------------------ */

/* Compresses t->body into t->gz as one gzip member. */
static int gzip_body(struct otelc__http_transport *t)
{
    return otelc__gzip(t->body.data, t->body.len, &t->gz);
}

/* --- response handling ------------------------------------------------------------------ */

/* Counts and logs (throttled) a partial success; a 2xx answer is never retried. */
static void handle_success(struct otelc__http_transport *t)
{
    uint64_t rejected = 0;
    char msg[OTELC__HTTP_MESSAGE_MAX + 1] = "";

    if (!otelc__http_partial_success(t->signal->response, t->signal->json_rejected, t->resp.data,
                                     t->resp.len, &rejected, msg, sizeof msg))
        return;
    t->rejected += rejected;
    /* The total says how much the lines that the throttle suppressed were about. */
    otelc__log_throttled(&t->partial_log, OTELC_LOG_WARN,
                         "otlp/http exporter: partial success: %llu %s rejected: %s "
                         "(%llu rejected in all)",
                         (unsigned long long)rejected, t->signal->items,
                         msg[0] ? msg : "(no message)", (unsigned long long)t->rejected);
}

/* --- export ------------------------------------------------------------------------------ */

/* Transport failures worth another attempt: the receiver may be back soon. */
static int curl_retryable(CURLcode c)
{
    return c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST || c == CURLE_SEND_ERROR ||
           c == CURLE_RECV_ERROR || c == CURLE_GOT_NOTHING || c == CURLE_PARTIAL_FILE ||
           c == CURLE_OPERATION_TIMEDOUT;
}

static int fail(struct otelc__http_transport *t, int rc)
{
    /* Throttled: a collector that is down for an hour must not fill the host's stderr; the
     * counters and the exporter's last_error() keep the details. */
    otelc__log_throttled(&t->fail_log, OTELC_LOG_ERROR, "otlp/http exporter: export failed: %s",
                         t->last_error);
    return rc;
}

int otelc__http_transport_fail(struct otelc__http_transport *t, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->last_error, sizeof t->last_error, fmt, ap);
    va_end(ap);
    return fail(t, rc);
}

uint64_t otelc__http_transport_begin(struct otelc__http_transport *t, uint64_t deadline)
{
    uint64_t cap = otelc__deadline_ms(t->timeout_ms);
    t->last_error[0] = '\0';
    return deadline == 0 || deadline > cap ? cap : deadline;
}

/* One POST of payload, retried until deadline. */
static int post(struct otelc__http_transport *t, const struct otelc__buf *payload,
                uint64_t deadline)
{
    struct otelc__retry retry;
    int rc;

    otelc__retry_init(&retry);
    for (;;) {
        uint64_t now = otelc__mono_ns();
        long status = 0;
        uint64_t wait_after = 0, wait;
        if (now >= deadline)
            return fail(t, OTELC_ETIMEDOUT);
        uint64_t left_ms = (deadline - now + 999999) / 1000000;
        otelc__buf_reset(&t->resp);
        t->retry_after_len = 0;
        t->curl_err[0] = '\0';
        curl_easy_setopt(t->curl, CURLOPT_POSTFIELDS, payload->len ? payload->data : "");
        curl_easy_setopt(t->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)payload->len);
        curl_easy_setopt(t->curl, CURLOPT_TIMEOUT_MS, (long)left_ms);
        CURLcode cc = curl_easy_perform(t->curl);
        if (cc == CURLE_OK) {
            curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
            if (status >= 200 && status < 300) {
                handle_success(t);
                return OTELC_OK;
            }
            char msg[OTELC__HTTP_MESSAGE_MAX + 1];
            otelc__http_status_message(t->resp.data, t->resp.len, msg, sizeof msg);
            snprintf(t->last_error, sizeof t->last_error, "HTTP %ld from %s%s%s", status,
                     t->url_shown, msg[0] ? ": " : "", msg);
            if (!otelc__retry_http_status_retryable(status))
                return fail(t, OTELC_EREJECTED);
            if (t->retry_after_len > 0)
                otelc__retry_after_parse(t->retry_after, t->retry_after_len, (int64_t)time(NULL),
                                         &wait_after);
            rc = OTELC_EREJECTED;
        } else {
            /* libcurl's own messages name hosts and files, never headers or passwords. */
            snprintf(t->last_error, sizeof t->last_error, "%s: %s", t->url_shown,
                     t->curl_err[0] ? t->curl_err : curl_easy_strerror(cc));
            if (!curl_retryable(cc))
                return fail(t, cc == CURLE_OUT_OF_MEMORY ? OTELC_ENOMEM : OTELC_ETRANSPORT);
            rc = OTELC_ETRANSPORT;
        }
        if (otelc__retry_next(&retry, wait_after, deadline, &wait) != 0) {
            size_t l = strlen(t->last_error);
            snprintf(t->last_error + l, sizeof t->last_error - l,
                     " (no time left to retry after %u attempts)", retry.attempt);
            return fail(t, rc == OTELC_ETRANSPORT ? OTELC_ETRANSPORT : OTELC_ETIMEDOUT);
        }
        otelc__retry_sleep(wait);
    }
}

int otelc__http_transport_send(struct otelc__http_transport *t, uint64_t deadline)
{
    int rc = otelc__buf_status(&t->body);
    if (rc == OTELC_OK && t->body.len > t->max_request)
        return OTELC__HTTP_TOO_LARGE;
    if (rc == OTELC_OK && t->compression == OTELC_OTLP_COMPRESSION_GZIP)
        rc = gzip_body(t);
    if (rc != OTELC_OK)
        return otelc__http_transport_fail(t, rc, "cannot encode the %s: %s", t->signal->items,
                                          otelc_strerror(rc));
    if (!t->curl && (rc = make_handle(t)) != OTELC_OK)
        return fail(t, rc);
    return post(t, t->compression == OTELC_OTLP_COMPRESSION_GZIP ? &t->gz : &t->body, deadline);
}

void otelc__http_transport_trim(struct otelc__http_transport *t)
{
    if (t->body.cap > KEEP_BUF_CAP)
        otelc__buf_free(&t->body);
    if (t->gz.cap > KEEP_BUF_CAP)
        otelc__buf_free(&t->gz);
}

/* In the child the inherited connection belongs to the parent: its descriptor is pointed at
 * /dev/null first, so closing the handle cannot send a TLS close or data on the parent's
 * connection; the next export connects afresh. */
void otelc__http_transport_after_fork(struct otelc__http_transport *t)
{
    curl_socket_t s = CURL_SOCKET_BAD;
    if (!t->curl)
        return;
    if (curl_easy_getinfo(t->curl, CURLINFO_ACTIVESOCKET, &s) == CURLE_OK && s != CURL_SOCKET_BAD) {
        int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (nul >= 0) {
            if (nul != s)
                dup3(nul, s, O_CLOEXEC);
            if (nul != s)
                close(nul);
        }
    }
    curl_easy_cleanup(t->curl);
    t->curl = NULL;
}

/* --- set-up ------------------------------------------------------------------------------ */

/* The signal's URL: endpoint as is, or base with the signal's path appended after one '/'. */
static char *make_url(const otelc_otlp_http_exporter_options *opt, const char *path)
{
    if (opt->endpoint)
        return otelc__strdup(opt->endpoint);
    const char *base = opt->base_endpoint ? opt->base_endpoint : DEFAULT_BASE;
    size_t blen = strlen(base), plen = strlen(path);
    int slash = blen > 0 && base[blen - 1] == '/';
    char *u = otelc__malloc(blen + 1 + plen + 1);
    if (!u)
        return NULL;
    memcpy(u, base, blen);
    if (!slash)
        u[blen++] = '/';
    memcpy(u + blen, path, plen + 1);
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

static int add_headers(struct otelc__http_transport *t, const char *user)
{
    const char *ct =
        t->protocol == OTELC_OTLP_HTTP_JSON ? "application/json" : "application/x-protobuf";
    int rc = add_header(&t->headers, "Content-Type", 12, ct, strlen(ct));
    if (rc == OTELC_OK && t->compression == OTELC_OTLP_COMPRESSION_GZIP)
        rc = add_header(&t->headers, "Content-Encoding", 16, "gzip", 4);
    /* No `Expect: 100-continue` round trip before large bodies. */
    if (rc == OTELC_OK)
        rc = add_header(&t->headers, "Expect", 6, "", 0);
    if (rc == OTELC_OK && user) {
        rc = otelc__parse_kv_list(user, strlen(user), user_header, &t->headers);
        if (rc == OTELC_EPARSE)
            rc = OTELC_EINVAL;
        if (rc == OTELC_EINVAL)
            otelc__log(OTELC_LOG_ERROR, "otlp/http exporter: malformed headers option "
                                        "(values not shown)");
    }
    return rc;
}

int otelc__http_transport_init(struct otelc__http_transport *t,
                               const struct otelc__http_signal *signal,
                               const otelc_otlp_http_exporter_options *opt)
{
    int rc;
    if ((opt->protocol != OTELC_OTLP_HTTP_PROTOBUF && opt->protocol != OTELC_OTLP_HTTP_JSON) ||
        (opt->compression != OTELC_OTLP_COMPRESSION_NONE &&
         opt->compression != OTELC_OTLP_COMPRESSION_GZIP))
        return OTELC_EINVAL;
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return curl_init_rc == CURLE_OUT_OF_MEMORY ? OTELC_ENOMEM : OTELC_ETRANSPORT;
    memset(t, 0, sizeof *t);
    otelc__buf_init(&t->body);
    otelc__buf_init(&t->gz);
    otelc__buf_init(&t->resp);
    t->signal = signal;
    t->protocol = opt->protocol;
    t->compression = opt->compression;
    t->timeout_ms = opt->timeout_ms ? opt->timeout_ms : DEFAULT_TIMEOUT_MS;
    t->max_request = opt->max_request_bytes ? opt->max_request_bytes : DEFAULT_MAX_REQUEST;
    t->insecure = opt->tls_insecure_skip_verify != 0;
    t->url = make_url(opt, signal->path);
    if (t->url)
        t->url_shown = make_shown_url(t->url);
    rc = t->url && t->url_shown ? OTELC_OK : OTELC_ENOMEM;
    if (rc == OTELC_OK)
        rc = dup_opt(opt->ca_file, &t->ca_file);
    if (rc == OTELC_OK)
        rc = dup_opt(opt->client_cert_file, &t->cert_file);
    if (rc == OTELC_OK)
        rc = dup_opt(opt->client_key_file, &t->key_file);
    if (rc == OTELC_OK)
        rc = add_headers(t, opt->headers);
    if (rc != OTELC_OK)
        otelc__http_transport_fini(t);
    return rc;
}

void otelc__http_transport_fini(struct otelc__http_transport *t)
{
    if (t->curl)
        curl_easy_cleanup(t->curl);
    t->curl = NULL;
    curl_slist_free_all(t->headers);
    t->headers = NULL;
    otelc__free(t->url);
    otelc__free(t->url_shown);
    otelc__free(t->ca_file);
    otelc__free(t->cert_file);
    otelc__free(t->key_file);
    t->url = t->url_shown = t->ca_file = t->cert_file = t->key_file = NULL;
    otelc__buf_free(&t->body);
    otelc__buf_free(&t->gz);
    otelc__buf_free(&t->resp);
}
