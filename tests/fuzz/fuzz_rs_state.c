/* fuzz_rs_state: the real server's state file (agent/realserver/state.c)
 * through state_load on a file in a state directory, as every command
 * reads it; then the property that the file written from what was read
 * reads back as the same record: state_save, state_load, owned_equal,
 * with no line skipped the second time. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "realserver/state.h"
#include "state_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct owned first, again;
	int skipped, skipped_again, err;

	state_file_write("state", data, size);
	if ((err = state_load(state_file_in(), &first, &skipped)) != 0) {
		owned_free(&first);
		return 0;	/* unreadable (binary, too large): refused whole */
	}
	if ((err = state_save(state_file_out(), &first)) != 0) {
		fprintf(stderr, "fuzz_rs_state: state_save: %d\n", err);
		abort();
	}
	if (state_load(state_file_out(), &again, &skipped_again) != 0 || skipped_again ||
	    !owned_equal(&first, &again)) {
		char *text = state_format(&first);
		fprintf(stderr, "fuzz_rs_state: written and read back, another record "
			"(%d lines skipped)\n--- written ---\n%s", skipped_again, text);
		abort();
	}
	owned_free(&first);
	owned_free(&again);
	return 0;
}
