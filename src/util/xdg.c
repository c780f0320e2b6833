/* SPDX-License-Identifier: MIT */
/* XDG base directories: the variable when it is absolute, else the default under HOME. */
#include "util/xdg.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "util/xalloc.h"

char *xdg_omg_dir(enum xdg_kind kind)
{
	static const char *const vars[] = {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
					   "XDG_CACHE_HOME"};
	static const char *const defaults[] = {".config", ".local/share", ".local/state",
					       ".cache"};
	const char *x = getenv(vars[kind]);
	if (x && *x == '/')
		return xasprintf("%s/omg", x);
	const char *home = getenv("HOME");
	if (home && *home == '/')
		return xasprintf("%s/%s/omg", home, defaults[kind]);
	return NULL;
}

int xdg_mkdirs(const char *path)
{
	return xdg_mkdirs_mode(path, 0700);
}

int xdg_mkdirs_mode(const char *path, unsigned mode)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; *s && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, (mode_t)mode) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}
