/* checker: the real servers' checks, many at once and none blocking —
 * each a probe (probe.h: a TCP connect, an HTTP request...) whose
 * descriptor the daemon's epoll watches, with one timerfd for every due
 * time, deadline and probe wake-up. Checks of one interval are
 * spread over it from the start (1000 real servers are not checked in the
 * same millisecond), and each is due one interval after its previous due
 * time, not after its result, so the schedule does not drift; those due
 * within 1 % of the interval (10 ms at most) of a timer's expiry start
 * with it, one wake-up for several. */
#ifndef LVSAGENT_DIRECTOR_CHECKER_H
#define LVSAGENT_DIRECTOR_CHECKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "director/check_spec.h"
#include "director/config.h"
#include "lib/ipaddr.h"

/* The checker's epoll registrations carry this bit in data.u64; the
 * daemon's own file descriptors never do (they are registered with
 * data.u64 = fd). The other 63 bits are the checker's own (which check,
 * and which of its sockets). */
#define CHECKER_EPOLL_TAG (1ull << 63)


/* A result: check ID passed or not; RESULT in words ("ok", "connect:
 * Connection refused", "no answer within 1000 ms", "socket: Too many open
 * files"), valid during the call only; LATENCY_US from the connect(2) to
 * the verdict. It may be called many times by one checker_handle, and
 * must not call checker_set or checker_free. */
typedef void (*check_done)(void *user, size_t id, bool passed, const char *result,
			   uint32_t latency_us);

struct checker;

/* A checker registering with EPOLL_FD (not its own), reporting to
 * DONE(USER, ...). NULL with errno set when its timerfd cannot be made or
 * registered. checker_free closes every socket and the timerfd. */
struct checker *checker_new(int epoll_fd, check_done done, void *user);
void checker_free(struct checker *c);

/* The checks to run from now on: ID i is SPECS[i] (COUNT below 2^32 - 1).
 * A check whose spec is unchanged at the same ID keeps its schedule (a
 * reload that changes nothing of it does not reset it); a check in flight
 * for a changed or dropped ID is abandoned without a result. New and
 * changed checks are due first spread over their interval, the first at
 * once. */
void checker_set(struct checker *c, const struct check_spec *specs, size_t count);

/* An epoll event carrying CHECKER_EPOLL_TAG: a socket became writable or
 * failed, or the timer fired. Results are reported through DONE before it
 * returns. */
void checker_handle(struct checker *c, const struct epoll_event *event);

/* Checks in flight (sockets open), for tests and status. */
size_t checker_in_flight(const struct checker *c);

#endif
