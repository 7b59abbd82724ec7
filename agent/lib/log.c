/* log: leveled messages to stderr. */
#include "lib/log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

const char *log_level_name(enum log_level level)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	return names[level];
}

static enum log_level threshold = LOG_LEVEL_INFO;

void log_set_level(enum log_level level)
{
	threshold = level;
}

__attribute__((format(printf, 2, 0))) static void log_at(enum log_level level, const char *fmt,
						     va_list ap)
{
	/* syslog priorities: err, warning, info, debug */
	static const int priority[] = { 3, 4, 6, 7 };
	static const char *const label[] = { "error: ", "warning: ", "", "" };

	if (level > threshold)
		return;
	if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>", priority[level]);
	fprintf(stderr, "lvsagent: %s", label[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_vline(enum log_level level, const char *fmt, va_list ap)
{
	log_at(level, fmt, ap);
}

#define DEFINE_LOG(name, level)                   \
	void name(const char *fmt, ...)           \
	{                                         \
		va_list ap;                       \
		va_start(ap, fmt);                \
		log_at(level, fmt, ap);           \
		va_end(ap);                       \
	}

DEFINE_LOG(log_error, LOG_LEVEL_ERROR)
DEFINE_LOG(log_warn, LOG_LEVEL_WARNING)
DEFINE_LOG(log_info, LOG_LEVEL_INFO)
DEFINE_LOG(log_debug, LOG_LEVEL_DEBUG)
