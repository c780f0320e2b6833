/* SPDX-License-Identifier: MIT */
/* An AUR snapshot tarball (.tar.gz, untrusted) unpacked with libarchive under caps. */
#ifndef OMG_ENGINE_AUR_SNAPSHOT_H
#define OMG_ENGINE_AUR_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

/* The caps an unpack obeys; 0 in a field: its default. */
struct aur_snapshot_limits {
	uint64_t max_total; /* bytes unpacked in all; default 64 MiB */
	uint64_t max_file;  /* bytes of one file; default 32 MiB */
	uint32_t max_entries; /* default 4096 */
};

/*
 * Unpacks the gzip'd tar at data[0..len) into dest (an existing, empty
 * directory the caller owns), stripping the archive's one top directory,
 * which must be named base (aurweb's "<pkgbase>/"). Refused, with one line in
 * err naming the entry and nothing left in dest: an absolute path, a ".."
 * component, an entry outside base/, a symlink whose target is absolute or
 * climbs out of base/, a hard link, a device, FIFO or socket, a cap passed,
 * a damaged archive. Modes keep only 0755 bits (no setuid, setgid, sticky);
 * owners are not restored. 0 or -1. Run it as the build user (aur_run_as):
 * the files are theirs.
 */
int aur_snapshot_unpack(const void *data, size_t len, const char *base, const char *dest,
			const struct aur_snapshot_limits *lim, char *err, size_t errlen);

/*
 * Checks the archive as aur_snapshot_unpack would, without writing: for the
 * fuzz target and for a refusal before anything is created. 0 or -1.
 */
int aur_snapshot_check(const void *data, size_t len, const char *base,
		       const struct aur_snapshot_limits *lim, char *err, size_t errlen);

/* Removes dir and everything under it, never following symlinks and never
 * leaving dir's file system. 0 or -1 with errno. */
int aur_rmtree(const char *dir);

#endif
