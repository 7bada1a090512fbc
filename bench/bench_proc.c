/* SPDX-License-Identifier: Apache-2.0 */
/* Finding and running the programs `otelc-bench compare` measures: a PATH search, and a
 * spawn that captures stdout. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_peers.h"
#include "sdk/common/alloc.h"

extern char **environ;

/* An executable file: access() alone also accepts a directory (PATH may hold one named like
 * the program, as /usr/lib/x86_64-linux-gnu/valgrind is). */
static int is_program(const char *path)
{
    struct stat st;
    return access(path, X_OK) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int bench_find_program(const char *prog, char *out, size_t size)
{
    if (strchr(prog, '/') != NULL) {
        if (!is_program(prog) || strlen(prog) >= size)
            return -1;
        memcpy(out, prog, strlen(prog) + 1);
        return 0;
    }
    const char *path = getenv("PATH");
    if (path == NULL)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        if (len > 0) {
            int n = snprintf(out, size, "%.*s/%s", (int)len, path, prog);
            if (n > 0 && (size_t)n < size && is_program(out))
                return 0;
        }
        path += len + (colon != NULL);
    }
    return -1;
}

/* The key of a "K=V" string: its length up to the '='. */
static size_t key_len(const char *kv)
{
    const char *eq = strchr(kv, '=');
    return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* environ without the keys @p env sets, then @p env: a child sees one value per key. */
static char **merge_env(const char *const env[])
{
    size_t n_env = 0, n_base = 0;
    while (env && env[n_env])
        n_env++;
    while (environ[n_base])
        n_base++;
    char **out = otelc__calloc(n_base + n_env + 1, sizeof *out);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n_base; i++) {
        int overridden = 0;
        for (size_t j = 0; j < n_env && !overridden; j++)
            overridden = key_len(environ[i]) == key_len(env[j]) &&
                         memcmp(environ[i], env[j], key_len(env[j])) == 0;
        if (!overridden)
            out[k++] = environ[i];
    }
    for (size_t j = 0; j < n_env; j++)
        out[k++] = (char *)env[j]; /* posix_spawn's type; it does not write */
    out[k] = NULL;
    return out;
}

int bench_run_capture(const char *const argv[], const char *const env[], char *out, size_t size)
{
    int fds[2] = {-1, -1};
    int status = -1, spawned = 0, actions_ready = 0;
    pid_t pid = -1;
    posix_spawn_file_actions_t fa;
    char **envp = merge_env(env);
    if (out != NULL && size > 0)
        out[0] = '\0';
    if (envp == NULL || pipe2(fds, O_CLOEXEC) != 0)
        goto done;
    if (posix_spawn_file_actions_init(&fa) != 0)
        goto done;
    actions_ready = 1;
    if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1) != 0)
        goto done;
    if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, envp) != 0)
        goto done;
    spawned = 1;
    close(fds[1]);
    fds[1] = -1;
    /* Read to the end, keeping what fits, so a chatty child never blocks on a full pipe. */
    size_t len = 0;
    char scratch[4096];
    for (;;) {
        char *dst = out != NULL && len + 1 < size ? out + len : scratch;
        size_t room = dst == scratch ? sizeof scratch : size - 1 - len;
        ssize_t r = read(fds[0], dst, room);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (dst != scratch) {
            len += (size_t)r;
            out[len] = '\0';
        }
    }
done:
    if (spawned) {
        int ws = 0;
        while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
            continue;
        status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    }
    if (actions_ready)
        posix_spawn_file_actions_destroy(&fa);
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
    otelc__free(envp);
    return status;
}
