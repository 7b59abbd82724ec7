/* rs_cmd: the real-server commands — start, stop, restart, status, apply,
 * check-config, run (the daemon), reload — each the observe → plan → apply
 * loop with other inputs. */
#ifndef LVSAGENT_REALSERVER_CMD_H
#define LVSAGENT_REALSERVER_CMD_H

#include <stdbool.h>

/* Exit codes (LSB init-script conventions where they overlap). */
enum exit_code {
	EXIT_DONE = 0,
	EXIT_RUNTIME = 1,		/* the kernel refused; status: partly applied */
	EXIT_USAGE = 2,			/* bad command line or configuration: nothing changed */
	EXIT_NOT_APPLIED = 3,		/* status only */
	EXIT_PRIVILEGE = 4,		/* needs CAP_NET_ADMIN */
};

enum rs_command {
	RS_START, RS_STOP, RS_RESTART, RS_STATUS, RS_APPLY, RS_CHECK_CONFIG,
	RS_RUN,				/* the daemon */
	RS_RELOAD,			/* SIGHUP to the daemon */
};

struct cli_options {
	const char *config_path;
	bool check;			/* plan and report, change nothing */
	bool diff;
	bool json;
	int wait_ms;			/* for the lock: 0, ms, or STATE_WAIT_FOREVER */
};

int rs_command_run(enum rs_command command, const struct cli_options *opts);
const char *rs_command_name(enum rs_command command);

#endif
