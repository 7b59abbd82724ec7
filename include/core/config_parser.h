/* config_keys: the table of sections and keys, and the value parsers.
 * Used by config_read.c, which drives inih; not meant for other callers. */
#ifndef LVSAGENT_CORE_CONFIG_PARSER_H
#define LVSAGENT_CORE_CONFIG_PARSER_H

#include <stdbool.h>

#include "core/config.h"
#include "lib/diag.h"

#define CONFIG_KEY_SLOTS 32

struct config_parser {
	struct config *cfg;
	struct diag *diag;
	int line;			/* line being parsed */
	bool section_known;		/* false after an unknown [section] */
	int first_line[CONFIG_KEY_SLOTS]; /* where each once-only key was set */
	struct dir_service *service;	/* the [service NAME] being read */
};

#define ERR(p, ...) diag_add((p)->diag, (p)->cfg->file, (p)->line, __VA_ARGS__)

void config_defaults(struct config *cfg);

/* Whether "[NAME]" is a section this version understands. */
bool config_section_known(const char *name);

/* A section header was read (known and well formed): [service NAME] starts
 * a service. */
void config_section_begin(struct config_parser *p, const char *name);

/* The director's keys (config_director.c). */
void config_dir_manage(struct config_parser *p, const char *value);
void config_dir_vip_interface(struct config_parser *p, const char *value);
void config_svc_virtual(struct config_parser *p, const char *value);
void config_svc_scheduler(struct config_parser *p, const char *value);
void config_svc_persistence(struct config_parser *p, const char *value);
void config_svc_pe(struct config_parser *p, const char *value);
void config_svc_netmask(struct config_parser *p, const char *value);
void config_svc_flags(struct config_parser *p, const char *value);
void config_svc_realserver(struct config_parser *p, const char *value);
/* A new [service NAME]: its slot, or NULL (already reported) when the name
 * is bad or taken. */
struct dir_service *config_service_begin(struct config_parser *p, const char *name);
/* Checks that need every section read: virtuals, ports, families. */
void config_director_finish(struct config_parser *p);

/* One "name = value" line of SECTION; records errors in p->diag. */
void config_key(struct config_parser *p, const char *section,
		const char *name, const char *value);

/* Checks that need the whole file: duplicate VIPs. */
void config_finish(struct config_parser *p);

#endif
