/* SPDX-License-Identifier: MIT */
/* The read commands: search, info, list, status, as requests to the engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/xalloc.h"

/* Prints packages as the chosen format: a JSON array, names, or the table. */
static void print_pkgs(struct cli *c, const struct replies *r)
{
	if (c->out.json)
		render_pkg_json_array(&c->out, r->pkgs, r->n);
	else if (c->quiet)
		render_pkg_names(&c->out, r->pkgs, r->n);
	else
		render_pkg_table(&c->out, r->pkgs, r->n);
}

/* Says each missing name with its hint; the hints as JSON for --json (cli.h). */
void cli_say_missing(struct cli *c, const struct suggestion *v, size_t n, int whole)
{
	struct buf t = {0};
	for (size_t i = 0; i < n; i++) {
		buf_reset(&t);
		int hint = suggest_text(&t, &v[i]);
		if (whole)
			report_error(&c->err, "package '%s' was not found%s%s", v[i].name,
				     hint ? "; " : "", buf_str(&t));
		else if (hint)
			report_error(&c->err, "'%s': %s", v[i].name, buf_str(&t));
	}
	buf_free(&t);
	if (n)
		suggest_json(&c->json_error, v, n);
}

/* Asks the AUR (an aur request of op with args) into r. An exit status. */
int cli_ask_aur(struct cli *c, uint32_t op, uint32_t flags, const char *by, int argc, char **argv,
		struct replies *r)
{
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_AUR;
	req.u.aur.op = op;
	req.u.aur.flags = flags;
	req.u.aur.by = by ? by : "";
	req.u.aur.hash = "";
	req.u.aur.args = (struct strlist){(const char *const *)argv, (uint32_t)argc};
	return session_ask(&c->s, &req, r);
}

/* Whether the engine's root is an alpm one (asked of the session after a request). */
static int alpm_root(const struct cli *c)
{
	return c->s.backend_name && strcmp(c->s.backend_name, "alpm") == 0;
}

/* The AUR's half of a search: regexes and --installed are the official search's alone. */
static int aur_searchable(const struct cli *c)
{
	return !c->regex && !c->installed_only;
}

int cmd_search(struct cli *c, int argc, char **argv)
{
	if (argc < 1) {
		report_error(&c->err, "search needs at least one term (see omg search --help)");
		return EXIT_USAGE;
	}
	if (c->source == SOURCE_AUR && !aur_searchable(c)) {
		report_error(&c->err, "--aur takes plain terms: --regex and --installed search the "
				"repositories only");
		return EXIT_USAGE;
	}
	struct replies r = {0}, ar = {0};
	int rc = 0, found = 0;
	if (c->source != SOURCE_AUR) {
		struct msg req;
		memset(&req, 0, sizeof(req));
		req.h.type = MSG_SEARCH;
		req.u.search.flags = (c->regex ? SEARCH_REGEX : 0) |
				     (c->names_only ? SEARCH_NAMES_ONLY : 0) |
				     (c->installed_only ? SEARCH_INSTALLED : 0);
		req.u.search.limit = (uint32_t)c->limit;
		req.u.search.terms = (struct strlist){(const char *const *)argv, (uint32_t)argc};
		rc = session_ask(&c->s, &req, &r);
		if (rc) {
			replies_free(&r);
			return rc;
		}
		found = r.n > 0;
	}
	int with_aur = c->source == SOURCE_AUR ||
		       (c->source == SOURCE_ALL && alpm_root(c) && aur_searchable(c) &&
			!(c->limit && r.n >= c->limit));
	if (!with_aur || c->out.json) {
		if (!with_aur)
			print_pkgs(c, &r);
	} else if (r.n) {
		/* The official results now: a slow AUR does not hold them back. */
		print_pkgs(c, &r);
		if (!c->quiet && cli_flush(c) != 0) {
			replies_free(&r);
			return EXIT_OUTPUT; /* stdout is gone: the AUR's part has nowhere to go */
		}
	}
	if (with_aur) {
		rc = cli_ask_aur(c, AUR_REQ_SEARCH, c->source == SOURCE_AUR ? 0 : AUR_FLAG_QUIET_OFF,
				 c->names_only ? "name" : "", argc, argv, &ar);
		if (rc == 0) {
			if (c->limit && r.n + ar.n > c->limit)
				ar.n = c->limit > r.n ? c->limit - r.n : 0;
			found |= ar.n > 0;
			if (c->out.json) {
				/* One array: the official results, then the AUR's. */
				struct msg_pkg *all = strpool_alloc(ar.arena, (r.n + ar.n + 1) *
								    sizeof(*all));
				if (r.n) /* an empty reply has no array: memcpy's NULL is undefined */
					memcpy(all, r.pkgs, r.n * sizeof(*all));
				if (ar.n)
					memcpy(all + r.n, ar.pkgs, ar.n * sizeof(*all));
				render_pkg_json_array(&c->out, all, r.n + ar.n);
			} else if (ar.n) {
				print_pkgs(c, &ar);
			}
		} else if (c->out.json) {
			render_pkg_json_array(&c->out, r.pkgs, r.n);
			rc = 0; /* the AUR's failure is said; the official results stand */
		} else {
			rc = 0;
		}
	}
	if (rc == 0)
		rc = found ? EXIT_OK : EXIT_NOMATCH;
	replies_free(&ar);
	replies_free(&r);
	return rc;
}

/* info's "Advisories" section: what the engine's advisory data says of an
 * installed package it marked vulnerable (one more request, only then). */
static void info_advisories(struct cli *c, const char *name)
{
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_VULNS;
	req.u.vulns.flags = VULNS_ALL;
	req.u.vulns.names = (struct strlist){&name, 1};
	struct replies r;
	if (session_request(&c->s, &req, &r) == 0 && r.have_vulns && r.nvrows) {
		buf_printf(&c->out.b, "%s%-16s%s:\n", render_col(&c->out, COL_LABEL), "Advisories",
			   render_col(&c->out, COL_RESET));
		render_vuln_advisories(&c->out, &r.vrows[0]);
	}
	replies_free(&r);
}

int cmd_info(struct cli *c, int argc, char **argv)
{
	if (argc < 1) {
		report_error(&c->err, "info needs at least one package name");
		return EXIT_USAGE;
	}
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_INFO;
	req.u.info.names = (struct strlist){(const char *const *)argv, (uint32_t)argc};
	struct replies r;
	int rc = session_ask(&c->s, &req, &r);
	if (rc) {
		replies_free(&r);
		return rc;
	}
	/* Arch: what the repositories do not have may be in the AUR. */
	struct replies ar = {0};
	if (r.missing.n && alpm_root(c) &&
	    cli_ask_aur(c, AUR_REQ_INFO, AUR_FLAG_QUIET_OFF, NULL, (int)r.missing.n,
			(char **)r.missing.v, &ar) == 0 &&
	    ar.n) {
		/* r owns its array (replies_free frees it): a bigger one of the same kind. */
		struct msg_pkg *all = xcalloc(r.n + ar.n, sizeof(*all));
		if (r.n) /* every name missing: no array */
			memcpy(all, r.pkgs, r.n * sizeof(*all));
		memcpy(all + r.n, ar.pkgs, ar.n * sizeof(*all));
		free(r.pkgs);
		r.pkgs = all;
		r.n += ar.n;
		r.cap = r.n;
		/* The names still missing: those the AUR did not have either. */
		const char **left = strpool_alloc(r.arena, r.missing.n * sizeof(*left));
		const char **prov = strpool_alloc(r.arena, r.missing.n * sizeof(*prov));
		uint32_t nleft = 0;
		for (uint32_t i = 0; i < r.missing.n; i++) {
			int got = 0;
			for (size_t k = 0; k < ar.n && !got; k++)
				got = !strcmp(ar.pkgs[k].pkg.name, r.missing.v[i]);
			if (got)
				continue;
			prov[nleft] = i < r.providers.n ? r.providers.v[i] : "";
			left[nleft++] = r.missing.v[i];
		}
		r.missing = (struct strlist){left, nleft};
		r.providers = (struct strlist){prov, nleft};
	}
	if (r.missing.n) {
		struct suggestion *sg = strpool_alloc(r.arena, r.missing.n * sizeof(*sg));
		for (uint32_t i = 0; i < r.missing.n; i++) {
			memset(&sg[i], 0, sizeof(sg[i]));
			sg[i].name = r.missing.v[i];
			sg[i].providers = i < r.providers.n ? r.providers.v[i] : "";
			suggest_fill(&c->s, &sg[i], 0, r.arena);
		}
		cli_say_missing(c, sg, r.missing.n, 1);
		rc = EXIT_UNKNOWN;
	}
	c->out.backend = c->s.backend_name;
	c->json_partial = "packages"; /* the records found, beside the error for the others */
	if (c->out.json)
		buf_putc(&c->out.b, '[');
	for (size_t i = 0; i < r.n; i++) {
		if (c->out.json) {
			buf_puts(&c->out.b, i ? ",\n" : "\n");
			render_info_json(&c->out, &r.pkgs[i]);
		} else {
			if (i)
				buf_putc(&c->out.b, '\n');
			render_info_text(&c->out, &r.pkgs[i]);
			if (r.pkgs[i].pkg.flags & PKG_VULNERABLE)
				info_advisories(c, r.pkgs[i].pkg.name);
		}
	}
	if (c->out.json)
		buf_puts(&c->out.b, r.n ? "\n]\n" : "]\n");
	replies_free(&ar);
	replies_free(&r);
	return rc;
}

int cmd_list(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		report_error(&c->err, "list takes no arguments (did you mean omg search?)");
		return EXIT_USAGE;
	}
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_LIST;
	req.u.list.kind = (uint32_t)c->list_kind;
	req.u.list.limit = (uint32_t)c->limit;
	struct replies r;
	int rc = session_ask(&c->s, &req, &r);
	if (rc == 0)
		print_pkgs(c, &r);
	replies_free(&r);
	return rc;
}

int cmd_status(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		report_error(&c->err, "status takes no arguments");
		return EXIT_USAGE;
	}
	struct replies r;
	int rc = session_ask_status(&c->s, &r);
	if (rc) {
		replies_free(&r);
		return rc;
	}
	const struct msg_status_reply *s = &r.status;
	if (c->out.json) {
		struct buf *b = &c->out.b;
		buf_putc(b, '{');
		json_kv_str(b, "backend", s->backend, 1);
		json_kv_str(b, "root", s->root, 0);
		json_kv_int(b, "packages", (int64_t)s->packages, 0);
		json_kv_int(b, "installed", (int64_t)s->installed, 0);
		json_kv_int(b, "explicit", (int64_t)s->explicit_, 0);
		json_kv_int(b, "upgradable", (int64_t)s->upgradable, 0);
		json_kv_int(b, "held", (int64_t)s->held, 0);
		json_kv_int(b, "orphans", (int64_t)s->orphans, 0);
		json_kv_int(b, "foreign", (int64_t)s->foreign, 0);
		json_kv_int(b, "generation", (int64_t)s->generation, 0);
		if (s->security_known)
			json_kv_int(b, "security", (int64_t)s->security, 0);
		else
			buf_puts(b, ",\"security\":null");
		json_kv_bool(b, "reboot_required", (int)s->reboot_required, 0);
		json_kv_int(b, "last_sync", (int64_t)s->last_sync, 0);
		json_kv_int(b, "checked", (int64_t)s->checked, 0);
		json_kv_str(b, "check_error", s->check_error, 0);
		json_kv_str(b, "transaction", s->transaction, 0);
		json_kv_str(b, "snapshot", s->snapshot, 0);
		static const char *const states[] = {"ok", "missing", "stale", "off"};
		int known = s->vuln_state == VULNS_OK || s->vuln_state == VULNS_STALE;
		if (known)
			json_kv_int(b, "vulnerable", (int64_t)s->vulnerable, 0);
		else
			buf_puts(b, ",\"vulnerable\":null");
		json_kv_str_or_null(b, "vuln_severity",
				    known && s->vulnerable ? severity_name(s->vuln_severity) : NULL, 0);
		json_kv_str(b, "vuln_state", s->vuln_state < 4 ? states[s->vuln_state] : "off", 0);
		json_kv_int(b, "vulns_fetched", (int64_t)s->vuln_fetched, 0);
		buf_puts(b, "}\n");
	} else {
		buf_printf(&c->out.b,
			   "%s%s%s on %s: %llu %s available, %llu installed (%llu explicit, "
			   "%llu foreign)\n"
			   "%llu upgradable%s, %llu held back, %llu %s\n",
			   render_col(&c->out, COL_LABEL), s->backend, render_col(&c->out, COL_RESET), s->root,
			   (unsigned long long)s->packages, fmt_plural(s->packages, "package", "packages"),
			   (unsigned long long)s->installed,
			   (unsigned long long)s->explicit_, (unsigned long long)s->foreign,
			   (unsigned long long)s->upgradable,
			   s->upgradable ? " (omg list --upgradable)" : "",
			   (unsigned long long)s->held, (unsigned long long)s->orphans,
			   fmt_plural(s->orphans, "orphan", "orphans"));
		if (s->security_known)
			buf_printf(&c->out.b, "%llu security %s\n", (unsigned long long)s->security,
				   fmt_plural(s->security, "upgrade", "upgrades"));
		char when[64];
		render_time(when, sizeof(when), (int64_t)s->vuln_fetched);
		if (s->vuln_state == VULNS_OK || s->vuln_state == VULNS_STALE)
			buf_printf(&c->out.b, "%s%llu vulnerable %s%s%s%s (advisories downloaded %s%s; "
				   "omg vulns)\n",
				   render_col(&c->out, s->vulnerable ? COL_HELD : COL_RESET),
				   (unsigned long long)s->vulnerable,
				   fmt_plural(s->vulnerable, "package", "packages"),
				   s->vulnerable ? ", highest severity " : "",
				   s->vulnerable ? severity_name(s->vuln_severity) : "",
				   render_col(&c->out, COL_RESET), when,
				   s->vuln_state == VULNS_STALE ? ", older than max_age" : "");
		else if (s->vuln_state == VULNS_MISSING)
			buf_puts(&c->out.b, "advisories: not fetched yet (omg vulns --refresh)\n");
		render_time(when, sizeof(when), (int64_t)s->last_sync);
		buf_printf(&c->out.b, "databases last synced: %s\n", s->last_sync ? when : "unknown");
		if (s->checked) {
			render_time(when, sizeof(when), (int64_t)s->checked);
			buf_printf(&c->out.b, "updates looked for: %s (a private copy of the sync "
					    "databases; the system's are untouched)\n", when);
		}
		if (s->check_error[0])
			buf_printf(&c->out.b, "%swarning:%s looking for updates failed: %s\n",
				   render_col(&c->out, COL_HELD), render_col(&c->out, COL_RESET), s->check_error);
		if (s->reboot_required)
			buf_printf(&c->out.b, "%sa reboot is required%s\n", render_col(&c->out, COL_HELD),
				   render_col(&c->out, COL_RESET));
		if (s->transaction[0])
			buf_printf(&c->out.b, "running: %s (omg attach follows it)\n", s->transaction);
	}
	replies_free(&r);
	return EXIT_OK;
}
