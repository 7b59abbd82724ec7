/* config_read: the configuration file's text, line by line — binary data
 * refused, each line's syntax checked (every bad line reported, where
 * inih stops at the first), and inih driven one whole line at a time so
 * that every key knows its line number (the packaged inih does not pass
 * line numbers). What the sections and keys mean is config.c's. */
#ifndef LVSAGENT_CORE_CONFIG_READ_H
#define LVSAGENT_CORE_CONFIG_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

/* Where the lines go, and the reader's place in them. */
struct config_lines {
	const char *file;		/* the name in messages */
	struct diag *diag;		/* syntax errors, "FILE:LINE: what" */
	int *line;			/* counted up as lines are read */
	bool *section_known;		/* false after a broken [section] line */
	/* A well-formed "[HEADER]" line (brackets stripped): whether the keys
	 * under it are to be read (an unknown one is reported there). */
	bool (*section)(void *user, const char *header);
	/* One "name = value" line under SECTION. */
	void (*key)(void *user, const char *section, const char *name, const char *value);
	void *user;
};

/* Read TEXT (LEN bytes) into LINES's hooks. -1 (one error said) when the
 * text holds binary data: nothing was read. */
int config_read_text(const struct config_lines *lines, const char *text, size_t len);

/* The whole file PATH ("-": standard input) into *TEXT (the caller frees
 * it). 0 or -errno (-EISDIR: a directory, -EFBIG: over 16 MiB). */
int config_read_file(const char *path, char **text, size_t *len);

#endif
