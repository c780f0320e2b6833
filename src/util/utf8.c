/* SPDX-License-Identifier: MIT */
/* UTF-8 validation, folding and width, independent of the process locale. */
#include "util/utf8.h"

#include <locale.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

/* Decodes one character at s (n bytes left). Returns its length, or 0 if the
 * bytes are not well-formed UTF-8 (then *cp is the lone byte). */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	*cp = c;
	if (c < 0x80)
		return 1;
	size_t len;
	uint32_t v, min;
	if ((c & 0xe0) == 0xc0) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Encodes cp into out. */
static void encode(struct buf *out, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_append(out, b, n);
}

/* The C.UTF-8 locale, made once; (locale_t)0 if the system lacks it. */
static locale_t utf8_locale(void)
{
	static locale_t loc;
	static int tried;
	if (!tried) {
		tried = 1;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return loc;
}

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		size_t len = decode(p + i, n - i, &cp);
		if (!len)
			return 0;
		i += len;
	}
	return 1;
}

void utf8_sanitize(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		size_t start = i, len;
		while (i < n && (len = decode(p + i, n - i, &cp)) != 0)
			i += len;
		if (i > start)
			buf_append(out, p + start, i - start); /* a well-formed run at once */
		if (i < n) {
			buf_append(out, "\xef\xbf\xbd", 3);
			i++;
		}
	}
}

void utf8_fold(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	locale_t loc = utf8_locale();
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = decode(p + i, n - i, &cp);
		if (cp < 0x80) {
			buf_putc(out, (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
			i++;
		} else if (!len) {
			buf_putc(out, (char)p[i]);
			i++;
		} else {
			encode(out, loc ? (uint32_t)towlower_l((wint_t)cp, loc) : cp);
			i += len;
		}
	}
}

/* Columns of one code point. */
static int cp_width(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f)
		return 1; /* drawn as '?' */
	if (cp < 0x7f)
		return 1;
	locale_t loc = utf8_locale();
	if (!loc)
		return 1;
	/* glibc has no wcwidth_l: switch this thread's locale for the call. */
	locale_t old = uselocale(loc);
	int w = wcwidth((wchar_t)cp);
	uselocale(old);
	return w < 0 ? 1 : w;
}

size_t utf8_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = decode(p + i, n - i, &cp);
		w += (size_t)cp_width(len ? cp : '?');
		i += len ? len : 1;
	}
	return w;
}

size_t utf8_fit(struct buf *out, const char *s, size_t cols, int pad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = decode(p + i, n - i, &cp);
		int cw = cp_width(len ? cp : '?');
		if (w + (size_t)cw > cols)
			break;
		if (!len || cp < 0x20 || cp == 0x7f)
			buf_putc(out, '?');
		else
			buf_append(out, p + i, len);
		w += (size_t)cw;
		i += len ? len : 1;
	}
	while (pad && w < cols) {
		buf_putc(out, ' ');
		w++;
	}
	return w;
}

/* One character's bytes and columns, for a caller that walks text itself. */
size_t utf8_next(const char *s, size_t n, size_t *cols)
{
	uint32_t cp;
	size_t len = decode((const unsigned char *)s, n, &cp);
	*cols = (size_t)cp_width(len ? cp : '?');
	return len ? len : 1;
}
