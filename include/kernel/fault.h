/* fault: the test build's fault injection (make faults: -DLVSAGENT_FAULTS,
 * in a build directory of its own). Every kernel request lvsagent makes --
 * each netlink message of a batch, each dump and query, each nftables
 * transaction (one request: the kernel takes it whole or not at all), each
 * sysctl write -- is counted, and the environment picks one to go wrong:
 *
 *   LVSAGENT_FAULT=fail:N   the N-th request fails as if the kernel refused
 *                           it (-EIO), the others go on as they would
 *   LVSAGENT_FAULT=exit:N   the process _exits (status 99) right after the
 *                           sendmsg that carried the N-th request to the
 *                           kernel, the answers unread (a process dies
 *                           between system calls, never inside one)
 *   LVSAGENT_FAULT=count    at exit, "LVSAGENT_FAULT: N requests" on stderr
 *   LVSAGENT_FAULT_RCVBUF=BYTES  the daemon's monitor sockets get this
 *                           receive buffer (an overrun on purpose)
 *
 * In the normal (installed) build every hook below is an empty inline:
 * no code, no symbol, no environment variable read. */
#ifndef LVSAGENT_KERNEL_FAULT_H
#define LVSAGENT_KERNEL_FAULT_H

#include <stdbool.h>
#include <stddef.h>

/* The exit status of an exit:N fault. */
#define FAULT_EXIT_STATUS 99

#ifdef LVSAGENT_FAULTS
/* Whether the next request is the one to fail; if so it is counted. */
bool fault_fail_next(void);
/* Of the next COUNT requests about to go in one sendmsg, how many may go
 * before the fault: those before a failing one; COUNT when none of them
 * is to fail. */
size_t fault_room(size_t count);
/* COUNT requests reached the kernel: counted, and the process ends here if
 * the exit fault is among them. */
void fault_sent(size_t count);
/* The monitor sockets' receive buffer in bytes, 0 to keep the usual one. */
int fault_monitor_rcvbuf(void);
#else
static inline bool fault_fail_next(void) { return false; }
static inline size_t fault_room(size_t count) { return count; }
static inline void fault_sent(size_t count) { (void)count; }
static inline int fault_monitor_rcvbuf(void) { return 0; }
#endif

#endif
