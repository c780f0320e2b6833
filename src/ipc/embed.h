/* SPDX-License-Identifier: MIT */
/* The engine as a module (omg-engine.so) a client process loads: for omg daemon, --no-daemon and omg audit. */
#ifndef OMG_IPC_EMBED_H
#define OMG_IPC_EMBED_H

#include <stddef.h>
#include <stdint.h>

/*
 * The omg a user types links libc, ncurses and libinih only. Where the
 * engine runs in that process (omg daemon, omgd, --no-daemon) or its files
 * are checked (omg audit), the client loads omg-engine.so, which brings
 * LMDB, libcrypto and, on demand, a backend module. The module exports one
 * table, EMBED_SYMBOL. Requests cross it as encoded frames, exactly as they
 * cross a socket, so the client's reply handling does not change.
 *
 * Bump EMBED_ABI when the table or a struct below changes.
 */
#define EMBED_ABI 2u
#define EMBED_MODULE "omg-engine.so"
#define EMBED_SYMBOL "omg_engine_embed"

/* omg daemon run: the engine in the foreground, serving a socket. */
struct embed_daemon_args {
	const char *root;    /* NULL for the real system */
	const char *backend; /* NULL to detect */
	const char *socket;  /* NULL: the default for the mode */
	const char *config;  /* NULL: OMG_CONFIG, else the mode's default file */
	int system;          /* --system */
	int idle_set;        /* --idle was given: idle (seconds) wins over the file */
	unsigned idle;
	int ready_fd;        /* >= 0: report "ok" or "err STATUS why" there (autostart) */
};

/* Where the time of opening an in-process engine went. */
struct embed_timing {
	const char *store; /* "off", "hit", "miss", "write failed"; static */
	double open_ms, load_ms, index_ms, store_ms;
	size_t packages, index_bytes;
};

/* One entry of an audit log, as omg audit log shows it. */
struct audit_entry {
	uint64_t seq;       /* 1, 2, ... */
	int64_t time;       /* Unix seconds */
	uint32_t uid;       /* who asked */
	int32_t pid;        /* their process, or -1 when not known */
	const char *event;  /* [a-z-]+; borrowed until the callback returns */
	const char *detail; /* unescaped UTF-8 text; borrowed until the callback returns */
	char prev[65];      /* the previous entry's MAC, 64 lowercase hex digits */
	char mac[65];       /* this entry's MAC, 64 lowercase hex digits */
};

/* What audit verify found. */
struct audit_report {
	uint64_t entries; /* lines in the log */
	uint64_t head;    /* the entry the head records (0 when it could not be read) */
	uint64_t bad_seq; /* the first entry that is wrong or missing; 0 when intact */
	char why[256];    /* "entry 5: its MAC does not match (edited)"; "" when intact */
};

struct embed_engine;

/* Receives n bytes of encoded reply frames; borrowed for the call. */
typedef void (*embed_put)(void *ctx, const void *p, size_t n);

struct embed_api {
	uint32_t abi;      /* EMBED_ABI */
	uint32_t protocol; /* OMG_PROTO_VERSION it was built with */
	/* Runs the engine until it is stopped; an exit status (omg(1)). */
	int (*daemon_run)(const struct embed_daemon_args *a);
	/* Opens the engine for root and backend (NULL: the real system,
	 * detection) with its index, from the store when it can. NULL with one
	 * line in err and an exit status in *status. */
	struct embed_engine *(*open)(const char *root, const char *backend, char *err,
				     size_t errlen, int *status);
	void (*close)(struct embed_engine *e);
	/* "alpm" or "apt"; static. */
	const char *(*backend_name)(const struct embed_engine *e);
	/* Answers the request frames in req[0..n) (length-prefixed, as on a
	 * socket), passing every reply frame to put. */
	void (*request)(struct embed_engine *e, const void *req, size_t n, embed_put put,
			void *ctx);
	void (*timing)(const struct embed_engine *e, struct embed_timing *out);
	/* The audit log in dir, oldest entry first: each is called per entry (a
	 * non-zero return stops). The number of lines that are not entries, or
	 * -1 with err and errno. */
	int (*audit_read)(const char *dir, int (*each)(void *ctx, const struct audit_entry *e),
			  void *ctx, char *err, size_t errlen);
	/* Checks the log's chain, every MAC and the head: 0 intact, 1 tampered
	 * (out says where), -1 unreadable (out->why, errno). */
	int (*audit_verify)(const char *dir, struct audit_report *out);
	/* omg __aur-unpack BASE DEST (the engine runs it as the AUR build user):
	 * the snapshot tarball read from fd (at most max bytes) unpacked into
	 * DEST, made afresh. 0, or -1 with one line in err. */
	int (*aur_unpack)(int fd, size_t max, const char *base, const char *dest, char *err,
			  size_t errlen);
};

#endif
