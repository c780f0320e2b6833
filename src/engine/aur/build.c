/* SPDX-License-Identifier: MIT */
/* The AUR build user, the privilege drop to it, and makepkg run as it in a clean environment. */
#include "engine/aur/build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fdio.h"
#include "util/xalloc.h"

/* What the refusals tell the admin to run (docs/aur.md). */
#define USERADD "useradd --system --home-dir /var/cache/omg/aur --shell /usr/sbin/nologin"
/* makepkg is looked up here, and its children get this PATH. */
#define CLEAN_PATH "/usr/local/bin:/usr/bin:/bin"
/* Deeper trees than this are not a build directory we made. */
#define GIVE_MAX_DEPTH 256

int aur_user_is_admin(const char *shell, const char *const *groups, size_t n)
{
	const char *base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	if (*shell && (strcmp(base, "nologin") == 0 || strcmp(base, "false") == 0))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(groups[i], "sudo") == 0 || strcmp(groups[i], "wheel") == 0)
			return 1;
	return 0;
}

/* The passwd entry of name (or of uid when name is NULL) into pw, its strings
 * in *mem (caller frees). 1 found, 0 not found, -1 with errno. */
static int lookup_user(const char *name, uid_t uid, struct passwd *pw, char **mem)
{
	size_t size = 16384;
	for (;;) {
		struct passwd *res = NULL;
		*mem = xmalloc(size);
		int rc = name ? getpwnam_r(name, pw, *mem, size, &res) :
				getpwuid_r(uid, pw, *mem, size, &res);
		if (rc == ERANGE && size < (1u << 20)) {
			free(*mem);
			size *= 2;
			continue;
		}
		if (res)
			return 1;
		/* Not found is 0 or one of these, depending on the NSS module. */
		if (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM)
			return 0;
		errno = rc;
		return -1;
	}
}

/* The supplementary groups of user (primary gid included) into *out (caller
 * frees); their count, or -1. */
static int user_groups(const char *user, gid_t gid, gid_t **out)
{
	int n = 32;
	for (;;) {
		int want = n;
		*out = xmalloc((size_t)n * sizeof(**out));
		if (getgrouplist(user, gid, *out, &want) >= 0)
			return want;
		free(*out);
		*out = NULL;
		if (want <= n || want > 65536)
			return -1;
		n = want;
	}
}

/* The name of group gid into out: 1, or 0 when it has none we can read. */
static int group_name(gid_t gid, char *out, size_t len)
{
	size_t size = 16384;
	for (;;) {
		struct group g, *res = NULL;
		char *mem = xmalloc(size);
		int rc = getgrgid_r(gid, &g, mem, size, &res);
		if (rc == ERANGE && size < (1u << 24)) {
			/* A big group (many members) must not go unseen: sudo may be one. */
			free(mem);
			size *= 2;
			continue;
		}
		if (res)
			snprintf(out, len, "%s", g.gr_name);
		free(mem);
		return res != NULL;
	}
}

/* Whether pw's shell and groups let it become root with sudo; the group's name into grp. */
static int user_is_admin(const struct passwd *pw, char *grp, size_t grplen)
{
	gid_t *gids;
	int n = user_groups(pw->pw_name, pw->pw_gid, &gids);
	int admin = 0;

	for (int i = 0; i < n && !admin; i++) {
		char name[256];
		const char *names[] = { name };
		if (!group_name(gids[i], name, sizeof(name)))
			continue;
		admin = aur_user_is_admin(pw->pw_shell ? pw->pw_shell : "", names, 1);
		if (admin)
			snprintf(grp, grplen, "%s", name);
	}
	free(gids);
	return admin;
}

int aur_user_resolve(const char *configured, uid_t caller_uid, struct aur_user *out, char *err,
		     size_t errlen)
{
	const char *name = configured && *configured ? configured : NULL;
	struct passwd pw;
	char *mem = NULL, grp[256];
	int rc = -1, found;

	if (!name && caller_uid == 0)
		name = AUR_DEFAULT_BUILD_USER;
	found = lookup_user(name, caller_uid, &pw, &mem);
	if (found < 0) {
		snprintf(err, errlen, "cannot look up build user '%s': %s", name ? name : "",
			 strerror(errno));
		goto out;
	}
	if (!found && !name) {
		snprintf(err, errlen, "uid %u has no user name to build as: set [aur] build_user",
			 (unsigned)caller_uid);
		goto out;
	}
	if (!found) {
		snprintf(err, errlen, "build user '%s' does not exist: create it with " USERADD " %s",
			 name, name);
		goto out;
	}
	if (pw.pw_uid == 0) {
		snprintf(err, errlen, "build user '%s' is root: makepkg must not run as root; "
			 "set [aur] build_user to an unprivileged user (" USERADD " %s)",
			 pw.pw_name, AUR_DEFAULT_BUILD_USER);
		goto out;
	}
	if (user_is_admin(&pw, grp, sizeof(grp))) {
		snprintf(err, errlen, "build user '%s' can become root (shell %s, group %s): "
			 "use a user without a login shell (" USERADD " %s)", pw.pw_name,
			 *pw.pw_shell ? pw.pw_shell : "/bin/sh", grp, AUR_DEFAULT_BUILD_USER);
		goto out;
	}
	if (strlen(pw.pw_name) >= sizeof(out->name)) {
		snprintf(err, errlen, "build user name '%s' is too long", pw.pw_name);
		goto out;
	}
	out->uid = pw.pw_uid;
	out->gid = pw.pw_gid;
	snprintf(out->name, sizeof(out->name), "%s", pw.pw_name);
	rc = 0;
out:
	free(mem);
	return rc;
}

/*
 * A privilege drop prepared before fork: after fork in a threaded engine the
 * child should not read /etc/group (NSS, locks), so the group list is made
 * here and the child only makes system calls.
 */
struct drop {
	const struct aur_user *u;
	gid_t *groups;
	int ngroups;
	int needed; /* the process is not u already */
};

static int drop_prepare(const struct aur_user *u, struct drop *d, char *err, size_t errlen)
{
	*d = (struct drop){ .u = u, .needed = geteuid() != u->uid };
	if (!d->needed)
		return 0;
	d->ngroups = user_groups(u->name, u->gid, &d->groups);
	if (d->ngroups < 0) {
		snprintf(err, errlen, "cannot list the groups of build user '%s'", u->name);
		return -1;
	}
	return 0;
}

static void drop_free(struct drop *d)
{
	free(d->groups);
	d->groups = NULL;
}

/* In the child: becomes d->u for good. 0, or -1 with err. */
static int drop_now(const struct drop *d, char *err, size_t errlen)
{
	const struct aur_user *u = d->u;
	const char *step = NULL;

	if (!d->needed)
		return 0;
	if (setgroups((size_t)d->ngroups, d->groups) < 0)
		step = "setgroups";
	else if (setgid(u->gid) < 0)
		step = "setgid";
	else if (setuid(u->uid) < 0)
		step = "setuid";
	if (step) {
		snprintf(err, errlen, "cannot become build user '%s': %s: %s", u->name, step,
			 strerror(errno));
		return -1;
	}
	/* setuid from root drops the saved uid too; prove it, as the cost of a
	 * mistake here is a build with root's powers. */
	if (setuid(0) == 0 || setgid(0) == 0 || getuid() != u->uid || geteuid() != u->uid ||
	    getgid() != u->gid || getegid() != u->gid) {
		snprintf(err, errlen, "build user '%s': root could be regained after the drop",
			 u->name);
		return -1;
	}
	return 0;
}

/* Reads what fd gives until EOF into b (at most max bytes kept). */
static void read_all(int fd, struct buf *b, size_t max)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		if (b->len < max)
			buf_append(b, chunk, (size_t)n < max - b->len ? (size_t)n : max - b->len);
	}
}

/* waitpid without EINTR. */
static pid_t wait_child(pid_t pid, int *status, int flags)
{
	pid_t r;
	do
		r = waitpid(pid, status, flags);
	while (r < 0 && errno == EINTR);
	return r;
}

int aur_run_as(const struct aur_user *u, int (*fn)(void *arg, char *err, size_t errlen),
	       void *arg, char *err, size_t errlen)
{
	struct drop d;
	struct buf msg = { 0 };
	char *cerr = NULL;
	int p[2], status, rc = -1;

	if (drop_prepare(u, &d, err, errlen) < 0)
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto out;
	}
	cerr = xcalloc(1, errlen ? errlen : 1);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		goto out;
	}
	if (pid == 0) {
		int code = 2;
		close(p[0]);
		if (drop_now(&d, cerr, errlen) == 0)
			code = fn(arg, cerr, errlen) == 0 ? 0 : 1;
		if (code)
			fd_write_all(p[1], cerr, strlen(cerr));
		_exit(code);
	}
	close(p[1]);
	read_all(p[0], &msg, errlen ? errlen - 1 : 0);
	close(p[0]);
	if (wait_child(pid, &status, 0) < 0) {
		snprintf(err, errlen, "waitpid: %s", strerror(errno));
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = 0;
	else if (msg.len)
		snprintf(err, errlen, "%s", buf_str(&msg));
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "the step run as '%s' was killed by signal %d", u->name,
			 WTERMSIG(status));
	else
		snprintf(err, errlen, "the step run as '%s' failed (exit %d)", u->name,
			 WEXITSTATUS(status));
out:
	free(cerr);
	buf_free(&msg);
	drop_free(&d);
	return rc;
}

int aur_exec_as(const struct aur_user *u, char *const argv[], const void *in, size_t inlen,
		char *err, size_t errlen)
{
	static char path_env[] = "PATH=/usr/local/bin:/usr/bin:/bin", lang_env[] = "LANG=C.UTF-8";
	char *const env[] = {path_env, lang_env, NULL};
	struct drop d;
	struct buf msg = {0};
	int inp[2] = {-1, -1}, errp[2] = {-1, -1}, status, rc = -1;
	char cerr[256] = "";
	if (drop_prepare(u, &d, err, errlen) < 0)
		return -1;
	if (pipe2(inp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* Only system calls until execve: the engine has threads, whose locks
		 * (malloc's among them) this copy of the process may hold forever. */
		if (drop_now(&d, cerr, sizeof(cerr)) != 0) {
			(void)!write(errp[1], cerr, strlen(cerr));
			_exit(2);
		}
		if (dup2(inp[0], 0) < 0 || dup2(errp[1], 2) < 0)
			_exit(2);
		if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
			_exit(2);
		execve(argv[0], argv, env);
		(void)!write(2, "cannot run the unpacker", 23);
		_exit(127);
	}
	close(inp[0]);
	inp[0] = -1;
	close(errp[1]);
	errp[1] = -1;
	/* The child may stop reading (a refused archive): no SIGPIPE for that. */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	sigaction(SIGPIPE, &ign, &old);
	(void)fd_write_all(inp[1], in, inlen);
	sigaction(SIGPIPE, &old, NULL);
	close(inp[1]);
	inp[1] = -1;
	read_all(errp[0], &msg, errlen ? errlen - 1 : 0);
	if (wait_child(pid, &status, 0) < 0) {
		snprintf(err, errlen, "waitpid: %s", strerror(errno));
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
	} else if (msg.len) {
		while (msg.len && (msg.p[msg.len - 1] == '\n' || msg.p[msg.len - 1] == '\r'))
			msg.p[--msg.len] = '\0';
		snprintf(err, errlen, "%s", buf_str(&msg));
	} else if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "%s run as '%s' was killed by signal %d", argv[0], u->name,
			 WTERMSIG(status));
	} else {
		snprintf(err, errlen, "%s run as '%s' failed (exit %d)", argv[0], u->name,
			 WEXITSTATUS(status));
	}
out:
	for (int i = 0; i < 2; i++) {
		if (inp[i] >= 0)
			close(inp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	buf_free(&msg);
	drop_free(&d);
	return rc;
}

/* ---- aur_give_dir: chown a tree without following links or leaving its file system ---- */

struct give {
	const struct aur_user *u;
	dev_t dev;
	struct buf path; /* the entry being given, for errors */
	char *err;
	size_t errlen;
};

static int give_fail(struct give *g, const char *what)
{
	snprintf(g->err, g->errlen, "cannot give %s to '%s': %s%s%s", buf_str(&g->path),
		 g->u->name, what, errno ? ": " : "", errno ? strerror(errno) : "");
	return -1;
}

/* Whether st is u's already. */
static int owned(const struct give *g, const struct stat *st)
{
	return st->st_uid == g->u->uid && st->st_gid == g->u->gid;
}

static int give_entries(struct give *g, int dfd, unsigned depth);

/*
 * Gives the entry name of the directory parent. The entry is opened without
 * following it (O_PATH|O_NOFOLLOW) and changed through that descriptor, so
 * what is checked is what is changed, even if the tree's new owner renames
 * things meanwhile. Another file system mounted inside is left alone; a file
 * with other hard links (which could be anyone's file) is refused.
 */
static int give_entry(struct give *g, int parent, const char *name, unsigned depth)
{
	struct stat st;
	int fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : give_fail(g, "open");
	if (fstat(fd, &st) < 0) {
		close(fd);
		return give_fail(g, "stat");
	}
	if (st.st_dev != g->dev) {
		close(fd);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		if (depth >= GIVE_MAX_DEPTH) {
			errno = 0;
			return give_fail(g, "directories nested too deep");
		}
		fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat again;
		if (fd < 0 || fstat(fd, &again) < 0) {
			if (fd >= 0)
				close(fd);
			return give_fail(g, "open");
		}
		if (again.st_ino != st.st_ino || again.st_dev != st.st_dev) {
			close(fd);
			errno = 0;
			return give_fail(g, "it changed while being given");
		}
		if (!owned(g, &again) && fchown(fd, g->u->uid, g->u->gid) < 0) {
			close(fd);
			return give_fail(g, "chown");
		}
		return give_entries(g, fd, depth + 1);
	}
	int rc = 0;
	if (!owned(g, &st)) {
		if (!S_ISLNK(st.st_mode) && st.st_nlink > 1) {
			errno = 0;
			rc = give_fail(g, "it has other hard links");
		} else if (fchownat(fd, "", g->u->uid, g->u->gid,
				    AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
			rc = give_fail(g, "chown");
		}
	}
	close(fd);
	return rc;
}

/* Gives everything in the directory dfd (closed here). */
static int give_entries(struct give *g, int dfd, unsigned depth)
{
	DIR *dir = fdopendir(dfd);
	int rc = 0;

	if (!dir) {
		close(dfd);
		return give_fail(g, "opendir");
	}
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(dir);
		if (!e) {
			if (errno)
				rc = give_fail(g, "readdir");
			break;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		size_t mark = g->path.len;
		buf_printf(&g->path, "/%s", e->d_name);
		rc = give_entry(g, dirfd(dir), e->d_name, depth);
		if (rc < 0)
			break;
		g->path.len = mark;
		g->path.p[mark] = '\0';
	}
	closedir(dir);
	return rc;
}

int aur_give_dir(const struct aur_user *u, const char *dir, char *err, size_t errlen)
{
	struct give g = { .u = u, .err = err, .errlen = errlen };
	struct stat st;
	int made = mkdir(dir, 0755) == 0, rc = -1;

	buf_puts(&g.path, dir);
	if (!made && errno != EEXIST) {
		give_fail(&g, "mkdir");
		goto out;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		give_fail(&g, "open");
		if (fd >= 0)
			close(fd);
		goto out;
	}
	/* mkdir's mode went through the umask. */
	if ((made && fchmod(fd, 0755) < 0) ||
	    (!owned(&g, &st) && fchown(fd, u->uid, u->gid) < 0)) {
		give_fail(&g, "chown");
		close(fd);
		goto out;
	}
	g.dev = st.st_dev;
	rc = give_entries(&g, fd, 0);
out:
	buf_free(&g.path);
	return rc;
}

/* ---- makepkg ---- */

void aur_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* One makepkg run's fixed parts: who, where, which program, which environment. */
struct run {
	const struct aur_build_opts *o;
	struct drop drop;
	char exe[256];
	char *env[9];
};

/* makepkg's path on the clean PATH into exe. 0 or -1. */
static int find_makepkg(char *exe, size_t len)
{
	const char *p = CLEAN_PATH;
	while (*p) {
		size_t n = strcspn(p, ":");
		struct stat st;
		snprintf(exe, len, "%.*s/makepkg", (int)n, p);
		if (stat(exe, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return 0;
		p += n + (p[n] == ':');
	}
	return -1;
}

/* In the child: puts back what exec keeps but a build should not inherit, the
 * engine's blocked and ignored signals. */
static void reset_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	sigemptyset(&none);
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &sa, NULL);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* In the child: becomes the build user, sets up its files and runs makepkg.
 * Only returns on failure, with err. */
static void exec_child(const struct run *r, char *const *argv, int out_fd, char *err,
		       size_t errlen)
{
	const struct aur_build_opts *o = r->o;

	setpgid(0, 0);
	reset_signals();
	if (drop_now(&r->drop, err, errlen) < 0)
		return;
	/* Opened as the build user: the log is theirs, and a link they planted
	 * cannot point it at anyone else's file. */
	int log = open(o->log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (log < 0) {
		snprintf(err, errlen, "cannot open the build log %s: %s", o->log, strerror(errno));
		return;
	}
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nul < 0 || chdir(o->dir) < 0) {
		snprintf(err, errlen, "cannot enter %s: %s", o->dir, strerror(errno));
		return;
	}
	if (dup2(nul, 0) < 0 || dup2(out_fd >= 0 ? out_fd : log, 1) < 0 || dup2(log, 2) < 0) {
		snprintf(err, errlen, "dup2: %s", strerror(errno));
		return;
	}
	/* The engine's descriptors (its socket, its stores) are not the build's,
	 * whether or not they were opened close-on-exec. */
	if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) < 0) {
		long max = sysconf(_SC_OPEN_MAX);
		for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	execve(r->exe, argv, r->env);
	snprintf(err, errlen, "cannot run %s: %s", r->exe, strerror(errno));
}

/* Whether pid has exited, leaving it unreaped: while it is a zombie its pid
 * (the build's process group id) cannot be reused, so killing the group
 * cannot hit anyone else's. */
static int exited_unreaped(pid_t pid)
{
	siginfo_t si = { 0 };
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/* Asks the build's process group to stop (makepkg cleans up on TERM) and
 * waits up to 3 s for makepkg; the caller kills what is left. */
static void stop_group(pid_t pid)
{
	kill(-pid, SIGTERM);
	for (int i = 0; i < 30 && !exited_unreaped(pid); i++)
		poll(NULL, 0, 100);
}

/*
 * Runs makepkg with argv as the build user: its stdout into out when out is
 * not NULL (else the log, like its stderr). Waits for it while watching the
 * cancel flag. *status: its wait status. 0, or -1 with err when it could not
 * start, or was cancelled.
 */
static int run_makepkg(struct run *r, char *const *argv, struct buf *out, int *status,
		       char *err, size_t errlen)
{
	int ep[2], op[2] = { -1, -1 }, rc = -1, cancelled = 0;
	struct buf msg = { 0 };

	if (pipe2(ep, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (out && pipe2(op, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	char *cerr = xcalloc(1, errlen ? errlen : 1);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(ep[0]);
		if (out)
			close(op[0]);
		exec_child(r, argv, op[1], cerr, errlen);
		fd_write_all(ep[1], cerr, strlen(cerr));
		_exit(127);
	}
	/* Both sides set the group, so a cancel right after fork still finds it. */
	setpgid(pid, pid);
	close(ep[1]);
	ep[1] = -1;
	if (out) {
		close(op[1]);
		op[1] = -1;
	}

	int exited = 0;
	while (!exited) {
		struct pollfd pf[2] = { { .fd = ep[0], .events = POLLIN },
					{ .fd = op[0], .events = POLLIN } };
		/* A negative fd is skipped by poll: a closed pipe stops being watched. */
		if (poll(pf, 2, 100) > 0) {
			char chunk[4096];
			for (int i = 0; i < 2; i++) {
				if (pf[i].fd < 0 || !pf[i].revents)
					continue;
				ssize_t n = read(pf[i].fd, chunk, sizeof(chunk));
				if (n > 0) {
					buf_append(i ? out : &msg, chunk, (size_t)n);
				} else if (n == 0 || errno != EINTR) {
					close(pf[i].fd);
					*(i ? &op[0] : &ep[0]) = -1;
				}
			}
		}
		if (exited_unreaped(pid)) {
			exited = 1;
		} else if (r->o->cancel && *r->o->cancel) {
			stop_group(pid);
			exited = cancelled = 1;
		}
	}
	/* Whatever the build left running in its group (a daemon a build tool
	 * started) goes with it; then makepkg is reaped. */
	kill(-pid, SIGKILL);
	wait_child(pid, status, 0);
	/* The child's message, and output still in the pipe; a process that left
	 * the group but kept the pipe open is not waited for. */
	for (int i = 0; i < 2; i++) {
		int fd = i ? op[0] : ep[0];
		if (fd < 0)
			continue;
		int fl = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		read_all(fd, i ? out : &msg, (size_t)-1);
	}
	if (msg.len) {
		snprintf(err, errlen, "%s", buf_str(&msg));
	} else if (cancelled) {
		snprintf(err, errlen, "build cancelled: see %s", r->o->log);
	} else {
		rc = 0;
	}
out:
	for (int i = 0; i < 2; i++) {
		if (ep[i] >= 0)
			close(ep[i]);
		if (op[i] >= 0)
			close(op[i]);
	}
	free(cerr);
	buf_free(&msg);
	return rc;
}

/* "makepkg failed (exit N): see LOG" for a wait status that is not success. */
static int makepkg_failed(const struct aur_build_opts *o, int status, char *err, size_t errlen)
{
	if (WIFEXITED(status))
		snprintf(err, errlen, "makepkg failed (exit %d): see %s", WEXITSTATUS(status),
			 o->log);
	else
		snprintf(err, errlen, "makepkg failed (signal %d): see %s", WTERMSIG(status),
			 o->log);
	return -1;
}

/* The lines of list naming existing regular files, as a NULL-terminated vector. */
static char **existing_files(const char *list)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;

	while (*list) {
		size_t len = strcspn(list, "\n");
		char *path = xstrndup(list, len);
		struct stat st;
		if (len && path[0] == '/' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			v = xrealloc(v, (n + 2) * sizeof(*v));
			v[n++] = path;
			v[n] = NULL;
		} else {
			free(path);
		}
		list += len + (list[len] == '\n');
	}
	return v;
}

int aur_makepkg(const struct aur_user *u, const struct aur_build_opts *o, char ***files,
		char *err, size_t errlen)
{
	struct run r = { .o = o };
	struct buf list = { 0 };
	int status, rc = -1;

	*files = NULL;
	if (u->uid == 0) {
		snprintf(err, errlen, "makepkg must not run as root: the build user '%s' is uid 0",
			 u->name);
		return -1;
	}
	if (o->dir[0] != '/' || o->out_dir[0] != '/' || o->log[0] != '/') {
		snprintf(err, errlen, "build paths must be absolute: %s, %s, %s", o->dir,
			 o->out_dir, o->log);
		return -1;
	}
	if (find_makepkg(r.exe, sizeof(r.exe)) < 0) {
		snprintf(err, errlen, "makepkg not found in " CLEAN_PATH);
		return -1;
	}
	if (aur_give_dir(u, o->out_dir, err, errlen) < 0)
		return -1;
	if (drop_prepare(u, &r.drop, err, errlen) < 0)
		return -1;
	size_t ne = 0;
	r.env[ne++] = xstrdup("PATH=" CLEAN_PATH);
	r.env[ne++] = xasprintf("HOME=%s", o->dir);
	r.env[ne++] = xstrdup("LANG=C.UTF-8");
	r.env[ne++] = xasprintf("PKGDEST=%s", o->out_dir);
	r.env[ne++] = xasprintf("SRCDEST=%s", o->dir);
	r.env[ne++] = xasprintf("BUILDDIR=%s", o->dir);
	r.env[ne++] = xasprintf("LOGDEST=%s", o->dir);
	r.env[ne] = NULL;

	char *argv[8];
	size_t na = 0;
	argv[na++] = (char *)"makepkg";
	argv[na++] = (char *)"--noconfirm";
	argv[na++] = (char *)"--noprogressbar";
	if (o->nodeps)
		argv[na++] = (char *)"--nodeps";
	if (o->nocheck)
		argv[na++] = (char *)"--nocheck";
	argv[na] = NULL;
	if (run_makepkg(&r, argv, NULL, &status, err, errlen) < 0)
		goto out;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		makepkg_failed(o, status, err, errlen);
		goto out;
	}

	/* What it built: makepkg's own list (PKGDEST, PKGEXT, split and debug
	 * packages), of which the files that exist. */
	char *const lsargv[] = { (char *)"makepkg", (char *)"--packagelist", NULL };
	if (run_makepkg(&r, lsargv, &list, &status, err, errlen) < 0)
		goto out;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		makepkg_failed(o, status, err, errlen);
		goto out;
	}
	*files = existing_files(buf_str(&list));
	if (!(*files)[0]) {
		aur_strv_free(*files);
		*files = NULL;
		snprintf(err, errlen, "makepkg built no package file: see %s", o->log);
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < ne; i++)
		free(r.env[i]);
	buf_free(&list);
	drop_free(&r.drop);
	return rc;
}
