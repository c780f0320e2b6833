/* SPDX-License-Identifier: MIT */
/* Transaction vocabulary: kind and action names, and which install arguments are files. */
#include "ipc/trans.h"

#include <string.h>

int trans_arg_is_file(const char *arg)
{
	if (arg[0] == '/' || strncmp(arg, "./", 2) == 0 || strncmp(arg, "../", 3) == 0)
		return 1;
	const char *ext = NULL; /* what follows the last ".pkg.tar" */
	for (const char *p = strstr(arg, ".pkg.tar"); p; p = strstr(p + 1, ".pkg.tar"))
		ext = p + strlen(".pkg.tar");
	return ext && (!*ext || (ext[0] == '.' && ext[1] && !strpbrk(ext + 1, "./")));
}

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
