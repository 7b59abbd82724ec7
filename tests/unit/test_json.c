/* JSON output: always valid, whatever bytes it is handed. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"

static char *escaped(const char *text)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	json_write_string(f, text);
	fclose(f);
	return out;
}

static void expect_escaped(const char *text, const char *expected)
{
	char *got = escaped(text);

	assert_string_equal(got, expected);
	free(got);
}

static void test_escapes(void **state)
{
	(void)state;
	expect_escaped("eth0", "\"eth0\"");
	expect_escaped("a\"b\\c", "\"a\\\"b\\\\c\"");
	expect_escaped("line\nnext\ttab\r", "\"line\\nnext\\ttab\\r\"");
	expect_escaped("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	expect_escaped("caf\xc3\xa9 \xe4\xb8\xad", "\"caf\xc3\xa9 \xe4\xb8\xad\"");
	/* Not UTF-8: a lone continuation byte, a truncated sequence, an
	 * overlong slash, a surrogate. */
	expect_escaped("\x80", "\"\\ufffd\"");
	expect_escaped("a\xc3", "\"a\\ufffd\"");
	expect_escaped("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	expect_escaped("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
}

static void test_structure(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct json json;

	(void)state;
	json_init(&json, f);
	json_object_begin(&json);
	json_key(&json, "changed");
	json_bool(&json, true);
	json_key(&json, "changes");
	json_array_begin(&json);
	json_object_begin(&json);
	json_key(&json, "before");
	json_null(&json);
	json_key(&json, "after");
	json_int(&json, 2);
	json_object_end(&json);
	json_string(&json, NULL);
	json_array_end(&json);
	json_key(&json, "msg");
	json_string(&json, "ok");
	json_object_end(&json);
	fclose(f);
	assert_string_equal(out, "{\"changed\":true,\"changes\":[{\"before\":null,\"after\":2},null],"
				 "\"msg\":\"ok\"}");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_structure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
