/* SPDX-License-Identifier: MIT */
/* Reviews: each package base's approved files as one checked record in LMDB, the tree hash an
 * approval names, and the review text (every file, a diff against the approved ones, or none). */
#include "engine/aur/review.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/aur/review-int.h"
#include "engine/aur/snapshot.h"
#include "engine/dbenv.h"
#include "util/fdio.h"
#include "util/xalloc.h"
#include "util/xdg.h"

#define MAP_SIZE ((size_t)4 << 30) /* address space only; the file grows as used */
/* A tree read whole into memory: a snapshot is capped far below this, and a
 * tree over it (a build directory by mistake) is refused, not a daemon's OOM. */
#define TREE_BYTES ((uint64_t)256 << 20)
#define TREE_FILES 100000
#define TREE_DEPTH 128
#define MAX_PATH 4096
#define MAX_DIFF ((size_t)64 << 20) /* bytes of diff output kept */
#define BINARY_PROBE 8192           /* a NUL in this many first bytes: binary */
#define DIFF "/usr/bin/diff"

struct aur_reviews {
	MDB_env *env;
	MDB_dbi dbi;
};

/* The files of a tree --------------------------------------------------- */

void aur_tree_free(struct aur_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].data);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* Appends a file to t, taking path and data. */
static void tree_add(struct aur_tree *t, char *path, char kind, uint32_t mode, char *data,
		     size_t len)
{
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof(*t->v));
	t->v[t->n++] = (struct aur_file){path, kind, mode, data, len};
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct aur_file *)a)->path, ((const struct aur_file *)b)->path);
}

/* State of one tree_read. */
struct reader {
	struct aur_tree *t;
	uint64_t bytes;
	char *err;
	size_t errlen;
};

/* Reads the regular file name in dir (size from st) whole: the contents, NUL
 * added, or NULL with errno. */
static char *read_file(int dir, const char *name, const struct stat *st, size_t *len)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat now;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &now) < 0 || !S_ISREG(now.st_mode) || now.st_ino != st->st_ino) {
		close(fd);
		errno = EAGAIN; /* replaced while we looked */
		return NULL;
	}
	if ((uint64_t)now.st_size > TREE_BYTES) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	/* Room for the NUL and one byte more, so a file that did not grow ends
	 * in this buffer. */
	size_t cap = (size_t)now.st_size + 2, n = 0;
	char *p = xmalloc(cap);
	for (;;) {
		if (n + 1 == cap) { /* it grew: read on, the caller's cap counts it */
			if (cap > TREE_BYTES) {
				errno = EFBIG;
				break;
			}
			p = xrealloc(p, cap *= 2);
		}
		ssize_t k = read(fd, p + n, cap - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0) {
				close(fd);
				p[n] = '\0';
				*len = n;
				return p;
			}
			break;
		}
		n += (size_t)k;
	}
	int e = errno;
	close(fd);
	free(p);
	errno = e;
	return NULL;
}

/* Adds the files under the directory fd (prefix: its path in the tree, "" at
 * the top) to r's tree; takes fd. 0, or -1 with err. */
static int read_dir(struct reader *r, int fd, const char *prefix, int depth)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		snprintf(r->err, r->errlen, "cannot read %s: %s", *prefix ? prefix : ".",
			 strerror(errno));
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (errno = 0, de = readdir(d))) {
		const char *name = de->d_name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		char *path = *prefix ? xasprintf("%s/%s", prefix, name) : xstrdup(name);
		struct stat st;
		char *data = NULL;
		size_t len = 0;
		char kind = 0;
		rc = -1;
		if (strlen(path) > MAX_PATH) {
			snprintf(r->err, r->errlen, "%.64s...: path too long", path);
		} else if (r->t->n >= TREE_FILES) {
			snprintf(r->err, r->errlen, "more than %d files to review", TREE_FILES);
		} else if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			snprintf(r->err, r->errlen, "cannot read %s: %s", path, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
								 O_CLOEXEC);
			if (depth >= TREE_DEPTH)
				snprintf(r->err, r->errlen, "%s: over %d levels deep", path, TREE_DEPTH);
			else if (sub < 0)
				snprintf(r->err, r->errlen, "cannot read %s: %s", path,
					 strerror(errno));
			else
				rc = read_dir(r, sub, path, depth + 1); /* takes sub */
			if (depth >= TREE_DEPTH && sub >= 0)
				close(sub);
		} else if (S_ISLNK(st.st_mode)) {
			data = xmalloc(MAX_PATH + 1);
			ssize_t k = readlinkat(dirfd(d), name, data, MAX_PATH + 1);
			if (k < 0 || k > MAX_PATH) {
				snprintf(r->err, r->errlen, "cannot read the link %s: %s", path,
					 k < 0 ? strerror(errno) : "target too long");
			} else {
				data[k] = '\0';
				len = (size_t)k;
				kind = 'l';
			}
		} else if (S_ISREG(st.st_mode)) {
			data = read_file(dirfd(d), name, &st, &len);
			if (!data)
				snprintf(r->err, r->errlen, "cannot read %s: %s", path,
					 strerror(errno));
			else
				kind = 'f';
		} else {
			snprintf(r->err, r->errlen, "%s is a special file (%s)", path,
				 S_ISFIFO(st.st_mode)   ? "a FIFO"
				 : S_ISSOCK(st.st_mode) ? "a socket"
							: "a device");
		}
		if (kind) {
			r->bytes += len;
			if (r->bytes > TREE_BYTES) {
				snprintf(r->err, r->errlen, "over %llu MiB of files to review",
					 (unsigned long long)(TREE_BYTES >> 20));
			} else {
				tree_add(r->t, path, kind, (uint32_t)st.st_mode & 0777, data, len);
				path = data = NULL;
				rc = 0;
			}
		}
		free(path);
		free(data);
	}
	if (rc == 0 && errno) {
		snprintf(r->err, r->errlen, "cannot read %s: %s", *prefix ? prefix : ".",
			 strerror(errno));
		rc = -1;
	}
	closedir(d);
	return rc;
}

/* Reads every regular file and symlink under dir into t, sorted. 0, or -1
 * with err (t emptied). */
static int tree_read(const char *dir, struct aur_tree *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	struct reader r = {t, 0, err, errlen};
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	if (read_dir(&r, fd, "", 0) < 0) {
		aur_tree_free(t);
		return -1;
	}
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_file);
	return 0;
}

/* n as 8 little-endian bytes at p. */
static void put64(unsigned char *p, uint64_t n)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(n >> (8 * i));
}

static void put32(unsigned char *p, uint32_t n)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(n >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t n = 0;
	for (int i = 7; i >= 0; i--)
		n = n << 8 | p[i];
	return n;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void aur_tree_digest(const struct aur_tree *t, char hash[65])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL))
		abort(); /* libcrypto without SHA-256: nothing to name an approval with */
	for (size_t i = 0; i < t->n; i++) {
		const struct aur_file *f = &t->v[i];
		unsigned char head[3 + 8];
		head[0] = (unsigned char)f->kind;
		head[1] = f->kind == 'f' && (f->mode & 0111) ? 'x' : '-';
		head[2] = '\0';
		put64(head + 3, f->len);
		EVP_DigestUpdate(c, f->path, strlen(f->path) + 1);
		EVP_DigestUpdate(c, head, sizeof(head));
		EVP_DigestUpdate(c, f->data, f->len);
	}
	if (!EVP_DigestFinal_ex(c, md, &mdlen) || mdlen != 32)
		abort();
	EVP_MD_CTX_free(c);
	for (unsigned i = 0; i < 32; i++)
		snprintf(hash + 2 * i, 3, "%02x", md[i]);
}

int aur_tree_hash(const char *dir, char hash[65], char *err, size_t errlen)
{
	struct aur_tree t;
	if (tree_read(dir, &t, err, errlen) < 0)
		return -1;
	aur_tree_digest(&t, hash);
	aur_tree_free(&t);
	return 0;
}

/* Records ------------------------------------------------------------------ */

void aur_record_encode(const struct aur_record *r, struct buf *out)
{
	size_t start = out->len;
	unsigned char b[AUR_RECORD_HEADER] = {0};
	buf_append(out, b, sizeof(b)); /* filled in below */
	put64(b, r->when);
	put32(b + 8, r->uid);
	buf_append(out, b, 12);
	buf_append(out, r->hash, 64);
	put32(b, (uint32_t)r->files.n);
	buf_append(out, b, 4);
	for (size_t i = 0; i < r->files.n; i++) {
		const struct aur_file *f = &r->files.v[i];
		size_t n = strlen(f->path);
		put32(b, (uint32_t)n);
		buf_append(out, b, 4);
		buf_append(out, f->path, n);
		b[0] = (unsigned char)f->kind;
		put32(b + 1, f->mode);
		put64(b + 5, f->len);
		buf_append(out, b, 13);
		buf_append(out, f->data, f->len);
	}
	unsigned char *h = (unsigned char *)out->p + start;
	size_t body = out->len - start - AUR_RECORD_HEADER;
	memcpy(h, "OMGR", 4);
	h[4] = AUR_RECORD_VERSION;
	h[5] = h[6] = h[7] = 0;
	put32(h + 8, (uint32_t)crc32(0, h + AUR_RECORD_HEADER, (uInt)body));
	put64(h + 12, body);
}

void aur_record_free(struct aur_record *r)
{
	aur_tree_free(&r->files);
}

/* Non-zero when path is a clean relative path: no empty, "." or ".."
 * component, so it stays inside the directory it is written under. */
static int path_clean(const char *p, size_t n)
{
	if (!n || n > MAX_PATH || memchr(p, '\0', n))
		return 0;
	const char *end = p + n;
	while (p <= end) {
		const char *s = memchr(p, '/', (size_t)(end - p));
		size_t k = (size_t)((s ? s : end) - p);
		if (k == 0 || (k == 1 && p[0] == '.') || (k == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += k + 1;
	}
	return 1;
}

/* A bounds-checked cursor over a record's body. */
struct cur {
	const unsigned char *p;
	size_t left;
};

/* The next n bytes, or NULL when fewer are left. */
static const unsigned char *take(struct cur *c, size_t n)
{
	if (n > c->left)
		return NULL;
	const unsigned char *p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

int aur_record_decode(const void *blob, size_t n, struct aur_record *r, char *err, size_t errlen)
{
	const unsigned char *b = blob;
	const char *why;
	memset(r, 0, sizeof(*r));
	why = "too short";
	if (n < AUR_RECORD_HEADER)
		goto bad;
	why = "not a review record";
	if (memcmp(b, "OMGR", 4) != 0)
		goto bad;
	why = "written by a newer omg";
	if (b[4] + 256 * b[5] > AUR_RECORD_VERSION)
		goto bad;
	why = "unknown version or flags";
	if (b[4] + 256 * b[5] != AUR_RECORD_VERSION || b[6] || b[7])
		goto bad;
	why = "bad length";
	if (get64(b + 12) != n - AUR_RECORD_HEADER)
		goto bad;
	why = "bad checksum";
	if (get32(b + 8) != (uint32_t)crc32(0, b + AUR_RECORD_HEADER, (uInt)(n - AUR_RECORD_HEADER)))
		goto bad;

	struct cur c = {b + AUR_RECORD_HEADER, n - AUR_RECORD_HEADER};
	const unsigned char *p = take(&c, 12 + 64 + 4);
	why = "truncated";
	if (!p)
		goto bad;
	r->when = get64(p);
	r->uid = get32(p + 8);
	memcpy(r->hash, p + 12, 64);
	r->hash[64] = '\0';
	why = "bad hash";
	if (strspn(r->hash, "0123456789abcdef") != 64)
		goto bad;
	uint32_t count = get32(p + 76);
	why = "bad file count";
	if (count > c.left / 17) /* each file takes 17 bytes at least */
		goto bad;
	for (uint32_t i = 0; i < count; i++) {
		why = "truncated";
		if (!(p = take(&c, 4)))
			goto bad;
		uint32_t plen = get32(p);
		const unsigned char *path = take(&c, plen);
		const unsigned char *h = path ? take(&c, 13) : NULL;
		if (!h)
			goto bad;
		uint64_t dlen = get64(h + 5);
		const unsigned char *data = dlen <= c.left ? take(&c, (size_t)dlen) : NULL;
		if (!data)
			goto bad;
		why = "bad path";
		if (!path_clean((const char *)path, plen))
			goto bad;
		char kind = (char)h[0];
		uint32_t mode = get32(h + 1);
		why = "bad file kind or mode";
		if ((kind != 'f' && kind != 'l') || mode > 0777)
			goto bad;
		why = "bad link target";
		if (kind == 'l' && (!dlen || dlen > MAX_PATH || memchr(data, '\0', (size_t)dlen)))
			goto bad;
		char *d = xmalloc((size_t)dlen + 1);
		memcpy(d, data, (size_t)dlen);
		d[dlen] = '\0';
		tree_add(&r->files, xstrndup((const char *)path, plen), kind, mode, d, (size_t)dlen);
		why = "files out of order";
		if (i && strcmp(r->files.v[i - 1].path, r->files.v[i].path) >= 0)
			goto bad;
	}
	why = "trailing bytes";
	if (c.left)
		goto bad;
	char h[65];
	aur_tree_digest(&r->files, h);
	why = "the files do not match the hash";
	if (strcmp(h, r->hash) != 0)
		goto bad;
	return 0;
bad:
	aur_record_free(r);
	snprintf(err, errlen, "damaged review record: %s", why);
	return -1;
}

/* The store ---------------------------------------------------------------- */

struct aur_reviews *aur_reviews_open(const char *dir, char *err, size_t errlen)
{
	struct aur_reviews *r = xcalloc(1, sizeof(*r));
	int rc = xdg_mkdirs(dir) == 0 ? dbenv_open(dir, MAP_SIZE, "reviews", &r->env, &r->dbi)
				      : errno;
	if (rc != 0) {
		snprintf(err, errlen, "cannot keep reviews in %s: %s", dir,
			 rc > 0 ? strerror(rc) : mdb_strerror(rc));
		free(r);
		return NULL;
	}
	return r;
}

void aur_reviews_close(struct aur_reviews *r)
{
	if (!r)
		return;
	mdb_env_close(r->env);
	free(r);
}

/* Non-zero when base can be a key: 1 to 255 bytes, one path component. */
static int base_ok(const char *base, char *err, size_t errlen)
{
	size_t n = strlen(base);
	if (n && n <= 255 && !strchr(base, '/') && strcmp(base, ".") && strcmp(base, ".."))
		return 1;
	snprintf(err, errlen, "bad package base name");
	return 0;
}

/* base's approval into rec: 1, 0 when none, -1 with err (a store error, a
 * damaged record). */
static int load(struct aur_reviews *r, const char *base, struct aur_record *rec, char *err,
		size_t errlen)
{
	MDB_txn *txn;
	MDB_val k = {strlen(base), (void *)base}, v;
	int rc = mdb_txn_begin(r->env, NULL, MDB_RDONLY, &txn);
	if (rc == 0) {
		rc = mdb_get(txn, r->dbi, &k, &v);
		if (rc == 0) {
			char why[200];
			rc = aur_record_decode(v.mv_data, v.mv_size, rec, why, sizeof(why)) == 0 ? 1
												    : -1;
			if (rc < 0)
				snprintf(err, errlen, "the approval of %s cannot be used (%s): "
					 "forget it and review again", base, why);
		} else if (rc == MDB_NOTFOUND) {
			rc = 0;
		} else {
			snprintf(err, errlen, "review store: %s", mdb_strerror(rc));
			rc = -1;
		}
		mdb_txn_abort(txn);
		return rc;
	}
	snprintf(err, errlen, "review store: %s", mdb_strerror(rc));
	return -1;
}

int aur_review_approved(struct aur_reviews *r, const char *base, char hash[65], uint32_t *uid,
			uint64_t *when, char *err, size_t errlen)
{
	struct aur_record rec;
	if (!base_ok(base, err, errlen))
		return -1;
	int rc = load(r, base, &rec, err, errlen);
	if (rc == 1) {
		memcpy(hash, rec.hash, 65);
		if (uid)
			*uid = rec.uid;
		if (when)
			*when = rec.when;
		aur_record_free(&rec);
	}
	return rc;
}

int aur_review_approve(struct aur_reviews *r, const char *base, const char *dir,
		       const char *hash, uint32_t uid, char *err, size_t errlen)
{
	if (!base_ok(base, err, errlen))
		return -1;
	struct aur_record rec = {.when = (uint64_t)time(NULL), .uid = uid};
	if (tree_read(dir, &rec.files, err, errlen) < 0)
		return -1;
	aur_tree_digest(&rec.files, rec.hash);
	if (!hash || strcmp(hash, rec.hash) != 0) {
		aur_record_free(&rec);
		return 1; /* the files changed since the user saw them */
	}
	struct buf blob = {0};
	aur_record_encode(&rec, &blob);
	aur_record_free(&rec);
	MDB_txn *txn;
	MDB_val k = {strlen(base), (void *)base}, v = {blob.len, blob.p};
	int rc = mdb_txn_begin(r->env, NULL, 0, &txn);
	if (rc == 0) {
		rc = mdb_put(txn, r->dbi, &k, &v, 0);
		rc = rc == 0 ? mdb_txn_commit(txn) : (mdb_txn_abort(txn), rc);
	}
	buf_free(&blob);
	if (rc != 0) {
		snprintf(err, errlen, "cannot store the approval of %s: %s", base, mdb_strerror(rc));
		return -1;
	}
	return 0;
}

int aur_review_forget(struct aur_reviews *r, const char *base, char *err, size_t errlen)
{
	if (!base_ok(base, err, errlen))
		return -1;
	MDB_txn *txn;
	MDB_val k = {strlen(base), (void *)base};
	int rc = mdb_txn_begin(r->env, NULL, 0, &txn);
	if (rc == 0) {
		rc = mdb_del(txn, r->dbi, &k, NULL);
		if (rc == MDB_NOTFOUND)
			rc = 0;
		rc = rc == 0 ? mdb_txn_commit(txn) : (mdb_txn_abort(txn), rc);
	}
	if (rc != 0) {
		snprintf(err, errlen, "cannot forget the approval of %s: %s", base, mdb_strerror(rc));
		return -1;
	}
	return 0;
}

/* Review text -------------------------------------------------------------- */

/* Non-zero when a file shows as binary: a NUL in its first bytes (diff's own rule). */
static int is_binary(const struct aur_file *f)
{
	return memchr(f->data, '\0', f->len < BINARY_PROBE ? f->len : BINARY_PROBE) != NULL;
}

/* Every file of t in full (binary ones named), for a first review. */
static void show_all(const struct aur_tree *t, struct buf *out)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct aur_file *f = &t->v[i];
		const char *x = f->kind == 'f' && (f->mode & 0111) ? ", executable" : "";
		if (f->kind == 'l') {
			buf_printf(out, "--- %s -> %s (symlink)\n", f->path, f->data);
		} else if (is_binary(f)) {
			buf_printf(out, "--- %s (binary, %zu bytes%s)\n", f->path, f->len, x);
		} else {
			size_t lines = 0;
			for (size_t k = 0; k < f->len; k++)
				lines += f->data[k] == '\n';
			int open_end = f->len && f->data[f->len - 1] != '\n';
			lines += open_end;
			buf_printf(out, "--- %s (%zu line%s%s)\n", f->path, lines,
				   lines == 1 ? "" : "s", x);
			buf_append(out, f->data, f->len);
			if (open_end)
				buf_putc(out, '\n');
		}
	}
}

/* Writes t's regular files (links are shown apart) under the new directory
 * name in dir. 0, or -1 with errno. */
static int materialize(int dir, const char *name, const struct aur_tree *t)
{
	if (mkdirat(dir, name, 0700) < 0)
		return -1;
	int top = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		const struct aur_file *f = &t->v[i];
		if (f->kind != 'f')
			continue;
		char *path = xstrdup(f->path), *leaf = path, *s;
		int fd = dup(top);
		/* its directories, made as needed, never through a link */
		while (fd >= 0 && (s = strchr(leaf, '/'))) {
			*s = '\0';
			if (mkdirat(fd, leaf, 0700) < 0 && errno != EEXIST) {
				close(fd);
				fd = -1;
				break;
			}
			int sub = openat(fd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			close(fd);
			fd = sub;
			leaf = s + 1;
		}
		if (fd < 0) {
			rc = -1;
		} else {
			int o = openat(fd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				       f->mode & 0111 ? 0700 : 0600);
			rc = o < 0 ? -1 : fd_write_all(o, f->data, f->len);
			if (o >= 0)
				close(o);
		}
		int e = errno;
		if (fd >= 0)
			close(fd);
		free(path);
		errno = e;
	}
	int e = errno;
	close(top);
	errno = e;
	return rc;
}

/* Appends diff's output to out without the timestamps of its "---" and
 * "+++" lines (those of temporary copies: noise). */
static void append_diff(struct buf *out, const char *p, size_t n)
{
	int header = 0; /* lines of a file header left after its "diff" line */
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) + 1 : n, keep = len;
		if (len >= 5 && !memcmp(p, "diff ", 5)) {
			header = 2;
		} else if (header && len >= 4 &&
			   (!memcmp(p, "--- ", 4) || !memcmp(p, "+++ ", 4))) {
			header--;
			const char *tab = NULL;
			for (const char *q = p; q < p + len; q++)
				if (*q == '\t')
					tab = q;
			if (tab)
				keep = (size_t)(tab - p);
		} else {
			header = 0;
		}
		buf_append(out, p, keep);
		if (keep != len)
			buf_putc(out, '\n');
		p += len;
		n -= len;
	}
}

/* Runs diff -ruN on approved/ and current/ in dir into out. 0, or -1 with err. */
static int run_diff(const char *dir, struct buf *out, char *err, size_t errlen)
{
	/* Everything the child needs is made before fork: only exec-safe calls after. */
	const char *argv[] = {"diff", "-ruN", "approved", "current", NULL};
	const char *envp[] = {"LC_ALL=C", "TZ=UTC", "PATH=/usr/bin:/bin", NULL};
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot run " DIFF ": %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot run " DIFF ": %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0 ||
		    chdir(dir) < 0)
			_exit(127);
		execve(DIFF, (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	close(p[1]);
	struct buf o = {0};
	char chunk[65536];
	int too_long = 0;
	for (;;) {
		ssize_t k = read(p[0], chunk, sizeof(chunk));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (o.len + (size_t)k > MAX_DIFF)
			too_long = 1; /* read on to the end, so diff is not stuck */
		else
			buf_append(&o, chunk, (size_t)k);
	}
	close(p[0]);
	int st = 0, rc = -1;
	pid_t done;
	while ((done = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (done < 0) {
		snprintf(err, errlen, "cannot wait for " DIFF ": %s", strerror(errno));
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) > 1) {
		const char *msg = buf_str(&o);
		int n = (int)strcspn(msg, "\n");
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
			snprintf(err, errlen, "cannot run " DIFF);
		else
			snprintf(err, errlen, DIFF " failed: %.*s", n > 200 ? 200 : n,
				 n ? msg : "killed");
	} else if (too_long) {
		snprintf(err, errlen, "the changes are over %zu MiB: too long to review",
			 MAX_DIFF >> 20);
	} else {
		append_diff(out, o.p ? o.p : "", o.len);
		rc = 0;
	}
	buf_free(&o);
	return rc;
}

/* What diff does not show: links made, removed or changed, and executable
 * bits changed. a: the approved files, b: the current ones. */
static void other_changes(const struct aur_tree *a, const struct aur_tree *b, struct buf *out)
{
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i].path, b->v[j].path);
		const struct aur_file *x = c <= 0 ? &a->v[i++] : NULL;
		const struct aur_file *y = c >= 0 ? &b->v[j++] : NULL;
		if (x && x->kind == 'l' && (!y || y->kind != 'l'))
			buf_printf(out, "symlink removed: %s -> %s\n", x->path, x->data);
		if (y && y->kind == 'l' && (!x || x->kind != 'l'))
			buf_printf(out, "symlink added: %s -> %s\n", y->path, y->data);
		if (x && y && x->kind == 'l' && y->kind == 'l' && strcmp(x->data, y->data))
			buf_printf(out, "symlink changed: %s -> %s, was -> %s\n", y->path, y->data,
				   x->data);
		if (x && y && x->kind == 'f' && y->kind == 'f' && !(x->mode & 0111) != !(y->mode & 0111))
			buf_printf(out, "mode changed: %s %04o -> %04o\n", y->path, x->mode, y->mode);
	}
}

/* The diff of the approved files and the current ones into out. 0, or -1 with err. */
static int show_diff(const struct aur_tree *approved, const struct aur_tree *current,
		     struct buf *out, char *err, size_t errlen)
{
	const char *td = getenv("TMPDIR");
	char *tmp = xasprintf("%s/omg-review-XXXXXX", td && *td == '/' ? td : "/tmp");
	if (!mkdtemp(tmp)) {
		snprintf(err, errlen, "cannot make a directory for the diff: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	int rc = -1;
	int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || materialize(fd, "approved", approved) < 0 ||
	    materialize(fd, "current", current) < 0) {
		snprintf(err, errlen, "cannot copy the files for the diff: %s", strerror(errno));
	} else {
		other_changes(approved, current, out);
		rc = run_diff(tmp, out, err, errlen);
	}
	if (fd >= 0)
		close(fd);
	aur_rmtree(tmp);
	free(tmp);
	return rc;
}

int aur_review_text(struct aur_reviews *r, const char *base, const char *dir, struct buf *out,
		    enum aur_review_kind *kind, char hash[65], char *err, size_t errlen)
{
	if (!base_ok(base, err, errlen))
		return -1;
	struct aur_tree cur;
	if (tree_read(dir, &cur, err, errlen) < 0)
		return -1;
	aur_tree_digest(&cur, hash);
	struct aur_record rec = {0};
	int rc = load(r, base, &rec, err, errlen);
	if (rc == 0) {
		*kind = AUR_REVIEW_FIRST;
		buf_printf(out, "==> %s: first review: every file\n", base);
		show_all(&cur, out);
	} else if (rc == 1 && !strcmp(rec.hash, hash)) {
		*kind = AUR_REVIEW_SAME;
		buf_printf(out, "==> %s: unchanged since the approved review\n", base);
		rc = 0;
	} else if (rc == 1) {
		*kind = AUR_REVIEW_DIFF;
		size_t was = out->len;
		buf_printf(out, "==> %s: changes since the approved review\n", base);
		rc = show_diff(&rec.files, &cur, out, err, errlen);
		if (rc < 0) { /* nothing half-written */
			out->len = was;
			if (out->p)
				out->p[was] = '\0';
		}
	}
	aur_record_free(&rec);
	aur_tree_free(&cur);
	return rc;
}
