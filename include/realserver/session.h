/* session: one run of lvsagent against the host — the configuration, the
 * netlink socket, what is owned, what the kernel has — and the steps every
 * command shares: validate everything, lock, observe, plan, apply, record. */
#ifndef LVSAGENT_REALSERVER_SESSION_H
#define LVSAGENT_REALSERVER_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/cli.h"
#include "core/config.h"
#include "core/run.h"
#include "kernel/netlink.h"
#include "lib/log_budget.h"
#include "realserver/claim.h"
#include "realserver/observe.h"
#include "realserver/plan.h"
#include "realserver/state.h"

enum rs_command {
	RS_START, RS_STOP, RS_RESTART, RS_STATUS, RS_APPLY, RS_CHECK_CONFIG,
	RS_RUN,				/* the daemon */
	RS_RELOAD,			/* SIGHUP to the daemon */
};

const char *rs_command_name(enum rs_command command);

struct session {
	struct run run;			/* options, configuration, STATE_DIR/lock */
	enum rs_command command;
	struct owned owned;
	struct nl_conn conn;
	struct nl_conn nfnl;		/* nfnetlink, for the nftables table */
	struct fou_conn fou;		/* generic netlink's fou, once gue needs it */
	struct observed obs;
	int daemon_fd;			/* STATE_DIR/daemon.pid, held by `run` */
	uint64_t applied_usec;		/* CLOCK_MONOTONIC when the last apply was acked */
	struct nl_conn *nft_listener;	/* the daemon's nftables monitor (see apply_plan) */
	pid_t daemon_pid;		/* start/apply while a daemon runs: read-only */
	char claim_text[RTNL_ALIAS_MAX];	/* this instance's alias for lo (claim.h) */
	enum claim_state claim;		/* lo's alias, as last observed */
	bool retrying;			/* the caller tries a failed observation again
					 * (the daemon): a transient one is a warning */
	struct log_budget *retry_log;	/* the daemon's budget for those warnings */
};

void session_init(struct session *s, enum rs_command command, const struct cli_options *opts);
void session_close(struct session *s);

/* Everything that can refuse the run, in the order a user wants to hear:
 * configuration, privilege, interfaces, the lock (and for `run` the daemon
 * lock), the state file, the first observation. Returns an exit code. */
int session_prepare(struct session *s);

/* Read and validate a configuration (file, VIPs, interfaces) into CFG
 * without touching the session's own. 0, or an exit code with every error
 * printed (EXIT_USAGE) or logged. */
int session_read_config(struct session *s, struct config *cfg);

/* Re-read the fou ports into s->obs when gue wants them or lvsagent owns
 * one (opening the generic netlink socket the first time): fou sends no
 * events, so the daemon's periodic check calls it. */
void session_refresh_fou(struct session *s);

/* Dump the kernel afresh into s->obs. Returns an exit code. A failure is
 * logged as an error, but with s->retrying a transient one — a dump the
 * kernel kept interrupting (-EAGAIN: its tables changed all the while, as
 * in an event storm) — only as a warning. */
int session_observe(struct session *s);
/* Re-read only lvsagent's nftables table, and the ARP sysctls (which send
 * no events), into s->obs: the daemon, after nftables events alone.
 * Returns an exit code; failures are logged as session_observe's. */
int session_observe_table(struct session *s);

/* Plan (converge to the configuration, or withdraw), then unless --check,
 * or a daemon manages the host (daemon_pid), apply the plan and record what
 * is owned. PLAN is left for reporting; returns an exit code (EXIT_RUNTIME
 * when something failed). */
int session_execute(struct session *s, bool withdraw, struct plan *plan);

#endif
