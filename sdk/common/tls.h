/* SPDX-License-Identifier: Apache-2.0 */
/* Thread-local storage for hot paths. The initial-exec model reads a thread-local variable
 * with one instruction instead of a call to __tls_get_addr per access (which cost a fifth of
 * a dropped span in the shared library). A library with such variables that is dlopen()ed
 * takes them from the static TLS surplus glibc keeps for that purpose, so otelc keeps its
 * thread-local state small: under 300 bytes per thread in all (deep context stacks and big
 * caches live on the heap). */
#ifndef OTELC_SDK_COMMON_TLS_H
#define OTELC_SDK_COMMON_TLS_H

#if defined(__GNUC__)
#define OTELC__TLS __attribute__((tls_model("initial-exec"))) _Thread_local
#else
#define OTELC__TLS _Thread_local
#endif

#endif
