/* sysctl_policy: raising, restoring and recording a sysctl. See
 * sysctl_policy.h. */
#include "core/sysctl_policy.h"

#include <stdio.h>
#include <string.h>

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

bool saved_sysctl_holds(const struct saved_sysctl *saved, int current)
{
	return current == saved->set || (saved->pending && current == saved->pending);
}

void saved_sysctl_format(const struct saved_sysctl *saved, char *buf)
{
	int n = sprintf(buf, "sysctl %s %s %d %d", saved->iface, sysctl_key_name(saved->key),
			saved->original, saved->set);

	if (saved->ifindex)
		n += sprintf(buf + n, " ifindex %d", saved->ifindex);
	if (saved->pending)
		sprintf(buf + n, " pending %d", saved->pending);
}

/* The optional "ifindex N" and "pending N" after the four fields. */
static int parse_sysctl_extras(const char *rest, struct saved_sysctl *saved)
{
	char word[16];
	int value, used;

	while (sscanf(rest, " %15s %d%n", word, &value, &used) == 2) {
		if (strcmp(word, "ifindex") == 0 && value > 0)
			saved->ifindex = value;
		else if (strcmp(word, "pending") == 0 && value > 0)
			saved->pending = value;
		else
			return -1;
		rest += used;
	}
	return rest[strspn(rest, " ")] ? -1 : 0;
}

int saved_sysctl_parse(const char *line, struct saved_sysctl *saved)
{
	char iface[IFNAMSIZ + 1], key[32];
	int used;

	memset(saved, 0, sizeof(*saved));
	if (sscanf(line, "sysctl %16s %31s %d %d%n", iface, key, &saved->original, &saved->set,
		   &used) != 4 || !sysctl_iface_ok(iface) || parse_sysctl_extras(line + used, saved) ||
	    sysctl_key_parse(key, &saved->key) < 0)
		return -1;
	strcpy(saved->iface, iface);
	return 0;
}

/* The step to TARGET from CURRENT, with the record it leaves. */
static void step_to(const char *iface, enum sysctl_key key, int current, int target,
		    const struct saved_sysctl *saved, struct sysctl_step *step)
{
	memset(step, 0, sizeof(*step));
	step->after = target;
	step->action = target == current ? ACTION_NONE : ACTION_SET;
	if (saved) {
		step->has_record = true;
		step->record = *saved;
		/* Of the values it may have left (see pending), the one in place. */
		if (saved_sysctl_holds(saved, current)) {
			step->record.set = current;
			step->record.pending = 0;
		}
	}
	if (step->action == ACTION_SET) {
		step->has_record = true;
		step->record = (struct saved_sysctl){ .key = key, .set = target,
			.original = saved ? saved->original : current,
			.ifindex = saved ? saved->ifindex : 0 };
		snprintf(step->record.iface, sizeof(step->record.iface), "%s", iface);
	}
}

void sysctl_step_raise(const char *iface, enum sysctl_key key, int current, int desired,
		       const struct saved_sysctl *saved, struct sysctl_step *step)
{
	/* The value in force is the larger of all and iface: raising is safe. */
	int target = saved && saved_sysctl_holds(saved, current) ? max_int(saved->original, desired)
						    : max_int(current, desired);

	step_to(iface, key, current, target, saved, step);
}

void sysctl_step_set(const char *iface, enum sysctl_key key, int current, int desired,
		     const struct saved_sysctl *saved, struct sysctl_step *step)
{
	step_to(iface, key, current, desired, saved, step);
}

void sysctl_step_restore(const struct saved_sysctl *saved, int current, struct sysctl_step *step)
{
	memset(step, 0, sizeof(*step));
	step->after = current;
	/* Back already (a crash before lvsagent's write went through). */
	if (current == saved->original) {
		step->restore = true;
		return;
	}
	if (!saved_sysctl_holds(saved, current)) {
		step->note = "changed by someone else since lvsagent set it; left as it is";
		return;
	}
	step->after = saved->original;
	step->action = current == saved->original ? ACTION_NONE : ACTION_SET;
	step->restore = true;
}

bool sysctl_record_at(const struct saved_sysctl *held, const struct saved_sysctl *next,
		      bool took_effect, enum own_moment moment, struct saved_sysctl *out)
{
	const struct saved_sysctl *kept;

	if (moment == OWN_DURING) {
		kept = held ? held : next;
		if (!kept)
			return false;
		*out = *kept;
		if (held && next && next->set != held->set)
			out->pending = next->set;
		return true;
	}
	kept = took_effect ? next : held;
	if (kept)
		*out = *kept;
	return kept != NULL;
}
