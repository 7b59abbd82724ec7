/* health: the real servers' health state machine. See health.h. */
#include "director/health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "director/state.h"
#include "director/syntax.h"
#include "lib/hashmap.h"
#include "lib/xalloc.h"

static const char *const health_names[] = {
	[HEALTH_UP] = "up", [HEALTH_DOWN] = "down", [HEALTH_DRAINED] = "drained",
	[HEALTH_KEPT] = "kept",
};

enum dest_health health_of(const struct dest_state *state)
{
	if (state->drained)
		return HEALTH_DRAINED;
	if (state->up)
		return HEALTH_UP;
	return state->kept ? HEALTH_KEPT : HEALTH_DOWN;
}

const char *health_name(enum dest_health health)
{
	return health_names[health];
}

static bool in_rotation(const struct dest_state *state)
{
	return !state->drained && (state->up || state->kept);
}

size_t health_in_rotation(const struct service_health *service)
{
	size_t n = 0;

	for (size_t i = 0; i < service->count; i++)
		n += in_rotation(&service->dests[i]);
	return n;
}

size_t health_up(const struct service_health *service)
{
	size_t n = 0;

	for (size_t i = 0; i < service->count; i++)
		n += service->dests[i].up && !service->dests[i].drained;
	return n;
}

/* STATE's shown health may have moved on from BEFORE: when it did, it is
 * shown since NOW_MS, and one more transition for the metrics. */
static bool note_shown(struct dest_state *state, enum dest_health before, uint64_t now_ms)
{
	if (health_of(state) == before)
		return false;
	state->since_ms = now_ms;
	state->transitions++;
	return true;
}

/* --- start-up and reload ------------------------------------------------------ */

/* A real server's identity across tables: its service's key and its own. */
struct dest_id {
	struct ipvs_service_key svc;
	struct ipvs_dest_key dest;
};

static void dest_id(const struct ipvs_service *svc, const struct ipvs_dest *dest,
		    struct dest_id *id)
{
	memset(id, 0, sizeof(*id));
	ipvs_service_key(svc, &id->svc);
	ipvs_dest_key(dest, &id->dest);
}

/* What health_init looks real servers up in. */
struct init_index {
	struct hashmap kernel_up;	/* the kernel's real servers with weight > 0 */
	struct hashmap prev_services;	/* the previous services → index */
	struct hashmap prev_dests;	/* the previous real servers → index in their service */
	const struct health *previous;
};

/* SVC's real servers into MAP, each to its index; with POSITIVE only those
 * with a weight above 0. */
static void index_dests(struct hashmap *map, const struct ipvs_service *svc, bool positive)
{
	struct dest_id id;

	for (size_t i = 0; i < svc->dest_count; i++) {
		if (positive && !svc->dests[i].weight)
			continue;
		dest_id(svc, &svc->dests[i], &id);
		hashmap_put(map, &id, i);
	}
}

static void index_kernel(struct init_index *ix, const struct ipvs_table *kernel)
{
	size_t count = kernel ? kernel->count : 0;

	hashmap_init(&ix->kernel_up, sizeof(struct dest_id), count);
	for (size_t i = 0; i < count; i++)
		index_dests(&ix->kernel_up, &kernel->services[i], true);
}

static void index_previous(struct init_index *ix, const struct director_config *cfg)
{
	size_t count = cfg ? cfg->service_count : 0;
	struct ipvs_service_key key;

	hashmap_init(&ix->prev_services, sizeof(key), count);
	hashmap_init(&ix->prev_dests, sizeof(struct dest_id), count);
	for (size_t i = 0; i < count; i++) {
		ipvs_service_key(&cfg->services[i].svc, &key);
		hashmap_put(&ix->prev_services, &key, i);
		index_dests(&ix->prev_dests, &cfg->services[i].svc, false);
	}
}

/* The previous health of SVC's virtual, or NULL. */
static const struct service_health *previous_service(const struct init_index *ix,
						     const struct ipvs_service *svc)
{
	struct ipvs_service_key key;
	size_t at;

	ipvs_service_key(svc, &key);
	if (!ix->previous || !hashmap_get(&ix->prev_services, &key, &at))
		return NULL;
	return &ix->previous->services[at];
}

/* A real server that has no state yet. Kernel_up: the kernel gives it
 * traffic, which a restart must not cut before its checks say so; else it
 * waits for its first pass, so that a dead one never gets traffic because
 * the daemon started. Unchecked: check = none, up for good. */
static void start_dest(struct dest_state *state, bool kernel_up, bool unchecked,
		       uint64_t now_ms)
{
	memset(state, 0, sizeof(*state));
	state->up = kernel_up || unchecked;
	state->decided = unchecked;
	state->since_ms = now_ms;
}

/* check = none (perhaps since this reload): up, whatever came before. */
static void force_up(struct dest_state *state, uint64_t now_ms)
{
	enum dest_health before = health_of(state);

	state->up = state->decided = true;
	state->kept = false;
	note_shown(state, before, now_ms);
}

static void init_dest(struct dest_state *state, const struct dir_service *service, size_t i,
		      const struct init_index *ix, const struct service_health *prev,
		      uint64_t now_ms)
{
	bool unchecked = service->check.kind == CHECK_NONE;
	struct dest_id id;
	size_t at;

	dest_id(&service->svc, &service->svc.dests[i], &id);
	if (prev && hashmap_get(&ix->prev_dests, &id, &at))
		*state = prev->dests[at];
	else
		start_dest(state, hashmap_get(&ix->kernel_up, &id, &at), unchecked, now_ms);
	if (unchecked)
		force_up(state, now_ms);
}

/* Whether the sorry server is in already: a reload keeps what the previous
 * state said, a start-up believes the kernel (so neither says it again). */
static bool sorry_was_in(const struct dir_service *service, const struct init_index *ix,
			 const struct service_health *prev)
{
	struct dest_id id;
	size_t at;

	if (!service->check.has_sorry)
		return false;
	if (prev)
		return prev->sorry_in;
	dest_id(&service->svc, &service->check.sorry, &id);
	return hashmap_get(&ix->kernel_up, &id, &at);
}

static void init_service(struct service_health *sh, const struct dir_service *service,
			 const struct init_index *ix, uint64_t now_ms)
{
	const struct service_health *prev = previous_service(ix, &service->svc);

	sh->count = service->svc.dest_count;
	sh->dests = xcalloc(sh->count, sizeof(*sh->dests));
	for (size_t i = 0; i < sh->count; i++)
		init_dest(&sh->dests[i], service, i, ix, prev, now_ms);
	sh->sorry_in = sorry_was_in(service, ix, prev);
}

void health_init(struct health *h, const struct director_config *cfg,
		 const struct ipvs_table *kernel, const struct health *previous,
		 const struct director_config *previous_cfg, uint64_t now_ms)
{
	struct init_index ix = { .previous = previous_cfg ? previous : NULL };

	index_kernel(&ix, kernel);
	index_previous(&ix, ix.previous ? previous_cfg : NULL);
	h->count = cfg->service_count;
	h->services = xcalloc(h->count, sizeof(*h->services));
	for (size_t i = 0; i < h->count; i++)
		init_service(&h->services[i], &cfg->services[i], &ix, now_ms);
	hashmap_free(&ix.kernel_up);
	hashmap_free(&ix.prev_services);
	hashmap_free(&ix.prev_dests);
}

void health_free(struct health *h)
{
	for (size_t i = 0; i < h->count; i++)
		free(h->services[i].dests);
	free(h->services);
	memset(h, 0, sizeof(*h));
}

/* --- results ------------------------------------------------------------------ */

/* "web 10.10.10.12:80": how the log lines name DEST of SERVICE. */
static const char *dest_name(const struct dir_service *service, const struct ipvs_dest *dest,
			     char *buf, size_t len)
{
	char addr[64];

	director_format_addrport(&dest->addr, dest->port, addr, sizeof(addr));
	snprintf(buf, len, "%s %s", service->name, addr);
	return buf;
}

/* The configuration asks for at least 1; a hand-made one may say 0, which
 * would turn the verdict on any result. */
static unsigned threshold(unsigned n)
{
	return n ? n : 1;
}

static void note_result(struct dest_state *state, bool passed, const char *result,
			uint32_t latency_us)
{
	state->checked = true;
	state->last_passed = passed;
	state->last_latency_us = latency_us;
	snprintf(state->last_result, sizeof(state->last_result), "%s", result ? result : "");
	state->passes = passed ? state->passes + 1 : 0;
	state->failures = passed ? 0 : state->failures + 1;
}

/* Whether STATE's verdict turns, its counts being in: fall failures take
 * an up one down, rise passes bring a down one up — or its first pass,
 * while no check has decided it yet. */
static bool turns(const struct dest_state *state, const struct dir_check *check)
{
	if (state->up)
		return state->failures >= threshold(check->fall);
	return state->passes >= threshold(check->rise) || (state->passes && !state->decided);
}

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

/* The log line of a turned verdict. FIRST: no result came before this one;
 * GUESSED: the verdict was the start-up guess. */
static void say_turn(const struct dir_service *service, const struct service_health *sh,
		     size_t i, bool first, bool guessed, char *line, size_t len)
{
	const struct dest_state *state = &sh->dests[i];
	char who[128], tally[48];

	dest_name(service, &service->svc.dests[i], who, sizeof(who));
	snprintf(tally, sizeof(tally), "%zu of %zu up", health_up(sh), sh->count);
	if (!state->up)
		snprintf(line, len, "%s down after %u failed check%s (%s); %s", who,
			 state->failures, plural(state->failures), state->last_result, tally);
	else if (guessed)
		snprintf(line, len, "%s up: its first %s; %s", who,
			 first ? "check passed" : "passed check", tally);
	else
		snprintf(line, len, "%s up after %u passed check%s; %s", who, state->passes,
			 plural(state->passes), tally);
}

bool health_record(struct health *h, const struct director_config *cfg, size_t svc, size_t dest,
		   bool passed, const char *result, uint32_t latency_us, uint64_t now_ms,
		   char *line, size_t len)
{
	const struct dir_service *service = &cfg->services[svc];
	struct dest_state *state = &h->services[svc].dests[dest];
	enum dest_health before = health_of(state);
	bool first = !state->checked, guessed = !state->decided;

	note_result(state, passed, result, latency_us);
	if (service->check.kind == CHECK_NONE)
		return false;	/* never checked: up for good */
	if (!turns(state, &service->check)) {
		/* A pass confirms the start-up guess "up": a verdict now. */
		state->decided = state->decided || (state->up && passed);
		return false;
	}
	state->up = passed;
	state->decided = true;
	state->kept = false;	/* kept is for down ones; min_up looks again in settle */
	if (!passed)
		state->down_at_ms = now_ms;
	note_shown(state, before, now_ms);
	say_turn(service, &h->services[svc], dest, first, guessed, line, len);
	return true;
}

bool health_set_drained(struct health *h, size_t svc, size_t dest, bool drained,
			uint64_t now_ms)
{
	struct dest_state *state = &h->services[svc].dests[dest];
	enum dest_health before = health_of(state);

	if (state->drained == drained)
		return false;
	state->drained = drained;
	/* Drained is never kept; an undrained down one is settle's to keep. */
	state->kept = false;
	note_shown(state, before, now_ms);
	return true;
}

/* --- min_up and sorry servers --------------------------------------------------- */

typedef void (*say_fn)(void *user, const char *line);

/* How many real servers of SERVICE min_up wants in rotation. */
static size_t min_in_rotation(const struct dir_check *check, size_t count)
{
	if (!check->min_up_percent)
		return check->min_up;
	return ((size_t)check->min_up * count + 99) / 100;	/* rounded up */
}

/* A real server min_up could keep. */
struct candidate {
	uint64_t down_at_ms;
	bool kept;
	size_t index;
};

/* The most recently down first; on a tie the one kept already (no churn),
 * then configuration order. */
static int by_recency(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->down_at_ms != y->down_at_ms)
		return x->down_at_ms > y->down_at_ms ? -1 : 1;
	if (x->kept != y->kept)
		return x->kept ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Which of SH's real servers to keep: KEEP[i], and their number. Down, not
 * drained and decided ones only: one no check has passed since it appeared
 * (new, or down in the kernel when the daemon started) is never kept, as a
 * dead one must not get traffic because it is new or the daemon started. */
static size_t choose_kept(const struct service_health *sh, size_t wanted, bool *keep)
{
	size_t up = health_up(sh), n = 0, chosen;
	struct candidate *c;

	if (wanted <= up)
		return 0;
	c = xcalloc(sh->count, sizeof(*c));
	for (size_t i = 0; i < sh->count; i++) {
		const struct dest_state *s = &sh->dests[i];
		if (!s->up && !s->drained && s->decided)
			c[n++] = (struct candidate){ s->down_at_ms, s->kept, i };
	}
	qsort(c, n, sizeof(*c), by_recency);
	chosen = wanted - up < n ? wanted - up : n;
	for (size_t i = 0; i < chosen; i++)
		keep[c[i].index] = true;
	free(c);
	return chosen;
}

static void tell(say_fn fn, void *user, const char *line)
{
	if (fn)
		fn(user, line);
}

static void say_kept(const struct dir_service *service, const struct service_health *sh,
		     size_t i, size_t rotation, say_fn fn, void *user)
{
	char who[128], line[256];

	dest_name(service, &service->svc.dests[i], who, sizeof(who));
	if (sh->dests[i].kept)
		snprintf(line, sizeof(line), "%s kept in rotation although down (min_up = %u%s)",
			 who, service->check.min_up, service->check.min_up_percent ? "%" : "");
	else
		snprintf(line, sizeof(line), "%s no longer kept: %zu of %zu in rotation", who,
			 rotation, sh->count);
	tell(fn, user, line);
}

/* Keep (or no longer) the real servers min_up chose; whether any changed. */
static bool settle_kept(struct service_health *sh, const struct dir_service *service,
			uint64_t now_ms, say_fn fn, void *user)
{
	bool *keep = xcalloc(sh->count, sizeof(*keep)), changed = false;
	size_t wanted = min_in_rotation(&service->check, sh->count);
	size_t rotation = health_up(sh) + choose_kept(sh, wanted, keep);

	for (size_t i = 0; i < sh->count; i++) {
		struct dest_state *s = &sh->dests[i];
		enum dest_health before = health_of(s);
		if (s->kept == keep[i])
			continue;
		s->kept = keep[i];
		note_shown(s, before, now_ms);
		say_kept(service, sh, i, rotation, fn, user);
		changed = true;
	}
	free(keep);
	return changed;
}

/* The sorry server is in while no real server is in rotation. */
static bool settle_sorry(struct service_health *sh, const struct dir_service *service,
			 say_fn fn, void *user)
{
	bool in = service->check.has_sorry && !health_in_rotation(sh);
	char addr[64], line[192];

	if (in == sh->sorry_in)
		return false;
	sh->sorry_in = in;
	director_format_addrport(&service->check.sorry.addr, service->check.sorry.port, addr,
				 sizeof(addr));
	if (in)
		snprintf(line, sizeof(line),
			 "%s: no real server in rotation: sorry server %s gets the traffic",
			 service->name, addr);
	else
		snprintf(line, sizeof(line), "%s: a real server is back: sorry server %s removed",
			 service->name, addr);
	tell(fn, user, line);
	return true;
}

bool health_settle(struct health *h, const struct director_config *cfg, uint64_t now_ms,
		   void (*say)(void *user, const char *line), void *user)
{
	bool changed = false;

	for (size_t i = 0; i < h->count; i++) {
		changed |= settle_kept(&h->services[i], &cfg->services[i], now_ms, say, user);
		changed |= settle_sorry(&h->services[i], &cfg->services[i], say, user);
	}
	return changed;
}

/* --- the table the kernel should have ---------------------------------------- */

/* SERVICE as the kernel should have it: OUT shares nothing with it but
 * its real servers' arrays are its own (the per-line side arrays are not
 * copied: the planner reads the name and svc only). */
static void effective_service(const struct dir_service *service, const struct service_health *sh,
			      struct dir_service *out)
{
	*out = *service;
	out->dest_lines = NULL;
	out->dest_port_given = NULL;
	out->dest_checks = NULL;
	out->svc.dests = NULL;
	out->svc.dest_count = out->svc.dest_capacity = 0;
	for (size_t i = 0; i < service->svc.dest_count; i++) {
		struct ipvs_dest dest = service->svc.dests[i];
		const struct dest_state *s = &sh->dests[i];
		if (!in_rotation(s)) {
			/* A drained one stays at 0: its connections finish, and
			 * drain status counts them. */
			if (service->check.remove_on_failure && !s->drained)
				continue;
			dest.weight = 0;
		}
		ipvs_service_add_dest(&out->svc, &dest);
	}
	if (sh->sorry_in)
		ipvs_service_add_dest(&out->svc, &service->check.sorry);
}

void health_effective(const struct director_config *cfg, const struct health *h,
		      struct director_config *out)
{
	*out = *cfg;
	out->metrics_file = cfg->metrics_file ? xstrdup(cfg->metrics_file) : NULL;
	out->services = xcalloc(cfg->service_count, sizeof(*out->services));
	out->service_capacity = cfg->service_count;
	for (size_t i = 0; i < cfg->service_count; i++)
		effective_service(&cfg->services[i], &h->services[i], &out->services[i]);
}

void health_effective_free(struct director_config *out)
{
	for (size_t i = 0; i < out->service_count; i++)
		ipvs_service_free(&out->services[i].svc);
	free(out->services);
	free(out->metrics_file);
	memset(out, 0, sizeof(*out));
}
