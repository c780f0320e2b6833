/* SPDX-License-Identifier: MIT */
/* pacman.conf parsing for the alpm backend (libalpm does not read it). */
#ifndef OMG_ENGINE_PACCONF_H
#define OMG_ENGINE_PACCONF_H

#include <stddef.h>

struct pacconf_repo {
	char *name;
	char **servers; /* $repo and $arch substituted; used as written */
	size_t nservers;
	int siglevel;   /* alpm_siglevel_t bits; resolved against the defaults */
	int usage;      /* alpm_db_usage_t bits */
};

/*
 * The options omg uses. Paths are absolute host paths: those in the file are
 * taken relative to the root, as with pacman --sysroot.
 */
struct pacconf {
	char *root;
	char *dbpath, *gpgdir, *logfile;
	char **cachedirs, **hookdirs, **archs, **ignorepkg, **ignoregroup;
	size_t ncachedirs, nhookdirs, narchs, nignorepkg, nignoregroup;
	int siglevel;
	int localfilesiglevel; /* package files (pacman -U): LocalFileSigLevel's words on
				* top of SigLevel, whichever came first */
	int parallel_downloads;
	struct pacconf_repo *repos;
	size_t nrepos;
	char **files; /* every configuration file read, in order */
	size_t nfiles;
};

/* Reads root/etc/pacman.conf and its Includes into *c. Returns 0, or -1 with
 * a message "FILE:LINE: why" in err. Free with pacconf_free even on failure. */
int pacconf_load(struct pacconf *c, const char *root, char *err, size_t errlen);
/* Parses one file (path relative to the root when it starts with '/'). */
int pacconf_parse_file(struct pacconf *c, const char *path, char *err, size_t errlen);
void pacconf_free(struct pacconf *c);
/* Whether a package without a valid signature gets in ([policy]
 * require_signatures): a repository's package SigLevel (its own on top of
 * [options]') is Never, or Optional with TrustAll; [options] itself when no
 * repository is configured. 1 with "repository 'core' has SigLevel = Never"
 * in why, else 0. Database signatures are not looked at: a package is still
 * checked against its own signature. */
int pacconf_accepts_unsigned(const struct pacconf *c, char *why, size_t whylen);

#endif
