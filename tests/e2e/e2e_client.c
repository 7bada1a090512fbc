/* SPDX-License-Identifier: Apache-2.0 */
/* End-to-end test, first process: starts the trace, puts baggage in the context and calls the
 * middle service over HTTP (libcurl) with the context injected.
 *   e2e_client URL */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

#include "e2e_common.h"

/* The baggage the leaf must receive intact: a value needing percent-encoding and properties. */
static otelc_baggage *make_baggage(void)
{
    otelc_baggage *a = NULL, *b = NULL, *c = NULL;
    if (otelc_baggage_set(&a, NULL, "tenant", "acme", "ttl=30;region") != OTELC_OK ||
        otelc_baggage_set(&b, a, "user", "Zoë Smith, \"admin\"; 100%", NULL) != OTELC_OK ||
        otelc_baggage_set(&c, b, "request.id", "r-42", NULL) != OTELC_OK)
        e2e_die("cannot build the baggage");
    otelc_baggage_free(a);
    otelc_baggage_free(b);
    return c;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        e2e_die("usage: e2e_client URL");
    struct e2e_sdk sdk;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || e2e_sdk_init(&sdk, "e2e.client"))
        e2e_die("cannot initialise");

    otelc_baggage *bag = make_baggage();
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.kind = OTELC_SPAN_KIND_CLIENT;
    otelc_span *span = otelc_span_start(sdk.tracer, "e2e.client", &o);
    otelc_context *with_bag = otelc_context_with_baggage(NULL, bag);
    otelc_context *ctx = otelc_context_with_span(with_bag, span);

    otelc_http_headers out;
    otelc_http_headers_init(&out);
    otelc_carrier_setter setter = otelc_http_headers_setter(&out);
    if (otelc_propagator_inject(NULL, ctx, &setter) != OTELC_OK)
        e2e_die("inject failed");
    struct curl_slist *lines = NULL;
    for (size_t i = 0; i < out.count; i++) {
        char line[9000];
        snprintf(line, sizeof line, "%s: %s", out.items[i].name, out.items[i].value);
        lines = curl_slist_append(lines, line);
    }
    CURL *curl = curl_easy_init();
    long status = 0;
    curl_easy_setopt(curl, CURLOPT_URL, argv[1]);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "hello");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, lines);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    otelc_span_set_attr_int(span, "http.response.status_code", status);

    curl_easy_cleanup(curl);
    curl_slist_free_all(lines);
    otelc_http_headers_clear(&out);
    otelc_context_free(ctx);
    otelc_context_free(with_bag);
    otelc_baggage_free(bag);
    otelc_span_end(span);
    e2e_sdk_done(&sdk);
    curl_global_cleanup();
    if (rc != CURLE_OK || status != 200)
        e2e_die("the middle service did not answer 200");
    return 0;
}
