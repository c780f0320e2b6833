/* SPDX-License-Identifier: MIT */
/* The engine's socket server: one epoll loop serving the protocol to many clients. */
#ifndef OMG_ENGINE_SERVER_H
#define OMG_ENGINE_SERVER_H

#include <stddef.h>

#include "engine/engine.h"

struct server_opts {
	const char *socket;     /* the path to listen on */
	unsigned idle_seconds;  /* exit after this long with no client; 0 = never */
	size_t frame_max;       /* the largest request accepted */
	unsigned max_clients;   /* connections beyond this get ERR_BUSY and are closed */
	unsigned rate;          /* requests per second per connection (token bucket) */
	unsigned burst;         /* bucket size */
	size_t out_max;         /* a client whose unread replies exceed this is dropped */
	unsigned stall_seconds; /* a client that reads nothing for this long is dropped */
};

/* Fills o with the defaults documented in omgd(8). */
void server_defaults(struct server_opts *o);

/*
 * Listens on o->socket and serves e until SIGTERM or SIGINT (clean exit,
 * socket removed) or the idle timeout. A socket left by a dead engine is
 * replaced; one a live engine answers on is an error. Returns 0, or 1 with a
 * message on stderr.
 */
int server_run(struct engine *e, const struct server_opts *o);

#endif
