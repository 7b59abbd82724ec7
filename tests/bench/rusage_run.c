/* rusage_run: one run of a command inside a network namespace, measured:
 * elapsed, user and system CPU in milliseconds and peak RSS in KiB, from
 * wait4(2)'s rusage (time(1) prints hundredths; `ip netns exec` and a
 * script's interpreter would count themselves in).
 *   usage: rusage_run NETNS COMMAND [ARG...]
 * Prints "ELAPSED USER SYSTEM MAXRSS"; exits with the command's status. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double ms(struct timeval tv)
{
	return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

int main(int argc, char **argv)
{
	char path[256];
	struct timespec start, end;
	struct rusage usage;
	int fd, status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: rusage_run NETNS COMMAND [ARG...]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", argv[1]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		perror(path);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &usage) < 0) {
		perror("fork");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	printf("%.3f %.3f %.3f %ld\n",
	       (double)(end.tv_sec - start.tv_sec) * 1e3 + (double)(end.tv_nsec - start.tv_nsec) / 1e6,
	       ms(usage.ru_utime), ms(usage.ru_stime), usage.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
