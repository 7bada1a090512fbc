/* SPDX-License-Identifier: Apache-2.0 */
/* A program outside otelc that starts and ends one span through the public API only, to check
 * that the library can be found, linked and run as a subproject and as an installed package. */
#include <otelc/otelc.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, int rc)
{
    fprintf(stderr, "consumer: %s: %s\n", what, otelc_strerror(rc));
    return 1;
}

int main(void)
{
    if (strcmp(otelc_version(), OTELC_VERSION_STRING) != 0) {
        fprintf(stderr, "consumer: header says %s, library says %s\n", OTELC_VERSION_STRING,
                otelc_version());
        return 1;
    }

    otelc_span_exporter *exporter;
    int rc = otelc_memory_exporter_new(&exporter);
    if (rc != OTELC_OK)
        return fail("otelc_memory_exporter_new", rc);
    otelc_span_processor *processor;
    rc = otelc_simple_span_processor_new(&processor, exporter);
    if (rc != OTELC_OK)
        return fail("otelc_simple_span_processor_new", rc);

    otelc_tracer_provider_options opt;
    otelc_tracer_provider_options_init(&opt);
    opt.processors = &processor;
    opt.processor_count = 1;
    otelc_tracer_provider *tp;
    rc = otelc_tracer_provider_new(&tp, &opt);
    if (rc != OTELC_OK)
        return fail("otelc_tracer_provider_new", rc);

    otelc_tracer *tracer = otelc_tracer_provider_get_tracer(tp, "consumer", "1.0", NULL, NULL, 0);
    otelc_span *span = otelc_span_start(tracer, "consumer-span", NULL);
    otelc_span_set_attr_int(span, "answer", 42);
    otelc_span_end(span);

    size_t exported = otelc_memory_exporter_count(exporter);
    otelc_span *got = otelc_memory_exporter_get(exporter, 0);
    int same_name = got && strcmp(otelc_span_get_name(got), "consumer-span") == 0;
    otelc_span_release(got);

    rc = otelc_tracer_provider_shutdown(tp, 1000);
    otelc_tracer_provider_free(tp);
    if (exported != 1 || !same_name) {
        fprintf(stderr, "consumer: expected the span in the memory exporter, found %zu\n",
                exported);
        return 1;
    }
    if (rc != OTELC_OK)
        return fail("otelc_tracer_provider_shutdown", rc);
    printf("consumer: ok (otelc %s)\n", otelc_version());
    return 0;
}
