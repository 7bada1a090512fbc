/* SPDX-License-Identifier: Apache-2.0 */
/* Contexts: immutable reference-counted values, and the per-thread stack of attached ones. */
#include <pthread.h>
#include <string.h>

#include "context_internal.h"
#include "sdk/common/alloc.h"
#include "sdk/common/log_internal.h"
#include "sdk/common/tls.h"
#include "span_internal.h"

/* The empty context is static and never counted, so "no context" costs no allocation. */
static struct otelc_context g_empty;

static int is_static(const otelc_context *c) { return c == &g_empty; }

OTELC_API otelc_context *otelc_context_ref(const otelc_context *c)
{
    otelc_context *m = (otelc_context *)c;
    if (m && !is_static(m))
        atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

OTELC_API void otelc_context_free(otelc_context *c)
{
    if (!c || is_static(c))
        return;
    if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1)
        return;
    otelc_span_release(c->span);
    otelc_baggage_free(c->baggage);
    otelc__free(c);
}

otelc_context *otelc__context_new(otelc_span *span, const otelc_baggage *baggage, uint8_t flags)
{
    if (!span && !baggage && !flags)
        return &g_empty;
    struct otelc_context *c = otelc__malloc(sizeof *c);
    if (!c)
        return NULL;
    atomic_init(&c->refs, 1);
    c->span = otelc_span_ref(span);
    c->baggage = otelc_baggage_ref(baggage);
    c->flags = flags;
    return c;
}

OTELC_API otelc_context *otelc_context_with_span(const otelc_context *base, otelc_span *span)
{
    /* The baggage and propagation flags of base travel on with the new span. */
    return otelc__context_new(span, base ? base->baggage : NULL, base ? base->flags : 0);
}

OTELC_API otelc_context *otelc_context_with_baggage(const otelc_context *base,
                                                    const otelc_baggage *baggage)
{
    return otelc__context_new(base ? base->span : NULL, baggage, base ? base->flags : 0);
}

OTELC_API otelc_span *otelc_context_get_span(const otelc_context *c) { return c ? c->span : NULL; }

OTELC_API otelc_baggage *otelc_context_get_baggage(const otelc_context *c)
{
    return c ? c->baggage : NULL;
}

/* ---- the per-thread stack ---------------------------------------------------------------- */

struct ctx_entry {
    otelc_context *ctx;     /* a reference, or NULL until someone asks for a context object */
    otelc_span *span;       /* a reference (when ctx is NULL or not) */
    otelc_baggage *baggage; /* a reference (when ctx is NULL or not) */
    uint32_t gen;
    uint8_t flags; /* OTELC__CTX_* bits */
    uint8_t dead;  /* detached out of order; removed when it reaches the top */
};

#define OTELC__CTX_INLINE 4u

struct ctx_stack {
    struct ctx_entry *e;
    uint32_t depth, cap, gen;
    uint8_t registered;
    struct ctx_entry inline_e[OTELC__CTX_INLINE];
};

static OTELC__TLS struct ctx_stack t_stack;

/* The span on top of the stack, kept beside it so that starting a span reads one
 * thread-local word (span.c reads it inline). Updated wherever the top changes. */
OTELC__TLS otelc_span *otelc__current_span_tls;

static void sync_top(const struct ctx_stack *st)
{
    otelc__current_span_tls = st->depth ? st->e[st->depth - 1].span : NULL;
}
static pthread_key_t g_stack_key;
static pthread_once_t g_stack_once = PTHREAD_ONCE_INIT;

static void entry_release(struct ctx_entry *en)
{
    otelc_context_free(en->ctx);
    otelc_span_release(en->span);
    otelc_baggage_free(en->baggage);
    en->ctx = NULL;
    en->span = NULL;
    en->baggage = NULL;
}

static void stack_thread_exit(void *p)
{
    struct ctx_stack *st = p;
    while (st->depth)
        entry_release(&st->e[--st->depth]);
    sync_top(st);
    if (st->e != st->inline_e)
        otelc__free(st->e);
    st->e = NULL;
    st->cap = 0;
}

static void stack_key_init(void) { pthread_key_create(&g_stack_key, stack_thread_exit); }

static struct ctx_entry *push(struct ctx_stack *st)
{
    if (!st->e) {
        st->e = st->inline_e;
        st->cap = OTELC__CTX_INLINE;
    }
    if (!st->registered) {
        pthread_once(&g_stack_once, stack_key_init);
        if (pthread_setspecific(g_stack_key, st) != 0)
            return NULL;
        st->registered = 1;
    }
    if (st->depth == st->cap) {
        uint32_t ncap = st->cap * 2;
        struct ctx_entry *ne = otelc__malloc((size_t)ncap * sizeof *ne);
        if (!ne)
            return NULL;
        memcpy(ne, st->e, (size_t)st->depth * sizeof *ne);
        if (st->e != st->inline_e)
            otelc__free(st->e);
        st->e = ne;
        st->cap = ncap;
    }
    struct ctx_entry *en = &st->e[st->depth++];
    en->ctx = NULL;
    en->span = NULL;
    en->baggage = NULL;
    en->flags = 0;
    en->dead = 0;
    en->gen = ++st->gen;
    if (en->gen == 0) /* a zero generation would make a valid-looking zero token */
        en->gen = ++st->gen;
    return en;
}

static otelc_context_token token_of(const struct ctx_stack *st, const struct ctx_entry *en)
{
    otelc_context_token t;
    t.depth = (uint32_t)(en - st->e) + 1;
    t.gen = en->gen;
    return t;
}

static const otelc_context_token zero_token;

otelc_span *otelc__context_current_span(void)
{
    const struct ctx_stack *st = &t_stack;
    return st->depth ? st->e[st->depth - 1].span : NULL;
}

OTELC_API otelc_span *otelc_span_current(void) { return otelc__context_current_span(); }

OTELC_API otelc_baggage *otelc_baggage_current(void)
{
    const struct ctx_stack *st = &t_stack;
    return st->depth ? st->e[st->depth - 1].baggage : NULL;
}

OTELC_API otelc_context_token otelc_context_attach(otelc_context *ctx)
{
    if (!ctx) {
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "otelc_context_attach: NULL context ignored");
        return zero_token;
    }
    struct ctx_stack *st = &t_stack;
    struct ctx_entry *en = push(st);
    if (!en) {
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "out of memory: context not attached");
        return zero_token;
    }
    en->ctx = otelc_context_ref(ctx);
    en->span = otelc_span_ref(ctx->span);
    en->baggage = otelc_baggage_ref(ctx->baggage);
    en->flags = ctx->flags;
    sync_top(st);
    return token_of(st, en);
}

OTELC_API otelc_context_token otelc_span_make_current(otelc_span *span)
{
    struct ctx_stack *st = &t_stack;
    /* A NULL span (disabled SDK) re-attaches what is current, so its token still pairs. The
     * current baggage and propagation flags stay current with the new span. */
    otelc_span *cur = span ? span : otelc__context_current_span();
    otelc_baggage *bag = otelc_baggage_current();
    uint8_t flags = st->depth ? st->e[st->depth - 1].flags : 0;
    struct ctx_entry *en = push(st);
    if (!en) {
        OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "out of memory: span not made current");
        return zero_token;
    }
    en->span = otelc_span_ref(cur);
    en->baggage = otelc_baggage_ref(bag);
    en->flags = flags;
    sync_top(st);
    return token_of(st, en);
}

OTELC_API void otelc_context_detach(otelc_context_token t)
{
    struct ctx_stack *st = &t_stack;
    if (t.depth == 0)
        return;
    if (t.depth > st->depth || st->e[t.depth - 1].gen != t.gen || st->e[t.depth - 1].dead) {
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "otelc_context_detach: stale or foreign token "
                                             "ignored (detached twice, or on another thread?)");
        return;
    }
    if (t.depth != st->depth) {
        /* Out of order: drop only that entry, so the innermost attach stays current and
         * every other token stays valid. */
        OTELC__LOG_THROTTLED(OTELC_LOG_WARN, "otelc_context_detach: scopes detached out of "
                                             "order; the current context is unchanged");
        entry_release(&st->e[t.depth - 1]);
        st->e[t.depth - 1].dead = 1;
        return;
    }
    entry_release(&st->e[--st->depth]);
    while (st->depth && st->e[st->depth - 1].dead)
        st->depth--;
    sync_top(st);
}

OTELC_API otelc_context *otelc_context_current(void)
{
    struct ctx_stack *st = &t_stack;
    if (!st->depth)
        return &g_empty;
    struct ctx_entry *en = &st->e[st->depth - 1];
    if (!en->ctx) {
        en->ctx = otelc__context_new(en->span, en->baggage, en->flags);
        if (!en->ctx) {
            OTELC__LOG_THROTTLED(OTELC_LOG_ERROR, "out of memory: returning the empty context");
            return &g_empty;
        }
    }
    return otelc_context_ref(en->ctx);
}
