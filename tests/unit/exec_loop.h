/* The checker under test in an epoll loop of the test's own, as the
 * daemon runs it: what the checker's tests share. Static inline: each
 * test file is its own program. */
#ifndef LVSAGENT_TEST_EXEC_LOOP_H
#define LVSAGENT_TEST_EXEC_LOOP_H

#include "unit.h"

#include <sys/epoll.h>

#include "director/checker.h"
#include "director/probe.h"

/* A new epoll instance in *EPOLL_FD and a checker on it reporting to
 * DONE(USER, ...); the test fails if either cannot be made. */
static inline void checker_loop_open(int *epoll_fd, struct checker **checker, check_done done,
				     void *user)
{
	*epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(*epoll_fd >= 0);
	*checker = checker_new(*epoll_fd, done, user);
	assert_non_null(*checker);
}

/* Dispatch CHECKER's events on EPOLL_FD until *COUNT (the results its
 * DONE has counted) reaches WANT, or MS pass. */
static inline void checker_loop_pump(int epoll_fd, struct checker *checker, const size_t *count,
				     size_t want, int ms)
{
	uint64_t end = probe_now_us() + (uint64_t)ms * 1000u;

	for (uint64_t now = probe_now_us(); *count < want && now < end; now = probe_now_us()) {
		struct epoll_event events[16];
		int n = epoll_wait(epoll_fd, events, 16, (int)((end - now + 999) / 1000));

		for (int i = 0; i < n; i++) {
			assert_true(events[i].data.u64 & CHECKER_EPOLL_TAG);
			checker_handle(checker, &events[i]);
		}
	}
}

#endif
