/* json: a small streaming JSON writer. Every string is escaped so the
 * output is valid JSON (and valid UTF-8) whatever bytes it is given:
 * interface names, kernel messages, file names. */
#ifndef LVSAGENT_LIB_JSON_H
#define LVSAGENT_LIB_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	int depth;
	bool has_items[JSON_MAX_DEPTH];	/* a value was written at this level */
	bool after_key;			/* the next value completes "key": */
};

void json_init(struct json *json, FILE *out);
void json_object_begin(struct json *json);
void json_object_end(struct json *json);
void json_array_begin(struct json *json);
void json_array_end(struct json *json);
void json_key(struct json *json, const char *key);
void json_string(struct json *json, const char *value);	/* NULL writes null */
void json_int(struct json *json, long long value);
void json_bool(struct json *json, bool value);
/* A key and its value in one call: "KEY":VALUE. */
void json_field_string(struct json *json, const char *key, const char *value);
void json_field_int(struct json *json, const char *key, long long value);
void json_field_bool(struct json *json, const char *key, bool value);
void json_null(struct json *json);

/* Write TEXT as a quoted JSON string: control characters as \uXXXX, bytes
 * that are not UTF-8 as U+FFFD. */
void json_write_string(FILE *out, const char *text);

#endif
