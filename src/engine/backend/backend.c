/* SPDX-License-Identifier: MIT */
/* Backend registry and detection from the root's contents. */
#include "engine/backend/backend.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void backend_fp_file(struct buf *out, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		buf_printf(out, "%s:-;", path);
		return;
	}
	buf_printf(out, "%s:%lld:%lld.%09ld:%llu;", path, (long long)st.st_size,
		   (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
}

/* scandir filter: skip dot entries. */
static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

void backend_fp_tree(struct buf *out, const char *dir, int depth)
{
	struct dirent **names;
	int n = scandir(dir, &names, not_dot, alphasort);
	if (n < 0) {
		buf_printf(out, "%s:-;", dir);
		return;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (depth > 0)
				backend_fp_tree(out, path, depth - 1);
		} else {
			backend_fp_file(out, path);
		}
		free(names[i]);
	}
	free(names);
}

int backend_fp_apt(const char *root, struct buf *out)
{
	/* What libapt-pkg reads to build the cache and the depcache: its
	 * configuration (sources, pins, apt.conf), the lists, the dpkg status and
	 * the auto-installed marks. A Dir::State or Dir::Etc moved elsewhere by
	 * configuration is not followed. */
	static const char *const trees[] = {"etc/apt", "var/lib/apt/lists"};
	static const char *const files[] = {"var/lib/dpkg/status", "var/lib/apt/extended_states"};
	char path[4096];
	const char *sep = root[strlen(root) - 1] == '/' ? "" : "/";
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s%s%s", root, sep, trees[i]);
		backend_fp_tree(out, path, i == 0 ? 3 : 0);
	}
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s%s%s", root, sep, files[i]);
		backend_fp_file(out, path);
	}
	return 0;
}
