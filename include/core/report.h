/* report: how a plan reads to people and to machines — one line per
 * change, JSON for Ansible, before/after views for --diff, and status. */
#ifndef LVSAGENT_CORE_REPORT_H
#define LVSAGENT_CORE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "realserver/claim.h"
#include "realserver/plan.h"

/* Words for one item. */
const char *item_kind_name(enum item_kind kind);	/* "vip", "route", "sysctl", "link" */
const char *item_action_name(const struct plan_item *item); /* "add", "remove", "set" */
/* "192.168.101.168/32", "net.ipv4.conf.all.arp_ignore", "lo" */
const char *item_target(const struct plan_item *item, char *buf, size_t len);
/* The item as one line of the host's view ("vip 192.0.2.1/32 dev lo"), in
 * its BEFORE or after state; NULL when absent then. */
const char *item_view(const struct plan_item *item, bool before, char *buf, size_t len);
/* "add vip 192.0.2.1/32 dev lo", "set sysctl net....arp_ignore = 1 (was 0)" */
const char *item_change(const struct plan_item *item, char *buf, size_t len);

/* What the daemon found and what it did: "vip 192.0.2.1/32 was missing
 * from lo; added it back". */
const char *item_repair(const struct plan_item *item, char *buf, size_t len);

/* Whether the item is not as the configuration wants it. */
bool item_differs(const struct plan_item *item);

struct report_options {
	bool check;			/* nothing was applied: report the plan */
	bool diff;			/* add before/after views */
	bool json;
	const char *verb;		/* "start", "stop", "apply" */
};

/* The changes made (or, with check, planned), failures and warnings.
 * Text: one line per change on OUT, problems on stderr. JSON: one object
 * {changed, failed, msg, changes, warnings[, diff]} on OUT. */
void report_plan(FILE *out, const struct plan *plan, const struct report_options *opts);

/* A JSON object for a run that failed before planning (config error...). */
void report_json_failure(FILE *out, const char *msg);

/* --- shared by the real server's and the director's reports ---------------- */

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

/* Status exit codes (LSB): */
enum status_code { STATUS_IN_PLACE = 0, STATUS_PARTLY = 1, STATUS_NOT_APPLIED = 3 };
enum status_code status_code_of(const struct plan *plan, bool anything_owned);
/* What status says besides the plan. */
struct status_info {
	pid_t daemon;			/* the daemon for this state directory, or 0 */
	enum claim_state claim;		/* lo's alias (claim.h) */
	const char *alias;
};
void report_status(FILE *out, const struct plan *plan, enum status_code code,
		   const struct status_info *info, bool json);

#endif
