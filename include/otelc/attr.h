/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file attr.h  Attribute values: every OTLP AnyValue kind a C program needs.
 *
 * An ::otelc_value describes data that the caller owns; functions that take one copy what
 * they keep (unless documented otherwise). The inline helpers build values without
 * allocating and work from C and C++:
 *
 * @code
 * otelc_attr attrs[] = {
 *     otelc_attr_str("http.request.method", "GET"),
 *     otelc_attr_int("http.response.status_code", 200),
 * };
 * otelc_span_set_attrs(span, attrs, 2);
 * @endcode
 */
#ifndef OTELC_ATTR_H
#define OTELC_ATTR_H

#include <stdbool.h>
#include <string.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The kind of an attribute value. Arrays are homogeneous. */
typedef enum otelc_value_type {
    OTELC_VALUE_NONE = 0,         ///< no value (an empty AnyValue)
    OTELC_VALUE_STRING = 1,       ///< u.s with len bytes (UTF-8; need not be NUL-terminated)
    OTELC_VALUE_BOOL = 2,         ///< u.b
    OTELC_VALUE_INT = 3,          ///< u.i (int64)
    OTELC_VALUE_DOUBLE = 4,       ///< u.d
    OTELC_VALUE_BYTES = 5,        ///< u.bytes with len bytes
    OTELC_VALUE_STRING_ARRAY = 6, ///< u.sa: len NUL-terminated strings
    OTELC_VALUE_BOOL_ARRAY = 7,   ///< u.ba: len booleans
    OTELC_VALUE_INT_ARRAY = 8,    ///< u.ia: len int64 values
    OTELC_VALUE_DOUBLE_ARRAY = 9  ///< u.da: len doubles
} otelc_value_type;

/** An attribute value. The pointed-to data is owned by whoever built the value. */
typedef struct otelc_value {
    otelc_value_type type; ///< which member of u is set
    size_t len;            ///< bytes for STRING and BYTES, element count for arrays
    union {
        const char *s;
        bool b;
        int64_t i;
        double d;
        const uint8_t *bytes;
        const char *const *sa;
        const bool *ba;
        const int64_t *ia;
        const double *da;
    } u; ///< the value
} otelc_value;

/** A key and its value. The key is a NUL-terminated UTF-8 string. */
typedef struct otelc_attr {
    const char *key;   ///< NUL-terminated; NULL or "" keys are rejected by setters
    otelc_value value; ///< the value
} otelc_attr;

/** A string value of @p s (NUL-terminated; NULL gives an empty string). */
static inline otelc_value otelc_value_str(const char *s)
{
    otelc_value v;
    memset(&v, 0, sizeof v);
    v.type = OTELC_VALUE_STRING;
    v.u.s = s ? s : "";
    v.len = s ? strlen(s) : 0;
    return v;
}
/** A string value of @p len bytes at @p s. */
static inline otelc_value otelc_value_strn(const char *s, size_t len)
{
    otelc_value v;
    memset(&v, 0, sizeof v);
    v.type = OTELC_VALUE_STRING;
    v.u.s = s ? s : "";
    v.len = s ? len : 0;
    return v;
}
/** A boolean value. */
static inline otelc_value otelc_value_bool(bool b)
{
    otelc_value v;
    memset(&v, 0, sizeof v);
    v.type = OTELC_VALUE_BOOL;
    v.u.b = b;
    return v;
}
/** A 64-bit integer value. */
static inline otelc_value otelc_value_int(int64_t i)
{
    otelc_value v;
    memset(&v, 0, sizeof v);
    v.type = OTELC_VALUE_INT;
    v.u.i = i;
    return v;
}
/** A double value. */
static inline otelc_value otelc_value_double(double d)
{
    otelc_value v;
    memset(&v, 0, sizeof v);
    v.type = OTELC_VALUE_DOUBLE;
    v.u.d = d;
    return v;
}
/** A byte-string value. */
static inline otelc_value otelc_value_bytes(const void *p, size_t len)
{
    otelc_value v;
    memset(&v, 0, sizeof v);
    v.type = OTELC_VALUE_BYTES;
    v.u.bytes = (const uint8_t *)p;
    v.len = p ? len : 0;
    return v;
}

/** Attribute helpers: `otelc_attr_str("k", "v")` and so on. */
static inline otelc_attr otelc_attr_str(const char *k, const char *s)
{
    otelc_attr a;
    a.key = k;
    a.value = otelc_value_str(s);
    return a;
}
/** See otelc_attr_str(). */
static inline otelc_attr otelc_attr_bool(const char *k, bool b)
{
    otelc_attr a;
    a.key = k;
    a.value = otelc_value_bool(b);
    return a;
}
/** See otelc_attr_str(). */
static inline otelc_attr otelc_attr_int(const char *k, int64_t i)
{
    otelc_attr a;
    a.key = k;
    a.value = otelc_value_int(i);
    return a;
}
/** See otelc_attr_str(). */
static inline otelc_attr otelc_attr_double(const char *k, double d)
{
    otelc_attr a;
    a.key = k;
    a.value = otelc_value_double(d);
    return a;
}

#ifdef __cplusplus
}
#endif

#endif /* OTELC_ATTR_H */
