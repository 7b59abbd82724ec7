/* text: see text.h. */
#include "lib/text.h"

#include <string.h>

void text_init(struct text *t, char *buf, size_t len)
{
	t->start = t->at = buf;
	t->end = buf + len - 1;
	*buf = '\0';
}

void text_str(struct text *t, const char *s)
{
	size_t room = (size_t)(t->end - t->at), n = strlen(s);

	if (n > room)
		n = room;
	memcpy(t->at, s, n);
	t->at += n;
	*t->at = '\0';
}

void text_char(struct text *t, char c)
{
	if (t->at < t->end) {
		*t->at++ = c;
		*t->at = '\0';
	}
}

void text_u32(struct text *t, uint32_t value)
{
	char digits[10];
	int n = 0;

	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	while (n)
		text_char(t, digits[--n]);
}

const char *text_done(const struct text *t)
{
	return t->start;
}
