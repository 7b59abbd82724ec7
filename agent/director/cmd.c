/* cmd: the director's commands. See cmd.h. */
#include "director/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/config.h"
#include "core/failure.h"
#include "core/privilege.h"
#include "core/run.h"
#include "director/apply.h"
#include "director/config.h"
#include "director/import.h"
#include "director/list.h"
#include "director/plan.h"
#include "director/report.h"
#include "director/state.h"
#include "director/status.h"
#include "director/syntax.h"
#include "kernel/sysctl.h"
#include "lib/log.h"
#include "lib/xalloc.h"

static const struct {
	const char *name;
	enum dir_command command;
	bool takes_check, takes_json;
} subcommands[] = {
	{ "apply", DIRCMD_APPLY, true, true },
	{ "stop", DIRCMD_STOP, true, true },
	{ "status", DIRCMD_STATUS, false, true },
	{ "save", DIRCMD_SAVE, false, false },
	{ "import", DIRCMD_IMPORT, false, false },
};

bool director_command_find(const char *name, enum dir_command *command, bool *takes_check,
			   bool *takes_json)
{
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(name, subcommands[i].name) != 0)
			continue;
		*command = subcommands[i].command;
		*takes_check = subcommands[i].takes_check;
		*takes_json = subcommands[i].takes_json;
		return true;
	}
	return false;
}

/* One run against the director: configuration, sockets, what is owned,
 * what the kernel has. */
struct director_run {
	struct run run;			/* options, configuration, STATE_DIR/director.lock */
	enum dir_command command;
	const struct dir_options *dir_opts;
	bool no_config;			/* status without the default file: nothing managed */
	struct dir_owned owned;
	struct ipvs_conn ipvs;
	struct nl_conn rtnl;
	struct netdevs net;
	struct dir_host host;
	struct ipvs_table kernel;
};

static void director_run_close(struct director_run *r)
{
	ipvs_table_free(&r->kernel);
	netdevs_free(&r->net);
	ipvs_close(&r->ipvs);
	netlink_close(&r->rtnl);
	dir_owned_free(&r->owned);
	run_close(&r->run);
}

static bool changes_host(const struct director_run *r)
{
	return (r->command == DIRCMD_APPLY || r->command == DIRCMD_STOP) && !r->run.opts->check;
}

/* --- the steps, in the order a user wants to hear about problems -------------- */

/* vip_interface must exist (a configuration error otherwise); stop goes on
 * without it, to clean up after an interface that was unplugged. */
static void check_vip_interface(struct director_run *r, struct diag *diag)
{
	const char *name = director_config_of(&r->run.cfg)->vip_interface;
	const struct rtnl_link *link = name[0] ? netdev_by_name(&r->net, name) : NULL;

	r->host.vip_ifindex = link ? link->ifindex : 0;
	if (r->command != DIRCMD_STOP)
		director_check_vip_interface(&r->run.cfg, &r->net, diag);
}

/* Links and addresses: where VIPs are bound and announced. */
static int observe_links(struct director_run *r)
{
	const char *failed;
	int err = netlink_open(&r->rtnl, NETLINK_ROUTE);

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

static int read_config(struct director_run *r)
{
	struct diag diag = { 0 };
	int code = EXIT_DONE;

	r->no_config = status_without_config(r);
	/* stop cleans up after whatever was applied: it needs no service. */
	run_load_config(r->run.opts, r->no_config ? "" : NULL, &r->run.cfg,
			r->command == DIRCMD_STOP || r->no_config ? NULL : config_require_director,
			&diag);
	if (!diag.count && (code = observe_links(r)) == EXIT_DONE)
		check_vip_interface(r, &diag);
	if (!code && diag.count)
		code = fail_config(r->run.opts, &diag);
	diag_free(&diag);
	return code;
}

static int take_lock(struct director_run *r)
{
	return run_take_lock(&r->run, state_director_lock(r->run.cfg.state_dir,
							  r->run.opts->wait_ms),
			     "director", "director.lock");
}

static int load_state(struct director_run *r)
{
	struct diag ignored = { 0 };
	int err = dir_state_load(r->run.cfg.state_dir, &r->owned, &ignored);

	for (size_t i = 0; i < ignored.count; i++)
		log_warn("%s", ignored.entries[i].text);
	diag_free(&ignored);
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

static int observe_ipvs(struct director_run *r)
{
	struct ipvs_table gone;
	char text[80];
	int err = ipvs_dump(&r->ipvs, &r->kernel, &gone);

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

static void observe_forwarding(struct director_run *r)
{
	r->host.forwarding[0] = read_forwarding(r, IP_FORWARD, AF_INET);
	r->host.forwarding[1] = read_forwarding(r, IPV6_FORWARDING, AF_INET6);
	r->host.net = &r->net;
}

static int prepare(struct director_run *r)
{
	int code;

	if ((code = read_config(r)))
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
	if ((code = open_ipvs(r)) || (code = observe_ipvs(r)))
		return code;
	observe_forwarding(r);
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

static int converge(struct director_run *r, bool stop)
{
	struct report_options report = { .check = r->run.opts->check, .json = r->run.opts->json,
					  .verb = stop ? "director stop" : "director apply" };
	struct dir_plan plan;
	size_t failed = 0;
	int code = EXIT_DONE;

	if (stop)
		director_plan_stop(director_config_of(&r->run.cfg), &r->kernel, &r->owned, &r->host, &plan);
	else
		director_plan_apply(director_config_of(&r->run.cfg), &r->kernel, &r->owned, &r->host, &plan);
	if (!r->run.opts->check && !(code = record_intent(r, &plan))) {
		failed = director_apply(&r->ipvs, &r->rtnl, &r->kernel, &r->host, &plan);
		code = save_state(r, &plan);
	}
	director_report(stdout, &plan, &report);
	dir_plan_free(&plan);
	return failed ? EXIT_RUNTIME : code;
}

/* --- save and import need no configuration ------------------------------------------ */

/* The kernel's table alone, sorted as ipvsadm lists it, for COMMAND
 * ("director save"): no configuration, no state. */
static int read_kernel_table(struct director_run *r, const char *command)
{
	int code;

	if (!have_net_admin())
		return fail_run(r->run.opts, EXIT_PRIVILEGE, "lvsagent %s needs root (CAP_NET_ADMIN)",
				command);
	code = open_ipvs(r);
	if (!code)
		code = observe_ipvs(r);
	if (!code)
		director_sort(&r->kernel);
	return code;
}

static int save(const struct cli_options *opts)
{
	struct director_run r = { .command = DIRCMD_SAVE };
	int code;

	run_init(&r.run, opts);
	code = read_kernel_table(&r, "director save");

	if (!code)
		director_save(stdout, &r.kernel);
	director_run_close(&r);
	return code;
}

/* Every setting of the kernel's table as configuration: what ipvsadm -S
 * leaves out (real servers' thresholds) too, so an adopted table applies
 * with nothing to change. */
static int import_kernel(const struct cli_options *opts, struct diag *diag)
{
	struct director_run r = { .command = DIRCMD_IMPORT };
	int code;

	run_init(&r.run, opts);
	code = read_kernel_table(&r, "director import --from-kernel");

	if (!code && director_import_table(&r.kernel, "the kernel's IPVS table", stdout, diag) < 0)
		code = EXIT_USAGE;
	director_run_close(&r);
	return code;
}

static int import(const struct cli_options *opts, const struct dir_options *dir_opts)
{
	struct diag diag = { 0 };
	int code = EXIT_DONE;

	if (dir_opts->from_kernel) {
		code = import_kernel(opts, &diag);
	} else {
		if (isatty(STDIN_FILENO))
			log_info("reading ipvsadm rules (ipvsadm -Sn) from standard input");
		if (director_import(stdin, "<stdin>", stdout, &diag) < 0)
			code = EXIT_USAGE;
	}
	if (diag.count) {
		diag_sort(&diag);
		diag_print(&diag);
	}
	diag_free(&diag);
	return code;
}

int director_command_run(enum dir_command command, const struct cli_options *opts,
			 const struct dir_options *dir_opts)
{
	struct director_run r = { .command = command, .dir_opts = dir_opts };
	int code;

	run_init(&r.run, opts);
	if (command == DIRCMD_SAVE)
		return save(opts);
	if (command == DIRCMD_IMPORT)
		return import(opts, dir_opts);
	code = prepare(&r);
	if (!code && command == DIRCMD_STATUS)
		code = director_status(stdout, r.no_config ? NULL : &r.run.cfg, &r.kernel, &r.owned,
				       &r.host, &r.ipvs, opts->json);
	else if (!code)
		code = converge(&r, command == DIRCMD_STOP);
	director_run_close(&r);
	return code;
}
