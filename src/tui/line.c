/* SPDX-License-Identifier: MIT */
/* The attributed line buffer: UTF-8 text in theme elements, cut to a width in columns. */
#include "tui/line.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/utf8.h"
#include "util/xalloc.h"

void line_reset(struct line *l, size_t width)
{
	buf_reset(&l->text);
	l->nspans = 0;
	l->cols = 0;
	l->width = width;
}

void line_free(struct line *l)
{
	buf_free(&l->text);
	free(l->spans);
	l->spans = NULL;
	l->nspans = l->cap = 0;
}

/* Records that the bytes from off to the end of text are drawn in el,
 * merging with the previous span when it has the same element. */
static void span(struct line *l, enum theme_el el, size_t off)
{
	if (l->text.len == off)
		return;
	if (l->nspans && l->spans[l->nspans - 1].el == el) {
		l->spans[l->nspans - 1].len += (uint32_t)(l->text.len - off);
		return;
	}
	if (l->nspans == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->spans = xrealloc(l->spans, l->cap * sizeof(*l->spans));
	}
	l->spans[l->nspans++] = (struct line_span){(uint32_t)off, (uint32_t)(l->text.len - off),
						   (uint16_t)el};
}

/* What ends a cut text: "…" on a UTF-8 terminal (line_set_ellipsis), else "~". */
static const char *ellipsis = "~";

void line_set_ellipsis(int utf8)
{
	ellipsis = utf8 ? "\u2026" : "~";
}

/* Appends s cut to cols columns (padded with spaces when pad); a cut text ends
 * in the ellipsis, never in half a character. The columns taken. */
static size_t fit(struct line *l, const char *s, size_t cols, int pad)
{
	if (cols < 2 || utf8_width(s) <= cols)
		return utf8_fit(&l->text, s, cols, pad);
	size_t w = utf8_fit(&l->text, s, cols - 1, 0);
	buf_puts(&l->text, ellipsis);
	w++;
	while (pad && w < cols) {
		buf_putc(&l->text, ' ');
		w++;
	}
	return w;
}

size_t line_left(const struct line *l)
{
	return l->width > l->cols ? l->width - l->cols : 0;
}

size_t line_field(struct line *l, enum theme_el el, const char *s, size_t cols)
{
	if (cols > line_left(l))
		cols = line_left(l);
	if (!cols)
		return 0;
	size_t off = l->text.len;
	size_t w = fit(l, s, cols, 1);
	l->cols += w;
	span(l, el, off);
	return w;
}

size_t line_put(struct line *l, enum theme_el el, const char *s)
{
	size_t left = line_left(l);
	if (!left)
		return 0;
	size_t off = l->text.len;
	size_t w = fit(l, s, left, 0);
	l->cols += w;
	span(l, el, off);
	return w;
}

size_t line_printf(struct line *l, enum theme_el el, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	return line_put(l, el, tmp);
}

void line_pad(struct line *l, enum theme_el el, size_t col)
{
	if (col > l->width)
		col = l->width;
	if (col > l->cols)
		line_field(l, el, "", col - l->cols);
}

void line_fill(struct line *l, enum theme_el el)
{
	line_pad(l, el, l->width);
}

void line_append(struct line *l, const struct line *src)
{
	if (src->cols > line_left(l))
		return;
	for (size_t i = 0; i < src->nspans; i++) {
		size_t off = l->text.len;
		buf_append(&l->text, src->text.p + src->spans[i].off, src->spans[i].len);
		span(l, (enum theme_el)src->spans[i].el, off);
	}
	l->cols += src->cols;
}
