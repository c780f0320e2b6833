/* SPDX-License-Identifier: MIT */
/* The UI's event loop: keys and mouse, the engine's replies and events, one redraw per turn. */
#include "tui/tui.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/config.h"
#include "ipc/codec.h"
#include "ipc/sockpath.h"
#include "tui/ui.h"
#include "util/clock.h"
#include "util/self.h"
#include "util/xalloc.h"
#include "util/xdg.h"

#ifndef OMG_THEME_DIR
#define OMG_THEME_DIR "/usr/local/share/omg/themes"
#endif

#define STATUS_POLL_MS 3000
#define RECONNECT_MS 2000
#define MSG_MS 4000
/* Rows PgUp/PgDn move on the review and the log. */
#define TRANS_SCROLL_STEP 10

void ui_say(struct ui *u, int el, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof(u->msg), fmt, ap);
	va_end(ap);
	u->msg_el = el;
	u->msg_until = clock_ms() + MSG_MS;
	u->dirty = 1;
}

/* ---- requests ---- */

/* Sends m; the request id, or 0 when the engine is gone (the loop reconnects). */
static uint32_t send_msg(struct ui *u, struct msg *m)
{
	char err[512];
	if (!u->connected)
		return 0;
	if (client_send(u->s->client, m, err, sizeof(err)) != 0) {
		u->connected = 0;
		u->reconnect_at = clock_ms() + RECONNECT_MS;
		ui_say(u, EL_ERROR, "lost the engine: %s", err);
		return 0;
	}
	return m->h.id;
}

/* Asks for the whole package list (brief). */
static void ask_list(struct ui *u)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_LIST;
	m.u.list.kind = LIST_ALL;
	u->list_req = send_msg(u, &m);
	u->want_list = 0;
	/* The generation the list will be from (or a newer one). */
	u->list_gen_req = u->have_status ? u->status.generation : u->s->client->engine.generation;
	if (u->list_req)
		model_load_begin(u->model);
}

/* Asks for the engine's status now. */
static void ask_status(struct ui *u)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_STATUS;
	u->status_req = send_msg(u, &m);
	u->status_at = clock_ms();
}

/* Asks for the full record of the package under the cursor, one request at a time. */
static void ask_info(struct ui *u)
{
	if (u->info_req || !u->info_want[0] || strcmp(u->info_want, u->info_name) == 0)
		return;
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_INFO;
	const char *names[1] = {u->info_want};
	m.u.info.names = (struct strlist){names, 1};
	u->info_req = send_msg(u, &m);
}

/* Sends a plan, commit, cancel or answer for the transaction view. */
static uint32_t send_trans(struct ui *u, uint16_t type, uint64_t plan)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = type;
	m.u.commit.plan = plan;
	return send_msg(u, &m);
}

/* Subscribes to status events and asks for what the first screen needs. */
static void on_connected(struct ui *u)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_SUBSCRIBE;
	m.u.subscribe.what = SUB_STATUS;
	u->sub_req = send_msg(u, &m);
	ask_list(u);
	ask_status(u);
}

/* Connects (or reconnects) to the engine for the root, starting one when none
 * runs and spawn is set. An exit status; u->connected tells whether it did. */
static int connect_engine(struct ui *u, int spawn)
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
	u->info_name[0] = '\0';
	on_connected(u);
	return 0;
}

/* ---- the transaction view ---- */

/* Forgets the transaction view's plan, progress, log and question. */
static void tr_reset(struct ui *u)
{
	struct trans_view *t = &u->tr;
	strpool_free(t->arena);
	for (size_t i = 0; i < t->nlog; i++)
		free(t->log[i].text);
	free(t->log);
	for (size_t i = 0; i < t->nchoices; i++)
		free(t->choices[i]);
	free(t->choices);
	memset(t, 0, sizeof(*t));
	panel_init(&t->review_panel, TRANS_SCROLL_STEP, 0);
	/* The log shows the newest line until the user scrolls back. */
	panel_init(&t->log_panel, TRANS_SCROLL_STEP, PANEL_FOLLOW);
}

/* Adds a line to the transaction log (the oldest go past UI_LOG_MAX). */
static void tr_log(struct ui *u, int el, const char *fmt, ...)
{
	struct trans_view *t = &u->tr;
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (t->nlog == UI_LOG_MAX) {
		free(t->log[0].text);
		memmove(t->log, t->log + 1, (UI_LOG_MAX - 1) * sizeof(*t->log));
		t->nlog--;
		/* Scrolled back, the lines shown stay where they are. */
		if (!panel_at_end(&t->log_panel))
			panel_scroll(&t->log_panel, -1);
	}
	if (!t->log)
		t->log = xcalloc(UI_LOG_MAX, sizeof(*t->log));
	t->log[t->nlog++] = (struct tr_log){xstrdup(tmp), (uint16_t)el};
}

/* Plans a transaction of kind with targets and opens the review. */
static void plan(struct ui *u, uint32_t kind, char **targets, size_t n, const char *title)
{
	tr_reset(u);
	struct trans_view *t = &u->tr;
	t->kind = kind;
	snprintf(t->title, sizeof(t->title), "%s", title);
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_PLAN;
	m.u.plan.kind = kind;
	m.u.plan.targets = (struct strlist){(const char *const *)targets, (uint32_t)n};
	struct buf cmd = {0};
	buf_puts(&cmd, kind == TRANS_SYNC ? "omg (UI): sync" : "omg (UI): apply");
	for (size_t i = 0; i < n && cmd.len < 400; i++)
		buf_printf(&cmd, " %s", targets[i]);
	m.u.plan.command = cmd.p;
	t->req = send_msg(u, &m);
	buf_free(&cmd);
	if (!t->req) {
		snprintf(t->error, sizeof(t->error), "no engine to plan with");
		t->phase = TR_FAILED;
	} else {
		t->phase = TR_PLANNING;
	}
	t->auto_commit = kind == TRANS_SYNC;
	u->screen = kind == TRANS_SYNC ? SCR_TRANS : SCR_REVIEW;
	u->msg[0] = '\0';
	u->dirty = 1;
}

/* g on the list: plans the marks as one transaction. */
static void review(struct ui *u)
{
	if (!model_marked(u->model)) {
		ui_say(u, EL_WARNING, "nothing is marked: + install, - remove, U all upgrades");
		return;
	}
	char **v;
	size_t n = model_targets(u->model, &v);
	plan(u, TRANS_APPLY, v, n, "Review");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* g on the review: commits the plan. */
static void commit(struct ui *u)
{
	struct trans_view *t = &u->tr;
	if (t->phase != TR_REVIEW)
		return;
	if (!t->reply.count) {
		send_trans(u, MSG_CANCEL, t->plan);
		t->phase = TR_NONE;
		u->screen = SCR_LIST;
		ui_say(u, EL_OK, "nothing to do: the engine found every mark already done");
		return;
	}
	t->req = send_trans(u, MSG_COMMIT, t->plan);
	t->phase = TR_RUNNING;
	if (t->kind != TRANS_SYNC)
		snprintf(t->title, sizeof(t->title), "Changing the system: %u change%s", t->reply.count,
			 t->reply.count == 1 ? "" : "s");
	u->msg[0] = '\0';
	snprintf(t->phase_text, sizeof(t->phase_text), "starting");
	u->screen = SCR_TRANS;
	u->dirty = 1;
}

/* Esc on the review: drops the plan, back to the list with the marks. */
static void back_from_review(struct ui *u)
{
	if (u->tr.phase == TR_REVIEW)
		send_trans(u, MSG_CANCEL, u->tr.plan);
	/* A plan still on its way is cancelled when it arrives (on_msg). */
	if (u->tr.phase == TR_PLANNING)
		u->abandoned_req = u->tr.req;
	u->tr.phase = TR_NONE;
	u->screen = SCR_LIST;
	u->dirty = 1;
}

/* A progress event of the transaction we follow. */
static void on_trans_event(struct ui *u, const struct msg_event_trans *e)
{
	struct trans_view *t = &u->tr;
	const struct trans_event *ev = &e->ev;
	switch (ev->kind) {
	case TEV_PHASE:
		snprintf(t->phase_text, sizeof(t->phase_text), "%s", ev->text);
		tr_log(u, EL_TITLE, ":: %s", ev->text);
		break;
	case TEV_DOWNLOAD:
		snprintf(t->dl_name, sizeof(t->dl_name), "%s", ev->name);
		t->dl_done = ev->done;
		t->dl_total = ev->total;
		t->dl_rate = e->rate;
		t->dl_percent = ev->percent;
		if (ev->count) {
			t->dl_index = ev->index;
			t->dl_count = ev->count;
		}
		if (ev->percent == 100 && *ev->text)
			tr_log(u, strncmp(ev->text, "failed", 6) == 0 ? EL_ERROR : EL_DIM,
			       "%s: %s", ev->name, ev->text);
		break;
	case TEV_PACKAGE:
		if (strcmp(t->pkg_name, ev->name) != 0 || strcmp(t->pkg_text, ev->text) != 0)
			tr_log(u, EL_NORMAL, "%s %s", ev->text, ev->name);
		snprintf(t->pkg_name, sizeof(t->pkg_name), "%s", ev->name);
		snprintf(t->pkg_text, sizeof(t->pkg_text), "%s", ev->text);
		t->pkg_percent = ev->percent;
		if (ev->count) {
			t->pkg_index = ev->index;
			t->pkg_count = ev->count;
		}
		break;
	case TEV_LOG:
		tr_log(u, ev->level == TLOG_ERROR ? EL_ERROR : ev->level == TLOG_WARNING ? EL_WARNING
											  : EL_NORMAL,
		       "%s", ev->text);
		break;
	case TEV_LOCK:
		snprintf(t->phase_text, sizeof(t->phase_text), "waiting for the lock");
		tr_log(u, EL_WARNING, "waiting: %s", ev->text);
		break;
	case TEV_DECISION:
		tr_log(u, EL_WARNING, "decided: %s", ev->text);
		if (t->asking) {
			t->asking = 0; /* answered elsewhere or by its default */
		}
		break;
	case TEV_QUESTION:
		for (size_t i = 0; i < t->nchoices; i++)
			free(t->choices[i]);
		free(t->choices);
		t->nchoices = e->choices.n;
		t->choices = xcalloc(t->nchoices ? t->nchoices : 1, sizeof(*t->choices));
		for (size_t i = 0; i < t->nchoices; i++)
			t->choices[i] = xstrdup(e->choices.v[i]);
		t->qnum = e->question;
		t->qkind = e->qkind;
		t->qdef = e->def < t->nchoices ? e->def : 0;
		t->qsel = t->qdef;
		snprintf(t->qtext, sizeof(t->qtext), "%s", ev->text);
		t->qdeadline = e->timeout ? clock_ms() + e->timeout * 1000.0 : 0;
		t->asking = 1;
		tr_log(u, EL_PROMPT, "question: %s", ev->text);
		break;
	default:
		break;
	}
	u->dirty = 1;
}

/* Answers the open question with choice a. */
static void answer(struct ui *u, uint32_t a)
{
	struct trans_view *t = &u->tr;
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_ANSWER;
	m.u.answer.question = t->qnum;
	m.u.answer.answer = a;
	send_msg(u, &m);
	tr_log(u, EL_PROMPT, "answered: %s", a < t->nchoices ? t->choices[a] : "?");
	t->asking = 0;
	u->dirty = 1;
}

/* The transaction's result. */
static void on_result(struct ui *u, const struct msg_trans_result *r)
{
	struct trans_view *t = &u->tr;
	t->phase = TR_DONE;
	t->asking = 0;
	t->status = r->status;
	t->changes = r->changes;
	for (uint32_t i = 0; i < r->notes.n; i++)
		tr_log(u, EL_WARNING, "note: %s", r->notes.v[i]);
	if (r->status == 0) {
		snprintf(t->result, sizeof(t->result), "%u change%s made (history entry %llu)",
			 r->changes, r->changes == 1 ? "" : "s", (unsigned long long)r->history);
		tr_log(u, EL_OK, "%s", t->result);
		if (!t->attached && t->kind != TRANS_SYNC)
			model_clear_marks(u->model);
	} else {
		snprintf(t->result, sizeof(t->result), "%s", *r->message ? r->message : "failed");
		tr_log(u, EL_ERROR, "failed: %s", t->result);
	}
	/* A refresh that went well needs no reading: back to the list. */
	if (r->status == 0 && t->auto_commit && u->screen == SCR_TRANS) {
		u->screen = SCR_LIST;
		ui_say(u, EL_OK, "the package databases are refreshed");
	}
	ask_status(u);
	u->dirty = 1;
}

/* The engine's plan: review it (or commit a sync at once). */
static void on_plan(struct ui *u, const struct msg *m, struct strpool **arena)
{
	struct trans_view *t = &u->tr;
	t->arena = *arena;
	*arena = NULL; /* adopted: the plan's strings live as long as the view */
	t->reply = m->u.plan_reply;
	t->plan = m->u.plan_reply.plan;
	t->phase = TR_REVIEW;
	panel_home(&t->review_panel);
	if (t->auto_commit)
		commit(u);
	u->dirty = 1;
}

/* An error reply to the transaction's plan or commit. */
static void on_trans_error(struct ui *u, const struct msg_error *e)
{
	struct trans_view *t = &u->tr;
	snprintf(t->error, sizeof(t->error), "%s", e->message);
	if (e->code == ERR_DENIED && t->phase == TR_PLANNING) {
		t->phase = TR_DENIED;
	} else if (t->phase == TR_RUNNING) {
		t->phase = TR_DONE;
		t->status = e->code;
		snprintf(t->result, sizeof(t->result), "%s", e->message);
		tr_log(u, EL_ERROR, "%s", e->message);
	} else {
		t->phase = TR_FAILED;
	}
	if (u->screen == SCR_TRANS && t->phase != TR_DONE)
		u->screen = SCR_REVIEW;
	u->dirty = 1;
}

/* Follows a transaction another client (or an earlier UI) started. */
static void attach(struct ui *u)
{
	tr_reset(u);
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_ATTACH;
	u->tr.req = send_msg(u, &m);
	u->tr.phase = TR_RUNNING;
	u->tr.attached = 1;
	snprintf(u->tr.title, sizeof(u->tr.title), "%s", u->status.transaction);
	char *tail = strstr(u->tr.title, " (committing)");
	if (tail)
		*tail = '\0';
	snprintf(u->tr.phase_text, sizeof(u->tr.phase_text), "following");
	u->screen = SCR_TRANS;
	u->dirty = 1;
}

/* ---- replies and events ---- */

/* Copies a status into the UI (status reply or event). */
static void take_status(struct ui *u, const struct msg_status_reply *s, struct strpool **arena)
{
	strpool_free(u->status_arena);
	u->status_arena = *arena;
	*arena = NULL;
	int first = !u->have_status;
	u->status = *s;
	u->have_status = 1;
	if (s->generation != u->list_generation && !model_loading(u->model))
		u->want_list = 1;
	/* Opening the UI while a transaction commits shows it (detach, reopen). */
	if (first && strstr(s->transaction, "(committing)") && u->tr.phase == TR_NONE)
		attach(u);
	u->dirty = 1;
}

/* Renders the full record for the detail pane, as omg info prints it. */
static void take_info(struct ui *u, const struct msg_pkgs *p)
{
	u->info_req = 0;
	if (!p->count)
		return;
	struct render r = {.width = (size_t)(u->info_width > 20 ? u->info_width : 20),
			   .backend = u->s->backend_name ? u->s->backend_name : ""};
	render_info_text(&r, &p->pkgs[0]);
	buf_reset(&u->info_text);
	buf_append(&u->info_text, r.b.p, r.b.len);
	buf_free(&r.b);
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
	if (strcmp(u->info_name, p->pkgs[0].pkg.name) != 0)
		panel_home(&u->detail_panel);
	snprintf(u->info_name, sizeof(u->info_name), "%s", p->pkgs[0].pkg.name);
	u->dirty = 1;
}

/* Handles one message from the engine. arena may be adopted (set to NULL). */
static void on_msg(struct ui *u, const struct msg *m, struct strpool **arena)
{
	uint32_t id = m->h.id;
	switch (m->h.type) {
	case MSG_PKGS:
		if (id == u->list_req && u->list_req) {
			model_load_add(u->model, m->u.pkgs.pkgs, m->u.pkgs.count);
			if (!u->first_chunk_ms)
				u->first_chunk_ms = clock_ms() - u->t0;
			if (!(m->h.flags & MSG_FLAG_MORE)) {
				long cur_id = u->cur;
				struct mpkg *p = model_row(u->model, (size_t)(cur_id < 0 ? 0 : cur_id));
				char name[256];
				snprintf(name, sizeof(name), "%s", p ? p->name : "");
				model_load_commit(u->model);
				if (!u->list_ms)
					u->list_ms = clock_ms() - u->t0;
				u->list_req = 0;
				u->list_generation = u->list_gen_req;
				/* Keep the cursor on the same package across a reload. */
				struct mpkg *q = *name ? model_find(u->model, name) : NULL;
				long r = q ? model_row_of(u->model, q) : -1;
				if (r >= 0)
					u->cur = r;
				u->info_name[0] = '\0';
			} else {
				model_load_peek(u->model);
			}
			u->dirty = 1;
		} else if (id == u->info_req && u->info_req) {
			take_info(u, &m->u.pkgs);
		}
		break;
	case MSG_STATUS_REPLY:
	case MSG_EVENT_STATUS:
		take_status(u, &m->u.status, arena);
		break;
	case MSG_PLAN_REPLY:
		if (id == u->tr.req && u->tr.phase == TR_PLANNING)
			on_plan(u, m, arena);
		else if (id == u->abandoned_req) {
			/* The user went back while the engine planned: let go of
			 * its lock now rather than after plan_timeout. */
			send_trans(u, MSG_CANCEL, m->u.plan_reply.plan);
			u->abandoned_req = 0;
		}
		break;
	case MSG_EVENT_TRANS:
		if (id == u->tr.req && u->tr.req)
			on_trans_event(u, &m->u.event);
		break;
	case MSG_TRANS_RESULT:
		if (id == u->tr.req && u->tr.req)
			on_result(u, &m->u.result);
		break;
	case MSG_ERROR:
		if (id == u->tr.req && u->tr.req) {
			if (u->tr.attached && m->u.error.code == ERR_STATE) {
				u->tr.phase = TR_NONE; /* it ended before we attached */
				u->screen = SCR_LIST;
			} else {
				on_trans_error(u, &m->u.error);
			}
		} else if (id == u->info_req) {
			u->info_req = 0;
		} else if (id == u->list_req) {
			u->list_req = 0;
			model_load_commit(u->model);
			ui_say(u, EL_ERROR, "the engine could not list packages: %s", m->u.error.message);
		} else {
			ui_say(u, EL_ERROR, "engine: %s", m->u.error.message);
		}
		u->dirty = 1;
		break;
	default:
		break;
	}
}

/* Reads and handles whatever the engine sent. */
static void pump(struct ui *u, int read)
{
	char err[512];
	int lost = read && client_read_ready(u->s->client, err, sizeof(err)) != 0;
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
			lost = 1;
			break;
		}
		if (r == 0)
			break;
		on_msg(u, &m, &arena);
	}
	strpool_free(arena);
	if (lost) {
		u->connected = 0;
		u->reconnect_at = clock_ms() + RECONNECT_MS;
		if (u->list_req) {
			model_load_commit(u->model);
			u->list_req = 0;
		}
		u->info_req = 0;
		if (u->tr.phase == TR_RUNNING) {
			tr_log(u, EL_ERROR, "lost the engine: %s", err);
			snprintf(u->tr.phase_text, sizeof(u->tr.phase_text), "engine gone");
		}
		ui_say(u, EL_ERROR, "lost the engine (%s); reconnecting", err);
	}
}

/* ---- keys ---- */

/* The package under the cursor, or NULL. */
static struct mpkg *current(struct ui *u)
{
	return u->cur >= 0 ? model_row(u->model, (size_t)u->cur) : NULL;
}

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
	struct mpkg *p = current(u);
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
			ui_say(u, EL_WARNING, "no package matches '%s'", u->input);
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

/* After a mark: the marked view drops or gains rows; elsewhere the cursor
 * moves on, as aptitude's does (not in the full-screen detail). */
static void after_mark(struct ui *u)
{
	if (model_view(u->model) == VIEW_MARKED) {
		struct mpkg *p = current(u);
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
	struct mpkg *p = current(u);
	if (!p)
		return;
	char err[256];
	int apt = u->s->backend_name && strcmp(u->s->backend_name, "apt") == 0;
	if (mk == MARK_NONE) {
		if (p->mark == MARK_NONE)
			return;
	}
	if (model_mark(u->model, p, mk, apt, err, sizeof(err)) != 0) {
		ui_say(u, EL_WARNING, "%s", err);
		return;
	}
	after_mark(u);
}

/* The system engine's socket for the root the UI shows (its real path, as
 * the daemon names it). 0, or -1 with why said in the status bar. */
static int system_socket(struct ui *u, char *out, size_t len)
{
	char real[PATH_MAX], err[256];
	const char *root = u->s->root ? u->s->root : "/";
	if (!realpath(root, real)) {
		ui_say(u, EL_ERROR, "%s: %s", root, strerror(errno));
		return -1;
	}
	if (sockpath_system(real, out, len, err, sizeof(err)) != 0) {
		ui_say(u, EL_ERROR, "%s", err);
		return -1;
	}
	return 0;
}

/* Moves the UI to the system engine at sys and plans the denied change
 * again there. */
static void use_system_engine(struct ui *u, const char *sys)
{
	uint32_t kind = u->tr.kind;
	free(u->system_socket);
	u->system_socket = xstrdup(sys);
	u->s->socket = u->system_socket;
	if (connect_engine(u, 0) != 0 || !u->connected) {
		ui_say(u, EL_ERROR, "no system engine answers at %s", sys);
		return;
	}
	ui_say(u, EL_OK, "connected to the system engine");
	if (kind == TRANS_SYNC)
		plan(u, TRANS_SYNC, NULL, 0, "Refreshing the package databases");
	else
		review(u);
}

/* r on the permission screen: the user started the system engine elsewhere. */
static void find_system_engine(struct ui *u)
{
	char sys[256], err[256];
	struct client probe;
	if (system_socket(u, sys, sizeof(sys)) != 0)
		return;
	if (client_open(&probe, sys, "omg-ui", err, sizeof(err)) != 0) {
		ui_say(u, EL_WARNING, "no system engine answers at %s yet", sys);
		return;
	}
	client_close(&probe);
	use_system_engine(u, sys);
}

/* Runs sudo omg daemon --system on the plain terminal, then comes back to
 * the system engine and plans the denied change again. */
static void start_system_engine(struct ui *u)
{
	char self[PATH_MAX];
	if (self_path(self, sizeof(self)) != 0) {
		ui_say(u, EL_ERROR, "cannot find the omg program: %s", strerror(errno));
		return;
	}
	char sys[256], err[256];
	if (system_socket(u, sys, sizeof(sys)) != 0)
		return;
	term_suspend(u->term);
	printf("\nomg: changing the system needs the system engine, which runs as root.\n"
	       "omg: running: sudo -b %s daemon --system%s%s\n\n", self,
	       u->s->root ? " --root " : "", u->s->root ? u->s->root : "");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[10];
		int k = 0;
		argv[k++] = "sudo";
		argv[k++] = "-b";
		argv[k++] = self;
		argv[k++] = "daemon";
		argv[k++] = "--system";
		if (u->s->root) {
			argv[k++] = "--root";
			argv[k++] = u->s->root;
		}
		if (u->s->backend) {
			argv[k++] = "--backend";
			argv[k++] = u->s->backend;
		}
		argv[k] = NULL;
		execvp("sudo", (char *const *)argv);
		fprintf(stderr, "omg: cannot run sudo: %s\n", strerror(errno));
		_exit(127);
	}
	int st = 0;
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	int ok = pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	/* Wait for the engine to listen. */
	struct client probe;
	int up = 0;
	for (int i = 0; ok && i < 100 && !up; i++) {
		if (client_open(&probe, sys, "omg-ui", err, sizeof(err)) == 0) {
			client_close(&probe);
			up = 1;
		} else {
			usleep(100 * 1000);
		}
	}
	if (!up) {
		printf("omg: the system engine did not start. Run this yourself, then press g again:\n"
		       "    sudo omg daemon --system%s%s\n\nPress Enter to go back to omg.",
		       u->s->root ? " --root " : "", u->s->root ? u->s->root : "");
		fflush(stdout);
		int c;
		while ((c = getchar()) != EOF && c != '\n')
			;
	}
	term_resume(u->term);
	if (!up) {
		u->screen = SCR_LIST;
		u->tr.phase = TR_NONE;
		u->dirty = 1;
		return;
	}
	use_system_engine(u, sys);
}

/* A key while a question is open (on the transaction or review screen). */
static void question_key(struct ui *u, const struct term_key *k)
{
	struct trans_view *t = &u->tr;
	switch (k->code) {
	case TK_UP:
	case 'k': if (t->qsel) t->qsel--; break;
	case TK_DOWN:
	case 'j': if (t->qsel + 1 < t->nchoices) t->qsel++; break;
	case TK_ENTER: answer(u, t->qsel); break;
	case TK_ESC: answer(u, t->qdef); break;
	case 'y':
	case 'n':
		for (uint32_t i = 0; i < t->nchoices; i++)
			if (t->choices[i][0] == k->code && strlen(t->choices[i]) <= 3) {
				answer(u, i);
				break;
			}
		break;
	default: break;
	}
	u->dirty = 1;
}

/* A key on the transaction screen. */
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

/* A key on the review screen. */
static void review_key(struct ui *u, const struct term_key *k)
{
	struct trans_view *t = &u->tr;
	if (t->asking) { /* a question while the engine plans */
		question_key(u, k);
		return;
	}
	switch (k->code) {
	case 'g':
	case 'y':
	case TK_ENTER:
		if (t->phase == TR_REVIEW)
			commit(u);
		else if (t->phase == TR_FAILED && k->code == TK_ENTER)
			back_from_review(u);
		break;
	case 's':
		if (t->phase == TR_DENIED)
			start_system_engine(u);
		break;
	case 'r':
		if (t->phase == TR_DENIED)
			find_system_engine(u);
		break;
	case TK_ESC:
	case 'q':
	case 'n':
		back_from_review(u);
		break;
	default: panel_key(&t->review_panel, k); break;
	}
	u->dirty = 1;
}

/* Sorts by column s; the same column again reverses. */
static void sort_by(struct ui *u, enum sort s)
{
	struct mpkg *p = current(u);
	int rev = model_sort(u->model) == s ? !model_reverse(u->model) : 0;
	model_set_sort(u->model, s, rev);
	long r = p ? model_row_of(u->model, p) : 0;
	move_to(u, r >= 0 ? r : 0);
}

/* Shows view v, keeping the cursor's package when it is in it. */
static void show_view(struct ui *u, enum view v)
{
	struct mpkg *p = current(u);
	model_set_view(u->model, v);
	long r = p ? model_row_of(u->model, p) : -1;
	u->top = 0;
	move_to(u, r >= 0 ? r : 0);
}

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

/* A key on the list (or the full-screen detail, or help). */
static void list_key(struct ui *u, const struct term_key *k)
{
	if (u->screen == SCR_HELP) {
		/* The panel's keys and Space scroll the help; any other key leaves it. */
		struct term_key kk = *k;
		if (kk.code == ' ')
			kk.code = TK_PGDN;
		if (!panel_key(&u->help_panel, &kk))
			u->screen = SCR_LIST;
		u->dirty = 1;
		return;
	}
	if (u->screen == SCR_DETAIL) {
		if (detail_key(u, k))
			return;
		if (k->code == TK_ESC || k->code == 'q' || k->code == TK_ENTER) {
			u->screen = SCR_LIST;
			u->dirty = 1;
			return;
		}
	}
	if (u->focus_detail && u->screen == SCR_LIST && detail_key(u, k))
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
		if (current(u)) {
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
			ui_say(u, EL_NORMAL, "limit cleared");
		}
		u->dirty = 1;
		break;
	case '/': prompt_open(u, PR_FIND); break;
	case 'l': prompt_open(u, PR_LIMIT); break;
	case 'n':
	case 'N': {
		if (!*u->find) {
			ui_say(u, EL_WARNING, "no search yet: / finds a package");
			break;
		}
		long r = model_next_match(u->model, u->find, u->cur, k->code == 'n' ? 1 : -1);
		if (r < 0)
			ui_say(u, EL_WARNING, "no package matches '%s'", u->find);
		else
			move_to(u, r);
		break;
	}
	case '+': mark(u, MARK_INSTALL); break;
	case '-': mark(u, MARK_REMOVE); break;
	case '_': mark(u, MARK_PURGE); break;
	case '=': mark(u, MARK_KEEP); break;
	case ':': {
		struct mpkg *p = current(u);
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
			ui_say(u, EL_OK, "marked %zu upgrade%s; g reviews the plan", n, n == 1 ? "" : "s");
		else
			ui_say(u, EL_NORMAL, "nothing more to upgrade");
		if (model_view(u->model) == VIEW_MARKED)
			model_set_view(u->model, VIEW_MARKED);
		break;
	}
	case TK_CTRL_U:
		if (model_undo(u->model) != 0)
			ui_say(u, EL_WARNING, "nothing to undo");
		else if (model_view(u->model) == VIEW_MARKED)
			model_set_view(u->model, VIEW_MARKED);
		u->dirty = 1;
		break;
	case 'g': review(u); break;
	case 'u': plan(u, TRANS_SYNC, NULL, 0, "Refreshing the package databases"); break;
	case '1': case '2': case '3': case '4': case '5':
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

/* Every key and mouse event goes through here; resize is handled only here. */
static void on_key(struct ui *u, const struct term_key *k)
{
	if (k->code == TK_RESIZE) {
		view_layout(u);
		move_to(u, u->cur);
		term_redraw_all(u->term);
		u->dirty = 1;
		return;
	}
	if (u->too_small) {
		/* Only quitting works on a screen too small to show anything; it
		 * asks about marks and detaches a running change as q does. */
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
	default: list_key(u, k); break;
	}
}

/* ---- set up and the loop ---- */

/* Points stderr at $XDG_STATE_HOME/omg/ui.log (or /dev/null) while curses
 * draws; the old stderr to restore, or -1. */
static int quiet_stderr(void)
{
	int saved = dup(STDERR_FILENO);
	char *dir = xdg_omg_dir(XDG_STATE);
	char *path = dir && xdg_mkdirs(dir) == 0 ? xasprintf("%s/ui.log", dir) : NULL;
	int fd = open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	free(dir);
	free(path);
	return saved;
}

/* The theme: --theme, else the configuration's, else the built-in one. */
static struct theme *load_theme(const char *name, char *err, size_t errlen)
{
	if (!name || !*name)
		return theme_builtin();
	char exe[PATH_MAX], beside[PATH_MAX + 16];
	if (self_dir(exe, sizeof(exe)) != 0)
		exe[0] = '\0';
	snprintf(beside, sizeof(beside), "%s/themes", exe);
	char *cfg = xdg_omg_dir(XDG_CONFIG);
	char *user = cfg ? xasprintf("%s/themes", cfg) : NULL;
	free(cfg);
	const char *env = getenv("OMG_THEME_DIR");
	const char *dirs[5];
	size_t k = 0;
	if (env && *env)
		dirs[k++] = env;
	if (user)
		dirs[k++] = user;
	dirs[k++] = beside;
	dirs[k++] = OMG_THEME_DIR;
	dirs[k] = NULL;
	struct theme *t = theme_load(name, dirs, err, errlen);
	free(user);
	return t;
}

int tui_run(struct session *s, const struct tui_opts *o)
{
	struct config cfg;
	char err[1024];
	char *cpath = config_path(0);
	if (config_load(&cfg, cpath, err, sizeof(err)) != 0) {
		fprintf(stderr, "omg: %s\n", err);
		free(cpath);
		return EXIT_USAGE;
	}
	free(cpath);
	const char *tname = o->theme ? o->theme : cfg.theme;
	struct theme *theme = load_theme(tname, err, sizeof(err));
	if (!theme) {
		fprintf(stderr, "omg: %s\n", err);
		return EXIT_USAGE;
	}
	if (s->no_daemon) {
		fprintf(stderr, "omg: the UI talks to the engine; drop --no-daemon (OMG_NO_DAEMON)\n");
		theme_free(theme);
		return EXIT_USAGE;
	}
	struct ui *u = xcalloc(1, sizeof(*u));
	u->t0 = clock_ms();
	u->s = s;
	u->theme = theme;
	u->model = model_new();
	u->cur = 0;
	const char *cs = nl_langinfo(CODESET);
	u->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	tr_reset(u);
	panel_init(&u->detail_panel, PANEL_PAGE, 0);
	panel_init(&u->help_panel, PANEL_PAGE, 0);
	/* The engine starts on the list while curses sets up. */
	int rc = connect_engine(u, 0);
	if (rc == 0 && !u->connected) {
		fprintf(stderr, "omg: starting the engine for %s (its first start reads the package "
				"databases)...\n", s->root ? s->root : "/");
		rc = connect_engine(u, 1);
	}
	u->connect_ms = clock_ms() - u->t0;
	if (rc) {
		model_free(u->model);
		theme_free(theme);
		free(u);
		return rc;
	}
	const char *nc = getenv("NO_COLOR");
	int no_color = (nc && *nc) || strcmp(theme_name(theme), "mono") == 0;
	int use_mouse = o->mouse >= 0 ? o->mouse : cfg.mouse;
	u->term = term_open(theme, no_color, use_mouse, err, sizeof(err));
	if (!u->term) {
		fprintf(stderr, "omg: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	/* Curses owns the screen: anything written to stderr meanwhile (a failed
	 * engine start while reconnecting) goes to a log instead of over it. */
	int saved_err = quiet_stderr();
	view_layout(u);
	u->dirty = 1;
	int first = 1;
	while (!u->quit) {
		if (u->want_list && u->connected && !u->list_req)
			ask_list(u);
		if (u->dirty) {
			view_draw(u);
			u->dirty = 0;
			u->drawn = model_count(u->model) != 0;
			if (first && model_count(u->model)) {
				u->first_frame_ms = clock_ms() - u->t0;
				first = 0;
			}
		}
		double now = clock_ms();
		int timeout = u->buffered ? 0 : 1000;
		if (u->tr.asking && timeout)
			timeout = 250;
		/* Idle with a fresh list: fold it for matching now, not on the first
		 * key of a search. */
		if (!u->dirty && poll(&(struct pollfd){term_fd(u->term), POLLIN, 0}, 1, 0) == 0) {
			double f0 = clock_ms();
			if (model_prepare(u->model))
				u->fold_ms = clock_ms() - f0;
		}
		struct pollfd p[2] = {{term_fd(u->term), POLLIN, 0},
				      {u->connected ? u->s->client->fd : -1, POLLIN, 0}};
		int r = poll(p, 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		struct term_key k;
		while (!u->quit && term_key(u->term, &k))
			on_key(u, &k);
		if (u->connected && (u->buffered || (p[1].revents & (POLLIN | POLLHUP | POLLERR))))
			pump(u, (p[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0);
		struct mpkg *cp = current(u);
		snprintf(u->info_want, sizeof(u->info_want), "%s", cp ? cp->name : "");
		if (u->connected)
			ask_info(u);
		now = clock_ms();
		if (u->msg[0] && now > u->msg_until) {
			u->msg[0] = '\0';
			u->dirty = 1;
		}
		if (u->connected && now - u->status_at > STATUS_POLL_MS)
			ask_status(u);
		if (!u->connected && now >= u->reconnect_at) {
			if (connect_engine(u, 1) == 0) {
				ui_say(u, EL_OK, "connected to the engine again");
				if (u->tr.phase == TR_RUNNING)
					attach(u);
			} else {
				u->reconnect_at = now + RECONNECT_MS;
			}
		}
		if (u->tr.asking)
			u->dirty = 1; /* the countdown */
	}
	rc = EXIT_OK;
	if (saved_err >= 0) {
		dup2(saved_err, STDERR_FILENO);
		close(saved_err);
	}
out:
	term_close(u->term);
	if (u->detached)
		printf("omg: %s goes on in the engine (pid %u); run omg or omg attach to follow it\n",
		       *u->tr.title ? u->tr.title : "the transaction",
		       u->s->client ? (unsigned)u->s->client->engine.pid : 0u);
	else if (u->tr.phase == TR_REVIEW)
		send_trans(u, MSG_CANCEL, u->tr.plan);
	if (getenv("OMG_UI_TIMING"))
		fprintf(stderr, "omg: ui: connect %.1f ms, first list frame %.1f ms, first screen "
				"%.1f ms, whole list %.1f ms (%zu packages), search index %.1f ms\n",
			u->connect_ms, u->first_chunk_ms, u->first_frame_ms, u->list_ms,
			model_count(u->model), u->fold_ms);
	tr_reset(u);
	model_free(u->model);
	free(u->system_socket);
	strpool_free(u->status_arena);
	buf_free(&u->info_text);
	free(u->info_line);
	line_free(&u->line);
	line_free(&u->cell);
	theme_free(theme);
	free(u);
	return rc;
}
