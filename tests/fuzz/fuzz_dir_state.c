/* fuzz_dir_state: the director's state file (agent/director/state.c)
 * through dir_state_load on a file in a state directory, as the director's
 * commands read it; then the property that the file written from what was
 * believed reads back as the same record (dir_state_save, dir_state_load,
 * dir_owned_same) and is believed whole: no warning the second time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "director/state.h"
#include "lib/diag.h"
#include "state_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dir_owned first, again;
	struct diag warnings = { 0 }, warnings_again = { 0 };
	int err;

	state_file_write("director", data, size);
	if (dir_state_load(state_file_in(), &first, &warnings) != 0) {
		dir_owned_free(&first);
		diag_free(&warnings);
		return 0;	/* unreadable (binary, too large): refused whole */
	}
	if ((err = dir_state_save(state_file_out(), &first)) != 0) {
		fprintf(stderr, "fuzz_dir_state: dir_state_save: %d\n", err);
		abort();
	}
	if (dir_state_load(state_file_out(), &again, &warnings_again) != 0 ||
	    warnings_again.count || !dir_owned_same(&first, &again)) {
		char *text = dir_state_format(&first);
		for (size_t i = 0; i < warnings_again.count; i++)
			fprintf(stderr, "%s\n", warnings_again.entries[i].text);
		fprintf(stderr, "fuzz_dir_state: written and read back, another record\n"
			"--- written ---\n%s", text);
		abort();
	}
	dir_owned_free(&first);
	dir_owned_free(&again);
	diag_free(&warnings);
	diag_free(&warnings_again);
	return 0;
}
