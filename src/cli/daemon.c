/* SPDX-License-Identifier: MIT */
/* omg daemon: the engine in the foreground, serving the protocol on a Unix socket. */
#include <stdio.h>

#include "cli/cli.h"
#include "engine/server.h"
#include "ipc/sockpath.h"

int cmd_daemon(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "omg: daemon takes no arguments\n");
		return EXIT_USAGE;
	}
	const char *path = c->socket;
	c->socket = NULL; /* the daemon is the engine: never a client of itself */
	int rc = cli_open_engine(c);
	if (rc)
		return rc;
	char buf[4096], err[512];
	if (!path) {
		if (sockpath_user(engine_root(c->engine), buf, sizeof(buf), err, sizeof(err)) != 0) {
			fprintf(stderr, "omg: %s\n", err);
			return EXIT_ROOT;
		}
		path = buf;
	}
	struct server_opts o;
	server_defaults(&o);
	o.socket = path;
	o.idle_seconds = c->idle;
	return server_run(c->engine, &o) == 0 ? EXIT_OK : EXIT_ROOT;
}
