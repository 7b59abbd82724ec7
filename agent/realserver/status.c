/* status: the plan read as "what is in place", with LSB exit codes. */
#include "realserver/status.h"

#include "lib/json.h"
#include "realserver/describe.h"

enum status_code status_code_of(const struct plan *plan, bool anything_owned)
{
	size_t differing = 0, vips_present = 0;

	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		differing += item_differs(item);
		vips_present += (item->kind == ITEM_VIP || item->kind == ITEM_LOCAL) && item->wanted &&
				item->before;
	}
	if (!differing)
		return STATUS_IN_PLACE;
	/* Nothing of ours anywhere and no VIP on lo: never started. */
	if (!vips_present && !anything_owned)
		return STATUS_NOT_APPLIED;
	return STATUS_PARTLY;
}

/* A tunnel device: up, and whose; or what start would do. */
static const char *tunnel_state(const struct plan_item *item)
{
	if (!item->wanted && item->action != ACTION_REMOVE)
		return "not configured";
	if (!item->wanted)
		return item->setting->own ? "not configured (lvsagent's own: it would delete it)"
					  : "not configured (lvsagent would set it down)";
	if (item->before && !item->ours)
		return "up (not lvsagent's: left as it is)";
	if (item->before)
		return item->setting->own ? "up (lvsagent's own device)" : "up";
	if (item->setting->own && item->setting->missing)
		return "missing (start creates it)";
	return item->setting->missing ? "missing (start creates it, loading its module)"
				      : "down (start brings it up)";
}

/* "in place", "missing", "different", "to remove", for one item. */
static const char *item_state(const struct plan_item *item)
{
	if (item->kind == ITEM_LINK)
		return item->before ? "up" : "down (start brings it up)";
	if (item->kind == ITEM_TUNNEL)
		return tunnel_state(item);
	if (item->kind == ITEM_SYSCTL && item->setting->missing)
		return "no such interface";
	if (item->conflict)
		return "conflict";
	if (item->kind == ITEM_SYSCTL && item->setting->in_force && item->action != ACTION_NONE)
		return "in force through all";
	if (!item_differs(item))
		return item->wanted && !item->ours &&
				       (item->kind == ITEM_VIP || item->kind == ITEM_LOCAL)
			       ? "in place (adopted)" : "in place";
	if (item->action == ACTION_REMOVE)
		return "not configured (lvsagent would remove it)";
	if (item->action == ACTION_ADD)
		return "missing";
	return "different";
}

static const char *code_words(enum status_code code)
{
	switch (code) {
	case STATUS_IN_PLACE: return "in place";
	case STATUS_NOT_APPLIED: return "not applied";
	default: return "partly applied or drifted";
	}
}

/* LVS-TUN's filter table: what it does, and what it dropped so far. */
static void filter_line(FILE *out, const struct plan *plan, const struct plan_item *item)
{
	char target[96];

	fprintf(out, "%-7s %-40s %s: %s", "nft", item_target(item, target, sizeof(target)),
		item_state(item), item->detail);
	if (plan->filter.directors_given)
		fprintf(out, "; %llu tunnel packet%s from others dropped",
			(unsigned long long)plan->filter_dropped, plan->filter_dropped == 1 ? "" : "s");
	fputc('\n', out);
}

static void status_line(FILE *out, const struct plan *plan, const struct plan_item *item)
{
	char target[96];

	if (item->kind == ITEM_NFT && item->table == TABLE_FILTER && item->wanted) {
		filter_line(out, plan, item);
		return;
	}
	item_target(item, target, sizeof(target));
	if (item->kind == ITEM_SYSCTL && item->setting->missing)
		fprintf(out, "%-7s %-40s %s: %s\n", "sysctl", target, item_state(item), item->note);
	else if (item->kind == ITEM_SYSCTL && item->wanted)
		fprintf(out, "%-7s %-40s %s: %d (wanted %s %d)%s%s%s\n", "sysctl", target,
			item_state(item), item->before, item->setting->exact ? "=" : ">=",
			item->setting->desired,
			item->setting->renamed_from[0] ? " (renamed from " : "",
			item->setting->renamed_from, item->setting->renamed_from[0] ? ")" : "");
	else if (item->kind == ITEM_SYSCTL)
		return;		/* saved values of interfaces no longer managed */
	else if (item->kind == ITEM_TUNNEL && item->setting->rival[0])
		fprintf(out, "%-7s %-40s %s: %s (%s)\n", item_kind_name(item->kind), target,
			item_state(item), item->note, item->setting->rival);
	else
		fprintf(out, "%-7s %-40s %s%s%s\n", item_kind_name(item->kind), target,
			item_state(item), item->note ? ": " : "", item->note ? item->note : "");
}

/* Who manages the host, in words. */
static void instance_line(FILE *out, const struct status_info *info)
{
	switch (info->claim) {
	case CLAIM_OURS:
		fprintf(out, "instance this one (lo's alias \"%s\")\n", info->alias);
		break;
	case CLAIM_OTHER:
		fprintf(out, "instance ANOTHER lvsagent, state_dir %s (lo's alias \"%s\"): it "
			"manages this host, not this configuration\n", claim_holder(info->alias),
			info->alias);
		break;
	case CLAIM_FOREIGN:
		fprintf(out, "instance unmarked (lo's alias \"%s\" is not lvsagent's)\n", info->alias);
		break;
	case CLAIM_NONE:
		fprintf(out, "instance none marked\n");
		break;
	}
}

static void status_text(FILE *out, const struct plan *plan, enum status_code code,
			const struct status_info *info)
{
	/* What an operator looks for first: the VIPs, then their routes. */
	static const enum item_kind order[] = { ITEM_VIP, ITEM_LOCAL, ITEM_ROUTE, ITEM_TUNNEL,
						ITEM_FOU, ITEM_NFT, ITEM_SYSCTL, ITEM_LINK };
	size_t differing = 0;

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (size_t i = 0; i < plan->count; i++)
			if (plan->items[i].kind == order[k])
				status_line(out, plan, &plan->items[i]);
	for (size_t i = 0; i < plan->count; i++)
		differing += item_differs(&plan->items[i]);
	instance_line(out, info);
	if (info->daemon > 0)
		fprintf(out, "daemon  running (pid %d)\n", (int)info->daemon);
	else
		fprintf(out, "daemon  not running\n");
	if (code == STATUS_PARTLY)
		fprintf(out, "lvsagent: %s: %zu of %zu items differ\n", code_words(code),
			differing, plan->count);
	else
		fprintf(out, "lvsagent: %s\n", code_words(code));
}

/* Whether lvsagent owns the item as the host is now (not as planned). */
static bool owned_now(const struct plan_item *item)
{
	if (item->kind == ITEM_SYSCTL)
		return item->setting->had_record;
	return item->ours && item->before;
}

static const char *claim_word(enum claim_state claim)
{
	static const char *const words[] = { "none", "this", "another", "unmarked" };

	return words[claim];
}

static void status_json(FILE *out, const struct plan *plan, enum status_code code,
			const struct status_info *info)
{
	struct json json;
	char target[96];

	json_init(&json, out);
	json_object_begin(&json);
	json_field_string(&json, "status", code_words(code));
	json_field_int(&json, "exit_code", code);
	json_key(&json, "daemon");
	json_object_begin(&json);
	json_field_bool(&json, "running", info->daemon > 0);
	json_key(&json, "pid");
	if (info->daemon > 0)
		json_int(&json, info->daemon);
	else
		json_null(&json);
	json_object_end(&json);
	json_key(&json, "instance");
	json_object_begin(&json);
	json_field_string(&json, "claim", claim_word(info->claim));
	json_field_string(&json, "alias", info->alias[0] ? info->alias : NULL);
	json_object_end(&json);
	json_key(&json, "items");
	json_array_begin(&json);
	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		json_object_begin(&json);
		json_field_string(&json, "kind", item_kind_name(item->kind));
		json_field_string(&json, "target", item_target(item, target, sizeof(target)));
		json_field_string(&json, "state", item_state(item));
		json_field_bool(&json, "ours", owned_now(item));
		if (item->kind == ITEM_SYSCTL) {
			json_field_int(&json, "value", item->before);
		}
		if (item->kind == ITEM_SYSCTL && item->wanted) {
			json_field_int(&json, item->setting->exact ? "wanted" : "wanted_minimum",
				       item->setting->desired);
		}
		if (item->kind == ITEM_SYSCTL && item->setting->renamed_from[0])
			json_field_string(&json, "renamed_from", item->setting->renamed_from);
		json_field_string(&json, "note", item->note);
		if (item->kind == ITEM_TUNNEL && item->setting->rival[0])
			json_field_string(&json, "picked_first", item->setting->rival);
		if (item->kind == ITEM_NFT && item->table == TABLE_FILTER && item->wanted &&
		    plan->filter.directors_given) {
			json_key(&json, "dropped");
			json_int(&json, (long long)plan->filter_dropped);
		}
		json_object_end(&json);
	}
	json_array_end(&json);
	json_object_end(&json);
	fputc('\n', out);
}

void report_status(FILE *out, const struct plan *plan, enum status_code code,
		   const struct status_info *info, bool json)
{
	if (json)
		status_json(out, plan, code, info);
	else
		status_text(out, plan, code, info);
}
