/* shell_lex: enough of the POSIX shell's grammar to read a director
 * script — words with their quotes, commands split at newlines, `;`, `&&`,
 * `||`, `|` and `&`, comments, backslash continuations, redirections
 * dropped, here-documents kept — and the expansion of `$NAME`, `${NAME}`
 * and `${NAME:-default}` against the assignments read so far. Nothing is
 * run: `$(...)` and backquotes are words whose value cannot be known. Pure. */
#ifndef LVSAGENT_DIRECTOR_SHELL_LEX_H
#define LVSAGENT_DIRECTOR_SHELL_LEX_H

#include <stdbool.h>
#include <stddef.h>

/* One simple command as written: raw words (quotes and `$` kept). */
struct shell_cmd {
	int line;			/* where it starts */
	char **words;
	size_t count;
	bool case_end;			/* the `;;` that ends a case branch (no words) */
	char *heredoc;			/* a here-document's text, or NULL */
	int heredoc_line;		/* the line of its first text line */
	bool heredoc_literal;		/* the delimiter was quoted: no expansion */
};

struct shell_script {
	struct shell_cmd *cmds;
	size_t count, capacity;
};

/* TEXT → SCRIPT. 0, or -1 with *WHY (allocated) and *WHY_LINE: an open
 * quote, a here-document without its delimiter. */
int shell_lex(const char *text, size_t len, struct shell_script *script, char **why,
	      int *why_line);
void shell_script_free(struct shell_script *script);

/* The variables an expansion sees. A variable set from a command
 * substitution has no value import can know: VALUE is NULL, LINE says where. */
struct shell_var {
	char *name;
	char *value;
	int line;
};

struct shell_vars {
	struct shell_var *vars;
	size_t count, capacity;
};

void shell_vars_set(struct shell_vars *vars, const char *name, const char *value, int line);
const struct shell_var *shell_vars_get(const struct shell_vars *vars, const char *name);
void shell_vars_free(struct shell_vars *vars);

/* Whether RAW is an assignment word (NAME=...); *NAME_LEN is NAME's length. */
bool shell_is_assignment(const char *raw, size_t *name_len);

/* RAW → fields appended to (*FIELDS, *COUNT, *CAPACITY): quotes removed,
 * variables substituted, unquoted substitutions split at blanks (so one raw
 * word may give none or several). 0, or -1 with *WHY (allocated). */
int shell_expand(const char *raw, const struct shell_vars *vars, char ***fields, size_t *count,
		 size_t *capacity, char **why);

void shell_fields_free(char **fields, size_t count);

#endif
