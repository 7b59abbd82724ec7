/* cmd: the real-server commands — start, stop, restart, status, apply,
 * check-config, run (the daemon), reload — each the observe → plan → apply
 * loop with other inputs. */
#ifndef LVSAGENT_REALSERVER_CMD_H
#define LVSAGENT_REALSERVER_CMD_H

#include "core/cli.h"
#include "realserver/session.h"

int rs_command_run(enum rs_command command, const struct cli_options *opts);

#endif
