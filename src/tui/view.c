/* SPDX-License-Identifier: MIT */
/* The UI's screens drawn from its state: list and detail, help, review, transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui.h"
#include "util/clock.h"
#include "util/fmt.h"
#include "util/utf8.h"

static const char *const view_names[VIEW_COUNT] = {"All", "Installed", "Upgradable", "Orphans",
						    "Marked", "Security", "Vulnerable", "AUR"};
static const char *const view_short[VIEW_COUNT] = {"All", "Inst", "Upgr", "Orph", "Mark", "Sec", "Vuln",
						    "AUR"};
static const char *const column_names[SORT_COUNT] = {"St", "Name", "Version", "Repo",
						      "Description"};

/* "→" or "->" as the terminal can show. */
static const char *arrow(const struct ui *u)
{
	return u->utf8 ? " \u2192 " : " -> ";
}

/* A separator between header fields. */
static const char *sep(const struct ui *u)
{
	return u->utf8 ? " \u2502 " : " | ";
}

static void view_layout_columns(struct ui *u);

/* Lays the list, the detail pane and the columns out for the screen size. */
void view_layout(struct ui *u)
{
	term_size(u->term, &u->rows, &u->cols);
	u->too_small = u->cols < UI_MIN_COLS || u->rows < UI_MIN_ROWS;
	int body = u->rows - 5; /* header, tabs, columns, pane title, status */
	u->detail_h = body * 2 / 5;
	if (u->detail_h < 3)
		u->detail_h = 3;
	u->list_h = body - u->detail_h;
	if (u->list_h < 1)
		u->list_h = 1;
	u->list_y = 3;
	u->detail_y = u->list_y + u->list_h + 1;
	u->info_width = u->cols - 1;
	view_layout_columns(u);
	u->info_name[0] = '\0'; /* re-render the detail for the new width */
}

/* The list's columns for the width: state, name, version, repo, description. */
static void view_layout_columns(struct ui *u)
{
	int name = u->cols / 4 < 16 ? 16 : u->cols / 4 > 40 ? 40 : u->cols / 4;
	int ver = u->cols / 5 < 14 ? 14 : u->cols / 5 > 36 ? 36 : u->cols / 5;
	int repo = u->cols >= 100 ? 14 : 10;
	u->col_x[SORT_STATE] = 0;
	u->col_x[SORT_NAME] = 4;
	u->col_x[SORT_VERSION] = 4 + name + 1;
	u->col_x[SORT_REPO] = u->col_x[SORT_VERSION] + ver + 1;
	u->col_x[SORT_DESC] = u->col_x[SORT_REPO] + repo + 1;
	u->col_x[SORT_COUNT] = u->cols;
}

/* The list column a screen x falls in, or -1. */
int view_column_at(const struct ui *u, int x)
{
	for (int c = SORT_COUNT - 1; c >= 0; c--)
		if (x >= u->col_x[c])
			return c;
	return -1;
}

/* The view tab a screen x on the tabs row falls in, or -1. */
int view_tab_at(const struct ui *u, int x)
{
	for (int v = 0; v < VIEW_COUNT; v++)
		if (x >= u->tab_x[v] && x < u->tab_x[v + 1])
			return v;
	return -1;
}

/* Draws u->line at row. */
static void put(struct ui *u, int row)
{
	term_draw(u->term, row, &u->line);
}

/* An empty row in el. */
static void blank(struct ui *u, int row, enum theme_el el)
{
	line_reset(&u->line, (size_t)u->cols);
	line_fill(&u->line, el);
	put(u, row);
}

/* Row 0: what omg is connected to, the counts, and a running transaction; a
 * long root is cut (with …) before the counts and the engine are. */
static void draw_header(struct ui *u)
{
	struct line *l = &u->line;
	char rest[1024] = "";
	size_t rl = 0;
	if (u->have_status) {
		const struct msg_status_reply *s = &u->status;
		rl += (size_t)snprintf(rest + rl, sizeof(rest) - rl, "%s%llu installed, %llu upgradable",
				       sep(u), (unsigned long long)s->installed,
				       (unsigned long long)s->upgradable);
		if (s->held && rl < sizeof(rest))
			rl += (size_t)snprintf(rest + rl, sizeof(rest) - rl, ", %llu held",
					       (unsigned long long)s->held);
		if (s->security_known && s->security && rl < sizeof(rest))
			rl += (size_t)snprintf(rest + rl, sizeof(rest) - rl, " (%llu security)",
					       (unsigned long long)s->security);
		/* Known advisories: the count once the engine has data (stale
		 * data still counts, flagged), never a 0 for data it lacks. */
		if ((s->vuln_state == VULNS_OK || s->vuln_state == VULNS_STALE) && s->vulnerable &&
		    rl < sizeof(rest))
			rl += (size_t)snprintf(rest + rl, sizeof(rest) - rl, ", %llu vulnerable%s",
					       (unsigned long long)s->vulnerable,
					       s->vuln_state == VULNS_STALE ? " (stale data)" : "");
		if (s->reboot_required && rl < sizeof(rest))
			rl += (size_t)snprintf(rest + rl, sizeof(rest) - rl, ", reboot needed");
	}
	if (rl < sizeof(rest))
		rl += (size_t)snprintf(rest + rl, sizeof(rest) - rl, "%s", sep(u));
	if (!u->connected && rl < sizeof(rest))
		rl += (size_t)snprintf(rest + rl, sizeof(rest) - rl, "engine: disconnected, retrying");
	else if (u->have_status && rl < sizeof(rest))
		rl += (size_t)snprintf(rest + rl, sizeof(rest) - rl, "%s engine %llu", u->status.mode,
				       (unsigned long long)u->status.pid);
	line_reset(l, (size_t)u->cols);
	line_put(l, EL_HEADER, " omg ");
	if (u->have_status) {
		line_printf(l, EL_HEADER, "%s ", u->status.backend);
		size_t w = utf8_width(rest), left = line_left(l);
		size_t room = left > w + 12 ? left - w : 12;
		size_t rw = utf8_width(u->status.root);
		line_field(l, EL_HEADER, u->status.root, rw < room ? rw : room);
	} else {
		line_put(l, EL_HEADER, "connecting");
	}
	line_put(l, EL_HEADER, rest);
	if (u->have_status && *u->status.transaction) {
		line_put(l, EL_HEADER, sep(u));
		line_printf(l, EL_HEADER, "%s %s", u->utf8 ? "\u2699" : "*", u->status.transaction);
	}
	line_fill(l, EL_HEADER);
	put(u, 0);
}

/* Row 1: the view tabs with their counts, the sort and the limit. */
static void draw_tabs(struct ui *u)
{
	struct line *l = &u->line;
	line_reset(l, (size_t)u->cols);
	/* Whole tabs on a narrow screen: short names when the long ones do not fit. */
	size_t need = 0;
	for (int v = 0; v < VIEW_COUNT; v++) {
		char tmp[64];
		need += (size_t)snprintf(tmp, sizeof(tmp), " %d %s %zu  ", v + 1, view_names[v],
					 model_view_count(u->model, (enum view)v));
	}
	/* The limit's words count too: short names before a cut limit. */
	if (*model_limit(u->model))
		need += 8 + utf8_width(model_limit(u->model));
	const char *const *names = need <= (size_t)u->cols ? view_names : view_short;
	for (int v = 0; v < VIEW_COUNT; v++) {
		u->tab_x[v] = (int)l->cols;
		int on = model_view(u->model) == (enum view)v;
		line_printf(l, on ? EL_CURSOR : EL_NORMAL, " %d %s ", v + 1, names[v]);
		line_printf(l, on ? EL_CURSOR : EL_DIM, "%zu ", model_view_count(u->model, (enum view)v));
		line_put(l, EL_NORMAL, " ");
	}
	u->tab_x[VIEW_COUNT] = (int)l->cols;
	if (*model_limit(u->model)) {
		line_put(l, EL_LABEL, " limit: ");
		line_put(l, EL_MATCH, model_limit(u->model));
	}
	if (model_loading(u->model))
		line_put(l, EL_DIM, "  loading...");
	/* All's AUR results (after a limit's): on their way, or why there are none. */
	if (model_view(u->model) == VIEW_ALL && *model_limit(u->model) && *u->aur_want) {
		if (u->aur_req || strcmp(u->aur_want, u->aur_have) != 0)
			line_put(l, EL_DIM, "  asking the AUR...");
		else if (*u->aur_note)
			line_printf(l, EL_WARNING, "  %s", u->aur_note);
	}
	line_fill(l, EL_NORMAL);
	put(u, 1);
}

/* The AUR view's votes and popularity before the description, when the
 * screen has room for them. */
static int aur_columns(const struct ui *u)
{
	return model_view(u->model) == VIEW_AUR && u->cols >= 100;
}

/* Row 2: the column headings; the sorted one carries the direction. */
static void draw_columns(struct ui *u)
{
	struct line *l = &u->line;
	line_reset(l, (size_t)u->cols);
	for (int c = 0; c < SORT_COUNT; c++) {
		char tmp[64];
		int on = model_sort(u->model) == (enum sort)c;
		snprintf(tmp, sizeof(tmp), "%s%s%s", c == SORT_DESC && aur_columns(u) ? "Votes    Pop  " : "",
			 column_names[c],
			 !on ? "" : model_reverse(u->model) ? (u->utf8 ? "\u25bc" : "v")
							     : (u->utf8 ? "\u25b2" : "^"));
		line_field(l, EL_COLUMNS, tmp, (size_t)(u->col_x[c + 1] - u->col_x[c]));
	}
	line_fill(l, EL_COLUMNS);
	put(u, 2);
}

/* The element a package's row is drawn in, by mark then state. */
static enum theme_el row_el(const struct mpkg *p)
{
	switch (p->mark) {
	case MARK_INSTALL:
	case MARK_UPGRADE: return EL_MARK_INSTALL;
	case MARK_REMOVE:
	case MARK_PURGE: return EL_MARK_REMOVE;
	case MARK_KEEP: return EL_MARK_KEEP;
	default: break;
	}
	if (p->flags & PKG_SECURITY)
		return EL_SECURITY;
	if ((p->flags & (PKG_INSTALLED | PKG_VULNERABLE)) == (PKG_INSTALLED | PKG_VULNERABLE))
		return EL_VULNERABLE;
	if (p->flags & PKG_UPGRADABLE)
		return EL_UPGRADABLE;
	if (p->flags & PKG_HELD)
		return EL_HELD;
	if (p->flags & PKG_ORPHAN)
		return EL_ORPHAN;
	if (p->flags & PKG_INSTALLED)
		return EL_INSTALLED;
	return EL_AVAILABLE;
}

/* A column of width cols: s cut to cols - 1 in el, then one space in gap. */
static void cell(struct line *l, enum theme_el el, enum theme_el gap, const char *s, int cols)
{
	if (cols < 2)
		return;
	line_field(l, el, s, (size_t)cols - 1);
	line_field(l, gap, "", 1);
}

/* One package row: aptitude's flags (state, action, automatic), name,
 * version (installed -> candidate), repo and description. */
static void draw_row(struct ui *u, int row, const struct mpkg *p, int cursor)
{
	struct line *l = &u->line;
	line_reset(l, (size_t)u->cols);
	enum theme_el base = cursor ? (u->focus_detail ? EL_CURSOR_IDLE : EL_CURSOR) : row_el(p);
	int marked = p->mark != MARK_NONE;
	/* Columns other than the state keep their own colours unless the row is
	 * the cursor's or marked. */
	enum theme_el plain = cursor || marked ? base : EL_NORMAL;
	char flags[5];
	flags[0] = p->flags & PKG_INSTALLED ? 'i' : 'p';
	flags[1] = marked ? model_mark_letter((enum mark)p->mark)
			  : p->flags & PKG_HELD ? 'h' : ' ';
	flags[2] = (p->flags & PKG_INSTALLED) && p->reason == PKG_REASON_DEPEND ? 'A' : ' ';
	flags[3] = '\0';
	line_field(l, base, flags, (size_t)(u->col_x[SORT_NAME]));
	cell(l, base, plain, p->name, u->col_x[SORT_VERSION] - u->col_x[SORT_NAME]);
	/* The version column, cut to its width (the last column stays free).
	 * An upgrade that does not fit cuts the installed version, never the
	 * new one. */
	size_t vw = (size_t)(u->col_x[SORT_REPO] - u->col_x[SORT_VERSION]);
	size_t end = l->cols + vw - 1;
	struct line *sub = &u->cell; /* reused: no allocation per row per frame */
	line_reset(sub, vw - 1);
	enum theme_el ev = cursor || marked ? base : EL_VERSION;
	if (p->flags & PKG_UPGRADABLE) {
		/* An upgrade that fixes a known advisory ends in " !", as omg list
		 * --upgradable marks it; the mark is never cut. */
		size_t fix = p->flags & PKG_FIXES_ADVISORY ? 2 : 0;
		size_t need = utf8_width(p->inst) + utf8_width(arrow(u)) + utf8_width(p->version) + fix;
		size_t room = vw - 1 >= utf8_width(arrow(u)) + utf8_width(p->version) + fix
				      ? vw - 1 - utf8_width(arrow(u)) - utf8_width(p->version) - fix : 0;
		if (need <= vw - 1) {
			line_put(sub, ev, p->inst);
		} else if (room >= 4) {
			line_field(sub, ev, p->inst, room); /* ends in the ellipsis */
		}
		if (need <= vw - 1 || room >= 4)
			line_put(sub, plain, arrow(u));
		line_put(sub, cursor || marked ? base : EL_NEW_VERSION, p->version);
		if (fix)
			line_put(sub, cursor || marked ? base : EL_VULNERABLE, " !");
	} else {
		line_put(sub, ev, *p->inst ? p->inst : p->version);
	}
	line_append(l, sub);
	line_pad(l, plain, end + 1);
	cell(l, cursor || marked ? base : EL_REPO, plain, p->repo,
	     u->col_x[SORT_DESC] - u->col_x[SORT_REPO]);
	if (aur_columns(u))
		line_printf(l, cursor || marked ? base : EL_VERSION, "%5u %6.2f  ", p->votes,
			    (double)p->pop / 100);
	line_put(l, plain, p->desc);
	line_fill(l, plain);
	put(u, row);
}

/* A detail line: a "Label           : value" line has its label coloured. */
static void draw_info_line(struct ui *u, int row, const char *text)
{
	struct line *l = &u->line;
	line_reset(l, (size_t)u->cols);
	line_put(l, EL_NORMAL, " ");
	const char *colon = strstr(text, " : ");
	if (colon && colon - text <= 17 && text[0] != ' ') {
		char label[32];
		size_t n = (size_t)(colon - text) + 3;
		memcpy(label, text, n);
		label[n] = '\0';
		line_put(l, EL_LABEL, label);
		line_put(l, EL_NORMAL, colon + 3);
	} else {
		line_put(l, EL_NORMAL, text);
	}
	line_fill(l, EL_NORMAL);
	put(u, row);
}

/* The detail lines from the panel's top, into rows y .. y+h-1. */
static void draw_detail(struct ui *u, int y, int h)
{
	const char *name;
	struct mpkg *p = tui_detail_pkg(u, &name);
	int have = name && strcmp(u->info_name, name) == 0;
	panel_resize(&u->detail_panel, (long)u->ninfo, h);
	for (int i = 0; i < h; i++) {
		long k = panel_top(&u->detail_panel) + i;
		if (have && k < (long)u->ninfo) {
			draw_info_line(u, y + i, u->info_text.p + u->info_line[k]);
		} else if (!have && p && i < 2) {
			/* Until the engine's record arrives: what the list knows. */
			line_reset(&u->line, (size_t)u->cols);
			line_put(&u->line, EL_NORMAL, " ");
			if (i == 0) {
				line_put(&u->line, EL_TITLE, p->name);
				line_put(&u->line, EL_NORMAL, " ");
				line_put(&u->line, EL_VERSION, p->version);
			} else {
				line_put(&u->line, EL_NORMAL, p->desc);
			}
			line_fill(&u->line, EL_NORMAL);
			put(u, y + i);
		} else {
			blank(u, y + i, EL_NORMAL);
		}
	}
}

/* A title bar in the border element. */
static void draw_bar(struct ui *u, int row, const char *title, const char *hint)
{
	struct line *l = &u->line;
	line_reset(l, (size_t)u->cols);
	const char *dash = u->utf8 ? "\u2500" : "-";
	line_printf(l, EL_BORDER, "%s%s ", dash, dash);
	line_put(l, EL_TITLE, title);
	line_put(l, EL_BORDER, " ");
	if (hint && *hint) {
		line_put(l, EL_DIM, hint);
		line_put(l, EL_BORDER, " ");
	}
	while (line_left(l))
		if (!line_put(l, EL_BORDER, dash))
			break;
	put(u, row);
}

/* The last row: the prompt, a message, or the keys that matter here. */
static void draw_status(struct ui *u, const char *keys)
{
	struct line *l = &u->line;
	int row = u->rows - 1;
	line_reset(l, (size_t)u->cols);
	if (u->prompt == PR_FIND || u->prompt == PR_LIMIT) {
		line_put(l, EL_PROMPT, u->prompt == PR_FIND ? "Find: " : "Limit to: ");
		line_put(l, EL_NORMAL, u->input);
		size_t x = l->cols;
		line_printf(l, EL_DIM, "   %zu match%s  (Enter: %s, Esc: cancel)",
			    model_rows(u->model), model_rows(u->model) == 1 ? "" : "es",
			    u->prompt == PR_FIND ? "go there" : "keep this limit");
		line_fill(l, EL_NORMAL);
		put(u, row);
		term_cursor(u->term, row, (int)x);
		return;
	}
	term_cursor(u->term, -1, 0);
	if (u->prompt == PR_QUIT) {
		line_printf(l, EL_PROMPT, "Quit and drop %zu mark%s? [y/N] ", model_marked(u->model),
			    model_marked(u->model) == 1 ? "" : "s");
		line_fill(l, EL_NORMAL);
	} else if (u->msg[0]) {
		line_put(l, (enum theme_el)u->msg_el, u->msg);
		line_fill(l, (enum theme_el)u->msg_el);
	} else {
		line_put(l, EL_STATUS, keys);
		line_fill(l, EL_STATUS);
	}
	put(u, row);
}

/* The version column takes the widest version text of the rows shown (an
 * upgrade's "old → new" whole) from the name column, which keeps 12. */
static void fit_version_column(struct ui *u)
{
	size_t n = model_rows(u->model), need = 0;
	for (long r = u->top; r < u->top + u->list_h && r < (long)n; r++) {
		const struct mpkg *p = model_row(u->model, (size_t)r);
		size_t w = p->flags & PKG_UPGRADABLE ? utf8_width(p->inst) + utf8_width(arrow(u)) +
							     utf8_width(p->version) +
							     (p->flags & PKG_FIXES_ADVISORY ? 2 : 0)
						     : utf8_width(*p->inst ? p->inst : p->version);
		if (w > need)
			need = w;
	}
	int have = u->col_x[SORT_REPO] - u->col_x[SORT_VERSION] - 1;
	int more = (int)need - have;
	int name = u->col_x[SORT_VERSION] - u->col_x[SORT_NAME];
	if (more <= 0)
		return;
	if (more > name - 13)
		more = name - 13 > 0 ? name - 13 : 0;
	u->col_x[SORT_VERSION] -= more;
}

/* The footer's keys that fit in cols, whole: the first ones and the last
 * (quit) always, the others while they fit. */
static void fit_keys(char *out, size_t len, const char *const *items, size_t n, size_t cols)
{
	size_t used = 1 + strlen(items[n - 1]);
	snprintf(out, len, " ");
	for (size_t i = 0; i + 1 < n; i++) {
		size_t w = strlen(items[i]) + 2;
		if (used + w > cols)
			continue;
		used += w;
		snprintf(out + strlen(out), len - strlen(out), "%s  ", items[i]);
	}
	snprintf(out + strlen(out), len - strlen(out), "%s", items[n - 1]);
}

/* Why the AUR view shows no package, into buf; *el its element. */
static const char *aur_empty(const struct ui *u, enum theme_el *el, char *buf, size_t len)
{
	*el = EL_DIM;
	if (!tui_alpm(u)) {
		if (!*u->aur_note)
			return "asking the engine...";
		*el = EL_WARNING;
		return u->aur_note;
	}
	if (!*u->aur_want)
		return "type a search (/ finds, l limits): the AUR is searched, it lists no "
		       "packages without words";
	if (!tui_aur_searchable(u->aur_want))
		return "the AUR searches words of 2 characters or more: type on";
	if (u->aur_req || strcmp(u->aur_want, u->aur_have) != 0) {
		snprintf(buf, len, "asking the AUR for '%s'...", u->aur_want);
		return buf;
	}
	if (*u->aur_note) {
		*el = EL_WARNING;
		return u->aur_note;
	}
	snprintf(buf, len, "the AUR has no package matching '%s'", u->aur_have);
	return buf;
}

/* The package list screen: tabs, columns, rows, the detail pane. */
static void draw_list(struct ui *u)
{
	view_layout_columns(u);
	fit_version_column(u);
	draw_tabs(u);
	draw_columns(u);
	size_t n = model_rows(u->model);
	for (int i = 0; i < u->list_h; i++) {
		long r = u->top + i;
		struct mpkg *p = r < (long)n ? model_row(u->model, (size_t)r) : NULL;
		if (p)
			draw_row(u, u->list_y + i, p, r == u->cur);
		else if (i == 0 && !n) {
			line_reset(&u->line, (size_t)u->cols);
			/* The vulnerable view without advisory data says why (the
			 * engine's warning), never that nothing is vulnerable. */
			int why = model_view(u->model) == VIEW_VULNERABLE && u->vuln_note[0];
			if (model_view(u->model) == VIEW_AUR) {
				/* The AUR view says what it waits for, or the AUR's warning. */
				char tmp[600];
				enum theme_el el;
				const char *text = aur_empty(u, &el, tmp, sizeof(tmp));
				line_printf(&u->line, el, "  %s", text);
			} else if (model_loading(u->model))
				line_put(&u->line, EL_DIM, "  loading packages...");
			else if (why)
				line_printf(&u->line, EL_WARNING, "  %s", u->vuln_note);
			else
				line_put(&u->line, EL_DIM, "  no packages in this view");
			line_fill(&u->line, EL_NORMAL);
			put(u, u->list_y);
		} else {
			blank(u, u->list_y + i, EL_NORMAL);
		}
	}
	struct mpkg *p = u->cur >= 0 ? model_row(u->model, (size_t)u->cur) : NULL;
	char title[300];
	snprintf(title, sizeof(title), "%s", p ? p->name : "");
	draw_bar(u, u->detail_y - 1, title,
		 u->focus_detail ? "j/k scroll, Tab: back to the list" : "Tab: scroll here, Enter: full screen");
	draw_detail(u, u->detail_y, u->detail_h);
	const char *items[] = {"?:help", "/:find", "g:review marks", "+:install", "-:remove",
			       "U:upgrades", "l:limit", "u:sync", "q:quit"};
	if (!model_marked(u->model))
		items[2] = "g:review";
	char keys[256];
	fit_keys(keys, sizeof(keys), items, sizeof(items) / sizeof(items[0]), (size_t)u->cols);
	draw_status(u, keys);
}

/* The help screen: every key. */
static void draw_help(struct ui *u)
{
	static const char *const lines[] = {
		"Moving", "  j k, arrows      up and down",
		"  PgUp PgDn Home End", "  Tab              between the list and the detail pane",
		"  Enter            the package in full screen (Esc: back)",
		"  1-8, v           views: all, installed, upgradable, orphans, marked, security,",
		"                   vulnerable (known advisories), AUR (Arch: the AUR's",
		"                   packages for the search: / or l, then 8)",
		"  s, S             sort by the next column, reverse (or click a heading)",
		"Marks on the list",
		"  1.0 -> 1.1 !     the upgrade fixes a known advisory (the detail lists them)",
		"  vulnerable       installed with a known advisory: the theme's vulnerable colour",
		"Searching", "  /                find as you type; Enter goes there",
		"  n N              next, previous match",
		"  l                limit the list to what matches (empty: no limit)",
		"Marking (aptitude's keys)", "  +                install, or upgrade",
		"  -                remove", "  _                purge: remove with configuration files",
		"  =                hold (apt) or ignore (alpm) in this change",
		"  :                keep: drop the mark", "  U                mark every upgrade",
		"  Ctrl-U           undo the last marking",
		"Changing the system", "  g                review the engine's plan; g again (only g) does it",
		"  Enter            on the review: the package under the cursor",
		"  u                refresh the package databases",
		"  q                during a change: leave it running in the engine (omg shows",
		"                   it again when opened); else quit",
		"Screen", "  Esc              back: from the detail, a review, the help; clears a limit",
		"  ?, F1            this help (j/k scroll it)", "  Ctrl-L           redraw the screen",
		"Mouse: click selects, the wheel scrolls, a click on a heading sorts,",
		"a click on a view tab shows that view.", "",
		"Any other key goes back."};
	int n = (int)(sizeof(lines) / sizeof(lines[0]));
	int h = u->rows - 3;
	panel_resize(&u->help_panel, n, h);
	draw_bar(u, 1, "Keys", n > h ? "j/k: scroll" : "");
	for (int i = 0; i < h; i++) {
		long k = panel_top(&u->help_panel) + i;
		if (k >= n) {
			blank(u, 2 + i, EL_NORMAL);
			continue;
		}
		line_reset(&u->line, (size_t)u->cols);
		const char *s = lines[k];
		if (s[0] != ' ' && s[0])
			line_put(&u->line, EL_LABEL, s);
		else if (s[0] && strlen(s) > 19) {
			char key[24];
			memcpy(key, s, 19);
			key[19] = '\0';
			line_put(&u->line, EL_KEY, key);
			line_put(&u->line, EL_NORMAL, s + 19);
		} else {
			line_put(&u->line, EL_NORMAL, s);
		}
		line_fill(&u->line, EL_NORMAL);
		put(u, 2 + i);
	}
	draw_status(u, n > h ? " j/k PgUp/PgDn: scroll   any other key: back" : " any key: back");
}

/* Review rows: a group heading, an item, a warning, a total, or space. */
struct rrow {
	int kind; /* 0 heading, 1 item, 2 warning, 3 totals, 4 blank, 5 kept, 6 the system,
		   * 7 a policy violation */
	int action;
	size_t i;
};

/* The review's rows, grouped by action. */
static size_t review_rows(struct ui *u, struct rrow **out)
{
	const struct msg_plan_reply *p = &u->tr.reply;
	const int *order = tui_review_group;
	size_t kept = 0;
	for (size_t i = 0; i < model_count(u->model); i++)
		kept += model_pkg(u->model, i)->mark == MARK_KEEP;
	size_t cap = p->count + p->warnings.n + p->nviolations + kept + 20, n = 0;
	struct rrow *v = calloc(cap, sizeof(*v));
	if (!v)
		return 0;
	v[n++] = (struct rrow){6, 0, 0};
	v[n++] = (struct rrow){4, 0, 0};
	for (size_t g = 0; g < TUI_REVIEW_GROUPS; g++) {
		int any = 0;
		for (uint32_t i = 0; i < p->count; i++) {
			if ((int)p->items[i].action != order[g])
				continue;
			if (!any)
				v[n++] = (struct rrow){0, order[g], 0};
			any = 1;
			v[n++] = (struct rrow){1, order[g], i};
		}
		if (any)
			v[n++] = (struct rrow){4, 0, 0};
	}
	if (kept) {
		v[n++] = (struct rrow){0, -1, 0};
		for (size_t i = 0; i < model_count(u->model); i++)
			if (model_pkg(u->model, i)->mark == MARK_KEEP)
				v[n++] = (struct rrow){5, 0, i};
		v[n++] = (struct rrow){4, 0, 0};
	}
	for (uint32_t i = 0; i < p->warnings.n; i++)
		v[n++] = (struct rrow){2, 0, i};
	for (uint32_t i = 0; i < p->nviolations; i++)
		v[n++] = (struct rrow){7, 0, i};
	v[n++] = (struct rrow){3, 0, 0};
	*out = v;
	return n;
}

/* The group heading for an action. */
static const char *group_name(int action)
{
	switch (action) {
	case ACT_REMOVE: return "Remove";
	case ACT_PURGE: return "Purge";
	case ACT_INSTALL: return "Install";
	case ACT_UPGRADE: return "Upgrade";
	case ACT_DOWNGRADE: return "Downgrade";
	case ACT_REINSTALL: return "Reinstall";
	case ACT_REFRESH: return "Refresh";
	default: return "Keep as they are";
	}
}

/* The review's first row: which system the plan changes, through which engine. */
static void draw_review_system(struct ui *u)
{
	struct line *l = &u->line;
	const char *root = u->have_status ? u->status.root : u->s->root ? u->s->root : "/";
	line_put(l, EL_LABEL, "Changes ");
	line_put(l, EL_TITLE, root);
	if (u->have_status)
		line_printf(l, EL_NORMAL, " (%s) through the %s engine (pid %llu)", u->status.backend,
			    u->status.mode, (unsigned long long)u->status.pid);
	if (u->tr.dry)
		line_put(l, EL_DIM, " (a dry run)");
}

/* One review row (cursor: the review's cursor is on it). */
static void draw_review_row(struct ui *u, int row, const struct rrow *r, int cursor)
{
	const struct msg_plan_reply *p = &u->tr.reply;
	struct line *l = &u->line;
	line_reset(l, (size_t)u->cols);
	char a[32], b[32];
	switch (r->kind) {
	case 6: draw_review_system(u); break;
	case 0: {
		size_t count = 0;
		for (uint32_t i = 0; i < p->count; i++)
			count += (int)p->items[i].action == r->action;
		line_put(l, EL_LABEL, group_name(r->action));
		if (count)
			line_printf(l, EL_LABEL, " (%zu)", count);
		break;
	}
	case 1: {
		const struct trans_item *it = &p->items[r->i];
		int rm = it->action == ACT_REMOVE || it->action == ACT_PURGE;
		line_put(l, cursor ? EL_CURSOR : EL_NORMAL, "  ");
		line_field(l, cursor ? EL_CURSOR : rm ? EL_MARK_REMOVE : EL_NORMAL, it->name,
			   (size_t)u->tr.name_w);
		line_put(l, EL_NORMAL, " ");
		size_t x = l->cols;
		/* The version column, cut to its width so the size column stays. */
		struct line *sub = &u->cell;
		line_reset(sub, (size_t)u->tr.ver_w);
		if (*it->old_version)
			line_put(sub, EL_VERSION, it->old_version);
		if (*it->old_version && *it->new_version)
			line_put(sub, EL_NORMAL, arrow(u));
		if (*it->new_version)
			line_put(sub, EL_NEW_VERSION, it->new_version);
		line_append(l, sub);
		line_pad(l, EL_NORMAL, x + (size_t)u->tr.ver_w);
		line_put(l, EL_NORMAL, " ");
		line_field(l, EL_REPO, it->repo, 12);
		fmt_size(a, sizeof(a), it->size_change, 1);
		line_printf(l, EL_DIM, " %10s", a);
		if (it->reason == PKG_REASON_DEPEND && it->action == ACT_INSTALL)
			line_put(l, EL_DIM, "  (dependency)");
		const struct mpkg *mp = rm ? model_find(u->model, it->name) : NULL;
		if (mp && mp->mark == MARK_PURGE)
			line_put(l, EL_DIM, "  (purge: configuration files too)");
		break;
	}
	case 2:
		line_put(l, EL_WARNING, "Warning: ");
		line_put(l, EL_WARNING, p->warnings.v[r->i]);
		break;
	case 7: {
		/* What the engine's [policy] says; one not overridden blocks g. */
		const struct policy_violation *v = &p->violations[r->i];
		struct buf text = {0};
		render_violation(&text, v);
		line_put(l, v->overridden ? EL_DIM : EL_ERROR, "Policy: ");
		line_put(l, v->overridden ? EL_DIM : EL_ERROR, text.p);
		buf_free(&text);
		break;
	}
	case 3:
		fmt_size(a, sizeof(a), p->download, 0);
		fmt_size(b, sizeof(b), p->size_change, 1);
		line_printf(l, EL_TITLE, "%u change%s", p->count, p->count == 1 ? "" : "s");
		line_printf(l, EL_NORMAL, "%sdownload %s%sinstalled size %s", sep(u), a, sep(u), b);
		break;
	case 5: {
		const struct mpkg *k = model_pkg(u->model, r->i);
		line_put(l, EL_NORMAL, "  ");
		line_field(l, EL_MARK_KEEP, k->name, (size_t)u->tr.name_w);
		line_printf(l, EL_VERSION, " %s", k->inst);
		break;
	}
	default: break;
	}
	line_fill(l, EL_NORMAL);
	put(u, row);
}

/* The bytes of s that make its next row of at most width columns: up to the
 * last space that fits when it is not early in the row, else as many whole
 * characters as fit. */
static size_t wrap_cut(const char *s, size_t width)
{
	size_t n = strlen(s);
	if (utf8_width(s) <= width)
		return n;
	size_t w = 0, space = 0, fit = 0;
	for (size_t i = 0; i < n;) {
		size_t len = 1;
		while (i + len < n && ((unsigned char)s[i + len] & 0xc0) == 0x80)
			len++;
		char ch[8];
		memcpy(ch, s + i, len < 8 ? len : 7);
		ch[len < 8 ? len : 7] = '\0';
		w += utf8_width(ch);
		if (w > width)
			break;
		if (s[i] == ' ')
			space = i;
		i += len;
		fit = i;
	}
	/* A break early in the row (before a long path) wastes it: cut the word. */
	return space && space >= width / 3 ? space : fit ? fit : 1;
}

/* The next row of text (at most width columns) into row; advances *s past it
 * and the spaces after it. */
static void wrap_next(const char **s, size_t width, char *row, size_t rowlen)
{
	size_t cut = wrap_cut(*s, width);
	if (cut >= rowlen)
		cut = rowlen - 1;
	memcpy(row, *s, cut);
	row[cut] = '\0';
	*s += cut;
	while (**s == ' ')
		(*s)++;
}

/* Wraps text into rows from y, at most h; returns the rows used. */
static int draw_wrapped(struct ui *u, int y, int h, enum theme_el el, const char *text)
{
	int used = 0;
	const char *s = text;
	while (*s && used < h) {
		char row[1024];
		wrap_next(&s, (size_t)u->cols - 4, row, sizeof(row));
		line_reset(&u->line, (size_t)u->cols);
		line_put(&u->line, EL_NORMAL, "  ");
		line_put(&u->line, el, row);
		line_fill(&u->line, EL_NORMAL);
		put(u, y + used++);
	}
	return used;
}

static void draw_question(struct ui *u);
static void draw_dialog(struct ui *u, const char *title, const char *text, const char *foot);

/* The review's name and version columns for the width: the versions whole
 * (old → new) first, the name from 30 down to 12, the repository and the
 * size column always. */
static void review_columns(struct ui *u)
{
	const struct msg_plan_reply *p = &u->tr.reply;
	int ver = 14;
	for (uint32_t i = 0; i < p->count; i++) {
		const struct trans_item *it = &p->items[i];
		int w = (int)(utf8_width(it->old_version) + utf8_width(it->new_version));
		if (*it->old_version && *it->new_version)
			w += (int)utf8_width(arrow(u));
		if (w > ver)
			ver = w;
	}
	if (ver > 36)
		ver = 36;
	int fixed = 2 + 1 + 1 + 12 + 11; /* indent, gaps, repository, size */
	int name = u->cols - fixed - ver;
	if (name > 30)
		name = 30;
	if (name < 12) {
		ver -= 12 - name;
		name = 12;
	}
	u->tr.name_w = name;
	u->tr.ver_w = ver < 8 ? 8 : ver;
}

/* The plan's rows from the review panel's top, into rows y .. y+h-1, the
 * review's cursor on its item. */
static void draw_plan(struct ui *u, int y, int h)
{
	struct trans_view *t = &u->tr;
	struct rrow *rows = NULL;
	size_t n = review_rows(u, &rows);
	uint32_t *order = NULL;
	size_t ni = tui_trans_review_order(u, &order);
	if (t->sel >= (long)ni)
		t->sel = ni ? (long)ni - 1 : 0;
	long at = -1;
	for (size_t k = 0; k < n && ni; k++)
		if (rows[k].kind == 1 && rows[k].i == order[t->sel])
			at = (long)k;
	review_columns(u);
	draw_bar(u, 1, t->reply.count ? "Review: the engine's plan" : "Nothing to do", "");
	panel_resize(&t->review_panel, (long)n, h);
	if (t->show_sel && at >= 0)
		panel_show(&t->review_panel, at);
	t->show_sel = 0;
	for (int i = 0; i < h; i++) {
		long k = panel_top(&t->review_panel) + i;
		if (k < (long)n)
			draw_review_row(u, y + i, &rows[k], k == at);
		else
			blank(u, y + i, EL_NORMAL);
	}
	free(order);
	free(rows);
}

/* The review screen: the engine's plan, or why there is none. */
static void draw_review(struct ui *u)
{
	struct trans_view *t = &u->tr;
	int y = 2, h = u->rows - 3;
	const char *keys = " g: do it   Enter: the package   Esc: back to the list (marks stay)   j/k: move";
	if (t->phase == TR_PLANNING) {
		draw_bar(u, 1, "Review", "asking the engine for its plan");
		for (int i = 0; i < h; i++)
			blank(u, y + i, EL_NORMAL);
		keys = " Esc: back to the list";
	} else if (t->phase == TR_FAILED || t->phase == TR_DENIED) {
		draw_bar(u, 1, t->phase == TR_DENIED ? "Permission needed" : "The engine cannot do this", "");
		int used = draw_wrapped(u, y, h, EL_ERROR, t->error);
		if (t->phase == TR_DENIED) {
			int sys = u->have_status && strcmp(u->status.mode, "system") == 0;
			char root[600];
			snprintf(root, sizeof(root), "%s%s%s%s", u->s->root ? " --root " : "",
				 u->s->root ? u->s->root : "", u->s->backend ? " --backend " : "",
				 u->s->backend ? u->s->backend : "");
			used += 1;
			blank(u, y + used - 1, EL_NORMAL);
			if (sys) {
				used += draw_wrapped(u, y + used, h - used, EL_NORMAL,
					"The system engine takes changes from root and its admin group "
					"only. Ask an administrator to add you to that group (see "
					"omgd(8)), or run omg as root.");
			} else {
				used += draw_wrapped(u, y + used, h - used, EL_NORMAL,
					"Changing the system needs the system engine, which runs as root. "
					"Press s to run this here (omg leaves the screen for sudo's "
					"password, starts the system engine and comes back to this "
					"review):");
				char cmd[700];
				snprintf(cmd, sizeof(cmd), "sudo omg daemon --system%s", root);
				if (used < h) {
					line_reset(&u->line, (size_t)u->cols);
					line_put(&u->line, EL_NORMAL, "    ");
					line_put(&u->line, EL_KEY, cmd);
					line_fill(&u->line, EL_NORMAL);
					put(u, y + used++);
				}
				used += draw_wrapped(u, y + used, h - used, EL_NORMAL,
					"Or run that command yourself in another terminal, then press r "
					"here. Your marks stay.");
			}
			keys = sys ? " Esc: back to the list"
				   : " s: start the system engine with sudo   r: it runs now, use it   Esc: back";
		} else {
			keys = " Esc or Enter: back to the list (marks stay)";
		}
		for (int i = used; i < h; i++)
			blank(u, y + i, EL_NORMAL);
	} else {
		draw_plan(u, y, h);
		if (t->phase == TR_CONFIRMING)
			keys = " asking the engine for the real plan...   Esc: back to the list";
		else if (!t->reply.count)
			keys = " g or Esc: back to the list";
	}
	draw_status(u, keys);
	if (t->asking)
		draw_question(u);
	if (t->held_ask) {
		char q[512];
		tui_trans_held_question(u, q, sizeof(q));
		draw_dialog(u, " Held packages ", q, " y: change it   n, Esc: no, nothing changes ");
	}
}

/* A progress bar of width w at percent. */
static void bar(struct ui *u, uint32_t percent, size_t w)
{
	if (percent > 100)
		percent = 100;
	size_t done = w * percent / 100;
	struct line *l = &u->line;
	char *fill = malloc(w + 1);
	if (!fill)
		return;
	memset(fill, ' ', w);
	fill[w] = '\0';
	/* Mono terminals see the bar as characters. */
	if (term_depth(u->term) == DEPTH_MONO)
		memset(fill, '#', done);
	fill[done] = '\0';
	line_put(l, EL_BAR_DONE, fill);
	memset(fill, term_depth(u->term) == DEPTH_MONO ? '-' : ' ', w - done);
	fill[w - done] = '\0';
	line_put(l, EL_BAR_TODO, fill);
	free(fill);
}

/* The question dialog over the transaction or review screen: the question
 * wrapped, its choices, and how the default is taken. */
static void draw_question(struct ui *u)
{
	struct trans_view *t = &u->tr;
	int w = u->cols - 8 > 76 ? 76 : u->cols - 8;
	char text[8][256];
	int nt = 0;
	for (const char *s = t->qtext; *s && nt < 8; nt++)
		wrap_next(&s, (size_t)w - 2, text[nt], sizeof(text[nt]));
	int h = nt + (int)t->nchoices + 5;
	if (h > u->rows - 2)
		h = u->rows - 2;
	int y0 = (u->rows - h) / 2, x0 = (u->cols - w) / 2;
	struct line *l = &u->line;
	for (int i = 0; i < h; i++) {
		line_reset(l, (size_t)u->cols);
		line_pad(l, EL_NORMAL, (size_t)x0);
		size_t end = (size_t)(x0 + w);
		int c = i - nt - 2; /* the choice on this row */
		if (i == 0) {
			line_put(l, EL_TITLE, " Question from the backend ");
		} else if (i <= nt) {
			line_put(l, EL_DIALOG, " ");
			line_put(l, EL_DIALOG, text[i - 1]);
		} else if (c >= 0 && c < (int)t->nchoices) {
			uint32_t k = (uint32_t)c;
			line_printf(l, k == t->qsel ? EL_CURSOR : EL_DIALOG, " %s %s%s ",
				    k == t->qsel ? ">" : " ", t->choices[k], k == t->qdef ? " (default)" : "");
		} else if (i == h - 2) {
			double left = t->qdeadline ? (t->qdeadline - clock_ms()) / 1000 : -1;
			if (left >= 0)
				line_printf(l, EL_DIALOG, " Enter answers; the default is taken in %.0f s ", left);
			else
				line_put(l, EL_DIALOG, " Enter answers, Esc takes the default ");
		}
		line_pad(l, EL_DIALOG, end);
		line_fill(l, EL_NORMAL);
		term_draw(u->term, y0 + i, l);
	}
}

/* A dialog box in the middle of the screen: title, text wrapped, a footer. */
static void draw_dialog(struct ui *u, const char *title, const char *text, const char *foot)
{
	int w = u->cols - 8 > 76 ? 76 : u->cols - 8;
	char rows[6][256];
	int nt = 0;
	for (const char *s = text; *s && nt < 6; nt++)
		wrap_next(&s, (size_t)w - 2, rows[nt], sizeof(rows[nt]));
	int h = nt + 4;
	int y0 = (u->rows - h) / 2, x0 = (u->cols - w) / 2;
	struct line *l = &u->line;
	for (int i = 0; i < h; i++) {
		line_reset(l, (size_t)u->cols);
		line_pad(l, EL_NORMAL, (size_t)x0);
		if (i == 0)
			line_put(l, EL_TITLE, title);
		else if (i >= 1 && i <= nt) {
			line_put(l, EL_DIALOG, " ");
			line_put(l, EL_DIALOG, rows[i - 1]);
		} else if (i == h - 2)
			line_put(l, EL_DIALOG, foot);
		line_pad(l, EL_DIALOG, (size_t)(x0 + w));
		line_fill(l, EL_NORMAL);
		term_draw(u->term, y0 + i, l);
	}
}

/* The transaction screen: phase, download and package bars, the log. */
static void draw_trans(struct ui *u)
{
	struct trans_view *t = &u->tr;
	struct line *l = &u->line;
	char title[400];
	snprintf(title, sizeof(title), "%s", *t->title ? t->title : "Transaction");
	draw_bar(u, 1, title, t->phase == TR_DONE ? (t->status ? "failed" : "done") : t->phase_text);
	/* downloads */
	line_reset(l, (size_t)u->cols);
	line_field(l, EL_LABEL, " Download", 11);
	bar(u, t->dl_percent, 24);
	if (*t->dl_name) {
		char a[32], b[32], r[32];
		fmt_size(a, sizeof(a), (int64_t)t->dl_done, 0);
		fmt_size(b, sizeof(b), (int64_t)t->dl_total, 0);
		fmt_size(r, sizeof(r), (int64_t)t->dl_rate, 0);
		line_printf(l, EL_NORMAL, " %3u%% ", t->dl_percent);
		if (t->dl_count)
			line_printf(l, EL_DIM, "%u/%u ", t->dl_index, t->dl_count);
		line_printf(l, EL_NORMAL, "%s %s/%s", t->dl_name, a, b);
		if (t->dl_rate && t->dl_percent < 100)
			line_printf(l, EL_DIM, " %s/s", r);
	}
	line_fill(l, EL_NORMAL);
	put(u, 2);
	/* packages */
	line_reset(l, (size_t)u->cols);
	line_field(l, EL_LABEL, " Packages", 11);
	uint32_t overall = t->pkg_count ? (t->pkg_index ? t->pkg_index - 1 : 0) * 100 / t->pkg_count +
						  t->pkg_percent / t->pkg_count
					: t->pkg_percent;
	if (t->phase == TR_DONE && !t->status)
		overall = 100;
	bar(u, overall, 24);
	if (*t->pkg_name) {
		line_printf(l, EL_NORMAL, " %3u%% ", overall);
		if (t->pkg_count)
			line_printf(l, EL_DIM, "%u/%u ", t->pkg_index, t->pkg_count);
		line_printf(l, EL_NORMAL, "%s %s", t->pkg_text, t->pkg_name);
	}
	line_fill(l, EL_NORMAL);
	put(u, 3);
	int h = u->rows - 6;
	panel_resize(&t->log_panel, (long)t->nlog, h);
	draw_bar(u, 4, "Log", panel_at_end(&t->log_panel) ? "" : "scrolled back; End: newest");
	/* The newest line is at the bottom: a short log starts below blank rows. */
	long first = panel_top(&t->log_panel) - (h > (long)t->nlog ? h - (long)t->nlog : 0);
	for (int i = 0; i < h; i++) {
		long k = first + i;
		if (k >= 0 && k < (long)t->nlog) {
			line_reset(l, (size_t)u->cols);
			line_put(l, EL_NORMAL, " ");
			line_put(l, (enum theme_el)t->log[k].el, t->log[k].text);
			line_fill(l, EL_NORMAL);
			put(u, 5 + i);
		} else {
			blank(u, 5 + i, EL_NORMAL);
		}
	}
	if (t->phase == TR_DONE) {
		char msg[700];
		snprintf(msg, sizeof(msg), " %s %s   Enter: back to the list", t->status ? "Failed:" : "Done:",
			 t->result);
		line_reset(l, (size_t)u->cols);
		line_put(l, t->status ? EL_ERROR : EL_OK, msg);
		line_fill(l, t->status ? EL_ERROR : EL_OK);
		put(u, u->rows - 1);
		term_cursor(u->term, -1, 0);
	} else {
		draw_status(u, " q: leave it running in the engine (omg shows it again)   j/k: scroll the log");
	}
	if (t->asking)
		draw_question(u);
}

/* The "terminal too small" screen. */
static void draw_too_small(struct ui *u)
{
	for (int i = 0; i < u->rows; i++) {
		line_reset(&u->line, (size_t)u->cols);
		char msg[128] = "";
		if (i == u->rows / 2 - 1)
			snprintf(msg, sizeof(msg), "terminal too small");
		else if (i == u->rows / 2)
			snprintf(msg, sizeof(msg), "%dx%d, omg needs %dx%d", u->cols, u->rows, UI_MIN_COLS,
				 UI_MIN_ROWS);
		else if (i == u->rows / 2 + 1 && u->prompt == PR_QUIT)
			snprintf(msg, sizeof(msg), "Quit and drop %zu mark%s? [y/N]",
				 model_marked(u->model), model_marked(u->model) == 1 ? "" : "s");
		if (*msg) {
			int w = (int)strlen(msg);
			line_pad(&u->line, EL_NORMAL, (size_t)(u->cols > w ? (u->cols - w) / 2 : 0));
			line_put(&u->line, u->prompt == PR_QUIT && i > u->rows / 2 ? EL_PROMPT : EL_WARNING,
				 msg);
		}
		line_fill(&u->line, EL_NORMAL);
		put(u, i);
	}
	term_cursor(u->term, -1, 0);
}

/* Draws the current screen (or "terminal too small") and flushes it. */
void view_draw(struct ui *u)
{
	if (u->too_small) {
		draw_too_small(u);
		term_flush(u->term);
		return;
	}
	draw_header(u);
	switch (u->screen) {
	case SCR_LIST:
		draw_list(u);
		break;
	case SCR_DETAIL: {
		const char *name;
		tui_detail_pkg(u, &name);
		draw_bar(u, 1, name ? name : "", "j/k PgUp/PgDn scroll");
		draw_detail(u, 2, u->rows - 3);
		draw_status(u, u->detail_of[0] ? " Esc or Enter: back to the review"
						: " Esc: back to the list   + - _ = :  mark it");
		break;
	}
	case SCR_HELP: draw_help(u); break;
	case SCR_REVIEW: draw_review(u); break;
	case SCR_TRANS: draw_trans(u); break;
	}
	term_flush(u->term);
}
