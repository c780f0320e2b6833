/* SPDX-License-Identifier: MIT */
/* Who builds AUR packages and how: an unprivileged build user, makepkg in a clean directory. */
#ifndef OMG_ENGINE_AUR_BUILD_H
#define OMG_ENGINE_AUR_BUILD_H

#include <stddef.h>
#include <sys/types.h>

struct aur_user {
	uid_t uid;
	gid_t gid;
	char name[64];
};

/* The build user a build for caller_uid runs as ([aur] build_user):
 * configured "" means the caller when caller_uid is not 0, else "omg-build".
 * Refused, with one line in err saying how to fix it (docs/aur.md): uid 0;
 * an unknown user ("create it: useradd --system ... omg-build"); a user that
 * has a login shell and is in the sudo or wheel group. 0 or -1. */
#define AUR_DEFAULT_BUILD_USER "omg-build"
int aur_user_resolve(const char *configured, uid_t caller_uid, struct aur_user *out, char *err,
		     size_t errlen);
/* The rule behind the last refusal, for the tests: non-zero when shell is a
 * login shell (anything but nologin or false; "" is /bin/sh) and one of
 * groups[0..n) is "sudo" or "wheel". */
int aur_user_is_admin(const char *shell, const char *const *groups, size_t n);

/*
 * Runs fn(arg, err, errlen) in a child process as u: when the process is not
 * already u, the child drops to u (setgroups to u's groups, setgid, setuid,
 * and checks root cannot be regained) before calling fn. The child's err
 * travels back through a pipe. Returns fn's result (0 or -1), -1 when the
 * child could not be made or dropped privileges (err says why).
 */
int aur_run_as(const struct aur_user *u, int (*fn)(void *arg, char *err, size_t errlen),
	       void *arg, char *err, size_t errlen);

/*
 * Runs the program argv[0] (an absolute path) as u with argv, in a clean
 * environment, in[0..inlen) on its standard input; its standard error is the
 * error. Between fork and execve the child makes system calls only (the
 * engine's threads may hold locks a forked copy would wait for forever).
 * 0 when it exits 0, else -1 with its first line (or how it ended) in err.
 */
int aur_exec_as(const struct aur_user *u, char *const argv[], const void *in, size_t inlen,
		char *err, size_t errlen);

/* Gives dir (created if missing) and everything in it to u (chown, no
 * symlink followed). 0 or -1 with err. */
int aur_give_dir(const struct aur_user *u, const char *dir, char *err, size_t errlen);

struct aur_build_opts {
	const char *dir;     /* the PKGBUILD's directory (the unpacked snapshot), u's */
	const char *out_dir; /* PKGDEST: where the packages go (created, u's) */
	const char *log;     /* the build log (makepkg's stdout and stderr), u's */
	int nodeps;          /* makepkg --nodeps (a sandbox root: its dependencies are not
			      * the build host's) */
	int nocheck;         /* makepkg --nocheck */
	const int *cancel;   /* non-zero: the build is killed (the engine stops) */
};

/*
 * Builds with makepkg as u: "makepkg --noconfirm --noprogressbar [--nodeps]
 * [--nocheck]" in o->dir, with a clean environment (PATH, HOME=o->dir, LANG,
 * PKGDEST, SRCDEST, BUILDDIR, LOGDEST under o->dir). Never as root: uid 0
 * is refused before anything runs. On success the built package files
 * (full paths, from makepkg --packagelist, that exist) are set in *files
 * (NULL-terminated, caller frees with aur_strv_free) and 0 is returned; on
 * failure -1 with "makepkg failed (exit N): see LOG" in err.
 */
int aur_makepkg(const struct aur_user *u, const struct aur_build_opts *o, char ***files,
		char *err, size_t errlen);
void aur_strv_free(char **v);

#endif
