/* probe_exec: check = exec — the configuration's program (exec), run as
 * exec_user with the real server's address and port as its arguments:
 * `EXEC ADDRESS PORT`, a clean environment (PATH, LANG=C,
 * LVSAGENT_CHECK_ADDRESS, LVSAGENT_CHECK_PORT), no descriptor of the
 * daemon's, standard input and output on /dev/null. It passes when the
 * program exits 0 ("exec: exit 0"); "exec: exit 2", "exec: killed by
 * signal 9", "exec: killed after 2000 ms" (it ran into check_timeout)
 * and "exec: no free slot within 2000 ms (exec_max 8)" fail. A program that cannot be started says why: "exec: fork: ...",
 * "exec: setgroups: Operation not permitted" (the daemon may not change
 * users), or "exec: exit 127" when execve(2) fails. */
#ifndef LVSAGENT_DIRECTOR_PROBE_EXEC_H
#define LVSAGENT_DIRECTOR_PROBE_EXEC_H

#include "director/probe_ops.h"

extern const struct probe_ops probe_exec;

/* [director] exec_max's default. */
#define PROBE_EXEC_MAX_DEFAULT 8u

/* How many exec checks may run at once, all services together: the
 * configuration's exec_max, which the daemon sets from every
 * configuration it loads (at start and on each reload) before it sets the
 * checks. 0 is read as PROBE_EXEC_MAX_DEFAULT, which holds until the
 * first call. A check beyond the limit waits for a slot (and fails at its
 * timeout without one); lowering it kills nothing: the checks running
 * finish, and the next ones wait until fewer than MAX run. */
void probe_exec_set_max(unsigned max);

#endif
