/* shell_tree: a script's commands as a tree. See shell_tree.h. */
#include "director/shell_tree.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

struct parser {
	const struct shell_script *script;
	size_t at, word;		/* the next word: script->cmds[at].words[word] */
	char *why;
	int why_line;
};

static const char *const reserved[] = { "if", "then", "elif", "else", "fi", "for", "while",
					"until", "do", "done", "case", "esac", "{", "}",
					"function", "!" };

static int current_line(const struct parser *p)
{
	if (p->at < p->script->count)
		return p->script->cmds[p->at].line;
	return p->script->count ? p->script->cmds[p->script->count - 1].line : 1;
}

/* The reserved word (or ";;") the next word is, or NULL. */
static const char *peek_keyword(const struct parser *p)
{
	const struct shell_cmd *cmd;

	if (p->at >= p->script->count)
		return NULL;
	cmd = &p->script->cmds[p->at];
	if (cmd->case_end)
		return ";;";
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(cmd->words[p->word], reserved[i]) == 0)
			return reserved[i];
	return NULL;
}

static bool at_end(const struct parser *p)
{
	return p->at >= p->script->count;
}

static void advance_word(struct parser *p)
{
	if (p->script->cmds[p->at].case_end || ++p->word >= p->script->cmds[p->at].count)
		p->at++, p->word = 0;
}

/* The rest of the current command: its words from P->word. */
static void take_rest(struct parser *p, const struct shell_cmd **cmd, size_t *from)
{
	*cmd = &p->script->cmds[p->at];
	*from = p->word;
	p->at++, p->word = 0;
}

static void parse_error(struct parser *p, int line, char *why)
{
	if (!p->why)
		p->why = why, p->why_line = line;
	else
		free(why);
}

static bool expect(struct parser *p, const char *word, const char *what, int opened)
{
	const char *kw = peek_keyword(p);

	if (kw && strcmp(kw, word) == 0) {
		advance_word(p);
		return true;
	}
	parse_error(p, opened, xasprintf("the %s on line %d has no \"%s\"", what, opened, word));
	return false;
}

static struct shell_node *new_node(enum shell_node_kind kind, int line)
{
	struct shell_node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->first_line = n->last_line = line;
	return n;
}

static void list_add(struct shell_nodes *list, struct shell_node *n)
{
	XGROW(list->items, list->count, list->capacity);
	list->items[list->count++] = n;
}

static struct shell_branch *add_branch(struct shell_node *n, int line)
{
	struct shell_branch *b;

	XGROW(n->branches, n->branch_count, n->branch_capacity);
	b = &n->branches[n->branch_count++];
	memset(b, 0, sizeof(*b));
	b->first_line = b->last_line = line;
	return b;
}

static bool is_stop(const char *kw, const char *const *stops)
{
	for (; kw && *stops; stops++)
		if (strcmp(kw, *stops) == 0)
			return true;
	return false;
}

static struct shell_node *parse_command(struct parser *p);

/* Commands up to one of STOPS (not taken) or the end. */
static void parse_list(struct parser *p, struct shell_nodes *list, const char *const *stops)
{
	while (!at_end(p) && !p->why && !is_stop(peek_keyword(p), stops)) {
		struct shell_node *n = parse_command(p);
		if (n)
			list_add(list, n);
	}
}

static void set_last_line(struct shell_node *n, const struct parser *p)
{
	n->last_line = at_end(p) ? current_line(p) : p->script->cmds[p->at ? p->at - 1 : 0].line;
}

/* The condition after if/elif/while/until: a command of its own (not run). */
static void skip_condition(struct parser *p)
{
	const struct shell_cmd *cmd;
	size_t from;

	while (!at_end(p) && peek_keyword(p) && strcmp(peek_keyword(p), "!") == 0)
		advance_word(p);
	if (!at_end(p) && !peek_keyword(p))
		take_rest(p, &cmd, &from);
}

static struct shell_node *parse_if(struct parser *p, int line)
{
	static const char *const stops[] = { "elif", "else", "fi", NULL };
	static const char *const fi[] = { "fi", NULL };
	struct shell_node *n = new_node(NODE_IF, line);
	const char *kw = "if";

	while (!p->why && (strcmp(kw, "if") == 0 || strcmp(kw, "elif") == 0)) {
		struct shell_branch *b = add_branch(n, current_line(p));
		advance_word(p);
		skip_condition(p);
		expect(p, "then", "if", line);
		parse_list(p, &b->body, stops);
		b->last_line = current_line(p);
		kw = at_end(p) ? "" : peek_keyword(p) ? peek_keyword(p) : "";
	}
	if (!p->why && strcmp(kw, "else") == 0) {
		struct shell_branch *b = add_branch(n, current_line(p));
		advance_word(p);
		parse_list(p, &b->body, fi);
		b->last_line = current_line(p);
	}
	expect(p, "fi", "if", line);
	set_last_line(n, p);
	return n;
}

/* while/until COND; do ...; done (FOR: for NAME in WORDS; do ...; done). */
static struct shell_node *parse_loop(struct parser *p, int line, bool is_for)
{
	static const char *const done[] = { "done", NULL };
	struct shell_node *n = new_node(is_for ? NODE_FOR : NODE_LOOP, line);
	const char *what = is_for ? "for" : "loop";

	advance_word(p);
	if (is_for && !at_end(p) && !peek_keyword(p))
		take_rest(p, &n->cmd, &n->from);
	else if (is_for)
		parse_error(p, line, xasprintf("the for on line %d names no variable", line));
	else
		skip_condition(p);
	if (expect(p, "do", what, line))
		parse_list(p, &n->body, done);
	expect(p, "done", what, line);
	set_last_line(n, p);
	return n;
}

/* A branch's pattern, up to and with the word holding ")": the rest of
 * that command is the branch's first command. `start | restart)` is split
 * where the lexer saw a pipe: the pieces are joined back with "|". */
static bool take_pattern(struct parser *p, struct shell_branch *b)
{
	int line = current_line(p);

	b->pattern = xstrdup("");
	while (!at_end(p) && current_line(p) == line) {
		const struct shell_cmd *cmd = &p->script->cmds[p->at];
		for (size_t i = p->word; i < cmd->count && !cmd->case_end; i++) {
			char *longer = xasprintf("%s%s%s", b->pattern,
						 *b->pattern && i == p->word ? "|" : "", cmd->words[i]);
			free(b->pattern);
			b->pattern = longer;
			if (!strchr(cmd->words[i], ')'))
				continue;
			if (i + 1 < cmd->count)
				p->word = i + 1;
			else
				p->at++, p->word = 0;
			return true;
		}
		p->at++, p->word = 0;
	}
	parse_error(p, line, xstrdup("a case branch without its \"PATTERN)\""));
	return false;
}

static struct shell_node *parse_case(struct parser *p, int line)
{
	static const char *const stops[] = { ";;", "esac", NULL };
	struct shell_node *n = new_node(NODE_CASE, line);

	advance_word(p);
	if (at_end(p) || peek_keyword(p)) {
		parse_error(p, line, xasprintf("the case on line %d has no word", line));
		return n;
	}
	take_rest(p, &n->cmd, &n->from);
	while (!p->why && !at_end(p)) {
		const char *kw = peek_keyword(p);
		if (kw && strcmp(kw, "esac") == 0)
			break;
		if (kw && strcmp(kw, ";;") == 0) {
			advance_word(p);
			continue;
		}
		struct shell_branch *b = add_branch(n, current_line(p));
		if (!take_pattern(p, b))
			break;
		parse_list(p, &b->body, stops);
		b->last_line = current_line(p);
	}
	expect(p, "esac", "case", line);
	set_last_line(n, p);
	return n;
}

static struct shell_node *parse_group(struct parser *p, int line, enum shell_node_kind kind)
{
	static const char *const close[] = { "}", NULL };
	struct shell_node *n = new_node(kind, line);

	if (expect(p, "{", kind == NODE_FUNC ? "function" : "group", line))
		parse_list(p, &n->body, close);
	expect(p, "}", kind == NODE_FUNC ? "function" : "group", line);
	set_last_line(n, p);
	return n;
}

/* NAME() { ... }, NAME () { ... } or function NAME [()] { ... }: NAME's
 * length when the words at P define a function, else 0. */
static size_t function_name(const struct shell_cmd *cmd, size_t at)
{
	const char *word = cmd->words[at];
	size_t len = strlen(word);

	if (len > 2 && strcmp(word + len - 2, "()") == 0)
		return len - 2;
	if (at + 1 < cmd->count && strcmp(cmd->words[at + 1], "()") == 0)
		return len;
	return 0;
}

static struct shell_node *parse_function(struct parser *p, int line, bool keyword)
{
	const struct shell_cmd *cmd;
	size_t len, at;
	struct shell_node *n;

	if (keyword)
		advance_word(p);
	if (at_end(p) || peek_keyword(p)) {
		parse_error(p, line, xasprintf("the function on line %d has no name", line));
		return NULL;
	}
	cmd = &p->script->cmds[p->at];
	at = p->word;
	len = function_name(cmd, at);
	if (!len)
		len = strlen(cmd->words[at]);	/* function NAME { */
	char *name = xasprintf("%.*s", (int)len, cmd->words[at]);
	advance_word(p);
	if (!at_end(p) && p->word && strcmp(cmd->words[p->word], "()") == 0)
		advance_word(p);
	n = parse_group(p, line, NODE_FUNC);
	n->name = name;
	return n;
}

static struct shell_node *parse_command(struct parser *p)
{
	const char *kw = peek_keyword(p);
	int line = current_line(p);
	struct shell_node *n;

	if (!kw) {
		const struct shell_cmd *cmd = &p->script->cmds[p->at];
		if (function_name(cmd, p->word))
			return parse_function(p, line, false);
		n = new_node(NODE_SIMPLE, line);
		take_rest(p, &n->cmd, &n->from);
		return n;
	}
	if (strcmp(kw, "if") == 0)
		return parse_if(p, line);
	if (strcmp(kw, "for") == 0 || strcmp(kw, "while") == 0 || strcmp(kw, "until") == 0)
		return parse_loop(p, line, strcmp(kw, "for") == 0);
	if (strcmp(kw, "case") == 0)
		return parse_case(p, line);
	if (strcmp(kw, "{") == 0)
		return parse_group(p, line, NODE_GROUP);
	if (strcmp(kw, "function") == 0)
		return parse_function(p, line, true);
	if (strcmp(kw, "!") == 0) {
		advance_word(p);
		return at_end(p) ? NULL : parse_command(p);
	}
	parse_error(p, line, xasprintf("\"%s\" where no %s", kw,
				       strcmp(kw, ";;") == 0 ? "case branch ends" : "block ends"));
	return NULL;
}

static void node_free(struct shell_node *n);

void shell_tree_free(struct shell_nodes *list)
{
	for (size_t i = 0; i < list->count; i++)
		node_free(list->items[i]);
	free(list->items);
}

static void node_free(struct shell_node *n)
{
	shell_tree_free(&n->body);
	for (size_t i = 0; i < n->branch_count; i++) {
		shell_tree_free(&n->branches[i].body);
		free(n->branches[i].pattern);
	}
	free(n->branches);
	free(n->name);
	free(n);
}

int shell_tree_parse(const struct shell_script *script, struct shell_nodes *top, char **why,
		     int *why_line)
{
	struct parser p = { .script = script };

	memset(top, 0, sizeof(*top));
	parse_list(&p, top, (const char *const[]){ NULL });
	if (!p.why)
		return 0;
	*why = p.why;
	*why_line = p.why_line;
	shell_tree_free(top);
	return -1;
}
