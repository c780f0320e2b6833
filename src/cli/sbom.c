/* SPDX-License-Identifier: MIT */
/* omg sbom: the engine's CycloneDX document of the installed packages, written to stdout as its pieces arrive. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/fdio.h"

/* Where the pieces go, and the first write error. */
struct sbom_out {
	struct cli *c;
	int err; /* errno of the failed write, 0 while all went well */
};

/* session_ask_text's sink: one piece straight to stdout (the document can be
 * megabytes; it is never held whole here). */
static int write_piece(void *ctx, const char *p, size_t n)
{
	struct sbom_out *o = ctx;
	if (fd_write_all(STDOUT_FILENO, p, n) == 0)
		return 0;
	o->err = errno ? errno : EIO;
	return -1;
}

int cmd_sbom(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		report_error(&c->err, "sbom takes no arguments (the document goes to stdout: "
				"omg sbom > FILE)");
		return EXIT_USAGE;
	}
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_SBOM;
	req.u.sbom.format = 0; /* CycloneDX 1.5 JSON, with or without --json */
	struct sbom_out o = {c, 0};
	struct replies r;
	int rc = session_ask_text(&c->s, &req, write_piece, &o, &r);
	replies_free(&r);
	if (rc == 0 && o.err) {
		if (o.err != EPIPE)
			report_error(&c->err, "cannot write output: %s", strerror(o.err));
		rc = EXIT_OUTPUT;
	}
	return rc;
}
