/* run: the steps both parts take alike. See run.h. */
#include "core/run.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/failure.h"
#include "core/state_dir.h"
#include "lib/log.h"

void run_init(struct run *r, const struct cli_options *opts)
{
	memset(r, 0, sizeof(*r));
	r->opts = opts;
	r->lock_fd = -1;
}

void run_close(struct run *r)
{
	config_free(&r->cfg);
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	r->lock_fd = -1;
}

void run_load_config(const struct cli_options *opts, const char *text, struct config *cfg,
		     int (*require)(const struct config *cfg, struct diag *diag), struct diag *diag)
{
	if (text)
		config_parse_text(opts->config_path, text, strlen(text), opts->schema, cfg, diag);
	else
		config_load(opts->config_path, opts->schema, cfg, diag);
	if (require && !diag->count)
		require(cfg, diag);
	if (!diag->count)
		state_dir_check_config(cfg->state_dir, cfg->file, cfg->state_dir_line, diag);
}

int run_take_lock(struct run *r, int fd, const char *what, const char *name)
{
	const char *dir = r->cfg.state_dir;

	if (fd == -EWOULDBLOCK)
		return fail_run(r->opts, EXIT_RUNTIME, "another lvsagent is changing this %s "
				"(%s/%s is held)", what, dir, name);
	if (fd < 0)
		return fail_run(r->opts, EXIT_RUNTIME, "cannot lock %s/%s: %s", dir, name,
				strerror(-fd));
	r->lock_fd = fd;
	return EXIT_DONE;
}

int run_record(const struct run *r, const struct run_record *rec, void *owned, void *next,
	       bool before)
{
	const char *dir = r->cfg.state_dir;
	/* Unchanged ownership (the usual idempotent run): nothing to write. */
	int err = rec->same(next, owned) ? 0 : rec->save(dir, next);

	rec->free(owned);
	memcpy(owned, next, rec->size);
	if (!err)
		return EXIT_DONE;
	if (before)
		log_error("cannot write %s/%s before changing the host: %s; nothing was changed",
			  dir, rec->file, strerror(-err));
	else
		log_error("cannot write %s/%s: %s%s", dir, rec->file, strerror(-err),
			  rec->after_hint);
	return EXIT_RUNTIME;
}
