/* netlink.c against a fake kernel: batches split into chunks, ACKs matched
 * to their requests by sequence number, dumps restarted when interrupted,
 * and each way an exchange can go wrong (a refusal, a short send, EINTR, a
 * truncated or a second ACK, an ACK that never comes).
 *
 * The fake: the Makefile links this test with -Wl,--wrap= for the calls
 * that move netlink.c's bytes (libmnl's mnl_socket_sendto and
 * mnl_socket_recvfrom, which call sendto and recvmsg inside libmnl where a
 * wrap cannot reach, and netlink.c's own recv and recvmmsg), so they land
 * in the __wrap_ functions below. netlink.c itself carries no test seam.
 * The socket is a real rtnetlink one (any user may open it): its options
 * and port id are real, only the traffic is played by the test. */
#include "unit.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/netlink.h"

/* Test requests and dump entries: a type of their own, an id attribute
 * telling which one it is, and padding to make them as long as a test
 * needs. */
#define TEST_REQUEST 0x7f0
#define TEST_ENTRY 0x7f1
#define ATTR_ID 1
#define ATTR_PAD 2
#define MAX_REQUESTS 512
#define QUEUE_MAX 2048
#define MAX_SENDS 64

/* What the fake kernel has queued for lvsagent's socket: a datagram, or a
 * receive that fails with ERROR instead. */
struct datagram {
	void *bytes;
	size_t len;
	uint32_t sender;		/* the sending port: 0 is the kernel */
	int error;
};

/* How the fake kernel answers the complete requests of one sendmsg. */
typedef void answer_fn(const struct nlmsghdr *const *requests, size_t count);

static struct {
	struct datagram queue[QUEUE_MAX];
	size_t head, tail;
	uint32_t portid;			/* lvsagent's socket */
	answer_fn *answer;
	/* what it was sent */
	size_t sends;
	size_t sent_requests[MAX_SENDS], sent_bytes[MAX_SENDS];
	size_t received[MAX_REQUESTS];		/* times each request id reached it */
	size_t take_bytes;			/* nonzero: the next sendmsg takes only these */
	int send_error;				/* nonzero: sendmsg number SEND_ERROR_AT fails so */
	size_t send_error_at;
	/* how it answers */
	int verdict[MAX_REQUESTS];		/* each request id's error (0: done) */
	const char *reason[MAX_REQUESTS];	/* and its extended-ack text */
	/* dumps */
	unsigned dump_passes;			/* dump requests seen */
	unsigned interrupted_passes;		/* the first N passes are marked DUMP_INTR */
	bool eintr_in_dump;			/* the first pass's read is interrupted once */
	int dump_error;				/* nonzero: the kernel refuses dumps so */
	/* reads that would have blocked forever on a real socket */
	size_t would_block;
} fake;

static struct nl_conn conn;

/* --- the fake kernel's queue ------------------------------------------------ */

static void queue_bytes(const void *bytes, size_t len, uint32_t sender)
{
	struct datagram *d;

	assert_true(fake.tail < QUEUE_MAX);
	d = &fake.queue[fake.tail++];
	d->bytes = malloc(len);
	assert_non_null(d->bytes);
	memcpy(d->bytes, bytes, len);
	d->len = len;
	d->sender = sender;
	d->error = 0;
}

static void queue_message(const struct nlmsghdr *nlh)
{
	queue_bytes(nlh, nlh->nlmsg_len, 0);
}

/* The next receive fails with ERROR (EINTR, ENOBUFS...). */
static void queue_failure(int error)
{
	assert_true(fake.tail < QUEUE_MAX);
	fake.queue[fake.tail++] = (struct datagram){ .error = error };
}

static struct datagram *front(void)
{
	return fake.head < fake.tail ? &fake.queue[fake.head] : NULL;
}

static void pop(void)
{
	free(fake.queue[fake.head].bytes);
	fake.queue[fake.head++].bytes = NULL;
}

/* A datagram copied into ROOM bytes at TO: how many fit, and whether it was cut. */
static size_t deliver(void *to, size_t room, bool *truncated)
{
	struct datagram *d = front();
	size_t len = d->len < room ? d->len : room;

	memcpy(to, d->bytes, len);
	*truncated = d->len > room;
	return len;
}

/* --- what the kernel sends ---------------------------------------------------- */

static char scratch[8192] __attribute__((aligned(NLMSG_ALIGNTO)));

static uint32_t request_id(const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, 0)
		if (mnl_attr_get_type(attr) == ATTR_ID)
			return mnl_attr_get_u32(attr);
	fail_msg("a request without an id");
	return 0;
}

/* An ACK as the kernel builds it for a socket with NETLINK_CAP_ACK: the
 * request's header alone (its length made up: capped, nobody reads it),
 * then the extended ack's TEXT if any. */
static struct nlmsghdr *build_ack(uint32_t seq, uint32_t portid, int error, const char *text)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;

	memset(scratch, 0, sizeof(scratch));
	nlh = mnl_nlmsg_put_header(scratch);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = portid;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	err->msg = (struct nlmsghdr){ .nlmsg_len = 64, .nlmsg_type = TEST_REQUEST,
				      .nlmsg_seq = seq, .nlmsg_pid = portid };
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	return nlh;
}

/* The kernel's answer to REQUEST, as the test set it up. */
static void queue_answer(const struct nlmsghdr *request)
{
	uint32_t id = request_id(request);

	queue_message(build_ack(request->nlmsg_seq, fake.portid, fake.verdict[id],
				fake.reason[id]));
}

/* Like netlink_rcv_skb: every request that asked for an ACK, or failed, is
 * answered in order. */
static void answer_in_order(const struct nlmsghdr *const *requests, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if ((requests[i]->nlmsg_flags & NLM_F_ACK) || fake.verdict[request_id(requests[i])])
			queue_answer(requests[i]);
}

/* --- dumps ------------------------------------------------------------------------ */

/* One dump message: entry VALUE of the current pass. */
static struct nlmsghdr *build_entry(char *at, const struct nlmsghdr *request, uint16_t flags,
				    uint32_t value)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);

	nlh->nlmsg_type = TEST_ENTRY;
	nlh->nlmsg_flags = NLM_F_MULTI | flags;
	nlh->nlmsg_seq = request->nlmsg_seq;
	nlh->nlmsg_pid = fake.portid;
	mnl_attr_put_u32(nlh, ATTR_ID, value);
	return nlh;
}

/* Entries FIRST.. in one datagram of COUNT messages. */
static void queue_entries(const struct nlmsghdr *request, uint16_t flags, uint32_t first,
			  uint32_t count)
{
	size_t len = 0;

	for (uint32_t i = 0; i < count; i++)
		len += NLMSG_ALIGN(build_entry(scratch + len, request, flags, first + i)->nlmsg_len);
	queue_bytes(scratch, len, 0);
}

static void queue_done(const struct nlmsghdr *request, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(scratch);
	int status = 0;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | flags;
	nlh->nlmsg_seq = request->nlmsg_seq;
	nlh->nlmsg_pid = fake.portid;
	mnl_nlmsg_put_extra_header(nlh, sizeof(status));
	queue_message(nlh);
}

/* A dump of five entries in three datagrams (3, 2, DONE); pass N's entries
 * are N*100+1 .. N*100+5. An interrupted pass is marked from its second
 * datagram on, as the kernel marks the parts after the change it saw. */
static void answer_dump(const struct nlmsghdr *request)
{
	unsigned pass = ++fake.dump_passes;
	uint16_t marked = pass <= fake.interrupted_passes ? NLM_F_DUMP_INTR : 0;

	if (fake.dump_error) {
		queue_message(build_ack(request->nlmsg_seq, fake.portid, fake.dump_error, NULL));
		return;
	}
	queue_entries(request, 0, pass * 100 + 1, 3);
	if (pass == 1 && fake.eintr_in_dump)
		queue_failure(EINTR);
	queue_entries(request, marked, pass * 100 + 4, 2);
	queue_done(request, marked);
}

/* What a dump collected: the entries' values, and how often it restarted. */
struct collected {
	uint32_t values[64];
	size_t count;
	unsigned restarts;
};

static int collect_entry(const struct nlmsghdr *nlh, void *data)
{
	struct collected *c = data;

	assert_int_equal(nlh->nlmsg_type, TEST_ENTRY);
	assert_true(c->count < 64);
	c->values[c->count++] = request_id(nlh);
	return 0;
}

static void restart_collection(void *data)
{
	struct collected *c = data;

	c->count = 0;
	c->restarts++;
}

static int dump(struct collected *c)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *request = mnl_nlmsg_put_header(buf);

	memset(c, 0, sizeof(*c));
	request->nlmsg_type = TEST_REQUEST;
	return netlink_dump(&conn, request, collect_entry, restart_collection, c);
}

/* --- the wrapped calls ------------------------------------------------------------- */

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *sock, const void *buf, size_t len);
ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *sock, void *buf, size_t size);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);
int __wrap_recvmmsg(int fd, struct mmsghdr *msgs, unsigned vlen, int flags,
		    struct timespec *timeout);

/* What the kernel does with the LEN bytes it took: the complete messages,
 * as netlink_rcv_skb reads them (a cut-off one at the end is dropped). */
static void kernel_receive(const void *buf, size_t len)
{
	const struct nlmsghdr *requests[MAX_REQUESTS];
	size_t count = 0;
	int left = (int)len;

	for (const struct nlmsghdr *nlh = buf; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left)) {
		if ((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
			answer_dump(nlh);
			return;
		}
		assert_true(count < MAX_REQUESTS);
		fake.received[request_id(nlh)]++;
		requests[count++] = nlh;
	}
	assert_true(fake.sends < MAX_SENDS);
	fake.sent_requests[fake.sends] = count;
	fake.sent_bytes[fake.sends++] = len;
	fake.answer(requests, count);
}

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *sock, const void *buf, size_t len)
{
	size_t taken = fake.take_bytes && fake.take_bytes < len ? fake.take_bytes : len;

	(void)sock;
	fake.take_bytes = 0;
	if (fake.send_error && fake.sends + 1 == fake.send_error_at) {
		errno = fake.send_error;
		return -1;
	}
	kernel_receive(buf, taken);
	return (ssize_t)taken;
}

/* Nothing queued: a real socket would wait for ever. Tests check that no
 * read did (would_block), so a wait counts and fails with EAGAIN. */
static bool nothing_queued(bool blocking)
{
	if (front())
		return false;
	fake.would_block += blocking;
	errno = EAGAIN;
	return true;
}

/* A queued receive failure: returns true with errno set. */
static bool queued_failure(void)
{
	if (!front()->error)
		return false;
	errno = front()->error;
	pop();
	return true;
}

/* libmnl's reader: a datagram longer than SIZE is ENOSPC. */
ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *sock, void *buf, size_t size)
{
	bool truncated;
	size_t len;

	(void)sock;
	if (nothing_queued(true) || queued_failure())
		return -1;
	len = deliver(buf, size, &truncated);
	pop();
	if (truncated) {
		errno = ENOSPC;
		return -1;
	}
	return (ssize_t)len;
}

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
	bool truncated;
	size_t got;

	(void)fd;
	if (nothing_queued(!(flags & MSG_DONTWAIT)) || queued_failure())
		return -1;
	got = deliver(buf, len, &truncated);
	pop();
	return (ssize_t)got;
}

/* MSG_WAITFORONE: what is queued, up to VLEN datagrams, stopping at a failure. */
int __wrap_recvmmsg(int fd, struct mmsghdr *msgs, unsigned vlen, int flags,
		    struct timespec *timeout)
{
	unsigned n = 0;

	(void)fd, (void)flags, (void)timeout;
	if (nothing_queued(true) || queued_failure())
		return -1;
	for (; n < vlen && front() && !front()->error; n++) {
		struct msghdr *msg = &msgs[n].msg_hdr;
		bool truncated;
		uint32_t sender = front()->sender;

		msgs[n].msg_len = (unsigned)deliver(msg->msg_iov[0].iov_base,
						    msg->msg_iov[0].iov_len, &truncated);
		msg->msg_flags = truncated ? MSG_TRUNC : 0;
		if (msg->msg_name) {
			*(struct sockaddr_nl *)msg->msg_name =
				(struct sockaddr_nl){ .nl_family = AF_NETLINK, .nl_pid = sender };
			msg->msg_namelen = sizeof(struct sockaddr_nl);
		}
		pop();
	}
	return (int)n;
}

/* --- set-up ---------------------------------------------------------------------------- */

static int set_up(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.answer = answer_in_order;
	if (netlink_open(&conn, NETLINK_ROUTE) < 0)
		return -1;
	fake.portid = conn.portid;
	return 0;
}

static int tear_down(void **state)
{
	(void)state;
	while (front())
		pop();
	netlink_close(&conn);
	return 0;
}

/* Request ID with PAD bytes of padding; ACK false: one that asks for none
 * (an nfnetlink transaction's BEGIN or END). */
static void put_request(struct nl_batch *batch, uint32_t id, size_t pad, bool ack)
{
	static const char zeros[NL_BATCH_MSG_MAX];
	struct nlmsghdr *nlh = nl_batch_put(batch, TEST_REQUEST, 0);

	if (!ack)
		nlh->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
	mnl_attr_put_u32(nlh, ATTR_ID, id);
	if (pad)
		mnl_attr_put(nlh, ATTR_PAD, pad, zeros);
}

static void put_requests(struct nl_batch *batch, size_t count, size_t pad)
{
	nl_batch_init(batch);
	for (size_t i = 0; i < count; i++)
		put_request(batch, (uint32_t)i, pad, true);
}

/* Every request in [FROM, TO) reached the kernel once and succeeded. */
static void assert_done(const struct nl_result *results, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (fake.received[i] != 1 || results[i].error != 0)
			fail_msg("request %zu: received %zu times, result %d", i, fake.received[i],
				 results[i].error);
	}
}

/* An unanswered request reads as a failure, never as a success: -ECANCELED
 * and a reason. */
static void assert_unanswered(const struct nl_result *result)
{
	assert_int_equal(result->error, -ECANCELED);
	assert_true(result->reason[0] != '\0');
}

/* --- chunks -------------------------------------------------------------------------------- */

static void test_chunks_by_count(void **state)
{
	struct nl_result results[300];
	struct nl_batch batch;

	(void)state;
	put_requests(&batch, 300, 0);
	assert_int_equal(nl_batch_send(&conn, &batch, results), 0);
	assert_int_equal(fake.sends, 3);
	assert_int_equal(fake.sent_requests[0], NL_BATCH_CHUNK_MSGS);
	assert_int_equal(fake.sent_requests[1], NL_BATCH_CHUNK_MSGS);
	assert_int_equal(fake.sent_requests[2], 300 - 2 * NL_BATCH_CHUNK_MSGS);
	assert_done(results, 0, 300);
	assert_int_equal(fake.would_block, 0);
	nl_batch_free(&batch);
}

/* Large requests: fewer per sendmsg, none above the byte limit. */
static void test_chunks_by_bytes(void **state)
{
	struct nl_result results[200];
	struct nl_batch batch;
	size_t total = 0;

	(void)state;
	put_requests(&batch, 200, 900);
	assert_int_equal(nl_batch_send(&conn, &batch, results), 0);
	assert_true(fake.sends > 2);
	for (size_t i = 0; i < fake.sends; i++) {
		assert_true(fake.sent_bytes[i] <= NL_BATCH_CHUNK_BYTES);
		assert_true(fake.sent_requests[i] < NL_BATCH_CHUNK_MSGS);
		total += fake.sent_requests[i];
	}
	assert_int_equal(total, 200);
	assert_done(results, 0, 200);
	nl_batch_free(&batch);
}

/* A transaction goes in one sendmsg, whatever its size. */
static void test_whole_batch_one_send(void **state)
{
	struct nl_result results[300];
	struct nl_batch batch;

	(void)state;
	put_requests(&batch, 300, 900);
	assert_int_equal(nl_batch_send_whole(&conn, &batch, results), 0);
	assert_int_equal(fake.sends, 1);
	assert_int_equal(fake.sent_requests[0], 300);
	assert_done(results, 0, 300);
	nl_batch_free(&batch);
}

/* --- matching ACKs to requests ---------------------------------------------------------------- */

static void answer_in_reverse(const struct nlmsghdr *const *requests, size_t count)
{
	for (size_t i = count; i-- > 0;)
		queue_answer(requests[i]);
}

static void test_acks_out_of_order(void **state)
{
	struct nl_result results[5];
	struct nl_batch batch;

	(void)state;
	fake.answer = answer_in_reverse;
	fake.verdict[1] = -EEXIST;
	fake.verdict[3] = -ENODEV;
	/* the sequence numbers wrap around in the middle of the batch */
	conn.seq = UINT32_MAX - 2;
	put_requests(&batch, 5, 0);
	assert_int_equal(nl_batch_send(&conn, &batch, results), 0);
	assert_int_equal(results[0].error, 0);
	assert_int_equal(results[1].error, -EEXIST);
	assert_int_equal(results[2].error, 0);
	assert_int_equal(results[3].error, -ENODEV);
	assert_int_equal(results[4].error, 0);
	nl_batch_free(&batch);
}

/* Before the real ACKs, answers that are not to this exchange, each
 * claiming a failure: none may count. */
static void answer_after_noise(const struct nlmsghdr *const *requests, size_t count)
{
	uint32_t first = requests[0]->nlmsg_seq;
	struct nlmsghdr *nlh;

	/* a late ACK of an earlier exchange */
	queue_message(build_ack(first - 1, fake.portid, -EIO, "stale"));
	/* one of ours by number, but to another socket's port id */
	queue_message(build_ack(first, fake.portid + 1, -EIO, "foreign port id"));
	/* another process writing to our socket, forging everything */
	nlh = build_ack(first + 1, fake.portid, -EIO, "not from the kernel");
	queue_bytes(nlh, nlh->nlmsg_len, 4242);
	/* something that is no ACK at all */
	nlh = mnl_nlmsg_put_header(scratch);
	nlh->nlmsg_type = NLMSG_NOOP;
	nlh->nlmsg_seq = first;
	nlh->nlmsg_pid = fake.portid;
	queue_message(nlh);
	answer_in_order(requests, count);
}

static void test_foreign_and_stale_replies_ignored(void **state)
{
	struct nl_result results[3];
	struct nl_batch batch;

	(void)state;
	fake.answer = answer_after_noise;
	put_requests(&batch, 3, 0);
	assert_int_equal(nl_batch_send(&conn, &batch, results), 0);
	assert_done(results, 0, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(results[i].reason, "");
	nl_batch_free(&batch);
}

static void test_extended_ack_text(void **state)
{
	struct nl_result results[2];
	struct nl_batch batch;
	char text[200];

	(void)state;
	fake.verdict[1] = -EACCES;
	fake.reason[1] = "ipv6: IPv6 is disabled on this device";
	put_requests(&batch, 2, 0);
	assert_int_equal(nl_batch_send(&conn, &batch, results), 0);
	assert_int_equal(results[0].error, 0);
	assert_int_equal(results[1].error, -EACCES);
	assert_string_equal(results[1].reason, "ipv6: IPv6 is disabled on this device");
	assert_string_equal(nl_result_text(&results[1], text, sizeof(text)),
			    "Permission denied (ipv6: IPv6 is disabled on this device)");
	nl_batch_free(&batch);
}

/* An ACK without NETLINK_CAP_ACK's capping: the whole request echoed, then
 * the extended ack. LONG: a request longer than the ACK reader's slot. */
static void answer_uncapped(const struct nlmsghdr *const *requests, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(scratch);
		struct nlmsgerr *err;

		nlh->nlmsg_type = NLMSG_ERROR;
		nlh->nlmsg_flags = NLM_F_ACK_TLVS;
		nlh->nlmsg_seq = requests[i]->nlmsg_seq;
		nlh->nlmsg_pid = fake.portid;
		err = mnl_nlmsg_put_extra_header(nlh, sizeof(err->error) + requests[i]->nlmsg_len);
		err->error = -EINVAL;
		memcpy(&err->msg, requests[i], requests[i]->nlmsg_len);
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "the reason, after the request");
		queue_message(nlh);
	}
}

static void test_uncapped_ack_text(void **state)
{
	struct nl_result results[2];
	struct nl_batch batch;

	(void)state;
	fake.answer = answer_uncapped;
	put_requests(&batch, 2, 40);
	assert_int_equal(nl_batch_send(&conn, &batch, results), 0);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(results[i].error, -EINVAL);
		assert_string_equal(results[i].reason, "the reason, after the request");
	}
	nl_batch_free(&batch);
}

/* The same with 1 KiB requests: each ACK is longer than a read slot and
 * arrives cut. The error still counts; the text, cut off, is not read. */
static void test_truncated_ack(void **state)
{
	struct nl_result results[3];
	struct nl_batch batch;

	(void)state;
	fake.answer = answer_uncapped;
	put_requests(&batch, 3, 990);
	assert_int_equal(nl_batch_send(&conn, &batch, results), 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(results[i].error, -EINVAL);
		assert_string_equal(results[i].reason, "");
	}
	assert_int_equal(fake.would_block, 0);
	nl_batch_free(&batch);
}

static void answer_with_eintr(const struct nlmsghdr *const *requests, size_t count)
{
	queue_answer(requests[0]);
	queue_failure(EINTR);
	answer_in_order(requests + 1, count - 1);
}

static void test_eintr_during_acks(void **state)
{
	struct nl_result results[4];
	struct nl_batch batch;

	(void)state;
	fake.answer = answer_with_eintr;
	fake.verdict[3] = -ENOENT;
	put_requests(&batch, 4, 0);
	assert_int_equal(nl_batch_send(&conn, &batch, results), 0);
	assert_done(results, 0, 3);
	assert_int_equal(results[3].error, -ENOENT);
	nl_batch_free(&batch);
}

/* --- failures in the middle ------------------------------------------------------------------------ */

/* Request 130 (in the second chunk) is refused: until_error sends no third
 * chunk; the plain send goes on. */
static void test_refusal_stops_after_its_chunk(void **state)
{
	struct nl_result results[300];
	struct nl_batch batch;
	size_t sent = 0;

	(void)state;
	fake.verdict[130] = -EEXIST;
	fake.reason[130] = "already there";
	put_requests(&batch, 300, 0);
	assert_int_equal(nl_batch_send_until_error(&conn, &batch, results, &sent), 0);
	assert_int_equal(fake.sends, 2);
	assert_int_equal(sent, 2 * NL_BATCH_CHUNK_MSGS);
	assert_done(results, 0, 130);
	assert_int_equal(results[130].error, -EEXIST);
	assert_string_equal(results[130].reason, "already there");
	/* the kernel went on with the rest of that chunk */
	assert_done(results, 131, sent);
	for (size_t i = sent; i < 300; i++) {
		assert_int_equal(fake.received[i], 0);
		assert_unanswered(&results[i]);
	}
	nl_batch_free(&batch);

	memset(fake.received, 0, sizeof(fake.received));
	fake.sends = 0;
	put_requests(&batch, 300, 0);
	assert_int_equal(nl_batch_send(&conn, &batch, results), 0);
	assert_int_equal(fake.sends, 3);
	assert_int_equal(results[130].error, -EEXIST);
	assert_done(results, 131, 300);
	nl_batch_free(&batch);
}

/* The socket fails the second sendmsg: the first chunk's results stand,
 * the rest read as not done. */
static void test_send_error(void **state)
{
	struct nl_result results[200];
	struct nl_batch batch;
	size_t sent = 0;

	(void)state;
	fake.send_error = ENOBUFS;
	fake.send_error_at = 2;
	put_requests(&batch, 200, 0);
	assert_int_equal(nl_batch_send_until_error(&conn, &batch, results, &sent), -ENOBUFS);
	assert_int_equal(sent, NL_BATCH_CHUNK_MSGS);
	assert_done(results, 0, sent);
	for (size_t i = sent; i < 200; i++)
		assert_unanswered(&results[i]);
	nl_batch_free(&batch);
}

/* The length of each of BATCH's requests (they are all alike). */
static size_t request_length(const struct nl_batch *batch)
{
	return NLMSG_ALIGN(((const struct nlmsghdr *)batch->buf)->nlmsg_len);
}

/* sendmsg takes only part of a chunk: the requests it took whole are
 * answered, and the rest are sent again, none twice. */
static void test_partial_send(void **state)
{
	struct nl_result results[10];
	struct nl_batch batch;
	size_t sent = 0;

	(void)state;
	put_requests(&batch, 10, 100);
	/* three requests and a piece of the fourth */
	fake.take_bytes = 3 * request_length(&batch) + 50;
	assert_int_equal(nl_batch_send_until_error(&conn, &batch, results, &sent), 0);
	assert_int_equal(sent, 10);
	assert_int_equal(fake.sends, 2);
	assert_int_equal(fake.sent_requests[0], 3);
	assert_int_equal(fake.sent_requests[1], 7);
	assert_done(results, 0, 10);
	assert_int_equal(fake.would_block, 0);
	nl_batch_free(&batch);
}

/* A transaction cut short is no transaction: the kernel aborts it, and
 * nothing in it reads as done. */
static void test_partial_send_of_a_transaction(void **state)
{
	struct nl_result results[10];
	struct nl_batch batch;

	(void)state;
	put_requests(&batch, 10, 100);
	fake.take_bytes = 5 * request_length(&batch) + 10;
	assert_int_equal(nl_batch_send_whole(&conn, &batch, results), -EMSGSIZE);
	for (size_t i = 0; i < 10; i++)
		assert_unanswered(&results[i]);
	assert_int_equal(fake.would_block, 0);
	nl_batch_free(&batch);
}

/* --- answers that are missing, or one too many --------------------------------------------------------- */

/* The first request is answered twice, the others never. */
static void answer_first_twice(const struct nlmsghdr *const *requests, size_t count)
{
	(void)count;
	queue_message(build_ack(requests[0]->nlmsg_seq, fake.portid, 0, NULL));
	queue_message(build_ack(requests[0]->nlmsg_seq, fake.portid, -EEXIST, NULL));
}

static void test_second_ack_for_one_request(void **state)
{
	struct nl_result results[3];
	struct nl_batch batch;

	(void)state;
	fake.answer = answer_first_twice;
	put_requests(&batch, 3, 0);
	assert_int_equal(nl_batch_send(&conn, &batch, results), -EPROTO);
	/* the first answer stands */
	assert_int_equal(results[0].error, 0);
	assert_unanswered(&results[1]);
	assert_unanswered(&results[2]);
	nl_batch_free(&batch);
}

/* An nfnetlink transaction whose BEGIN the kernel refuses: that answer is
 * all it sends. */
static void refuse_the_frame(const struct nlmsghdr *const *requests, size_t count)
{
	(void)count;
	queue_message(build_ack(requests[0]->nlmsg_seq, fake.portid, -EPERM, NULL));
}

static void put_transaction(struct nl_batch *batch)
{
	nl_batch_init(batch);
	put_request(batch, 0, 0, false);	/* BEGIN */
	put_request(batch, 1, 0, true);
	put_request(batch, 2, 0, true);
	put_request(batch, 3, 0, false);	/* END */
}

static void test_refused_transaction(void **state)
{
	struct nl_result results[4];
	struct nl_batch batch;

	(void)state;
	fake.answer = refuse_the_frame;
	put_transaction(&batch);
	assert_int_equal(nl_batch_send_whole(&conn, &batch, results), 0);
	assert_int_equal(results[0].error, -EPERM);
	/* the requests inside were never carried out */
	assert_unanswered(&results[1]);
	assert_unanswered(&results[2]);
	assert_int_equal(fake.would_block, 0);
	nl_batch_free(&batch);
}

static void test_accepted_transaction(void **state)
{
	struct nl_result results[4];
	struct nl_batch batch;

	(void)state;
	put_transaction(&batch);
	assert_int_equal(nl_batch_send_whole(&conn, &batch, results), 0);
	/* BEGIN and END asked for no ACK: they read as done without one */
	assert_done(results, 0, 4);
	nl_batch_free(&batch);
}

/* The receive buffer overran: the kernel dropped the last ACK and says
 * ENOBUFS instead. */
static void answer_then_overrun(const struct nlmsghdr *const *requests, size_t count)
{
	answer_in_order(requests, count - 1);
	queue_failure(ENOBUFS);
}

static void test_missing_ack(void **state)
{
	struct nl_result results[3];
	struct nl_batch batch;
	size_t sent = 0;

	(void)state;
	fake.answer = answer_then_overrun;
	put_requests(&batch, 3, 0);
	assert_int_equal(nl_batch_send_until_error(&conn, &batch, results, &sent), -ENOBUFS);
	assert_int_equal(sent, 0);
	assert_int_equal(results[0].error, 0);
	assert_int_equal(results[1].error, 0);
	assert_unanswered(&results[2]);
	nl_batch_free(&batch);
}

/* --- dumps ---------------------------------------------------------------------------------------------- */

static void test_dump(void **state)
{
	struct collected c;

	(void)state;
	assert_int_equal(dump(&c), 0);
	assert_int_equal(c.count, 5);
	assert_int_equal(c.values[0], 101);
	assert_int_equal(c.values[4], 105);
	assert_int_equal(c.restarts, 0);
}

/* A signal between two reads of a dump: the dump goes on to its end. */
static void test_dump_eintr(void **state)
{
	struct collected c;

	(void)state;
	fake.eintr_in_dump = true;
	assert_int_equal(dump(&c), 0);
	assert_int_equal(c.count, 5);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(c.values[i], 100 * fake.dump_passes + 1 + i);
	assert_int_equal(fake.would_block, 0);
}

/* Interrupted twice: the collection restarts twice and holds the third
 * pass alone. */
static void test_dump_interrupted(void **state)
{
	struct collected c;

	(void)state;
	fake.interrupted_passes = 2;
	assert_int_equal(dump(&c), 0);
	assert_int_equal(fake.dump_passes, 3);
	assert_int_equal(c.restarts, 2);
	assert_int_equal(c.count, 5);
	assert_int_equal(c.values[0], 301);
	assert_int_equal(c.values[4], 305);
}

/* Interrupted every time: the dump gives up with EAGAIN rather than return
 * a picture that was never true at one moment. */
static void test_dump_always_interrupted(void **state)
{
	struct collected c;

	(void)state;
	fake.interrupted_passes = 1000;
	assert_int_equal(dump(&c), -EAGAIN);
	assert_int_equal(fake.dump_passes, NL_DUMP_ATTEMPTS);
	assert_int_equal(c.restarts, NL_DUMP_ATTEMPTS - 1);
}

/* The kernel refuses the dump itself. */
static void test_dump_error(void **state)
{
	struct collected c;

	(void)state;
	fake.dump_error = -EOPNOTSUPP;
	assert_int_equal(dump(&c), -EOPNOTSUPP);
	assert_int_equal(c.count, 0);
	assert_int_equal(fake.would_block, 0);
}

/* A length of 2 GiB or more passes libmnl's own check (it compares as a
 * signed int) and would send the walk past the buffer: refused. */
static void test_msg_ok_refuses_huge_length(void **state)
{
	union {
		struct nlmsghdr nlh;
		char bytes[64];
	} buf = { .nlh = { .nlmsg_len = 0x80000010u } };

	(void)state;
	assert_false(netlink_msg_ok(&buf.nlh, (int)sizeof(buf)));
	buf.nlh.nlmsg_len = sizeof(buf) + 1;
	assert_false(netlink_msg_ok(&buf.nlh, (int)sizeof(buf)));
	buf.nlh.nlmsg_len = sizeof(buf);
	assert_true(netlink_msg_ok(&buf.nlh, (int)sizeof(buf)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_ok_refuses_huge_length),
		cmocka_unit_test_setup_teardown(test_chunks_by_count, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_chunks_by_bytes, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_whole_batch_one_send, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_acks_out_of_order, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_foreign_and_stale_replies_ignored, set_up,
						tear_down),
		cmocka_unit_test_setup_teardown(test_extended_ack_text, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_uncapped_ack_text, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_truncated_ack, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_eintr_during_acks, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_refusal_stops_after_its_chunk, set_up,
						tear_down),
		cmocka_unit_test_setup_teardown(test_send_error, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_partial_send, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_partial_send_of_a_transaction, set_up,
						tear_down),
		cmocka_unit_test_setup_teardown(test_second_ack_for_one_request, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_refused_transaction, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_accepted_transaction, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_missing_ack, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_dump, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_dump_eintr, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_dump_interrupted, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_dump_always_interrupted, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_dump_error, set_up, tear_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
