/* SPDX-License-Identifier: Apache-2.0 */
/* Readers of OTEL_* environment variables and the small parsers they and the config share. */
#include "env.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_internal.h"
#include "otelc/common.h"

/* A warning shows at most this many bytes of a bad value. */
#define QUOTE_MAX 64
/* Room for a quoted value: every byte escaped as \xNN, then "..." and a NUL. */
#define QUOTE_BUF (QUOTE_MAX * 4 + 4)

const char *otelc__getenv(const char *name)
{
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : NULL;
}

void otelc__trim(const char **s, size_t *len)
{
    while (*len > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* Fetches name trimmed into [*s, *s + *len); the untrimmed value goes to *raw for warnings.
 * Returns 0 when the variable is unset, empty or only blanks: all of them mean "unset". */
static int get_trimmed(const char *name, const char **raw, const char **s, size_t *len)
{
    *raw = otelc__getenv(name);
    if (*raw == NULL)
        return 0;
    *s = *raw;
    *len = strlen(*raw);
    otelc__trim(s, len);
    return *len != 0;
}

/* ASCII-only, so the host's locale (a Turkish dotless i) cannot change what matches. */
static int ascii_ieq(const char *s, size_t len, const char *word)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)word[i];
        if (b == '\0')
            return 0;
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return word[len] == '\0';
}

/* The value as a warning shows it: at most QUOTE_MAX bytes, bytes outside printable ASCII as
 * \xNN (so a terminal sees no control codes), and "..." when cut. */
static const char *quote(const char *v, char out[QUOTE_BUF])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i;
    for (i = 0; v[i] != '\0' && i < QUOTE_MAX; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c >= 0x20 && c < 0x7f) {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    if (v[i] != '\0') {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

/* The one warning format: NAME='value' is <problem>; using <fallback>. */
static void warn_bad(const char *name, const char *raw, const char *problem, const char *fallback)
{
    char q[QUOTE_BUF];
    otelc__log(OTELC_LOG_WARN, "%s='%s' is %s; using %s", name, quote(raw, q), problem, fallback);
}

int otelc__env_bool(const char *name, int def)
{
    const char *raw, *s;
    size_t len;
    if (!get_trimmed(name, &raw, &s, &len))
        return def;
    if (ascii_ieq(s, len, "true"))
        return 1;
    if (ascii_ieq(s, len, "false"))
        return 0;
    warn_bad(name, raw, "not true or false", def ? "true" : "false");
    return def;
}

static uint64_t env_range(const char *name, uint64_t def, uint64_t min, uint64_t max,
                          const char *what)
{
    const char *raw, *s;
    size_t len;
    uint64_t v;
    if (!get_trimmed(name, &raw, &s, &len))
        return def;
    if (otelc__parse_u64(s, len, &v) == 0 && v >= min && v <= max)
        return v;
    char problem[128], fallback[24];
    snprintf(problem, sizeof problem, "not %s in [%" PRIu64 ", %" PRIu64 "]", what, min, max);
    snprintf(fallback, sizeof fallback, "%" PRIu64, def);
    warn_bad(name, raw, problem, fallback);
    return def;
}

uint32_t otelc__env_u32(const char *name, uint32_t def, uint32_t min, uint32_t max)
{
    return (uint32_t)env_range(name, def, min, max, "an integer");
}

uint64_t otelc__env_ms(const char *name, uint64_t def, uint64_t min, uint64_t max)
{
    return env_range(name, def, min, max, "a whole number of milliseconds");
}

/* strtod() follows LC_NUMERIC, and a host that called setlocale() may use a decimal comma;
 * OTEL_* values always use a point, so they are parsed in the C locale. */
static locale_t g_c_locale;
static pthread_once_t g_c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void) { g_c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0); }

static double strtod_c(const char *s, char **end)
{
    pthread_once(&g_c_locale_once, make_c_locale);
    if (g_c_locale != (locale_t)0)
        return strtod_l(s, end, g_c_locale);
    return strtod(s, end);
}

double otelc__env_ratio(const char *name, double def)
{
    const char *raw, *s;
    size_t len;
    if (!get_trimmed(name, &raw, &s, &len))
        return def;
    /* strtod() skips any leading white space; only trimmed blanks are allowed, so a value that
     * starts with another space character (a newline) is refused here. */
    if ((unsigned char)s[0] > ' ') {
        char *end;
        double v = strtod_c(s, &end);
        if (end == s + len && !isnan(v) && v >= 0.0 && v <= 1.0)
            return v == 0.0 ? 0.0 : v; /* no -0.0 */
    }
    char fallback[32];
    snprintf(fallback, sizeof fallback, "%g", def);
    warn_bad(name, raw, "not a number in [0, 1]", fallback);
    return def;
}

int otelc__env_choice(const char *name, const char *const *choices, int def)
{
    const char *raw, *s;
    size_t len;
    if (!get_trimmed(name, &raw, &s, &len))
        return def;
    int n = 0;
    for (; choices[n] != NULL; n++) {
        if (ascii_ieq(s, len, choices[n]))
            return n;
    }
    /* snprintf() cuts a list that is too long; the warning is still useful without its end. */
    char problem[256];
    size_t o = (size_t)snprintf(problem, sizeof problem, "not one of");
    for (int i = 0; i < n && o < sizeof problem; i++)
        o += (size_t)snprintf(problem + o, sizeof problem - o, "%s %s", i ? "," : "", choices[i]);
    warn_bad(name, raw, problem, def >= 0 && def < n ? choices[def] : "the default");
    return def;
}

int otelc__parse_u64(const char *s, size_t len, uint64_t *out)
{
    /* A digit loop rather than strtoull(): the input is length-bounded, and strtoull() would
     * also take a sign and leading blanks, which this parser must refuse. */
    if (s == NULL || len == 0)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)((unsigned char)s[i] - '0');
        if (d > 9)
            return -1;
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int otelc__percent_decode(const char *in, size_t len, char *out, size_t *out_len)
{
    /* The write index never passes the read index, which is what makes out == in safe. */
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] != '%') {
            out[o++] = in[i];
            continue;
        }
        if (len - i < 3)
            return OTELC_EPARSE;
        int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0)
            return OTELC_EPARSE;
        out[o++] = (char)(hi << 4 | lo);
        i += 2;
    }
    *out_len = o;
    return OTELC_OK;
}

/* One member of a kv list. Nothing here logs: the lists hold header values and tokens. */
static int parse_member(const char *m, size_t len, otelc__kv_fn fn, void *ud)
{
    otelc__trim(&m, &len);
    if (len == 0)
        return OTELC_OK;
    const char *eq = memchr(m, '=', len);
    if (eq == NULL)
        return OTELC_EPARSE;
    const char *key = m, *val = eq + 1;
    size_t klen = (size_t)(eq - m), vlen = len - klen - 1;
    otelc__trim(&key, &klen);
    otelc__trim(&val, &vlen);
    if (klen == 0)
        return OTELC_EPARSE;
    return fn(key, klen, val, vlen, ud);
}

int otelc__parse_kv_list(const char *s, size_t len, otelc__kv_fn fn, void *ud)
{
    if (len == 0)
        return OTELC_OK;
    size_t start = 0;
    for (;;) {
        const char *comma = memchr(s + start, ',', len - start);
        size_t mlen = comma ? (size_t)(comma - (s + start)) : len - start;
        int rc = parse_member(s + start, mlen, fn, ud);
        if (rc != OTELC_OK || comma == NULL)
            return rc;
        start += mlen + 1;
    }
}
