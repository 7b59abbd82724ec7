/* log_budget: at most N log lines per window, the rest counted, so that a
 * program fighting lvsagent cannot flood the journal. */
#ifndef LVSAGENT_LIB_LOG_BUDGET_H
#define LVSAGENT_LIB_LOG_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

struct log_budget {
	unsigned per_window;
	uint64_t window_usec;
	uint64_t window_start;		/* CLOCK_MONOTONIC, microseconds */
	unsigned used;			/* lines logged in this window */
	unsigned long suppressed;	/* lines not logged in this window */
	unsigned long unreported;	/* suppressed in ended windows, not yet said */
};

/* Whether a line may be logged at NOW; a suppressed one is counted. */
bool log_budget_allow(struct log_budget *budget, uint64_t now);

/* How many lines ended windows suppressed that nobody has reported yet
 * (0 while the current window lasts); resets the count. */
unsigned long log_budget_take_suppressed(struct log_budget *budget, uint64_t now);

#endif
