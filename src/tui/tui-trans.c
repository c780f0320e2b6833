/* SPDX-License-Identifier: MIT */
/* The UI's transactions: plan, review, commit, progress events, questions, and the move to the system engine. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/sockpath.h"
#include "tui/ui.h"
#include "util/clock.h"
#include "util/self.h"
#include "util/xalloc.h"

/* Rows PgUp/PgDn move on the review and the log. */
#define TRANS_SCROLL_STEP 10

const int tui_review_group[TUI_REVIEW_GROUPS] = {ACT_REMOVE,    ACT_PURGE,     ACT_INSTALL, ACT_UPGRADE,
						 ACT_DOWNGRADE, ACT_REINSTALL, ACT_REFRESH};

/* The plan's items in the review's order (by group): their count, and their
 * indexes into *order (malloc'd). */
size_t tui_trans_review_order(const struct ui *u, uint32_t **order)
{
	const struct msg_plan_reply *p = &u->tr.reply;
	uint32_t *v = xcalloc(p->count ? p->count : 1, sizeof(*v));
	size_t n = 0;
	for (int g = 0; g < TUI_REVIEW_GROUPS; g++)
		for (uint32_t i = 0; i < p->count; i++)
			if ((int)p->items[i].action == tui_review_group[g])
				v[n++] = i;
	*order = v;
	return n;
}

/* Sends a plan, commit, cancel or answer for the transaction view. */
static uint32_t send_trans(struct ui *u, uint16_t type, uint64_t plan)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = type;
	m.u.commit.plan = plan;
	return tui_engine_send(u, &m);
}

/* Forgets the transaction view's plan, progress, log and question. */
void tui_trans_reset(struct ui *u)
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
__attribute__((format(printf, 3, 4)))
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

/* Sends the plan request for kind with targets (borrowed) and flags; its id. */
static uint32_t send_plan(struct ui *u, uint32_t kind, char **targets, size_t n, uint32_t flags)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_PLAN;
	m.u.plan.kind = kind;
	m.u.plan.flags = flags;
	m.u.plan.targets = (struct strlist){(const char *const *)targets, (uint32_t)n};
	struct buf cmd = {0};
	buf_puts(&cmd, kind == TRANS_SYNC ? "omg (UI): sync" : "omg (UI): apply");
	for (size_t i = 0; i < n && cmd.len < 400; i++)
		buf_printf(&cmd, " %s", targets[i]);
	m.u.plan.command = cmd.p;
	uint32_t req = tui_engine_send(u, &m);
	buf_free(&cmd);
	return req;
}

/* Plans a transaction of kind with targets (borrowed) and flags, and opens the
 * review (a sync: the transaction screen). Every plan starts a clean view. */
static void plan(struct ui *u, uint32_t kind, char **targets, size_t n, uint32_t flags,
		 const char *title)
{
	tui_trans_reset(u);
	struct trans_view *t = &u->tr;
	t->kind = kind;
	t->dry = !!(flags & TRANS_DRY_RUN);
	t->change_held = !!(flags & TRANS_CHANGE_HELD);
	snprintf(t->title, sizeof(t->title), "%s", title);
	t->req = send_plan(u, kind, targets, n, flags);
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

/* u: refreshes the package databases (committed without a review). */
void tui_trans_sync(struct ui *u)
{
	plan(u, TRANS_SYNC, NULL, 0, 0, "Refreshing the package databases");
}

/* Plans the marks with flags; the request id (0: no engine). */
static uint32_t plan_marks(struct ui *u, uint32_t flags, int open)
{
	char **v;
	size_t n = model_targets(u->model, &v);
	uint32_t req = 0;
	if (open)
		plan(u, TRANS_APPLY, v, n, flags, "Review");
	else
		req = send_plan(u, TRANS_APPLY, v, n, flags);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return req;
}

/* g on the list: plans the marks as one transaction, as a dry run: any user
 * may see it, and no lock is taken while the user reads it. */
void tui_trans_review(struct ui *u)
{
	if (!model_marked(u->model)) {
		tui_say(u, EL_WARNING, "nothing is marked: mark with + (install), - (remove) or "
				       "U (all upgrades), then g");
		return;
	}
	plan_marks(u, TRANS_DRY_RUN, 1);
}

/* The reviewed plan's items match a new plan's (same packages, actions and
 * versions, in any order)? */
static int same_items(const struct msg_plan_reply *a, const struct msg_plan_reply *b)
{
	if (a->count != b->count)
		return 0;
	for (uint32_t i = 0; i < a->count; i++) {
		const struct trans_item *x = &a->items[i];
		uint32_t j = 0;
		for (; j < b->count; j++) {
			const struct trans_item *y = &b->items[j];
			if (x->action == y->action && strcmp(x->name, y->name) == 0 &&
			    strcmp(x->old_version, y->old_version) == 0 &&
			    strcmp(x->new_version, y->new_version) == 0)
				break;
		}
		if (j == b->count)
			return 0;
	}
	return 1;
}

/* The held-package dialog's question into out. */
void tui_trans_held_question(const struct ui *u, char *out, size_t len)
{
	const struct msg_plan_reply *p = &u->tr.reply;
	if (p->held.n != 1) {
		struct buf b = {0};
		for (uint32_t i = 0; i < p->held.n && b.len < 200; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", p->held.v[i]);
		snprintf(out, len, "%u packages are held (%s): change them anyway? y/N", p->held.n,
			 b.p ? b.p : "");
		buf_free(&b);
		return;
	}
	/* The engine's warning starts "NAME is held (dpkg hold): ...". */
	const char *name = p->held.v[0];
	size_t nl = strlen(name);
	for (uint32_t i = 0; i < p->warnings.n; i++) {
		const char *w = p->warnings.v[i], *colon = strchr(w, ':');
		if (strncmp(w, name, nl) == 0 && w[nl] == ' ' && colon) {
			snprintf(out, len, "%.*s: change it anyway? y/N", (int)(colon - w), w);
			return;
		}
	}
	snprintf(out, len, "%s is held: change it anyway? y/N", name);
}

/* The held-package dialog's answer: only a yes plans again with the flag. */
void tui_trans_held_answer(struct ui *u, int yes)
{
	u->tr.held_ask = 0;
	u->dirty = 1;
	if (!yes) {
		tui_say(u, EL_WARNING, "nothing changed: held packages stay as they are "
				       "(Esc: back to the list, = keeps a package)");
		return;
	}
	plan_marks(u, TRANS_DRY_RUN | TRANS_CHANGE_HELD, 1);
	tui_say(u, EL_OK, "planned again, changing the held packages: g does it");
}

/* Says why g does nothing on a plan the policy refuses: an AUR build nobody
 * approved is reviewed with omg aur review (the UI shows no build files);
 * the engine judges the approvals again when the plan is made again. */
static void say_policy(struct ui *u)
{
	const struct msg_plan_reply *p = &u->tr.reply;
	for (uint32_t i = 0; i < p->nviolations; i++) {
		const struct policy_violation *v = &p->violations[i];
		if (v->rule != POLICY_AUR || v->overridden || !*v->package)
			continue;
		tui_say(u, EL_ERROR, "nothing was changed: nobody approved the AUR build files of %s: "
			"run omg aur review %s in a shell (it shows them and asks), then Esc and g "
			"here again", v->package, v->package);
		return;
	}
	uint32_t n = render_policy_blocking(p);
	tui_say(u, EL_ERROR, "refused by the policy (%u Policy line%s in the plan); nothing was "
		"changed: omg install --override RULE where [policy] override allows it", n,
		n == 1 ? "" : "s");
}

/* Sends the commit of the plan under review and opens the transaction screen. */
static void commit(struct ui *u)
{
	struct trans_view *t = &u->tr;
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

/* g on the review: nothing to do goes back; held packages ask first; a dry
 * run is planned for real (committed when it matches, on_plan); a real plan
 * is committed. Only g comes here. */
void tui_trans_commit(struct ui *u)
{
	struct trans_view *t = &u->tr;
	if (t->phase != TR_REVIEW)
		return;
	if (!t->reply.count) {
		if (!t->dry)
			send_trans(u, MSG_CANCEL, t->plan);
		t->phase = TR_NONE;
		u->screen = SCR_LIST;
		tui_say(u, EL_OK, "nothing to do: the engine found every mark already done");
		return;
	}
	if (render_policy_blocking(&t->reply)) {
		/* The engine would refuse the commit (ERR_POLICY): say so here. */
		say_policy(u);
		return;
	}
	if (t->reply.held.n && !t->change_held) {
		t->held_ask = 1;
		u->dirty = 1;
		return;
	}
	if (!t->dry) {
		commit(u);
		return;
	}
	uint32_t req = plan_marks(u, t->change_held ? TRANS_CHANGE_HELD : 0, 0);
	if (!req)
		return;
	t->req = req;
	t->phase = TR_CONFIRMING;
	u->dirty = 1;
}

/* Esc on the review: drops the plan, back to the list with the marks. */
void tui_trans_back(struct ui *u)
{
	/* A dry run ended with its reply: nothing to cancel. */
	if (u->tr.phase == TR_REVIEW && !u->tr.dry)
		send_trans(u, MSG_CANCEL, u->tr.plan);
	/* A real plan still on its way is cancelled when it arrives (tui_trans_on_msg). */
	if (u->tr.phase == TR_CONFIRMING || (u->tr.phase == TR_PLANNING && !u->tr.dry))
		u->abandoned_req = u->tr.req;
	u->tr.held_ask = 0;
	u->tr.phase = TR_NONE;
	u->screen = SCR_LIST;
	u->dirty = 1;
}

/* Quitting: a plan under review lets go of the engine's lock now. */
void tui_trans_quit(struct ui *u)
{
	if (u->tr.phase == TR_REVIEW && !u->tr.dry)
		send_trans(u, MSG_CANCEL, u->tr.plan);
}

/* A question from the backend: its text and choices (copied) open the dialog. */
static void take_question(struct ui *u, const struct msg_event_trans *e)
{
	struct trans_view *t = &u->tr;
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
	snprintf(t->qtext, sizeof(t->qtext), "%s", e->ev.text);
	t->qdeadline = e->timeout ? clock_ms() + e->timeout * 1000.0 : 0;
	t->asking = 1;
	tr_log(u, EL_PROMPT, "question: %s", e->ev.text);
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
		t->asking = 0; /* answered elsewhere or by its default */
		break;
	case TEV_QUESTION:
		take_question(u, e);
		break;
	default:
		break;
	}
	u->dirty = 1;
}

/* Answers the open question with choice a. */
void tui_trans_answer(struct ui *u, uint32_t a)
{
	struct trans_view *t = &u->tr;
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_ANSWER;
	m.u.answer.question = t->qnum;
	m.u.answer.answer = a;
	tui_engine_send(u, &m);
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
		tui_say(u, EL_OK, "the package databases are refreshed");
	}
	tui_engine_ask_status(u);
	u->dirty = 1;
}

/* The engine's plan: review it (or commit a sync at once); the real plan after
 * a reviewed dry run is committed when its items are the reviewed ones, else
 * shown for review. Adopts *arena. */
static void on_plan(struct ui *u, const struct msg *m, struct strpool **arena)
{
	struct trans_view *t = &u->tr;
	int confirming = t->phase == TR_CONFIRMING;
	int same = confirming && same_items(&t->reply, &m->u.plan_reply);
	strpool_free(t->arena);
	t->arena = *arena;
	*arena = NULL; /* adopted: the plan's strings live as long as the view */
	t->reply = m->u.plan_reply;
	t->plan = m->u.plan_reply.plan;
	t->phase = TR_REVIEW;
	if (confirming) {
		t->dry = 0;
		if (same && render_policy_blocking(&t->reply)) {
			say_policy(u); /* the real plan met the policy the dry run did not */
		} else if (same) {
			commit(u);
			return;
		} else {
			tui_say(u, EL_WARNING, "the plan changed since you reviewed it: read it "
					       "again; g does this one");
		}
	}
	t->sel = 0;
	panel_home(&t->review_panel);
	if (t->auto_commit)
		tui_trans_commit(u);
	u->dirty = 1;
}

/* An error reply to the transaction's plan or commit. */
static void on_trans_error(struct ui *u, const struct msg_error *e)
{
	struct trans_view *t = &u->tr;
	if (t->attached && e->code == ERR_STATE) {
		t->phase = TR_NONE; /* it ended before we attached */
		u->screen = SCR_LIST;
		u->dirty = 1;
		return;
	}
	snprintf(t->error, sizeof(t->error), "%s", e->message);
	if (e->code == ERR_DENIED && (t->phase == TR_PLANNING || t->phase == TR_CONFIRMING)) {
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

/* The messages of the transaction view: its plan, events, result and errors.
 * 1 when m was one (arena may be adopted), 0 to leave it to tui-engine.c. */
int tui_trans_on_msg(struct ui *u, const struct msg *m, struct strpool **arena)
{
	struct trans_view *t = &u->tr;
	uint32_t id = m->h.id;
	int ours = id == t->req && t->req;
	switch (m->h.type) {
	case MSG_PLAN_REPLY:
		if (id == t->req && (t->phase == TR_PLANNING || t->phase == TR_CONFIRMING)) {
			on_plan(u, m, arena);
		} else if (id == u->abandoned_req) {
			/* The user went back while the engine planned: let go of
			 * its lock now rather than after plan_timeout. */
			send_trans(u, MSG_CANCEL, m->u.plan_reply.plan);
			u->abandoned_req = 0;
		}
		return 1;
	case MSG_EVENT_TRANS:
		if (ours)
			on_trans_event(u, &m->u.event);
		return 1;
	case MSG_TRANS_RESULT:
		if (ours)
			on_result(u, &m->u.result);
		return 1;
	case MSG_ERROR:
		if (!ours)
			return 0;
		on_trans_error(u, &m->u.error);
		return 1;
	default:
		return 0;
	}
}

/* The engine went away (err says how): a running change says so in its log. */
void tui_trans_engine_lost(struct ui *u, const char *err)
{
	if (u->tr.phase != TR_RUNNING)
		return;
	tr_log(u, EL_ERROR, "lost the engine: %s", err);
	snprintf(u->tr.phase_text, sizeof(u->tr.phase_text), "engine gone");
}

/* Follows a transaction another client (or an earlier UI) started. */
void tui_trans_attach(struct ui *u)
{
	tui_trans_reset(u);
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_ATTACH;
	u->tr.req = tui_engine_send(u, &m);
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

/* ---- the system engine, when the user's may not change the system ---- */

/* The system engine's socket for the root the UI shows (its real path, as
 * the daemon names it). 0, or -1 with why said in the status bar. */
static int system_socket(struct ui *u, char *out, size_t len)
{
	char real[PATH_MAX], err[256];
	const char *root = u->s->root ? u->s->root : "/";
	if (!realpath(root, real)) {
		tui_say(u, EL_ERROR, "%s: %s", root, strerror(errno));
		return -1;
	}
	if (sockpath_system(real, out, len, err, sizeof(err)) != 0) {
		tui_say(u, EL_ERROR, "%s", err);
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
	if (tui_engine_connect(u, 0) != 0 || !u->connected) {
		tui_say(u, EL_ERROR, "no system engine answers at %s", sys);
		return;
	}
	tui_say(u, EL_OK, "connected to the system engine");
	if (kind == TRANS_SYNC)
		tui_trans_sync(u);
	else
		tui_trans_review(u);
}

/* r on the permission screen: the user started the system engine elsewhere. */
void tui_trans_find_system(struct ui *u)
{
	char sys[256], err[256];
	struct client probe;
	if (system_socket(u, sys, sizeof(sys)) != 0)
		return;
	if (client_open(&probe, sys, "omg-ui", err, sizeof(err)) != 0) {
		tui_say(u, EL_WARNING, "no system engine answers at %s yet", sys);
		return;
	}
	client_close(&probe);
	use_system_engine(u, sys);
}

/* Runs sudo -b self daemon --system (with the root and backend) and waits for
 * it; whether it exited 0. On the plain terminal. */
static int run_sudo(struct ui *u, const char *self)
{
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
	return pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Waits up to 10 s for an engine to answer at sys; whether one did. */
static int wait_for_engine(const char *sys)
{
	char err[256];
	struct client probe;
	for (int i = 0; i < 100; i++) {
		if (client_open(&probe, sys, "omg-ui", err, sizeof(err)) == 0) {
			client_close(&probe);
			return 1;
		}
		usleep(100 * 1000);
	}
	return 0;
}

/* s on the permission screen: runs sudo omg daemon --system on the plain
 * terminal, then comes back to the system engine and plans the denied change
 * again. */
void tui_trans_start_system(struct ui *u)
{
	char self[PATH_MAX];
	if (self_path(self, sizeof(self)) != 0) {
		tui_say(u, EL_ERROR, "cannot find the omg program: %s", strerror(errno));
		return;
	}
	char sys[256];
	if (system_socket(u, sys, sizeof(sys)) != 0)
		return;
	term_suspend(u->term);
	printf("\nomg: changing the system needs the system engine, which runs as root.\n"
	       "omg: running: sudo -b %s daemon --system%s%s\n\n", self,
	       u->s->root ? " --root " : "", u->s->root ? u->s->root : "");
	fflush(stdout);
	int up = run_sudo(u, self) && wait_for_engine(sys);
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
