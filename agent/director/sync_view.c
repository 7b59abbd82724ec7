/* sync_view: the sync daemons in status. See sync_view.h. */
#include "director/sync_view.h"

#include <string.h>

/* One role as shown: its plan item, or a daemon nobody configured. */
struct sync_row {
	const struct dir_item *item;	/* NULL: not managed */
	const struct ipvs_daemon *daemon;	/* the running one, else the configured */
	bool running;
	const char *state;
};

static const struct dir_item *role_item(const struct dir_plan *plan, enum ipvs_sync_role role)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].kind == DIR_SYNC && plan->items[i].sync_want.role == role)
			return &plan->items[i];
	return NULL;
}

static const char *item_state(const struct dir_item *item)
{
	switch (item->action) {
	case ACTION_ADD:
		return "missing: apply starts it";
	case ACTION_SET:
		return "differs: apply restarts it";
	case ACTION_REMOVE:
		return "not configured: apply stops it";
	default:
		break;
	}
	if (item->differs)
		return "differs: not lvsagent's, left alone";
	return item->adopted ? "in place (adopted: kept on stop)" : "in place";
}

/* false: nothing to show for ROLE. */
static bool row_of(const struct dir_plan *plan, const struct ipvs_daemons *kernel,
		   enum ipvs_sync_role role, struct sync_row *row)
{
	memset(row, 0, sizeof(*row));
	row->item = role_item(plan, role);
	row->running = kernel->running[role];
	row->daemon = row->running ? &kernel->daemon[role]
		      : row->item ? &row->item->sync_want : NULL;
	row->state = row->item ? item_state(row->item) : "not managed";
	return row->daemon != NULL;
}

size_t sync_view_left_alone(const struct dir_plan *plan)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->count; i++)
		n += plan->items[i].kind == DIR_SYNC && plan->items[i].action == ACTION_NONE &&
		     plan->items[i].differs;
	return n;
}

void sync_view_text(FILE *out, const struct dir_plan *plan, const struct ipvs_daemons *kernel)
{
	struct sync_row row;
	char text[160];
	bool header = false;

	for (int role = 0; kernel && role < IPVS_SYNC_ROLES; role++) {
		if (!row_of(plan, kernel, role, &row))
			continue;
		if (!header)
			fputs("sync daemons:\n", out);
		header = true;
		fprintf(out, "  %-60s %s%s\n", ipvs_daemon_format(row.daemon, text, sizeof(text)),
			row.running ? "" : "not running: ", row.state);
	}
}

static void json_optional(struct json *json, const char *key, unsigned value)
{
	json_key(json, key);
	if (value)
		json_int(json, value);
	else
		json_null(json);
}

static void json_row(struct json *json, const struct sync_row *row)
{
	const struct ipvs_daemon *d = row->daemon;
	char group[IPADDR_TEXT_MAX];

	json_object_begin(json);
	json_field_string(json, "role", ipvs_sync_role_name(d->role));
	json_field_bool(json, "running", row->running);
	json_field_string(json, "state", row->state);
	json_field_bool(json, "managed", row->item != NULL);
	json_field_bool(json, "started_by_lvsagent", row->item && row->item->ours &&
			!row->item->adopted);
	json_field_string(json, "interface", d->ifname);
	json_field_int(json, "sync_id", d->syncid);
	json_optional(json, "port", d->port);
	json_optional(json, "ttl", d->ttl);
	json_field_string(json, "group", d->group.family ? ipaddr_format(&d->group, group) : NULL);
	json_optional(json, "maxlen", d->maxlen);
	json_object_end(json);
}

void sync_view_json(struct json *json, const struct dir_plan *plan,
		    const struct ipvs_daemons *kernel)
{
	struct sync_row row;

	json_key(json, "sync_daemons");
	json_array_begin(json);
	for (int role = 0; kernel && role < IPVS_SYNC_ROLES; role++)
		if (row_of(plan, kernel, role, &row))
			json_row(json, &row);
	json_array_end(json);
}
