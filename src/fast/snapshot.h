/* SPDX-License-Identifier: MIT */
/* The status snapshot file: its layout, shared by the engine's writer and omg-fast's reader. */
#ifndef OMG_FAST_SNAPSHOT_H
#define OMG_FAST_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Layout (docs/snapshot.md). Every integer is little-endian, at a fixed offset:
 *
 *   [header: SNAP_HEADER_SIZE bytes]
 *   [witnesses: nwitness x SNAP_WITNESS_SIZE bytes, at witness_off]
 *   [strings: strings_len bytes at strings_off, NUL-terminated, in snap_string order,
 *    then one path per witness]
 *   [trailer: CRC-32 (IEEE) of every byte before it, then "END\n"]
 *
 * A reader accepts a file whose major version is its own or older, whatever
 * the minor: a minor version only appends header fields (header_size grows)
 * or flags, so fields a reader does not know are skipped. A new major means
 * the fields it knows changed meaning: it must refuse the file.
 *
 * A witness is a file or directory whose change makes the figures wrong (the
 * package databases): its inode and mtime as the engine saw them when it
 * computed the figures. A reader that finds one changed knows the snapshot
 * is out of date even when no engine runs to rewrite it.
 */
#define SNAP_MAGIC "OMGSNAP\x1a"
#define SNAP_MAGIC_LEN 8
#define SNAP_MAJOR 1
#define SNAP_MINOR 1
#define SNAP_HEADER_SIZE 128
#define SNAP_WITNESS_SIZE 24
#define SNAP_WITNESS_MAX 8
#define SNAP_TRAILER_SIZE 8
#define SNAP_STRINGS_MAX 8192
/* The largest valid file; a reader's fixed buffer holds it. */
#define SNAP_FILE_MAX \
	(SNAP_HEADER_SIZE + SNAP_WITNESS_MAX * SNAP_WITNESS_SIZE + SNAP_STRINGS_MAX + \
	 SNAP_TRAILER_SIZE)

/* Header offsets. */
enum {
	SNAP_O_MAGIC = 0,
	SNAP_O_MAJOR = 8,        /* u16 */
	SNAP_O_MINOR = 10,       /* u16 */
	SNAP_O_HEADER_SIZE = 12, /* u32: bytes of header, >= 128 */
	SNAP_O_FILE_SIZE = 16,   /* u32: the whole file, trailer included */
	SNAP_O_FLAGS = 20,       /* u32: enum snap_flag */
	SNAP_O_WRITTEN = 24,     /* u64: Unix time the engine wrote it */
	SNAP_O_GENERATION = 32,  /* u64: the engine's index generation */
	SNAP_O_LAST_SYNC = 40,   /* u64: Unix time the databases were last refreshed, 0 unknown */
	SNAP_O_CHECKED = 48,     /* u64: Unix time updates were last looked for, 0 never */
	SNAP_O_INSTALLED = 56,   /* u32 */
	SNAP_O_EXPLICIT = 60,    /* u32 */
	SNAP_O_ORPHANS = 64,     /* u32 */
	SNAP_O_UPGRADABLE = 68,  /* u32: held or ignored ones not included */
	SNAP_O_SECURITY = 72,    /* u32: of those, from a security origin (SNAP_SECURITY_KNOWN) */
	SNAP_O_HELD = 76,        /* u32: updates held (apt) or ignored (alpm) */
	SNAP_O_PACKAGES = 80,    /* u32: packages the repositories offer */
	SNAP_O_PID = 84,         /* u32: the engine that wrote it */
	SNAP_O_INTERVAL = 88,    /* u32: seconds between rewrites when nothing changes */
	SNAP_O_NWITNESS = 92,    /* u32 */
	SNAP_O_WITNESS_OFF = 96, /* u32 */
	SNAP_O_STRINGS_OFF = 100, /* u32 */
	SNAP_O_STRINGS_LEN = 104, /* u32 */
	/* minor 1: advisories (SNAP_VULNS_KNOWN) */
	SNAP_O_VULNERABLE = 108,    /* u32: installed packages an advisory affects */
	SNAP_O_VULN_SEVERITY = 112, /* u32: the highest severity among them: 0 unknown,
				     * 1 low, 2 medium, 3 high, 4 critical */
	SNAP_O_VULN_FETCHED = 116,  /* u64: Unix time the advisory data was downloaded */
	/* 124..127: zero, for minor versions to come */
};

/* Witness offsets, from its start. */
enum {
	SNAP_W_INO = 0,        /* u64 */
	SNAP_W_MTIME = 8,      /* s64: seconds */
	SNAP_W_MTIME_NSEC = 16, /* u32 */
	SNAP_W_EXISTS = 20,    /* u32: 0 when the path was missing */
};

enum snap_flag {
	SNAP_SECURITY_KNOWN = 1u << 0, /* the security figure means something (apt) */
	SNAP_REBOOT = 1u << 1,         /* a reboot is needed */
	SNAP_TRANSACTION = 1u << 2,    /* a transaction was running */
	SNAP_SYSTEM = 1u << 3,         /* written by the system engine */
	SNAP_STOPPED = 1u << 4,        /* the engine has exited since */
	SNAP_CHECK_FAILED = 1u << 5,   /* the last look for updates failed (see the engine's log) */
	SNAP_VULNS_KNOWN = 1u << 6,    /* the engine has advisory data: the vulnerable figure
					* means something */
	SNAP_VULNS_STALE = 1u << 7,    /* that data is older than [security] max_age */
};

/* The strings, in file order. */
enum snap_string {
	SNAP_S_BACKEND,     /* "alpm", "apt" */
	SNAP_S_ROOT,        /* the root's real path */
	SNAP_S_TRANSACTION, /* what ran ("install (committing)"), or "" */
	SNAP_S_COUNT
};

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of n bytes, continuing crc (0 to start). */
static inline uint32_t snap_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static inline uint32_t snap_get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t snap_get64(const unsigned char *p)
{
	return (uint64_t)snap_get32(p) | (uint64_t)snap_get32(p + 4) << 32;
}

static inline void snap_put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void snap_put64(unsigned char *p, uint64_t v)
{
	snap_put32(p, (uint32_t)v);
	snap_put32(p + 4, (uint32_t)(v >> 32));
}

/* A decoded snapshot; its strings point into the buffer it was read from. */
struct snap {
	uint16_t major, minor;
	uint32_t flags;
	uint64_t written, generation, last_sync, checked;
	uint32_t installed, explicit_, orphans, upgradable, security, held, packages;
	uint32_t pid, interval;
	uint32_t vulnerable, vuln_severity; /* minor 1 */
	uint64_t vuln_fetched;
	const char *str[SNAP_S_COUNT];
	uint32_t nwitness;
	struct snap_witness {
		const char *path;
		uint64_t ino;
		int64_t mtime;
		uint32_t mtime_nsec;
		uint32_t exists;
	} witness[SNAP_WITNESS_MAX];
};

/* Why a file is refused (omg-fast's exit status is 10 + this). */
enum snap_result {
	SNAP_OK = 0,
	SNAP_MISSING = 1,   /* no file, or it cannot be read */
	SNAP_CORRUPT = 2,   /* truncated, bad magic, bad checksum, bad offsets or strings */
	SNAP_NEWER = 3,     /* a major version this reader does not know */
	SNAP_STALE = 4,     /* older than the maximum age, or a witness changed */
};

/* Decodes the n bytes at p into *s, checking everything but age and witnesses.
 * libc only, no allocation: used by omg-fast, the engine's tests and the fuzzer. */
enum snap_result snap_decode(const unsigned char *p, size_t n, struct snap *s);
/* Encodes s (its strings and witness paths must not be NULL) into out, which
 * holds SNAP_FILE_MAX bytes. The file's size, or 0 if the strings do not fit. */
size_t snap_encode(const struct snap *s, unsigned char *out);

/* Where a user engine for root (a real path) writes its snapshot:
 * $XDG_RUNTIME_DIR/omg/ (or /tmp/omg-UID/), "status.bin" for "/" and
 * "status-HASH.bin" for another root, as the socket is named. 0, or -1 if
 * it does not fit in len. */
int snap_path_user(const char *root, char *out, size_t len);
/* Where the system engine writes it: /var/lib/omg/status.bin for "/", and
 * ROOT/var/lib/omg/status.bin for another root. 0 or -1. */
int snap_path_system(const char *root, char *out, size_t len);

#endif
