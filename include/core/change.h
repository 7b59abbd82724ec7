/* change: what a plan does to one object, for either part — the action,
 * whether it took effect — and the one rule by which both record what
 * they own around a change: written before anything changes (what the
 * plan may leave owned at any moment while it runs), and again once it
 * ran (as far as it took effect). A crash (kill -9) at any point then
 * leaves a record that `stop` completes. Pure. */
#ifndef LVSAGENT_CORE_CHANGE_H
#define LVSAGENT_CORE_CHANGE_H

#include <stdbool.h>

enum item_action {
	ACTION_NONE,			/* in place, or left alone (see note) */
	ACTION_ADD,
	ACTION_REMOVE,
	ACTION_SET,			/* a value raised or restored, a setting changed */
};

enum own_moment {
	OWN_DURING,			/* before applying: anything it may own meanwhile */
	OWN_AFTER,			/* once applied: what the done actions left */
};

/* Whether the object is as the plan wants it: nothing to do, or done. */
bool change_took_effect(enum item_action action, bool done);

/* Whether an object that is there BEFORE the action, and AFTER it if it
 * succeeds, is there at MOMENT: during the change, either (an add may
 * have gone through before a crash, a remove not yet); after it, AFTER
 * if it took effect, else still BEFORE. */
bool change_present(enum item_action action, bool done, bool before, bool after,
		    enum own_moment moment);

#endif
