/* status: the table, what lvsagent manages of it, and the
 * differences. See status.h. */
#include "director/status.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/cli.h"
#include "director/health_view.h"
#include "director/list.h"
#include "director/report.h"
#include "director/sync_view.h"
#include "director/syntax.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/xalloc.h"

enum svc_state { ST_UNMANAGED, ST_IN_PLACE, ST_DIFFERS, ST_MISSING, ST_TO_REMOVE };

static const char *const state_names[] = {
	[ST_UNMANAGED] = "not managed", [ST_IN_PLACE] = "in place", [ST_DIFFERS] = "differs",
	[ST_MISSING] = "missing", [ST_TO_REMOVE] = "not configured: apply removes it",
};

/* One service as status shows it: the kernel's, or the configured one when
 * the kernel lacks it. */
struct row {
	const char *name;		/* [service NAME], or NULL */
	const struct ipvs_service *svc;
	enum svc_state state;
	bool adopted;
};

struct rows {
	struct row *kernel;		/* one per kernel service, in ipvsadm's order */
	struct row *missing;		/* configured, absent from the kernel */
	size_t missing_count;
	size_t differences;
	size_t wanted, wanted_missing;
};

static void note_service(struct rows *rows, const struct ipvs_table *kernel,
			 const struct dir_item *item)
{
	struct row *row;

	if (!item->have) {
		row = &rows->missing[rows->missing_count++];
		*row = (struct row){ .name = item->name, .svc = item->want, .state = ST_MISSING };
		rows->wanted_missing++;
		return;
	}
	row = &rows->kernel[item->have - kernel->services];
	row->svc = item->have;
	row->name = item->name;
	row->adopted = item->adopted;
	row->state = !item->wanted ? ST_TO_REMOVE
		     : item->action == ACTION_NONE ? ST_IN_PLACE : ST_DIFFERS;
}

/* Rows from the plan: each service item is followed by its real servers'. */
static void collect_rows(const struct dir_plan *plan, const struct ipvs_table *kernel,
			 struct rows *rows)
{
	struct row *current = NULL;

	memset(rows, 0, sizeof(*rows));
	rows->kernel = xcalloc(kernel->count, sizeof(*rows->kernel));
	rows->missing = xcalloc(plan->count, sizeof(*rows->missing));
	for (size_t i = 0; i < kernel->count; i++)
		rows->kernel[i] = (struct row){ .svc = &kernel->services[i] };
	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		rows->differences += item->action != ACTION_NONE;
		if (item->kind == DIR_SERVICE) {
			rows->wanted += item->wanted;
			note_service(rows, kernel, item);
			current = item->have ? &rows->kernel[item->have - kernel->services] : NULL;
		} else if (item->kind == DIR_DEST && item->action != ACTION_NONE && current &&
			   current->state == ST_IN_PLACE) {
			current->state = ST_DIFFERS;
		}
	}
}

static int status_code(const struct rows *rows)
{
	if (!rows->differences)
		return EXIT_DONE;
	if (rows->wanted && rows->wanted_missing == rows->wanted)
		return EXIT_NOT_APPLIED;
	return EXIT_RUNTIME;
}

/* --- text ---------------------------------------------------------------------- */

static void text_row(FILE *out, const struct row *row)
{
	char name[64], virt[80];

	if (row->name)
		snprintf(name, sizeof(name), "[service %s]", row->name);
	else
		strcpy(name, "-");
	fprintf(out, "  %-24s %-34s %s%s\n", name,
		director_format_virtual(row->svc, virt, sizeof(virt)), state_names[row->state],
		row->adopted ? " (adopted: kept on stop)" : "");
}

/* --- IPVS timeouts and sysctls ------------------------------------------------- */

static const char *tunable_state(const struct dir_item *item, char *buf, size_t len)
{
	if (item->wanted && item->action == ACTION_NONE)
		snprintf(buf, len, "in place");
	else if (item->wanted)
		snprintf(buf, len, "differs: configured %d", item->after);
	else if (item->action != ACTION_NONE)
		snprintf(buf, len, "not configured: apply puts back %d, the value found",
			 item->after);
	else
		snprintf(buf, len, "not configured%s", item->note ? ": changed by someone else, "
			 "left as it is" : "");
	return buf;
}

static void tunables_text(FILE *out, const struct dir_plan *plan)
{
	bool any = false;
	char value[16], state[96];

	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		if (item->kind != DIR_TUNABLE)
			continue;
		if (!any)
			fputs("IPVS settings:\n", out);
		any = true;
		if (item->before < 0)
			snprintf(value, sizeof(value), "unreadable");
		else
			snprintf(value, sizeof(value), "%d", item->before);
		fprintf(out, "  %-34s %-10s %s\n", ipvs_tunable_key(item->tunable), value,
			tunable_state(item, state, sizeof(state)));
	}
}

static void tunables_json(struct json *json, const struct dir_plan *plan)
{
	char state[96];

	json_key(json, "settings");
	json_array_begin(json);
	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		if (item->kind != DIR_TUNABLE)
			continue;
		json_object_begin(json);
		json_field_string(json, "key", ipvs_tunable_key(item->tunable));
		json_key(json, "value");
		if (item->before < 0)
			json_null(json);
		else
			json_int(json, item->before);
		json_key(json, "configured");
		if (item->wanted)
			json_int(json, item->after);
		else
			json_null(json);
		json_field_string(json, "state", tunable_state(item, state, sizeof(state)));
		json_object_end(json);
	}
	json_array_end(json);
}

static void status_text(FILE *out, const struct config *cfg, const struct ipvs_table *kernel,
			const struct rows *rows, const struct dir_plan *plan, int code,
			const struct status_health *sh, const struct ipvs_daemons *sync)
{
	char line[400];

	if (cfg)
		fprintf(out, "\nlvsagent (%s, manage = %s):\n", cfg->file,
			director_config_of(cfg)->manage_all ? "all" : "owned");
	else
		fprintf(out, "\nlvsagent: no configuration (%s does not exist): nothing is "
			"managed\n", CONFIG_DEFAULT_PATH);
	for (size_t i = 0; i < kernel->count; i++)
		text_row(out, &rows->kernel[i]);
	for (size_t i = 0; i < rows->missing_count; i++)
		text_row(out, &rows->missing[i]);
	sync_view_text(out, plan, sync);
	tunables_text(out, plan);
	if (cfg && sh && sh->health)
		health_view_text(out, director_config_of(cfg), sh->health, kernel, sh->daemon);
	if (rows->differences)
		fputs("director apply would:\n", out);
	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].action != ACTION_NONE)
			fprintf(out, "  %s\n", dir_item_change(&plan->items[i], line, sizeof(line)));
	if (!cfg)
		fputs("status: nothing managed\n", out);
	else if (code == EXIT_DONE)
		fputs("status: in place\n", out);
	else
		fprintf(out, "status: %s (%zu difference%s)\n",
			code == EXIT_NOT_APPLIED ? "not applied" : "partly applied or drifted",
			rows->differences, rows->differences == 1 ? "" : "s");
}

/* --- JSON ------------------------------------------------------------------------- */

static void json_netmask(struct json *json, const struct ipvs_service *svc)
{
	char mask[INET_ADDRSTRLEN];

	/* A prefix length is a number; an IPv4 mask is dotted text. */
	if (svc->af == AF_INET6)
		json_int(json, svc->netmask);
	else
		json_string(json, director_format_netmask(svc, mask, sizeof(mask)));
}

/* ipvsadm --stats and --rate, by their names there. */
static void json_stats(struct json *json, const struct ipvs_stats *st)
{
	const struct { const char *name; uint64_t value; } fields[] = {
		{ "conns", st->conns }, { "inpkts", st->inpkts }, { "outpkts", st->outpkts },
		{ "inbytes", st->inbytes }, { "outbytes", st->outbytes }, { "cps", st->cps },
		{ "inpps", st->inpps }, { "outpps", st->outpps }, { "inbps", st->inbps },
		{ "outbps", st->outbps },
	};

	json_key(json, "stats");
	json_object_begin(json);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		json_field_int(json, fields[i].name, (long long)fields[i].value);
	json_object_end(json);
}

static void json_dest(struct json *json, const struct ipvs_dest *dest, bool counters)
{
	char where[IPADDR_TEXT_MAX + 10];

	json_object_begin(json);
	json_field_string(json, "address", director_format_addrport(&dest->addr, dest->port, where, sizeof(where)));
	json_field_string(json, "method", director_method_name(dest->fwd));
	json_field_int(json, "weight", dest->weight);
	json_field_int(json, "u_threshold", dest->u_threshold);
	json_field_int(json, "l_threshold", dest->l_threshold);
	if (counters) {
		json_field_int(json, "active", dest->active);
		json_field_int(json, "inactive", dest->inactive);
		json_field_int(json, "persistent", dest->persistent);
		json_stats(json, &dest->stats);
	}
	json_object_end(json);
}

static void json_row(struct json *json, const struct row *row)
{
	const struct ipvs_service *svc = row->svc;
	char text[80];

	json_object_begin(json);
	json_field_string(json, "name", row->name);
	json_field_string(json, "virtual", director_format_virtual(svc, text, sizeof(text)));
	json_field_string(json, "state", state_names[row->state]);
	json_field_bool(json, "managed", row->state != ST_UNMANAGED);
	json_field_bool(json, "adopted", row->adopted);
	json_field_string(json, "scheduler", svc->scheduler);
	json_field_int(json, "persistence", svc->timeout);
	json_field_string(json, "pe", svc->pe_name[0] ? svc->pe_name : NULL);
	json_key(json, "netmask");
	json_netmask(json, svc);
	json_field_string(json, "flags", director_format_flags(svc, text, sizeof(text)));
	if (row->state != ST_MISSING)
		json_stats(json, &svc->stats);
	json_key(json, "realservers");
	json_array_begin(json);
	for (size_t i = 0; i < svc->dest_count; i++)
		json_dest(json, &svc->dests[i], row->state != ST_MISSING);
	json_array_end(json);
	json_object_end(json);
}

static void status_json(FILE *out, const struct config *cfg, const struct ipvs_table *kernel,
			const struct ipvs_info *info, const struct rows *rows,
			const struct dir_plan *plan, int code, const struct status_health *sh,
			const struct ipvs_daemons *sync)
{
	struct json json;
	char text[400];

	json_init(&json, out);
	json_object_begin(&json);
	json_field_bool(&json, "in_place", code == EXIT_DONE);
	json_field_string(&json, "configuration", cfg ? cfg->file : NULL);
	json_key(&json, "ipvs_version");
	snprintf(text, sizeof(text), "%u.%u.%u", (info->version >> 16) & 0xff,
		 (info->version >> 8) & 0xff, info->version & 0xff);
	json_string(&json, text);
	json_field_int(&json, "connection_table_size", info->conn_tab_size);
	json_key(&json, "services");
	json_array_begin(&json);
	for (size_t i = 0; i < kernel->count; i++)
		json_row(&json, &rows->kernel[i]);
	for (size_t i = 0; i < rows->missing_count; i++)
		json_row(&json, &rows->missing[i]);
	json_array_end(&json);
	sync_view_json(&json, plan, sync);
	tunables_json(&json, plan);
	json_key(&json, "differences");
	json_array_begin(&json);
	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].action != ACTION_NONE)
			json_string(&json, dir_item_change(&plan->items[i], text, sizeof(text)));
	json_array_end(&json);
	if (cfg && sh && sh->health) {
		json_field_int(&json, "daemon", sh->daemon);
		health_view_json(&json, director_config_of(cfg), sh->health, kernel);
	}
	json_object_end(&json);
	fputc('\n', out);
}

int director_status(FILE *out, const struct config *cfg, struct ipvs_table *kernel,
		    const struct dir_owned *owned, const struct dir_host *host,
		    struct ipvs_conn *ipvs, const struct status_health *sh,
		    const struct status_view *view)
{
	struct director_config none = { 0 };
	struct ipvs_info info;
	struct dir_plan plan;
	struct rows rows;
	int code, err = ipvs_get_info(ipvs, &info);

	if (err)
		log_warn("cannot read the IPVS version: %s", strerror(-err));
	director_sort(kernel);
	director_plan_apply(!cfg ? &none : sh && sh->want ? sh->want : director_config_of(cfg),
			    kernel, owned, host, &plan);
	collect_rows(&plan, kernel, &rows);
	rows.differences += sync_view_left_alone(&plan);
	code = status_code(&rows);
	if (view->json) {
		status_json(out, cfg, kernel, &info, &rows, &plan, code, sh, host->sync);
	} else {
		if (view->counters == STATUS_PLAIN)
			director_list(out, kernel, &info);
		else
			director_list_counters(out, kernel, &info, view->counters == STATUS_STATS
					       ? LIST_STATS : LIST_RATE, view->exact);
		status_text(out, cfg, kernel, &rows, &plan, code, sh, host->sync);
	}
	free(rows.kernel);
	free(rows.missing);
	dir_plan_free(&plan);
	return code;
}

int director_status_published(FILE *out, const struct config *cfg,
			      const struct status_health *sh, bool json)
{
	struct json j;

	if (!json) {
		fprintf(out, "lvsagent (%s): not root, so the IPVS table is not read; the health "
			"the daemon last published:\n", cfg->file);
		health_view_text(out, director_config_of(cfg), sh->health, NULL, sh->daemon);
		return EXIT_DONE;
	}
	json_init(&j, out);
	json_object_begin(&j);
	json_key(&j, "in_place");
	json_null(&j);
	json_field_string(&j, "configuration", cfg->file);
	json_field_int(&j, "daemon", sh->daemon);
	health_view_json(&j, director_config_of(cfg), sh->health, NULL);
	json_object_end(&j);
	fputc('\n', out);
	return EXIT_DONE;
}
