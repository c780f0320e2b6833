/* SPDX-License-Identifier: MIT */
/* Packages, records and the engine's status as text or JSON: what the CLI prints and the UI shows. */
#ifndef OMG_CLIENT_RENDER_H
#define OMG_CLIENT_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/protocol.h"
#include "util/buf.h"

/* Semantic elements of coloured text; the colours are named in render.c alone. */
enum render_color {
	COL_RESET, COL_NAME, COL_VERSION, COL_NEWVERSION, COL_REPO, COL_INSTALLED,
	COL_HELD, COL_LABEL, COL_DIM,
};

/* Where and how to render: the narrow output a renderer takes (never a whole front end). */
struct render {
	struct buf b;        /* the text is appended here */
	int json;            /* JSON instead of text */
	int color;           /* ANSI colours in text */
	size_t width;        /* terminal columns to fit text to; 0 = do not cut */
	const char *backend; /* "alpm" or "apt": which fields a record has; "" unknown */
};

/* The escape for a semantic element, or "" when colour is off. */
const char *render_col(const struct render *r, enum render_color e);
/* "2026-11-24 06:30:12" (local time) for a Unix time, into out. */
void render_time(char *out, size_t len, int64_t t);
/* A byte count as fmt_size writes it, appended to b. */
void render_size(struct buf *b, int64_t bytes);
/* One name per line (--quiet). */
void render_pkg_names(struct render *r, const struct msg_pkg *v, size_t n);
/* aptitude's state letters of p into s (docs/cli.md, "State letters"): first
 * the current state (i installed, p not installed), then the action (action
 * when not 0 or ' ': a front end's mark; else h when the package is held),
 * then A when it was installed automatically. */
void render_state(char s[4], const struct pkg *p, char action);
/* An aligned table of packages: state letters, name, version, repo,
 * description; on a terminal (width set) every line fits the width. */
void render_pkg_table(struct render *r, const struct msg_pkg *v, size_t n);
/* A JSON array of brief package objects (search and list). */
void render_pkg_json_array(struct render *r, const struct msg_pkg *v, size_t n);
/* Every field of one package (a full record), as text or as a JSON object. */
void render_info_text(struct render *r, const struct msg_pkg *p);
void render_info_json(struct render *r, const struct msg_pkg *p);
/* omg daemon status: the engine's facts, as text or JSON. */
void render_engine_status(struct render *r, const char *socket, const struct msg_status_reply *s);

/* render-vuln.c: an aligned table of vulnerable packages (omg vulns): name,
 * installed version, source (apt), fixed version, severity ("fixed" for a
 * row no advisory affects any more), remote, ids. */
void render_vuln_table(struct render *r, const struct vuln *v, size_t n);
/* A JSON array of rows with exactly the keys name, installed, source, fixed,
 * severity, ids, remote (null where unknown). */
void render_vuln_json_array(struct render *r, const struct vuln *v, size_t n);
/* One line per advisory of v: id, severity, fixed version, remote, type, issues. */
void render_vuln_advisories(struct render *r, const struct vuln *v);

/* The version column of a plan item: "1.0-1 -> 1.1-1", "3.2-1", or the old one. */
void render_versions(struct buf *b, const struct trans_item *it);
/* A plan as text: one line per package (action, name, versions, repository,
 * dependency, download size), then the counts per action and the sizes. On
 * a terminal (width set) every line fits the width. */
void render_plan_text(struct render *r, const struct msg_plan_reply *p);
/* One policy violation as the plan shows it, appended to b: "deny: foo
 * matches 'foo*'", then " (overridden)" when it was. */
void render_violation(struct buf *b, const struct policy_violation *v);
/* How many of the plan's violations are not overridden: while any is, the
 * engine refuses the commit (ERR_POLICY). */
uint32_t render_policy_blocking(const struct msg_plan_reply *p);
/* Fits the text r->b holds from byte from on to r->width (nothing when 0):
 * a line too wide is cut with an ellipsis, or (wrap) broken at spaces and
 * continued at its hanging indent (its leading spaces, or past "Label: ").
 * Colour escapes take no columns. */
void render_fit_lines(struct render *r, size_t from, int wrap);

#endif
