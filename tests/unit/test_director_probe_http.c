/* check = http and https through the checker, against servers of this
 * test on 127.0.0.1 and ::1: forked children answering each connection
 * with a canned response (a status, a body, one that depends on the Host
 * header, one that echoes the request, one that never ends), a listener
 * that never answers, a closed port, and openssl s_server with a
 * certificate made for the test. */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checker_loop.h"
#include "director/checker.h"
#include "director/probe_http.h"

#define OPENSSL "/usr/bin/openssl"

struct result {
	size_t id;
	bool passed;
	char text[96];
};

struct fixture {
	int epoll_fd;
	struct checker *checker;
	struct result results[64];
	size_t count;
	int fds[16];		/* listeners, closed at the end */
	size_t fd_count;
	pid_t pids[8];		/* servers, killed at the end */
	size_t pid_count;
	struct dir_probe probes[8];
	char dir[64];		/* for certificates; "" none */
};

/* What a server answers each connection with: RESPONSE (the echo of the
 * request if ECHO, then MORE after a pause), or with WANT_HOST set 200 when
 * the request's Host is WANT_HOST:PORT (the server's) and 400 otherwise;
 * ENDLESS: a 200 with a body that never ends. */
struct canned {
	const char *response, *more;
	const char *want_host;
	bool echo, endless;
};

static void on_done(void *user, size_t id, bool passed, const char *text, uint32_t latency_us)
{
	struct fixture *f = user;
	struct result *r;

	(void)latency_us;
	assert_true(f->count < sizeof(f->results) / sizeof(f->results[0]));
	r = &f->results[f->count++];
	*r = (struct result){ .id = id, .passed = passed };
	snprintf(r->text, sizeof(r->text), "%s", text);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(f->epoll_fd >= 0);
	f->checker = checker_new(f->epoll_fd, on_done, f);
	assert_non_null(f->checker);
	*state = f;
	return 0;
}

static void remove_dir(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *entry;
	char file[512];

	if (!dir)
		return;
	while ((entry = readdir(dir)))
		if (entry->d_name[0] != '.') {
			snprintf(file, sizeof(file), "%s/%s", path, entry->d_name);
			unlink(file);
		}
	closedir(dir);
	rmdir(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	checker_free(f->checker);
	for (size_t i = 0; i < f->pid_count; i++) {
		kill(f->pids[i], SIGKILL);
		waitpid(f->pids[i], NULL, 0);
	}
	for (size_t i = 0; i < f->fd_count; i++)
		close(f->fds[i]);
	close(f->epoll_fd);
	if (f->dir[0])
		remove_dir(f->dir);
	free(f);
	probe_http_release();
	return 0;
}

/* Dispatch the checker's events until WANT results in all, or MS pass. */
static void pump(struct fixture *f, size_t want, int ms)
{
	pump_checker(f->epoll_fd, f->checker, &f->count, want, ms);
}

/* --- servers ----------------------------------------------------------------- */

static int keep(struct fixture *f, int fd)
{
	assert_true(fd >= 0);
	assert_true(f->fd_count < sizeof(f->fds) / sizeof(f->fds[0]));
	f->fds[f->fd_count++] = fd;
	return fd;
}

/* loopback_bound, closed at the end. */
static int bound(struct fixture *f, int family, int backlog, uint16_t *port)
{
	return keep(f, loopback_bound(family, backlog, port));
}

static bool send_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* The request on FD, up to its blank line (or the first bytes of a TLS
 * ClientHello), into BUF. */
static void read_request(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len < size - 1) {
		ssize_t n = recv(fd, buf + len, size - 1 - len, 0);

		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = 0;
		if (strstr(buf, "\r\n\r\n") || buf[0] == 0x16)
			break;
	}
	buf[len] = 0;
}

static void answer(int fd, uint16_t port, const struct canned *c)
{
	static const char chunk[4096] = { 'x' };
	char request[4096], host[300];
	const char *response = c->response;

	(void)port;	/* the Host header carries none (see want_host) */

	read_request(fd, request, sizeof(request));
	if (c->endless) {
		send_all(fd, "HTTP/1.0 200 OK\r\n\r\n", 19);
		while (send_all(fd, chunk, sizeof(chunk)))
			;
		return;
	}
	if (c->want_host) {
		/* Host as configured, without the real server's port. */
		snprintf(host, sizeof(host), "\r\nHost: %s\r\n", c->want_host);
		response = strstr(request, host) ? "HTTP/1.0 200 OK\r\n\r\nOK"
						 : "HTTP/1.0 400 Bad Request\r\n\r\n";
	}
	send_all(fd, response, strlen(response));
	if (c->echo)
		send_all(fd, request, strlen(request));
	if (c->more) {
		sleep_ms(30);
		send_all(fd, c->more, strlen(c->more));
	}
}

/* A child serving C on a new listener of FAMILY until the test ends; its
 * port. */
static uint16_t serve(struct fixture *f, int family, const struct canned *c)
{
	uint16_t port;
	int listener = bound(f, family, 128, &port);
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;) {
			int fd = accept(listener, NULL, NULL);

			if (fd < 0)
				continue;
			answer(fd, port, c);
			close(fd);
		}
	}
	assert_true(f->pid_count < sizeof(f->pids) / sizeof(f->pids[0]));
	f->pids[f->pid_count++] = pid;
	return port;
}

static uint16_t serving(struct fixture *f, int family, const char *response)
{
	return serve(f, family, &(struct canned){ .response = response });
}

/* A port that accepts (the kernel does) and never answers. */
static uint16_t silent_port(struct fixture *f, int family)
{
	uint16_t port;

	bound(f, family, 16, &port);
	return port;
}

static uint16_t closed_port(struct fixture *f, int family)
{
	uint16_t port;

	bound(f, family, -1, &port);
	return port;
}

/* Descriptors this process has open. */
static size_t open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	size_t count = 0;

	assert_non_null(dir);
	while (readdir(dir))
		count++;
	closedir(dir);
	return count;
}

/* --- checks ------------------------------------------------------------------- */

/* A check of KIND; each ID its own interval, so that the checker starts
 * them all at once (checks of one interval are spread over it). */
static struct check_spec check(int family, uint16_t port, enum dir_check_kind kind,
			       const struct dir_probe *probe, size_t id)
{
	return (struct check_spec){ .kind = kind, .addr = loopback(family), .port = port,
				    .interval_ms = 10000 + (uint32_t)id, .timeout_ms = 1000,
				    .probe = probe };
}

static struct check_spec http(int family, uint16_t port, const struct dir_probe *probe,
			      size_t id)
{
	return check(family, port, CHECK_HTTP, probe, id);
}

struct want {
	bool passed;
	const char *text;
};

/* The COUNT checks of SPECS each say their WANT, within MS, and no check
 * is left in flight. */
static void expect(struct fixture *f, const struct check_spec *specs, size_t count,
		   const struct want *want, int ms)
{
	checker_set(f->checker, specs, count);
	pump(f, count, ms);
	assert_int_equal(f->count, count);
	for (size_t i = 0; i < count; i++) {
		const struct result *r = &f->results[i];

		assert_true(r->id < count);
		if (r->passed != want[r->id].passed || strcmp(r->text, want[r->id].text) != 0)
			fail_msg("check %zu: %s \"%s\", wanted %s \"%s\"", r->id,
				 r->passed ? "passed" : "failed", r->text,
				 want[r->id].passed ? "passed" : "failed", want[r->id].text);
	}
	assert_int_equal(checker_in_flight(f->checker), 0);
	checker_set(f->checker, NULL, 0);
	f->count = 0;
}

/* --- verdicts ------------------------------------------------------------------- */

static void test_status(void **state)
{
	struct fixture *f = *state;
	const char *ok = "HTTP/1.0 200 OK\r\n\r\nOK";
	const char *unavailable = "HTTP/1.0 503 Service Unavailable\r\n\r\n";
	const char *moved = "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n";
	struct dir_probe *redirects = &f->probes[0];
	struct check_spec specs[] = {
		http(AF_INET, serving(f, AF_INET, ok), NULL, 0),
		http(AF_INET6, serving(f, AF_INET6, ok), NULL, 1),
		http(AF_INET, serving(f, AF_INET, unavailable), NULL, 2),
		http(AF_INET6, serving(f, AF_INET6, moved), NULL, 3),
		http(AF_INET6, specs[3].port, redirects, 4),
		http(AF_INET, specs[0].port, redirects, 5),
	};
	const struct want want[] = { { true, "http 200" },  { true, "http 200" },
				     { false, "http 503" }, { false, "http 302" },
				     { true, "http 302" },  { false, "http 200" } };

	*redirects = (struct dir_probe){ .http_status = { { 301, 302 }, { 307, 308 } },
					 .http_status_count = 2 };
	expect(f, specs, 6, want, 2000);
}

/* The body is searched across the writes it comes in, within its first
 * HTTP_BODY_MAX bytes; a body that never ends is judged when its verdict
 * is known, not at the timeout. */
static void test_body(void **state)
{
	struct fixture *f = *state;
	static char big[HTTP_BODY_MAX + 8192], late[sizeof(big)];
	struct dir_probe *ok = &f->probes[0], *long_needle = &f->probes[1];
	const struct canned split = { .response = "HTTP/1.0 200 OK\r\n\r\nall is O",
				      .more = "K here" };
	struct check_spec specs[7];
	char cut[96];
	struct want want[] = {
		{ true, "http 200" },  { false, "http body lacks \"OK\"" }, { true, "http 200" },
		{ true, "http 200" },  { false, "http body lacks \"OK\"" }, { false, cut },
		{ true, "http 200" },
	};

	snprintf(ok->http_body, sizeof(ok->http_body), "OK");
	memset(long_needle->http_body, 'y', sizeof(long_needle->http_body) - 1);
	/* 95 bytes: the needle cut to fit with "..." */
	snprintf(cut, sizeof(cut), "http body lacks \"%.74s...\"", long_needle->http_body);
	/* "OK" ends the first HTTP_BODY_MAX bytes of one body, and comes just
	 * after them in the other. */
	memcpy(big, "HTTP/1.0 200 OK\r\n\r\n", 19);
	memset(big + 19, 'x', sizeof(big) - 20);
	memcpy(late, big, sizeof(big));
	memcpy(big + 19 + HTTP_BODY_MAX - 2, "OK", 2);
	memcpy(late + 19 + HTTP_BODY_MAX - 1, "OK", 2);
	specs[0] = http(AF_INET, serving(f, AF_INET, "HTTP/1.0 200 OK\r\n\r\nall is OK"), ok, 0);
	specs[1] = http(AF_INET6, serving(f, AF_INET6, "HTTP/1.0 200 OK\r\n\r\nall is fine"), ok,
			1);
	specs[2] = http(AF_INET, serve(f, AF_INET, &split), ok, 2);
	specs[3] = http(AF_INET, serving(f, AF_INET, big), ok, 3);
	specs[4] = http(AF_INET6, serving(f, AF_INET6, late), ok, 4);
	specs[5] = http(AF_INET, specs[0].port, long_needle, 5);
	specs[6] = http(AF_INET6, serve(f, AF_INET6, &(struct canned){ .endless = true }), NULL, 6);
	expect(f, specs, 7, want, 2000);
	/* The endless one wanting "OK": no more than HTTP_BODY_MAX bytes. */
	specs[0] = http(AF_INET6, specs[6].port, ok, 0);
	specs[1] = http(AF_INET6, specs[6].port, NULL, 1);
	want[1] = (struct want){ true, "http 200" };
	want[0] = (struct want){ false, "http body lacks \"OK\"" };
	expect(f, specs, 2, want, 2000);
}

/* Host is http_host, else the virtual's address, whichever address the
 * connection goes to; the request is a GET of http_path as written, with
 * our User-Agent, asking the server to close. */
static void test_request(void **state)
{
	struct fixture *f = *state;
	struct dir_probe *named = &f->probes[0], *agent = &f->probes[1], *path = &f->probes[2],
			 *closing = &f->probes[3];
	uint16_t echo = serve(f, AF_INET, &(struct canned){ .response = "HTTP/1.0 200 OK\r\n\r\n",
							   .echo = true });
	uint16_t example = serve(f, AF_INET6, &(struct canned){ .want_host = "www.example.com" });
	struct check_spec specs[] = {
		http(AF_INET, serve(f, AF_INET, &(struct canned){ .want_host = "192.0.2.1" }), NULL,
		     0),
		http(AF_INET6, serve(f, AF_INET6, &(struct canned){ .want_host = "[2001:db8::1]" }),
		     NULL, 1),
		http(AF_INET6, example, named, 2),
		http(AF_INET6, example, NULL, 3),
		http(AF_INET, echo, agent, 4),
		http(AF_INET, echo, path, 5),
		http(AF_INET, echo, closing, 6),
	};
	const struct want want[] = { { true, "http 200" }, { true, "http 200" },
				     { true, "http 200" }, { false, "http 400" },
				     { true, "http 200" }, { true, "http 200" },
				     { true, "http 200" } };

	snprintf(specs[0].host, sizeof(specs[0].host), "192.0.2.1");
	snprintf(specs[1].host, sizeof(specs[1].host), "2001:db8::1");
	snprintf(specs[3].host, sizeof(specs[3].host), "192.0.2.1");
	snprintf(named->http_host, sizeof(named->http_host), "www.example.com");
	snprintf(agent->http_body, sizeof(agent->http_body), "\r\nUser-Agent: lvsagent-check\r\n");
	snprintf(path->http_path, sizeof(path->http_path), "health/../check?a=1");
	snprintf(path->http_body, sizeof(path->http_body), "GET /health/../check?a=1 HTTP/1.1\r\n");
	snprintf(closing->http_body, sizeof(closing->http_body), "\r\nConnection: close\r\n");
	expect(f, specs, 7, want, 2000);
}

static void test_unreachable(void **state)
{
	struct fixture *f = *state;
	struct check_spec specs[] = {
		http(AF_INET, closed_port(f, AF_INET), NULL, 0),
		http(AF_INET6, closed_port(f, AF_INET6), NULL, 1),
		http(AF_INET, silent_port(f, AF_INET), NULL, 2),
		http(AF_INET6, silent_port(f, AF_INET6), NULL, 3),
		http(AF_INET, serving(f, AF_INET, ""), NULL, 4),
	};
	const struct want want[] = { { false, "connect: Connection refused" },
				     { false, "connect: Connection refused" },
				     { false, "no answer within 200 ms" },
				     { false, "no answer within 200 ms" },
				     { false, "http: Empty reply from server" } };

	for (size_t i = 0; i < 5; i++)
		specs[i].timeout_ms = 200;
	expect(f, specs, 5, want, 1000);
}

/* --- https ----------------------------------------------------------------------- */

/* Run openssl with ARGV (NULL-terminated, without the program), its output
 * dropped; WAIT: until it exits (it must succeed), else its pid is kept. */
static void openssl(struct fixture *f, const char *const *argv, bool wait)
{
	const char *args[32] = { OPENSSL };
	pid_t pid;
	int status;

	for (size_t i = 0; argv[i]; i++) {
		assert_true(i + 2 < sizeof(args) / sizeof(args[0]));
		args[i + 1] = argv[i];
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(OPENSSL, (char *const *)args);
		_exit(127);
	}
	if (!wait) {
		assert_true(f->pid_count < sizeof(f->pids) / sizeof(f->pids[0]));
		f->pids[f->pid_count++] = pid;
		return;
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A self-signed certificate for "localhost" in F's directory, and
 * openssl s_server with it on 127.0.0.1 (its status page for any
 * request); its port once it accepts. */
static uint16_t tls_server(struct fixture *f, char *cert, size_t size)
{
	char key[128], accept_at[32], subject_alt[] = "subjectAltName=DNS:localhost";
	uint16_t port;
	int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint64_t end = now_us() + 3000000u;

	snprintf(f->dir, sizeof(f->dir), "/tmp/lvsagent-test-https.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(cert, size, "%s/cert.pem", f->dir);
	snprintf(key, sizeof(key), "%s/key.pem", f->dir);
	openssl(f, (const char *const[]){ "req", "-x509", "-newkey", "ec", "-pkeyopt",
					  "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
					  "-subj", "/CN=localhost", "-addext", subject_alt,
					  "-keyout", key, "-out", cert, NULL },
		true);
	/* A free port: s_server takes a number, not a socket. */
	close(loopback_bound(AF_INET, -1, &port));
	snprintf(accept_at, sizeof(accept_at), "127.0.0.1:%u", port);
	openssl(f, (const char *const[]){ "s_server", "-accept", accept_at, "-cert", cert,
					  "-key", key, "-www", "-quiet", NULL },
		false);
	to.sin_port = htons(port);
	while (connect(probe, (struct sockaddr *)&to, sizeof(to)) < 0) {
		assert_true(now_us() < end);
		sleep_ms(5);
	}
	close(probe);
	return port;
}

static struct check_spec https(uint16_t port, const struct dir_probe *probe, size_t id)
{
	return check(AF_INET, port, CHECK_HTTPS, probe, id);
}

/* Verification is off unless asked for; on, the certificate must chain
 * to https_ca (or the system's CAs) and name http_host. */
static void test_https(void **state)
{
	struct fixture *f = *state;
	struct dir_probe *page = &f->probes[0], *verify = &f->probes[1], *trusted = &f->probes[2],
			 *by_address = &f->probes[3], *no_ca = &f->probes[4];
	char cert[sizeof(verify->https_ca)];
	uint16_t port = tls_server(f, cert, sizeof(cert));
	struct check_spec specs[] = {
		https(port, NULL, 0),
		https(port, page, 1),
		https(port, verify, 2),
		https(port, trusted, 3),
		https(port, by_address, 4),
		https(port, no_ca, 5),
		https(serving(f, AF_INET, "HTTP/1.0 400 Bad Request\r\n\r\n"), NULL, 6),
		http(AF_INET, port, NULL, 7),
	};
	const struct want want[] = {
		{ true, "http 200" },
		{ true, "http 200" },
		{ false, "tls: self-signed certificate" },
		{ true, "http 200" },
		{ false, "tls: no alternative certificate subject name matches target host name "
			 "'127.0.0.1'" },
		{ false, "tls: error setting certificate file: /nonexistent/ca.pem" },
		{ false, "tls: wrong version number" },
		{ false, "http: Empty reply from server" },
	};

	snprintf(page->http_body, sizeof(page->http_body), "Ciphers supported");
	*verify = (struct dir_probe){ .https_verify = true };
	snprintf(verify->http_host, sizeof(verify->http_host), "localhost");
	*trusted = *verify;
	snprintf(trusted->https_ca, sizeof(trusted->https_ca), "%s", cert);
	*by_address = (struct dir_probe){ .https_verify = true };
	snprintf(by_address->https_ca, sizeof(by_address->https_ca), "%s", cert);
	*no_ca = *trusted;
	snprintf(no_ca->https_ca, sizeof(no_ca->https_ca), "/nonexistent/ca.pem");
	expect(f, specs, 8, want, 3000);
}

/* Checks done, timed out and abandoned leave no descriptor open once the
 * kept handles are released; a check abandoned in flight reports nothing. */
static void test_nothing_left_open(void **state)
{
	struct fixture *f = *state;
	uint16_t ok = serving(f, AF_INET, "HTTP/1.0 200 OK\r\n\r\nOK"),
		 silent = silent_port(f, AF_INET6);
	struct check_spec specs[HTTP_POOL_MAX + 8];
	size_t count = sizeof(specs) / sizeof(specs[0]), fds;
	struct want want[sizeof(specs) / sizeof(specs[0])];

	for (size_t i = 0; i < count; i++) {
		specs[i] = http(AF_INET, ok, NULL, i);
		want[i] = (struct want){ true, "http 200" };
	}
	expect(f, specs, 1, want, 1000);
	probe_http_release();
	fds = open_fds();
	expect(f, specs, count, want, 2000);
	expect(f, specs, count, want, 2000);
	specs[0] = http(AF_INET6, silent, NULL, 0);
	checker_set(f->checker, specs, 1);
	pump(f, 1, 50);
	assert_int_equal(checker_in_flight(f->checker), 1);
	specs[0].timeout_ms = 500;
	checker_set(f->checker, specs, 1);	/* changed: abandoned, started again */
	checker_set(f->checker, NULL, 0);	/* gone: abandoned */
	assert_int_equal(checker_in_flight(f->checker), 0);
	assert_int_equal(f->count, 0);
	assert_true(open_fds() > fds);		/* the kept handles' */
	probe_http_release();
	assert_int_equal(open_fds(), fds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_https, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_left_open, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
