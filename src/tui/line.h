/* SPDX-License-Identifier: MIT */
/* The attributed line buffer: UTF-8 text in theme elements, cut to a width in columns. */
#ifndef OMG_TUI_LINE_H
#define OMG_TUI_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "tui/theme.h"
#include "util/buf.h"

/* A run of text drawn in one element. */
struct line_span {
	uint32_t off, len; /* bytes of line.text */
	uint16_t el;       /* enum theme_el */
};

/*
 * One screen row, built left to right. Every put is cut to the columns left
 * (never inside a character; wide characters count two), so a line never
 * takes more than its width. Invariant: spans cover text in order.
 */
struct line {
	struct buf text;
	struct line_span *spans;
	size_t nspans, cap;
	size_t cols;  /* columns used so far */
	size_t width; /* columns the line may take */
};

/* Cut text ends in "…" (utf8) or "~"; the UI sets it once for its terminal. */
void line_set_ellipsis(int utf8);
/* Empties l for a row of width columns (keeps its memory). */
void line_reset(struct line *l, size_t width);
void line_free(struct line *l);
/* Appends s in el, cut to the columns left. Returns the columns written. */
size_t line_put(struct line *l, enum theme_el el, const char *s);
/* Appends s in el as a field of exactly cols columns (cut or padded; cut
 * further when the line ends first). Returns the columns written. */
size_t line_field(struct line *l, enum theme_el el, const char *s, size_t cols);
/* printf into the line in el. */
size_t line_printf(struct line *l, enum theme_el el, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Pads with spaces in el up to column col (or the width). */
void line_pad(struct line *l, enum theme_el el, size_t col);
/* Pads with spaces in el to the full width. */
void line_fill(struct line *l, enum theme_el el);
/* Appends another line's text and elements when they fit in the columns
 * left (a line built to a narrower width: a column of its own). */
void line_append(struct line *l, const struct line *src);
/* Columns left. */
size_t line_left(const struct line *l);

#endif
