/* probe_http: check = http and https through libcurl's multi-socket
 * interface. See probe_http.h.
 *
 * Each check in flight has a multi handle of its own with one easy
 * handle. curl says through two callbacks which socket to watch for what
 * and when it wants to be woken; the checker's epoll and timerfd do the
 * waiting, and ready() and tick() hand the event back to
 * curl_multi_socket_action. The callbacks write into the check's struct
 * http_check only — the checker's struct probe_run may move between calls
 * (checker_set copies it) — and every entry point copies the socket, its
 * events and the wake-up into RUN once curl returns. curl leaves a timer
 * unchanged unannounced, so the last one it asked for stays in the struct.
 *
 * The checker watches one descriptor per check: curl gets one socket per
 * check (CURLOPT_OPENSOCKETFUNCTION refuses a second), and no name to
 * resolve — the URL names http_host (Host and SNI) and CURLOPT_CONNECT_TO
 * sends the connection to the real server's address literal. Finished
 * checks' handles are kept, up to HTTP_POOL_MAX, for the next ones.
 *
 * Costs (libcurl 7.88, measured): a check in flight holds three
 * descriptors — its socket and the multi handle's wake-up socketpair — and
 * about 57 KB (http; 29 KB of it the multi's socket hash) or 113 KB
 * (https: OpenSSL's context and connection) of heap; a kept pair about
 * 52 KB and the socketpair. CPU, natively on the development machine: an
 * http check about 0.15 ms, like a TCP connect; an https check 1.3-1.9
 * ms, most of it OpenSSL 3.0 (a profile of curl_easy_perform against
 * openssl s_server: the server certificate's decoding through OpenSSL
 * 3.0's decoders about 30 %, SSL_CTX_new about 16 % — libcurl 7.88 makes
 * a context per connection, and CURLOPT_SSL_CTX_FUNCTION only sees the
 * new one — the signature's check 6 %). Reusing TLS sessions would skip
 * the certificate and its check: it stays off (see configure). */
#include "director/probe_http.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#include "director/curl_lib.h"
#include "director/probe_tcp.h"
#include "director/probe_verdict.h"
#include "lib/ipaddr.h"
#include "lib/xalloc.h"

#define TEXT_MAX sizeof(((struct probe_result *)0)->text)
#define NEEDLE_MAX sizeof(((struct dir_probe *)0)->http_body)

/* One check's transfer, as the callbacks see it. */
struct transfer {
	const struct dir_probe *probe;
	uint32_t timeout_ms;
	bool added;			/* the easy handle is in the multi */
	struct curl_slist *connect_to;
	struct curl_slist *headers;	/* Connection: close, and Host as configured */
	int fd;				/* curl's socket to watch; -1: none */
	uint32_t events;
	uint64_t wake_at;		/* the timer curl asked for; 0: none */
	bool timer_called;		/* during the last call into curl */
	bool socket_opened, second_socket;
	int socket_errno;		/* socket(2) failed */
	long status;			/* once the body begins */
	bool status_checked;
	bool decided;			/* by the body: the verdict is PASSED, TEXT */
	bool passed;
	char text[TEXT_MAX];
	size_t body_seen;		/* of the first HTTP_BODY_MAX bytes */
	size_t carry_len;		/* the end of what was seen, for a needle */
	char carry[NEEDLE_MAX];		/* split across two writes */
	char errbuf[CURL_ERROR_SIZE];
};

struct http_check {
	CURLM *multi;
	CURL *easy;
	struct http_check *next;	/* in the pool */
	struct transfer t;
};

static struct http_check *pool;
static size_t pool_count;
static const struct curl_lib *curl;	/* loaded with the first check */
static bool curl_ready;
static char curl_failure[TEXT_MAX];	/* why not, for every check's verdict */

/* What http_status says when not set. */
static const struct dir_probe no_keys;

/* --- the verdict -------------------------------------------------------------- */

static bool status_accepted(const struct dir_probe *p, long status)
{
	size_t count = p->http_status_count < HTTP_STATUS_RANGES ? p->http_status_count
								 : HTTP_STATUS_RANGES;

	if (!count)
		return status >= 200 && status <= 299;
	for (size_t i = 0; i < count; i++)
		if (status >= p->http_status[i].low && status <= p->http_status[i].high)
			return true;
	return false;
}

/* `http body lacks "NEEDLE"`, a long needle cut (on a UTF-8 character's
 * boundary) to fit. */
static enum probe_state body_lacks(struct probe_result *r, const char *needle)
{
	const size_t room = TEXT_MAX - sizeof("http body lacks \"\"");
	size_t len = strlen(needle);
	const char *more = "";

	if (len > room) {
		len = room - 3;
		while (len && ((unsigned char)needle[len] & 0xc0) == 0x80)
			len--;
		more = "...";
	}
	return probe_verdict(r, false, "http body lacks \"%.*s%s\"", (int)len, needle, more);
}

/* The verdict of a response that came whole, unless the body decided it. */
static enum probe_state response_verdict(struct http_check *h, struct probe_result *r)
{
	struct transfer *t = &h->t;

	if (t->decided) {
		r->passed = t->passed;
		memcpy(r->text, t->text, sizeof(r->text));
		return PROBE_DONE;
	}
	if (!t->status_checked)
		curl->easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &t->status);
	if (status_accepted(t->probe, t->status) && t->probe->http_body[0])
		return body_lacks(r, t->probe->http_body);
	return probe_verdict(r, status_accepted(t->probe, t->status), "http %ld", t->status);
}

static bool tls_error(CURLcode code)
{
	switch (code) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return true;
	default:
		return false;
	}
}

/* curl's words on a TLS failure without the library's prefixes:
 * "SSL certificate problem: certificate has expired" -> "certificate has
 * expired", "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version
 * number" -> "wrong version number". */
static const char *tls_words(const char *why)
{
	static const char *const prefixes[] = { "SSL certificate problem: ", "SSL: " };
	const char *colon;

	if (strncmp(why, "OpenSSL", 7) == 0 && (colon = strstr(why, ": ")))
		why = colon + 2;
	if (strncmp(why, "error:", 6) == 0 && (colon = strrchr(why, ':')) && colon[1])
		why = colon + 1;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(why, prefixes[i], strlen(prefixes[i])) == 0)
			why += strlen(prefixes[i]);
	return why;
}

static enum probe_state error_verdict(struct http_check *h, CURLcode code,
				      struct probe_result *r)
{
	struct transfer *t = &h->t;
	const char *why = t->errbuf[0] ? t->errbuf : curl->easy_strerror(code);
	long os_errno = 0;

	if (t->socket_errno)
		return probe_verdict(r, false, "socket: %s", strerror(t->socket_errno));
	if (t->second_socket)
		return probe_verdict(r, false, "http: curl wanted a second connection");
	if (code == CURLE_OPERATION_TIMEDOUT)
		return probe_verdict(r, false, "timeout after %" PRIu32 " ms", t->timeout_ms);
	if (code == CURLE_COULDNT_CONNECT &&
	    curl->easy_getinfo(h->easy, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno)
		return probe_verdict(r, false, "connect: %s", strerror((int)os_errno));
	if (code == CURLE_COULDNT_CONNECT)
		return probe_verdict(r, false, "connect: %s", why);
	if (tls_error(code))
		return probe_verdict(r, false, "tls: %s", tls_words(why));
	return probe_verdict(r, false, "http: %s", why);
}

/* --- curl's callbacks ----------------------------------------------------------- */

static int on_socket(CURL *easy, curl_socket_t s, int what, void *user, void *socketp)
{
	struct transfer *t = user;

	(void)easy;
	(void)socketp;
	if (what == CURL_POLL_REMOVE) {
		if (s == t->fd) {
			t->fd = -1;
			t->events = 0;
		}
		return 0;
	}
	if (t->fd >= 0 && s != t->fd) {
		t->second_socket = true;	/* the checker watches one */
		return 0;
	}
	t->fd = s;
	t->events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	return 0;
}

/* curl's TIMEOUT_MS is rounded down from its own deadline: a millisecond
 * more wakes us after it, not a spin of wake-ups just before. */
static int on_timer(CURLM *multi, long timeout_ms, void *user)
{
	struct transfer *t = user;

	(void)multi;
	t->timer_called = true;
	if (timeout_ms < 0)
		t->wake_at = 0;
	else if (timeout_ms == 0)
		t->wake_at = probe_now_us();
	else
		t->wake_at = probe_now_us() + ((uint64_t)timeout_ms + 1) * 1000u;
	return 0;
}

/* The check's one socket, close-on-exec (exec checks fork). */
static curl_socket_t on_open(void *user, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct transfer *t = user;
	int fd;

	if (purpose != CURLSOCKTYPE_IPCXN || t->socket_opened) {
		t->second_socket = true;
		return CURL_SOCKET_BAD;
	}
	t->socket_opened = true;
	fd = socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
	if (fd < 0)
		t->socket_errno = errno;
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

/* With a reset, as probe_tcp does: no TIME_WAIT piles up on the director. */
static int on_close(void *user, curl_socket_t s)
{
	(void)user;
	probe_close_with_reset(s);
	return 0;
}

/* Whether NEEDLE is in what was seen, DATA (LEN bytes) included; what
 * could begin a match across the next write is kept in CARRY. */
static bool body_search(struct transfer *t, const char *needle, const char *data, size_t len)
{
	size_t n = strlen(needle), keep = n - 1, head = len < keep ? len : keep;
	char seam[2 * NEEDLE_MAX];

	if (t->carry_len) {
		memcpy(seam, t->carry, t->carry_len);
		memcpy(seam + t->carry_len, data, head);
		if (memmem(seam, t->carry_len + head, needle, n))
			return true;
	}
	if (memmem(data, len, needle, n))
		return true;
	if (len >= keep) {
		memcpy(t->carry, data + len - keep, keep);
		t->carry_len = keep;
		return false;
	}
	if (t->carry_len > keep - len) {
		memmove(t->carry, t->carry + t->carry_len - (keep - len), keep - len);
		t->carry_len = keep - len;
	}
	memcpy(t->carry + t->carry_len, data, len);
	t->carry_len += len;
	return false;
}

static void decide(struct transfer *t, const struct probe_result *r)
{
	t->decided = true;
	t->passed = r->passed;
	memcpy(t->text, r->text, sizeof(t->text));
}

/* The body, a write at a time. Once the verdict is known — the status
 * refused, no body wanted, the needle found or HTTP_BODY_MAX bytes without
 * it — the transfer stops (a short count: CURLE_WRITE_ERROR), so a large
 * or endless body costs neither the time nor the bytes. */
static size_t on_body(char *data, size_t size, size_t count, void *user)
{
	struct http_check *h = user;
	struct transfer *t = &h->t;
	const char *needle = t->probe->http_body;
	size_t len = size * count, take;
	struct probe_result r;

	if (t->decided)
		return 0;
	if (!t->status_checked) {
		t->status_checked = true;
		curl->easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &t->status);
		if (!status_accepted(t->probe, t->status) || !needle[0]) {
			probe_verdict(&r, status_accepted(t->probe, t->status), "http %ld", t->status);
			decide(t, &r);
			return 0;
		}
	}
	take = len < HTTP_BODY_MAX - t->body_seen ? len : HTTP_BODY_MAX - t->body_seen;
	if (body_search(t, needle, data, take)) {
		probe_verdict(&r, true, "http %ld", t->status);
		decide(t, &r);
		return 0;
	}
	t->body_seen += take;
	if (t->body_seen >= HTTP_BODY_MAX) {
		body_lacks(&r, needle);
		decide(t, &r);
		return 0;
	}
	return len;
}

/* --- handles ------------------------------------------------------------------- */

static bool global_up(void)
{
	if (curl_ready)
		return true;
	if (!curl && !(curl = curl_lib(curl_failure, sizeof(curl_failure))))
		return false;
	if (curl->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(curl_failure, sizeof(curl_failure), "curl: cannot initialise libcurl");
		return false;
	}
	curl_ready = true;
	return true;
}

static void destroy(struct http_check *h)
{
	curl->easy_cleanup(h->easy);
	curl->multi_cleanup(h->multi);
	free(h);
}

/* A multi handle with its easy handle, from the pool or new; NULL when
 * curl cannot make one. The multi's callbacks are set once. */
static struct http_check *take(void)
{
	struct http_check *h;

	if (!global_up())
		return NULL;
	if (pool) {
		h = pool;
		pool = h->next;
		pool_count--;
		return h;
	}
	h = xcalloc(1, sizeof(*h));
	h->multi = curl->multi_init();
	h->easy = curl->easy_init();
	if (!h->multi || !h->easy ||
	    curl->multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket) != CURLM_OK ||
	    curl->multi_setopt(h->multi, CURLMOPT_SOCKETDATA, &h->t) != CURLM_OK ||
	    curl->multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer) != CURLM_OK ||
	    curl->multi_setopt(h->multi, CURLMOPT_TIMERDATA, &h->t) != CURLM_OK) {
		destroy(h);
		return NULL;
	}
	return h;
}

/* Back to the pool, the easy handle's options cleared, or freed. */
static void give_back(struct http_check *h)
{
	if (pool_count >= HTTP_POOL_MAX) {
		destroy(h);
		return;
	}
	curl->easy_reset(h->easy);
	h->next = pool;
	pool = h;
	pool_count++;
}

bool probe_http_ready(char *why, size_t size)
{
	if (global_up())
		return true;
	snprintf(why, size, "%s", curl_failure);
	return false;
}

void probe_http_release(void)
{
	while (pool) {
		struct http_check *h = pool;

		pool = h->next;
		destroy(h);
	}
	pool_count = 0;
	if (!curl_ready)
		return;
	curl->global_cleanup();
	curl_ready = false;
}

/* --- one check ------------------------------------------------------------------ */

/* http_host, else the virtual's address, else the real server's; an IPv6
 * address in brackets. */
static void url_host(const struct check_spec *spec, const char *addr, char *out, size_t size)
{
	const char *host = spec->probe && spec->probe->http_host[0] ? spec->probe->http_host
				: spec->host[0]				    ? spec->host
									    : addr;

	snprintf(out, size, strchr(host, ':') && host[0] != '[' ? "[%s]" : "%s", host);
}

/* "Host: HOST" exactly as configured: curl's own would add the real
 * server's port (":8080" behind NAT), which is not what clients send. */
static bool host_header(struct curl_slist **headers, const char *host)
{
	char line[sizeof("Host: ") + 300];
	struct curl_slist *list = curl->slist_append(NULL, "Connection: close");

	snprintf(line, sizeof(line), "Host: %s", host);
	if (list && !(*headers = curl->slist_append(list, line)))
		curl->slist_free_all(list);
	return list && *headers;
}

#define SET(code, easy, option, value) \
	do { \
		if ((code) == CURLE_OK) \
			(code) = curl->easy_setopt((easy), option, value); \
	} while (0)

static CURLcode configure(struct http_check *h, const struct check_spec *spec)
{
	const struct dir_probe *p = h->t.probe;
	bool tls = spec->kind == CHECK_HTTPS;
	char addr[IPADDR_TEXT_MAX], host[sizeof(p->http_host) + 2];
	char url[sizeof("https://:65535/") + sizeof(host) + sizeof(p->http_path)];
	char to[sizeof("::[]:65535") + IPADDR_TEXT_MAX];
	CURL *e = h->easy;
	CURLcode code = CURLE_OK;

	ipaddr_format(&spec->addr, addr);
	url_host(spec, addr, host, sizeof(host));
	snprintf(url, sizeof(url), "%s://%s:%u%s%s", tls ? "https" : "http", host, spec->port,
		 p->http_path[0] == '/' ? "" : "/", p->http_path);
	snprintf(to, sizeof(to), spec->addr.family == AF_INET6 ? "::[%s]:%u" : "::%s:%u", addr,
		 spec->port);
	h->t.connect_to = curl->slist_append(NULL, to);
	if (!h->t.connect_to || !host_header(&h->t.headers, host))
		return CURLE_OUT_OF_MEMORY;
	SET(code, e, CURLOPT_URL, url);
	SET(code, e, CURLOPT_CONNECT_TO, h->t.connect_to);
	SET(code, e, CURLOPT_PROTOCOLS_STR, tls ? "https" : "http");
	SET(code, e, CURLOPT_PROXY, "");	/* not http_proxy from the environment */
	SET(code, e, CURLOPT_PATH_AS_IS, 1L);
	SET(code, e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(code, e, CURLOPT_HTTPHEADER, h->t.headers);
	SET(code, e, CURLOPT_USERAGENT, "lvsagent-check");
	SET(code, e, CURLOPT_FOLLOWLOCATION, 0L);
	SET(code, e, CURLOPT_FORBID_REUSE, 1L);
	SET(code, e, CURLOPT_FRESH_CONNECT, 1L);
	SET(code, e, CURLOPT_NOSIGNAL, 1L);
	SET(code, e, CURLOPT_NOPROGRESS, 1L);
	SET(code, e, CURLOPT_BUFFERSIZE, 4096L);
	SET(code, e, CURLOPT_TIMEOUT_MS, (long)spec->timeout_ms);
	SET(code, e, CURLOPT_ERRORBUFFER, h->t.errbuf);
	SET(code, e, CURLOPT_WRITEFUNCTION, on_body);
	SET(code, e, CURLOPT_WRITEDATA, h);
	SET(code, e, CURLOPT_OPENSOCKETFUNCTION, on_open);
	SET(code, e, CURLOPT_OPENSOCKETDATA, &h->t);
	SET(code, e, CURLOPT_CLOSESOCKETFUNCTION, on_close);
	SET(code, e, CURLOPT_CLOSESOCKETDATA, &h->t);
	if (!tls)
		return code;
	/* A resumed session would skip the certificate's check. */
	SET(code, e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	SET(code, e, CURLOPT_SSL_VERIFYPEER, p->https_verify ? 1L : 0L);
	SET(code, e, CURLOPT_SSL_VERIFYHOST, p->https_verify ? 2L : 0L);
	if (p->https_ca[0])
		SET(code, e, CURLOPT_CAINFO, p->https_ca);
	return code;
}

/* After a call into curl (MC its answer): the verdict once the transfer is
 * done, else what to watch now. */
static enum probe_state settle(struct http_check *h, CURLMcode mc, struct probe_run *run,
			       struct probe_result *r)
{
	struct transfer *t = &h->t;
	CURLMsg *msg;
	int left;

	if (mc != CURLM_OK)
		return probe_verdict(r, false, "curl: %s", curl->multi_strerror(mc));
	while ((msg = curl->multi_info_read(h->multi, &left)))
		if (msg->msg == CURLMSG_DONE)
			return msg->data.result == CURLE_OK || t->decided
				       ? response_verdict(h, r)
				       : error_verdict(h, msg->data.result, r);
	if (t->second_socket)
		return error_verdict(h, CURLE_COULDNT_CONNECT, r);
	run->fd = t->fd;
	run->events = t->events;
	run->wake_us = t->wake_at;
	return PROBE_PENDING;
}

static enum probe_state start(const struct check_spec *spec, struct probe_run *run,
			      struct probe_result *r)
{
	struct http_check *h = take();
	CURLcode code;
	CURLMcode mc;
	int running;

	run->state = h;
	if (!h)
		return probe_verdict(r, false, "%s", curl_failure[0] ? curl_failure
							: "curl: cannot set up a transfer");
	h->t = (struct transfer){ .probe = spec->probe ? spec->probe : &no_keys,
				  .timeout_ms = spec->timeout_ms, .fd = -1 };
	code = configure(h, spec);
	if (code != CURLE_OK)
		return probe_verdict(r, false, "curl: %s", curl->easy_strerror(code));
	mc = curl->multi_add_handle(h->multi, h->easy);
	h->t.added = mc == CURLM_OK;
	if (mc == CURLM_OK)
		mc = curl->multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	return settle(h, mc, run, r);
}

static enum probe_state ready(const struct check_spec *spec, struct probe_run *run,
			      uint32_t events, struct probe_result *r)
{
	struct http_check *h = run->state;
	int bits = 0, running;

	(void)spec;
	if (events & EPOLLIN)
		bits |= CURL_CSELECT_IN;
	if (events & EPOLLOUT)
		bits |= CURL_CSELECT_OUT;
	/* An error or hang-up: curl learns which by trying what it waits for
	 * (ERR alone would be curl's "select/poll returned error"). */
	if (events & (EPOLLERR | EPOLLHUP))
		bits |= CURL_CSELECT_ERR | (h->t.events & EPOLLIN ? CURL_CSELECT_IN : 0) |
			(h->t.events & EPOLLOUT ? CURL_CSELECT_OUT : 0);
	h->t.timer_called = false;
	return settle(h, curl->multi_socket_action(h->multi, run->fd, bits, &running), run, r);
}

static enum probe_state tick(const struct check_spec *spec, struct probe_run *run,
			     struct probe_result *r)
{
	struct http_check *h = run->state;
	enum probe_state state;
	int running;

	(void)spec;
	h->t.timer_called = false;
	state = settle(h, curl->multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running),
		       run, r);
	/* Woken before curl's time after all, it said nothing new: again in a
	 * millisecond, not at once. */
	if (state == PROBE_PENDING && !h->t.timer_called && run->wake_us &&
	    run->wake_us <= probe_now_us())
		run->wake_us = h->t.wake_at = probe_now_us() + 1000;
	return state;
}

static void stop(const struct check_spec *spec, struct probe_run *run)
{
	struct http_check *h = run->state;

	(void)spec;
	run->state = NULL;
	run->fd = -1;
	if (!h)
		return;
	if (h->t.added)
		curl->multi_remove_handle(h->multi, h->easy);
	curl->slist_free_all(h->t.connect_to);
	curl->slist_free_all(h->t.headers);
	h->t.headers = NULL;
	h->t = (struct transfer){ .fd = -1 };
	give_back(h);
}

const struct probe_ops probe_http = { .start = start, .ready = ready, .tick = tick,
				      .stop = stop };
