/* config_keys: table-driven keys for [agent] and [realserver]. */
#include "core/config_parser.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

typedef void (*value_parser)(struct config_parser *p, const char *value);

struct key_spec {
	const char *section;
	const char *name;
	bool repeatable;
	value_parser parse;
};


/* Splits a list value on commas and whitespace, calling each for every item. */
static void for_each_item(struct config_parser *p, const char *value,
			  void (*each)(struct config_parser *, const char *))
{
	char *copy = xstrdup(value), *save = NULL;

	for (char *item = strtok_r(copy, ", \t", &save); item;
	     item = strtok_r(NULL, ", \t", &save))
		each(p, item);
	free(copy);
}

/* A small decimal number: digits only, no sign, no spaces. */
static bool parse_small_int(const char *value, int *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)value[0]))
		return false;
	n = strtol(value, &end, 10);
	if (*end || n > 1000000)
		return false;
	*out = (int)n;
	return true;
}

static bool has_dot_component(const char *path)
{
	for (const char *c = strchr(path, '/'); c; c = strchr(c + 1, '/')) {
		size_t len = strcspn(c + 1, "/");
		if ((len == 1 || len == 2) && strncmp(c + 1, "..", len) == 0)
			return true;
	}
	return false;
}

static void parse_state_dir(struct config_parser *p, const char *value)
{
	if (value[0] != '/') {
		ERR(p, "state_dir must be an absolute path, not \"%s\"", value);
		return;
	}
	if (strlen(value) > PATH_MAX - 64) {
		ERR(p, "state_dir is too long");
		return;
	}
	/* The part that does not exist yet is created as written: it must not
	 * climb out of the directories checked (see state_dir.h). */
	if (has_dot_component(value)) {
		ERR(p, "state_dir must not contain \".\" or \"..\" components, not \"%s\"", value);
		return;
	}
	free(p->cfg->state_dir);
	p->cfg->state_dir = xstrdup(value);
	p->cfg->state_dir_line = p->line;
}

static void parse_log_level(struct config_parser *p, const char *value)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	for (int i = 0; i < 4; i++) {
		if (strcmp(value, names[i]) == 0) {
			p->cfg->log_level = (enum log_level)i;
			return;
		}
	}
	ERR(p, "log_level must be error, warning, info or debug, not \"%s\"", value);
}

static void parse_sysctl_check_interval(struct config_parser *p, const char *value)
{
	int n;

	if (!parse_small_int(value, &n) || n > 86400) {
		ERR(p, "sysctl_check_interval must be seconds from 0 (never) to 86400, not \"%s\"",
		    value);
		return;
	}
	p->cfg->sysctl_check_interval = (unsigned)n;
}

static void add_vip(struct config_parser *p, const char *item)
{
	struct rs_config *rs = &p->cfg->rs;
	struct ipaddr addr;
	const char *why;

	if (ipaddr_parse(item, &addr, &why) < 0) {
		ERR(p, "vip \"%s\": %s", item, why);
		return;
	}
	why = ipaddr_vip_refusal(&addr);
	if (why) {
		ERR(p, "vip \"%s\": %s", item, why);
		return;
	}
	XGROW(rs->vips, rs->vip_count, rs->vip_capacity);
	rs->vips[rs->vip_count++] = (struct vip){ .addr = addr, .line = p->line };
}

static void parse_vip(struct config_parser *p, const char *value)
{
	for_each_item(p, value, add_vip);
}

/* The kernel's dev_valid_name(), plus the sysctl directories' names. */
static const char *iface_name_problem(const char *name)
{
	if (strlen(name) > IFNAMSIZ - 1)
		return "is longer than 15 characters, the kernel's limit";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strpbrk(name, "/:"))
		return "is not a valid interface name";
	if (strcmp(name, "all") == 0 || strcmp(name, "default") == 0)
		return "names a sysctl directory, not an interface (all is always set)";
	return NULL;
}

static bool iface_listed(const struct rs_config *rs, const char *name)
{
	for (size_t i = 0; i < rs->interface_count; i++)
		if (strcmp(rs->interfaces[i].name, name) == 0)
			return true;
	return false;
}

static void add_interface(struct config_parser *p, const char *item)
{
	struct rs_config *rs = &p->cfg->rs;
	const char *problem = iface_name_problem(item);

	if (problem) {
		ERR(p, "interface \"%s\" %s", item, problem);
		return;
	}
	/* lo always gets the sysctls; naming it again changes nothing. */
	if (strcmp(item, "lo") == 0 || iface_listed(rs, item))
		return;
	XGROW(rs->interfaces, rs->interface_count, rs->interface_capacity);
	struct iface_name *slot = &rs->interfaces[rs->interface_count++];
	memset(slot, 0, sizeof(*slot));
	strcpy(slot->name, item);
	slot->line = p->line;
}

static void parse_interfaces(struct config_parser *p, const char *value)
{
	p->cfg->rs.interfaces_given = true;
	for_each_item(p, value, add_interface);
}

static void parse_arp_ignore(struct config_parser *p, const char *value)
{
	int n;

	if (!parse_small_int(value, &n) || !(n == 1 || n == 2 || n == 3 || n == 8)) {
		ERR(p, "arp_ignore must be 1, 2, 3 or 8, not \"%s\"", value);
		return;
	}
	p->cfg->rs.arp_ignore = n;
}

static void parse_arp_announce(struct config_parser *p, const char *value)
{
	int n;

	if (!parse_small_int(value, &n) || !(n == 1 || n == 2)) {
		ERR(p, "arp_announce must be 1 or 2, not \"%s\"", value);
		return;
	}
	p->cfg->rs.arp_announce = n;
}

static void parse_suppression(struct config_parser *p, const char *value)
{
	static const char *const names[] = { "sysctl", "nftables", "both" };

	for (int i = 0; i < 3; i++) {
		if (strcmp(value, names[i]) == 0) {
			p->cfg->rs.suppression = (enum suppression)i;
			return;
		}
	}
	ERR(p, "suppression must be sysctl, nftables or both, not \"%s\"", value);
}

static void parse_on_stop(struct config_parser *p, const char *value)
{
	if (strcmp(value, "withdraw") == 0 || strcmp(value, "keep") == 0)
		p->cfg->rs.keep_on_stop = strcmp(value, "keep") == 0;
	else
		ERR(p, "on_stop must be withdraw or keep, not \"%s\"", value);
}

static const struct key_spec keys[] = {
	{ "agent", "state_dir", false, parse_state_dir },
	{ "agent", "log_level", false, parse_log_level },
	{ "agent", "sysctl_check_interval", false, parse_sysctl_check_interval },
	{ "realserver", "vip", true, parse_vip },
	{ "realserver", "interfaces", true, parse_interfaces },
	{ "realserver", "arp_ignore", false, parse_arp_ignore },
	{ "realserver", "arp_announce", false, parse_arp_announce },
	{ "realserver", "suppression", false, parse_suppression },
	{ "realserver", "on_stop", false, parse_on_stop },
	{ "director", "manage", false, config_dir_manage },
	{ "director", "vip_interface", false, config_dir_vip_interface },
	/* "service" stands for every [service NAME] section. */
	{ "service", "virtual", false, config_svc_virtual },
	{ "service", "scheduler", false, config_svc_scheduler },
	{ "service", "persistence", false, config_svc_persistence },
	{ "service", "pe", false, config_svc_pe },
	{ "service", "netmask", false, config_svc_netmask },
	{ "service", "flags", true, config_svc_flags },
	{ "service", "realserver", true, config_svc_realserver },
};

_Static_assert(sizeof(keys) / sizeof(keys[0]) <= CONFIG_KEY_SLOTS, "key slots");

void config_defaults(struct config *cfg)
{
	cfg->state_dir = xstrdup(CONFIG_DEFAULT_STATE_DIR);
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->sysctl_check_interval = 5;
	cfg->rs.arp_ignore = 1;
	cfg->rs.arp_announce = 2;
	cfg->rs.suppression = SUPPRESS_SYSCTL;
}

/* The key table's name for a section: "service" for [service NAME]. */
static const char *section_kind(const char *name)
{
	return strncmp(name, "service ", 8) == 0 ? "service" : name;
}

bool config_section_known(const char *name)
{
	const char *kind = section_kind(name);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].section, kind) == 0)
			return true;
	return false;
}

void config_section_begin(struct config_parser *p, const char *name)
{
	if (strcmp(name, "director") == 0)
		p->cfg->dir.present = true;
	if (strcmp(section_kind(name), "service") != 0)
		return;
	/* Once-only keys are once per service. */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].section, "service") == 0)
			p->first_line[i] = 0;
	p->service = config_service_begin(p, name + 8);
	if (!p->service)
		p->section_known = false;
}

static const struct key_spec *find_key(const char *section, const char *name, size_t *slot)
{
	section = section_kind(section);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0) {
			*slot = i;
			return &keys[i];
		}
	}
	return NULL;
}

void config_key(struct config_parser *p, const char *section, const char *name,
		const char *value)
{
	const struct key_spec *key;
	size_t slot;

	if (!p->section_known)
		return;		/* the [section] line already got its error */
	if (!section[0]) {
		ERR(p, "\"%s\" is outside any section (start with [agent], [realserver], "
		    "[director] or [service NAME])", name);
		return;
	}
	if (strcmp(section, "realserver") == 0)
		p->cfg->has_realserver = true;
	key = find_key(section, name, &slot);
	if (!key) {
		ERR(p, "unknown key \"%s\" in [%s]", name, section);
		return;
	}
	if (!value[0]) {
		ERR(p, "%s has no value", name);
		return;
	}
	if (!key->repeatable && p->first_line[slot]) {
		ERR(p, "%s is set twice (first on line %d)", name, p->first_line[slot]);
		return;
	}
	p->first_line[slot] = p->line;
	key->parse(p, value);
}

static int compare_vips(const void *a, const void *b)
{
	const struct vip *va = a, *vb = b;
	int by_addr = ipaddr_compare(&va->addr, &vb->addr);

	return by_addr ? by_addr : va->line - vb->line;
}

/* Sorting keeps the duplicate check O(n log n) for 10 000 VIPs; the list is
 * put back in file order afterwards so output follows the config. */
static void check_duplicate_vips(struct config_parser *p)
{
	struct rs_config *rs = &p->cfg->rs;
	struct vip *sorted;
	char text[IPADDR_TEXT_MAX];

	if (rs->vip_count < 2)
		return;
	sorted = xcalloc(rs->vip_count, sizeof(*sorted));
	memcpy(sorted, rs->vips, rs->vip_count * sizeof(*sorted));
	sort_unless_sorted(sorted, rs->vip_count, sizeof(*sorted), compare_vips);
	for (size_t i = 1; i < rs->vip_count; i++) {
		if (!ipaddr_equal(&sorted[i].addr, &sorted[i - 1].addr))
			continue;
		diag_add(p->diag, p->cfg->file, sorted[i].line,
			 "duplicate VIP %s (also on line %d)",
			 ipaddr_format(&sorted[i].addr, text), sorted[i - 1].line);
	}
	free(sorted);
}

void config_finish(struct config_parser *p)
{
	check_duplicate_vips(p);
	config_director_finish(p);
}
