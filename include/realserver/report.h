/* report: how a real-server plan reads to people and to machines — one
 * line per change, JSON for Ansible, before/after views for --diff. */
#ifndef LVSAGENT_REALSERVER_REPORT_H
#define LVSAGENT_REALSERVER_REPORT_H

#include <stdio.h>

#include "core/report.h"
#include "realserver/plan.h"

/* The changes made (or, with check, planned), failures and warnings.
 * Text: one line per change on OUT, problems on stderr. JSON: one object
 * {changed, failed, msg, changes, warnings[, diff]} on OUT. */
void report_plan(FILE *out, const struct plan *plan, const struct report_options *opts);

#endif
