/* claim: which lvsagent instance manages this host's real-server side.
 * Two configurations with different state directories would each take the
 * other's marked VIPs (label lo:lvs, protocol 176) for its own lost ones
 * and remove them, and restore the ARP sysctls under the other's VIPs. So
 * the instance that manages the host says so in the kernel, where every
 * other instance sees it and no state file is needed: lo's alias reads
 * "lvsagent STATE_DIR" (`ip link show lo`) while it has anything applied.
 * An instance that finds another's claim refuses to change the host. The
 * alias is set only where lo had none, and removed when the instance has
 * withdrawn; an alias some other program set is left alone (the instance
 * then runs unmarked, as before). Pure. */
#ifndef LVSAGENT_REALSERVER_CLAIM_H
#define LVSAGENT_REALSERVER_CLAIM_H

#include <stddef.h>

/* How lo's alias begins when it names an lvsagent instance. */
#define LVSAGENT_CLAIM_PREFIX "lvsagent "

enum claim_state {
	CLAIM_NONE,			/* lo has no alias */
	CLAIM_OURS,			/* this instance's */
	CLAIM_OTHER,			/* another lvsagent instance's */
	CLAIM_FOREIGN,			/* an alias some other program set */
};

/* This instance's alias, "lvsagent " + the canonical STATE_DIR, into OUT
 * (RTNL_ALIAS_MAX bytes); "" when it does not fit (then never claimed). */
void claim_text(const char *canonical_state_dir, char *out, size_t len);
enum claim_state claim_classify(const char *alias, const char *ours);
/* The other instance's state directory, from its alias. */
const char *claim_holder(const char *alias);

#endif
