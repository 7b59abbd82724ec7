/* config_sync: the sync daemon keys. See config_sync.h. The kernel's
 * constraints are those of ip_vs_genl_new_daemon and start_sync_thread
 * (net/netfilter/ipvs/ip_vs_ctl.c, ip_vs_sync.c). */
#include "director/config_sync.h"

#include <string.h>
#include <sys/socket.h>

#include "director/syntax.h"

/* The headers in front of a sync message, which sync_maxlen leaves room
 * for (IPv4 or IPv6, and UDP), and the smallest buffer a backup takes:
 * the kernel clamps sync_maxlen into these bounds without a word, so a
 * value outside them would never be what the kernel reports. */
#define SYNC_HEADERS_V4 28
#define SYNC_HEADERS_V6 48
#define SYNC_BACKUP_MIN 1024
#define SYNC_ID_MAX 255		/* the messages carry 8 bits */

/* "master, backup" (either order), "master", "backup", or "none". */
static void parse_roles(struct config_parser *p, struct dir_sync *sync, const char *value)
{
	bool role[IPVS_SYNC_ROLES] = { false, false };
	char copy[64], *save = NULL;

	if (strlen(value) >= sizeof(copy))
		goto bad;
	strcpy(copy, value);
	if (strcmp(copy, "none") == 0)
		goto done;
	for (char *word = strtok_r(copy, ", \t", &save); word; word = strtok_r(NULL, ", \t", &save)) {
		int r = strcmp(word, "master") == 0 ? IPVS_SYNC_MASTER
			: strcmp(word, "backup") == 0 ? IPVS_SYNC_BACKUP : -1;
		if (r < 0 || role[r])
			goto bad;	/* unknown, or twice */
		role[r] = true;
	}
	if (!role[IPVS_SYNC_MASTER] && !role[IPVS_SYNC_BACKUP])
		goto bad;
done:
	memcpy(sync->role, role, sizeof(role));
	sync->line = p->line;
	return;
bad:
	sync->refused = true;
	ERR(p, "sync must be master, backup (the usual pair, one daemon of each), master, "
	    "backup or none, not \"%s\"", value);
}

static bool interface_name(const char *name)
{
	return name[0] && strlen(name) < IFNAMSIZ && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && !strpbrk(name, "/: \t");
}

static void parse_interface(struct config_parser *p, struct dir_sync *sync, const char *value)
{
	if (!interface_name(value)) {
		sync->refused = true;
		ERR(p, "sync_interface \"%s\" is not an interface name (1 to 15 characters, "
		    "no '/', ':' or spaces)", value);
		return;
	}
	strcpy(sync->settings.ifname, value);
	sync->interface_line = p->line;
}

/* Where a number key goes once it is within its bounds. */
static void store_number(struct dir_sync *sync, enum sync_key key, unsigned long n, int line)
{
	int *lines[] = { [SYNC_ID] = &sync->id_line, [SYNC_PORT] = &sync->port_line,
			 [SYNC_TTL] = &sync->ttl_line, [SYNC_MAXLEN] = &sync->maxlen_line };

	*lines[key] = line;
	if (key == SYNC_ID)
		sync->settings.syncid = (uint32_t)n;
	else if (key == SYNC_PORT)
		sync->settings.port = (uint16_t)n;
	else if (key == SYNC_TTL)
		sync->settings.ttl = (uint8_t)n;
	else
		sync->settings.maxlen = (uint16_t)n;
}

static void parse_number(struct config_parser *p, struct dir_sync *sync, const char *value,
			 enum sync_key key)
{
	static const struct { const char *key, *what; unsigned long min, max; } keys[] = {
		[SYNC_ID] = { "sync_id", "the sync daemons' id (the same on both directors)", 0,
			      SYNC_ID_MAX },
		[SYNC_PORT] = { "sync_port", "a UDP port", 1, 65535 },
		[SYNC_TTL] = { "sync_ttl", "a multicast TTL", 1, 255 },
		/* The finer bounds need the roles and the group: config_sync_finish. */
		[SYNC_MAXLEN] = { "sync_maxlen", "the sync messages' UDP payload in bytes", 1,
				  65535 - SYNC_HEADERS_V4 },
	};
	unsigned long n;

	if (director_parse_number(value, keys[key].max, &n) && n >= keys[key].min) {
		store_number(sync, key, n, p->line);
		return;
	}
	sync->refused = true;
	ERR(p, "%s must be %s, %lu to %lu, not \"%s\"", keys[key].key, keys[key].what,
	    keys[key].min, keys[key].max, value);
}

static bool multicast(const struct ipaddr *addr)
{
	if (addr->family == AF_INET)
		return (addr->bytes[0] & 0xf0) == 0xe0;	/* 224.0.0.0/4 */
	return addr->bytes[0] == 0xff;			/* ff00::/8 */
}

static void parse_group(struct config_parser *p, struct dir_sync *sync, const char *value)
{
	struct ipaddr group;
	const char *why;

	if (ipaddr_parse(value, &group, &why) < 0) {
		sync->refused = true;
		ERR(p, "sync_group \"%s\": %s", value, why);
		return;
	}
	/* The kernel refuses any other (EINVAL). */
	if (!multicast(&group)) {
		sync->refused = true;
		ERR(p, "sync_group %s is not a multicast address (224.0.0.0/4 or ff00::/8)",
		    value);
		return;
	}
	sync->settings.group = group;
	sync->group_line = p->line;
}

void config_sync_key(struct config_parser *p, enum sync_key key, struct dir_sync *sync,
		     const char *value)
{
	if (key == SYNC_ROLES)
		parse_roles(p, sync, value);
	else if (key == SYNC_INTERFACE)
		parse_interface(p, sync, value);
	else if (key == SYNC_GROUP)
		parse_group(p, sync, value);
	else
		parse_number(p, sync, value, key);
}

bool dir_sync_wanted(const struct dir_sync *sync)
{
	return sync->role[IPVS_SYNC_MASTER] || sync->role[IPVS_SYNC_BACKUP];
}

#define FERR(p, line, ...) diag_add((p)->diag, (p)->cfg->file, (line), __VA_ARGS__)

/* Keys that say how to run daemons that sync does not ask for. */
static void check_orphans(struct config_parser *p, const struct dir_sync *sync)
{
	const struct { const char *key; int line; } keys[] = {
		{ "sync_interface", sync->interface_line }, { "sync_id", sync->id_line },
		{ "sync_port", sync->port_line }, { "sync_ttl", sync->ttl_line },
		{ "sync_group", sync->group_line }, { "sync_maxlen", sync->maxlen_line },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].line)
			FERR(p, keys[i].line, "%s without sync = master, backup (or master, or "
			     "backup): no sync daemon to run", keys[i].key);
}

/* The kernel clamps sync_maxlen to 1 (a backup: 1024) .. 65535 less the
 * headers of the group's family. */
static void check_maxlen(struct config_parser *p, const struct dir_sync *sync)
{
	unsigned max = 65535 - (sync->settings.group.family == AF_INET6 ? SYNC_HEADERS_V6
									 : SYNC_HEADERS_V4);
	unsigned min = sync->role[IPVS_SYNC_BACKUP] ? SYNC_BACKUP_MIN : 1;
	unsigned n = sync->settings.maxlen;

	if (!sync->maxlen_line || (n >= min && n <= max))
		return;
	FERR(p, sync->maxlen_line, "sync_maxlen must be %u to %u %s, not %u (the kernel would "
	     "run the daemon with another value)", min, max,
	     sync->role[IPVS_SYNC_BACKUP] ? "with a backup daemon" : "for a master", n);
}

void config_sync_finish(struct config_parser *p, const struct dir_sync *sync)
{
	if (sync->refused)
		return;	/* said already: what is missing may be what was refused */
	if (!dir_sync_wanted(sync)) {
		check_orphans(p, sync);
		return;
	}
	if (!sync->interface_line)
		FERR(p, sync->line, "sync needs sync_interface (the interface the sync messages "
		     "go out and come in on)");
	if (!sync->id_line)
		FERR(p, sync->line, "sync needs sync_id (0 to 255, the same on both directors: "
		     "a backup takes only its id's messages)");
	check_maxlen(p, sync);
}

void dir_sync_daemon(const struct dir_sync *sync, enum ipvs_sync_role role,
		     struct ipvs_daemon *out)
{
	*out = sync->settings;
	out->role = role;
}

int dir_sync_check_interface(const struct dir_sync *sync, const char *file,
			     const struct netdevs *net, struct diag *diag)
{
	const char *name = sync->settings.ifname;

	if (!dir_sync_wanted(sync) || !name[0] || netdev_by_name(net, name))
		return 0;
	diag_add(diag, file, sync->interface_line, "sync_interface \"%s\" does not exist", name);
	return -1;
}
