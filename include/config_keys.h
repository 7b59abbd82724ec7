/* config_keys: the table of sections and keys, and the value parsers.
 * Used by config_read.c, which drives inih; not meant for other callers. */
#ifndef LVSAGENT_CONFIG_KEYS_H
#define LVSAGENT_CONFIG_KEYS_H

#include <stdbool.h>

#include "config.h"
#include "diag.h"

#define CONFIG_KEY_SLOTS 32

struct config_parser {
	struct config *cfg;
	struct diag *diag;
	int line;			/* line being parsed */
	bool section_known;		/* false after an unknown [section] */
	int first_line[CONFIG_KEY_SLOTS]; /* where each once-only key was set */
};

void config_defaults(struct config *cfg);

/* Whether "[NAME]" is a section this version understands. */
bool config_section_known(const char *name);

/* One "name = value" line of SECTION; records errors in p->diag. */
void config_key(struct config_parser *p, const char *section,
		const char *name, const char *value);

/* Checks that need the whole file: duplicate VIPs. */
void config_finish(struct config_parser *p);

#endif
