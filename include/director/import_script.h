/* import_script: the director scripts people have, read for the ipvsadm
 * commands their `start` runs. Assignments (NAME=value, export NAME=value)
 * are remembered and $NAME / ${NAME} expanded; of a `case "$1" in`, only
 * the branch `start` takes runs (a `start)` calling a function runs the
 * function); `for NAME in WORDS` loops run; of an `if`, the first branch.
 * Everything else is skipped with a note naming its lines: the other case
 * branches, functions start never calls, commands other than ipvsadm.
 * `ipvsadm -R <<EOF` here-documents are read as rules. Nothing is run.
 * Plain rule files (ipvsadm -S, lines starting with "-A") are scripts too. */
#ifndef LVSAGENT_DIRECTOR_IMPORT_SCRIPT_H
#define LVSAGENT_DIRECTOR_IMPORT_SCRIPT_H

#include <stddef.h>

#include "lib/diag.h"

struct script_reader {
	/* Each ipvsadm command, in the order start runs them: WORDS expanded,
	 * without the leading "ipvsadm"; LINE is where it is written. */
	void (*rule)(void *ctx, int line, char **words, size_t count);
	void *ctx;
	const char *file;		/* for messages: "FILE:LINE: ..." */
	struct diag *diag;		/* what makes the script unreadable */
	struct diag *notes;		/* what was skipped, and why */
};

/* 0, or -1 with the errors in READER->diag. */
int import_script(const char *text, size_t len, const struct script_reader *reader);

#endif
