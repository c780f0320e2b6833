/* SPDX-License-Identifier: MIT */
/* The audit log: HMAC-SHA256 chained entries in a text file, with the chain's head kept apart. */
#include "engine/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/buf.h"
#include "util/hash.h"
#include "util/utf8.h"
#include "util/fdio.h"
#include "util/xalloc.h"
#include "util/xdg.h"

/*
 * Invariants
 * - A line of `log` is `SEQ TIME UID PID EVENT "DETAIL" PREV MAC\n`, every
 *   byte printable (DETAIL escapes \ " and control bytes as \xNN), and
 *   MAC = HMAC-SHA256(key, the line up to and including PREV). PREV is the
 *   previous line's MAC, 64 zeros for entry 1; SEQ goes up by one.
 * - Lines are only appended (O_APPEND), under an exclusive flock of `log`,
 *   then fdatasync'd. Nothing here truncates, rewrites or removes a line;
 *   damage found is recorded by appending an "audit-broken" entry.
 * - `head` is "SEQ MAC HMAC(key, "head SEQ MAC")" of the last entry. It is
 *   replaced (temp file, fsync, rename, directory fsync) only after that
 *   entry is on disk and with the flock still held, so after a crash the log
 *   is the head or the head plus one entry, which audit_open repairs.
 * - a->seq and a->mac are the entry the next one links to, a->end the size of
 *   `log` after it (-1: unknown). A log that is not a->end bytes long when we
 *   are about to append changed under us (another engine: its entries are
 *   checked and followed; anything else is damage) and is read again first.
 * - The key never leaves the process: read once into a->key, wiped on close.
 *   Every descriptor is O_CLOEXEC, so backends and scriptlets never get one.
 */

#define KEY_LEN 32
#define HEX_LEN 64
#define EVENT_MAX 32
#define BROKEN "audit-broken"

struct audit {
	pthread_mutex_t lock;
	char *dir;
	int dirfd, logfd;
	unsigned char key[KEY_LEN];
	uint64_t seq;          /* the last entry of the chain we continue */
	char mac[HEX_LEN + 1]; /* its MAC; zeros before entry 1 */
	off_t end;             /* the size of log after it; -1 when unknown */
};

static const char zero_mac[HEX_LEN + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

char *audit_dir_for(const char *data_dir, const char *key)
{
	return xasprintf("%s/audit/%016" PRIx64, data_dir, hash_fnv1a(key, strlen(key)));
}

const char *audit_path(const struct audit *a)
{
	return a->dir;
}

/* HMAC-SHA256 of n bytes at data under key, as 64 lowercase hex digits into out. 0 or -1. */
static int mac_hex(const unsigned char *key, const void *data, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!HMAC(EVP_sha256(), key, KEY_LEN, data, n, md, &len) || len != HEX_LEN / 2) {
		errno = EIO;
		return -1;
	}
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[HEX_LEN] = '\0';
	return 0;
}

/* Two MACs as hex strings, compared in constant time. Non-zero when equal. */
static int mac_eq(const char *x, const char *y)
{
	return CRYPTO_memcmp(x, y, HEX_LEN) == 0;
}


/* flock that retries on EINTR. */
static int lock_fd(int fd, int op)
{
	int rc;
	while ((rc = flock(fd, op)) != 0 && errno == EINTR)
		;
	return rc;
}

/* ---- lines ---- */

enum line_kind { LINE_OK, LINE_LONG, LINE_PARTIAL };

/* A reader of lines from an offset of a file, with pread (the descriptor's
 * position is not used, so it may be the O_APPEND one). */
struct lines {
	int fd;
	off_t off;   /* file offset of buf[0] */
	char *buf;   /* owned */
	size_t len, pos, cap;
	int eof, toolong;
	int partial; /* the file ended inside a line */
};

/* Starts reading fd at offset from. Free with lines_free. */
static void lines_init(struct lines *l, int fd, off_t from)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->off = from;
	l->cap = AUDIT_LINE_MAX + 65536;
	l->buf = xmalloc(l->cap);
}

static void lines_free(struct lines *l)
{
	free(l->buf);
}

/* The next line without its newline: 1 with *p, *n (borrowed until the next
 * call), *kind and *end (the file offset after it); 0 at the end of the file;
 * -1 on a read error (errno). A line longer than AUDIT_LINE_MAX comes back
 * empty as LINE_LONG; the bytes after the last newline as LINE_PARTIAL. */
static int lines_next(struct lines *l, const char **p, size_t *n, enum line_kind *kind,
		      off_t *end)
{
	for (;;) {
		char *s = l->buf + l->pos;
		char *nl = l->len > l->pos ? memchr(s, '\n', l->len - l->pos) : NULL;
		if (nl) {
			*p = s;
			*n = (size_t)(nl - s);
			*kind = l->toolong || *n > AUDIT_LINE_MAX ? LINE_LONG : LINE_OK;
			if (*kind == LINE_LONG)
				*n = 0;
			l->pos = (size_t)(nl - l->buf) + 1;
			*end = l->off + (off_t)l->pos;
			l->toolong = 0;
			return 1;
		}
		if (l->len - l->pos > AUDIT_LINE_MAX) {
			/* Too long to be an entry: drop it up to its newline. */
			l->off += (off_t)l->len;
			l->len = l->pos = 0;
			l->toolong = 1;
		}
		if (l->eof) {
			if (l->pos == l->len && !l->toolong)
				return 0;
			*p = l->buf + l->pos;
			*n = l->toolong ? 0 : l->len - l->pos;
			*kind = l->toolong ? LINE_LONG : LINE_PARTIAL;
			l->pos = l->len;
			*end = l->off + (off_t)l->len;
			l->toolong = 0;
			l->partial = 1;
			return 1;
		}
		if (l->pos) {
			memmove(l->buf, l->buf + l->pos, l->len - l->pos);
			l->off += (off_t)l->pos;
			l->len -= l->pos;
			l->pos = 0;
		}
		ssize_t r = pread(l->fd, l->buf + l->len, l->cap - l->len, l->off + (off_t)l->len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			l->eof = 1;
		l->len += (size_t)r;
	}
}

/* ---- one line ---- */

/* A decimal number at *s of at most max, without leading zeros; moves *s past it. */
static int parse_num(const char **s, const char *end, uint64_t max, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	if (p == end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*s = p;
	*out = v;
	return 0;
}

/* One space at *s; moves past it. */
static int parse_sp(const char **s, const char *end)
{
	if (*s == end || **s != ' ')
		return -1;
	(*s)++;
	return 0;
}

/* 64 lowercase hex digits at *s, copied to out with a NUL; moves past them. */
static int parse_hex(const char **s, const char *end, char *out)
{
	if (end - *s < HEX_LEN)
		return -1;
	for (int i = 0; i < HEX_LEN; i++) {
		char c = (*s)[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		out[i] = c;
	}
	out[HEX_LEN] = '\0';
	*s += HEX_LEN;
	return 0;
}

/* The value of a hex digit, or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Sets *why and returns -1. */
static int bad_line(const char **why, const char *text)
{
	*why = text;
	return -1;
}

int audit_parse_line(const char *line, size_t n, struct audit_entry *e, char *detail_buf,
		     const char **why)
{
	const char *s = line, *end = line + n;
	uint64_t v;
	memset(e, 0, sizeof(*e));
	if (n > AUDIT_LINE_MAX)
		return bad_line(why, "too long");
	if (memchr(line, '\0', n))
		return bad_line(why, "a NUL byte");
	if (parse_num(&s, end, UINT64_MAX, &v) || v == 0 || parse_sp(&s, end))
		return bad_line(why, "no entry number");
	e->seq = v;
	if (parse_num(&s, end, INT64_MAX, &v) || parse_sp(&s, end))
		return bad_line(why, "no time");
	e->time = (int64_t)v;
	if (parse_num(&s, end, UINT32_MAX, &v) || parse_sp(&s, end))
		return bad_line(why, "no uid");
	e->uid = (uint32_t)v;
	int neg = s < end && *s == '-';
	s += neg;
	if (parse_num(&s, end, neg ? 2147483648u : INT32_MAX, &v) || (neg && v == 0) ||
	    parse_sp(&s, end))
		return bad_line(why, "no pid");
	e->pid = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;

	char *o = detail_buf;
	const char *ev = s;
	while (s < end && ((*s >= 'a' && *s <= 'z') || *s == '-'))
		s++;
	size_t evlen = (size_t)(s - ev);
	if (evlen == 0 || evlen > EVENT_MAX || parse_sp(&s, end))
		return bad_line(why, "no event");
	memcpy(o, ev, evlen);
	e->event = o;
	o += evlen;
	*o++ = '\0';

	if (s == end || *s++ != '"')
		return bad_line(why, "no quoted detail");
	e->detail = o;
	for (;;) {
		if (s == end)
			return bad_line(why, "an unterminated detail");
		unsigned char c = (unsigned char)*s++;
		if (c == '"')
			break;
		if (c < 0x20 || c == 0x7f)
			return bad_line(why, "a control byte in the detail");
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		if (s == end)
			return bad_line(why, "an unterminated detail");
		c = (unsigned char)*s++;
		if (c == '\\' || c == '"') {
			*o++ = (char)c;
		} else if (c == 'x' && end - s >= 2 && hexval(s[0]) >= 0 && hexval(s[1]) >= 0 &&
			   (hexval(s[0]) | hexval(s[1]))) {
			*o++ = (char)(hexval(s[0]) << 4 | hexval(s[1]));
			s += 2;
		} else {
			return bad_line(why, "a bad escape in the detail");
		}
	}
	*o = '\0';
	if (parse_sp(&s, end) || parse_hex(&s, end, e->prev) || parse_sp(&s, end) ||
	    parse_hex(&s, end, e->mac) || s != end)
		return bad_line(why, "no PREV and MAC at the end");
	return 0;
}

/* Appends detail escaped for a log line: \\, \", control bytes and (when the
 * text is not valid UTF-8) bytes above 0x7f as \xNN; cut past AUDIT_DETAIL_MAX. */
static void escape_detail(struct buf *b, const char *d)
{
	size_t n = strlen(d);
	int cut = n > AUDIT_DETAIL_MAX;
	if (cut) {
		n = AUDIT_DETAIL_MAX - 3;
		while (n && ((unsigned char)d[n] & 0xc0) == 0x80)
			n--;
	}
	int utf8 = utf8_valid(d, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '\\' || c == '"') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
			buf_printf(b, "\\x%02x", c);
		} else {
			buf_putc(b, (char)c);
		}
	}
	if (cut)
		buf_puts(b, "...");
}

/* Non-zero when event is a word of [a-z-], 1 to EVENT_MAX bytes. */
static int event_ok(const char *event)
{
	size_t n = 0;
	for (; event[n]; n++)
		if (!((event[n] >= 'a' && event[n] <= 'z') || event[n] == '-'))
			return 0;
	return n > 0 && n <= EVENT_MAX;
}

/* ---- checking a run of lines ---- */

/* The state of a pass over the log: the unbroken chain so far, the first
 * problem, and the last line that is a valid entry on its own. */
struct scan {
	const unsigned char *key;
	int broken_is_bad;              /* an audit-broken entry counts as a problem */
	uint64_t seq;                   /* the chain's last entry (0: none) */
	char mac[HEX_LEN + 1];          /* its MAC */
	char last_prev[HEX_LEN + 1];    /* its PREV */
	uint64_t lines;
	int bad;                        /* a problem was found: the chain stops */
	uint64_t bad_seq;
	char why[256];
	int has_valid;
	uint64_t valid_seq;
	char valid_mac[HEX_LEN + 1];
	/* Past a problem: an unbroken chain from an audit-broken entry to the
	 * last line means the damage was recorded already. */
	int tail_ok;
	uint64_t tail_seq;
	char tail_mac[HEX_LEN + 1], tail_prev[HEX_LEN + 1];
	off_t end;                      /* the offset after the last line read */
	int partial;                    /* the file ends inside a line */
};

/* Starts a scan from the chain state (seq, mac). */
static void scan_init(struct scan *sc, const unsigned char *key, uint64_t seq, const char *mac,
		      off_t from, int broken_is_bad)
{
	memset(sc, 0, sizeof(*sc));
	sc->key = key;
	sc->broken_is_bad = broken_is_bad;
	sc->seq = seq;
	memcpy(sc->mac, mac, HEX_LEN + 1);
	memcpy(sc->last_prev, zero_mac, HEX_LEN + 1);
	sc->end = from;
}

/* Copies src into dst[cap], cut at a character boundary when it is longer. */
static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap) {
		n = cap - 1;
		while (n && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Records the first problem: "entry SEQ: text". */
static void scan_problem(struct scan *sc, uint64_t seq, const char *text)
{
	if (sc->bad)
		return;
	sc->bad = 1;
	sc->bad_seq = seq;
	struct buf b = {0};
	buf_printf(&b, "entry %" PRIu64 ": %s", seq, text);
	copy_text(sc->why, sizeof(sc->why), buf_str(&b));
	buf_free(&b);
}

/* Past a problem, follows a valid entry e in the chain of recorded damage. */
static void scan_tail(struct scan *sc, const struct audit_entry *e)
{
	if (strcmp(e->event, BROKEN) == 0 ||
	    (sc->tail_ok && e->seq == sc->tail_seq + 1 && mac_eq(e->prev, sc->tail_mac))) {
		sc->tail_ok = 1;
		sc->tail_seq = e->seq;
		memcpy(sc->tail_mac, e->mac, HEX_LEN + 1);
		memcpy(sc->tail_prev, e->prev, HEX_LEN + 1);
	} else {
		sc->tail_ok = 0;
	}
}

/* Reads fd from sc->end to its end, checking each line against the chain.
 * 0, or -1 with errno when it cannot be read. */
static int scan_run(struct scan *sc, int fd)
{
	struct lines l;
	lines_init(&l, fd, sc->end);
	char *dbuf = xmalloc(AUDIT_LINE_MAX + 1);
	uint64_t expect = sc->seq + 1;
	const char *p;
	size_t n;
	enum line_kind kind;
	off_t end;
	int rc;
	char text[AUDIT_DETAIL_MAX + 128];
	while ((rc = lines_next(&l, &p, &n, &kind, &end)) == 1) {
		sc->lines++;
		sc->end = end;
		struct audit_entry e;
		const char *why = NULL;
		uint64_t seq = expect;
		int valid = 0;
		if (kind == LINE_LONG) {
			snprintf(text, sizeof(text), "a line longer than %u bytes (not an entry)",
				 AUDIT_LINE_MAX);
			scan_problem(sc, seq, text);
		} else if (kind == LINE_PARTIAL) {
			scan_problem(sc, seq, "a partial line at the end (the log was cut inside "
					      "an entry)");
		} else if (audit_parse_line(p, n, &e, dbuf, &why) != 0) {
			snprintf(text, sizeof(text), "not an entry (%s)", why);
			scan_problem(sc, seq, text);
		} else {
			char mac[HEX_LEN + 1];
			seq = e.seq;
			if (mac_hex(sc->key, p, n - HEX_LEN - 1, mac) != 0) {
				rc = -1;
				break;
			}
			if (!mac_eq(mac, e.mac)) {
				scan_problem(sc, seq, "its MAC does not match (edited)");
			} else {
				valid = 1;
				sc->has_valid = 1;
				sc->valid_seq = e.seq;
				memcpy(sc->valid_mac, e.mac, HEX_LEN + 1);
				if (sc->bad) {
					/* past a problem the chain is not followed */
				} else if (e.seq != sc->seq + 1) {
					snprintf(text, sizeof(text),
						 "follows entry %" PRIu64
						 " (an entry was removed or reordered)", sc->seq);
					scan_problem(sc, seq, text);
				} else if (!mac_eq(e.prev, sc->mac)) {
					snprintf(text, sizeof(text),
						 "does not link to entry %" PRIu64
						 " (an entry was replaced)", sc->seq);
					scan_problem(sc, seq, text);
				} else if (sc->broken_is_bad && strcmp(e.event, BROKEN) == 0) {
					snprintf(text, sizeof(text),
						 "the engine found the log damaged: %s", e.detail);
					scan_problem(sc, seq, text);
				} else {
					sc->seq = e.seq;
					memcpy(sc->mac, e.mac, HEX_LEN + 1);
					memcpy(sc->last_prev, e.prev, HEX_LEN + 1);
				}
			}
		}
		if (!valid)
			sc->tail_ok = 0;
		else if (sc->bad)
			scan_tail(sc, &e);
		expect = seq + 1;
	}
	sc->partial = l.partial;
	int e = errno;
	free(dbuf);
	lines_free(&l);
	errno = e;
	return rc < 0 ? -1 : 0;
}

/* ---- key and head ---- */

/* Reads the key in dirfd; strict: it must be ours and 0600. 0, or -1 with err and errno. */
static int read_key(int dirfd, const char *dir, unsigned char *key, int strict, char *err,
		    size_t errlen)
{
	int fd = openat(dirfd, "key", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot read %s/key: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	struct stat st;
	int rc = -1;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot read %s/key: %s", dir, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s/key is not a regular file", dir);
		errno = EINVAL;
	} else if (strict && st.st_uid != geteuid()) {
		snprintf(err, errlen,
			 "%s/key belongs to uid %u, not to the engine's user (uid %u): refusing "
			 "to use it",
			 dir, (unsigned)st.st_uid, (unsigned)geteuid());
		errno = EPERM;
	} else if (strict && (st.st_mode & 077)) {
		snprintf(err, errlen,
			 "%s/key can be read by group or others (mode %04o, must be 0600): "
			 "refusing to use it; the key may have leaked, so start a new log (move "
			 "%s aside)",
			 dir, (unsigned)(st.st_mode & 07777), dir);
		errno = EPERM;
	} else if (st.st_size != KEY_LEN) {
		snprintf(err, errlen, "%s/key is not a %d-byte key", dir, KEY_LEN);
		errno = EINVAL;
	} else {
		size_t got = 0;
		while (got < KEY_LEN) {
			ssize_t r = read(fd, key + got, KEY_LEN - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		if (got == KEY_LEN) {
			rc = 0;
		} else {
			snprintf(err, errlen, "cannot read %s/key: %s", dir,
				 got ? "short read" : strerror(errno));
			errno = EIO;
		}
	}
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* Makes a new key: 32 bytes from getrandom, in a temp file created 0600 with
 * O_EXCL, then linked as "key" (which fails if another engine made one first:
 * then that one is used). 0, or -1 with err. */
static int create_key(int dirfd, const char *dir, char *err, size_t errlen)
{
	unsigned char k[KEY_LEN];
	size_t got = 0;
	while (got < KEY_LEN) {
		ssize_t r = getrandom(k + got, KEY_LEN - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot make a key: getrandom: %s", strerror(errno));
			return -1;
		}
		got += (size_t)r;
	}
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "key.%ld.tmp", (long)getpid());
	unlinkat(dirfd, tmp, 0);
	int rc = -1;
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || fd_write_all(fd, k, KEY_LEN) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write %s/%s: %s", dir, tmp, strerror(errno));
	} else if (linkat(dirfd, tmp, dirfd, "key", 0) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s/key: %s", dir, strerror(errno));
	} else {
		rc = 0;
	}
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	if (rc == 0)
		fsync(dirfd);
	OPENSSL_cleanse(k, sizeof(k));
	return rc;
}

enum head_state { HEAD_OK, HEAD_MISSING, HEAD_BAD };

/* Reads the head: HEAD_OK with *seq and mac, HEAD_MISSING, HEAD_BAD (not a
 * head, or its MAC is wrong); -1 with errno when it cannot be read. */
static int read_head(int dirfd, const unsigned char *key, uint64_t *seq, char *mac)
{
	int fd = openat(dirfd, "head", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? HEAD_MISSING : -1;
	char text[256];
	ssize_t n;
	while ((n = read(fd, text, sizeof(text) - 1)) < 0 && errno == EINTR)
		;
	int e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
	}
	text[n] = '\0';
	/* "SEQ MAC HMAC\n" */
	const char *s = text, *end = text + n;
	uint64_t v;
	char hm[HEX_LEN + 1], want[HEX_LEN + 1], body[96];
	if (parse_num(&s, end, UINT64_MAX, &v) || parse_sp(&s, end) || parse_hex(&s, end, mac) ||
	    parse_sp(&s, end) || parse_hex(&s, end, hm) || s + 1 != end || *s != '\n')
		return HEAD_BAD;
	int bn = snprintf(body, sizeof(body), "head %" PRIu64 " %s", v, mac);
	if (mac_hex(key, body, (size_t)bn, want) != 0 || !mac_eq(want, hm))
		return HEAD_BAD;
	*seq = v;
	return HEAD_OK;
}

/* Replaces the head with a->seq and a->mac: temp file, fsync, rename,
 * directory fsync (fd_replace_at). 0, or -1 with errno. */
static int write_head(struct audit *a)
{
	char body[96], hm[HEX_LEN + 1], text[192];
	int bn = snprintf(body, sizeof(body), "head %" PRIu64 " %s", a->seq, a->mac);
	if (mac_hex(a->key, body, (size_t)bn, hm) != 0)
		return -1;
	int n = snprintf(text, sizeof(text), "%s %s\n", body + 5, hm);
	return fd_replace_buf_at(a->dirfd, "head", 0600, text, (size_t)n);
}

/* What is wrong between a log whose unbroken chain ends at seq (mac) and a
 * head, as text into why, with *bad_seq; returns 0 when they agree. */
static int head_problem(const char *dir, int hs, uint64_t hseq, const char *hmac, uint64_t seq,
			const char *mac, uint64_t *bad_seq, char *why, size_t whylen)
{
	if (hs == HEAD_OK && hseq == seq && mac_eq(hmac, mac))
		return 0;
	*bad_seq = seq + 1;
	if (hs == HEAD_MISSING)
		snprintf(why, whylen,
			 "the head file %s/head is missing: the end of the log cannot be checked "
			 "(the log ends at entry %" PRIu64 ")", dir, seq);
	else if (hs == HEAD_BAD)
		snprintf(why, whylen, "the head file %s/head is not valid (edited)", dir);
	else if (hseq > seq)
		snprintf(why, whylen,
			 "truncated: the log ends at entry %" PRIu64 ", the head records entry %" PRIu64,
			 seq, hseq);
	else if (hseq < seq) {
		*bad_seq = hseq + 1;
		snprintf(why, whylen,
			 "entry %" PRIu64 ": past the head, which records entry %" PRIu64
			 " (written just before a crash: the engine brings the head forward when "
			 "it starts; or the head was replaced by an older one)", hseq + 1, hseq);
	} else {
		*bad_seq = seq;
		snprintf(why, whylen,
			 "entry %" PRIu64 ": not the entry the head records (the end of the log "
			 "was replaced)", seq);
	}
	return 1;
}

/* ---- appending ---- */

/* Appends one entry after a->seq, syncs it, then the head. Needs the mutex
 * and the flock. 0, or -1 with errno. */
static int append_locked(struct audit *a, uint32_t uid, int32_t pid, const char *event,
			 const char *detail)
{
	struct buf b = {0};
	time_t now = time(NULL);
	buf_printf(&b, "%" PRIu64 " %lld %u %d %s \"", a->seq + 1, now > 0 ? (long long)now : 0,
		   (unsigned)uid, (int)pid, event);
	escape_detail(&b, detail);
	buf_printf(&b, "\" %s", a->mac);
	char mac[HEX_LEN + 1];
	if (mac_hex(a->key, b.p, b.len, mac) != 0) {
		buf_free(&b);
		return -1;
	}
	buf_printf(&b, " %s\n", mac);
	int rc = fd_write_all(a->logfd, b.p, b.len);
	int e = errno;
	if (rc != 0) {
		a->end = -1; /* perhaps a partial line: read the log again next time */
	} else {
		a->end += (off_t)b.len;
		a->seq++;
		memcpy(a->mac, mac, HEX_LEN + 1);
		rc = fdatasync(a->logfd);
		e = errno;
		if (rc == 0) {
			rc = write_head(a);
			e = errno;
		}
	}
	buf_free(&b);
	errno = e;
	return rc;
}

/* Checks the whole log against the head and sets the chain state; repairs a
 * head one entry behind; records any other damage as an audit-broken entry.
 * Needs the mutex and the flock. 0, or -1 with err and errno. */
static int check_log(struct audit *a, char *err, size_t errlen)
{
	struct scan sc;
	scan_init(&sc, a->key, 0, zero_mac, 0, 0);
	if (scan_run(&sc, a->logfd) != 0) {
		snprintf(err, errlen, "cannot read %s/log: %s", a->dir, strerror(errno));
		return -1;
	}
	uint64_t hseq = 0;
	char hmac[HEX_LEN + 1] = "";
	int hs = read_head(a->dirfd, a->key, &hseq, hmac);
	if (hs < 0) {
		snprintf(err, errlen, "cannot read %s/head: %s", a->dir, strerror(errno));
		return -1;
	}
	a->end = sc.end;
	/* The chain the head must end: the whole log's, or after damage already
	 * recorded, the one from that audit-broken entry. */
	int chain = !sc.bad || (sc.tail_ok && !sc.partial);
	uint64_t seq = sc.bad ? sc.tail_seq : sc.seq;
	const char *mac = sc.bad ? sc.tail_mac : sc.mac;
	const char *last_prev = sc.bad ? sc.tail_prev : sc.last_prev;
	char why[256] = "";
	uint64_t bad_seq = 0;
	if (!chain) {
		snprintf(why, sizeof(why), "%s", sc.why);
	} else if (hs == HEAD_MISSING && sc.lines == 0) {
		/* a new log */
	} else if (hs == HEAD_OK && seq && seq == hseq + 1 && mac_eq(last_prev, hmac)) {
		/* the engine stopped between an append and the head update */
	} else {
		head_problem(a->dir, hs, hseq, hmac, seq, mac, &bad_seq, why, sizeof(why));
	}
	if (!*why) {
		a->seq = seq;
		memcpy(a->mac, mac, HEX_LEN + 1);
		if (hs == HEAD_OK && hseq == seq && mac_eq(hmac, mac))
			return 0;
		if (write_head(a) != 0) {
			snprintf(err, errlen, "cannot write %s/head: %s", a->dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	/* Damage: go on after the last line that is a valid entry by itself. */
	a->seq = sc.has_valid ? sc.valid_seq : 0;
	memcpy(a->mac, sc.has_valid ? sc.valid_mac : zero_mac, HEX_LEN + 1);
	if (sc.partial) {
		/* End the cut line, so that the next entry starts a line of its own. */
		if (fd_write_all(a->logfd, "\n", 1) != 0) {
			snprintf(err, errlen, "cannot write %s/log: %s", a->dir, strerror(errno));
			return -1;
		}
		a->end++;
	}
	char detail[512];
	snprintf(detail, sizeof(detail), "%s; the chain goes on after entry %" PRIu64, why, a->seq);
	if (append_locked(a, (uint32_t)geteuid(), (int32_t)getpid(), BROKEN, detail) != 0) {
		snprintf(err, errlen, "cannot write %s/log: %s", a->dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Brings the chain state up to the log before an append: follows entries
 * another engine added, and checks the whole log when it changed otherwise.
 * Needs the mutex and the flock. 0, or -1 with errno. */
static int sync_log(struct audit *a)
{
	struct stat st;
	if (fstat(a->logfd, &st) != 0)
		return -1;
	if (a->end >= 0 && st.st_size == a->end)
		return 0;
	if (a->end >= 0 && st.st_size > a->end) {
		struct scan sc;
		scan_init(&sc, a->key, a->seq, a->mac, a->end, 0);
		if (scan_run(&sc, a->logfd) != 0)
			return -1;
		if (!sc.bad && !sc.partial) {
			a->seq = sc.seq;
			memcpy(a->mac, sc.mac, HEX_LEN + 1);
			a->end = sc.end;
			return 0;
		}
	}
	char err[512];
	return check_log(a, err, sizeof(err));
}

struct audit *audit_open(const char *dir, char *err, size_t errlen)
{
	struct audit *a = xcalloc(1, sizeof(*a));
	a->dir = xstrdup(dir);
	a->dirfd = a->logfd = -1;
	pthread_mutex_init(&a->lock, NULL);
	struct stat st;
	int locked = 0;
	if (xdg_mkdirs(dir) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	a->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (a->dirfd < 0 || fstat(a->dirfd, &st) != 0) {
		snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s belongs to uid %u, not to the engine's user (uid %u)", dir,
			 (unsigned)st.st_uid, (unsigned)geteuid());
		goto fail;
	}
	if (st.st_mode & 022) {
		snprintf(err, errlen, "%s can be written by group or others (mode %04o, should be 0700)",
			 dir, (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	a->logfd = openat(a->dirfd, "log", O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			  0600);
	if (a->logfd < 0 || fstat(a->logfd, &st) != 0) {
		snprintf(err, errlen, "cannot open %s/log: %s", dir, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s/log is not a file of the engine's user (uid %u)", dir,
			 (unsigned)geteuid());
		goto fail;
	}
	if (lock_fd(a->logfd, LOCK_EX) != 0) {
		snprintf(err, errlen, "cannot lock %s/log: %s", dir, strerror(errno));
		goto fail;
	}
	locked = 1;
	/* Under the lock: the log's size cannot change while we look. */
	if (fstat(a->logfd, &st) != 0) {
		snprintf(err, errlen, "cannot open %s/log: %s", dir, strerror(errno));
		goto fail;
	}
	struct stat kst;
	if (fstatat(a->dirfd, "key", &kst, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT) {
		if (st.st_size > 0) {
			snprintf(err, errlen,
				 "%s/log has entries but its key %s/key is missing: the log cannot be "
				 "continued or checked; move %s aside to start a new one",
				 dir, dir, dir);
			goto fail;
		}
		if (create_key(a->dirfd, dir, err, errlen) != 0)
			goto fail;
	}
	if (read_key(a->dirfd, dir, a->key, 1, err, errlen) != 0)
		goto fail;
	pthread_mutex_lock(&a->lock);
	int rc = check_log(a, err, errlen);
	pthread_mutex_unlock(&a->lock);
	if (rc != 0)
		goto fail;
	lock_fd(a->logfd, LOCK_UN);
	return a;
fail:
	if (locked)
		lock_fd(a->logfd, LOCK_UN);
	audit_close(a);
	return NULL;
}

int audit_append(struct audit *a, uint32_t uid, int32_t pid, const char *event,
		 const char *detail)
{
	if (!event_ok(event)) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&a->lock);
	int rc = lock_fd(a->logfd, LOCK_EX);
	if (rc == 0) {
		rc = sync_log(a);
		if (rc == 0)
			rc = append_locked(a, uid, pid, event, detail ? detail : "");
		int e = errno;
		lock_fd(a->logfd, LOCK_UN);
		errno = e;
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

void audit_close(struct audit *a)
{
	if (!a)
		return;
	if (a->logfd >= 0)
		close(a->logfd);
	if (a->dirfd >= 0)
		close(a->dirfd);
	OPENSSL_cleanse(a->key, sizeof(a->key));
	pthread_mutex_destroy(&a->lock);
	free(a->dir);
	free(a);
}

/* ---- reading and verifying ---- */

int audit_read(const char *dir, int (*each)(void *ctx, const struct audit_entry *e), void *ctx,
	       char *err, size_t errlen)
{
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open %s: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	int fd = openat(dirfd, "log", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	close(dirfd);
	if (fd < 0) {
		if (e == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read %s/log: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	lock_fd(fd, LOCK_SH);
	struct lines l;
	lines_init(&l, fd, 0);
	char *dbuf = xmalloc(AUDIT_LINE_MAX + 1);
	const char *p, *why;
	size_t n;
	enum line_kind kind;
	off_t end;
	int rc, skipped = 0;
	while ((rc = lines_next(&l, &p, &n, &kind, &end)) == 1) {
		struct audit_entry ent;
		if (kind != LINE_OK || audit_parse_line(p, n, &ent, dbuf, &why) != 0) {
			skipped++;
			continue;
		}
		if (each(ctx, &ent) != 0)
			break;
	}
	e = errno;
	if (rc < 0)
		snprintf(err, errlen, "cannot read %s/log: %s", dir, strerror(e));
	free(dbuf);
	lines_free(&l);
	close(fd);
	errno = e;
	return rc < 0 ? -1 : skipped;
}

int audit_verify(const char *dir, struct audit_report *out)
{
	memset(out, 0, sizeof(*out));
	unsigned char key[KEY_LEN];
	int rc = -1, fd = -1, e;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		e = errno;
		snprintf(out->why, sizeof(out->why), "cannot open %s: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	if (read_key(dirfd, dir, key, 0, out->why, sizeof(out->why)) != 0)
		goto done;
	fd = openat(dirfd, "log", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT) {
		e = errno;
		snprintf(out->why, sizeof(out->why), "cannot read %s/log: %s", dir, strerror(e));
		errno = e;
		goto done;
	}
	/* A shared lock: the engine's append (entry, then head) is not seen halfway. */
	if (fd >= 0)
		lock_fd(fd, LOCK_SH);
	struct scan sc;
	scan_init(&sc, key, 0, zero_mac, 0, 1);
	if (fd >= 0 && scan_run(&sc, fd) != 0) {
		e = errno;
		snprintf(out->why, sizeof(out->why), "cannot read %s/log: %s", dir, strerror(e));
		errno = e;
		goto done;
	}
	out->entries = sc.lines;
	if (sc.bad) {
		out->bad_seq = sc.bad_seq;
		snprintf(out->why, sizeof(out->why), "%s", sc.why);
		rc = 1;
		goto done;
	}
	uint64_t hseq = 0;
	char hmac[HEX_LEN + 1] = "";
	int hs = read_head(dirfd, key, &hseq, hmac);
	if (hs < 0) {
		e = errno;
		snprintf(out->why, sizeof(out->why), "cannot read %s/head: %s", dir, strerror(e));
		errno = e;
		goto done;
	}
	if (hs == HEAD_OK)
		out->head = hseq;
	rc = head_problem(dir, hs, hseq, hmac, sc.seq, sc.mac, &out->bad_seq, out->why,
			  sizeof(out->why));
done:
	e = errno;
	OPENSSL_cleanse(key, sizeof(key));
	if (fd >= 0)
		close(fd);
	close(dirfd);
	errno = e;
	return rc;
}
