/* SPDX-License-Identifier: Apache-2.0 */
/* Exports a span over OTLP/HTTP (OTEL_* configure it), forks, and exports one more from each
 * process: the child must reconnect, the parent keep its connection. Prints the counters of
 * each process as `parent|child exported N failed N` on stdout. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <otelc/otelc.h>

static void one_span(otelc_sdk *sdk, const char *name)
{
    otelc_span_end(otelc_span_start(otelc_sdk_get_tracer(sdk, "otlp-fork", "1.0"), name, NULL));
    otelc_sdk_force_flush(sdk, 10000);
}

static void report(otelc_sdk *sdk, const char *who)
{
    otelc_span_processor_stats st = {.size = sizeof st};
    otelc_sdk_get_stats(sdk, &st);
    printf("%s exported %llu failed %llu\n", who, (unsigned long long)st.exported,
           (unsigned long long)st.failed);
    fflush(stdout);
}

int main(void)
{
    otelc_sdk *sdk = NULL;
    if (otelc_sdk_init_from_env(&sdk) != OTELC_OK)
        return 1;
    one_span(sdk, "before-fork");
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    one_span(sdk, pid == 0 ? "in-child" : "in-parent");
    otelc_sdk_shutdown(sdk, 10000);
    report(sdk, pid == 0 ? "child" : "parent");
    otelc_sdk_free(sdk);
    if (pid == 0)
        _exit(0);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    return 0;
}
