/* SPDX-License-Identifier: Apache-2.0 */
/* The bounded JSON reader of json_calls.h: a recursive-descent parser over the caller's
 * buffer that allocates nothing. */
#include "json_calls.h"

#include <stdint.h>
#include <string.h>

struct reader {
    const char *p, *end;
    const char *why;
};

static int fail(struct reader *r, const char *why)
{
    if (!r->why)
        r->why = why;
    return -1;
}

static void skip_ws(struct reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int expect(struct reader *r, char c)
{
    skip_ws(r);
    if (r->p == r->end || *r->p != c)
        return fail(r, "unexpected character");
    r->p++;
    return 0;
}

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Appends code point cp as UTF-8 to out[*n..cap); -1 when it does not fit. */
static int put_utf8(char *out, size_t *n, size_t cap, uint32_t cp)
{
    char b[4];
    size_t k;
    if (cp < 0x80) {
        b[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | cp >> 12);
        b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        b[0] = (char)(0xf0 | cp >> 18);
        b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        k = 4;
    }
    if (cap - *n < k)
        return -1;
    memcpy(out + *n, b, k);
    *n += k;
    return 0;
}

/* A \u escape (r->p just after the 'u'), joining a surrogate pair into one code point. */
static int unicode_escape(struct reader *r, uint32_t *cp)
{
    if (r->end - r->p < 4 || hex4(r->p, cp) != 0)
        return fail(r, "bad \\u escape");
    r->p += 4;
    if (*cp >= 0xdc00 && *cp <= 0xdfff)
        return fail(r, "lone low surrogate");
    if (*cp >= 0xd800 && *cp <= 0xdbff) {
        uint32_t lo;
        if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || hex4(r->p + 2, &lo) != 0 ||
            lo < 0xdc00 || lo > 0xdfff)
            return fail(r, "lone high surrogate");
        r->p += 6;
        *cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    return 0;
}

/* A string; decoded into out (cap bytes, NUL-terminated) when out is not NULL. */
static int string(struct reader *r, char *out, size_t cap)
{
    size_t n = 0;
    if (expect(r, '"') != 0)
        return -1;
    while (r->p < r->end) {
        unsigned char c = (unsigned char)*r->p++;
        uint32_t cp = c;
        if (c == '"') {
            if (out)
                out[n] = '\0';
            return 0;
        }
        if (c < 0x20)
            return fail(r, "control character in a string");
        if (c == '\\') {
            if (r->p == r->end)
                break;
            char e = *r->p++;
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *k = e ? strchr(from, e) : NULL;
            if (k)
                cp = (unsigned char)to[k - from];
            else if (e != 'u' || unicode_escape(r, &cp) != 0)
                return fail(r, "bad escape");
        }
        if (out) {
            /* The url becomes a C string, so it cannot hold a NUL. */
            if (cp == 0)
                return fail(r, "NUL in a string");
            if (put_utf8(out, &n, cap - 1, cp) != 0)
                return fail(r, "string too long");
        }
    }
    return fail(r, "unterminated string");
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int digits(struct reader *r)
{
    if (r->p == r->end || !is_digit(*r->p))
        return fail(r, "bad number");
    while (r->p < r->end && is_digit(*r->p))
        r->p++;
    return 0;
}

static int number(struct reader *r)
{
    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p < r->end && *r->p == '0')
        r->p++;
    else if (digits(r) != 0)
        return -1;
    if (r->p < r->end && *r->p == '.') {
        r->p++;
        if (digits(r) != 0)
            return -1;
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        if (digits(r) != 0)
            return -1;
    }
    return 0;
}

static int literal(struct reader *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return fail(r, "unexpected word");
    r->p += n;
    return 0;
}

static int value(struct reader *r, int depth);

/* An array or object body after its opening bracket, up to and including the closing one. */
static int container(struct reader *r, char close, int depth)
{
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        if (close == '}' && (string(r, NULL, 0) != 0 || expect(r, ':') != 0))
            return -1;
        if (value(r, depth) != 0)
            return -1;
        skip_ws(r);
        if (r->p == r->end)
            return fail(r, "unterminated array or object");
        char c = *r->p++;
        if (c == close)
            return 0;
        if (c != ',')
            return fail(r, "expected ',' or a closing bracket");
    }
}

static int value(struct reader *r, int depth)
{
    skip_ws(r);
    if (r->p == r->end)
        return fail(r, "missing value");
    if (depth > JSON_DEPTH_MAX)
        return fail(r, "nested too deep");
    switch (*r->p) {
    case '"':
        return string(r, NULL, 0);
    case '[':
    case '{': {
        char close = *r->p == '[' ? ']' : '}';
        r->p++;
        return container(r, close, depth + 1);
    }
    case 't':
        return literal(r, "true");
    case 'f':
        return literal(r, "false");
    case 'n':
        return literal(r, "null");
    default:
        return number(r);
    }
}

/* One element: {"url": "...", "arguments": ...}; other members are read and ignored. */
static int element(struct reader *r, struct call *c)
{
    char key[16];
    int have_url = 0;
    c->args = "[]";
    c->args_len = 2;
    if (expect(r, '{') != 0)
        return -1;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}')
        return fail(r, "element without a url");
    for (;;) {
        /* Keys longer than the buffer are not ours: they are read without being kept. */
        const char *kstart = r->p;
        if (string(r, NULL, 0) != 0)
            return -1;
        struct reader kr = {kstart, r->p, NULL};
        int known = (size_t)(r->p - kstart) < sizeof key && string(&kr, key, sizeof key) == 0;
        if (expect(r, ':') != 0)
            return -1;
        skip_ws(r);
        if (known && strcmp(key, "url") == 0) {
            if (string(r, c->url, sizeof c->url) != 0)
                return -1;
            have_url = 1;
        } else if (known && strcmp(key, "arguments") == 0) {
            const char *start = r->p;
            if (value(r, 1) != 0)
                return -1;
            c->args = start;
            c->args_len = (size_t)(r->p - start);
        } else if (value(r, 1) != 0) {
            return -1;
        }
        skip_ws(r);
        if (r->p == r->end)
            return fail(r, "unterminated object");
        char ch = *r->p++;
        if (ch == '}')
            return have_url ? 0 : fail(r, "element without a url");
        if (ch != ',')
            return fail(r, "expected ',' or '}'");
        skip_ws(r);
    }
}

int json_parse_calls(const char *body, size_t len, struct call *calls, size_t *n,
                     const char **why)
{
    struct reader r = {body, body + len, NULL};
    *n = 0;
    int rc = expect(&r, '[');
    skip_ws(&r);
    if (rc == 0 && r.p < r.end && *r.p == ']') {
        r.p++;
    } else {
        while (rc == 0) {
            if (*n == CALLS_MAX) {
                rc = fail(&r, "too many elements");
                break;
            }
            rc = element(&r, &calls[*n]);
            if (rc != 0)
                break;
            (*n)++;
            skip_ws(&r);
            if (r.p == r.end) {
                rc = fail(&r, "unterminated array");
            } else if (*r.p == ',') {
                r.p++;
            } else if (*r.p == ']') {
                r.p++;
                break;
            } else {
                rc = fail(&r, "expected ',' or ']'");
            }
        }
    }
    skip_ws(&r);
    if (rc == 0 && r.p != r.end)
        rc = fail(&r, "text after the array");
    *why = r.why;
    return rc;
}
