/* log_budget: at most N log lines per window, the rest counted, so that a
 * program fighting lvsagent cannot flood the journal. */
#ifndef LVSAGENT_LIB_LOG_BUDGET_H
#define LVSAGENT_LIB_LOG_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/log.h"

struct log_budget {
	unsigned per_window;
	uint64_t window_usec;
	/* The summary of what a window suppressed: "N more WHATs were not
	 * logged (at most PER_WINDOW per W s): HINT". */
	const char *what;
	const char *hint;
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

/* The line at LEVEL if the budget allows it at NOW, after the summary of
 * what ended windows suppressed (log_budget_flush). */
__attribute__((format(printf, 4, 5))) void log_budget_line(struct log_budget *budget,
							   uint64_t now, enum log_level level,
							   const char *fmt, ...);

/* The summary alone, when ended windows suppressed lines: for a timer, so
 * that the count is said when the lines stop, not at the next one. */
void log_budget_flush(struct log_budget *budget, uint64_t now);

#endif
