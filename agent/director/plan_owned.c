/* plan_owned: what lvsagent owns around a director plan — the records for
 * STATE_DIR/director before it is applied and after. Part of the plan's
 * interface (plan.h), in a file of its own to keep plan.c to planning. */
#include "director/plan.h"

/* Whether the item's object belongs to lvsagent at MOMENT (change.h). A
 * service is there before unless added, after unless removed; a VIP as
 * the plan found it and wants it. */
static bool owned_at(const struct dir_item *item, enum own_moment moment)
{
	bool before = item->kind == DIR_VIP ? item->before : item->action != ACTION_ADD;
	bool after = item->kind == DIR_VIP ? item->after : item->action != ACTION_REMOVE;

	if (!item->ours || item->adopted)
		return false;
	return change_present(item->action, item->done, before, after, moment);
}

/* A sync daemon's records: the running one's (while it runs, if ours),
 * the configured one's (once started); a restart holds both meanwhile. */
static void collect_sync(const struct dir_item *item, enum own_moment moment,
			 struct dir_owned *owned)
{
	bool kept = item->action == ACTION_NONE;

	if (!item->ours || item->adopted)
		return;
	if (change_present(item->action, item->done, item->before, kept && item->before, moment))
		dir_owned_add_sync(owned, &item->sync_have);
	if (change_present(item->action, item->done, kept && item->before, item->after, moment))
		dir_owned_add_sync(owned, &item->sync_want);
}

static void collect_owned(const struct dir_plan *plan, const struct dir_owned *before,
			  enum own_moment moment, struct dir_owned *owned)
{
	dir_owned_init(owned);
	/* Daemons not read this time: their records stand as they were. */
	for (size_t i = 0; !plan->sync_read && i < before->sync_count; i++)
		dir_owned_add_sync(owned, &before->syncs[i]);
	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		const struct saved_sysctl *held;
		struct saved_sysctl record;
		if (item->kind == DIR_SERVICE && owned_at(item, moment))
			dir_owned_add_service(owned, item->want ? item->want : item->have);
		else if (item->kind == DIR_VIP && owned_at(item, moment))
			dir_owned_add_vip(owned, &item->vip, item->iface);
		else if (item->kind == DIR_SYNC)
			collect_sync(item, moment, owned);
		if (item->kind == DIR_TUNABLE) {
			struct dir_tunable_record kept;
			if (dir_tunable_record_at(item, before, moment, &kept))
				dir_owned_add_tunable(owned, &kept);
			continue;
		}
		if (item->kind != DIR_SYSCTL)
			continue;
		held = item->ours ? dir_owned_sysctl(before, item->key) : NULL;
		if (sysctl_record_at(held, item->keep_record ? &item->record : NULL,
				     change_took_effect(item->action, item->done), moment, &record))
			dir_owned_add_sysctl(owned, &record);
	}
}

void director_owned_after(const struct dir_plan *plan, const struct dir_owned *before,
			  struct dir_owned *after)
{
	collect_owned(plan, before, OWN_AFTER, after);
}

void director_owned_intent(const struct dir_plan *plan, const struct dir_owned *before,
			   struct dir_owned *intent)
{
	collect_owned(plan, before, OWN_DURING, intent);
}
