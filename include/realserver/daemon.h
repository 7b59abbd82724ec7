/* daemon: `lvsagent run` — converge once, then keep the host converged:
 * rtnetlink notifications trigger a repair at once, a timer re-checks the
 * ARP sysctls (the kernel sends no event for them), SIGHUP reloads the
 * configuration, SIGTERM withdraws. Speaks systemd's notify protocol. */
#ifndef LVSAGENT_REALSERVER_DAEMON_H
#define LVSAGENT_REALSERVER_DAEMON_H

#include "realserver/session.h"

/* Runs until SIGTERM or SIGINT; returns the exit code. S is prepared
 * (configuration valid, locks held, first observation done). */
int daemon_run(struct session *s);

#endif
