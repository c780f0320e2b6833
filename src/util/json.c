/* SPDX-License-Identifier: MIT */
/* JSON string escaping and key/value helpers. */
#include "util/json.h"

#include <inttypes.h>
#include <string.h>

#include "util/utf8.h"

void json_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c == '\n') {
			buf_puts(b, "\\n");
		} else if (c == '\t') {
			buf_puts(b, "\\t");
		} else if (c == '\r') {
			buf_puts(b, "\\r");
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\u%04x", c);
		} else if (c < 0x80) {
			buf_putc(b, (char)c);
		} else {
			size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
				     (c & 0xf8) == 0xf0 ? 4 : 0;
			if (len && i + len <= n && utf8_valid(s + i, len)) {
				buf_append(b, s + i, len);
				i += len - 1;
			} else {
				buf_puts(b, "\\ufffd");
			}
		}
	}
	buf_putc(b, '"');
}

void json_key(struct buf *b, const char *key, int first)
{
	if (!first)
		buf_putc(b, ',');
	json_str(b, key);
	buf_putc(b, ':');
}

void json_kv_str(struct buf *b, const char *key, const char *value, int first)
{
	json_key(b, key, first);
	json_str(b, value ? value : "");
}

void json_kv_int(struct buf *b, const char *key, int64_t value, int first)
{
	json_key(b, key, first);
	buf_printf(b, "%" PRId64, value);
}

void json_kv_bool(struct buf *b, const char *key, int value, int first)
{
	json_key(b, key, first);
	buf_puts(b, value ? "true" : "false");
}

void json_kv_str_or_null(struct buf *b, const char *key, const char *value, int first)
{
	json_key(b, key, first);
	if (value && *value)
		json_str(b, value);
	else
		buf_puts(b, "null");
}

void json_kv_strv(struct buf *b, const char *key, const char *const *v, uint32_t n, int first)
{
	json_key(b, key, first);
	buf_putc(b, '[');
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		json_str(b, v[i]);
	}
	buf_putc(b, ']');
}
