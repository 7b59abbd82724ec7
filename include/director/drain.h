/* drain: the real servers an operator took out of rotation with `lvsagent
 * director drain SERVICE ADDRESS[:PORT]`, kept in STATE_DIR/director.drained
 * ("SERVICE ADDR:PORT" per line) so that the drain outlives the daemon:
 * the daemon, `director apply` and `director status` all read it. */
#ifndef LVSAGENT_DIRECTOR_DRAIN_H
#define LVSAGENT_DIRECTOR_DRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "director/config.h"
#include "director/health.h"
#include "lib/diag.h"
#include "lib/ipaddr.h"

struct drain_entry {
	char service[48];		/* [service NAME] */
	struct ipaddr addr;
	uint16_t port;
};

struct drain_list {
	struct drain_entry *items;
	size_t count, capacity;
};

/* STATE_DIR/director.drained; a missing file is an empty list, one cut
 * short (state_text_cut) -EBADMSG with LIST empty. Lines that cannot be
 * read are said in WARNINGS and skipped. 0 or -errno. */
int drain_load(const char *dir, struct drain_list *list, struct diag *warnings);
/* What drain_load's ERR means, for a message (in BUF, LEN bytes). */
const char *drain_load_problem(const char *dir, int err, char *buf, size_t len);
int drain_save(const char *dir, const struct drain_list *list);
void drain_free(struct drain_list *list);

bool drain_has(const struct drain_list *list, const char *service, const struct ipaddr *addr,
	       uint16_t port);
/* Add or remove one; returns whether the list changed. */
bool drain_set(struct drain_list *list, const char *service, const struct ipaddr *addr,
	       uint16_t port, bool drained);

/* The table for a run without the daemon's checks (`director apply`,
 * `drain`, `status` with no daemon): CFG's weights, but 0 for each drained
 * real server. Free OUT with health_effective_free. */
void drain_effective(const struct director_config *cfg, const struct drain_list *list,
		     struct director_config *out);
/* Mark LIST's real servers drained in H (shaped after CFG); returns
 * whether any changed. */
bool drain_apply(const struct drain_list *list, const struct director_config *cfg,
		 struct health *h, uint64_t now_ms);

/* Real server TARGET ("ADDR" or "ADDR:PORT", IPv6 as "[ADDR]:PORT") of
 * [service SERVICE] in CFG: 0 with *SVC and *DEST its indexes, or -1 with
 * WHY (LEN bytes) naming what the configuration has instead. */
int drain_find(const struct director_config *cfg, const char *service, const char *target,
	       size_t *svc, size_t *dest, char *why, size_t len);

#endif
