/* SPDX-License-Identifier: MIT */
/* Loading omg's modules with dlopen, from beside the program or from the install. */
#include "util/module.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/self.h"

#ifndef OMG_MODULE_DIR
#define OMG_MODULE_DIR "/usr/local/lib/omg/modules"
#endif

void *module_symbol(const char *file, const char *sym, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 128];
	const char *dirs[2] = {NULL, OMG_MODULE_DIR};
	if (self_dir(dir, sizeof(dir) - 16) == 0) {
		strcat(dir, "/modules");
		dirs[0] = dir;
	}
	err[0] = '\0';
	for (size_t i = 0; i < 2; i++) {
		if (!dirs[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", dirs[i], file);
		if (access(path, F_OK) != 0)
			continue;
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			snprintf(err, errlen, "%s cannot be loaded from %s: %s", file, dirs[i], dlerror());
			continue;
		}
		void *p = dlsym(h, sym);
		if (p)
			return p;
		snprintf(err, errlen, "%s in %s has no %s: a module from another omg build", file,
			 dirs[i], sym);
	}
	if (!err[0])
		snprintf(err, errlen, "%s is not installed (looked in %s and %s)", file,
			 dirs[0] ? dirs[0] : "-", dirs[1]);
	return NULL;
}
