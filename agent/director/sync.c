/* sync: one decision per sync daemon role. See sync.h. */
#include "director/sync.h"

#include <string.h>

#include "director/config_sync.h"

static void decide_running(const struct dir_owned *owned, bool manage_all,
			   struct sync_decision *out)
{
	out->ours = dir_owned_has_sync(owned, &out->have);
	if (!out->wanted) {
		/* Someone else's daemon the configuration does not name: theirs. */
		out->action = out->ours ? ACTION_REMOVE : ACTION_NONE;
		out->planned = out->ours;
		return;
	}
	out->differs = !ipvs_daemon_matches(&out->want, &out->have);
	if (!out->differs) {
		out->adopted = !out->ours;
		return;
	}
	if (out->ours || manage_all) {
		out->action = ACTION_SET;
		out->ours = true;
		return;
	}
	out->note = "runs with other settings and was not started by lvsagent: left alone "
		    "(stop it, or set manage = all, for lvsagent to start it as configured)";
}

void sync_decide(const struct dir_sync *sync, const struct ipvs_daemons *kernel,
		 const struct dir_owned *owned, bool manage_all, bool stop,
		 enum ipvs_sync_role role, struct sync_decision *out)
{
	memset(out, 0, sizeof(*out));
	if (!kernel)
		return;
	out->wanted = !stop && sync->role[role];
	out->running = kernel->running[role];
	dir_sync_daemon(sync, role, &out->want);
	if (out->running) {
		out->have = kernel->daemon[role];
		out->planned = true;
		decide_running(owned, manage_all, out);
		return;
	}
	out->planned = out->wanted;
	out->ours = out->wanted;
	out->action = out->wanted ? ACTION_ADD : ACTION_NONE;
}
