/* announce: gratuitous ARP over a packet socket, unsolicited neighbour
 * advertisement over a raw ICMPv6 socket. */
#include "kernel/announce.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* An Ethernet/IPv4 ARP packet, as it goes on the wire after the MAC header. */
struct arp_packet {
	struct arphdr header;
	uint8_t sender_mac[ETH_ALEN];
	uint8_t sender_ip[4];
	uint8_t target_mac[ETH_ALEN];
	uint8_t target_ip[4];
} __attribute__((packed));

/* A request for its own address, from itself to everyone: neighbours with
 * an entry for the address take the new MAC. */
static int gratuitous_arp(const struct rtnl_link *link, const struct ipaddr *addr)
{
	struct arp_packet arp = {
		.header = { .ar_hrd = htons(ARPHRD_ETHER), .ar_pro = htons(ETH_P_IP),
			    .ar_hln = ETH_ALEN, .ar_pln = 4, .ar_op = htons(ARPOP_REQUEST) },
	};
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = link->ifindex, .sll_halen = ETH_ALEN };
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP)), err = 0;

	if (fd < 0)
		return -errno;
	memcpy(arp.sender_mac, link->hwaddr, ETH_ALEN);
	memcpy(arp.sender_ip, addr->bytes, 4);
	memcpy(arp.target_ip, addr->bytes, 4);
	memset(to.sll_addr, 0xff, ETH_ALEN);
	if (sendto(fd, &arp, sizeof(arp), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Neighbour advertisement with the override flag to all nodes, carrying
 * the target link-layer address (RFC 4861 7.2.6). */
static int unsolicited_na(const struct rtnl_link *link, const struct ipaddr *addr)
{
	struct {
		struct nd_neighbor_advert na;
		struct nd_opt_hdr option;
		uint8_t mac[ETH_ALEN];
	} __attribute__((packed)) message = {
		.na = { .nd_na_type = ND_NEIGHBOR_ADVERT, .nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE },
		.option = { .nd_opt_type = ND_OPT_TARGET_LINKADDR, .nd_opt_len = 1 },
	};
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)link->ifindex };
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6), hops = 255, err = 0;
	unsigned ifindex = (unsigned)link->ifindex;

	if (fd < 0)
		return -errno;
	memcpy(&message.na.nd_na_target, addr->bytes, 16);
	memcpy(message.mac, link->hwaddr, ETH_ALEN);
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	/* Neighbour discovery is only believed with a hop limit of 255. */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0 ||
	    sendto(fd, &message, sizeof(message), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		err = -errno;
	close(fd);
	return err;
}

int announce_address(const struct rtnl_link *link, const struct ipaddr *addr)
{
	if (!link->has_hwaddr)
		return -EAFNOSUPPORT;
	return addr->family == AF_INET ? gratuitous_arp(link, addr) : unsolicited_na(link, addr);
}
