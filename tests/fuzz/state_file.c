/* state_file: see state_file.h. tmpfs when there is one: a save fsyncs,
 * which on a disk would cost most of each run. */
#include "state_file.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

static char base[PATH_MAX], in[PATH_MAX], out[PATH_MAX];

static void remove_dir(const char *dir)
{
	char path[PATH_MAX + 32];
	static const char *const names[] = { "state", "director", ".state.tmp", ".director.tmp" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void cleanup(void)
{
	remove_dir(in);
	remove_dir(out);
	rmdir(base);
}

static void make_dirs(void)
{
	const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	if (base[0])
		return;
	snprintf(base, sizeof(base), "%s/lvsagent-fuzz-XXXXXX", tmp);
	if (!mkdtemp(base))
		abort();
	snprintf(in, sizeof(in), "%s/in", base);
	snprintf(out, sizeof(out), "%s/out", base);
	if (mkdir(in, 0755) < 0 || mkdir(out, 0755) < 0)
		abort();
	atexit(cleanup);
}

const char *state_file_in(void)
{
	make_dirs();
	return in;
}

const char *state_file_out(void)
{
	make_dirs();
	return out;
}

void state_file_write(const char *name, const uint8_t *data, size_t size)
{
	char path[PATH_MAX + 32];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", state_file_in(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}
