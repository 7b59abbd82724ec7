/* daemon: `lvsagent director run` — converge as `director apply`, then
 * keep the table right: health checks take failing real servers out of
 * rotation and put them back (health.h), the table is re-read every
 * table_check_interval (IPVS sends no events) and what someone else
 * changed is put back, SIGHUP reloads the configuration keeping every
 * unchanged real server's state, SIGUSR1 re-reads the drained list
 * (`director drain`), SIGTERM stops (on_stop). Speaks systemd's notify
 * protocol; publishes the health for `director status` and metrics_file. */
#ifndef LVSAGENT_DIRECTOR_DAEMON_H
#define LVSAGENT_DIRECTOR_DAEMON_H

#include "director/session.h"

/* Runs until SIGTERM or SIGINT; returns the exit code. R is prepared
 * (configuration valid, director.lock and the daemon's pid file held, the
 * table read). */
int director_daemon_run(struct director_run *r);

#endif
