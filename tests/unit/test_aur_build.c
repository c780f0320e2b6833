/* SPDX-License-Identifier: MIT */
/* Unit tests for AUR builds: the build user's refusals, the privilege drop, giving a tree away
 * without following links, and a real makepkg run of a tiny PKGBUILD as the build user (nobody
 * when the tests run as root), its failure, a cancel, and root refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <pwd.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/aur/build.h"

/* ---- scaffolding ---- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A fresh temp dir the build user can traverse (mkdtemp makes it 0700). */
static void make_tmp(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/omg-aurbuild-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
}

static void remove_tmp(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

/* The whole of a small file, NUL-terminated, into buf. */
static void read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
}

static void sha256_hex(const char *text, char out[65])
{
	unsigned char md[32];
	unsigned mdlen = 0;
	assert_int_equal(EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(), NULL), 1);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* The user the builds run as: nobody for root (makepkg refuses root), else the caller. */
static struct aur_user builder(void)
{
	struct aur_user u;
	char err[512];
	int rc = geteuid() == 0 ? aur_user_resolve("nobody", 0, &u, err, sizeof(err)) :
				  aur_user_resolve("", getuid(), &u, err, sizeof(err));
	if (rc != 0)
		fail_msg("no build user: %s", err);
	assert_true(u.uid != 0);
	return u;
}

/* The contents of the entry name in the package file pkg, read with libarchive. */
static void package_entry(const char *pkg, const char *name, char *out, size_t len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int found = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	assert_int_equal(archive_read_open_filename(a, pkg, 16384), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(e), name) != 0)
			continue;
		la_ssize_t n = archive_read_data(a, out, len - 1);
		assert_true(n >= 0);
		out[n] = '\0';
		found = 1;
		break;
	}
	archive_read_free(a);
	if (!found)
		fail_msg("%s has no %s", pkg, name);
}

/* A package directory: PKGBUILD with body (build() and package()), and hello.txt
 * as its checksummed source; given to u. */
static void make_pkgdir(const char *dir, const char *pkgname, const char *body,
			const struct aur_user *u)
{
	char path[512], sum[65], pkgbuild[4096], err[512];
	static const char hello[] = "hello from omg\n";

	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/hello.txt", dir);
	write_file(path, hello, 0644);
	sha256_hex(hello, sum);
	snprintf(pkgbuild, sizeof(pkgbuild),
		 "pkgname=%s\npkgver=1.0\npkgrel=1\npkgdesc='omg unit test'\narch=('any')\n"
		 "license=('MIT')\nsource=('hello.txt')\nsha256sums=('%s')\n%s",
		 pkgname, sum, body);
	snprintf(path, sizeof(path), "%s/PKGBUILD", dir);
	write_file(path, pkgbuild, 0644);
	if (aur_give_dir(u, dir, err, sizeof(err)) != 0)
		fail_msg("give %s: %s", dir, err);
}

/* A build's paths under a fresh temp dir: the package dir TMP/NAME (made by
 * make_pkgdir), the packages' TMP/out and the log TMP/NAME/omg.log. */
struct job {
	char tmp[64], dir[128], out[128], log[160];
};

static void job_paths(struct job *j, const char *name)
{
	make_tmp(j->tmp, sizeof(j->tmp));
	snprintf(j->dir, sizeof(j->dir), "%s/%s", j->tmp, name);
	snprintf(j->out, sizeof(j->out), "%s/out", j->tmp);
	snprintf(j->log, sizeof(j->log), "%s/omg.log", j->dir);
}

/* ---- the build user ---- */

/* Root, unknown users and the default without omg-build are refused with the fix. */
static void test_user_refusals(void **state)
{
	(void)state;
	struct aur_user u;
	char err[512];

	assert_int_equal(aur_user_resolve("root", 1000, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "build user 'root' is root"));
	assert_null(strchr(err, '\n'));

	assert_int_equal(aur_user_resolve("omg-no-such-user", 0, &u, err, sizeof(err)), -1);
	assert_string_equal(err, "build user 'omg-no-such-user' does not exist: create it with "
				 "useradd --system --home-dir /var/cache/omg/aur --shell "
				 "/usr/sbin/nologin omg-no-such-user");

	/* Root's default is omg-build. */
	int rc = aur_user_resolve("", 0, &u, err, sizeof(err));
	if (getpwnam(AUR_DEFAULT_BUILD_USER)) {
		assert_int_equal(rc, 0);
		assert_string_equal(u.name, AUR_DEFAULT_BUILD_USER);
	} else {
		assert_int_equal(rc, -1);
		assert_string_equal(err, "build user 'omg-build' does not exist: create it with "
					 "useradd --system --home-dir /var/cache/omg/aur --shell "
					 "/usr/sbin/nologin omg-build");
	}

	/* A caller with no passwd entry has no name to build as. */
	assert_int_equal(aur_user_resolve("", 3999999, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "uid 3999999"));
}

/* nobody passes (nologin); an unset build user for a non-root caller is the caller. */
static void test_user_accepted(void **state)
{
	(void)state;
	struct passwd *nb = getpwnam("nobody");
	struct aur_user u;
	char err[512];

	assert_non_null(nb);
	uid_t nuid = nb->pw_uid;
	gid_t ngid = nb->pw_gid;
	if (aur_user_resolve("nobody", 0, &u, err, sizeof(err)) != 0)
		fail_msg("nobody refused: %s", err);
	assert_int_equal(u.uid, nuid);
	assert_int_equal(u.gid, ngid);
	assert_string_equal(u.name, "nobody");

	memset(&u, 0, sizeof(u));
	if (aur_user_resolve(NULL, nuid, &u, err, sizeof(err)) != 0)
		fail_msg("caller nobody refused: %s", err);
	assert_string_equal(u.name, "nobody");
}

/* The sudo rule: a login shell and sudo or wheel. */
static void test_admin_rule(void **state)
{
	(void)state;
	const char *wheel[] = { "users", "wheel" }, *sudo[] = { "sudo" }, *plain[] = { "users" };

	assert_true(aur_user_is_admin("/bin/bash", wheel, 2));
	assert_true(aur_user_is_admin("/usr/bin/zsh", sudo, 1));
	assert_true(aur_user_is_admin("", sudo, 1)); /* "" is /bin/sh */
	assert_false(aur_user_is_admin("/bin/bash", plain, 1));
	assert_false(aur_user_is_admin("/bin/bash", NULL, 0));
	assert_false(aur_user_is_admin("/usr/sbin/nologin", sudo, 1));
	assert_false(aur_user_is_admin("/sbin/nologin", wheel, 2));
	assert_false(aur_user_is_admin("/bin/false", wheel, 2));
	assert_false(aur_user_is_admin("/usr/bin/false", sudo, 1));
	assert_true(aur_user_is_admin("/bin/falsehood", sudo, 1));

	/* And through aur_user_resolve, for every such user this machine has. */
	struct passwd *pw;
	setpwent();
	while ((pw = getpwent())) {
		if (pw->pw_uid == 0)
			continue;
		const char *shell = pw->pw_shell ? pw->pw_shell : "";
		int admin = 0;
		for (const char *const *g = (const char *const[]){ "sudo", "wheel", NULL }; *g; g++) {
			struct group *gr = getgrnam(*g);
			if (!gr)
				continue;
			admin |= pw->pw_gid == gr->gr_gid;
			for (char **m = gr->gr_mem; *m; m++)
				admin |= strcmp(*m, pw->pw_name) == 0;
		}
		const char *gname[] = { "sudo" };
		if (!admin || !aur_user_is_admin(shell, gname, 1))
			continue;
		char name[256], err[512];
		struct aur_user u;
		snprintf(name, sizeof(name), "%s", pw->pw_name);
		assert_int_equal(aur_user_resolve(name, 0, &u, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "can become root"));
	}
	endpwent();
}

/* ---- aur_run_as ---- */

struct ids {
	uid_t uid;
	gid_t gid;
	const char *secret; /* a root-only file, or NULL */
};

/* Runs as the build user: checks who it is, that root is gone, and that a
 * root-only file is out of reach. */
static int check_ids(void *arg, char *err, size_t errlen)
{
	const struct ids *want = arg;

	if (getuid() != want->uid || geteuid() != want->uid || getgid() != want->gid) {
		snprintf(err, errlen, "ran as %u/%u gid %u", (unsigned)getuid(),
			 (unsigned)geteuid(), (unsigned)getgid());
		return -1;
	}
	if (want->secret) {
		if (setuid(0) == 0) {
			snprintf(err, errlen, "setuid(0) worked");
			return -1;
		}
		int fd = open(want->secret, O_RDONLY);
		if (fd >= 0 || errno != EACCES) {
			snprintf(err, errlen, "root's file: fd %d errno %d", fd, errno);
			return -1;
		}
	}
	return 0;
}

static int say_no(void *arg, char *err, size_t errlen)
{
	(void)arg;
	snprintf(err, errlen, "nope from uid %u", (unsigned)getuid());
	return -1;
}

static void test_run_as(void **state)
{
	(void)state;
	struct aur_user u = builder();
	char tmp[64], secret[128], err[512], want[64];

	make_tmp(tmp, sizeof(tmp));
	snprintf(secret, sizeof(secret), "%s/secret", tmp);
	write_file(secret, "root only\n", 0600);
	struct ids ids = { u.uid, u.gid, geteuid() == 0 ? secret : NULL };
	uid_t before = geteuid();

	if (aur_run_as(&u, check_ids, &ids, err, sizeof(err)) != 0)
		fail_msg("run_as: %s", err);
	/* Only the child changed. */
	assert_int_equal(geteuid(), before);

	assert_int_equal(aur_run_as(&u, say_no, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "nope from uid %u", (unsigned)u.uid);
	assert_string_equal(err, want);
	remove_tmp(tmp);
}

/* ---- aur_give_dir ---- */

static void assert_owner(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	if (st.st_uid != uid || st.st_gid != gid)
		fail_msg("%s is %u:%u, want %u:%u", path, (unsigned)st.st_uid,
			 (unsigned)st.st_gid, (unsigned)uid, (unsigned)gid);
}

/* Everything inside becomes u's, links themselves and not what they point at; a
 * missing directory is made 0755; a file with another hard link is refused. */
static void test_give_dir(void **state)
{
	(void)state;
	struct aur_user u = builder();
	char tmp[64], p[256], secret[256], err[512];
	struct stat st;

	make_tmp(tmp, sizeof(tmp));
	snprintf(secret, sizeof(secret), "%s/secret", tmp);
	write_file(secret, "root only\n", 0600);
	uid_t me = geteuid();
	gid_t mygid = getegid();

	snprintf(p, sizeof(p), "%s/d", tmp);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/d/sub", tmp);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/d/sub/file", tmp);
	write_file(p, "x\n", 0644);
	snprintf(p, sizeof(p), "%s/d/link", tmp);
	assert_int_equal(symlink(secret, p), 0);
	snprintf(p, sizeof(p), "%s/d/dirlink", tmp);
	assert_int_equal(symlink(tmp, p), 0);

	snprintf(p, sizeof(p), "%s/d", tmp);
	if (aur_give_dir(&u, p, err, sizeof(err)) != 0)
		fail_msg("give: %s", err);
	assert_owner(p, u.uid, u.gid);
	snprintf(p, sizeof(p), "%s/d/sub", tmp);
	assert_owner(p, u.uid, u.gid);
	snprintf(p, sizeof(p), "%s/d/sub/file", tmp);
	assert_owner(p, u.uid, u.gid);
	snprintf(p, sizeof(p), "%s/d/link", tmp);
	assert_owner(p, u.uid, u.gid);
	snprintf(p, sizeof(p), "%s/d/dirlink", tmp);
	assert_owner(p, u.uid, u.gid);
	assert_owner(secret, me, mygid);
	assert_owner(tmp, me, mygid);

	snprintf(p, sizeof(p), "%s/new", tmp);
	if (aur_give_dir(&u, p, err, sizeof(err)) != 0)
		fail_msg("give new: %s", err);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_owner(p, u.uid, u.gid);

	/* A symlink is not a directory to give. */
	snprintf(p, sizeof(p), "%s/d/dirlink", tmp);
	assert_int_equal(aur_give_dir(&u, p, err, sizeof(err)), -1);

	if (me == 0) {
		snprintf(p, sizeof(p), "%s/h", tmp);
		assert_int_equal(mkdir(p, 0755), 0);
		snprintf(p, sizeof(p), "%s/h/hard", tmp);
		assert_int_equal(link(secret, p), 0);
		snprintf(p, sizeof(p), "%s/h", tmp);
		assert_int_equal(aur_give_dir(&u, p, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "other hard links"));
		assert_owner(secret, 0, mygid);
	}
	remove_tmp(tmp);
}

/* ---- makepkg ---- */

/* A real build: the package exists and is the build user's, the log too, and
 * makepkg's build() ran as the build user (it wrote `id -u` into the package)
 * without the caller's descriptors. */
static void test_makepkg_builds(void **state)
{
	(void)state;
	struct aur_user u = builder();
	struct job j;
	char logs[128], err[1024], text[256], want[32];
	char **files = NULL;
	struct stat st;

	job_paths(&j, "omgtest");
	/* The log in a directory of its own, the build user's. */
	snprintf(logs, sizeof(logs), "%s/logs", j.tmp);
	snprintf(j.log, sizeof(j.log), "%s/build.log", logs);
	make_pkgdir(j.dir, "omgtest",
		    "build() {\n\t{ id -u; if [ -e /proc/$$/fd/42 ]; then echo fd 42 leaked; fi; }"
		    " > \"$srcdir/uid\"\n}\n"
		    "package() {\n"
		    "\tinstall -Dm644 \"$srcdir/hello.txt\" \"$pkgdir/usr/share/omgtest/hello.txt\"\n"
		    "\tinstall -Dm644 \"$srcdir/uid\" \"$pkgdir/usr/share/omgtest/uid\"\n}\n",
		    &u);
	assert_int_equal(aur_give_dir(&u, logs, err, sizeof(err)), 0);

	/* An engine descriptor opened without close-on-exec must not reach the build. */
	int leak = open("/dev/null", O_RDONLY);
	assert_int_equal(dup2(leak, 42), 42);
	close(leak);

	struct aur_build_opts o = { .dir = j.dir, .out_dir = j.out, .log = j.log, .nodeps = 1 };
	int rc = aur_makepkg(&u, &o, &files, err, sizeof(err));
	close(42);
	if (rc != 0) {
		char tail[4096] = "";
		if (access(j.log, R_OK) == 0)
			read_text(j.log, tail, sizeof(tail));
		fail_msg("makepkg: %s\n%s", err, tail);
	}
	assert_non_null(files);
	assert_non_null(files[0]);
	assert_null(files[1]);
	assert_true(strncmp(files[0], j.out, strlen(j.out)) == 0);
	assert_non_null(strstr(files[0], "/omgtest-1.0-1-any.pkg.tar"));
	assert_int_equal(stat(files[0], &st), 0);
	assert_int_equal(st.st_uid, u.uid);
	assert_int_equal(stat(j.log, &st), 0);
	assert_int_equal(st.st_uid, u.uid);
	assert_true(st.st_size > 0);

	package_entry(files[0], "usr/share/omgtest/hello.txt", text, sizeof(text));
	assert_string_equal(text, "hello from omg\n");
	package_entry(files[0], "usr/share/omgtest/uid", text, sizeof(text));
	snprintf(want, sizeof(want), "%u\n", (unsigned)u.uid);
	assert_string_equal(text, want);
	fprintf(stderr, "  makepkg's build() ran as uid %s", text);

	aur_strv_free(files);
	remove_tmp(j.tmp);
}

/* A failing build: -1 with the log's path, and the build's output in the log. */
static void test_makepkg_fails(void **state)
{
	(void)state;
	struct aur_user u = builder();
	struct job j;
	char err[1024], text[8192], want[256];
	char **files = NULL;

	job_paths(&j, "broken");
	make_pkgdir(j.dir, "broken",
		    "build() {\n\techo 'the compiler said boom' >&2\n\texit 3\n}\n"
		    "package() {\n\ttrue\n}\n", &u);

	struct aur_build_opts o = { .dir = j.dir, .out_dir = j.out, .log = j.log, .nodeps = 1 };
	assert_int_equal(aur_makepkg(&u, &o, &files, err, sizeof(err)), -1);
	assert_null(files);
	snprintf(want, sizeof(want), "): see %s", j.log);
	assert_true(strncmp(err, "makepkg failed (exit ", 21) == 0);
	assert_non_null(strstr(err, want));
	read_text(j.log, text, sizeof(text));
	assert_non_null(strstr(text, "the compiler said boom"));
	remove_tmp(j.tmp);
}

/* uid 0 is refused before anything runs: no log, no out dir. */
static void test_makepkg_root_refused(void **state)
{
	(void)state;
	struct aur_user root = { .uid = 0, .gid = 0, .name = "root" };
	char tmp[64], out[128], log[160], err[512];
	char **files = NULL;

	make_tmp(tmp, sizeof(tmp));
	snprintf(out, sizeof(out), "%s/out", tmp);
	snprintf(log, sizeof(log), "%s/log", tmp);
	struct aur_build_opts o = { .dir = tmp, .out_dir = out, .log = log };
	assert_int_equal(aur_makepkg(&root, &o, &files, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "must not run as root"));
	assert_int_equal(access(log, F_OK), -1);
	assert_int_equal(access(out, F_OK), -1);
	remove_tmp(tmp);
}

struct canceller {
	const char *pidfile;
	int *flag;
};

/* Sets the cancel flag once the build has started its long sleep. */
static void *cancel_when_started(void *arg)
{
	struct canceller *c = arg;
	for (int i = 0; i < 600 && access(c->pidfile, F_OK) != 0; i++)
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	__atomic_store_n(c->flag, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Whether pid is gone (or a zombie nobody reaped yet). */
static int process_gone(pid_t pid)
{
	char path[64], stat[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	ssize_t n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	stat[n] = '\0';
	const char *s = strrchr(stat, ')');
	return s && s[1] == ' ' && s[2] == 'Z';
}

/* A cancel kills the build, its children included, and says so. */
static void test_makepkg_cancel(void **state)
{
	(void)state;
	struct aur_user u = builder();
	struct job j;
	char pidfile[160], err[1024], text[64];
	char **files = NULL;
	int flag = 0;
	pthread_t th;

	job_paths(&j, "slow");
	snprintf(pidfile, sizeof(pidfile), "%s/sleeper.pid", j.dir);
	make_pkgdir(j.dir, "slow",
		    "build() {\n\tsleep 60 &\n\techo $! > \"$startdir/sleeper.tmp\"\n"
		    "\tmv \"$startdir/sleeper.tmp\" \"$startdir/sleeper.pid\"\n\twait\n}\n"
		    "package() {\n\ttrue\n}\n", &u);

	struct canceller c = { pidfile, &flag };
	assert_int_equal(pthread_create(&th, NULL, cancel_when_started, &c), 0);
	struct aur_build_opts o = { .dir = j.dir, .out_dir = j.out, .log = j.log, .nodeps = 1,
				    .cancel = &flag };
	time_t t0 = time(NULL);
	int rc = aur_makepkg(&u, &o, &files, err, sizeof(err));
	pthread_join(th, NULL);
	assert_int_equal(rc, -1);
	assert_null(files);
	assert_true(time(NULL) - t0 < 30);
	assert_non_null(strstr(err, "cancelled"));
	read_text(pidfile, text, sizeof(text));
	pid_t sleeper = (pid_t)atoi(text);
	assert_true(sleeper > 0);
	for (int i = 0; i < 100 && !process_gone(sleeper); i++)
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	assert_true(process_gone(sleeper));
	remove_tmp(j.tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_refusals),
		cmocka_unit_test(test_user_accepted),
		cmocka_unit_test(test_admin_rule),
		cmocka_unit_test(test_run_as),
		cmocka_unit_test(test_give_dir),
		cmocka_unit_test(test_makepkg_builds),
		cmocka_unit_test(test_makepkg_fails),
		cmocka_unit_test(test_makepkg_root_refused),
		cmocka_unit_test(test_makepkg_cancel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
