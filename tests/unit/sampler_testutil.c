/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the sampler tests (see sampler_testutil.h). */
#include "testutil.h"

#include <string.h>

#include "sampler_testutil.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

void st_id(uint8_t out[16], const char *hex32)
{
    assert_int_equal(strlen(hex32), 32);
    for (int i = 0; i < 16; i++) {
        int hi = hexval(hex32[2 * i]), lo = hexval(hex32[2 * i + 1]);
        assert_true(hi >= 0 && lo >= 0);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
}

otelc_span_context st_parent(const uint8_t *trace_id, int remote, int sampled,
                             const otelc_tracestate *ts)
{
    otelc_span_context c;
    memset(&c, 0, sizeof c);
    if (trace_id)
        memcpy(c.trace_id, trace_id, 16);
    else
        memset(c.trace_id, 0xab, 16);
    memset(c.span_id, 0xcd, 8);
    c.is_remote = (uint8_t)remote;
    c.trace_flags = sampled ? OTELC_TRACE_FLAG_SAMPLED : 0;
    c.tracestate = ts;
    return c;
}

otelc_sampling_result st_run(otelc_sampler *s, const uint8_t tid[16],
                             const otelc_span_context *parent)
{
    otelc_sampling_params p;
    memset(&p, 0, sizeof p);
    p.parent = parent;
    p.trace_id = tid;
    p.name = "span";
    p.kind = OTELC_SPAN_KIND_INTERNAL;
    otelc_sampling_result r;
    otelc_sampler_should_sample(s, &p, &r);
    return r;
}

otelc_sampling_decision st_decide(otelc_sampler *s, const uint8_t tid[16],
                                  const otelc_span_context *parent)
{
    otelc_sampling_result r = st_run(s, tid, parent);
    otelc_tracestate_free(r.tracestate);
    return r.decision;
}

otelc_sampling_decision st_decide_span(otelc_sampler *s, const uint8_t tid[16], const char *name,
                                       otelc_span_kind kind, const otelc_attr *attrs, size_t n)
{
    otelc_sampling_params p;
    memset(&p, 0, sizeof p);
    p.trace_id = tid;
    p.name = name;
    p.kind = kind;
    p.attrs = attrs;
    p.attr_count = n;
    otelc_sampling_result r;
    otelc_sampler_should_sample(s, &p, &r);
    otelc_tracestate_free(r.tracestate);
    return r.decision;
}

uint64_t st_rand64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void st_random_id(uint64_t *state, uint8_t out[16])
{
    uint64_t a = st_rand64(state), b = st_rand64(state);
    memcpy(out, &a, 8);
    memcpy(out + 8, &b, 8);
}

otelc_tracestate *st_ts(const char *header)
{
    otelc_tracestate *ts = NULL;
    assert_int_equal(otelc_tracestate_new(&ts, header, strlen(header)), OTELC_OK);
    return ts;
}

void st_each_alloc_failure(int (*build)(otelc_sampler **out, void *ud), void *ud)
{
    for (uint64_t fail = 1;; fail++) {
        otelc_sampler *s = NULL;
        tu_alloc_install(fail);
        int rc = build(&s, ud);
        int failed = tu_alloc_failed();
        if (rc == OTELC_OK)
            otelc_sampler_free(s);
        else
            assert_int_equal(rc, OTELC_ENOMEM);
        assert_int_equal(tu_alloc_live(), 0);
        tu_alloc_uninstall();
        if (!failed)
            return;
    }
}
