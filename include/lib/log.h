/* log: messages for people, on stderr. Under systemd (JOURNAL_STREAM set)
 * each line carries its syslog priority as a "<N>" prefix for journald. */
#ifndef LVSAGENT_LIB_LOG_H
#define LVSAGENT_LIB_LOG_H

#include <stdarg.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* "error", "warning", "info", "debug" */
const char *log_level_name(enum log_level level);

void log_set_level(enum log_level level);

__attribute__((format(printf, 1, 2))) void log_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_debug(const char *fmt, ...);
/* The same at LEVEL, for a caller that decides the level (log_budget). */
__attribute__((format(printf, 2, 0))) void log_vline(enum log_level level, const char *fmt,
						     va_list ap);

#endif
