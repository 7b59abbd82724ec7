/* report: the director's changes, failures and warnings. */
#include "director/report.h"

#include <stdio.h>
#include <string.h>

#include "director/syntax.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/text.h"

static const char *kind_name(const struct dir_item *item)
{
	static const char *const names[] = { "service", "realserver", "vip", "sysctl", "sync",
					     "sysctl" };

	if (item->kind == DIR_TUNABLE && ipvs_tunable_is_timeout(item->tunable))
		return "timeout";
	return names[item->kind];
}

static const char *action_name(const struct dir_item *item)
{
	return item->action == ACTION_ADD ? "add" : item->action == ACTION_REMOVE ? "remove" : "set";
}

static const struct ipvs_service *service_of(const struct dir_item *item)
{
	return item->want ? item->want : item->have;
}

static const char *target(const struct dir_item *item, char *buf, size_t len)
{
	char part[IPADDR_TEXT_MAX + 16];
	const struct ipvs_dest *dest = item->want_dest ? item->want_dest : item->have_dest;
	struct text t;

	switch (item->kind) {
	case DIR_SERVICE:
		return director_format_virtual(service_of(item), buf, len);
	case DIR_DEST:
		director_format_virtual(service_of(item), buf, len);
		text_init(&t, buf + strlen(buf), len - strlen(buf));
		text_str(&t, " -> ");
		text_str(&t, director_format_addrport(&dest->addr, dest->port, part, sizeof(part)));
		return buf;
	case DIR_VIP:
		return ipaddr_format_host(&item->vip, buf);
	case DIR_SYNC:
		snprintf(buf, len, "%s", ipvs_sync_role_name(item->sync_want.role));
		return buf;
	case DIR_TUNABLE:
		snprintf(buf, len, "%s", ipvs_tunable_name(item->tunable));
		return buf;
	default:
		return sysctl_full_name(item->iface, item->key, buf, len);
	}
}

/* The kernel's object before the change, the configured one after it. */
static const struct ipvs_service *service_then(const struct dir_item *item, bool before)
{
	if (before || item->action == ACTION_REMOVE)
		return before ? item->have : NULL;
	return item->want ? item->want : item->have;
}

static const struct ipvs_dest *dest_then(const struct dir_item *item, bool before)
{
	if (before || item->action == ACTION_REMOVE)
		return before ? item->have_dest : NULL;
	return item->want_dest ? item->want_dest : item->have_dest;
}

static bool vip_then(const struct dir_item *item, bool before)
{
	if (before || item->action == ACTION_NONE)
		return item->before;
	return item->action == ACTION_ADD;
}

/* A sync daemon's settings, before (the kernel's) or after (the
 * configured ones), without the role the target names. */
static const char *sync_then(const struct dir_item *item, bool before, char *buf, size_t len)
{
	const struct ipvs_daemon *daemon = before ? item->before ? &item->sync_have : NULL
					   : item->action == ACTION_REMOVE ? NULL
					   : item->after ? &item->sync_want
					   : item->before ? &item->sync_have : NULL;

	if (!daemon)
		return NULL;
	ipvs_daemon_format(daemon, buf, len);
	memmove(buf, buf + strcspn(buf, " ") + 1, strlen(buf + strcspn(buf, " ")));
	return buf;
}

/* The item's state before (BEFORE) or after, in the configuration's words;
 * NULL when absent. */
static const char *view(const struct dir_item *item, bool before, char *buf, size_t len)
{
	const struct ipvs_service *svc = service_then(item, before);
	const struct ipvs_dest *dest = dest_then(item, before);

	switch (item->kind) {
	case DIR_SERVICE:
		return svc ? director_format_settings(svc, buf, len) : NULL;
	case DIR_DEST:
		/* The options only: the target names the address already. */
		if (!dest)
			return NULL;
		director_format_realserver(dest, buf, len);
		memmove(buf, buf + strcspn(buf, " ") + 1, strlen(buf + strcspn(buf, " ")));
		return buf;
	case DIR_VIP:
		/* Where it is bound: the target names the address already. */
		if (!vip_then(item, before))
			return NULL;
		snprintf(buf, len, "dev %s", item->iface);
		return buf;
	case DIR_SYNC:
		return sync_then(item, before, buf, len);
	case DIR_TUNABLE:
		if ((before ? item->before : item->after) < 0)
			return NULL;	/* unreadable */
		snprintf(buf, len, "%d", before ? item->before : item->after);
		return buf;
	default:
		snprintf(buf, len, "%d", before ? item->before : item->after);
		return buf;
	}
}

const char *dir_item_change(const struct dir_item *item, char *buf, size_t len)
{
	char what[160], after[160], before[160];
	const char *now = item->action == ACTION_REMOVE ? NULL
			  : view(item, false, after, sizeof(after));
	struct text t;

	text_init(&t, buf, len);
	target(item, what, sizeof(what));
	if (!now || item->action == ACTION_ADD) {
		text_str(&t, now ? "add " : "remove ");
		text_str(&t, kind_name(item));
		text_char(&t, ' ');
		text_str(&t, what);
		/* A stopped daemon: which one, as a removed service says it. */
		if (!now && item->kind == DIR_SYNC)
			now = view(item, true, after, sizeof(after));
		if (now) {
			text_char(&t, ' ');
			text_str(&t, now);
		}
		return buf;
	}
	const char *was = view(item, true, before, sizeof(before));
	snprintf(buf, len, "%s %s %s: %s (was %s)", item->restore ? "restore" : "set",
		 kind_name(item), what, now,
		 was ? was : item->kind == DIR_TUNABLE ? "unreadable" : "absent");
	return buf;
}

static bool counts(const struct dir_item *item, bool check)
{
	return item->action != ACTION_NONE && (check || item->done);
}

static bool failed(const struct dir_item *item, bool check)
{
	return !check && item->action != ACTION_NONE && !item->done && item->error;
}

static struct report_tally tally_of(const struct dir_plan *plan, bool check)
{
	struct report_tally t = { 0 };
	char change[320];

	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		t.changes += counts(item, check);
		if (failed(item, check) && !t.failures++)
			snprintf(t.first_failure, sizeof(t.first_failure), "%s: %s",
				 dir_item_change(item, change, sizeof(change)), item->reason);
	}
	return t;
}

static void warning(const struct dir_item *item, char *buf, size_t len)
{
	char what[160];

	snprintf(buf, len, "%s %s %s", kind_name(item), target(item, what, sizeof(what)),
		 item->note);
}

static void report_text(FILE *out, const struct dir_plan *plan, const struct report_options *opts)
{
	struct report_tally t = tally_of(plan, opts->check);
	char line[400], msg[600];

	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		if (item->adopted && item->wanted)
			log_info("%s %s existed before lvsagent: adopted (%s, kept on stop)",
				 kind_name(item), target(item, line, sizeof(line)),
				 item->kind == DIR_SYNC ? "as configured" : "converged");
		if (item->note) {
			warning(item, line, sizeof(line));
			log_warn("%s", line);
		}
		if (counts(item, opts->check))
			fprintf(out, "%s%s\n", opts->check ? "would " : "",
				dir_item_change(item, line, sizeof(line)));
		else if (failed(item, opts->check))
			log_error("could not %s: %s", dir_item_change(item, line, sizeof(line)),
				  item->reason);
	}
	report_summary(&t, opts, msg, sizeof(msg));
	report_text_end(out, &t, msg);
}

static void json_items(struct json *json, const struct dir_plan *plan, bool check, bool failures)
{
	char what[160], before[200], after[200];

	json_array_begin(json);
	for (size_t i = 0; i < plan->count; i++) {
		const struct dir_item *item = &plan->items[i];
		if (failures ? !failed(item, check) : !counts(item, check))
			continue;
		struct report_change change = {
			.action = action_name(item), .kind = kind_name(item),
			.target = target(item, what, sizeof(what)),
			.numeric = item->kind == DIR_SYSCTL || item->kind == DIR_TUNABLE,
			.before_number = item->before, .after_number = item->after,
			.error = failures ? item->reason : NULL,
		};
		if (!change.numeric) {
			change.before = view(item, true, before, sizeof(before));
			change.after = view(item, false, after, sizeof(after));
		}
		report_json_change(json, &change);
	}
	json_array_end(json);
}

static void report_json(FILE *out, const struct dir_plan *plan, const struct report_options *opts)
{
	struct report_tally t = tally_of(plan, opts->check);
	struct json json;
	char msg[600], line[400];

	report_summary(&t, opts, msg, sizeof(msg));
	report_json_open(&json, out, t.changes > 0, t.failures > 0, msg);
	json_key(&json, "changes");
	json_items(&json, plan, opts->check, false);
	json_key(&json, "failures");
	json_items(&json, plan, opts->check, true);
	json_key(&json, "warnings");
	json_array_begin(&json);
	for (size_t i = 0; i < plan->count; i++) {
		if (!plan->items[i].note)
			continue;
		warning(&plan->items[i], line, sizeof(line));
		json_string(&json, line);
	}
	json_array_end(&json);
	json_object_end(&json);
	fputc('\n', out);
}

void director_report(FILE *out, const struct dir_plan *plan, const struct report_options *opts)
{
	if (opts->json)
		report_json(out, plan, opts);
	else
		report_text(out, plan, opts);
}
