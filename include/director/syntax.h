/* syntax: the text forms of IPVS services and real servers shared
 * by the configuration, the state file, import and messages:
 *   virtual    "tcp 192.0.2.1:80", "udp [2001:db8::1]:53", "sctp ...",
 *              "fwmark 5", "fwmark 5 ipv6"
 *   realserver "10.0.0.2:80 method=dr weight=2" (method dr|tun|nat,
 *              weight 0..65535, u_threshold, l_threshold, and for tun:
 *              tun_type=ipip|gue|gre tun_port=N tun_csum=none|csum|remcsum)
 * Pure. */
#ifndef LVSAGENT_DIRECTOR_SYNTAX_H
#define LVSAGENT_DIRECTOR_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/ipvs_model.h"

/* Fill the key of SVC (af, protocol, addr, port or fwmark). 0, or -1 with
 * *why set. */
int director_parse_virtual(const char *text, struct ipvs_service *svc, const char **why);
/* The same text back: "tcp 192.0.2.1:80". */
const char *director_format_virtual(const struct ipvs_service *svc, char *buf, size_t len);

/* Fill DEST from a realserver value; *PORT_GIVEN says whether ADDR had a
 * port. On error, *why is set (it may point into WHY_BUF). */
int director_parse_realserver(const char *text, struct ipvs_dest *dest, bool *port_given,
			      const char **why, char *why_buf, size_t why_len);
/* "10.0.0.2:80 method=dr weight=2": the config's form of DEST. */
const char *director_format_realserver(const struct ipvs_dest *dest, char *buf, size_t len);

/* ADDR:PORT as ipvsadm writes it ("[2001:db8::1]:80" for IPv6). */
const char *director_format_addrport(const struct ipaddr *addr, uint16_t port, char *buf,
				     size_t len);

/* "scheduler wlc persistence 300 netmask 255.255.255.0 pe sip flags sh-port":
 * a service's settings in the configuration's words (defaults left out). */
const char *director_format_settings(const struct ipvs_service *svc, char *buf, size_t len);

/* The scheduler flags as the configuration names them, for this
 * scheduler ("sh-fallback,sh-port"); "" when none. */
const char *director_format_flags(const struct ipvs_service *svc, char *buf, size_t len);

/* The scheduler a flag name belongs to ("sh" for sh-fallback and sh-port,
 * "mh" for mh-*), or NULL when any scheduler may have it (flag-N,
 * one-packet). ipvsadm refuses sh-port with wlc, say. */
const char *director_flag_scheduler(const char *name);

/* Why ADDR cannot be a real server (the kernel refuses it: unspecified,
 * 0.0.0.0/8, broadcast, multicast, IPv4-mapped), or NULL. */
const char *director_realserver_refusal(const struct ipaddr *addr);

/* The director's VIPs are labelled IFACE DIRECTOR_VIP_LABEL_SUFFIX
 * ("eth1:lvs") in the kernel: ownership that survives a lost state file. */
#define DIRECTOR_VIP_LABEL_SUFFIX ":lvs"

/* Why NAME cannot be vip_interface (the configuration's check, also
 * applied to the state file's records), or NULL: the name must be one the
 * kernel allows, not lo (the real server's VIPs carry the same label
 * there), and short enough for the label NAME:lvs. */
const char *director_vip_interface_problem(const char *name);

/* Scheduler flags by name: sh-fallback, sh-port, mh-fallback, mh-port,
 * flag-1..3, one-packet (ops). 0, or -1 for an unknown name. */
int director_parse_flag(const char *name, uint32_t *flag);

const char *director_method_name(uint32_t fwd);	/* "dr", "tun", "nat" */
const char *director_protocol_name(uint16_t protocol);	/* "tcp", "udp", "sctp" */
const char *director_tun_type_name(uint8_t tun_type);	/* "ipip", "gue", "gre" */
/* IP_VS_CONN_F_TUNNEL_TYPE_* for "ipip", "gue" or "gre"; -1 otherwise. */
int director_parse_tun_type(const char *name);

/* Whether persistence is grouped wider than one client address, and the
 * mask: "255.255.255.0" (IPv4) or "64" (IPv6, a prefix length). */
bool director_netmask_given(const struct ipvs_service *svc);
const char *director_format_netmask(const struct ipvs_service *svc, char *buf, size_t len);

/* Whether NAME can name a scheduler or persistence engine module the
 * kernel loads (ip_vs_NAME, ip_vs_pe_NAME): [a-z0-9_], shorter than SIZE. */
bool director_module_name(const char *name, size_t size);

/* A decimal number from 0 to MAX and nothing else. */
bool director_parse_number(const char *text, unsigned long max, unsigned long *out);
/* Split "ADDR:PORT", "[ADDR6]:PORT" or a bare "ADDR" (IPv6 too) into HOST
 * and *PORT (NULL when none, else pointing into TEXT). 0, or -1 with *why. */
int director_split_addrport(const char *text, char *host, size_t host_len, const char **port,
			    const char **why);

#endif
