/* SPDX-License-Identifier: Apache-2.0 */
/* The rule string of the rule-based sampler: the issue's example, every sampler and
 * condition of the grammar, and errors that name their position. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "sampler_testutil.h"

static otelc_sampler *parse(const char *spec)
{
    otelc_sampler *s = NULL;
    char err[128];
    int rc = otelc_sampler_rules_parse(&s, spec, err, sizeof err);
    if (rc != OTELC_OK)
        fail_msg("'%s' did not parse: %s", spec, err);
    return s;
}

#define SAMPLE OTELC_SAMPLING_RECORD_AND_SAMPLE
#define DROP OTELC_SAMPLING_DROP

/* Issue: "errors and slow requests always, 1% of the rest". */
static void test_rules_parse_issue_example(void **state)
{
    (void)state;
    otelc_sampler *s = parse("error=true:always_on;slow=true:always_on;*:traceidratio(0.01)");
    otelc_sampler *ratio = NULL;
    assert_int_equal(otelc_sampler_trace_id_ratio(&ratio, 0.01), OTELC_OK);
    assert_string_equal(otelc_sampler_description(s),
                        "RuleBased{error=true:AlwaysOnSampler;slow=true:AlwaysOnSampler;"
                        "*:TraceIdRatioBased{0.01}}");
    const otelc_attr error_bool = otelc_attr_bool("error", true);
    const otelc_attr error_str = otelc_attr_str("error", "true");
    const otelc_attr slow = otelc_attr_bool("slow", true);
    const otelc_attr fine[] = {otelc_attr_bool("error", false), otelc_attr_str("slow", "no")};
    uint64_t seed = 5;
    unsigned n = 100000, rest = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t tid[16];
        st_random_id(&seed, tid);
        assert_int_equal(st_decide_span(s, tid, "GET /", OTELC_SPAN_KIND_SERVER, &error_bool, 1),
                         SAMPLE);
        assert_int_equal(st_decide_span(s, tid, "GET /", OTELC_SPAN_KIND_SERVER, &error_str, 1),
                         SAMPLE);
        assert_int_equal(st_decide_span(s, tid, "GET /", OTELC_SPAN_KIND_SERVER, &slow, 1), SAMPLE);
        otelc_sampling_decision d =
            st_decide_span(s, tid, "GET /", OTELC_SPAN_KIND_SERVER, fine, 2);
        assert_int_equal(d, st_decide(ratio, tid, NULL));
        rest += d == SAMPLE;
    }
    assert_true(fabs(rest - 0.01 * n) <= 3 * sqrt(n * 0.01 * 0.99));
    otelc_sampler_free(ratio);
    otelc_sampler_free(s);
}

/* Every sampler name of the grammar, with its argument. */
static void test_rules_parse_every_sampler(void **state)
{
    (void)state;
    otelc_sampler *s = parse("a=1:always_on;b=1:always_off;c=1:traceidratio(0.5);"
                             "d=1:probability(0.25);e=1:ratelimited(10);"
                             "f=1:parentbased_always_on;g=1:parentbased_traceidratio(0.1);"
                             "h=1:parentbased_always_off");
    const char *want[] = {"a=1:AlwaysOnSampler;",
                          "b=1:AlwaysOffSampler;",
                          "c=1:TraceIdRatioBased{0.5};",
                          "d=1:ProbabilitySampler{0.25};",
                          "e=1:RateLimitedSampler{rate=10,burst=10};",
                          "f=1:ParentBased{root:AlwaysOnSampler,",
                          "g=1:ParentBased{root:TraceIdRatioBased{0.1},",
                          "h=1:ParentBased{root:AlwaysOffSampler,"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_non_null(strstr(otelc_sampler_description(s), want[i]));
    otelc_sampler_free(s);
}

/* Conditions: name globs, kind alternatives, several conditions, blanks around tokens, and
 * values that hold ':' (the rule splits at its last ':'). */
static void test_rules_parse_conditions(void **state)
{
    (void)state;
    otelc_sampler *s = parse(" name = GET /api/* , kind = server|client : always_on ;"
                             "http.url=http://x:80/:always_on; ; * : always_off ");
    assert_string_equal(otelc_sampler_description(s),
                        "RuleBased{name=GET /api/*,kind=server|client:AlwaysOnSampler;"
                        "http.url=http://x:80/:AlwaysOnSampler;*:AlwaysOffSampler}");
    uint8_t tid[16];
    memset(tid, 0, 16);
    const otelc_attr url = otelc_attr_str("http.url", "http://x:80/");
    assert_int_equal(st_decide_span(s, tid, "GET /api/x", OTELC_SPAN_KIND_CLIENT, NULL, 0), SAMPLE);
    assert_int_equal(st_decide_span(s, tid, "GET /api/x", OTELC_SPAN_KIND_INTERNAL, NULL, 0), DROP);
    assert_int_equal(st_decide_span(s, tid, "GET /", OTELC_SPAN_KIND_SERVER, NULL, 0), DROP);
    assert_int_equal(st_decide_span(s, tid, "x", OTELC_SPAN_KIND_INTERNAL, &url, 1), SAMPLE);
    otelc_sampler_free(s);
    /* Without a `*` rule, a span no rule matches is dropped. */
    s = parse("kind=consumer:always_on");
    assert_int_equal(st_decide_span(s, tid, "x", OTELC_SPAN_KIND_CONSUMER, NULL, 0), SAMPLE);
    assert_int_equal(st_decide_span(s, tid, "x", OTELC_SPAN_KIND_PRODUCER, NULL, 0), DROP);
    otelc_sampler_free(s);
}

/* A spec that does not parse gives EPARSE and a message naming the 1-based position. */
static void test_rules_parse_errors_name_the_position(void **state)
{
    (void)state;
    static const struct {
        const char *spec, *err;
    } bad[] = {
        {"", "at 1: no rules"},
        {" ; ;", "at 1: no rules"},
        {"error=true", "at 1: expected MATCH:SAMPLER"},
        {":always_on", "at 1: empty match"},
        {"*:", "at 3: missing sampler"},
        {"*:foo", "at 3: unknown sampler 'foo'"},
        {"a=1:always_on;*:traceidratio(1.5)", "at 30: '1.5' is not a number in [0, 1]"},
        {"*:traceidratio(-0.5)", "at 16: '-0.5' is not a number"},
        {"*:traceidratio(1e-3)", "at 16: '1e-3' is not a number"},
        {"*:traceidratio", "at 15: traceidratio needs an argument"},
        {"*:traceidratio(0.5", "at 18: traceidratio needs an argument"},
        {"*:always_on(1)", "at 12: always_on takes no argument"},
        {"*:ratelimited(0)", "at 15: '0' is not a rate"},
        {"kind=sever:always_on", "at 6: unknown span kind 'sever'"},
        {"kind=server,kind=client:always_on", "at 13: the kind conditions exclude every kind"},
        {"=x:always_on", "at 1: empty key"},
        {"a=1,,b=2:always_on", "at 5: empty condition"},
        {"a:always_on", "at 1: expected KEY=VALUE"},
        {"*,a=1:always_on", "at 1: expected KEY=VALUE"},
        {"name=a,name=b:always_on", "at 8: a rule takes one name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        otelc_sampler *s = (otelc_sampler *)&s;
        char err[128];
        tu_alloc_install(0);
        int rc = otelc_sampler_rules_parse(&s, bad[i].spec, err, sizeof err);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (rc != OTELC_EPARSE || strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
            fail_msg("'%s': rc %d, err '%s', want '%s'", bad[i].spec, rc, err, bad[i].err);
        assert_ptr_equal(s, (otelc_sampler *)&s);
    }
    /* No message buffer, or a short one: still EPARSE, the message cut safely. */
    otelc_sampler *s = NULL;
    char tiny[6];
    assert_int_equal(otelc_sampler_rules_parse(&s, "*:foo", NULL, 0), OTELC_EPARSE);
    assert_int_equal(otelc_sampler_rules_parse(&s, "*:foo", tiny, sizeof tiny), OTELC_EPARSE);
    assert_string_equal(tiny, "at 3:");
    assert_int_equal(otelc_sampler_rules_parse(NULL, "*:always_on", NULL, 0), OTELC_EINVAL);
    assert_int_equal(otelc_sampler_rules_parse(&s, NULL, NULL, 0), OTELC_EINVAL);
}

static int build(otelc_sampler **out, void *ud)
{
    return otelc_sampler_rules_parse(out, ud, NULL, 0);
}

/* Every allocation failure gives ENOMEM and leaks nothing, built samplers included. */
static void test_rules_parse_allocation_failures(void **state)
{
    (void)state;
    static char spec[] = "name=a*,kind=server,x=1:parentbased_traceidratio(0.5);"
                         "y=2:probability(0.1);*:ratelimited(5)";
    st_each_alloc_failure(build, spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_parse_issue_example),
        cmocka_unit_test(test_rules_parse_every_sampler),
        cmocka_unit_test(test_rules_parse_conditions),
        cmocka_unit_test(test_rules_parse_errors_name_the_position),
        cmocka_unit_test(test_rules_parse_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
