/* session: one run of a director command. See session.h. */
#include "director/session.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/failure.h"
#include "core/privilege.h"
#include "core/state_dir.h"
#include "director/apply.h"
#include "director/list.h"
#include "director/syntax.h"
#include "kernel/sysctl.h"
#include "lib/log.h"
#include "lib/xalloc.h"

void director_run_init(struct director_run *r, enum dir_command command,
		       const struct cli_options *opts, const struct dir_options *dir_opts)
{
	memset(r, 0, sizeof(*r));
	run_init(&r->run, opts);
	r->daemon_fd = -1;
	r->command = command;
	r->dir_opts = dir_opts;
}

void director_run_close(struct director_run *r)
{
	ipvs_table_free(&r->kernel);
	netdevs_free(&r->net);
	ipvs_close(&r->ipvs);
	netlink_close(&r->rtnl);
	dir_owned_free(&r->owned);
	run_close(&r->run);
	if (r->daemon_fd >= 0)
		close(r->daemon_fd);
}

static bool changes_host(const struct director_run *r)
{
	return (r->command == DIRCMD_APPLY || r->command == DIRCMD_STOP ||
		r->command == DIRCMD_RUN || r->command == DIRCMD_DRAIN ||
		r->command == DIRCMD_UNDRAIN) && !r->run.opts->check;
}

/* --- the steps, in the order a user wants to hear about problems -------------- */

/* vip_interface and sync_interface must exist (a configuration error
 * otherwise); stop goes on
 * without it, to clean up after an interface that was unplugged. */
static void check_vip_interface(struct director_run *r, const struct config *cfg,
				struct diag *diag)
{
	const char *name = director_config_of(cfg)->vip_interface;
	const struct rtnl_link *link = name[0] ? netdev_by_name(&r->net, name) : NULL;

	r->host.vip_ifindex = link ? link->ifindex : 0;
	if (r->command != DIRCMD_STOP)
		director_check_links(cfg, &r->net, diag);
}

/* Links and addresses: where VIPs are bound and announced. */
static int observe_links(struct director_run *r)
{
	const char *failed;
	int err = r->rtnl.sock ? 0 : netlink_open(&r->rtnl, NETLINK_ROUTE);

	netdevs_free(&r->net);
	if (!err)
		err = netdevs_read(&r->rtnl, &r->net, &failed);
	if (err)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot read links and addresses: %s",
				strerror(-err));
	return EXIT_DONE;
}

/* status, like ipvsadm -Ln and director save, needs no configuration: with
 * the default file missing, it lists the table with nothing managed. A
 * file named with -c that is missing is still a mistake to report. */
static bool status_without_config(const struct director_run *r)
{
	return r->command == DIRCMD_STATUS && !r->dir_opts->config_given &&
	       access(r->run.opts->config_path, F_OK) < 0 && errno == ENOENT;
}

int director_read_config(struct director_run *r, struct config *cfg)
{
	struct diag diag = { 0 };
	int code = EXIT_DONE;

	r->no_config = status_without_config(r);
	/* stop cleans up after whatever was applied: it needs no service. */
	run_load_config(r->run.opts, r->no_config ? "" : NULL, cfg,
			r->command == DIRCMD_STOP || r->no_config ? NULL : config_require_director,
			&diag);
	if (!diag.count && (code = observe_links(r)) == EXIT_DONE)
		check_vip_interface(r, cfg, &diag);
	if (!code && diag.count)
		code = fail_config(r->run.opts, &diag);
	diag_free(&diag);
	return code;
}

/* The director's lock; the daemon holds it all its life, and its own. */
static int take_lock(struct director_run *r)
{
	const char *dir = r->run.cfg.state_dir;
	int fd = state_director_lock(dir, r->run.opts->wait_ms);
	pid_t daemon = fd == -EWOULDBLOCK ? state_pid(dir, DIRECTOR_DAEMON_PID) : 0;

	if (daemon > 0)
		return fail_run(r->run.opts, EXIT_RUNTIME, "the lvsagent director daemon (pid %d) "
				"manages this director for %s: change its configuration and run "
				"`lvsagent director reload`, or stop it first", (int)daemon, dir);
	if (run_take_lock(&r->run, fd, "director", "director.lock"))
		return EXIT_RUNTIME;
	if (r->command != DIRCMD_RUN)
		return EXIT_DONE;
	r->daemon_fd = state_pid_lock(dir, DIRECTOR_DAEMON_PID);
	if (r->daemon_fd < 0)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot lock %s/%s: %s", dir,
				DIRECTOR_DAEMON_PID, strerror(-r->daemon_fd));
	return EXIT_DONE;
}

static int load_state(struct director_run *r)
{
	struct diag ignored = { 0 };
	int err = dir_state_load(r->run.cfg.state_dir, &r->owned, &ignored);

	for (size_t i = 0; i < ignored.count; i++)
		log_warn("%s", ignored.entries[i].text);
	diag_free(&ignored);
	if (err == -EBADMSG)
		return fail_run(r->run.opts, EXIT_RUNTIME, "%s/director is cut short (empty, or its "
				"last line missing: a write was interrupted or the file truncated): "
				"refused, not read as owning nothing. Nothing was changed. Were it "
				"moved away, director stop would leave the VIPs lvsagent bound and "
				"(manage = owned) the services it created: those were recorded only "
				"there (its IPv4 VIPs carry the label IFACE:lvs, to find by hand)",
				r->run.cfg.state_dir);
	if (err)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot read %s/director: %s",
				r->run.cfg.state_dir, strerror(-err));
	return EXIT_DONE;
}

static int open_ipvs(struct director_run *r)
{
	int err = ipvs_open(&r->ipvs);

	if (err == -ENOENT)
		return fail_run(r->run.opts, EXIT_RUNTIME, "this kernel has no IPVS: load the ip_vs "
				"module (modprobe ip_vs; ip_vs in /etc/modules-load.d/ to keep it)");
	if (err)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot open generic netlink for IPVS: %s",
				strerror(-err));
	return EXIT_DONE;
}

int director_observe_ipvs(struct director_run *r)
{
	struct ipvs_table gone;
	char text[80];
	int err;

	ipvs_table_free(&r->kernel);	/* the daemon reads it again and again */
	err = ipvs_dump(&r->ipvs, &r->kernel, &gone);

	if (err)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot read the IPVS table: %s",
				strerror(-err));
	/* Another program's deletion, caught half-way: the table without it is
	 * the truth now, and this run goes on with it. */
	for (size_t i = 0; i < gone.count; i++)
		log_warn("service %s was deleted while the table was read (by another program): "
			 "left out of this run",
			 director_format_virtual(&gone.services[i], text, sizeof(text)));
	ipvs_table_free(&gone);
	err = ipvs_dump_daemons(&r->ipvs, &r->sync);
	if (err)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot read the IPVS sync daemons: %s",
				strerror(-err));
	r->host.sync = &r->sync;
	return EXIT_DONE;
}

/* ip_forward or IPv6 forwarding, when the plan needs it: a NAT real server
 * of that family, or a value to put back. -1: not read (or unreadable). */
static int read_forwarding(const struct director_run *r, enum sysctl_key key, int af)
{
	const char *iface = key == IP_FORWARD ? "-" : "all";
	int value = -1;

	if (director_needs_forwarding(director_config_of(&r->run.cfg), af) || dir_owned_sysctl(&r->owned, key))
		if (sysctl_read(iface, key, &value) < 0)
			value = -1;
	return value;
}

/* Whether the plan needs tunable T: configured, or recorded as changed. */
static bool tunable_needed(const struct director_run *r, enum ipvs_tunable t)
{
	return director_config_of(&r->run.cfg)->tunables.set[t] || dir_owned_tunable(&r->owned, t);
}

/* The timeouts in one question (if any is needed), each sysctl from its
 * file; what cannot be read stays unknown, and the plan says so. */
static void observe_tunables(struct director_run *r)
{
	struct dir_tunable_values *v = &r->tunables;
	bool timeouts = false;
	struct ipvs_timeouts now;
	int err;

	memset(v, 0, sizeof(*v));
	for (int t = 0; t < IPVS_TIMEOUT_COUNT; t++)
		timeouts |= tunable_needed(r, (enum ipvs_tunable)t);
	if (timeouts && (err = ipvs_get_timeouts(&r->ipvs, &now)) == 0) {
		const uint32_t seconds[IPVS_TIMEOUT_COUNT] = { now.tcp, now.tcpfin, now.udp };
		for (int t = 0; t < IPVS_TIMEOUT_COUNT; t++) {
			v->known[t] = seconds[t] <= INT32_MAX;
			v->value[t] = (int)seconds[t];
		}
	} else if (timeouts) {
		log_warn("cannot read the IPVS timeouts: %s", strerror(-err));
	}
	for (int t = IPVS_TIMEOUT_COUNT; t < IPVS_TUNABLE_COUNT; t++)
		if (tunable_needed(r, (enum ipvs_tunable)t))
			v->known[t] = ipvs_sysctl_read((enum ipvs_tunable)t, &v->value[t]) == 0;
	r->host.tunables = v;
}

void director_observe_forwarding(struct director_run *r)
{
	r->host.forwarding[0] = read_forwarding(r, IP_FORWARD, AF_INET);
	r->host.forwarding[1] = read_forwarding(r, IPV6_FORWARDING, AF_INET6);
	r->host.net = &r->net;
	observe_tunables(r);
}

int director_prepare(struct director_run *r)
{
	int code;

	if ((code = director_read_config(r, &r->run.cfg)))
		return code;
	log_set_level(r->run.cfg.log_level);
	/* Even reading the IPVS table takes CAP_NET_ADMIN. */
	if (!have_net_admin())
		return fail_run(r->run.opts, EXIT_PRIVILEGE, "lvsagent director needs root "
				"(CAP_NET_ADMIN)");
	if (changes_host(r) && (code = take_lock(r)))
		return code;
	if (r->no_config)
		dir_owned_init(&r->owned);	/* no state directory named: nothing owned */
	else if ((code = load_state(r)))
		return code;
	if ((code = open_ipvs(r)) || (code = director_observe_ipvs(r)))
		return code;
	director_observe_forwarding(r);
	return EXIT_DONE;
}

/* --- apply and stop ----------------------------------------------------------------- */

static int save_state(struct director_run *r, const struct dir_plan *plan)
{
	struct dir_owned after;

	director_owned_after(plan, &r->owned, &after);
	return run_record(&r->run, &dir_state_record, &r->owned, &after, false);
}

/* Before anything changes, what the plan may leave owned is on disk; the
 * host is not touched without that record. */
static int record_intent(struct director_run *r, struct dir_plan *plan)
{
	struct dir_owned intent;

	director_owned_intent(plan, &r->owned, &intent);
	if (run_record(&r->run, &dir_state_record, &r->owned, &intent, true) == EXIT_DONE)
		return EXIT_DONE;
	for (size_t i = 0; i < plan->count; i++) {
		if (plan->items[i].action == ACTION_NONE)
			continue;
		plan->items[i].error = -ECANCELED;
		plan->items[i].reason = xstrdup("not attempted: what it changes could not be "
						"recorded first");
	}
	return EXIT_RUNTIME;
}

int director_execute(struct director_run *r, const struct director_config *want, bool stop,
		     struct dir_plan *plan)
{
	size_t failed = 0;
	int code = EXIT_DONE;

	if (stop)
		director_plan_stop(want, &r->kernel, &r->owned, &r->host, plan);
	else
		director_plan_apply(want, &r->kernel, &r->owned, &r->host, plan);
	if (!r->run.opts->check && !(code = record_intent(r, plan))) {
		failed = director_apply(&r->ipvs, &r->rtnl, &r->kernel, &r->host, plan);
		code = save_state(r, plan);
	}
	return failed ? EXIT_RUNTIME : code;
}

/* --- save and import need no configuration ------------------------------------------ */

/* The kernel's table alone, sorted as ipvsadm lists it, for COMMAND
 * ("director save"): no configuration, no state. */
int director_read_kernel(struct director_run *r, const char *command)
{
	int code;

	if (!have_net_admin())
		return fail_run(r->run.opts, EXIT_PRIVILEGE, "lvsagent %s needs root (CAP_NET_ADMIN)",
				command);
	code = open_ipvs(r);
	if (!code)
		code = director_observe_ipvs(r);
	if (!code)
		director_sort(&r->kernel);
	return code;
}
