/* SPDX-License-Identifier: MIT */
/* The omg wire protocol: every constant and message layout, in one place (docs/protocol.md). */
#ifndef OMG_IPC_PROTOCOL_H
#define OMG_IPC_PROTOCOL_H

#include <stdint.h>

#include "ipc/pkg.h"
#include "ipc/vuln.h"
#include "ipc/trans.h"

/*
 * Bump OMG_PROTO_VERSION whenever a message's layout or meaning changes:
 * a field added, removed or reordered, a type renumbered. Numbers of retired
 * types stay reserved (listed below) and are never reused.
 */
#define OMG_PROTO_VERSION 7u     /* 7: the aur request and aur-review reply;
				  * the package record's AUR fields.
				  * 6: vulns, sbom and text messages; LIST_VULNERABLE;
				  * the status's advisory figures; the plan's
				  * overrides and the plan reply's policy violations.
				  * 5: plan flags TRANS_DRY_RUN and TRANS_CHANGE_HELD,
				  * plan-reply's held list, LIST_SECURITY; apt's record
				  * fields, the version table, installed reverse
				  * dependencies and the count of the others */
#define OMG_PROTO_MIN_VERSION 7u

/* A frame: a 4-byte big-endian length, then that many bytes of message. */
#define OMG_FRAME_LEN_SIZE 4u
#define OMG_FRAME_MAX_DEFAULT (1u << 20) /* 1 MiB, configurable per endpoint */

/*
 * A message: a fixed header, then the fields of its type in the order of its
 * schema (codec.c). All integers little-endian. A string is a u32 byte count
 * and that many bytes of UTF-8 without NUL; a list is a u32 count and its
 * items; a package is the fields of struct pkg in the order of pkg_schema.
 */
struct msg_header {
	uint16_t version; /* OMG_PROTO_VERSION of the sender */
	uint16_t type;    /* enum msg_type */
	uint32_t id;      /* request id; replies and events carry the request's */
	uint32_t flags;   /* enum msg_flag */
};
#define OMG_HEADER_SIZE 12u

enum msg_flag {
	MSG_FLAG_MORE = 1u << 0, /* more replies follow for this request id */
};

/* What MSG_LIST lists (its kind). */
enum list_kind {
	LIST_ALL = 0,
	LIST_INSTALLED = 1,
	LIST_UPGRADABLE = 2,
	LIST_EXPLICIT = 3,
	LIST_ORPHANS = 4,
	LIST_FOREIGN = 5,
	LIST_SECURITY = 6, /* upgradable from a security archive, held ones apart: the
			    * status's security figure (apt; empty with a warning on alpm) */
	LIST_VULNERABLE = 7, /* installed packages an advisory affects (the status's
			      * vulnerable figure; empty with a warning without data) */
};

/* Message types, in numbered ranges. */
enum msg_type {
	/* 0x00xx: connection control */
	MSG_HELLO = 0x0001,     /* client -> engine: versions it speaks, its name */
	MSG_HELLO_OK = 0x0002,  /* engine -> client: the version chosen, engine facts */
	MSG_ERROR = 0x0003,     /* either way: a code and one line of text */
	/* 0x01xx: read requests */
	MSG_SEARCH = 0x0100,
	MSG_INFO = 0x0101,
	MSG_LIST = 0x0102,
	MSG_STATUS = 0x0103,
	MSG_SUBSCRIBE = 0x0104, /* status changes and transaction progress as events */
	MSG_HISTORY = 0x0105,   /* the transaction history, or one entry */
	MSG_VULNS = 0x0106,     /* installed packages with known advisories */
	MSG_SBOM = 0x0107,      /* the installed packages as a CycloneDX document */
	MSG_AUR = 0x0108,       /* the AUR (alpm roots): search, info, review, approve */
	/* 0x02xx: replies */
	MSG_PKGS = 0x0200,        /* packages (search, list, info), with names not found */
	MSG_STATUS_REPLY = 0x0201,
	MSG_OK = 0x0202,          /* a request done with nothing to return */
	MSG_PLAN_REPLY = 0x0203,  /* plan: what the transaction would do */
	MSG_TRANS_RESULT = 0x0204, /* commit, attach: how a transaction ended */
	MSG_HISTORY_REPLY = 0x0205,
	MSG_VULNS_REPLY = 0x0206,
	MSG_TEXT = 0x0207,        /* a document in pieces (sbom), MSG_FLAG_MORE on all but the last */
	MSG_AUR_REVIEW = 0x0208,  /* a package base's review (aur review and approve) */
	/* 0x03xx: events (carry the id of the subscribe request) */
	MSG_EVENT_STATUS = 0x0300,
	MSG_EVENT_TRANS = 0x0301, /* transaction progress; carries the commit's, attach's
				   * or subscribe's id (or the plan's, during planning) */
	/* 0x04xx: mutations */
	MSG_PLAN = 0x0400,
	MSG_COMMIT = 0x0401,
	MSG_CANCEL = 0x0402,
	MSG_ANSWER = 0x0403,
	MSG_ATTACH = 0x0404,
	/* Retired numbers: none yet. */
};

/* MSG_ERROR codes; the CLI maps them to its exit status. */
enum msg_error_code {
	ERR_MALFORMED = 1,   /* a message that does not decode; framing is kept */
	ERR_VERSION = 2,     /* no protocol version in common; the engine closes */
	ERR_UNKNOWN_TYPE = 3,
	ERR_USAGE = 4,       /* e.g. an invalid regex */
	ERR_DENIED = 5,      /* peer credentials do not allow the request */
	ERR_BUSY = 6,        /* rate limit or connection cap */
	ERR_BACKEND = 7,     /* the backend failed (database, root) */
	ERR_UNSUPPORTED = 8, /* a reserved type this engine does not serve yet */
	ERR_TRANS = 9,       /* the transaction cannot be done or failed; nothing or
			      * only what the result lists changed */
	ERR_LOCKED = 10,     /* another process held the package database lock too long */
	ERR_STATE = 11,      /* no such plan, or another transaction runs */
	ERR_INTERRUPTED = 12, /* result: the engine stopped during the commit */
	ERR_CANCELLED = 13,  /* result: cancelled before the commit */
	ERR_POLICY = 14,     /* the plan violates the policy and no override covers it;
			      * nothing was changed */
};

/* MSG_SEARCH flags. */
enum search_flag {
	SEARCH_REGEX = 1u << 0,
	SEARCH_NAMES_ONLY = 1u << 1,
	SEARCH_INSTALLED = 1u << 2,
};

/* MSG_PKGS detail levels. */
enum pkgs_detail {
	PKGS_BRIEF = 0, /* name, versions, repo, description, flags, reason */
	PKGS_FULL = 1,  /* every field of struct pkg, plus reverse dependencies */
};

/* The decoded messages. Strings and lists are borrowed from the decoder's
 * arena (or from the caller when encoding). */
struct msg_hello {
	uint32_t min_version, max_version;
	const char *client; /* "omg-cli 0.1.0", for logs */
};

struct msg_hello_ok {
	uint32_t version;    /* the version both will speak */
	uint32_t frame_max;  /* the largest frame the engine accepts */
	uint32_t pid;
	uint64_t generation; /* index generation */
	const char *backend; /* "alpm", "apt" */
	const char *root;
};

struct msg_error {
	uint32_t code; /* enum msg_error_code */
	const char *message;
};

struct msg_search {
	uint32_t flags; /* enum search_flag */
	uint32_t limit; /* 0 = none */
	struct strlist terms;
};

struct msg_info {
	struct strlist names;
};

struct msg_list {
	uint32_t kind; /* enum list_kind */
	uint32_t limit;
};

enum subscribe_what {
	SUB_STATUS = 1u << 0, /* status events, one now and one per index change */
	SUB_TRANS = 1u << 1,  /* every transaction's progress events and results */
};

struct msg_subscribe {
	uint32_t what; /* enum subscribe_what bits */
};

/* plan: what to do. The plan stays with the connection that asked until it
 * commits or cancels it, closes, or plan_timeout passes; a TRANS_DRY_RUN plan
 * ends with its reply (it takes no lock and is never committed). TRANS_APPLY's
 * targets each start with an action character (enum trans_apply_op). */
struct msg_plan {
	uint32_t kind;          /* enum trans_kind */
	uint32_t flags;         /* enum trans_flag */
	struct strlist targets;
	const char *command;    /* the command line, for history ("omg install x") */
	struct strlist overrides; /* policy rules the user overrides (--override RULE:
				   * "severity", "deny", "signatures"); accepted only
				   * as [policy] override allows */
};

struct msg_plan_reply {
	uint64_t plan;          /* the id commit and cancel name */
	uint32_t kind;
	uint32_t count;
	struct trans_item *items;
	int64_t download;       /* bytes to download in all */
	int64_t size_change;    /* installed size change in all, bytes */
	struct strlist warnings; /* one line each: a held package changed, ... */
	struct strlist held;    /* held (dpkg) or ignored (IgnorePkg/IgnoreGroup) packages
				 * the plan changes: a commit needs TRANS_CHANGE_HELD */
	uint32_t nviolations;   /* what the policy says of the plan (ipc/vuln.h); a
				 * commit is refused with ERR_POLICY while one is not
				 * overridden */
	struct policy_violation *violations;
};

/* vulns: flags, and the packages to report (none: every installed one). */
enum vulns_flag {
	VULNS_ALL = 1u << 0,     /* also the packages whose advisories are all fixed in
				  * the installed version */
	VULNS_REFRESH = 1u << 1, /* fetch the feed now (conditional GET), then answer */
};
struct msg_vulns {
	uint32_t flags;
	struct strlist names;
};

/* The state of the advisory data (vulns reply, status). */
enum vulns_state {
	VULNS_OK = 0,      /* data younger than max_age */
	VULNS_MISSING = 1, /* never fetched (or none stored): nothing is known */
	VULNS_STALE = 2,   /* older than [security] max_age: shown, but flagged */
	VULNS_OFF = 3,     /* no feed for this root (no codename, or an unknown system) */
};

struct msg_vulns_reply {
	uint32_t state;         /* enum vulns_state */
	uint32_t feed;          /* 1 arch tracker, 2 debsecan feed, 0 none */
	const char *url;        /* the feed's URL as fetched */
	const char *release;    /* debian: the codename; "" on arch */
	uint64_t fetched;       /* Unix time the data was last downloaded, 0 never */
	uint64_t checked;       /* Unix time the server last confirmed it (200 or 304) */
	uint64_t max_age;       /* seconds ([security] max_age) */
	const char *error;      /* why the last refresh failed, or "" */
	uint64_t vulnerable;    /* installed packages affected now */
	uint32_t max_severity;  /* the highest severity among them */
	uint32_t count;
	struct vuln *rows;      /* sorted by name */
};

/* sbom: the document's format (0: CycloneDX 1.5 JSON). */
struct msg_sbom {
	uint32_t format;
};

/* A piece of a document. */
struct msg_text {
	const char *text;
};

/* commit and cancel: the plan's id. */
struct msg_commit {
	uint64_t plan;
};

/* answer: to question number question of the running transaction. */
struct msg_answer {
	uint32_t question;
	uint32_t answer;        /* index into the question's choices */
};

/* A progress event: struct trans_event's fields, the transfer rate of a
 * download, and a question's fields when kind is TEV_QUESTION. */
struct msg_event_trans {
	uint64_t history;       /* the transaction's history id; 0 while planning */
	struct trans_event ev;
	uint64_t rate;          /* bytes per second of this download */
	uint32_t question;      /* TEV_QUESTION: its number, for answer */
	uint32_t qkind;         /* enum trans_question_kind */
	struct strlist choices;
	uint32_t def;           /* the answer taken without a reply */
	uint32_t timeout;       /* seconds until def is taken */
};

/* How a transaction ended (commit, attach), and a history entry. */
struct msg_trans_result {
	uint64_t history;       /* history id */
	uint32_t kind, flags;
	uint32_t status;        /* 0, or ERR_TRANS, ERR_LOCKED, ERR_INTERRUPTED, ... */
	uint32_t uid;           /* who asked */
	uint64_t started, ended; /* Unix times; ended 0 while running */
	const char *command;
	const char *message;    /* why it failed; "" on success */
	uint32_t count;         /* the plan's items (0 in a history listing) */
	struct trans_item *items;
	uint32_t changes;       /* the number of items, also in listings */
	struct strlist notes;   /* decisions and warnings made on the way */
};

/* history: id 0 lists the newest entries (at most limit, 0 = all), without
 * items; another id gives that entry with its items. */
struct msg_history {
	uint64_t id;
	uint32_t limit;
};

struct msg_history_reply {
	uint32_t count;
	struct msg_trans_result *entries;
};

/* One package of a reply, with reverse dependencies at PKGS_FULL: the
 * installed packages that require it or want it optionally, by name, and how
 * many packages that are not installed do. */
struct msg_pkg {
	struct pkg pkg;
	struct strlist required_by, optional_for;
	uint32_t required_by_more, optional_for_more;
	const struct pkg_aur *aur; /* 0 or 1 of them (naur): the AUR's fields */
	uint32_t naur;
};

/* MSG_AUR's operations. */
enum aur_req_op {
	AUR_REQ_SEARCH = 1,  /* args: the terms (AND, as the official search); by: an RPC
			      * search field, "" = name-desc */
	AUR_REQ_INFO = 2,    /* args: package names */
	AUR_REQ_REVIEW = 3,  /* args: one package (or base) name: download its snapshot
			      * and answer with the review (MSG_AUR_REVIEW) */
	AUR_REQ_APPROVE = 4, /* args: one name; hash: the review's hash the user saw */
	AUR_REQ_DECLINE = 5, /* args: one name; hash: the review the user declined (recorded
			      * in the audit log; nothing else changes) */
};

/* Bits of struct msg_aur.flags. */
enum aur_req_flag {
	AUR_FLAG_QUIET_OFF = 1u << 0, /* the companion of an official search or info: when the
				       * AUR is off here (an apt root, [aur] enabled = no) the
				       * reply is empty without a warning */
};

struct msg_aur {
	uint32_t op;     /* enum aur_req_op */
	uint32_t flags;  /* enum aur_req_flag */
	const char *by;
	struct strlist args;
	const char *hash;
};

/* What a review shows (struct msg_aur_review.kind). */
enum aur_review_shown {
	AUR_SHOWN_FIRST = 1, /* nothing approved yet: every file */
	AUR_SHOWN_DIFF = 2,  /* the diff against the approved files */
	AUR_SHOWN_SAME = 3,  /* the approved files exactly */
};

struct msg_aur_review {
	const char *base;
	uint32_t kind;       /* enum aur_review_shown */
	const char *hash;    /* the files' hash: what an approval names */
	const char *text;    /* the review (files or diff), UTF-8 */
	uint32_t approved;   /* 1 when hash is the approved one (after an approve, or SAME) */
};

struct msg_pkgs {
	uint32_t detail;       /* enum pkgs_detail */
	uint32_t count;
	struct msg_pkg *pkgs;
	struct strlist missing;   /* info: names not found */
	struct strlist providers; /* per missing name: "a, b" providing it, or "" */
	struct strlist warnings;
};

struct msg_status_reply {
	uint64_t generation;
	uint64_t packages, installed, explicit_, upgradable, held, orphans, foreign;
	const char *backend, *root;
	struct strlist warnings;
	/* The engine that answered; "in-process" and zeros without a daemon. */
	const char *mode;     /* "user", "system" or "in-process" */
	uint64_t pid;
	uint64_t started;     /* Unix time the engine started */
	uint64_t index_time;  /* Unix time the current index was swapped in */
	uint64_t clients;     /* connections open now */
	uint64_t requests;    /* requests received since start (the handshake aside) */
	uint64_t cache_hits, cache_misses;
	uint64_t index_bytes; /* memory of the index */
	const char *audit_dir; /* where the engine keeps its audit log ("" if none) */
	const char *transaction; /* what runs now ("install (committing)"), or "" */
	/* Version 3: the status the snapshot carries (docs/snapshot.md). */
	uint64_t security;        /* upgradable from a security archive (security_known) */
	uint32_t security_known;  /* 1 on apt; 0 on alpm until advisories exist */
	uint32_t reboot_required;
	uint64_t last_sync;       /* Unix time the databases were refreshed, 0 unknown */
	uint64_t checked;         /* Unix time of the last private look for updates, 0 none */
	const char *check_error;  /* why that look failed, or "" */
	const char *snapshot;     /* the snapshot file the engine writes, or "" */
	/* Version 6: advisories (docs/security.md). */
	uint64_t vulnerable;      /* installed packages an advisory affects */
	uint32_t vuln_severity;   /* the highest severity among them (enum severity) */
	uint32_t vuln_state;      /* enum vulns_state */
	uint64_t vuln_fetched;    /* Unix time the advisory data was downloaded, 0 never */
};

/* Any message: the header and the body of its type. */
struct msg {
	struct msg_header h;
	union {
		struct msg_hello hello;
		struct msg_hello_ok hello_ok;
		struct msg_error error;
		struct msg_search search;
		struct msg_info info;
		struct msg_list list;
		struct msg_subscribe subscribe;
		struct msg_pkgs pkgs;
		struct msg_status_reply status;
		struct msg_plan plan;
		struct msg_plan_reply plan_reply;
		struct msg_commit commit; /* commit and cancel */
		struct msg_answer answer;
		struct msg_event_trans event;
		struct msg_trans_result result;
		struct msg_history history;
		struct msg_history_reply history_reply;
		struct msg_vulns vulns;
		struct msg_vulns_reply vulns_reply;
		struct msg_sbom sbom;
		struct msg_text text;
		struct msg_aur aur;
		struct msg_aur_review aur_review;
	} u;
};

#endif
