/* text: appending to a fixed buffer without printf. The director formats a
 * line for each of tens of thousands of services and real servers, where
 * snprintf's format parsing is most of the cost. Output is truncated to
 * the buffer, always NUL-terminated. */
#ifndef LVSAGENT_LIB_TEXT_H
#define LVSAGENT_LIB_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct text {
	char *start, *at, *end;		/* end: the last byte, kept for the NUL */
};

/* Begin writing at BUF (LEN > 0 bytes); the buffer holds "" at once. */
void text_init(struct text *t, char *buf, size_t len);
void text_str(struct text *t, const char *s);
void text_char(struct text *t, char c);
void text_u32(struct text *t, uint32_t value);
/* The buffer, for returning. */
const char *text_done(const struct text *t);

#endif
