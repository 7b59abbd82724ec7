/* cmd: the director's commands. See cmd.h. */
#include "director/cmd.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/config.h"
#include "core/failure.h"
#include "core/privilege.h"
#include "core/run.h"
#include "director/apply.h"
#include "core/state_dir.h"
#include "director/config.h"
#include "director/connections.h"
#include "director/daemon.h"
#include "director/drain.h"
#include "director/health.h"
#include "director/health_file.h"
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
	{ "run", DIRCMD_RUN, false, false },
	{ "reload", DIRCMD_RELOAD, false, false },
	{ "drain", DIRCMD_DRAIN, false, false },
	{ "undrain", DIRCMD_UNDRAIN, false, false },
	{ "connections", DIRCMD_CONNECTIONS, false, true },
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

/* The drained list; a damaged line is said and skipped. 0, or -errno when
 * the list could not be read at all (then DRAINS is empty). */
static int load_drains(const struct director_run *r, struct drain_list *drains)
{
	struct diag warnings = { 0 };
	int err = drain_load(r->run.cfg.state_dir, drains, &warnings);

	for (size_t i = 0; i < warnings.count; i++)
		log_warn("%s", warnings.entries[i].text);
	diag_free(&warnings);
	return err;
}

/* apply, drain and undrain set the weights by the drained list: read as
 * empty, it would put every drained real server back in rotation. */
static int refuse_unread_drains(struct director_run *r, int err)
{
	char why[PATH_MAX + 160];

	return fail_run(r->run.opts, EXIT_RUNTIME, "%s: refused, not read as nothing drained. "
			"Nothing was changed. To start the list afresh, remove the file (every "
			"real server goes back in rotation at the next apply) and drain again "
			"those that should stay out",
			drain_load_problem(r->run.cfg.state_dir, err, why, sizeof(why)));
}

/* status and stop go on without it, saying so. */
static void warn_unread_drains(const struct director_run *r, int err)
{
	char why[PATH_MAX + 160];

	log_warn("%s: going on as if no real server were drained",
		 drain_load_problem(r->run.cfg.state_dir, err, why, sizeof(why)));
}

/* apply and stop (and drain without a daemon): the configuration, with
 * drained real servers at weight 0, so that apply does not undo a drain. */
static int converge(struct director_run *r, bool stop, const char *verb)
{
	struct report_options report = { .check = r->run.opts->check, .json = r->run.opts->json,
					  .verb = verb };
	struct drain_list drains;
	struct director_config want;
	struct dir_plan plan;
	int code, err = load_drains(r, &drains);

	if (err && !stop)
		return refuse_unread_drains(r, err);
	if (err)
		warn_unread_drains(r, err);
	drain_effective(director_config_of(&r->run.cfg), &drains, &want);
	code = director_execute(r, &want, stop, &plan);
	director_report(stdout, &plan, &report);
	dir_plan_free(&plan);
	health_effective_free(&want);
	drain_free(&drains);
	return code;
}

/* What status compares the kernel with: the daemon's health when it runs
 * (and published it), else the drains. */
static void status_health(struct director_run *r, struct health *health,
			  struct director_config *want, struct status_health *sh)
{
	const struct director_config *cfg = director_config_of(&r->run.cfg);
	struct drain_list drains;
	int err = 0;

	sh->daemon = state_pid(r->run.cfg.state_dir, DIRECTOR_DAEMON_PID);
	if (sh->daemon > 0)
		err = health_file_load(r->run.cfg.state_dir, cfg, health);
	if (err == -EBADMSG)
		log_warn("%s/director.health is cut short: status compares the table with the "
			 "configuration and the drains, not with the daemon's health",
			 r->run.cfg.state_dir);
	if (sh->daemon <= 0 || err) {
		sh->daemon = 0;
		if ((err = load_drains(r, &drains)))
			warn_unread_drains(r, err);
		health_init(health, cfg, NULL, NULL, NULL, 0);
		for (size_t i = 0; i < health->count; i++)
			for (size_t j = 0; j < health->services[i].count; j++)
				health->services[i].dests[j].up = true;
		drain_apply(&drains, cfg, health, 0);
		drain_free(&drains);
	}
	health_effective(cfg, health, want);
	sh->want = want;
	sh->health = health;
}

static int status(struct director_run *r)
{
	struct health health = { 0 };
	struct director_config want = { 0 };
	struct status_health sh = { 0 };
	const struct dir_options *o = r->dir_opts;
	struct status_view view = { .json = r->run.opts->json, .exact = o->exact,
				    .counters = o->stats ? STATUS_STATS
						: o->rate ? STATUS_RATE : STATUS_PLAIN };
	int code;

	if (!r->no_config)
		status_health(r, &health, &want, &sh);
	code = director_status(stdout, r->no_config ? NULL : &r->run.cfg, &r->kernel, &r->owned,
			       &r->host, &r->ipvs, r->no_config ? NULL : &sh, &view);
	if (!r->no_config) {
		health_effective_free(&want);
		health_free(&health);
	}
	return code;
}

/* status without CAP_NET_ADMIN: the daemon's published health, or the
 * privilege error director_prepare gives. */
static int status_unprivileged(struct director_run *r)
{
	struct health health = { 0 };
	struct status_health sh = { .health = &health };
	int code = director_read_config(r, &r->run.cfg), err = 0;

	if (code)
		return code;
	sh.daemon = state_pid(r->run.cfg.state_dir, DIRECTOR_DAEMON_PID);
	if (!r->no_config && sh.daemon > 0)
		err = health_file_load(r->run.cfg.state_dir, director_config_of(&r->run.cfg),
				       &health);
	if (err == -EBADMSG)
		return fail_run(r->run.opts, EXIT_RUNTIME, "%s/director.health, the daemon's "
				"published health, is cut short: run director status as root",
				r->run.cfg.state_dir);
	if (r->no_config || sh.daemon <= 0 || err)
		return fail_run(r->run.opts, EXIT_PRIVILEGE, "lvsagent director status needs root "
				"(CAP_NET_ADMIN) unless the director daemon runs");
	code = director_status_published(stdout, &r->run.cfg, &sh, r->run.opts->json);
	health_free(&health);
	return code;
}

/* reload: SIGHUP to the daemon for this state directory. */
static int reload(struct director_run *r)
{
	pid_t pid;
	int code = director_read_config(r, &r->run.cfg);

	if (code)
		return code;
	pid = state_pid(r->run.cfg.state_dir, DIRECTOR_DAEMON_PID);
	if (pid <= 0)
		return fail_run(r->run.opts, EXIT_RUNTIME, "no lvsagent director daemon is running "
				"for %s", r->run.cfg.state_dir);
	if (kill(pid, SIGHUP) < 0)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot signal the director daemon "
				"(pid %d): %s", (int)pid, strerror(errno));
	printf("asked the lvsagent director daemon (pid %d) to reload its configuration\n",
	       (int)pid);
	return EXIT_DONE;
}

/* The drained list with this one real server changed, under its lock. */
static int record_drain(struct director_run *r, size_t svc, size_t dest, bool drained)
{
	const struct dir_service *service = &director_config_of(&r->run.cfg)->services[svc];
	const struct ipvs_dest *d = &service->svc.dests[dest];
	const char *dir = r->run.cfg.state_dir;
	int fd = state_director_lock_drains(dir, r->run.opts->wait_ms), err;
	struct drain_list drains;

	if (fd < 0)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot lock %s/director.drained.lock: %s",
				dir, strerror(-fd));
	if ((err = load_drains(r, &drains))) {
		close(fd);
		return refuse_unread_drains(r, err);
	}
	drain_set(&drains, service->name, &d->addr, d->port, drained);
	err = drain_save(dir, &drains);
	drain_free(&drains);
	close(fd);
	if (err)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot write %s/director.drained: %s",
				dir, strerror(-err));
	return EXIT_DONE;
}

/* drain, undrain: recorded first (it outlives any daemon), then the
 * daemon told, or without one the table changed at once. */
static int drain(struct director_run *r, bool drained)
{
	const char *verb = drained ? "director drain" : "director undrain";
	char why[768], name[IPADDR_TEXT_MAX + 8];
	size_t svc, dest;
	pid_t pid;
	int code = director_read_config(r, &r->run.cfg);

	if (code)
		return code;
	if (drain_find(director_config_of(&r->run.cfg), r->dir_opts->service, r->dir_opts->target,
		       &svc, &dest, why, sizeof(why)) < 0)
		return fail_run(r->run.opts, EXIT_USAGE, "%s: %s", verb, why);
	if (!have_net_admin())
		return fail_run(r->run.opts, EXIT_PRIVILEGE, "lvsagent %s needs root", verb);
	if ((code = record_drain(r, svc, dest, drained)))
		return code;
	const struct ipvs_dest *d = &director_config_of(&r->run.cfg)->services[svc].svc.dests[dest];
	director_format_addrport(&d->addr, d->port, name, sizeof(name));
	pid = state_pid(r->run.cfg.state_dir, DIRECTOR_DAEMON_PID);
	if (pid > 0 && kill(pid, SIGUSR1) == 0) {
		printf("%s %s %s: the director daemon (pid %d) %s\n", verb, r->dir_opts->service,
		       name, (int)pid, drained ? "gives it weight 0 now (its connections finish)"
		       : "puts it back once its checks pass");
		return EXIT_DONE;
	}
	config_free(&r->run.cfg);	/* read again, with the lock held */
	if ((code = director_prepare(r)))
		return code;
	return converge(r, false, verb);
}

static int save(const struct cli_options *opts)
{
	struct director_run r;
	int code;

	director_run_init(&r, DIRCMD_SAVE, opts, NULL);
	code = director_read_kernel(&r, "director save");

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
	struct director_run r;
	int code;

	director_run_init(&r, DIRCMD_IMPORT, opts, NULL);
	code = director_read_kernel(&r, "director import --from-kernel");

	if (!code && director_import_table(&r.kernel, "the kernel's IPVS table", stdout, diag) < 0)
		code = EXIT_USAGE;
	director_run_close(&r);
	return code;
}

/* director import FILE: messages name FILE, as for the configuration. */
static int import_file(const char *path, struct diag *diag, struct diag *notes)
{
	FILE *in = fopen(path, "re");
	int code = EXIT_DONE;

	if (!in) {
		diag_add(diag, path, 0, "cannot read it: %s", strerror(errno));
		return EXIT_USAGE;
	}
	if (director_import(in, path, stdout, diag, notes) < 0)
		code = EXIT_USAGE;
	fclose(in);
	return code;
}

static int import(const struct cli_options *opts, const struct dir_options *dir_opts)
{
	struct diag diag = { 0 }, notes = { 0 };
	int code = EXIT_DONE;

	if (dir_opts->from_kernel) {
		code = import_kernel(opts, &diag);
	} else if (dir_opts->import_file) {
		code = import_file(dir_opts->import_file, &diag, &notes);
	} else {
		if (isatty(STDIN_FILENO))
			log_info("reading ipvsadm rules (ipvsadm -Sn) or a director script from "
				 "standard input");
		if (director_import(stdin, "<stdin>", stdout, &diag, &notes) < 0)
			code = EXIT_USAGE;
	}
	/* What was skipped first: an error may be about a line it explains. */
	if (notes.count) {
		diag_sort(&notes);
		diag_print(&notes);
	}
	diag_free(&notes);
	if (diag.count) {
		diag_sort(&diag);
		diag_print(&diag);
	}
	diag_free(&diag);
	return code;
}

/* The service --service names: PROTO:VIP:PORT needs no configuration; a
 * name is looked up in it. */
static int connection_filter(struct director_run *r, struct conn_filter *filter)
{
	const char *spec = r->dir_opts->filter, *why;
	int code;

	if (director_conn_filter(NULL, spec, filter, &why) == 0)
		return EXIT_DONE;
	if ((code = director_read_config(r, &r->run.cfg)))
		return code;
	if (director_conn_filter(director_config_of(&r->run.cfg), spec, filter, &why) < 0)
		return fail_run(r->run.opts, EXIT_USAGE, "--service %s: %s", spec, why);
	return EXIT_DONE;
}

/* connections: /proc/net/ip_vs_conn is readable without privileges, as
 * ipvsadm -Lnc reads it. */
static int connections(struct director_run *r)
{
	struct conn_filter filter;
	int err, code = connection_filter(r, &filter);

	if (code)
		return code;
	err = director_connections(stdout, &filter, r->run.opts->json);
	if (err == -ENOENT)
		return fail_run(r->run.opts, EXIT_RUNTIME, "%s does not exist: this kernel has no "
				"IPVS loaded (modprobe ip_vs)", IPVS_CONN_FILE);
	if (err)
		return fail_run(r->run.opts, EXIT_RUNTIME, "cannot read %s: %s", IPVS_CONN_FILE,
				strerror(-err));
	return EXIT_DONE;
}

int director_command_run(enum dir_command command, const struct cli_options *opts,
			 const struct dir_options *dir_opts)
{
	struct director_run r;
	int code;

	director_run_init(&r, command, opts, dir_opts);
	if (command == DIRCMD_SAVE)
		return save(opts);
	if (command == DIRCMD_IMPORT)
		return import(opts, dir_opts);
	if (command == DIRCMD_CONNECTIONS)
		code = connections(&r);
	else if (command == DIRCMD_RELOAD)
		code = reload(&r);
	else if (command == DIRCMD_DRAIN || command == DIRCMD_UNDRAIN)
		code = drain(&r, command == DIRCMD_DRAIN);
	else if (command == DIRCMD_STATUS && !have_net_admin())
		code = status_unprivileged(&r);
	else if ((code = director_prepare(&r)))
		;
	else if (command == DIRCMD_STATUS)
		code = status(&r);
	else if (command == DIRCMD_RUN)
		code = director_daemon_run(&r);
	else
		code = converge(&r, command == DIRCMD_STOP,
				command == DIRCMD_STOP ? "director stop" : "director apply");
	director_run_close(&r);
	return code;
}
