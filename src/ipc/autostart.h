/* SPDX-License-Identifier: MIT */
/* Connecting to an engine, starting it first when none answers, without races. */
#ifndef OMG_IPC_AUTOSTART_H
#define OMG_IPC_AUTOSTART_H

#include <stddef.h>

#include "ipc/client.h"

struct autostart {
	const char *socket;       /* where the engine listens */
	const char *const *argv;  /* the engine's command line, NULL-terminated; argv[0] is
				   * the program run; "--ready-fd=N" is appended */
	const char *log;          /* the engine's stderr (appended), or NULL for /dev/null */
	unsigned timeout_s;       /* how long to wait for it to answer */
	const char *client_name;  /* for the hello */
};

/*
 * Connects to the engine at a->socket (tmux's way): try to connect; if
 * nothing answers, take a lock beside the socket, try again (another client
 * may have started it meanwhile), and only then start the engine, detached
 * in its own session, and wait until it reports it is serving. The engine
 * reports a failure to start on the same pipe; its message lands in err and
 * its exit status in *status. Returns 0, or -1.
 */
int autostart_open(struct client *cl, const struct autostart *a, char *err, size_t errlen,
		   int *status);

#endif
