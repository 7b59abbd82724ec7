/* report: changes, failures and warnings of a plan, as text or JSON. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"

/* A change to report: applied, or planned in check mode. */
static bool counts_as_change(const struct plan_item *item, bool check)
{
	return item->action != ACTION_NONE && (check || item->done);
}

static bool failed(const struct plan_item *item)
{
	return item->action != ACTION_NONE && !item->done && item->error;
}

struct tally {
	size_t changes, failures;
	const struct plan_item *first_failure;
};

static struct tally count(const struct plan *plan, bool check)
{
	struct tally t = { 0 };

	for (size_t i = 0; i < plan->count; i++) {
		const struct plan_item *item = &plan->items[i];
		t.changes += counts_as_change(item, check);
		if (!check && failed(item)) {
			if (!t.failures++)
				t.first_failure = item;
		}
	}
	return t;
}

static void summary(const struct plan *plan, const struct report_options *opts,
		    char *buf, size_t len)
{
	struct tally t = count(plan, opts->check);
	char change[256];

	if (t.failures) {
		snprintf(buf, len, "%zu of %zu changes failed; first: %s: %s", t.failures,
			 t.failures + t.changes,
			 item_change(t.first_failure, change, sizeof(change)),
			 t.first_failure->reason);
	} else if (!t.changes) {
		snprintf(buf, len, "%s: nothing to change", opts->verb);
	} else {
		snprintf(buf, len, "%s: %zu change%s%s", opts->verb, t.changes,
			 t.changes == 1 ? "" : "s", opts->check ? " planned (check mode)" : "");
	}
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
	struct tally t = count(plan, opts->check);
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
	summary(plan, opts, text, sizeof(text));
	if (t.failures)
		log_error("%s", text);
	else if (!t.changes)
		fprintf(out, "%s\n", text);
}

/* --- JSON ------------------------------------------------------------- */

static void json_view(struct json *json, const struct plan_item *item, bool before)
{
	char line[160];

	if (item->kind == ITEM_SYSCTL)
		json_int(json, before ? item->before : item->after);
	else
		json_string(json, item_view(item, before, line, sizeof(line)));
}

static void json_item(struct json *json, const struct plan_item *item, bool with_error)
{
	char target[96];

	json_object_begin(json);
	json_key(json, "action");
	json_string(json, item->restore ? "set" : item_action_name(item));
	json_key(json, "kind");
	json_string(json, item_kind_name(item->kind));
	json_key(json, "target");
	json_string(json, item_target(item, target, sizeof(target)));
	json_key(json, "before");
	json_view(json, item, true);
	json_key(json, "after");
	json_view(json, item, false);
	if (with_error) {
		json_key(json, "error");
		json_string(json, item->reason);
	}
	json_object_end(json);
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
	json_key(json, "before");
	json_string(json, before ? before : "");
	json_key(json, "after");
	json_string(json, after ? after : "");
	json_key(json, "before_header");
	json_string(json, "lvsagent: host before");
	json_key(json, "after_header");
	json_string(json, check ? "lvsagent: host after (check mode)" : "lvsagent: host after");
	json_object_end(json);
	free(before);
	free(after);
}

static void report_json(FILE *out, const struct plan *plan, const struct report_options *opts)
{
	struct tally t = count(plan, opts->check);
	struct json json;
	char msg[512];

	summary(plan, opts, msg, sizeof(msg));
	json_init(&json, out);
	json_object_begin(&json);
	json_key(&json, "changed");
	json_bool(&json, t.changes > 0);
	json_key(&json, "failed");
	json_bool(&json, t.failures > 0);
	json_key(&json, "msg");
	json_string(&json, msg);
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

void report_json_failure(FILE *out, const char *msg)
{
	struct json json;

	json_init(&json, out);
	json_object_begin(&json);
	json_key(&json, "changed");
	json_bool(&json, false);
	json_key(&json, "failed");
	json_bool(&json, true);
	json_key(&json, "msg");
	json_string(&json, msg);
	json_key(&json, "changes");
	json_array_begin(&json);
	json_array_end(&json);
	json_object_end(&json);
	fputc('\n', out);
}
