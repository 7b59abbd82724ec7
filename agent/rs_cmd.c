/* rs_cmd: one session per command: config → observe → plan → apply →
 * state → report. Validation is complete before the first change. */
#include "rs_cmd.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "config.h"
#include "log.h"
#include "observe.h"
#include "plan.h"
#include "privilege.h"
#include "report.h"
#include "state.h"

struct session {
	const struct cli_options *opts;
	enum rs_command command;
	struct config cfg;
	struct owned owned;
	struct nl_conn conn;
	struct observed obs;
	int lock_fd;
};

static const char *command_verb(enum rs_command command)
{
	static const char *const verbs[] = { "start", "stop", "restart", "status", "apply",
					     "check-config" };

	return verbs[command];
}

static bool changes_host(const struct session *s)
{
	return s->command != RS_STATUS && s->command != RS_CHECK_CONFIG && !s->opts->check;
}

/* A failure before planning: text on stderr, and the JSON object too. */
__attribute__((format(printf, 3, 4)))
static int fail(const struct session *s, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s", msg);
	if (s->opts->json)
		report_json_failure(stdout, msg);
	return code;
}

static int config_failure(const struct session *s, struct diag *diag)
{
	char msg[768];

	diag_print(diag);
	snprintf(msg, sizeof(msg), "%s%s", diag->entries[0].text,
		 diag->count > 1 ? " (and more errors, see stderr)" : "");
	if (s->opts->json)
		report_json_failure(stdout, msg);
	return EXIT_USAGE;
}

static int load_config(struct session *s)
{
	struct diag diag = { 0 };
	int code = EXIT_DONE;

	if (config_load(s->opts->config_path, &s->cfg, &diag) < 0 ||
	    (s->command != RS_STOP && config_require_realserver(&s->cfg, &diag) < 0))
		code = config_failure(s, &diag);
	diag_free(&diag);
	log_set_level(s->cfg.log_level);
	return code;
}

static int take_lock(struct session *s)
{
	s->lock_fd = state_lock(s->cfg.state_dir);
	if (s->lock_fd >= 0)
		return EXIT_DONE;
	if (s->lock_fd == -EWOULDBLOCK)
		return fail(s, EXIT_RUNTIME, "another lvsagent is changing this host (%s/lock is held)",
			    s->cfg.state_dir);
	return fail(s, EXIT_RUNTIME, "cannot lock %s/lock: %s", s->cfg.state_dir,
		    strerror(-s->lock_fd));
}

static int load_state(struct session *s)
{
	int skipped, err = state_load(s->cfg.state_dir, &s->owned, &skipped);

	if (err)
		return fail(s, EXIT_RUNTIME, "cannot read %s/state: %s", s->cfg.state_dir,
			    strerror(-err));
	if (skipped)
		log_warn("%s/state: skipped %d unreadable line%s", s->cfg.state_dir, skipped,
			 skipped == 1 ? "" : "s");
	return EXIT_DONE;
}

static int observe(struct session *s)
{
	const char *what;
	int err;

	observed_free(&s->obs);
	err = observe_host(&s->conn, &s->obs, &what);
	if (err)
		return fail(s, EXIT_RUNTIME, "cannot read %s from the kernel: %s", what,
			    strerror(-err));
	if (!s->obs.lo_ifindex)
		return fail(s, EXIT_RUNTIME, "this network namespace has no lo interface");
	return EXIT_DONE;
}

/* The configured interfaces must exist: a configuration error, found with
 * a link dump before the lock or the state directory is touched. */
static int check_interfaces(struct session *s)
{
	struct observed links = { 0 };
	struct diag diag = { 0 };
	int code = EXIT_DONE, err;

	err = rtnl_dump_links(&s->conn, &links.links, &links.link_count);
	if (err)
		return fail(s, EXIT_RUNTIME, "cannot read links from the kernel: %s", strerror(-err));
	if (plan_check_interfaces(&s->cfg, &links, &diag) < 0)
		code = config_failure(s, &diag);
	diag_free(&diag);
	observed_free(&links);
	return code;
}

/* Everything that can refuse the run, in the order a user wants to hear. */
static int prepare(struct session *s)
{
	int code = load_config(s), err;

	if (code)
		return code;
	if (changes_host(s) && !have_net_admin())
		return fail(s, EXIT_PRIVILEGE, "%s needs root (CAP_NET_ADMIN)",
			    command_verb(s->command));
	err = nl_open(&s->conn, NETLINK_ROUTE);
	if (err)
		return fail(s, EXIT_RUNTIME, "cannot open rtnetlink: %s", strerror(-err));
	/* stop withdraws whatever is recorded: an uplink unplugged since start
	 * must not keep it from cleaning up. */
	if (s->command != RS_STOP && (code = check_interfaces(s)))
		return code;
	if (changes_host(s) && (code = take_lock(s)))
		return code;
	if ((code = load_state(s)))
		return code;
	return observe(s);
}

static int save_state(struct session *s, const struct plan *plan)
{
	struct owned after;
	int err;

	plan_owned_after(plan, &after);
	err = state_save(s->cfg.state_dir, &after);
	owned_free(&s->owned);
	s->owned = after;
	if (err) {
		log_error("cannot write %s/state: %s (lvsagent stop will still find its "
			  "addresses and routes by their marks)", s->cfg.state_dir, strerror(-err));
		return EXIT_RUNTIME;
	}
	return EXIT_DONE;
}

/* Plan with BUILD, then report it (check) or apply, record and report. */
static int run_plan(struct session *s, bool withdraw, const char *verb)
{
	struct report_options report = { .check = s->opts->check, .diff = s->opts->diff,
					  .json = s->opts->json, .verb = verb };
	struct plan plan;
	size_t failed = 0;
	int code = EXIT_DONE;

	if (withdraw)
		plan_withdraw(&s->obs, &s->owned, &plan);
	else
		plan_converge(&s->cfg.rs, &s->obs, &s->owned, &plan);
	if (!s->opts->check) {
		failed = apply_plan(&s->conn, s->obs.lo_ifindex, &plan);
		code = save_state(s, &plan);
	}
	report_plan(stdout, &plan, &report);
	plan_free(&plan);
	return failed ? EXIT_RUNTIME : code;
}

static int status(struct session *s)
{
	struct plan plan;
	enum status_code code;

	plan_converge(&s->cfg.rs, &s->obs, &s->owned, &plan);
	code = status_code_of(&plan, !owned_is_empty(&s->owned));
	report_status(stdout, &plan, code, s->opts->json);
	plan_free(&plan);
	return (int)code;
}

static int restart(struct session *s)
{
	int code = run_plan(s, true, "stop");

	if (code)
		return code;
	if ((code = observe(s)))
		return code;
	return run_plan(s, false, "start");
}

static int dispatch(struct session *s)
{
	switch (s->command) {
	case RS_START:
	case RS_APPLY:
		return run_plan(s, false, command_verb(s->command));
	case RS_STOP:
		return run_plan(s, true, "stop");
	case RS_RESTART:
		return restart(s);
	case RS_STATUS:
		return status(s);
	case RS_CHECK_CONFIG:
		printf("%s: configuration OK (%zu VIP%s)\n", s->cfg.file, s->cfg.rs.vip_count,
		       s->cfg.rs.vip_count == 1 ? "" : "s");
		return EXIT_DONE;
	}
	return EXIT_USAGE;
}

int rs_command_run(enum rs_command command, const struct cli_options *opts)
{
	struct session s = { .opts = opts, .command = command, .lock_fd = -1 };
	int code = prepare(&s);

	if (!code)
		code = dispatch(&s);
	observed_free(&s.obs);
	nl_close(&s.conn);
	owned_free(&s.owned);
	config_free(&s.cfg);
	if (s.lock_fd >= 0)
		close(s.lock_fd);
	return code;
}
