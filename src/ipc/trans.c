/* SPDX-License-Identifier: MIT */
/* The names of the protocol's transaction kinds and actions, as users and logs read them. */
#include "ipc/trans.h"

const char *trans_kind_name(uint32_t kind)
{
	switch (kind) {
	case TRANS_SYNC: return "sync";
	case TRANS_INSTALL: return "install";
	case TRANS_REMOVE: return "remove";
	case TRANS_UPGRADE: return "upgrade";
	case TRANS_APPLY: return "apply";
	default: return "transaction";
	}
}

const char *trans_action_name(uint32_t action)
{
	switch (action) {
	case ACT_INSTALL: return "install";
	case ACT_UPGRADE: return "upgrade";
	case ACT_DOWNGRADE: return "downgrade";
	case ACT_REINSTALL: return "reinstall";
	case ACT_REMOVE: return "remove";
	case ACT_REFRESH: return "refresh";
	case ACT_PURGE: return "purge";
	default: return "change";
	}
}
