/* cmd: the one-shot real-server commands and how they report. */
#include "realserver/cmd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "core/failure.h"
#include "lib/log.h"
#include "realserver/daemon.h"
#include "realserver/report.h"
#include "realserver/session.h"
#include "realserver/status.h"

static int run_plan(struct session *s, bool withdraw, const char *verb)
{
	struct report_options report = { .check = s->run.opts->check, .diff = s->run.opts->diff,
					  .json = s->run.opts->json, .verb = verb };
	struct plan plan;
	int code = session_execute(s, withdraw, &plan);
	size_t changes = plan_change_count(&plan);

	if (s->daemon_pid > 0 && changes && !s->run.opts->check)
		code = fail_run(s->run.opts, EXIT_RUNTIME, "the lvsagent daemon (pid %d) manages this host "
				      "and %zu thing%s differ%s from this configuration: change the "
				      "daemon's configuration and run `lvsagent reload` (nothing was "
				      "changed)", (int)s->daemon_pid, changes, changes == 1 ? "" : "s",
				      changes == 1 ? "s" : "");
	else
		report_plan(stdout, &plan, &report);
	plan_free(&plan);
	return code;
}

static int status(struct session *s)
{
	struct plan plan;
	enum status_code code;
	struct status_info info = { .daemon = state_daemon_pid(s->run.cfg.state_dir),
				    .claim = s->claim, .alias = s->obs.lo_alias };

	plan_converge(rs_config_of(&s->run.cfg), &s->obs, &s->owned, &plan);
	code = status_code_of(&plan, !owned_is_empty(&s->owned));
	/* Nothing of this instance's is in place while another manages the host. */
	if (s->claim == CLAIM_OTHER && code == STATUS_IN_PLACE)
		code = STATUS_PARTLY;
	report_status(stdout, &plan, code, &info, s->run.opts->json);
	plan_free(&plan);
	return (int)code;
}

static int restart(struct session *s)
{
	int code = run_plan(s, true, "stop");

	if (code)
		return code;
	if ((code = session_observe(s)))
		return code;
	return run_plan(s, false, "start");
}

/* reload: ask the daemon for this state directory to re-read its config. */
static int reload(struct session *s)
{
	pid_t pid = state_daemon_pid(s->run.cfg.state_dir);

	if (pid <= 0)
		return fail_run(s->run.opts, EXIT_RUNTIME, "no lvsagent daemon is running for %s",
				      s->run.cfg.state_dir);
	if (kill(pid, SIGHUP) < 0)
		return fail_run(s->run.opts, EXIT_RUNTIME, "cannot signal the daemon (pid %d): %s",
				      (int)pid, strerror(errno));
	printf("asked the lvsagent daemon (pid %d) to reload its configuration\n", (int)pid);
	return EXIT_DONE;
}

/* check-config: every part of the file is valid (session_read_config). */
static int check_config(struct session *s)
{
	char summary[128];

	config_summary(&s->run.cfg, summary, sizeof(summary));
	printf("%s: configuration OK (%s)\n", s->run.cfg.file, summary);
	return EXIT_DONE;
}

static int dispatch(struct session *s)
{
	switch (s->command) {
	case RS_START:
	case RS_APPLY:
		return run_plan(s, false, rs_command_name(s->command));
	case RS_STOP:
		return run_plan(s, true, "stop");
	case RS_RESTART:
		return restart(s);
	case RS_STATUS:
		return status(s);
	case RS_RELOAD:
		return reload(s);
	case RS_CHECK_CONFIG:
		return check_config(s);
	case RS_RUN:
		return daemon_run(s);
	}
	return EXIT_USAGE;
}

int rs_command_run(enum rs_command command, const struct cli_options *opts)
{
	struct session s;
	int code;

	session_init(&s, command, opts);
	code = session_prepare(&s);
	if (!code)
		code = dispatch(&s);
	session_close(&s);
	return code;
}
