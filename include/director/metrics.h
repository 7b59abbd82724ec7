/* metrics: the director's health in Prometheus' text format, for
 * node_exporter's textfile collector (metrics_file): per real server
 * whether it is in rotation, its health, weight, last check's duration and
 * transitions; per service the real servers up. The file is replaced
 * atomically (a temporary file in the same directory, renamed over it),
 * so the collector never reads half of it. */
#ifndef LVSAGENT_DIRECTOR_METRICS_H
#define LVSAGENT_DIRECTOR_METRICS_H

#include "director/config.h"
#include "director/health.h"

/* The text (pure); the caller frees it. */
char *metrics_format(const struct director_config *cfg, const struct health *h);
/* Write it to PATH. 0 or -errno. */
int metrics_write(const char *path, const struct director_config *cfg, const struct health *h);

#endif
