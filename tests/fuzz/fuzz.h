/* SPDX-License-Identifier: Apache-2.0 */
/* The libFuzzer entry point each fuzz target defines, and the check that stops a run when an
 * invariant breaks. */
#ifndef OTELC_TESTS_FUZZ_H
#define OTELC_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts (a crash both drivers report with the input) when cond is false. */
#define FUZZ_CHECK(cond)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

#endif
