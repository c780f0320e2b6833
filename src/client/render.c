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

/* Three state characters, aptitude style: i/space, A (automatic), u/h. */
static void state_flags(char s[4], const struct pkg *p)
{
	s[0] = p->flags & PKG_INSTALLED ? 'i' : ' ';
	s[1] = (p->flags & PKG_INSTALLED) && p->reason == PKG_REASON_DEPEND ? 'A' : ' ';
	s[2] = !(p->flags & PKG_UPGRADABLE) ? ' ' : p->flags & PKG_HELD ? 'h' : 'u';
	s[3] = '\0';
}

/* Width of the version column text for p. */
static size_t version_width(const struct pkg *p)
{
	if (p->flags & PKG_UPGRADABLE)
		return utf8_width(p->installed_version) + 4 + utf8_width(p->version);
	return utf8_width(p->flags & PKG_INSTALLED ? p->installed_version : p->version);
}

/* Appends a cell with colour and padding to w columns. */
static void cell(struct render *r, enum render_color col, const char *s, size_t w, int last)
{
	buf_puts(&r->b, render_col(r, col));
	buf_puts(&r->b, s);
	buf_puts(&r->b, render_col(r, COL_RESET));
	if (!last)
		for (size_t k = utf8_width(s); k < w + 2; k++)
			buf_putc(&r->b, ' ');
}

void render_pkg_names(struct render *r, const struct msg_pkg *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_puts(&r->b, v[i].pkg.name);
		buf_putc(&r->b, '\n');
	}
}

void render_pkg_table(struct render *r, const struct msg_pkg *v, size_t n)
{
	size_t wname = 0, wver = 0, wrepo = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pkg *p = &v[i].pkg;
		size_t w = utf8_width(p->name);
		wname = w > wname ? w : wname;
		w = version_width(p);
		wver = w > wver ? w : wver;
		w = utf8_width(p->repo);
		wrepo = w > wrepo ? w : wrepo;
	}
	/* Cap the name column on narrow terminals so descriptions stay visible. */
	if (r->width && wname > r->width / 3)
		wname = r->width / 3;
	struct buf tmp = {0};
	for (size_t i = 0; i < n; i++) {
		const struct pkg *p = &v[i].pkg;
		char st[4];
		state_flags(st, p);
		cell(r, p->flags & PKG_HELD ? COL_HELD : COL_INSTALLED, st, 3, 0);
		buf_reset(&tmp);
		utf8_fit(&tmp, p->name, r->width ? wname : (size_t)-1, 0);
		cell(r, COL_NAME, buf_str(&tmp), wname, 0);
		if (p->flags & PKG_UPGRADABLE) {
			buf_printf(&r->b, "%s%s%s -> %s%s%s", render_col(r, COL_VERSION),
				   p->installed_version, render_col(r, COL_RESET),
				   render_col(r, COL_NEWVERSION), p->version, render_col(r, COL_RESET));
			for (size_t k = version_width(p); k < wver + 2; k++)
				buf_putc(&r->b, ' ');
		} else {
			cell(r, COL_VERSION,
			     p->flags & PKG_INSTALLED ? p->installed_version : p->version, wver, 0);
		}
		cell(r, COL_REPO, p->repo, wrepo, 0);
		size_t used = 3 + 2 + wname + 2 + wver + 2 + wrepo + 2;
		if (r->width && used + 4 < r->width) {
			utf8_fit(&r->b, p->desc, r->width - used - 1, 0);
		} else if (!r->width) {
			buf_puts(&r->b, p->desc);
		}
		buf_putc(&r->b, '\n');
	}
	buf_free(&tmp);
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
}

void render_pkg_json_array(struct render *r, const struct msg_pkg *v, size_t n)
{
	buf_putc(&r->b, '[');
	for (size_t i = 0; i < n; i++) {
		buf_puts(&r->b, i ? ",\n{" : "\n{");
		json_brief_fields(&r->b, &v[i].pkg);
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
	buf_printf(b, "%ssystem%s  %s on %s: %llu packages, index generation %llu (%.1f MiB, "
		   "loaded %llds ago)\n", render_col(r, COL_LABEL), render_col(r, COL_RESET), s->backend,
		   s->root, (unsigned long long)s->packages, (unsigned long long)s->generation,
		   (double)s->index_bytes / 1048576.0, (long long)(now - (time_t)s->index_time));
	uint64_t asked = s->cache_hits + s->cache_misses;
	buf_printf(b, "%sload%s    %llu clients, %llu requests, cache hits %llu of %llu (%.0f%%)\n",
		   render_col(r, COL_LABEL), render_col(r, COL_RESET), (unsigned long long)s->clients,
		   (unsigned long long)s->requests, (unsigned long long)s->cache_hits,
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

void render_plan_text(struct render *r, const struct msg_plan_reply *p)
{
	size_t wn = 4, wv = 7;
	for (uint32_t i = 0; i < p->count; i++) {
		struct buf v = {0};
		render_versions(&v, &p->items[i]);
		if (strlen(p->items[i].name) > wn)
			wn = strlen(p->items[i].name);
		if (v.len > wv)
			wv = v.len;
		buf_free(&v);
	}
	uint32_t counts[8] = {0};
	for (uint32_t i = 0; i < p->count; i++) {
		const struct trans_item *it = &p->items[i];
		struct buf v = {0};
		render_versions(&v, it);
		buf_printf(&r->b, "  %-9s %s%-*s%s  %s%-*s%s  %-10s", trans_action_name(it->action),
			   render_col(r, COL_NAME), (int)wn, it->name, render_col(r, COL_RESET),
			   render_col(r, it->action == ACT_REMOVE ? COL_VERSION : COL_NEWVERSION),
			   (int)wv, v.p ? v.p : "", render_col(r, COL_RESET), it->repo);
		if (it->action != ACT_REFRESH && it->action != ACT_REMOVE &&
		    it->reason == PKG_REASON_DEPEND && !it->old_version[0])
			buf_puts(&r->b, " (dependency)");
		if (it->download > 0) {
			struct buf s = {0};
			render_size(&s, it->download);
			buf_printf(&r->b, " %s", s.p);
			buf_free(&s);
		}
		buf_putc(&r->b, '\n');
		buf_free(&v);
		if (it->action < 8)
			counts[it->action]++;
	}
	if (!p->count) {
		buf_puts(&r->b, "Nothing to do.\n");
		return;
	}
	if (p->kind == TRANS_SYNC) {
		buf_printf(&r->b, "\n%u database(s) to refresh\n", p->count);
		return;
	}
	buf_printf(&r->b, "\n%u package(s):", p->count);
	const char *sep = " ";
	for (uint32_t a = ACT_INSTALL; a <= ACT_REMOVE; a++) {
		if (counts[a]) {
			buf_printf(&r->b, "%s%u to %s", sep, counts[a], trans_action_name(a));
			sep = ", ";
		}
	}
	char d[32], s[32];
	fmt_size(d, sizeof(d), p->download, 0);
	fmt_size(s, sizeof(s), p->size_change, 1);
	buf_printf(&r->b, "\nDownload: %s   Installed size: %s\n", d, s);
}
