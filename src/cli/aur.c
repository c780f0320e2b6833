/* SPDX-License-Identifier: MIT */
/* omg aur review: an AUR package's build files shown (every file, or the diff since the approved
 * ones), and the user's word recorded by the engine. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

/* Shows text in the user's pager ($PAGER, else less -R, else more); straight
 * to stderr when none runs. */
static void page(const char *text, size_t len)
{
	const char *pager = getenv("PAGER");
	if (!pager || !*pager)
		pager = access("/usr/bin/less", X_OK) == 0 ? "less -R" : "more";
	fflush(stdout);
	fflush(stderr);
	int fd[2];
	if (pipe(fd) != 0)
		goto plain;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		goto plain;
	}
	if (pid == 0) {
		dup2(fd[0], STDIN_FILENO);
		close(fd[0]);
		close(fd[1]);
		execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN); /* the user may quit the pager early */
	for (size_t at = 0; at < len;) {
		ssize_t w = write(fd[1], text + at, len - at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		at += (size_t)w;
	}
	close(fd[1]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
	}
	signal(SIGPIPE, old);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		goto plain;
	return;
plain:
	(void)!fwrite(text, 1, len, stderr);
}

/* Asks "Approve BASE's files? [y/N]" on the terminal: 1 yes, 0 anything else. */
static int ask_approve(const char *base)
{
	fprintf(stderr, "Approve %s's files (omg will build them)? [y/N] ", base);
	fflush(stderr);
	char line[32];
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

int cli_aur_review(struct cli *c, const char *name, int approve, int interactive)
{
	char *args[] = {(char *)name};
	struct replies r;
	int rc = cli_ask_aur(c, AUR_REQ_REVIEW, 0, NULL, 1, args, &r);
	if (rc) {
		replies_free(&r);
		return rc;
	}
	if (!r.have_review) {
		report_error(&c->err, "the engine sent no review for %s", name);
		replies_free(&r);
		return EXIT_ROOT;
	}
	const struct msg_aur_review *v = &r.review;
	if (v->approved) {
		fprintf(stderr, "omg: %s: the files you approved, unchanged\n", v->base);
		replies_free(&r);
		return EXIT_OK;
	}
	int yes = approve;
	if (!approve) {
		const char *what = v->kind == AUR_SHOWN_FIRST ? "first review: every file" :
				   "changes since the version you approved";
		if (interactive) {
			fprintf(stderr, "==> %s (%s)\n", v->base, what);
			page(v->text, strlen(v->text));
			yes = ask_approve(v->base);
		} else {
			/* No terminal: the review goes to stdout, and nothing is approved. */
			buf_puts(&c->out.b, v->text);
			fprintf(stderr, "omg: %s is not approved: run 'omg aur review %s' on a "
				"terminal, or 'omg aur review --approve %s' once reviewed\n", v->base,
				name, name);
			replies_free(&r);
			return EXIT_OK;
		}
	}
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_AUR;
	req.u.aur.op = yes ? AUR_REQ_APPROVE : AUR_REQ_DECLINE;
	req.u.aur.by = "";
	req.u.aur.hash = v->hash;
	req.u.aur.args = (struct strlist){(const char *const *)args, 1};
	struct replies a;
	rc = session_ask(&c->s, &req, &a);
	if (!yes) {
		fprintf(stderr, "omg: %s: not approved; nothing approved\n", v->base);
		rc = EXIT_CANCELLED;
	} else if (rc == 0) {
		fprintf(stderr, "omg: %s: approved (%.12s)\n", v->base, v->hash);
	}
	replies_free(&a);
	replies_free(&r);
	return rc;
}

int cmd_aur(struct cli *c, int argc, char **argv)
{
	if (argc < 1 || strcmp(argv[0], "review") != 0) {
		report_error(&c->err, "usage: omg aur review [--approve] PKG (see omg aur --help)");
		return EXIT_USAGE;
	}
	if (argc != 2) {
		report_error(&c->err, "aur review takes one package");
		return EXIT_USAGE;
	}
	return cli_aur_review(c, argv[1], c->approve,
			      isatty(STDIN_FILENO) && isatty(STDERR_FILENO));
}

int cli_aur_unpack(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "omg: __aur-unpack is the engine's, not a command\n");
		return EXIT_USAGE;
	}
	struct session s;
	memset(&s, 0, sizeof(s));
	char err[1024];
	const struct embed_api *api = session_engine_module(&s, err, sizeof(err));
	if (!api) {
		fprintf(stderr, "%s\n", err);
		return EXIT_MODULE;
	}
	/* The engine caps what it sends ([aur] max_size); this is the last guard. */
	if (api->aur_unpack(STDIN_FILENO, (size_t)1 << 30, argv[2], argv[3], err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return 0;
}
