/* SPDX-License-Identifier: MIT */
/* Unit tests for the audit log: the chain, every kind of tampering verify must name, repair on open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/audit.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/xalloc.h"

/* A temporary directory with the log directory inside it (not yet created). */
struct tmp {
	char base[64];
	char dir[96];
};

static int setup(void **state)
{
	struct tmp *t = xcalloc(1, sizeof(*t));
	strcpy(t->base, "/tmp/omg-audit-XXXXXX");
	if (!mkdtemp(t->base))
		return -1;
	snprintf(t->dir, sizeof(t->dir), "%s/audit/0123456789abcdef", t->base);
	*state = t;
	return 0;
}

/* nftw: removes one file or directory. */
static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(path, 0700);
	return remove(path);
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	nftw(t->base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

/* DIR/name as a path (static buffer). */
static const char *path_in(const struct tmp *t, const char *name)
{
	static char p[160];
	snprintf(p, sizeof(p), "%s/%s", t->dir, name);
	return p;
}

/* The whole of a file into b; -1 when missing. */
static int slurp(const char *path, struct buf *b)
{
	buf_reset(b);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_append(b, tmp, n);
	fclose(f);
	return 0;
}

/* Replaces a file's contents (keeping its inode and mode). */
static void spew(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

/* The log's lines, each with its newline; *n of them. Free each and the array. */
static char **log_lines(const struct tmp *t, size_t *n)
{
	struct buf b = {0};
	assert_int_equal(slurp(path_in(t, "log"), &b), 0);
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	const char *s = buf_str(&b);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s);
		v = xgrow(v, &cap, *n + 1, sizeof(*v));
		v[(*n)++] = xstrndup(s, len);
		s += len;
	}
	buf_free(&b);
	return v;
}

/* Writes lines back as the log. */
static void put_lines(const struct tmp *t, char **v, size_t n)
{
	struct buf b = {0};
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, v[i]);
	spew(path_in(t, "log"), b.p ? b.p : "", b.len);
	buf_free(&b);
}

static void free_lines(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Opens the log (it must open) and appends count entries "commit" / "step N". */
static void fill(const struct tmp *t, int count)
{
	char err[512] = "";
	struct audit *a = audit_open(t->dir, err, sizeof(err));
	if (!a)
		fail_msg("audit_open: %s", err);
	for (int i = 0; i < count; i++) {
		char d[64];
		snprintf(d, sizeof(d), "install pkg-%d: ok (history %d)", i, i);
		assert_int_equal(audit_append(a, 1000, 4242, "commit", d), 0);
	}
	audit_close(a);
}

/* Verifies and checks the result: rc, first bad entry, and a piece of why. */
static void expect_verify(const struct tmp *t, int rc, uint64_t bad_seq, const char *want)
{
	struct audit_report r;
	int got = audit_verify(t->dir, &r);
	if (got != rc || r.bad_seq != bad_seq || (want && !strstr(r.why, want)))
		fail_msg("verify: rc %d (want %d), first bad %" PRIu64 " (want %" PRIu64
			 "), why '%s' (want '%s')",
			 got, rc, r.bad_seq, bad_seq, r.why, want ? want : "");
}

/* Collects entries from audit_read. */
struct collected {
	size_t n;
	uint64_t seq[64];
	char event[64][40];
	char *detail[64];
};

static int collect(void *ctx, const struct audit_entry *e)
{
	struct collected *c = ctx;
	if (c->n < 64) {
		c->seq[c->n] = e->seq;
		snprintf(c->event[c->n], sizeof(c->event[0]), "%s", e->event);
		c->detail[c->n] = xstrdup(e->detail);
	}
	c->n++;
	return 0;
}

static void collected_free(struct collected *c)
{
	for (size_t i = 0; i < c->n && i < 64; i++)
		free(c->detail[i]);
}

/* Appends, verifies intact, reads back exactly what was written; files are private. */
static void test_append_verify(void **state)
{
	struct tmp *t = *state;
	static const char *const details[] = {
		"install omg-spell: ok (history 4)",
		"quote \" and backslash \\ and tab\tnewline\ncr\r del\x7f end",
		"caf\xc3\xa9 \xe2\x9c\x93 (UTF-8 kept)",
		"not UTF-8: \xff\xfe here",
		"",
	};
	char err[512] = "";
	struct audit *a = audit_open(t->dir, err, sizeof(err));
	if (!a)
		fail_msg("audit_open: %s", err);
	assert_string_equal(audit_path(a), t->dir);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(audit_append(a, 0, (int32_t)(100 + i), i == 4 ? "refused" : "commit",
					      details[i]),
				 0);
	assert_int_equal(audit_append(a, 0, -1, "Bad Event", "x"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(audit_append(a, 0, -1, "", "x"), -1);
	audit_close(a);

	struct audit_report r;
	assert_int_equal(audit_verify(t->dir, &r), 0);
	assert_int_equal(r.entries, 5);
	assert_int_equal(r.head, 5);
	assert_int_equal(r.bad_seq, 0);
	assert_string_equal(r.why, "");

	struct collected c = {0};
	assert_int_equal(audit_read(t->dir, collect, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(c.seq[i], i + 1);
		assert_string_equal(c.event[i], i == 4 ? "refused" : "commit");
		assert_string_equal(c.detail[i], details[i]);
	}
	collected_free(&c);

	/* Every byte of the log printable but the newlines; the files private. */
	struct buf b = {0};
	assert_int_equal(slurp(path_in(t, "log"), &b), 0);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char ch = (unsigned char)b.p[i];
		if (ch != '\n' && (ch < 0x20 || ch == 0x7f))
			fail_msg("byte %zu of the log is 0x%02x", i, ch);
	}
	assert_non_null(strstr(b.p, " \"quote \\\" and backslash \\\\ and tab\\x09newline\\x0acr"));
	assert_non_null(strstr(b.p, "\"not UTF-8: \\xff\\xfe here\""));
	assert_non_null(strstr(b.p, "caf\xc3\xa9"));
	buf_free(&b);
	struct stat st;
	assert_int_equal(stat(t->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path_in(t, "key"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);
	assert_int_equal(stat(path_in(t, "log"), &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	assert_int_equal(stat(path_in(t, "head"), &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
}

/* The line format, and the parser's strictness. */
static void test_line_format(void **state)
{
	struct tmp *t = *state;
	fill(t, 2);
	size_t n;
	char **v = log_lines(t, &n);
	assert_int_equal(n, 2);
	struct audit_entry e;
	char dbuf[1024];
	const char *why = NULL;
	char line[1024];
	snprintf(line, sizeof(line), "%s", v[0]);
	line[strlen(line) - 1] = '\0';
	assert_int_equal(audit_parse_line(line, strlen(line), &e, dbuf, &why), 0);
	assert_int_equal(e.seq, 1);
	assert_int_equal(e.uid, 1000);
	assert_int_equal(e.pid, 4242);
	assert_string_equal(e.event, "commit");
	assert_string_equal(e.detail, "install pkg-0: ok (history 0)");
	assert_string_equal(e.prev, "0000000000000000000000000000000000000000000000000000000000000000");
	assert_true(e.time > 1600000000);
	/* entry 2 links to entry 1 */
	struct audit_entry e2;
	snprintf(line, sizeof(line), "%s", v[1]);
	line[strlen(line) - 1] = '\0';
	assert_int_equal(audit_parse_line(line, strlen(line), &e2, dbuf, &why), 0);
	assert_string_equal(e2.prev, e.mac);
	free_lines(v, n);

	static const char *const bad[] = {
		"",
		"01 1 0 0 commit \"x\" " /* leading zero */,
		"1 1 0 0 Commit \"x\" ",
		"1 1 0 0 commit \"x\\q\" ",
		"1 1 0 0 commit \"x\\x00\" ",
		"1 1 0 0 commit \"x\\x4\" ",
		"1 1 0 0 commit \"x ",
		"1 1 0 -0 commit \"x\" ",
		"1 1 4294967296 0 commit \"x\" ",
		"1 1 0 2147483648 commit \"x\" ",
		"18446744073709551616 1 0 0 commit \"x\" ",
		"1 1 0 0 commit \"x\"",
	};
	const char *hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s%s %s", bad[i], hex, hex);
		if (audit_parse_line(line, strlen(line), &e, dbuf, &why) == 0)
			fail_msg("case %zu parsed: %s", i, line);
	}
	snprintf(line, sizeof(line), "1 1 0 -2147483648 a-b \"\\x7f\\\\\" %s %s", hex, hex);
	assert_int_equal(audit_parse_line(line, strlen(line), &e, dbuf, &why), 0);
	assert_int_equal(e.pid, INT32_MIN);
	assert_string_equal(e.detail, "\x7f\\");
	snprintf(line, sizeof(line), "1 1 0 0 commit \"x\" %s %s ", hex, hex); /* trailing */
	assert_int_equal(audit_parse_line(line, strlen(line), &e, dbuf, &why), -1);
	snprintf(line, sizeof(line), "1 1 0 0 commit \"x\" %s %.63sA", hex, hex); /* upper case */
	assert_int_equal(audit_parse_line(line, strlen(line), &e, dbuf, &why), -1);
}

/* A detail longer than the limit is cut at a character boundary and marked. */
static void test_long_detail(void **state)
{
	struct tmp *t = *state;
	char err[512];
	struct audit *a = audit_open(t->dir, err, sizeof(err));
	assert_non_null(a);
	size_t n = AUDIT_DETAIL_MAX * 3;
	char *d = xmalloc(n + 1);
	for (size_t i = 0; i < n; i += 2)
		memcpy(d + i, "\xc3\xa9", 2); /* é */
	d[n] = '\0';
	assert_int_equal(audit_append(a, 1, 2, "commit", d), 0);
	audit_close(a);
	free(d);
	struct collected c = {0};
	assert_int_equal(audit_read(t->dir, collect, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 1);
	size_t len = strlen(c.detail[0]);
	assert_true(len <= AUDIT_DETAIL_MAX && len > AUDIT_DETAIL_MAX - 8);
	assert_string_equal(c.detail[0] + len - 3, "...");
	assert_memory_equal(c.detail[0] + len - 5, "\xc3\xa9", 2);
	collected_free(&c);
	expect_verify(t, 0, 0, NULL);
}

/* An edited detail: that entry's MAC no longer matches. */
static void test_edited_detail(void **state)
{
	struct tmp *t = *state;
	fill(t, 6);
	size_t n;
	char **v = log_lines(t, &n);
	char *p = strstr(v[2], "pkg-2");
	assert_non_null(p);
	p[4] = '9';
	put_lines(t, v, n);
	free_lines(v, n);
	expect_verify(t, 1, 3, "entry 3: its MAC does not match (edited)");
}

/* An edited MAC. */
static void test_edited_mac(void **state)
{
	struct tmp *t = *state;
	fill(t, 6);
	size_t n;
	char **v = log_lines(t, &n);
	size_t len = strlen(v[4]);
	v[4][len - 2] = v[4][len - 2] == 'a' ? 'b' : 'a';
	put_lines(t, v, n);
	free_lines(v, n);
	expect_verify(t, 1, 5, "entry 5: its MAC does not match (edited)");
}

/* A middle entry removed. */
static void test_removed_line(void **state)
{
	struct tmp *t = *state;
	fill(t, 6);
	size_t n;
	char **v = log_lines(t, &n);
	free(v[4]);
	memmove(v + 4, v + 5, sizeof(*v));
	put_lines(t, v, n - 1);
	free_lines(v, n - 1);
	expect_verify(t, 1, 6, "entry 6: follows entry 4 (an entry was removed or reordered)");
}

/* Two entries swapped. */
static void test_swapped_lines(void **state)
{
	struct tmp *t = *state;
	fill(t, 6);
	size_t n;
	char **v = log_lines(t, &n);
	char *x = v[2];
	v[2] = v[3];
	v[3] = x;
	put_lines(t, v, n);
	free_lines(v, n);
	expect_verify(t, 1, 4, "entry 4: follows entry 2");
}

/* The log cut inside its last entry. */
static void test_partial_line(void **state)
{
	struct tmp *t = *state;
	fill(t, 6);
	struct buf b = {0};
	assert_int_equal(slurp(path_in(t, "log"), &b), 0);
	spew(path_in(t, "log"), b.p, b.len - 40);
	expect_verify(t, 1, 6, "entry 6: a partial line");
	/* Only the newline missing is a cut too. */
	spew(path_in(t, "log"), b.p, b.len - 1);
	expect_verify(t, 1, 6, "partial line");
	buf_free(&b);
}

/* Whole entries cut from the end: the head says there were more. */
static void test_truncated_entries(void **state)
{
	struct tmp *t = *state;
	fill(t, 6);
	size_t n;
	char **v = log_lines(t, &n);
	put_lines(t, v, 4);
	free_lines(v, n);
	expect_verify(t, 1, 5, "truncated: the log ends at entry 4, the head records entry 6");
	/* Emptied entirely. */
	spew(path_in(t, "log"), "", 0);
	expect_verify(t, 1, 1, "truncated: the log ends at entry 0, the head records entry 6");
	/* Removed entirely. */
	assert_int_equal(unlink(path_in(t, "log")), 0);
	expect_verify(t, 1, 1, "truncated: the log ends at entry 0, the head records entry 6");
}

/* The head deleted, or edited. */
static void test_head(void **state)
{
	struct tmp *t = *state;
	fill(t, 3);
	struct buf b = {0};
	assert_int_equal(slurp(path_in(t, "head"), &b), 0);
	/* A head that names the right entry, forged without the key. */
	char forged[256];
	const char *sp = strrchr(b.p, ' ');
	assert_non_null(sp);
	snprintf(forged, sizeof(forged), "%.*s%s\n", (int)(sp + 1 - b.p), b.p,
		 "0000000000000000000000000000000000000000000000000000000000000000");
	spew(path_in(t, "head"), forged, strlen(forged));
	expect_verify(t, 1, 4, "head is not valid (edited)");
	spew(path_in(t, "head"), "garbage", 7);
	expect_verify(t, 1, 4, "head is not valid");
	assert_int_equal(unlink(path_in(t, "head")), 0);
	expect_verify(t, 1, 4, "head is missing");
	buf_free(&b);
}

/* Another key: every MAC is wrong from entry 1. A key we cannot read: cannot check. */
static void test_wrong_key(void **state)
{
	struct tmp *t = *state;
	fill(t, 3);
	unsigned char k[32];
	for (int i = 0; i < 32; i++)
		k[i] = (unsigned char)(i * 7 + 1);
	spew(path_in(t, "key"), k, sizeof(k));
	expect_verify(t, 1, 1, "entry 1: its MAC does not match");
	if (geteuid() != 0) {
		assert_int_equal(chmod(path_in(t, "key"), 0), 0);
		struct audit_report r;
		assert_int_equal(audit_verify(t->dir, &r), -1);
		assert_int_equal(errno, EACCES);
		char want[256];
		snprintf(want, sizeof(want), "cannot read %s/key: Permission denied", t->dir);
		assert_string_equal(r.why, want);
	}
	/* A missing key while the log has entries: the engine cannot go on. */
	assert_int_equal(unlink(path_in(t, "key")), 0);
	char err[512] = "";
	assert_null(audit_open(t->dir, err, sizeof(err)));
	assert_non_null(strstr(err, "key is missing"));
	struct audit_report r;
	assert_int_equal(audit_verify(t->dir, &r), -1);
	assert_non_null(strstr(r.why, "No such file"));
}

/* A key file others can read, or a directory others can write, is refused. */
static void test_key_mode(void **state)
{
	struct tmp *t = *state;
	fill(t, 1);
	assert_int_equal(chmod(path_in(t, "key"), 0644), 0);
	char err[512] = "";
	assert_null(audit_open(t->dir, err, sizeof(err)));
	if (!strstr(err, "key can be read by group or others (mode 0644"))
		fail_msg("err: %s", err);
	assert_int_equal(chmod(path_in(t, "key"), 0600), 0);
	assert_int_equal(chmod(t->dir, 0777), 0);
	assert_null(audit_open(t->dir, err, sizeof(err)));
	assert_non_null(strstr(err, "can be written by group or others"));
	assert_int_equal(chmod(t->dir, 0700), 0);
	struct audit *a = audit_open(t->dir, err, sizeof(err));
	assert_non_null(a);
	audit_close(a);
	expect_verify(t, 0, 0, NULL);
}

/* Reopening continues the chain where it ended, with nothing recorded as broken. */
static void test_reopen(void **state)
{
	struct tmp *t = *state;
	fill(t, 3);
	fill(t, 2);
	fill(t, 0);
	expect_verify(t, 0, 0, NULL);
	struct collected c = {0};
	char err[512];
	assert_int_equal(audit_read(t->dir, collect, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 5);
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(c.seq[i], i + 1);
		assert_string_equal(c.event[i], "commit");
	}
	collected_free(&c);
}

/* The engine stopped after writing an entry but before the head: open brings the head forward. */
static void test_crash_repair(void **state)
{
	struct tmp *t = *state;
	fill(t, 3);
	struct buf head3 = {0};
	assert_int_equal(slurp(path_in(t, "head"), &head3), 0);
	fill(t, 1);
	spew(path_in(t, "head"), head3.p, head3.len);
	buf_free(&head3);
	expect_verify(t, 1, 4, "entry 4: past the head");
	fill(t, 0);
	expect_verify(t, 0, 0, NULL);
	struct collected c = {0};
	char err[512];
	assert_int_equal(audit_read(t->dir, collect, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 4);
	for (size_t i = 0; i < c.n; i++)
		assert_string_equal(c.event[i], "commit");
	collected_free(&c);
	/* The first entry too: a head of entry 0. */
	struct tmp *t2 = xcalloc(1, sizeof(*t2));
	strcpy(t2->base, t->base);
	snprintf(t2->dir, sizeof(t2->dir), "%s/second", t->base);
	fill(t2, 0);
	struct buf head0 = {0};
	assert_int_equal(slurp(path_in(t2, "head"), &head0), 0);
	fill(t2, 1);
	spew(path_in(t2, "head"), head0.p, head0.len);
	buf_free(&head0);
	fill(t2, 0);
	expect_verify(t2, 0, 0, NULL);
	free(t2);
}

/* Damage found on open is recorded after the last valid entry; no line is changed. */
static void test_damage_recorded(void **state)
{
	struct tmp *t = *state;
	fill(t, 5);
	size_t n;
	char **v = log_lines(t, &n);
	char *p = strstr(v[1], "pkg-1");
	p[4] = '7';
	put_lines(t, v, n);
	free_lines(v, n);
	struct buf before = {0}, after = {0};
	assert_int_equal(slurp(path_in(t, "log"), &before), 0);
	fill(t, 1);
	assert_int_equal(slurp(path_in(t, "log"), &after), 0);
	assert_true(after.len > before.len);
	assert_memory_equal(after.p, before.p, before.len);
	struct collected c = {0};
	char err[512];
	assert_int_equal(audit_read(t->dir, collect, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 7);
	assert_int_equal(c.seq[5], 6);
	assert_string_equal(c.event[5], "audit-broken");
	assert_non_null(strstr(c.detail[5], "entry 2: its MAC does not match (edited)"));
	assert_non_null(strstr(c.detail[5], "the chain goes on after entry 5"));
	assert_int_equal(c.seq[6], 7);
	assert_string_equal(c.event[6], "commit");
	collected_free(&c);
	/* verify still names the edited entry; reopening records nothing new. */
	expect_verify(t, 1, 2, "entry 2: its MAC does not match (edited)");
	fill(t, 0);
	assert_int_equal(slurp(path_in(t, "log"), &before), 0);
	assert_int_equal(before.len, after.len);
	buf_free(&before);
	buf_free(&after);
}

/* Truncation found on open: the engine records it, so verify still fails afterwards. */
static void test_truncation_recorded(void **state)
{
	struct tmp *t = *state;
	fill(t, 6);
	size_t n;
	char **v = log_lines(t, &n);
	put_lines(t, v, 4);
	free_lines(v, n);
	fill(t, 1);
	expect_verify(t, 1, 5,
		      "entry 5: the engine found the log damaged: truncated: the log ends at entry "
		      "4, the head records entry 6");
	/* A deleted head too. */
	struct tmp *t2 = xcalloc(1, sizeof(*t2));
	strcpy(t2->base, t->base);
	snprintf(t2->dir, sizeof(t2->dir), "%s/second", t->base);
	fill(t2, 2);
	assert_int_equal(unlink(path_in(t2, "head")), 0);
	fill(t2, 0);
	expect_verify(t2, 1, 3, "entry 3: the engine found the log damaged: the head file");
	free(t2);
}

/* A cut last line found on open is ended with a newline; the next entries parse. */
static void test_partial_recorded(void **state)
{
	struct tmp *t = *state;
	fill(t, 3);
	struct buf b = {0};
	assert_int_equal(slurp(path_in(t, "log"), &b), 0);
	spew(path_in(t, "log"), b.p, b.len - 30);
	buf_free(&b);
	fill(t, 1);
	struct collected c = {0};
	char err[512];
	assert_int_equal(audit_read(t->dir, collect, &c, err, sizeof(err)), 1); /* the cut line */
	assert_int_equal(c.n, 4);
	assert_int_equal(c.seq[2], 3);
	assert_string_equal(c.event[2], "audit-broken");
	assert_non_null(strstr(c.detail[2], "entry 3: a partial line"));
	assert_int_equal(c.seq[3], 4);
	collected_free(&c);
	expect_verify(t, 1, 3, "entry 3: not an entry");
}

struct worker {
	struct audit *a;
	int id;
};

/* Appends 200 entries. */
static void *append_many(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 200; i++) {
		char d[64];
		snprintf(d, sizeof(d), "thread %d entry %d", w->id, i);
		if (audit_append(w->a, (uint32_t)w->id, w->id, "commit", d) != 0)
			return (void *)1;
	}
	return NULL;
}

/* 4 threads x 200 appends on one handle, and two handles (two engines) on one log. */
static void test_concurrent(void **state)
{
	struct tmp *t = *state;
	char err[512];
	struct audit *a = audit_open(t->dir, err, sizeof(err));
	assert_non_null(a);
	pthread_t th[4];
	struct worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){a, i};
		assert_int_equal(pthread_create(&th[i], NULL, append_many, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(th[i], &r);
		assert_null(r);
	}
	audit_close(a);
	struct audit_report r;
	assert_int_equal(audit_verify(t->dir, &r), 0);
	assert_int_equal(r.entries, 800);
	assert_int_equal(r.head, 800);

	/* Two handles, as two engine processes would have: each follows the other's entries. */
	struct audit *x = audit_open(t->dir, err, sizeof(err));
	struct audit *y = audit_open(t->dir, err, sizeof(err));
	assert_non_null(x);
	assert_non_null(y);
	w[0] = (struct worker){x, 10};
	w[1] = (struct worker){y, 11};
	assert_int_equal(pthread_create(&th[0], NULL, append_many, &w[0]), 0);
	assert_int_equal(pthread_create(&th[1], NULL, append_many, &w[1]), 0);
	for (int i = 0; i < 2; i++) {
		void *res;
		pthread_join(th[i], &res);
		assert_null(res);
	}
	audit_close(x);
	audit_close(y);
	assert_int_equal(audit_verify(t->dir, &r), 0);
	assert_int_equal(r.entries, 1200);
	/* Nothing was taken for damage. */
	struct buf b = {0};
	assert_int_equal(slurp(path_in(t, "log"), &b), 0);
	assert_null(strstr(b.p, "audit-broken"));
	buf_free(&b);
}

/* Garbage, NULs and very long lines: verify fails cleanly; open records it and goes on. */
static void test_garbage(void **state)
{
	struct tmp *t = *state;
	fill(t, 2);
	struct buf good = {0};
	assert_int_equal(slurp(path_in(t, "log"), &good), 0);
	struct {
		const char *name;
		size_t len;
		uint64_t bad;
		const char *want;
	} cases[] = {
		{"random", 5000, 3, "entry 3: "},
		{"nul", 300, 3, "entry 3: not an entry (a NUL byte)"},
		{"long-nl", 100000, 3, "entry 3: a line longer than"},
		{"long-eof", 100000, 3, "entry 3: a line longer than"},
		{"newlines", 50, 3, "entry 3: not an entry (no entry number)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = {0};
		buf_append(&b, good.p, good.len);
		char *g = xmalloc(cases[i].len);
		uint32_t x = 12345;
		for (size_t j = 0; j < cases[i].len; j++) {
			x = x * 1103515245u + 12345u;
			g[j] = (char)(x >> 16);
		}
		if (strcmp(cases[i].name, "nul") == 0) {
			/* an entry with a NUL in its detail */
			static const char nul[] =
				"3 1 0 0 commit \"a\0b\" "
				"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef "
				"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
			cases[i].len = sizeof(nul) - 1;
			memcpy(g, nul, cases[i].len);
		} else if (strncmp(cases[i].name, "long", 4) == 0) {
			memset(g, 'a', cases[i].len);
			if (strcmp(cases[i].name, "long-nl") == 0)
				g[cases[i].len - 1] = '\n';
		} else if (strcmp(cases[i].name, "newlines") == 0) {
			memset(g, '\n', cases[i].len);
		} else {
			for (size_t j = 0; j < cases[i].len; j++)
				if (g[j] == '\n')
					g[j] = 'x';
		}
		buf_append(&b, g, cases[i].len);
		free(g);
		spew(path_in(t, "log"), b.p, b.len);
		expect_verify(t, 1, cases[i].bad, cases[i].want);
		char err[512];
		struct collected c = {0};
		assert_true(audit_read(t->dir, collect, &c, err, sizeof(err)) >= 1);
		assert_int_equal(c.n, 2);
		collected_free(&c);
		/* The engine still opens it, records the damage and appends; once. */
		fill(t, 1);
		expect_verify(t, 1, cases[i].bad, NULL);
		struct buf once = {0}, twice = {0};
		assert_int_equal(slurp(path_in(t, "log"), &once), 0);
		fill(t, 0);
		assert_int_equal(slurp(path_in(t, "log"), &twice), 0);
		assert_int_equal(once.len, twice.len);
		buf_free(&once);
		buf_free(&twice);
		buf_free(&b);
	}
	buf_free(&good);
	/* The whole log garbage. */
	spew(path_in(t, "log"), "\0\0\0\xff\xfe", 5);
	expect_verify(t, 1, 1, "entry 1: a partial line");
	fill(t, 1);
	/* ended with a newline by the engine, the line is now complete but no entry */
	expect_verify(t, 1, 1, "entry 1: not an entry (a NUL byte)");
}

/* The directory for a root: DATA/audit/ and the 16 hex digits of FNV-1a("BACKEND:ROOT"). */
static void test_dir_for(void **state)
{
	(void)state;
	char *d = audit_dir_for("/var/lib/omg", "alpm:/tmp/sb");
	char want[64];
	snprintf(want, sizeof(want), "/var/lib/omg/audit/%016" PRIx64,
		 hash_fnv1a("alpm:/tmp/sb", strlen("alpm:/tmp/sb")));
	assert_string_equal(d, want);
	assert_int_equal(strlen(d), strlen("/var/lib/omg/audit/") + 16);
	char *e = audit_dir_for("/var/lib/omg", "apt:/tmp/sb");
	assert_string_not_equal(d, e);
	free(d);
	free(e);
}

/* Reading a directory with nothing: empty; verify without a key: cannot check. */
static void test_missing(void **state)
{
	struct tmp *t = *state;
	char err[512] = "";
	struct collected c = {0};
	assert_int_equal(audit_read(t->base, collect, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 0);
	struct audit_report r;
	assert_int_equal(audit_verify(t->dir, &r), -1);
	assert_non_null(strstr(r.why, "No such file or directory"));
	/* A new log: nothing in it, intact. */
	fill(t, 0);
	struct audit_report r2;
	assert_int_equal(audit_verify(t->dir, &r2), 0);
	assert_int_equal(r2.entries, 0);
	assert_int_equal(r2.head, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_mac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swapped_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_repair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test(test_dir_for),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
