/* report: what the real server's and the director's reports share — the
 * options, the one-line summary of a run, and the JSON envelope Ansible
 * reads ({changed, failed, msg, ...}) with its entries. */
#ifndef LVSAGENT_CORE_REPORT_H
#define LVSAGENT_CORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct report_options {
	bool check;			/* nothing was applied: report the plan */
	bool diff;			/* add before/after views */
	bool json;
	const char *verb;		/* "start", "stop", "apply" */
};

/* A JSON object for a run that failed before planning (config error...). */
void report_json_failure(FILE *out, const char *msg);

struct json;

/* How many changes a plan made (or, in check mode, would make) and how many
 * failed, with the first failure in words. */
struct report_tally {
	size_t changes, failures;
	char first_failure[600];	/* "add vip ...: reason" */
};

/* The run in one line: "VERB: N changes", "VERB: nothing to change", or
 * "F of N changes failed; first: ...". */
void report_summary(const struct report_tally *t, const struct report_options *opts, char *buf,
		    size_t len);
/* Text mode ends with the summary: on stderr after failures, on OUT when
 * nothing changed (the change lines said the rest). */
void report_text_end(FILE *out, const struct report_tally *t, const char *msg);

/* Opens the one JSON object: {"changed", "failed", "msg", and the caller's keys. */
void report_json_open(struct json *json, FILE *out, bool changed, bool failed, const char *msg);

/* One entry of "changes" or "failures". Values are strings (NULL: absent)
 * unless NUMERIC. */
struct report_change {
	const char *action, *kind, *target;
	bool numeric;
	long long before_number, after_number;
	const char *before, *after;
	const char *error;		/* "failures" only */
};
void report_json_change(struct json *json, const struct report_change *change);

#endif
