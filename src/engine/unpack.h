/* SPDX-License-Identifier: MIT */
/* Untrusted archives (tar.gz, tar.xz, zip) unpacked with libarchive under caps, below one top directory. */
#ifndef OMG_ENGINE_UNPACK_H
#define OMG_ENGINE_UNPACK_H

#include <stddef.h>
#include <stdint.h>

/* What the bytes must be: the compression and the container, both checked. */
enum unpack_format {
	UNPACK_TAR_GZ, /* a gzip'd tar; every gzip member's CRC is checked with zlib first */
	UNPACK_TAR_XZ, /* an xz'd tar (liblzma checks the stream's own check) */
	UNPACK_ZIP,    /* a zip archive, uncompressed container */
};

/* How one unpack is done; 0 or NULL in a field: its default. */
struct unpack_opts {
	enum unpack_format format;
	/* The name the archive's one top directory must have ("zapp" for "zapp/..."), or
	 * NULL: any one name, the same for every entry (a runtime's "node-v20.11.1-linux-x64/").
	 * Either way it is stripped: its contents land in dest. */
	const char *top;
	/* Names the archive at the start of every error ("snapshot of zapp"); NULL: "archive". */
	const char *label;
	uint64_t max_total;   /* bytes unpacked in all; default 64 MiB */
	uint64_t max_file;    /* bytes of one file; default 32 MiB */
	uint32_t max_entries; /* default 4096 */
};

/*
 * Checks the archive at data[0..len) without writing: every refusal of
 * unpack_into is found here, so nothing is created for an archive that would
 * be refused. 0, or -1 with one line in err ("LABEL: \"ENTRY\" WHY").
 */
int unpack_check(const void *data, size_t len, const struct unpack_opts *o, char *err,
		 size_t errlen);

/*
 * Unpacks the archive at data[0..len) into dest (an existing, empty directory
 * the caller owns), stripping the one top directory. Refused, with one line in
 * err naming the entry and nothing left in dest: an absolute path, a ".."
 * component, an entry outside the top directory (or a second top directory), a
 * symlink whose target is absolute or climbs out of the top directory, a hard
 * link, a device, FIFO or socket, a control character in a name, a cap passed,
 * a damaged archive or one of another format. Modes keep only 0755 bits (no
 * setuid, setgid, sticky), files stay readable by their owner; owners and
 * times are not restored. Each file is created relative to directory fds
 * opened without following links. 0 or -1.
 */
int unpack_into(const void *data, size_t len, const struct unpack_opts *o, const char *dest,
		char *err, size_t errlen);

/* Removes dir and everything under it, never following symlinks and never
 * leaving dir's file system. 0 or -1 with errno. */
int unpack_rmtree(const char *dir);

#endif
