/* event: what both daemons' epoll loops are made of — the signals they
 * handle, read from a signalfd, and timerfds (CLOCK_MONOTONIC) that fire
 * every so often or once. */
#ifndef LVSAGENT_CORE_EVENT_H
#define LVSAGENT_CORE_EVENT_H

#include <stddef.h>
#include <stdint.h>

/* Block SIGNALS (COUNT of them) and return a non-blocking signalfd that
 * reads them, or -errno. SIGPIPE is ignored besides: a peer gone (the
 * notify socket, a check's connection) is an error return, not a death. */
int event_signalfd(const int *signals, size_t count);

/* Arm timerfd FD to fire every USEC microseconds, or once after USEC;
 * 0 disarms it. 0, or -1 with errno set. */
int event_every(int fd, uint64_t usec);
int event_once(int fd, uint64_t usec);
/* Read what a timerfd counted, so that epoll stops reporting it. */
void event_drain(int fd);

#endif
