/* SPDX-License-Identifier: MIT */
/* The engine's audit log: an append-only, HMAC-chained record of mutations and refusals. */
#ifndef OMG_ENGINE_AUDIT_H
#define OMG_ENGINE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/embed.h"

/*
 * A log lives in one directory (mode 0700, owned by the engine's user) with
 * three files: key (32 random bytes, 0600), log (one entry per line) and head
 * (the last entry's number and MAC, itself MAC'd). docs/audit.md has the format.
 */

/* The longest detail kept, in bytes; a longer one is cut (at a character
 * boundary) and ends with "...". */
#define AUDIT_DETAIL_MAX 2048u
/* The longest line a reader accepts, newline excluded. */
#define AUDIT_LINE_MAX 16384u

struct audit;

/* struct audit_entry and struct audit_report are in ipc/embed.h: omg audit reads them
 * through the engine module. */

/* The directory of the log for one root: DATA_DIR/audit/HEX, HEX the 16 hex
 * digits of hash_fnv1a(key), key = "BACKEND:REALROOT" ("alpm:/"). Caller frees. */
char *audit_dir_for(const char *data_dir, const char *key);

/*
 * Opens (creating dir, key, log and head as needed) the log in dir for
 * appending. A crash between an append and the head update is repaired; any
 * other damage (an edited, missing or cut entry, a head that does not match)
 * is recorded as an entry "audit-broken" and the chain goes on after the last
 * valid entry: lines already written are never changed. NULL with err set
 * when the log cannot be used (an unsafe key file, a key missing from a log
 * that has entries, a directory we do not own, I/O errors). Caller closes
 * with audit_close.
 */
struct audit *audit_open(const char *dir, char *err, size_t errlen);
/* Appends one entry (event: [a-z-]{1,32}; detail: text, cut past
 * AUDIT_DETAIL_MAX) and syncs it, then the head. Thread-safe; other
 * processes appending to the same log are serialised with flock. 0, or -1
 * with errno (EINVAL for a bad event). event and detail are borrowed. */
int audit_append(struct audit *a, uint32_t uid, int32_t pid, const char *event,
		 const char *detail);
/* The directory the log is in; borrowed until audit_close. */
const char *audit_path(const struct audit *a);
/* Closes the files and wipes the key from memory. NULL is ignored. */
void audit_close(struct audit *a);

/*
 * Calls each for every entry of the log in dir, in file order, without
 * checking MACs (audit_verify does). Lines that are not entries are skipped.
 * each returns 0 to go on, non-zero to stop. Returns the number of lines
 * skipped (0 for a clean log), or -1 with err set and errno kept (EACCES:
 * not allowed to read, e.g. a system engine's log read by a user). A missing
 * log reads as empty.
 */
int audit_read(const char *dir, int (*each)(void *ctx, const struct audit_entry *e), void *ctx,
	       char *err, size_t errlen);
/*
 * Checks the log in dir: every line is an entry, numbers go up by one, each
 * entry links to the previous one's MAC, every MAC is right under the key,
 * no entry records earlier damage (audit-broken), and the last entry is the
 * one the head records. 0 when intact, 1 when not (out says the first bad
 * entry and why), -1 when it cannot check (out->why says why, errno kept).
 */
int audit_verify(const char *dir, struct audit_report *out);

/*
 * Parses one log line (no newline) into e, unescaping the detail into
 * detail_buf (at least n + 1 bytes; e->event and e->detail point into it,
 * borrowed until it is reused). 0, or -1 with a short reason in *why (static).
 * For the reader and the fuzz target.
 */
int audit_parse_line(const char *line, size_t n, struct audit_entry *e, char *detail_buf,
		     const char **why);

#endif
