/* config_tunable: timeout_* and sysctl.* of [director]. See
 * config_tunable.h. */
#include "director/config_tunable.h"

#include <string.h>

#include "director/syntax.h"

void config_tunable_key(struct config_parser *p, enum ipvs_tunable key,
			struct dir_tunables *tunables, const char *value)
{
	unsigned long n;
	int min, max;

	ipvs_tunable_range(key, &min, &max);
	/* ipvsadm --set's 0: the kernel's value stays, nothing is managed. */
	if (ipvs_tunable_is_timeout(key) && strcmp(value, "0") == 0)
		return;
	if (!director_parse_number(value, (unsigned long)max, &n) || n < (unsigned long)min) {
		ERR(p, "%s must be a number from %d to %d%s, not \"%s\"", ipvs_tunable_key(key),
		    ipvs_tunable_is_timeout(key) ? 0 : min, max,
		    ipvs_tunable_is_timeout(key) ? " (seconds; 0 leaves the kernel's)" : "", value);
		return;
	}
	tunables->set[key] = true;
	tunables->value[key] = (int)n;
}
