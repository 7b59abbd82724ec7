/* import: ipvsadm rules → configuration sections. See
 * import.h. */
#include "director/import.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "core/config.h"
#include "director/config.h"
#include "director/import_script.h"
#include "director/state.h"
#include "director/syntax.h"
#include "lib/hashmap.h"
#include "lib/xalloc.h"

/* ipvsadm's -p without a value: IPVS_SVC_PERSISTENT_TIMEOUT, 6 * 60 in
 * ipvsadm 1.31 (its manual says 300; the VM tests check what it does). */
#define DEFAULT_PERSISTENCE 360

struct importer {
	const char *file;
	struct diag *diag;
	struct diag *notes;		/* commands skipped, for standard error */
	int line;
	struct ipvs_table table;
	struct hashmap index;		/* service key → position in table */
	int *lines;			/* where each service was added */
};

#define IMPORT_ERR(imp, ...) diag_add((imp)->diag, (imp)->file, (imp)->line, __VA_ARGS__)
#define IMPORT_NOTE(imp, ...)                                                         \
	do {                                                                          \
		if ((imp)->notes)                                                     \
			diag_add((imp)->notes, (imp)->file, (imp)->line, __VA_ARGS__); \
	} while (0)

/* One rule's options, as written. */
struct rule {
	char command;			/* as ipvsadm's: 'A', 'E', 'D' services, 'a', 'e',
					 * 'd' real servers, 'C' clear */
	char kind;			/* 't', 'u', 's' (sctp), 'f' (fwmark) */
	const char *service, *scheduler, *timeout, *netmask, *flags;
	const char *real, *weight, *u_threshold, *l_threshold, *tun_type, *tun_port;
	const char *pe;
	bool ipv6, persistent, one_packet;
	int fwd;			/* -1 none given */
	int tun_csum;			/* -1 none, else IP_VS_TUNNEL_ENCAP_FLAG_* */
};

enum opt {
	OPT_ADD_SERVICE, OPT_EDIT_SERVICE, OPT_DELETE_SERVICE, OPT_ADD_SERVER, OPT_EDIT_SERVER,
	OPT_DELETE_SERVER, OPT_CLEAR, OPT_TCP, OPT_UDP, OPT_SCTP, OPT_FWMARK,
	OPT_IPV6, OPT_SCHEDULER, OPT_PERSISTENT, OPT_NETMASK, OPT_OPS, OPT_FLAGS, OPT_REAL,
	OPT_DR, OPT_TUN, OPT_NAT, OPT_WEIGHT, OPT_U_THRESHOLD, OPT_L_THRESHOLD, OPT_TUN_TYPE,
	OPT_TUN_PORT, OPT_NOCSUM, OPT_CSUM, OPT_REMCSUM, OPT_PE,
};

/* Options of one choice (-g, -i, -m) exclude each other, as a repeated
 * option does; any other option is a choice of its own. */
enum choice { CHOICE_COMMAND, CHOICE_SERVICE, CHOICE_METHOD, CHOICE_CSUM, CHOICE_OWN };

static const char *const choice_names[] = {
	[CHOICE_COMMAND] = " (-A, -E, -D, -a, -e, -d and -C are one choice)",
	[CHOICE_SERVICE] = " (-t, -u, --sctp-service and -f are one choice)",
	[CHOICE_METHOD] = " (-g, -i and -m are one choice)",
	[CHOICE_CSUM] = " (--tun-nocsum, --tun-csum and --tun-remcsum are one choice)",
};

static const struct {
	const char *brief, *name;
	enum opt opt;
	bool takes_value;
	enum choice choice;
} options[] = {
	{ "-A", "--add-service", OPT_ADD_SERVICE, false, CHOICE_COMMAND },
	{ "-E", "--edit-service", OPT_EDIT_SERVICE, false, CHOICE_COMMAND },
	{ "-D", "--delete-service", OPT_DELETE_SERVICE, false, CHOICE_COMMAND },
	{ "-a", "--add-server", OPT_ADD_SERVER, false, CHOICE_COMMAND },
	{ "-e", "--edit-server", OPT_EDIT_SERVER, false, CHOICE_COMMAND },
	{ "-d", "--delete-server", OPT_DELETE_SERVER, false, CHOICE_COMMAND },
	{ "-C", "--clear", OPT_CLEAR, false, CHOICE_COMMAND },
	{ "-t", "--tcp-service", OPT_TCP, true, CHOICE_SERVICE },
	{ "-u", "--udp-service", OPT_UDP, true, CHOICE_SERVICE },
	{ NULL, "--sctp-service", OPT_SCTP, true, CHOICE_SERVICE },
	{ "-f", "--fwmark-service", OPT_FWMARK, true, CHOICE_SERVICE },
	{ "-6", "--ipv6", OPT_IPV6, false, CHOICE_OWN },
	{ "-s", "--scheduler", OPT_SCHEDULER, true, CHOICE_OWN },
	{ "-p", "--persistent", OPT_PERSISTENT, false, CHOICE_OWN },	/* its value is optional */
	{ "-M", "--netmask", OPT_NETMASK, true, CHOICE_OWN },
	{ "-o", "--ops", OPT_OPS, false, CHOICE_OWN },
	{ "-b", "--sched-flags", OPT_FLAGS, true, CHOICE_OWN },
	{ "-r", "--real-server", OPT_REAL, true, CHOICE_OWN },
	{ "-g", "--gatewaying", OPT_DR, false, CHOICE_METHOD },
	{ "-i", "--ipip", OPT_TUN, false, CHOICE_METHOD },
	{ "-m", "--masquerading", OPT_NAT, false, CHOICE_METHOD },
	{ "-w", "--weight", OPT_WEIGHT, true, CHOICE_OWN },
	{ "-x", "--u-threshold", OPT_U_THRESHOLD, true, CHOICE_OWN },
	{ "-y", "--l-threshold", OPT_L_THRESHOLD, true, CHOICE_OWN },
	{ NULL, "--tun-type", OPT_TUN_TYPE, true, CHOICE_OWN },
	{ NULL, "--tun-port", OPT_TUN_PORT, true, CHOICE_OWN },
	{ NULL, "--tun-nocsum", OPT_NOCSUM, false, CHOICE_CSUM },
	{ NULL, "--tun-csum", OPT_CSUM, false, CHOICE_CSUM },
	{ NULL, "--tun-remcsum", OPT_REMCSUM, false, CHOICE_CSUM },
	{ NULL, "--pe", OPT_PE, true, CHOICE_OWN },
};

/* One bit per choice: the shared ones first, then one per option. */
static uint64_t choice_bit(int at)
{
	enum choice choice = options[at].choice;

	return 1ull << (choice == CHOICE_OWN ? CHOICE_OWN + at : (int)choice);
}

static int find_option(const char *word)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if ((options[i].brief && strcmp(word, options[i].brief) == 0) ||
		    strcmp(word, options[i].name) == 0)
			return (int)i;
	return -1;
}

static bool all_digits(const char *text)
{
	return *text && strspn(text, "0123456789") == strlen(text);
}

/* Record option OPT with VALUE (NULL for switches) in RULE. */
static void take_option(struct rule *rule, enum opt opt, const char *value)
{
	switch (opt) {
	case OPT_ADD_SERVICE: rule->command = 'A'; break;
	case OPT_EDIT_SERVICE: rule->command = 'E'; break;
	case OPT_DELETE_SERVICE: rule->command = 'D'; break;
	case OPT_ADD_SERVER: rule->command = 'a'; break;
	case OPT_EDIT_SERVER: rule->command = 'e'; break;
	case OPT_DELETE_SERVER: rule->command = 'd'; break;
	case OPT_CLEAR: rule->command = 'C'; break;
	case OPT_TCP: rule->kind = 't'; rule->service = value; break;
	case OPT_UDP: rule->kind = 'u'; rule->service = value; break;
	case OPT_SCTP: rule->kind = 's'; rule->service = value; break;
	case OPT_FWMARK: rule->kind = 'f'; rule->service = value; break;
	case OPT_IPV6: rule->ipv6 = true; break;
	case OPT_SCHEDULER: rule->scheduler = value; break;
	case OPT_PERSISTENT: rule->persistent = true; rule->timeout = value; break;
	case OPT_NETMASK: rule->netmask = value; break;
	case OPT_OPS: rule->one_packet = true; break;
	case OPT_FLAGS: rule->flags = value; break;
	case OPT_REAL: rule->real = value; break;
	case OPT_DR: rule->fwd = IP_VS_CONN_F_DROUTE; break;
	case OPT_TUN: rule->fwd = IP_VS_CONN_F_TUNNEL; break;
	case OPT_NAT: rule->fwd = IP_VS_CONN_F_MASQ; break;
	case OPT_WEIGHT: rule->weight = value; break;
	case OPT_U_THRESHOLD: rule->u_threshold = value; break;
	case OPT_L_THRESHOLD: rule->l_threshold = value; break;
	case OPT_TUN_TYPE: rule->tun_type = value; break;
	case OPT_TUN_PORT: rule->tun_port = value; break;
	case OPT_NOCSUM: rule->tun_csum = 0; break;
	case OPT_CSUM: rule->tun_csum = IP_VS_TUNNEL_ENCAP_FLAG_CSUM; break;
	case OPT_REMCSUM: rule->tun_csum = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM; break;
	case OPT_PE: rule->pe = value; break;
	}
}

/* WORD (option AT) was given before, itself or another of its choice:
 * ipvsadm refuses that ("multiple 'scheduler' options specified"). */
static int given_twice(struct importer *imp, const char *word, int at, uint64_t *given)
{
	uint64_t bit = choice_bit(at);

	if (!(*given & bit)) {
		*given |= bit;
		return 0;
	}
	IMPORT_ERR(imp, "%s is given twice%s", word,
		   options[at].choice == CHOICE_OWN ? "" : choice_names[options[at].choice]);
	return -1;
}

/* WORDS → RULE; "--opt=value" is split, "-p" takes a number if one follows. */
static int read_rule(struct importer *imp, char **words, size_t count, struct rule *rule)
{
	uint64_t given = 0;

	memset(rule, 0, sizeof(*rule));
	rule->fwd = rule->tun_csum = -1;
	for (size_t i = 0; i < count; i++) {
		char *value = NULL, *equals = strncmp(words[i], "--", 2) == 0 ? strchr(words[i], '=')
									      : NULL;
		if (equals)
			*equals = '\0', value = equals + 1;
		int at = find_option(words[i]);
		if (at < 0) {
			IMPORT_ERR(imp, "\"%s\" is not an ipvsadm rule option this import knows", words[i]);
			return -1;
		}
		if (given_twice(imp, words[i], at, &given) < 0)
			return -1;
		if (options[at].takes_value && !value && i + 1 < count)
			value = words[++i];
		else if (options[at].opt == OPT_PERSISTENT && !value && i + 1 < count &&
			 all_digits(words[i + 1]))
			value = words[++i];
		if (options[at].takes_value && !value) {
			IMPORT_ERR(imp, "%s needs a value", words[i]);
			return -1;
		}
		take_option(rule, options[at].opt, value);
	}
	return 0;
}

/* --- addresses and ports, names resolved as ipvsadm does ------------------------ */

static int resolve_host(struct importer *imp, const char *host, int family, struct ipaddr *addr)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM }, *found;
	const char *why;

	if (ipaddr_parse(host, addr, &why) == 0)
		return 0;
	if (getaddrinfo(host, NULL, &hints, &found) != 0) {
		IMPORT_ERR(imp, "\"%s\" is neither an address nor a host name that resolves", host);
		return -1;
	}
	int err = found->ai_family == AF_INET
		  ? ipaddr_from_bytes(addr, AF_INET, &((struct sockaddr_in *)found->ai_addr)->sin_addr, 4)
		  : ipaddr_from_bytes(addr, AF_INET6,
				      &((struct sockaddr_in6 *)found->ai_addr)->sin6_addr, 16);
	freeaddrinfo(found);
	return err;
}

static int resolve_port(struct importer *imp, const char *text, uint16_t protocol, uint16_t *port)
{
	struct servent *entry;
	unsigned long number;

	if (director_parse_number(text, 65535, &number)) {
		*port = (uint16_t)number;
		return 0;
	}
	entry = getservbyname(text, director_protocol_name(protocol));
	if (!entry && protocol == IPPROTO_SCTP)
		entry = getservbyname(text, "tcp");
	if (!entry) {
		IMPORT_ERR(imp, "\"%s\" is neither a port number nor a known service name", text);
		return -1;
	}
	*port = ntohs((uint16_t)entry->s_port);
	return 0;
}

/* "ADDR:PORT", "[ADDR6]:PORT", "host:name", or with PORT_OPTIONAL "ADDR". */
static int resolve_addrport(struct importer *imp, const char *text, int family, uint16_t protocol,
			    struct ipaddr *addr, uint16_t *port, bool *port_given)
{
	char host[256];
	const char *port_text, *why;

	if (director_split_addrport(text, host, sizeof(host), &port_text, &why) < 0) {
		IMPORT_ERR(imp, "\"%s\": %s", text, why);
		return -1;
	}
	*port = 0;
	*port_given = port_text != NULL;
	if (resolve_host(imp, host, family, addr) < 0)
		return -1;
	return port_text ? resolve_port(imp, port_text, protocol, port) : 0;
}

/* --- -A: a service ------------------------------------------------------------------ */

static int number_in(struct importer *imp, const char *what, const char *text, unsigned long max,
		     uint32_t *out)
{
	unsigned long number;

	if (!director_parse_number(text, max, &number)) {
		IMPORT_ERR(imp, "%s \"%s\" is not a number from 0 to %lu", what, text, max);
		return -1;
	}
	*out = (uint32_t)number;
	return 0;
}

/* A mark as ipvsadm -S prints it: with %d, so the upper half of the range
 * comes out negative ("-1" is 4294967295). Both spellings are read. */
static int parse_fwmark(struct importer *imp, const char *text, uint32_t *mark)
{
	unsigned long number;

	if (director_parse_number(text, 0xffffffffu, &number)) {
		*mark = (uint32_t)number;
		return 0;
	}
	if (text[0] == '-' && director_parse_number(text + 1, 0x80000000u, &number)) {
		*mark = (uint32_t)(0x100000000ull - number);
		return 0;
	}
	IMPORT_ERR(imp, "fwmark \"%s\" is not a mark (1 to 4294967295, or -2147483648 to -1 as "
		   "ipvsadm prints the upper half)", text);
	return -1;
}

/* The service key of RULE (-t/-u/--sctp-service/-f [-6]). */
static int rule_service(struct importer *imp, const struct rule *rule, struct ipvs_service *svc)
{
	static const uint16_t protocols[] = { ['t'] = IPPROTO_TCP, ['u'] = IPPROTO_UDP,
					      ['s'] = IPPROTO_SCTP };
	bool port_given;

	memset(svc, 0, sizeof(*svc));
	if (!rule->kind) {
		IMPORT_ERR(imp, "the rule names no service (-t, -u, --sctp-service or -f)");
		return -1;
	}
	if (rule->kind == 'f') {
		svc->af = rule->ipv6 ? AF_INET6 : AF_INET;
		if (parse_fwmark(imp, rule->service, &svc->fwmark) < 0)
			return -1;
		return svc->fwmark ? 0 : (IMPORT_ERR(imp, "fwmark 0 marks nothing"), -1);
	}
	svc->protocol = protocols[(unsigned char)rule->kind];
	if (resolve_addrport(imp, rule->service, AF_UNSPEC, svc->protocol, &svc->addr, &svc->port,
			     &port_given) < 0)
		return -1;
	svc->af = svc->addr.family;
	return 0;
}

static int service_flags(struct importer *imp, const struct rule *rule, struct ipvs_service *svc)
{
	char *copy = xstrdup(rule->flags ? rule->flags : ""), *save = NULL;
	uint32_t flag = 0;
	int err = 0;

	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const char *scheduler = director_flag_scheduler(name);
		if (director_parse_flag(name, &flag) < 0) {
			IMPORT_ERR(imp, "unknown scheduler flag \"%s\"", name);
			err = -1;
		} else if (scheduler && strcmp(scheduler, svc->scheduler) != 0) {
			/* ipvsadm's "incompatible scheduler flag" */
			IMPORT_ERR(imp, "scheduler flag \"%s\" is for scheduler %s, not %s", name,
				   scheduler, svc->scheduler);
			err = -1;
		}
		svc->flags |= flag;
	}
	free(copy);
	if (rule->one_packet)
		svc->flags |= IP_VS_SVC_F_ONEPACKET;
	return err;
}

/* Persistence and its granularity: -p [T], -M MASK (IPv6: prefix length). */
static int service_persistence(struct importer *imp, const struct rule *rule,
			       struct ipvs_service *svc)
{
	struct ipaddr mask;
	const char *why;

	svc->netmask = svc->af == AF_INET6 ? 128 : 0xffffffffu;
	if (!rule->persistent)
		return 0;
	svc->timeout = DEFAULT_PERSISTENCE;
	if (rule->timeout && number_in(imp, "persistence", rule->timeout, 0xffffffffu,
				       &svc->timeout) < 0)
		return -1;
	if (!rule->netmask)
		return 0;
	if (svc->af == AF_INET6)
		return number_in(imp, "an IPv6 netmask", rule->netmask, 128, &svc->netmask);
	if (ipaddr_parse(rule->netmask, &mask, &why) < 0 || mask.family != AF_INET) {
		IMPORT_ERR(imp, "netmask \"%s\" is not a dotted mask", rule->netmask);
		return -1;
	}
	svc->netmask = mask.v4.s_addr;
	return 0;
}

/* RULE's service as ipvsadm -A (or -E: the same, every setting replaced)
 * makes it: what is not given takes ipvsadm's default. */
static int rule_settings(struct importer *imp, const struct rule *rule, struct ipvs_service *svc)
{
	if (rule_service(imp, rule, svc) < 0)
		return -1;
	if (rule->pe && !director_module_name(rule->pe, sizeof(svc->pe_name))) {
		IMPORT_ERR(imp, "--pe \"%s\" is not a persistence engine name (sip, ...)", rule->pe);
		return -1;
	}
	snprintf(svc->pe_name, sizeof(svc->pe_name), "%s", rule->pe ? rule->pe : "");
	const char *refusal = svc->fwmark ? NULL : ipaddr_vip_refusal(&svc->addr);
	if (refusal) {
		IMPORT_ERR(imp, "virtual %s: %s", rule->service, refusal);
		return -1;
	}
	snprintf(svc->scheduler, sizeof(svc->scheduler), "%s",
		 rule->scheduler ? rule->scheduler : "wlc");
	if (service_persistence(imp, rule, svc) < 0 || service_flags(imp, rule, svc) < 0)
		return -1;
	if (svc->timeout)
		svc->flags |= IP_VS_SVC_F_PERSISTENT;
	return 0;
}

/* The position of RULE's service among those added so far, or -1 (said,
 * naming what the rule wanted to do). */
static ssize_t find_service(struct importer *imp, const struct rule *rule, const char *doing)
{
	struct ipvs_service key_only;
	struct ipvs_service_key key;
	size_t at;

	if (rule_service(imp, rule, &key_only) < 0)
		return -1;
	ipvs_service_key(&key_only, &key);
	if (hashmap_get(&imp->index, &key, &at))
		return (ssize_t)at;
	IMPORT_ERR(imp, "%s for a service no -A rule above adds", doing);
	return -1;
}

/* The index after services moved (-D) or went (-C). */
static void reindex(struct importer *imp)
{
	struct ipvs_service_key key;

	hashmap_free(&imp->index);
	hashmap_init(&imp->index, sizeof(struct ipvs_service_key), 64);
	for (size_t i = 0; i < imp->table.count; i++) {
		ipvs_service_key(&imp->table.services[i], &key);
		hashmap_put(&imp->index, &key, i);
	}
}

static void add_service(struct importer *imp, const struct rule *rule)
{
	struct ipvs_service svc;
	struct ipvs_service_key key;
	size_t at;

	if (rule_settings(imp, rule, &svc) < 0)
		return;
	ipvs_service_key(&svc, &key);
	if (!hashmap_put(&imp->index, &key, imp->table.count) && hashmap_get(&imp->index, &key, &at)) {
		IMPORT_ERR(imp, "this service was already added on line %d", imp->lines[at]);
		return;
	}
	imp->lines = xrealloc_array(imp->lines, imp->table.count + 1, sizeof(int));
	imp->lines[imp->table.count] = imp->line;
	ipvs_table_add(&imp->table, &svc);
}

/* -E: ipvsadm 1.31 sends the whole service again, so a setting the rule
 * leaves out goes back to its default (scheduler wlc, no persistence). */
static void edit_service(struct importer *imp, const struct rule *rule)
{
	ssize_t at = find_service(imp, rule, "-E");
	struct ipvs_service svc, *have;

	if (at < 0 || rule_settings(imp, rule, &svc) < 0)
		return;
	have = &imp->table.services[at];
	memcpy(have->scheduler, svc.scheduler, sizeof(svc.scheduler));
	memcpy(have->pe_name, svc.pe_name, sizeof(svc.pe_name));
	have->flags = svc.flags;
	have->timeout = svc.timeout;
	have->netmask = svc.netmask;
}

static void delete_service(struct importer *imp, const struct rule *rule)
{
	ssize_t at = find_service(imp, rule, "-D");
	size_t after;

	if (at < 0)
		return;
	ipvs_service_free(&imp->table.services[at]);
	after = imp->table.count - (size_t)at - 1;
	memmove(&imp->table.services[at], &imp->table.services[at + 1],
		after * sizeof(imp->table.services[0]));
	memmove(&imp->lines[at], &imp->lines[at + 1], after * sizeof(imp->lines[0]));
	imp->table.count--;
	reindex(imp);
}

/* -C: what came before is gone; the rules after it make the table. */
static void clear_table(struct importer *imp)
{
	ipvs_table_free(&imp->table);
	memset(&imp->table, 0, sizeof(imp->table));
	reindex(imp);
}

/* --- -a: a real server ------------------------------------------------------------- */

static int dest_tunnel(struct importer *imp, const struct rule *rule, struct ipvs_dest *dest)
{
	int type = rule->tun_type ? director_parse_tun_type(rule->tun_type) : 0;
	uint32_t port = 0;

	if (type < 0) {
		IMPORT_ERR(imp, "unknown --tun-type \"%s\"", rule->tun_type);
		return -1;
	}
	dest->tun_type = (uint8_t)type;
	if (rule->tun_port && number_in(imp, "--tun-port", rule->tun_port, 65535, &port) < 0)
		return -1;
	dest->tun_port = (uint16_t)port;
	dest->tun_flags = rule->tun_csum > 0 ? (uint16_t)rule->tun_csum : 0;
	if ((rule->tun_type || rule->tun_port || rule->tun_csum >= 0) &&
	    dest->fwd != IP_VS_CONN_F_TUNNEL) {
		IMPORT_ERR(imp, "tunnel options on a real server that is not -i (ipip)");
		return -1;
	}
	return 0;
}

static int dest_numbers(struct importer *imp, const struct rule *rule, struct ipvs_dest *dest)
{
	if (rule->weight && number_in(imp, "weight", rule->weight, 65535, &dest->weight) < 0)
		return -1;
	if (rule->u_threshold &&
	    number_in(imp, "-x", rule->u_threshold, 0xffffffffu, &dest->u_threshold) < 0)
		return -1;
	if (rule->l_threshold &&
	    number_in(imp, "-y", rule->l_threshold, 0xffffffffu, &dest->l_threshold) < 0)
		return -1;
	if (dest->u_threshold && dest->l_threshold > dest->u_threshold) {
		IMPORT_ERR(imp, "the lower threshold (-y) is above the upper (-x)");
		return -1;
	}
	return 0;
}

/* RULE's real server as ipvsadm -a (or -e, every setting replaced) makes
 * it, into DEST; the position of its service, or -1. */
static ssize_t rule_dest(struct importer *imp, const struct rule *rule, const char *doing,
			 struct ipvs_dest *dest, bool *port_given)
{
	ssize_t at = find_service(imp, rule, doing);
	const struct ipvs_service *svc;

	*dest = (struct ipvs_dest){ .fwd = rule->fwd < 0 ? IP_VS_CONN_F_DROUTE : (uint32_t)rule->fwd,
				    .weight = 1 };
	if (at < 0)
		return -1;
	svc = &imp->table.services[at];
	if (!rule->real) {
		IMPORT_ERR(imp, "-%c needs -r ADDRESS[:PORT]", rule->command);
		return -1;
	}
	if (resolve_addrport(imp, rule->real, svc->af, svc->protocol, &dest->addr, &dest->port,
			     port_given) < 0 ||
	    dest_numbers(imp, rule, dest) < 0 || dest_tunnel(imp, rule, dest) < 0)
		return -1;
	if (dest->addr.family != svc->af) {
		IMPORT_ERR(imp, "the real server is not of the service's address family");
		return -1;
	}
	const char *refusal = director_realserver_refusal(&dest->addr);
	if (refusal) {
		char text[IPADDR_TEXT_MAX];
		IMPORT_ERR(imp, "real server %s: %s", ipaddr_format(&dest->addr, text), refusal);
		return -1;
	}
	/* ipvsadm's rule: only masquerading maps ports. */
	if (!*port_given || dest->fwd != IP_VS_CONN_F_MASQ)
		dest->port = svc->port;
	return at;
}

/* The real server of SVC that DEST names, or -1. */
static ssize_t find_dest(const struct ipvs_service *svc, const struct ipvs_dest *dest)
{
	for (size_t i = 0; i < svc->dest_count; i++)
		if (ipvs_same_dest(&svc->dests[i], dest))
			return (ssize_t)i;
	return -1;
}

static void add_server(struct importer *imp, const struct rule *rule)
{
	struct ipvs_dest dest;
	bool port_given;
	ssize_t at = rule_dest(imp, rule, "a real server", &dest, &port_given);

	if (at < 0)
		return;
	if (find_dest(&imp->table.services[at], &dest) >= 0) {
		IMPORT_ERR(imp, "this real server was already added to the service");
		return;
	}
	ipvs_service_add_dest(&imp->table.services[at], &dest);
}

/* -e replaces every setting of the real server, as ipvsadm sends them all:
 * one left out goes back to its default (weight 1, -g). */
static void edit_server(struct importer *imp, const struct rule *rule)
{
	struct ipvs_dest dest;
	bool port_given;
	ssize_t at = rule_dest(imp, rule, "-e", &dest, &port_given), which;

	if (at < 0)
		return;
	which = find_dest(&imp->table.services[at], &dest);
	if (which < 0) {
		IMPORT_ERR(imp, "-e of a real server no -a rule above adds to the service");
		return;
	}
	imp->table.services[at].dests[which] = dest;
}

/* -d: the real server at the address (and the port given, for -m). */
static void delete_server(struct importer *imp, const struct rule *rule)
{
	struct rule by_port = *rule;	/* the port given is the one to find, -g or -m */
	struct ipvs_dest dest;
	struct ipvs_service *svc;
	bool port_given;
	ssize_t at, which = -1;

	by_port.fwd = IP_VS_CONN_F_MASQ;
	at = rule_dest(imp, &by_port, "-d", &dest, &port_given);

	if (at < 0)
		return;
	svc = &imp->table.services[at];
	for (size_t i = 0; i < svc->dest_count && which < 0; i++)
		if (ipaddr_equal(&svc->dests[i].addr, &dest.addr) &&
		    (svc->dests[i].port == dest.port || !port_given))
			which = (ssize_t)i;
	if (which < 0) {
		IMPORT_ERR(imp, "-d of a real server no -a rule above adds to the service");
		return;
	}
	memmove(&svc->dests[which], &svc->dests[which + 1],
		(svc->dest_count - (size_t)which - 1) * sizeof(svc->dests[0]));
	svc->dest_count--;
}

/* --- commands ------------------------------------------------------------------------ */

/* ipvsadm commands that change no table (listings, counters, the sync
 * daemon, timeouts): skipped, each with a note saying where it went. */
static const struct {
	const char *word;
	const char *why;
} skipped_commands[] = {
	{ "-L", "a listing" }, { "-l", "a listing" }, { "--list", "a listing" },
	{ "-S", "a listing" }, { "--save", "a listing" },
	{ "-Z", "zeroes counters" }, { "--zero", "zeroes counters" },
	{ "-h", "help" }, { "--help", "help" }, { "-v", "a version" }, { "--version", "a version" },
	{ "--set", "connection timeouts, not part of the table ([director] timeout_tcp, "
		   "timeout_tcpfin, timeout_udp)" },
	{ "--start-daemon", "the connection sync daemon ([director] sync_* keys)" },
	{ "--stop-daemon", "the connection sync daemon ([director] sync_* keys)" },
};

/* Whether WORDS are a command that changes no table: noted, and true. A
 * listing's short options come bundled (-Ln, -Lnc). */
static bool skipped_command(struct importer *imp, char **words, size_t count)
{
	for (size_t i = 0; i < count; i++) {	/* with -A and the like, read_rule refuses */
		int at = find_option(words[i]);
		if (at >= 0 && options[at].choice == CHOICE_COMMAND)
			return false;
	}
	for (size_t i = 0; i < count; i++)
		for (size_t k = 0; k < sizeof(skipped_commands) / sizeof(skipped_commands[0]); k++) {
			const char *word = skipped_commands[k].word;
			bool bundled = word[1] != '-' && words[i][0] == '-' &&
				       words[i][1] == word[1] && words[i][1] &&
				       strspn(words[i] + 1, "LlnZcS") == strlen(words[i] + 1);
			if (strcmp(words[i], word) == 0 || bundled) {
				IMPORT_NOTE(imp, "skipped: ipvsadm %s: %s", words[i],
					    skipped_commands[k].why);
				return true;
			}
		}
	return false;
}

/* One ipvsadm command of the script (WORDS without "ipvsadm"), at LINE. */
static void import_rule(void *ctx, int line, char **words, size_t count)
{
	struct importer *imp = ctx;
	struct rule rule;

	imp->line = line;
	if (!count || skipped_command(imp, words, count) ||
	    read_rule(imp, words, count, &rule) < 0)
		return;
	switch (rule.command) {
	case 'A': add_service(imp, &rule); break;
	case 'E': edit_service(imp, &rule); break;
	case 'D': delete_service(imp, &rule); break;
	case 'a': add_server(imp, &rule); break;
	case 'e': edit_server(imp, &rule); break;
	case 'd': delete_server(imp, &rule); break;
	case 'C': clear_table(imp); break;
	default:
		IMPORT_ERR(imp, "a rule without its command (-A, -E, -D, -a, -e, -d or -C)");
	}
}

/* --- output --------------------------------------------------------------------------- */

/* A section name that says what the service is, when it fits. */
static void section_name(const struct ipvs_service *svc, size_t index, char *buf, size_t len)
{
	char addr[IPADDR_TEXT_MAX];

	if (svc->fwmark)
		snprintf(buf, len, "fwmark-%u%s", svc->fwmark, svc->af == AF_INET6 ? "-ipv6" : "");
	else
		snprintf(buf, len, "%s-%s-%u", director_protocol_name(svc->protocol),
			 ipaddr_format(&svc->addr, addr), svc->port);
	for (char *c = buf; *c; c++)
		if (*c == ':')
			*c = '_';
	if (strlen(buf) > 40)
		snprintf(buf, len, "service-%zu", index + 1);
}

static void write_service(FILE *out, const struct ipvs_service *svc, size_t index)
{
	char name[64], text[160], mask[IPADDR_TEXT_MAX];

	section_name(svc, index, name, sizeof(name));
	fprintf(out, "\n[service %s]\nvirtual = %s\nscheduler = %s\n", name,
		director_format_virtual(svc, text, sizeof(text)), svc->scheduler);
	if (svc->timeout)
		fprintf(out, "persistence = %u\n", svc->timeout);
	if (svc->timeout && director_netmask_given(svc))
		fprintf(out, "netmask = %s\n", director_format_netmask(svc, mask, sizeof(mask)));
	if (svc->pe_name[0])
		fprintf(out, "pe = %s\n", svc->pe_name);
	if (*director_format_flags(svc, text, sizeof(text)))
		fprintf(out, "flags = %s\n", text);
	for (size_t i = 0; i < svc->dest_count; i++)
		fprintf(out, "realserver = %s\n",
			director_format_realserver(&svc->dests[i], text, sizeof(text)));
}

static void write_config(FILE *out, const char *name, const struct ipvs_table *table)
{
	size_t dests = 0;

	for (size_t i = 0; i < table->count; i++)
		dests += table->services[i].dest_count;
	fprintf(out, "; imported by lvsagent director import from %s: %zu services, "
		"%zu real servers\n", name, table->count, dests);
	for (size_t i = 0; i < table->count; i++)
		write_service(out, &table->services[i], i);
}

/* What import prints must be a configuration lvsagent accepts: anything
 * ipvsadm took that lvsagent refuses (0.0.0.0 as a virtual, say) is said
 * here, not discovered by the first apply. */
static void check_config(const char *name, const char *text, size_t len, struct diag *diag)
{
	/* What import writes is [service NAME] sections alone. */
	static const struct config_part *const parts[] = { &director_config_part };
	static const struct config_schema schema = { parts, 1 };
	struct config cfg;
	struct diag refusals = { 0 };

	if (config_parse_text("imported", text, len, &schema, &cfg, &refusals) < 0)
		for (size_t i = 0; i < refusals.count; i++) {
			/* "imported:LINE: what": the generated line means nothing to the user. */
			const char *what = strstr(refusals.entries[i].text, ": ");
			diag_add(diag, name, 0, "the rules make a configuration lvsagent refuses: %s",
				 what ? what + 2 : refusals.entries[i].text);
		}
	config_free(&cfg);
	diag_free(&refusals);
}

int director_import_table(const struct ipvs_table *table, const char *name, FILE *out,
			  struct diag *diag)
{
	char *text = NULL;
	size_t len = 0, errors = diag->count;
	FILE *buffer = open_memstream(&text, &len);

	if (!buffer)
		abort();
	write_config(buffer, name, table);
	fclose(buffer);
	check_config(name, text, len, diag);
	if (diag->count == errors)
		fwrite(text, 1, len, out);
	free(text);
	return diag->count == errors ? 0 : -1;
}

/* All of IN: a script is read whole (its case branches span lines). */
static char *read_all(FILE *in, size_t *len)
{
	char *text = NULL, chunk[4096];
	size_t got;

	*len = 0;
	while ((got = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		text = xrealloc_array(text, *len + got + 1, 1);
		memcpy(text + *len, chunk, got);
		*len += got;
	}
	if (!text)
		text = xstrdup("");
	text[*len] = '\0';
	return text;
}

int director_import(FILE *in, const char *name, FILE *out, struct diag *diag, struct diag *notes)
{
	struct importer imp = { .file = name, .diag = diag, .notes = notes };
	struct script_reader reader = { .rule = import_rule, .ctx = &imp, .file = name,
					.diag = diag, .notes = notes };
	size_t len;
	char *text = read_all(in, &len);

	hashmap_init(&imp.index, sizeof(struct ipvs_service_key), 64);
	import_script(text, len, &reader);
	free(text);
	if (!diag->count)
		director_import_table(&imp.table, name, out, diag);
	hashmap_free(&imp.index);
	ipvs_table_free(&imp.table);
	free(imp.lines);
	return diag->count ? -1 : 0;
}
