/* SPDX-License-Identifier: MIT */
/* The terminal: the one module that includes <curses.h> (keys, mouse, colours, drawing). */
#ifndef OMG_TUI_TERM_H
#define OMG_TUI_TERM_H

#include "tui/line.h"
#include "tui/theme.h"

/* Keys that are not characters; characters are their Unicode code points. */
enum term_keycode {
	TK_NONE = 0,
	TK_CTRL_U = 0x15,
	TK_ESC = 0x1b,
	TK_BASE = 0x110000,
	TK_UP, TK_DOWN, TK_LEFT, TK_RIGHT, TK_PGUP, TK_PGDN, TK_HOME, TK_END,
	TK_ENTER, TK_TAB, TK_BTAB, TK_BACKSPACE, TK_DELETE, TK_F1,
	TK_RESIZE,
	TK_MOUSE, /* x, y and button say where and what */
};

enum term_button {
	TB_LEFT = 1,
	TB_WHEEL_UP = 4,
	TB_WHEEL_DOWN = 5,
};

struct term_key {
	int code;   /* a character, or enum term_keycode */
	int x, y;   /* TK_MOUSE: the cell */
	int button; /* TK_MOUSE: enum term_button */
};

struct term;

/*
 * Takes the terminal (stdin/stdout): curses mode, keypad, mouse when mouse is
 * set, and the theme's colours at the depth the terminal has. no_color forces
 * the monochrome styles (NO_COLOR, --theme mono). NULL with why in err when
 * stdout is not a terminal curses can drive. The theme is borrowed until
 * term_close.
 */
struct term *term_open(const struct theme *theme, int no_color, int mouse, char *err,
		       size_t errlen);
/* Gives the terminal back as it was. NULL is ignored. */
void term_close(struct term *t);
/* Leaves curses mode for a program that needs the plain terminal (sudo), and
 * comes back to it. */
void term_suspend(struct term *t);
void term_resume(struct term *t);
/* The screen's size now. */
void term_size(const struct term *t, int *rows, int *cols);
/* The colour depth in use (DEPTH_MONO without colour). */
enum theme_depth term_depth(const struct term *t);
/* Draws l at row (column 0) and clears the rest of the row. */
void term_draw(struct term *t, int row, const struct line *l);
/* Puts the visible cursor at row, col, or hides it when row < 0. */
void term_cursor(struct term *t, int row, int col);
/* Sends what was drawn to the terminal (one batched write). */
void term_flush(struct term *t);
/* Forgets what the terminal shows, so the next flush redraws every cell (Ctrl-L). */
void term_redraw_all(struct term *t);
/* The next key without waiting: 1 with *k set, 0 when none is waiting. */
int term_key(struct term *t, struct term_key *k);
/* The file descriptor keys arrive on (for poll). */
int term_fd(const struct term *t);

#endif
