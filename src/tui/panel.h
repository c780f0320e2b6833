/* SPDX-License-Identifier: MIT */
/* A scrolling panel: a viewport of H rows over N rows of content, and the keys that move it. */
#ifndef OMG_TUI_PANEL_H
#define OMG_TUI_PANEL_H

#include "tui/term.h"

/* step for PgUp/PgDn: a page, the viewport's height. */
#define PANEL_PAGE 0
/* Rows one step of the mouse wheel moves. */
#define PANEL_WHEEL 3

enum panel_flag {
	/* At the end, stay there when rows arrive or the viewport changes (a log). */
	PANEL_FOLLOW = 1,
};

/*
 * htop's Panel without the drawing: the owner knows its N and H only when it
 * draws, so it calls panel_resize there and draws rows panel_top() onwards;
 * keys in between move the offset against the last size. A value struct,
 * embedded where it is used; its fields are the panel's own (read them
 * through the accessors).
 * Invariant after every call: 0 <= top <= max(0, rows - height).
 */
struct panel {
	long top;    /* the first row shown */
	long rows;   /* rows of content */
	long height; /* rows of the viewport */
	long step;   /* rows PgUp/PgDn move; PANEL_PAGE: the height */
	int flags;   /* enum panel_flag */
};

/* An empty panel at the top: step rows a PgUp/PgDn (PANEL_PAGE: a page), flags. */
void panel_init(struct panel *p, long step, int flags);
/* The content now has rows rows and the viewport height rows (negative: 0); the
 * offset is clamped, or kept at the end under PANEL_FOLLOW. */
void panel_resize(struct panel *p, long rows, long height);
/* Moves the offset by rows (negative: up), clamped. */
void panel_scroll(struct panel *p, long rows);
/* To the first row, to the last page. */
void panel_home(struct panel *p);
void panel_end(struct panel *p);
/* Scrolls as little as needed for row to be in the viewport. */
void panel_show(struct panel *p, long row);
/* j/k, the arrows, PgUp/PgDn, Home/End and the mouse wheel: 1 when k is one of
 * them (the offset may be where it was, at an edge), 0 for any other key. */
int panel_key(struct panel *p, const struct term_key *k);
/* The first row shown. */
long panel_top(const struct panel *p);
/* Whether the last row is in the viewport (true for content that fits). */
int panel_at_end(const struct panel *p);

#endif
