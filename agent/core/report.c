/* report: what both parts' reports share. See report.h. */
#include "core/report.h"

#include <stdio.h>

#include "lib/json.h"
#include "lib/log.h"

void report_summary(const struct report_tally *t, const struct report_options *opts, char *buf,
		    size_t len)
{
	if (t->failures)
		snprintf(buf, len, "%zu of %zu changes failed; first: %s", t->failures,
			 t->failures + t->changes, t->first_failure);
	else if (!t->changes)
		snprintf(buf, len, "%s: nothing to change", opts->verb);
	else
		snprintf(buf, len, "%s: %zu change%s%s", opts->verb, t->changes,
			 t->changes == 1 ? "" : "s", opts->check ? " planned (check mode)" : "");
}

void report_text_end(FILE *out, const struct report_tally *t, const char *msg)
{
	if (t->failures)
		log_error("%s", msg);
	else if (!t->changes)
		fprintf(out, "%s\n", msg);
}

void report_json_change(struct json *json, const struct report_change *change)
{
	json_object_begin(json);
	json_field_string(json, "action", change->action);
	json_field_string(json, "kind", change->kind);
	json_field_string(json, "target", change->target);
	json_key(json, "before");
	if (change->numeric)
		json_int(json, change->before_number);
	else
		json_string(json, change->before);
	json_key(json, "after");
	if (change->numeric)
		json_int(json, change->after_number);
	else
		json_string(json, change->after);
	if (change->error) {
		json_field_string(json, "error", change->error);
	}
	json_object_end(json);
}

void report_json_open(struct json *json, FILE *out, bool changed, bool failed, const char *msg)
{
	json_init(json, out);
	json_object_begin(json);
	json_field_bool(json, "changed", changed);
	json_field_bool(json, "failed", failed);
	json_field_string(json, "msg", msg);
}

void report_json_failure(FILE *out, const char *msg)
{
	struct json json;

	report_json_open(&json, out, false, true, msg);
	json_key(&json, "changes");
	json_array_begin(&json);
	json_array_end(&json);
	json_object_end(&json);
	fputc('\n', out);
}
