/* SPDX-License-Identifier: MIT */
/* Text and JSON rendering of packages and the engine's status, for the CLI and the UI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/render.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* ANSI escapes per semantic element; the only place colours are named. */
static const char *const ansi[] = {
	[COL_RESET] = "\033[0m",       [COL_NAME] = "\033[1m",
	[COL_VERSION] = "\033[32m",    [COL_NEWVERSION] = "\033[1;32m",
	[COL_REPO] = "\033[35m",       [COL_INSTALLED] = "\033[36m",
	[COL_HELD] = "\033[33m",       [COL_LABEL] = "\033[1m",
	[COL_DIM] = "\033[2m",
};

const char *render_col(const struct render *r, enum render_color e)
{
	return r->color ? ansi[e] : "";
}

void render_time(char *out, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	snprintf(out, len, "?");
	if (localtime_r(&tt, &tm))
		strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm);
}

void render_size(struct buf *b, int64_t bytes)
{
	char s[32];
	fmt_size(s, sizeof(s), bytes, 0);
	buf_puts(b, s);
}

/* aptitude's three state letters (docs/cli.md, "State letters"): the current
 * state, the action (a front end's mark, else h for a held package), A. */
void render_state(char s[4], const struct pkg *p, char action)
{
	s[0] = p->flags & PKG_INSTALLED ? 'i' : 'p';
	s[1] = action && action != ' ' ? action : p->flags & PKG_HELD ? 'h' : ' ';
	s[2] = (p->flags & PKG_INSTALLED) && p->reason == PKG_REASON_DEPEND ? 'A' : ' ';
	s[3] = '\0';
}

/* "…" where the locale's characters are multibyte (UTF-8), else "~". */
static const char *ellipsis(void)
{
	return MB_CUR_MAX > 1 ? "\xe2\x80\xa6" : "~";
}

/* Appends s cut to cols columns: all of it when it fits, else what fits in
 * cols - 1 columns and an ellipsis. The columns written. */
static size_t cut_to(struct buf *b, const char *s, size_t cols)
{
	if (utf8_width(s) <= cols)
		return utf8_fit(b, s, cols, 0);
	if (!cols)
		return 0;
	size_t w = utf8_fit(b, s, cols - 1, 0);
	buf_puts(b, ellipsis());
	return w + 1;
}

/* Appends n spaces. */
static void spaces(struct buf *b, size_t n)
{
	while (n--)
		buf_putc(b, ' ');
}

/* Bytes of the escape sequence at s (n > 0 bytes): CSI up to its final byte. */
static size_t esc_len(const char *s, size_t n)
{
	if (n < 2 || s[1] != '[')
		return 1;
	size_t i = 2;
	while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7e))
		i++;
	return i < n ? i + 1 : n;
}

/* Walks s[from..len) while it fits in cols columns: the end reached, and in
 * *space the last space seen after from (0 when none). Escapes take none. */
static size_t span(const char *s, size_t len, size_t from, size_t cols, size_t *space)
{
	size_t i = from, used = 0;
	*space = 0;
	while (i < len) {
		if (s[i] == '\033') {
			i += esc_len(s + i, len - i);
			continue;
		}
		size_t cw, n = utf8_next(s + i, len - i, &cw);
		if (used + cw > cols)
			break;
		if (s[i] == ' ' && i > from)
			*space = i;
		used += cw;
		i += n;
	}
	return i;
}

/* Columns before a line's text starts again on a wrapped line: its leading
 * spaces, or for "Label : value" the label and ": ", else none. */
static size_t hanging_indent(const char *s, size_t len, size_t width)
{
	size_t lead = 0, cols = 0;
	while (lead < len && s[lead] == ' ')
		lead++;
	if (lead)
		return lead < width / 2 ? lead : 0;
	for (size_t i = 0; i + 1 < len; ) {
		if (s[i] == '\033') {
			i += esc_len(s + i, len - i);
			continue;
		}
		if (s[i] == ':' && s[i + 1] == ' ')
			return cols + 2 < width / 2 ? cols + 2 : 0;
		size_t cw;
		i += utf8_next(s + i, len - i, &cw);
		cols += cw;
	}
	return 0;
}

/* Appends the line s[0..len) (no newline) to out fitted to r->width: cut
 * with an ellipsis, or (wrap) broken at spaces into lines that go on at
 * the line's hanging indent. */
static void fit_line(const struct render *r, struct buf *out, const char *s, size_t len, int wrap)
{
	size_t width = r->width, indent = wrap ? hanging_indent(s, len, width) : 0, from = 0, sp;
	for (int first = 1; from < len; first = 0) {
		size_t lead = first ? 0 : indent;
		size_t end = span(s, len, from, width - lead, &sp);
		if (!first)
			spaces(out, lead);
		if (end >= len) {
			buf_append(out, s + from, len - from);
			return;
		}
		if (!wrap) {
			end = span(s, len, from, width - 1, &sp);
			buf_append(out, s + from, end - from);
			buf_puts(out, ellipsis());
			buf_puts(out, render_col(r, COL_RESET));
			return;
		}
		/* At the space that ends what fits, else the last one in it, else where it ends. */
		size_t cut = s[end] == ' ' ? end : sp ? sp : end > from ? end :
			     from + utf8_next(s + from, len - from, &sp);
		buf_append(out, s + from, cut - from);
		buf_putc(out, '\n');
		for (from = cut; from < len && s[from] == ' '; from++)
			;
	}
}

/* Fits r->b from byte from on to the width, line by line (render.h). */
void render_fit_lines(struct render *r, size_t from, int wrap)
{
	if (!r->width || from >= r->b.len)
		return;
	struct buf out = {0};
	const char *s = r->b.p + from, *end = r->b.p + r->b.len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		/* A character takes no more columns than bytes: a short line fits. */
		if (len <= r->width)
			buf_append(&out, s, len);
		else
			fit_line(r, &out, s, len, wrap);
		if (nl)
			buf_putc(&out, '\n');
		s += len + (nl ? 1 : 0);
	}
	r->b.len = from;
	buf_append(&r->b, out.p ? out.p : "", out.len);
	buf_free(&out);
}

/* A column of a table laid out to a width. */
struct col {
	size_t want; /* the widest cell */
	size_t w;    /* the width laid out */
	int gone;    /* dropped for want of room */
};

/* One step of fitting a table: cut column col as far as needed down to
 * floor columns, or (floor 0) drop it. */
struct step {
	int col;
	size_t floor;
};

/* A row's columns: lead, then the columns shown with two spaces between. */
static size_t cols_total(const struct col *c, size_t n, size_t lead)
{
	size_t t = lead, shown = 0;
	for (size_t i = 0; i < n; i++)
		if (!c[i].gone)
			t += c[i].w + (shown++ ? 2 : 0);
	return t;
}

/* Lays the columns out in width (0: each as wide as its widest cell). While
 * a row is too wide the steps are taken in order; after a drop the other
 * columns grow back and the steps start again. What still does not fit is
 * cut at the width by render_fit_lines. */
static void cols_fit(struct col *c, size_t n, size_t lead, const struct step *st, size_t nst,
		     size_t width)
{
	for (size_t i = 0; i < n; i++)
		c[i].w = c[i].want, c[i].gone = 0;
	for (size_t k = 0; width && k < nst; k++) {
		size_t total = cols_total(c, n, lead);
		struct col *x = &c[st[k].col];
		if (total <= width)
			return;
		if (x->gone)
			continue;
		if (!st[k].floor) {
			x->gone = 1;
			for (size_t i = 0; i < n; i++)
				c[i].w = c[i].want;
			k = (size_t)-1; /* from the first step again */
		} else if (x->w > st[k].floor) {
			size_t over = total - width, room = x->w - st[k].floor;
			x->w -= over < room ? over : room;
		}
	}
}

/* Appends a cell of w columns (its text cut to w on a terminal, whole when
 * piped), padded to w when pad is set. */
static void put_cell(struct render *r, enum render_color col, const char *s, size_t w, int pad)
{
	if (col != COL_RESET)
		buf_puts(&r->b, render_col(r, col));
	size_t used;
	if (r->width) {
		used = cut_to(&r->b, s, w);
	} else {
		buf_puts(&r->b, s);
		used = utf8_width(s);
	}
	if (col != COL_RESET)
		buf_puts(&r->b, render_col(r, COL_RESET));
	if (pad && used < w)
		spaces(&r->b, w - used);
}

/* Appends a version cell of w columns: "old -> new" when old is set, else
 * new. Too narrow, the old version goes first (cut, then dropped with the
 * arrow) and the new one is cut last. Padded to w when pad is set. */
static void versions_cell(struct render *r, const char *old, const char *new_, size_t w, int pad,
			  enum render_color cold, enum render_color cnew)
{
	size_t wold = old && *old ? utf8_width(old) : 0, wnew = utf8_width(new_), used = 0;
	if (wold && (wold + 4 + wnew <= w || !r->width)) {
		used = wold + 4 + wnew;
		buf_printf(&r->b, "%s%s%s -> %s%s%s", render_col(r, cold), old, render_col(r, COL_RESET),
			   render_col(r, cnew), new_, render_col(r, COL_RESET));
	} else if (wold && w >= wnew + 4 + 4) {
		buf_puts(&r->b, render_col(r, cold));
		used = cut_to(&r->b, old, w - wnew - 4) + 4 + wnew;
		buf_printf(&r->b, "%s -> %s%s%s", render_col(r, COL_RESET), render_col(r, cnew), new_,
			   render_col(r, COL_RESET));
	} else {
		buf_puts(&r->b, render_col(r, cnew));
		used = r->width ? cut_to(&r->b, new_, w) : (buf_puts(&r->b, new_), wnew);
		buf_puts(&r->b, render_col(r, COL_RESET));
	}
	if (pad && used < w)
		spaces(&r->b, w - used);
}

/* Whether a column after i is shown (then cell i is padded). */
static int more_cols(const struct col *c, size_t n, size_t i)
{
	for (size_t k = i + 1; k < n; k++)
		if (!c[k].gone)
			return 1;
	return 0;
}

/* The larger of two widths. */
static size_t max_w(size_t a, size_t b)
{
	return a > b ? a : b;
}

void render_pkg_names(struct render *r, const struct msg_pkg *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_puts(&r->b, v[i].pkg.name);
		buf_putc(&r->b, '\n');
	}
}

/* The package table's columns after the state letters. */
enum { TC_NAME, TC_VERSION, TC_REPO, TC_DESC, TC_N };

/* Sizes the package table's columns to r->width: docs/cli.md, "Fitting the terminal". */
static void table_layout(const struct render *r, const struct msg_pkg *v, size_t n, struct col *c)
{
	size_t single = 0; /* the widest version standing alone */
	for (size_t i = 0; i < n; i++) {
		const struct pkg *p = &v[i].pkg;
		const char *one = p->flags & PKG_INSTALLED && !(p->flags & PKG_UPGRADABLE) ?
				  p->installed_version : p->version;
		size_t wv = utf8_width(one);
		single = max_w(single, wv);
		if (p->flags & PKG_UPGRADABLE)
			wv += utf8_width(p->installed_version) + 4;
		if (p->flags & PKG_FIXES_ADVISORY)
			wv += 2; /* " !" */
		c[TC_NAME].want = max_w(c[TC_NAME].want, utf8_width(p->name));
		c[TC_VERSION].want = max_w(c[TC_VERSION].want, wv);
		c[TC_REPO].want = max_w(c[TC_REPO].want, utf8_width(p->repo));
		c[TC_DESC].want = max_w(c[TC_DESC].want, utf8_width(p->desc) +
					(v[i].naur && v[i].aur->state == PKG_AUR_MISSING ? 17 : 0));
	}
	const struct step steps[] = {
		{TC_DESC, 8}, {TC_NAME, max_w(16, r->width / 3)}, {TC_REPO, 10}, {TC_DESC, 0},
		{TC_NAME, 16}, {TC_REPO, 0}, {TC_VERSION, single}, {TC_VERSION, 8},
	};
	cols_fit(c, TC_N, 3 + 2, steps, sizeof(steps) / sizeof(steps[0]), r->width);
}

/* The package table, laid out by table_layout, safety-cut at the width. */
void render_pkg_table(struct render *r, const struct msg_pkg *v, size_t n)
{
	struct col c[TC_N] = {{0}};
	table_layout(r, v, n, c);
	size_t start = r->b.len;
	for (size_t i = 0; i < n; i++) {
		const struct pkg *p = &v[i].pkg;
		char st[4];
		render_state(st, p, 0);
		put_cell(r, p->flags & PKG_HELD ? COL_HELD : COL_INSTALLED, st, 3, 1);
		for (size_t k = 0; k < TC_N; k++) {
			if (c[k].gone)
				continue;
			int pad = more_cols(c, TC_N, k);
			buf_puts(&r->b, "  ");
			if (k == TC_NAME)
				put_cell(r, COL_NAME, p->name, c[k].w, pad);
			else if (k == TC_REPO)
				put_cell(r, COL_REPO, p->repo, c[k].w, pad);
			else if (k == TC_DESC && v[i].naur && v[i].aur->state == PKG_AUR_MISSING) {
				char *d = xasprintf("(not in the AUR) %s", p->desc);
				put_cell(r, COL_HELD, d, c[k].w, pad);
				free(d);
			} else if (k == TC_DESC)
				put_cell(r, COL_RESET, p->desc, c[k].w, pad);
			else if (p->flags & PKG_FIXES_ADVISORY) {
				/* The upgrade fixes a known advisory: "1.0-1 -> 1.1-1 !". */
				char *fix = xasprintf("%s !", p->version);
				versions_cell(r, p->installed_version, fix, c[k].w, pad, COL_VERSION,
					      COL_HELD);
				free(fix);
			} else if (p->flags & PKG_UPGRADABLE)
				versions_cell(r, p->installed_version, p->version, c[k].w, pad, COL_VERSION,
					      COL_NEWVERSION);
			else
				versions_cell(r, NULL, p->flags & PKG_INSTALLED ? p->installed_version :
					      p->version, c[k].w, pad, COL_VERSION, COL_VERSION);
		}
		buf_putc(&r->b, '\n');
	}
	render_fit_lines(r, start, 0);
}

/* Appends apt's extended description as plain text: the one leading space of
 * each line removed, " ." lines made blank (Debian policy 5.6.13). Lines are
 * prefixed with indent. Other backends' text passes through. */
static void long_desc_text(struct buf *b, const char *raw, const char *indent)
{
	for (const char *s = raw; *s;) {
		size_t n = strcspn(s, "\n");
		const char *line = s;
		size_t len = n;
		if (len && line[0] == ' ')
			line++, len--;
		if (len == 1 && line[0] == '.')
			len = 0;
		buf_puts(b, indent);
		buf_append(b, line, len);
		s += n;
		if (*s == '\n') {
			s++;
			if (*s)
				buf_putc(b, '\n');
		}
	}
}

/* The reason as a JSON/text word. */
static const char *reason_word(const struct pkg *p)
{
	if (!(p->flags & PKG_INSTALLED))
		return NULL;
	return p->reason == PKG_REASON_DEPEND ? "dependency" :
	       p->reason == PKG_REASON_EXPLICIT ? "explicit" : NULL;
}

/* The brief keys shared by every package object. */
static void json_brief_fields(struct buf *b, const struct pkg *p)
{
	json_kv_str(b, "name", p->name, 1);
	json_kv_str(b, "version", p->version, 0);
	json_kv_str_or_null(b, "installed_version", p->installed_version, 0);
	json_kv_str(b, "repo", p->repo, 0);
	json_kv_str(b, "description", p->desc, 0);
	json_kv_bool(b, "installed", p->flags & PKG_INSTALLED, 0);
	json_kv_bool(b, "upgradable", p->flags & PKG_UPGRADABLE, 0);
	json_kv_bool(b, "held", p->flags & PKG_HELD, 0);
	json_kv_str_or_null(b, "reason", reason_word(p), 0);
	json_kv_bool(b, "security", p->flags & PKG_SECURITY, 0);
	json_kv_bool(b, "vulnerable", p->flags & PKG_VULNERABLE, 0);
	json_kv_bool(b, "fixes_advisory", p->flags & PKG_FIXES_ADVISORY, 0);
}

/* "key": N, or null when unknown (negative). */
static void json_kv_size(struct buf *b, const char *key, int64_t v)
{
	if (v < 0) {
		json_key(b, key, 0);
		buf_puts(b, "null");
	} else {
		json_kv_int(b, key, v, 0);
	}
}

/* ,"aur":{...} for a package the AUR knows (or does not: "state":"missing"). */
static void json_aur(struct buf *b, const struct msg_pkg *mp)
{
	if (!mp->naur || !mp->aur)
		return;
	const struct pkg_aur *a = mp->aur;
	buf_puts(b, ",\"aur\":{");
	json_kv_str(b, "state", a->state == PKG_AUR_MISSING ? "missing" : "found", 1);
	if (a->state != PKG_AUR_MISSING) {
		json_kv_str(b, "version", a->version, 0);
		json_kv_int(b, "votes", (int64_t)a->votes, 0);
		buf_printf(b, ",\"popularity\":%.6f", (double)a->popularity_micro / 1e6);
		json_kv_str_or_null(b, "maintainer", *a->maintainer ? a->maintainer : NULL, 0);
		json_kv_str_or_null(b, "submitter", *a->submitter ? a->submitter : NULL, 0);
		json_kv_size(b, "out_of_date", a->out_of_date > 0 ? a->out_of_date : -1);
		json_kv_size(b, "first_submitted", a->first_submitted > 0 ? a->first_submitted : -1);
		json_kv_size(b, "last_modified", a->last_modified > 0 ? a->last_modified : -1);
		json_kv_int(b, "pending_requests", a->pending_requests, 0);
		json_kv_strv(b, "makedepends", a->makedepends.v, a->makedepends.n, 0);
		json_kv_strv(b, "checkdepends", a->checkdepends.v, a->checkdepends.n, 0);
		json_kv_strv(b, "keywords", a->keywords.v, a->keywords.n, 0);
		json_kv_strv(b, "comaintainers", a->comaintainers.v, a->comaintainers.n, 0);
		json_kv_str(b, "snapshot", a->snapshot, 0);
	}
	buf_putc(b, '}');
}

void render_pkg_json_array(struct render *r, const struct msg_pkg *v, size_t n)
{
	buf_putc(&r->b, '[');
	for (size_t i = 0; i < n; i++) {
		buf_puts(&r->b, i ? ",\n{" : "\n{");
		json_brief_fields(&r->b, &v[i].pkg);
		json_aur(&r->b, &v[i]);
		buf_putc(&r->b, '}');
	}
	buf_puts(&r->b, n ? "\n]\n" : "]\n");
}

/* "Label           : " */
static void label(struct render *r, const char *l)
{
	buf_printf(&r->b, "%s%-16s%s: ", render_col(r, COL_LABEL), l, render_col(r, COL_RESET));
}

/* The items of a list after a label, sep between them ("  " as pacman, ", "
 * as apt), wrapped on a terminal; "None" when empty. */
static void list_items(struct render *r, const char *const *v, size_t n, const char *sep)
{
	if (!n) {
		buf_puts(&r->b, "None\n");
		return;
	}
	size_t col = 18, seplen = strlen(sep);
	for (size_t i = 0; i < n; i++) {
		size_t w = utf8_width(v[i]);
		if (i && r->width && col + seplen + w > r->width) {
			buf_puts(&r->b, sep[0] == ',' ? ",\n                  " : "\n                  ");
			col = 18;
		} else if (i) {
			buf_puts(&r->b, sep);
			col += seplen;
		}
		buf_puts(&r->b, v[i]);
		col += w;
	}
	buf_putc(&r->b, '\n');
}

/* A label followed by a list, as pacman prints it. */
static void field_list(struct render *r, const char *l, const char *const *v, size_t n)
{
	label(r, l);
	list_items(r, v, n, "  ");
}

/* A label followed by a list, as apt-cache show prints it ("a, b"); nothing
 * at all when the list is empty (apt prints no empty field). */
static void field_list_apt(struct render *r, const char *l, const struct strlist *v)
{
	if (!v->n)
		return;
	label(r, l);
	list_items(r, v->v, v->n, ", ");
}

/* A label and a single value ("None" when empty). */
static void field(struct render *r, const char *l, const char *v)
{
	label(r, l);
	buf_puts(&r->b, v && *v ? v : "None");
	buf_putc(&r->b, '\n');
}

/* A label and a value, nothing when the value is empty (apt's optional fields). */
static void field_opt(struct render *r, const char *l, const char *v)
{
	if (v && *v)
		field(r, l, v);
}

/* A label and a date (local time), "None" when unknown. */
static void field_date(struct render *r, const char *l, int64_t t)
{
	label(r, l);
	if (t <= 0) {
		buf_puts(&r->b, "None\n");
		return;
	}
	char s[64];
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%a %d %b %Y %H:%M:%S %Z", &tm);
	buf_printf(&r->b, "%s\n", s);
}

/* A label and a size, "None" when unknown. */
static void field_size(struct render *r, const char *l, int64_t bytes)
{
	label(r, l);
	if (bytes < 0)
		buf_puts(&r->b, "None");
	else
		render_size(&r->b, bytes);
	buf_putc(&r->b, '\n');
}

/* Installed packages that require (or optionally want) the package, then on
 * a line of its own how many packages that are not installed do. */
static void field_rdeps(struct render *r, const char *l, const struct strlist *v, uint32_t more)
{
	field_list(r, l, v->v, v->n);
	if (more)
		buf_printf(&r->b, "                  + %u not installed\n", more);
}

/* The lines every record starts with: name, candidate, installed version, where from. */
static void info_head(struct render *r, const struct pkg *p, int apt)
{
	label(r, "Name");
	buf_printf(&r->b, "%s%s%s\n", render_col(r, COL_NAME), p->name, render_col(r, COL_RESET));
	field(r, "Version", p->version);
	label(r, "Installed");
	if (!(p->flags & PKG_INSTALLED))
		buf_puts(&r->b, "No\n");
	else
		buf_printf(&r->b, "%s%s%s%s\n", p->installed_version,
			   p->flags & PKG_UPGRADABLE ? " (upgradable to " : "",
			   p->flags & PKG_UPGRADABLE ? p->version : "",
			   p->flags & PKG_UPGRADABLE ? ")" : "");
	field(r, apt ? "Archive" : "Repository", p->repo);
	field(r, "Description", p->desc);
	if (*p->long_desc) {
		long_desc_text(&r->b, p->long_desc, "                  ");
		buf_putc(&r->b, '\n');
	}
}

/* The lines every record ends with: the installed package's date, reason and state. */
static void info_tail(struct render *r, const struct pkg *p, int apt)
{
	if (p->flags & PKG_INSTALLED) {
		field_date(r, "Install Date", p->install_date);
		const char *why = reason_word(p);
		field(r, "Install Reason", !why ? NULL : strcmp(why, "explicit") == 0 ?
		      "Explicitly installed" : "Installed as a dependency for another package");
	}
	if (p->flags & (PKG_HELD | PKG_FOREIGN | PKG_ORPHAN)) {
		label(r, "State");
		buf_printf(&r->b, "%s%s%s\n", p->flags & PKG_HELD ? (apt ? "held " : "ignored ") : "",
			   p->flags & PKG_FOREIGN ? "foreign " : "",
			   p->flags & PKG_ORPHAN ? "orphan" : "");
	}
}

/* The AUR's own fields (paru -Si's names). */
static void info_aur(struct render *r, const struct pkg_aur *a)
{
	field_list(r, "Make Deps", a->makedepends.v, a->makedepends.n);
	field_list(r, "Check Deps", a->checkdepends.v, a->checkdepends.n);
	field(r, "Maintainer", *a->maintainer ? a->maintainer : "(orphaned)");
	field_opt(r, "Submitter", a->submitter);
	field_list(r, "Co-maintainers", a->comaintainers.v, a->comaintainers.n);
	label(r, "Votes");
	buf_printf(&r->b, "%llu\n", (unsigned long long)a->votes);
	label(r, "Popularity");
	buf_printf(&r->b, "%.2f\n", (double)a->popularity_micro / 1e6);
	field_date(r, "First Submitted", a->first_submitted);
	field_date(r, "Last Modified", a->last_modified);
	if (a->out_of_date > 0)
		field_date(r, "Out Of Date", a->out_of_date);
	else
		field(r, "Out Of Date", "No");
	field_list(r, "Keywords", a->keywords.v, a->keywords.n);
	if (a->pending_requests) {
		label(r, "Pending Requests");
		buf_printf(&r->b, "%u\n", a->pending_requests);
	}
	field_opt(r, "Snapshot URL", a->snapshot);
}

/* A libalpm record: pacman -Si and -Qi's fields, names and order. */
static void info_alpm(struct render *r, const struct msg_pkg *mp)
{
	const struct pkg *p = &mp->pkg;
	field(r, "Architecture", p->arch);
	field(r, "URL", p->url);
	field_list(r, "Licenses", p->licenses.v, p->licenses.n);
	field_list(r, "Groups", p->groups.v, p->groups.n);
	field_list(r, "Provides", p->provides.v, p->provides.n);
	field_list(r, "Depends On", p->depends.v, p->depends.n);
	field_list(r, "Optional Deps", p->optdepends.v, p->optdepends.n);
	field_rdeps(r, "Required By", &mp->required_by, mp->required_by_more);
	field_rdeps(r, "Optional For", &mp->optional_for, mp->optional_for_more);
	field_list(r, "Conflicts With", p->conflicts.v, p->conflicts.n);
	field_list(r, "Replaces", p->replaces.v, p->replaces.n);
	if (p->download_size >= 0)
		field_size(r, "Download Size", p->download_size);
	field_size(r, "Installed Size", p->installed_size);
	if (mp->naur && mp->aur->state == PKG_AUR_FOUND && !strcmp(p->repo, "aur")) {
		field(r, "Base", p->base);
		info_aur(r, mp->aur);
		return;
	}
	field(r, "Packager", p->packager);
	field(r, "Base", p->base);
	field_date(r, "Build Date", p->build_date);
}

/* apt-cache policy's version table: every version with its pin priority, and
 * the package files it is in, each with its own priority. */
static void version_table(struct render *r, const struct pkg *p)
{
	if (!p->nversions)
		return;
	buf_printf(&r->b, "%s%-16s%s:\n", render_col(r, COL_LABEL), "Version table",
		   render_col(r, COL_RESET));
	for (uint32_t i = 0; i < p->nversions; i++) {
		const struct pkg_version *v = &p->versions[i];
		buf_printf(&r->b, "%s%s %d\n", v->flags & PKG_VERSION_INSTALLED ? " *** " : "     ",
			   v->version, (int)v->priority);
		for (uint32_t k = 0; k < v->narchives; k++)
			buf_printf(&r->b, "       %4d %s\n", (int)v->archives[k].priority,
				   v->archives[k].where);
	}
}

/* A libapt-pkg record: apt show's field names and order (apt-cache show's
 * fields), each only when the record has it, then the version table. */
static void info_apt(struct render *r, const struct msg_pkg *mp)
{
	const struct pkg *p = &mp->pkg;
	field_opt(r, "Priority", p->priority);
	if (p->flags & PKG_ESSENTIAL)
		field(r, "Essential", "yes");
	field_opt(r, "Section", p->section);
	label(r, "Source");
	buf_printf(&r->b, *p->source_version ? "%s (%s)\n" : "%s\n", p->base, p->source_version);
	field_opt(r, "Maintainer", p->packager);
	field(r, "Architecture", p->arch);
	field_opt(r, "Multi-Arch", p->multi_arch);
	field_size(r, "Installed-Size", p->installed_size);
	if (p->download_size >= 0)
		field_size(r, "Download-Size", p->download_size);
	field_list_apt(r, "Provides", &p->provides);
	field_list_apt(r, "Pre-Depends", &p->pre_depends);
	field_list_apt(r, "Depends", &p->depends);
	field_list_apt(r, "Recommends", &p->optdepends);
	field_list_apt(r, "Suggests", &p->suggests);
	field_list_apt(r, "Enhances", &p->enhances);
	field_list_apt(r, "Conflicts", &p->conflicts);
	field_list_apt(r, "Breaks", &p->breaks);
	field_list_apt(r, "Replaces", &p->replaces);
	field_opt(r, "Homepage", p->url);
	field_list_apt(r, "Tag", &p->tags);
	field_rdeps(r, "Required By", &mp->required_by, mp->required_by_more);
	field_rdeps(r, "Optional For", &mp->optional_for, mp->optional_for_more);
}

void render_info_text(struct render *r, const struct msg_pkg *mp)
{
	const struct pkg *p = &mp->pkg;
	int apt = r->backend && strcmp(r->backend, "apt") == 0;
	info_head(r, p, apt);
	if (apt)
		info_apt(r, mp);
	else
		info_alpm(r, mp);
	info_tail(r, p, apt);
	if (apt)
		version_table(r, p);
}


/* "versions": apt-cache policy's version table as an array of objects. */
static void json_versions(struct buf *b, const struct pkg *p)
{
	json_key(b, "versions", 0);
	buf_putc(b, '[');
	for (uint32_t i = 0; i < p->nversions; i++) {
		const struct pkg_version *v = &p->versions[i];
		buf_puts(b, i ? ",{" : "{");
		json_kv_str(b, "version", v->version, 1);
		json_kv_int(b, "priority", v->priority, 0);
		json_kv_bool(b, "installed", v->flags & PKG_VERSION_INSTALLED, 0);
		json_kv_bool(b, "candidate", v->flags & PKG_VERSION_CANDIDATE, 0);
		json_key(b, "archives", 0);
		buf_putc(b, '[');
		for (uint32_t k = 0; k < v->narchives; k++) {
			buf_puts(b, k ? ",{" : "{");
			json_kv_str(b, "where", v->archives[k].where, 1);
			json_kv_int(b, "priority", v->archives[k].priority, 0);
			buf_putc(b, '}');
		}
		buf_puts(b, "]}");
	}
	buf_putc(b, ']');
}

void render_info_json(struct render *r, const struct msg_pkg *mp)
{
	const struct pkg *p = &mp->pkg;
	struct buf *b = &r->b;
	buf_putc(b, '{');
	json_brief_fields(b, p);
	struct buf ld = {0};
	long_desc_text(&ld, p->long_desc, "");
	json_kv_str(b, "long_description", buf_str(&ld), 0);
	buf_free(&ld);
	json_kv_str(b, "url", p->url, 0);
	json_kv_str(b, "arch", p->arch, 0);
	json_kv_str(b, "section", p->section, 0);
	json_kv_strv(b, "licenses", p->licenses.v, p->licenses.n, 0);
	json_kv_strv(b, "groups", p->groups.v, p->groups.n, 0);
	json_kv_strv(b, "depends", p->depends.v, p->depends.n, 0);
	json_kv_strv(b, "optdepends", p->optdepends.v, p->optdepends.n, 0);
	json_kv_strv(b, "suggests", p->suggests.v, p->suggests.n, 0);
	json_kv_strv(b, "provides", p->provides.v, p->provides.n, 0);
	json_kv_strv(b, "conflicts", p->conflicts.v, p->conflicts.n, 0);
	json_kv_strv(b, "replaces", p->replaces.v, p->replaces.n, 0);
	json_kv_strv(b, "pre_depends", p->pre_depends.v, p->pre_depends.n, 0);
	json_kv_strv(b, "enhances", p->enhances.v, p->enhances.n, 0);
	json_kv_strv(b, "breaks", p->breaks.v, p->breaks.n, 0);
	json_kv_strv(b, "tags", p->tags.v, p->tags.n, 0);
	json_kv_strv(b, "required_by", mp->required_by.v, mp->required_by.n, 0);
	json_kv_strv(b, "optional_for", mp->optional_for.v, mp->optional_for.n, 0);
	json_kv_int(b, "required_by_not_installed", mp->required_by_more, 0);
	json_kv_int(b, "optional_for_not_installed", mp->optional_for_more, 0);
	json_kv_size(b, "download_size", p->download_size);
	json_kv_size(b, "installed_size", p->installed_size);
	json_kv_str(b, "packager", p->packager, 0);
	json_kv_str(b, "base", p->base, 0);
	json_kv_str_or_null(b, "source_version", *p->source_version ? p->source_version : NULL, 0);
	json_kv_str_or_null(b, "priority", *p->priority ? p->priority : NULL, 0);
	json_kv_bool(b, "essential", p->flags & PKG_ESSENTIAL, 0);
	json_kv_str_or_null(b, "multi_arch", *p->multi_arch ? p->multi_arch : NULL, 0);
	json_kv_size(b, "build_date", p->build_date > 0 ? p->build_date : -1);
	json_kv_size(b, "install_date", p->install_date > 0 ? p->install_date : -1);
	json_kv_bool(b, "foreign", p->flags & PKG_FOREIGN, 0);
	json_kv_bool(b, "orphan", p->flags & PKG_ORPHAN, 0);
	json_kv_str(b, "backend", r->backend ? r->backend : "", 0);
	json_versions(b, p);
	json_aur(b, mp);
	buf_putc(b, '}');
}

void render_engine_status(struct render *r, const char *socket, const struct msg_status_reply *s)
{
	struct buf *b = &r->b;
	if (r->json) {
		buf_putc(b, '{');
		json_kv_bool(b, "running", 1, 1);
		json_kv_str(b, "socket", socket, 0);
		json_kv_str(b, "mode", s->mode, 0);
		json_kv_int(b, "pid", (int64_t)s->pid, 0);
		json_kv_str(b, "backend", s->backend, 0);
		json_kv_str(b, "root", s->root, 0);
		json_kv_int(b, "generation", (int64_t)s->generation, 0);
		json_kv_int(b, "started", (int64_t)s->started, 0);
		json_kv_int(b, "index_time", (int64_t)s->index_time, 0);
		json_kv_int(b, "packages", (int64_t)s->packages, 0);
		json_kv_int(b, "index_bytes", (int64_t)s->index_bytes, 0);
		json_kv_int(b, "clients", (int64_t)s->clients, 0);
		json_kv_int(b, "requests", (int64_t)s->requests, 0);
		json_kv_int(b, "cache_hits", (int64_t)s->cache_hits, 0);
		json_kv_int(b, "cache_misses", (int64_t)s->cache_misses, 0);
		json_kv_strv(b, "warnings", s->warnings.v, s->warnings.n, 0);
		json_kv_str_or_null(b, "transaction", *s->transaction ? s->transaction : NULL, 0);
		json_kv_str_or_null(b, "audit_dir", *s->audit_dir ? s->audit_dir : NULL, 0);
		buf_puts(b, "}\n");
		return;
	}
	time_t now = time(NULL);
	buf_printf(b, "%sengine%s  %s mode, pid %llu, up %llds, serving %s\n", render_col(r, COL_LABEL),
		   render_col(r, COL_RESET), s->mode, (unsigned long long)s->pid,
		   (long long)(now - (time_t)s->started), socket);
	buf_printf(b, "%ssystem%s  %s on %s: %llu %s, index generation %llu (%.1f MiB, "
		   "loaded %llds ago)\n", render_col(r, COL_LABEL), render_col(r, COL_RESET), s->backend,
		   s->root, (unsigned long long)s->packages, fmt_plural(s->packages, "package", "packages"),
		   (unsigned long long)s->generation,
		   (double)s->index_bytes / 1048576.0, (long long)(now - (time_t)s->index_time));
	uint64_t asked = s->cache_hits + s->cache_misses;
	buf_printf(b, "%sload%s    %llu %s, %llu %s, cache hits %llu of %llu (%.0f%%)\n",
		   render_col(r, COL_LABEL), render_col(r, COL_RESET), (unsigned long long)s->clients,
		   fmt_plural(s->clients, "client", "clients"), (unsigned long long)s->requests,
		   fmt_plural(s->requests, "request", "requests"), (unsigned long long)s->cache_hits,
		   (unsigned long long)asked, asked ? 100.0 * (double)s->cache_hits / (double)asked : 0);
	buf_printf(b, "%stxn%s     %s\n", render_col(r, COL_LABEL), render_col(r, COL_RESET),
		   *s->transaction ? s->transaction : "none running (omg history)");
	if (*s->audit_dir)
		buf_printf(b, "%saudit%s   %s\n", render_col(r, COL_LABEL), render_col(r, COL_RESET),
			   s->audit_dir);
}

void render_versions(struct buf *b, const struct trans_item *it)
{
	if (it->old_version[0] && it->new_version[0])
		buf_printf(b, "%s -> %s", it->old_version, it->new_version);
	else
		buf_puts(b, it->new_version[0] ? it->new_version : it->old_version);
}

/* A plan's columns after the action. */
enum { PC_NAME, PC_VERSION, PC_REPO, PC_NOTE, PC_N };

/* The last column of a plan item: "(dependency)" for what is pulled in, and
 * the download size, into b. */
static void plan_note(struct buf *b, const struct trans_item *it)
{
	buf_reset(b);
	if (it->action != ACT_REFRESH && it->action != ACT_REMOVE && it->action != ACT_PURGE &&
	    it->reason == PKG_REASON_DEPEND && !it->old_version[0])
		buf_puts(b, "(dependency)");
	if (it->download > 0) {
		if (b->len)
			buf_putc(b, ' ');
		render_size(b, it->download);
	}
}

/* Sizes a plan's columns to r->width: docs/cli.md, "Fitting the terminal". */
static void plan_layout(const struct render *r, const struct msg_plan_reply *p, struct col *c)
{
	struct buf t = {0};
	size_t single = 0;
	c[PC_NAME].want = 4, c[PC_VERSION].want = 7, c[PC_REPO].want = 10;
	for (uint32_t i = 0; i < p->count; i++) {
		const struct trans_item *it = &p->items[i];
		buf_reset(&t);
		render_versions(&t, it);
		c[PC_VERSION].want = max_w(c[PC_VERSION].want, utf8_width(buf_str(&t)));
		single = max_w(single, utf8_width(it->new_version[0] ? it->new_version : it->old_version));
		c[PC_NAME].want = max_w(c[PC_NAME].want, utf8_width(it->name));
		c[PC_REPO].want = max_w(c[PC_REPO].want, utf8_width(it->repo));
		plan_note(&t, it);
		c[PC_NOTE].want = max_w(c[PC_NOTE].want, utf8_width(buf_str(&t)));
	}
	buf_free(&t);
	const struct step steps[] = {
		{PC_REPO, 10}, {PC_NAME, max_w(16, r->width / 3)}, {PC_NOTE, 0},
		{PC_NAME, 16}, {PC_REPO, 0}, {PC_VERSION, single}, {PC_VERSION, 8},
	};
	cols_fit(c, PC_N, 2 + 9 + 1, steps, sizeof(steps) / sizeof(steps[0]), r->width);
}

/* One line of a plan: the action, then the columns laid out in c. */
static void plan_row(struct render *r, const struct trans_item *it, const struct col *c,
		     struct buf *note)
{
	int gone = it->action == ACT_REMOVE || it->action == ACT_PURGE;
	buf_printf(&r->b, "  %-9s ", trans_action_name(it->action));
	plan_note(note, it);
	for (size_t k = 0; k < PC_N; k++) {
		if (c[k].gone)
			continue;
		int pad = more_cols(c, PC_N, k);
		if (k)
			buf_puts(&r->b, "  ");
		if (k == PC_NAME)
			put_cell(r, COL_NAME, it->name, c[k].w, pad);
		else if (k == PC_REPO)
			put_cell(r, COL_RESET, it->repo, c[k].w, pad);
		else if (k == PC_NOTE)
			put_cell(r, COL_RESET, buf_str(note), c[k].w, 0);
		else
			versions_cell(r, it->new_version[0] ? it->old_version : NULL,
				      it->new_version[0] ? it->new_version : it->old_version, c[k].w, pad,
				      gone ? COL_VERSION : COL_NEWVERSION,
				      gone ? COL_VERSION : COL_NEWVERSION);
	}
	/* No trailing spaces when the last cells are empty. */
	while (r->b.len && r->b.p[r->b.len - 1] == ' ')
		r->b.p[--r->b.len] = '\0';
	buf_putc(&r->b, '\n');
}

/* A plan: its rows laid out by plan_layout, then the totals, wrapped. */
void render_violation(struct buf *b, const struct policy_violation *v)
{
	const char *rule = policy_rule_name(v->rule);
	buf_printf(b, "%s: %s%s", rule ? rule : "policy", v->reason,
		   v->overridden ? " (overridden)" : "");
}

uint32_t render_policy_blocking(const struct msg_plan_reply *p)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->nviolations; i++)
		n += !p->violations[i].overridden;
	return n;
}

/* The plan's policy violations, one "Policy: rule: reason" line each. */
static void plan_policy(struct render *r, const struct msg_plan_reply *p)
{
	if (!p->nviolations)
		return;
	size_t start = r->b.len;
	buf_putc(&r->b, '\n');
	for (uint32_t i = 0; i < p->nviolations; i++) {
		const struct policy_violation *v = &p->violations[i];
		buf_printf(&r->b, "%sPolicy:%s ", render_col(r, v->overridden ? COL_DIM : COL_HELD),
			   render_col(r, COL_RESET));
		render_violation(&r->b, v);
		buf_putc(&r->b, '\n');
	}
	render_fit_lines(r, start, 1);
}

void render_plan_text(struct render *r, const struct msg_plan_reply *p)
{
	struct col c[PC_N] = {{0}};
	plan_layout(r, p, c);
	size_t start = r->b.len;
	uint32_t counts[8] = {0};
	struct buf note = {0};
	for (uint32_t i = 0; i < p->count; i++) {
		plan_row(r, &p->items[i], c, &note);
		if (p->items[i].action < 8)
			counts[p->items[i].action]++;
	}
	buf_free(&note);
	render_fit_lines(r, start, 0);
	if (!p->count) {
		buf_puts(&r->b, "Nothing to do.\n");
		return;
	}
	start = r->b.len;
	if (p->kind == TRANS_SYNC) {
		buf_printf(&r->b, "\n%u %s to refresh\n", p->count,
			   fmt_plural(p->count, "database", "databases"));
		return;
	}
	buf_printf(&r->b, "\n%u %s:", p->count, fmt_plural(p->count, "package", "packages"));
	const char *sep = " ";
	for (uint32_t a = ACT_INSTALL; a <= ACT_PURGE; a++) {
		if (counts[a] && a != ACT_REFRESH) {
			buf_printf(&r->b, "%s%u to %s", sep, counts[a], trans_action_name(a));
			sep = ", ";
		}
	}
	char d[32], s[32];
	fmt_size(d, sizeof(d), p->download, 0);
	fmt_size(s, sizeof(s), p->size_change, 1);
	buf_printf(&r->b, "\nDownload: %s   Installed size: %s\n", d, s);
	render_fit_lines(r, start, 1);
	plan_policy(r, p);
}
