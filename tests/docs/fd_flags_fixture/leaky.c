/* SPDX-License-Identifier: Apache-2.0 */
/* Calls check_fd_flags.py must reject: its self-test runs it on this folder and expects a
 * failure. Not compiled. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int leaky(void);

int leaky(void)
{
    int fd = open("/dev/null", O_RDONLY);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    FILE *f = fopen("/dev/null", "r");
    int p[2];
    pipe(p);
    return fd + s + (f != NULL);
}
