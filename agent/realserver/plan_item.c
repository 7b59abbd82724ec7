/* plan_item: the items of a plan. See plan_item.h. */
#include "realserver/plan_item.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

_Static_assert(sizeof(struct plan_item) == 64, "a plan item stays at one cache line");

bool item_has_setting(enum item_kind kind)
{
	return kind == ITEM_SYSCTL || kind == ITEM_LINK || kind == ITEM_TUNNEL || kind == ITEM_FOU;
}

struct plan_item *plan_new_item(struct plan *plan, enum item_kind kind)
{
	struct plan_item *item;

	XGROW(plan->items, plan->count, plan->capacity);
	item = &plan->items[plan->count++];
	memset(item, 0, sizeof(*item));
	item->kind = kind;
	if (item_has_setting(kind))
		item->setting = xcalloc(1, sizeof(*item->setting));
	return item;
}

size_t plan_change_count(const struct plan *plan)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->count; i++)
		n += plan->items[i].action != ACTION_NONE;
	return n;
}

void plan_free(struct plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		struct plan_item *item = &plan->items[i];
		free(item->reason);
		if (item->kind == ITEM_NFT)
			free(item->detail);
		else if (item_has_setting(item->kind))
			free(item->setting);
	}
	free(plan->items);
	nft_desired_free(&plan->nft);
	nft_filter_free(&plan->filter);
	memset(plan, 0, sizeof(*plan));
}

void plan_unwanted_table(struct plan *plan, enum nft_table table)
{
	struct plan_item *item = plan_new_item(plan, ITEM_NFT);

	item->table = (uint8_t)table;
	item->ours = true;
	item->before = 1;
	item->action = ACTION_REMOVE;
}

struct plan_item *plan_wanted_table(struct plan *plan, enum nft_table table, int state)
{
	struct plan_item *item = plan_new_item(plan, ITEM_NFT);

	item->table = (uint8_t)table;
	item->wanted = item->ours = true;
	item->before = state;
	item->after = 1;
	item->action = state == 1 ? ACTION_NONE : state == 2 ? ACTION_SET : ACTION_ADD;
	return item;
}

int plan_table_state(const char *wanted, const char *observed)
{
	return strcmp(wanted, observed) == 0 ? 1 : 2;
}
