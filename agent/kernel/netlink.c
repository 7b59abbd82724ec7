/* netlink: sockets, dumps and ACK-counted batches on libmnl. */
#include "kernel/netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "kernel/fault.h"
#include "lib/xalloc.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define RCVBUF_BYTES (4u << 20)

static void set_flag_option(struct mnl_socket *sock, int option)
{
	int on = 1;

	/* Optional comforts (short ACKs, error texts, filtered dumps): an
	 * older kernel without them still works. */
	(void)mnl_socket_setsockopt(sock, option, &on, sizeof(on));
}

static void grow_receive_buffer(struct mnl_socket *sock)
{
	int fd = mnl_socket_get_fd(sock), size = RCVBUF_BYTES;

	/* FORCE needs CAP_NET_ADMIN; without it take what rmem_max allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* Options every socket of ours gets, and its sequence numbers. STRICT
 * (strict dump checking) only for rtnetlink and nfnetlink: lvsagent's own
 * sockets, not one adopted from another library. */
static void set_up(struct nl_conn *conn, bool strict)
{
	set_flag_option(conn->sock, NETLINK_CAP_ACK);
	set_flag_option(conn->sock, NETLINK_EXT_ACK);
	if (strict)
		set_flag_option(conn->sock, NETLINK_GET_STRICT_CHK);
	grow_receive_buffer(conn->sock);
	conn->portid = mnl_socket_get_portid(conn->sock);
	conn->seq = (uint32_t)random();
}

int netlink_open(struct nl_conn *conn, int bus)
{
	memset(conn, 0, sizeof(*conn));
	conn->sock = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!conn->sock)
		return -errno;
	if (mnl_socket_bind(conn->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;
		netlink_close(conn);
		return err;
	}
	set_up(conn, true);
	return 0;
}

void netlink_close(struct nl_conn *conn)
{
	if (conn->sock)
		mnl_socket_close(conn->sock);
	conn->sock = NULL;
}

int netlink_membership(struct nl_conn *conn, unsigned group, bool member)
{
	int option = member ? NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP;

	return mnl_socket_setsockopt(conn->sock, option, &group, sizeof(group)) < 0 ? -errno : 0;
}

int netlink_fd(const struct nl_conn *conn)
{
	return mnl_socket_get_fd(conn->sock);
}

static bool reply_is_ours(const struct nl_conn *conn, const struct nlmsghdr *nlh,
			  uint32_t first_seq, size_t count)
{
	return nlh->nlmsg_pid == conn->portid && nlh->nlmsg_seq - first_seq < count;
}

/* The kernel's text from NLMSGERR_ATTR_MSG, when it sent one. */
static void copy_ext_ack(const struct nlmsghdr *nlh, char *reason, size_t len)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*err);
	const struct nlattr *attr;

	reason[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* The request comes back whole before the attributes. */
		if (err->msg.nlmsg_len < sizeof(err->msg))
			return;
		offset += err->msg.nlmsg_len - sizeof(err->msg);
	}
	/* An ACK cut short (a truncated read) can end before its attributes. */
	if (offset > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_for_each(attr, nlh, offset) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(reason, len, "%s", mnl_attr_get_str(attr));
			return;
		}
	}
}

bool netlink_msg_ok(const struct nlmsghdr *nlh, int left)
{
	return mnl_nlmsg_ok(nlh, left) && nlh->nlmsg_len <= (uint32_t)left;
}

/* --- dumps --------------------------------------------------------------- */

struct dump_pass {
	uint32_t seq;
	bool interrupted;
	bool done;
};

static int dump_message(struct nl_conn *conn, const struct nlmsghdr *nlh,
			struct dump_pass *pass, nl_msg_cb on_msg, void *data)
{
	if (!reply_is_ours(conn, nlh, pass->seq, 1))
		return 0;	/* a stale reply from an abandoned exchange */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		pass->interrupted = true;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		pass->done = true;
		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
			int status = *(const int *)mnl_nlmsg_get_payload(nlh);
			return status < 0 ? status : 0;
		}
		return 0;
	}
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
		pass->done = true;
		return err->error;
	}
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return 0;	/* NLMSG_NOOP */
	return on_msg(nlh, data);
}

static int dump_once(struct nl_conn *conn, struct nlmsghdr *request, struct dump_pass *pass,
		     nl_msg_cb on_msg, void *data)
{
	char buf[NL_DUMP_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t n;

	request->nlmsg_seq = pass->seq = ++conn->seq;
	request->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	if (fault_fail_next())
		return -EIO;
	if (mnl_socket_sendto(conn->sock, request, request->nlmsg_len) < 0)
		return -errno;
	fault_sent(1);
	while (!pass->done) {
		n = mnl_socket_recvfrom(conn->sock, buf, sizeof(buf));
		/* A signal is no end of the dump: the rest is still queued. */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		int left = (int)n;
		for (const struct nlmsghdr *nlh = (void *)buf; netlink_msg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			int err = dump_message(conn, nlh, pass, on_msg, data);
			if (err < 0)
				return err;
		}
	}
	return 0;
}

/* An aborted dump leaves replies queued; read until the kernel's DONE so
 * the next exchange starts clean. Stale replies are skipped by seq anyway. */
static void drain_dump(struct nl_conn *conn, struct dump_pass *pass)
{
	char buf[NL_DUMP_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	int flags = MSG_DONTWAIT;
	ssize_t n;

	while (!pass->done &&
	       (n = recv(mnl_socket_get_fd(conn->sock), buf, sizeof(buf), flags)) > 0) {
		int left = (int)n;
		for (const struct nlmsghdr *nlh = (void *)buf; netlink_msg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left))
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
				pass->done = true;
	}
}

int netlink_dump(struct nl_conn *conn, struct nlmsghdr *request,
	    nl_msg_cb on_msg, nl_restart_cb on_restart, void *data)
{
	for (int attempt = 0; attempt < NL_DUMP_ATTEMPTS; attempt++) {
		struct dump_pass pass = { 0 };
		int err;

		if (attempt && on_restart)
			on_restart(data);
		err = dump_once(conn, request, &pass, on_msg, data);
		if (err < 0) {
			drain_dump(conn, &pass);
			return err;
		}
		if (!pass.interrupted)
			return 0;
	}
	return -EAGAIN;
}

int netlink_query(struct nl_conn *conn, struct nlmsghdr *request, nl_msg_cb on_msg, void *data)
{
	char buf[NL_DUMP_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct dump_pass pass = { .seq = ++conn->seq };

	request->nlmsg_seq = pass.seq;
	request->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (fault_fail_next())
		return -EIO;
	if (mnl_socket_sendto(conn->sock, request, request->nlmsg_len) < 0)
		return -errno;
	fault_sent(1);
	/* The reply, then the ACK (an NLMSG_ERROR of 0) ends the exchange. */
	while (!pass.done) {
		ssize_t n = mnl_socket_recvfrom(conn->sock, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		int left = (int)n;
		for (const struct nlmsghdr *nlh = (void *)buf; netlink_msg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			int err = dump_message(conn, nlh, &pass, on_msg, data);
			if (err < 0)
				return err;
		}
	}
	return 0;
}

/* --- batches ------------------------------------------------------------- */

void nl_batch_init(struct nl_batch *batch)
{
	memset(batch, 0, sizeof(*batch));
}

void nl_batch_free(struct nl_batch *batch)
{
	free(batch->buf);
	nl_batch_init(batch);
}

/* The last request's length is final once the next one starts (its
 * attributes were appended with mnl_attr_put), so account for it then. */
static void close_last_request(struct nl_batch *batch)
{
	const struct nlmsghdr *last = (const void *)(batch->buf + batch->last);

	if (batch->count)
		batch->len = batch->last + NLMSG_ALIGN(last->nlmsg_len);
}

void *nl_batch_put_raw(struct nl_batch *batch, size_t room)
{
	void *at;

	close_last_request(batch);
	while (batch->cap - batch->len < room) {
		batch->cap = batch->cap ? batch->cap * 2 : 16 * NL_BATCH_MSG_MAX;
		batch->buf = xrealloc_array(batch->buf, batch->cap, 1);
	}
	batch->last = batch->len;
	at = batch->buf + batch->len;
	memset(at, 0, room);
	batch->count++;
	return at;
}

struct nlmsghdr *nl_batch_put(struct nl_batch *batch, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl_batch_put_raw(batch, NL_BATCH_MSG_MAX));

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return nlh;
}

/* Where each request of a batch stands. */
enum request_state {
	REQUEST_UNSENT,			/* not handed to the kernel (yet) */
	REQUEST_WAITING,		/* sent; its ACK not read yet */
	REQUEST_UNACKED,		/* sent, asking for no ACK (an nfnetlink BEGIN, END) */
	REQUEST_ANSWERED,		/* the kernel's answer is in its result */
};

/* ACKs arrive one datagram each: recvmmsg takes up to ACK_SLOTS of them per
 * system call. A slot holds any ACK (NETLINK_CAP_ACK leaves the request
 * out); a longer one is read as far as it fits. The reader lives on the
 * stack: heap blocks of this size, freed after each batch, would leave the
 * daemon's heap fragmented and resident. */
#define ACK_SLOTS 32
#define ACK_SLOT_BYTES 1024

struct ack_reader {
	char slots[ACK_SLOTS][ACK_SLOT_BYTES] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct mmsghdr msgs[ACK_SLOTS];
	struct iovec iov[ACK_SLOTS];
	struct sockaddr_nl from[ACK_SLOTS];
};

/* One batch on its way: where its requests start (offsets[count] is its
 * end), how each stands, and their results. */
struct exchange {
	struct nl_batch *batch;
	size_t *offsets;
	unsigned char *states;		/* enum request_state */
	struct nl_result *results;
	bool refused;			/* the kernel refused a transaction's frame */
	struct ack_reader reader;
};

static void ack_reader_init(struct ack_reader *reader)
{
	for (size_t i = 0; i < ACK_SLOTS; i++) {
		reader->iov[i] = (struct iovec){ reader->slots[i], ACK_SLOT_BYTES };
		reader->msgs[i].msg_hdr = (struct msghdr){ .msg_name = &reader->from[i],
							   .msg_namelen = sizeof(reader->from[i]),
							   .msg_iov = &reader->iov[i], .msg_iovlen = 1 };
	}
}

static struct nlmsghdr *request_at(const struct exchange *x, size_t i)
{
	return (struct nlmsghdr *)(x->batch->buf + x->offsets[i]);
}

static void index_requests(struct exchange *x)
{
	size_t pos = 0;

	for (size_t i = 0; i < x->batch->count; i++) {
		x->offsets[i] = pos;
		pos += NLMSG_ALIGN(request_at(x, i)->nlmsg_len);
	}
	x->offsets[x->batch->count] = pos;
}

static void set_result(struct nl_result *result, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	result->error = err->error;
	if (err->error)
		copy_ext_ack(nlh, result->reason, sizeof(result->reason));
}

/* An answer to request INDEX: 1 when it settled one the batch waits for,
 * 0 when it was none (or the refused frame of a transaction, which ends
 * the exchange: x->refused), -EPROTO when it breaks the protocol. */
static int record_ack(struct exchange *x, const struct nlmsghdr *nlh, size_t index)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != NLMSG_ERROR || mnl_nlmsg_get_payload_len(nlh) < sizeof(*err))
		return 0;	/* not an ACK; rtnetlink sends none for these requests */
	switch (x->states[index]) {
	case REQUEST_WAITING:
		x->states[index] = REQUEST_ANSWERED;
		set_result(&x->results[index], nlh);
		return 1;
	case REQUEST_UNACKED:
		if (!err->error)
			return -EPROTO;
		/* An error for a message that asked for no answer: the kernel
		 * refused a transaction's frame (BEGIN) and answers nothing
		 * else in it. */
		x->states[index] = REQUEST_ANSWERED;
		set_result(&x->results[index], nlh);
		x->refused = true;
		return 0;
	default:
		/* REQUEST_ANSWERED: the kernel answers a request once, so a
		 * second answer means the replies cannot be trusted (the
		 * first one stands, the exchange fails). */
		return -EPROTO;
	}
}

/* The datagram in SLOT, LEN bytes long: its length, clipped to what
 * arrived when it was truncated (the error code still reads right). */
static int datagram_length(struct ack_reader *reader, size_t slot, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)reader->slots[slot];

	if ((reader->msgs[slot].msg_hdr.msg_flags & MSG_TRUNC) && len >= sizeof(*nlh) &&
	    nlh->nlmsg_len > len)
		nlh->nlmsg_len = (uint32_t)len;
	return (int)len;
}

/* Each message of one datagram from the kernel, for the chunk of COUNT
 * requests from FROM numbered from FIRST_SEQ: how many ACKs it settled,
 * or -errno. */
static int read_datagram(struct nl_conn *conn, struct exchange *x, const char *buf, int left,
			 uint32_t first_seq, size_t from, size_t count)
{
	int settled = 0;

	for (const struct nlmsghdr *nlh = (const void *)buf; netlink_msg_ok(nlh, left) && !x->refused;
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		if (!reply_is_ours(conn, nlh, first_seq, count))
			continue;
		int got = record_ack(x, nlh, from + (nlh->nlmsg_seq - first_seq));
		if (got < 0)
			return got;
		settled += got;
	}
	return settled;
}

/* Read ACKs until the PENDING requests of the chunk have one, or the
 * kernel refused the transaction. 0 or -errno. */
static int collect_acks(struct nl_conn *conn, struct exchange *x, uint32_t first_seq, size_t from,
			size_t count, size_t pending)
{
	struct ack_reader *reader = &x->reader;
	int fd = mnl_socket_get_fd(conn->sock);

	while (pending && !x->refused) {
		int n = recvmmsg(fd, reader->msgs, ACK_SLOTS, MSG_WAITFORONE, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 0; i < n; i++) {
			if (reader->from[i].nl_pid != 0)
				continue;	/* only the kernel answers requests */
			int got = read_datagram(conn, x, reader->slots[i],
						datagram_length(reader, (size_t)i, reader->msgs[i].msg_len),
						first_seq, from, count);
			if (got < 0)
				return got;
			pending -= (size_t)got;
		}
	}
	return 0;
}

/* Send LEN bytes from START: how many the kernel took, or -errno. */
static ssize_t send_chunk(struct nl_conn *conn, const char *start, size_t len)
{
	int fd = mnl_socket_get_fd(conn->sock), size = (int)len + 4096;
	ssize_t sent;

	/* A transaction goes in one datagram, whatever its size: make room. */
	if (len > NL_BATCH_CHUNK_BYTES &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	sent = mnl_socket_sendto(conn->sock, start, len);
	return sent < 0 ? -errno : sent;
}

/* The end of the chunk that starts at FROM: at most NL_BATCH_CHUNK_MSGS
 * requests and NL_BATCH_CHUNK_BYTES, but at least one request. */
static size_t chunk_end(const struct exchange *x, size_t from)
{
	size_t to = from + 1;

	while (to < x->batch->count && to - from < NL_BATCH_CHUNK_MSGS &&
	       x->offsets[to + 1] - x->offsets[from] <= NL_BATCH_CHUNK_BYTES)
		to++;
	return to;
}

/* Of the requests [FROM, TO), the end of those the kernel got whole when
 * it took the bytes up to END: it drops a message cut off at the end (see
 * netlink_rcv_skb). */
static size_t requests_taken(const struct exchange *x, size_t from, size_t to, size_t end)
{
	while (from < to && x->offsets[from] + request_at(x, from)->nlmsg_len <= end)
		from++;
	return from;
}

/* Requests [FROM, TO) are with the kernel: how many of them wait for an ACK. */
static size_t mark_sent(struct exchange *x, size_t from, size_t to)
{
	size_t waiting = 0;

	for (size_t i = from; i < to; i++) {
		bool acked = request_at(x, i)->nlmsg_flags & NLM_F_ACK;
		x->states[i] = acked ? REQUEST_WAITING : REQUEST_UNACKED;
		waiting += acked;
	}
	return waiting;
}

/* The test build's fail fault (kernel/fault.h) on request FROM: answered
 * with -EIO as the kernel would refuse it, alone; a transaction's other
 * requests are then not carried out, as when the kernel refuses one. */
static int refuse_injected(struct exchange *x, size_t from, size_t *to, bool whole)
{
	if (!whole)
		*to = from + 1;
	for (size_t i = from; i < *to; i++)
		x->states[i] = REQUEST_WAITING;
	x->states[from] = REQUEST_ANSWERED;
	x->results[from].error = -EIO;
	snprintf(x->results[from].reason, sizeof(x->results[from].reason), "injected fault");
	x->refused = whole;
	return 0;
}

/* One chunk: requests [FROM, *TO) in one sendmsg, then their ACKs. Should
 * sendmsg take only part of them, *TO comes back as the end of those it
 * took whole, and the caller sends the rest next; a transaction (WHOLE)
 * cut short fails with -EMSGSIZE: the kernel aborts it. */
static int exchange_chunk(struct nl_conn *conn, struct exchange *x, size_t from, size_t *to,
			  bool whole)
{
	uint32_t first_seq = conn->seq + 1;
	size_t start = x->offsets[from], took, pending;
	ssize_t taken;

	if (fault_fail_next())
		return refuse_injected(x, from, to, whole);
	/* A transaction is one request: the kernel takes it whole or not. */
	if (!whole)
		*to = from + fault_room(*to - from);
	for (size_t i = from; i < *to; i++)
		request_at(x, i)->nlmsg_seq = ++conn->seq;
	taken = send_chunk(conn, x->batch->buf + start, x->offsets[*to] - start);
	if (taken < 0)
		return (int)taken;
	took = requests_taken(x, from, *to, start + (size_t)taken);
	fault_sent(whole ? took == *to : took - from);
	pending = mark_sent(x, from, took);
	if (took == from || (whole && took != *to))
		return -EMSGSIZE;
	*to = took;
	return collect_acks(conn, x, first_seq, from, took - from, pending);
}

static bool chunk_failed(const struct nl_result *results, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (results[i].error)
			return true;
	return false;
}

/* A request without an answer must never read as done: each gets
 * -ECANCELED and why. */
static void settle_unanswered(struct exchange *x)
{
	for (size_t i = 0; i < x->batch->count; i++) {
		struct nl_result *result = &x->results[i];
		const char *why;

		if (x->states[i] == REQUEST_UNSENT)
			why = "not sent: the batch stopped before it";
		else if (x->states[i] == REQUEST_WAITING && x->refused)
			why = "not carried out: the kernel refused the whole transaction";
		else if (x->states[i] == REQUEST_WAITING)
			why = "the kernel's answer never came";
		else
			continue;
		result->error = -ECANCELED;
		snprintf(result->reason, sizeof(result->reason), "%s", why);
	}
}

/* WHOLE: one sendmsg for everything (a transaction) instead of chunks.
 * STOP: no further chunk after one with a refused request. */
static int send_batch(struct nl_conn *conn, struct nl_batch *batch, struct nl_result *results,
		      bool whole, bool stop, size_t *sent)
{
	struct exchange x = { .batch = batch, .results = results };
	size_t from = 0;
	int err = 0;

	close_last_request(batch);
	x.offsets = xcalloc(batch->count + 1, sizeof(*x.offsets));
	x.states = xcalloc(batch->count + 1, sizeof(*x.states));
	ack_reader_init(&x.reader);
	index_requests(&x);
	memset(results, 0, batch->count * sizeof(*results));
	while (!err && !x.refused && from < batch->count) {
		size_t to = whole ? batch->count : chunk_end(&x, from);
		err = exchange_chunk(conn, &x, from, &to, whole);
		if (err)
			break;
		*sent = to;
		if (stop && chunk_failed(results, from, to))
			break;
		from = to;
	}
	settle_unanswered(&x);
	free(x.states);
	free(x.offsets);
	return err;
}

int nl_batch_send(struct nl_conn *conn, struct nl_batch *batch, struct nl_result *results)
{
	size_t sent = 0;

	return send_batch(conn, batch, results, false, false, &sent);
}

int nl_batch_send_until_error(struct nl_conn *conn, struct nl_batch *batch,
			      struct nl_result *results, size_t *sent)
{
	*sent = 0;
	return send_batch(conn, batch, results, false, true, sent);
}

int nl_batch_send_whole(struct nl_conn *conn, struct nl_batch *batch, struct nl_result *results)
{
	size_t sent = 0;

	return send_batch(conn, batch, results, true, false, &sent);
}

int netlink_adopt(struct nl_conn *conn, int fd)
{
	memset(conn, 0, sizeof(*conn));
	conn->sock = mnl_socket_fdopen(fd);
	if (!conn->sock)
		return -errno;
	set_up(conn, false);
	return 0;
}

const char *nl_result_text(const struct nl_result *result, char *buf, size_t len)
{
	if (result->reason[0])
		snprintf(buf, len, "%s (%s)", strerror(-result->error), result->reason);
	else
		snprintf(buf, len, "%s", strerror(-result->error));
	return buf;
}
