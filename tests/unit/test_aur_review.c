/* SPDX-License-Identifier: MIT */
/* Unit tests for AUR reviews: the tree hash (stable, and moved by each thing it covers), the
 * first review, the diff after an approval, stale and damaged approvals, and the LMDB store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/aur/review-int.h"
#include "engine/aur/review.h"
#include "engine/aur/snapshot.h"
#include "engine/dbenv.h"
#include "util/buf.h"
#include "util/fdio.h"
#include "util/xalloc.h"

/* A temporary directory: store/ for the reviews, tree/ for a package's files. */
struct tmp {
	char base[128];
	char store[160];
	char tree[160];
	struct aur_reviews *r;
};

static const char pkgbuild[] = "pkgname=zapp\n"
			       "pkgver=1.4.2\n"
			       "pkgrel=1\n"
			       "source=(zapp.tar.gz fix.patch)\n"
			       "build() {\n"
			       "\tmake\n"
			       "}\n"
			       "package() {\n"
			       "\tmake DESTDIR=\"$pkgdir\" install\n"
			       "}\n";

static const char patch[] = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-1\n+2\n";
static const char logo[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR SECRET-PIXELS";
static const char logo2[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR OTHER-PIXELS!";

/* dir/name (static buffers: two at a time). */
static const char *at(const char *dir, const char *name)
{
	static char p[2][512];
	static int i;
	i = !i;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

/* Writes name under dir with mode. */
static void put(const char *dir, const char *name, const char *data, size_t n, mode_t mode)
{
	assert_int_equal(fd_replace_buf(at(dir, name), mode, data, n), 0);
}

/* A package tree in dir: PKGBUILD, an executable script, a patch in a
 * subdirectory, a binary file and a link. */
static void make_tree(const char *dir)
{
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(at(dir, "patches"), 0755), 0);
	put(dir, "PKGBUILD", pkgbuild, strlen(pkgbuild), 0644);
	put(dir, "patches/fix.patch", patch, strlen(patch), 0644);
	put(dir, "zapp.sh", "#!/bin/sh\nexec zapp \"$@\"", 24, 0755); /* no final newline */
	put(dir, "logo.png", logo, sizeof(logo) - 1, 0644);
	assert_int_equal(symlink("patches/fix.patch", at(dir, "current.patch")), 0);
}

static int setup(void **state)
{
	struct tmp *t = xcalloc(1, sizeof(*t));
	const char *td = getenv("TMPDIR");
	snprintf(t->base, sizeof(t->base), "%s/omg-review-test-XXXXXX", td && *td ? td : "/tmp");
	if (!mkdtemp(t->base))
		return -1;
	snprintf(t->store, sizeof(t->store), "%s/store/reviews", t->base);
	snprintf(t->tree, sizeof(t->tree), "%s/tree", t->base);
	make_tree(t->tree);
	char err[256];
	t->r = aur_reviews_open(t->store, err, sizeof(err));
	if (!t->r)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	aur_reviews_close(t->r);
	int rc = aur_rmtree(t->base);
	free(t);
	return rc;
}

/* The tree hash of dir, asserting success (static buffer: one at a time). */
static const char *hash_of(const char *dir)
{
	static char h[65];
	char err[256] = "";
	if (aur_tree_hash(dir, h, err, sizeof(err)) != 0)
		fail_msg("aur_tree_hash %s: %s", dir, err);
	assert_int_equal(strlen(h), 64);
	assert_int_equal(strspn(h, "0123456789abcdef"), 64);
	return h;
}

static void test_hash_stable_and_sensitive(void **state)
{
	struct tmp *t = *state;
	char h0[65], h[65];
	strcpy(h0, hash_of(t->tree));
	assert_string_equal(hash_of(t->tree), h0);

	/* the same files made in another order, elsewhere: the same hash */
	char other[200];
	snprintf(other, sizeof(other), "%s/other", t->base);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_int_equal(symlink("patches/fix.patch", at(other, "current.patch")), 0);
	put(other, "logo.png", logo, sizeof(logo) - 1, 0600);
	put(other, "zapp.sh", "#!/bin/sh\nexec zapp \"$@\"", 24, 0700);
	assert_int_equal(mkdir(at(other, "patches"), 0700), 0);
	put(other, "patches/fix.patch", patch, strlen(patch), 0600);
	put(other, "PKGBUILD", pkgbuild, strlen(pkgbuild), 0600);
	assert_string_equal(hash_of(other), h0);
	/* an empty directory, and modes beside the executable bits: not covered */
	assert_int_equal(mkdir(at(t->tree, "empty"), 0700), 0);
	assert_int_equal(chmod(at(t->tree, "PKGBUILD"), 0600), 0);
	assert_string_equal(hash_of(t->tree), h0);

	/* content */
	put(t->tree, "PKGBUILD", "pkgname=zapp\n", 13, 0644);
	strcpy(h, hash_of(t->tree));
	assert_string_not_equal(h, h0);
	put(t->tree, "PKGBUILD", pkgbuild, strlen(pkgbuild), 0644);
	assert_string_equal(hash_of(t->tree), h0);
	/* the executable bit, either way, any of the three */
	assert_int_equal(chmod(at(t->tree, "PKGBUILD"), 0654), 0);
	assert_string_not_equal(hash_of(t->tree), h0);
	assert_int_equal(chmod(at(t->tree, "PKGBUILD"), 0644), 0);
	assert_int_equal(chmod(at(t->tree, "zapp.sh"), 0644), 0);
	assert_string_not_equal(hash_of(t->tree), h0);
	assert_int_equal(chmod(at(t->tree, "zapp.sh"), 0755), 0);
	assert_string_equal(hash_of(t->tree), h0);
	/* a new file, even empty */
	put(t->tree, "patches/empty", "", 0, 0644);
	assert_string_not_equal(hash_of(t->tree), h0);
	assert_int_equal(unlink(at(t->tree, "patches/empty")), 0);
	/* a rename, in place and into another directory */
	assert_int_equal(rename(at(other, "zapp.sh"), at(other, "zapp.sh2")), 0);
	assert_string_not_equal(hash_of(other), h0);
	assert_int_equal(rename(at(other, "zapp.sh2"), at(other, "patches/zapp.sh")), 0);
	assert_string_not_equal(hash_of(other), h0);
	/* a link's target; a link and a file of the same contents differ */
	assert_int_equal(unlink(at(t->tree, "current.patch")), 0);
	assert_int_equal(symlink("patches/fix.patch2", at(t->tree, "current.patch")), 0);
	assert_string_not_equal(hash_of(t->tree), h0);
	assert_int_equal(unlink(at(t->tree, "current.patch")), 0);
	put(t->tree, "current.patch", "patches/fix.patch", 17, 0644);
	assert_string_not_equal(hash_of(t->tree), h0);
	assert_int_equal(unlink(at(t->tree, "current.patch")), 0);
	assert_int_equal(symlink("patches/fix.patch", at(t->tree, "current.patch")), 0);
	assert_string_equal(hash_of(t->tree), h0);

	/* a special file is refused, named */
	assert_int_equal(mkfifo(at(t->tree, "patches/pipe"), 0600), 0);
	char err[256] = "";
	assert_int_equal(aur_tree_hash(t->tree, h, err, sizeof(err)), -1);
	assert_string_equal(err, "patches/pipe is a special file (a FIFO)");
	assert_int_equal(aur_tree_hash(at(t->base, "nowhere"), h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nowhere"));
	assert_int_equal(unlink(at(t->tree, "patches/pipe")), 0);
	/* a file too big to review (sparse: nothing is written) is refused, not read */
	put(t->tree, "huge", "", 0, 0644);
	assert_int_equal(truncate(at(t->tree, "huge"), (off_t)300 << 20), 0);
	assert_int_equal(aur_tree_hash(t->tree, h, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot read huge: File too large");
}

/* Runs aur_review_text on t's tree, asserting success; out is reset first. */
static enum aur_review_kind review(struct tmp *t, struct buf *out, char hash[65])
{
	enum aur_review_kind kind = 0;
	char err[256] = "";
	buf_reset(out);
	if (aur_review_text(t->r, "zapp", t->tree, out, &kind, hash, err, sizeof(err)) != 0)
		fail_msg("aur_review_text: %s", err);
	assert_string_equal(hash, hash_of(t->tree));
	return kind;
}

static void test_first_review(void **state)
{
	struct tmp *t = *state;
	struct buf out = {0};
	char hash[65];
	assert_int_equal(review(t, &out, hash), AUR_REVIEW_FIRST);
	struct buf want = {0};
	buf_puts(&want, "==> zapp: first review: every file\n"
			"--- PKGBUILD (10 lines)\n");
	buf_puts(&want, pkgbuild);
	buf_puts(&want, "--- current.patch -> patches/fix.patch (symlink)\n"
			"--- logo.png (binary, 30 bytes)\n"
			"--- patches/fix.patch (5 lines)\n"
			"--- a/x\n+++ b/x\n@@ -1 +1 @@\n-1\n+2\n"
			"--- zapp.sh (2 lines, executable)\n"
			"#!/bin/sh\nexec zapp \"$@\"\n");
	assert_string_equal(buf_str(&out), buf_str(&want));
	assert_null(strstr(buf_str(&out), "SECRET"));
	/* nothing approved yet */
	char err[256] = "", h[65];
	assert_int_equal(aur_review_approved(t->r, "zapp", h, NULL, NULL, err, sizeof(err)), 0);
	buf_free(&want);
	buf_free(&out);
}

/* Lines of s starting with c but not with ccc (a diff's changed lines). */
static int changed_lines(const char *s, char c)
{
	int n = 0;
	for (const char *l = s; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		n += l[0] == c && !(l[1] == c && l[2] == c);
	return n;
}

static void test_approve_then_diff(void **state)
{
	struct tmp *t = *state;
	struct buf out = {0};
	char hash[65], err[256] = "";
	assert_int_equal(review(t, &out, hash), AUR_REVIEW_FIRST);
	time_t before = time(NULL);
	assert_int_equal(aur_review_approve(t->r, "zapp", t->tree, hash, 1000, err, sizeof(err)),
			 0);
	char h[65];
	uint32_t uid = 0;
	uint64_t when = 0;
	assert_int_equal(aur_review_approved(t->r, "zapp", h, &uid, &when, err, sizeof(err)), 1);
	assert_string_equal(h, hash);
	assert_int_equal(uid, 1000);
	assert_true(when >= (uint64_t)before && when <= (uint64_t)time(NULL));

	/* unchanged: one line */
	assert_int_equal(review(t, &out, h), AUR_REVIEW_SAME);
	assert_string_equal(buf_str(&out), "==> zapp: unchanged since the approved review\n");

	/* one line changed: the diff shows that change only */
	char *changed = xstrdup(pkgbuild);
	memcpy(strstr(changed, "pkgrel=1"), "pkgrel=2", 8);
	put(t->tree, "PKGBUILD", changed, strlen(changed), 0644);
	assert_int_equal(review(t, &out, h), AUR_REVIEW_DIFF);
	const char *s = buf_str(&out);
	const char *head = "==> zapp: changes since the approved review\n"
			   "diff -ruN approved/PKGBUILD current/PKGBUILD\n"
			   "--- approved/PKGBUILD\n"
			   "+++ current/PKGBUILD\n"
			   "@@ -1,6 +1,6 @@\n";
	if (strncmp(s, head, strlen(head)) != 0)
		fail_msg("the diff starts otherwise:\n%s", s);
	assert_non_null(strstr(s, "\n-pkgrel=1\n+pkgrel=2\n"));
	assert_int_equal(changed_lines(s, '-'), 1);
	assert_int_equal(changed_lines(s, '+'), 1);
	assert_null(strstr(s, "zapp.sh"));
	assert_null(strstr(s, "patches/"));
	assert_null(strstr(s, "+0000")); /* no timestamps of temporary copies */
	free(changed);

	/* what diff does not show: links, executable bits; binary files named */
	assert_int_equal(chmod(at(t->tree, "zapp.sh"), 0644), 0);
	assert_int_equal(unlink(at(t->tree, "current.patch")), 0);
	assert_int_equal(symlink("PKGBUILD", at(t->tree, "current.patch")), 0);
	assert_int_equal(symlink("zapp.sh", at(t->tree, "run")), 0);
	put(t->tree, "logo.png", logo2, sizeof(logo2) - 1, 0644);
	put(t->tree, "patches/new.patch", "new\n", 4, 0644);
	assert_int_equal(review(t, &out, h), AUR_REVIEW_DIFF);
	s = buf_str(&out);
	assert_non_null(strstr(s, "\nsymlink changed: current.patch -> PKGBUILD, was -> "
				  "patches/fix.patch\n"));
	assert_non_null(strstr(s, "\nsymlink added: run -> zapp.sh\n"));
	assert_non_null(strstr(s, "\nmode changed: zapp.sh 0755 -> 0644\n"));
	assert_non_null(strstr(s, "\nBinary files approved/logo.png and current/logo.png differ\n"));
	assert_non_null(strstr(s, "+++ current/patches/new.patch\n@@ -0,0 +1 @@\n+new\n"));
	assert_null(strstr(s, "PIXELS"));

	/* approving the new state makes it the one compared with */
	assert_int_equal(aur_review_approve(t->r, "zapp", t->tree, h, 1001, err, sizeof(err)), 0);
	assert_int_equal(review(t, &out, h), AUR_REVIEW_SAME);
	assert_int_equal(unlink(at(t->tree, "run")), 0);
	assert_int_equal(review(t, &out, h), AUR_REVIEW_DIFF);
	assert_string_equal(buf_str(&out), "==> zapp: changes since the approved review\n"
					   "symlink removed: run -> zapp.sh\n");
	buf_free(&out);
}

static void test_stale_hash(void **state)
{
	struct tmp *t = *state;
	struct buf out = {0};
	char seen[65], err[256] = "", h[65];
	assert_int_equal(review(t, &out, seen), AUR_REVIEW_FIRST);
	/* the files change between the review and the approval */
	put(t->tree, "PKGBUILD", "pkgname=evil\n", 13, 0644);
	assert_int_equal(aur_review_approve(t->r, "zapp", t->tree, seen, 1000, err, sizeof(err)),
			 1);
	assert_int_equal(aur_review_approved(t->r, "zapp", h, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(review(t, &out, h), AUR_REVIEW_FIRST);
	/* with an approval in place, a stale one leaves it as it was */
	assert_int_equal(aur_review_approve(t->r, "zapp", t->tree, h, 7, err, sizeof(err)), 0);
	put(t->tree, "PKGBUILD", "pkgname=worse\n", 14, 0644);
	assert_int_equal(aur_review_approve(t->r, "zapp", t->tree, h, 8, err, sizeof(err)), 1);
	char got[65];
	uint32_t uid = 0;
	assert_int_equal(aur_review_approved(t->r, "zapp", got, &uid, NULL, err, sizeof(err)), 1);
	assert_string_equal(got, h);
	assert_int_equal(uid, 7);
	buf_free(&out);
}

static void test_forget(void **state)
{
	struct tmp *t = *state;
	struct buf out = {0};
	char h[65], err[256] = "";
	assert_int_equal(aur_review_forget(t->r, "zapp", err, sizeof(err)), 0); /* none: fine */
	review(t, &out, h);
	assert_int_equal(aur_review_approve(t->r, "zapp", t->tree, h, 1000, err, sizeof(err)), 0);
	assert_int_equal(aur_review_approve(t->r, "other", t->tree, h, 1000, err, sizeof(err)), 0);
	assert_int_equal(aur_review_forget(t->r, "zapp", err, sizeof(err)), 0);
	assert_int_equal(aur_review_approved(t->r, "zapp", h, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(review(t, &out, h), AUR_REVIEW_FIRST);
	/* the others stay */
	assert_int_equal(aur_review_approved(t->r, "other", h, NULL, NULL, err, sizeof(err)), 1);
	/* bad names */
	assert_int_equal(aur_review_forget(t->r, "", err, sizeof(err)), -1);
	assert_int_equal(aur_review_approved(t->r, "a/b", h, NULL, NULL, err, sizeof(err)), -1);
	buf_free(&out);
}

static void test_reopen_persists(void **state)
{
	struct tmp *t = *state;
	struct buf out = {0};
	char h[65], err[256] = "", got[65];
	review(t, &out, h);
	assert_int_equal(aur_review_approve(t->r, "zapp", t->tree, h, 4242, err, sizeof(err)), 0);
	uint64_t when0 = 0, when = 1;
	assert_int_equal(aur_review_approved(t->r, "zapp", got, NULL, &when0, err, sizeof(err)), 1);
	aur_reviews_close(t->r);
	t->r = aur_reviews_open(t->store, err, sizeof(err));
	assert_non_null(t->r);
	uint32_t uid = 0;
	assert_int_equal(aur_review_approved(t->r, "zapp", got, &uid, &when, err, sizeof(err)), 1);
	assert_string_equal(got, h);
	assert_int_equal(uid, 4242);
	assert_int_equal(when, when0);
	assert_int_equal(review(t, &out, got), AUR_REVIEW_SAME);
	/* a store that cannot be made */
	put(t->base, "file", "x", 1, 0644);
	assert_null(aur_reviews_open(at(t->base, "file/reviews"), err, sizeof(err)));
	assert_non_null(strstr(err, "cannot keep reviews in"));
	buf_free(&out);
}

/* Replaces the stored value of zapp with v[0..n), through LMDB itself (the
 * store closed meanwhile: one environment per process). */
static void store_raw(struct tmp *t, const void *v, size_t n)
{
	aur_reviews_close(t->r);
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;
	assert_int_equal(dbenv_open(t->store, (size_t)4 << 30, "reviews", &env, &dbi), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	MDB_val k = {4, (void *)"zapp"}, val = {n, (void *)v};
	assert_int_equal(mdb_put(txn, dbi, &k, &val, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	char err[256];
	t->r = aur_reviews_open(t->store, err, sizeof(err));
	assert_non_null(t->r);
}

/* The stored value of zapp into out. */
static void load_raw(struct tmp *t, struct buf *out)
{
	aur_reviews_close(t->r);
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;
	assert_int_equal(dbenv_open(t->store, (size_t)4 << 30, "reviews", &env, &dbi), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	MDB_val k = {4, (void *)"zapp"}, val;
	assert_int_equal(mdb_get(txn, dbi, &k, &val), 0);
	buf_reset(out);
	buf_append(out, val.mv_data, val.mv_size);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	char err[256];
	t->r = aur_reviews_open(t->store, err, sizeof(err));
	assert_non_null(t->r);
}

/* zapp's stored record is refused with why, by each reader, and forget clears it. */
static void damaged(struct tmp *t, const void *v, size_t n, const char *why)
{
	store_raw(t, v, n);
	struct buf out = {0};
	enum aur_review_kind kind;
	char h[65], err[256] = "";
	assert_int_equal(aur_review_text(t->r, "zapp", t->tree, &out, &kind, h, err, sizeof(err)),
			 -1);
	if (!strstr(err, why) || !strstr(err, "the approval of zapp cannot be used"))
		fail_msg("\"%s\" does not say \"%s\"", err, why);
	assert_null(strchr(err, '\n'));
	err[0] = '\0';
	assert_int_equal(aur_review_approved(t->r, "zapp", h, NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, why));
	buf_free(&out);
}

static void test_damaged_record(void **state)
{
	struct tmp *t = *state;
	struct buf out = {0}, good = {0}, v = {0};
	char h[65], err[256] = "";
	review(t, &out, h);
	assert_int_equal(aur_review_approve(t->r, "zapp", t->tree, h, 1000, err, sizeof(err)), 0);
	load_raw(t, &good);
	assert_true(good.len > AUR_RECORD_HEADER + 200);

	damaged(t, "garbage!", 8, "too short");
	damaged(t, "garbage! garbage! garbage! garbage!", 35, "not a review record");
	damaged(t, good.p, good.len - 1, "bad length");
	buf_reset(&v);
	buf_append(&v, good.p, good.len);
	v.p[good.len - 3] ^= 0x20; /* in the last file's contents */
	damaged(t, v.p, v.len, "bad checksum");
	v.p[good.len - 3] ^= 0x20;
	v.p[4] = 2;
	damaged(t, v.p, v.len, "written by a newer omg");

	/* well-formed, checksum right, but the files are not what the hash names */
	struct aur_record rec;
	assert_int_equal(aur_record_decode(good.p, good.len, &rec, err, sizeof(err)), 0);
	assert_string_equal(rec.hash, h);
	assert_int_equal(rec.uid, 1000);
	assert_int_equal(rec.files.n, 5);
	assert_string_equal(rec.files.v[0].path, "PKGBUILD");
	assert_string_equal(rec.files.v[0].data, pkgbuild);
	rec.files.v[0].data[0] = 'P';
	buf_reset(&v);
	aur_record_encode(&rec, &v);
	damaged(t, v.p, v.len, "the files do not match the hash");
	/* a path that would leave the diff's directory */
	free(rec.files.v[1].path);
	rec.files.v[1].path = xstrdup("../escape");
	buf_reset(&v);
	aur_record_encode(&rec, &v);
	damaged(t, v.p, v.len, "bad path");
	aur_record_free(&rec);

	/* the way out: forget, review from the start */
	assert_int_equal(aur_review_forget(t->r, "zapp", err, sizeof(err)), 0);
	assert_int_equal(review(t, &out, h), AUR_REVIEW_FIRST);
	/* and the intact record reads back */
	store_raw(t, good.p, good.len);
	assert_int_equal(review(t, &out, h), AUR_REVIEW_SAME);
	buf_free(&v);
	buf_free(&good);
	buf_free(&out);
}

/* An encoded record decodes to the same, and every cut of it is refused. */
static void test_record_round_trip(void **state)
{
	struct tmp *t = *state;
	char h[65], err[256] = "";
	struct buf out = {0}, blob = {0}, again = {0};
	review(t, &out, h);
	assert_int_equal(aur_review_approve(t->r, "zapp", t->tree, h, 1000, err, sizeof(err)), 0);
	load_raw(t, &blob);
	struct aur_record rec;
	assert_int_equal(aur_record_decode(blob.p, blob.len, &rec, err, sizeof(err)), 0);
	aur_record_encode(&rec, &again);
	assert_int_equal(again.len, blob.len);
	assert_memory_equal(again.p, blob.p, blob.len);
	assert_int_equal(rec.files.v[1].kind, 'l');
	assert_string_equal(rec.files.v[1].data, "patches/fix.patch");
	assert_int_equal(rec.files.v[4].mode, 0755);
	aur_record_free(&rec);
	for (size_t n = 0; n < blob.len; n++)
		assert_int_equal(aur_record_decode(blob.p, n, &rec, err, sizeof(err)), -1);
	/* an empty tree is a record too */
	struct aur_record none = {.when = 1, .uid = 2};
	aur_tree_digest(&none.files, none.hash);
	buf_reset(&blob);
	aur_record_encode(&none, &blob);
	assert_int_equal(aur_record_decode(blob.p, blob.len, &rec, err, sizeof(err)), 0);
	assert_int_equal(rec.files.n, 0);
	assert_string_equal(rec.hash, none.hash);
	aur_record_free(&rec);
	buf_free(&again);
	buf_free(&blob);
	buf_free(&out);
}

int main(void)
{
	if (access("/usr/bin/diff", X_OK) != 0) {
		fprintf(stderr, "test_aur_review: /usr/bin/diff is missing (diffutils)\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hash_stable_and_sensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_review, setup, teardown),
		cmocka_unit_test_setup_teardown(test_approve_then_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_persists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_round_trip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
