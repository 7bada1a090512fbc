/* SPDX-License-Identifier: Apache-2.0 */
/* A plain driver for the fuzz targets, so they build and run in every build without a fuzzing
 * engine: it runs every file of the seed corpus, then a fixed number of pseudo-random
 * mutations of them (a fixed seed, so a failure repeats), within a time bound. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

#define FUZZ_MAX_INPUT 16384u
#define MAX_SEEDS 512u

struct seed {
    uint8_t *data;
    size_t len;
};

static struct seed seeds[MAX_SEEDS];
static size_t nseeds;
static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
    /* xorshift64*: fast, and the same sequence on every machine. */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1du;
}

static void add_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f || nseeds == MAX_SEEDS) {
        if (f)
            fclose(f);
        return;
    }
    uint8_t *buf = malloc(FUZZ_MAX_INPUT);
    size_t n = buf ? fread(buf, 1, FUZZ_MAX_INPUT, f) : 0;
    fclose(f);
    if (!buf)
        return;
    seeds[nseeds].data = buf;
    seeds[nseeds].len = n;
    nseeds++;
}

static void add_path(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        add_file(path);
        return;
    }
    struct dirent *e;
    char full[4096];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        add_file(full);
    }
    closedir(d);
}

/* One mutation of buf[0..len) in place (room for FUZZ_MAX_INPUT bytes); returns the new length. */
static size_t mutate(uint8_t *buf, size_t len)
{
    static const char interesting[] = "-,;=%0 \t@af09AFx\x00\xff";
    size_t pos = len ? (size_t)(next() % len) : 0;
    switch (next() % 8) {
    case 0: /* flip a bit */
        if (len)
            buf[pos] ^= (uint8_t)(1u << (next() % 8));
        break;
    case 1: /* set an interesting byte */
        if (len)
            buf[pos] = (uint8_t)interesting[next() % (sizeof interesting - 1)];
        break;
    case 2: /* insert a byte */
        if (len < FUZZ_MAX_INPUT) {
            memmove(buf + pos + 1, buf + pos, len - pos);
            buf[pos] = (uint8_t)interesting[next() % (sizeof interesting - 1)];
            len++;
        }
        break;
    case 3: /* delete a run */
        if (len) {
            size_t n = 1 + (size_t)(next() % 8);
            if (n > len - pos)
                n = len - pos;
            memmove(buf + pos, buf + pos + n, len - pos - n);
            len -= n;
        }
        break;
    case 4: { /* duplicate a run */
        size_t n = 1 + (size_t)(next() % 64);
        if (n > len - pos)
            n = len - pos;
        if (len + n <= FUZZ_MAX_INPUT) {
            memmove(buf + pos + n, buf + pos, len - pos);
            len += n;
        }
        break;
    }
    case 5: /* splice in another seed's bytes */
        if (nseeds) {
            const struct seed *s = &seeds[next() % nseeds];
            size_t n = s->len < FUZZ_MAX_INPUT - pos ? s->len : FUZZ_MAX_INPUT - pos;
            memcpy(buf + pos, s->data, n);
            if (pos + n > len)
                len = pos + n;
        }
        break;
    case 6: /* truncate */
        len = pos;
        break;
    default: /* a random byte */
        if (len)
            buf[pos] = (uint8_t)next();
        break;
    }
    return len;
}

int main(int argc, char **argv)
{
    unsigned long runs = 10000, seconds = 5;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc) {
            fprintf(stderr, "usage: %s [--runs N] [--seconds S] CORPUS...\n", argv[0]);
            return 2;
        }
        if (strcmp(argv[i], "--runs") == 0)
            runs = strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = strtoul(argv[i + 1], NULL, 10);
    }
    for (; i < argc; i++)
        add_path(argv[i]);
    for (size_t s = 0; s < nseeds; s++)
        LLVMFuzzerTestOneInput(seeds[s].data, seeds[s].len);
    uint8_t *buf = malloc(FUZZ_MAX_INPUT);
    if (!buf)
        return 1;
    time_t end = time(NULL) + (time_t)seconds;
    unsigned long done = 0;
    for (; done < runs && time(NULL) <= end; done++) {
        size_t len = 0;
        if (nseeds) {
            const struct seed *s = &seeds[next() % nseeds];
            memcpy(buf, s->data, s->len);
            len = s->len;
        }
        for (uint64_t m = 1 + next() % 4; m > 0; m--)
            len = mutate(buf, len);
        LLVMFuzzerTestOneInput(buf, len);
    }
    printf("%s: %zu seeds, %lu mutations, no invariant broken\n", argv[0], nseeds, done);
    free(buf);
    for (size_t s = 0; s < nseeds; s++)
        free(seeds[s].data);
    return 0;
}
