/* config: the INI file → struct config. The reader and the [agent]
 * section are here; each part (the real server, the director) brings its
 * own sections, keys and checks as a struct config_part, and main.c names
 * them all in one schema, so that every command reads and checks the
 * whole file. Pure: reads text, makes no syscalls besides reading the
 * file; every error is "FILE:LINE: what". */
#ifndef LVSAGENT_CORE_CONFIG_H
#define LVSAGENT_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/netdev.h"
#include "lib/diag.h"
#include "lib/log.h"

#define CONFIG_DEFAULT_PATH "/etc/lvsagent/lvsagent.conf"
#define CONFIG_DEFAULT_STATE_DIR "/run/lvsagent"

struct config_part;

/* The list of parts a file may hold (main.c's, or a test's). */
struct config_schema {
	const struct config_part *const *parts;
	size_t count;
};

struct config {
	char *file;			/* as named in messages: path or "<stdin>" */
	char *state_dir;
	int state_dir_line;		/* 0: the default */
	enum log_level log_level;
	unsigned sysctl_check_interval;	/* seconds; 0: never (the daemon) */
	char *metrics_file;		/* the real server's daemon's; NULL: none */
	const struct config_schema *schema;
	void **data;			/* each part's values, in the schema's order */
	bool *present;			/* the part's keys or sections are in the file */
};

/* Read and parse PATH ("-" = standard input) as SCHEMA's parts. Returns 0
 * when the file is valid, -1 when diag holds at least one error. cfg is
 * always safe to free. */
int config_load(const char *path, const struct config_schema *schema, struct config *cfg,
		struct diag *diag);

/* Parse TEXT (LEN bytes) as if it were the file NAME. */
int config_parse_text(const char *name, const char *text, size_t len,
		      const struct config_schema *schema, struct config *cfg, struct diag *diag);

void config_free(struct config *cfg);

/* PART's values in CFG (its own struct), or NULL when the schema has no
 * such part. */
void *config_part_data(const struct config *cfg, const struct config_part *part);
/* Whether one of PART's keys was read, or PART took a section header. */
bool config_part_present(const struct config *cfg, const struct config_part *part);
/* Whether a part other than PART is present. */
bool config_other_part_present(const struct config *cfg, const struct config_part *part);

/* Every part's checks against the host's links (interfaces the file names
 * must exist): check-config's. Errors into DIAG; 0 or -1. */
int config_check_links(const struct config *cfg, const struct netdevs *net, struct diag *diag);
/* What the file configures, part by part: "2 VIPs, 1 director service". */
void config_summary(const struct config *cfg, char *buf, size_t len);

/* Every key SCHEMA's parts and [agent] take, one "SECTION KEY" a line
 * ("service KEY" for [service NAME]): `lvsagent schema`. */
void config_schema_print(const struct config_schema *schema, FILE *out);

/* --- for the parts' key parsers ------------------------------------------------ */

struct config_parser {
	struct config *cfg;
	struct diag *diag;
	int line;			/* line being parsed */
	bool section_known;		/* false after an unknown or refused [section] */
	int *first_line;		/* where each once-only key was set, by key */
	void *data;			/* the values of the part whose key or hook runs */
	void *section;			/* the part's own cursor: what its section_begin set */
};

#define ERR(p, ...) diag_add((p)->diag, (p)->cfg->file, (p)->line, __VA_ARGS__)

typedef void (*config_value_parser)(struct config_parser *p, const char *value);

struct config_key {
	const char *section;		/* [SECTION]; for named sections the kind */
	const char *name;
	bool repeatable;
	config_value_parser parse;
};

/* One part's share of the file. Its values live in a struct of SIZE bytes,
 * zeroed, then set by DEFAULTS; hooks find it in p->data. */
struct config_part {
	const char *name;		/* "realserver", "director" */
	const struct config_key *keys;
	size_t key_count;
	/* Sections "[KIND NAME]", one per NAME (the director's "service"):
	 * their once-only keys are once per section. NULL: none. */
	const char *named_kind;
	size_t size;
	void (*defaults)(void *data);
	/* A header of one of the part's sections ("director"; "service",
	 * "web"). False when it is refused (and said so): its keys are
	 * skipped. NULL: every header is fine, and does not count as present. */
	bool (*section_begin)(struct config_parser *p, const char *kind, const char *name);
	/* Checks that need the whole file read. */
	void (*finish)(struct config_parser *p);
	void (*free)(void *data);
	/* Checks against the host's links (see config_check_links). */
	int (*check_links)(const struct config *cfg, const struct netdevs *net, struct diag *diag);
	/* "2 VIPs" (see config_summary). */
	void (*summary)(const void *data, char *buf, size_t len);
};

/* Splits a list value on commas and whitespace, calling EACH for every item. */
void config_for_each_item(struct config_parser *p, const char *value,
			  void (*each)(struct config_parser *, const char *));
/* A small decimal number: digits only, no sign, no spaces, at most 10^6. */
bool config_small_int(const char *value, int *out);
/* Whether PATH has a "." or ".." component ("/run/./x", "/a/../b"). */
bool config_path_has_dot_component(const char *path);

#endif
