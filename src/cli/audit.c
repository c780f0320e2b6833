/* SPDX-License-Identifier: MIT */
/* omg audit log|verify: the engine's audit log, read and checked from its files (through the engine module). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/json.h"

/* The state audit_read's callback writes through. */
struct log_out {
	struct cli *c;
	uint64_t n;
};

/* Appends s for a terminal: control bytes as \xNN, so a detail cannot move the cursor. */
static void put_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch == 0x7f)
			buf_printf(b, "\\x%02x", ch);
		else
			buf_putc(b, (char)ch);
	}
}

/* One entry of omg audit log, as a text line or a JSON object. */
static int print_entry(void *ctx, const struct audit_entry *e)
{
	struct log_out *lo = ctx;
	struct buf *b = &lo->c->out.b;
	if (lo->c->out.json) {
		buf_puts(b, lo->n ? ",\n{" : "\n{");
		json_kv_int(b, "seq", (int64_t)e->seq, 1);
		json_kv_int(b, "time", e->time, 0);
		json_kv_int(b, "uid", e->uid, 0);
		json_kv_int(b, "pid", e->pid, 0);
		json_kv_str(b, "event", e->event, 0);
		json_kv_str(b, "detail", e->detail, 0);
		buf_putc(b, '}');
	} else {
		char when[64];
		render_time(when, sizeof(when), e->time);
		buf_printf(b, "%s#%" PRIu64 "%s  %s  uid %u  pid %d  %s%s%s  ",
			   render_col(&lo->c->out, COL_LABEL), e->seq, render_col(&lo->c->out, COL_RESET), when,
			   (unsigned)e->uid, (int)e->pid, render_col(&lo->c->out, COL_NAME), e->event,
			   render_col(&lo->c->out, COL_RESET));
		put_text(b, e->detail);
		buf_putc(b, '\n');
	}
	lo->n++;
	return 0;
}

/* Says why the log's files could not be read; the exit status for it. */
static int cannot_read(struct cli *c, const char *dir, const char *why, int err)
{
	if (err == EACCES || err == EPERM) {
		report_error(&c->err, "%s", why);
		if (geteuid() != 0)
			report_error(&c->err, "the audit log in %s belongs to the engine's user; a "
					"system engine's log can be read by root only (try sudo)",
				dir);
		return EXIT_DENIED;
	}
	report_error(&c->err, "%s", why);
	return EXIT_DB;
}

/* omg audit log: every entry, oldest first. */
static int audit_log(struct cli *c, const struct embed_api *api, const char *dir)
{
	struct log_out lo = {c, 0};
	char err[512];
	c->json_partial = "entries"; /* the entries read, beside the error for the others */
	if (c->out.json)
		buf_putc(&c->out.b, '[');
	int skipped = api->audit_read(dir, print_entry, &lo, err, sizeof(err));
	if (skipped < 0) {
		int e = errno;
		buf_reset(&c->out.b);
		return cannot_read(c, dir, err, e);
	}
	if (c->out.json)
		buf_puts(&c->out.b, lo.n ? "\n]\n" : "]\n");
	if (skipped) {
		report_error(&c->err, "%d line%s of the audit log %s not entries (see omg audit "
				"verify)",
			skipped, skipped == 1 ? "" : "s", skipped == 1 ? "is" : "are");
		return EXIT_AUDIT;
	}
	return EXIT_OK;
}

/* omg audit verify: the chain, every MAC, and the head. */
static int audit_check(struct cli *c, const struct embed_api *api, const char *dir)
{
	struct audit_report rep;
	int rc = api->audit_verify(dir, &rep);
	if (rc < 0)
		return cannot_read(c, dir, rep.why, errno);
	if (c->out.json) {
		struct buf *b = &c->out.b;
		buf_putc(b, '{');
		json_kv_bool(b, "intact", rc == 0, 1);
		json_kv_int(b, "entries", (int64_t)rep.entries, 0);
		json_kv_int(b, "first_bad", (int64_t)rep.bad_seq, 0);
		json_kv_str(b, "why", rep.why, 0);
		buf_puts(b, "}\n");
	} else if (rc == 0) {
		buf_printf(&c->out.b, "audit log intact: %" PRIu64 " entries, head %" PRIu64 "\n",
			   rep.entries, rep.head);
	}
	if (rc == 0)
		return EXIT_OK;
	report_error(&c->err, "audit log tampered: %s", rep.why);
	return EXIT_AUDIT;
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
	if (argc != 1 || (strcmp(argv[0], "log") != 0 && strcmp(argv[0], "verify") != 0)) {
		report_error(&c->err, "audit takes log or verify (see omg audit --help)");
		return EXIT_USAGE;
	}
	struct replies r;
	int rc = session_ask_status(&c->s, &r);
	if (rc) {
		replies_free(&r);
		return rc;
	}
	const char *dir = r.status.audit_dir;
	if (!dir || !*dir) {
		report_error(&c->err, "this engine keeps no audit log");
		replies_free(&r);
		return EXIT_DB;
	}
	char err[PATH_MAX + 512];
	const struct embed_api *api = session_engine_module(&c->s, err, sizeof(err));
	if (!api) {
		report_error(&c->err, "%s", err);
		rc = EXIT_MODULE;
	} else
		rc = strcmp(argv[0], "log") == 0 ? audit_log(c, api, dir) : audit_check(c, api, dir);
	replies_free(&r);
	return rc;
}
