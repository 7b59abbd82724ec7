/* json: streaming writer with comma bookkeeping and strict escaping. */
#include "lib/json.h"

#include <stdint.h>
#include <string.h>

void json_init(struct json *json, FILE *out)
{
	memset(json, 0, sizeof(*json));
	json->out = out;
}

/* Before any value: a comma if the container already holds one. */
static void before_value(struct json *json)
{
	if (json->after_key) {
		json->after_key = false;
		return;
	}
	if (json->has_items[json->depth])
		fputc(',', json->out);
	json->has_items[json->depth] = true;
}

static void open_container(struct json *json, char bracket)
{
	before_value(json);
	fputc(bracket, json->out);
	if (json->depth < JSON_MAX_DEPTH - 1)
		json->depth++;
	json->has_items[json->depth] = false;
}

static void close_container(struct json *json, char bracket)
{
	fputc(bracket, json->out);
	if (json->depth > 0)
		json->depth--;
}

void json_object_begin(struct json *json)
{
	open_container(json, '{');
}

void json_object_end(struct json *json)
{
	close_container(json, '}');
}

void json_array_begin(struct json *json)
{
	open_container(json, '[');
}

void json_array_end(struct json *json)
{
	close_container(json, ']');
}

void json_key(struct json *json, const char *key)
{
	before_value(json);
	json_write_string(json->out, key);
	fputc(':', json->out);
	json->after_key = true;
}

void json_string(struct json *json, const char *value)
{
	before_value(json);
	if (value)
		json_write_string(json->out, value);
	else
		fputs("null", json->out);
}

void json_int(struct json *json, long long value)
{
	before_value(json);
	fprintf(json->out, "%lld", value);
}

void json_bool(struct json *json, bool value)
{
	before_value(json);
	fputs(value ? "true" : "false", json->out);
}

void json_field_string(struct json *json, const char *key, const char *value)
{
	json_key(json, key);
	json_string(json, value);
}

void json_field_int(struct json *json, const char *key, long long value)
{
	json_key(json, key);
	json_int(json, value);
}

void json_field_bool(struct json *json, const char *key, bool value)
{
	json_key(json, key);
	json_bool(json, value);
}

void json_null(struct json *json)
{
	before_value(json);
	fputs("null", json->out);
}

/* Length of the valid UTF-8 sequence at S (1..4), or 0 if invalid. */
static size_t utf8_sequence(const unsigned char *s)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void write_escaped_byte(FILE *out, unsigned char c)
{
	switch (c) {
	case '"': fputs("\\\"", out); break;
	case '\\': fputs("\\\\", out); break;
	case '\n': fputs("\\n", out); break;
	case '\r': fputs("\\r", out); break;
	case '\t': fputs("\\t", out); break;
	case '\b': fputs("\\b", out); break;
	case '\f': fputs("\\f", out); break;
	default:
		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
}

void json_write_string(FILE *out, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;

	fputc('"', out);
	while (*s) {
		size_t len = utf8_sequence(s);
		if (len == 0) {
			fputs("\\ufffd", out);
			s++;
		} else if (len == 1) {
			write_escaped_byte(out, *s++);
		} else {
			fwrite(s, 1, len, out);
			s += len;
		}
	}
	fputc('"', out);
}
