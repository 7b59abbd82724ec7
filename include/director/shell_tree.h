/* shell_tree: a director script's commands (shell_lex) as a tree — if,
 * case, for, while/until, { } groups and function definitions, each with
 * the lines it spans — so that a walker can take one branch and skip the
 * others whole, naming their lines. Conditions are kept out: nothing tests
 * them. Pure. */
#ifndef LVSAGENT_DIRECTOR_SHELL_TREE_H
#define LVSAGENT_DIRECTOR_SHELL_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "director/shell_lex.h"

enum shell_node_kind { NODE_SIMPLE, NODE_GROUP, NODE_FUNC, NODE_FOR, NODE_CASE, NODE_IF, NODE_LOOP };

struct shell_node;

struct shell_nodes {
	struct shell_node **items;
	size_t count, capacity;
};

/* A case branch (its pattern) or an if branch. */
struct shell_branch {
	char *pattern;			/* "start|restart)" as written; NULL for if */
	int first_line, last_line;
	struct shell_nodes body;
};

struct shell_node {
	enum shell_node_kind kind;
	int first_line, last_line;
	const struct shell_cmd *cmd;	/* SIMPLE, FOR, CASE: the words from FROM */
	size_t from;
	char *name;			/* FUNC */
	bool called;			/* FUNC */
	struct shell_nodes body;	/* GROUP, FUNC, FOR, LOOP */
	struct shell_branch *branches;	/* CASE, IF */
	size_t branch_count, branch_capacity;
};

/* SCRIPT's commands as a tree into TOP. 0, or -1 with *WHY (allocated) and
 * *WHY_LINE: a block without its end ("the if on line 3 has no "fi""), an
 * end without its block. */
int shell_tree_parse(const struct shell_script *script, struct shell_nodes *top, char **why,
		     int *why_line);
void shell_tree_free(struct shell_nodes *list);

#endif
