/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: every parser of OTEL_* values. The first byte picks the parser, the rest is the
 * value (set in the environment for the readers that take a variable name). Each parser must
 * return a value in its documented range, or its default, and never read past the value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exporters/otlp/retry.h"
#include "fuzz.h"
#include "otelc/otelc.h"
#include "samplers/sampler_internal.h"
#include "sdk/common/env.h"

#define VAR "OTELC_FUZZ_VALUE"

struct kv_check {
    const char *start, *end;
    size_t members;
};

static int kv_member(const char *k, size_t klen, const char *v, size_t vlen, void *ud)
{
    struct kv_check *c = ud;
    FUZZ_CHECK(klen > 0);
    FUZZ_CHECK(k >= c->start && k + klen <= c->end);
    FUZZ_CHECK(v >= c->start && v + vlen <= c->end);
    c->members++;
    return 0;
}

static void env_readers(const char *value)
{
    static const char *const choices[] = {"cumulative", "delta", "lowmemory", NULL};
    setenv(VAR, value, 1);
    int b = otelc__env_bool(VAR, 7);
    FUZZ_CHECK(b == 0 || b == 1 || b == 7);
    uint32_t u = otelc__env_u32(VAR, 5, 1, 1000);
    FUZZ_CHECK(u == 5 || (u >= 1 && u <= 1000));
    uint64_t ms = otelc__env_ms(VAR, 30000, 0, 3600000);
    FUZZ_CHECK(ms <= 3600000);
    double r = otelc__env_ratio(VAR, 0.25);
    FUZZ_CHECK(r >= 0.0 && r <= 1.0 && !isnan(r));
    int c = otelc__env_choice(VAR, choices, -1);
    FUZZ_CHECK(c >= -1 && c <= 2);
    unsetenv(VAR);
}

static void direct_parsers(const char *value, size_t len)
{
    uint64_t u64;
    if (otelc__parse_u64(value, len, &u64) == 0)
        FUZZ_CHECK(len > 0 && value[0] >= '0' && value[0] <= '9');

    char *out = malloc(len + 1);
    if (!out)
        abort();
    size_t out_len = 0;
    if (otelc__percent_decode(value, len, out, &out_len) == OTELC_OK)
        FUZZ_CHECK(out_len <= len);
    free(out);

    struct kv_check kc = {value, value + len, 0};
    (void)otelc__parse_kv_list(value, len, kv_member, &kc);

    uint64_t wait = 0;
    if (otelc__retry_after_parse(value, len, 1700000000, &wait) == 0)
        FUZZ_CHECK(wait < UINT64_MAX);
}

/* Readers that build objects: the resource, samplers, propagators, limits, processor and
 * exporter options. Each must give a working object or fail cleanly, never crash. */
static void object_readers(unsigned which, const char *value)
{
    switch (which % 7) {
    case 0: {
        setenv("OTEL_RESOURCE_ATTRIBUTES", value, 1);
        otelc_resource *r = NULL;
        if (otelc_resource_default(&r) == OTELC_OK) {
            FUZZ_CHECK(otelc_resource_get(r, "service.name") != NULL);
            otelc_resource_free(r);
        }
        unsetenv("OTEL_RESOURCE_ATTRIBUTES");
        break;
    }
    case 1: {
        otelc_sampler *s = NULL;
        char err[128];
        if (otelc_sampler_rules_parse(&s, value, err, sizeof err) == OTELC_OK)
            otelc_sampler_free(s);
        break;
    }
    case 2: {
        /* "name\0arg" would end at the NUL: split at the first newline instead. */
        const char *nl = strchr(value, '\n');
        char name[64];
        size_t n = nl ? (size_t)(nl - value) : strlen(value);
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, value, n);
        name[n] = '\0';
        setenv("OTEL_TRACES_SAMPLER", name, 1);
        setenv("OTEL_TRACES_SAMPLER_ARG", nl ? nl + 1 : "", 1);
        otelc_sampler *s = NULL;
        FUZZ_CHECK(otelc__sampler_from_env(&s) == OTELC_OK && s);
        otelc_sampler_free(s);
        unsetenv("OTEL_TRACES_SAMPLER");
        unsetenv("OTEL_TRACES_SAMPLER_ARG");
        break;
    }
    case 3: {
        setenv("OTEL_PROPAGATORS", value, 1);
        otelc_propagator *p = NULL;
        if (otelc_propagators_from_env(&p) == OTELC_OK)
            otelc_propagator_free(p);
        unsetenv("OTEL_PROPAGATORS");
        break;
    }
    case 4: {
        setenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", value, 1);
        setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", value, 1);
        otelc_span_limits l;
        otelc_span_limits_init(&l);
        otelc_span_limits_from_env(&l);
        unsetenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT");
        unsetenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT");
        break;
    }
    case 5: {
        setenv("OTEL_BSP_MAX_QUEUE_SIZE", value, 1);
        setenv("OTEL_BSP_SCHEDULE_DELAY", value, 1);
        otelc_batch_span_processor_options o;
        otelc_batch_span_processor_options_init(&o);
        otelc_batch_span_processor_options_from_env(&o);
        FUZZ_CHECK(o.max_queue_size > 0 && o.max_export_batch_size > 0);
        FUZZ_CHECK(o.max_export_batch_size <= o.max_queue_size);
        unsetenv("OTEL_BSP_MAX_QUEUE_SIZE");
        unsetenv("OTEL_BSP_SCHEDULE_DELAY");
        break;
    }
    default: {
        setenv("OTEL_EXPORTER_OTLP_HEADERS", value, 1);
        setenv("OTEL_EXPORTER_OTLP_TIMEOUT", value, 1);
        setenv("OTEL_EXPORTER_OTLP_COMPRESSION", value, 1);
        setenv("OTEL_EXPORTER_OTLP_PROTOCOL", value, 1);
        otelc_otlp_http_exporter_options o;
        otelc_otlp_http_exporter_options_init(&o);
        otelc_otlp_http_exporter_options_from_env(&o);
        /* Validating the headers is part of creating the exporter. */
        otelc_span_exporter *e = NULL;
        if (otelc_otlp_http_exporter_new(&e, &o) == OTELC_OK)
            otelc_span_exporter_free(e);
        unsetenv("OTEL_EXPORTER_OTLP_HEADERS");
        unsetenv("OTEL_EXPORTER_OTLP_TIMEOUT");
        unsetenv("OTEL_EXPORTER_OTLP_COMPRESSION");
        unsetenv("OTEL_EXPORTER_OTLP_PROTOCOL");
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet) {
        otelc_log_set_level(OTELC_LOG_NONE); /* bad values warn; that is the point here */
        quiet = 1;
    }
    if (size < 1 || size > 4096)
        return 0;
    unsigned which = data[0];
    /* The value without its selector byte, NUL-terminated at its first NUL (what an
     * environment variable can hold) and also passed whole to the length-taking parsers. */
    char *value = malloc(size);
    if (!value)
        abort();
    memcpy(value, data + 1, size - 1);
    value[size - 1] = '\0';
    direct_parsers(value, size - 1);
    env_readers(value);
    object_readers(which, value);
    free(value);
    return 0;
}
