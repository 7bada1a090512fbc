/* SPDX-License-Identifier: Apache-2.0 */
/* The rule-based sampler built in code: rule order, name patterns, kinds, attribute equality,
 * the fallback, its description and its argument checks. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "sampler_testutil.h"

/* A delegate that records its id and samples. */
static int g_called;
static const int ids[4] = {0, 1, 2, 3};

static void recording(void *ud, const otelc_sampling_params *p, otelc_sampling_result *r)
{
    (void)p;
    g_called = *(const int *)ud;
    r->decision = OTELC_SAMPLING_RECORD_AND_SAMPLE;
}

static const otelc_sampler_methods recording_methods = {OTELC_SAMPLER_METHODS_VERSION, recording,
                                                        NULL};

static otelc_sampler *delegate(int id)
{
    otelc_sampler *s = NULL;
    char name[16];
    snprintf(name, sizeof name, "D%d", id);
    assert_int_equal(otelc_sampler_new(&s, &recording_methods, (void *)&ids[id], name), OTELC_OK);
    return s;
}

static otelc_sampler *build(const otelc_sampler_rule *rules, size_t n, otelc_sampler *fallback)
{
    otelc_rule_based_options o;
    otelc_rule_based_options_init(&o);
    o.rules = rules;
    o.rule_count = n;
    o.fallback = fallback;
    otelc_sampler *s = NULL;
    assert_int_equal(otelc_sampler_rule_based(&s, &o), OTELC_OK);
    return s;
}

/* Which delegate decides for a span (-1: none, the span was dropped). */
static int who(otelc_sampler *s, const char *name, otelc_span_kind kind, const otelc_attr *attrs,
               size_t n)
{
    uint8_t tid[16];
    memset(tid, 0x5a, 16);
    g_called = -1;
    otelc_sampling_decision d = st_decide_span(s, tid, name, kind, attrs, n);
    assert_int_equal(d, g_called >= 0 ? OTELC_SAMPLING_RECORD_AND_SAMPLE : OTELC_SAMPLING_DROP);
    return g_called;
}

#define INTERNAL OTELC_SPAN_KIND_INTERNAL

/* The first rule that matches decides, whatever the later ones say. */
static void test_rules_first_match_decides(void **state)
{
    (void)state;
    otelc_sampler_rule r[3];
    for (int i = 0; i < 3; i++) {
        otelc_sampler_rule_init(&r[i]);
        r[i].sampler = delegate(i);
    }
    r[0].name = "a*";
    r[1].name = "ab";
    otelc_sampler *s = build(r, 3, NULL); /* r[2] matches everything */
    assert_int_equal(who(s, "abc", INTERNAL, NULL, 0), 0);
    assert_int_equal(who(s, "ab", INTERNAL, NULL, 0), 0);
    assert_int_equal(who(s, "b", INTERNAL, NULL, 0), 2);
    otelc_sampler_free(s);
}

/* Names: exact without wildcards, `*` any run (prefix, suffix, infix), `?` one byte. */
static void test_rules_name_patterns(void **state)
{
    (void)state;
    const char *pats[4] = {"GET /health", "GET /api/*", "*.internal.*", "job-??"};
    otelc_sampler_rule r[4];
    for (int i = 0; i < 4; i++) {
        otelc_sampler_rule_init(&r[i]);
        r[i].name = pats[i];
        r[i].sampler = delegate(i);
    }
    otelc_sampler *s = build(r, 4, NULL);
    assert_int_equal(who(s, "GET /health", INTERNAL, NULL, 0), 0);
    assert_int_equal(who(s, "GET /healthz", INTERNAL, NULL, 0), -1);
    assert_int_equal(who(s, "GET /api/", INTERNAL, NULL, 0), 1);
    assert_int_equal(who(s, "GET /api/v1/users", INTERNAL, NULL, 0), 1);
    assert_int_equal(who(s, "GET /ap", INTERNAL, NULL, 0), -1);
    assert_int_equal(who(s, "db.internal.query", INTERNAL, NULL, 0), 2);
    assert_int_equal(who(s, ".internal.", INTERNAL, NULL, 0), 2);
    assert_int_equal(who(s, "internal", INTERNAL, NULL, 0), -1);
    assert_int_equal(who(s, "job-42", INTERNAL, NULL, 0), 3);
    assert_int_equal(who(s, "job-4", INTERNAL, NULL, 0), -1);
    assert_int_equal(who(s, "job-421", INTERNAL, NULL, 0), -1);
    otelc_sampler_free(s);
}

/* Kinds: a mask of the kinds that match; UNSPECIFIED counts as INTERNAL. */
static void test_rules_kinds(void **state)
{
    (void)state;
    otelc_sampler_rule r[2];
    otelc_sampler_rule_init(&r[0]);
    otelc_sampler_rule_init(&r[1]);
    r[0].kinds =
        OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_SERVER) | OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_CONSUMER);
    r[0].sampler = delegate(0);
    r[1].kinds = OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_INTERNAL);
    r[1].sampler = delegate(1);
    otelc_sampler *s = build(r, 2, NULL);
    assert_int_equal(who(s, "x", OTELC_SPAN_KIND_SERVER, NULL, 0), 0);
    assert_int_equal(who(s, "x", OTELC_SPAN_KIND_CONSUMER, NULL, 0), 0);
    assert_int_equal(who(s, "x", OTELC_SPAN_KIND_CLIENT, NULL, 0), -1);
    assert_int_equal(who(s, "x", OTELC_SPAN_KIND_UNSPECIFIED, NULL, 0), 1);
    assert_string_equal(otelc_sampler_description(s),
                        "RuleBased{kind=server|consumer:D0;kind=internal:D1}");
    otelc_sampler_free(s);
}

/* Attribute equality as text: strings byte for byte, booleans as true/false, integers in
 * decimal, doubles by value; all conditions of a rule must hold; the first attribute with
 * the key is the one compared. */
static void test_rules_attributes(void **state)
{
    (void)state;
    const otelc_attr c0[] = {otelc_attr_bool("error", true)};
    const otelc_attr c1[] = {otelc_attr_int("http.response.status_code", 503),
                             otelc_attr_str("region", "eu")};
    const otelc_attr c2[] = {otelc_attr_double("weight", 0.5)};
    const otelc_attr c3[] = {otelc_attr_str("slow", "true")};
    otelc_sampler_rule r[4];
    const otelc_attr *conds[4] = {c0, c1, c2, c3};
    const size_t counts[4] = {1, 2, 1, 1};
    for (int i = 0; i < 4; i++) {
        otelc_sampler_rule_init(&r[i]);
        r[i].attrs = conds[i];
        r[i].attr_count = counts[i];
        r[i].sampler = delegate(i);
    }
    otelc_sampler *s = build(r, 4, NULL);
    otelc_attr a[2];
    a[0] = otelc_attr_bool("error", true);
    assert_int_equal(who(s, "x", INTERNAL, a, 1), 0);
    a[0] = otelc_attr_str("error", "true");
    assert_int_equal(who(s, "x", INTERNAL, a, 1), 0);
    a[0] = otelc_attr_bool("error", false);
    assert_int_equal(who(s, "x", INTERNAL, a, 1), -1);
    a[0] = otelc_attr_int("error", 1);
    assert_int_equal(who(s, "x", INTERNAL, a, 1), -1);
    a[0] = otelc_attr_int("http.response.status_code", 503);
    a[1] = otelc_attr_str("region", "eu");
    assert_int_equal(who(s, "x", INTERNAL, a, 2), 1);
    a[0] = otelc_attr_str("http.response.status_code", "503");
    assert_int_equal(who(s, "x", INTERNAL, a, 2), 1);
    a[1] = otelc_attr_str("region", "eu-west");
    assert_int_equal(who(s, "x", INTERNAL, a, 2), -1); /* both conditions must hold */
    assert_int_equal(who(s, "x", INTERNAL, a, 1), -1); /* a missing attribute fails */
    a[0] = otelc_attr_double("weight", 0.5);
    assert_int_equal(who(s, "x", INTERNAL, a, 1), 2);
    a[0] = otelc_attr_str("weight", "0.5");
    assert_int_equal(who(s, "x", INTERNAL, a, 1), 2);
    a[0] = otelc_attr_double("weight", 0.25);
    assert_int_equal(who(s, "x", INTERNAL, a, 1), -1);
    a[0] = otelc_attr_bool("slow", true);
    a[1] = otelc_attr_bool("slow", false);
    assert_int_equal(who(s, "x", INTERNAL, a, 2), 3);
    a[0] = otelc_attr_bool("slow", false);
    a[1] = otelc_attr_bool("slow", true);
    assert_int_equal(who(s, "x", INTERNAL, a, 2), -1);
    assert_string_equal(otelc_sampler_description(s),
                        "RuleBased{error=true:D0;http.response.status_code=503,region=eu:D1;"
                        "weight=0.5:D2;slow=true:D3}");
    otelc_sampler_free(s);
}

/* Without a matching rule the fallback decides, or the span is dropped. */
static void test_rules_fallback(void **state)
{
    (void)state;
    otelc_sampler_rule r;
    otelc_sampler_rule_init(&r);
    r.name = "a";
    r.sampler = delegate(0);
    otelc_sampler *s = build(&r, 1, delegate(1));
    assert_int_equal(who(s, "a", INTERNAL, NULL, 0), 0);
    assert_int_equal(who(s, "b", INTERNAL, NULL, 0), 1);
    assert_string_equal(otelc_sampler_description(s), "RuleBased{name=a:D0;default:D1}");
    otelc_sampler_free(s);
    s = build(NULL, 0, NULL);
    assert_int_equal(who(s, "b", INTERNAL, NULL, 0), -1);
    assert_string_equal(otelc_sampler_description(s), "RuleBased{}");
    otelc_sampler_free(s);
}

/* Issue: errors and slow requests always, 1% of the rest, built in code. */
static void test_rules_errors_slow_and_one_percent(void **state)
{
    (void)state;
    const otelc_attr err[] = {otelc_attr_bool("error", true)};
    const otelc_attr slow[] = {otelc_attr_bool("slow", true)};
    otelc_sampler_rule r[3];
    for (int i = 0; i < 3; i++)
        otelc_sampler_rule_init(&r[i]);
    r[0].attrs = err;
    r[0].attr_count = 1;
    r[1].attrs = slow;
    r[1].attr_count = 1;
    assert_int_equal(otelc_sampler_always_on(&r[0].sampler), OTELC_OK);
    assert_int_equal(otelc_sampler_always_on(&r[1].sampler), OTELC_OK);
    assert_int_equal(otelc_sampler_trace_id_ratio(&r[2].sampler, 0.01), OTELC_OK);
    otelc_sampler *s = build(r, 3, NULL), *ratio = NULL;
    assert_int_equal(otelc_sampler_trace_id_ratio(&ratio, 0.01), OTELC_OK);
    uint64_t seed = 11;
    unsigned n = 100000, rest = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t tid[16];
        st_random_id(&seed, tid);
        otelc_attr a = i % 3 == 0   ? otelc_attr_bool("error", true)
                       : i % 3 == 1 ? otelc_attr_bool("slow", true)
                                    : otelc_attr_bool("error", false);
        otelc_sampling_decision d = st_decide_span(s, tid, "GET /", INTERNAL, &a, 1);
        if (i % 3 != 2) {
            assert_int_equal(d, OTELC_SAMPLING_RECORD_AND_SAMPLE);
        } else {
            /* The rest is decided exactly as TraceIdRatioBased(0.01) decides. */
            assert_int_equal(d, st_decide(ratio, tid, NULL));
            rest += d == OTELC_SAMPLING_RECORD_AND_SAMPLE;
        }
    }
    double m = n / 3.0;
    assert_true(fabs(rest - 0.01 * m) <= 3 * sqrt(m * 0.01 * 0.99));
    otelc_sampler_free(ratio);
    otelc_sampler_free(s);
}

/* Bad rules are refused with EINVAL and nothing is taken over. */
static void test_rules_bad_arguments(void **state)
{
    (void)state;
    otelc_sampler *s = (otelc_sampler *)&s;
    otelc_rule_based_options o;
    otelc_rule_based_options_init(&o);
    otelc_sampler_rule r[2];
    otelc_sampler_rule_init(&r[0]);
    otelc_sampler_rule_init(&r[1]);
    r[0].sampler = delegate(0);
    o.rules = r;
    o.rule_count = 2;
    assert_int_equal(otelc_sampler_rule_based(&s, &o), OTELC_EINVAL); /* r[1] has no sampler */
    r[1].sampler = delegate(1);
    r[1].attr_count = 1;
    assert_int_equal(otelc_sampler_rule_based(&s, &o), OTELC_EINVAL); /* count, no attrs */
    const otelc_attr bytes[] = {{"k", otelc_value_bytes("x", 1)}};
    const otelc_attr nokey[] = {otelc_attr_str(NULL, "v")};
    r[1].attrs = bytes;
    assert_int_equal(otelc_sampler_rule_based(&s, &o), OTELC_EINVAL); /* not comparable */
    r[1].attrs = nokey;
    assert_int_equal(otelc_sampler_rule_based(&s, &o), OTELC_EINVAL);
    r[1].attr_count = 0;
    r[1].kinds = 1u << 9;
    assert_int_equal(otelc_sampler_rule_based(&s, &o), OTELC_EINVAL); /* no such kind */
    r[1].kinds = 0;
    r[1].size = 8;
    assert_int_equal(otelc_sampler_rule_based(&s, &o), OTELC_EINVAL); /* sizes differ */
    assert_int_equal(otelc_sampler_rule_based(&s, NULL), OTELC_EINVAL);
    assert_int_equal(otelc_sampler_rule_based(NULL, &o), OTELC_EINVAL);
    assert_ptr_equal(s, (otelc_sampler *)&s);
    otelc_sampler_free(r[0].sampler);
    otelc_sampler_free(r[1].sampler);
}

/* Builds two rules with conditions and a fallback, freeing what was not taken over. */
static int build_full(otelc_sampler **out, void *ud)
{
    (void)ud;
    const otelc_attr c[] = {otelc_attr_str("a", "1"), otelc_attr_double("b", 2.5)};
    otelc_sampler_rule r[2];
    otelc_sampler *fallback = NULL;
    otelc_sampler_rule_init(&r[0]);
    otelc_sampler_rule_init(&r[1]);
    r[0].name = "n*";
    r[0].attrs = c;
    r[0].attr_count = 2;
    r[1].kinds = OTELC_SPAN_KIND_BIT(OTELC_SPAN_KIND_CLIENT);
    int rc = otelc_sampler_always_on(&r[0].sampler);
    if (rc == OTELC_OK)
        rc = otelc_sampler_always_off(&r[1].sampler);
    if (rc == OTELC_OK)
        rc = otelc_sampler_always_on(&fallback);
    if (rc == OTELC_OK) {
        otelc_rule_based_options o;
        otelc_rule_based_options_init(&o);
        o.rules = r;
        o.rule_count = 2;
        o.fallback = fallback;
        rc = otelc_sampler_rule_based(out, &o);
    }
    if (rc != OTELC_OK) {
        otelc_sampler_free(r[0].sampler);
        otelc_sampler_free(r[1].sampler);
        otelc_sampler_free(fallback);
    }
    return rc;
}

/* Every allocation failure gives ENOMEM and leaks nothing. */
static void test_rules_allocation_failures(void **state)
{
    (void)state;
    st_each_alloc_failure(build_full, NULL);
    otelc_sampler *s = NULL;
    assert_int_equal(build_full(&s, NULL), OTELC_OK);
    assert_string_equal(otelc_sampler_description(s),
                        "RuleBased{name=n*,a=1,b=2.5:AlwaysOnSampler;kind=client:"
                        "AlwaysOffSampler;default:AlwaysOnSampler}");
    otelc_sampler_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_first_match_decides),
        cmocka_unit_test(test_rules_name_patterns),
        cmocka_unit_test(test_rules_kinds),
        cmocka_unit_test(test_rules_attributes),
        cmocka_unit_test(test_rules_fallback),
        cmocka_unit_test(test_rules_errors_slow_and_one_percent),
        cmocka_unit_test(test_rules_bad_arguments),
        cmocka_unit_test(test_rules_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
