/* check = exec through the real checker: shell scripts written to a
 * temporary directory at test time, run as the checker runs them — their
 * exit, their arguments and environment, no descriptor of the test's, the
 * user (nobody when the test runs as root), the kill at the timeout and
 * exec_max. */
#include "unit.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checker_loop.h"
#include "director/checker.h"
#include "director/probe.h"
#include "director/probe_exec.h"
#include "fixtures.h"

struct result {
	size_t id;
	bool passed;
	char text[96];
	uint32_t latency_us;
};

struct fixture {
	int epoll_fd;
	struct checker *checker;
	struct result results[16];
	size_t count;
	char dir[64];
	struct dir_probe probes[2];
	int leaked_fd;		/* not close-on-exec: the children must not get it */
};

static void on_done(void *user, size_t id, bool passed, const char *text, uint32_t latency_us)
{
	struct fixture *f = user;
	struct result *r;

	if (f->count == sizeof(f->results) / sizeof(f->results[0]))
		return;
	r = &f->results[f->count++];
	*r = (struct result){ .id = id, .passed = passed, .latency_us = latency_us };
	snprintf(r->text, sizeof(r->text), "%s", text);
}

/* Who the checks run as: nobody when the test is root, else the test's
 * own user (an unprivileged daemon can run checks only as itself). */
static void set_user(struct dir_probe *p)
{
	struct passwd *pw = getuid() == 0 ? getpwnam("nobody") : getpwuid(getuid());

	assert_non_null(pw);
	snprintf(p->exec_user, sizeof(p->exec_user), "%s", pw->pw_name);
	p->exec_uid = pw->pw_uid;
	p->exec_gid = pw->pw_gid;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	checker_loop_open(&f->epoll_fd, &f->checker, on_done, f);
	strcpy(f->dir, "/tmp/lvsagent-exec-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(chmod(f->dir, 0777), 0);	/* nobody writes its output here */
	for (size_t i = 0; i < 2; i++)
		set_user(&f->probes[i]);
	f->leaked_fd = open("/dev/null", O_RDONLY);
	assert_true(f->leaked_fd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	DIR *dir = opendir(f->dir);
	struct dirent *entry;

	checker_free(f->checker);
	probe_exec_set_max(0);
	while (dir && (entry = readdir(dir))) {
		char path[384];

		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", f->dir, entry->d_name);
		unlink(path);
	}
	if (dir)
		closedir(dir);
	rmdir(f->dir);
	close(f->leaked_fd);
	close(f->epoll_fd);
	free(f);
	return 0;
}

/* Dispatch the checker's events until WANT results in all, or MS pass. */
static void pump(struct fixture *f, size_t want, int ms)
{
	pump_checker(f->epoll_fd, f->checker, &f->count, want, ms);
}

/* --- scripts and their output ------------------------------------------------------ */

/* Check ID's program: a shell script of BODY, where every "@" stands for
 * the test's directory. */
static void script(struct fixture *f, size_t id, const char *body)
{
	struct dir_probe *p = &f->probes[id];
	FILE *out;

	snprintf(p->exec, sizeof(p->exec), "%s/check%zu", f->dir, id);
	out = fopen(p->exec, "w");
	assert_non_null(out);
	fputs("#!/bin/sh\n", out);
	for (const char *c = body; *c; c++)
		if (*c == '@')
			fputs(f->dir, out);
		else
			fputc(*c, out);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(chmod(p->exec, 0755), 0);
}

static struct check_spec exec_check(struct fixture *f, size_t id, uint32_t interval_ms,
				    uint32_t timeout_ms)
{
	return (struct check_spec){ .kind = CHECK_EXEC, .addr = ip("192.0.2.10"), .port = 80,
				    .interval_ms = interval_ms, .timeout_ms = timeout_ms,
				    .probe = &f->probes[id] };
}

/* The test directory's file NAME, whole ("" if there is none). */
static const char *output(const struct fixture *f, const char *name)
{
	static char text[1024];
	char path[128];
	FILE *in;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	text[0] = '\0';
	if ((in = fopen(path, "r"))) {
		n = fread(text, 1, sizeof(text) - 1, in);
		fclose(in);
	}
	text[n] = '\0';
	return text;
}

/* Run SPEC once: its verdict, in F's first result. */
static void run_one(struct fixture *f, const struct check_spec *spec)
{
	checker_set(f->checker, spec, 1);
	pump(f, 1, 3000);
	assert_int_equal(f->count, 1);
	assert_int_equal(checker_in_flight(f->checker), 0);
}

static void expect_verdict(struct fixture *f, const char *body, bool passed, const char *text)
{
	struct check_spec spec = exec_check(f, 0, 10000, 2000);

	script(f, 0, body);
	run_one(f, &spec);
	assert_string_equal(f->results[0].text, text);
	assert_int_equal(f->results[0].passed, passed);
}

/* Whether a process of group PGID is alive (not a zombie). */
static bool group_alive(pid_t pgid)
{
	DIR *proc = opendir("/proc");
	struct dirent *entry;
	bool alive = false;

	assert_non_null(proc);
	while (!alive && (entry = readdir(proc))) {
		char path[300], line[512], state, *end;
		int ppid, pgrp;
		FILE *in;

		if (!isdigit((unsigned char)entry->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", entry->d_name);
		if (!(in = fopen(path, "r")))
			continue;
		if (fgets(line, sizeof(line), in) && (end = strrchr(line, ')')) &&
		    sscanf(end + 1, " %c %d %d", &state, &ppid, &pgrp) == 3)
			alive = pgrp == pgid && state != 'Z';
		fclose(in);
	}
	closedir(proc);
	return alive;
}

/* The script that wrote its pid to @/pid is gone, with its whole group,
 * within a second. */
static void expect_gone(const struct fixture *f)
{
	pid_t pid = (pid_t)atoi(output(f, "pid"));

	assert_true(pid > 1);
	for (int i = 0; i < 100 && group_alive(pid); i++) {
		struct timespec pause = { 0, 10000000L };

		nanosleep(&pause, NULL);
	}
	assert_false(group_alive(pid));
}

/* --- verdicts ------------------------------------------------------------------------ */

static void test_exit_0_passes(void **state)
{
	expect_verdict(*state, "exit 0\n", true, "exec: exit 0");
}

static void test_exit_1_fails(void **state)
{
	expect_verdict(*state, "exit 1\n", false, "exec: exit 1");
}

static void test_signal_fails(void **state)
{
	expect_verdict(*state, "kill -9 $$\n", false, "exec: killed by signal 9");
}

static void test_execve_failure_is_127(void **state)
{
	struct fixture *f = *state;
	struct check_spec spec = exec_check(f, 0, 10000, 2000);

	snprintf(f->probes[0].exec, sizeof(f->probes[0].exec), "%s/missing", f->dir);
	run_one(f, &spec);
	assert_string_equal(f->results[0].text, "exec: exit 127");
}

/* Never root unless exec_user says root. */
static void test_uid_0_refused(void **state)
{
	struct fixture *f = *state;
	struct check_spec spec = exec_check(f, 0, 10000, 2000);
	char want[96];

	script(f, 0, "touch @/ran\n");
	strcpy(f->probes[0].exec_user, "someone");
	f->probes[0].exec_uid = 0;
	run_one(f, &spec);
	snprintf(want, sizeof(want), "exec: exec_user someone is not root, but uid 0 gid %u",
		 (unsigned)f->probes[0].exec_gid);
	assert_string_equal(f->results[0].text, want);
	assert_string_equal(output(f, "ran"), "");
}

/* A script that hangs is killed (with the sleep it runs) just before the
 * deadline, in the probe's words. The latency runs until it is reaped: a
 * few ms after the kill under ASan, 50 at most (KILL_WAIT_MS). */
static void test_hung_killed_at_timeout(void **state)
{
	struct fixture *f = *state;
	struct check_spec spec = exec_check(f, 0, 10000, 300);

	script(f, 0, "echo $$ > @/pid\nsleep 30\n");
	run_one(f, &spec);
	assert_string_equal(f->results[0].text, "exec: killed after 300 ms");
	assert_false(f->results[0].passed);
	assert_in_range(f->results[0].latency_us, 280000, 350000);
	expect_gone(f);
}

/* A check abandoned (its spec gone) takes its program with it. */
static void test_abandoned_killed(void **state)
{
	struct fixture *f = *state;
	struct check_spec spec = exec_check(f, 0, 10000, 5000);

	script(f, 0, "echo $$ > @/pid\nsleep 30\n");
	checker_set(f->checker, &spec, 1);
	for (int i = 0; i < 200 && !output(f, "pid")[0]; i++)
		pump(f, 1, 10);
	checker_set(f->checker, NULL, 0);
	assert_int_equal(f->count, 0);
	expect_gone(f);
}

/* --- what the program gets ---------------------------------------------------------- */

static void test_arguments_and_environment(void **state)
{
	struct fixture *f = *state;
	struct check_spec spec = exec_check(f, 0, 10000, 2000);
	char want[300];

	spec.addr = ip("2001:db8::7");
	spec.port = 8080;
	script(f, 0, "echo \"$0 $1 $2 $#\" > @/args\n"
		     "tr '\\0' '\\n' < /proc/$$/environ > @/env\n");
	run_one(f, &spec);
	assert_string_equal(f->results[0].text, "exec: exit 0");
	snprintf(want, sizeof(want), "%s 2001:db8::7 8080 2\n", f->probes[0].exec);
	assert_string_equal(output(f, "args"), want);
	assert_string_equal(output(f, "env"), "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
					      "LANG=C\n"
					      "LVSAGENT_CHECK_ADDRESS=2001:db8::7\n"
					      "LVSAGENT_CHECK_PORT=8080\n");
}

/* Only the standard descriptors, on /dev/null, and the one ls opens for
 * the directory — not the test's epoll, timer or leaked_fd; the working
 * directory /. (readlink in a subshell: dash redirects a command's output
 * in the shell itself, which would show on $$'s fd 1.) */
static void test_no_descriptors_inherited(void **state)
{
	struct fixture *f = *state;

	expect_verdict(f, "ls /proc/self/fd > @/fds\n"
			  "(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2 > @/std)\n"
			  "pwd > @/cwd\n",
		       true, "exec: exit 0");
	assert_string_equal(output(f, "fds"), "0\n1\n2\n3\n");
	assert_string_equal(output(f, "std"), "/dev/null\n/dev/null\n/dev/null\n");
	assert_string_equal(output(f, "cwd"), "/\n");
}

static void test_runs_as_exec_user(void **state)
{
	struct fixture *f = *state;

	if (getuid() != 0) {
		print_message("skipped: not root, so no other user to run the check as\n");
		skip();
	}
	expect_verdict(f, "id -u > @/id\nid -g >> @/id\nid -G >> @/id\n"
			  "grep -E '^Cap(Eff|Prm|Amb)' /proc/$$/status >> @/id\n",
		       true, "exec: exit 0");
	assert_string_equal(output(f, "id"), "65534\n65534\n65534\n"
					     "CapPrm:\t0000000000000000\n"
					     "CapEff:\t0000000000000000\n"
					     "CapAmb:\t0000000000000000\n");
}

/* The daemon that became nobody (a child of the test): SPEC's verdict to
 * @/verdict; exits 0 once written. Its own epoll and checker: the test's
 * epoll instance is shared with the fork. */
static _Noreturn void switch_without_privilege(struct fixture *f, const struct check_spec *spec)
{
	char path[128];
	FILE *out;

	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		_exit(2);
	f->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	f->checker = checker_new(f->epoll_fd, on_done, f);
	if (!f->checker)
		_exit(3);
	checker_set(f->checker, spec, 1);
	pump(f, 1, 3000);
	snprintf(path, sizeof(path), "%s/verdict", f->dir);
	if (f->count != 1 || !(out = fopen(path, "w")))
		_exit(4);
	fputs(f->results[0].text, out);
	_exit(fclose(out) == 0 ? 0 : 5);
}

/* A daemon that may not change users says so: as root, a child of the
 * test that became nobody plays it. */
static void test_no_privilege_to_switch(void **state)
{
	struct fixture *f = *state;
	struct check_spec spec = exec_check(f, 0, 10000, 2000);
	int status;
	pid_t pid;

	script(f, 0, "exit 0\n");
	strcpy(f->probes[0].exec_user, "daemon");
	f->probes[0].exec_uid = 1;
	f->probes[0].exec_gid = 1;
	if (getuid() != 0) {
		run_one(f, &spec);
		assert_string_equal(f->results[0].text,
				    "exec: setgroups: Operation not permitted");
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		switch_without_privilege(f, &spec);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(output(f, "verdict"), "exec: setgroups: Operation not permitted");
}

/* --- exec_max ----------------------------------------------------------------------- */

/* With exec_max 1, two checks due at once (each the first of its own
 * interval) run one after the other. */
static void test_exec_max_serialises(void **state)
{
	struct fixture *f = *state;
	struct check_spec specs[] = { exec_check(f, 0, 10000, 2000),
				      exec_check(f, 0, 9000, 2000) };
	const char *log;
	unsigned first, second;
	char want[96];

	probe_exec_set_max(1);
	script(f, 0, "echo \"start $2\" >> @/log\nsleep 0.3\necho \"end $2\" >> @/log\n");
	specs[0].port = 1;
	specs[1].port = 2;
	checker_set(f->checker, specs, 2);
	pump(f, 1, 100);
	assert_int_equal(f->count, 0);
	assert_int_equal(checker_in_flight(f->checker), 2);
	pump(f, 2, 3000);
	assert_int_equal(f->count, 2);
	for (size_t i = 0; i < 2; i++)
		assert_string_equal(f->results[i].text, "exec: exit 0");
	assert_true(f->results[1].latency_us >= 600000);
	log = output(f, "log");
	first = specs[f->results[0].id].port;
	second = specs[f->results[1].id].port;
	assert_int_not_equal(first, second);
	snprintf(want, sizeof(want), "start %u\nend %u\nstart %u\nend %u\n", first, first, second,
		 second);
	assert_string_equal(log, want);
}

/* A check that never gets a slot fails at its timeout, saying why. */
static void test_no_free_slot(void **state)
{
	struct fixture *f = *state;
	struct check_spec specs[] = { exec_check(f, 0, 10000, 400),
				      exec_check(f, 1, 9000, 200) };

	probe_exec_set_max(1);
	script(f, 0, "echo $$ > @/pid\nsleep 30\n");
	script(f, 1, "exit 0\n");
	checker_set(f->checker, specs, 2);
	pump(f, 2, 1000);
	assert_int_equal(f->count, 2);
	assert_int_equal(f->results[0].id, 1);
	assert_string_equal(f->results[0].text, "exec: no free slot within 200 ms (exec_max 1)");
	assert_string_equal(f->results[1].text, "exec: killed after 400 ms");
	expect_gone(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exit_0_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_1_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_execve_failure_is_127, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uid_0_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hung_killed_at_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandoned_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arguments_and_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_descriptors_inherited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_as_exec_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_privilege_to_switch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_max_serialises, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_free_slot, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
