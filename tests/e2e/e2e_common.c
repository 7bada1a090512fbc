/* SPDX-License-Identifier: Apache-2.0 */
/* SDK set-up, loopback sockets, the custom framing and baggage recording for the end-to-end
 * test programs. */
#include "e2e_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void e2e_die(const char *what)
{
    fprintf(stderr, "e2e: %s\n", what);
    exit(1);
}

int e2e_sdk_init(struct e2e_sdk *s, const char *scope)
{
    if (otelc_sdk_init_from_env(&s->sdk) != OTELC_OK)
        return -1;
    s->tracer = otelc_sdk_get_tracer(s->sdk, scope, "1.0");
    return s->tracer ? 0 : -1;
}

void e2e_sdk_done(struct e2e_sdk *s)
{
    otelc_sdk_shutdown(s->sdk, 5000);
    otelc_sdk_free(s->sdk);
}

static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int e2e_listen(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

int e2e_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = loopback(port);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int e2e_write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int e2e_read_all(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int record(const otelc_baggage_entry *e, void *ud)
{
    char key[300];
    snprintf(key, sizeof key, "baggage.%s", e->key);
    otelc_span_set_attr_strn(ud, key, e->value, e->value_len);
    if (e->metadata_len) {
        snprintf(key, sizeof key, "baggage.%s.metadata", e->key);
        otelc_span_set_attr_strn(ud, key, e->metadata, e->metadata_len);
    }
    return 0;
}

void e2e_record_baggage(otelc_span *span, const otelc_context *ctx)
{
    otelc_baggage_iterate(otelc_context_get_baggage(ctx), record, span);
}

int e2e_frame_send(int fd, const uint8_t *block, size_t block_len, const char *payload)
{
    size_t plen = strlen(payload);
    uint8_t head[6] = {'O', 'T', 'F', '1', (uint8_t)(block_len >> 8), (uint8_t)block_len};
    uint8_t plen_be[4] = {(uint8_t)(plen >> 24), (uint8_t)(plen >> 16), (uint8_t)(plen >> 8),
                          (uint8_t)plen};
    char ok[2];
    if (block_len > 0xffff || e2e_write_all(fd, head, 6) || e2e_write_all(fd, block, block_len) ||
        e2e_write_all(fd, plen_be, 4) || e2e_write_all(fd, payload, plen) ||
        e2e_read_all(fd, ok, 2) || memcmp(ok, "OK", 2) != 0)
        return -1;
    return 0;
}

int e2e_frame_recv(int fd, uint8_t *buf, size_t cap, size_t *block_len)
{
    uint8_t head[6], plen_be[4], chunk[256];
    if (e2e_read_all(fd, head, 6) || memcmp(head, "OTF1", 4) != 0)
        return -1;
    *block_len = (size_t)head[4] << 8 | head[5];
    if (*block_len > cap || e2e_read_all(fd, buf, *block_len) || e2e_read_all(fd, plen_be, 4))
        return -1;
    size_t plen = (size_t)plen_be[0] << 24 | (size_t)plen_be[1] << 16 | (size_t)plen_be[2] << 8 |
                  plen_be[3];
    while (plen > 0) {
        size_t n = plen < sizeof chunk ? plen : sizeof chunk;
        if (e2e_read_all(fd, chunk, n))
            return -1;
        plen -= n;
    }
    return e2e_write_all(fd, "OK", 2);
}
