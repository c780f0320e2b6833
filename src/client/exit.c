/* SPDX-License-Identifier: MIT */
/* From an engine's error code to omg's exit status. */
#include "client/exit.h"

#include "ipc/protocol.h"

int exit_for_error(uint32_t error)
{
	switch (error) {
	case 0:
		return EXIT_OK;
	case ERR_USAGE:
	case ERR_UNKNOWN_TYPE:
	case ERR_UNSUPPORTED:
		return EXIT_USAGE;
	case ERR_DENIED:
		return EXIT_DENIED;
	case ERR_TRANS:
	case ERR_STATE:
	case ERR_INTERRUPTED:
		return EXIT_TRANS;
	case ERR_LOCKED:
		return EXIT_LOCKED;
	case ERR_CANCELLED:
		return EXIT_CANCELLED;
	case ERR_POLICY:
		return EXIT_POLICY;
	default:
		return EXIT_DB;
	}
}
