/* diag: collected configuration errors. */
#include "lib/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/xalloc.h"

void diag_add(struct diag *diag, const char *file, int line, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	XGROW(diag->entries, diag->count, diag->capacity);
	diag->entries[diag->count] = (struct diag_entry){
		.line = line,
		.order = diag->count,
		.text = line > 0 ? xasprintf("%s:%d: %s", file, line, what)
				 : xasprintf("%s: %s", file, what),
	};
	diag->count++;
}

static int by_line(const void *a, const void *b)
{
	const struct diag_entry *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : (x->order > y->order);
}

void diag_sort(struct diag *diag)
{
	if (diag->count > 1)
		qsort(diag->entries, diag->count, sizeof(*diag->entries), by_line);
}

void diag_print(struct diag *diag)
{
	diag_sort(diag);
	for (size_t i = 0; i < diag->count; i++)
		fprintf(stderr, "%s\n", diag->entries[i].text);
}

void diag_free(struct diag *diag)
{
	for (size_t i = 0; i < diag->count; i++)
		free(diag->entries[i].text);
	free(diag->entries);
	diag->entries = NULL;
	diag->count = diag->capacity = 0;
}
