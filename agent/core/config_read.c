/* config_read: reads the file, refuses binary data, checks each line's
 * syntax, and drives inih one whole line at a time so that every key knows
 * its line number (the packaged inih does not pass line numbers). */
#include "core/config_read.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/xalloc.h"

#define CONFIG_MAX_BYTES (16u << 20)

struct ini_stream {
	const char *text;
	size_t len, pos;
	const struct config_lines *lines;
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

static void check_section(struct ini_stream *s, char *line)
{
	const struct config_lines *p = s->lines;
	char *close = strchr(line, ']');
	char *comment = inline_comment(line);
	char *rest;

	if (!close || (comment && comment < close)) {
		diag_add(p->diag, p->file, *p->line, "broken section header (no closing ']')");
		*p->section_known = false;
		return;
	}
	*close = '\0';
	rest = trim(close + 1);
	if (*rest && *rest != ';' && *rest != '#') {
		diag_add(p->diag, p->file, *p->line, "text after the section header");
		*p->section_known = false;
		return;
	}
	*p->section_known = p->section(p->user, line + 1);
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

static void check_syntax(struct ini_stream *s, const char *raw)
{
	const struct config_lines *p = s->lines;
	const char *line = raw;
	char *copy;

	if (*p->line == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
		line += 3;	/* UTF-8 byte order mark */
	/* The blanks inih skips (isspace: a CR or form feed too), so that a
	 * line it takes for a section header is one here: "\r[service m]"
	 * must not leave its keys without their section. */
	while (isspace((unsigned char)*line))
		line++;
	if (!*line || strchr(";#", *line))
		return;
	if (*line != '[') {
		if (!has_separator(line))
			diag_add(p->diag, p->file, *p->line,
				 "expected \"key = value\" or \"[section]\"");
		return;
	}
	copy = xstrdup(line);
	check_section(s, trim(copy));
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
	(*s->lines->line)++;
	check_syntax(s, str);
	return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct ini_stream *s = user;

	s->lines->key(s->lines->user, section, name, value);
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

int config_read_text(const struct config_lines *p, const char *text, size_t len)
{
	struct ini_stream stream = { .text = text, .len = len, .lines = p };
	int bad_line = binary_line(text, len);

	if (bad_line) {
		diag_add(p->diag, p->file, bad_line,
			 "binary data: this is not a text configuration file");
		return -1;
	}
	/* One reader call per whole line: make inih's heap buffer big enough. */
	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_allow_multiline = false;
	ini_max_line = ini_initial_alloc = (int)longest_line(text, len) + 3;
	if (ini_max_line < 200)
		ini_max_line = ini_initial_alloc = 200;
	if (ini_parse_stream(read_line, &stream, on_key, &stream) == -2)
		diag_add(p->diag, p->file, 0, "out of memory while parsing");
	return 0;
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

int config_read_file(const char *path, char **text, size_t *len)
{
	int fd, err = open_config(path, &fd);

	*text = NULL;
	*len = 0;
	if (err)
		return err;
	err = read_all(fd, text, len);
	if (fd != STDIN_FILENO)
		close(fd);
	return err;
}
