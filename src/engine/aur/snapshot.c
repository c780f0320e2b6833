/* SPDX-License-Identifier: MIT */
/* AUR snapshots: the engine's hardened unpacker (engine/unpack.c) on a gzip'd tar whose one
 * top directory is the package base, with aurweb's sizes for the caps. */
#include "engine/aur/snapshot.h"

#include <stdio.h>
#include <string.h>

#include "engine/unpack.h"

/* The unpacker's options for base: "snapshot of BASE" names it in every error. */
static struct unpack_opts opts_for(const char *base, const struct aur_snapshot_limits *lim,
				   char *label, size_t labellen)
{
	snprintf(label, labellen, "snapshot of %s", base);
	return (struct unpack_opts){
		.format = UNPACK_TAR_GZ,
		.top = base,
		.label = label,
		.max_total = lim ? lim->max_total : 0,
		.max_file = lim ? lim->max_file : 0,
		.max_entries = lim ? lim->max_entries : 0,
	};
}

/* A base that can be a directory's name, else -1 with err (the unpacker refuses the
 * rest: a control character, a name too long). */
static int base_ok(const char *base, char *err, size_t errlen)
{
	if (!base || !*base || strchr(base, '/') || !strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(err, errlen, "snapshot: bad package base name");
		return -1;
	}
	return 0;
}

int aur_snapshot_check(const void *data, size_t len, const char *base,
		       const struct aur_snapshot_limits *lim, char *err, size_t errlen)
{
	char label[300];
	if (base_ok(base, err, errlen) < 0)
		return -1;
	struct unpack_opts o = opts_for(base, lim, label, sizeof(label));
	return unpack_check(data, len, &o, err, errlen);
}

int aur_snapshot_unpack(const void *data, size_t len, const char *base, const char *dest,
			const struct aur_snapshot_limits *lim, char *err, size_t errlen)
{
	char label[300];
	if (base_ok(base, err, errlen) < 0)
		return -1;
	struct unpack_opts o = opts_for(base, lim, label, sizeof(label));
	return unpack_into(data, len, &o, dest, err, errlen);
}

int aur_rmtree(const char *dir)
{
	return unpack_rmtree(dir);
}
