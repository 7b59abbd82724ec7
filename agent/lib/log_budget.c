/* log_budget: a fixed window rate limit for log lines. */
#include "lib/log_budget.h"

#include <stdarg.h>

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

void log_budget_flush(struct log_budget *budget, uint64_t now)
{
	unsigned long dropped = log_budget_take_suppressed(budget, now);

	if (dropped)
		log_warn("%lu more %s%s not logged (at most %u per %llu s): %s", dropped,
			 budget->what, dropped == 1 ? " was" : "s were", budget->per_window,
			 (unsigned long long)(budget->window_usec / 1000000u), budget->hint);
}

void log_budget_line(struct log_budget *budget, uint64_t now, enum log_level level,
		     const char *fmt, ...)
{
	va_list ap;

	log_budget_flush(budget, now);
	if (!log_budget_allow(budget, now))
		return;
	va_start(ap, fmt);
	log_vline(level, fmt, ap);
	va_end(ap);
}
