/* report: changes, failures and warnings of a real-server plan, as text
 * or JSON. See report.h. */
#include "realserver/report.h"

#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "lib/json.h"
#include "lib/log.h"
#include "realserver/describe.h"

/* A change to report: applied, or planned in check mode. */
static bool counts_as_change(const struct plan_item *item, bool check)
{
	return item->action != ACTION_NONE && (check || item->done);
}

static bool failed(const struct plan_item *item)
{
	return item->action != ACTION_NONE && !item->done && item->error;
}

static struct report_tally count(const struct plan *plan, bool check)
{
	struct report_tally t = { 0 };
	char change[256];

	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		t.changes += counts_as_change(item, check);
		if (!check && failed(item) && !t.failures++)
			snprintf(t.first_failure, sizeof(t.first_failure), "%s: %s",
				 item_change(item, change, sizeof(change)), item->reason);
	}
	return t;
}

static void warning_text(const struct plan_item *item, char *buf, size_t len)
{
	char target[96];

	snprintf(buf, len, "%s %s %s", item_kind_name(item->kind),
		 item_target(item, target, sizeof(target)), item->note);
}

/* --- text ------------------------------------------------------------- */

static void text_diff(FILE *out, const struct plan *plan, bool check)
{
	char line[160];

	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		if (!counts_as_change(item, check))
			continue;
		if (item_view(item, true, line, sizeof(line)))
			fprintf(out, "-%s\n", line);
		if (item_view(item, false, line, sizeof(line)))
			fprintf(out, "+%s\n", line);
	}
}

static void report_text(FILE *out, const struct plan *plan, const struct report_options *opts)
{
	struct report_tally t = count(plan, opts->check);
	char line[256], text[512];

	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		if (item->note) {
			warning_text(item, line, sizeof(line));
			log_warn("%s", line);
		}
		if (counts_as_change(item, opts->check))
			fprintf(out, "%s%s\n", opts->check ? "would " : "",
				item_change(item, line, sizeof(line)));
		else if (failed(item))
			log_error("could not %s: %s", item_change(item, line, sizeof(line)),
				  item->reason);
	}
	if (opts->diff)
		text_diff(out, plan, opts->check);
	report_summary(&t, opts, text, sizeof(text));
	report_text_end(out, &t, text);
}

/* --- JSON ------------------------------------------------------------- */

static void json_item(struct json *json, const struct plan_item *item, bool with_error)
{
	char target[96], before[160], after[160];
	struct report_change change = {
		.action = item->kind == ITEM_SYSCTL && item->setting->restore
			  ? "set" : item_action_name(item),
		.kind = item_kind_name(item->kind),
		.target = item_target(item, target, sizeof(target)),
		.numeric = item->kind == ITEM_SYSCTL,
		.before_number = item->before, .after_number = item->after,
		.error = with_error ? item->reason : NULL,
	};

	if (!change.numeric) {
		change.before = item_view(item, true, before, sizeof(before));
		change.after = item_view(item, false, after, sizeof(after));
	}
	report_json_change(json, &change);
}

static void json_items(struct json *json, const struct plan *plan, bool check, bool failures)
{
	json_array_begin(json);
	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		if (failures ? (!check && failed(item)) : counts_as_change(item, check))
			json_item(json, item, failures);
	}
	json_array_end(json);
}

static void json_warnings(struct json *json, const struct plan *plan)
{
	char line[256];

	json_array_begin(json);
	for (size_t i = 0; i < plan->count; i++) {
		if (!plan->items[i].note)
			continue;
		warning_text(&plan->items[i], line, sizeof(line));
		json_string(json, line);
	}
	json_array_end(json);
}

/* The managed part of the host as text, one item per line. */
static char *view_text(const struct plan *plan, bool before, bool check)
{
	char *text = NULL, line[160];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	for (size_t i = 0; out && i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		/* After a failed change the host still shows the before state. */
		bool as_before = before || (!check && item->action != ACTION_NONE && !item->done);
		if (item_view(item, as_before, line, sizeof(line)))
			fprintf(out, "%s\n", line);
	}
	if (out)
		fclose(out);
	return text;
}

static void json_diff(struct json *json, const struct plan *plan, bool check)
{
	char *before = view_text(plan, true, check), *after = view_text(plan, false, check);

	json_object_begin(json);
	json_field_string(json, "before", before ? before : "");
	json_field_string(json, "after", after ? after : "");
	json_field_string(json, "before_header", "lvsagent: host before");
	json_field_string(json, "after_header", check ? "lvsagent: host after (check mode)" : "lvsagent: host after");
	json_object_end(json);
	free(before);
	free(after);
}

static void report_json(FILE *out, const struct plan *plan, const struct report_options *opts)
{
	struct report_tally t = count(plan, opts->check);
	struct json json;
	char msg[512];

	report_summary(&t, opts, msg, sizeof(msg));
	report_json_open(&json, out, t.changes > 0, t.failures > 0, msg);
	json_key(&json, "changes");
	json_items(&json, plan, opts->check, false);
	json_key(&json, "failures");
	json_items(&json, plan, opts->check, true);
	json_key(&json, "warnings");
	json_warnings(&json, plan);
	if (opts->diff) {
		json_key(&json, "diff");
		json_diff(&json, plan, opts->check);
	}
	json_object_end(&json);
	fputc('\n', out);
}

void report_plan(FILE *out, const struct plan *plan, const struct report_options *opts)
{
	if (opts->json)
		report_json(out, plan, opts);
	else
		report_text(out, plan, opts);
}

