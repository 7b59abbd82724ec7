/* Reports: the change lines people read and the JSON Ansible reads —
 * valid and escaped whatever the names and kernel messages contain. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "realserver/describe.h"
#include "realserver/report.h"
#include "realserver/status.h"

/* A setting for a hand-made item; a few at a time are enough for a test. */
static struct plan_setting *setting(const char *iface, enum sysctl_key key)
{
	static struct plan_setting pool[8];
	static size_t next;
	struct plan_setting *s = &pool[next++ % 8];

	memset(s, 0, sizeof(*s));
	strcpy(s->iface, iface);
	s->key = key;
	return s;
}

static struct plan_item sysctl_item(const char *iface, int before, int after)
{
	return (struct plan_item){ .kind = ITEM_SYSCTL, .action = ACTION_SET,
				   .setting = setting(iface, ARP_IGNORE), .before = before,
				   .after = after, .wanted = true };
}

static struct plan_item vip_item(const char *text, enum item_action action)
{
	struct plan_item item = { .kind = ITEM_VIP, .action = action, .wanted = true };
	const char *why;

	assert_int_equal(ipaddr_parse(text, &item.addr, &why), 0);
	item.before = action == ACTION_REMOVE;
	item.after = action == ACTION_ADD;
	return item;
}

static char *render(struct plan_item *items, size_t count, const struct report_options *opts)
{
	struct plan plan = { .items = items, .count = count, .capacity = count };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	report_plan(f, &plan, opts);
	fclose(f);
	return out;
}

static void test_change_lines(void **state)
{
	struct plan_item items[] = { sysctl_item("eth0", 0, 1), vip_item("10.0.0.1", ACTION_ADD),
				     vip_item("2001:db8::1", ACTION_REMOVE) };
	struct report_options opts = { .verb = "start" };
	char *out;

	(void)state;
	items[0].done = items[1].done = items[2].done = true;
	out = render(items, 3, &opts);
	assert_string_equal(out, "set sysctl net.ipv4.conf.eth0.arp_ignore = 1 (was 0)\n"
				 "add vip 10.0.0.1/32 dev lo\n"
				 "remove vip 2001:db8::1/128 dev lo\n");
	free(out);
	opts.check = true;
	items[0].done = items[1].done = items[2].done = false;
	out = render(items, 1, &opts);
	assert_string_equal(out, "would set sysctl net.ipv4.conf.eth0.arp_ignore = 1 (was 0)\n");
	free(out);
}

static void test_nothing_to_change(void **state)
{
	struct plan_item item = vip_item("10.0.0.1", ACTION_NONE);
	struct report_options opts = { .verb = "apply", .json = true };
	char *out;

	(void)state;
	item.before = item.after = 1;
	out = render(&item, 1, &opts);
	assert_string_equal(out, "{\"changed\":false,\"failed\":false,\"msg\":\"apply: nothing to "
				 "change\",\"changes\":[],\"failures\":[],\"warnings\":[]}\n");
	free(out);
}

/* An interface name with a quote and a backslash, a kernel message with a
 * newline and a stray byte: the JSON stays valid. */
static void test_json_escapes_everything(void **state)
{
	struct plan_item items[] = { sysctl_item("e\"th\\0", 0, 1), vip_item("10.0.0.1", ACTION_ADD) };
	struct report_options opts = { .verb = "apply", .json = true };
	char *out;

	(void)state;
	items[0].done = true;
	items[1].error = -17;
	char reason[] = "File exists\n(\x01\xff)";
	items[1].reason = reason;
	out = render(items, 2, &opts);
	assert_string_equal(out,
		"{\"changed\":true,\"failed\":true,"
		"\"msg\":\"1 of 2 changes failed; first: add vip 10.0.0.1/32 dev lo: File exists\\n"
		"(\\u0001\\ufffd)\","
		"\"changes\":[{\"action\":\"set\",\"kind\":\"sysctl\","
		"\"target\":\"net.ipv4.conf.e\\\"th\\\\0.arp_ignore\",\"before\":0,\"after\":1}],"
		"\"failures\":[{\"action\":\"add\",\"kind\":\"vip\",\"target\":\"10.0.0.1/32\","
		"\"before\":null,\"after\":\"vip 10.0.0.1/32 dev lo\","
		"\"error\":\"File exists\\n(\\u0001\\ufffd)\"}],\"warnings\":[]}\n");
	free(out);
}

static void test_diff_views(void **state)
{
	struct plan_item items[] = { sysctl_item("all", 0, 1), vip_item("10.0.0.1", ACTION_ADD) };
	struct report_options opts = { .verb = "apply", .json = true, .diff = true, .check = true };
	char *out;

	(void)state;
	out = render(items, 2, &opts);
	assert_non_null(strstr(out, "\"diff\":{\"before\":\"sysctl net.ipv4.conf.all.arp_ignore = 0\\n\","
				    "\"after\":\"sysctl net.ipv4.conf.all.arp_ignore = 1\\n"
				    "vip 10.0.0.1/32 dev lo\\n\""));
	free(out);
}

static void test_status_codes(void **state)
{
	struct plan_item in_place = vip_item("10.0.0.1", ACTION_NONE);
	struct plan_item missing = vip_item("10.0.0.2", ACTION_ADD);
	struct plan plan = { .items = &in_place, .count = 1 };

	(void)state;
	in_place.before = in_place.after = 1;
	assert_int_equal(status_code_of(&plan, false), STATUS_IN_PLACE);
	plan.items = &missing;
	assert_int_equal(status_code_of(&plan, false), STATUS_NOT_APPLIED);
	assert_int_equal(status_code_of(&plan, true), STATUS_PARTLY);
	struct plan_item both[] = { in_place, missing };
	plan.items = both;
	plan.count = 2;
	assert_int_equal(status_code_of(&plan, false), STATUS_PARTLY);
}

static void test_repair_lines(void **state)
{
	struct plan_item sysctl = sysctl_item("all", 0, 1);
	struct plan_item vip = vip_item("10.0.0.1", ACTION_ADD);
	struct plan_item dropped = vip_item("2001:db8::1", ACTION_REMOVE);
	struct plan_item link = { .kind = ITEM_LINK, .action = ACTION_SET,
				  .setting = setting("lo", ARP_IGNORE), .after = 1 };
	char line[256];

	(void)state;
	assert_string_equal(item_repair(&sysctl, line, sizeof(line)),
			    "net.ipv4.conf.all.arp_ignore was 0; set it to 1");
	assert_string_equal(item_repair(&vip, line, sizeof(line)),
			    "vip 10.0.0.1/32 was missing from lo; added it back");
	assert_string_equal(item_repair(&dropped, line, sizeof(line)),
			    "vip 2001:db8::1/128 is no longer configured; removed it");
	assert_string_equal(item_repair(&link, line, sizeof(line)), "lo was down; set it up");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_change_lines),
		cmocka_unit_test(test_nothing_to_change),
		cmocka_unit_test(test_json_escapes_everything),
		cmocka_unit_test(test_diff_views),
		cmocka_unit_test(test_status_codes),
		cmocka_unit_test(test_repair_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
