/* state_dir: the state directory as lvsagent trusts it, and the files in
 * it. lvsagent believes what its state says it owns, and `stop` removes
 * and restores exactly that: a directory another user can write would let
 * them choose what root deletes or writes. So the directory and every
 * parent up to / must be owned by root or by the running user (root also
 * trusts a systemd dynamic user's: the daemon's RuntimeDirectory) and not
 * be writable by group or others (a root-owned sticky directory such as /tmp
 * is accepted as a parent: nobody else can rename or replace an entry in
 * it); the directory is walked one component at a time from /, without
 * following symlinks, and every file in it is opened relative to that
 * descriptor with O_NOFOLLOW | O_CLOEXEC. The functions take the path each
 * time and re-check it: a directory made untrusted since is refused. */
#ifndef LVSAGENT_CORE_STATE_DIR_H
#define LVSAGENT_CORE_STATE_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whether DIR may serve as the state directory, without changing anything:
 * DIR (if it exists) and its parents are checked; components that do not
 * exist yet will be created, owned by this user, mode 0755. 0, or -errno
 * with WHY saying what is wrong ("/tmp/x is writable by its group ..."). */
int state_dir_check(const char *dir, char *why, size_t why_len);
/* DIR with the symlinks of its existing part resolved, into OUT (PATH_MAX):
 * the directory's one name, whichever path led to it. 0 or -errno. */
int state_dir_canonical(const char *dir, char *out, size_t len);
/* The same as a configuration error: "FILE:LINE: state_dir DIR: why" (LINE
 * 0: the default, not in the file). 0 or -1. */
struct diag;
int state_dir_check_config(const char *dir, const char *file, int line, struct diag *diag);

/* DIR/NAME whole (0, -ENOENT when absent, or -errno), and its atomic
 * replacement (a temporary file created O_EXCL, written, fsync'd, renamed
 * over NAME, then the directory fsync'd; DIR created as needed; NULL TEXT
 * removes the file). A file that is not a regular file owned by root or
 * this user is refused (-EPERM). */
int state_read_file(const char *dir, const char *name, char **text);
int state_write_file(const char *dir, const char *name, const char *text);

/* A state file cut short (a write interrupted, the file truncated) must
 * never read as "nothing owned": lvsagent writes its state files with a
 * first line of their own (FIRST_LINE, with its newline) and STATE_END_LINE
 * as their last line. NULL when TEXT, such a file read whole, is whole;
 * otherwise what is wrong ("is empty", "ends in the middle of a line",
 * "has no last line \"# end\""). A file without FIRST_LINE (written by
 * hand, or by an older lvsagent) needs no end line. */
#define STATE_END_LINE "# end\n"
const char *state_text_cut(const char *text, const char *first_line);

/* How long the lock functions wait for a lock another lvsagent holds: 0 not
 * at all, STATE_WAIT_FOREVER without end, otherwise milliseconds. */
#define STATE_WAIT_FOREVER (-1)

/* Take DIR/lock (creating DIR). Returns the fd to keep open, or -errno
 * (-EWOULDBLOCK when another lvsagent holds it for longer than WAIT_MS). */
int state_lock(const char *dir, int wait_ms);

/* The director's lock, DIR/director.lock: a director that is also a real
 * server (one state directory) runs both sides independently. */
int state_director_lock(const char *dir, int wait_ms);

/* The daemon's lock, DIR/daemon.pid, holding its pid for `status` and
 * `reload`. Returns the fd to keep open for the daemon's life, or -errno
 * (-EWOULDBLOCK: a daemon already runs). A process that only shares the
 * lock (an older lvsagent's status) is waited for, briefly. */
int state_daemon_lock(const char *dir);
/* The pid of the daemon running for DIR, or 0 when none is: the process
 * the kernel says holds daemon.pid's exclusive lock (/proc/locks), and only
 * if the file names that same pid. Takes no lock itself, so it never gets
 * in the way of a daemon starting. */
pid_t state_daemon_pid(const char *dir);
/* The same for another daemon's lock file NAME ("director-daemon.pid"). */
int state_pid_lock(const char *dir, const char *name);
pid_t state_pid(const char *dir, const char *name);

/* DIR/director.drained.lock: `director drain` and the daemon read and
 * write the drained list under it (the daemon holds director.lock). */
int state_director_lock_drains(const char *dir, int wait_ms);

#endif
