/* SPDX-License-Identifier: MIT */
/* Backend registry and detection from the root's contents. */
#include "engine/backend/backend.h"

#include <stdio.h>
#include <string.h>

static const struct backend_ops *const backends[] = {&apt_backend, &alpm_backend};

const struct backend_ops *backend_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

/* Which family os-release names: "apt", "alpm" or NULL. */
static const char *os_family(const char *root)
{
	static const char *const files[] = {"etc/os-release", "usr/lib/os-release"};
	for (size_t i = 0; i < 2; i++) {
		char path[4096], line[512];
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		const char *fam = NULL;
		while (!fam && fgets(line, sizeof(line), f)) {
			if (strncmp(line, "ID=", 3) != 0 && strncmp(line, "ID_LIKE=", 8) != 0)
				continue;
			if (strstr(line, "arch"))
				fam = "alpm";
			else if (strstr(line, "debian") || strstr(line, "ubuntu"))
				fam = "apt";
		}
		fclose(f);
		if (fam)
			return fam;
	}
	return NULL;
}

const struct backend_ops *backend_detect(const char *root)
{
	int apt = apt_backend.detect(root), alpm = alpm_backend.detect(root);
	if (apt && alpm) {
		/* Both present (pacman is packaged for Debian, dpkg for Arch):
		 * the distribution decides, and Debian's tools otherwise. */
		const char *fam = os_family(root);
		return fam && strcmp(fam, "alpm") == 0 ? &alpm_backend : &apt_backend;
	}
	return apt ? &apt_backend : alpm ? &alpm_backend : NULL;
}
