/* health_file: the daemon's view of every real server's health, published
 * in STATE_DIR/director.health for `director status`, which may run
 * without privileges (then it can neither read IPVS nor ask the daemon),
 * and for `director apply` and `drain` without the daemon's checks. One
 * line per real server:
 *   realserver SERVICE ADDR:PORT up=1 decided=1 drained=0 kept=0 passes=3
 *     failures=0 since=MS down_at=MS checked=1 passed=1 latency=US
 *     transitions=N result=TEXT...
 * and "sorry SERVICE 1" for a sorry server in the table. Pure text
 * functions, and the file. */
#ifndef LVSAGENT_DIRECTOR_HEALTH_FILE_H
#define LVSAGENT_DIRECTOR_HEALTH_FILE_H

#include <stdbool.h>

#include "director/config.h"
#include "director/health.h"

char *health_file_format(const struct director_config *cfg, const struct health *h);
/* H shaped after CFG (every real server of every service), filled from
 * TEXT where a line names the same service and ADDR:PORT; the others are
 * left zero (since_ms 0: nothing known). Free with health_free. */
void health_file_parse(const char *text, const struct director_config *cfg, struct health *h);

int health_file_save(const char *dir, const struct director_config *cfg, const struct health *h);
/* -ENOENT when no daemon published one, -EBADMSG when it is cut short
 * (state_text_cut): then H is untouched. */
int health_file_load(const char *dir, const struct director_config *cfg, struct health *h);

#endif
