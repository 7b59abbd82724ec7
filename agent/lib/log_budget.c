/* log_budget: a fixed window rate limit for log lines. */
#include "lib/log_budget.h"

static void roll_window(struct log_budget *budget, uint64_t now)
{
	if (now - budget->window_start < budget->window_usec)
		return;
	budget->unreported += budget->suppressed;
	budget->suppressed = 0;
	budget->used = 0;
	budget->window_start = now;
}

bool log_budget_allow(struct log_budget *budget, uint64_t now)
{
	roll_window(budget, now);
	if (budget->used < budget->per_window) {
		budget->used++;
		return true;
	}
	budget->suppressed++;
	return false;
}

unsigned long log_budget_take_suppressed(struct log_budget *budget, uint64_t now)
{
	unsigned long count;

	roll_window(budget, now);
	count = budget->unreported;
	budget->unreported = 0;
	return count;
}
