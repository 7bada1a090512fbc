/* SPDX-License-Identifier: Apache-2.0 */
/** @file version.h  Version of the otelc library; the build reads the SONAME from here. */
#ifndef OTELC_VERSION_H
#define OTELC_VERSION_H

#define OTELC_VERSION_MAJOR 0
#define OTELC_VERSION_MINOR 1
#define OTELC_VERSION_PATCH 0
#define OTELC_VERSION_STRING "0.1.0"

/** The ABI version; it is the SONAME's number and changes only on ABI breaks. */
#define OTELC_ABI_VERSION 0

#endif /* OTELC_VERSION_H */
