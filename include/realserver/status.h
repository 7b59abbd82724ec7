/* status: a real-server plan read as "what is in place", with LSB exit
 * codes. */
#ifndef LVSAGENT_REALSERVER_STATUS_H
#define LVSAGENT_REALSERVER_STATUS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "realserver/claim.h"
#include "realserver/plan.h"

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
