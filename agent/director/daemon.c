/* daemon: `lvsagent director run`. One epoll loop over the checks'
 * sockets and timer, a signalfd and three timerfds; no threads, no
 * sleeps. Each loop turn's results are settled together, and whatever
 * they change goes to the kernel as one plan. */
#include "director/daemon.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/event.h"
#include "core/notify.h"
#include "director/check_plan.h"
#include "director/checker.h"
#include "director/drain.h"
#include "director/health.h"
#include "director/health_file.h"
#include "director/metrics.h"
#include "director/probe_exec.h"
#include "director/probe_http.h"
#include "director/report.h"
#include "lib/log.h"
#include "lib/log_budget.h"
#include "lib/xalloc.h"

#define EVENTS_PER_TURN 64
/* Results change last_result every check; the published health and the
 * metrics follow at most once per (shortest) check interval, transitions
 * at once. Without checks, other changes (repairs) within PUBLISH_MS. */
#define PUBLISH_MS 1000u
#define PUBLISH_MIN_MS 100u
/* Someone undoing the table over and over (a script's ipvsadm -C in a
 * loop) is logged at most this much, and counted. */
#define REPAIR_LINES_PER_WINDOW 50
#define REPAIR_WINDOW_USEC (5u * 1000000u)

struct dir_daemon {
	struct director_run *r;
	int epoll_fd, signal_fd, table_timer_fd, watchdog_timer_fd, publish_timer_fd;
	struct checker *checker;
	struct health health;
	struct check_plan checks;	/* the checker's IDs and whom each answers for */
	struct drain_list drains;
	bool changed;			/* a verdict or drain changed: converge this turn */
	bool publish;			/* something status or metrics show changed */
	bool stopping;
	/* r->kernel is the kernel's table as the last converge left it: the
	 * next verdicts are planned against it without a new read. */
	bool table_known;
	unsigned long repairs;		/* changes put back after someone else's */
	struct log_budget repair_log;	/* the lines about them, and failed changes */
};

/* Wall-clock milliseconds: "since" in status is read by people. */
static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const struct director_config *dir_cfg(const struct dir_daemon *d)
{
	return director_config_of(&d->r->run.cfg);
}

/* --- setup ----------------------------------------------------------------- */

static int watch(struct dir_daemon *d, int fd)
{
	struct epoll_event event = { .events = EPOLLIN, .data.u64 = (uint64_t)fd };

	return epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

static int arm_every(int fd, uint64_t ms)
{
	return event_every(fd, ms * 1000u);
}

static int open_signals(struct dir_daemon *d)
{
	static const int handled[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1 };

	d->signal_fd = event_signalfd(handled, sizeof(handled) / sizeof(handled[0]));
	return d->signal_fd < 0 ? d->signal_fd : 0;
}

static int open_timers(struct dir_daemon *d)
{
	uint64_t watchdog_ms = notify_watchdog_usec() / 1000u;
	int *fds[] = { &d->table_timer_fd, &d->watchdog_timer_fd, &d->publish_timer_fd };

	for (size_t i = 0; i < 3; i++) {
		*fds[i] = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (*fds[i] < 0 || watch(d, *fds[i]) < 0)
			return -errno;
	}
	/* Ping at half the interval, as sd_watchdog_enabled(3) advises. */
	if (arm_every(d->table_timer_fd, dir_cfg(d)->table_check_interval_ms) < 0 ||
	    arm_every(d->watchdog_timer_fd, watchdog_ms / 2) < 0 ||
	    arm_every(d->publish_timer_fd, PUBLISH_MS) < 0)
		return -errno;
	return 0;
}

static void on_result(void *user, size_t id, bool passed, const char *result,
		      uint32_t latency_us);

static int open_everything(struct dir_daemon *d)
{
	int err;

	d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epoll_fd < 0)
		return -errno;
	if ((err = open_signals(d)) || watch(d, d->signal_fd) < 0 || (err = open_timers(d)))
		return err ? err : -errno;
	d->checker = checker_new(d->epoll_fd, on_result, d);
	if (!d->checker)
		return -errno;
	notify_open();
	return 0;
}

static void close_everything(struct dir_daemon *d)
{
	int fds[] = { d->epoll_fd, d->signal_fd, d->table_timer_fd, d->watchdog_timer_fd,
		      d->publish_timer_fd };

	if (d->checker)
		checker_free(d->checker);
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	health_free(&d->health);
	drain_free(&d->drains);
	check_plan_free(&d->checks);
	notify_close();
}

/* --- the checks ------------------------------------------------------------- */

static uint64_t publish_interval(const struct check_spec *specs, size_t n)
{
	uint64_t ms = n ? UINT32_MAX : PUBLISH_MS;

	for (size_t i = 0; i < n; i++)
		if (specs[i].interval_ms < ms)
			ms = specs[i].interval_ms;
	return ms < PUBLISH_MIN_MS ? PUBLISH_MIN_MS : ms;
}

/* The checks of the configuration now: one per distinct target (the old
 * plan's specs point into the old configuration, which the caller frees
 * only after this). */
static void set_checks(struct dir_daemon *d)
{
	struct check_plan next;

	check_plan_build(dir_cfg(d), &next);
	probe_exec_set_max(dir_cfg(d)->exec_max);
	checker_set(d->checker, next.specs, next.count);
	arm_every(d->publish_timer_fd, publish_interval(next.specs, next.count));
	check_plan_free(&d->checks);
	d->checks = next;
}

static void on_result(void *user, size_t id, bool passed, const char *result,
		      uint32_t latency_us)
{
	struct dir_daemon *d = user;
	char line[512];

	if (id >= d->checks.count)
		return;
	/* One probe answers for every service that checks this target so. */
	for (size_t r = d->checks.first[id]; r != CHECK_REF_END; r = d->checks.refs[r].next) {
		const struct check_ref *ref = &d->checks.refs[r];
		if (!health_record(&d->health, dir_cfg(d), ref->svc, ref->dest, passed, result,
				   latency_us, wall_ms(), line, sizeof(line)))
			continue;
		log_info("%s", line);
		d->changed = true;
	}
	d->publish = true;
}

static void say(void *user, const char *line)
{
	(void)user;
	log_info("%s", line);
}

/* --- the table ----------------------------------------------------------------- */

/* What a converge changed: the verdicts' own changes at debug level, the
 * repairs and the failures within the budget. */
static void log_changes(struct dir_daemon *d, const struct dir_plan *plan, bool repair)
{
	char line[400];

	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		if (item->action == ACTION_NONE)
			continue;
		dir_item_change(item, line, sizeof(line));
		if (!item->done)
			log_budget_line(&d->repair_log, notify_monotonic_usec(), LOG_LEVEL_ERROR,
					"could not %s: %s", line, item->reason ? item->reason : "");
		else if (repair)
			log_budget_line(&d->repair_log, notify_monotonic_usec(), LOG_LEVEL_INFO,
					"put back: %s (changed by someone else)", line);
		else
			log_debug("%s", line);
	}
}

static size_t count_changes(const struct dir_plan *plan)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->count; i++)
		n += plan->items[i].action != ACTION_NONE && plan->items[i].done;
	return n;
}

/* The kernel's table as health says it should be. OBSERVE: read it first
 * (the table timer: what differs then was changed by someone else, a
 * REPAIR), else plan against the table as the last converge left it, so
 * that a verdict's weight 0 waits for no read of 1000 real servers. A
 * change that fails against that copy (someone else's edit since) is
 * made again against a fresh read at once, as the repair it is. */
static void converge(struct dir_daemon *d, bool observe, bool repair)
{
	struct director_config want;
	struct dir_plan plan;
	bool fresh = observe || !d->table_known;
	size_t failed;

	if (fresh && director_observe_ipvs(d->r) != EXIT_DONE) {
		d->table_known = false;
		return;		/* logged; the next timer tries again */
	}
	director_observe_forwarding(d->r);
	health_effective(dir_cfg(d), &d->health, &want);
	director_execute(d->r, &want, false, &plan);
	failed = dir_plan_changes(&plan) - count_changes(&plan);
	if (fresh || !failed)
		log_changes(d, &plan, repair);
	if (repair)
		d->repairs += count_changes(&plan);
	if (count_changes(&plan))
		d->publish = true;
	/* Adds and removes are not written into the copy: read it next time. */
	d->table_known = director_table_after(&plan, &d->r->kernel);
	dir_plan_free(&plan);
	health_effective_free(&want);
	if (!fresh && failed)
		converge(d, true, true);	/* what failed was someone else's doing */
}

/* --- what others read ---------------------------------------------------------- */

static void counts(const struct dir_daemon *d, size_t *up, size_t *all)
{
	*up = *all = 0;
	for (size_t i = 0; i < d->health.count; i++) {
		*up += health_up(&d->health.services[i]);
		*all += d->health.services[i].count;
	}
}

static void update_status(struct dir_daemon *d, const char *state)
{
	size_t up, all;

	counts(d, &up, &all);
	notify("%sSTATUS=%zu service%s, %zu of %zu real servers up, %lu repair%s since start",
	       state, d->health.count, d->health.count == 1 ? "" : "s", up, all, d->repairs,
	       d->repairs == 1 ? "" : "s");
}

static void publish(struct dir_daemon *d)
{
	const struct director_config *cfg = dir_cfg(d);
	int err;

	d->publish = false;
	err = health_file_save(d->r->run.cfg.state_dir, cfg, &d->health);
	if (err)
		log_warn("cannot write %s/director.health: %s", d->r->run.cfg.state_dir,
			 strerror(-err));
	if (cfg->metrics_file && (err = metrics_write(cfg->metrics_file, cfg, &d->health)))
		log_warn("cannot write %s: %s", cfg->metrics_file, strerror(-err));
	update_status(d, "");
}

/* --- signals --------------------------------------------------------------------- */

/* The drained list again (the start, SIGUSR1, a reload). One that cannot
 * be read leaves the drains as they were: read as empty, it would put
 * every drained real server back in rotation. 0 or -errno. */
static int read_drains(struct dir_daemon *d)
{
	struct diag warnings = { 0 };
	struct drain_list fresh;
	char why[PATH_MAX + 160];
	int err = drain_load(d->r->run.cfg.state_dir, &fresh, &warnings);

	for (size_t i = 0; i < warnings.count; i++)
		log_warn("%s", warnings.entries[i].text);
	diag_free(&warnings);
	if (err) {
		log_error("%s: the drained real servers stay as they were",
			  drain_load_problem(d->r->run.cfg.state_dir, err, why, sizeof(why)));
	} else {
		drain_free(&d->drains);
		d->drains = fresh;
	}
	if (drain_apply(&d->drains, dir_cfg(d), &d->health, wall_ms()))
		d->changed = true;
	return err;
}

/* SIGHUP: the new configuration, with every unchanged real server's state
 * (no new rise period); a bad file changes nothing. */
static void reload(struct dir_daemon *d)
{
	struct config fresh = { 0 }, old;
	struct health next;
	int vip_ifindex = d->r->host.vip_ifindex;

	notify("RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)notify_monotonic_usec());
	if (director_read_config(d->r, &fresh) != EXIT_DONE) {
		/* The refused file's vip_interface must not move the VIPs. */
		d->r->host.vip_ifindex = vip_ifindex;
		log_error("reload: the configuration has errors (see above); running on with the "
			  "previous one");
		config_free(&fresh);
		notify("READY=1");
		return;
	}
	health_init(&next, director_config_of(&fresh), &d->r->kernel, &d->health, dir_cfg(d),
		    wall_ms());
	health_free(&d->health);
	d->health = next;
	old = d->r->run.cfg;
	d->r->run.cfg = fresh;
	set_checks(d);
	config_free(&old);
	log_set_level(d->r->run.cfg.log_level);
	arm_every(d->table_timer_fd, dir_cfg(d)->table_check_interval_ms);
	read_drains(d);
	health_settle(&d->health, dir_cfg(d), wall_ms(), say, NULL);
	log_info("reloaded %s", d->r->run.cfg.file);
	d->changed = true;
	d->table_known = false;		/* rare: its converge reads the table */
	notify("READY=1");
}

static void on_signal(struct dir_daemon *d)
{
	struct signalfd_siginfo info;

	while (read(d->signal_fd, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
		if (info.ssi_signo == SIGHUP)
			reload(d);
		else if (info.ssi_signo == SIGUSR1)
			read_drains(d);
		else
			d->stopping = true;
	}
}

/* --- the loop ---------------------------------------------------------------------- */

/* After a turn's events: settle the verdicts, and one plan for them all. */
static void end_of_turn(struct dir_daemon *d)
{
	if (!d->changed)
		return;
	d->changed = false;
	health_settle(&d->health, dir_cfg(d), wall_ms(), say, NULL);
	converge(d, false, false);
	publish(d);
}

static void dispatch(struct dir_daemon *d, const struct epoll_event *event)
{
	int fd = (int)event->data.u64;

	if (event->data.u64 & CHECKER_EPOLL_TAG) {
		checker_handle(d->checker, event);
	} else if (fd == d->signal_fd) {
		on_signal(d);
	} else if (fd == d->table_timer_fd) {
		event_drain(fd);
		/* This turn's verdicts first: what they change is not a repair. */
		end_of_turn(d);
		converge(d, true, true);
		/* Said when the storm is over too, not only at the next line. */
		log_budget_flush(&d->repair_log, notify_monotonic_usec());
	} else if (fd == d->watchdog_timer_fd) {
		event_drain(fd);
		notify("WATCHDOG=1");
	} else if (fd == d->publish_timer_fd) {
		event_drain(fd);
		if (d->publish)
			publish(d);
	}
}

static int loop(struct dir_daemon *d)
{
	struct epoll_event events[EVENTS_PER_TURN];

	while (!d->stopping) {
		int n = epoll_wait(d->epoll_fd, events, EVENTS_PER_TURN, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("epoll_wait: %s", strerror(errno));
			return EXIT_RUNTIME;
		}
		for (int i = 0; i < n; i++)
			dispatch(d, &events[i]);
		end_of_turn(d);
	}
	return EXIT_DONE;
}

/* SIGTERM: on_stop = keep (the default) leaves the table serving, so a
 * restart or an upgrade drops no connection; withdraw removes what
 * lvsagent created, as `director stop` does. */
static int stop(struct dir_daemon *d)
{
	struct dir_plan plan;
	int code = EXIT_DONE;

	notify("STOPPING=1");
	if (!dir_cfg(d)->withdraw_on_stop) {
		log_info("stopping; the IPVS table stays as it is (on_stop = keep)");
		return EXIT_DONE;
	}
	if (director_observe_ipvs(d->r) == EXIT_DONE) {
		director_observe_forwarding(d->r);
		code = director_execute(d->r, dir_cfg(d), true, &plan);
		log_changes(d, &plan, false);
		dir_plan_free(&plan);
	}
	log_info("stopped; what lvsagent created is withdrawn (on_stop = withdraw)");
	return code;
}

/* Each check in flight holds a socket: 1000 real servers need more than
 * the usual soft limit of 1024 descriptors. The hard limit is the ceiling. */
static void raise_open_files(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}

/* Converged and checking; fails (nothing changed) when the drained list
 * cannot be read: the daemon would undo an operator's drains. */
static int start(struct dir_daemon *d)
{
	raise_open_files();
	health_init(&d->health, dir_cfg(d), &d->r->kernel, NULL, NULL, wall_ms());
	if (read_drains(d))
		return -1;
	health_settle(&d->health, dir_cfg(d), wall_ms(), say, NULL);
	converge(d, false, false);
	d->changed = false;
	set_checks(d);
	publish(d);
	return 0;
}

/* Without libcurl (loaded at run time) every http check would fail and
 * take its real servers out of rotation: the daemon does not start, and
 * nothing is changed. */
static bool http_checks_can_run(const struct director_config *cfg)
{
	char why[200];

	for (size_t i = 0; i < cfg->service_count; i++) {
		enum dir_check_kind kind = cfg->services[i].check.kind;
		if (kind != CHECK_HTTP && kind != CHECK_HTTPS)
			continue;
		if (probe_http_ready(why, sizeof(why)))
			return true;
		log_error("cannot start the director daemon: service %s checks %s: %s "
			  "(Debian: apt-get install libcurl4)", cfg->services[i].name,
			  kind == CHECK_HTTP ? "http" : "https", why);
		return false;
	}
	return true;
}

int director_daemon_run(struct director_run *r)
{
	struct dir_daemon d = { .r = r, .epoll_fd = -1, .signal_fd = -1, .table_timer_fd = -1,
				.watchdog_timer_fd = -1, .publish_timer_fd = -1,
				.repair_log = { .per_window = REPAIR_LINES_PER_WINDOW,
						.window_usec = REPAIR_WINDOW_USEC,
						.what = "repair message",
						.hint = "if this repeats, another program keeps "
							"changing the IPVS table" } };
	int code, err;

	if (!http_checks_can_run(dir_cfg(&d)))
		return EXIT_RUNTIME;
	if ((err = open_everything(&d))) {
		log_error("cannot start the director daemon: %s", strerror(-err));
		close_everything(&d);
		return EXIT_RUNTIME;
	}
	if (start(&d)) {
		log_error("cannot start the director daemon: it would put the drained real "
			  "servers back in rotation; nothing was changed");
		close_everything(&d);
		return EXIT_RUNTIME;
	}
	update_status(&d, "READY=1\n");
	log_info("running: %zu service%s, the table checked every %u ms", d.health.count,
		 d.health.count == 1 ? "" : "s", dir_cfg(&d)->table_check_interval_ms);
	code = loop(&d);
	if (code == EXIT_DONE)
		code = stop(&d);
	close_everything(&d);
	return code;
}
