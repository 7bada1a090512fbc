/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file carriers.h  Ready carrier adapters for otelc_propagator_inject() and
 * otelc_propagator_extract(): HTTP header arrays, nghttp2 name/value lists (gRPC metadata),
 * and a length-prefixed binary header block for custom protocols.
 *
 * Each adapter is a small struct the caller owns (usually on the stack). A list either wraps
 * headers the caller already has (read-only: for extract), or is empty and owns what inject
 * adds to it (for inject; release with the _clear function). Field names are matched
 * case-insensitively everywhere.
 */
#ifndef OTELC_CARRIERS_H
#define OTELC_CARRIERS_H

#include "propagation.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- HTTP headers ---------------------------------------------------------------------- */

/** One header. Strings need not be NUL-terminated (those inject adds are). */
typedef struct otelc_http_header {
    const char *name;  ///< the field name
    size_t name_len;   ///< bytes of name
    const char *value; ///< the field value
    size_t value_len;  ///< bytes of value
} otelc_http_header;

/** A list of HTTP headers; read its items, do not change the struct directly. */
typedef struct otelc_http_headers {
    otelc_http_header *items; ///< the headers, in order
    size_t count;             ///< number of items
    size_t cap_;              ///< private
    int owned_;               ///< private: 1 when the list owns items and their strings
} otelc_http_headers;

/**
 * Makes @p h a read-only view of @p items[0..count) (borrowed: it must outlive the use of
 * @p h). A setter on a wrapped list fails with ::OTELC_ESTATE. Nothing to clear.
 */
OTELC_API void otelc_http_headers_wrap(otelc_http_headers *h, const otelc_http_header *items,
                                       size_t count);
/** Makes @p h an empty list that owns what is set into it; free with
 *  otelc_http_headers_clear(). */
OTELC_API void otelc_http_headers_init(otelc_http_headers *h);
/** Frees what an owning list holds and empties it (a wrapped list is just emptied). */
OTELC_API void otelc_http_headers_clear(otelc_http_headers *h);
/** A getter reading @p h (borrowed by the getter). */
OTELC_API otelc_carrier_getter otelc_http_headers_getter(const otelc_http_headers *h);
/**
 * A setter writing into @p h (borrowed by the getter): a field already present (compared
 * case-insensitively) is replaced, a new one appended; name and value are copied.
 * The setter returns ::OTELC_OK, ::OTELC_ENOMEM or ::OTELC_ESTATE (a wrapped list).
 */
OTELC_API otelc_carrier_setter otelc_http_headers_setter(otelc_http_headers *h);

/* ---- nghttp2 name/value lists (gRPC metadata) ------------------------------------------ */

/**
 * A list of nghttp2 name/value pairs (`nghttp2_nv`), for gRPC metadata on HTTP/2. Same model
 * as ::otelc_http_headers: wrap the pairs a request arrived with, or init an owning list,
 * inject into it and pass nva/nvlen (after your own pseudo-headers) to
 * nghttp2_submit_request(). Available when otelc was built with nghttp2.
 *
 * nghttp2 declares `nghttp2_nv` as a typedef of an unnamed struct, which cannot be declared
 * ahead, so this header spells the arrays `void *` and needs no nghttp2.h: read them as
 * `nghttp2_nv *` (C converts without a cast).
 */
typedef struct otelc_nghttp2_headers {
    void *nva;    ///< nghttp2_nv[nvlen]: the pairs, in order
    size_t nvlen; ///< number of pairs
    size_t cap_;  ///< private
    int owned_;   ///< private: 1 when the list owns nva and its strings
} otelc_nghttp2_headers;

/** A read-only view of @p nva (a `const nghttp2_nv *`, borrowed) of @p nvlen pairs. */
OTELC_API void otelc_nghttp2_headers_wrap(otelc_nghttp2_headers *h, const void *nva,
                                          size_t nvlen);
/** An empty owning list; free with otelc_nghttp2_headers_clear(). */
OTELC_API void otelc_nghttp2_headers_init(otelc_nghttp2_headers *h);
/** Frees what an owning list holds and empties it. */
OTELC_API void otelc_nghttp2_headers_clear(otelc_nghttp2_headers *h);
/** A getter reading @p h. */
OTELC_API otelc_carrier_getter otelc_nghttp2_headers_getter(const otelc_nghttp2_headers *h);
/** A setter writing into @p h: replaces a pair of the same name or appends one (copies, with
 *  flags NGHTTP2_NV_FLAG_NONE); ::OTELC_ESTATE on a wrapped list. */
OTELC_API otelc_carrier_setter otelc_nghttp2_headers_setter(otelc_nghttp2_headers *h);

/* ---- the binary header block ----------------------------------------------------------- */

/**
 * A self-delimiting block of fields that a custom protocol can carry in its frames.
 *
 * Byte format, version 1 (integers are unsigned, big-endian):
 * @verbatim
 * block  = version:u8 (0x01)  count:u8  entry * count
 * entry  = name_len:u8 (1..255)  name:name_len bytes  value_len:u16  value:value_len bytes
 * @endverbatim
 * The block's length is known from its content; a reader given more bytes than the block
 * holds rejects it (::OTELC_EPARSE), so frame the block with its length. Names are ASCII
 * (written lowercase, matched case-insensitively); values are opaque bytes. The empty block
 * is the two bytes `01 00`. A `traceparent` alone takes 2 + 1 + 11 + 2 + 55 = 71 bytes.
 */
#define OTELC_BINARY_BLOCK_VERSION 1

/** A parsed, validated block: a view of the caller's bytes. */
typedef struct otelc_binary_block {
    const uint8_t *data; ///< borrowed
    size_t len;          ///< bytes of the whole block
    size_t count;        ///< number of entries
} otelc_binary_block;

/**
 * Validates @p len bytes at @p data (borrowed; kept by @p b) as one whole block. Allocates
 * nothing. @return ::OTELC_OK, ::OTELC_EPARSE (wrong version, an entry that runs past the end,
 * an empty name, bytes after the last entry), ::OTELC_EINVAL.
 */
OTELC_API int otelc_binary_block_parse(otelc_binary_block *b, const void *data, size_t len);
/** A getter reading a parsed block. */
OTELC_API otelc_carrier_getter otelc_binary_block_getter(const otelc_binary_block *b);

/** Writes a block into a caller buffer; no allocation. */
typedef struct otelc_binary_block_writer {
    uint8_t *buf; ///< borrowed
    size_t cap;   ///< bytes available at buf
    size_t len;   ///< bytes of the block so far (2 after init, when cap allows)
    int err;      ///< the first error of a set (::OTELC_EFULL, ::OTELC_EINVAL), else 0
} otelc_binary_block_writer;

/** Starts an empty block in @p buf; if @p cap < 2, err is ::OTELC_EFULL. */
OTELC_API void otelc_binary_block_writer_init(otelc_binary_block_writer *w, void *buf,
                                              size_t cap);
/**
 * A setter appending to @p w: a field already present is replaced. The setter returns
 * ::OTELC_OK, ::OTELC_EFULL (no room; the block is left as it was), or ::OTELC_EINVAL (a name
 * longer than 255 bytes, a value longer than 65535, or 255 entries already).
 */
OTELC_API otelc_carrier_setter otelc_binary_block_writer_setter(otelc_binary_block_writer *w);

#ifdef __cplusplus
}
#endif

#endif /* OTELC_CARRIERS_H */
