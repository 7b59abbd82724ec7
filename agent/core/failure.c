/* failure: reporting a run that stops before it changes anything. */
#include "core/failure.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/report.h"
#include "lib/log.h"

int fail_run(const struct cli_options *opts, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	if (opts->json)
		report_json_failure(stdout, msg);
	return code;
}

int fail_config(const struct cli_options *opts, struct diag *diag)
{
	char msg[768];

	diag_print(diag);
	snprintf(msg, sizeof(msg), "%s%s", diag->entries[0].text,
		 diag->count > 1 ? " (and more errors, see stderr)" : "");
	if (opts->json)
		report_json_failure(stdout, msg);
	return EXIT_USAGE;
}
