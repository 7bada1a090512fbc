/* SPDX-License-Identifier: Apache-2.0 */
/* Error names and messages, generated from the one table in otelc/common.h, and the version. */
#include "otelc/common.h"
#include "otelc/version.h"

const char *otelc_strerror(int err)
{
    switch (err) {
#define OTELC_ERRNO_MSG_(name, value, msg)                                                    \
    case (value):                                                                             \
        return (msg);
        OTELC_ERRNO_MAP(OTELC_ERRNO_MSG_)
#undef OTELC_ERRNO_MSG_
    default:
        return "unknown error";
    }
}

const char *otelc_err_name(int err)
{
    switch (err) {
#define OTELC_ERRNO_NAME_(name, value, msg)                                                   \
    case (value):                                                                             \
        return #name;
        OTELC_ERRNO_MAP(OTELC_ERRNO_NAME_)
#undef OTELC_ERRNO_NAME_
    default:
        return "UNKNOWN";
    }
}

const char *otelc_version(void) { return OTELC_VERSION_STRING; }
