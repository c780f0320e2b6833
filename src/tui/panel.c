/* SPDX-License-Identifier: MIT */
/* The scrolling panel the review, the transaction log, the help and the detail pane share. */
#include "tui/panel.h"

/* The largest offset: the last page. */
static long top_max(const struct panel *p)
{
	return p->rows > p->height ? p->rows - p->height : 0;
}

/* Puts top back in 0 .. top_max. */
static void clamp(struct panel *p)
{
	long max = top_max(p);
	if (p->top > max)
		p->top = max;
	if (p->top < 0)
		p->top = 0;
}

/* Sets up an empty panel. */
void panel_init(struct panel *p, long step, int flags)
{
	*p = (struct panel){.step = step > 0 ? step : PANEL_PAGE, .flags = flags};
}

/* Takes the new content and viewport sizes; a following panel at the end stays there. */
void panel_resize(struct panel *p, long rows, long height)
{
	int follow = (p->flags & PANEL_FOLLOW) && panel_at_end(p);
	p->rows = rows > 0 ? rows : 0;
	p->height = height > 0 ? height : 0;
	if (follow)
		p->top = top_max(p);
	clamp(p);
}

/* Moves the offset by rows. */
void panel_scroll(struct panel *p, long rows)
{
	p->top += rows;
	clamp(p);
}

/* The first page. */
void panel_home(struct panel *p)
{
	p->top = 0;
}

/* The last page. */
void panel_end(struct panel *p)
{
	p->top = top_max(p);
}

/* Brings row into the viewport, moving as little as it can. */
void panel_show(struct panel *p, long row)
{
	if (row < p->top)
		p->top = row;
	else if (p->height > 0 && row >= p->top + p->height)
		p->top = row - p->height + 1;
	clamp(p);
}

/* The keys every scrolling screen shares. */
int panel_key(struct panel *p, const struct term_key *k)
{
	long page = p->step != PANEL_PAGE ? p->step : p->height;
	switch (k->code) {
	case 'j':
	case TK_DOWN: panel_scroll(p, 1); break;
	case 'k':
	case TK_UP: panel_scroll(p, -1); break;
	case TK_PGDN: panel_scroll(p, page); break;
	case TK_PGUP: panel_scroll(p, -page); break;
	case TK_HOME: panel_home(p); break;
	case TK_END: panel_end(p); break;
	case TK_MOUSE:
		if (k->button == TB_WHEEL_UP)
			panel_scroll(p, -PANEL_WHEEL);
		else if (k->button == TB_WHEEL_DOWN)
			panel_scroll(p, PANEL_WHEEL);
		else
			return 0;
		break;
	default: return 0;
	}
	return 1;
}

/* The first row shown. */
long panel_top(const struct panel *p)
{
	return p->top;
}

/* Whether the viewport reaches the last row. */
int panel_at_end(const struct panel *p)
{
	return p->top >= top_max(p);
}
