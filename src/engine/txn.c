/* SPDX-License-Identifier: MIT */
/* The transaction worker: opens the backend on its own thread, plans, waits, commits, records. */
#include "engine/txn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/audit.h"
#include "engine/aur/install.h"
#include "engine/engine.h"
#include "ipc/codec.h"
#include "util/clock.h"
#include "util/fdio.h"
#include "util/strpool.h"
#include "util/thread.h"
#include "util/xalloc.h"

/*
 * Threads: the worker runs every backend call (libapt-pkg must stay on the
 * thread that opened it) and blocks only on t->cond. The loop calls the
 * txn_* functions; they take t->mu, change a field, and signal. Output goes
 * through t->out under t->mu, and notify_fd wakes the loop.
 */
enum decision { WAITING, COMMIT, CANCEL };

struct queued {
	struct txn_out out;
	struct queued *next;
};

struct txn {
	struct txn_opts o;
	char *root;
	uint32_t kind, flags;
	char **targets;
	uint32_t ntargets;
	char *command;
	char *deny;          /* t->o.policy.deny points here */
	char **overrides;    /* the request's --override rules */
	uint32_t noverrides;
	const struct feed *feed; /* the severity rule's reference, until put_feed */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	/* under mu */
	struct queued *head, *tail;
	enum decision decision;
	int committing;
	unsigned listeners;
	uint32_t qseq, qwait; /* the last question's number; the one waiting (0: none) */
	int qanswered;
	uint32_t qanswer, qchoices;
	char describe[256];
	/* worker only */
	const struct backend_ops *ops;
	void *be;
	struct strpool *arena;
	struct trans_item *items;
	uint32_t nitems, capitems;
	const char **notes;
	uint32_t nnotes;
	const char **held, **held_why; /* held packages the plan changes, and why */
	uint32_t nheld;
	struct policy_violation *viol; /* what the policy says of the plan */
	uint32_t nviol;
	uint64_t history_id;
	int be_planned;          /* the backend holds a planned transaction */
	const char *aur_note;    /* [policy] aur = allow's note for the plan, or NULL */
	struct { char name[128]; double start; } dl[16];
	char last_name[128];
	uint32_t last_kind, last_percent;
	double last_ms;
};

/* Queues one encoded message (none for TXN_OUT_END) for the loop and wakes it. */
static void push(struct txn *t, enum txn_out_kind kind, const struct msg *m)
{
	struct queued *q = xcalloc(1, sizeof(*q));
	q->out.kind = kind;
	if (m)
		codec_encode(&q->out.frame, m);
	pthread_mutex_lock(&t->mu);
	if (t->tail)
		t->tail->next = q;
	else
		t->head = q;
	t->tail = q;
	pthread_mutex_unlock(&t->mu);
	uint64_t one = 1;
	while (write(t->o.notify_fd, &one, sizeof(one)) < 0 && errno == EINTR) {
	}
}

int txn_next(struct txn *t, struct txn_out *out)
{
	pthread_mutex_lock(&t->mu);
	struct queued *q = t->head;
	if (q) {
		t->head = q->next;
		if (!t->head)
			t->tail = NULL;
	}
	pthread_mutex_unlock(&t->mu);
	if (!q)
		return 0;
	*out = q->out;
	free(q);
	return 1;
}

/* Sends one progress event. */
static void send_event(struct txn *t, const struct trans_event *ev, uint64_t rate)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_EVENT_TRANS;
	m.u.event.history = t->history_id;
	m.u.event.ev = *ev;
	if (!m.u.event.ev.name)
		m.u.event.ev.name = "";
	if (!m.u.event.ev.text)
		m.u.event.ev.text = "";
	m.u.event.rate = rate;
	push(t, TXN_OUT_EVENT, &m);
}

/* A line of text as an event of kind (TEV_LOG, TEV_LOCK, TEV_DECISION). */
static void send_text(struct txn *t, uint32_t kind, uint32_t level, const char *text)
{
	struct trans_event ev = {.kind = kind, .level = level, .name = "", .text = text};
	send_event(t, &ev, 0);
}

/* Remembers a decision for the result and history. */
static void add_note(struct txn *t, const char *text)
{
	t->notes = xrealloc(t->notes, (t->nnotes + 1) * sizeof(*t->notes));
	t->notes[t->nnotes++] = strpool_copy(t->arena, text, strlen(text));
}

/* The bytes per second of download name so far. */
static uint64_t download_rate(struct txn *t, const struct trans_event *ev, double now)
{
	size_t n = sizeof(t->dl) / sizeof(t->dl[0]), free_slot = n;
	for (size_t i = 0; i < n; i++) {
		if (t->dl[i].name[0] && strcmp(t->dl[i].name, ev->name) == 0) {
			double secs = (now - t->dl[i].start) / 1000.0;
			if (ev->percent >= 100 || ev->text[0])
				t->dl[i].name[0] = '\0'; /* done with it */
			return secs > 0.05 ? (uint64_t)((double)ev->done / secs) : 0;
		}
		if (!t->dl[i].name[0] && free_slot == n)
			free_slot = i;
	}
	if (free_slot == n)
		free_slot = 0;
	snprintf(t->dl[free_slot].name, sizeof(t->dl[free_slot].name), "%s", ev->name);
	t->dl[free_slot].start = now;
	return 0;
}

/* trans_cb.event: throttles progress to ten updates a second per item; the
 * first and last update of each item always go out. */
static void on_event(void *ctx, const struct trans_event *in)
{
	struct txn *t = ctx;
	struct trans_event ev = *in;
	if (!ev.name)
		ev.name = "";
	if (!ev.text)
		ev.text = "";
	double now = clock_ms();
	uint64_t rate = 0;
	if (ev.kind == TEV_DOWNLOAD)
		rate = download_rate(t, &ev, now);
	if (ev.kind == TEV_DOWNLOAD || ev.kind == TEV_PACKAGE) {
		int same = t->last_kind == ev.kind && strcmp(t->last_name, ev.name) == 0;
		if (same && ev.percent == t->last_percent && ev.kind == TEV_PACKAGE)
			return;
		if (same && now - t->last_ms < 100 && ev.percent > 0 && ev.percent < 100)
			return;
		t->last_kind = ev.kind;
		snprintf(t->last_name, sizeof(t->last_name), "%s", ev.name);
		t->last_percent = ev.percent;
		t->last_ms = now;
	}
	if (ev.kind == TEV_DECISION)
		add_note(t, ev.text);
	send_event(t, &ev, rate);
}

/* trans_cb.item: keeps a copy of a plan line. */
static void on_item(void *ctx, const struct trans_item *it)
{
	struct txn *t = ctx;
	if (t->nitems == t->capitems) {
		t->capitems = t->capitems ? 2 * t->capitems : 16;
		t->items = xrealloc(t->items, t->capitems * sizeof(*t->items));
	}
	struct trans_item *c = &t->items[t->nitems++];
	*c = *it;
	const char **s[] = {&c->name, &c->old_version, &c->new_version, &c->repo, &c->source,
			    &c->source_version};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		*s[i] = *s[i] ? strpool_copy(t->arena, *s[i], strlen(*s[i])) : "";
}

/* trans_cb.held: keeps a held package the plan changes, and why it is held. */
static void on_held(void *ctx, const char *name, const char *why)
{
	struct txn *t = ctx;
	t->held = xrealloc(t->held, (t->nheld + 1) * sizeof(*t->held));
	t->held_why = xrealloc(t->held_why, (t->nheld + 1) * sizeof(*t->held_why));
	t->held[t->nheld] = strpool_copy(t->arena, name, strlen(name));
	t->held_why[t->nheld++] = strpool_copy(t->arena, why, strlen(why));
}

/* Adds a second to an absolute time for pthread_cond_timedwait. */
static struct timespec deadline_in(double seconds)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	double whole = (double)(long)seconds;
	ts.tv_sec += (time_t)whole;
	ts.tv_nsec += (long)((seconds - whole) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* trans_cb.ask: sends the question to the listening clients and waits for
 * an answer, or takes the safe default at once (no listener) or after the
 * timeout. The choice is reported as a decision either way but the answered one. */
static uint32_t on_ask(void *ctx, const struct trans_question *q)
{
	struct txn *t = ctx;
	uint32_t def = q->def < q->choices.n ? q->def : 0;
	pthread_mutex_lock(&t->mu);
	unsigned listeners = t->listeners;
	uint32_t id = ++t->qseq;
	if (listeners) {
		t->qwait = id;
		t->qanswered = 0;
		t->qchoices = q->choices.n;
	}
	pthread_mutex_unlock(&t->mu);
	char note[512];
	if (!listeners) {
		snprintf(note, sizeof(note), "%s -> %s (no client attached to answer)", q->text,
			 q->choices.n ? q->choices.v[def] : "default");
		on_event(t, &(struct trans_event){.kind = TEV_DECISION, .text = note});
		return def;
	}
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_EVENT_TRANS;
	m.u.event.history = t->history_id;
	m.u.event.ev = (struct trans_event){.kind = TEV_QUESTION, .name = "", .text = q->text};
	m.u.event.question = id;
	m.u.event.qkind = q->kind;
	m.u.event.choices = q->choices;
	m.u.event.def = def;
	m.u.event.timeout = t->o.question_seconds;
	push(t, TXN_OUT_EVENT, &m);
	struct timespec until = deadline_in(t->o.question_seconds);
	pthread_mutex_lock(&t->mu);
	while (!t->qanswered && t->decision != CANCEL &&
	       pthread_cond_timedwait(&t->cond, &t->mu, &until) != ETIMEDOUT) {
	}
	int answered = t->qanswered;
	uint32_t a = answered ? t->qanswer : def;
	t->qwait = 0;
	pthread_mutex_unlock(&t->mu);
	if (!answered) {
		snprintf(note, sizeof(note), "%s -> %s (no answer within %u s)", q->text,
			 q->choices.n ? q->choices.v[def] : "default", t->o.question_seconds);
		on_event(t, &(struct trans_event){.kind = TEV_DECISION, .text = note});
	}
	return a;
}

/* Appends one line to the audit log, when there is one. */
static void audit(struct txn *t, const char *event, const char *detail)
{
	if (t->o.audit && audit_append(t->o.audit, t->o.uid, t->o.pid, event, detail) != 0)
		fprintf(stderr, "omgd: cannot append to the audit log\n");
}

static int plan_backend(struct txn *t, const struct trans_request *rq, const struct trans_cb *cb,
			char *err, size_t errlen, int *status);

/* Plans: the AUR part, if any, then the backend's, waiting for another
 * process's lock up to lock_seconds. */
static int plan(struct txn *t, const struct trans_cb *cb, char *err, size_t errlen, int *status)
{
	struct trans_request req = {t->kind, t->flags,
				    {(const char *const *)t->targets, t->ntargets}};
	const char **with_deps = NULL;
	if (t->o.aur) {
		/* The AUR part first (no lock: the network, the snapshots), then the
		 * repositories' part with what the builds need from them. */
		t->nitems = 0;
		if (aur_txn_plan(t->o.aur, cb, err, errlen) != 0) {
			*status = BACKEND_ERR_TXN;
			return -1;
		}
		const char *const *deps;
		size_t ndeps = aur_txn_repo_deps(t->o.aur, &deps);
		if (t->kind == TRANS_UPGRADE) {
			/* The whole system's upgrade first; what the builds need from the
			 * repositories is installed by the AUR part, once that is in. */
			aur_txn_deps_later(t->o.aur);
			return plan_backend(t, &req, cb, err, errlen, status);
		}
		if (!t->ntargets && !ndeps)
			return 0; /* nothing for the backend to plan */
		with_deps = xcalloc(t->ntargets + ndeps + 1, sizeof(*with_deps));
		memcpy(with_deps, t->targets, t->ntargets * sizeof(*with_deps));
		/* An apply's targets are marks: what the builds need is installed ('+'),
		 * explicitly as the apply's every '+' is; alone, as an install of
		 * dependencies. */
		int marks = t->kind == TRANS_APPLY && t->ntargets;
		size_t n = t->ntargets;
		for (size_t i = 0; i < ndeps; i++) {
			size_t k = 0; /* a name appears once in an apply: a mark on it stands */
			while (marks && k < t->ntargets && strcmp(t->targets[k] + 1, deps[i]) != 0)
				k++;
			if (marks && k < t->ntargets)
				continue;
			char *mark = marks ? xasprintf("%c%s", APPLY_INSTALL, deps[i]) : NULL;
			with_deps[n++] = mark ? strpool_copy(t->arena, mark, strlen(mark)) : deps[i];
			free(mark);
		}
		req.targets = (struct strlist){with_deps, (uint32_t)n};
		if (!t->ntargets) {
			req.kind = t->kind == TRANS_APPLY ? TRANS_INSTALL : req.kind;
			req.flags |= TRANS_AS_DEPS; /* only what the builds need */
		}
	}
	int rc = plan_backend(t, &req, cb, err, errlen, status);
	free(with_deps);
	return rc;
}

/* The backend's plan of req, waiting for another process's lock up to lock_seconds. */
static int plan_backend(struct txn *t, const struct trans_request *rq, const struct trans_cb *cb,
			char *err, size_t errlen, int *status)
{
	struct trans_request req = *rq;
	uint32_t aur_items = t->nitems;
	double start = clock_ms();
	char holder[256] = "", said[256] = "\x01";
	for (;;) {
		t->nitems = aur_items;
		t->nheld = 0;
		int rc = t->ops->plan(t->be, &req, cb, err, errlen, status);
		t->be_planned = rc == 0;
		if (rc == 0 || *status != BACKEND_ERR_LOCKED)
			return rc;
		t->ops->release(t->be);
		double waited = (clock_ms() - start) / 1000.0;
		if (waited >= t->o.lock_seconds) {
			size_t n = strlen(err);
			snprintf(err + n, errlen - n, " (waited %.0f s)", waited);
			return -1;
		}
		t->ops->lock_holder(t->be, holder, sizeof(holder));
		if (strcmp(holder, said) != 0) {
			char text[512];
			snprintf(text, sizeof(text), "waiting up to %u s for the package database lock%s%s",
				 t->o.lock_seconds, holder[0] ? ", held by " : "", holder);
			send_text(t, TEV_LOCK, TLOG_INFO, text);
			snprintf(said, sizeof(said), "%s", holder);
		}
		struct timespec until = deadline_in(0.25);
		pthread_mutex_lock(&t->mu);
		while (t->decision != CANCEL &&
		       pthread_cond_timedwait(&t->cond, &t->mu, &until) != ETIMEDOUT) {
		}
		int cancelled = t->decision == CANCEL;
		pthread_mutex_unlock(&t->mu);
		if (cancelled) {
			snprintf(err, errlen, "cancelled while waiting for the lock");
			return -1;
		}
	}
}

/* The plan's warning about held package i: what the plan does to it, and
 * what a commit needs. Allocated in the arena. */
static const char *held_warning(struct txn *t, uint32_t i)
{
	const struct trans_item *it = NULL;
	for (uint32_t k = 0; k < t->nitems && !it; k++)
		if (strcmp(t->items[k].name, t->held[i]) == 0)
			it = &t->items[k];
	struct buf b = {0};
	buf_printf(&b, "%s is %s (%s): this plan %ss it", t->held[i],
		   strncmp(t->held_why[i], "Ignore", 6) == 0 ? "ignored" : "held", t->held_why[i],
		   it ? trans_action_name(it->action) : "change");
	if (it && it->action != ACT_REMOVE && it->action != ACT_PURGE && it->old_version[0])
		buf_printf(&b, " (%s -> %s) and it stays so afterwards", it->old_version,
			   it->new_version);
	if (t->flags & TRANS_CHANGE_HELD)
		buf_puts(&b, "; the change of held packages was agreed to");
	else
		buf_puts(&b, "; a commit needs the user's consent to change held packages "
			     "(omg: --change-held)");
	const char *w = strpool_copy(t->arena, b.p, b.len);
	buf_free(&b);
	return w;
}

/* Sends the plan reply, with the held packages it changes named. */
static void send_plan(struct txn *t)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_PLAN_REPLY;
	m.u.plan_reply.plan = t->o.plan_id;
	m.u.plan_reply.kind = t->kind;
	m.u.plan_reply.count = t->nitems;
	m.u.plan_reply.items = t->items;
	for (uint32_t i = 0; i < t->nitems; i++) {
		m.u.plan_reply.download += t->items[i].download > 0 ? t->items[i].download : 0;
		m.u.plan_reply.size_change += t->items[i].size_change;
	}
	const char **warn = xcalloc(t->nheld + 2, sizeof(*warn));
	for (uint32_t i = 0; i < t->nheld; i++)
		warn[i] = held_warning(t, i);
	uint32_t nwarn = t->nheld;
	if (t->aur_note)
		warn[nwarn++] = t->aur_note;
	m.u.plan_reply.warnings = (struct strlist){warn, nwarn};
	m.u.plan_reply.held = (struct strlist){t->held, t->nheld};
	m.u.plan_reply.violations = t->viol;
	m.u.plan_reply.nviolations = t->nviol;
	push(t, TXN_OUT_PLAN, &m);
	free(warn);
}

/* Non-zero (with why in err) when the plan may not be committed: it changes
 * held packages and the client did not say the user agreed. */
static int needs_consent(struct txn *t, char *err, size_t errlen)
{
	if (!t->nheld || (t->flags & TRANS_CHANGE_HELD))
		return 0;
	struct buf b = {0};
	for (uint32_t i = 0; i < t->nheld; i++)
		buf_printf(&b, "%s%s (%s)", i ? ", " : "", t->held[i], t->held_why[i]);
	snprintf(err, errlen, "the plan changes held packages: %s; plan again with the user's "
			      "consent to change them (omg: --change-held)", b.p);
	buf_free(&b);
	return 1;
}

/* Drops the severity rule's feed reference, once. */
static void put_feed(struct txn *t)
{
	if (t->feed && t->o.feed_put)
		t->o.feed_put(t->o.feed_ctx, t->feed);
	t->feed = NULL;
}

/* "rule: reason" of each violation (only those not overridden, or only
 * those overridden), "; " between, into b. */
static void violation_lines(struct txn *t, int overridden, struct buf *b)
{
	for (uint32_t i = 0; i < t->nviol; i++)
		if ((int)t->viol[i].overridden == overridden)
			buf_printf(b, "%s%s: %s", b->len ? "; " : "",
				   policy_rule_name(t->viol[i].rule), t->viol[i].reason);
}

/*
 * Judges the plan by [policy] (docs/security.md) into t->viol, marks what
 * the request overrides (when the caller allowed it), and records the
 * decisions: "policy-refused" for a plan a commit of which will be refused,
 * "policy-override" for violations let through. A dry run only shows them.
 */
static void judge(struct txn *t)
{
	char why[512] = "";
	const char *unsigned_why = NULL;
	if (t->o.policy.require_signatures) {
		if (!t->ops->accepts_unsigned)
			unsigned_why = "this backend cannot tell whether the root accepts unsigned "
				       "packages";
		else if (t->ops->accepts_unsigned(t->be, why, sizeof(why)))
			unsigned_why = why;
	}
	struct policy_plan plan = {t->items, t->nitems, unsigned_why, t->feed, t->o.for_version,
				   t->o.vercmp ? t->o.vercmp : t->ops->vercmp};
	policy_eval(&t->o.policy, &plan, t->arena, &t->viol, &t->nviol);
	put_feed(t);
	if (t->o.aur)
		aur_txn_judge(t->o.aur, t->arena, &t->viol, &t->nviol, &t->aur_note);
	if (t->o.override_ok)
		policy_override(t->viol, t->nviol,
				&(struct strlist){(const char *const *)t->overrides, t->noverrides});
	if (!t->nviol || (t->flags & TRANS_DRY_RUN))
		return;
	struct buf b = {0}, d = {0};
	violation_lines(t, 0, &b);
	if (b.len) {
		buf_printf(&d, "%s (plan %llu): %s", t->command, (unsigned long long)t->o.plan_id, b.p);
		audit(t, "policy-refused", d.p);
	}
	buf_reset(&b);
	buf_reset(&d);
	violation_lines(t, 1, &b);
	if (b.len) {
		buf_printf(&d, "%s (plan %llu): overridden: %s", t->command,
			   (unsigned long long)t->o.plan_id, b.p);
		audit(t, "policy-override", d.p);
	}
	buf_free(&b);
	buf_free(&d);
}

/* Non-zero (with why in err) when the policy refuses the plan's commit. */
static int policy_refuses(struct txn *t, char *err, size_t errlen)
{
	if (!policy_blocking(t->viol, t->nviol))
		return 0;
	struct buf b = {0};
	violation_lines(t, 0, &b);
	snprintf(err, errlen, "the policy forbids it: %s; nothing was changed", b.p);
	buf_free(&b);
	return 1;
}

/* Sends an error reply that ends the worker. */
static void send_failed(struct txn *t, uint32_t code, const char *text)
{
	struct msg m;
	codec_error(&m, 0, code, text);
	push(t, TXN_OUT_FAILED, &m);
}

/* The protocol error for a backend status: a request the backend refuses as
 * malformed (an unknown kind, no targets, an apply target without its action)
 * is the client's usage error, not a backend failure. */
static uint32_t error_code(int status)
{
	return status == BACKEND_ERR_LOCKED ? ERR_LOCKED
	       : status == BACKEND_ERR_TXN   ? ERR_TRANS
	       : status == BACKEND_ERR_USAGE ? ERR_USAGE
					     : ERR_BACKEND;
}

/* Waits for commit, cancel or the plan timeout. */
static enum decision wait_decision(struct txn *t)
{
	struct timespec until = deadline_in(t->o.plan_seconds);
	pthread_mutex_lock(&t->mu);
	while (t->decision == WAITING &&
	       pthread_cond_timedwait(&t->cond, &t->mu, &until) != ETIMEDOUT) {
	}
	enum decision d = t->decision;
	if (d == COMMIT)
		t->committing = 1;
	if (d == COMMIT)
		snprintf(t->describe + strlen(t->describe), sizeof(t->describe) - strlen(t->describe),
			 " (committing)");
	pthread_mutex_unlock(&t->mu);
	return d;
}

/* Commits, with the history entry written before and after. */
static void commit(struct txn *t, const struct trans_cb *cb)
{
	char err[1024] = "";
	int status = 0;
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_TRANS_RESULT;
	struct msg_trans_result *r = &m.u.result;
	r->kind = t->kind;
	r->flags = t->flags;
	r->uid = t->o.uid;
	r->started = (uint64_t)time(NULL);
	r->command = t->command;
	r->message = "";
	r->count = r->changes = t->nitems;
	r->items = t->items;
	int policy = 0;
	if (t->o.aur) {
		/* Approvals given since the plan count: judge the AUR part again. */
		uint32_t k = 0;
		for (uint32_t i = 0; i < t->nviol; i++)
			if (t->viol[i].rule != POLICY_AUR)
				t->viol[k++] = t->viol[i];
		uint32_t before = k;
		t->nviol = k;
		aur_txn_judge(t->o.aur, t->arena, &t->viol, &t->nviol, &t->aur_note);
		if (t->o.override_ok && t->nviol > before)
			policy_override(t->viol + before, t->nviol - before,
					&(struct strlist){(const char *const *)t->overrides,
							  t->noverrides});
	}
	if (needs_consent(t, err, sizeof(err)) || (policy = policy_refuses(t, err, sizeof(err)))) {
		/* Refused before anything is recorded or changed. */
		if (policy) {
			char detail[2048];
			snprintf(detail, sizeof(detail), "%s: %s", t->command, err);
			audit(t, "refused", detail);
		} else {
			audit(t, "refused", err);
		}
		r->status = policy ? ERR_POLICY : ERR_TRANS;
		r->ended = (uint64_t)time(NULL);
		r->message = err;
		push(t, TXN_OUT_DONE, &m);
		return;
	}
	if (history_add(t->o.history, r, err, sizeof(err)) != 0) {
		/* No record, no change. */
		r->status = ERR_TRANS;
		r->ended = (uint64_t)time(NULL);
		r->message = err;
		push(t, TXN_OUT_DONE, &m);
		return;
	}
	t->history_id = r->history;
	char detail[2048];
	snprintf(detail, sizeof(detail), "%s (history %llu)", t->command,
		 (unsigned long long)r->history);
	audit(t, "begin", detail);
	int rc = t->be_planned ? t->ops->commit(t->be, cb, err, sizeof(err), &status) : 0;
	if (rc == 0 && t->o.aur) {
		/* The repositories' part is in: build and install from the AUR. */
		t->ops->release(t->be);
		t->be_planned = 0;
		rc = aur_txn_commit(t->o.aur, t->ops, t->be, cb, err, sizeof(err), &status);
	}
	r->ended = (uint64_t)time(NULL);
	r->status = rc == 0 ? 0 : status == BACKEND_ERR_LOCKED ? ERR_LOCKED : ERR_TRANS;
	r->message = rc == 0 ? "" : err;
	r->notes = (struct strlist){t->notes, t->nnotes};
	char herr[256];
	if (history_put(t->o.history, r, herr, sizeof(herr)) != 0)
		fprintf(stderr, "omgd: %s\n", herr);
	struct buf d = {0};
	buf_printf(&d, "%s (history %llu): %s%s", t->command, (unsigned long long)r->history,
		   rc == 0 ? "ok" : "failed: ", rc == 0 ? "" : err);
	for (uint32_t i = 0; i < t->nitems && d.len < 1500; i++) {
		const struct trans_item *it = &t->items[i];
		buf_printf(&d, "%s%s %s%s%s", i ? ", " : "; ", trans_action_name(it->action), it->name,
			   *it->new_version ? " " : "", it->new_version);
	}
	snprintf(detail, sizeof(detail), "%s", d.p);
	buf_free(&d);
	audit(t, "commit", detail);
	fprintf(stderr, "omgd: %s\n", detail);
	push(t, TXN_OUT_DONE, &m);
}

/* Notes the lock file the plan holds, so that the next engine can remove it
 * if this one dies holding it. */
static void mark_lock(struct txn *t)
{
	const char *lock = t->o.lock_marker && t->ops->lock_file ? t->ops->lock_file(t->be) : NULL;
	struct stat st;
	if (!lock || stat(lock, &st) != 0)
		return;
	char *text = xasprintf("%d %llu %lld %ld %s\n", (int)getpid(),
			       (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec,
			       (long)st.st_mtim.tv_nsec, lock);
	fd_replace_buf(t->o.lock_marker, 0644, text, strlen(text)); /* best effort: a hint */
	free(text);
}

/* Non-zero if pid is a live process (a zombie is not: it holds no files). */
static int alive(int pid)
{
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 0;
	char path[64], stat_line[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int live = 1;
	if (fgets(stat_line, sizeof(stat_line), f)) {
		const char *p = strrchr(stat_line, ')'); /* after the command name */
		live = !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
	}
	fclose(f);
	return live;
}

int txn_recover_lock(const char *marker, char *note, size_t notelen)
{
	FILE *f = fopen(marker, "r");
	if (!f)
		return 0;
	int pid = 0;
	unsigned long long ino = 0;
	long long sec = 0;
	long nsec = 0;
	char path[4096] = "";
	int n = fscanf(f, "%d %llu %lld %ld %4095[^\n]", &pid, &ino, &sec, &nsec, path);
	fclose(f);
	int rc = 0;
	struct stat st;
	if (n == 5 && pid > 0 && pid != getpid() && !alive(pid) &&
	    stat(path, &st) == 0 && st.st_ino == ino && st.st_mtim.tv_sec == sec &&
	    st.st_mtim.tv_nsec == nsec && unlink(path) == 0) {
		snprintf(note, notelen, "removed %s, the lock the transaction of engine pid %d held "
					"when it stopped", path, pid);
		rc = 1;
	}
	if (n != 5 || pid == getpid() || !alive(pid))
		unlink(marker); /* done with, or not ours to judge while that engine lives */
	return rc;
}

/* The worker thread. */
static void *worker(void *arg)
{
	struct txn *t = arg;
	char err[1024] = "";
	int status = 0;
	struct trans_cb cb = {t, on_item, on_event, on_ask, on_held};
	struct backend_opts bo = {t->root, strcmp(t->root, "/") != 0};
	t->ops = backend_module(t->o.backend, err, sizeof(err));
	if (!t->ops) {
		send_failed(t, ERR_BACKEND, err);
		return NULL;
	}
	if (!t->ops->plan) {
		send_failed(t, ERR_UNSUPPORTED, "this backend module has no transactions");
		return NULL;
	}
	t->be = t->ops->open(&bo, err, sizeof(err), &status);
	if (!t->be) {
		send_failed(t, ERR_BACKEND, err);
		return NULL;
	}
	if (plan(t, &cb, err, sizeof(err), &status) != 0) {
		t->ops->release(t->be);
		t->ops->close(t->be);
		send_failed(t, error_code(status), err);
		return NULL;
	}
	judge(t);
	if (t->flags & TRANS_DRY_RUN) {
		/* Nothing to wait for: it holds no lock and is never committed. */
		send_plan(t);
		t->ops->release(t->be);
		t->ops->close(t->be);
		t->be = NULL;
		push(t, TXN_OUT_END, NULL);
		return NULL;
	}
	mark_lock(t);
	send_plan(t);
	enum decision d = wait_decision(t);
	if (d == COMMIT)
		commit(t, &cb);
	t->ops->release(t->be);
	t->ops->close(t->be);
	t->be = NULL;
	if (t->o.lock_marker)
		unlink(t->o.lock_marker);
	if (d != COMMIT) {
		struct msg m;
		memset(&m, 0, sizeof(m));
		m.h.type = MSG_TRANS_RESULT;
		m.u.result.kind = t->kind;
		m.u.result.status = ERR_CANCELLED;
		m.u.result.command = t->command;
		m.u.result.message = d == CANCEL ? "cancelled" : "the plan was not confirmed in time";
		push(t, TXN_OUT_DONE, &m);
	}
	return NULL;
}

/* Orders TRANS_APPLY targets by name, the action character aside (qsort). */
static int cmp_apply_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x + 1, *(const char *const *)y + 1);
}

int txn_check_plan(const struct msg_plan *req, char *err, size_t errlen)
{
	const struct strlist *t = &req->targets;
	if (req->kind < TRANS_SYNC || req->kind > TRANS_APPLY) {
		snprintf(err, errlen, "unknown transaction kind %u", req->kind);
		return -1;
	}
	if (req->flags & ~(uint32_t)TRANS_FLAGS_KNOWN) {
		/* A flag of a newer client changes what is done: never ignore one. */
		snprintf(err, errlen, "unknown plan flags 0x%x",
			 req->flags & ~(uint32_t)TRANS_FLAGS_KNOWN);
		return -1;
	}
	if ((req->flags & TRANS_NO_AUR) && req->kind != TRANS_INSTALL &&
	    req->kind != TRANS_UPGRADE) {
		snprintf(err, errlen, "only install and upgrade take the AUR (flag no-aur)");
		return -1;
	}
	if ((req->flags & TRANS_AS_DEPS) && req->kind != TRANS_INSTALL) {
		snprintf(err, errlen, "%s: only install installs as dependencies (--asdeps)",
			 trans_kind_name(req->kind));
		return -1;
	}
	/* Package files: install's absolute paths, which the engine reads
	 * itself (its working directory is not the client's). */
	for (uint32_t i = 0; i < t->n; i++) {
		const char *v = t->v[i], *name = req->kind == TRANS_APPLY && v[0] ? v + 1 : v;
		if (req->kind == TRANS_INSTALL && trans_arg_is_file(v) && v[0] != '/') {
			snprintf(err, errlen, "install: '%s': a package file is named by its "
				 "absolute path", v);
			return -1;
		}
		if (req->kind != TRANS_INSTALL && name[0] == '/') {
			snprintf(err, errlen, "%s: '%s': only install takes a package file",
				 trans_kind_name(req->kind), name);
			return -1;
		}
	}
	if (req->kind != TRANS_APPLY)
		return 0;
	if (!t->n) {
		snprintf(err, errlen, "apply: name at least one package");
		return -1;
	}
	for (uint32_t i = 0; i < t->n; i++) {
		const char *v = t->v[i];
		if (v[0] != APPLY_INSTALL && v[0] != APPLY_REMOVE && v[0] != APPLY_PURGE &&
		    v[0] != APPLY_KEEP) {
			snprintf(err, errlen,
				 "apply: '%s' needs an action: +install, -remove, _purge, =keep", v);
			return -1;
		}
		if (!v[1]) {
			snprintf(err, errlen, "apply: '%s' names no package", v);
			return -1;
		}
	}
	const char **sorted = xcalloc(t->n, sizeof(*sorted));
	memcpy(sorted, t->v, t->n * sizeof(*sorted));
	qsort(sorted, t->n, sizeof(*sorted), cmp_apply_name);
	int rc = 0;
	for (uint32_t i = 1; i < t->n && rc == 0; i++)
		if (cmp_apply_name(&sorted[i - 1], &sorted[i]) == 0) {
			snprintf(err, errlen, "apply: '%s' is named twice", sorted[i] + 1);
			rc = -1;
		}
	free(sorted);
	return rc;
}

struct txn *txn_start(const struct msg_plan *req, const struct txn_opts *o, char *err,
		      size_t errlen)
{
	struct txn *t = xcalloc(1, sizeof(*t));
	t->o = *o;
	t->root = xstrdup(o->root);
	t->kind = req->kind;
	t->flags = req->flags;
	t->command = xstrdup(req->command ? req->command : "");
	t->deny = xstrdup(o->policy.deny ? o->policy.deny : "");
	t->o.policy.deny = t->deny;
	t->feed = o->feed;
	t->noverrides = req->overrides.n;
	t->overrides = xcalloc(req->overrides.n + 1, sizeof(*t->overrides));
	for (uint32_t i = 0; i < req->overrides.n; i++)
		t->overrides[i] = xstrdup(req->overrides.v[i]);
	t->ntargets = req->targets.n;
	t->targets = xcalloc(req->targets.n + 1, sizeof(*t->targets));
	for (uint32_t i = 0; i < req->targets.n; i++)
		t->targets[i] = xstrdup(req->targets.v[i]);
	t->arena = strpool_new();
	snprintf(t->describe, sizeof(t->describe), "%s", trans_kind_name(t->kind));
	for (uint32_t i = 0; i < t->ntargets && strlen(t->describe) < 200; i++)
		snprintf(t->describe + strlen(t->describe), sizeof(t->describe) - strlen(t->describe),
			 " %s", t->targets[i]);
	if (t->flags & TRANS_DRY_RUN)
		snprintf(t->describe + strlen(t->describe), sizeof(t->describe) - strlen(t->describe),
			 " (dry run)");
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_cond_init(&t->cond, &ca);
	pthread_condattr_destroy(&ca);
	int rc = thread_start(&t->thread, worker, t);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the transaction: %s", strerror(rc));
		t->thread = 0;
		txn_free(t);
		return NULL;
	}
	return t;
}

/* Sets the decision unless one was made. */
static void decide(struct txn *t, enum decision d)
{
	pthread_mutex_lock(&t->mu);
	if (t->decision == WAITING)
		t->decision = d;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->mu);
}

void txn_commit(struct txn *t)
{
	decide(t, COMMIT);
}

void txn_cancel(struct txn *t)
{
	decide(t, CANCEL);
}

int txn_answer(struct txn *t, uint32_t q, uint32_t answer)
{
	int rc = -1;
	pthread_mutex_lock(&t->mu);
	if (q && t->qwait == q && !t->qanswered && answer < t->qchoices) {
		t->qanswered = 1;
		t->qanswer = answer;
		rc = 0;
		pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->mu);
	return rc;
}

void txn_set_listeners(struct txn *t, unsigned n)
{
	pthread_mutex_lock(&t->mu);
	t->listeners = n;
	pthread_mutex_unlock(&t->mu);
}

int txn_committing(const struct txn *t)
{
	pthread_mutex_lock((pthread_mutex_t *)&t->mu);
	int c = t->committing;
	pthread_mutex_unlock((pthread_mutex_t *)&t->mu);
	return c;
}

uint32_t txn_kind(const struct txn *t)
{
	return t->kind; /* set before the thread starts */
}

int txn_dry_run(const struct txn *t)
{
	return (t->flags & TRANS_DRY_RUN) != 0; /* set before the thread starts */
}

void txn_describe(struct txn *t, char *out, size_t len)
{
	pthread_mutex_lock(&t->mu);
	snprintf(out, len, "%s", t->describe);
	pthread_mutex_unlock(&t->mu);
}

void txn_free(struct txn *t)
{
	if (!t)
		return;
	if (t->thread)
		pthread_join(t->thread, NULL);
	struct txn_out out;
	while (txn_next(t, &out))
		buf_free(&out.frame);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cond);
	put_feed(t); /* planning failed before the policy looked at it */
	for (uint32_t i = 0; i < t->ntargets; i++)
		free(t->targets[i]);
	free(t->targets);
	for (uint32_t i = 0; i < t->noverrides; i++)
		free(t->overrides[i]);
	free(t->overrides);
	free(t->deny);
	free(t->viol);
	free(t->command);
	free(t->root);
	free(t->items);
	free(t->notes);
	free(t->held);
	free(t->held_why);
	aur_txn_free(t->o.aur);
	strpool_free(t->arena);
	free(t);
}
