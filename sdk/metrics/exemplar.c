/* SPDX-License-Identifier: Apache-2.0 */
/* The exemplar filter and the fixed-size and aligned-histogram exemplar reservoirs. */
#include "exemplar.h"

#include <sched.h>
#include <string.h>
#include <strings.h>

#include "sdk/common/alloc.h"
#include "sdk/common/random.h"

int otelc__exemplar_filter_parse(const char *s, enum otelc__exemplar_filter *out)
{
    static const struct {
        const char *name;
        enum otelc__exemplar_filter filter;
    } names[] = {
        {"always_on", OTELC__EXEMPLAR_ALWAYS_ON},
        {"always_off", OTELC__EXEMPLAR_ALWAYS_OFF},
        {"trace_based", OTELC__EXEMPLAR_TRACE_BASED},
    };
    if (!s || !out)
        return OTELC_EPARSE;
    size_t len = strlen(s);
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i].name) == len && strncasecmp(s, names[i].name, len) == 0) {
            *out = names[i].filter;
            return OTELC_OK;
        }
    }
    return OTELC_EPARSE;
}

/* ---- the lock ------------------------------------------------------------------------- */

/* A spin lock: it is held for one attribute copy at most, far shorter than a futex round
 * trip; yielding after a while keeps a preempted holder from costing a whole time slice. */
static void spin_acquire(atomic_flag *f)
{
    unsigned spins = 0;
    while (atomic_flag_test_and_set_explicit(f, memory_order_acquire)) {
        if (++spins > 64) {
            sched_yield();
            spins = 0;
        }
    }
}

static void spin_release(atomic_flag *f) { atomic_flag_clear_explicit(f, memory_order_release); }

/* ---- life ------------------------------------------------------------------------------ */

static int reservoir_alloc(struct otelc__reservoir *r, uint32_t size, int aligned)
{
    struct otelc__exemplar_slot *slots = otelc__calloc(2 * (size_t)size, sizeof *slots);
    if (!slots)
        return OTELC_ENOMEM;
    memset(r, 0, sizeof *r);
    atomic_flag_clear(&r->lock);
    atomic_flag_clear(&r->collect_lock);
    r->aligned = aligned;
    r->size = size;
    r->live = slots;
    r->collected = slots + size;
    return OTELC_OK;
}

int otelc__reservoir_init_fixed(struct otelc__reservoir *r, uint32_t size)
{
    if (!r || size == 0 || size > OTELC__RESERVOIR_MAX_SIZE)
        return OTELC_EINVAL;
    return reservoir_alloc(r, size, 0);
}

int otelc__reservoir_init_aligned(struct otelc__reservoir *r, const double *bounds,
                                  size_t bound_count)
{
    if (!r || (!bounds && bound_count > 0) || bound_count >= OTELC__RESERVOIR_MAX_SIZE)
        return OTELC_EINVAL;
    for (size_t i = 1; i < bound_count; i++) {
        if (!(bounds[i - 1] < bounds[i])) /* also refuses NaN */
            return OTELC_EINVAL;
    }
    return reservoir_alloc(r, (uint32_t)bound_count + 1, 1);
}

void otelc__reservoir_fini(struct otelc__reservoir *r)
{
    if (!r)
        return;
    otelc__free(r->live); /* one block holds both arrays */
    memset(r, 0, sizeof *r);
}

/* ---- offer ----------------------------------------------------------------------------- */

/* A uniform integer in [0, n) (n >= 1), by multiply-high: no division, no modulo bias worth
 * the name for n far below 2^64. */
static uint64_t random_below(uint64_t n)
{
    __extension__ typedef unsigned __int128 u128;
    return (uint64_t)(((u128)otelc__rand64() * n) >> 64);
}

/* Copies the attributes that fit into the slot's fixed storage; pointers to the copied
 * bytes are set when the slot is collected. */
static void copy_attrs(struct otelc__exemplar_slot *s, const otelc_attr *attrs, size_t n)
{
    size_t used = 0, count = 0;
    for (size_t i = 0; i < n && count < OTELC__EXEMPLAR_MAX_ATTRS; i++) {
        const otelc_attr *a = &attrs[i];
        if (!a->key || a->key[0] == '\0')
            continue;
        size_t extra = 0;
        switch (a->value.type) {
        case OTELC_VALUE_STRING:
        case OTELC_VALUE_BYTES:
            if ((!a->value.u.s && a->value.len > 0) || a->value.len >= OTELC__EXEMPLAR_ATTR_BYTES)
                continue;
            extra = a->value.len + 1;
            break;
        case OTELC_VALUE_NONE:
        case OTELC_VALUE_BOOL:
        case OTELC_VALUE_INT:
        case OTELC_VALUE_DOUBLE:
            break;
        default:
            continue; /* arrays: left out rather than copied element by element */
        }
        size_t klen = strlen(a->key);
        if (klen + 1 > OTELC__EXEMPLAR_ATTR_BYTES - used
            || extra > OTELC__EXEMPLAR_ATTR_BYTES - used - (klen + 1))
            continue;
        otelc_attr *d = &s->attrs[count];
        s->key_off[count] = (uint16_t)used;
        memcpy(s->strings + used, a->key, klen + 1);
        used += klen + 1;
        d->key = NULL;
        d->value = a->value;
        if (extra > 0) {
            s->val_off[count] = (uint16_t)used;
            if (a->value.len > 0)
                memcpy(s->strings + used, a->value.u.s, a->value.len);
            s->strings[used + a->value.len] = '\0';
            used += extra;
            d->value.u.s = NULL; /* the caller's pointer must not outlive the offer */
        }
        count++;
    }
    s->str_used = (uint16_t)used;
    s->ex.filtered_attr_count = count;
    s->ex.filtered_attrs = NULL;
}

static void fill_slot(struct otelc__exemplar_slot *s, otelc_metric_number value,
                      uint64_t time_ns, const otelc_span_context *sc, const otelc_attr *attrs,
                      size_t n)
{
    s->used = 1;
    s->ex.value = value;
    s->ex.time_ns = time_ns;
    s->ex.has_span = otelc_span_context_is_valid(sc);
    if (s->ex.has_span) {
        memcpy(s->ex.trace_id, sc->trace_id, sizeof s->ex.trace_id);
        memcpy(s->ex.span_id, sc->span_id, sizeof s->ex.span_id);
    } else {
        memset(s->ex.trace_id, 0, sizeof s->ex.trace_id);
        memset(s->ex.span_id, 0, sizeof s->ex.span_id);
    }
    copy_attrs(s, attrs, n);
}

void otelc__reservoir_offer(struct otelc__reservoir *r, otelc_metric_number value, int is_int,
                            uint64_t time_ns, const otelc_span_context *sc,
                            const otelc_attr *dropped_attrs, size_t n, size_t bucket)
{
    (void)is_int; /* the union is kept whole; the metric says how to read it */
    if (!r || !r->live)
        return;
    if (!dropped_attrs)
        n = 0;
    struct otelc__exemplar_slot *slot = NULL;
    spin_acquire(&r->lock);
    if (r->aligned) {
        /* The spec's per-bucket rule: the k-th measurement of a bucket replaces the kept
         * one with probability 1/k, so each is kept with the same probability. */
        if (bucket < r->size) {
            struct otelc__exemplar_slot *s = &r->live[bucket];
            if (random_below(++s->seen) == 0)
                slot = s;
        }
    } else {
        /* Algorithm R: fill the slots first, then the k-th measurement (k > size) replaces
         * a random slot with probability size/k. */
        uint64_t k = r->seen++;
        uint64_t j = k < r->size ? k : random_below(k + 1);
        if (j < r->size)
            slot = &r->live[j];
    }
    if (slot)
        fill_slot(slot, value, time_ns, sc, dropped_attrs, n);
    spin_release(&r->lock);
}

/* ---- collect --------------------------------------------------------------------------- */

/* Copies the bytes of a live slot that matter (the whole string buffer is rarely used). */
static void copy_slot(struct otelc__exemplar_slot *to, const struct otelc__exemplar_slot *from)
{
    memcpy(to, from, offsetof(struct otelc__exemplar_slot, strings));
    memcpy(to->strings, from->strings, from->str_used);
}

/* Points the collected copy's attributes at its own bytes. */
static void bind_slot(struct otelc__exemplar_slot *s)
{
    size_t n = s->ex.filtered_attr_count;
    for (size_t i = 0; i < n; i++) {
        otelc_attr *a = &s->attrs[i];
        a->key = s->strings + s->key_off[i];
        if (a->value.type == OTELC_VALUE_STRING)
            a->value.u.s = s->strings + s->val_off[i];
        else if (a->value.type == OTELC_VALUE_BYTES)
            a->value.u.bytes = (const uint8_t *)(s->strings + s->val_off[i]);
    }
    s->ex.filtered_attrs = n > 0 ? s->attrs : NULL;
}

size_t otelc__reservoir_collect(struct otelc__reservoir *r, otelc_exemplar *out, size_t cap)
{
    if (!r || !r->live)
        return 0;
    spin_acquire(&r->collect_lock);
    size_t n = 0;
    spin_acquire(&r->lock);
    for (uint32_t i = 0; i < r->size; i++) {
        struct otelc__exemplar_slot *s = &r->live[i];
        s->seen = 0;
        if (!s->used)
            continue;
        s->used = 0;
        if (n < cap)
            copy_slot(&r->collected[n++], s);
    }
    r->seen = 0;
    spin_release(&r->lock);
    for (size_t i = 0; i < n; i++) {
        bind_slot(&r->collected[i]);
        out[i] = r->collected[i].ex;
    }
    spin_release(&r->collect_lock);
    return n;
}
