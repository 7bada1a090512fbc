/* SPDX-License-Identifier: Apache-2.0 */
/* Resources: immutable, reference-counted attribute sets with a schema URL, the SDK default
 * resource built from the environment, and the specification's Merge. */
#include "resource_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "arena.h"
#include "attrs.h"
#include "env.h"
#include "log_internal.h"
#include "otelc/common.h"
#include "otelc/version.h"

struct otelc_resource {
    _Atomic uint32_t refs;
    struct otelc__attrs attrs;  /* items, keys and values live in the arena */
    struct otelc__arena arena;
    const char *schema_url;     /* in the arena; NULL when none */
};

static struct otelc_resource *resource_alloc(void)
{
    struct otelc_resource *r = otelc__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    atomic_init(&r->refs, 1);
    otelc__attrs_init(&r->attrs, NULL, 0);
    otelc__arena_init(&r->arena, NULL, 0);
    return r;
}

static void resource_destroy(struct otelc_resource *r)
{
    otelc__arena_reset(&r->arena, NULL, 0);
    otelc__free(r);
}

/* Resources keep everything they are given: no count or length limit applies. */
static int resource_set(struct otelc_resource *r, const char *key, const otelc_value *v)
{
    return otelc__attrs_set(&r->attrs, &r->arena, key, v, UINT32_MAX, UINT32_MAX);
}

static int resource_set_str(struct otelc_resource *r, const char *key, const char *s, size_t len)
{
    otelc_value v = otelc_value_strn(s, len);
    return resource_set(r, key, &v);
}

/* An empty schema URL is the same as none. */
static int resource_set_schema(struct otelc_resource *r, const char *url)
{
    if (!url || !url[0])
        return OTELC_OK;
    r->schema_url = otelc__arena_strndup(&r->arena, url, strlen(url));
    return r->schema_url ? OTELC_OK : OTELC_ENOMEM;
}

static int resource_copy_attrs(struct otelc_resource *r, const otelc_resource *src)
{
    if (!src)
        return OTELC_OK;
    for (uint32_t i = 0; i < src->attrs.count; i++) {
        int rc = resource_set(r, src->attrs.items[i].key, &src->attrs.items[i].value);
        if (rc != OTELC_OK)
            return rc;
    }
    return OTELC_OK;
}

OTELC_API int otelc_resource_new(otelc_resource **out, const otelc_attr *attrs, size_t n,
                                 const char *schema_url)
{
    if (!out || (!attrs && n > 0))
        return OTELC_EINVAL;
    struct otelc_resource *r = resource_alloc();
    if (!r)
        return OTELC_ENOMEM;
    int rc = resource_set_schema(r, schema_url);
    for (size_t i = 0; i < n && rc == OTELC_OK; i++) {
        if (!attrs[i].key || !attrs[i].key[0] || attrs[i].value.type == OTELC_VALUE_NONE)
            continue;
        rc = resource_set(r, attrs[i].key, &attrs[i].value);
    }
    if (rc != OTELC_OK) {
        resource_destroy(r);
        return rc;
    }
    *out = r;
    return OTELC_OK;
}

/* The specification's schema URL rule for Merge: the one that is set wins; two different
 * ones are a merging error, and the result then has none. */
static const char *merged_schema_url(const otelc_resource *old, const otelc_resource *updating)
{
    const char *a = old ? old->schema_url : NULL;
    const char *b = updating ? updating->schema_url : NULL;
    if (!a)
        return b;
    if (!b || strcmp(a, b) == 0)
        return a;
    otelc__log(OTELC_LOG_WARN,
               "resource merge: schema URLs \"%s\" and \"%s\" differ; the result has none", a,
               b);
    return NULL;
}

OTELC_API int otelc_resource_merge(otelc_resource **out, const otelc_resource *old,
                                   const otelc_resource *updating)
{
    if (!out)
        return OTELC_EINVAL;
    struct otelc_resource *r = resource_alloc();
    if (!r)
        return OTELC_ENOMEM;
    int rc = resource_copy_attrs(r, old);
    if (rc == OTELC_OK)
        rc = resource_copy_attrs(r, updating);
    if (rc == OTELC_OK)
        rc = resource_set_schema(r, merged_schema_url(old, updating));
    if (rc != OTELC_OK) {
        resource_destroy(r);
        return rc;
    }
    *out = r;
    return OTELC_OK;
}

/* Writes "unknown_service:<executable>" into buf and returns its length. The executable is the
 * basename of /proc/self/exe, so a program started through a symlink or with a rewritten
 * argv[0] still gets its real name. */
static size_t default_service_name(char *buf, size_t size)
{
    static const char deleted[] = " (deleted)";
    char path[PATH_MAX];
    const char *name = NULL;
    ssize_t n = readlink("/proc/self/exe", path, sizeof path);
    if (n > 0 && (size_t)n < sizeof path) {
        size_t len = (size_t)n;
        /* The kernel marks an executable replaced on disk since it was started. */
        if (len > sizeof deleted - 1 &&
            memcmp(path + len - (sizeof deleted - 1), deleted, sizeof deleted - 1) == 0)
            len -= sizeof deleted - 1;
        path[len] = '\0';
        const char *slash = strrchr(path, '/');
        name = slash ? slash + 1 : path;
    }
    if (!name || !name[0])
        name = program_invocation_short_name;
    if (!name || !name[0])
        name = "unknown";
    int w = snprintf(buf, size, "unknown_service:%s", name);
    if (w < 0)
        return 0;
    return (size_t)w < size ? (size_t)w : size - 1;
}

static int resource_set_sdk_defaults(struct otelc_resource *r)
{
    static const char lang[] = "c", sdk[] = "otelc", version[] = OTELC_VERSION_STRING;
    char service[PATH_MAX + 32];
    size_t service_len = default_service_name(service, sizeof service);
    int rc = resource_set_str(r, "telemetry.sdk.name", sdk, sizeof sdk - 1);
    if (rc == OTELC_OK)
        rc = resource_set_str(r, "telemetry.sdk.language", lang, sizeof lang - 1);
    if (rc == OTELC_OK)
        rc = resource_set_str(r, "telemetry.sdk.version", version, sizeof version - 1);
    if (rc == OTELC_OK)
        rc = resource_set_str(r, "service.name", service, service_len);
    if (rc == OTELC_OK) {
        /* The process detector's pid: after fork() the provider replaces it with the child's
         * (see provider.c), so every process's spans say which process made them. */
        otelc_value pid = otelc_value_int((int64_t)getpid());
        rc = resource_set(r, "process.pid", &pid);
    }
    return rc;
}

/* State of one pass over OTEL_RESOURCE_ATTRIBUTES: the first pass (r NULL) only decodes, so
 * a bad member found late leaves nothing behind; the second one sets the attributes. */
struct env_pass {
    struct otelc_resource *r;
    char *scratch; /* room for a decoded key, its NUL and the decoded value */
};

static int env_member(const char *k, size_t kl, const char *v, size_t vl, void *ud)
{
    struct env_pass *p = ud;
    char *key = p->scratch;
    char *val = p->scratch + kl + 1;
    size_t key_len, val_len;
    if (otelc__percent_decode(k, kl, key, &key_len) != OTELC_OK)
        return OTELC_EPARSE;
    /* A key is a C string: "%00" would silently cut it short. */
    if (key_len == 0 || memchr(key, '\0', key_len))
        return OTELC_EPARSE;
    key[key_len] = '\0';
    if (otelc__percent_decode(v, vl, val, &val_len) != OTELC_OK)
        return OTELC_EPARSE;
    if (!p->r)
        return OTELC_OK;
    return resource_set_str(p->r, key, val, val_len);
}

static int resource_set_env_attributes(struct otelc_resource *r)
{
    const char *s = otelc__getenv("OTEL_RESOURCE_ATTRIBUTES");
    if (!s)
        return OTELC_OK;
    size_t len = strlen(s);
    struct env_pass pass = {NULL, otelc__malloc(len + 2)};
    if (!pass.scratch)
        return OTELC_ENOMEM;
    int rc = otelc__parse_kv_list(s, len, env_member, &pass);
    if (rc == OTELC_OK) {
        pass.r = r;
        rc = otelc__parse_kv_list(s, len, env_member, &pass);
    } else if (rc == OTELC_EPARSE) {
        /* The value may hold secrets (tokens in attributes): it is not printed. */
        otelc__log(OTELC_LOG_WARN,
                   "OTEL_RESOURCE_ATTRIBUTES is malformed (a member without '=', an empty key "
                   "or a bad percent-escape); the whole variable is ignored");
        rc = OTELC_OK;
    }
    otelc__free(pass.scratch);
    return rc;
}

OTELC_API int otelc_resource_default(otelc_resource **out)
{
    if (!out)
        return OTELC_EINVAL;
    struct otelc_resource *r = resource_alloc();
    if (!r)
        return OTELC_ENOMEM;
    int rc = resource_set_sdk_defaults(r);
    if (rc == OTELC_OK)
        rc = resource_set_env_attributes(r);
    if (rc == OTELC_OK) {
        const char *service = otelc__getenv("OTEL_SERVICE_NAME");
        if (service)
            rc = resource_set_str(r, "service.name", service, strlen(service));
    }
    if (rc != OTELC_OK) {
        resource_destroy(r);
        return rc;
    }
    *out = r;
    return OTELC_OK;
}

OTELC_API size_t otelc_resource_attr_count(const otelc_resource *r)
{
    return r ? r->attrs.count : 0;
}

OTELC_API const otelc_attr *otelc_resource_attr_at(const otelc_resource *r, size_t i)
{
    return r && i < r->attrs.count ? &r->attrs.items[i] : NULL;
}

OTELC_API const otelc_value *otelc_resource_get(const otelc_resource *r, const char *key)
{
    return r ? otelc__attrs_find(&r->attrs, key) : NULL;
}

OTELC_API const char *otelc_resource_schema_url(const otelc_resource *r)
{
    return r ? r->schema_url : NULL;
}

otelc_resource *otelc__resource_ref(const otelc_resource *r)
{
    /* The reference count is the one mutable part of an immutable resource. */
    struct otelc_resource *m = (struct otelc_resource *)r;
    if (m)
        atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

OTELC_API void otelc_resource_free(otelc_resource *r)
{
    if (r && atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) == 1)
        resource_destroy(r);
}

otelc_resource *otelc__resource_with_pid(const otelc_resource *r, int64_t pid)
{
    const otelc_value *old = otelc_resource_get(r, "process.pid");
    if (!old || old->type != OTELC_VALUE_INT || old->u.i == pid)
        return NULL;
    otelc_attr a = otelc_attr_int("process.pid", pid);
    otelc_resource *upd = NULL, *merged = NULL;
    if (otelc_resource_new(&upd, &a, 1, NULL) != OTELC_OK ||
        otelc_resource_merge(&merged, r, upd) != OTELC_OK) {
        otelc__log(OTELC_LOG_ERROR, "out of memory after fork: process.pid keeps the parent's");
        merged = NULL;
    }
    otelc_resource_free(upd);
    return merged;
}
