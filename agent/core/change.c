/* change: the ownership rule both parts record by. See change.h. */
#include "core/change.h"

bool change_took_effect(enum item_action action, bool done)
{
	return action == ACTION_NONE || done;
}

bool change_present(enum item_action action, bool done, bool before, bool after,
		    enum own_moment moment)
{
	if (moment == OWN_DURING)
		return action == ACTION_NONE ? after : before || after;
	return change_took_effect(action, done) ? after : before;
}
