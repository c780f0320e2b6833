/* SPDX-License-Identifier: MIT */
/* Unit tests for AUR snapshots: real archives written with libarchive, a good one unpacked in
 * full, every hostile kind refused with the entry named and nothing left behind, and rmtree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/aur/snapshot.h"
#include "util/buf.h"
#include "util/fdio.h"
#include "util/xalloc.h"

/* One entry of an archive a test writes. */
struct ent {
	const char *path;
	mode_t type;          /* AE_IFREG when 0 */
	mode_t perm;          /* 0644 (files) or 0755 (directories) when 0 */
	const char *data;     /* a file's contents; NULL: size bytes of 'x' */
	size_t size;
	const char *link;     /* a symlink's target */
	const char *hardlink; /* makes the entry a hard link to that path */
};

/* The tar of v[0..n) as libarchive writes it (pax), uncompressed, appended to out. */
static void write_tar(const struct ent *v, size_t n, struct buf *out)
{
	size_t cap = (1 << 20) + n * 2048; /* headers (a pax one too) and padding */
	for (size_t i = 0; i < n; i++)
		cap += v[i].data ? strlen(v[i].data) : v[i].size;
	char *mem = xmalloc(cap);
	size_t used = 0;
	struct archive *a = archive_write_new();
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(archive_write_set_bytes_in_last_block(a, 1), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, mem, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		const struct ent *x = &v[i];
		struct archive_entry *e = archive_entry_new();
		mode_t type = x->type ? x->type : AE_IFREG;
		size_t size = type != AE_IFREG || x->hardlink ? 0 : x->data ? strlen(x->data) : x->size;
		archive_entry_set_pathname(e, x->path);
		archive_entry_set_filetype(e, type);
		archive_entry_set_perm(e, x->perm ? x->perm : type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_size(e, (la_int64_t)size);
		archive_entry_set_mtime(e, 1700000000, 0);
		if (x->link)
			archive_entry_set_symlink(e, x->link);
		if (x->hardlink)
			archive_entry_set_hardlink(e, x->hardlink);
		if (type == AE_IFCHR)
			archive_entry_set_rdev(e, makedev(1, 3));
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (size) {
			char *d = x->data ? xstrdup(x->data) : xmalloc(size);
			if (!x->data)
				memset(d, 'x', size);
			assert_int_equal(archive_write_data(a, d, size), (la_ssize_t)size);
			free(d);
		}
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	buf_append(out, mem, used);
	free(mem);
}

/* The pax global header git archive (and so aurweb's cgit) starts with. */
static void write_global_header(struct buf *out)
{
	char h[512] = {0}, body[512] = {0};
	const char *rec = "52 comment=0123456789abcdef0123456789abcdef01234567\n";
	assert_int_equal(strlen(rec), 52);
	memcpy(body, rec, 52);
	strcpy(h, "pax_global_header");
	memcpy(h + 100, "0000666", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf(h + 124, 12, "%011o", 52);
	snprintf(h + 136, 12, "%011o", 1700000000);
	h[156] = 'g';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	buf_append(out, h, 512);
	buf_append(out, body, 512);
}

/* gzip (zlib, one member) of n bytes at p; caller frees. */
static void *gzip_bytes(const void *p, size_t n, size_t *len)
{
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, n) + 64;
	unsigned char *out = xmalloc(cap);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* A .tar.gz of v[0..n) with git's global header first; caller frees. */
static void *make_tgz(const struct ent *v, size_t n, size_t *len)
{
	struct buf tar = {0};
	write_global_header(&tar);
	write_tar(v, n, &tar);
	void *z = gzip_bytes(tar.p, tar.len, len);
	buf_free(&tar);
	return z;
}

/* A temporary directory, with dest (empty) inside it. */
struct tmp {
	char base[128];
	char dest[160];
};

static int setup(void **state)
{
	struct tmp *t = xcalloc(1, sizeof(*t));
	const char *td = getenv("TMPDIR");
	snprintf(t->base, sizeof(t->base), "%s/omg-snap-XXXXXX", td && *td ? td : "/tmp");
	if (!mkdtemp(t->base))
		return -1;
	snprintf(t->dest, sizeof(t->dest), "%s/dest", t->base);
	if (mkdir(t->dest, 0700) < 0)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	int rc = aur_rmtree(t->base);
	free(t);
	return rc;
}

/* dir/name (static buffer). */
static const char *at(const char *dir, const char *name)
{
	static char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

/* How many entries dir has (. and .. aside). */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

/* The contents of path (static buffer), asserting it is a regular file. */
static const char *slurp(const char *path)
{
	static char s[4096];
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	ssize_t n = read(fd, s, sizeof(s) - 1);
	close(fd);
	assert_true(n >= 0);
	s[n] = '\0';
	return s;
}

static const struct ent good[] = {
	{.path = "zapp/", .type = AE_IFDIR},
	{.path = "zapp/.SRCINFO", .data = "pkgbase = zapp\n"},
	{.path = "zapp/PKGBUILD", .data = "pkgname=zapp\npkgver=1.4.2\n"},
	{.path = "zapp/zapp.install", .data = "post_install() { :; }\n"},
	{.path = "zapp/patches/", .type = AE_IFDIR},
	{.path = "zapp/patches/fix.patch", .data = "--- a\n+++ b\n"},
	{.path = "zapp/tools/gen.sh", .perm = 0755, .data = "#!/bin/sh\necho hi\n"},
	{.path = "zapp/patches/current.patch", .type = AE_IFLNK, .link = "fix.patch"},
	{.path = "zapp/tools/up", .type = AE_IFLNK, .link = "../PKGBUILD"},
	{.path = "zapp/suid", .perm = 04755, .data = "x"},
	{.path = "zapp/sgid-dir/", .type = AE_IFDIR, .perm = 02775},
};

static void test_good(void **state)
{
	struct tmp *t = *state;
	size_t len;
	void *z = make_tgz(good, sizeof(good) / sizeof(good[0]), &len);
	char err[256] = "";
	assert_int_equal(aur_snapshot_check(z, len, "zapp", NULL, err, sizeof(err)), 0);
	if (aur_snapshot_unpack(z, len, "zapp", t->dest, NULL, err, sizeof(err)) != 0)
		fail_msg("good archive refused: %s", err);
	free(z);

	assert_string_equal(slurp(at(t->dest, "PKGBUILD")), "pkgname=zapp\npkgver=1.4.2\n");
	assert_string_equal(slurp(at(t->dest, ".SRCINFO")), "pkgbase = zapp\n");
	assert_string_equal(slurp(at(t->dest, "patches/fix.patch")), "--- a\n+++ b\n");
	assert_string_equal(slurp(at(t->dest, "tools/gen.sh")), "#!/bin/sh\necho hi\n");
	/* The top directory is stripped; nothing of the global header shows. */
	assert_int_equal(count_entries(t->dest), 7);
	assert_int_equal(access(at(t->dest, "zapp"), F_OK), -1);
	assert_int_equal(access(at(t->dest, "pax_global_header"), F_OK), -1);

	struct stat st;
	assert_int_equal(lstat(at(t->dest, "tools/gen.sh"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lstat(at(t->dest, "PKGBUILD"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* setuid and setgid are stripped, not refused */
	assert_int_equal(lstat(at(t->dest, "suid"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lstat(at(t->dest, "sgid-dir"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(lstat(at(t->dest, "tools"), &st), 0); /* implied by its file */
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);

	char lnk[64] = "";
	assert_int_equal(lstat(at(t->dest, "patches/current.patch"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(readlink(at(t->dest, "patches/current.patch"), lnk, sizeof(lnk) - 1), 9);
	assert_string_equal(lnk, "fix.patch");
	memset(lnk, 0, sizeof(lnk));
	assert_int_equal(readlink(at(t->dest, "tools/up"), lnk, sizeof(lnk) - 1), 11);
	assert_string_equal(lnk, "../PKGBUILD");
	assert_int_equal(stat(at(t->dest, "tools/up"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

/* An archive that must be refused: by check and by unpack, -1 with one line
 * naming what (needle), and dest left empty. */
static void refused(struct tmp *t, const void *z, size_t len, const struct aur_snapshot_limits *lim,
		    const char *needle)
{
	char err[256] = "";
	assert_int_equal(aur_snapshot_check(z, len, "zapp", lim, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("check: \"%s\" does not name \"%s\"", err, needle);
	err[0] = '\0';
	assert_int_equal(aur_snapshot_unpack(z, len, "zapp", t->dest, lim, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("unpack: \"%s\" does not name \"%s\"", err, needle);
	assert_null(strchr(err, '\n'));
	assert_int_equal(count_entries(t->dest), 0);
}

/* The good entries followed by x: refused for x. */
static void refused_with(struct tmp *t, struct ent x, const struct aur_snapshot_limits *lim,
			 const char *needle)
{
	struct ent v[16];
	size_t n = sizeof(good) / sizeof(good[0]);
	memcpy(v, good, sizeof(good));
	v[n++] = x;
	size_t len;
	void *z = make_tgz(v, n, &len);
	refused(t, z, len, lim, needle);
	free(z);
}

static void test_absolute(void **state)
{
	refused_with(*state, (struct ent){.path = "/zapp/evil", .data = "x"}, NULL,
		     "\"/zapp/evil\" is an absolute path");
}

static void test_dotdot(void **state)
{
	refused_with(*state, (struct ent){.path = "zapp/../evil", .data = "x"}, NULL,
		     "\"zapp/../evil\" has a \"..\" component");
	refused_with(*state, (struct ent){.path = "zapp/sub/../../evil", .data = "x"}, NULL,
		     "\"zapp/sub/../../evil\" has a \"..\"");
}

static void test_outside_base(void **state)
{
	refused_with(*state, (struct ent){.path = "other/PKGBUILD", .data = "x"}, NULL,
		     "\"other/PKGBUILD\" is outside zapp/");
	refused_with(*state, (struct ent){.path = "README", .data = "x"}, NULL,
		     "\"README\" is outside zapp/");
	/* a prefix of the name is not the name */
	refused_with(*state, (struct ent){.path = "zapp2/x", .data = "x"}, NULL,
		     "\"zapp2/x\" is outside zapp/");
}

static void test_wrong_top(void **state)
{
	struct tmp *t = *state;
	struct ent v[sizeof(good) / sizeof(good[0])];
	memcpy(v, good, sizeof(good));
	char paths[sizeof(good) / sizeof(good[0])][64];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(paths[i], sizeof(paths[i]), "zap%s", good[i].path + 4);
		v[i].path = paths[i];
	}
	size_t len;
	void *z = make_tgz(v, sizeof(good) / sizeof(good[0]), &len);
	refused(t, z, len, NULL, "\"zap/\" is outside zapp/");
	free(z);
}

static void test_symlink_absolute(void **state)
{
	refused_with(*state,
		     (struct ent){.path = "zapp/passwd", .type = AE_IFLNK, .link = "/etc/passwd"},
		     NULL, "\"zapp/passwd\" is a symlink to /etc/passwd, outside zapp/");
}

static void test_symlink_climbs(void **state)
{
	refused_with(*state, (struct ent){.path = "zapp/x", .type = AE_IFLNK, .link = "../../x"},
		     NULL, "\"zapp/x\" is a symlink to ../../x");
	refused_with(*state, (struct ent){.path = "zapp/x", .type = AE_IFLNK, .link = "../x"},
		     NULL, "\"zapp/x\" is a symlink to ../x");
	/* one level down, two up */
	refused_with(*state,
		     (struct ent){.path = "zapp/tools/x", .type = AE_IFLNK, .link = "../../x"},
		     NULL, "\"zapp/tools/x\" is a symlink");
	/* up after a name: could climb through another link of the tree */
	refused_with(*state,
		     (struct ent){.path = "zapp/x", .type = AE_IFLNK, .link = "tools/up/../.."},
		     NULL, "\"zapp/x\" is a symlink");
}

static void test_below_symlink(void **state)
{
	struct tmp *t = *state;
	/* a link inside the tree, then a file written "through" it */
	const struct ent v[] = {
		{.path = "zapp/PKGBUILD", .data = "x"},
		{.path = "zapp/d", .type = AE_IFLNK, .link = "."},
		{.path = "zapp/d/PKGBUILD2", .data = "x"},
	};
	size_t len;
	void *z = make_tgz(v, 3, &len);
	refused(t, z, len, NULL, "\"zapp/d/PKGBUILD2\" is below a symlink");
	free(z);
}

static void test_twice(void **state)
{
	refused_with(*state, (struct ent){.path = "zapp/PKGBUILD", .data = "second"}, NULL,
		     "\"zapp/PKGBUILD\" appears twice");
	refused_with(*state, (struct ent){.path = "zapp/PKGBUILD", .type = AE_IFDIR}, NULL,
		     "\"zapp/PKGBUILD/\" appears twice");
}

static void test_hard_link(void **state)
{
	refused_with(*state, (struct ent){.path = "zapp/hl", .hardlink = "zapp/PKGBUILD"}, NULL,
		     "\"zapp/hl\" is a hard link");
}

static void test_device(void **state)
{
	refused_with(*state, (struct ent){.path = "zapp/null", .type = AE_IFCHR}, NULL,
		     "\"zapp/null\" is a device");
}

static void test_fifo(void **state)
{
	refused_with(*state, (struct ent){.path = "zapp/pipe", .type = AE_IFIFO}, NULL,
		     "\"zapp/pipe\" is a FIFO");
}

static void test_control_name(void **state)
{
	refused_with(*state, (struct ent){.path = "zapp/a\nb", .data = "x"}, NULL,
		     "\"zapp/a?b\" has a control character");
}

static void test_caps(void **state)
{
	struct aur_snapshot_limits lim = {.max_file = 1000};
	refused_with(*state, (struct ent){.path = "zapp/big", .size = 1001}, &lim,
		     "\"zapp/big\" is over the cap of 1000 bytes for one file");
	lim = (struct aur_snapshot_limits){.max_total = 3000};
	struct ent v[] = {
		{.path = "zapp/a", .size = 1400},
		{.path = "zapp/b", .size = 1400},
		{.path = "zapp/c", .size = 1400},
	};
	size_t len;
	void *z = make_tgz(v, 3, &len);
	refused(*state, z, len, &lim, "\"zapp/c\" passes the cap of 3000 bytes in all");
	free(z);
	/* exactly at the caps is fine */
	lim = (struct aur_snapshot_limits){.max_total = 4200, .max_file = 1400, .max_entries = 3};
	char err[256];
	z = make_tgz(v, 3, &len);
	assert_int_equal(aur_snapshot_check(z, len, "zapp", &lim, err, sizeof(err)), 0);
	lim.max_entries = 2;
	refused(*state, z, len, &lim, "\"zapp/c\" is over the cap of 2 entries");
	free(z);
	/* the default cap of entries: 4096 */
	size_t n = 4097;
	struct ent *many = xcalloc(n, sizeof(*many));
	char (*names)[32] = xcalloc(n, sizeof(*names));
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "zapp/f%zu", i);
		many[i] = (struct ent){.path = names[i], .data = ""};
	}
	z = make_tgz(many, n, &len);
	refused(*state, z, len, NULL, "\"zapp/f4096\" is over the cap of 4096 entries");
	free(z);
	z = make_tgz(many, n - 1, &len);
	assert_int_equal(aur_snapshot_check(z, len, "zapp", NULL, err, sizeof(err)), 0);
	free(z);
	free(many);
	free(names);
}

static void test_damaged(void **state)
{
	struct tmp *t = *state;
	size_t len;
	unsigned char *z = make_tgz(good, sizeof(good) / sizeof(good[0]), &len);
	/* cut anywhere: the gzip stream ends early */
	for (size_t cut = 0; cut < len; cut += len / 7 + 1)
		refused(t, z, cut, NULL, "snapshot of zapp: ");
	refused(t, z, len - 4, NULL, "");
	/* the gzip trailer's CRC (libarchive does not check it) */
	z[len - 8] ^= 1;
	refused(t, z, len, NULL, "snapshot of zapp: damaged gzip data");
	z[len - 8] ^= 1;
	/* a flipped byte in the deflate data */
	z[len / 2] ^= 0x55;
	refused(t, z, len, NULL, "");
	free(z);
	/* garbage, and gzip'd garbage */
	unsigned char junk[3000];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7 + 3);
	refused(t, junk, sizeof(junk), NULL, "snapshot of zapp: not gzip-compressed");
	z = gzip_bytes(junk, sizeof(junk), &len);
	refused(t, z, len, NULL, "not a gzip'd tar");
	free(z);
	/* an empty tar */
	char zeros[1024] = {0};
	z = gzip_bytes(zeros, sizeof(zeros), &len);
	refused(t, z, len, NULL, "the archive is empty");
	free(z);
	/* a tar that is not gzip'd */
	struct buf tar = {0};
	write_tar(good, sizeof(good) / sizeof(good[0]), &tar);
	refused(t, tar.p, tar.len, NULL, "not gzip-compressed");
	buf_free(&tar);
}

/* The gzip stream: members may follow one another; what comes out is bounded by the caps
 * (zeros past the tar's end, which libarchive would skip, stop there too). */
static void test_gzip_stream(void **state)
{
	struct tmp *t = *state;
	struct buf tar = {0}, two = {0};
	write_global_header(&tar);
	write_tar(good, sizeof(good) / sizeof(good[0]), &tar);
	size_t half = tar.len / 1024 * 512, n1, n2;
	void *z1 = gzip_bytes(tar.p, half, &n1), *z2 = gzip_bytes(tar.p + half, tar.len - half, &n2);
	buf_append(&two, z1, n1);
	buf_append(&two, z2, n2);
	char err[256] = "";
	if (aur_snapshot_unpack(two.p, two.len, "zapp", t->dest, NULL, err, sizeof(err)) != 0)
		fail_msg("two members refused: %s", err);
	assert_int_equal(count_entries(t->dest), 7);
	assert_int_equal(aur_rmtree(t->dest), 0);
	assert_int_equal(mkdir(t->dest, 0700), 0);
	/* something after the last member that is not one */
	buf_append(&two, "junk", 4);
	refused(t, two.p, two.len, NULL, "snapshot of zapp: damaged gzip data");
	free(z1);
	free(z2);

	struct aur_snapshot_limits lim = {.max_total = 1 << 20, .max_entries = 16};
	size_t pad = (size_t)3 << 20, len; /* over 1 MiB + 16 x 16 KiB + 1 MiB */
	char *big = xcalloc(1, tar.len + pad);
	memcpy(big, tar.p, tar.len);
	void *z = gzip_bytes(big, tar.len + pad, &len);
	refused(t, z, len, &lim, "snapshot of zapp: more gzip data than the caps allow");
	free(z);
	z = gzip_bytes(big, tar.len + pad / 2, &len);
	assert_int_equal(aur_snapshot_check(z, len, "zapp", &lim, err, sizeof(err)), 0);
	free(z);
	free(big);
	buf_free(&tar);
	buf_free(&two);
}

/* A failure while writing (here: the file size limit) removes what was written. */
static void test_write_failure_cleans_up(void **state)
{
	struct tmp *t = *state;
	struct ent v[] = {
		{.path = "zapp/PKGBUILD", .data = "x"},
		{.path = "zapp/sub/a", .data = "x"},
		{.path = "zapp/big", .size = 200000},
	};
	size_t len;
	void *z = make_tgz(v, 3, &len);
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 100000;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	char err[256] = "";
	int rc = aur_snapshot_unpack(z, len, "zapp", t->dest, NULL, err, sizeof(err));
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, was);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "\"zapp/big\" cannot be written"));
	assert_int_equal(count_entries(t->dest), 0);
	free(z);
}

static void test_dest_must_be_empty(void **state)
{
	struct tmp *t = *state;
	assert_int_equal(fd_replace_buf(at(t->dest, "mine"), 0644, "keep", 4), 0);
	size_t len;
	void *z = make_tgz(good, sizeof(good) / sizeof(good[0]), &len);
	char err[256] = "";
	assert_int_equal(aur_snapshot_unpack(z, len, "zapp", t->dest, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not empty"));
	assert_string_equal(slurp(at(t->dest, "mine")), "keep");
	assert_int_equal(count_entries(t->dest), 1);
	/* and a bad base name is refused before anything */
	assert_int_equal(aur_snapshot_check(z, len, "../zapp", NULL, err, sizeof(err)), -1);
	assert_int_equal(aur_snapshot_check(z, len, "", NULL, err, sizeof(err)), -1);
	free(z);
}

static void test_rmtree(void **state)
{
	struct tmp *t = *state;
	char outside[200], tree[200];
	snprintf(outside, sizeof(outside), "%s/outside", t->base);
	snprintf(tree, sizeof(tree), "%s/tree", t->base);
	assert_int_equal(mkdir(outside, 0700), 0);
	assert_int_equal(fd_replace_buf(at(outside, "precious"), 0644, "p", 1), 0);
	assert_int_equal(mkdir(tree, 0700), 0);
	assert_int_equal(mkdir(at(tree, "locked"), 0700), 0);
	assert_int_equal(fd_replace_buf(at(tree, "locked/f"), 0644, "f", 1), 0);
	assert_int_equal(chmod(at(tree, "locked"), 0500), 0);
	assert_int_equal(symlink(outside, at(tree, "to-outside")), 0);
	assert_int_equal(symlink("/", at(tree, "to-root")), 0);
	assert_int_equal(mkfifo(at(tree, "fifo"), 0600), 0);
	assert_int_equal(aur_rmtree(tree), 0);
	assert_int_equal(access(tree, F_OK), -1);
	assert_string_equal(slurp(at(outside, "precious")), "p");
	/* a link given as the tree: the link goes, not what it names */
	assert_int_equal(symlink(outside, tree), 0);
	assert_int_equal(aur_rmtree(tree), 0);
	assert_string_equal(slurp(at(outside, "precious")), "p");
	errno = 0;
	assert_int_equal(aur_rmtree(tree), -1);
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotdot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_top, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_climbs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_below_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hard_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gzip_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_cleans_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dest_must_be_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rmtree, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
