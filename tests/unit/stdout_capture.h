/* SPDX-License-Identifier: Apache-2.0 */
/* Redirecting stdout to a temporary file and reading it back, for tests of the console
 * exporters that otelc_sdk_init_from_env() builds. Include after testutil.h. */
#ifndef OTELC_TESTS_STDOUT_CAPTURE_H
#define OTELC_TESTS_STDOUT_CAPTURE_H

struct tu_capture {
    int saved_fd;
    char path[64];
};

/* Sends stdout to a new temporary file until tu_stdout_restore(). */
void tu_stdout_to_file(struct tu_capture *c);
/* Restores stdout and returns what was written meanwhile (up to 64 KiB; free() it). */
char *tu_stdout_restore(struct tu_capture *c);
/* Number of (possibly overlapping) occurrences of needle in hay. */
int tu_count_occurrences(const char *hay, const char *needle);

#endif
