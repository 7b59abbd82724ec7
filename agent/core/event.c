/* event: signalfd and timerfd set-up for the daemons. See event.h. */
#include "core/event.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int event_signalfd(const int *signals, size_t count)
{
	sigset_t mask;
	int fd;

	sigemptyset(&mask);
	for (size_t i = 0; i < count; i++)
		sigaddset(&mask, signals[i]);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

static struct timespec timespec_of(uint64_t usec)
{
	return (struct timespec){ .tv_sec = (time_t)(usec / 1000000u),
				  .tv_nsec = (long)(usec % 1000000u) * 1000 };
}

int event_every(int fd, uint64_t usec)
{
	struct itimerspec spec = { .it_interval = timespec_of(usec), .it_value = timespec_of(usec) };

	return timerfd_settime(fd, 0, &spec, NULL);
}

int event_once(int fd, uint64_t usec)
{
	struct itimerspec spec = { .it_value = timespec_of(usec) };

	return timerfd_settime(fd, 0, &spec, NULL);
}

void event_drain(int fd)
{
	uint64_t expirations;

	while (read(fd, &expirations, sizeof(expirations)) > 0)
		;
}
