/* SPDX-License-Identifier: Apache-2.0 */
/* One-call SDK set-up from the OTEL_* environment variables (the tracer and meter providers),
 * and the global tracer provider. */
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "exporters/otlp/otlp_env.h"
#include "otelc/exporters.h"
#include "otelc/otlp.h"
#include "otelc/otlp_grpc.h"
#include "otelc/propagation.h"
#include "otelc/sdk.h"
#include "propagators/propagator_internal.h"
#include "samplers/sampler_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/clock.h"
#include "sdk/common/env.h"
#include "sdk/common/log_internal.h"
#include "sdk/common/tsc_clock.h"
#include "sdk_env_internal.h"

struct otelc_sdk {
    otelc_tracer_provider *tp; /* NULL when disabled */
    otelc_meter_provider *mp;  /* NULL when disabled */
    otelc_propagator *propagator; /* from OTEL_PROPAGATORS; installed as the global one */
    int disabled;
    int shut_down;             /* only tracked for a disabled SDK; the provider tracks its own */
};

static _Atomic(otelc_tracer_provider *) g_tracer_provider;

OTELC_API otelc_tracer_provider *otelc_global_tracer_provider(void)
{
    return atomic_load_explicit(&g_tracer_provider, memory_order_acquire);
}

OTELC_API void otelc_set_global_tracer_provider(otelc_tracer_provider *tp)
{
    atomic_store_explicit(&g_tracer_provider, tp, memory_order_release);
}

/* Names longer than this are cut in warnings, so a runaway variable cannot flood the log. */
#define NAME_LOG_MAX 64

/* ---- Exporters ------------------------------------------------------------------------ */

/* The exporters this build can make are the OTELC__EXPORTER_* kinds of sdk_env_internal.h. */
#define EXPORTER_CONSOLE OTELC__EXPORTER_CONSOLE
#define EXPORTER_OTLP OTELC__EXPORTER_OTLP
#define EXPORTER_KIND_COUNT OTELC__EXPORTER_KIND_COUNT

/* The console exporter in the format OTELC_CONSOLE_FORMAT names: json (the default) or tree. */
static int make_console(otelc_span_exporter **out)
{
    static const char *const formats[] = {"json", "tree", NULL};
    otelc_console_exporter_options o;
    otelc_console_exporter_options_init(&o);
    if (otelc__env_choice("OTELC_CONSOLE_FORMAT", formats, 0) == 1)
        o.format = OTELC_CONSOLE_TREE;
    return otelc_console_exporter_new(out, &o);
}

/* OTLP configured by the OTEL_EXPORTER_OTLP_* variables: over gRPC when the protocol is grpc,
 * else over HTTP (http/protobuf or http/json). */
static int make_otlp(otelc_span_exporter **out)
{
    if (otelc__otlp_env_grpc("TRACES")) {
        otelc_otlp_grpc_exporter_options g;
        otelc_otlp_grpc_exporter_options_init(&g);
        otelc_otlp_grpc_exporter_options_from_env(&g);
        return otelc_otlp_grpc_exporter_new(out, &g);
    }
    otelc_otlp_http_exporter_options o;
    otelc_otlp_http_exporter_options_init(&o);
    otelc_otlp_http_exporter_options_from_env(&o);
    int rc = otelc_otlp_http_exporter_new(out, &o);
    if (rc == OTELC_EINVAL && o.headers) {
        /* A bad value gets the default (no headers), as for every other variable; the value
         * itself may hold a credential and is not shown. */
        otelc__log(OTELC_LOG_WARN, "OTEL_EXPORTER_OTLP_HEADERS (or its TRACES_ variant) is "
                                   "malformed; exporting without these headers");
        o.headers = NULL;
        rc = otelc_otlp_http_exporter_new(out, &o);
    }
    return rc;
}

static int (*const k_exporter_makers[EXPORTER_KIND_COUNT])(otelc_span_exporter **out) = {
    make_console,
    make_otlp,
};

/* The OTEL_{TRACES,METRICS}_EXPORTER values this build knows. kind -1 is "none". */
static const struct exporter_choice {
    const char *name;
    int kind;
    const char *warning; /* logged once when the name is used; NULL for none */
} k_exporters[] = {
    {"console", EXPORTER_CONSOLE, NULL},
    {"otlp", EXPORTER_OTLP, NULL},
    {"none", -1, NULL},
};
#define EXPORTER_CHOICE_COUNT (sizeof k_exporters / sizeof k_exporters[0])

/* Calls fn for each trimmed, non-empty entry of a comma-separated list, stopping at (and
 * returning) the first non-zero result. */
static int for_each_entry(const char *list, int (*fn)(const char *s, size_t n, void *ud),
                          void *ud)
{
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *s = p;
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        otelc__trim(&s, &n);
        if (n > 0) {
            int rc = fn(s, n, ud);
            if (rc != 0)
                return rc;
        }
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int exporter_choice_index(const char *s, size_t n)
{
    for (size_t i = 0; i < EXPORTER_CHOICE_COUNT; i++)
        if (strlen(k_exporters[i].name) == n && strncasecmp(k_exporters[i].name, s, n) == 0)
            return (int)i;
    return -1;
}

/* A search for an entry equal to (s, n) that comes before s in the list. */
struct earlier_search {
    const char *s;
    size_t n;
};

static int is_earlier_duplicate(const char *s, size_t n, void *ud)
{
    struct earlier_search *q = ud;
    if (s >= q->s)
        return -1; /* reached the entry itself: no earlier duplicate */
    return n == q->n && strncasecmp(s, q->s, n) == 0;
}

/* What the exporter list asks for. */
struct exporter_list {
    const char *var;  /* the variable's name, for warnings */
    const char *list;
    unsigned wanted;  /* bits of enum exporter_kind */
    int recognised;   /* entries with a known name, "none" included */
    int none;         /* "none" was listed */
    int warn_unknown; /* second pass: warn about unknown names */
};

static int exporter_entry(const char *s, size_t n, void *ud)
{
    struct exporter_list *l = ud;
    struct earlier_search q = {s, n};
    if (for_each_entry(l->list, is_earlier_duplicate, &q) == 1)
        return 0; /* duplicates are removed */
    int i = exporter_choice_index(s, n);
    if (l->warn_unknown) {
        if (i < 0)
            otelc__log(OTELC_LOG_WARN, "%s: unknown exporter \"%.*s\" is ignored%s", l->var,
                       (int)(n < NAME_LOG_MAX ? n : NAME_LOG_MAX), s,
                       l->recognised ? "" : "; using the default (console)");
        return 0;
    }
    if (i < 0)
        return 0;
    l->recognised++;
    if (k_exporters[i].kind < 0) {
        l->none = 1;
        return 0;
    }
    l->wanted |= 1u << k_exporters[i].kind;
    if (k_exporters[i].warning)
        otelc__log(OTELC_LOG_WARN, "%s", k_exporters[i].warning);
    return 0;
}

/* Unset, or nothing recognised in the list, means otelc's default: console (the
 * specification's default is otlp; otelc keeps console so that a program set up from the
 * environment never sends telemetry over the network unasked). */
unsigned otelc__exporters_from_env(const char *var)
{
    struct exporter_list l = {var, otelc__getenv(var), 0, 0, 0, 0};
    if (!l.list)
        return 1u << EXPORTER_CONSOLE;
    for_each_entry(l.list, exporter_entry, &l);
    l.warn_unknown = 1;
    for_each_entry(l.list, exporter_entry, &l);
    if (l.recognised == 0)
        return 1u << EXPORTER_CONSOLE;
    if (l.none && l.wanted)
        otelc__log(OTELC_LOG_WARN, "%s: \"none\" listed with other exporters is ignored", var);
    return l.wanted;
}

/* The processor each exporter is given; it takes the exporter over on success only. */
/* The batch processor with the OTEL_BSP_* settings: the production default. */
static int make_processor(otelc_span_processor **out, otelc_span_exporter *exporter)
{
    otelc_batch_span_processor_options o;
    otelc_batch_span_processor_options_from_env(&o);
    return otelc_batch_span_processor_new(out, exporter, &o);
}

const char *otelc__exporter_kind_name(int kind)
{
    for (size_t i = 0; i < EXPORTER_CHOICE_COUNT; i++)
        if (k_exporters[i].kind == kind)
            return k_exporters[i].name;
    return "?";
}

/* Builds one processor per wanted exporter into procs; on failure frees what it built. */
static int build_processors(unsigned wanted, otelc_span_processor **procs, size_t *count)
{
    *count = 0;
    for (int k = 0; k < EXPORTER_KIND_COUNT; k++) {
        if (!(wanted & (1u << k)))
            continue;
        otelc_span_exporter *e = NULL;
        int rc = k_exporter_makers[k](&e);
        if (rc == OTELC_OK) {
            rc = make_processor(&procs[*count], e);
            if (rc != OTELC_OK)
                otelc_span_exporter_free(e);
        }
        if (rc != OTELC_OK && rc != OTELC_ENOMEM) {
            /* Bad configuration never stops the SDK: this exporter is left out, loudly. */
            otelc__log(OTELC_LOG_ERROR, "the %s span exporter cannot be created (%s); its spans "
                                        "are not exported", otelc__exporter_kind_name(k),
                       otelc_strerror(rc));
            continue;
        }
        if (rc != OTELC_OK) {
            while (*count > 0)
                otelc_span_processor_free(procs[--*count]);
            return rc;
        }
        ++*count;
    }
    return OTELC_OK;
}

/* ---- The SDK object ------------------------------------------------------------------- */

/* The provider's resource is left NULL: the provider then uses otelc_resource_default(),
 * which reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (building it here too would read
 * them twice and warn twice about a bad value). */
static int build_provider(otelc_tracer_provider **out)
{
    otelc_span_processor *procs[EXPORTER_KIND_COUNT];
    size_t proc_count = 0;
    otelc_sampler *sampler = NULL;
    otelc_tracer_provider_options opt;
    otelc_tracer_provider_options_init(&opt);
    otelc_span_limits_from_env(&opt.limits);

    int rc = otelc__sampler_from_env(&sampler);
    if (rc != OTELC_OK)
        return rc;
    rc = build_processors(otelc__exporters_from_env("OTEL_TRACES_EXPORTER"), procs, &proc_count);
    if (rc != OTELC_OK)
        goto out;
    opt.sampler = sampler;
    opt.processors = procs;
    opt.processor_count = proc_count;
    rc = otelc_tracer_provider_new(out, &opt);
    if (rc == OTELC_OK) {
        sampler = NULL; /* taken over by the provider */
        proc_count = 0;
    }
out:
    while (proc_count > 0)
        otelc_span_processor_free(procs[--proc_count]);
    otelc_sampler_free(sampler);
    return rc;
}

OTELC_API int otelc_sdk_init_from_env(otelc_sdk **out)
{
    if (!out)
        return OTELC_EINVAL;
    otelc__log_reload_env();
    struct otelc_sdk *sdk = otelc__calloc(1, sizeof *sdk);
    if (!sdk)
        return OTELC_ENOMEM;
    /* Propagation works even when the SDK is disabled, so that a disabled service still
     * passes the context it received on to the services it calls. */
    int rc = otelc_propagators_from_env(&sdk->propagator);
    if (rc != OTELC_OK) {
        otelc__free(sdk);
        return rc;
    }
    if (otelc__env_bool("OTEL_SDK_DISABLED", 0)) {
        sdk->disabled = 1;
    } else {
        /* The span clock registers its fork hook on first use, under the fork registry's lock.
         * Its first use is made here, before any worker thread exists: made by a batch worker
         * that holds its own lock, it can deadlock with a fork() whose prepare hooks hold the
         * registry's lock and wait for that worker's. */
        otelc__tsc_refresh();
        rc = build_provider(&sdk->tp);
        /* The same resource for both signals, read from the environment once. */
        if (rc == OTELC_OK)
            rc = otelc__meter_provider_from_env(&sdk->mp,
                                                otelc_tracer_provider_resource(sdk->tp));
        if (rc != OTELC_OK) {
            otelc_tracer_provider_free(sdk->tp);
            otelc_propagator_free(sdk->propagator);
            otelc__free(sdk);
            return rc;
        }
        otelc_set_global_tracer_provider(sdk->tp);
        otelc_set_global_meter_provider(sdk->mp);
    }
    otelc_set_global_propagator(sdk->propagator);
    *out = sdk;
    return OTELC_OK;
}

OTELC_API otelc_tracer_provider *otelc_sdk_tracer_provider(const otelc_sdk *sdk)
{
    return sdk ? sdk->tp : NULL;
}

OTELC_API otelc_tracer *otelc_sdk_get_tracer(otelc_sdk *sdk, const char *name,
                                             const char *version)
{
    if (!sdk || !sdk->tp)
        return NULL;
    return otelc_tracer_provider_get_tracer(sdk->tp, name, version, NULL, NULL, 0);
}

OTELC_API otelc_meter_provider *otelc_sdk_meter_provider(const otelc_sdk *sdk)
{
    return sdk ? sdk->mp : NULL;
}

OTELC_API otelc_meter *otelc_sdk_get_meter(otelc_sdk *sdk, const char *name, const char *version)
{
    if (!sdk || !sdk->mp)
        return NULL;
    return otelc_meter_provider_get_meter(sdk->mp, name, version, NULL, NULL, 0);
}

OTELC_API int otelc_sdk_is_disabled(const otelc_sdk *sdk) { return sdk ? sdk->disabled : 0; }

OTELC_API void otelc_sdk_get_stats(const otelc_sdk *sdk, otelc_span_processor_stats *stats)
{
    /* A disabled SDK has no provider, and a NULL provider gives all-zero counters. */
    otelc_tracer_provider_get_stats(sdk ? sdk->tp : NULL, stats);
}

/* What is left of the time between start_ns (monotonic) and start_ns + timeout_ms. */
static uint32_t remaining_ms(uint64_t start_ns, uint32_t timeout_ms)
{
    uint64_t spent_ms = (otelc__mono_ns() - start_ns) / 1000000u;
    return spent_ms >= timeout_ms ? 0 : timeout_ms - (uint32_t)spent_ms;
}

/* Spans first: exemplars point at them, and the spans usually carry more data. The metrics
 * get what the spans left of the one deadline, and both are always asked. */
OTELC_API int otelc_sdk_force_flush(otelc_sdk *sdk, uint32_t timeout_ms)
{
    if (!sdk)
        return OTELC_EINVAL;
    if (!sdk->tp)
        return OTELC_OK;
    uint64_t start = otelc__mono_ns();
    int rc = otelc_tracer_provider_force_flush(sdk->tp, timeout_ms);
    int mrc = otelc_meter_provider_force_flush(sdk->mp, remaining_ms(start, timeout_ms));
    return rc != OTELC_OK ? rc : mrc;
}

OTELC_API int otelc_sdk_shutdown(otelc_sdk *sdk, uint32_t timeout_ms)
{
    if (!sdk)
        return OTELC_EINVAL;
    if (sdk->tp) {
        uint64_t start = otelc__mono_ns();
        int rc = otelc_tracer_provider_shutdown(sdk->tp, timeout_ms);
        int mrc = otelc_meter_provider_shutdown(sdk->mp, remaining_ms(start, timeout_ms));
        return rc != OTELC_OK ? rc : mrc;
    }
    if (sdk->shut_down)
        return OTELC_ESHUTDOWN;
    sdk->shut_down = 1;
    return OTELC_OK;
}

OTELC_API void otelc_sdk_free(otelc_sdk *sdk)
{
    if (!sdk)
        return;
    if (sdk->tp) {
        /* Unset the global only if it is still ours: someone may have installed another. */
        otelc_tracer_provider *expected = sdk->tp;
        atomic_compare_exchange_strong_explicit(&g_tracer_provider, &expected, NULL,
                                                memory_order_acq_rel, memory_order_acquire);
        otelc_tracer_provider_free(sdk->tp);
    }
    /* It unsets the global meter provider when that is still this one. */
    otelc_meter_provider_free(sdk->mp);
    otelc__unset_global_propagator(sdk->propagator);
    otelc_propagator_free(sdk->propagator);
    otelc__free(sdk);
}
