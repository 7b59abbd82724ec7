/* checker: the real servers' TCP checks (see the header). Each target has
 * one pending event — its next due time, or its deadline while a connect
 * is in flight — and a binary min-heap of those events finds the earliest
 * in O(1) and moves one in O(log n); the one timerfd is armed for the
 * earliest. Times are CLOCK_MONOTONIC microseconds. */
#include "director/checker.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "director/probe.h"
#include "lib/log.h"
#include "lib/xalloc.h"

/* A registration's data.u64: CHECKER_EPOLL_TAG, a generation in bits
 * 32-62 and the target's index in bits 0-31; the timer has an index no
 * target has. The generation tells a stale event — one the daemon's
 * epoll_wait returned for a socket closed since, earlier in the same
 * batch — from one of the socket now in flight for that index. */
#define SLOT_MASK 0xffffffffull
#define TIMER_SLOT SLOT_MASK
#define GEN_MASK 0x7fffffffu
#define NOT_IN_HEAP SIZE_MAX

struct target {
	struct check_spec spec;
	const struct probe_ops *ops;	/* NULL: never checked (CHECK_NONE) */
	uint64_t due;			/* the next check's planned start */
	uint64_t started, deadline;	/* of the check in flight, or the last one */
	bool running;			/* a check is in flight */
	struct probe_run run;		/* its probe's part */
	int fd;				/* the descriptor registered with epoll; -1: none */
	uint32_t events;		/* as registered */
	uint32_t gen;			/* of the registration */
	size_t heap_pos;		/* NOT_IN_HEAP: never checked (CHECK_NONE) */
};

struct checker {
	int epoll_fd, timer_fd;
	uint64_t armed;			/* the timer's expiry as set; 0: none */
	struct target *targets;
	size_t count;
	size_t *heap;			/* target indexes, the earliest event first */
	size_t heap_count;
	size_t in_flight;
	uint32_t gen;			/* the last generation given out */
	check_done done;
	void *user;
};

/* --- time ------------------------------------------------------------------ */

/* The configuration forbids an interval of 0; were one to come, a check
 * every millisecond beats dividing by zero. */
static uint64_t interval_us(const struct target *t)
{
	return (t->spec.interval_ms ? t->spec.interval_ms : 1) * 1000ull;
}

/* The first of DUE + k * INTERVAL (k >= 0) after NOW. The grid is kept
 * whatever the verdicts' times, so the schedule does not drift; rounds a
 * stall of the loop (or a check still in flight) missed are skipped, not
 * run in a burst. */
static uint64_t grid_after(uint64_t due, uint64_t interval, uint64_t now)
{
	if (due > now)
		return due;
	return due + ((now - due) / interval + 1) * interval;
}

/* Checks due this soon after the timer fired start with the one it fired
 * for: one wake-up for several (1000 real servers checked every second
 * are ten checks a wake-up, not one: each wake-up costs an epoll_wait, a
 * timerfd read and re-arm and a context switch, as much as a sixth of
 * what the connect itself costs). At most 1 % of the interval, and 10 ms,
 * early; the grid stays (the next is due an interval after this one's
 * place on it). Deadlines get no slack: no check fails early. */
#define START_SLACK_MAX_US 10000u

static uint64_t start_slack_us(const struct target *t)
{
	uint64_t slack = interval_us(t) / 100;

	return slack < START_SLACK_MAX_US ? slack : START_SLACK_MAX_US;
}

static uint32_t latency_since(uint64_t start, uint64_t now)
{
	uint64_t latency = now > start ? now - start : 0;

	return latency > UINT32_MAX ? UINT32_MAX : (uint32_t)latency;
}

/* --- the heap of events ------------------------------------------------------ */

static uint64_t event_at(const struct target *t)
{
	if (t->running && t->run.wake_us && t->run.wake_us < t->deadline)
		return t->run.wake_us;
	return t->running ? t->deadline : t->due;
}

static uint64_t key_at(const struct checker *c, size_t pos)
{
	return event_at(&c->targets[c->heap[pos]]);
}

static void heap_place(struct checker *c, size_t pos, size_t id)
{
	c->heap[pos] = id;
	c->targets[id].heap_pos = pos;
}

static void heap_swap(struct checker *c, size_t a, size_t b)
{
	size_t id = c->heap[a];

	heap_place(c, a, c->heap[b]);
	heap_place(c, b, id);
}

static void sift_up(struct checker *c, size_t pos)
{
	while (pos > 0 && key_at(c, (pos - 1) / 2) > key_at(c, pos)) {
		heap_swap(c, pos, (pos - 1) / 2);
		pos = (pos - 1) / 2;
	}
}

static void sift_down(struct checker *c, size_t pos)
{
	for (;;) {
		size_t least = pos, left = 2 * pos + 1, right = left + 1;

		if (left < c->heap_count && key_at(c, left) < key_at(c, least))
			least = left;
		if (right < c->heap_count && key_at(c, right) < key_at(c, least))
			least = right;
		if (least == pos)
			return;
		heap_swap(c, pos, least);
		pos = least;
	}
}

/* Target ID's event moved: put it back in order. */
static void heap_fix(struct checker *c, size_t id)
{
	sift_up(c, c->targets[id].heap_pos);
	sift_down(c, c->targets[id].heap_pos);
}

/* Every target that is checked, in order; checker_set is rare enough for
 * O(n log n). */
static void heap_rebuild(struct checker *c)
{
	c->heap = xrealloc_array(c->heap, c->count, sizeof(*c->heap));
	c->heap_count = 0;
	for (size_t id = 0; id < c->count; id++) {
		if (!c->targets[id].ops)
			continue;
		heap_place(c, c->heap_count, id);
		sift_up(c, c->heap_count++);
	}
}

/* --- the timer ----------------------------------------------------------- */

static struct timespec timespec_of(uint64_t usec)
{
	return (struct timespec){ .tv_sec = (time_t)(usec / 1000000u),
				  .tv_nsec = (long)(usec % 1000000u) * 1000 };
}

/* Arm the timer for the earliest event (none: disarm it), unless it is so
 * already: most verdicts do not change the earliest event, and cost no
 * system call for it. */
static void rearm(struct checker *c)
{
	uint64_t at = c->heap_count ? key_at(c, 0) : 0;
	struct itimerspec spec = { .it_value = timespec_of(at) };

	if (at == c->armed)
		return;
	if (timerfd_settime(c->timer_fd, TFD_TIMER_ABSTIME, &spec, NULL) < 0) {
		log_error("checks: cannot arm the timer: %s", strerror(errno));
		return;
	}
	c->armed = at;
}

/* --- one check ------------------------------------------------------------- */

/* The verdict of check ID: its probe has let go of everything by now. The
 * next check goes on the grid — if this one was still in flight when due
 * again, the round is skipped — and the checker is in order before DONE
 * runs. */
static void report(struct checker *c, size_t id, bool passed, const char *text)
{
	struct target *t = &c->targets[id];
	uint64_t now = probe_now_us();

	t->due = grid_after(t->due, interval_us(t), now);
	heap_fix(c, id);
	c->done(c->user, id, passed, text, latency_since(t->started, now));
}

/* Stop watching T's descriptor, if one is registered. */
static void unregister(struct checker *c, struct target *t)
{
	if (t->fd < 0)
		return;
	epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, t->fd, NULL);
	t->fd = -1;
}

/* Watch what check ID's probe wants watched now: its descriptor (new, or
 * with other events) under a new generation. -1 (errno set) when epoll
 * refuses it (out of memory, or max_user_watches reached). */
static int follow(struct checker *c, size_t id)
{
	struct target *t = &c->targets[id];
	struct epoll_event event = { .events = t->run.events };

	if (t->fd == t->run.fd && t->events == t->run.events)
		return 0;
	unregister(c, t);
	if (t->run.fd < 0)
		return 0;
	c->gen = (c->gen + 1) & GEN_MASK;
	event.data.u64 = CHECKER_EPOLL_TAG | (uint64_t)c->gen << 32 | id;
	if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, t->run.fd, &event) < 0)
		return -1;
	t->fd = t->run.fd;
	t->events = t->run.events;
	t->gen = c->gen;
	return 0;
}

/* Check ID's probe is done with it (STATE), or failed to be watched. */
static void settle(struct checker *c, size_t id, enum probe_state state,
		   const struct probe_result *r)
{
	struct target *t = &c->targets[id];
	char text[96];

	if (state == PROBE_PENDING && follow(c, id) == 0) {
		heap_fix(c, id);
		return;
	}
	if (state == PROBE_PENDING)
		snprintf(text, sizeof(text), "epoll: %s", strerror(errno));
	/* A descriptor the probe closed on its way to DONE left the epoll set
	 * with the close: EPOLL_CTL_DEL would only fail (EBADF), a system call
	 * per check for nothing — and under TCG each costs as much as a page
	 * of user code. */
	if (state == PROBE_DONE && t->run.fd < 0)
		t->fd = -1;
	unregister(c, t);
	t->ops->stop(&t->spec, &t->run);
	t->running = false;
	c->in_flight--;
	report(c, id, state == PROBE_DONE && r->passed, state == PROBE_DONE ? r->text : text);
}

/* Start check ID, due at or before NOW (or within its slack after it). A
 * probe that concludes at once (a connect refused; out of descriptors) is
 * reported at once. */
static void start(struct checker *c, size_t id, uint64_t now)
{
	struct target *t = &c->targets[id];
	struct probe_result r = { 0 };

	t->due = grid_after(t->due, interval_us(t), now > t->due ? now : t->due);
	t->started = now;	/* read just before: one clock read per check less */
	t->deadline = t->started + t->spec.timeout_ms * 1000ull;
	t->run = (struct probe_run){ .fd = -1 };
	t->running = true;
	c->in_flight++;
	settle(c, id, t->ops->start(&t->spec, &t->run, &r), &r);
}

/* Check ID's deadline passed. Its connect may have concluded all the same
 * while the loop was busy elsewhere (a converge, a starved CPU), its event
 * waiting behind the timer's: then that is the verdict. Whether the answer
 * came just before the deadline or just after cannot be told here; a real
 * server that answered is not failed for the daemon's lateness, which
 * under load would take healthy ones out of rotation, each one more
 * converge to make the loop later still. */
static void time_out(struct checker *c, size_t id)
{
	struct target *t = &c->targets[id];
	struct pollfd ready = { .fd = t->fd, .events = (short)t->events };
	struct probe_result r = { .passed = false };

	/* poll's POLLIN, POLLOUT, POLLERR, POLLHUP are epoll's bits. */
	if (t->fd >= 0 && poll(&ready, 1, 0) == 1 &&
	    t->ops->ready(&t->spec, &t->run, (uint32_t)ready.revents, &r) == PROBE_DONE) {
		settle(c, id, PROBE_DONE, &r);
		return;
	}
	r = (struct probe_result){ .passed = false };
	snprintf(r.text, sizeof(r.text), "no answer within %" PRIu32 " ms",
		 c->targets[id].spec.timeout_ms);
	settle(c, id, PROBE_DONE, &r);
}

/* Abandon T's check in flight, if any, without a result. */
static void abandon(struct checker *c, struct target *t)
{
	if (!t->running)
		return;
	unregister(c, t);
	t->ops->stop(&t->spec, &t->run);
	t->running = false;
	c->in_flight--;
}

/* --- events ---------------------------------------------------------------- */

/* Start every check that is due (or within its slack: START_SLACK_MAX_US)
 * and fail every one past its deadline. The timer may have been re-armed
 * since it fired (EAGAIN): the heap, not the timer, says what is due. */
static void on_timer(struct checker *c)
{
	uint64_t expirations, now;

	if (read(c->timer_fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		log_error("checks: cannot read the timer: %s", strerror(errno));
	c->armed = 0;
	now = probe_now_us();
	while (c->heap_count) {
		size_t id = c->heap[0];
		struct target *t = &c->targets[id];
		struct probe_result r = { 0 };

		if (!t->running && t->due <= now + start_slack_us(t))
			start(c, id, now);
		else if (t->running && t->deadline <= now)
			time_out(c, id);
		else if (t->running && t->run.wake_us && t->run.wake_us <= now)
			/* the probe asked to be woken before its deadline */
			settle(c, id, t->ops->tick(&t->spec, &t->run, &r), &r);
		else
			break;
		now = probe_now_us();
	}
}

/* Check ID's descriptor is ready, unless the event is stale (see
 * SLOT_MASK). */
static void on_socket(struct checker *c, size_t id, uint32_t gen, uint32_t events)
{
	struct target *t;
	struct probe_result r = { 0 };

	if (id >= c->count || c->targets[id].fd < 0 || c->targets[id].gen != gen)
		return;
	t = &c->targets[id];
	t->run.wake_us = 0;
	settle(c, id, t->ops->ready(&t->spec, &t->run, events, &r), &r);
}

void checker_handle(struct checker *c, const struct epoll_event *event)
{
	uint64_t slot = event->data.u64 & SLOT_MASK;

	if (slot == TIMER_SLOT)
		on_timer(c);
	else
		on_socket(c, (size_t)slot, (uint32_t)(event->data.u64 >> 32) & GEN_MASK,
			  event->events);
	rearm(c);
}

/* --- the set of checks --------------------------------------------------------- */

static bool probe_equal(const struct dir_probe *a, const struct dir_probe *b)
{
	if (!a || !b)
		return a == b;
	return memcmp(a, b, sizeof(*a)) == 0;
}

static bool spec_equal(const struct check_spec *a, const struct check_spec *b)
{
	return a->kind == b->kind && ipaddr_equal(&a->addr, &b->addr) && a->port == b->port &&
	       a->interval_ms == b->interval_ms && a->timeout_ms == b->timeout_ms &&
	       strcmp(a->host, b->host) == 0 && probe_equal(a->probe, b->probe);
}

/* A check scheduled afresh, for spread. */
struct fresh {
	uint32_t interval_ms;
	size_t id;
};

static int fresh_cmp(const void *a, const void *b)
{
	const struct fresh *x = a, *y = b;

	if (x->interval_ms != y->interval_ms)
		return x->interval_ms < y->interval_ms ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* The first due times of the checks scheduled afresh: of the M with the
 * same interval, the K-th is due at NOW + interval * K / M — the first at
 * once, the others evenly over the interval, so that 1000 real servers
 * are not checked in the same millisecond. */
static void spread(struct checker *c, struct fresh *fresh, size_t count, uint64_t now)
{
	sort_unless_sorted(fresh, count, sizeof(*fresh), fresh_cmp);
	for (size_t run = 0, end; run < count; run = end) {
		for (end = run; end < count && fresh[end].interval_ms == fresh[run].interval_ms;)
			end++;
		for (size_t k = run; k < end; k++) {
			struct target *t = &c->targets[fresh[k].id];

			t->due = now + interval_us(t) * (k - run) / (end - run);
		}
	}
}

/* Target ID of the new set NEXT, from SPEC: the old one if its spec is
 * unchanged (its schedule and check in flight go on), else a new one —
 * the old one's check in flight abandoned — listed in FRESH. */
static void carry(struct checker *c, struct target *next, size_t id,
		  const struct check_spec *spec, struct fresh *fresh, size_t *fresh_count)
{
	if (id < c->count && spec_equal(&c->targets[id].spec, spec)) {
		next[id] = c->targets[id];
		return;
	}
	if (id < c->count)
		abandon(c, &c->targets[id]);
	next[id] = (struct target){ .spec = *spec, .ops = probe_for(spec->kind), .fd = -1,
				    .heap_pos = NOT_IN_HEAP };
	if (next[id].ops)
		fresh[(*fresh_count)++] = (struct fresh){ spec->interval_ms, id };
}

void checker_set(struct checker *c, const struct check_spec *specs, size_t count)
{
	struct target *next = xcalloc(count, sizeof(*next));
	struct fresh *fresh = xcalloc(count, sizeof(*fresh));
	size_t fresh_count = 0;

	for (size_t id = 0; id < count; id++)
		carry(c, next, id, &specs[id], fresh, &fresh_count);
	for (size_t id = count; id < c->count; id++)
		abandon(c, &c->targets[id]);
	free(c->targets);
	c->targets = next;
	c->count = count;
	spread(c, fresh, fresh_count, probe_now_us());
	free(fresh);
	heap_rebuild(c);
	rearm(c);
}

/* --- the checker ------------------------------------------------------------- */

struct checker *checker_new(int epoll_fd, check_done done, void *user)
{
	struct epoll_event event = { .events = EPOLLIN,
				     .data.u64 = CHECKER_EPOLL_TAG | TIMER_SLOT };
	struct checker *c = xcalloc(1, sizeof(*c));
	int err;

	c->epoll_fd = epoll_fd;
	c->done = done;
	c->user = user;
	c->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->timer_fd >= 0 && epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->timer_fd, &event) == 0)
		return c;
	err = errno;
	if (c->timer_fd >= 0)
		close(c->timer_fd);
	free(c);
	errno = err;
	return NULL;
}

void checker_free(struct checker *c)
{
	if (!c)
		return;
	for (size_t id = 0; id < c->count; id++)
		abandon(c, &c->targets[id]);
	epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, c->timer_fd, NULL);
	close(c->timer_fd);
	free(c->targets);
	free(c->heap);
	free(c);
}

size_t checker_in_flight(const struct checker *c)
{
	return c->in_flight;
}
