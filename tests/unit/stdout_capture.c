/* SPDX-License-Identifier: Apache-2.0 */
/* Redirecting stdout to a temporary file and reading it back (see stdout_capture.h). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdout_capture.h"

void tu_stdout_to_file(struct tu_capture *c)
{
    snprintf(c->path, sizeof c->path, "/tmp/otelc_test_stdout_XXXXXX");
    int fd = mkstemp(c->path);
    assert_true(fd >= 0);
    fflush(stdout);
    c->saved_fd = dup(STDOUT_FILENO);
    assert_true(c->saved_fd >= 0);
    assert_true(dup2(fd, STDOUT_FILENO) >= 0);
    close(fd);
}

char *tu_stdout_restore(struct tu_capture *c)
{
    fflush(stdout);
    dup2(c->saved_fd, STDOUT_FILENO);
    close(c->saved_fd);
    FILE *f = fopen(c->path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(c->path);
    char *out = malloc(n + 1);
    assert_non_null(out);
    memcpy(out, buf, n + 1);
    return out;
}

int tu_count_occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}
