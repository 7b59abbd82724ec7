/* plan_tunable: the IPVS timeouts and net.ipv4.vs sysctls, planned with
 * the policy the forwarding sysctls follow — the value found recorded the
 * first time lvsagent changes it, put back when the configuration stops
 * naming it (and on stop) only if it still holds lvsagent's value — but
 * set exactly, not only raised: a timeout or a switch is the operator's
 * choice either way. Pure; part of plan.h. */
#include "director/plan.h"

/* A value the kernel has, configured or not. */
static void plan_known(struct dir_item *item, const struct dir_tunables *want,
		       const struct dir_tunable_record *held, int current)
{
	enum ipvs_tunable t = item->tunable;

	item->before = item->after = current;
	if (item->wanted) {
		item->after = want->value[t];
		item->action = current == item->after ? ACTION_NONE : ACTION_SET;
		/* Ours once changed; a value already there stays the kernel's. */
		if (held || item->action != ACTION_NONE) {
			item->keep_record = true;
			item->tunable_record = (struct dir_tunable_record){
				.key = t, .original = held ? held->original : current,
				.set = item->after, .pending = -1 };
		}
		return;
	}
	if (!dir_tunable_holds(held, current)) {
		item->note = "was changed since lvsagent set it: left as it is";
		return;
	}
	item->restore = true;
	item->after = held->original;
	item->action = current == held->original ? ACTION_NONE : ACTION_SET;
}

static void plan_tunable(struct dir_plan *plan, enum ipvs_tunable t, const struct dir_tunables *want,
			 const struct dir_host *host, const struct dir_owned *owned)
{
	const struct dir_tunable_record *held = dir_owned_tunable(owned, t);
	bool wanted = want && want->set[t];
	struct dir_item *item;

	if (!wanted && !held)
		return;
	item = dir_plan_new_item(plan, DIR_TUNABLE);
	item->tunable = t;
	item->wanted = wanted;
	item->ours = held != NULL;
	if (host->tunables && host->tunables->known[t]) {
		plan_known(item, want, held, host->tunables->value[t]);
		return;
	}
	/* Not read: the record stands; a configured value is attempted only
	 * when the read was tried (apply says why it cannot be). */
	item->before = -1;
	item->after = wanted ? want->value[t] : -1;
	if (held) {
		item->keep_record = true;
		item->tunable_record = *held;
	}
	if (wanted && host->tunables)
		item->action = ACTION_SET;
}

void director_plan_tunables(struct dir_plan *plan, const struct dir_tunables *want,
			    const struct dir_host *host, const struct dir_owned *owned)
{
	for (int t = 0; t < IPVS_TUNABLE_COUNT; t++)
		plan_tunable(plan, (enum ipvs_tunable)t, want, host, owned);
}

/* While a change is under way the kernel holds either value: both are
 * lvsagent's (SET the new one, PENDING the one it replaces). */
bool dir_tunable_record_at(const struct dir_item *item, const struct dir_owned *before,
			   enum own_moment moment, struct dir_tunable_record *out)
{
	const struct dir_tunable_record *held = dir_owned_tunable(before, item->tunable);

	if (item->action == ACTION_NONE) {
		*out = item->tunable_record;
		return item->keep_record;
	}
	if (item->restore) {
		if (held && (moment == OWN_DURING || !item->done))
			*out = *held;
		return held && (moment == OWN_DURING || !item->done);
	}
	if (moment == OWN_DURING) {
		*out = item->tunable_record;
		out->pending = item->before >= 0 ? item->before : -1;
		return item->keep_record;
	}
	if (item->done) {
		*out = item->tunable_record;
		return item->keep_record;
	}
	if (held)
		*out = *held;
	return held != NULL;
}
