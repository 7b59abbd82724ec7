/* log: messages for people, on stderr. Under systemd (JOURNAL_STREAM set)
 * each line carries its syslog priority as a "<N>" prefix for journald. */
#ifndef LVSAGENT_LIB_LOG_H
#define LVSAGENT_LIB_LOG_H

#include "core/config.h"

void log_set_level(enum log_level level);

__attribute__((format(printf, 1, 2))) void log_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_debug(const char *fmt, ...);

#endif
