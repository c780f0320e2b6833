/* SPDX-License-Identifier: MIT */
/* Backend registry and detection from the root's contents. */
#include "engine/backend/backend.h"

#include <limits.h>
#include <unistd.h>

#include "engine/backend/pacconf.h"
#include "util/module.h"
#include "util/xalloc.h"

#ifndef OMG_MODULE_DIR
#define OMG_MODULE_DIR "/usr/local/lib/omg/modules"
#endif

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>


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

/* Accepts a root that has a pacman.conf and a pacman local database. */
static int alpm_detect(const char *root)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/etc/pacman.conf", root);
	if (stat(path, &st) != 0)
		return 0;
	snprintf(path, sizeof(path), "%s/var/lib/pacman/local", root);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Accepts a root with a dpkg status file. */
static int apt_detect(const char *root)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/var/lib/dpkg/status", root);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* pacman.conf and its Includes, every sync database, and every local entry. */
static int alpm_fingerprint(const char *root, struct buf *out)
{
	struct pacconf c;
	char err[512];
	int rc = pacconf_load(&c, root, err, sizeof(err));
	if (rc == 0) {
		for (size_t i = 0; i < c.nfiles; i++)
			backend_fp_file(out, c.files[i]);
		for (size_t i = 0; i < c.nrepos; i++) {
			char *db = xasprintf("%ssync/%s.db", c.dbpath, c.repos[i].name);
			backend_fp_file(out, db);
			free(db);
		}
		char *local = xasprintf("%slocal", c.dbpath);
		backend_fp_file(out, local);
		backend_fp_tree(out, local, 1);
		free(local);
	}
	pacconf_free(&c);
	return rc;
}

/* Adds the directory holding path. */
static void add_parent(const char *path, void (*add)(void *ctx, const char *dir), void *ctx)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		add(ctx, dir);
	}
}

/* The directories of pacman.conf and its Includes, the sync databases, the
 * local database, and DBPath itself: pacman removes db.lck there at the end
 * of every transaction, even one that only edits a local entry in place. */
static void alpm_watch(const char *root, void (*add)(void *ctx, const char *dir), void *ctx)
{
	struct pacconf c;
	char err[512];
	if (pacconf_load(&c, root, err, sizeof(err)) == 0 || c.dbpath) {
		for (size_t i = 0; i < c.nfiles; i++)
			add_parent(c.files[i], add, ctx);
		if (c.dbpath) {
			char *p = xasprintf("%ssync", c.dbpath);
			add(ctx, c.dbpath);
			add(ctx, p);
			free(p);
			p = xasprintf("%slocal", c.dbpath);
			add(ctx, p);
			free(p);
		}
	} else {
		char *p = xasprintf("%s/etc", root);
		add(ctx, p);
		free(p);
	}
	pacconf_free(&c);
}

static int apt_fingerprint(const char *root, struct buf *out);

/* dpkg's directory (status is replaced by rename; the lock is released at
 * the end of every run), apt's state and lists, and its configuration. */
static void apt_watch(const char *root, void (*add)(void *ctx, const char *dir), void *ctx)
{
	static const char *const dirs[] = {"var/lib/dpkg", "var/lib/apt", "var/lib/apt/lists",
					   "etc/apt", "etc/apt/sources.list.d",
					   "etc/apt/preferences.d", "etc/apt/apt.conf.d"};
	const char *sep = root[strlen(root) - 1] == '/' ? "" : "/";
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s%s%s", root, sep, dirs[i]);
		add(ctx, path);
	}
}

/* root/rel ("/rel" for root "/"), into out. */
static void under(const char *root, const char *rel, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/", rel);
}

/* The later of *t and path's mtime. */
static void later_mtime(uint64_t *t, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && (uint64_t)st.st_mtime > *t)
		*t = (uint64_t)st.st_mtime;
}

/* The local database (a package installed or removed changes its directory),
 * DBPath itself (every pacman transaction creates and removes db.lck there,
 * even pacman -D, which rewrites a desc file in place), the sync databases'
 * directory, and pacman.conf. */
static void alpm_witness(const char *root, void (*add)(void *ctx, const char *path), void *ctx)
{
	struct pacconf c;
	char err[512];
	if (pacconf_load(&c, root, err, sizeof(err)) == 0 || c.dbpath) {
		if (c.nfiles)
			add(ctx, c.files[0]);
		if (c.dbpath) {
			char *p = xstrdup(c.dbpath);
			size_t n = strlen(p);
			if (n > 1 && p[n - 1] == '/')
				p[n - 1] = '\0';
			add(ctx, p);
			free(p);
			p = xasprintf("%slocal", c.dbpath);
			add(ctx, p);
			free(p);
			p = xasprintf("%ssync", c.dbpath);
			add(ctx, p);
			free(p);
		}
	}
	pacconf_free(&c);
}

/* pacman -Sy leaves a new mtime on the sync directory even when every
 * database was up to date (it downloads through a temporary directory there). */
static uint64_t alpm_last_sync(const char *root)
{
	struct pacconf c;
	char err[512];
	uint64_t t = 0;
	if (pacconf_load(&c, root, err, sizeof(err)) == 0) {
		char *p = xasprintf("%ssync", c.dbpath);
		later_mtime(&t, p);
		free(p);
		for (size_t i = 0; i < c.nrepos; i++) {
			p = xasprintf("%ssync/%s.db", c.dbpath, c.repos[i].name);
			later_mtime(&t, p);
			free(p);
		}
	}
	pacconf_free(&c);
	return t;
}

/* The kernel runs from modules a kernel upgrade removed: ROOT/usr/lib/modules
 * holds kernels, but not the running one. A root without kernels (a container,
 * a sandbox) never needs one. */
static int alpm_reboot_required(const char *root)
{
	char dir[4096], mine[4096 + 256];
	struct utsname u;
	under(root, "usr/lib/modules", dir, sizeof(dir));
	if (uname(&u) != 0)
		return 0;
	snprintf(mine, sizeof(mine), "%s/%s", dir, u.release);
	struct stat st;
	if (stat(mine, &st) == 0)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int kernels = 0;
	for (struct dirent *e; !kernels && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char vmlinuz[4096 + 512];
		snprintf(vmlinuz, sizeof(vmlinuz), "%s/%s/vmlinuz", dir, e->d_name);
		kernels = stat(vmlinuz, &st) == 0; /* an installed kernel, not leftovers */
	}
	closedir(d);
	return kernels;
}

/* dpkg's status (replaced by rename on every change, holds included), apt's
 * auto-installed marks, and the lists directory. */
static void apt_witness(const char *root, void (*add)(void *ctx, const char *path), void *ctx)
{
	static const char *const rel[] = {"var/lib/dpkg/status", "var/lib/apt/extended_states",
					  "var/lib/apt/lists"};
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char path[4096];
		under(root, rel[i], path, sizeof(path));
		add(ctx, path);
	}
}

/* apt update works in lists/partial (its mtime moves on every run, even when
 * every list was current); Debian's apt also touches update-success-stamp. */
static uint64_t apt_last_sync(const char *root)
{
	static const char *const rel[] = {"var/lib/apt/lists/partial", "var/lib/apt/lists",
					  "var/lib/apt/periodic/update-success-stamp"};
	uint64_t t = 0;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char path[4096];
		under(root, rel[i], path, sizeof(path));
		later_mtime(&t, path);
	}
	return t;
}

/* What update-notifier and unattended-upgrades leave when a package wants a reboot. */
static int apt_reboot_required(const char *root)
{
	char path[4096];
	struct stat st;
	under(root, "run/reboot-required", path, sizeof(path));
	return stat(path, &st) == 0;
}

static const struct backend backends[] = {
	{"apt", apt_detect, apt_fingerprint, apt_watch, apt_witness, apt_last_sync,
	 apt_reboot_required},
	{"alpm", alpm_detect, alpm_fingerprint, alpm_watch, alpm_witness, alpm_last_sync,
	 alpm_reboot_required},
};

const struct backend *backend_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i].name, name) == 0)
			return &backends[i];
	return NULL;
}

const struct backend *backend_detect(const char *root)
{
	const struct backend *apt = backend_by_name("apt"), *alpm = backend_by_name("alpm");
	int has_apt = apt->detect(root), has_alpm = alpm->detect(root);
	if (has_apt && has_alpm) {
		/* Both present (pacman is packaged for Debian, dpkg for Arch):
		 * the distribution decides, and Debian's tools otherwise. */
		const char *fam = os_family(root);
		return fam && strcmp(fam, "alpm") == 0 ? alpm : apt;
	}
	return has_apt ? apt : has_alpm ? alpm : NULL;
}

const struct backend_ops *backend_module(const struct backend *b, char *err, size_t errlen)
{
	char file[64], sym[64], why[PATH_MAX + 256];
	snprintf(file, sizeof(file), "omg-%s.so", b->name);
	snprintf(sym, sizeof(sym), "omg_backend_%s", b->name);
	const struct backend_ops *ops = module_symbol(file, sym, why, sizeof(why));
	if (!ops)
		snprintf(err, errlen, "the %s backend module %s", b->name, why);
	return ops;
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

static int apt_fingerprint(const char *root, struct buf *out)
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
