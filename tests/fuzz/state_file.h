/* state_file: a private directory for the state targets (fuzz_rs_state,
 * fuzz_dir_state), so that the input goes through the load functions the
 * program uses — a file in a state directory, read by state_read_file
 * with its checks — and what they read back is saved and loaded again. */
#ifndef LVSAGENT_FUZZ_STATE_FILE_H
#define LVSAGENT_FUZZ_STATE_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Two directories (made once, removed at exit): the one the input is
 * written to as NAME, and the one the record read is saved to. */
const char *state_file_in(void);
const char *state_file_out(void);
/* DATA as the file IN/NAME (written whole, replacing it). */
void state_file_write(const char *name, const uint8_t *data, size_t size);

#endif
