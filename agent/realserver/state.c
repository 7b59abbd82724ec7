/* state: ownership records on disk. Text, one fact per line, so an
 * operator can read it:  addr ADDR | route ADDR | local ADDR/LEN | adopted ADDR |
 * sysctl IFACE KEY ORIGINAL SET | tunnel NAME | fou PORT 4|6 */
#include "realserver/state.h"

#include <errno.h>
#include <linux/fou.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/xalloc.h"
#include "realserver/tunnel.h"

/* The first line says the file ends with STATE_END_LINE (state_dir.h):
 * one cut short is refused, not read as owning less. */
#define STATE_FIRST_LINE "# lvsagent state, last line \"# end\": what lvsagent created and " \
			 "the values it replaced.\n"
#define STATE_HEADER STATE_FIRST_LINE \
		     "# Written by lvsagent; `lvsagent stop` undoes it. Do not edit.\n"

void addr_list_add(struct addr_list *list, const struct ipaddr *addr)
{
	XGROW(list->items, list->count, list->capacity);
	list->items[list->count++] = *addr;
}

void addr_list_sort(struct addr_list *list)
{
	sort_unless_sorted(list->items, list->count, sizeof(*list->items), ipaddr_qsort_cmp);
}

bool addr_list_has(const struct addr_list *list, const struct ipaddr *addr)
{
	size_t i = ipaddr_lower_bound(list->items, list->count, sizeof(*list->items), 0, addr);

	return i < list->count && ipaddr_equal(&list->items[i], addr);
}

void prefix_list_add(struct prefix_list *list, const struct ipprefix *prefix)
{
	XGROW(list->items, list->count, list->capacity);
	list->items[list->count++] = *prefix;
}

void prefix_list_sort(struct prefix_list *list)
{
	sort_unless_sorted(list->items, list->count, sizeof(*list->items), ipprefix_qsort_cmp);
}

bool prefix_list_has(const struct prefix_list *list, const struct ipprefix *prefix)
{
	size_t lo = 0, hi = list->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ipprefix_compare(&list->items[mid], prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < list->count && ipprefix_compare(&list->items[lo], prefix) == 0;
}

void owned_add_sysctl(struct owned *owned, const struct saved_sysctl *saved)
{
	XGROW(owned->sysctls, owned->sysctl_count, owned->sysctl_capacity);
	owned->sysctls[owned->sysctl_count++] = *saved;
}

const struct saved_sysctl *owned_sysctl(const struct owned *owned, const char *iface,
					enum sysctl_key key)
{
	for (size_t i = 0; i < owned->sysctl_count; i++)
		if (owned->sysctls[i].key == key && strcmp(owned->sysctls[i].iface, iface) == 0)
			return &owned->sysctls[i];
	return NULL;
}

void owned_add_tunnel(struct owned *owned, const char *name)
{
	if (owned_has_tunnel(owned, name))
		return;
	XGROW(owned->tunnels, owned->tunnel_count, owned->tunnel_capacity);
	snprintf(owned->tunnels[owned->tunnel_count++].name, IFNAMSIZ, "%s", name);
}

bool owned_has_tunnel(const struct owned *owned, const char *name)
{
	for (size_t i = 0; i < owned->tunnel_count; i++)
		if (strcmp(owned->tunnels[i].name, name) == 0)
			return true;
	return false;
}

static bool same_fou(const struct fou_port *a, const struct fou_port *b)
{
	return a->port == b->port && a->family == b->family;
}

void owned_add_fou(struct owned *owned, const struct fou_port *port)
{
	if (owned_has_fou(owned, port))
		return;
	XGROW(owned->fou_ports, owned->fou_count, owned->fou_capacity);
	owned->fou_ports[owned->fou_count++] = (struct fou_port){ .port = port->port,
								  .family = port->family,
								  .type = port->type };
}

bool owned_has_fou(const struct owned *owned, const struct fou_port *port)
{
	for (size_t i = 0; i < owned->fou_count; i++)
		if (same_fou(&owned->fou_ports[i], port))
			return true;
	return false;
}

bool owned_is_empty(const struct owned *owned)
{
	return !owned->addrs.count && !owned->routes.count && !owned->adopted.count &&
	       !owned->locals.count &&
	       !owned->sysctl_count && !owned->tunnel_count && !owned->fou_count;
}

static bool lists_equal(const struct addr_list *a, const struct addr_list *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (!ipaddr_equal(&a->items[i], &b->items[i]))
			return false;
	return true;
}

static bool prefix_lists_equal(const struct prefix_list *a, const struct prefix_list *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (ipprefix_compare(&a->items[i], &b->items[i]) != 0)
			return false;
	return true;
}

bool owned_equal(const struct owned *a, const struct owned *b)
{
	if (!prefix_lists_equal(&a->locals, &b->locals))
		return false;
	if (!lists_equal(&a->addrs, &b->addrs) || !lists_equal(&a->routes, &b->routes) ||
	    !lists_equal(&a->adopted, &b->adopted) || a->sysctl_count != b->sysctl_count ||
	    a->tunnel_count != b->tunnel_count || a->fou_count != b->fou_count)
		return false;
	for (size_t i = 0; i < a->fou_count; i++)
		if (!same_fou(&a->fou_ports[i], &b->fou_ports[i]))
			return false;
	for (size_t i = 0; i < a->tunnel_count; i++)
		if (strcmp(a->tunnels[i].name, b->tunnels[i].name) != 0)
			return false;
	for (size_t i = 0; i < a->sysctl_count; i++) {
		const struct saved_sysctl *x = &a->sysctls[i], *y = &b->sysctls[i];
		if (x->key != y->key || x->original != y->original || x->set != y->set ||
		    x->pending != y->pending || x->ifindex != y->ifindex ||
		    strcmp(x->iface, y->iface) != 0)
			return false;
	}
	return true;
}

void owned_free(struct owned *owned)
{
	free(owned->addrs.items);
	free(owned->routes.items);
	free(owned->locals.items);
	free(owned->adopted.items);
	free(owned->sysctls);
	free(owned->tunnels);
	free(owned->fou_ports);
	memset(owned, 0, sizeof(*owned));
}

/* Only what the real server could have written is believed: stop writes
 * the original back, so a forged one would be written as root. */
static bool arp_record_plausible(const struct saved_sysctl *saved)
{
	return (saved->key < ARP_KEY_COUNT || saved->key == RP_FILTER) &&
	       sysctl_change_plausible(saved->key, saved->original, saved->set) &&
	       (!saved->pending || sysctl_change_plausible(saved->key, saved->original,
							   saved->pending));
}

static int parse_addr_line(const char *line, struct owned *owned)
{
	static const struct { const char *word; size_t offset; } kinds[] = {
		{ "addr ", offsetof(struct owned, addrs) },
		{ "route ", offsetof(struct owned, routes) },
		{ "adopted ", offsetof(struct owned, adopted) },
	};
	struct ipaddr addr;
	const char *why;

	for (size_t i = 0; i < 3; i++) {
		size_t len = strlen(kinds[i].word);
		if (strncmp(line, kinds[i].word, len) != 0)
			continue;
		if (ipaddr_parse(line + len, &addr, &why) < 0 || ipaddr_vip_refusal(&addr))
			return -1;
		addr_list_add((struct addr_list *)((char *)owned + kinds[i].offset), &addr);
		return 0;
	}
	return -1;
}

/* "fou PORT 4|6": a GUE port lvsagent added. */
static int parse_fou_line(const char *line, struct owned *owned)
{
	struct fou_port port = { .type = FOU_ENCAP_GUE };
	int number, version, used;

	if (sscanf(line, "fou %d %d%n", &number, &version, &used) != 2 || line[used] ||
	    number < 1 || number > 65535 || (version != 4 && version != 6))
		return -1;
	port.port = (uint16_t)number;
	port.family = version == 4 ? AF_INET : AF_INET6;
	owned_add_fou(owned, &port);
	return 0;
}

/* "local ADDR/LEN": a local route lvsagent added. */
static int parse_local_line(const char *text, struct owned *owned)
{
	struct ipprefix prefix;
	const char *why;

	if (!strchr(text, '/') || ipprefix_parse(text, &prefix, &why) < 0 ||
	    ipaddr_vip_refusal(&prefix.addr))
		return -1;
	prefix_list_add(&owned->locals, &prefix);
	return 0;
}

static int parse_line(char *line, struct owned *owned)
{
	struct saved_sysctl saved;
	size_t len = strlen(line);

	if (len && line[len - 1] == '\r')
		line[len - 1] = '\0';
	if (!line[0] || line[0] == '#')
		return 0;
	if (strncmp(line, "sysctl ", 7) == 0) {
		if (saved_sysctl_parse(line, &saved) < 0 || !arp_record_plausible(&saved))
			return -1;
		owned_add_sysctl(owned, &saved);
		return 0;
	}
	/* Only a device lvsagent could have brought up: stop sets it down,
	 * and a forged "tunnel eth0" must not take the uplink with it. */
	if (strncmp(line, "tunnel ", 7) == 0) {
		if (!tunnel_spec_by_name(line + 7))
			return -1;
		owned_add_tunnel(owned, line + 7);
		return 0;
	}
	if (strncmp(line, "fou ", 4) == 0)
		return parse_fou_line(line, owned);
	if (strncmp(line, "local ", 6) == 0)
		return parse_local_line(line + 6, owned);
	return parse_addr_line(line, owned);
}

static size_t count_lines(const char *text)
{
	size_t lines = 1;

	for (const char *nl = text; (nl = strchr(nl, '\n')); nl++)
		lines++;
	return lines;
}

/* Room for every line in each list: only the pages a list fills are ever
 * touched, and 20 000 lines are not copied a dozen times while growing. */
static void reserve_lists(struct owned *owned, size_t lines)
{
	struct addr_list *lists[] = { &owned->addrs, &owned->routes, &owned->adopted };

	for (size_t i = 0; i < 3; i++) {
		lists[i]->items = xrealloc_array(NULL, lines, sizeof(*lists[i]->items));
		lists[i]->capacity = lines;
	}
}

/* Parse TEXT in place: its newlines become line ends. */
static void parse_text(char *text, struct owned *owned, int *skipped)
{
	memset(owned, 0, sizeof(*owned));
	*skipped = 0;
	reserve_lists(owned, count_lines(text));
	for (char *line = text, *end; line; line = end) {
		end = strchr(line, '\n');
		if (end)
			*end++ = '\0';
		if (parse_line(line, owned) < 0)
			(*skipped)++;
	}
	addr_list_sort(&owned->addrs);
	addr_list_sort(&owned->routes);
	addr_list_sort(&owned->adopted);
	prefix_list_sort(&owned->locals);
}

void state_parse(const char *text, struct owned *owned, int *skipped)
{
	char *copy = xstrdup(text);

	parse_text(copy, owned, skipped);
	free(copy);
}

/* The longest line of each kind, with its newline (arp_announce is the
 * longest key name). */
#define ADDR_LINE_MAX (sizeof("adopted ") + IPADDR_TEXT_MAX)
#define SYSCTL_LINE_MAX (SAVED_SYSCTL_LINE_MAX + 1)

/* One "WORD ADDRESS" line per address, at OUT; returns the end. */
static char *format_list(char *out, const char *word, const struct addr_list *list)
{
	size_t word_len = strlen(word);

	for (size_t i = 0; i < list->count; i++) {
		memcpy(out, word, word_len);
		out += word_len;
		*out++ = ' ';
		ipaddr_format(&list->items[i], out);
		out += strlen(out);
		*out++ = '\n';
	}
	return out;
}

/* Assembled in one buffer sized up front: a state of 10 000 VIPs is
 * written in one go, not grown and copied line by line. */
char *state_format(const struct owned *owned)
{
	size_t lines = owned->addrs.count + owned->routes.count + owned->adopted.count +
		       owned->locals.count;
	char *text = xmalloc(sizeof(STATE_HEADER) + sizeof(STATE_END_LINE) + lines * ADDR_LINE_MAX +
			     owned->sysctl_count * SYSCTL_LINE_MAX +
			     owned->tunnel_count * (sizeof("tunnel \n") + IFNAMSIZ) +
			     owned->fou_count * sizeof("fou 65535 6\n"));
	char *out = text + strlen(strcpy(text, STATE_HEADER));

	out = format_list(out, "addr", &owned->addrs);
	out = format_list(out, "route", &owned->routes);
	for (size_t i = 0; i < owned->locals.count; i++) {
		out += strlen(strcpy(out, "local "));
		ipprefix_format(&owned->locals.items[i], out);
		out += strlen(out);
		*out++ = '\n';
	}
	out = format_list(out, "adopted", &owned->adopted);
	for (size_t i = 0; i < owned->sysctl_count; i++) {
		saved_sysctl_format(&owned->sysctls[i], out);
		out += strlen(out);
		*out++ = '\n';
	}
	for (size_t i = 0; i < owned->tunnel_count; i++)
		out += sprintf(out, "tunnel %s\n", owned->tunnels[i].name);
	for (size_t i = 0; i < owned->fou_count; i++)
		out += sprintf(out, "fou %u %d\n", owned->fou_ports[i].port,
			       owned->fou_ports[i].family == AF_INET ? 4 : 6);
	strcpy(out, STATE_END_LINE);
	return text;
}

int state_load(const char *dir, struct owned *owned, int *skipped)
{
	char *text;
	int err;

	memset(owned, 0, sizeof(*owned));
	*skipped = 0;
	err = state_read_file(dir, "state", &text);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (state_text_cut(text, STATE_FIRST_LINE)) {
		free(text);
		return -EBADMSG;
	}
	parse_text(text, owned, skipped);
	free(text);
	return 0;
}

int state_save(const char *dir, const struct owned *owned)
{
	char *text = owned_is_empty(owned) ? NULL : state_format(owned);
	int err = state_write_file(dir, "state", text);

	free(text);
	return err;
}

static bool same(const void *a, const void *b)
{
	return owned_equal(a, b);
}

static int save(const char *dir, const void *owned)
{
	return state_save(dir, owned);
}

static void release(void *owned)
{
	owned_free(owned);
}

const struct run_record state_record = {
	.file = "state",
	.after_hint = " (lvsagent stop will still find its addresses and routes by their marks)",
	.size = sizeof(struct owned),
	.same = same,
	.save = save,
	.free = release,
};
