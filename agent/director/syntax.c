/* syntax: text forms of IPVS services and real servers. */
#include "director/syntax.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "lib/text.h"
#include "lib/xalloc.h"

bool director_module_name(const char *name, size_t size)
{
	size_t len = strlen(name);

	return len && len < size && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

bool director_parse_number(const char *text, unsigned long max, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return false;
	*out = strtoul(text, &end, 10);
	return !*end && *out <= max;
}

int director_split_addrport(const char *text, char *host, size_t host_len, const char **port,
			    const char **why)
{
	const char *colon;
	size_t len;

	*port = NULL;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || (close[1] && close[1] != ':'))
			return *why = "an IPv6 address is written [ADDRESS]:PORT", -1;
		len = (size_t)(close - text - 1);
		text++;
		*port = close[1] ? close + 2 : NULL;
	} else {
		colon = strchr(text, ':');
		/* Several colons: a bare IPv6 address, without a port. */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		len = colon ? (size_t)(colon - text) : strlen(text);
		*port = colon ? colon + 1 : NULL;
	}
	if (len >= host_len)
		return *why = "not an IP address", -1;
	memcpy(host, text, len);
	host[len] = '\0';
	return 0;
}

/* "ADDR:PORT", "[ADDR6]:PORT", or just "ADDR" (*PORT_GIVEN false). */
static int parse_addrport(const char *text, struct ipaddr *addr, uint16_t *port, bool *port_given,
			  const char **why)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port_text;
	unsigned long number;

	if (director_split_addrport(text, host, sizeof(host), &port_text, why) < 0 ||
	    ipaddr_parse(host, addr, why) < 0)
		return -1;
	*port_given = port_text != NULL;
	*port = 0;
	if (port_text && !director_parse_number(port_text, 65535, &number))
		return *why = "the port must be a number from 0 to 65535", -1;
	if (port_text)
		*port = (uint16_t)number;
	return 0;
}

static int parse_fwmark(const char *rest, struct ipvs_service *svc, const char **why)
{
	char mark[16], family[8] = "";
	unsigned long number;
	int fields = sscanf(rest, "%15s %7s", mark, family);

	if (fields < 1 || !director_parse_number(mark, 0xffffffffu, &number) || number == 0)
		return *why = "fwmark needs a mark from 1 to 4294967295", -1;
	if (fields == 2 && strcmp(family, "ipv6") != 0)
		return *why = "fwmark N may only be followed by ipv6", -1;
	svc->fwmark = (uint32_t)number;
	svc->af = fields == 2 ? AF_INET6 : AF_INET;
	return 0;
}

int director_parse_virtual(const char *text, struct ipvs_service *svc, const char **why)
{
	static const struct { const char *name; uint16_t protocol; } protocols[] = {
		{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "sctp", IPPROTO_SCTP },
	};
	char word[8] = "", where[64] = "", extra[2] = "";
	bool port_given;

	if (sscanf(text, "%7s", word) == 1 && strcmp(word, "fwmark") == 0)
		return parse_fwmark(text + strspn(text, " \t") + 6, svc, why);
	if (sscanf(text, "%7s %63s %1s", word, where, extra) != 2)
		return *why = "expected \"tcp|udp|sctp ADDRESS:PORT\" or \"fwmark N [ipv6]\"", -1;
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(word, protocols[i].name) != 0)
			continue;
		svc->protocol = protocols[i].protocol;
		if (parse_addrport(where, &svc->addr, &svc->port, &port_given, why) < 0)
			return -1;
		if (!port_given && svc->addr.family == AF_INET6)
			return *why = "an IPv6 address is written [ADDRESS]:PORT", -1;
		if (!port_given)
			return *why = "the virtual address needs a port (ADDRESS:PORT)", -1;
		if ((*why = ipaddr_vip_refusal(&svc->addr)))
			return -1;
		svc->af = svc->addr.family;
		return 0;
	}
	return *why = "the protocol must be tcp, udp, sctp or fwmark", -1;
}

/* ADDR:PORT onto T. */
static void put_addrport(struct text *t, const struct ipaddr *addr, uint16_t port)
{
	char text[IPADDR_TEXT_MAX];

	ipaddr_format(addr, text);
	if (addr->family == AF_INET6) {
		text_char(t, '[');
		text_str(t, text);
		text_str(t, "]:");
	} else {
		text_str(t, text);
		text_char(t, ':');
	}
	text_u32(t, port);
}

const char *director_format_addrport(const struct ipaddr *addr, uint16_t port, char *buf,
				     size_t len)
{
	struct text t;

	text_init(&t, buf, len);
	put_addrport(&t, addr, port);
	return buf;
}

const char *director_protocol_name(uint16_t protocol)
{
	return protocol == IPPROTO_UDP ? "udp" : protocol == IPPROTO_SCTP ? "sctp" : "tcp";
}

const char *director_format_virtual(const struct ipvs_service *svc, char *buf, size_t len)
{
	struct text t;

	text_init(&t, buf, len);
	if (svc->fwmark) {
		text_str(&t, "fwmark ");
		text_u32(&t, svc->fwmark);
		if (svc->af == AF_INET6)
			text_str(&t, " ipv6");
		return buf;
	}
	text_str(&t, director_protocol_name(svc->protocol));
	text_char(&t, ' ');
	put_addrport(&t, &svc->addr, svc->port);
	return buf;
}

/* --- real servers ----------------------------------------------------------- */

const char *director_method_name(uint32_t fwd)
{
	return fwd == IP_VS_CONN_F_TUNNEL ? "tun" : fwd == IP_VS_CONN_F_MASQ ? "nat" : "dr";
}

static int find_word(const char *const *words, size_t count, const char *value)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(words[i], value) == 0)
			return (int)i;
	return -1;
}

static const char *const tun_types[] = { "ipip", "gue", "gre" };

const char *director_tun_type_name(uint8_t tun_type)
{
	return tun_types[tun_type % 3];
}

int director_parse_tun_type(const char *name)
{
	return find_word(tun_types, 3, name);
}

static const char *const tun_csums[] = { "none", "csum", "remcsum" };

struct rs_options {
	bool tun_option;		/* a tun_* option was given */
	unsigned given;			/* bit i: rs_option_parsers[i] was given */
};

typedef int (*rs_option_parser)(const char *value, struct ipvs_dest *dest,
				struct rs_options *seen, const char **why);

static int parse_method(const char *value, struct ipvs_dest *dest, struct rs_options *seen,
			const char **why)
{
	static const char *const methods[] = { "nat", "local", "tun", "dr" };
	int index = find_word(methods, 4, value);

	(void)seen;
	if (index < 0 || index == 1)
		return *why = "method must be dr, tun or nat", -1;
	dest->fwd = (uint32_t)index;	/* IP_VS_CONN_F_MASQ 0, _TUNNEL 2, _DROUTE 3 */
	return 0;
}

static int parse_weight(const char *value, struct ipvs_dest *dest, struct rs_options *seen,
			const char **why)
{
	unsigned long number;

	(void)seen;
	if (!director_parse_number(value, 65535, &number))
		return *why = "weight must be a number from 0 to 65535", -1;
	dest->weight = (uint32_t)number;
	return 0;
}

static int parse_threshold(const char *value, uint32_t *threshold, const char **why)
{
	unsigned long number;

	if (!director_parse_number(value, 0xffffffffu, &number))
		return *why = "a threshold must be a number of connections", -1;
	*threshold = (uint32_t)number;
	return 0;
}

static int parse_u_threshold(const char *value, struct ipvs_dest *dest, struct rs_options *seen,
			     const char **why)
{
	(void)seen;
	return parse_threshold(value, &dest->u_threshold, why);
}

static int parse_l_threshold(const char *value, struct ipvs_dest *dest, struct rs_options *seen,
			     const char **why)
{
	(void)seen;
	return parse_threshold(value, &dest->l_threshold, why);
}

static int parse_tun_type_option(const char *value, struct ipvs_dest *dest,
				 struct rs_options *seen, const char **why)
{
	int index = director_parse_tun_type(value);

	if (index < 0)
		return *why = "tun_type must be ipip, gue or gre", -1;
	dest->tun_type = (uint8_t)index;
	seen->tun_option = true;
	return 0;
}

static int parse_tun_port(const char *value, struct ipvs_dest *dest, struct rs_options *seen,
			  const char **why)
{
	unsigned long number;

	if (!director_parse_number(value, 65535, &number) || number == 0)
		return *why = "tun_port must be a port from 1 to 65535", -1;
	dest->tun_port = (uint16_t)number;
	seen->tun_option = true;
	return 0;
}

static int parse_tun_csum(const char *value, struct ipvs_dest *dest, struct rs_options *seen,
			  const char **why)
{
	int index = find_word(tun_csums, 3, value);

	if (index < 0)
		return *why = "tun_csum must be none, csum or remcsum", -1;
	dest->tun_flags = index ? (uint16_t)(1u << (index - 1)) : 0;
	seen->tun_option = true;
	return 0;
}

static const struct {
	const char *key;
	rs_option_parser parse;
} rs_option_parsers[] = {
	{ "method", parse_method },
	{ "weight", parse_weight },
	{ "u_threshold", parse_u_threshold },
	{ "l_threshold", parse_l_threshold },
	{ "tun_type", parse_tun_type_option },
	{ "tun_port", parse_tun_port },
	{ "tun_csum", parse_tun_csum },
};

/* One key=value of a realserver line; *why on error. An option given
 * twice is an error: which one was meant is not for lvsagent to guess. */
static int parse_option(const char *key, const char *value, struct ipvs_dest *dest,
			struct rs_options *seen, const char **why, char *why_buf, size_t why_len)
{
	for (size_t i = 0; i < sizeof(rs_option_parsers) / sizeof(rs_option_parsers[0]); i++) {
		if (strcmp(key, rs_option_parsers[i].key) != 0)
			continue;
		if (seen->given & (1u << i)) {
			snprintf(why_buf, why_len, "%s is given twice", key);
			return *why = why_buf, -1;
		}
		seen->given |= 1u << i;
		return rs_option_parsers[i].parse(value, dest, seen, why);
	}
	return *why = "unknown option (method, weight, u_threshold, l_threshold, "
		      "tun_type, tun_port, tun_csum)", -1;
}

const char *director_realserver_refusal(const struct ipaddr *addr)
{
	uint32_t host = ntohl(addr->v4.s_addr);

	/* What the kernel refuses with EINVAL (not a unicast address), said
	 * before anything is applied instead of half-way through. */
	if (addr->family == AF_INET6) {
		if (IN6_IS_ADDR_UNSPECIFIED(&addr->v6))
			return "the unspecified address :: cannot be a real server";
		if (IN6_IS_ADDR_MULTICAST(&addr->v6))
			return "a multicast address (ff00::/8) cannot be a real server";
		if (IN6_IS_ADDR_V4MAPPED(&addr->v6))
			return "an IPv4-mapped address cannot be a real server (write the IPv4 address)";
		return NULL;
	}
	if (host == 0)
		return "the unspecified address 0.0.0.0 cannot be a real server";
	if ((host >> 24) == 0)
		return "0.0.0.0/8 is no host's address: it cannot be a real server";
	if (host == 0xffffffffu)
		return "the limited broadcast address cannot be a real server";
	if ((host >> 28) == 0xe)
		return "a multicast address (224.0.0.0/4) cannot be a real server";
	return NULL;
}

/* What no single option can judge: tunnel options on other methods, a
 * lower threshold above the upper, GUE without its port. */
static int check_options(const struct ipvs_dest *dest, const struct rs_options *seen,
			 const char **why)
{
	if (seen->tun_option && dest->fwd != IP_VS_CONN_F_TUNNEL)
		return *why = "tun_type, tun_port and tun_csum are for method=tun only", -1;
	if (dest->u_threshold && dest->l_threshold > dest->u_threshold)
		return *why = "l_threshold is above u_threshold", -1;
	if (dest->fwd == IP_VS_CONN_F_TUNNEL && dest->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE &&
	    !dest->tun_port)
		return *why = "tun_type=gue needs tun_port", -1;
	if (dest->tun_flags && dest->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_IPIP)
		return *why = "tun_csum is for tun_type gue and gre", -1;
	return 0;
}

int director_parse_realserver(const char *text, struct ipvs_dest *dest, bool *port_given,
			      const char **why, char *why_buf, size_t why_len)
{
	char *copy = xstrdup(text), *save = NULL, *token;
	struct rs_options seen = { 0 };
	int err = -1;

	memset(dest, 0, sizeof(*dest));
	dest->fwd = IP_VS_CONN_F_DROUTE;
	dest->weight = 1;
	token = strtok_r(copy, " \t", &save);
	if (!token) {
		*why = "a real server needs an address";
		goto out;
	}
	if (parse_addrport(token, &dest->addr, &dest->port, port_given, why) < 0 ||
	    (*why = director_realserver_refusal(&dest->addr)))
		goto out;
	while ((token = strtok_r(NULL, " \t", &save))) {
		char *equals = strchr(token, '=');
		if (!equals) {
			snprintf(why_buf, why_len, "\"%s\" is not an option (key=value)", token);
			*why = why_buf;
			goto out;
		}
		*equals = '\0';
		if (parse_option(token, equals + 1, dest, &seen, why, why_buf, why_len) < 0)
			goto out;
	}
	err = check_options(dest, &seen, why);
out:
	free(copy);
	return err;
}

/* " KEY=VALUE" onto T. */
static void put_option(struct text *t, const char *key, uint32_t value)
{
	text_char(t, ' ');
	text_str(t, key);
	text_char(t, '=');
	text_u32(t, value);
}

const char *director_format_realserver(const struct ipvs_dest *dest, char *buf, size_t len)
{
	struct text t;

	text_init(&t, buf, len);
	put_addrport(&t, &dest->addr, dest->port);
	text_str(&t, " method=");
	text_str(&t, director_method_name(dest->fwd));
	put_option(&t, "weight", dest->weight);
	if (dest->u_threshold)
		put_option(&t, "u_threshold", dest->u_threshold);
	if (dest->l_threshold)
		put_option(&t, "l_threshold", dest->l_threshold);
	if (dest->fwd != IP_VS_CONN_F_TUNNEL)
		return buf;
	text_str(&t, " tun_type=");
	text_str(&t, director_tun_type_name(dest->tun_type));
	if (dest->tun_port)
		put_option(&t, "tun_port", dest->tun_port);
	if (dest->tun_flags) {
		text_str(&t, " tun_csum=");
		text_str(&t, dest->tun_flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? "remcsum" : "csum");
	}
	return buf;
}

const char *director_format_flags(const struct ipvs_service *svc, char *buf, size_t len)
{
	bool sh = strcmp(svc->scheduler, "sh") == 0, mh = strcmp(svc->scheduler, "mh") == 0;
	const char *names[4] = { sh ? "sh-fallback" : mh ? "mh-fallback" : "flag-1",
				 sh ? "sh-port" : mh ? "mh-port" : "flag-2", "flag-3", "one-packet" };
	const uint32_t bits[4] = { IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_SCHED3,
				   IP_VS_SVC_F_ONEPACKET };
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < 4 && used < len; i++)
		if (svc->flags & bits[i])
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
						 names[i]);
	return buf;
}

bool director_netmask_given(const struct ipvs_service *svc)
{
	return svc->netmask != (svc->af == AF_INET6 ? 128 : 0xffffffffu);
}

const char *director_format_netmask(const struct ipvs_service *svc, char *buf, size_t len)
{
	if (svc->af == AF_INET6)
		snprintf(buf, len, "%u", svc->netmask);
	else if (!inet_ntop(AF_INET, &svc->netmask, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *director_format_settings(const struct ipvs_service *svc, char *buf, size_t len)
{
	char flags[64], mask[INET6_ADDRSTRLEN];
	int used = snprintf(buf, len, "scheduler %s", svc->scheduler);

	if (svc->timeout && used > 0 && (size_t)used < len) {
		used += snprintf(buf + used, len - (size_t)used, " persistence %u", svc->timeout);
		if (director_netmask_given(svc) && (size_t)used < len)
			used += snprintf(buf + used, len - (size_t)used, " netmask %s",
					 director_format_netmask(svc, mask, sizeof(mask)));
	}
	if (svc->pe_name[0] && used > 0 && (size_t)used < len)
		used += snprintf(buf + used, len - (size_t)used, " pe %s", svc->pe_name);
	director_format_flags(svc, flags, sizeof(flags));
	if (flags[0] && used > 0 && (size_t)used < len)
		snprintf(buf + used, len - (size_t)used, " flags %s", flags);
	return buf;
}

const char *director_flag_scheduler(const char *name)
{
	if (strncmp(name, "sh-", 3) == 0)
		return "sh";
	return strncmp(name, "mh-", 3) == 0 ? "mh" : NULL;
}

const char *director_vip_interface_problem(const char *name)
{
	if (!name[0] || strlen(name) > IFNAMSIZ - 1)
		return "is not an interface name (1 to 15 characters, the kernel's limit)";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strpbrk(name, "/: \t"))
		return "is not a valid interface name";
	if (strcmp(name, "lo") == 0)
		return "is the loopback, where a real server keeps its VIPs labelled lo:lvs "
		       "exactly as the director's would be: on a host that is both, the real "
		       "server's stop would remove the director's (bind them to an uplink)";
	/* The label is what lets stop tell lvsagent's addresses from anyone
	 * else's on kernels that keep no address protocol (before 6.3). */
	if (strlen(name) + strlen(DIRECTOR_VIP_LABEL_SUFFIX) > IFNAMSIZ - 1)
		return "is too long for the label IFACE:lvs that marks the director's IPv4 VIPs "
		       "as lvsagent's (11 characters at most)";
	return NULL;
}

int director_parse_flag(const char *name, uint32_t *flag)
{
	static const struct { const char *name; uint32_t flag; } flags[] = {
		{ "sh-fallback", IP_VS_SVC_F_SCHED_SH_FALLBACK },
		{ "sh-port", IP_VS_SVC_F_SCHED_SH_PORT },
		{ "mh-fallback", IP_VS_SVC_F_SCHED1 },
		{ "mh-port", IP_VS_SVC_F_SCHED2 },
		{ "flag-1", IP_VS_SVC_F_SCHED1 },
		{ "flag-2", IP_VS_SVC_F_SCHED2 },
		{ "flag-3", IP_VS_SVC_F_SCHED3 },
		{ "one-packet", IP_VS_SVC_F_ONEPACKET },
		{ "ops", IP_VS_SVC_F_ONEPACKET },
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (strcmp(flags[i].name, name) == 0) {
			*flag = flags[i].flag;
			return 0;
		}
	}
	return -1;
}
