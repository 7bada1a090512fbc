/* SPDX-License-Identifier: Apache-2.0 */
/* The sampler from OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (SDK environment variable
 * specification): every name, the arguments, and one warning and the default for bad ones. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "samplers/sampler_internal.h"

#define SAMPLER "OTEL_TRACES_SAMPLER"
#define ARG "OTEL_TRACES_SAMPLER_ARG"
#define PB_ON                                                                                      \
    "ParentBased{root:AlwaysOnSampler,remoteParentSampled:AlwaysOnSampler,"                        \
    "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"                  \
    "localParentNotSampled:AlwaysOffSampler}"
#define PB_TAIL                                                                                    \
    ",remoteParentSampled:AlwaysOnSampler,remoteParentNotSampled:AlwaysOffSampler,"                \
    "localParentSampled:AlwaysOnSampler,localParentNotSampled:AlwaysOffSampler}"

static int setup(void **state)
{
    (void)state;
    unsetenv(SAMPLER);
    unsetenv(ARG);
    tu_log_capture(OTELC_LOG_DEBUG);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unsetenv("OTEL_TRACES_EXPORTER");
    unsetenv(SAMPLER);
    unsetenv(ARG);
    tu_log_release();
    return 0;
}

/* Sets the two variables (NULL: unset), builds the sampler and checks its description and
 * the number of warnings. */
static void expect(const char *name, const char *arg, const char *want, int warnings)
{
    if (name)
        setenv(SAMPLER, name, 1);
    else
        unsetenv(SAMPLER);
    if (arg)
        setenv(ARG, arg, 1);
    else
        unsetenv(ARG);
    tu_log_clear();
    otelc_sampler *s = NULL;
    assert_int_equal(otelc__sampler_from_env(&s), OTELC_OK);
    if (strcmp(otelc_sampler_description(s), want) != 0)
        fail_msg("%s=%s %s=%s: got %s, want %s", SAMPLER, name ? name : "(unset)", ARG,
                 arg ? arg : "(unset)", otelc_sampler_description(s), want);
    assert_int_equal(tu_log_count(), warnings);
    otelc_sampler_free(s);
}

/* Spec: the standard names, the default parentbased_always_on, and case-insensitive values;
 * a sampler without an argument does not read OTEL_TRACES_SAMPLER_ARG. */
static void test_from_env_names(void **state)
{
    (void)state;
    expect(NULL, NULL, PB_ON, 0);
    expect("", "0.5", PB_ON, 0);
    expect("always_on", "junk", "AlwaysOnSampler", 0);
    expect("always_off", NULL, "AlwaysOffSampler", 0);
    expect("parentbased_always_on", "junk", PB_ON, 0);
    expect("parentbased_always_off", NULL, "ParentBased{root:AlwaysOffSampler" PB_TAIL, 0);
    expect("traceidratio", "0.25", "TraceIdRatioBased{0.25}", 0);
    expect(" TraceIdRatio ", "0.01", "TraceIdRatioBased{0.01}", 0);
    expect("parentbased_traceidratio", "0.5", "ParentBased{root:TraceIdRatioBased{0.5}" PB_TAIL, 0);
    expect("otelc_ratelimited", "50", "RateLimitedSampler{rate=50,burst=50}", 0);
    expect("otelc_rules", "error=true:always_on;*:traceidratio(0.01)",
           "RuleBased{error=true:AlwaysOnSampler;*:TraceIdRatioBased{0.01}}", 0);
}

/* Spec: an unknown or unsupported name gets one warning naming it, and the default. */
static void test_from_env_unknown_name_warns_and_uses_default(void **state)
{
    (void)state;
    const char *names[] = {"jaeger_remote", "parentbased_jaeger_remote",
                           "xray",          "probability",
                           "ratelimited",   "always-on"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        expect(names[i], "0.5", PB_ON, 1);
        char needle[96];
        snprintf(needle, sizeof needle, SAMPLER "='%s'", names[i]);
        assert_true(tu_log_contains(needle));
        assert_true(tu_log_contains("using parentbased_always_on"));
    }
}

/* Spec: a missing ratio is 1.0; a bad or out-of-range one gets one warning naming the
 * variable and the value, and 1.0. */
static void test_from_env_ratio_argument(void **state)
{
    (void)state;
    expect("traceidratio", NULL, "TraceIdRatioBased{1}", 0);
    const char *bad[] = {"abc", "1.5", "-0.1", "0.5x", "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect("traceidratio", bad[i], "TraceIdRatioBased{1}", 1);
        char needle[64];
        snprintf(needle, sizeof needle, ARG "='%s'", bad[i]);
        assert_true(tu_log_contains(needle));
    }
    expect("parentbased_traceidratio", "2", "ParentBased{root:TraceIdRatioBased{1}" PB_TAIL, 1);
}

/* otelc_ratelimited: 100 a second by default; a bad rate warns and takes 100. */
static void test_from_env_rate_argument(void **state)
{
    (void)state;
    expect("otelc_ratelimited", NULL, "RateLimitedSampler{rate=100,burst=100}", 0);
    expect("otelc_ratelimited", "0", "RateLimitedSampler{rate=100,burst=100}", 1);
    assert_true(tu_log_contains(ARG "='0'"));
    expect("otelc_ratelimited", "fast", "RateLimitedSampler{rate=100,burst=100}", 1);
    assert_true(tu_log_contains(ARG "='fast'"));
}

/* otelc_rules: a rule string that does not parse, or none, gets one warning (naming the
 * variable, the value and the position) and the default sampler. */
static void test_from_env_rules_argument(void **state)
{
    (void)state;
    expect("otelc_rules", "error=true:always_onn", PB_ON, 1);
    assert_true(tu_log_contains(ARG "='error=true:always_onn' is not a rule string "
                                    "(at 12: unknown sampler 'always_onn')"));
    expect("otelc_rules", NULL, PB_ON, 1);
    assert_true(tu_log_contains("otelc_rules needs a rule string in " ARG));
    /* A long value is cut, and control bytes do not reach the log. */
    char spec[200];
    memset(spec, 'a', sizeof spec - 1);
    spec[sizeof spec - 1] = '\0';
    spec[3] = '\x1b';
    expect("otelc_rules", spec, PB_ON, 1);
    assert_false(tu_log_contains("\x1b"));
    assert_true(tu_log_contains("aaa?aaa"));
    assert_true(tu_log_contains("...'"));
    /* Nor through the parser's message, which quotes the unknown name. */
    expect("otelc_rules", "*:\x1b[2J", PB_ON, 1);
    assert_false(tu_log_contains("\x1b"));
    assert_true(tu_log_contains("unknown sampler '?[2J'"));
}

/* Starts a span from tracer with the given parent (NULL: root) and says if it records. */
static int records(otelc_tracer *tracer, otelc_span *parent)
{
    otelc_span_options o;
    otelc_span_options_init(&o);
    o.parent_span = parent;
    o.root = parent == NULL;
    otelc_span *s = otelc_span_start(tracer, "sampled?", &o);
    int r = otelc_span_is_recording(s);
    otelc_span_end(s);
    return r;
}

/* Through otelc_sdk_init_from_env(): each name told apart by what it does with a root span
 * and with a sampled and an unsampled local parent (moved here from test_sdk_env.c). */
static void test_from_env_through_sdk(void **state)
{
    (void)state;
    static const struct {
        const char *value, *arg; /* NULL: unset */
        int root, under_sampled, under_unsampled, warnings;
    } cases[] = {
        {NULL, NULL, 1, 1, 0, 0},
        {"always_on", "not-a-number", 1, 1, 1, 0},
        {"always_off", "not-a-number", 0, 0, 0, 0},
        {"parentbased_always_on", "not-a-number", 1, 1, 0, 0},
        {"parentbased_always_off", "not-a-number", 0, 1, 0, 0},
        {" ALWAYS_OFF ", NULL, 0, 0, 0, 0},
        {"ParentBased_Always_Off", NULL, 0, 1, 0, 0},
        {"traceidratio", "0", 0, 0, 0, 0},
        {"traceidratio", "not-a-number", 1, 1, 1, 1},
        {"parentbased_traceidratio", "0", 0, 1, 0, 0},
        {"otelc_rules", "*:always_off", 0, 0, 0, 0},
        {"otelc_ratelimited", "1000", 1, 1, 0, 0},
        {"jaeger_remote", "0.5", 1, 1, 0, 1},
        {"xray", NULL, 1, 1, 0, 1},
    };
    setenv("OTEL_TRACES_EXPORTER", "none", 1);
    otelc_tracer_provider_options o;
    otelc_tracer_provider *on = NULL, *off = NULL;
    otelc_tracer_provider_options_init(&o);
    assert_int_equal(otelc_sampler_always_on(&o.sampler), OTELC_OK);
    assert_int_equal(otelc_tracer_provider_new(&on, &o), OTELC_OK);
    assert_int_equal(otelc_sampler_always_off(&o.sampler), OTELC_OK);
    assert_int_equal(otelc_tracer_provider_new(&off, &o), OTELC_OK);
    otelc_span *sampled =
        otelc_span_start(otelc_tracer_provider_get_tracer(on, "p", NULL, NULL, NULL, 0), "p", NULL);
    otelc_span *unsampled = otelc_span_start(
        otelc_tracer_provider_get_tracer(off, "p", NULL, NULL, NULL, 0), "p", NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].value)
            setenv(SAMPLER, cases[i].value, 1);
        else
            unsetenv(SAMPLER);
        if (cases[i].arg)
            setenv(ARG, cases[i].arg, 1);
        else
            unsetenv(ARG);
        tu_log_clear();
        otelc_sdk *sdk = NULL;
        assert_int_equal(otelc_sdk_init_from_env(&sdk), OTELC_OK);
        otelc_tracer *t = otelc_sdk_get_tracer(sdk, "test", NULL);
        int got[3] = {records(t, NULL), records(t, sampled), records(t, unsampled)};
        if (got[0] != cases[i].root || got[1] != cases[i].under_sampled ||
            got[2] != cases[i].under_unsampled || tu_log_count() != cases[i].warnings)
            fail_msg("%s=%s: got %d %d %d, %d warnings", SAMPLER,
                     cases[i].value ? cases[i].value : "(unset)", got[0], got[1], got[2],
                     tu_log_count());
        otelc_sdk_free(sdk);
    }
    otelc_span_end(sampled);
    otelc_span_end(unsampled);
    otelc_tracer_provider_free(on);
    otelc_tracer_provider_free(off);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_from_env_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_env_unknown_name_warns_and_uses_default, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_from_env_ratio_argument, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_env_rate_argument, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_env_rules_argument, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_env_through_sdk, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
