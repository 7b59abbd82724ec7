/* session: one run of a director command against the host — the
 * configuration, IPVS and rtnetlink sockets, what lvsagent owns, what the
 * kernel has — and the steps the commands and the daemon share: validate
 * everything, lock, observe, plan, apply, record. */
#ifndef LVSAGENT_DIRECTOR_SESSION_H
#define LVSAGENT_DIRECTOR_SESSION_H

#include <stdbool.h>

#include "core/cli.h"
#include "core/netdev.h"
#include "core/run.h"
#include "director/config.h"
#include "director/plan.h"
#include "director/state.h"
#include "kernel/ipvs_kernel.h"
#include "kernel/netlink.h"

enum dir_command {
	DIRCMD_APPLY, DIRCMD_STOP, DIRCMD_STATUS, DIRCMD_SAVE, DIRCMD_IMPORT,
	DIRCMD_RUN,			/* the daemon */
	DIRCMD_RELOAD,			/* SIGHUP to the daemon */
	DIRCMD_DRAIN, DIRCMD_UNDRAIN,
	DIRCMD_CONNECTIONS,		/* the connection table, as ipvsadm -Lnc */
};

/* What only director commands take. */
struct dir_options {
	bool from_kernel;		/* import: the kernel's table, not ipvsadm rules */
	bool config_given;		/* -c named a file: it must exist, even for status */
	const char *service;		/* drain, undrain: SERVICE */
	const char *target;		/* drain, undrain: ADDRESS[:PORT] */
	const char *import_file;	/* import: the rules or script; NULL: stdin */
	bool stats, rate, exact;	/* status: ipvsadm -Ln --stats, --rate, --exact */
	const char *filter;		/* connections --service: NAME or PROTO:VIP:PORT */
};

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
	struct ipvs_daemons sync;	/* the kernel's sync daemons, read with the table */
	struct dir_tunable_values tunables;	/* the IPVS timeouts and sysctls read */
	int daemon_fd;			/* STATE_DIR/director-daemon.pid, held by `run` */
};

/* The director daemon's pid file in the state directory. */
#define DIRECTOR_DAEMON_PID "director-daemon.pid"

void director_run_init(struct director_run *r, enum dir_command command,
		       const struct cli_options *opts, const struct dir_options *dir_opts);
void director_run_close(struct director_run *r);

/* Read and check the configuration into CFG (r->run.cfg, or a new one for
 * a reload), and the links vip_interface is looked up in. 0, or an exit
 * code with every error printed (EXIT_USAGE) or logged. */
int director_read_config(struct director_run *r, struct config *cfg);

/* Everything that can refuse the run, in the order a user wants to hear:
 * configuration (and vip_interface), privilege, the lock (for commands
 * that change the host), the state file, the IPVS table. An exit code. */
int director_prepare(struct director_run *r);
/* The kernel's table alone, sorted as ipvsadm lists it, for COMMAND
 * ("director save"): no configuration, no state. An exit code. */
int director_read_kernel(struct director_run *r, const char *command);

/* Read the IPVS table afresh into r->kernel, and the sync daemons into
 * r->sync (r->host.sync). An exit code. */
int director_observe_ipvs(struct director_run *r);
/* The forwarding sysctls, IPVS timeouts and IPVS sysctls the plan needs
 * (those configured or recorded), into r->host. */
void director_observe_forwarding(struct director_run *r);

/* Plan WANT (apply; with STOP, withdraw) against r->kernel, then unless
 * --check record what may be owned, apply, and record what is. PLAN is
 * left for reporting. An exit code (EXIT_RUNTIME when a change failed). */
int director_execute(struct director_run *r, const struct director_config *want, bool stop,
		     struct dir_plan *plan);

#endif
