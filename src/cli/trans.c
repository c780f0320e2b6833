/* SPDX-License-Identifier: MIT */
/* The mutating commands: plan, show, confirm, commit and follow a transaction in the engine. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ipc/codec.h"
#include "util/clock.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/xalloc.h"

/* No reply for this long means the engine is gone. */
#define WAIT_MS (24 * 3600 * 1000)

/* Where the command is, for the SIGINT handler (the only state it reads). */
enum stage { STAGE_PLANNING, STAGE_CONFIRM, STAGE_COMMITTING, STAGE_ATTACHED };
static volatile sig_atomic_t stage;
static volatile sig_atomic_t json_out; /* --json: the handler says it as an error object too */

/* Ctrl-C: before the commit the engine drops the plan when we close; after
 * it, the transaction goes on without us. */
static void on_sigint(int sig)
{
	(void)sig;
	static const char cancel[] = "\nomg: cancelled; nothing was changed\n";
	static const char detach[] = "\nomg: detached; the transaction goes on in the engine "
				     "(omg attach follows it)\n";
	static const char cancel_json[] = "{\"error\":{\"code\":11,\"message\":\"cancelled; "
					  "nothing was changed\"}}\n";
	static const char detach_json[] = "{\"error\":{\"code\":130,\"message\":\"detached; the "
					  "transaction goes on in the engine (omg attach follows "
					  "it)\"}}\n";
	int detached = stage == STAGE_COMMITTING || stage == STAGE_ATTACHED;
	const char *msg = detached ? detach : cancel, *obj = detached ? detach_json : cancel_json;
	ssize_t w = write(STDERR_FILENO, msg, strlen(msg));
	if (json_out)
		w = write(STDOUT_FILENO, obj, strlen(obj));
	(void)w;
	_exit(detached ? 130 : EXIT_CANCELLED);
}

/* What the progress display remembers between events. */
struct progress {
	int tty;          /* stderr is a terminal: one line redrawn in place */
	int line;         /* a progress line is on screen */
};

/* Clears the progress line, if one is drawn. */
static void progress_clear(struct progress *p)
{
	if (p->tty && p->line) {
		fputs("\r\033[K", stderr);
		p->line = 0;
	}
}

/* A bar of width w for percent. */
static void bar(struct buf *b, uint32_t percent, int w)
{
	int full = (int)(percent > 100 ? 100 : percent) * w / 100;
	buf_putc(b, '[');
	for (int i = 0; i < w; i++)
		buf_putc(b, i < full ? '#' : '-');
	buf_putc(b, ']');
}

/* Draws one progress event: a redrawn line on a terminal, plain lines else. */
static void progress_event(struct cli *c, struct progress *p, const struct msg_event_trans *e)
{
	const struct trans_event *ev = &e->ev;
	struct buf b = {0};
	switch (ev->kind) {
	case TEV_PHASE:
		progress_clear(p);
		if (ev->count)
			fprintf(stderr, ":: %s (%u)\n", ev->text, ev->count);
		else
			fprintf(stderr, ":: %s\n", ev->text);
		break;
	case TEV_LOG:
	case TEV_LOCK:
	case TEV_DECISION:
		progress_clear(p);
		fprintf(stderr, "%s%s\n",
			ev->kind == TEV_DECISION ? "decided: "
			: ev->kind == TEV_LOCK	  ? ""
			: ev->level == TLOG_ERROR ? "error: "
			: ev->level == TLOG_WARNING ? "warning: "
						    : "",
			ev->text);
		break;
	case TEV_DOWNLOAD:
	case TEV_PACKAGE: {
		int done = ev->percent >= 100;
		if (ev->kind == TEV_DOWNLOAD) {
			buf_printf(&b, "%s ", ev->name);
			render_size(&b, (int64_t)ev->done);
			if (ev->total) {
				buf_puts(&b, " / ");
				render_size(&b, (int64_t)ev->total);
			}
			if (e->rate) {
				buf_puts(&b, "  ");
				render_size(&b, (int64_t)e->rate);
				buf_puts(&b, "/s");
			}
			if (ev->text[0])
				buf_printf(&b, "  %s", ev->text);
		} else {
			if (ev->count)
				buf_printf(&b, "(%u/%u) ", ev->index, ev->count);
			buf_printf(&b, "%s %s", ev->text, ev->name);
		}
		if (p->tty) {
			size_t w = c->out.width ? c->out.width : 80;
			struct buf line = {0};
			buf_printf(&line, "%s", b.p);
			int bw = w > 60 ? 20 : 10;
			if (line.len + (size_t)bw + 8 > w)
				line.len = w > (size_t)bw + 8 ? w - (size_t)bw - 8 : 0, line.p[line.len] = '\0';
			fprintf(stderr, "\r\033[K%-*s ", (int)(w - (size_t)bw - 8), line.p ? line.p : "");
			struct buf pb = {0};
			bar(&pb, ev->percent, bw);
			fprintf(stderr, "%s %3u%%", pb.p, ev->percent);
			buf_free(&pb);
			buf_free(&line);
			p->line = 1;
			if (done) {
				fputc('\n', stderr);
				p->line = 0;
			}
		} else if (done && ev->name[0]) {
			/* Plain: one line per file or package, when it is done. */
			if (ev->kind == TEV_DOWNLOAD)
				fprintf(stderr, "%s\n", b.p);
			else
				fprintf(stderr, "%s: done\n", b.p);
		} else if (ev->kind == TEV_DOWNLOAD && !strcmp(ev->text, "retrying")) {
			fprintf(stderr, "%s\n", b.p);
		}
		fflush(stderr);
		break;
	}
	default:
		break;
	}
	buf_free(&b);
}

/* Asks the user a question on the terminal; the default without one. */
static uint32_t ask_user(struct cli *c, struct progress *p, const struct msg_event_trans *e)
{
	progress_clear(p);
	uint32_t n = e->choices.n, def = e->def < n ? e->def : 0;
	if (c->yes || !isatty(STDIN_FILENO)) {
		fprintf(stderr, "question: %s -> %s (default)\n", e->ev.text, n ? e->choices.v[def] : "");
		return def;
	}
	for (;;) {
		fprintf(stderr, "%s\n", e->ev.text);
		for (uint32_t i = 0; i < n; i++)
			fprintf(stderr, "  %u) %s%s\n", i + 1, e->choices.v[i], i == def ? " (default)" : "");
		fprintf(stderr, "answer [1-%u, Enter for %u]: ", n, def + 1);
		fflush(stderr);
		char line[64];
		if (!fgets(line, sizeof(line), stdin))
			return def;
		if (line[0] == '\n')
			return def;
		char *end;
		unsigned long v = strtoul(line, &end, 10);
		if (end != line && v >= 1 && v <= n)
			return (uint32_t)v - 1;
		for (uint32_t i = 0; i < n; i++)
			if (strncmp(line, e->choices.v[i], strlen(e->choices.v[i])) == 0)
				return i;
	}
}

/* Sends an answer to question q. */
static void answer(struct cli *c, uint32_t q, uint32_t a)
{
	struct msg m;
	char err[256];
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_ANSWER;
	m.u.answer.question = q;
	m.u.answer.answer = a;
	if (client_send(c->s.client, &m, err, sizeof(err)) != 0)
		report_error(&c->err, "%s", err);
}

/* Handles an event: progress, or a question answered at once. */
static void on_event(struct cli *c, struct progress *p, const struct msg_event_trans *e)
{
	if (e->ev.kind == TEV_QUESTION)
		answer(c, e->question, ask_user(c, p, e));
	else
		progress_event(c, p, e);
}

/* Appends the items of a plan or result as a JSON array under key. */
static void json_items(struct buf *b, const char *key, const struct trans_item *v, uint32_t n)
{
	json_key(b, key, 0);
	buf_putc(b, '[');
	for (uint32_t i = 0; i < n; i++) {
		buf_puts(b, i ? "," : "");
		buf_putc(b, '{');
		json_kv_str(b, "action", trans_action_name(v[i].action), 1);
		json_kv_str(b, "name", v[i].name, 0);
		json_kv_str_or_null(b, "old_version", v[i].old_version[0] ? v[i].old_version : NULL, 0);
		json_kv_str_or_null(b, "new_version", v[i].new_version[0] ? v[i].new_version : NULL, 0);
		json_kv_str(b, "repo", v[i].repo, 0);
		json_kv_str(b, "reason", v[i].reason == PKG_REASON_DEPEND ? "dependency" : "explicit", 0);
		json_kv_int(b, "download", v[i].download, 0);
		json_kv_int(b, "size_change", v[i].size_change, 0);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

/* Appends a plan as a JSON object: kind, items, sizes, the held packages it
 * changes and its warnings. */
static void json_plan(struct buf *b, const struct msg_plan_reply *p)
{
	buf_putc(b, '{');
	json_kv_str(b, "kind", trans_kind_name(p->kind), 1);
	json_items(b, "items", p->items, p->count);
	json_kv_int(b, "download", p->download, 0);
	json_kv_int(b, "size_change", p->size_change, 0);
	json_kv_strv(b, "held", p->held.v, p->held.n, 0);
	json_kv_strv(b, "warnings", p->warnings.v, p->warnings.n, 0);
	json_key(b, "violations", 0);
	buf_putc(b, '[');
	for (uint32_t i = 0; i < p->nviolations; i++) {
		const struct policy_violation *v = &p->violations[i];
		const char *rule = policy_rule_name(v->rule);
		buf_puts(b, i ? ",{" : "{");
		json_kv_str(b, "rule", rule ? rule : "", 1);
		json_kv_str_or_null(b, "package", v->package[0] ? v->package : NULL, 0);
		json_kv_str(b, "reason", v->reason, 0);
		json_kv_bool(b, "overridden", v->overridden != 0, 0);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
	buf_putc(b, '}');
}

static const char *status_name(uint32_t s)
{
	switch (s) {
	case 0: return "ok";
	case ERR_TRANS: return "failed";
	case ERR_LOCKED: return "locked";
	case ERR_INTERRUPTED: return "interrupted";
	case ERR_CANCELLED: return "cancelled";
	case ERR_POLICY: return "refused";
	default: return "error";
	}
}

static void json_result(struct buf *b, const struct msg_trans_result *r, int items)
{
	buf_putc(b, '{');
	json_kv_int(b, "id", (int64_t)r->history, 1);
	json_kv_str(b, "kind", trans_kind_name(r->kind), 0);
	json_kv_str(b, "result", status_name(r->status), 0);
	json_kv_str_or_null(b, "message", r->message[0] ? r->message : NULL, 0);
	json_kv_int(b, "uid", r->uid, 0);
	json_kv_int(b, "started", (int64_t)r->started, 0);
	json_kv_int(b, "ended", (int64_t)r->ended, 0);
	json_kv_str(b, "command", r->command, 0);
	json_kv_int(b, "changes", r->changes, 0);
	if (items)
		json_items(b, "items", r->items, r->count);
	json_kv_strv(b, "notes", r->notes.v, r->notes.n, 0);
	buf_putc(b, '}');
}

/* Prints how a transaction ended; returns the exit status. */
static int print_result(struct cli *c, const struct msg_trans_result *r)
{
	for (uint32_t i = 0; i < r->notes.n && !c->out.json; i++)
		printf("decided: %s\n", r->notes.v[i]);
	if (r->status == 0) {
		if (c->out.json)
			return EXIT_OK;
		if (r->kind == TRANS_SYNC)
			printf("Databases refreshed (history %llu).\n", (unsigned long long)r->history);
		else
			printf("Done: %u %s changed (history %llu).\n", r->changes,
			       fmt_plural(r->changes, "package", "packages"),
			       (unsigned long long)r->history);
		return EXIT_OK;
	}
	if (r->history)
		report_error(&c->err, "%s %s: %s (history %llu)", trans_kind_name(r->kind),
			status_name(r->status), r->message, (unsigned long long)r->history);
	else
		report_error(&c->err, "%s %s: %s", trans_kind_name(r->kind), status_name(r->status),
			r->message);
	return exit_for_error(r->status);
}

/* Asks "Proceed? [Y/n]" on the terminal. 1 yes, 0 no. */
static int confirm(void)
{
	fprintf(stderr, "Proceed? [Y/n] ");
	fflush(stderr);
	char line[32];
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == '\n' || line[0] == 'y' || line[0] == 'Y';
}

/* Receives until a message for request id that is not an event; events are
 * shown (and questions answered) on the way. 0 with *m set, or an exit status. */
static int wait_reply(struct cli *c, struct progress *p, uint32_t id, struct msg *m,
		      struct strpool *arena)
{
	char err[512];
	for (;;) {
		if (client_recv(c->s.client, m, arena, WAIT_MS, err, sizeof(err)) != 0) {
			progress_clear(p);
			report_error(&c->err, "lost the engine: %s", err);
			return EXIT_TRANS;
		}
		if (m->h.id != id)
			continue;
		if (m->h.type == MSG_EVENT_TRANS) {
			on_event(c, p, &m->u.event);
			continue;
		}
		progress_clear(p);
		return 0;
	}
}

/* Connects to the engine (never in process: the transaction runs there). */
static int connect_engine(struct cli *c)
{
	if (c->s.no_daemon) {
		report_error(&c->err, "transactions run in the engine; drop --no-daemon "
				"(OMG_NO_DAEMON) to use one");
		return EXIT_USAGE;
	}
	if (c->s.client)
		return 0;
	char path[4096];
	double t0 = clock_ms();
	int rc = session_connect(&c->s, 1, path, sizeof(path));
	c->s.connect_ms = clock_ms() - t0;
	return rc;
}

/* Sends the plan request and waits for its reply into *m: 0 with a plan, or
 * an exit status after saying why. */
static int ask_plan(struct cli *c, struct progress *p, uint32_t kind, uint32_t flags, int argc,
		    char **argv, const char *cmdline, struct msg *m, struct strpool *arena)
{
	struct msg req;
	char err[512];
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_PLAN;
	req.u.plan.kind = kind;
	req.u.plan.flags = flags;
	req.u.plan.targets = (struct strlist){(const char *const *)argv, (uint32_t)argc};
	req.u.plan.command = cmdline;
	if (kind != TRANS_SYNC) /* a refresh installs nothing: no rule to override */
		req.u.plan.overrides = (struct strlist){c->overrides, c->noverrides};
	if (client_send(c->s.client, &req, err, sizeof(err)) != 0) {
		report_error(&c->err, "%s", err);
		return EXIT_DB;
	}
	int rc = wait_reply(c, p, req.h.id, m, arena);
	if (rc)
		return rc;
	if (m->h.type == MSG_ERROR) {
		report_error(&c->err, "%s: %s", trans_kind_name(kind), m->u.error.message);
		if (kind == TRANS_INSTALL || kind == TRANS_REMOVE) {
			/* A name the engine does not know: what provides it, what is near. */
			struct suggestion *sg;
			size_t n = suggest_missing(&c->s, (const char *const *)argv, (size_t)argc,
						   kind == TRANS_REMOVE, arena, &sg);
			cli_say_missing(c, sg, n, 0);
		}
		return exit_for_error(m->u.error.code);
	}
	if (m->h.type != MSG_PLAN_REPLY) {
		report_error(&c->err, "unexpected %s from the engine", codec_type_name(m->h.type));
		return EXIT_DB;
	}
	return 0;
}

/* Refuses a plan that changes held packages unless --change-held says the
 * user agreed (the engine would refuse its commit too). 0, or -1 after saying
 * why with *rc set to EXIT_TRANS. A dry run only says what a real run needs. */
static int check_held(struct cli *c, uint32_t kind, const struct msg_plan_reply *plan, int *rc)
{
	if (!plan->held.n || c->change_held)
		return 0;
	struct buf names = {0};
	for (uint32_t i = 0; i < plan->held.n; i++)
		buf_printf(&names, "%s%s", i ? ", " : "", plan->held.v[i]);
	if (c->dry_run) {
		fprintf(stderr, "omg: a real run changes held packages (%s) only with "
				"--change-held\n", names.p);
	} else {
		fprintf(stderr, "omg: %s: refused: the plan changes held packages (%s); run "
				"again with --change-held to change them anyway (they stay held); "
				"nothing was changed\n", trans_kind_name(kind), names.p);
		*rc = EXIT_TRANS;
	}
	buf_free(&names);
	return c->dry_run ? 0 : -1;
}

/*
 * The AUR builds nobody approved yet ([policy] aur = review): on a terminal,
 * without --yes or --dry-run, each is reviewed now (omg aur review) and, once
 * approved, no longer blocks (the engine judges again at the commit). 0, or
 * -1 with *rc EXIT_CANCELLED when the user declined one: nothing is approved
 * past it and nothing is built.
 */
static int review_aur(struct cli *c, const struct msg_plan_reply *plan, int *rc)
{
	if (c->yes || c->dry_run || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return 0;
	for (uint32_t i = 0; i < plan->nviolations; i++) {
		struct policy_violation *v = (struct policy_violation *)&plan->violations[i];
		if (v->rule != POLICY_AUR || v->overridden || !*v->package)
			continue;
		int r = cli_aur_review(c, v->package, 0, 1);
		if (r != 0) {
			report_error(&c->err, "%s was not approved; nothing was built or changed",
				     v->package);
			*rc = r == EXIT_CANCELLED ? EXIT_CANCELLED : r;
			return -1;
		}
		v->overridden = 1; /* approved: it no longer blocks (the engine checks again) */
	}
	return 0;
}

/* Whether to commit the plan: 1 yes, 0 no (nothing to do, a dry run), -1 not
 * confirmed (*rc is then EXIT_CANCELLED, or EXIT_TRANS for held packages
 * without --change-held). Asks on a terminal unless --yes. */
static int decide(struct cli *c, uint32_t kind, const struct msg_plan_reply *plan, int *rc)
{
	if (check_held(c, kind, plan, rc) != 0)
		return -1;
	int go = plan->count && !c->dry_run;
	if (review_aur(c, plan, rc) != 0)
		return -1;
	if (render_policy_blocking(plan)) {
		if (c->dry_run) {
			report_error(&c->err, "%s: a real run is refused by the policy (see Policy "
					"above)", trans_kind_name(kind));
			*rc = EXIT_POLICY;
			return 0;
		}
		/* Nothing to confirm: the commit goes to the engine, which refuses it
		 * (ERR_POLICY), records the refusal and says why. */
		return go;
	}
	if (!go || c->yes || kind == TRANS_SYNC)
		return go;
	if (!isatty(STDIN_FILENO)) {
		report_error(&c->err, "not confirmed: standard input is not a terminal "
				"(use --yes, or --dry-run to see the plan)");
		*rc = EXIT_CANCELLED;
		return -1;
	}
	stage = STAGE_CONFIRM;
	if (!confirm()) {
		report_error(&c->err, "cancelled; nothing was changed");
		*rc = EXIT_CANCELLED;
		return -1;
	}
	return 1;
}

/* Commits the plan and follows it to its result, printed (and added to json
 * when --json). An exit status. */
static int commit_plan(struct cli *c, struct progress *p, uint32_t kind, uint64_t plan,
		       struct buf *json, struct strpool *arena)
{
	struct msg commit, m;
	char err[512];
	memset(&commit, 0, sizeof(commit));
	commit.h.type = MSG_COMMIT;
	commit.u.commit.plan = plan;
	if (client_send(c->s.client, &commit, err, sizeof(err)) != 0) {
		report_error(&c->err, "%s", err);
		return EXIT_DB;
	}
	stage = STAGE_COMMITTING;
	int rc = wait_reply(c, p, commit.h.id, &m, arena);
	if (rc)
		return rc;
	if (m.h.type == MSG_ERROR) {
		report_error(&c->err, "%s: %s", trans_kind_name(kind), m.u.error.message);
		return exit_for_error(m.u.error.code);
	}
	if (m.h.type != MSG_TRANS_RESULT) {
		report_error(&c->err, "unexpected %s from the engine", codec_type_name(m.h.type));
		return EXIT_DB;
	}
	rc = print_result(c, &m.u.result);
	if (c->out.json) {
		buf_puts(json, ",\"result\":");
		json_result(json, &m.u.result, 1);
		buf_puts(json, "}\n");
		buf_append(&c->out.b, json->p, json->len);
	}
	return rc;
}

/* Shows the plan as text on stdout (a sync's only for a dry run), and its
 * warnings on stderr. */
static void show_plan(struct cli *c, uint32_t kind, const struct msg_plan_reply *plan)
{
	if (!(kind == TRANS_SYNC && (c->yes || !c->dry_run))) {
		struct render pr = {.color = c->out.color, .width = c->out.width};
		render_plan_text(&pr, plan);
		fwrite(pr.b.p ? pr.b.p : "", 1, pr.b.len, stdout);
		buf_free(&pr.b);
		fflush(stdout);
	}
	for (uint32_t i = 0; i < plan->warnings.n; i++)
		fprintf(stderr, "warning: %s\n", plan->warnings.v[i]);
}

/* Plans, shows, confirms and commits one transaction. --dry-run asks for a
 * plan that takes no lock and that the engine ends with its reply. */
static int run(struct cli *c, uint32_t kind, uint32_t flags, int argc, char **argv)
{
	int rc = connect_engine(c);
	if (rc)
		return rc;
	struct progress p = {.tty = isatty(STDERR_FILENO)};
	struct buf cmdline = {0}, json = {0};
	flags |= (c->dry_run ? TRANS_DRY_RUN : 0) | (c->change_held ? TRANS_CHANGE_HELD : 0);
	buf_printf(&cmdline, "omg %s", trans_kind_name(kind));
	if (flags & TRANS_RECURSIVE)
		buf_puts(&cmdline, " --recursive");
	if (flags & TRANS_AS_DEPS)
		buf_puts(&cmdline, " --asdeps");
	if (flags & TRANS_CHANGE_HELD)
		buf_puts(&cmdline, " --change-held");
	for (uint32_t i = 0; i < c->noverrides && kind != TRANS_SYNC; i++)
		buf_printf(&cmdline, " --override %s", c->overrides[i]);
	for (int i = 0; i < argc; i++)
		buf_printf(&cmdline, " %s", argv[i]);
	struct sigaction sa = {.sa_handler = on_sigint};
	json_out = c->out.json;
	sigaction(SIGINT, &sa, NULL);
	stage = STAGE_PLANNING;
	struct strpool *arena = strpool_new();
	struct msg m;
	if ((rc = ask_plan(c, &p, kind, flags, argc, argv, cmdline.p, &m, arena)) != 0)
		goto out;
	struct msg_plan_reply plan = m.u.plan_reply;
	if (c->out.json) {
		buf_puts(&json, "{\"plan\":");
		json_plan(&json, &plan);
	} else {
		show_plan(c, kind, &plan);
	}
	int go = decide(c, kind, &plan, &rc);
	if (go > 0) {
		rc = commit_plan(c, &p, kind, plan.plan, &json, arena);
		goto out;
	}
	if (!(flags & TRANS_DRY_RUN)) {
		/* Nothing to do or a no: cancel (closing would do too). A dry
		 * run's plan ended with its reply. */
		struct msg cancel;
		char err[512];
		memset(&cancel, 0, sizeof(cancel));
		cancel.h.type = MSG_CANCEL;
		cancel.u.commit.plan = plan.plan;
		client_send(c->s.client, &cancel, err, sizeof(err));
	}
	if (c->out.json) {
		buf_puts(&json, ",\"result\":null}\n");
		buf_append(&c->out.b, json.p, json.len);
	} else if (go == 0 && c->dry_run && plan.count) {
		printf("Dry run: nothing was changed.\n");
	}
out:
	signal(SIGINT, SIG_DFL);
	strpool_free(arena);
	buf_free(&cmdline);
	buf_free(&json);
	return rc;
}

int cmd_sync(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc) {
		report_error(&c->err, "sync takes no arguments (it refreshes every database)");
		return EXIT_USAGE;
	}
	return run(c, TRANS_SYNC, 0, 0, NULL);
}

int cmd_install(struct cli *c, int argc, char **argv)
{
	if (!argc) {
		report_error(&c->err, "install needs at least one package name");
		return EXIT_USAGE;
	}
	/* Package files go as absolute paths: the engine, which reads them, has
	 * another working directory. A name goes as it is. */
	char **targets = xcalloc((size_t)argc + 1, sizeof(*targets));
	int rc = 0;
	for (int i = 0; i < argc && !rc; i++) {
		if (!trans_arg_is_file(argv[i])) {
			targets[i] = xstrdup(argv[i]);
		} else if (!(targets[i] = realpath(argv[i], NULL))) {
			report_error(&c->err, "install: cannot read %s: %s", argv[i],
				     strerror(errno));
			rc = EXIT_TRANS;
		}
	}
	if (!rc)
		rc = run(c, TRANS_INSTALL, c->asdeps ? TRANS_AS_DEPS : 0, argc, targets);
	for (int i = 0; i < argc; i++)
		free(targets[i]);
	free(targets);
	return rc;
}

int cmd_remove(struct cli *c, int argc, char **argv)
{
	if (!argc) {
		report_error(&c->err, "remove needs at least one package name");
		return EXIT_USAGE;
	}
	return run(c, TRANS_REMOVE, c->recursive ? TRANS_RECURSIVE : 0, argc, argv);
}

int cmd_upgrade(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc) {
		report_error(&c->err, "upgrade takes no package names (it upgrades the whole system; "
				"use omg install to upgrade one package with what it needs)");
		return EXIT_USAGE;
	}
	/* Like pacman -Syu: fresh databases first, then the whole upgrade. A dry
	 * run changes nothing, so it plans from the databases as they are. */
	if (!c->no_sync && !c->dry_run) {
		int rc = run(c, TRANS_SYNC, 0, 0, NULL);
		if (rc)
			return rc;
		if (c->out.json)
			c->out.b.len = 0; /* one JSON document: the upgrade's */
	} else if (!c->no_sync && !c->out.json) {
		fprintf(stderr, "omg: dry run: planned from the databases as they are "
				"(omg sync refreshes them)\n");
	}
	return run(c, TRANS_UPGRADE, c->source == SOURCE_REPO ? TRANS_NO_AUR : 0, 0, NULL);
}

int cmd_attach(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc) {
		report_error(&c->err, "attach takes no arguments");
		return EXIT_USAGE;
	}
	int rc = connect_engine(c);
	if (rc)
		return rc;
	struct progress p = {.tty = isatty(STDERR_FILENO)};
	struct strpool *arena = strpool_new();
	struct msg req, m;
	char err[512];
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_ATTACH;
	struct sigaction sa = {.sa_handler = on_sigint};
	json_out = c->out.json;
	sigaction(SIGINT, &sa, NULL);
	stage = STAGE_ATTACHED;
	if (client_send(c->s.client, &req, err, sizeof(err)) != 0) {
		report_error(&c->err, "%s", err);
		rc = EXIT_DB;
	} else if ((rc = wait_reply(c, &p, req.h.id, &m, arena)) == 0) {
		if (m.h.type == MSG_ERROR) {
			report_error(&c->err, "%s", m.u.error.message);
			rc = m.u.error.code == ERR_STATE ? EXIT_NOMATCH : exit_for_error(m.u.error.code);
		} else if (m.h.type == MSG_TRANS_RESULT) {
			if (!c->out.json)
				printf("%s: %s\n", m.u.result.command, status_name(m.u.result.status));
			rc = print_result(c, &m.u.result);
			if (c->out.json) {
				json_result(&c->out.b, &m.u.result, 1);
				buf_putc(&c->out.b, '\n');
			}
		}
	}
	signal(SIGINT, SIG_DFL);
	strpool_free(arena);
	return rc;
}

int cmd_history(struct cli *c, int argc, char **argv)
{
	uint64_t id = 0;
	if (argc == 2 && strcmp(argv[0], "show") == 0) {
		char *end;
		id = strtoull(argv[1], &end, 10);
		if (*end || !id) {
			report_error(&c->err, "history show needs an entry number, not '%s'", argv[1]);
			return EXIT_USAGE;
		}
	} else if (argc) {
		report_error(&c->err, "usage: omg history [show ID]");
		return EXIT_USAGE;
	}
	int rc = connect_engine(c);
	if (rc)
		return rc;
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_HISTORY;
	req.u.history.id = id;
	req.u.history.limit = (uint32_t)c->limit;
	struct strpool *arena = strpool_new();
	struct msg m;
	char err[512];
	struct progress p = {0};
	if (client_send(c->s.client, &req, err, sizeof(err)) != 0) {
		report_error(&c->err, "%s", err);
		strpool_free(arena);
		return EXIT_DB;
	}
	if ((rc = wait_reply(c, &p, req.h.id, &m, arena)) != 0) {
		strpool_free(arena);
		return rc;
	}
	if (m.h.type == MSG_ERROR) {
		report_error(&c->err, "%s", m.u.error.message);
		strpool_free(arena);
		return m.u.error.code == ERR_USAGE ? EXIT_UNKNOWN : exit_for_error(m.u.error.code);
	}
	const struct msg_history_reply *h = &m.u.history_reply;
	struct buf *b = &c->out.b;
	char t[64];
	if (c->out.json && id) {
		json_result(b, &h->entries[0], 1);
		buf_putc(b, '\n');
	} else if (c->out.json) {
		buf_putc(b, '[');
		for (uint32_t i = 0; i < h->count; i++) {
			buf_puts(b, i ? ",\n" : "\n");
			json_result(b, &h->entries[i], 0);
		}
		buf_puts(b, h->count ? "\n]\n" : "]\n");
	} else if (id) {
		const struct msg_trans_result *r = &h->entries[0];
		render_time(t, sizeof(t), (int64_t)r->started);
		buf_printf(b, "Transaction %llu: %s\nStarted:  %s\n", (unsigned long long)r->history,
			   r->command, t);
		if (r->ended) {
			render_time(t, sizeof(t), (int64_t)r->ended);
			buf_printf(b, "Ended:    %s\n", t);
		}
		buf_printf(b, "User:     uid %u\nResult:   %s%s%s\n", r->uid, status_name(r->status),
			   r->message[0] ? ": " : "", r->message);
		for (uint32_t i = 0; i < r->count; i++) {
			const struct trans_item *it = &r->items[i];
			struct buf v = {0};
			render_versions(&v, it);
			buf_printf(b, "  %-9s %s %s\n", trans_action_name(it->action), it->name, v.p ? v.p : "");
			buf_free(&v);
		}
		for (uint32_t i = 0; i < r->notes.n; i++)
			buf_printf(b, "  decided: %s\n", r->notes.v[i]);
	} else {
		if (h->count)
			buf_printf(b, "%-5s %-19s %-6s %-11s %-7s %s\n", "ID", "STARTED", "UID", "RESULT",
				   "CHANGES", "COMMAND");
		else
			buf_puts(b, "No transactions on this root.\n");
		for (uint32_t i = 0; i < h->count; i++) {
			const struct msg_trans_result *r = &h->entries[i];
			render_time(t, sizeof(t), (int64_t)r->started);
			buf_printf(b, "%-5llu %-19s %-6u %-11s %-7u %s\n", (unsigned long long)r->history, t,
				   r->uid, status_name(r->status), r->changes, r->command);
		}
	}
	strpool_free(arena);
	return EXIT_OK;
}
