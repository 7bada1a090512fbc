/* SPDX-License-Identifier: Apache-2.0 */
/* A carrier for libevent's evhttp: wraps the headers of a received request as an otelc HTTP
 * header list, without copying them, so a propagator can extract from them. */
#ifndef OTELC_EXAMPLES_EVHTTP_HEADERS_H
#define OTELC_EXAMPLES_EVHTTP_HEADERS_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <otelc/otelc.h>
#include <string.h>

/* Points items[0..max) at req's headers (borrowed: valid while req lives) and returns a getter
 * over them; h must live as long as the getter is used. Headers past max are not seen. */
static inline otelc_carrier_getter evhttp_headers_getter(struct evhttp_request *req,
                                                         otelc_http_header *items, size_t max,
                                                         otelc_http_headers *h)
{
    size_t n = 0;
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    for (struct evkeyval *kv = in->tqh_first; kv && n < max; kv = kv->next.tqe_next) {
        items[n].name = kv->key;
        items[n].name_len = strlen(kv->key);
        items[n].value = kv->value;
        items[n].value_len = strlen(kv->value);
        n++;
    }
    otelc_http_headers_wrap(h, items, n);
    return otelc_http_headers_getter(h);
}

#endif
