/* cmd: `lvsagent director SUBCOMMAND` — apply, stop, status,
 * save, import — the director's IPVS table from the configuration, by the
 * same observe → plan → apply steps as the real-server commands. */
#ifndef LVSAGENT_DIRECTOR_CMD_H
#define LVSAGENT_DIRECTOR_CMD_H

#include <stdbool.h>

#include "core/cli.h"
#include "director/session.h"

/* The subcommand called NAME, with what it accepts; false if none is. */
bool director_command_find(const char *name, enum dir_command *command, bool *takes_check,
			   bool *takes_json);

int director_command_run(enum dir_command command, const struct cli_options *opts,
			 const struct dir_options *dir_opts);

#endif
