/* main: the command line. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/state_dir.h"
#include "director/cmd.h"
#include "director/config.h"
#include "realserver/cmd.h"
#include "realserver/config.h"

#ifndef LVSAGENT_VERSION
#define LVSAGENT_VERSION "0.1.0"
#endif

/* One file configures both parts: every command reads (and checks) all of it. */
static const struct config_part *const parts[] = { &rs_config_part, &director_config_part };
static const struct config_schema schema = { parts, sizeof(parts) / sizeof(parts[0]) };

static const char usage_text[] =
	"usage: lvsagent [-c FILE] COMMAND [--check] [--diff] [--json]\n"
	"       lvsagent [-c FILE] director COMMAND [--check] [--json]\n"
	"\n"
	"Keeps an LVS real server right: each VIP on lo (/32, /128) with a host\n"
	"route, and ARP for the VIPs suppressed (arp_ignore / arp_announce).\n"
	"\n"
	"commands:\n"
	"  start          converge the host to the configuration\n"
	"  stop           remove what lvsagent created, restore replaced sysctls\n"
	"  restart        stop, then start\n"
	"  status         compare the host with the configuration\n"
	"                 (exit 0 in place, 3 not applied, 1 partly applied)\n"
	"  apply          converge, for automation (--check, --diff, --json)\n"
	"  check-config   validate the configuration only\n"
	"  run            stay in the foreground and repair drift at once (systemd)\n"
	"  reload         make the running daemon re-read its configuration\n"
	"\n"
	"director commands (the IPVS table from [director] and [service NAME]):\n"
	"  director apply    reconcile IPVS with the configuration (--check, --json)\n"
	"  director stop     remove the services and VIPs lvsagent created\n"
	"  director status   the table as ipvsadm -Ln lists it, and what is managed\n"
	"                    (--json; exit 0 in place, 3 not applied, 1 partly);\n"
	"                    --stats, --rate [--exact]: as ipvsadm -Ln --stats, --rate\n"
	"  director connections [--service NAME|PROTO:VIP:PORT]\n"
	"                    the connection table as ipvsadm -Lnc lists it (--json)\n"
	"  director save     the table as ipvsadm -Sn prints it\n"
	"  director import   ipvsadm -S/-Sn rules on stdin -> configuration sections\n"
	"                    (--from-kernel: the kernel's table, every setting)\n"
	"  director run      stay in the foreground: health checks, drift repair (systemd)\n"
	"  director reload   make the running director daemon re-read its configuration\n"
	"  director drain SERVICE ADDRESS[:PORT]\n"
	"                    weight 0 for that real server (its connections finish),\n"
	"                    kept across daemon restarts until\n"
	"  director undrain SERVICE ADDRESS[:PORT]\n"
	"                    back in rotation once its checks pass\n"
	"\n"
	"options:\n"
	"  -c, --config FILE   configuration (default " CONFIG_DEFAULT_PATH ", - for stdin)\n"
	"      --check         compute the changes, make none\n"
	"      --diff          show the host's managed state before and after\n"
	"      --json          one JSON object on stdout\n"
	"      --wait[=SECONDS]  wait for another lvsagent changing this host (its lock)\n"
	"                      instead of failing at once; without SECONDS, as long as\n"
	"                      it takes\n"
	"      --from-kernel   director import: read the kernel's table, not stdin\n"
	"      --stats, --rate director status: counters, rates (as ipvsadm -Ln)\n"
	"      --exact         with --stats or --rate: every digit, no K/M/G\n"
	"      --service SPEC  director connections: only that service's\n"
	"  -h, --help          this text\n"
	"  -V, --version       the version\n"
	"\n"
	"exit codes: 0 done, 1 run-time failure, 2 usage or configuration error\n"
	"(nothing changed), 4 not permitted (needs CAP_NET_ADMIN).\n";

enum { OPT_CHECK = 256, OPT_DIFF, OPT_JSON, OPT_WAIT, OPT_FROM_KERNEL, OPT_STATS, OPT_RATE,
       OPT_EXACT, OPT_SERVICE };

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "wait", optional_argument, NULL, OPT_WAIT },
	{ "from-kernel", no_argument, NULL, OPT_FROM_KERNEL },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "rate", no_argument, NULL, OPT_RATE },
	{ "exact", no_argument, NULL, OPT_EXACT },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const struct {
	const char *name;
	enum rs_command command;
	bool takes_check;		/* --check/--diff make sense */
	bool takes_json;		/* prints exactly one JSON object */
} commands[] = {
	{ "start", RS_START, true, true },
	{ "stop", RS_STOP, true, true },
	{ "restart", RS_RESTART, false, false },
	{ "status", RS_STATUS, false, true },
	{ "apply", RS_APPLY, true, true },
	{ "check-config", RS_CHECK_CONFIG, false, false },
	{ "run", RS_RUN, false, false },
	{ "reload", RS_RELOAD, false, false },
};

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("lvsagent: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'lvsagent --help'.\n", stderr);
	va_end(ap);
	return EXIT_USAGE;
}

/* --wait=SECONDS (fractions allowed, at most a day) into milliseconds. */
static int parse_wait(const char *text, struct cli_options *opts)
{
	char *end;
	double seconds;

	if (!text) {
		opts->wait_ms = STATE_WAIT_FOREVER;
		return -1;
	}
	seconds = strtod(text, &end);
	if (end == text || *end || !(seconds >= 0 && seconds <= 86400))
		return usage_error("--wait wants seconds (0 to 86400), not \"%s\"", text);
	opts->wait_ms = (int)(seconds * 1000 + 0.5);
	return -1;
}

/* Returns -1 to go on, or an exit code. */
static int parse_options(int argc, char **argv, struct cli_options *opts,
			 struct dir_options *dir_opts)
{
	int c;

	while ((c = getopt_long(argc, argv, "c:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'c': opts->config_path = optarg; dir_opts->config_given = true; break;
		case OPT_CHECK: opts->check = true; break;
		case OPT_DIFF: opts->diff = true; break;
		case OPT_JSON: opts->json = true; break;
		case OPT_WAIT:
			if ((c = parse_wait(optarg, opts)) >= 0)
				return c;
			break;
		case OPT_FROM_KERNEL: dir_opts->from_kernel = true; break;
		case OPT_STATS: dir_opts->stats = true; break;
		case OPT_RATE: dir_opts->rate = true; break;
		case OPT_EXACT: dir_opts->exact = true; break;
		case OPT_SERVICE: dir_opts->filter = optarg; break;
		case 'h': fputs(usage_text, stdout); return EXIT_DONE;
		case 'V': puts("lvsagent " LVSAGENT_VERSION); return EXIT_DONE;
		default: return usage_error("unknown option");
		}
	}
	return -1;
}

static int check_gates(const struct cli_options *opts, const char *name, bool takes_check,
		       bool takes_json)
{
	if ((opts->check || opts->diff) && !takes_check)
		return usage_error("--check and --diff do not apply to %s", name);
	if (opts->json && !takes_json)
		return usage_error("--json does not apply to %s", name);
	return -1;
}

static bool any_listing(const struct dir_options *dir_opts)
{
	return dir_opts->stats || dir_opts->rate || dir_opts->exact || dir_opts->filter;
}

/* The listing options of director status and director connections. */
static int check_listing(const struct dir_options *dir_opts, enum dir_command command)
{
	if ((dir_opts->stats || dir_opts->rate || dir_opts->exact) && command != DIRCMD_STATUS)
		return usage_error("--stats, --rate and --exact apply to director status only");
	if (dir_opts->stats && dir_opts->rate)
		return usage_error("--stats or --rate, not both (ipvsadm lists one at a time)");
	if (dir_opts->exact && !dir_opts->stats && !dir_opts->rate)
		return usage_error("--exact goes with --stats or --rate");
	if (dir_opts->filter && command != DIRCMD_CONNECTIONS)
		return usage_error("--service applies to director connections only");
	return -1;
}

/* lvsagent director SUBCOMMAND */
static int director(int argc, char **argv, const struct cli_options *opts,
		    struct dir_options *dir_opts)
{
	enum dir_command command;
	bool takes_check, takes_json;
	char name[64];
	int code, operands;

	if (optind + 2 > argc)
		return usage_error("director what? (apply, stop, status, connections, save, "
				   "import, run, reload, drain, undrain)");
	if (!director_command_find(argv[optind + 1], &command, &takes_check, &takes_json))
		return usage_error("unknown director command \"%s\"", argv[optind + 1]);
	/* drain and undrain name a real server: SERVICE ADDRESS[:PORT]; import
	 * may name the FILE it reads. */
	operands = command == DIRCMD_DRAIN || command == DIRCMD_UNDRAIN ? 2 : 0;
	if (command == DIRCMD_IMPORT && optind + 3 == argc)
		operands = 1;
	if (optind + 2 + operands != argc)
		return usage_error("%s", operands == 2 ? "usage: lvsagent director drain|undrain "
							 "SERVICE ADDRESS[:PORT]"
						       : "one director command at a time");
	if (operands == 2) {
		dir_opts->service = argv[optind + 2];
		dir_opts->target = argv[optind + 3];
	}
	if (operands == 1 && dir_opts->from_kernel)
		return usage_error("director import reads a FILE or the kernel (--from-kernel), "
				   "not both");
	if (operands == 1)
		dir_opts->import_file = argv[optind + 2];
	if (opts->diff)
		return usage_error("--diff does not apply to director commands");
	snprintf(name, sizeof(name), "director %s", argv[optind + 1]);
	if ((code = check_gates(opts, name, takes_check, takes_json)) >= 0)
		return code;
	if (dir_opts->from_kernel && command != DIRCMD_IMPORT)
		return usage_error("--from-kernel applies to director import only");
	if ((code = check_listing(dir_opts, command)) >= 0)
		return code;
	return director_command_run(command, opts, dir_opts);
}

int main(int argc, char **argv)
{
	struct cli_options opts = { .config_path = CONFIG_DEFAULT_PATH, .schema = &schema };
	struct dir_options dir_opts = { 0 };
	int code = parse_options(argc, argv, &opts, &dir_opts);

	if (code >= 0)
		return code;
	if (optind < argc && strcmp(argv[optind], "director") == 0)
		return director(argc, argv, &opts, &dir_opts);
	if (dir_opts.from_kernel)
		return usage_error("--from-kernel applies to director import only");
	if (any_listing(&dir_opts))
		return usage_error("--stats, --rate, --exact and --service are director options");
	if (optind != argc - 1)
		return usage_error("%s", optind >= argc ? "which command? (start, stop, status, ...)"
						      : "one command at a time");
	/* Not in --help: the key list the man page's test and the shell
	 * completion read (see config_schema_print). */
	if (strcmp(argv[optind], "schema") == 0) {
		config_schema_print(&schema, stdout);
		return EXIT_DONE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		code = check_gates(&opts, commands[i].name, commands[i].takes_check,
				   commands[i].takes_json);
		if (code >= 0)
			return code;
		return rs_command_run(commands[i].command, &opts);
	}
	return usage_error("unknown command \"%s\"", argv[optind]);
}
