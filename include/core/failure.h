/* failure: how a command that cannot go on says so — a message on stderr
 * and, with --json, the one JSON object with "failed": true. */
#ifndef LVSAGENT_CORE_FAILURE_H
#define LVSAGENT_CORE_FAILURE_H

#include "core/cli.h"
#include "lib/diag.h"

/* Log the message and return CODE. */
__attribute__((format(printf, 3, 4)))
int fail_run(const struct cli_options *opts, int code, const char *fmt, ...);

/* Print every configuration error like a compiler ("FILE:LINE: what") and
 * return EXIT_USAGE. */
int fail_config(const struct cli_options *opts, struct diag *diag);

#endif
