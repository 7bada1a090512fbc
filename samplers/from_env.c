/* SPDX-License-Identifier: Apache-2.0 */
/* The sampler that OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG describe. */
#include "sampler_internal.h"
#include "sdk/common/env.h"
#include "sdk/common/log_internal.h"

#define VAR_SAMPLER "OTEL_TRACES_SAMPLER"
#define VAR_ARG "OTEL_TRACES_SAMPLER_ARG"
/* The specification's default sampler. */
#define DEFAULT_NAME "parentbased_always_on"
/* The default of otelc_ratelimited: traces per second. */
#define DEFAULT_RATE 100u
/* Environment rates are whole traces per second; the API takes fractions too. */
#define MAX_RATE 1000000000u
/* A warning shows at most this many bytes of a rule string. */
#define QUOTE_MAX 64

static int make_default(otelc_sampler **out)
{
    const struct otelc__sampler_name *n =
        otelc__sampler_by_name(DEFAULT_NAME, sizeof DEFAULT_NAME - 1, OTELC__SAMPLER_IN_ENV);
    return n->make(out, 0);
}

/* Copies at most max bytes of src to dst (room for max + 4) with control and non-ASCII bytes
 * replaced by '?', and "..." when cut, so that a terminal shows the log line as it is. */
static void printable(char *dst, const char *src, size_t max)
{
    size_t i = 0;
    for (; src[i] && i < max; i++)
        dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
    memcpy(dst + i, src[i] ? "..." : "", src[i] ? 4 : 1);
}

/* otelc_rules: a bad or missing rule string gets one warning and the default sampler. */
static int rules_from_env(otelc_sampler **out)
{
    const char *spec = otelc__getenv(VAR_ARG);
    if (!spec) {
        otelc__log(OTELC_LOG_WARN,
                   "%s=otelc_rules needs a rule string in %s, which is unset; "
                   "using " DEFAULT_NAME,
                   VAR_SAMPLER, VAR_ARG);
        return make_default(out);
    }
    char err[160];
    int rc = otelc_sampler_rules_parse(out, spec, err, sizeof err);
    if (rc != OTELC_EPARSE)
        return rc;
    char q[QUOTE_MAX + 4];
    printable(q, spec, QUOTE_MAX);
    printable(err, err, sizeof err - 4); /* the message quotes pieces of the value */
    otelc__log(OTELC_LOG_WARN, "%s='%s' is not a rule string (%s); using " DEFAULT_NAME, VAR_ARG, q,
               err);
    return make_default(out);
}

int otelc__sampler_from_env(otelc_sampler **out)
{
    const struct otelc__sampler_name *table = otelc__sampler_names();
    const struct otelc__sampler_name *env[16];
    const char *choices[17];
    int n = 0, def = 0;
    for (const struct otelc__sampler_name *t = table; t->name && n < 16; t++) {
        if (!(t->where & OTELC__SAMPLER_IN_ENV))
            continue;
        if (strcmp(t->name, DEFAULT_NAME) == 0)
            def = n;
        env[n] = t;
        choices[n++] = t->name;
    }
    choices[n] = NULL;
    /* Unknown and unsupported names (jaeger_remote, xray, ...) get one warning naming the
     * value, and the default. */
    int i = otelc__env_choice(VAR_SAMPLER, choices, def);
    const struct otelc__sampler_name *s = env[i >= 0 && i < n ? i : def];
    switch (s->arg) {
    case OTELC__SAMPLER_ARG_RATIO:
        return s->make(out, otelc__env_ratio(VAR_ARG, 1.0));
    case OTELC__SAMPLER_ARG_RATE:
        return s->make(out, otelc__env_u32(VAR_ARG, DEFAULT_RATE, 1, MAX_RATE));
    case OTELC__SAMPLER_ARG_RULES:
        return rules_from_env(out);
    default:
        /* A sampler without an argument does not read OTEL_TRACES_SAMPLER_ARG at all. */
        return s->make(out, 0);
    }
}
