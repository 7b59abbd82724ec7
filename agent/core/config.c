/* config_read: reads the file, refuses binary data, checks each line's
 * syntax, and drives inih one whole line at a time so that every key knows
 * its line number (the packaged inih does not pass line numbers). */
#include "core/config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config_parser.h"
#include "lib/xalloc.h"

#define CONFIG_MAX_BYTES (16u << 20)

struct ini_stream {
	const char *text;
	size_t len, pos;
	struct config_parser *parser;
};

static size_t line_length(const char *text, size_t len, size_t pos)
{
	const char *nl = memchr(text + pos, '\n', len - pos);

	return nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;
}

static size_t longest_line(const char *text, size_t len)
{
	size_t longest = 0;

	for (size_t pos = 0; pos < len;) {
		size_t n = line_length(text, len, pos);
		if (n > longest)
			longest = n;
		pos += n;
	}
	return longest;
}

/* Trim in place: leading and trailing blanks and CR. */
static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

/* Where an inline comment starts (";" after a blank, as inih reads it). */
static char *inline_comment(char *s)
{
	for (char *c = s; *c; c++)
		if (*c == ';' && c > s && (c[-1] == ' ' || c[-1] == '\t'))
			return c;
	return NULL;
}

static void check_section(struct config_parser *p, char *line)
{
	char *close = strchr(line, ']');
	char *comment = inline_comment(line);
	char *rest;

	if (!close || (comment && comment < close)) {
		diag_add(p->diag, p->cfg->file, p->line,
			 "broken section header (no closing ']')");
		p->section_known = false;
		return;
	}
	*close = '\0';
	rest = trim(close + 1);
	if (*rest && *rest != ';' && *rest != '#') {
		diag_add(p->diag, p->cfg->file, p->line, "text after the section header");
		p->section_known = false;
		return;
	}
	p->section_known = config_section_known(line + 1);
	if (!p->section_known)
		diag_add(p->diag, p->cfg->file, p->line, "unknown section [%s]", line + 1);
	else
		config_section_begin(p, line + 1);
}

/* The syntax inih accepts, checked here so every bad line is reported
 * (inih only returns the first one). */
/* A key line needs "=" or ":" before any inline comment. */
static bool has_separator(const char *line)
{
	for (const char *c = line; *c; c++) {
		if (*c == '=' || *c == ':')
			return true;
		if (*c == ';' && c > line && (c[-1] == ' ' || c[-1] == '\t'))
			return false;
	}
	return false;
}

static void check_syntax(struct config_parser *p, const char *raw)
{
	const char *line = raw + strspn(raw, " \t");
	char *copy;

	if (p->line == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
		line += 3;	/* UTF-8 byte order mark */
	if (!*line || strchr(";#\r\n", *line))
		return;
	if (*line != '[') {
		if (!has_separator(line))
			diag_add(p->diag, p->cfg->file, p->line,
				 "expected \"key = value\" or \"[section]\"");
		return;
	}
	copy = xstrdup(line);
	check_section(p, trim(copy));
	free(copy);
}

static char *read_line(char *str, int num, void *data)
{
	struct ini_stream *s = data;
	size_t n;

	if (s->pos >= s->len)
		return NULL;
	n = line_length(s->text, s->len, s->pos);
	if (n > (size_t)num - 1)
		n = (size_t)num - 1;	/* cannot happen: num exceeds the longest line */
	memcpy(str, s->text + s->pos, n);
	str[n] = '\0';
	s->pos += n;
	s->parser->line++;
	check_syntax(s->parser, str);
	return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	config_key(user, section, name, value);
	return 1;
}

/* NUL and other control bytes mean this is not a config file at all; one
 * error is clearer than a page of syntax errors about garbage. */
static int binary_line(const char *text, size_t len)
{
	int line = 1;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n')
			line++;
		else if ((c < 0x20 && c != '\t' && c != '\r' && c != '\f') || c == 0x7f)
			return line;
	}
	return 0;
}

int config_parse_text(const char *name, const char *text, size_t len,
		      struct config *cfg, struct diag *diag)
{
	struct config_parser parser = { .cfg = cfg, .diag = diag, .section_known = true };
	struct ini_stream stream = { .text = text, .len = len, .parser = &parser };
	size_t errors_before = diag->count;
	int bad_line;

	memset(cfg, 0, sizeof(*cfg));
	cfg->file = xstrdup(name);
	config_defaults(cfg);
	bad_line = binary_line(text, len);
	if (bad_line) {
		diag_add(diag, name, bad_line, "binary data: this is not a text configuration file");
		return -1;
	}
	/* One reader call per whole line: make inih's heap buffer big enough. */
	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_allow_multiline = false;
	ini_max_line = ini_initial_alloc = (int)longest_line(text, len) + 3;
	if (ini_max_line < 200)
		ini_max_line = ini_initial_alloc = 200;
	if (ini_parse_stream(read_line, &stream, on_key, &parser) == -2)
		diag_add(diag, name, 0, "out of memory while parsing");
	config_finish(&parser);
	return diag->count == errors_before ? 0 : -1;
}

static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 4096, used = 0;
	char *buf = xmalloc(cap);
	ssize_t n;

	while ((n = read(fd, buf + used, cap - used)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -errno;
		}
		used += (size_t)n;
		if (used > CONFIG_MAX_BYTES) {
			free(buf);
			return -EFBIG;
		}
		if (used == cap)
			buf = xrealloc_array(buf, cap *= 2, 1);
	}
	*out = buf;
	*len = used;
	return 0;
}

static int open_config(const char *path, int *fd)
{
	struct stat st;

	if (strcmp(path, "-") == 0) {
		*fd = STDIN_FILENO;
		return 0;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	if (fstat(*fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(*fd);
		return -EISDIR;
	}
	return 0;
}

int config_load(const char *path, struct config *cfg, struct diag *diag)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	char *text = NULL;
	size_t len = 0;
	int fd, err, ret;

	memset(cfg, 0, sizeof(*cfg));
	err = open_config(path, &fd);
	if (!err) {
		err = read_all(fd, &text, &len);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	if (err) {
		cfg->file = xstrdup(name);
		config_defaults(cfg);
		diag_add(diag, name, 0, "cannot read the configuration: %s",
			 err == -EFBIG ? "larger than 16 MiB" : strerror(-err));
		return -1;
	}
	ret = config_parse_text(name, text, len, cfg, diag);
	free(text);
	return ret;
}

int config_require_director(const struct config *cfg, struct diag *diag)
{
	if (cfg->dir.service_count || cfg->dir.manage_all)
		return 0;
	diag_add(diag, cfg->file, 0, "no service configured (add a [service NAME] section with "
		 "virtual = ...)");
	return -1;
}

int config_require_realserver(const struct config *cfg, struct diag *diag)
{
	if (cfg->rs.vip_count)
		return 0;
	diag_add(diag, cfg->file, 0, "no VIP configured (add \"vip = ADDRESS\" under [realserver])");
	return -1;
}

void config_free(struct config *cfg)
{
	free(cfg->file);
	free(cfg->state_dir);
	free(cfg->rs.vips);
	free(cfg->rs.interfaces);
	for (size_t i = 0; i < cfg->dir.service_count; i++) {
		ipvs_service_free(&cfg->dir.services[i].svc);
		free(cfg->dir.services[i].dest_lines);
		free(cfg->dir.services[i].dest_port_given);
	}
	free(cfg->dir.services);
	memset(cfg, 0, sizeof(*cfg));
}

const char *suppression_name(enum suppression suppression)
{
	static const char *const names[] = { "sysctl", "nftables", "both" };

	return names[suppression];
}
