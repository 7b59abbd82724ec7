/* notify: the systemd service notification protocol (sd_notify(3)),
 * spoken directly: one datagram per message to $NOTIFY_SOCKET. Every call
 * is a no-op when the variable is not set. */
#ifndef LVSAGENT_CORE_NOTIFY_H
#define LVSAGENT_CORE_NOTIFY_H

#include <stdint.h>

/* Open the socket named by $NOTIFY_SOCKET (before privileges are dropped). */
void notify_open(void);
void notify_close(void);

/* Send one message, e.g. "READY=1\nSTATUS=serving 2 VIPs". */
__attribute__((format(printf, 1, 2)))
void notify(const char *fmt, ...);

/* CLOCK_MONOTONIC in microseconds, as RELOADING=1 wants it. */
uint64_t notify_monotonic_usec(void);

/* The watchdog interval systemd asked this process for ($WATCHDOG_USEC,
 * when $WATCHDOG_PID is unset or ours), or 0. */
uint64_t notify_watchdog_usec(void);

#endif
