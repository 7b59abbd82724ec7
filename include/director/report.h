/* report: a director plan in words — one line per change, or the
 * JSON object ({changed, failed, msg, changes, failures, warnings}) with
 * kinds "service", "realserver", "vip" and "sysctl". */
#ifndef LVSAGENT_DIRECTOR_REPORT_H
#define LVSAGENT_DIRECTOR_REPORT_H

#include <stdio.h>

#include "core/report.h"
#include "director/plan.h"

/* "add realserver tcp 192.0.2.1:80 -> 10.0.0.2:80 method=dr weight=2" */
const char *dir_item_change(const struct dir_item *item, char *buf, size_t len);

/* Like report_plan: check means "planned", not done. */
void director_report(FILE *out, const struct dir_plan *plan, const struct report_options *opts);

#endif
