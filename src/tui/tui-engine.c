/* SPDX-License-Identifier: MIT */
/* The UI's side of the engine connection: connect, send, read, and the list, status and info replies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/codec.h"
#include "tui/ui.h"
#include "util/clock.h"
#include "util/xalloc.h"

#define STATUS_POLL_MS 3000
#define RECONNECT_MS 2000
/* Typing settles this long before the AUR is asked: one search per pause, not per key. */
#define AUR_SETTLE_MS 350
#define AUR_MAX_WORDS 16

/* Marks the engine gone: the loop reconnects after RECONNECT_MS. */
static void lost(struct ui *u)
{
	u->connected = 0;
	u->reconnect_at = clock_ms() + RECONNECT_MS;
}

/* Sends m; the request id, or 0 when the engine is gone (the loop reconnects). */
uint32_t tui_engine_send(struct ui *u, struct msg *m)
{
	char err[512];
	if (!u->connected)
		return 0;
	if (client_send(u->s->client, m, err, sizeof(err)) != 0) {
		lost(u);
		tui_say(u, EL_ERROR, "lost the engine: %s", err);
		return 0;
	}
	return m->h.id;
}

/* Asks for the whole package list (brief). */
void tui_engine_ask_list(struct ui *u)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_LIST;
	m.u.list.kind = LIST_ALL;
	u->list_req = tui_engine_send(u, &m);
	u->want_list = 0;
	/* The generation the list will be from (or a newer one). */
	u->list_gen_req = u->have_status ? u->status.generation : u->s->client->engine.generation;
	if (u->list_req) {
		model_set_backend(u->model, u->s->backend_name);
		model_load_begin(u->model);
	}
	/* The vulnerable view comes from the list's flags; what it cannot
	 * carry is why it is empty: the engine's warning on LIST_VULNERABLE
	 * (no advisory data yet, stale, no feed for this root). One row is
	 * enough to get it. */
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_LIST;
	m.u.list.kind = LIST_VULNERABLE;
	m.u.list.limit = 1;
	u->vuln_note_req = tui_engine_send(u, &m);
}

/* Asks for the engine's status now. */
void tui_engine_ask_status(struct ui *u)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_STATUS;
	u->status_req = tui_engine_send(u, &m);
	u->status_at = clock_ms();
}

/* Asks for the full record of the package under the cursor, one request at a
 * time: the engine's info, or for one of the AUR's own rows, the AUR's. */
static void ask_info(struct ui *u)
{
	if (u->info_req || !u->info_want[0] || strcmp(u->info_want, u->info_name) == 0)
		return;
	struct msg m;
	memset(&m, 0, sizeof(m));
	const char *names[1] = {u->info_want};
	if (u->info_want_aur) {
		m.h.type = MSG_AUR;
		m.u.aur.op = AUR_REQ_INFO;
		m.u.aur.by = "";
		m.u.aur.hash = "";
		m.u.aur.args = (struct strlist){names, 1};
	} else {
		m.h.type = MSG_INFO;
		m.u.info.names = (struct strlist){names, 1};
	}
	u->info_req = tui_engine_send(u, &m);
	u->info_asked_aur = u->info_want_aur;
	snprintf(u->info_asked, sizeof(u->info_asked), "%s", u->info_want);
}

int tui_alpm(const struct ui *u)
{
	return u->s->backend_name && strcmp(u->s->backend_name, "alpm") == 0;
}

int tui_aur_searchable(const char *text)
{
	/* aurweb refuses a search word under 2 characters ("Query arg too small."). */
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)text;; p++) {
		if (!*p || *p == ' ' || *p == '\t') {
			if (chars >= 2)
				return 1;
			chars = 0;
			if (!*p)
				return 0;
		} else if ((*p & 0xc0) != 0x80) {
			chars++;
		}
	}
}

/* The words the AUR is searched for on this screen, into out: on an alpm root,
 * in the AUR view the words typed at the find or limit prompt, else the
 * limit, else the last find; in All the limit (the AUR's results follow the
 * list's). "" for none. */
static void aur_text(struct ui *u, char *out, size_t len)
{
	const char *t = "";
	enum view v = model_view(u->model);
	if (!tui_alpm(u) || u->screen != SCR_LIST) {
		t = u->screen == SCR_LIST ? "" : u->aur_want; /* other screens change nothing */
	} else if (v == VIEW_AUR) {
		t = u->prompt == PR_FIND || u->prompt == PR_LIMIT ? u->input
		    : *model_limit(u->model) ? model_limit(u->model) : u->find;
	} else if (v == VIEW_ALL && u->prompt != PR_LIMIT) {
		t = model_limit(u->model);
	}
	/* Spaces around the words change nothing. */
	while (*t == ' ')
		t++;
	snprintf(out, len, "%s", t);
	for (size_t n = strlen(out); n && out[n - 1] == ' ';)
		out[--n] = '\0';
}

/* Sends an aur search for the words of text ("" on a root without the AUR: the
 * engine's reply says why). */
static void aur_search(struct ui *u, const char *text)
{
	char copy[256];
	const char *words[AUR_MAX_WORDS];
	uint32_t n = 0;
	snprintf(copy, sizeof(copy), "%s", text);
	for (char *p = copy; *p && n < AUR_MAX_WORDS;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_AUR;
	m.u.aur.op = AUR_REQ_SEARCH;
	m.u.aur.by = "";
	m.u.aur.hash = "";
	m.u.aur.args = (struct strlist){words, n};
	u->aur_req = tui_engine_send(u, &m);
	u->aur_frames = 0;
	snprintf(u->aur_asked, sizeof(u->aur_asked), "%s", text);
	u->dirty = 1;
}

/* Once a turn: the AUR's results for the screen's words, asked once typing
 * settles and no other search is on its way; on another root, the engine's
 * reason once. The engine answers an aur request on a worker, so the UI
 * never waits for it: its reply is handled when it comes (take_aur). */
static void aur_tick(struct ui *u)
{
	char want[256];
	aur_text(u, want, sizeof(want));
	double now = clock_ms();
	if (strcmp(want, u->aur_want) != 0) {
		snprintf(u->aur_want, sizeof(u->aur_want), "%s", want);
		u->aur_due = now + AUR_SETTLE_MS;
		u->dirty = 1;
	}
	if (!u->connected || u->aur_req)
		return;
	if (!tui_alpm(u) && u->s->backend_name) {
		u->aur_due = 0;
		if (model_view(u->model) == VIEW_AUR && !u->aur_off_asked) {
			u->aur_off_asked = 1;
			aur_search(u, "");
		}
		return;
	}
	if (!u->aur_due || now < u->aur_due)
		return;
	u->aur_due = 0;
	if (tui_aur_searchable(u->aur_want) && strcmp(u->aur_want, u->aur_have) != 0)
		aur_search(u, u->aur_want);
}

int tui_engine_sleep_ms(const struct ui *u, int timeout)
{
	if (!u->aur_due || u->aur_req || !u->connected)
		return timeout;
	double left = u->aur_due - clock_ms();
	int ms = left > 0 ? (int)left + 1 : 0;
	return ms < timeout ? ms : timeout;
}

/* Forgets the AUR requests on their way (a new connection, or none). */
static void aur_forget(struct ui *u)
{
	u->aur_req = 0;
	u->aur_frames = 0;
	u->aur_have[0] = '\0'; /* asked again on the next connection */
	u->aur_due = u->aur_want[0] ? clock_ms() : 0;
	u->aur_off_asked = 0;
}

/* Subscribes to status events and asks for what the first screen needs. */
static void on_connected(struct ui *u)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_SUBSCRIBE;
	m.u.subscribe.what = SUB_STATUS;
	u->sub_req = tui_engine_send(u, &m);
	tui_engine_ask_list(u);
	tui_engine_ask_status(u);
}

/* Connects (or reconnects) to the engine for the root, starting one when none
 * runs and spawn is set; the old connection is closed first. */
int tui_engine_connect(struct ui *u, int spawn)
{
	if (u->s->client) {
		client_close(u->s->client);
		free(u->s->client);
		u->s->client = NULL;
	}
	int rc = session_connect(u->s, spawn, u->socket, sizeof(u->socket));
	if (rc || !u->s->client)
		return rc; /* an error, or none answered and spawn was not set */
	u->connected = 1;
	u->info_req = 0;
	u->vulns_req = 0;
	u->info_name[0] = '\0';
	aur_forget(u);
	on_connected(u);
	return 0;
}

/* Copies a status into the UI (status reply or event); adopts *arena. */
static void take_status(struct ui *u, const struct msg_status_reply *s, struct strpool **arena)
{
	strpool_free(u->status_arena);
	u->status_arena = *arena;
	*arena = NULL;
	int first = !u->have_status;
	/* New advisory data changes the list's flags without a new index. */
	if (!first && (s->vuln_state != u->status.vuln_state ||
		       s->vuln_fetched != u->status.vuln_fetched ||
		       s->vulnerable != u->status.vulnerable) && !model_loading(u->model))
		u->want_list = 1;
	u->status = *s;
	u->have_status = 1;
	if (s->generation != u->list_generation && !model_loading(u->model))
		u->want_list = 1;
	/* Opening the UI while a transaction commits shows it (detach, reopen). */
	if (first && strstr(s->transaction, "(committing)") && u->tr.phase == TR_NONE)
		tui_trans_attach(u);
	u->dirty = 1;
}

/* Sets the detail pane's text (copied), one offset per line into u->info_line. */
static void set_info(struct ui *u, const char *text, size_t len)
{
	buf_reset(&u->info_text);
	buf_append(&u->info_text, text, len);
	u->ninfo = 0;
	for (size_t i = 0; i < u->info_text.len;) {
		if (u->ninfo == u->capinfo) {
			u->capinfo = u->capinfo ? u->capinfo * 2 : 64;
			u->info_line = xrealloc(u->info_line, u->capinfo * sizeof(*u->info_line));
		}
		u->info_line[u->ninfo++] = i;
		char *nl = memchr(u->info_text.p + i, '\n', u->info_text.len - i);
		if (!nl)
			break;
		*nl = '\0';
		i = (size_t)(nl - u->info_text.p) + 1;
	}
}

/* Asks for the advisories of a vulnerable package shown in the detail pane;
 * they are added to its text when they arrive. */
static void ask_vulns(struct ui *u, const char *name)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_VULNS;
	m.u.vulns.flags = VULNS_ALL;
	const char *names[1] = {name};
	m.u.vulns.names = (struct strlist){names, 1};
	u->vulns_req = tui_engine_send(u, &m);
}

/* The detail pane of an AUR package the AUR gave no record of: why, and it is
 * not asked again until the cursor comes back to it. */
static void aur_no_record(struct ui *u, const char *why)
{
	struct buf b = {0};
	buf_printf(&b, "%-16s: %s\n%-16s: %s\n", "Name", u->info_asked, "AUR", why);
	set_info(u, b.p, b.len);
	buf_free(&b);
	snprintf(u->info_name, sizeof(u->info_name), "%s", u->info_asked);
	u->dirty = 1;
}

/* Renders the full record for the detail pane, as omg info prints it (the
 * AUR's fields too, for a package of the AUR). */
static void take_info(struct ui *u, const struct msg_pkgs *p)
{
	u->info_req = 0;
	if (!p->count && u->info_asked_aur) {
		aur_no_record(u, p->warnings.n ? p->warnings.v[0] : "the AUR no longer has it");
		return;
	}
	if (!p->count)
		return;
	struct render r = {.width = (size_t)(u->info_width > 20 ? u->info_width : 20),
			   .backend = u->s->backend_name ? u->s->backend_name : ""};
	render_info_text(&r, &p->pkgs[0]);
	set_info(u, r.b.p, r.b.len);
	buf_free(&r.b);
	const struct pkg *pk = &p->pkgs[0].pkg;
	if (strcmp(u->info_name, pk->name) != 0)
		panel_home(&u->detail_panel);
	snprintf(u->info_name, sizeof(u->info_name), "%s", pk->name);
	const struct mpkg *mp = model_find(u->model, pk->name);
	if ((pk->flags | (mp ? mp->flags : 0)) & PKG_VULNERABLE)
		ask_vulns(u, pk->name);
	u->dirty = 1;
}

/* The advisories of the package in the detail pane: one line each after its
 * record, worded as omg vulns words them. A reply for a package the pane no
 * longer shows is dropped. */
static void take_vulns(struct ui *u, const struct msg_vulns_reply *v, int more)
{
	const struct vuln *row = NULL;
	for (uint32_t i = 0; i < v->count; i++)
		if (strcmp(v->rows[i].name, u->info_name) == 0)
			row = &v->rows[i];
	if (!row && more)
		return; /* in a later frame */
	u->vulns_req = 0;
	struct render r = {.width = (size_t)(u->info_width > 20 ? u->info_width : 20),
			   .backend = u->s->backend_name ? u->s->backend_name : ""};
	for (size_t i = 0; i < u->ninfo; i++)
		buf_printf(&r.b, "%s\n", u->info_text.p + u->info_line[i]);
	if (row && row->nadvs) {
		buf_printf(&r.b, "%-16s: %u, %s\n", "Advisories", row->nadvs,
			   row->affected ? "the installed version is affected"
					 : "all fixed in the installed version");
		render_vuln_advisories(&r, row);
	} else if (!row && v->state != VULNS_OK && v->state != VULNS_STALE) {
		buf_printf(&r.b, "%-16s: %s\n", "Advisories",
			   *v->error ? v->error : "no advisory data");
	}
	set_info(u, r.b.p ? r.b.p : "", r.b.len);
	buf_free(&r.b);
	u->dirty = 1;
}

/* A frame of the package list: shown at once, committed with its last frame
 * (the cursor stays on its package across a reload). */
static void take_list(struct ui *u, const struct msg *m)
{
	model_load_add(u->model, m->u.pkgs.pkgs, m->u.pkgs.count);
	if (!u->first_chunk_ms)
		u->first_chunk_ms = clock_ms() - u->t0;
	if (m->h.flags & MSG_FLAG_MORE) {
		model_load_peek(u->model);
		u->dirty = 1;
		return;
	}
	long cur_id = u->cur;
	struct mpkg *p = model_row(u->model, (size_t)(cur_id < 0 ? 0 : cur_id));
	char name[256];
	snprintf(name, sizeof(name), "%s", p ? p->name : "");
	model_load_commit(u->model);
	if (!u->list_ms)
		u->list_ms = clock_ms() - u->t0;
	u->list_req = 0;
	u->list_generation = u->list_gen_req;
	struct mpkg *q = *name ? model_find(u->model, name) : NULL;
	long r = q ? model_row_of(u->model, q) : -1;
	if (r >= 0)
		u->cur = r;
	u->info_name[0] = '\0';
	u->dirty = 1;
}

/* A frame of the AUR's results: the model takes them with the last frame, the
 * cursor staying on its package; a warning (a timeout, the rate limit, not an
 * alpm root) is kept for the AUR view and the tabs row. */
static void take_aur(struct ui *u, const struct msg *m)
{
	if (!u->aur_frames++) {
		model_aur_begin(u->model);
		snprintf(u->aur_note, sizeof(u->aur_note), "%s",
			 m->u.pkgs.warnings.n ? m->u.pkgs.warnings.v[0] : "");
	}
	model_aur_add(u->model, m->u.pkgs.pkgs, m->u.pkgs.count);
	if (m->h.flags & MSG_FLAG_MORE)
		return;
	u->aur_req = 0;
	u->aur_frames = 0;
	struct mpkg *p = tui_current(u);
	char name[256];
	snprintf(name, sizeof(name), "%s", p ? p->name : "");
	model_aur_commit(u->model);
	struct mpkg *q = *name ? model_find(u->model, name) : NULL;
	long r = q ? model_row_of(u->model, q) : -1;
	long n = (long)model_rows(u->model);
	u->cur = r >= 0 ? r : u->cur < n ? u->cur : n ? n - 1 : 0;
	if (u->top > u->cur)
		u->top = u->cur;
	snprintf(u->aur_have, sizeof(u->aur_have), "%s", u->aur_asked);
	u->dirty = 1;
}

/* Handles one message from the engine; the transaction's go to tui-trans.c.
 * arena may be adopted (set to NULL). */
static void on_msg(struct ui *u, const struct msg *m, struct strpool **arena)
{
	uint32_t id = m->h.id;
	if (tui_trans_on_msg(u, m, arena))
		return;
	switch (m->h.type) {
	case MSG_PKGS:
		if (id == u->list_req && u->list_req)
			take_list(u, m);
		else if (id == u->info_req && u->info_req)
			take_info(u, &m->u.pkgs);
		else if (id == u->aur_req && u->aur_req)
			take_aur(u, m);
		else if (id == u->vuln_note_req && u->vuln_note_req) {
			u->vuln_note_req = 0;
			snprintf(u->vuln_note, sizeof(u->vuln_note), "%s",
				 m->u.pkgs.warnings.n ? m->u.pkgs.warnings.v[0] : "");
			u->dirty = 1;
		}
		break;
	case MSG_VULNS_REPLY:
		if (id == u->vulns_req && u->vulns_req)
			take_vulns(u, &m->u.vulns_reply, (m->h.flags & MSG_FLAG_MORE) != 0);
		break;
	case MSG_STATUS_REPLY:
	case MSG_EVENT_STATUS:
		take_status(u, &m->u.status, arena);
		break;
	case MSG_ERROR:
		if (id == u->info_req) {
			u->info_req = 0;
			if (u->info_asked_aur)
				aur_no_record(u, m->u.error.message);
		} else if (id == u->aur_req && u->aur_req) {
			/* busy, or an engine without the AUR: said in the view; new words ask again */
			u->aur_req = 0;
			u->aur_frames = 0;
			snprintf(u->aur_note, sizeof(u->aur_note), "%s", m->u.error.message);
			snprintf(u->aur_have, sizeof(u->aur_have), "%s", u->aur_asked);
		} else if (id == u->vulns_req || id == u->vuln_note_req) {
			/* an older engine, or no advisories here: the pane and view stay as they are */
			u->vulns_req = id == u->vulns_req ? 0 : u->vulns_req;
			u->vuln_note_req = id == u->vuln_note_req ? 0 : u->vuln_note_req;
		} else if (id == u->list_req) {
			u->list_req = 0;
			model_load_commit(u->model);
			tui_say(u, EL_ERROR, "the engine could not list packages: %s", m->u.error.message);
		} else {
			tui_say(u, EL_ERROR, "engine: %s", m->u.error.message);
		}
		u->dirty = 1;
		break;
	default:
		break;
	}
}

/* Reads (when read is set) and handles whatever the engine sent. */
void tui_engine_pump(struct ui *u, int read)
{
	char err[512];
	int gone = read && client_read_ready(u->s->client, err, sizeof(err)) != 0;
	struct strpool *arena = strpool_new();
	u->buffered = 0;
	for (;;) {
		/* The first screen is drawn as soon as there is something to show;
		 * the frames read behind it wait for the next turn of the loop. */
		if (!u->drawn && model_count(u->model)) {
			u->buffered = 1;
			break;
		}
		struct msg m;
		if (!arena)
			arena = strpool_new();
		int r = client_next(u->s->client, &m, arena, err, sizeof(err));
		if (r < 0) {
			gone = 1;
			break;
		}
		if (r == 0)
			break;
		on_msg(u, &m, &arena);
	}
	strpool_free(arena);
	if (gone) {
		lost(u);
		if (u->list_req) {
			model_load_commit(u->model);
			u->list_req = 0;
		}
		u->info_req = 0;
		u->vulns_req = 0;
		u->vuln_note_req = 0;
		aur_forget(u);
		tui_trans_engine_lost(u, err);
		tui_say(u, EL_ERROR, "lost the engine (%s); reconnecting", err);
	}
}

/* After a turn's keys and messages: the detail under the cursor, the status
 * poll, and a reconnect (following the change that was running) when due. */
void tui_engine_tick(struct ui *u)
{
	const char *want;
	const struct mpkg *p = tui_detail_pkg(u, &want);
	snprintf(u->info_want, sizeof(u->info_want), "%s", want ? want : "");
	u->info_want_aur = p && p->aur;
	if (u->connected)
		ask_info(u);
	aur_tick(u);
	double now = clock_ms();
	if (u->connected && now - u->status_at > STATUS_POLL_MS)
		tui_engine_ask_status(u);
	if (!u->connected && now >= u->reconnect_at) {
		if (tui_engine_connect(u, 1) == 0) {
			tui_say(u, EL_OK, "connected to the engine again");
			if (u->tr.phase == TR_RUNNING)
				tui_trans_attach(u);
		} else {
			u->reconnect_at = now + RECONNECT_MS;
		}
	}
}
