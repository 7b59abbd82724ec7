/* netlink: the one module that owns netlink sockets (libmnl). Sequence
 * numbers and port ids are checked on every reply, errors come back as
 * -errno with the kernel's own explanation, requests are batched many to a
 * sendmsg with every ACK accounted for, and dumps restart when the kernel
 * says they were interrupted. Everything above speaks in addresses and
 * routes, not in nlmsghdr. */
#ifndef LVSAGENT_KERNEL_NETLINK_H
#define LVSAGENT_KERNEL_NETLINK_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mnl_socket;

/* Receive buffer for dumps and ACKs: the kernel fills dump replies up to
 * 32 KiB per datagram; a smaller buffer would truncate them. */
#define NL_DUMP_BUFFER 32768
/* Room for a dump request. */
#define NL_REQUEST_BUFFER 512

struct nl_conn {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;			/* last sequence number used */
};

/* Open and bind a socket on BUS (NETLINK_ROUTE, ...). Returns 0 or -errno. */
int netlink_open(struct nl_conn *conn, int bus);
void netlink_close(struct nl_conn *conn);
/* Take over FD, a bound netlink socket opened elsewhere (libnl's); closing
 * the connection closes FD. 0 or -errno. */
int netlink_adopt(struct nl_conn *conn, int fd);
/* Join (MEMBER) or leave the multicast GROUP. 0 or -errno. */
int netlink_membership(struct nl_conn *conn, unsigned group, bool member);
/* The socket's file descriptor, for poll/epoll. */
int netlink_fd(const struct nl_conn *conn);

/* Whether NLH, LEFT bytes from the end of what was read, is a whole
 * message: mnl_nlmsg_ok, but a length of 2^31 or more is refused too
 * (libmnl compares it as a negative int, so it passes, and the walk's
 * next step jumps gigabytes past the buffer). Every walk over received
 * bytes uses it. */
bool netlink_msg_ok(const struct nlmsghdr *nlh, int left);

/* Dump callbacks: on_msg returns 0 to go on or -errno to abort; on_restart
 * empties what was collected before the dump is retried. */
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);
typedef void (*nl_restart_cb)(void *data);

/* Send REQUEST (NLM_F_DUMP is added) and pass every reply to on_msg.
 * Retries from scratch (on_restart first) when the kernel marks the dump
 * NLM_F_DUMP_INTR. Returns 0 once the kernel's NLMSG_DONE is read (a
 * signal, EINTR, ends no dump); -EAGAIN when it was interrupted
 * NL_DUMP_ATTEMPTS times in a row (the kernel's table kept changing: a
 * transient failure, try again later); or -errno. */
#define NL_DUMP_ATTEMPTS 10
int netlink_dump(struct nl_conn *conn, struct nlmsghdr *request,
	    nl_msg_cb on_msg, nl_restart_cb on_restart, void *data);

/* Send REQUEST (NLM_F_ACK is added) and pass its replies to on_msg until
 * the kernel's ACK. 0 or -errno. */
int netlink_query(struct nl_conn *conn, struct nlmsghdr *request, nl_msg_cb on_msg, void *data);

/* The largest single request a batch holds; rtnetlink requests for one
 * address or route are a few dozen bytes. */
#define NL_BATCH_MSG_MAX 1024

/* A batch goes to the kernel in chunks of at most this many requests and
 * bytes per sendmsg (a request longer than that alone goes by itself):
 * each ACK in flight costs about 700 bytes of receive buffer (skb
 * overhead), and an overrun would lose ACKs. */
#define NL_BATCH_CHUNK_MSGS 128
#define NL_BATCH_CHUNK_BYTES (64u * 1024)

/* A growable buffer of requests sent together. */
struct nl_batch {
	char *buf;
	size_t len, cap;		/* bytes of finished requests, allocated */
	size_t last;			/* offset of the request being filled */
	size_t count;
};

/* The outcome of one request in a batch. */
struct nl_result {
	int error;			/* 0 or -errno */
	char reason[160];		/* the kernel's extended ack text, if any */
};

void nl_batch_init(struct nl_batch *batch);
void nl_batch_free(struct nl_batch *batch);
/* Append a request header with room for NL_BATCH_MSG_MAX bytes; fill it
 * with mnl_attr_put*. NLM_F_REQUEST and NLM_F_ACK are added. The pointer
 * is valid until the next nl_batch_put. */
struct nlmsghdr *nl_batch_put(struct nl_batch *batch, uint16_t type, uint16_t flags);

/* Append a message the caller writes whole at the returned address (a
 * library's own builder): ROOM bytes, zeroed, valid until the next put. */
void *nl_batch_put_raw(struct nl_batch *batch, size_t room);

/* Send every request in chunks (see NL_BATCH_CHUNK_MSGS), each chunk's
 * ACKs read before the next is sent and matched to their requests by
 * sequence number; answers with another sequence number or port id, or
 * from anyone but the kernel, are ignored. Should sendmsg take only part
 * of a chunk, the requests it did not take whole are sent again.
 *
 * results[i] is request i's outcome, always filled in, and 0 only where
 * the kernel said so (or the request asked for no ACK, see below):
 *   - the kernel's answer: 0, or -errno and its extended-ack text;
 *   - -ECANCELED, and in reason why, for a request that got no answer:
 *     never sent (the batch stopped before it), not carried out (the
 *     kernel refused the transaction it was in), or sent but unanswered
 *     when the exchange broke off.
 *
 * Returns 0 when the exchange ran to its end: every request sent was
 * answered, or the kernel refused a transaction's frame (then that
 * request holds the kernel's error and the ones in it -ECANCELED).
 * Returns -errno when it broke off: the socket failed (-ENOBUFS: ACKs were
 * lost), a chunk could not be sent (-EMSGSIZE), or the replies broke the
 * protocol (-EPROTO: a second answer to one request; the first stands). */
int nl_batch_send(struct nl_conn *conn, struct nl_batch *batch, struct nl_result *results);

/* The same, but no further sendmsg after one whose requests met a refusal
 * (the kernel went on with the rest of that one): *SENT tells how many
 * requests were sent and answered; the ones after read -ECANCELED. */
int nl_batch_send_until_error(struct nl_conn *conn, struct nl_batch *batch,
			      struct nl_result *results, size_t *sent);

/* The same in a single sendmsg, however large: an nfnetlink transaction
 * must reach the kernel in one piece (one taken only in part is -EMSGSIZE).
 * Requests without NLM_F_ACK (the batch's BEGIN and END) get no ACK and
 * result 0, unless the kernel refuses one: it then answers nothing else,
 * and the requests in the transaction read -ECANCELED. */
int nl_batch_send_whole(struct nl_conn *conn, struct nl_batch *batch, struct nl_result *results);

/* "No such device (the kernel's reason)" for messages. */
const char *nl_result_text(const struct nl_result *result, char *buf, size_t len);

#endif
