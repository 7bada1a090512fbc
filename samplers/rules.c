/* SPDX-License-Identifier: Apache-2.0 */
/* The rule-based sampler: ordered rules on span name, kind and start attributes, each naming a
 * delegate; the first match decides, a fallback (or DROP) decides the rest. */
#include <inttypes.h>
#include <stdio.h>

#include "sampler_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/trace/span_internal.h"

/* An attribute condition, kept as text plus the forms it takes for typed attributes. */
struct cond {
    char *key;
    char *text;
    size_t text_len;
    uint8_t has_bool, b, has_int, has_double;
    int64_t i;
    double d;
};

struct rule {
    char *name;        /* NULL: any name */
    uint8_t name_glob; /* the name holds a wildcard */
    uint32_t kinds;    /* 0: any kind */
    struct cond *conds;
    size_t nconds;
    otelc_sampler *sampler;
};

struct rules {
    struct rule *rules;
    size_t n;
    otelc_sampler *fallback;
};

static const char *const kind_names[] = {"unspecified", "internal", "server",
                                         "client",      "producer", "consumer"};

#define ALL_KINDS                                                                                  \
    (OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_INTERNAL) | OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_SERVER) | \
     OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_CLIENT) | OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_PRODUCER) | \
     OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_CONSUMER))

/* ---- matching ------------------------------------------------------------------------- */

/* `*` matches any run of bytes and `?` one byte. On a mismatch the last `*` takes one more
 * byte and matching resumes after it, which is enough for these patterns (no classes). */
static int glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            resume = s;
        } else if (*pat && (*pat == '?' || *pat == *s)) {
            pat++;
            s++;
        } else if (star) {
            pat = star + 1;
            s = ++resume;
        } else {
            return 0;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

static int cond_holds(const struct cond *c, const otelc_sampling_params *p)
{
    for (size_t i = 0; i < p->attr_count; i++) {
        const otelc_attr *a = &p->attrs[i];
        /* The first byte settles most mismatches without a call. */
        if (!a->key || a->key[0] != c->key[0] || strcmp(a->key, c->key) != 0)
            continue;
        const otelc_value *v = &a->value;
        switch (v->type) {
        case OTELC_VALUE_STRING:
            return v->len == c->text_len && (v->len == 0 || memcmp(v->u.s, c->text, v->len) == 0);
        case OTELC_VALUE_BOOL:
            return c->has_bool && (v->u.b ? 1 : 0) == c->b;
        case OTELC_VALUE_INT:
            return c->has_int && v->u.i == c->i;
        case OTELC_VALUE_DOUBLE:
            return c->has_double && v->u.d == c->d;
        default:
            return 0;
        }
    }
    return 0;
}

static int rule_matches(const struct rule *r, const otelc_sampling_params *p)
{
    if (r->kinds) {
        otelc_span_kind k = p->kind;
        if (k < OTELC_SPAN_KIND_INTERNAL || k > OTELC_SPAN_KIND_CONSUMER)
            k = OTELC_SPAN_KIND_INTERNAL;
        if (!(r->kinds & OTELC_SPAN_KIND_BIT(k)))
            return 0;
    }
    if (r->name) {
        const char *name = p->name ? p->name : "";
        if (r->name_glob ? !glob_match(r->name, name) : strcmp(r->name, name) != 0)
            return 0;
    }
    for (size_t i = 0; i < r->nconds; i++)
        if (!cond_holds(&r->conds[i], p))
            return 0;
    return 1;
}

void otelc__rules_decide(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    const struct rules *rs = ud;
    for (size_t i = 0; i < rs->n; i++) {
        if (rule_matches(&rs->rules[i], p)) {
            otelc__sampler_run(rs->rules[i].sampler, p, r);
            return;
        }
    }
    if (rs->fallback)
        otelc__sampler_run(rs->fallback, p, r);
}

/* ---- building ------------------------------------------------------------------------- */

/* Frees the rules; their samplers too when own_samplers is set (after success). */
static void rules_free(struct rules *rs, int own_samplers)
{
    for (size_t i = 0; i < rs->n; i++) {
        struct rule *r = &rs->rules[i];
        for (size_t j = 0; j < r->nconds; j++) {
            otelc__free(r->conds[j].key);
            otelc__free(r->conds[j].text);
        }
        otelc__free(r->conds);
        otelc__free(r->name);
        if (own_samplers)
            otelc_sampler_free(r->sampler);
    }
    if (own_samplers)
        otelc_sampler_free(rs->fallback);
    otelc__free(rs->rules);
    otelc__free(rs);
}

static void rules_destroy(void *ud)
{
    rules_free(ud, 1);
}

static const otelc_sampler_methods rules_methods = {OTELC_SAMPLER_METHODS_VERSION,
                                                    otelc__rules_decide, rules_destroy};

/* An optional '-' and decimal digits that fit an int64. */
static int parse_int64(const char *s, size_t n, int64_t *out)
{
    int neg = n > 0 && s[0] == '-';
    size_t i = neg ? 1 : 0;
    if (i == n)
        return -1;
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (limit - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* Sets the typed forms a text condition also matches. */
static void cond_parse_text(struct cond *c)
{
    const char *t = c->text;
    size_t n = c->text_len;
    if ((n == 4 && memcmp(t, "true", 4) == 0) || (n == 5 && memcmp(t, "false", 5) == 0)) {
        c->has_bool = 1;
        c->b = n == 4;
    }
    c->has_int = parse_int64(t, n, &c->i) == 0;
    int neg = n > 0 && t[0] == '-';
    double d;
    if (otelc__sampler_parse_decimal(t + neg, n - (size_t)neg, &d) == 0) {
        c->has_double = 1;
        c->d = neg ? -d : d;
    }
}

static int cond_init(struct cond *c, const otelc_attr *a)
{
    char buf[32];
    const char *text = buf;
    size_t len;
    const otelc_value *v = &a->value;
    if (!a->key || !a->key[0])
        return OTELC_EINVAL;
    switch (v->type) {
    case OTELC_VALUE_STRING:
        text = v->u.s ? v->u.s : "";
        len = v->u.s ? v->len : 0;
        break;
    case OTELC_VALUE_BOOL:
        len = (size_t)snprintf(buf, sizeof buf, "%s", v->u.b ? "true" : "false");
        break;
    case OTELC_VALUE_INT:
        len = (size_t)snprintf(buf, sizeof buf, "%" PRId64, v->u.i);
        break;
    case OTELC_VALUE_DOUBLE:
        otelc__sampler_format_number(buf, sizeof buf, v->u.d);
        len = strlen(buf);
        break;
    default:
        return OTELC_EINVAL;
    }
    c->key = otelc__strdup(a->key);
    c->text = otelc__strndup(text, len);
    if (!c->key || !c->text)
        return OTELC_ENOMEM;
    c->text_len = len;
    cond_parse_text(c);
    if (v->type == OTELC_VALUE_DOUBLE) {
        /* The exact value, not the one its shortest text reads back as within 15 digits. */
        c->has_double = 1;
        c->d = v->u.d;
    }
    return OTELC_OK;
}

static int rule_init(struct rule *r, const otelc_sampler_rule *in)
{
    if (!in->sampler || (in->attr_count && !in->attrs))
        return OTELC_EINVAL;
    uint32_t kinds = in->kinds;
    if (kinds & OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_UNSPECIFIED))
        kinds = (kinds & ~OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_UNSPECIFIED)) |
                OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_INTERNAL);
    if (kinds & ~(uint32_t)ALL_KINDS)
        return OTELC_EINVAL;
    r->kinds = kinds;
    r->sampler = in->sampler;
    if (in->name) {
        r->name = otelc__strdup(in->name);
        if (!r->name)
            return OTELC_ENOMEM;
        r->name_glob = strpbrk(in->name, "*?") != NULL;
    }
    if (in->attr_count) {
        r->conds = otelc__calloc(in->attr_count, sizeof *r->conds);
        if (!r->conds)
            return OTELC_ENOMEM;
    }
    for (size_t i = 0; i < in->attr_count; i++) {
        r->nconds++; /* counted first, so a half-made condition is freed too */
        int rc = cond_init(&r->conds[i], &in->attrs[i]);
        if (rc != OTELC_OK)
            return rc;
    }
    return OTELC_OK;
}

/* Appends s to the description being measured (buf NULL) or written. */
static void put(char *buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (buf)
        memcpy(buf + *len, s, n);
    *len += n;
}

static void put_match(char *buf, size_t *len, const struct rule *r)
{
    int any = 1;
    if (r->name) {
        put(buf, len, "name=");
        put(buf, len, r->name);
        any = 0;
    }
    if (r->kinds) {
        put(buf, len, any ? "kind=" : ",kind=");
        int first = 1;
        for (int k = OTELC_SPAN_KIND_INTERNAL; k <= OTELC_SPAN_KIND_CONSUMER; k++) {
            if (r->kinds & OTELC_SPAN_KIND_BIT(k)) {
                put(buf, len, first ? "" : "|");
                put(buf, len, kind_names[k]);
                first = 0;
            }
        }
        any = 0;
    }
    for (size_t i = 0; i < r->nconds; i++) {
        put(buf, len, any ? "" : ",");
        put(buf, len, r->conds[i].key);
        put(buf, len, "=");
        /* The text may hold NUL bytes in principle; the description stops at the first. */
        put(buf, len, r->conds[i].text);
        any = 0;
    }
    if (any)
        put(buf, len, "*");
}

/* Writes the description into buf (NULL: only measures); returns its length. */
static size_t describe(char *buf, const struct rules *rs)
{
    size_t len = 0;
    put(buf, &len, "RuleBased{");
    for (size_t i = 0; i < rs->n; i++) {
        put(buf, &len, i ? ";" : "");
        put_match(buf, &len, &rs->rules[i]);
        put(buf, &len, ":");
        put(buf, &len, otelc_sampler_description(rs->rules[i].sampler));
    }
    if (rs->fallback) {
        put(buf, &len, rs->n ? ";default:" : "default:");
        put(buf, &len, otelc_sampler_description(rs->fallback));
    }
    put(buf, &len, "}");
    if (buf)
        buf[len] = '\0';
    return len;
}

OTELC_API void otelc_sampler_rule_init(otelc_sampler_rule *rule)
{
    if (!rule)
        return;
    memset(rule, 0, sizeof *rule);
    rule->size = sizeof *rule;
}

OTELC_API void otelc_rule_based_options_init(otelc_rule_based_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
}

/* The i-th rule of an array whose elements are `stride` bytes (the caller's sizeof), copied
 * into a current-size struct so that fields a caller does not know stay at their defaults. */
static int rule_at(const otelc_rule_based_options *o, size_t i, otelc_sampler_rule *r)
{
    size_t stride = o->rules[0].size;
    const otelc_sampler_rule *in =
        (const otelc_sampler_rule *)(const void *)((const char *)o->rules + i * stride);
    if (in->size != stride)
        return OTELC_EINVAL;
    otelc_sampler_rule_init(r);
    memcpy(r, in, stride < sizeof *r ? stride : sizeof *r);
    return OTELC_OK;
}

OTELC_API int otelc_sampler_rule_based(otelc_sampler **out, const otelc_rule_based_options *opt)
{
    otelc_rule_based_options o;
    otelc_rule_based_options_init(&o);
    if (!out || !opt || opt->size < sizeof o.size)
        return OTELC_EINVAL;
    memcpy(&o, opt, opt->size < sizeof o ? opt->size : sizeof o);
    if (o.rule_count && (!o.rules || o.rules[0].size < sizeof o.rules[0].size))
        return OTELC_EINVAL;

    struct rules *rs = otelc__calloc(1, sizeof *rs);
    if (!rs)
        return OTELC_ENOMEM;
    int rc = OTELC_OK;
    if (o.rule_count) {
        rs->rules = otelc__calloc(o.rule_count, sizeof *rs->rules);
        if (!rs->rules)
            rc = OTELC_ENOMEM;
    }
    for (size_t i = 0; i < o.rule_count && rc == OTELC_OK; i++) {
        otelc_sampler_rule r;
        rc = rule_at(&o, i, &r);
        if (rc == OTELC_OK) {
            rs->n++;
            rc = rule_init(&rs->rules[i], &r);
        }
    }
    rs->fallback = o.fallback;
    char *desc = NULL;
    if (rc == OTELC_OK) {
        desc = otelc__malloc(describe(NULL, rs) + 1);
        if (!desc)
            rc = OTELC_ENOMEM;
    }
    if (rc == OTELC_OK) {
        describe(desc, rs);
        rc = otelc__sampler_make(out, OTELC__SAMPLER_RULE_BASED, &rules_methods, rs, desc);
    }
    otelc__free(desc);
    if (rc != OTELC_OK)
        rules_free(rs, 0);
    return rc;
}
