/* config: the [agent] section, and each key of the file handed to the
 * part that owns it. See config.h. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_read.h"
#include "lib/xalloc.h"

/* --- helpers for every part's values ----------------------------------------- */

void config_for_each_item(struct config_parser *p, const char *value,
			  void (*each)(struct config_parser *, const char *))
{
	char *copy = xstrdup(value), *save = NULL;

	for (char *item = strtok_r(copy, ", \t", &save); item;
	     item = strtok_r(NULL, ", \t", &save))
		each(p, item);
	free(copy);
}

bool config_small_int(const char *value, int *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)value[0]))
		return false;
	n = strtol(value, &end, 10);
	if (*end || n > 1000000)
		return false;
	*out = (int)n;
	return true;
}

bool config_path_has_dot_component(const char *path)
{
	for (const char *c = strchr(path, '/'); c; c = strchr(c + 1, '/')) {
		size_t len = strcspn(c + 1, "/");
		if ((len == 1 || len == 2) && strncmp(c + 1, "..", len) == 0)
			return true;
	}
	return false;
}

/* --- [agent] ------------------------------------------------------------------- */

static void parse_state_dir(struct config_parser *p, const char *value)
{
	if (value[0] != '/') {
		ERR(p, "state_dir must be an absolute path, not \"%s\"", value);
		return;
	}
	if (strlen(value) > PATH_MAX - 64) {
		ERR(p, "state_dir is too long");
		return;
	}
	/* The part that does not exist yet is created as written: it must not
	 * climb out of the directories checked (see state_dir.h). */
	if (config_path_has_dot_component(value)) {
		ERR(p, "state_dir must not contain \".\" or \"..\" components, not \"%s\"", value);
		return;
	}
	free(p->cfg->state_dir);
	p->cfg->state_dir = xstrdup(value);
	p->cfg->state_dir_line = p->line;
}

static void parse_log_level(struct config_parser *p, const char *value)
{
	for (int i = LOG_LEVEL_ERROR; i <= LOG_LEVEL_DEBUG; i++) {
		if (strcmp(value, log_level_name((enum log_level)i)) == 0) {
			p->cfg->log_level = (enum log_level)i;
			return;
		}
	}
	ERR(p, "log_level must be error, warning, info or debug, not \"%s\"", value);
}

static void parse_sysctl_check_interval(struct config_parser *p, const char *value)
{
	int n;

	if (!config_small_int(value, &n) || n > 86400) {
		ERR(p, "sysctl_check_interval must be seconds from 0 (never) to 86400, not \"%s\"",
		    value);
		return;
	}
	p->cfg->sysctl_check_interval = (unsigned)n;
}

/* The real server's daemon's metrics: [agent] rather than [realserver],
 * since the file is the host's agent's, whatever it manages. The file is
 * replaced by a rename beside it, so the name must leave room for the
 * temporary one and not climb out of the directory named. */
static void parse_metrics_file(struct config_parser *p, const char *value)
{
	size_t len = strlen(value);
	const char *problem = value[0] != '/' ? "must be an absolute path"
			      : value[len - 1] == '/' ? "names a directory: name the file"
			      : config_path_has_dot_component(value) ? "must not contain \".\" or \"..\" components"
			      : len > PATH_MAX - 64 ? "is too long" : NULL;

	if (problem) {
		ERR(p, "metrics_file %s, not \"%s\"", problem, value);
		return;
	}
	free(p->cfg->metrics_file);
	p->cfg->metrics_file = xstrdup(value);
}

static const struct config_key agent_keys[] = {
	{ "agent", "state_dir", false, parse_state_dir },
	{ "agent", "log_level", false, parse_log_level },
	{ "agent", "sysctl_check_interval", false, parse_sysctl_check_interval },
	{ "agent", "metrics_file", false, parse_metrics_file },
};
#define AGENT_KEY_COUNT (sizeof(agent_keys) / sizeof(agent_keys[0]))

static void agent_defaults(struct config *cfg)
{
	cfg->state_dir = xstrdup(CONFIG_DEFAULT_STATE_DIR);
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->sysctl_check_interval = 5;
}

/* --- the schema: which part owns a section and a key ---------------------------- */

/* Every key has a slot for "where it was first set": the agent's first,
 * then each part's in schema order. */
static size_t key_slots(const struct config_schema *schema)
{
	size_t n = AGENT_KEY_COUNT;

	for (size_t i = 0; i < schema->count; i++)
		n += schema->parts[i]->key_count;
	return n;
}

/* The kind of HEADER: "service" for "[service NAME]" when a part names
 * sections so (*NAME then points at the name, "" for "[service]"), else
 * the header itself (*NAME NULL). */
static const char *section_kind(const struct config_schema *schema, const char *header,
				const char **name, char *buf, size_t len)
{
	*name = NULL;
	for (size_t i = 0; i < schema->count; i++) {
		const char *kind = schema->parts[i]->named_kind;
		size_t n = kind ? strlen(kind) : 0;
		if (kind && strncmp(header, kind, n) == 0 && (header[n] == ' ' || !header[n]) &&
		    n < len) {
			memcpy(buf, kind, n + 1);
			*name = header[n] ? header + n + 1 : header + n;
			return buf;
		}
	}
	return header;
}

static bool part_has_section(const struct config_part *part, const char *kind)
{
	for (size_t k = 0; k < part->key_count; k++)
		if (strcmp(part->keys[k].section, kind) == 0)
			return true;
	return false;
}

/* The key NAME of section KIND: its spec, its slot, and its part (-1: the agent's). */
static const struct config_key *find_key(const struct config_schema *schema, const char *kind,
					 const char *name, size_t *slot, int *part)
{
	size_t base = AGENT_KEY_COUNT;

	*part = -1;
	for (size_t k = 0; k < AGENT_KEY_COUNT; k++) {
		if (strcmp(agent_keys[k].section, kind) == 0 && strcmp(agent_keys[k].name, name) == 0) {
			*slot = k;
			return &agent_keys[k];
		}
	}
	for (size_t i = 0; i < schema->count; i++) {
		const struct config_part *cp = schema->parts[i];
		for (size_t k = 0; k < cp->key_count; k++) {
			if (strcmp(cp->keys[k].section, kind) || strcmp(cp->keys[k].name, name))
				continue;
			*slot = base + k;
			*part = (int)i;
			return &cp->keys[k];
		}
		base += cp->key_count;
	}
	return NULL;
}

/* A named section starts: its once-only keys are once per section. */
static void reset_named_slots(struct config_parser *p, const char *kind)
{
	const struct config_schema *schema = p->cfg->schema;
	size_t base = AGENT_KEY_COUNT;

	for (size_t i = 0; i < schema->count; i++) {
		const struct config_part *cp = schema->parts[i];
		for (size_t k = 0; k < cp->key_count; k++)
			if (strcmp(cp->keys[k].section, kind) == 0)
				p->first_line[base + k] = 0;
		base += cp->key_count;
	}
}

static bool on_section(void *user, const char *header)
{
	struct config_parser *p = user;
	const struct config_schema *schema = p->cfg->schema;
	char buf[32];
	const char *name, *kind = section_kind(schema, header, &name, buf, sizeof(buf));
	bool known = strcmp(kind, "agent") == 0, accepted = true;

	if (name)
		reset_named_slots(p, kind);
	for (size_t i = 0; i < schema->count; i++) {
		const struct config_part *cp = schema->parts[i];
		if (!part_has_section(cp, kind))
			continue;
		known = true;
		if (!cp->section_begin)
			continue;
		p->data = p->cfg->data[i];
		p->cfg->present[i] = true;
		accepted = cp->section_begin(p, kind, name) && accepted;
	}
	if (!known)
		ERR(p, "unknown section [%s]", header);
	return known && accepted;
}

/* Every section the schema knows, for the message about a key outside
 * any: "[agent], [realserver], [director] or [service NAME]". */
static void section_list(const struct config_schema *schema, char *buf, size_t len)
{
	const char *kinds[16] = { "agent" };
	bool named[16] = { false };
	size_t n = 1, used = 0;

	for (size_t i = 0; i < schema->count; i++) {
		const struct config_part *cp = schema->parts[i];
		for (size_t k = 0; k < cp->key_count && n < 16; k++) {
			if (strcmp(cp->keys[k].section, kinds[n - 1]) == 0)
				continue;
			named[n] = cp->named_kind && strcmp(cp->keys[k].section, cp->named_kind) == 0;
			kinds[n++] = cp->keys[k].section;
		}
	}
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s[%s%s]",
					 i == 0 ? "" : i + 1 == n ? " or " : ", ", kinds[i],
					 named[i] ? " NAME" : "");
}

static void on_key(void *user, const char *section, const char *name, const char *value)
{
	struct config_parser *p = user;
	const struct config_schema *schema = p->cfg->schema;
	const struct config_key *key;
	const char *ignored;
	char buf[32], sections[160];
	size_t slot;
	int part;

	if (!p->section_known)
		return;		/* the [section] line already got its error */
	if (!section[0]) {
		section_list(schema, sections, sizeof(sections));
		ERR(p, "\"%s\" is outside any section (start with %s)", name, sections);
		return;
	}
	key = find_key(schema, section_kind(schema, section, &ignored, buf, sizeof(buf)), name,
		       &slot, &part);
	if (key && part >= 0)
		p->cfg->present[part] = true;
	if (!key) {
		ERR(p, "unknown key \"%s\" in [%s]", name, section);
		return;
	}
	if (!value[0]) {
		ERR(p, "%s has no value", name);
		return;
	}
	if (!key->repeatable && p->first_line[slot]) {
		ERR(p, "%s is set twice (first on line %d)", name, p->first_line[slot]);
		return;
	}
	p->first_line[slot] = p->line;
	p->data = part >= 0 ? p->cfg->data[part] : NULL;
	key->parse(p, value);
}

/* --- the configuration ------------------------------------------------------------ */

static void config_init(struct config *cfg, const char *name, const struct config_schema *schema)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->file = xstrdup(name);
	cfg->schema = schema;
	cfg->data = xcalloc(schema->count ? schema->count : 1, sizeof(*cfg->data));
	cfg->present = xcalloc(schema->count ? schema->count : 1, sizeof(*cfg->present));
	agent_defaults(cfg);
	for (size_t i = 0; i < schema->count; i++) {
		cfg->data[i] = xcalloc(1, schema->parts[i]->size);
		if (schema->parts[i]->defaults)
			schema->parts[i]->defaults(cfg->data[i]);
	}
}

int config_parse_text(const char *name, const char *text, size_t len,
		      const struct config_schema *schema, struct config *cfg, struct diag *diag)
{
	struct config_parser parser = { .cfg = cfg, .diag = diag, .section_known = true };
	struct config_lines lines = { .diag = diag, .line = &parser.line,
				      .section_known = &parser.section_known,
				      .section = on_section, .key = on_key, .user = &parser };
	size_t errors_before = diag->count;

	config_init(cfg, name, schema);
	lines.file = cfg->file;
	parser.first_line = xcalloc(key_slots(schema), sizeof(*parser.first_line));
	/* Binary data is one error, not a page of checks about garbage. */
	if (config_read_text(&lines, text, len) == 0) {
		for (size_t i = 0; i < schema->count; i++) {
			parser.data = cfg->data[i];
			parser.section = NULL;
			if (schema->parts[i]->finish)
				schema->parts[i]->finish(&parser);
		}
	}
	free(parser.first_line);
	return diag->count == errors_before ? 0 : -1;
}

int config_load(const char *path, const struct config_schema *schema, struct config *cfg,
		struct diag *diag)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	char *text;
	size_t len;
	int err = config_read_file(path, &text, &len), ret;

	if (err) {
		config_init(cfg, name, schema);
		diag_add(diag, name, 0, "cannot read the configuration: %s",
			 err == -EFBIG ? "larger than 16 MiB" : strerror(-err));
		return -1;
	}
	ret = config_parse_text(name, text, len, schema, cfg, diag);
	free(text);
	return ret;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; cfg->schema && i < cfg->schema->count; i++) {
		if (cfg->data[i] && cfg->schema->parts[i]->free)
			cfg->schema->parts[i]->free(cfg->data[i]);
		free(cfg->data[i]);
	}
	free(cfg->data);
	free(cfg->present);
	free(cfg->file);
	free(cfg->state_dir);
	free(cfg->metrics_file);
	memset(cfg, 0, sizeof(*cfg));
}

static int part_index(const struct config *cfg, const struct config_part *part)
{
	for (size_t i = 0; cfg->schema && i < cfg->schema->count; i++)
		if (cfg->schema->parts[i] == part)
			return (int)i;
	return -1;
}

void *config_part_data(const struct config *cfg, const struct config_part *part)
{
	int i = part_index(cfg, part);

	return i < 0 ? NULL : cfg->data[i];
}

bool config_part_present(const struct config *cfg, const struct config_part *part)
{
	int i = part_index(cfg, part);

	return i >= 0 && cfg->present[i];
}

bool config_other_part_present(const struct config *cfg, const struct config_part *part)
{
	for (size_t i = 0; cfg->schema && i < cfg->schema->count; i++)
		if (cfg->schema->parts[i] != part && cfg->present[i])
			return true;
	return false;
}

int config_check_links(const struct config *cfg, const struct netdevs *net, struct diag *diag)
{
	int ret = 0;

	for (size_t i = 0; i < cfg->schema->count; i++)
		if (cfg->schema->parts[i]->check_links &&
		    cfg->schema->parts[i]->check_links(cfg, net, diag) < 0)
			ret = -1;
	return ret;
}

void config_summary(const struct config *cfg, char *buf, size_t len)
{
	size_t used = 0;
	char one[64];

	buf[0] = '\0';
	for (size_t i = 0; i < cfg->schema->count && used < len; i++) {
		if (!cfg->schema->parts[i]->summary)
			continue;
		cfg->schema->parts[i]->summary(cfg->data[i], one, sizeof(one));
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", one);
	}
}

/* The keys a person may write, for the man page's test and the shell
 * completion: read from the tables the parser uses, so neither can list a
 * key the parser does not know or miss one it does. */
void config_schema_print(const struct config_schema *schema, FILE *out)
{
	for (size_t k = 0; k < AGENT_KEY_COUNT; k++)
		fprintf(out, "%s %s\n", agent_keys[k].section, agent_keys[k].name);
	for (size_t i = 0; i < schema->count; i++)
		for (size_t k = 0; k < schema->parts[i]->key_count; k++)
			fprintf(out, "%s %s\n", schema->parts[i]->keys[k].section,
				schema->parts[i]->keys[k].name);
}
