/* SPDX-License-Identifier: MIT */
/* Vulnerable packages and their advisories as text or JSON (omg vulns, the UI's detail pane). */
#include <string.h>

#include "client/render.h"
#include "util/json.h"

void render_vuln_table(struct render *r, const struct vuln *v, size_t n)
{
	int src = 0; /* the source column: apt's rows have one */
	for (size_t i = 0; i < n; i++)
		src |= v[i].source[0] != 0;
	size_t wn = 4, wi = 9, ws = 6, wf = 5;
	for (size_t i = 0; i < n; i++) {
		size_t a = strlen(v[i].name), b = strlen(v[i].installed), c = strlen(v[i].source),
		       d = strlen(v[i].fixed[0] ? v[i].fixed : "-");
		wn = a > wn ? a : wn;
		wi = b > wi ? b : wi;
		ws = c > ws ? c : ws;
		wf = d > wf ? d : wf;
	}
	size_t from = r->b.len;
	buf_printf(&r->b, "%s%-*s  %-*s  ", render_col(r, COL_LABEL), (int)wn, "NAME", (int)wi,
		   "INSTALLED");
	if (src)
		buf_printf(&r->b, "%-*s  ", (int)ws, "SOURCE");
	buf_printf(&r->b, "%-*s  %-8s  %-7s  IDS%s\n", (int)wf, "FIXED", "SEVERITY", "REMOTE",
		   render_col(r, COL_RESET));
	for (size_t i = 0; i < n; i++) {
		const struct vuln *x = &v[i];
		buf_printf(&r->b, "%s%-*s%s  %s%-*s%s  ", render_col(r, COL_NAME), (int)wn, x->name,
			   render_col(r, COL_RESET), render_col(r, COL_VERSION), (int)wi, x->installed,
			   render_col(r, COL_RESET));
		if (src)
			buf_printf(&r->b, "%-*s  ", (int)ws, x->source);
		buf_printf(&r->b, "%s%-*s%s  %s%-8s%s  %-7s  ",
			   render_col(r, x->fixed[0] ? COL_NEWVERSION : COL_DIM), (int)wf,
			   x->fixed[0] ? x->fixed : "-", render_col(r, COL_RESET),
			   render_col(r, x->severity >= SEV_HIGH ? COL_HELD : COL_RESET),
			   x->affected ? severity_name(x->severity) : "fixed", render_col(r, COL_RESET),
			   x->remote == VULN_REMOTE ? "remote" : x->remote == VULN_LOCAL ? "local" : "?");
		for (uint32_t k = 0; k < x->ids.n; k++)
			buf_printf(&r->b, "%s%s", k ? " " : "", x->ids.v[k]);
		buf_putc(&r->b, '\n');
	}
	render_fit_lines(r, from, 0);
}

void render_vuln_json_array(struct render *r, const struct vuln *v, size_t n)
{
	struct buf *b = &r->b;
	buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		const struct vuln *x = &v[i];
		buf_puts(b, i ? ",\n{" : "\n{");
		json_kv_str(b, "name", x->name, 1);
		json_kv_str(b, "installed", x->installed, 0);
		json_kv_str_or_null(b, "source", x->source[0] ? x->source : NULL, 0);
		json_kv_str_or_null(b, "fixed", x->fixed[0] ? x->fixed : NULL, 0);
		json_kv_str(b, "severity", severity_name(x->severity), 0);
		json_kv_strv(b, "ids", x->ids.v, x->ids.n, 0);
		if (x->remote == VULN_REMOTE_UNKNOWN)
			buf_puts(b, ",\"remote\":null");
		else
			json_kv_bool(b, "remote", x->remote == VULN_REMOTE, 0);
		buf_putc(b, '}');
	}
	buf_puts(b, n ? "\n]\n" : "]\n");
}

void render_vuln_advisories(struct render *r, const struct vuln *v)
{
	for (uint32_t i = 0; i < v->nadvs; i++) {
		const struct vuln_adv *a = &v->advs[i];
		buf_printf(&r->b, "  %s%s%s %s%s%s", render_col(r, COL_NAME), a->id,
			   render_col(r, COL_RESET),
			   render_col(r, a->affects && a->severity >= SEV_HIGH ? COL_HELD : COL_RESET),
			   severity_name(a->severity), render_col(r, COL_RESET));
		if (!a->affects)
			buf_printf(&r->b, ", fixed in %s (installed)", a->fixed);
		else if (a->fixed[0])
			buf_printf(&r->b, ", fixed in %s%s%s", render_col(r, COL_NEWVERSION), a->fixed,
				   render_col(r, COL_RESET));
		else
			buf_puts(&r->b, ", no fix yet");
		if (a->via_source)
			buf_printf(&r->b, " (source %s)", v->source);
		if (a->remote == VULN_REMOTE)
			buf_puts(&r->b, ", remote");
		if (a->type[0])
			buf_printf(&r->b, ": %s", a->type);
		for (uint32_t k = 0; k < a->issues.n; k++)
			buf_printf(&r->b, "%s%s", k ? " " : " [", a->issues.v[k]);
		buf_puts(&r->b, a->issues.n ? "]\n" : "\n");
	}
}
