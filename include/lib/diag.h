/* diag: a list of configuration errors, each "FILE:LINE: what is wrong",
 * collected so that one run reports every error in a file. */
#ifndef LVSAGENT_LIB_DIAG_H
#define LVSAGENT_LIB_DIAG_H

#include <stddef.h>

struct diag_entry {
	int line;			/* 0: the whole file */
	size_t order;			/* insertion order, keeps sorting stable */
	char *text;			/* "FILE:LINE: what" */
};

struct diag {
	struct diag_entry *entries;
	size_t count;
	size_t capacity;
};

/* Record one error; line 0 means no line applies ("FILE: what"). */
__attribute__((format(printf, 4, 5)))
void diag_add(struct diag *diag, const char *file, int line, const char *fmt, ...);

/* Sort by line (whole-file errors first) so output reads like the file. */
void diag_sort(struct diag *diag);

/* Write every message, one per line, to stderr, in line order. */
void diag_print(struct diag *diag);

void diag_free(struct diag *diag);

#endif
