/* SPDX-License-Identifier: Apache-2.0 */
/* Number text for samplers: the shortest round-trip form of a ratio, and a locale-free
 * decimal parser for rule strings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler_internal.h"

void otelc__sampler_format_number(char *buf, size_t size, double v)
{
    /* snprintf() and strtod() follow the same LC_NUMERIC, so the round trip holds in any
     * locale; a decimal comma is then turned into the point every description uses. */
    int prec = 1;
    for (; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* "%g" writes 10 with one digit as 1e+01; whole numbers read better in full. */
    double mag = fabs(v);
    if (strchr(buf, 'e') && mag >= 1.0 && mag < 1e17) {
        int digits = (int)floor(log10(mag)) + 1;
        snprintf(buf, size, "%.*g", digits > prec ? digits : prec, v);
    }
    for (char *c = buf; *c; c++)
        if (*c == ',')
            *c = '.';
}

void otelc__sampler_describe(char *buf, size_t size, const char *name, double v)
{
    char num[32];
    otelc__sampler_format_number(num, sizeof num, v);
    snprintf(buf, size, "%s{%s}", name, num);
}

int otelc__sampler_parse_decimal(const char *s, size_t len, double *out)
{
    /* Powers of ten up to 10^22 are exact doubles, and so is an integer below 2^53: one
     * division of the two is then correctly rounded, which strtod() would be too, but
     * strtod() reads the host's decimal separator. */
    static const double pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    uint64_t mant = 0;
    int sig = 0, decimals = 0, digits = 0, point = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.' && !point) {
            point = 1;
            continue;
        }
        if (c < '0' || c > '9')
            return -1;
        digits++;
        if (point)
            decimals++;
        if (mant == 0 && c == '0') {
            /* Leading zeros are not significant, but zeros after the point still scale. */
            continue;
        }
        if (++sig > 15)
            return -1;
        mant = mant * 10 + (uint64_t)(c - '0');
    }
    if (digits == 0 || decimals > 22)
        return -1;
    *out = (double)mant / pow10[decimals];
    return 0;
}
