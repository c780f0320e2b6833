/* SPDX-License-Identifier: MIT */
/* The server's transactions: plan, commit, answer, attach and history requests, and their events to the clients that follow them. */
#include "engine/security/security.h"
#include "engine/server-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/audit.h"
#include "engine/history.h"
#include "engine/txn.h"
#include "ipc/codec.h"
#include "util/hash.h"
#include "util/strpool.h"
#include "util/xalloc.h"

/* Appends a whole frame (id 0, borrowed) to c's output with id as its request id. */
static void queue_frame(struct conn *c, const struct buf *frame, uint32_t id)
{
	server_client_queue_frames(c, frame->p, frame->len, id);
}

/* Tells the worker how many clients could answer a question: the owner and
 * the attached clients allowed to mutate. */
static void update_listeners(struct server *s)
{
	unsigned n = 0;
	for (struct conn *c = s->conns; c; c = c->next)
		if ((c == s->owner || c->attach_id) && server_client_may_mutate(s, c->uid))
			n++;
	txn_set_listeners(s->txn, n);
}

/* c is going away (already unlinked): a plan it owns is cancelled, a commit
 * goes on without it; the listeners are counted again. */
void server_txn_client_gone(struct server *s, struct conn *c)
{
	if (!s->txn)
		return;
	if (c == s->owner) {
		s->owner = NULL;
		if (!s->committed)
			txn_cancel(s->txn); /* gone before the commit: nothing happens */
		else
			fprintf(stderr, "omgd: the client of the running transaction went away; "
					"it goes on (omg attach follows it)\n");
	}
	update_listeners(s);
}

/* Sends frame (borrowed) to everyone following the transaction: the owner
 * (with the commit's or the plan's id), attached clients and progress
 * subscribers. final: attached clients are detached. */
static void broadcast(struct server *s, const struct buf *frame, int final)
{
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (c->closing || c->dead)
			continue;
		int sent = 0;
		if (c == s->owner) {
			queue_frame(c, frame, s->committed ? s->commit_req : s->plan_req);
			sent = 1;
		} else if (c->attach_id) {
			queue_frame(c, frame, c->attach_id);
			sent = 1;
		}
		if (!sent && c->sub_id && (c->sub_what & SUB_TRANS)) {
			queue_frame(c, frame, c->sub_id);
			sent = 1;
		}
		if (final && c->attach_id)
			c->attach_id = 0;
		if (sent)
			server_client_flush(s, c);
	}
}

/* Forgets (frees) the commit's replay events. */
static void replay_clear(struct server *s)
{
	for (size_t i = 0; i < s->replay_n; i++)
		buf_free(&s->replay[i]);
	s->replay_n = 0;
}

/* Keeps an event (taking frame's memory) for clients that attach later: the
 * first REPLAY_MAX / 2 and then the newest, so phases at the start and the
 * latest progress both stay. */
static void replay_add(struct server *s, struct buf *frame)
{
	if (s->replay_n == REPLAY_MAX) {
		size_t keep = REPLAY_MAX / 2;
		buf_free(&s->replay[keep]);
		memmove(&s->replay[keep], &s->replay[keep + 1],
			(REPLAY_MAX - keep - 1) * sizeof(s->replay[0]));
		s->replay_n--;
	}
	s->replay[s->replay_n++] = *frame;
	memset(frame, 0, sizeof(*frame));
}

/* The transaction is over (it is freed): the index is reloaded before its
 * result goes out, so a client that reads the result and asks again sees the change. */
static void txn_over(struct server *s)
{
	txn_free(s->txn);
	s->txn = NULL;
	s->owner = NULL;
	s->committed = 0;
	s->event_seq++; /* whatever the commit changed, inotify or not */
	server_refresh_snapshot(s, 0); /* no transaction runs now; the refresh brings the figures */
	server_refresh_start(s);
}

/* Sends the pending result, once the index caught up; then a stop asked for
 * during the commit happens, and plans that waited go on. */
void server_txn_deliver_result(struct server *s)
{
	if (!s->result_pending)
		return;
	s->result_pending = 0;
	broadcast(s, &s->last_result, 1);
	replay_clear(s);
	for (struct conn *c = s->conns; c; c = c->next)
		c->attach_id = 0;
	if (s->stop_after_txn) {
		fprintf(stderr, "omgd: the transaction ended; exiting as asked\n");
		s->stop = 1;
	}
	server_client_release_held(s); /* plans that waited for it */
}

/* Sends a frame (borrowed) to the owner only, under its plan's id. */
static void to_owner(struct server *s, const struct buf *frame)
{
	if (s->owner) {
		queue_frame(s->owner, frame, s->plan_req);
		server_client_flush(s, s->owner);
	}
}

/* A dry run ended with its plan: nothing changed, so no refresh; plans that
 * waited for it go on, and a stop asked for meanwhile happens. */
static void dry_run_over(struct server *s)
{
	txn_free(s->txn);
	s->txn = NULL;
	s->owner = NULL;
	s->committed = 0;
	if (s->stop_after_txn)
		s->stop = 1;
	server_client_release_held(s);
}

/* The worker's last word, out (its frame taken): a failed or uncommitted plan
 * goes to the owner; a commit's result is kept in last_result until the
 * refresh it starts has ended. */
static void on_txn_end(struct server *s, struct txn_out *out)
{
	if (out->kind == TXN_OUT_END) {
		dry_run_over(s);
		return;
	}
	if (out->kind == TXN_OUT_FAILED || !s->committed) {
		/* Failed, or cancelled or timed out before the commit: only the owner hears. */
		to_owner(s, &out->frame);
		buf_free(&out->frame);
		if (txn_dry_run(s->txn)) {
			dry_run_over(s); /* it changed nothing: no reload */
			return;
		}
		txn_over(s);
		/* A stop asked for while the plan waited (an unanswered
		 * question) is honoured when the plan fails, as when it ends. */
		if (s->stop_after_txn)
			s->stop = 1;
		return;
	}
	buf_free(&s->last_result);
	s->last_result = out->frame;
	memset(&out->frame, 0, sizeof(out->frame));
	s->result_pending = 1;
	/* The owner and attached clients get it after the refresh; keep them. */
	for (struct conn *c = s->conns; c; c = c->next)
		if (c == s->owner && !c->attach_id)
			c->attach_id = s->commit_req;
	uint32_t kind = txn_kind(s->txn);
	txn_over(s);
	/* A sync (and an upgrade, which syncs first) refreshes the advisories too:
	 * with [security] refresh = 0 that is when they are fetched. */
	if (kind == TRANS_SYNC || kind == TRANS_UPGRADE)
		server_security_start(s);
	if (!s->refreshing)
		server_txn_deliver_result(s);
}

/* Routes what the worker queued (txnfd drained): events to the followers
 * (kept for replay during a commit), the plan to its owner, the end. */
void server_txn_output(struct server *s)
{
	uint64_t v;
	while (read(s->txnfd, &v, sizeof(v)) > 0) {
	}
	struct txn_out out;
	while (s->txn && txn_next(s->txn, &out)) {
		switch (out.kind) {
		case TXN_OUT_EVENT:
			broadcast(s, &out.frame, 0);
			if (s->committed)
				replay_add(s, &out.frame);
			break;
		case TXN_OUT_PLAN:
			to_owner(s, &out.frame);
			break;
		case TXN_OUT_FAILED:
		case TXN_OUT_DONE:
		case TXN_OUT_END:
			on_txn_end(s, &out);
			return;
		}
		buf_free(&out.frame);
	}
}

/* Non-zero while a plan must wait: a transaction runs or is being cleaned up,
 * its result waits for the index, or a refresh has the backend. */
static int plan_must_wait(const struct server *s)
{
	return s->txn || s->result_pending || s->refreshing;
}

/* Non-zero while a transaction runs or its result is still to be delivered. */
int server_txn_busy(const struct server *s)
{
	return s->txn || s->result_pending;
}

/* What a plan waits for, as one line into out: the transaction the engine
 * runs, the reload after the last one, or (no transaction at all) the engine
 * reading the package databases, as it does after it starts or a change. */
static void wait_reason(const struct server *s, char *out, size_t len)
{
	char what[256];
	if (s->txn) {
		txn_describe(s->txn, what, sizeof(what));
		snprintf(out, len, "waiting up to %u s for the transaction the engine runs: %s",
			 s->o.lock_seconds, what);
	} else if (s->result_pending) {
		snprintf(out, len, "waiting for the engine to read the package databases again "
				   "after the last transaction");
	} else {
		snprintf(out, len, "waiting for the engine to finish reading the package databases");
	}
}

/* Tells c, as a lock event of its waiting plan, what the plan waits for. */
static void say_wait(struct server *s, struct conn *c)
{
	char text[400];
	wait_reason(s, text, sizeof(text));
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_EVENT_TRANS;
	m.h.id = c->plan_wait_id;
	m.u.event.ev = (struct trans_event){.kind = TEV_LOCK, .name = "", .text = text};
	server_client_queue(c, &m);
	c->plan_wait_said = 1;
}

/* The timer, for a connection whose plan waits: says why once it has waited
 * a second without being told (a long look at the databases). */
void server_txn_wait_tick(struct server *s, struct conn *c, double now)
{
	if (c->held && c->plan_wait && !c->plan_wait_said && now - c->plan_wait >= 1.0 &&
	    plan_must_wait(s)) {
		say_wait(s, c);
		server_client_flush(s, c);
	}
}

/* A plan that arrives while another transaction runs waits for it, as for
 * another process's lock (up to lock_timeout), and is told so once. Returns
 * 1 when the frame (len bytes at p, borrowed) must wait, 0 to handle it now
 * (possibly to refuse it). */
int server_txn_plan_waits(struct server *s, struct conn *c, const uint8_t *p, size_t len)
{
	struct msg_header h = {0};
	if (!plan_must_wait(s) || !c->hello || codec_peek_header(p, len, &h) != 0 ||
	    h.type != MSG_PLAN) {
		c->plan_wait = 0;
		return 0;
	}
	if (!c->plan_wait) {
		c->plan_wait = server_now();
		c->plan_wait_id = h.id;
		c->plan_wait_said = 0;
		/* A transaction is worth saying at once; the engine's own look at
		 * the databases (after it starts, or a change) is mostly a stat of
		 * each file: said only when it lasts (server_txn_wait_tick). */
		if (s->txn || s->result_pending)
			say_wait(s, c);
		return 1;
	}
	if (server_now() - c->plan_wait < s->o.lock_seconds)
		return 1;
	c->plan_wait = 0;
	return 0; /* waited long enough: on_plan refuses it */
}

/*
 * --override: each name a rule, and overriding allowed ([policy] override =
 * admin, and c is root or in the admin group). 0, or -1 after refusing the
 * request: the plan is not made at all, so the user learns at once that the
 * override will not be taken, rather than from a plan that looks as if it
 * might be (docs/security.md). A refused override is audited.
 */
static int check_overrides(struct server *s, struct conn *c, const struct msg *m)
{
	const struct strlist *ov = &m->u.plan.overrides;
	char err[512];
	if (!ov->n)
		return 0;
	if (policy_check_overrides(ov, err, sizeof(err)) != 0) {
		server_client_queue_error(c, m->h.id, ERR_USAGE, err);
		return -1;
	}
	if (s->o.override_admin && server_client_is_admin(s, c->uid))
		return 0;
	struct buf rules = {0};
	for (uint32_t i = 0; i < ov->n; i++)
		buf_printf(&rules, "%s%s", i ? ", " : "", ov->v[i]);
	if (!s->o.override_admin)
		snprintf(err, sizeof(err), "--override %s refused: the engine's [policy] override "
			 "is no; nothing was planned", rules.p);
	else
		snprintf(err, sizeof(err), "--override %s refused: [policy] override = admin "
			 "accepts it from root and the %s group only; nothing was planned", rules.p,
			 s->o.admin_group ? s->o.admin_group : "admin");
	buf_free(&rules);
	if (s->audit) {
		char detail[1024];
		snprintf(detail, sizeof(detail), "%s: %s", m->u.plan.command ? m->u.plan.command : "",
			 err);
		audit_append(s->audit, (uint32_t)c->uid, (int32_t)c->pid, "policy-refused", detail);
	}
	server_client_queue_error(c, m->h.id, ERR_DENIED, err);
	return -1;
}

/* txn_opts.feed_put: the transaction is done with its feed reference. */
static void put_feed(void *ctx, const struct feed *f)
{
	security_feed_put(ctx, f);
}

/*
 * The severity rule's advisory data for a plan: a reference to the current
 * feed (a refresh may swap in another meanwhile), which the transaction
 * releases; taken here, on the loop thread.
 */
static void plan_feed(struct server *s, struct txn_opts *o)
{
	if (!s->sec)
		return;
	o->feed = security_feed_get(s->sec);
	o->feed_put = put_feed;
	o->feed_ctx = s->sec;
	o->for_version = vulns_for_version;
	o->vercmp = security_vercmp(s->sec);
}

/* plan: starts a transaction (owned by s->txn, c its owner) unless one runs,
 * the root is not ours to change, or there is no history. */
static void on_plan(struct server *s, struct conn *c, const struct msg *m)
{
	char err[512];
	/* A malformed request is refused before anything waits, locks or loads. */
	if (txn_check_plan(&m->u.plan, err, sizeof(err)) != 0) {
		server_client_queue_error(c, m->h.id, ERR_USAGE, err);
		return;
	}
	int dry = (m->u.plan.flags & TRANS_DRY_RUN) != 0;
	if (check_overrides(s, c, m) != 0)
		return;
	/* The engine reads a package file with its own rights: a dry run by a
	 * peer who may not change the system must not read one for it. */
	for (uint32_t i = 0; m->u.plan.kind == TRANS_INSTALL && i < m->u.plan.targets.n; i++)
		if (m->u.plan.targets.v[i][0] == '/' && !server_client_may_mutate(s, c->uid)) {
			server_client_queue_error(c, m->h.id, ERR_DENIED,
				"install: the engine reads a package file with its own rights: "
				"planning one needs root or the admin group");
			return;
		}
	if (plan_must_wait(s)) {
		char what[256] = "the engine reading the package databases";
		if (s->txn)
			txn_describe(s->txn, what, sizeof(what));
		snprintf(err, sizeof(err), "still waiting after %u s for %s%s", s->o.lock_seconds,
			 what, s->txn ? "; omg attach follows it" : "");
		server_client_queue_error(c, m->h.id, ERR_LOCKED, err);
		return;
	}
	/* The engine changes the root with its own rights: say so before planning.
	 * A dry run changes nothing and takes no lock: any user may see a plan. */
	if (!dry && geteuid() != 0 && access(engine_root(s->e), W_OK) != 0) {
		snprintf(err, sizeof(err),
			 "changing %s needs root: run the command with sudo, or ask the system "
			 "engine (sudo omg daemon --system; its admin group may change the system)",
			 engine_root(s->e));
		server_client_queue_error(c, m->h.id, ERR_DENIED, err);
		return;
	}
	if (!s->history && !dry) {
		snprintf(err, sizeof(err), "transactions are off: %s",
			 s->txn_error ? s->txn_error : "no history store");
		server_client_queue_error(c, m->h.id, ERR_BACKEND, err);
		return;
	}
	struct txn_opts o = {
		.root = engine_root(s->e),
		.backend = engine_backend(s->e),
		.plan_id = ++s->plan_seq,
		.uid = (uint32_t)c->uid,
		.pid = (int32_t)c->pid,
		.lock_seconds = s->o.lock_seconds,
		.question_seconds = s->o.question_seconds,
		.plan_seconds = s->o.plan_seconds,
		.history = s->history,
		.audit = s->audit,
		.notify_fd = s->txnfd,
		.lock_marker = s->lock_marker,
		.policy = {s->o.block_severity, s->o.deny, s->o.require_signatures},
		.override_ok = s->o.override_admin && server_client_is_admin(s, c->uid),
	};
	plan_feed(s, &o);
	/* Arch: targets the repositories do not have may come from the AUR (an
	 * install's, or an apply's '+' marks: the UI's), and an upgrade takes the
	 * foreign packages the AUR has newer. */
	struct msg_plan req = m->u.plan;
	const char **official = NULL;
	if (s->aur && (req.kind == TRANS_INSTALL || req.kind == TRANS_UPGRADE ||
		       req.kind == TRANS_APPLY) &&
	    server_aur_split(s, &req, &official, &o.aur, c->uid) != 0)
		return; /* nothing: no such AUR plan can be made (said by server_aur_split) */
	s->txn = txn_start(&req, &o, err, sizeof(err));
	free(official);
	if (!s->txn) {
		server_client_queue_error(c, m->h.id, ERR_BACKEND, err);
		return;
	}
	s->owner = c;
	s->plan_req = m->h.id;
	s->plan_id = o.plan_id;
	s->committed = 0;
	if (dry)
		c->dry_plan = o.plan_id;
	replay_clear(s);
	update_listeners(s);
}

/* commit or cancel: of the plan c owns, while it waits. A dry run's plan is
 * never committed, while it is made or after it ended. */
static void on_commit(struct server *s, struct conn *c, const struct msg *m)
{
	if (m->h.type == MSG_COMMIT && c->dry_plan && m->u.commit.plan == c->dry_plan) {
		char text[160];
		snprintf(text, sizeof(text), "plan %llu was a dry run: it is never committed; "
			 "plan again without the dry-run flag", (unsigned long long)c->dry_plan);
		server_client_queue_error(c, m->h.id, ERR_STATE, text);
		return;
	}
	if (!s->txn || c != s->owner || m->u.commit.plan != s->plan_id || s->committed) {
		server_client_queue_error(c, m->h.id, ERR_STATE,
					  s->txn && s->committed ? "the transaction is committing already"
					  : s->txn ? "no such plan on this connection"
						   : "no plan is waiting");
		return;
	}
	if (m->h.type == MSG_CANCEL) {
		txn_cancel(s->txn);
		server_client_queue_ok(c, m->h.id);
	} else {
		s->committed = 1;
		s->commit_req = m->h.id;
		replay_clear(s);
		txn_commit(s->txn);
		server_refresh_snapshot(s, 0); /* a transaction runs */
	}
}

/* Encodes a history entry (borrowed) as a result frame appended to out. */
static void encode_result(const struct msg_trans_result *r, struct buf *out)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_TRANS_RESULT;
	m.u.result = *r;
	codec_encode(out, &m);
}

/* attach: follows the running transaction (replayed events first), or gets
 * the last one's result (read from the history into s->last_result). */
static void on_attach(struct server *s, struct conn *c, const struct msg *m)
{
	if (s->txn || s->result_pending) {
		c->attach_id = m->h.id;
		for (size_t i = 0; i < s->replay_n; i++)
			queue_frame(c, &s->replay[i], c->attach_id);
		if (s->txn)
			update_listeners(s);
		return;
	}
	if (!s->last_result.len && s->history) {
		struct strpool *arena = strpool_new();
		struct msg_trans_result r;
		if (history_get(s->history, 0, &r, arena) == 0)
			encode_result(&r, &s->last_result);
		strpool_free(arena);
	}
	if (!s->last_result.len)
		server_client_queue_error(c, m->h.id, ERR_STATE, "no transaction has run on this root");
	else
		queue_frame(c, &s->last_result, m->h.id);
}

struct history_list_ctx {
	struct msg_trans_result *v; /* owned (xrealloc) */
	uint32_t n;
	struct strpool *arena;      /* holds the entries' strings */
};

/* history_list callback: keeps a copy of an entry without its items. */
static int keep_entry(void *ctx, const struct msg_trans_result *r)
{
	struct history_list_ctx *l = ctx;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct msg_trans_result *e = &l->v[l->n++];
	*e = *r;
	e->items = NULL;
	e->count = 0;
	e->command = strpool_copy(l->arena, r->command, strlen(r->command));
	e->message = strpool_copy(l->arena, r->message, strlen(r->message));
	const char **notes = strpool_alloc(l->arena, (r->notes.n + 1) * sizeof(*notes));
	for (uint32_t i = 0; i < r->notes.n; i++)
		notes[i] = strpool_copy(l->arena, r->notes.v[i], strlen(r->notes.v[i]));
	e->notes = (struct strlist){notes, r->notes.n};
	return 0;
}

/* history: the list, or one entry with its items (read into an arena freed here). */
static void on_history(struct server *s, struct conn *c, const struct msg *m)
{
	if (!s->history) {
		server_client_queue_error(c, m->h.id, ERR_BACKEND, "this engine keeps no history");
		return;
	}
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.type = MSG_HISTORY_REPLY;
	r.h.id = m->h.id;
	struct history_list_ctx l = {NULL, 0, strpool_new()};
	struct msg_trans_result one;
	if (m->u.history.id) {
		if (history_get(s->history, m->u.history.id, &one, l.arena) != 0) {
			char text[96];
			snprintf(text, sizeof(text), "no history entry %llu",
				 (unsigned long long)m->u.history.id);
			server_client_queue_error(c, m->h.id, ERR_USAGE, text);
			strpool_free(l.arena);
			return;
		}
		r.u.history_reply.count = 1;
		r.u.history_reply.entries = &one;
	} else {
		history_list(s->history, m->u.history.limit, keep_entry, &l);
		r.u.history_reply.count = l.n;
		r.u.history_reply.entries = l.v;
	}
	server_client_queue(c, &r);
	free(l.v);
	strpool_free(l.arena);
}

/* Handles the transaction messages from c (m borrowed); 0 when m is not one. */
int server_txn_handle(struct server *s, struct conn *c, const struct msg *m)
{
	switch (m->h.type) {
	case MSG_PLAN:
		on_plan(s, c, m);
		return 1;
	case MSG_COMMIT:
	case MSG_CANCEL:
		on_commit(s, c, m);
		return 1;
	case MSG_ANSWER:
		if (!s->txn || (c != s->owner && !c->attach_id) ||
		    txn_answer(s->txn, m->u.answer.question, m->u.answer.answer) != 0)
			server_client_queue_error(c, m->h.id, ERR_STATE, "no such question is waiting");
		else
			server_client_queue_ok(c, m->h.id);
		return 1;
	case MSG_ATTACH:
		on_attach(s, c, m);
		return 1;
	case MSG_HISTORY:
		on_history(s, c, m);
		return 1;
	default:
		return 0;
	}
}

/* A dead engine's leftovers: a stale lock marker is removed and audited,
 * transactions left unfinished are marked interrupted. */
static void recover(struct server *s)
{
	char note[4600];
	if (txn_recover_lock(s->lock_marker, note, sizeof(note))) {
		fprintf(stderr, "omgd: %s\n", note);
		if (s->audit)
			audit_append(s->audit, (uint32_t)getuid(), (int32_t)getpid(), "stale-lock", note);
	}
	if (s->history) {
		char why[160];
		snprintf(why, sizeof(why), "interrupted: the engine stopped during the commit; "
					   "engine pid %d found it", (int)getpid());
		int n = history_mark_interrupted(s->history, why, NULL, NULL);
		if (n > 0) {
			fprintf(stderr, "omgd: %d transaction(s) were interrupted by an engine that "
					"stopped during the commit (omg history)\n", n);
			audit_append(s->audit, (uint32_t)getuid(), (int32_t)getpid(), "interrupted",
				     "a transaction was interrupted: the engine stopped during its commit");
		}
	}
}

/* Opens the history and the audit log for this root (owned by s until
 * server_txn_close); marks transactions a dead engine left unfinished as
 * interrupted. Without them there are no transactions (reads go on). */
void server_txn_open(struct server *s)
{
	char err[512];
	if (!s->o.data_dir) {
		s->txn_error = xstrdup("no data directory");
		return;
	}
	char *key = xasprintf("%s:%s", engine_backend_name(s->e), engine_root(s->e));
	char *hdir = xasprintf("%s/history", s->o.data_dir);
	char *adir = audit_dir_for(s->o.data_dir, key);
	s->history = history_open(hdir, key, err, sizeof(err));
	if (!s->history) {
		fprintf(stderr, "omgd: %s; transactions are off\n", err);
		s->txn_error = xstrdup(err);
	}
	s->audit = audit_open(adir, err, sizeof(err));
	if (!s->audit) {
		fprintf(stderr, "omgd: %s; transactions are off\n", err);
		free(s->txn_error);
		s->txn_error = xstrdup(err);
		history_close(s->history);
		s->history = NULL;
	}
	s->lock_marker = xasprintf("%s/lock-%016llx", s->o.data_dir,
				   (unsigned long long)hash_fnv1a(key, strlen(key)));
	recover(s);
	free(key);
	free(hdir);
	free(adir);
}

/* SIGTERM or SIGINT: a commit is let finish, a plan is cancelled, and the
 * stop comes when it ends. 1 to stop now (nothing runs), 0 to wait. */
int server_txn_stop(struct server *s)
{
	if (s->txn && s->committed) {
		s->stop_after_txn = 1;
		fprintf(stderr, "omgd: a transaction is committing; exiting when it ends\n");
		return 0;
	}
	if (s->txn) {
		s->stop_after_txn = 1;
		txn_cancel(s->txn);
		return 0;
	}
	return 1;
}

/* Exiting: cancels and frees a transaction still there (a commit runs to its
 * end inside txn_free; a plan is dropped). */
void server_txn_end(struct server *s)
{
	if (!s->txn)
		return;
	txn_cancel(s->txn);
	txn_free(s->txn);
	s->txn = NULL;
}

/* Frees the replay, the last result, the history, the audit log and the
 * strings server_txn_open made. */
void server_txn_close(struct server *s)
{
	replay_clear(s);
	buf_free(&s->last_result);
	history_close(s->history);
	audit_close(s->audit);
	free(s->txn_error);
	free(s->lock_marker);
}
