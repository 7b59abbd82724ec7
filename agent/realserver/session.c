/* session: the steps every command shares. See session.h. */
#include "realserver/session.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/failure.h"
#include "core/notify.h"
#include "core/privilege.h"
#include "kernel/nft_objects.h"
#include "kernel/rtnl_dump.h"
#include "lib/log.h"
#include "realserver/apply.h"
#include "realserver/plan_filter.h"

const char *rs_command_name(enum rs_command command)
{
	static const char *const names[] = { "start", "stop", "restart", "status", "apply",
					     "check-config", "run", "reload" };

	return names[command];
}

void session_init(struct session *s, enum rs_command command, const struct cli_options *opts)
{
	memset(s, 0, sizeof(*s));
	run_init(&s->run, opts);
	s->command = command;
	s->daemon_fd = -1;
}

void session_close(struct session *s)
{
	observed_free(&s->obs);
	netlink_close(&s->conn);
	netlink_close(&s->nfnl);
	fou_close(&s->fou);
	owned_free(&s->owned);
	run_close(&s->run);
	if (s->daemon_fd >= 0)
		close(s->daemon_fd);
	s->daemon_fd = -1;
}

static bool changes_host(const struct session *s)
{
	return s->command != RS_STATUS && s->command != RS_CHECK_CONFIG &&
	       s->command != RS_RELOAD && !s->run.opts->check;
}

/* The configured interfaces must exist: a configuration error, found with
 * a link dump before the lock or the state directory is touched. */
static int check_interfaces(struct session *s, const struct config *cfg, struct diag *diag)
{
	struct netdevs links = { 0 };
	const char *failed = "links";
	/* A VIP prefix is checked against the host's addresses too. */
	int err = rs_config_has_prefix(rs_config_of(cfg))
			  ? netdevs_read(&s->conn, &links, &failed)
			  : rtnl_dump_links(&s->conn, &links.links, &links.link_count);

	if (err)
		return fail_run(s->run.opts, EXIT_RUNTIME, "cannot read %s from the kernel: %s",
				failed, strerror(-err));
	/* check-config checks every part of the file; the others, this one. */
	if (s->command == RS_CHECK_CONFIG)
		config_check_links(cfg, &links, diag);
	else
		config_check_interfaces(cfg, &links, diag);
	netdevs_free(&links);
	return EXIT_DONE;
}

/* check-config of a file with another part's sections and none of the
 * real server's (a director's) needs no VIP. */
static int require_unless_other_part(const struct config *cfg, struct diag *diag)
{
	if (config_other_part_present(cfg, &rs_config_part) &&
	    !config_part_present(cfg, &rs_config_part))
		return 0;
	return config_require_realserver(cfg, diag);
}

/* What the command needs of the file. stop withdraws whatever is
 * recorded: it needs no VIP, and an uplink unplugged since start must not
 * keep it from cleaning up. */
static int (*requirement(const struct session *s))(const struct config *, struct diag *)
{
	if (s->command == RS_STOP || s->command == RS_RELOAD)
		return NULL;
	if (s->command == RS_CHECK_CONFIG)
		return require_unless_other_part;
	return config_require_realserver;
}

int session_read_config(struct session *s, struct config *cfg)
{
	struct diag diag = { 0 };
	int code = EXIT_DONE;

	run_load_config(s->run.opts, NULL, cfg, requirement(s), &diag);
	/* status reports a configured uplink that is not there as a difference
	 * (renamed under a running daemon, say), not as a bad configuration. */
	if (s->command != RS_STOP && s->command != RS_RELOAD && s->command != RS_STATUS &&
	    !diag.count)
		code = check_interfaces(s, cfg, &diag);
	if (!code && diag.count)
		code = fail_config(s->run.opts, &diag);
	diag_free(&diag);
	return code;
}

/* Another lvsagent has the lock: say whether it is the daemon. */
static int lock_busy(struct session *s, int fd)
{
	pid_t pid = state_daemon_pid(s->run.cfg.state_dir);

	/* start and apply may still find that there is nothing to do (a
	 * playbook run after the daemon converged): they go on read-only. */
	if (pid > 0 && (s->command == RS_START || s->command == RS_APPLY)) {
		s->daemon_pid = pid;
		return EXIT_DONE;
	}
	if (pid > 0)
		return fail_run(s->run.opts, EXIT_RUNTIME, "the lvsagent daemon (pid %d) manages this "
				      "host for %s: change its configuration and run `lvsagent "
				      "reload`, or stop it first", (int)pid, s->run.cfg.state_dir);
	return run_take_lock(&s->run, fd, "host", "lock");
}

static int take_locks(struct session *s)
{
	if (s->command == RS_RUN) {
		s->daemon_fd = state_daemon_lock(s->run.cfg.state_dir);
		if (s->daemon_fd == -EWOULDBLOCK)
			return fail_run(s->run.opts, EXIT_RUNTIME, "lvsagent is already running for %s "
					      "(pid %d)", s->run.cfg.state_dir,
					      (int)state_daemon_pid(s->run.cfg.state_dir));
		if (s->daemon_fd < 0)
			return fail_run(s->run.opts, EXIT_RUNTIME, "cannot lock %s/daemon.pid: %s",
					      s->run.cfg.state_dir, strerror(-s->daemon_fd));
	}
	int fd = state_lock(s->run.cfg.state_dir, s->run.opts->wait_ms);

	if (fd == -EWOULDBLOCK)
		return lock_busy(s, fd);
	return run_take_lock(&s->run, fd, "host", "lock");
}

static int load_state(struct session *s)
{
	int skipped, err = state_load(s->run.cfg.state_dir, &s->owned, &skipped);

	if (err == -EBADMSG)
		return fail_run(s->run.opts, EXIT_RUNTIME, "%s/state is cut short (empty, or its "
				"last line missing: a write was interrupted or the file truncated): "
				"refused, not read as owning nothing. Nothing was changed. Move it "
				"away and run stop: it finds lvsagent's VIPs and routes by their marks "
				"in the kernel, but the sysctls' original values were only in the file",
				s->run.cfg.state_dir);
	if (err)
		return fail_run(s->run.opts, EXIT_RUNTIME, "cannot read %s/state: %s", s->run.cfg.state_dir,
				      strerror(-err));
	if (skipped)
		log_warn("%s/state: ignored %d line%s lvsagent could not have written",
			 s->run.cfg.state_dir, skipped, skipped == 1 ? "" : "s");
	return EXIT_DONE;
}

static bool wants_nftables(const struct session *s)
{
	return s->command != RS_STOP && rs_config_of(&s->run.cfg)->suppression != SUPPRESS_SYSCTL;
}

#define TRANSIENT_FMT "cannot read %s from the kernel yet: it kept changing while read (%s); " \
	"trying again"

/* A caller that tries again (the daemon) hears of a transient failure to
 * read WHAT as a warning: the kernel's tables kept changing under the dump
 * (-EAGAIN), which an event storm does and which passes. Returns whether
 * it was one. */
static bool transient_failure(const struct session *s, int err, const char *what)
{
	if (err != -EAGAIN || !s->retrying)
		return false;
	if (s->retry_log)
		log_budget_line(s->retry_log, notify_monotonic_usec(), LOG_LEVEL_WARNING,
				TRANSIENT_FMT, what, strerror(-err));
	else
		log_warn(TRANSIENT_FMT, what, strerror(-err));
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
		return fail_run(s->run.opts, EXIT_RUNTIME, "suppression = %s needs nftables, and this "
				      "kernel has no nf_tables (CONFIG_NF_TABLES): nothing was changed",
				      suppression_name(rs_config_of(&s->run.cfg)->suppression));
	if (transient_failure(s, err, "the nftables table arp " NFT_TABLE_NAME))
		return EXIT_RUNTIME;
	return fail_run(s->run.opts, EXIT_RUNTIME, "cannot read the nftables table arp %s: %s",
			      NFT_TABLE_NAME, strerror(-err));
}

/* directors and mss are rules of table inet lvsagent: the same check. */
static int check_filter(struct session *s)
{
	const struct rs_config *rs = rs_config_of(&s->run.cfg);
	int err = s->obs.filter_error;

	if (!err || s->command == RS_STOP || !filter_wanted(rs))
		return EXIT_DONE;
	if (err == -EPROTONOSUPPORT)
		return fail_run(s->run.opts, EXIT_RUNTIME, "directors and mss need nftables, and "
				"this kernel has no nf_tables (CONFIG_NF_TABLES): nothing was "
				"changed");
	if (transient_failure(s, err, "the nftables table inet " NFT_TABLE_NAME))
		return EXIT_RUNTIME;
	return fail_run(s->run.opts, EXIT_RUNTIME, "cannot read the nftables table inet %s: %s",
			NFT_TABLE_NAME, strerror(-err));
}

static int check_tables(struct session *s)
{
	int code = check_nftables(s);

	return code ? code : check_filter(s);
}

static bool wants_gue(const struct session *s)
{
	const struct rs_config *rs = rs_config_of(&s->run.cfg);

	return s->command != RS_STOP && rs->tun.method == METHOD_TUN && rs->tun.type == TUNNEL_GUE;
}

/* gue needs the fou family, which the kernel never loads on demand: say
 * so before anything is changed. */
static int check_fou(struct session *s)
{
	int err = s->obs.fou_error;

	if (!err || !wants_gue(s))
		return EXIT_DONE;
	if (err == -ENOENT)
		return fail_run(s->run.opts, EXIT_RUNTIME, "tunnel = gue needs the kernel's fou "
				      "module, which is not loaded (and is never loaded on demand): "
				      "load the fou module (modprobe fou); nothing was changed");
	return fail_run(s->run.opts, EXIT_RUNTIME, "cannot read the fou ports: %s", strerror(-err));
}

void session_refresh_fou(struct session *s)
{
	s->obs.fou_error = 0;
	if (!wants_gue(s) && !s->owned.fou_count)
		return;
	if (!s->fou.nl.sock && (s->obs.fou_error = fou_open(&s->fou)) < 0)
		return;
	observed_refresh_fou(&s->fou, &s->obs);
}

int session_observe(struct session *s)
{
	const char *what;
	int err, code;

	observed_free(&s->obs);
	err = observe_host(&s->conn, s->nfnl.sock ? &s->nfnl : NULL, &s->obs, &what);
	if (err && transient_failure(s, err, what))
		return EXIT_RUNTIME;
	if (err)
		return fail_run(s->run.opts, EXIT_RUNTIME, "cannot read %s from the kernel: %s", what,
				      strerror(-err));
	if (!s->obs.lo_ifindex)
		return fail_run(s->run.opts, EXIT_RUNTIME, "this network namespace has no lo interface");
	s->claim = claim_classify(s->obs.lo_alias, s->claim_text);
	s->obs.other_instance = s->claim == CLAIM_OTHER;
	session_refresh_fou(s);
	if ((code = check_fou(s)))
		return code;
	return check_tables(s);
}

/* The commands that would take the host from another instance. stop is not
 * one: it removes only this instance's own records (marks do not count
 * while another claims the host, see plan.c). */
static bool takes_host(const struct session *s)
{
	return s->command == RS_START || s->command == RS_APPLY || s->command == RS_RESTART ||
	       s->command == RS_RUN;
}

static int refuse_other_instance(struct session *s)
{
	return fail_run(s->run.opts, EXIT_RUNTIME, "another lvsagent instance manages this host's "
			      "real-server side: lo's alias says \"%s\" (its state_dir is %s; this "
			      "configuration's is %s). One instance per host: use that "
			      "instance's configuration, or stop it first (lvsagent -c ITS_CONFIG "
			      "stop); nothing was changed", s->obs.lo_alias,
			      claim_holder(s->obs.lo_alias), s->run.cfg.state_dir);
}

/* What lo's alias means for this run, said once. */
static int check_claim(struct session *s)
{
	if (s->claim == CLAIM_OTHER && takes_host(s))
		return refuse_other_instance(s);
	if (s->claim == CLAIM_FOREIGN && takes_host(s) && !s->run.opts->check)
		log_warn("lo's alias is \"%s\", not lvsagent's: this instance cannot mark the "
			 "host as its own, and another lvsagent instance would not see it",
			 s->obs.lo_alias);
	if (!s->claim_text[0] && takes_host(s) && !s->run.opts->check)
		log_warn("state_dir %s is too long to name in lo's alias: this instance cannot "
			 "mark the host as its own", s->run.cfg.state_dir);
	return EXIT_DONE;
}

/* This instance's name for lo's alias: its state directory, canonical, so
 * that two paths to one directory are one instance. */
static void make_claim_text(struct session *s)
{
	char canonical[PATH_MAX];

	if (state_dir_canonical(s->run.cfg.state_dir, canonical, sizeof(canonical)) < 0)
		snprintf(canonical, sizeof(canonical), "%s", s->run.cfg.state_dir);
	claim_text(canonical, s->claim_text, sizeof(s->claim_text));
}

int session_observe_table(struct session *s)
{
	observed_refresh_sysctls(&s->obs);
	observed_refresh_nft(&s->nfnl, &s->obs);
	return check_tables(s);
}

int session_prepare(struct session *s)
{
	int code, err;

	err = netlink_open(&s->conn, NETLINK_ROUTE);
	if (err)
		return fail_run(s->run.opts, EXIT_RUNTIME, "cannot open rtnetlink: %s", strerror(-err));
	/* Without nfnetlink, nftables is simply unavailable (see check_nftables). */
	if (netlink_open(&s->nfnl, NETLINK_NETFILTER) < 0)
		s->nfnl.sock = NULL;
	if ((code = session_read_config(s, &s->run.cfg)))
		return code;
	/* Messages from here on follow the configured level. */
	log_set_level(s->run.cfg.log_level);
	if (changes_host(s) && !have_net_admin())
		return fail_run(s->run.opts, EXIT_PRIVILEGE, "%s needs root (CAP_NET_ADMIN)",
				      rs_command_name(s->command));
	if (changes_host(s) && (code = take_locks(s)))
		return code;
	if ((code = load_state(s)))
		return code;
	make_claim_text(s);
	if ((code = session_observe(s)))
		return code;
	return check_claim(s);
}

static int save_state(struct session *s, const struct plan *plan)
{
	struct owned after;

	plan_owned_after(plan, &after);
	return run_record(&s->run, &state_record, &s->owned, &after, false);
}

/* Before anything changes: what the plan may leave lvsagent owning (the
 * sysctls' original values above all) is on disk. Without that record the
 * host is not touched. */
static int record_intent(struct session *s, struct plan *plan)
{
	struct owned intent;

	plan_owned_intent(plan, &intent);
	if (run_record(&s->run, &state_record, &s->owned, &intent, true) == EXIT_DONE)
		return EXIT_DONE;
	apply_skip_all(plan, "not attempted: what it changes could not be recorded first");
	return EXIT_RUNTIME;
}

/* Mark the host as this instance's before changing it (unless lo's alias
 * is someone else's, or the name does not fit: then unmarked, as before). */
static void claim_host(struct session *s)
{
	struct nl_result result;
	char text[256];

	if (s->claim != CLAIM_NONE || !s->claim_text[0])
		return;
	if (apply_claim(&s->conn, s->obs.lo_ifindex, s->claim_text, &result) == 0)
		s->claim = CLAIM_OURS;
	else
		log_warn("cannot set lo's alias to \"%s\": %s", s->claim_text,
			 nl_result_text(&result, text, sizeof(text)));
}

/* Withdrawn completely (nothing recorded, nothing failed, the table gone):
 * the host is no longer this instance's. */
static void release_host(struct session *s, size_t failed)
{
	struct nl_result result;
	char text[256];

	if (s->claim != CLAIM_OURS || failed || !owned_is_empty(&s->owned))
		return;
	if (apply_claim(&s->conn, s->obs.lo_ifindex, "", &result) == 0)
		s->claim = CLAIM_NONE;
	else
		log_warn("cannot remove lo's alias \"%s\": %s", s->claim_text,
			 nl_result_text(&result, text, sizeof(text)));
}

/* Whether A and B are the same tunnel device or GUE port. */
static bool same_tunnel_piece(const struct plan_item *a, const struct plan_item *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == ITEM_FOU)
		return a->setting->fou.port == b->setting->fou.port &&
		       a->setting->fou.family == b->setting->fou.family;
	return a->kind == ITEM_TUNNEL && strcmp(a->setting->iface, b->setting->iface) == 0;
}

/* The devices and ports the first plan brought up or added are in the
 * second as found in place: they keep the first one's change, for the
 * report and the record. */
static void carry_tunnels(const struct plan *first, struct plan *next)
{
	for (size_t i = 0; i < first->count; i++) {
		const struct plan_item *done = &first->items[i];
		if ((done->kind != ITEM_TUNNEL && done->kind != ITEM_FOU) ||
		    done->action == ACTION_NONE || !done->done)
			continue;
		for (size_t j = 0; j < next->count; j++) {
			struct plan_item *item = &next->items[j];
			if (!same_tunnel_piece(item, done))
				continue;
			item->action = done->action;
			item->before = done->before;
			item->setting->missing = done->setting->missing;
			item->done = item->ours = true;
		}
	}
}

/* A created tunnel device may have loaded its module, and a module brings
 * fallback devices of its own (ip_gre: gre0, gretap0, erspan0) whose
 * sysctls the plan never saw: the host is read and planned again. */
static int replan(struct session *s, struct plan *plan)
{
	struct plan next;
	int code;

	if ((code = save_state(s, plan)) || (code = session_observe(s))) {
		apply_skip_rest(plan, "not attempted: the host could not be read again after "
			       "the tunnel devices were created");
		return code ? code : EXIT_RUNTIME;
	}
	plan_converge(rs_config_of(&s->run.cfg), &s->obs, &s->owned, &next);
	carry_tunnels(plan, &next);
	plan_free(plan);
	*plan = next;
	return record_intent(s, plan);
}

/* LVS-TUN's tunnel devices go first, before lo's alias and everything
 * else: a kernel without the module refuses here, and nothing else has
 * changed. */
static int tunnels_first(struct session *s, struct plan *plan)
{
	if (apply_tunnels(&s->conn, &s->fou, plan)) {
		apply_skip_rest(plan, "not attempted: a tunnel device could not be brought up first");
		(void)save_state(s, plan);
		return EXIT_RUNTIME;
	}
	return apply_created_tunnel(plan) ? replan(s, plan) : EXIT_DONE;
}

int session_execute(struct session *s, bool withdraw, struct plan *plan)
{
	size_t failed;
	int code;

	if (withdraw)
		plan_withdraw(&s->obs, &s->owned, plan);
	else
		plan_converge(rs_config_of(&s->run.cfg), &s->obs, &s->owned, plan);
	/* While a daemon manages the host, only plan: the caller refuses any
	 * change, or reports that there is none. */
	if (s->run.opts->check || s->daemon_pid > 0)
		return EXIT_DONE;
	if (s->claim == CLAIM_OTHER && !withdraw) {
		log_error("another lvsagent instance has claimed this host since (lo's alias is "
			  "\"%s\"): not changing it", s->obs.lo_alias);
		apply_skip_all(plan, "not attempted: another lvsagent instance manages this host");
		return EXIT_RUNTIME;
	}
	if ((code = record_intent(s, plan)))
		return code;
	if (!withdraw && (code = tunnels_first(s, plan)))
		return code;
	if (!withdraw)
		claim_host(s);
	failed = apply_plan(&s->conn, &s->nfnl, s->nft_listener, &s->fou, s->obs.lo_ifindex, plan);
	s->applied_usec = notify_monotonic_usec();
	code = save_state(s, plan);
	if (withdraw)
		release_host(s, failed);
	return failed ? EXIT_RUNTIME : code;
}
