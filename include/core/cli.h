/* cli: what every command of either part takes from the command line, and
 * the exit codes they all return (LSB init-script conventions where they
 * overlap). main.c fills the options; the parts only read them. */
#ifndef LVSAGENT_CORE_CLI_H
#define LVSAGENT_CORE_CLI_H

#include <stdbool.h>

enum exit_code {
	EXIT_DONE = 0,
	EXIT_RUNTIME = 1,		/* the kernel refused; status: partly applied */
	EXIT_USAGE = 2,			/* bad command line or configuration: nothing changed */
	EXIT_NOT_APPLIED = 3,		/* status only */
	EXIT_PRIVILEGE = 4,		/* needs CAP_NET_ADMIN */
};

struct config_schema;

struct cli_options {
	const char *config_path;
	bool check;			/* plan and report, change nothing */
	bool diff;
	bool json;
	int wait_ms;			/* for the lock: 0, ms, or STATE_WAIT_FOREVER */
	/* Every part's sections of the configuration file (main.c): each
	 * command reads and checks the whole file, not only its own part. */
	const struct config_schema *schema;
};

#endif
