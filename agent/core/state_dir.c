/* state_dir: the trusted state directory and its files. See state_dir.h. */
#include "core/state_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/xalloc.h"

/* How often a waiting lock is tried again, and how long the daemon waits
 * for a process that only shares its lock. */
#define LOCK_RETRY_MS 20
#define SHARED_HOLDER_WAIT_MS 2000

/* systemd's range for DynamicUser= services (systemd.exec(5)): no account
 * useradd makes falls in it, and lvsagent's unit runs as one, so the
 * directory RuntimeDirectory= gives it is owned by such a uid. */
#define DYNAMIC_UID_MIN 61184u
#define DYNAMIC_UID_MAX 65519u

/* Whose directories and files lvsagent believes: root's, its own user's,
 * and, when it runs as root, a dynamic service user's (the daemon's). */
static bool trusted_owner(uid_t uid)
{
	uid_t me = geteuid();

	return uid == 0 || uid == me ||
	       (me == 0 && uid >= DYNAMIC_UID_MIN && uid <= DYNAMIC_UID_MAX);
}

__attribute__((format(printf, 4, 5)))
static int refuse(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* --- the directory ---------------------------------------------------------- */

/* DIR with every symlink in its existing part resolved: the walk below then
 * meets none, unless one was put there meanwhile (and is refused). The part
 * that does not exist yet is kept as written; the configuration refuses
 * "." and ".." components, so it cannot climb back out. */
int state_dir_canonical(const char *dir, char *out, size_t len)
{
	char head[PATH_MAX], real[PATH_MAX];
	size_t cut = strlen(dir);

	snprintf(head, sizeof(head), "%s", dir);
	while (!realpath(head, real)) {
		char *slash = strrchr(head, '/');
		if (errno != ENOENT || !slash)
			return -errno;
		cut = (size_t)(slash - head);
		/* Down to "/x": "/" exists. */
		slash[slash == head] = '\0';
	}
	if ((size_t)snprintf(out, len, "%s%s", strcmp(real, "/") ? real : "", dir + cut) >= len)
		return -ENAMETOOLONG;
	if (!out[0])
		snprintf(out, len, "/");
	return 0;
}

/* Whether the directory open at FD, PATH, may be trusted: LAST is the state
 * directory itself, which may not be group or world writable even when
 * sticky. */
static int check_trusted(int fd, const char *path, bool last, char *why, size_t len)
{
	struct stat st;
	uid_t me = geteuid();

	if (fstat(fd, &st) < 0)
		return refuse(why, len, -errno, "cannot check %s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return refuse(why, len, -ENOTDIR, "%s is not a directory", path);
	if (!trusted_owner(st.st_uid))
		return refuse(why, len, -EPERM, "%s is owned by uid %u, not by root or the user "
			      "lvsagent runs as (uid %u): that user could make lvsagent remove or "
			      "overwrite what it likes", path, (unsigned)st.st_uid, (unsigned)me);
	if (!(st.st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	if (!last && st.st_uid == 0 && (st.st_mode & S_ISVTX))
		return 0;	/* like /tmp: nobody else can replace an entry */
	return refuse(why, len, -EPERM, "%s is writable by %s (mode %04o): anyone who can "
		      "write there could make lvsagent remove or overwrite what they like", path,
		      st.st_mode & S_IWOTH ? "others" : "its group", (unsigned)(st.st_mode & 07777));
}

/* Why COMPONENT of PARENT could not be opened as a directory. */
static int open_failure(int parent, const char *component, const char *path, int err,
			char *why, size_t len)
{
	struct stat st;

	if (fstatat(parent, component, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return refuse(why, len, -ELOOP, "%s became a symbolic link while lvsagent "
			      "checked it", path);
	if (err == ENOTDIR)
		return refuse(why, len, -ENOTDIR, "%s is not a directory", path);
	return refuse(why, len, -err, "cannot open %s: %s", path, strerror(err));
}

/* One step of the walk: COMPONENT of PARENT, created (0755) when absent and
 * CREATE. Intermediate directories need only be searchable (O_PATH); the
 * state directory itself is opened for reading, to fsync it. -ENOENT when
 * absent and not created. */
static int open_component(int parent, const char *component, bool last, bool create)
{
	int flags = O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | (last ? O_RDONLY : O_PATH);
	int fd = openat(parent, component, flags);

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(parent, component, 0755) < 0 && errno != EEXIST)
			return -errno;
		fd = openat(parent, component, flags);
	}
	return fd < 0 ? -errno : fd;
}

/* Walk DIR from / one component at a time, checking each. Returns the state
 * directory's fd, or -errno with WHY; -ENOENT (no WHY) when a component is
 * missing and not CREATE: an absent state directory owns nothing. */
static int walk(const char *dir, bool create, char *why, size_t len)
{
	char path[PATH_MAX], so_far[PATH_MAX] = "";
	int fd, err;

	if ((err = state_dir_canonical(dir, path, sizeof(path))))
		return refuse(why, len, err, "cannot resolve %s: %s", dir, strerror(-err));
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return refuse(why, len, -errno, "cannot open /: %s", strerror(errno));
	if ((err = check_trusted(fd, "/", strcmp(path, "/") == 0, why, len)) < 0) {
		close(fd);
		return err;
	}
	for (char *component = path + 1, *next; *component; component = next) {
		next = strchrnul(component, '/');
		bool last = !*next;
		if (!last)
			*next++ = '\0';
		snprintf(so_far + strlen(so_far), sizeof(so_far) - strlen(so_far), "/%s", component);
		int child = open_component(fd, component, last, create);
		if (child < 0) {
			err = child == -ENOENT && !create ? -ENOENT
				: open_failure(fd, component, so_far, -child, why, len);
			close(fd);
			return err;
		}
		close(fd);
		fd = child;
		if ((err = check_trusted(fd, so_far, last, why, len)) < 0) {
			close(fd);
			return err;
		}
	}
	return fd;
}

int state_dir_check(const char *dir, char *why, size_t why_len)
{
	int fd = walk(dir, false, why, why_len);

	if (fd == -ENOENT)
		return 0;	/* created at the first change, owned by this user */
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int state_dir_check_config(const char *dir, const char *file, int line, struct diag *diag)
{
	char why[PATH_MAX + 256];

	if (state_dir_check(dir, why, sizeof(why)) == 0)
		return 0;
	diag_add(diag, file, line, "state_dir %s%s: %s", dir, line ? "" : " (the default)", why);
	return -1;
}

/* --- files in it --------------------------------------------------------------- */

/* NAME in the directory DFD, never through a symlink, and only a regular
 * file owned by root or this user. */
static int open_in(int dfd, const char *name, int flags, mode_t mode)
{
	int fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !trusted_owner(st.st_uid)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* The whole of FD, read into a buffer the size fstat gives (grown if the
 * file grows meanwhile). */
static int read_whole(int fd, char **text)
{
	struct stat st;
	size_t cap, used = 0;
	ssize_t n;

	cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	*text = xmalloc(cap);
	while ((n = read(fd, *text + used, cap - used - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;
			free(*text);
			*text = NULL;
			return err;
		}
		used += (size_t)n;
		if (used + 1 == cap)
			*text = xrealloc_array(*text, cap *= 2, 1);
	}
	(*text)[used] = '\0';
	return 0;
}

int state_read_file(const char *dir, const char *name, char **text)
{
	int dfd = walk(dir, false, NULL, 0), fd, err;

	*text = NULL;
	if (dfd < 0)
		return dfd;
	fd = open_in(dfd, name, O_RDONLY | O_NONBLOCK, 0);
	close(dfd);
	if (fd < 0)
		return fd;
	err = read_whole(fd, text);
	close(fd);
	return err;
}

const char *state_text_cut(const char *text, const char *first_line)
{
	size_t len = strlen(text);

	if (!len)
		return "is empty";
	if (text[len - 1] != '\n')
		return "ends in the middle of a line";
	/* Truncation takes lines from the end: the end line goes first. */
	if (strncmp(text, first_line, strlen(first_line)) == 0 &&
	    !strstr(text, "\n" STATE_END_LINE))
		return "has no last line \"# end\"";
	return NULL;
}

static int write_all(int fd, const char *text)
{
	size_t len = strlen(text);

	while (len) {
		ssize_t n = write(fd, text, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* TEXT into DFD/TEMP, created afresh (a stale one from a crash is ours:
 * nobody else can write here) and on disk before it is renamed. */
static int write_temp(int dfd, const char *temp, const char *text)
{
	int fd, err;

	if (unlinkat(dfd, temp, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = open_in(dfd, temp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return fd;
	err = write_all(fd, text);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

static int replace_file(int dfd, const char *name, const char *text)
{
	char temp[NAME_MAX + 1];
	int err;

	snprintf(temp, sizeof(temp), ".%s.tmp", name);
	err = write_temp(dfd, temp, text);
	if (!err && renameat(dfd, temp, dfd, name) < 0)
		err = -errno;
	if (err)
		unlinkat(dfd, temp, 0);
	return err;
}

int state_write_file(const char *dir, const char *name, const char *text)
{
	int dfd = walk(dir, text != NULL, NULL, 0), err = 0;

	if (dfd == -ENOENT && !text)
		return 0;	/* nothing to remove */
	if (dfd < 0)
		return dfd;
	if (!text && unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		err = -errno;
	if (text)
		err = replace_file(dfd, name, text);
	/* The rename (or removal) itself on disk, not only the data. */
	if (!err && fsync(dfd) < 0)
		err = -errno;
	close(dfd);
	return err;
}

/* --- locks ------------------------------------------------------------------------ */

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* flock(LOCK_EX) on FD, retried every LOCK_RETRY_MS for WAIT_MS. */
static int lock_waiting(int fd, int wait_ms)
{
	long long deadline = now_ms() + (wait_ms > 0 ? wait_ms : 0);

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK || (wait_ms != STATE_WAIT_FOREVER && now_ms() >= deadline))
			return -errno;
		sleep_ms(LOCK_RETRY_MS);
	}
}

/* DIR/NAME opened (created) for locking. */
static int open_lock_file(const char *dir, const char *name)
{
	int dfd = walk(dir, true, NULL, 0), fd;

	if (dfd < 0)
		return dfd;
	fd = open_in(dfd, name, O_RDWR | O_CREAT | O_NONBLOCK, 0644);
	close(dfd);
	return fd;
}

static int lock_file(const char *dir, const char *name, int wait_ms)
{
	int fd = open_lock_file(dir, name), err;

	if (fd < 0)
		return fd;
	if ((err = lock_waiting(fd, wait_ms)) < 0) {
		close(fd);
		return err;
	}
	return fd;
}

int state_lock(const char *dir, int wait_ms)
{
	return lock_file(dir, "lock", wait_ms);
}

int state_director_lock(const char *dir, int wait_ms)
{
	return lock_file(dir, "director.lock", wait_ms);
}

/* The pid holding an exclusive flock on the file with inode INO, according
 * to the kernel (/proc/locks: "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE
 * ..."); 0 when none does, -1 when the table cannot be read. The device is
 * not compared: stat and the lock table can name it differently (btrfs
 * subvolumes); the caller also checks the pid the file names. */
static pid_t exclusive_holder(ino_t ino, pid_t want)
{
	FILE *locks = fopen("/proc/locks", "re");
	char line[256];
	pid_t found = 0;

	if (!locks)
		return -1;
	while (!found && fgets(line, sizeof(line), locks)) {
		unsigned long inode;
		int pid;
		if (sscanf(line, "%*d: FLOCK ADVISORY WRITE %d %*x:%*x:%lu", &pid, &inode) == 2 &&
		    (ino_t)inode == ino && (want == 0 || pid == want))
			found = (pid_t)pid;
	}
	fclose(locks);
	return found;
}

int state_daemon_lock(const char *dir)
{
	return state_pid_lock(dir, "daemon.pid");
}

int state_director_lock_drains(const char *dir, int wait_ms)
{
	return lock_file(dir, "director.drained.lock", wait_ms);
}

int state_pid_lock(const char *dir, const char *name)
{
	int fd = open_lock_file(dir, name), err = 0;
	long long deadline = now_ms() + SHARED_HOLDER_WAIT_MS;
	struct stat st;
	char pid[32];

	if (fd < 0)
		return fd;
	/* Someone sharing the lock only looks (an older lvsagent's status):
	 * wait for it rather than report a daemon that is not there. */
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		err = -errno;
		if (err == -EINTR)
			continue;
		if (err != -EWOULDBLOCK || fstat(fd, &st) < 0 || exclusive_holder(st.st_ino, 0) != 0 ||
		    now_ms() >= deadline)
			break;
		sleep_ms(LOCK_RETRY_MS);
		err = 0;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (!err && (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* Without /proc/locks, the old way: a lock that cannot be shared is held. */
static bool locked_by_someone(int fd)
{
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
		return false;
	}
	return errno == EWOULDBLOCK;
}

pid_t state_daemon_pid(const char *dir)
{
	return state_pid(dir, "daemon.pid");
}

pid_t state_pid(const char *dir, const char *name)
{
	int dfd = walk(dir, false, NULL, 0), fd;
	char text[32] = "";
	struct stat st;
	pid_t named, holder = 0;

	if (dfd < 0)
		return 0;
	fd = open_in(dfd, name, O_RDONLY | O_NONBLOCK, 0);
	close(dfd);
	if (fd < 0)
		return 0;
	named = pread(fd, text, sizeof(text) - 1, 0) > 0 ? (pid_t)atoi(text) : 0;
	if (named > 0 && fstat(fd, &st) == 0) {
		holder = exclusive_holder(st.st_ino, named);
		if (holder < 0)
			holder = locked_by_someone(fd) ? named : 0;
	}
	close(fd);
	return holder > 0 ? holder : 0;
}
