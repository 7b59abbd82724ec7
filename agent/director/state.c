/* state: ownership records of the director. */
#include "director/state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "director/syntax.h"
#include "lib/xalloc.h"

#define STATE_FILE "director"
/* It says the file ends with STATE_END_LINE (state_dir.h): one cut short
 * is refused, not read as owning less. */
#define DIR_STATE_FIRST_LINE "# lvsagent director state, last line \"# end\": the services, " \
			     "VIPs and sync daemons lvsagent created,\n"

void ipvs_service_key(const struct ipvs_service *svc, struct ipvs_service_key *key)
{
	memset(key, 0, sizeof(*key));
	key->fwmark = svc->fwmark;
	key->af = svc->af;
	if (svc->fwmark)
		return;
	key->protocol = svc->protocol;
	key->port = svc->port;
	memcpy(key->addr, svc->addr.bytes, ipaddr_len(&svc->addr));
}

void ipvs_dest_key(const struct ipvs_dest *dest, struct ipvs_dest_key *key)
{
	memset(key, 0, sizeof(*key));
	memcpy(key->addr, dest->addr.bytes, ipaddr_len(&dest->addr));
	key->port = dest->port;
	key->af = dest->addr.family;
}

/* An owned VIP's identity for the index: address and interface. */
struct vip_key {
	uint8_t family, addr[16];
	char iface[IFNAMSIZ];
};

static void vip_key(const struct ipaddr *addr, const char *iface, struct vip_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = addr->family;
	memcpy(key->addr, addr->bytes, ipaddr_len(addr));
	snprintf(key->iface, sizeof(key->iface), "%s", iface);
}

void dir_owned_init(struct dir_owned *owned)
{
	memset(owned, 0, sizeof(*owned));
	hashmap_init(&owned->index, sizeof(struct ipvs_service_key), 16);
	hashmap_init(&owned->vip_index, sizeof(struct vip_key), 16);
}

void dir_owned_add_service(struct dir_owned *owned, const struct ipvs_service *svc)
{
	struct ipvs_service_key key;
	struct ipvs_service bare = *svc;

	ipvs_service_key(svc, &key);
	if (!hashmap_put(&owned->index, &key, owned->services.count))
		return;		/* once each */
	bare.dests = NULL;
	bare.dest_count = 0;
	ipvs_table_add(&owned->services, &bare);
}

bool dir_owned_has_service(const struct dir_owned *owned, const struct ipvs_service *svc)
{
	struct ipvs_service_key key;
	size_t at;

	ipvs_service_key(svc, &key);
	return hashmap_get(&owned->index, &key, &at);
}

void dir_owned_add_vip(struct dir_owned *owned, const struct ipaddr *addr, const char *iface)
{
	struct dir_vip *vip;
	struct vip_key key;

	vip_key(addr, iface, &key);
	if (!hashmap_put(&owned->vip_index, &key, owned->vip_count))
		return;		/* once each */
	XGROW(owned->vips, owned->vip_count, owned->vip_capacity);
	vip = &owned->vips[owned->vip_count++];
	memset(vip, 0, sizeof(*vip));
	vip->addr = *addr;
	snprintf(vip->iface, sizeof(vip->iface), "%s", iface);
}

bool dir_owned_has_vip_on(const struct dir_owned *owned, const struct ipaddr *addr,
			  const char *iface)
{
	struct vip_key key;
	size_t at;

	vip_key(addr, iface, &key);
	return hashmap_get(&owned->vip_index, &key, &at);
}

bool dir_owned_has_vip(const struct dir_owned *owned, const struct ipaddr *addr)
{
	for (size_t i = 0; i < owned->vip_count; i++)
		if (ipaddr_equal(&owned->vips[i].addr, addr))
			return true;
	return false;
}

void dir_owned_add_sysctl(struct dir_owned *owned, const struct saved_sysctl *saved)
{
	XGROW(owned->sysctls, owned->sysctl_count, owned->sysctl_capacity);
	owned->sysctls[owned->sysctl_count++] = *saved;
}

const struct saved_sysctl *dir_owned_sysctl(const struct dir_owned *owned, enum sysctl_key key)
{
	for (size_t i = 0; i < owned->sysctl_count; i++)
		if (owned->sysctls[i].key == key)
			return &owned->sysctls[i];
	return NULL;
}

/* A record names a daemon by what a restart with other settings would
 * change the most: its role, interface and id. */
static bool same_sync(const struct ipvs_daemon *a, const struct ipvs_daemon *b)
{
	return a->role == b->role && strcmp(a->ifname, b->ifname) == 0 && a->syncid == b->syncid;
}

void dir_owned_add_sync(struct dir_owned *owned, const struct ipvs_daemon *daemon)
{
	struct ipvs_daemon *record;

	if (dir_owned_has_sync(owned, daemon) ||
	    owned->sync_count == sizeof(owned->syncs) / sizeof(owned->syncs[0]))
		return;
	record = &owned->syncs[owned->sync_count++];
	memset(record, 0, sizeof(*record));
	record->role = daemon->role;
	snprintf(record->ifname, sizeof(record->ifname), "%s", daemon->ifname);
	record->syncid = daemon->syncid;
}

bool dir_owned_has_sync(const struct dir_owned *owned, const struct ipvs_daemon *daemon)
{
	for (size_t i = 0; i < owned->sync_count; i++)
		if (same_sync(&owned->syncs[i], daemon))
			return true;
	return false;
}

void dir_owned_add_tunable(struct dir_owned *owned, const struct dir_tunable_record *record)
{
	for (size_t i = 0; i < owned->tunable_count; i++)
		if (owned->tunables[i].key == record->key) {
			owned->tunables[i] = *record;
			return;
		}
	if (owned->tunable_count < IPVS_TUNABLE_COUNT)
		owned->tunables[owned->tunable_count++] = *record;
}

const struct dir_tunable_record *dir_owned_tunable(const struct dir_owned *owned,
						   enum ipvs_tunable key)
{
	for (size_t i = 0; i < owned->tunable_count; i++)
		if (owned->tunables[i].key == key)
			return &owned->tunables[i];
	return NULL;
}

bool dir_tunable_holds(const struct dir_tunable_record *record, int current)
{
	return current == record->set || (record->pending >= 0 && current == record->pending);
}

bool dir_owned_is_empty(const struct dir_owned *owned)
{
	return !owned->services.count && !owned->vip_count && !owned->sysctl_count &&
	       !owned->sync_count && !owned->tunable_count;
}

void dir_owned_free(struct dir_owned *owned)
{
	ipvs_table_free(&owned->services);
	hashmap_free(&owned->index);
	hashmap_free(&owned->vip_index);
	free(owned->vips);
	free(owned->sysctls);
	memset(owned, 0, sizeof(*owned));
}

/* --- text ------------------------------------------------------------------- */

/* Room for a reason that needs words of its own. */
struct why_buf {
	char text[512];
};

static const char *parse_vip(const char *line, struct dir_owned *owned, struct why_buf *buf)
{
	char iface[IFNAMSIZ + 2], addr_text[IPADDR_TEXT_MAX], extra[2];
	struct ipaddr addr;
	const char *why;

	if (sscanf(line, "vip %45s %16s %1s", addr_text, iface, extra) != 2 ||
	    ipaddr_parse(addr_text, &addr, &why) < 0)
		return "not a record lvsagent writes";
	if ((why = ipaddr_vip_refusal(&addr)))
		return why;
	/* The configuration's own check of vip_interface. */
	if ((why = director_vip_interface_problem(iface))) {
		snprintf(buf->text, sizeof(buf->text), "vip_interface \"%s\" %s", iface, why);
		return buf->text;
	}
	dir_owned_add_vip(owned, &addr, iface);
	return NULL;
}

/* The director raises ip_forward (IFACE "-") or IPv6 forwarding ("all") to
 * 1, and records the 0 or 1 it found: any other record would have stop
 * write a value the director never replaced. */
static bool forwarding_record(const struct saved_sysctl *saved)
{
	bool ipv4 = saved->key == IP_FORWARD && strcmp(saved->iface, "-") == 0;
	bool ipv6 = saved->key == IPV6_FORWARDING && strcmp(saved->iface, "all") == 0;

	return (ipv4 || ipv6) && (saved->original == 0 || saved->original == 1) && saved->set == 1 &&
	       !saved->pending;
}

static const char *parse_sysctl(const char *line, struct dir_owned *owned)
{
	struct saved_sysctl saved;

	if (saved_sysctl_parse(line, &saved) < 0)
		return "not a record lvsagent writes";
	if (!forwarding_record(&saved))
		return "the director only ever raises ip_forward (IFACE -) or IPv6 forwarding "
		       "(all) to 1, from 0 or 1";
	dir_owned_add_sysctl(owned, &saved);
	return NULL;
}

/* "sync master eth1 7": a role, an interface name, an id the
 * configuration could have given. */
static const char *parse_sync(const char *line, struct dir_owned *owned)
{
	char role[8], iface[IFNAMSIZ + 2], extra[2];
	struct ipvs_daemon daemon = { 0 };
	unsigned id;

	if (sscanf(line, "sync %7s %16s %u %1s", role, iface, &id, extra) != 3)
		return "not a record lvsagent writes";
	if (strcmp(role, "master") != 0 && strcmp(role, "backup") != 0)
		return "a sync daemon is a master or a backup";
	if (strlen(iface) >= IFNAMSIZ || strpbrk(iface, "/:") || id > 255)
		return "not a sync daemon the configuration could name";
	daemon.role = strcmp(role, "master") == 0 ? IPVS_SYNC_MASTER : IPVS_SYNC_BACKUP;
	strcpy(daemon.ifname, iface);
	daemon.syncid = id;
	dir_owned_add_sync(owned, &daemon);
	return NULL;
}

/* "tunable sysctl.conntrack 0 1 [pending 0]": a key the configuration
 * has, and values it could have found and written (in the key's range;
 * anything found is a value the kernel held, 0 or more). */
static const char *parse_tunable(const char *line, struct dir_owned *owned)
{
	char key[48], word[8] = "", extra[2];
	struct dir_tunable_record record = { .pending = -1 };
	int min, max, n;

	n = sscanf(line, "tunable %47s %d %d %7s %d %1s", key, &record.original, &record.set,
		   word, &record.pending, extra);
	if ((n != 3 && n != 5) || (n == 5 && strcmp(word, "pending") != 0) ||
	    ipvs_tunable_parse(key, &record.key) < 0)
		return "not a record lvsagent writes";
	ipvs_tunable_range(record.key, &min, &max);
	if (record.original < 0 || record.set < min || record.set > max ||
	    (n == 5 && record.pending < 0))
		return "not a value the configuration could have set";
	dir_owned_add_tunable(owned, &record);
	return NULL;
}

/* One line into OWNED: NULL, or why it is not believed. */
static const char *parse_line(const char *line, struct dir_owned *owned, struct why_buf *buf)
{
	struct ipvs_service svc = { 0 };
	const char *why;

	if (!line[0] || line[0] == '#')
		return NULL;
	if (strncmp(line, "service ", 8) == 0) {
		if (director_parse_virtual(line + 8, &svc, &why) < 0)
			return why;
		dir_owned_add_service(owned, &svc);
		return NULL;
	}
	if (strncmp(line, "vip ", 4) == 0)
		return parse_vip(line, owned, buf);
	if (strncmp(line, "sysctl ", 7) == 0)
		return parse_sysctl(line, owned);
	if (strncmp(line, "sync ", 5) == 0)
		return parse_sync(line, owned);
	if (strncmp(line, "tunable ", 8) == 0)
		return parse_tunable(line, owned);
	return "not a record lvsagent writes";
}

void dir_state_parse(const char *text, const char *name, struct dir_owned *owned,
		     struct diag *warnings)
{
	char *copy = xstrdup(text), *next = copy;
	int number = 0;

	dir_owned_init(owned);
	while (next) {
		char *line = next, *newline = strchr(line, '\n');
		next = newline ? newline + 1 : NULL;
		if (newline)
			*newline = '\0';
		number++;
		if (!line[0] && !next)
			break;	/* after the last newline */
		struct why_buf buf;
		const char *why = parse_line(line, owned, &buf);
		if (why)
			diag_add(warnings, name, number, "%s: %s: ignored", line, why);
	}
	free(copy);
}

char *dir_state_format(const struct dir_owned *owned)
{
	char *text = NULL, buf[96];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	fputs(DIR_STATE_FIRST_LINE
	      "# the values it replaced. Written by lvsagent; `lvsagent director stop` undoes it.\n",
	      out);
	for (size_t i = 0; i < owned->services.count; i++)
		fprintf(out, "service %s\n",
			director_format_virtual(&owned->services.services[i], buf, sizeof(buf)));
	for (size_t i = 0; i < owned->vip_count; i++)
		fprintf(out, "vip %s %s\n", ipaddr_format(&owned->vips[i].addr, buf),
			owned->vips[i].iface);
	for (size_t i = 0; i < owned->sysctl_count; i++) {
		char line[SAVED_SYSCTL_LINE_MAX];
		saved_sysctl_format(&owned->sysctls[i], line);
		fprintf(out, "%s\n", line);
	}
	for (size_t i = 0; i < owned->sync_count; i++)
		fprintf(out, "sync %s %s %u\n", ipvs_sync_role_name(owned->syncs[i].role),
			owned->syncs[i].ifname, (unsigned)owned->syncs[i].syncid);
	for (size_t i = 0; i < owned->tunable_count; i++) {
		const struct dir_tunable_record *t = &owned->tunables[i];
		fprintf(out, "tunable %s %d %d", ipvs_tunable_key(t->key), t->original, t->set);
		if (t->pending >= 0)
			fprintf(out, " pending %d", t->pending);
		fputc('\n', out);
	}
	fputs(STATE_END_LINE, out);
	fclose(out);
	return text;
}

int dir_state_load(const char *dir, struct dir_owned *owned, struct diag *warnings)
{
	char *text, *name;
	int err = state_read_file(dir, STATE_FILE, &text);

	if (err == -ENOENT) {
		dir_owned_init(owned);
		return 0;
	}
	if (err) {
		dir_owned_init(owned);
		return err;
	}
	if (state_text_cut(text, DIR_STATE_FIRST_LINE)) {
		free(text);
		dir_owned_init(owned);
		return -EBADMSG;
	}
	name = xasprintf("%s/%s", dir, STATE_FILE);
	dir_state_parse(text, name, owned, warnings);
	free(name);
	free(text);
	return 0;
}

bool dir_owned_same(const struct dir_owned *a, const struct dir_owned *b)
{
	char *x = dir_state_format(a), *y = dir_state_format(b);
	bool same = strcmp(x, y) == 0;

	free(x);
	free(y);
	return same;
}

int dir_state_save(const char *dir, const struct dir_owned *owned)
{
	char *text = dir_owned_is_empty(owned) ? NULL : dir_state_format(owned);
	int err = state_write_file(dir, STATE_FILE, text);

	free(text);
	return err;
}

static bool same(const void *a, const void *b)
{
	return dir_owned_same(a, b);
}

static int save(const char *dir, const void *owned)
{
	return dir_state_save(dir, owned);
}

static void release(void *owned)
{
	dir_owned_free(owned);
}

const struct run_record dir_state_record = {
	.file = "director",
	.after_hint = "",
	.size = sizeof(struct dir_owned),
	.same = same,
	.save = save,
	.free = release,
};
