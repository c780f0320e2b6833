/* SPDX-License-Identifier: MIT */
/* The terminal: the one module that includes <curses.h> (keys, mouse, colours, drawing). */
#include "tui/term.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

struct term {
	SCREEN *screen;
	enum theme_depth depth;
	attr_t attr[EL_COUNT];  /* the curses attributes of each element */
	short pair[EL_COUNT];   /* its colour pair (0 without colour) */
	int mouse;
	int sgr;                /* we asked for SGR 1006 reports and decode them (term_open) */
};

/* SGR 1006 mouse reports: on, off, and the key code we have curses return for
 * their lead-in (the rest, "b;x;yM" or "...m", we read as characters). */
#define SGR_ON "\033[?1006h"
#define SGR_OFF "\033[?1006l"
#define KEY_SGR_MOUSE (KEY_MAX + 1)

/* The curses attributes for theme attribute bits. */
static attr_t attrs_of(unsigned a)
{
	attr_t r = A_NORMAL;
	if (a & TA_BOLD)
		r |= A_BOLD;
	if (a & TA_DIM)
		r |= A_DIM;
	if (a & TA_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & TA_REVERSE)
		r |= A_REVERSE;
	if (a & TA_ITALIC)
		r |= A_ITALIC;
	if (a & TA_STANDOUT)
		r |= A_STANDOUT;
	return r;
}

/* Resolves every element's style at the terminal's depth into pairs. */
static void load_theme(struct term *t, const struct theme *theme, int no_color)
{
	t->depth = DEPTH_MONO;
	if (!no_color && has_colors() && start_color() == OK) {
		use_default_colors();
		t->depth = COLORS >= 256 ? DEPTH_256 : COLORS >= 16 ? DEPTH_16
						      : COLORS >= 8 ? DEPTH_8 : DEPTH_MONO;
	}
	for (int i = 0; i < EL_COUNT; i++) {
		struct theme_style s = theme_style(theme, (enum theme_el)i, t->depth);
		t->attr[i] = attrs_of(s.attrs);
		t->pair[i] = 0;
		if (t->depth != DEPTH_MONO && i + 1 < COLOR_PAIRS) {
			init_pair((short)(i + 1), s.fg, s.bg);
			t->pair[i] = (short)(i + 1);
		}
	}
}

/* xalloc's out-of-memory hook while curses owns the terminal: mouse reports off and
 * the terminal back to its modes, so the abort message lands on a usable shell. */
static void restore_on_oom(void)
{
	mousemask(0, NULL);
	endwin();
}

/* Writes a mode change straight to the terminal (after what curses has sent). */
static void send_mode(const char *seq)
{
	fflush(stdout);
	ssize_t n = write(STDOUT_FILENO, seq, strlen(seq));
	(void)n;
}

/* restore_on_oom when we turned SGR reports on: they go off too. */
static void restore_on_oom_sgr(void)
{
	restore_on_oom();
	send_mode(SGR_OFF);
}

/* Turns on SGR 1006 reports where curses would get X10 ones (kmous "\E[M", as
 * tmux-256color and screen have): X10 cannot say a column past 223. curses does
 * this itself when terminfo's XM asks for 1006 (xterm-256color); elsewhere we
 * ask, and decode the reports in term_key. A terminal without 1006 ignores the
 * request and keeps sending X10, which curses still decodes. 1 when asked. */
static int sgr_begin(void)
{
	const char *km = tigetstr("kmous");
	if (km == NULL || km == (char *)-1 || strcmp(km, "\033[M") != 0)
		return 0;
	const char *xm = tigetstr("XM");
	if (xm != NULL && xm != (char *)-1 && strstr(xm, "1006"))
		return 0;
	if (define_key("\033[<", KEY_SGR_MOUSE) != OK)
		return 0;
	send_mode(SGR_ON);
	return 1;
}

struct term *term_open(const struct theme *theme, int no_color, int mouse, char *err,
		       size_t errlen)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the UI needs a terminal on standard input and output");
		return NULL;
	}
	struct term *t = xcalloc(1, sizeof(*t));
	/* ncurses reads ESCDELAY at start: a lone Esc must feel instant. */
	set_escdelay(25);
	t->screen = newterm(NULL, stdout, stdin);
	if (!t->screen) {
		snprintf(err, errlen, "cannot drive this terminal (TERM=%s)",
			 getenv("TERM") ? getenv("TERM") : "");
		free(t);
		return NULL;
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	load_theme(t, theme, no_color);
	t->mouse = mouse;
	if (mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
		t->sgr = sgr_begin();
	}
	xalloc_set_oom_hook(t->sgr ? restore_on_oom_sgr : restore_on_oom);
	return t;
}

void term_close(struct term *t)
{
	if (!t)
		return;
	xalloc_set_oom_hook(NULL);
	endwin();
	if (t->sgr)
		send_mode(SGR_OFF);
	delscreen(t->screen);
	free(t);
}

void term_suspend(struct term *t)
{
	def_prog_mode();
	endwin();
	if (t->sgr)
		send_mode(SGR_OFF);
}

void term_resume(struct term *t)
{
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (t->sgr)
		send_mode(SGR_ON);
}

void term_size(const struct term *t, int *rows, int *cols)
{
	(void)t;
	*rows = LINES;
	*cols = COLS;
}

enum theme_depth term_depth(const struct term *t)
{
	return t->depth;
}

void term_draw(struct term *t, int row, const struct line *l)
{
	move(row, 0);
	for (size_t i = 0; i < l->nspans; i++) {
		const struct line_span *s = &l->spans[i];
		attr_set(t->attr[s->el], t->pair[s->el], NULL);
		addnstr(l->text.p + s->off, (int)s->len);
	}
	attr_set(t->attr[EL_NORMAL], t->pair[EL_NORMAL], NULL);
	int y, x;
	getyx(stdscr, y, x);
	/* addnstr stops at the last column: clear only when the line fell short. */
	if (y == row && (size_t)x == l->cols && x < COLS)
		clrtoeol();
}

void term_cursor(struct term *t, int row, int col)
{
	(void)t;
	if (row < 0) {
		curs_set(0);
		return;
	}
	curs_set(1);
	move(row, col);
}

void term_flush(struct term *t)
{
	(void)t;
	wnoutrefresh(stdscr);
	doupdate();
}

void term_redraw_all(struct term *t)
{
	(void)t;
	clearok(curscr, TRUE);
}

/* Reads the rest of an SGR report after its lead-in: "b;x;y" then M (press)
 * or m (release). 1 with k set for a left press or a wheel step; 0 for
 * anything else (a release, a drag, other buttons, a garbled report). */
static int sgr_report(struct term_key *k)
{
	int v[3] = {0, 0, 0}, n = 0, end = 0;
	wtimeout(stdscr, 50); /* the report comes in one write: this only guards a split */
	for (int i = 0; i < 24 && !end; i++) {
		wint_t ch;
		if (get_wch(&ch) != OK)
			break;
		if (ch >= '0' && ch <= '9' && v[n] < 100000)
			v[n] = v[n] * 10 + (int)(ch - '0');
		else if (ch == ';' && n < 2)
			n++;
		else
			end = (int)ch;
	}
	nodelay(stdscr, TRUE);
	if (end != 'M' || n != 2 || v[1] < 1 || v[2] < 1 || (v[0] & 32))
		return 0; /* a release, a drag or not a report */
	int b = v[0] & ~(4 | 8 | 16); /* without shift, meta, control */
	k->button = b == 0 ? TB_LEFT : b == 64 ? TB_WHEEL_UP : b == 65 ? TB_WHEEL_DOWN : 0;
	if (!k->button)
		return 0;
	k->code = TK_MOUSE;
	k->x = v[1] - 1;
	k->y = v[2] - 1;
	return 1;
}

int term_key(struct term *t, struct term_key *k)
{
	wint_t ch;
	memset(k, 0, sizeof(*k));
	int r = get_wch(&ch);
	if (r == ERR)
		return 0;
	if (r == OK) {
		switch (ch) {
		case '\r':
		case '\n': k->code = TK_ENTER; break;
		case '\t': k->code = TK_TAB; break;
		case 0x7f:
		case 0x08: k->code = TK_BACKSPACE; break;
		default: k->code = (int)ch; break;
		}
		return 1;
	}
	switch (ch) {
	case KEY_UP: k->code = TK_UP; break;
	case KEY_DOWN: k->code = TK_DOWN; break;
	case KEY_LEFT: k->code = TK_LEFT; break;
	case KEY_RIGHT: k->code = TK_RIGHT; break;
	case KEY_PPAGE: k->code = TK_PGUP; break;
	case KEY_NPAGE: k->code = TK_PGDN; break;
	case KEY_HOME: k->code = TK_HOME; break;
	case KEY_END: k->code = TK_END; break;
	case KEY_ENTER: k->code = TK_ENTER; break;
	case KEY_BTAB: k->code = TK_BTAB; break;
	case KEY_BACKSPACE: k->code = TK_BACKSPACE; break;
	case KEY_DC: k->code = TK_DELETE; break;
	case KEY_F(1): k->code = TK_F1; break;
	case KEY_RESIZE: k->code = TK_RESIZE; break;
	case KEY_SGR_MOUSE:
		if (!t->sgr || !sgr_report(k))
			return term_key(t, k);
		break;
	case KEY_MOUSE: {
		MEVENT me;
		if (!t->mouse || getmouse(&me) != OK)
			return term_key(t, k);
		k->code = TK_MOUSE;
		k->x = me.x;
		k->y = me.y;
		k->button = me.bstate & BUTTON1_PRESSED ? TB_LEFT
			    : me.bstate & BUTTON4_PRESSED ? TB_WHEEL_UP
			    : me.bstate & BUTTON5_PRESSED ? TB_WHEEL_DOWN : 0;
		if (!k->button)
			return term_key(t, k);
		break;
	}
	default:
		return term_key(t, k); /* a key we do not use: skip it */
	}
	return 1;
}

int term_fd(const struct term *t)
{
	(void)t;
	return STDIN_FILENO;
}
