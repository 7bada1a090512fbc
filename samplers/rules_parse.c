/* SPDX-License-Identifier: Apache-2.0 */
/* The one-line rule string of the rule-based sampler ("error=true:always_on;*:traceidratio(0.01)")
 * turned into rules; the grammar is documented with otelc_sampler_rules_parse(). */
#include <stdarg.h>
#include <stdio.h>

#include "sampler_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"

/* The parse of one spec: a scratch copy whose tokens are cut in place, and what is built. */
struct parse {
    char *buf; /* scratch copy of the spec (same positions): tokens are cut in it */
    otelc_sampler_rule *rules;
    size_t nrules;
    otelc_attr *attrs; /* one pool; each rule takes a slice */
    size_t nattrs;
    char *err;
    size_t errlen;
};

static void fail_at(struct parse *ps, const char *at, const char *fmt, ...) OTELC__PRINTF(3, 4);

static void fail_at(struct parse *ps, const char *at, const char *fmt, ...)
{
    if (!ps->err || ps->errlen == 0)
        return;
    int n = snprintf(ps->err, ps->errlen, "at %zu: ", (size_t)(at - ps->buf) + 1);
    if (n < 0 || (size_t)n >= ps->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static void trim(char **s, char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

/* A token [s, e) of the scratch copy. */
struct tok {
    char *s, *e;
};

/* Splits [s, e) around the separator at `at` into two trimmed tokens. */
static void split_at(char *s, char *e, char *at, struct tok *left, struct tok *right)
{
    left->s = s;
    left->e = at;
    right->s = at + 1;
    right->e = e;
    trim(&left->s, &left->e);
    trim(&right->s, &right->e);
}

static int word_is(const char *s, const char *e, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(e - s) == n && memcmp(s, w, n) == 0;
}

/* ---- samplers ------------------------------------------------------------------------- */

/* Parses SAMPLER in [s, e) (trimmed, non-empty) into *out. */
static int parse_sampler(struct parse *ps, char *s, char *e, otelc_sampler **out)
{
    char *open = memchr(s, '(', (size_t)(e - s));
    char *name_end = open ? open : e;
    char *ns = s, *ne = name_end;
    trim(&ns, &ne);
    const struct otelc__sampler_name *n =
        otelc__sampler_by_name(ns, (size_t)(ne - ns), OTELC__SAMPLER_IN_RULES);
    if (!n) {
        fail_at(ps, ns, "unknown sampler '%.*s'", (int)(ne - ns), ns);
        return OTELC_EPARSE;
    }
    if (n->arg == OTELC__SAMPLER_ARG_NONE) {
        if (open) {
            fail_at(ps, open, "%s takes no argument", n->name);
            return OTELC_EPARSE;
        }
        return n->make(out, 0);
    }
    const char *what = n->arg == OTELC__SAMPLER_ARG_RATIO ? "P" : "N";
    if (!open || e[-1] != ')') {
        fail_at(ps, open ? e - 1 : e, "%s needs an argument: %s(%s)", n->name, n->name, what);
        return OTELC_EPARSE;
    }
    char *as = open + 1, *ae = e - 1;
    trim(&as, &ae);
    double v;
    int ok = otelc__sampler_parse_decimal(as, (size_t)(ae - as), &v) == 0;
    if (n->arg == OTELC__SAMPLER_ARG_RATIO && !(ok && v <= 1.0)) {
        fail_at(ps, as, "'%.*s' is not a number in [0, 1]", (int)(ae - as), as);
        return OTELC_EPARSE;
    }
    if (n->arg == OTELC__SAMPLER_ARG_RATE && !(ok && v >= 1e-3 && v <= 1e9)) {
        fail_at(ps, as, "'%.*s' is not a rate in [0.001, 1e9]", (int)(ae - as), as);
        return OTELC_EPARSE;
    }
    return n->make(out, v);
}

/* ---- matches -------------------------------------------------------------------------- */

static const char *const kinds[] = {"internal", "server", "client", "producer", "consumer"};

/* Parses KIND *( "|" KIND ) in [s, e) into a mask. */
static int parse_kinds(struct parse *ps, char *s, char *e, uint32_t *mask)
{
    *mask = 0;
    for (;;) {
        char *bar = memchr(s, '|', (size_t)(e - s));
        char *ks = s, *ke = bar ? bar : e;
        trim(&ks, &ke);
        size_t k = 0;
        while (k < 5 && !word_is(ks, ke, kinds[k]))
            k++;
        if (k == 5) {
            fail_at(ps, ks,
                    "unknown span kind '%.*s' (server, client, internal, producer, "
                    "consumer)",
                    (int)(ke - ks), ks);
            return OTELC_EPARSE;
        }
        *mask |= OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_INTERNAL + (int)k);
        if (!bar)
            return OTELC_OK;
        s = bar + 1;
    }
}

/* Parses one condition KEY=VALUE in [s, e) (trimmed) into rule r. */
static int parse_cond(struct parse *ps, char *s, char *e, otelc_sampler_rule *r)
{
    char *eq = memchr(s, '=', (size_t)(e - s));
    if (!eq) {
        fail_at(ps, s, "expected KEY=VALUE, '*' alone, name=GLOB or kind=KIND");
        return OTELC_EPARSE;
    }
    struct tok k, v;
    split_at(s, e, eq, &k, &v);
    char *ks = k.s, *ke = k.e, *vs = v.s, *ve = v.e;
    if (ks == ke) {
        fail_at(ps, s, "empty key before '='");
        return OTELC_EPARSE;
    }
    if (word_is(ks, ke, "name")) {
        if (r->name) {
            fail_at(ps, ks, "a rule takes one name");
            return OTELC_EPARSE;
        }
        *ve = '\0'; /* the scratch copy: what followed is already consumed */
        r->name = vs;
        return OTELC_OK;
    }
    if (word_is(ks, ke, "kind")) {
        uint32_t mask;
        int rc = parse_kinds(ps, vs, ve, &mask);
        /* Two kind conditions must both hold. */
        r->kinds = r->kinds ? (r->kinds & mask) : mask;
        if (rc == OTELC_OK && r->kinds == 0) {
            fail_at(ps, ks, "the kind conditions exclude every kind");
            return OTELC_EPARSE;
        }
        return rc;
    }
    *ke = '\0';
    otelc_attr *a = &ps->attrs[ps->nattrs++];
    a->key = ks;
    a->value = otelc_value_strn(vs, (size_t)(ve - vs));
    r->attr_count++;
    return OTELC_OK;
}

/* Parses MATCH in [s, e) (trimmed, non-empty) into r. */
static int parse_match(struct parse *ps, char *s, char *e, otelc_sampler_rule *r)
{
    if (word_is(s, e, "*"))
        return OTELC_OK;
    r->attrs = &ps->attrs[ps->nattrs];
    for (;;) {
        char *comma = memchr(s, ',', (size_t)(e - s));
        char *cs = s, *ce = comma ? comma : e;
        trim(&cs, &ce);
        if (cs == ce) {
            fail_at(ps, cs, "empty condition");
            return OTELC_EPARSE;
        }
        int rc = parse_cond(ps, cs, ce, r);
        if (rc != OTELC_OK)
            return rc;
        if (!comma)
            return OTELC_OK;
        s = comma + 1;
    }
}

/* Parses RULE in [s, e) (trimmed, non-empty) as the next rule. */
static int parse_rule(struct parse *ps, char *s, char *e)
{
    char *colon = NULL;
    for (char *p = s; p < e; p++)
        if (*p == ':')
            colon = p;
    if (!colon) {
        fail_at(ps, s, "expected MATCH:SAMPLER");
        return OTELC_EPARSE;
    }
    struct tok m, smp;
    split_at(s, e, colon, &m, &smp);
    if (m.s == m.e || smp.s == smp.e) {
        fail_at(ps, m.s == m.e ? s : colon + 1,
                m.s == m.e ? "empty match before ':' (use '*' for every span)"
                           : "missing sampler after ':'");
        return OTELC_EPARSE;
    }
    otelc_sampler_rule *r = &ps->rules[ps->nrules];
    otelc_sampler_rule_init(r);
    int rc = parse_match(ps, m.s, m.e, r);
    if (rc == OTELC_OK)
        rc = parse_sampler(ps, smp.s, smp.e, &r->sampler);
    if (rc == OTELC_OK)
        ps->nrules++;
    return rc;
}

static size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

OTELC_API int otelc_sampler_rules_parse(otelc_sampler **out, const char *spec, char *err,
                                        size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!out || !spec)
        return OTELC_EINVAL;
    struct parse ps;
    memset(&ps, 0, sizeof ps);
    ps.err = err;
    ps.errlen = errlen;
    size_t max_rules = count_char(spec, ';') + 1;
    size_t max_attrs = count_char(spec, ',') + max_rules;
    ps.buf = otelc__strdup(spec);
    ps.rules = otelc__calloc(max_rules, sizeof *ps.rules);
    ps.attrs = otelc__calloc(max_attrs, sizeof *ps.attrs);
    int rc = OTELC_OK;
    if (!ps.buf || !ps.rules || !ps.attrs)
        rc = OTELC_ENOMEM;
    char *s = ps.buf, *end = ps.buf ? ps.buf + strlen(ps.buf) : NULL;
    while (rc == OTELC_OK) {
        char *semi = memchr(s, ';', (size_t)(end - s));
        char *rs = s, *re = semi ? semi : end;
        trim(&rs, &re);
        if (rs < re)
            rc = parse_rule(&ps, rs, re);
        if (!semi)
            break;
        s = semi + 1;
    }
    if (rc == OTELC_OK && ps.nrules == 0) {
        fail_at(&ps, ps.buf, "no rules");
        rc = OTELC_EPARSE;
    }
    if (rc == OTELC_OK) {
        otelc_rule_based_options o;
        otelc_rule_based_options_init(&o);
        o.rules = ps.rules;
        o.rule_count = ps.nrules;
        rc = otelc_sampler_rule_based(out, &o);
    }
    if (rc != OTELC_OK) {
        /* The rule-based sampler took the samplers over only if it was built. */
        for (size_t i = 0; ps.rules && i < ps.nrules; i++)
            otelc_sampler_free(ps.rules[i].sampler);
        if (rc == OTELC_ENOMEM && err && errlen)
            snprintf(err, errlen, "out of memory");
    }
    otelc__free(ps.attrs);
    otelc__free(ps.rules);
    otelc__free(ps.buf);
    return rc;
}
