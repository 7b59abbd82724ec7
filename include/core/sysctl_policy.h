/* sysctl_policy: how lvsagent changes a sysctl it does not own, for
 * either part — only ever raising it, keeping a record of the value it
 * found (the original), and putting that back on stop unless someone
 * changed the value since — and the record's one line in a state file.
 * Pure. */
#ifndef LVSAGENT_CORE_SYSCTL_POLICY_H
#define LVSAGENT_CORE_SYSCTL_POLICY_H

#include <net/if.h>
#include <stdbool.h>

#include "core/change.h"
#include "kernel/sysctl.h"

struct saved_sysctl {
	char iface[IFNAMSIZ];
	enum sysctl_key key;
	int original;			/* the value found before lvsagent changed it */
	int set;			/* the value lvsagent wrote */
	/* Recorded before a change: the value lvsagent is about to write over
	 * SET (0: none), so a crash either side of the write leaves a value
	 * it knows as its own. */
	int pending;
	/* The interface's index when it was changed (0: "all", or a state
	 * from before indexes were kept): a renamed interface is still found,
	 * and a new one that took the old name is not mistaken for it. */
	int ifindex;
};

/* Whether CURRENT is a value lvsagent wrote (SET, or PENDING). */
bool saved_sysctl_holds(const struct saved_sysctl *saved, int current);
/* One "sysctl IFACE KEY ORIGINAL SET [ifindex N] [pending N]" line (without
 * "\n", NUL-terminated) into BUF, which holds SAVED_SYSCTL_LINE_MAX; and
 * back (-1: not such a line, or an interface name no sysctl path can have).
 * Both state files use them; each judges for itself whether the record is
 * one it could have written (sysctl_change_plausible). */
#define SAVED_SYSCTL_LINE_MAX 128
void saved_sysctl_format(const struct saved_sysctl *saved, char *buf);
int saved_sysctl_parse(const char *line, struct saved_sysctl *saved);

/* The policy for one value now CURRENT, with SAVED the record of what lvsagent replaced (or
 * NULL). Pure. */
struct sysctl_step {
	int after;
	enum item_action action;
	bool restore;			/* putting back the value lvsagent found */
	const char *note;		/* why it is left as it is */
	bool has_record;		/* what to keep once the step is done: */
	struct saved_sysctl record;
};
/* Keep the value at least DESIRED. Anyone else's value is only raised;
 * lvsagent's own follows DESIRED down again, never below the original. */
void sysctl_step_raise(const char *iface, enum sysctl_key key, int current, int desired,
		       const struct saved_sysctl *saved, struct sysctl_step *step);
/* Keep the value at exactly DESIRED, lower or not (rp_filter for LVS-TUN):
 * the record keeps the value found first, for stop. */
void sysctl_step_set(const char *iface, enum sysctl_key key, int current, int desired,
		     const struct saved_sysctl *saved, struct sysctl_step *step);
/* Put SAVED's original back, unless someone changed the value since. */
void sysctl_step_restore(const struct saved_sysctl *saved, int current, struct sysctl_step *step);

/* The record to keep at MOMENT (change.h) for a change that found HELD
 * (NULL: none) and keeps NEXT once it took effect (NULL: none, restored):
 * during the change, the held one (it has the original) with NEXT's value
 * as pending, or NEXT; after it, NEXT if it took effect, else HELD. False:
 * no record. */
bool sysctl_record_at(const struct saved_sysctl *held, const struct saved_sysctl *next,
		      bool took_effect, enum own_moment moment, struct saved_sysctl *out);

#endif
