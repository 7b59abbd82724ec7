/* ipaddr lookups: the hinted search answers exactly as the plain binary
 * search does, whatever order the keys come in. */
#include "unit.h"

#include <stdlib.h>
#include <sys/socket.h>

#include "lib/ipaddr.h"

#define COUNT 2000

/* COUNT sorted IPv4 addresses, each value twice in places (a VIP on lo
 * and on an uplink), with gaps between them. */
static struct ipaddr *sorted_addresses(void)
{
	struct ipaddr *addrs = calloc(COUNT, sizeof(*addrs));
	uint32_t value = 0x0a000000;

	for (size_t i = 0; i < COUNT; i++) {
		value += (i % 7 == 3) ? 0 : 1 + (uint32_t)(i % 3);
		addrs[i].family = AF_INET;
		addrs[i].v4.s_addr = htonl(value);
	}
	return addrs;
}

static struct ipaddr key_for(uint32_t offset)
{
	struct ipaddr key = { .family = AF_INET };

	key.v4.s_addr = htonl(0x0a000000 + offset);
	return key;
}

static size_t plain(const struct ipaddr *addrs, const struct ipaddr *key)
{
	return ipaddr_lower_bound(addrs, COUNT, sizeof(*addrs), 0, key);
}

static size_t near(const struct ipaddr *addrs, const struct ipaddr *key, size_t *hint)
{
	return ipaddr_lower_bound_near(addrs, COUNT, sizeof(*addrs), 0, key, hint);
}

static void test_ascending_keys(void **state)
{
	struct ipaddr *addrs = sorted_addresses();
	size_t hint = 0;

	(void)state;
	/* Every value, present or in a gap, and past the end. */
	for (uint32_t offset = 0; offset < 4200; offset++) {
		struct ipaddr key = key_for(offset);
		assert_int_equal(near(addrs, &key, &hint), plain(addrs, &key));
	}
	free(addrs);
}

static void test_descending_and_repeated_keys(void **state)
{
	struct ipaddr *addrs = sorted_addresses();
	size_t hint = 0;

	(void)state;
	for (uint32_t offset = 4200; offset-- > 0;) {
		struct ipaddr key = key_for(offset);
		assert_int_equal(near(addrs, &key, &hint), plain(addrs, &key));
		assert_int_equal(near(addrs, &key, &hint), plain(addrs, &key));
	}
	free(addrs);
}

static void test_random_keys_and_stale_hint(void **state)
{
	struct ipaddr *addrs = sorted_addresses();
	size_t hint = COUNT + 5;	/* past the end: must be ignored */

	(void)state;
	srand(7);
	for (int i = 0; i < 20000; i++) {
		struct ipaddr key = key_for((uint32_t)rand() % 4200);
		assert_int_equal(near(addrs, &key, &hint), plain(addrs, &key));
	}
	free(addrs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascending_keys),
		cmocka_unit_test(test_descending_and_repeated_keys),
		cmocka_unit_test(test_random_keys_and_stale_hint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
