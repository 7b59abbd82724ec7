/* session: the steps every command shares. See session.h. */
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "director_plan.h"
#include "failure.h"
#include "nft.h"
#include "log.h"
#include "notify.h"
#include "privilege.h"
#include "report.h"

void session_init(struct session *s, enum rs_command command, const struct cli_options *opts)
{
	memset(s, 0, sizeof(*s));
	s->opts = opts;
	s->command = command;
	s->lock_fd = s->daemon_fd = -1;
}

void session_close(struct session *s)
{
	observed_free(&s->obs);
	netlink_close(&s->conn);
	netlink_close(&s->nfnl);
	owned_free(&s->owned);
	config_free(&s->cfg);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (s->daemon_fd >= 0)
		close(s->daemon_fd);
	s->lock_fd = s->daemon_fd = -1;
}

static bool changes_host(const struct session *s)
{
	return s->command != RS_STATUS && s->command != RS_CHECK_CONFIG &&
	       s->command != RS_RELOAD && !s->opts->check;
}

/* The configured interfaces must exist: a configuration error, found with
 * a link dump before the lock or the state directory is touched. */
static int check_interfaces(struct session *s, const struct config *cfg, struct diag *diag)
{
	struct observed links = { 0 };
	int err = rtnl_dump_links(&s->conn, &links.links, &links.link_count);

	if (err)
		return fail_run(s->opts, EXIT_RUNTIME, "cannot read links from the kernel: %s",
				      strerror(-err));
	plan_check_interfaces(cfg, &links, diag);
	if (s->command == RS_CHECK_CONFIG)
		director_check_vip_interface(cfg, &links, diag);
	observed_free(&links);
	return EXIT_DONE;
}

int session_read_config(struct session *s, struct config *cfg)
{
	struct diag diag = { 0 };
	int code = EXIT_DONE;

	config_load(s->opts->config_path, cfg, &diag);
	/* stop withdraws whatever is recorded: it needs no VIP, and an uplink
	 * unplugged since start must not keep it from cleaning up. */
	if (s->command != RS_STOP && s->command != RS_RELOAD && !diag.count &&
	    !(s->command == RS_CHECK_CONFIG && cfg->dir.present && !cfg->has_realserver))
		config_require_realserver(cfg, &diag);
	if (s->command != RS_STOP && s->command != RS_RELOAD && !diag.count)
		code = check_interfaces(s, cfg, &diag);
	if (!code && diag.count)
		code = fail_config(s->opts, &diag);
	diag_free(&diag);
	return code;
}

/* Another lvsagent has the lock: say whether it is the daemon. */
static int lock_busy(struct session *s)
{
	pid_t pid = state_daemon_pid(s->cfg.state_dir);

	/* start and apply may still find that there is nothing to do (a
	 * playbook run after the daemon converged): they go on read-only. */
	if (pid > 0 && (s->command == RS_START || s->command == RS_APPLY)) {
		s->daemon_pid = pid;
		return EXIT_DONE;
	}
	if (pid > 0)
		return fail_run(s->opts, EXIT_RUNTIME, "the lvsagent daemon (pid %d) manages this "
				      "host for %s: change its configuration and run `lvsagent "
				      "reload`, or stop it first", (int)pid, s->cfg.state_dir);
	return fail_run(s->opts, EXIT_RUNTIME, "another lvsagent is changing this host (%s/lock "
			      "is held)", s->cfg.state_dir);
}

static int take_locks(struct session *s)
{
	if (s->command == RS_RUN) {
		s->daemon_fd = state_daemon_lock(s->cfg.state_dir);
		if (s->daemon_fd == -EWOULDBLOCK)
			return fail_run(s->opts, EXIT_RUNTIME, "lvsagent is already running for %s "
					      "(pid %d)", s->cfg.state_dir,
					      (int)state_daemon_pid(s->cfg.state_dir));
		if (s->daemon_fd < 0)
			return fail_run(s->opts, EXIT_RUNTIME, "cannot lock %s/daemon.pid: %s",
					      s->cfg.state_dir, strerror(-s->daemon_fd));
	}
	s->lock_fd = state_lock(s->cfg.state_dir);
	if (s->lock_fd == -EWOULDBLOCK)
		return lock_busy(s);
	if (s->lock_fd < 0)
		return fail_run(s->opts, EXIT_RUNTIME, "cannot lock %s/lock: %s", s->cfg.state_dir,
				      strerror(-s->lock_fd));
	return EXIT_DONE;
}

static int load_state(struct session *s)
{
	int skipped, err = state_load(s->cfg.state_dir, &s->owned, &skipped);

	if (err)
		return fail_run(s->opts, EXIT_RUNTIME, "cannot read %s/state: %s", s->cfg.state_dir,
				      strerror(-err));
	if (skipped)
		log_warn("%s/state: skipped %d unreadable line%s", s->cfg.state_dir, skipped,
			 skipped == 1 ? "" : "s");
	return EXIT_DONE;
}

static bool wants_nftables(const struct session *s)
{
	return s->command != RS_STOP && s->cfg.rs.suppression != SUPPRESS_SYSCTL;
}

/* A caller that tries again (the daemon) hears of a transient failure to
 * read WHAT as a warning: the kernel's tables kept changing under the dump
 * (-EAGAIN), which an event storm does and which passes. Returns whether
 * it was one. */
static bool transient_failure(const struct session *s, int err, const char *what)
{
	if (err != -EAGAIN || !s->retrying)
		return false;
	log_warn("cannot read %s from the kernel yet: it kept changing while read (%s); "
		 "trying again", what, strerror(-err));
	return true;
}

/* suppression = nftables or both needs the kernel's nf_tables with the arp
 * family: say so before anything is changed, rather than half-apply. */
static int check_nftables(struct session *s)
{
	int err = s->obs.nft_error;

	if (!err || !wants_nftables(s))
		return EXIT_DONE;
	if (err == -EPROTONOSUPPORT)
		return fail_run(s->opts, EXIT_RUNTIME, "suppression = %s needs nftables, and this "
				      "kernel has no nf_tables (CONFIG_NF_TABLES): nothing was changed",
				      suppression_name(s->cfg.rs.suppression));
	if (transient_failure(s, err, "the nftables table arp " NFT_TABLE_NAME))
		return EXIT_RUNTIME;
	return fail_run(s->opts, EXIT_RUNTIME, "cannot read the nftables table arp %s: %s",
			      NFT_TABLE_NAME, strerror(-err));
}

int session_observe(struct session *s)
{
	const char *what;
	int err;

	observed_free(&s->obs);
	err = observe_host(&s->conn, s->nfnl.sock ? &s->nfnl : NULL, &s->obs, &what);
	if (err && transient_failure(s, err, what))
		return EXIT_RUNTIME;
	if (err)
		return fail_run(s->opts, EXIT_RUNTIME, "cannot read %s from the kernel: %s", what,
				      strerror(-err));
	if (!s->obs.lo_ifindex)
		return fail_run(s->opts, EXIT_RUNTIME, "this network namespace has no lo interface");
	return check_nftables(s);
}

int session_observe_table(struct session *s)
{
	observed_refresh_sysctls(&s->obs);
	observed_refresh_nft(&s->nfnl, &s->obs);
	return check_nftables(s);
}

int session_prepare(struct session *s)
{
	int code, err;

	err = netlink_open(&s->conn, NETLINK_ROUTE);
	if (err)
		return fail_run(s->opts, EXIT_RUNTIME, "cannot open rtnetlink: %s", strerror(-err));
	/* Without nfnetlink, nftables is simply unavailable (see check_nftables). */
	if (netlink_open(&s->nfnl, NETLINK_NETFILTER) < 0)
		s->nfnl.sock = NULL;
	if ((code = session_read_config(s, &s->cfg)))
		return code;
	/* Messages from here on follow the configured level. */
	log_set_level(s->cfg.log_level);
	if (changes_host(s) && !have_net_admin())
		return fail_run(s->opts, EXIT_PRIVILEGE, "%s needs root (CAP_NET_ADMIN)",
				      rs_command_name(s->command));
	if (changes_host(s) && (code = take_locks(s)))
		return code;
	if ((code = load_state(s)))
		return code;
	return session_observe(s);
}

static int save_state(struct session *s, const struct plan *plan)
{
	struct owned after;
	int err;

	plan_owned_after(plan, &after);
	/* Unchanged ownership (the usual idempotent run): nothing to write. */
	err = owned_equal(&after, &s->owned) ? 0 : state_save(s->cfg.state_dir, &after);
	owned_free(&s->owned);
	s->owned = after;
	if (err) {
		log_error("cannot write %s/state: %s (lvsagent stop will still find its "
			  "addresses and routes by their marks)", s->cfg.state_dir, strerror(-err));
		return EXIT_RUNTIME;
	}
	return EXIT_DONE;
}

int session_execute(struct session *s, bool withdraw, struct plan *plan)
{
	size_t failed;
	int code;

	if (withdraw)
		plan_withdraw(&s->obs, &s->owned, plan);
	else
		plan_converge(&s->cfg.rs, &s->obs, &s->owned, plan);
	/* While a daemon manages the host, only plan: the caller refuses any
	 * change, or reports that there is none. */
	if (s->opts->check || s->daemon_pid > 0)
		return EXIT_DONE;
	failed = apply_plan(&s->conn, &s->nfnl, s->nft_listener, s->obs.lo_ifindex, plan);
	s->applied_usec = notify_monotonic_usec();
	code = save_state(s, plan);
	return failed ? EXIT_RUNTIME : code;
}
