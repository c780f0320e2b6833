/* SPDX-License-Identifier: MIT */
/* omg's exit statuses, the same for every front end (omg(1), the README). */
#ifndef OMG_CLIENT_EXIT_H
#define OMG_CLIENT_EXIT_H

#include <stdint.h>

enum omg_exit {
	EXIT_OK = 0,
	EXIT_NOMATCH = 1,    /* search found nothing; daemon status: no engine runs */
	EXIT_USAGE = 2,      /* bad option, command or regex */
	EXIT_UNKNOWN = 3,    /* info: a package does not exist */
	EXIT_ROOT = 4,       /* root missing, unreadable, no package system, no engine */
	EXIT_DB = 5,         /* configuration or database missing or corrupt */
	EXIT_MODULE = 6,     /* a module (engine or backend) is missing: an installation problem */
	EXIT_TRANS = 7,      /* a transaction cannot be done, failed or was interrupted */
	EXIT_LOCKED = 8,     /* another process kept the package database locked */
	EXIT_DENIED = 9,     /* the engine refused: not root or not in the admin group */
	EXIT_AUDIT = 10,     /* audit verify: the log was edited, reordered or truncated */
	EXIT_CANCELLED = 11, /* the plan was not confirmed, or cancelled */
	EXIT_OUTPUT = 12,    /* standard output could not be written (a full disk, a closed pipe) */
	EXIT_POLICY = 13,    /* the engine's [policy] refuses the plan (docs/security.md); nothing
			      * was changed */
	EXIT_NODATA = 14,    /* vulns: no advisory data, or older than [security] max_age */
};

/* The exit status for an engine's error reply (enum msg_error_code; 0: EXIT_OK). */
int exit_for_error(uint32_t error);

#endif
