/* daemon: `lvsagent run`. One epoll loop over the rtnetlink monitor, a
 * signalfd and three timerfds; no busy loops, no sleeps. */
#include "realserver/daemon.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/event.h"
#include "core/notify.h"
#include "core/privilege.h"
#include "lib/log.h"
#include "lib/log_budget.h"
#include "realserver/apply.h"
#include "realserver/describe.h"
#include "realserver/metrics.h"
#include "realserver/monitor.h"
#include "realserver/plan_route.h"

/* A repair storm — another program undoing lvsagent's work over and over —
 * is logged at most this much, and counted; so are the host's warnings as
 * it changes (an uplink renamed or gone, over and over). */
#define REPAIR_LINES_PER_WINDOW 50
#define HOST_LINES_PER_WINDOW 20
#define LOG_WINDOW_USEC (5u * 1000000u)

/* A failed observation is tried again after RETRY_FIRST_USEC, then twice
 * as long each time up to RETRY_MAX_USEC, whatever sysctl_check_interval
 * says: without a picture of the kernel nothing can be repaired. Transient
 * failures (an event storm interrupting the dumps) are warnings for the
 * first QUIET_USEC of them, errors once they last longer. By time, not by
 * count: each event of a storm makes an attempt of its own. */
#define RETRY_FIRST_USEC (200u * 1000u)
#define RETRY_MAX_USEC (30u * 1000000u)
#define QUIET_USEC (5u * 1000000u)

struct daemon {
	struct session *s;
	struct nl_conn monitor;
	struct nl_conn nft_monitor;	/* only with nftables available */
	int epoll_fd, signal_fd, sysctl_timer_fd, watchdog_timer_fd;
	int retry_timer_fd;		/* armed while an observation failed */
	unsigned failed_observations;	/* in a row */
	uint64_t failing_since;		/* CLOCK_MONOTONIC of the first of them */
	struct log_budget budget;	/* repair lines */
	struct log_budget host_budget;	/* after the start: the host's warnings,
					 * reads tried again */
	unsigned long repairs;
	uint64_t notes_seen;		/* which warnings the log has (see log_notes) */
	bool last_failed;
	bool stopping;
	struct rs_metrics metrics;	/* [agent] metrics_file */
};

/* --- setup ---------------------------------------------------------------- */

static int watch(struct daemon *d, int fd)
{
	struct epoll_event event = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

static int open_signals(struct daemon *d)
{
	static const int handled[] = { SIGHUP, SIGTERM, SIGINT };

	d->signal_fd = event_signalfd(handled, sizeof(handled) / sizeof(handled[0]));
	return d->signal_fd < 0 ? d->signal_fd : 0;
}

static int open_timers(struct daemon *d)
{
	uint64_t watchdog = notify_watchdog_usec();

	d->sysctl_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->watchdog_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->retry_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->sysctl_timer_fd < 0 || d->watchdog_timer_fd < 0 || d->retry_timer_fd < 0)
		return -errno;
	if (event_every(d->sysctl_timer_fd, d->s->run.cfg.sysctl_check_interval * 1000000ull) < 0)
		return -errno;
	/* Ping at half the interval, as sd_watchdog_enabled(3) advises. */
	return event_every(d->watchdog_timer_fd, watchdog / 2) < 0 ? -errno : 0;
}

static int open_everything(struct daemon *d)
{
	int err;

	d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epoll_fd < 0)
		return -errno;
	if ((err = monitor_open(&d->monitor)) || (err = open_signals(d)) || (err = open_timers(d)))
		return err;
	if (watch(d, netlink_fd(&d->monitor)) < 0 || watch(d, d->signal_fd) < 0 ||
	    watch(d, d->sysctl_timer_fd) < 0 || watch(d, d->watchdog_timer_fd) < 0 ||
	    watch(d, d->retry_timer_fd) < 0)
		return -errno;
	/* `nft flush ruleset` must not silently re-enable ARP for the VIPs:
	 * watch nftables too, wherever the kernel has it. */
	if (monitor_open_nft(&d->nft_monitor) == 0) {
		if (watch(d, netlink_fd(&d->nft_monitor)) < 0)
			return -errno;
		d->s->nft_listener = &d->nft_monitor;
	}
	notify_open();
	return 0;
}

static void close_everything(struct daemon *d)
{
	int fds[] = { d->epoll_fd, d->signal_fd, d->sysctl_timer_fd, d->watchdog_timer_fd,
		      d->retry_timer_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	netlink_close(&d->monitor);
	netlink_close(&d->nft_monitor);
	d->s->nft_listener = NULL;
	notify_close();
}

/* --- converging and saying so --------------------------------------------- */

static void update_status(struct daemon *d, const char *state)
{
	notify("%sSTATUS=%s%zu VIP%s, %lu repair%s since start%s", state,
	       rs_config_of(&d->s->run.cfg)->vip_count ? "" : "no ", rs_config_of(&d->s->run.cfg)->vip_count,
	       rs_config_of(&d->s->run.cfg)->vip_count == 1 ? "" : "s", d->repairs, d->repairs == 1 ? "" : "s",
	       d->last_failed ? "; the last change failed, see the log" : "");
}

/* One budgeted line about a repair. */
static void log_repair_line(struct daemon *d, bool failed, const char *text)
{
	if (failed)
		log_budget_line(&d->budget, notify_monotonic_usec(), LOG_LEVEL_ERROR,
				"repair failed: %s", text);
	else
		log_budget_line(&d->budget, notify_monotonic_usec(), LOG_LEVEL_INFO, "repair: %s",
				text);
}

/* What ended windows suppressed, said at the end of every loop turn: also
 * once the lines have stopped, not only before the next one. */
static void flush_budgets(struct daemon *d)
{
	log_budget_flush(&d->budget, notify_monotonic_usec());
	log_budget_flush(&d->host_budget, notify_monotonic_usec());
}

/* A fingerprint of the plan's warnings (which item, which note). */
static uint64_t notes_fingerprint(const struct plan *plan)
{
	uint64_t hash = 14695981039346656037ull;
	char target[96];

	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		if (!item->note)
			continue;
		item_target(item, target, sizeof(target));
		for (const char *c = target; *c; c++)
			hash = (hash ^ (unsigned char)*c) * 1099511628211ull;
		hash = (hash ^ (uintptr_t)item->note) * 1099511628211ull;
	}
	return hash;
}

/* The plan's warnings (an uplink renamed or gone, a VIP also on an uplink,
 * a value someone else changed): at start and reload, and whenever they
 * change, but not again at every event while they stay the same. */
static void log_notes(struct daemon *d, const struct plan *plan, const char *verb)
{
	uint64_t seen = notes_fingerprint(plan);
	char target[96];

	if (!verb && seen == d->notes_seen)
		return;
	d->notes_seen = seen;
	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		char renamed[IFNAMSIZ + 8] = "";
		if (!item->note)
			continue;
		if (item->kind == ITEM_SYSCTL && item->setting->renamed_from[0])
			snprintf(renamed, sizeof(renamed), " (was %s)", item->setting->renamed_from);
		item_target(item, target, sizeof(target));
		/* At start and reload every one; after, within the budget. */
		if (verb)
			log_warn("%s %s%s %s", item_kind_name(item->kind), target, renamed,
				 item->note);
		else
			log_budget_line(&d->host_budget, notify_monotonic_usec(),
					LOG_LEVEL_WARNING, "%s %s%s %s", item_kind_name(item->kind),
					target, renamed, item->note);
	}
}

/* Log what a plan did: as `start` would on the first run and after a
 * reload (VERB), as repairs otherwise. */
static void log_plan(struct daemon *d, const struct plan *plan, const char *verb)
{
	char text[384], change[256];

	log_notes(d, plan, verb);
	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		if (item->action == ACTION_NONE)
			continue;
		if (verb && item->done) {
			log_info("%s: %s", verb, item_change(item, change, sizeof(change)));
		} else if (verb) {
			log_error("%s: could not %s: %s", verb,
				  item_change(item, change, sizeof(change)), item->reason);
		} else {
			item_repair(item, text, sizeof(text));
			if (!item->done)
				snprintf(text + strlen(text), sizeof(text) - strlen(text), ": %s",
					 item->reason);
			log_repair_line(d, !item->done, text);
			d->repairs += item->done;
		}
	}
}

/* What a converge observes afresh: everything, or (after nftables events
 * alone) only the table. Every rtnetlink event that matters causes a whole
 * observation, so the addresses, routes and links in the picture are still
 * true; re-dumping 10 000 of them would triple a table repair's time. */
enum observe_scope { OBSERVE_ALL, OBSERVE_TABLE };

/* Another failed observation: the retry timer tries again, later each time. */
static void retry_observation(struct daemon *d, uint64_t now)
{
	unsigned doublings = d->failed_observations < 8 ? d->failed_observations : 8;
	uint64_t delay = (uint64_t)RETRY_FIRST_USEC << doublings;

	if (d->failed_observations++ == 0)
		d->failing_since = now;
	if (event_once(d->retry_timer_fd, delay < RETRY_MAX_USEC ? delay : RETRY_MAX_USEC) < 0)
		log_error("cannot arm the retry timer: %s", strerror(errno));
}

static void observation_recovered(struct daemon *d)
{
	log_budget_line(&d->host_budget, notify_monotonic_usec(), LOG_LEVEL_INFO,
			"read the kernel again after %u failed attempt%s", d->failed_observations,
			d->failed_observations == 1 ? "" : "s");
	d->failed_observations = 0;
	(void)event_once(d->retry_timer_fd, 0);
}

static int observe(struct daemon *d, enum observe_scope scope)
{
	uint64_t now = notify_monotonic_usec();
	int code;

	d->s->retrying = !d->failed_observations || now - d->failing_since < QUIET_USEC;
	code = scope == OBSERVE_TABLE ? session_observe_table(d->s) : session_observe(d->s);
	d->s->retrying = false;
	if (code)
		retry_observation(d, now);
	else if (d->failed_observations)
		observation_recovered(d);
	return code;
}

static bool wrote_table(const struct plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].kind == ITEM_NFT && plan->items[i].done)
			return true;
	return false;
}

/* Observe, plan, apply. EVENT_USEC: when the notification that triggered a
 * repair was read (0: not a repair). VERB names a start or reload. Returns
 * whether the table was written, and so the picture re-read since. */
static bool converge_once(struct daemon *d, uint64_t event_usec, const char *verb,
			  enum observe_scope scope)
{
	struct plan plan;
	size_t changes;
	bool table;
	int code;

	if (observe(d, scope)) {
		d->last_failed = true;
		return false;
	}
	code = session_execute(d->s, false, &plan);
	changes = plan_change_count(&plan);
	table = wrote_table(&plan);
	d->last_failed = code != EXIT_DONE;
	log_plan(d, &plan, verb);
	rs_metrics_converged(&d->metrics, &d->s->run.cfg, &plan, verb, event_usec, d->s->applied_usec);
	if (changes && event_usec)
		log_debug("repaired %zu item%s in %.3f ms (kernel event to ACK)", changes,
			  changes == 1 ? "" : "s", (double)(d->s->applied_usec - event_usec) / 1000.0);
	plan_free(&plan);
	/* The periodic sysctl check plans over this picture: keep it true. */
	if (changes)
		observe(d, scope);
	return table;
}

/* How many of the things the kernel sends no event for (the sysctls, and
 * the table while lvsagent's listener was away) differ from the
 * configuration in the picture as last read. */
static size_t unevented_drift(struct daemon *d)
{
	struct plan plan;
	size_t changes;

	plan_converge_sysctls(rs_config_of(&d->s->run.cfg), &d->s->obs, &d->s->owned, &plan);
	changes = plan_change_count(&plan);
	plan_free(&plan);
	return changes;
}

/* The nftables listener is out of its group while the table commits (see
 * apply_plan): a change someone made meanwhile sent it no event, and shows
 * only in the table read afterwards. Repair that too, a few times at most;
 * a change that slips through even then is found by the sysctl timer's
 * check, which plans the table as well. */
#define CONVERGE_ROUNDS 3

static void converge(struct daemon *d, uint64_t event_usec, const char *verb,
		     enum observe_scope scope)
{
	for (int round = 0; round < CONVERGE_ROUNDS; round++) {
		if (!converge_once(d, event_usec, verb, scope) || !unevented_drift(d))
			break;
		event_usec = notify_monotonic_usec();
		verb = NULL;
		scope = OBSERVE_TABLE;
	}
	update_status(d, "");
}

/* The kernel sends no event for sysctls nor fou ports: re-read them, and
 * converge only when they drifted. */
static void check_sysctls(struct daemon *d)
{
	observed_refresh_sysctls(&d->s->obs);
	session_refresh_fou(d->s);
	if (unevented_drift(d))
		converge(d, notify_monotonic_usec(), NULL, OBSERVE_ALL);
}

/* --- signals --------------------------------------------------------------- */

static void reload(struct daemon *d)
{
	struct session *s = d->s;
	struct config fresh;
	bool taken = false;

	notify("RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)notify_monotonic_usec());
	log_info("reloading %s", s->run.cfg.file);
	memset(&fresh, 0, sizeof(fresh));
	if (session_read_config(s, &fresh) != EXIT_DONE) {
		log_error("configuration not reloaded: it has errors (above); still running with "
			  "the previous one, nothing changed");
	} else if (strcmp(fresh.state_dir, s->run.cfg.state_dir) != 0) {
		log_error("configuration not reloaded: state_dir cannot change while running "
			  "(restart lvsagent for that)");
	} else {
		config_free(&s->run.cfg);
		s->run.cfg = fresh;
		memset(&fresh, 0, sizeof(fresh));
		log_set_level(s->run.cfg.log_level);
		event_every(d->sysctl_timer_fd, s->run.cfg.sysctl_check_interval * 1000000ull);
		converge(d, 0, "reload", OBSERVE_ALL);
		taken = true;
	}
	rs_metrics_reloaded(&d->metrics, &s->run.cfg, taken);
	config_free(&fresh);
	update_status(d, "READY=1\n");
}

static int withdraw(struct daemon *d)
{
	struct plan plan;
	int code;

	notify("STOPPING=1");
	if (rs_config_of(&d->s->run.cfg)->keep_on_stop) {
		log_info("stopping; on_stop = keep: the VIPs, routes and sysctls stay in place");
		return EXIT_DONE;
	}
	log_info("stopping: withdrawing what lvsagent created");
	if (session_observe(d->s))
		return EXIT_RUNTIME;
	code = session_execute(d->s, true, &plan);
	log_plan(d, &plan, "stop");
	plan_free(&plan);
	return code;
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo info;

	while (read(d->signal_fd, &info, sizeof(info)) == sizeof(info)) {
		if (info.ssi_signo == SIGHUP)
			reload(d);
		else
			d->stopping = true;
	}
}

/* --- the loop --------------------------------------------------------------- */

static bool on_monitor(struct daemon *d, struct nl_conn *monitor, struct monitor_news *news)
{
	const struct session *s = d->s;
	struct monitor_context context = {
		.obs = &s->obs,
		.rtnl_portid = s->conn.portid,
		.nfnl_portid = s->nfnl.sock ? s->nfnl.portid : 0,
		.uplink_addresses = rs_config_of(&s->run.cfg)->suppression != SUPPRESS_SYSCTL,
	};
	int err = monitor_drain(monitor, &context, news);

	if (err) {
		log_error("reading kernel notifications: %s", strerror(-err));
		news->other = true;
	}
	if (news->overrun)
		log_warn("kernel notifications were lost (receive buffer overrun): "
			 "re-reading everything");
	return news->matters || err;
}

/* What the events of one wakeup call for. */
struct dirt {
	bool host;			/* an rtnetlink event that matters */
	bool table;			/* an nftables event that matters */
	bool host_other;		/* one that is not a deleted local route */
	struct ipprefix locals[MONITOR_LOCALS_MAX];	/* deleted local routes of lvsagent's */
	unsigned local_count;
};

static void add_news(struct dirt *dirt, const struct monitor_news *news)
{
	dirt->host_other |= news->other;
	for (unsigned i = 0; i < news->local_count; i++) {
		if (dirt->local_count == MONITOR_LOCALS_MAX) {
			dirt->host_other = true;
			return;
		}
		dirt->locals[dirt->local_count++] = news->locals[i];
	}
}

/* Route mode's deleted local routes put back from the events alone, with
 * no observation: the picture held stays true once they are back, and the
 * records do not change. False (nothing done, or a failure) calls for a
 * whole converge. */
static bool repair_locals(struct daemon *d, uint64_t event_usec, const struct dirt *dirt)
{
	struct session *s = d->s;
	struct plan plan;
	size_t failed;
	uint64_t applied;

	if (!plan_local_repair(rs_config_of(&s->run.cfg), &s->obs, dirt->locals,
			       dirt->local_count, &plan)) {
		plan_free(&plan);
		return false;
	}
	failed = apply_plan(&s->conn, &s->nfnl, s->nft_listener, &s->fou, s->obs.lo_ifindex, &plan);
	applied = notify_monotonic_usec();
	log_plan(d, &plan, NULL);
	rs_metrics_converged(&d->metrics, &s->run.cfg, &plan, NULL, event_usec, applied);
	if (!failed)
		log_debug("repaired %zu item%s in %.3f ms (kernel event to ACK)", plan.count,
			  plan.count == 1 ? "" : "s", (double)(applied - event_usec) / 1000.0);
	plan_free(&plan);
	return failed == 0;
}

static void dispatch(struct daemon *d, int fd, struct dirt *dirt)
{
	struct monitor_news news;

	if (fd == netlink_fd(&d->monitor)) {
		dirt->host |= on_monitor(d, &d->monitor, &news);
		add_news(dirt, &news);
	} else if (d->nft_monitor.sock && fd == netlink_fd(&d->nft_monitor)) {
		dirt->table |= on_monitor(d, &d->nft_monitor, &news);
	} else if (fd == d->signal_fd) {
		on_signal(d);
	} else if (fd == d->sysctl_timer_fd) {
		event_drain(fd);
		check_sysctls(d);
	} else if (fd == d->watchdog_timer_fd) {
		event_drain(fd);
		notify("WATCHDOG=1");
	} else if (fd == d->retry_timer_fd) {
		event_drain(fd);
		dirt->host = true;	/* the last observation failed: a whole one again */
	}
}

static int loop(struct daemon *d)
{
	struct epoll_event events[8];

	while (!d->stopping) {
		int n = epoll_wait(d->epoll_fd, events, 8, -1);
		uint64_t woke = notify_monotonic_usec();
		struct dirt dirt = { 0 };

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("epoll_wait: %s", strerror(errno));
			return EXIT_RUNTIME;
		}
		for (int i = 0; i < n; i++)
			dispatch(d, events[i].data.fd, &dirt);
		bool locals_only = dirt.host && !dirt.host_other && !dirt.table && dirt.local_count;
		if (locals_only && !d->stopping && repair_locals(d, woke, &dirt)) {
			update_status(d, "");
			continue;
		}
		if ((dirt.host || dirt.table) && !d->stopping)
			converge(d, woke, NULL, dirt.host ? OBSERVE_ALL : OBSERVE_TABLE);
		flush_budgets(d);
	}
	return withdraw(d);
}

/* Each repair builds arrays the size of the configuration (plan items, a
 * request batch) and frees them. glibc would raise its mmap threshold
 * after the first such free and serve the next ones from the heap, which
 * then stays resident: a fixed threshold gives the memory back each time. */
#define DAEMON_MMAP_THRESHOLD (128 * 1024)

int daemon_run(struct session *s)
{
	struct daemon d = { .s = s, .epoll_fd = -1, .signal_fd = -1, .sysctl_timer_fd = -1,
			    .watchdog_timer_fd = -1, .retry_timer_fd = -1,
			    .budget = { .per_window = REPAIR_LINES_PER_WINDOW,
					.window_usec = LOG_WINDOW_USEC, .what = "repair message",
					.hint = "if this repeats, another program keeps undoing "
						"lvsagent's work" },
			    .host_budget = { .per_window = HOST_LINES_PER_WINDOW,
					      .window_usec = LOG_WINDOW_USEC,
					      .what = "host message",
					      .hint = "the host keeps changing (interfaces renamed, "
						      "added or removed; tables changing while "
						      "read)" } };
	int err, code;

	mallopt(M_MMAP_THRESHOLD, DAEMON_MMAP_THRESHOLD);
	err = open_everything(&d);
	if (err) {
		log_error("cannot set up the daemon: %s", strerror(-err));
		close_everything(&d);
		return EXIT_RUNTIME;
	}
	if (keep_only_net_admin() < 0) {
		log_error("cannot drop capabilities other than CAP_NET_ADMIN");
		close_everything(&d);
		return EXIT_RUNTIME;
	}
	s->retry_log = &d.host_budget;
	converge(&d, 0, "start", OBSERVE_ALL);
	log_info("running: %zu VIP%s, sysctls checked every %u s", rs_config_of(&s->run.cfg)->vip_count,
		 rs_config_of(&s->run.cfg)->vip_count == 1 ? "" : "s", s->run.cfg.sysctl_check_interval);
	update_status(&d, "READY=1\n");
	code = loop(&d);
	s->retry_log = NULL;	/* the budget lives on this stack */
	close_everything(&d);
	return code;
}
