/* SPDX-License-Identifier: MIT */
/* trans-run: drives one backend's transactions (plan, then optionally commit) on a root, for tests and by hand. */

/*
 * trans-run --backend alpm|apt --root DIR [--commit] [--recursive] [--dry-run]
 *           [--change-held] [--asdeps] [--time]
 *           sync|install|remove|upgrade|apply [TARGET...] [--then VERB [TARGET...]]...
 * trans-run --backend alpm|apt --root DIR packages
 *
 * apply's targets carry their action: +install -remove _purge =keep.
 * "--then" plans (and commits) one more transaction on the same open backend
 * after the one before was released, as a long-lived engine would: a line
 * "THEN verb" starts its output.
 *
 * Output, one record a line on stdout:
 *   ITEM action name old new repo download size_change
 *   HELD name why                       (a held or ignored package the plan changes)
 *   EVENT kind name text index/count done/total percent
 *   QUESTION kind text => choice        (answered with its default)
 *   LOCK holder                         (after a BACKEND_ERR_LOCKED failure)
 *   ERROR status message                (then exits with status)
 *   PKG name installed source source_version   (packages: each installed package
 *                                       as load() gives it, its installed source)
 * Empty strings print as "-". Every field but an EVENT's text is one word:
 * blanks in it print as "_" (a sync item's name may hold one), so a reader
 * splits an EVENT line from both ends. --time prints "TIME plan|commit SECONDS"
 * on stderr. Exit status: 0, or the backend_status of the failure (2 for a bad
 * command line).
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/backend/backend.h"
#include "engine/txn.h"
#include "ipc/trans.h"

/* Prints the usage and returns the usage status. */
static int usage(void)
{
	fprintf(stderr, "usage: trans-run --backend alpm|apt --root DIR [--commit] [--recursive] "
			"[--dry-run] [--change-held] [--asdeps] [--time] "
			"sync|install|remove|upgrade|apply [TARGET...] "
			"[--then VERB [TARGET...]]... | packages\n");
	printf("ERROR %d bad command line\n", BACKEND_ERR_USAGE);
	return BACKEND_ERR_USAGE;
}

/* Prints s as one word: "-" when empty, blanks as "_". */
static void word(const char *s)
{
	if (s == NULL || s[0] == '\0') {
		fputs("-", stdout);
		return;
	}
	for (; *s; s++)
		putchar(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ? '_' : *s);
}

/* Prints s as free text: "-" when empty, line breaks as blanks. */
static void text(const char *s)
{
	if (s == NULL || s[0] == '\0') {
		fputs("-", stdout);
		return;
	}
	for (; *s; s++)
		putchar(*s == '\n' || *s == '\r' ? ' ' : *s);
}

/* The word for a trans_event_kind (a log event says its level). */
static const char *event_name(const struct trans_event *ev)
{
	switch (ev->kind) {
	case TEV_PHASE: return "phase";
	case TEV_DOWNLOAD: return "download";
	case TEV_PACKAGE: return "package";
	case TEV_LOG:
		return ev->level == TLOG_ERROR ? "log-error"
		       : ev->level == TLOG_WARNING ? "log-warning" : "log";
	case TEV_LOCK: return "lock";
	case TEV_QUESTION: return "question";
	case TEV_DECISION: return "decision";
	default: return "unknown";
	}
}

/* cb->item: one ITEM line. */
static void on_item(void *ctx, const struct trans_item *it)
{
	(void)ctx;
	printf("ITEM %s ", trans_action_name(it->action));
	word(it->name);
	putchar(' ');
	word(it->old_version);
	putchar(' ');
	word(it->new_version);
	putchar(' ');
	word(it->repo);
	printf(" %lld %lld\n", (long long)it->download, (long long)it->size_change);
	fflush(stdout);
}

/* cb->event: one EVENT line. */
static void on_event(void *ctx, const struct trans_event *ev)
{
	(void)ctx;
	printf("EVENT %s ", event_name(ev));
	word(ev->name);
	putchar(' ');
	text(ev->text);
	printf(" %u/%u %llu/%llu %u\n", ev->index, ev->count, (unsigned long long)ev->done,
	       (unsigned long long)ev->total, ev->percent);
	fflush(stdout);
}

/* cb->held: one HELD line. */
static void on_held(void *ctx, const char *name, const char *why)
{
	(void)ctx;
	fputs("HELD ", stdout);
	word(name);
	putchar(' ');
	text(why);
	putchar('\n');
	fflush(stdout);
}

/* cb->ask: answers with the default and says so. */
static uint32_t on_ask(void *ctx, const struct trans_question *q)
{
	(void)ctx;
	printf("QUESTION %u ", q->kind);
	text(q->text);
	fputs(" => ", stdout);
	text(q->def < q->choices.n ? q->choices.v[q->def] : "");
	putchar('\n');
	fflush(stdout);
	return q->def;
}

/* Seconds since start. */
static double since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Prints the failure (and the lock holder for a locked database); returns status. */
static int failed(const struct backend_ops *ops, void *self, int status, const char *err)
{
	printf("ERROR %d %s\n", status, err[0] ? err : "failed");
	if (status == BACKEND_ERR_LOCKED && self && ops->lock_holder) {
		char who[256];
		ops->lock_holder(self, who, sizeof(who));
		printf("LOCK %s\n", who[0] ? who : "-");
	}
	fflush(stdout);
	return status ? status : BACKEND_ERR_TXN;
}

/* The trans_kind a verb names, or 0. */
static uint32_t kind_of(const char *verb)
{
	static const struct { const char *verb; uint32_t kind; } kinds[] = {
		{"sync", TRANS_SYNC}, {"install", TRANS_INSTALL}, {"remove", TRANS_REMOVE},
		{"upgrade", TRANS_UPGRADE}, {"apply", TRANS_APPLY},
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(verb, kinds[k].verb) == 0)
			return kinds[k].kind;
	return 0;
}

/* pkg_sink: prints an installed package's PKG line. */
static int print_pkg(void *ctx, const struct pkg *p)
{
	(void)ctx;
	if (!(p->flags & PKG_INSTALLED))
		return 0;
	const char *w[] = {p->name, p->installed_version, p->installed_source,
			   p->installed_source_version};
	fputs("PKG", stdout);
	for (size_t k = 0; k < sizeof(w) / sizeof(w[0]); k++) {
		putchar(' ');
		word(w[k]);
	}
	putchar('\n');
	return 0;
}

/* Plans req (and commits it when asked), then releases it. 0 or the failure's status. */
static int run(const struct backend_ops *ops, void *self, const struct trans_request *req,
	       int commit, int timing)
{
	char err[1024] = "";
	int status = 0;
	struct trans_cb cb = {NULL, on_item, on_event, on_ask, on_held};
	/* The engine's check first, as the engine does before any backend sees a plan. */
	struct msg_plan mp = {.kind = req->kind, .flags = req->flags, .targets = req->targets};
	if (txn_check_plan(&mp, err, sizeof(err)) != 0)
		return failed(ops, NULL, BACKEND_ERR_USAGE, err);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = ops->plan(self, req, &cb, err, sizeof(err), &status);
	if (timing)
		fprintf(stderr, "TIME plan %.3f\n", since(&t0));
	if (rc == 0 && commit) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = ops->commit(self, &cb, err, sizeof(err), &status);
		if (timing)
			fprintf(stderr, "TIME commit %.3f\n", since(&t0));
	}
	int ret = rc == 0 ? 0 : failed(ops, self, status, err);
	ops->release(self);
	return ret;
}

int main(int argc, char **argv)
{
	const char *backend = NULL, *root = NULL, *verbs[8];
	int commit = 0, timing = 0;
	uint32_t flags = 0;
	struct trans_request reqs[8];
	int nreq = 0;
	int i;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--backend") == 0 && i + 1 < argc)
			backend = argv[++i];
		else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			root = argv[++i];
		else if (strcmp(argv[i], "--commit") == 0)
			commit = 1;
		else if (strcmp(argv[i], "--recursive") == 0)
			flags |= TRANS_RECURSIVE;
		else if (strcmp(argv[i], "--dry-run") == 0)
			flags |= TRANS_DRY_RUN;
		else if (strcmp(argv[i], "--change-held") == 0)
			flags |= TRANS_CHANGE_HELD;
		else if (strcmp(argv[i], "--asdeps") == 0)
			flags |= TRANS_AS_DEPS;
		else if (strcmp(argv[i], "--time") == 0)
			timing = 1;
		else if (argv[i][0] == '-')
			return usage();
		else
			break;
	}
	if (!backend || !root || i >= argc)
		return usage();
	int list = i + 1 == argc && strcmp(argv[i], "packages") == 0;
	/* VERB [TARGET...], then one more for each --then */
	while (!list && i < argc) {
		uint32_t kind = kind_of(argv[i]);
		if (!kind || nreq == (int)(sizeof(reqs) / sizeof(reqs[0])))
			return usage();
		verbs[nreq] = argv[i++];
		int first = i;
		while (i < argc && strcmp(argv[i], "--then") != 0)
			i++;
		reqs[nreq++] = (struct trans_request){kind, flags,
			{(const char *const *)(argv + first), (uint32_t)(i - first)}};
		if (i < argc && ++i == argc)
			return usage(); /* --then without a verb */
	}

	char err[1024] = "";
	const struct backend *b = backend_by_name(backend);
	if (!b) {
		printf("ERROR %d unknown backend '%s'\n", BACKEND_ERR_USAGE, backend);
		return BACKEND_ERR_USAGE;
	}
	const struct backend_ops *ops = backend_module(b, err, sizeof(err));
	if (!ops || !ops->plan || !ops->commit || !ops->release) {
		printf("ERROR %d %s\n", BACKEND_ERR_MODULE,
		       ops ? "the backend module has no transactions" : err);
		return BACKEND_ERR_MODULE;
	}
	char real[PATH_MAX];
	if (!realpath(root, real)) {
		printf("ERROR %d %s: %s\n", BACKEND_ERR_ROOT, root, strerror(errno));
		return BACKEND_ERR_ROOT;
	}
	struct backend_opts opts = {real, strcmp(real, "/") != 0};
	int status = 0;
	void *self = ops->open(&opts, err, sizeof(err), &status);
	if (!self)
		return failed(ops, NULL, status, err);

	int ret = 0;
	if (list) {
		struct pkg_sink sink = {NULL, print_pkg, NULL};
		if (ops->load(self, &sink, err, sizeof(err)) != 0)
			ret = failed(ops, self, BACKEND_ERR_DB, err);
	}
	for (int k = 0; !list && k < nreq && ret == 0; k++) {
		if (k) {
			printf("THEN %s\n", verbs[k]);
			fflush(stdout);
		}
		ret = run(ops, self, &reqs[k], commit, timing);
	}
	ops->close(self);
	return ret;
}
