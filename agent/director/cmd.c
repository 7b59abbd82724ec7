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

static int converge(struct director_run *r, bool stop)
{
	struct report_options report = { .check = r->run.opts->check, .json = r->run.opts->json,
					  .verb = stop ? "director stop" : "director apply" };
	struct dir_plan plan;
	int code = director_execute(r, director_config_of(&r->run.cfg), stop, &plan);

	director_report(stdout, &plan, &report);
	dir_plan_free(&plan);
	return code;
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
	struct director_run r;
	int code;

	director_run_init(&r, command, opts, dir_opts);
	if (command == DIRCMD_SAVE)
		return save(opts);
	if (command == DIRCMD_IMPORT)
		return import(opts, dir_opts);
	code = director_prepare(&r);
	if (!code && command == DIRCMD_STATUS)
		code = director_status(stdout, r.no_config ? NULL : &r.run.cfg, &r.kernel, &r.owned,
				       &r.host, &r.ipvs, opts->json);
	else if (!code)
		code = converge(&r, command == DIRCMD_STOP);
	director_run_close(&r);
	return code;
}
