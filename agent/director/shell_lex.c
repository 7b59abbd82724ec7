/* shell_lex: words, commands and expansions of a director script. See
 * shell_lex.h. */
#include "director/shell_lex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* --- building words and commands ------------------------------------------------------ */

struct pending_heredoc {
	size_t cmd;			/* the index its command takes in the script */
	char *delimiter;
	bool strip_tabs, literal;
};

struct lexer {
	const char *p, *end;
	int line;
	struct shell_script *script;
	struct shell_cmd cmd;		/* the command being read */
	size_t cmd_capacity;
	char *word;
	size_t word_len, word_capacity;
	bool in_word;
	bool target_next;		/* the next word is a redirection's target */
	bool delimiter_next;		/* ... or a here-document's delimiter */
	bool strip_tabs_next;
	struct pending_heredoc pending[8];
	size_t pending_count;
	char *why;
	int why_line;
};

static void put_char(char **buf, size_t *len, size_t *capacity, char c)
{
	if (*len + 2 > *capacity) {
		*capacity = *capacity ? *capacity * 2 : 32;
		*buf = xrealloc_array(*buf, *capacity, 1);
	}
	(*buf)[(*len)++] = c;
	(*buf)[*len] = '\0';
}

static void word_char(struct lexer *lx, char c)
{
	put_char(&lx->word, &lx->word_len, &lx->word_capacity, c);
	lx->in_word = true;
}

/* A here-document delimiter as written ('EOF', "EOF", \EOF): its text, and
 * whether it was quoted (then the body is not expanded). */
static char *unquote_delimiter(const char *raw, bool *literal)
{
	char *out = xmalloc(strlen(raw) + 1), *o = out;

	*literal = false;
	for (; *raw; raw++)
		if (*raw == '\'' || *raw == '"' || *raw == '\\')
			*literal = true;
		else
			*o++ = *raw;
	*o = '\0';
	return out;
}

static void add_heredoc(struct lexer *lx, const char *raw)
{
	struct pending_heredoc *h;

	if (lx->pending_count == sizeof(lx->pending) / sizeof(lx->pending[0])) {
		if (!lx->why)
			lx->why = xstrdup("more than 8 here-documents on one line"), lx->why_line = lx->line;
		return;
	}
	h = &lx->pending[lx->pending_count++];
	h->cmd = lx->script->count;
	h->strip_tabs = lx->strip_tabs_next;
	h->delimiter = unquote_delimiter(raw, &h->literal);
}

/* The length of the redirection operator RAW starts with (2>, >>, <<-,
 * &>, >&...), or 0 when RAW is an ordinary word. */
static size_t redirection_length(const char *raw)
{
	static const char *const ops[] = { "<<-", "&>>", "<<", ">>", ">&", "<&", "&>", ">|", "<>",
					   ">", "<" };
	const char *p = raw + strspn(raw, "0123456789");

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(p, ops[i], strlen(ops[i])) == 0)
			return (size_t)(p - raw) + strlen(ops[i]);
	return 0;
}

/* The word read is done: a command word, or a redirection (dropped: the
 * program's output goes nowhere at import), or a here-document's delimiter. */
static void end_word(struct lexer *lx)
{
	size_t op;

	if (!lx->in_word)
		return;
	lx->in_word = false;
	lx->word_len = 0;
	if (lx->delimiter_next) {
		lx->delimiter_next = false;
		add_heredoc(lx, lx->word);
		return;
	}
	if (lx->target_next) {
		lx->target_next = false;
		return;
	}
	op = redirection_length(lx->word);
	if (op) {
		bool heredoc = strstr(lx->word, "<<") != NULL;
		lx->strip_tabs_next = strstr(lx->word, "<<-") != NULL;
		if (heredoc && lx->word[op])
			add_heredoc(lx, lx->word + op);
		else if (heredoc)
			lx->delimiter_next = true;
		else if (!lx->word[op])
			lx->target_next = true;
		return;
	}
	XGROW(lx->cmd.words, lx->cmd.count, lx->cmd_capacity);
	lx->cmd.words[lx->cmd.count++] = xstrdup(lx->word);
}

static void push_cmd(struct lexer *lx, const struct shell_cmd *cmd)
{
	XGROW(lx->script->cmds, lx->script->count, lx->script->capacity);
	lx->script->cmds[lx->script->count++] = *cmd;
}

static void end_cmd(struct lexer *lx)
{
	end_word(lx);
	if (lx->cmd.count)
		push_cmd(lx, &lx->cmd);
	memset(&lx->cmd, 0, sizeof(lx->cmd));
	lx->cmd_capacity = 0;
	lx->cmd.line = lx->line;
}

/* --- here-documents -------------------------------------------------------------------- */

/* The next physical line (without its newline) into LINE; false at the end. */
static bool next_line(struct lexer *lx, const char **start, size_t *len)
{
	const char *nl;

	if (lx->p >= lx->end)
		return false;
	nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
	*start = lx->p;
	*len = nl ? (size_t)(nl - lx->p) : (size_t)(lx->end - lx->p);
	lx->p = nl ? nl + 1 : lx->end;
	lx->line++;
	return true;
}

static void read_heredoc(struct lexer *lx, struct pending_heredoc *h)
{
	char *body = NULL;
	size_t body_len = 0, capacity = 0, len;
	const char *text;
	int first = lx->line;

	while (next_line(lx, &text, &len)) {
		if (h->strip_tabs)
			while (len && *text == '\t')
				text++, len--;
		if (len && text[len - 1] == '\r')
			len--;
		if (len == strlen(h->delimiter) && memcmp(text, h->delimiter, len) == 0) {
			if (h->cmd < lx->script->count) {
				struct shell_cmd *cmd = &lx->script->cmds[h->cmd];
				free(cmd->heredoc);
				cmd->heredoc = body ? body : xstrdup("");
				cmd->heredoc_line = first;
				cmd->heredoc_literal = h->literal;
			} else {
				free(body);
			}
			return;
		}
		for (size_t i = 0; i < len; i++)
			put_char(&body, &body_len, &capacity, text[i]);
		put_char(&body, &body_len, &capacity, '\n');
	}
	free(body);
	if (!lx->why)
		lx->why = xasprintf("the here-document opened on line %d never ends with \"%s\"",
				    first - 1, h->delimiter), lx->why_line = first - 1;
}

static void end_line(struct lexer *lx)
{
	end_cmd(lx);
	lx->line++;
	for (size_t i = 0; i < lx->pending_count; i++) {
		read_heredoc(lx, &lx->pending[i]);
		free(lx->pending[i].delimiter);
	}
	lx->pending_count = 0;
	lx->cmd.line = lx->line;
}

/* --- the characters -------------------------------------------------------------------- */

/* A quoted part ('...' or "..."), copied with its quotes: expansion reads
 * them. A newline inside still counts as a line. */
static void read_quoted(struct lexer *lx, char quote)
{
	int opened = lx->line;

	word_char(lx, *lx->p++);
	while (lx->p < lx->end && *lx->p != quote) {
		if (quote == '"' && *lx->p == '\\' && lx->p + 1 < lx->end)
			word_char(lx, *lx->p++);
		if (*lx->p == '\n')
			lx->line++;
		word_char(lx, *lx->p++);
	}
	if (lx->p >= lx->end) {
		if (!lx->why)
			lx->why = xasprintf("the %s opened on line %d is never closed",
					    quote == '"' ? "double quote" : "single quote", opened),
			lx->why_line = opened;
		return;
	}
	word_char(lx, *lx->p++);
}

/* $( ... ) and ` ... `: one word, however many blanks inside (never run). */
static void read_substitution(struct lexer *lx)
{
	int depth = 0;
	char close = *lx->p == '`' ? '`' : ')';

	if (close == '`') {
		word_char(lx, *lx->p++);
	} else {
		word_char(lx, *lx->p++);	/* $ */
	}
	while (lx->p < lx->end) {
		char c = *lx->p;
		if (close == ')' && c == '(')
			depth++;
		else if (close == ')' && c == ')' && --depth == 0)
			break;
		else if (close == '`' && c == '`')
			break;
		if (c == '\n')
			lx->line++;
		word_char(lx, *lx->p++);
	}
	if (lx->p < lx->end)
		word_char(lx, *lx->p++);
}

/* `;`, `;;`, `&&`, `||`, `|`, `&` at P: the command ends (`&>` is a
 * redirection, part of a word). Whether one was read. */
static bool read_operator(struct lexer *lx)
{
	char c = *lx->p, next = lx->p + 1 < lx->end ? lx->p[1] : '\0';

	if (c == '&' && next == '>')
		return false;
	if (c != ';' && c != '&' && c != '|')
		return false;
	end_cmd(lx);
	lx->p += next == c ? 2 : 1;
	if (c == ';' && next == ';') {
		struct shell_cmd marker = { .line = lx->line, .case_end = true };
		push_cmd(lx, &marker);
	}
	return true;
}

static void lex_char(struct lexer *lx)
{
	char c = *lx->p;

	if (c == '\\' && lx->p + 1 < lx->end && lx->p[1] == '\n') {
		lx->p += 2, lx->line++;	/* a continuation */
	} else if (c == '\\' && lx->p + 1 < lx->end) {
		word_char(lx, *lx->p++);
		word_char(lx, *lx->p++);
	} else if (c == '\'' || c == '"') {
		read_quoted(lx, c);
	} else if (c == '`' || (c == '$' && lx->p + 1 < lx->end && lx->p[1] == '(')) {
		read_substitution(lx);
	} else if (c == '#' && !lx->in_word) {
		while (lx->p < lx->end && *lx->p != '\n')
			lx->p++;
	} else if (c == '\n') {
		lx->p++;
		end_line(lx);
	} else if (c == ' ' || c == '\t' || c == '\r') {
		lx->p++;
		end_word(lx);
	} else if (!read_operator(lx)) {
		word_char(lx, *lx->p++);
	}
}

int shell_lex(const char *text, size_t len, struct shell_script *script, char **why,
	      int *why_line)
{
	struct lexer lx = { .p = text, .end = text + len, .line = 1, .script = script };

	memset(script, 0, sizeof(*script));
	lx.cmd.line = 1;
	while (lx.p < lx.end && !lx.why)
		lex_char(&lx);
	if (!lx.why)
		end_line(&lx);
	for (size_t i = 0; i < lx.cmd.count; i++)
		free(lx.cmd.words[i]);
	free(lx.cmd.words);
	for (size_t i = 0; i < lx.pending_count; i++)
		free(lx.pending[i].delimiter);
	free(lx.word);
	if (!lx.why)
		return 0;
	*why = lx.why;
	*why_line = lx.why_line;
	shell_script_free(script);
	return -1;
}

void shell_script_free(struct shell_script *script)
{
	for (size_t i = 0; i < script->count; i++) {
		shell_fields_free(script->cmds[i].words, script->cmds[i].count);
		free(script->cmds[i].heredoc);
	}
	free(script->cmds);
	memset(script, 0, sizeof(*script));
}

/* --- variables -------------------------------------------------------------------------- */

void shell_vars_set(struct shell_vars *vars, const char *name, const char *value, int line)
{
	struct shell_var *var = (struct shell_var *)shell_vars_get(vars, name);

	if (!var) {
		XGROW(vars->vars, vars->count, vars->capacity);
		var = &vars->vars[vars->count++];
		var->name = xstrdup(name);
	} else {
		free(var->value);
	}
	var->value = value ? xstrdup(value) : NULL;
	var->line = line;
}

const struct shell_var *shell_vars_get(const struct shell_vars *vars, const char *name)
{
	for (size_t i = 0; i < vars->count; i++)
		if (strcmp(vars->vars[i].name, name) == 0)
			return &vars->vars[i];
	return NULL;
}

void shell_vars_free(struct shell_vars *vars)
{
	for (size_t i = 0; i < vars->count; i++)
		free(vars->vars[i].name), free(vars->vars[i].value);
	free(vars->vars);
	memset(vars, 0, sizeof(*vars));
}

static bool name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static size_t name_length(const char *p)
{
	size_t n = 0;

	if (!name_start(*p))
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	return n;
}

bool shell_is_assignment(const char *raw, size_t *name_len)
{
	size_t n = name_length(raw);

	*name_len = n;
	return n && raw[n] == '=';
}

/* --- expansion -------------------------------------------------------------------------- */

struct expander {
	const struct shell_vars *vars;
	char ***fields;
	size_t *count, *capacity;
	char *cur;
	size_t len, cur_capacity;
	bool started;			/* a field is open (even if empty: "") */
	char *why;
};

static void field_char(struct expander *ex, char c)
{
	put_char(&ex->cur, &ex->len, &ex->cur_capacity, c);
	ex->started = true;
}

static void field_end(struct expander *ex)
{
	if (!ex->started)
		return;
	XGROW(*ex->fields, *ex->count, *ex->capacity);
	(*ex->fields)[(*ex->count)++] = xstrdup(ex->cur ? ex->cur : "");
	ex->len = 0;
	if (ex->cur)
		ex->cur[0] = '\0';
	ex->started = false;
}

/* VALUE substituted: inside quotes as it is, outside split at blanks. */
static void substitute(struct expander *ex, const char *value, bool quoted)
{
	if (quoted) {
		ex->started = true;
		for (; *value; value++)
			field_char(ex, *value);
		return;
	}
	for (; *value; value++)
		if (*value == ' ' || *value == '\t' || *value == '\n')
			field_end(ex);
		else
			field_char(ex, *value);
}

static int fail(struct expander *ex, char *why)
{
	if (!ex->why)
		ex->why = why;
	else
		free(why);
	return -1;
}

/* The value of NAME (its NAME_LEN bytes), or DEFAULT_RAW when unset and
 * one is given: into *VALUE (allocated). */
static int lookup(struct expander *ex, const char *name, size_t name_len, const char *default_raw,
		  size_t default_len, char **value)
{
	char *key = xasprintf("%.*s", (int)name_len, name);
	const struct shell_var *var = shell_vars_get(ex->vars, key);
	int err = 0;

	if (var && var->value) {
		*value = xstrdup(var->value);
	} else if (default_raw) {
		char *raw = xasprintf("\"%.*s\"", (int)default_len, default_raw), *why = NULL;
		char **parts = NULL;
		size_t count = 0, capacity = 0;
		err = shell_expand(raw, ex->vars, &parts, &count, &capacity, &why);
		*value = err ? NULL : xstrdup(count ? parts[0] : "");
		if (err)
			fail(ex, why);
		shell_fields_free(parts, count);
		free(raw);
	} else if (var) {
		err = fail(ex, xasprintf("$%s is set on line %d by a command, which import does not run",
					 key, var->line));
	} else if (!name_start(*key)) {
		err = fail(ex, xasprintf("$%s is an argument of the script, which import cannot know",
					 key));
	} else {
		err = fail(ex, xasprintf("$%s is not set by any assignment before this line", key));
	}
	free(key);
	return err;
}

/* ${NAME}, ${NAME:-word}, ${NAME-word} at P (just after "${"): how many
 * bytes it takes up to and with its "}", or -1. */
static int expand_braced(struct expander *ex, const char *p, bool quoted, size_t *used)
{
	const char *close = strchr(p, '}'), *rest;
	size_t n = isdigit((unsigned char)*p) ? 1 : name_length(p);
	char *value = NULL;

	if (!close || !n)
		return fail(ex, xstrdup("a ${...} import cannot read"));
	rest = p + n;
	if (rest != close && strncmp(rest, ":-", 2) != 0 && *rest != '-')
		return fail(ex, xasprintf("${%.*s} is a form import does not read (only ${NAME}, "
					  "${NAME:-default} and ${NAME-default})",
					  (int)(close - p), p));
	if (rest != close)
		rest += *rest == ':' ? 2 : 1;
	if (lookup(ex, p, n, rest == close && rest == p + n ? NULL : rest,
		   (size_t)(close - rest), &value) < 0)
		return -1;
	substitute(ex, value, quoted);
	free(value);
	*used = (size_t)(close - p) + 3;
	return 0;
}

/* A "$..." at P: the bytes it takes, or -1. */
static int expand_dollar(struct expander *ex, const char *p, bool quoted, size_t *used)
{
	char *value = NULL;
	size_t n;

	if (p[1] == '(' || p[1] == '`')
		return fail(ex, xstrdup("a command substitution $(...), which import does not run"));
	if (p[1] == '{')
		return expand_braced(ex, p + 2, quoted, used);
	n = name_length(p + 1);
	if (!n && p[1] && strchr("0123456789@*#?$!-", p[1]))
		n = 1;
	if (!n) {
		field_char(ex, '$');	/* a lone $ is itself */
		*used = 1;
		return 0;
	}
	if (lookup(ex, p + 1, n, NULL, 0, &value) < 0)
		return -1;
	substitute(ex, value, quoted);
	free(value);
	*used = n + 1;
	return 0;
}

/* Inside "...": $ expands, \ escapes $ ` " \ only. The bytes used, or -1. */
static int expand_double_quoted(struct expander *ex, const char *p)
{
	const char *start = p++;
	size_t used;

	ex->started = true;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1] && strchr("$`\"\\", p[1])) {
			field_char(ex, p[1]);
			p += 2;
		} else if (*p == '$') {
			if (expand_dollar(ex, p, true, &used) < 0)
				return -1;
			p += used;
		} else if (*p == '`') {
			return fail(ex, xstrdup("a command substitution `...`, which import does not run"));
		} else {
			field_char(ex, *p++);
		}
	}
	return (int)(p - start) + (*p == '"');
}

int shell_expand(const char *raw, const struct shell_vars *vars, char ***fields, size_t *count,
		 size_t *capacity, char **why)
{
	struct expander ex = { .vars = vars, .fields = fields, .count = count, .capacity = capacity };
	const char *p = raw;
	size_t used;
	int n;

	while (*p && !ex.why) {
		if (*p == '\'') {
			const char *close = strchr(p + 1, '\'');
			ex.started = true;
			for (p++; *p && p != close; p++)
				field_char(&ex, *p);
			p += *p == '\'';
		} else if (*p == '"') {
			if ((n = expand_double_quoted(&ex, p)) >= 0)
				p += n;
		} else if (*p == '\\' && p[1]) {
			field_char(&ex, p[1]);
			p += 2;
		} else if (*p == '$') {
			if (expand_dollar(&ex, p, false, &used) == 0)
				p += used;
		} else if (*p == '`') {
			fail(&ex, xstrdup("a command substitution `...`, which import does not run"));
		} else {
			field_char(&ex, *p++);
		}
	}
	if (!ex.why)
		field_end(&ex);
	free(ex.cur);
	if (ex.why) {
		*why = ex.why;
		return -1;
	}
	return 0;
}

void shell_fields_free(char **fields, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(fields[i]);
	free(fields);
}
