/* SPDX-License-Identifier: MIT */
/* The UI's keys and mouse: what each does on each screen, in the prompts and in a question. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"

/* Moves the cursor to row r (clamped) and keeps it on screen. */
static void move_to(struct ui *u, long r)
{
	long n = (long)model_rows(u->model);
	if (r >= n)
		r = n - 1;
	if (r < 0)
		r = 0;
	u->cur = r;
	long h = u->screen == SCR_LIST ? u->list_h : 1;
	if (h < 1)
		h = 1;
	if (u->cur < u->top)
		u->top = u->cur;
	if (u->cur >= u->top + h)
		u->top = u->cur - h + 1;
	if (u->top > n - h)
		u->top = n - h > 0 ? n - h : 0;
	u->dirty = 1;
}

/* ---- the find and limit prompts ---- */

/* Appends the UTF-8 form of code point c to the prompt. */
static void input_add(struct ui *u, int c)
{
	char tmp[8];
	size_t n = 0;
	if (c < 0x80) {
		tmp[n++] = (char)c;
	} else if (c < 0x800) {
		tmp[n++] = (char)(0xc0 | (c >> 6));
		tmp[n++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		tmp[n++] = (char)(0xe0 | (c >> 12));
		tmp[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
		tmp[n++] = (char)(0x80 | (c & 0x3f));
	} else {
		tmp[n++] = (char)(0xf0 | (c >> 18));
		tmp[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
		tmp[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
		tmp[n++] = (char)(0x80 | (c & 0x3f));
	}
	size_t len = strlen(u->input);
	if (len + n >= sizeof(u->input))
		return;
	memcpy(u->input + len, tmp, n);
	u->input[len + n] = '\0';
}

/* Drops the prompt's last character (a whole UTF-8 sequence). */
static void input_back(struct ui *u)
{
	size_t len = strlen(u->input);
	while (len && ((unsigned char)u->input[len - 1] & 0xc0) == 0x80)
		len--;
	if (len)
		len--;
	u->input[len] = '\0';
}

/* The list narrowed to the prompt's text, the cursor on the best match. */
static void narrow_to_input(struct ui *u)
{
	model_set_narrow(u->model, u->input);
	long best = *u->input ? model_best(u->model, u->input) : -1;
	u->top = 0;
	move_to(u, best >= 0 ? best : 0);
}

/* Ends the prompt: accept keeps its effect, otherwise it is undone. */
static void prompt_end(struct ui *u, int accept)
{
	struct mpkg *p = tui_current(u);
	enum prompt pr = u->prompt;
	u->prompt = PR_NONE;
	model_set_narrow(u->model, "");
	if (pr == PR_FIND) {
		if (accept && *u->input)
			snprintf(u->find, sizeof(u->find), "%s", u->input);
		long r = accept && p ? model_row_of(u->model, p) : u->saved_cur;
		u->top = r - u->list_h / 2 > 0 ? r - u->list_h / 2 : 0;
		move_to(u, r);
		if (accept && !p && *u->input)
			tui_say(u, EL_WARNING, "no package matches '%s'", u->input);
	} else if (pr == PR_LIMIT) {
		model_set_limit(u->model, accept ? u->input : u->saved_limit);
		long r = p ? model_row_of(u->model, p) : -1;
		u->top = 0;
		move_to(u, r >= 0 ? r : 0);
	}
	u->dirty = 1;
}

/* A key while the find or limit prompt is open. */
static void prompt_key(struct ui *u, const struct term_key *k)
{
	switch (k->code) {
	case TK_ENTER: prompt_end(u, 1); return;
	case TK_ESC: prompt_end(u, 0); return;
	case TK_BACKSPACE: input_back(u); break;
	case TK_CTRL_U: u->input[0] = '\0'; break;
	case TK_UP: move_to(u, u->cur - 1); return;
	case TK_DOWN: move_to(u, u->cur + 1); return;
	case TK_PGUP: move_to(u, u->cur - u->list_h); return;
	case TK_PGDN: move_to(u, u->cur + u->list_h); return;
	default:
		if (k->code >= 0x20 && k->code < TK_BASE && k->code != 0x7f)
			input_add(u, k->code);
		else
			return;
	}
	narrow_to_input(u);
}

/* Opens the find (/) or limit (l) prompt. */
static void prompt_open(struct ui *u, enum prompt pr)
{
	u->prompt = pr;
	u->saved_cur = u->cur;
	snprintf(u->saved_limit, sizeof(u->saved_limit), "%s", model_limit(u->model));
	if (pr == PR_LIMIT)
		snprintf(u->input, sizeof(u->input), "%s", model_limit(u->model));
	else
		u->input[0] = '\0';
	if (pr == PR_LIMIT && *u->input) {
		/* Edit the limit against the whole view. */
		model_set_limit(u->model, "");
		narrow_to_input(u);
	}
	u->dirty = 1;
}

/* ---- marks, views and sorting ---- */

/* After a mark: the marked view drops or gains rows; elsewhere the cursor
 * moves on, as aptitude's does (not in the full-screen detail). */
static void after_mark(struct ui *u)
{
	if (model_view(u->model) == VIEW_MARKED) {
		struct mpkg *p = tui_current(u);
		model_set_view(u->model, VIEW_MARKED);
		long r = p ? model_row_of(u->model, p) : -1;
		move_to(u, r >= 0 ? r : u->cur);
	} else if (u->screen != SCR_DETAIL) {
		move_to(u, u->cur + 1);
	}
	u->dirty = 1;
}

/* Marks the package under the cursor and moves on, as aptitude does. */
static void mark(struct ui *u, enum mark mk)
{
	struct mpkg *p = tui_current(u);
	if (!p)
		return;
	char err[256];
	int apt = u->s->backend_name && strcmp(u->s->backend_name, "apt") == 0;
	if (mk == MARK_NONE) {
		if (p->mark == MARK_NONE)
			return;
	}
	if (model_mark(u->model, p, mk, apt, err, sizeof(err)) != 0) {
		tui_say(u, EL_WARNING, "%s", err);
		return;
	}
	after_mark(u);
}

/* The marking keys (+ - _ = : U Ctrl-U); 0 for any other key. */
static int mark_key(struct ui *u, const struct term_key *k)
{
	switch (k->code) {
	case '+': mark(u, MARK_INSTALL); break;
	case '-': mark(u, MARK_REMOVE); break;
	case '_': mark(u, MARK_PURGE); break;
	case '=': mark(u, MARK_KEEP); break;
	case ':': {
		struct mpkg *p = tui_current(u);
		if (p && p->mark != MARK_NONE) {
			char err[64];
			model_mark(u->model, p, MARK_NONE, 0, err, sizeof(err));
		}
		after_mark(u);
		break;
	}
	case 'U': {
		size_t n = model_mark_upgrades(u->model);
		if (n)
			tui_say(u, EL_OK, "marked %zu upgrade%s; g reviews the plan", n, n == 1 ? "" : "s");
		else
			tui_say(u, EL_NORMAL, "nothing more to upgrade");
		if (model_view(u->model) == VIEW_MARKED)
			model_set_view(u->model, VIEW_MARKED);
		break;
	}
	case TK_CTRL_U:
		if (model_undo(u->model) != 0) {
			tui_say(u, EL_WARNING, "nothing to undo: + - _ = : and U mark, Ctrl-U undoes the last");
			break;
		}
		tui_say(u, EL_OK, "undid the last marking: %zu marked now%s", model_marked(u->model),
			model_marked(u->model) ? "; g reviews them" : "");
		if (model_view(u->model) == VIEW_MARKED)
			model_set_view(u->model, VIEW_MARKED);
		u->dirty = 1;
		break;
	default: return 0;
	}
	return 1;
}

/* Sorts by column s; the same column again reverses. */
static void sort_by(struct ui *u, enum sort s)
{
	struct mpkg *p = tui_current(u);
	int rev = model_sort(u->model) == s ? !model_reverse(u->model) : 0;
	model_set_sort(u->model, s, rev);
	long r = p ? model_row_of(u->model, p) : 0;
	move_to(u, r >= 0 ? r : 0);
}

/* Shows view v, keeping the cursor's package when it is in it. */
static void show_view(struct ui *u, enum view v)
{
	struct mpkg *p = tui_current(u);
	model_set_view(u->model, v);
	long r = p ? model_row_of(u->model, p) : -1;
	u->top = 0;
	move_to(u, r >= 0 ? r : 0);
}

/* ---- the transaction screens ---- */

/* A key while a question is open (on the transaction or review screen). */
static void question_key(struct ui *u, const struct term_key *k)
{
	struct trans_view *t = &u->tr;
	switch (k->code) {
	case TK_UP:
	case 'k': if (t->qsel) t->qsel--; break;
	case TK_DOWN:
	case 'j': if (t->qsel + 1 < t->nchoices) t->qsel++; break;
	case TK_ENTER: tui_trans_answer(u, t->qsel); break;
	case TK_ESC: tui_trans_answer(u, t->qdef); break;
	case 'y':
	case 'n':
		for (uint32_t i = 0; i < t->nchoices; i++)
			if (t->choices[i][0] == k->code && strlen(t->choices[i]) <= 3) {
				tui_trans_answer(u, i);
				break;
			}
		break;
	default: break;
	}
	u->dirty = 1;
}

/* A key on the transaction screen; the log scrolls as a panel. */
static void trans_key(struct ui *u, const struct term_key *k)
{
	struct trans_view *t = &u->tr;
	if (t->asking) {
		question_key(u, k);
		return;
	}
	switch (k->code) {
	case 'q':
		if (t->phase == TR_RUNNING) {
			u->detached = 1;
			u->quit = 1;
			return;
		}
		/* fall through */
	case TK_ESC:
	case TK_ENTER:
		if (t->phase == TR_DONE || t->phase == TR_NONE) {
			u->screen = SCR_LIST;
			t->phase = TR_NONE;
		}
		break;
	default: panel_key(&t->log_panel, k); break;
	}
	u->dirty = 1;
}

/* Enter on the review: the package under its cursor in full screen. */
static void review_detail(struct ui *u)
{
	uint32_t *order = NULL;
	size_t n = tui_trans_review_order(u, &order);
	if (u->tr.sel < (long)n) {
		snprintf(u->detail_of, sizeof(u->detail_of), "%s", u->tr.reply.items[order[u->tr.sel]].name);
		u->screen = SCR_DETAIL;
		panel_home(&u->detail_panel);
	}
	free(order);
}

/* A key on the review screen; the plan scrolls as a panel. */
static void review_key(struct ui *u, const struct term_key *k)
{
	struct trans_view *t = &u->tr;
	if (t->asking) { /* a question while the engine plans */
		question_key(u, k);
		return;
	}
	if (t->held_ask) {
		tui_trans_held_answer(u, k->code == 'y' || k->code == 'Y');
		return;
	}
	switch (k->code) {
	case 'g': /* only g changes the system, as in aptitude's preview */
		if (t->phase == TR_REVIEW)
			tui_trans_commit(u);
		break;
	case TK_ENTER:
		if (t->phase == TR_REVIEW && t->reply.count)
			review_detail(u);
		else if (t->phase == TR_FAILED)
			tui_trans_back(u);
		break;
	case 'j':
	case TK_DOWN:
	case 'k':
	case TK_UP:
		if (t->phase == TR_REVIEW && t->reply.count) {
			long d = k->code == 'j' || k->code == TK_DOWN ? 1 : -1;
			if (t->sel + d >= 0 && t->sel + d < (long)t->reply.count)
				t->sel += d;
			t->show_sel = 1;
		} else {
			panel_key(&t->review_panel, k);
		}
		break;
	case 's':
		if (t->phase == TR_DENIED)
			tui_trans_start_system(u);
		break;
	case 'r':
		if (t->phase == TR_DENIED)
			tui_trans_find_system(u);
		break;
	case TK_ESC:
	case 'q':
	case 'n':
		tui_trans_back(u);
		break;
	default: panel_key(&t->review_panel, k); break;
	}
	u->dirty = 1;
}

/* ---- the list, the detail pane and the help ---- */

/* A mouse event anywhere: clicks on the list's tabs, headings, rows and pane;
 * the wheel scrolls what is under it. */
static void mouse(struct ui *u, const struct term_key *k)
{
	if (u->screen == SCR_TRANS || u->screen == SCR_REVIEW) {
		if (!u->tr.asking) {
			panel_key(u->screen == SCR_TRANS ? &u->tr.log_panel : &u->tr.review_panel, k);
			u->dirty = 1;
			return;
		}
		/* Over a question, the wheel moves its choice by three. */
		struct term_key kk = {.code = k->button == TB_WHEEL_UP ? TK_UP : TK_DOWN};
		for (int i = 0; k->button != TB_LEFT && i < 3; i++)
			question_key(u, &kk);
		return;
	}
	if (u->screen == SCR_HELP || u->screen == SCR_DETAIL) {
		if (panel_key(u->screen == SCR_HELP ? &u->help_panel : &u->detail_panel, k))
			u->dirty = 1;
		return;
	}
	int in_detail = k->y >= u->detail_y && k->y < u->detail_y + u->detail_h;
	if (k->button == TB_WHEEL_UP || k->button == TB_WHEEL_DOWN) {
		if (in_detail) {
			panel_key(&u->detail_panel, k);
			u->dirty = 1;
		} else {
			move_to(u, u->cur + (k->button == TB_WHEEL_UP ? -PANEL_WHEEL : PANEL_WHEEL));
		}
		return;
	}
	if (k->y == 1) {
		int v = view_tab_at(u, k->x);
		if (v >= 0)
			show_view(u, (enum view)v);
	} else if (k->y == 2) {
		int col = view_column_at(u, k->x);
		if (col >= 0)
			sort_by(u, (enum sort)col);
	} else if (k->y >= u->list_y && k->y < u->list_y + u->list_h) {
		u->focus_detail = 0;
		move_to(u, u->top + (k->y - u->list_y));
	} else if (in_detail) {
		u->focus_detail = 1;
		u->dirty = 1;
	}
}

/* Scrolls the detail pane (Tab focus, or the full-screen detail); 0 for a
 * key that does not scroll. */
static int detail_key(struct ui *u, const struct term_key *k)
{
	if (!panel_key(&u->detail_panel, k))
		return 0;
	u->dirty = 1;
	return 1;
}

/* A key on the help: the panel's keys and Space scroll it; any other leaves. */
static void help_key(struct ui *u, const struct term_key *k)
{
	struct term_key kk = *k;
	if (kk.code == ' ')
		kk.code = TK_PGDN;
	if (!panel_key(&u->help_panel, &kk))
		u->screen = SCR_LIST;
	u->dirty = 1;
}

/* A key on the list (or the full-screen detail). */
static void list_key(struct ui *u, const struct term_key *k)
{
	if (u->screen == SCR_DETAIL) {
		if (detail_key(u, k))
			return;
		if (k->code == TK_ESC || k->code == 'q' || k->code == TK_ENTER) {
			u->screen = u->detail_of[0] ? SCR_REVIEW : SCR_LIST;
			u->detail_of[0] = '\0';
			u->dirty = 1;
			return;
		}
		if (u->detail_of[0]) /* from the review: its keys only */
			return;
	}
	if (u->focus_detail && u->screen == SCR_LIST && detail_key(u, k))
		return;
	if (mark_key(u, k))
		return;
	switch (k->code) {
	case 'j':
	case TK_DOWN: move_to(u, u->cur + 1); break;
	case 'k':
	case TK_UP: move_to(u, u->cur - 1); break;
	case TK_PGDN: move_to(u, u->cur + u->list_h); break;
	case TK_PGUP: move_to(u, u->cur - u->list_h); break;
	case TK_HOME: move_to(u, 0); break;
	case TK_END: move_to(u, (long)model_rows(u->model) - 1); break;
	case TK_TAB:
	case TK_BTAB: u->focus_detail = !u->focus_detail; u->dirty = 1; break;
	case TK_ENTER:
		if (tui_current(u)) {
			u->screen = SCR_DETAIL;
			panel_home(&u->detail_panel);
			u->dirty = 1;
		}
		break;
	case TK_ESC:
		if (u->focus_detail)
			u->focus_detail = 0;
		else if (*model_limit(u->model)) {
			model_set_limit(u->model, "");
			move_to(u, 0);
			tui_say(u, EL_NORMAL, "limit cleared");
		}
		u->dirty = 1;
		break;
	case '/': prompt_open(u, PR_FIND); break;
	case 'l': prompt_open(u, PR_LIMIT); break;
	case 'n':
	case 'N': {
		if (!*u->find) {
			tui_say(u, EL_WARNING, "no search yet: / finds a package");
			break;
		}
		long r = model_next_match(u->model, u->find, u->cur, k->code == 'n' ? 1 : -1);
		if (r < 0)
			tui_say(u, EL_WARNING, "no package matches '%s'", u->find);
		else
			move_to(u, r);
		break;
	}
	case 'g': tui_trans_review(u); break;
	case 'u': tui_trans_sync(u); break;
	case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8':
		show_view(u, (enum view)(k->code - '1'));
		break;
	case 'v': show_view(u, (enum view)((model_view(u->model) + 1) % VIEW_COUNT)); break;
	case 's': sort_by(u, (enum sort)((model_sort(u->model) + 1) % SORT_COUNT)); break;
	case 'S': sort_by(u, model_sort(u->model)); break;
	case '?':
	case TK_F1: u->screen = SCR_HELP; panel_home(&u->help_panel); u->dirty = 1; break;
	case 0x0c: term_redraw_all(u->term); u->dirty = 1; break; /* Ctrl-L */
	case 'q':
		if (model_marked(u->model)) {
			u->prompt = PR_QUIT;
			u->dirty = 1;
		} else {
			u->quit = 1;
		}
		break;
	default: break;
	}
}

/* A key on the "terminal too small" screen: only quitting works there; it
 * asks about marks and detaches a running change as q does. */
static void too_small_key(struct ui *u, const struct term_key *k)
{
	if (u->prompt == PR_QUIT) {
		u->prompt = PR_NONE;
		u->quit = k->code == 'y' || k->code == 'Y' || k->code == 'q';
	} else if (k->code == 'q' && u->tr.phase == TR_RUNNING) {
		u->detached = u->quit = 1;
	} else if (k->code == 'q' && model_marked(u->model)) {
		u->prompt = PR_QUIT;
	} else if (k->code == 'q') {
		u->quit = 1;
	}
	u->dirty = 1;
}

/* Every key and mouse event goes through here; resize is handled only here. */
void tui_keys_on_key(struct ui *u, const struct term_key *k)
{
	if (k->code == TK_RESIZE) {
		view_layout(u);
		move_to(u, u->cur);
		term_redraw_all(u->term);
		u->dirty = 1;
		return;
	}
	if (u->too_small) {
		too_small_key(u, k);
		return;
	}
	if (k->code == TK_MOUSE) {
		if (u->prompt == PR_NONE)
			mouse(u, k);
		return;
	}
	if (u->prompt == PR_QUIT) {
		u->prompt = PR_NONE;
		if (k->code == 'y' || k->code == 'Y' || k->code == 'q')
			u->quit = 1;
		u->dirty = 1;
		return;
	}
	if (u->prompt != PR_NONE) {
		prompt_key(u, k);
		return;
	}
	switch (u->screen) {
	case SCR_TRANS: trans_key(u, k); break;
	case SCR_REVIEW: review_key(u, k); break;
	case SCR_HELP: help_key(u, k); break;
	default: list_key(u, k); break;
	}
}
