/* SPDX-License-Identifier: MIT */
/* omg vulns: the installed packages with known advisories, from the engine's feed. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "util/fmt.h"

/* "3 h ago" for a Unix time, into out. */
static void age(char *out, size_t len, uint64_t t)
{
	long long d = (long long)time(NULL) - (long long)t;
	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(out, len, "%lld s ago", d);
	else if (d < 7200)
		snprintf(out, len, "%lld min ago", d / 60);
	else if (d < 172800)
		snprintf(out, len, "%lld h ago", d / 3600);
	else
		snprintf(out, len, "%lld days ago", d / 86400);
}

int cmd_vulns(struct cli *c, int argc, char **argv)
{
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_VULNS;
	req.u.vulns.flags = (c->all ? VULNS_ALL : 0) | (c->refresh ? VULNS_REFRESH : 0);
	req.u.vulns.names = (struct strlist){(const char *const *)argv, (uint32_t)argc};
	c->json_partial = "vulnerabilities";
	struct replies r;
	int rc = session_ask(&c->s, &req, &r);
	if (rc) {
		replies_free(&r);
		return rc;
	}
	const struct msg_vulns_reply *h = &r.vulns;
	if (!r.have_vulns) {
		report_error(&c->err, "no answer about advisories from the engine");
		replies_free(&r);
		return EXIT_DB;
	}
	if (h->error[0] && h->state != VULNS_OFF)
		fprintf(stderr, "omg: warning: refreshing the advisories failed: %s\n", h->error);
	if (h->state == VULNS_OFF) {
		report_error(&c->err, "no advisory data for this root: %s", h->error);
		replies_free(&r);
		return EXIT_NODATA;
	}
	if (h->state == VULNS_MISSING) {
		report_error(&c->err, "no advisory data yet%s: nothing is known about "
			     "vulnerabilities (omg vulns --refresh fetches %s)",
			     h->error[0] ? " (the last fetch failed)" : "", h->url);
		replies_free(&r);
		return EXIT_NODATA;
	}
	char when[64], ago[32];
	render_time(when, sizeof(when), (int64_t)h->fetched);
	age(ago, sizeof(ago), h->checked);
	if (c->out.json) {
		render_vuln_json_array(&c->out, r.vrows, r.nvrows);
	} else if (c->quiet) {
		for (size_t i = 0; i < r.nvrows; i++)
			buf_printf(&c->out.b, "%s\n", r.vrows[i].name);
	} else if (r.nvrows) {
		render_vuln_table(&c->out, r.vrows, r.nvrows);
	}
	int stale = h->state == VULNS_STALE;
	if (stale)
		report_error(&c->err, "the advisory data is old: last confirmed %s, more than "
			     "[security] max_age (omg vulns --refresh)", ago);
	if (!c->out.json && !c->quiet) {
		if (h->vulnerable)
			buf_printf(&c->out.b, "%llu vulnerable %s, highest severity %s",
				   (unsigned long long)h->vulnerable,
				   fmt_plural(h->vulnerable, "package", "packages"),
				   severity_name(h->max_severity));
		else if (!stale)
			buf_puts(&c->out.b, "no known vulnerabilities in the installed packages");
		else
			buf_puts(&c->out.b, "no vulnerability in the old data");
		buf_printf(&c->out.b, " (advisories from %s, downloaded %s, checked %s)\n", h->url,
			   when, ago);
	}
	size_t affected = 0;
	for (size_t i = 0; i < r.nvrows; i++)
		affected += r.vrows[i].affected;
	replies_free(&r);
	if (stale)
		return EXIT_NODATA;
	return affected ? EXIT_NOMATCH : EXIT_OK;
}
