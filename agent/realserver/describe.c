/* describe: the words for plan items, shared by every output format. */
#include "realserver/describe.h"

#include <stdio.h>
#include <sys/socket.h>

#include "kernel/nft_objects.h"
#include "lib/ipprefix.h"

const char *item_kind_name(enum item_kind kind)
{
	static const char *const names[] = { "link", "sysctl", "vip", "route", "local", "nft", "tunnel",
					       "fou" };

	return names[kind];
}

const char *item_action_name(const struct plan_item *item)
{
	switch (item->action) {
	case ACTION_ADD: return "add";
	case ACTION_REMOVE: return "remove";
	case ACTION_SET: return "set";
	default: return "none";
	}
}

const char *item_target(const struct plan_item *item, char *buf, size_t len)
{
	char addr[IPADDR_TEXT_MAX];

	switch (item->kind) {
	case ITEM_SYSCTL:
		snprintf(buf, len, "net.ipv4.conf.%s.%s", item->setting->iface,
			 sysctl_key_name(item->setting->key));
		break;
	case ITEM_LINK:
	case ITEM_TUNNEL:
		snprintf(buf, len, "%s", item->setting->iface);
		break;
	case ITEM_NFT:
		snprintf(buf, len, "table %s %s", item->table == TABLE_FILTER ? "inet" : "arp",
			 NFT_TABLE_NAME);
		break;
	case ITEM_FOU:
		snprintf(buf, len, "%u/%s", item->setting->fou.port,
			 item->setting->fou.family == AF_INET ? "ipv4" : "ipv6");
		break;
	case ITEM_LOCAL:
		snprintf(buf, len, "%s", ipprefix_format(&(struct ipprefix){ item->addr,
								    item->prefix_len }, addr));
		break;
	default:
		snprintf(buf, len, "%s", ipaddr_format_host(&item->addr, addr));
	}
	return buf;
}

const char *item_view(const struct plan_item *item, bool before, char *buf, size_t len)
{
	int value = before ? item->before : item->after;
	char target[96];

	item_target(item, target, sizeof(target));
	switch (item->kind) {
	case ITEM_SYSCTL:
		snprintf(buf, len, "sysctl %s = %d", target, value);
		return buf;
	case ITEM_LINK:
		snprintf(buf, len, "link %s %s", target, value ? "up" : "down");
		return buf;
	case ITEM_FOU:
		if (!value)
			return NULL;
		snprintf(buf, len, "fou port %s (gue)", target);
		return buf;
	case ITEM_TUNNEL:
		if (before && item->setting->missing)
			return NULL;
		snprintf(buf, len, "tunnel %s (%s) %s", target, item->setting->link_kind,
			 value ? "up" : "down");
		return buf;
	case ITEM_NFT:
		if (!value)
			return NULL;
		if (value == 2)
			snprintf(buf, len, "nft %s (not as configured)", target);
		else if (item->detail && item->detail[0])
			snprintf(buf, len, "nft %s (%s)", target, item->detail);
		else
			snprintf(buf, len, "nft %s", target);
		return buf;
	case ITEM_LOCAL:
		if (!value)
			return NULL;
		snprintf(buf, len, "local %s dev lo table local", target);
		return buf;
	default:
		if (!value)
			return NULL;
		snprintf(buf, len, "%s %s dev lo", item_kind_name(item->kind), target);
		return buf;
	}
}

const char *item_change(const struct plan_item *item, char *buf, size_t len)
{
	char view[128], target[96];

	if (item->kind == ITEM_SYSCTL) {
		snprintf(buf, len, "%s sysctl %s = %d (was %d)",
			 item->setting->restore ? "restore" : "set",
			 item_target(item, target, sizeof(target)), item->after, item->before);
	} else if (item->kind == ITEM_LINK) {
		snprintf(buf, len, "set link %s up", item->setting->iface);
	} else if (item->kind == ITEM_TUNNEL && item->setting->own &&
		   item->action == ACTION_REMOVE) {
		snprintf(buf, len, "delete tunnel %s (lvsagent's own)", item->setting->iface);
	} else if (item->kind == ITEM_TUNNEL) {
		snprintf(buf, len, "%s tunnel %s (%s)%s", item->action == ACTION_ADD ? "create" : "set",
			 item->setting->iface, item->setting->link_kind,
			 item->action == ACTION_REMOVE ? " down" : " up");
	} else if (item->kind == ITEM_NFT && item->action == ACTION_SET) {
		snprintf(buf, len, "replace %s", item_view(item, false, view, sizeof(view)));
	} else {
		item_view(item, item->action == ACTION_REMOVE, view, sizeof(view));
		snprintf(buf, len, "%s %s", item_action_name(item), view);
	}
	return buf;
}

const char *item_repair(const struct plan_item *item, char *buf, size_t len)
{
	char target[96];
	const char *kind = item_kind_name(item->kind);

	item_target(item, target, sizeof(target));
	if (item->kind == ITEM_SYSCTL)
		snprintf(buf, len, "%s was %d; set it %s %d", target, item->before,
			 item->setting->restore ? "back to" : "to", item->after);
	else if (item->kind == ITEM_LINK)
		snprintf(buf, len, "%s was down; set it up", target);
	else if (item->kind == ITEM_TUNNEL && item->action != ACTION_REMOVE)
		snprintf(buf, len, "tunnel %s was %s; %s", target,
			 item->setting->missing ? "missing" : "down",
			 item->setting->missing ? "created it and set it up" : "set it up");
	else if (item->kind == ITEM_TUNNEL)
		snprintf(buf, len, "tunnel %s is no longer configured; %s", target,
			 item->setting->own ? "deleted it" : "set it down");
	else if (item->kind == ITEM_FOU)
		snprintf(buf, len, "fou port %s %s", target, item->action == ACTION_REMOVE
			 ? "is no longer configured; removed it" : "was missing; added it back");
	else if (item->kind == ITEM_NFT && item->action != ACTION_REMOVE)
		snprintf(buf, len, "nft %s was %s; %s it", target,
			 item->before ? "changed" : "missing", item->before ? "replaced" : "restored");
	else if (item->action == ACTION_REMOVE)
		snprintf(buf, len, "%s %s is no longer configured; removed it", kind, target);
	else
		snprintf(buf, len, "%s %s was missing from lo; added it back", kind, target);
	return buf;
}

bool item_differs(const struct plan_item *item)
{
	if (item->kind == ITEM_SYSCTL && item->setting->missing)
		return true;
	if (item->conflict)
		return true;
	/* Judged by the value in force: all's holds it up (lvsagent still
	 * raises the interface's own, in case all is lowered later). */
	if (item->kind == ITEM_SYSCTL && item->wanted && item->setting->in_force)
		return false;
	if (item->action != ACTION_NONE)
		return true;
	return item->wanted && item->before != item->after;
}
