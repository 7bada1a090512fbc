/* SPDX-License-Identifier: Apache-2.0 */
/* fork() safety: components with threads or locks register hooks that run around fork().
 * One pthread_atfork registration serves them all. */
#ifndef OTELC_SDK_COMMON_FORK_H
#define OTELC_SDK_COMMON_FORK_H

struct otelc__fork_hooks {
    /* Before fork, in the forking thread: reach a safe point (no lock held by a thread that
     * will not exist in the child). Runs newest registration first. */
    void (*prepare)(void *ud);
    /* After fork, in the parent: undo prepare. Runs oldest first. */
    void (*parent)(void *ud);
    /* After fork, in the child (the only thread): reset to a working state. `prepared` is 0
     * when the fork bypassed pthread_atfork (otelc_sdk_after_fork()), so prepare did not run
     * and any lock may be held by a thread that no longer exists. Runs oldest first. */
    void (*child)(void *ud, int prepared);
    void *ud;
    struct otelc__fork_hooks *prev, *next; /* owned by the registry */
};

void otelc__fork_register(struct otelc__fork_hooks *h);
void otelc__fork_unregister(struct otelc__fork_hooks *h);
/* Runs every child hook with prepared = 0 (for raw fork syscalls). */
void otelc__fork_child_unprepared(void);

#endif
