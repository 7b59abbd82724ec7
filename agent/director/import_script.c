/* import_script: a director script's `start`, read for its ipvsadm
 * commands. See import_script.h. The script is parsed into a tree first
 * (so that a branch not taken is skipped whole, and named by its lines),
 * then walked with the variables it assigns. */
#include "director/import_script.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "director/shell_lex.h"
#include "director/shell_tree.h"
#include "lib/xalloc.h"

/* How deep functions may call each other, and how many commands a walk
 * may run (nested loops multiply): beyond, the script is not a table's. */
#define MAX_CALL_DEPTH 16
#define MAX_COMMANDS 100000

struct walker {
	const struct script_reader *reader;
	struct shell_vars vars;
	struct shell_node **functions;
	size_t function_count, function_capacity;
	int depth;
	size_t commands;
	bool quiet;			/* a loop's later rounds: its notes are made */
	int noted_line;			/* the line of the last command noted skipped */
	const struct shell_script *script;
	bool stopped;			/* an error: nothing more is read */
};

#define NOTE(w, line, ...)                                                                  \
	do {                                                                                \
		if (!(w)->quiet && (w)->reader->notes)                                      \
			diag_add((w)->reader->notes, (w)->reader->file, (line), __VA_ARGS__); \
	} while (0)

static void walk_error(struct walker *w, int line, const char *what)
{
	diag_add(w->reader->diag, w->reader->file, line, "%s", what);
	w->stopped = true;
}

static void note_lines(struct walker *w, int first, int last, const char *what)
{
	if (first == last)
		NOTE(w, first, "skipped: %s", what);
	else
		NOTE(w, first, "skipped lines %d-%d: %s", first, last, what);
}

/* Words FROM..TO of CMD as written, cut short: for notes. */
static char *command_text(const struct shell_cmd *cmd, size_t from, size_t to)
{
	char *text = xstrdup("");

	for (size_t i = from; i < to && strlen(text) < 60; i++) {
		char *longer = xasprintf("%s%s%s", text, i > from ? " " : "", cmd->words[i]);
		free(text);
		text = longer;
	}
	if (strlen(text) > 60)
		strcpy(text + 57, "...");
	return text;
}

static bool is_ipvsadm(const char *word, const char *name)
{
	const char *base = strrchr(word, '/');

	return strcmp(base ? base + 1 : word, name) == 0;
}

static bool mentions_ipvsadm(const struct shell_nodes *list)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct shell_node *n = list->items[i];
		if (n->kind == NODE_SIMPLE && n->from < n->cmd->count &&
		    strcasestr(n->cmd->words[n->from], "ipvsadm"))	/* $IPVSADM too */
			return true;
		if (mentions_ipvsadm(&n->body))
			return true;
		for (size_t b = 0; b < n->branch_count; b++)
			if (mentions_ipvsadm(&n->branches[b].body))
				return true;
	}
	return false;
}

/* RAW expanded into (*FIELDS, *COUNT), or -1 with the error at LINE. */
static int expand_words(struct walker *w, int line, char *const *raw, size_t n, char ***fields,
			size_t *count)
{
	size_t capacity = 0;
	char *why = NULL;

	*fields = NULL;
	*count = 0;
	for (size_t i = 0; i < n; i++)
		if (shell_expand(raw[i], &w->vars, fields, count, &capacity, &why) < 0) {
			walk_error(w, line, why);
			free(why);
			shell_fields_free(*fields, *count);
			*fields = NULL, *count = 0;
			return -1;
		}
	return 0;
}

/* NAME=value: remembered (a value import cannot compute, as unknown). */
static void assign(struct walker *w, const char *raw, size_t name_len, int line)
{
	char *name = xasprintf("%.*s", (int)name_len, raw), *why = NULL, *value = xstrdup("");
	char **fields = NULL;
	size_t count = 0, capacity = 0;

	if (shell_expand(raw + name_len + 1, &w->vars, &fields, &count, &capacity, &why) < 0) {
		shell_vars_set(&w->vars, name, NULL, line);
		free(why);
	} else {
		for (size_t i = 0; i < count; i++) {	/* an assignment is not split */
			char *longer = xasprintf("%s%s%s", value, i ? " " : "", fields[i]);
			free(value);
			value = longer;
		}
		shell_vars_set(&w->vars, name, value, line);
	}
	shell_fields_free(fields, count);
	free(value);
	free(name);
}

/* Whether the command is assignments only, or export/readonly/local of
 * some: then they are made. */
static bool assignments(struct walker *w, const struct shell_cmd *cmd, size_t from)
{
	static const char *const declarers[] = { "export", "readonly", "local", "declare",
						 "typeset" };
	bool declared = false;
	size_t len;

	for (size_t i = 0; i < sizeof(declarers) / sizeof(declarers[0]); i++)
		if (strcmp(cmd->words[from], declarers[i]) == 0)
			declared = true;
	for (size_t i = from + declared; i < cmd->count; i++)
		if (!shell_is_assignment(cmd->words[i], &len) && !declared)
			return false;
	for (size_t i = from + declared; i < cmd->count; i++)
		if (shell_is_assignment(cmd->words[i], &len))
			assign(w, cmd->words[i], len, cmd->line);
	return true;
}

static void rule(struct walker *w, int line, char **words, size_t count)
{
	w->reader->rule(w->reader->ctx, line, words, count);
}

/* ipvsadm -R <<EOF ... EOF: each line of the here-document is a rule. */
static void heredoc_rules(struct walker *w, const struct shell_cmd *cmd)
{
	struct shell_script lines;
	char *why = NULL;
	int why_line = 0;

	if (shell_lex(cmd->heredoc, strlen(cmd->heredoc), &lines, &why, &why_line) < 0) {
		walk_error(w, cmd->heredoc_line + why_line - 1, why);
		free(why);
		return;
	}
	for (size_t i = 0; i < lines.count && !w->stopped; i++) {
		struct shell_cmd *c = &lines.cmds[i];
		int line = cmd->heredoc_line + c->line - 1;
		char **fields;
		size_t count;
		if (c->case_end)
			continue;
		if (cmd->heredoc_literal) {
			rule(w, line, c->words, c->count);
		} else if (expand_words(w, line, c->words, c->count, &fields, &count) == 0) {
			rule(w, line, fields, count);
			shell_fields_free(fields, count);
		}
	}
	shell_script_free(&lines);
}

static bool restores(char **words, size_t count)
{
	return count && (strcmp(words[0], "-R") == 0 || strcmp(words[0], "--restore") == 0);
}

/* An ipvsadm command (FIELDS[0] is ipvsadm itself unless BARE). */
static void ipvsadm_command(struct walker *w, const struct shell_cmd *cmd, char **fields,
			    size_t count, bool bare)
{
	char **args = fields + !bare;
	size_t n = count - !bare;

	if (!bare && (restores(args, n) || is_ipvsadm(fields[0], "ipvsadm-restore"))) {
		if (cmd->heredoc)
			heredoc_rules(w, cmd);
		else
			NOTE(w, cmd->line, "skipped: %s reads its rules from standard input: import "
			     "that file itself", fields[0]);
		return;
	}
	rule(w, cmd->line, args, n);
}

static struct shell_node *find_function(const struct walker *w, const char *name)
{
	for (size_t i = w->function_count; i-- > 0;)
		if (strcmp(w->functions[i]->name, name) == 0)
			return w->functions[i];
	return NULL;
}

static void walk_list(struct walker *w, const struct shell_nodes *list);

static void call(struct walker *w, struct shell_node *function, int line)
{
	if (w->depth >= MAX_CALL_DEPTH) {
		walk_error(w, line, "functions call each other more than 16 deep");
		return;
	}
	function->called = true;
	w->depth++;
	walk_list(w, &function->body);
	w->depth--;
}

/* Whether another command follows CMD on its line (a && b, a | b). */
static bool next_on_line(const struct walker *w, const struct shell_cmd *cmd)
{
	size_t at = (size_t)(cmd - w->script->cmds);

	return at + 1 < w->script->count && w->script->cmds[at + 1].line == cmd->line &&
	       !w->script->cmds[at + 1].case_end;
}

static void walk_simple(struct walker *w, const struct shell_node *n)
{
	const struct shell_cmd *cmd = n->cmd;
	char **fields = NULL, *why = NULL, *text;
	size_t count = 0, capacity = 0;
	struct shell_node *function;

	if (n->from >= cmd->count || assignments(w, cmd, n->from))
		return;
	if ((function = find_function(w, cmd->words[n->from]))) {
		call(w, function, cmd->line);
		return;
	}
	/* The command word alone first: one that is not ipvsadm may hold
	 * anything ($(...) too) and is skipped unread. */
	if (shell_expand(cmd->words[n->from], &w->vars, &fields, &count, &capacity, &why) == 0 &&
	    count && (fields[0][0] == '-' || is_ipvsadm(fields[0], "ipvsadm") ||
		      is_ipvsadm(fields[0], "ipvsadm-restore"))) {
		bool bare = fields[0][0] == '-';
		shell_fields_free(fields, count);
		if (expand_words(w, cmd->line, cmd->words + n->from, cmd->count - n->from, &fields,
				 &count) == 0)
			ipvsadm_command(w, cmd, fields, count, bare);
		shell_fields_free(fields, count);
		return;
	}
	shell_fields_free(fields, count);
	if (why && strcasestr(cmd->words[n->from], "ipvsadm")) {
		walk_error(w, cmd->line, why);	/* $IPVSADM -A ...: rules not to lose */
		free(why);
		return;
	}
	free(why);
	if (cmd->line == w->noted_line)
		return;		/* `a && b || c`: one note for the line */
	w->noted_line = cmd->line;
	text = command_text(cmd, n->from, cmd->count);
	NOTE(w, cmd->line, "skipped: %s%s (not an ipvsadm command)", text,
	     next_on_line(w, cmd) ? " ..." : "");
	free(text);
}

/* A block import cannot run: an error if rules would be lost in it
 * (ERROR), else skipped with a note (SKIPPED). */
static void cannot_run(struct walker *w, const struct shell_node *n, const char *error,
		       const char *skipped)
{
	if (mentions_ipvsadm(&n->body))
		walk_error(w, n->first_line, error);
	else
		note_lines(w, n->first_line, n->last_line, skipped);
}

static void walk_for(struct walker *w, const struct shell_node *n)
{
	const struct shell_cmd *cmd = n->cmd;
	size_t count;
	char **fields;
	char *name;

	if (n->from + 1 >= cmd->count || strcmp(cmd->words[n->from + 1], "in") != 0) {
		cannot_run(w, n, "a for loop over the script's arguments, which import cannot know",
			   "a for loop over the arguments");
		return;
	}
	if (!mentions_ipvsadm(&n->body)) {	/* its words may be anything: not read */
		note_lines(w, n->first_line, n->last_line, "a for loop without ipvsadm commands");
		return;
	}
	if (expand_words(w, cmd->line, cmd->words + n->from + 2, cmd->count - n->from - 2, &fields,
			 &count) < 0)
		return;
	name = xstrdup(cmd->words[n->from]);
	bool quiet = w->quiet;
	for (size_t i = 0; i < count && !w->stopped; i++) {
		shell_vars_set(&w->vars, name, fields[i], cmd->line);
		walk_list(w, &n->body);
		w->quiet = true;	/* what the body skips is said once */
	}
	w->quiet = quiet;
	free(name);
	shell_fields_free(fields, count);
}

/* The word a case tests: "$1" (how init scripts dispatch) is "start". */
static char *case_word(struct walker *w, const struct shell_node *n)
{
	static const char *const first_argument[] = { "$1", "\"$1\"", "${1}", "\"${1}\"" };
	const char *raw = n->cmd->words[n->from];
	char **fields = NULL, *why = NULL, *word = NULL;
	size_t count = 0, capacity = 0;

	for (size_t i = 0; i < sizeof(first_argument) / sizeof(first_argument[0]); i++)
		if (strcmp(raw, first_argument[i]) == 0)
			return xstrdup("start");
	if (shell_expand(raw, &w->vars, &fields, &count, &capacity, &why) == 0 && count == 1)
		word = xstrdup(fields[0]);
	free(why);
	shell_fields_free(fields, count);
	return word;
}

/* Whether WORD matches the pattern (a|b|c, quotes and all) of branch B. */
static bool branch_matches(struct walker *w, const struct shell_branch *b, const char *word)
{
	char *pattern = xstrdup(b->pattern), *save = NULL;
	bool match = false;

	*strrchr(pattern, ')') = '\0';
	for (char *alt = strtok_r(pattern + (pattern[0] == '('), "|", &save); alt && !match;
	     alt = strtok_r(NULL, "|", &save)) {
		char **fields = NULL, *why = NULL;
		size_t count = 0, capacity = 0;
		if (shell_expand(alt, &w->vars, &fields, &count, &capacity, &why) == 0 && count)
			match = fnmatch(fields[0], word, 0) == 0;
		free(why);
		shell_fields_free(fields, count);
	}
	free(pattern);
	return match;
}

static void walk_case(struct walker *w, const struct shell_node *n)
{
	char *word = case_word(w, n), *what;
	bool taken = false;

	for (size_t i = 0; i < n->branch_count && !w->stopped; i++) {
		const struct shell_branch *b = &n->branches[i];
		if (word && !taken && branch_matches(w, b, word)) {
			taken = true;
			walk_list(w, &b->body);
			continue;
		}
		what = word ? xasprintf("the %s branch, which %s does not take", b->pattern,
					strcmp(word, "start") == 0 ? "start" : word)
			    : xasprintf("the %s branch of a case on a word import cannot know",
					b->pattern);
		note_lines(w, b->first_line, b->last_line, what);
		free(what);
	}
	free(word);
}

static bool branches_mention_ipvsadm(const struct shell_node *n)
{
	for (size_t i = 0; i < n->branch_count; i++)
		if (mentions_ipvsadm(&n->branches[i].body))
			return true;
	return false;
}

static void walk_if(struct walker *w, const struct shell_node *n)
{
	if (!branches_mention_ipvsadm(n)) {
		note_lines(w, n->first_line, n->last_line, "an if without ipvsadm commands");
		return;
	}
	NOTE(w, n->first_line, "the condition of this if is not tested: import takes its first "
	     "branch");
	for (size_t i = 0; i < n->branch_count && !w->stopped; i++)
		if (i == 0)
			walk_list(w, &n->branches[i].body);
		else
			note_lines(w, n->branches[i].first_line, n->branches[i].last_line,
				   "a later branch of the if");
}

static void walk_node(struct walker *w, struct shell_node *n)
{
	if (++w->commands > MAX_COMMANDS) {
		walk_error(w, n->first_line, "the script runs more than 100000 commands");
		return;
	}
	switch (n->kind) {
	case NODE_SIMPLE: walk_simple(w, n); break;
	case NODE_GROUP: walk_list(w, &n->body); break;
	case NODE_FUNC:
		XGROW(w->functions, w->function_count, w->function_capacity);
		w->functions[w->function_count++] = n;
		break;
	case NODE_FOR: walk_for(w, n); break;
	case NODE_CASE: walk_case(w, n); break;
	case NODE_IF: walk_if(w, n); break;
	case NODE_LOOP:
		cannot_run(w, n, "ipvsadm commands inside a while or until loop, which import "
			   "cannot run", "a while or until loop");
		break;
	}
}

static void walk_list(struct walker *w, const struct shell_nodes *list)
{
	for (size_t i = 0; i < list->count && !w->stopped; i++)
		walk_node(w, list->items[i]);
}

/* Functions start never called: their lines are skipped too. */
static void note_uncalled(struct walker *w)
{
	for (size_t i = 0; i < w->function_count; i++) {
		struct shell_node *f = w->functions[i];
		char *what;
		if (f->called)
			continue;
		what = xasprintf("function %s, which start does not call", f->name);
		note_lines(w, f->first_line, f->last_line, what);
		free(what);
	}
}

int import_script(const char *text, size_t len, const struct script_reader *reader)
{
	struct shell_script script;
	struct walker w = { .reader = reader };

	struct shell_nodes top = { 0 };
	char *why = NULL;
	int why_line = 0;
	size_t errors = reader->diag->count;

	if (shell_lex(text, len, &script, &why, &why_line) < 0) {
		diag_add(reader->diag, reader->file, why_line, "%s", why);
		free(why);
		return -1;
	}
	w.script = &script;
	if (shell_tree_parse(&script, &top, &why, &why_line) < 0) {
		diag_add(reader->diag, reader->file, why_line, "%s", why);
		free(why);
	} else {
		walk_list(&w, &top);
		if (!w.stopped)
			note_uncalled(&w);
		shell_tree_free(&top);
	}
	free(w.functions);
	shell_vars_free(&w.vars);
	shell_script_free(&script);
	return reader->diag->count == errors ? 0 : -1;
}
