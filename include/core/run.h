/* run: one run of a command of either part against the host — the
 * options, the configuration, the part's lock in the state directory —
 * and the steps both parts take alike: read and check the whole file,
 * take the lock, and keep what they own on disk around every change
 * (written before the host changes, again once it has: change.h). */
#ifndef LVSAGENT_CORE_RUN_H
#define LVSAGENT_CORE_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/cli.h"
#include "core/config.h"
#include "lib/diag.h"

struct run {
	const struct cli_options *opts;
	struct config cfg;
	int lock_fd;			/* the part's lock, while changing the host */
};

void run_init(struct run *r, const struct cli_options *opts);
void run_close(struct run *r);

/* The configuration file the command line names, read as every part's
 * (opts->schema) into CFG; then, while it has no error, what the command
 * needs of it (REQUIRE, NULL: nothing) and the state directory it names.
 * The file TEXT instead of the file when not NULL (status without one).
 * Errors go to DIAG, for fail_config. */
void run_load_config(const struct cli_options *opts, const char *text, struct config *cfg,
		     int (*require)(const struct config *cfg, struct diag *diag), struct diag *diag);

/* The lock's outcome (FD: state_dir.h's lock functions) for WHAT ("host",
 * "director"), its file NAME ("lock", "director.lock"): EXIT_DONE with
 * r->lock_fd kept, or EXIT_RUNTIME said. The caller that has more to say
 * when another lvsagent holds it (-EWOULDBLOCK) says it first. */
int run_take_lock(struct run *r, int fd, const char *what, const char *name);

/* How one part keeps what it owns in the state directory. */
struct run_record {
	const char *file;		/* "state", "director" */
	const char *after_hint;		/* after a failed write: what still holds ("" none) */
	size_t size;			/* of the part's owned struct */
	bool (*same)(const void *a, const void *b);
	int (*save)(const char *dir, const void *owned);
	void (*free)(void *owned);
};

/* NEXT (what the plan may own while it runs, or what it left: change.h)
 * becomes *OWNED, in memory and — unless the same — on disk; NEXT is
 * taken. BEFORE the change a failed write means nothing may change:
 * EXIT_RUNTIME, logged with "nothing was changed". After it, EXIT_RUNTIME
 * logged with the record's hint. */
int run_record(const struct run *r, const struct run_record *rec, void *owned, void *next,
	       bool before);

#endif
