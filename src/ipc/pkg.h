/* SPDX-License-Identifier: MIT */
/* The package record: a plain value struct of the protocol: backends fill it, the index keeps it, clients show it. */
#ifndef OMG_IPC_PKG_H
#define OMG_IPC_PKG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Why a package is installed. */
enum pkg_reason {
	PKG_REASON_NONE = 0, /* not installed, or the backend does not know */
	PKG_REASON_EXPLICIT = 1,
	PKG_REASON_DEPEND = 2,
};

/* Package state bits (struct pkg.flags). */
enum pkg_flag {
	PKG_INSTALLED = 1u << 0,
	PKG_UPGRADABLE = 1u << 1, /* installed and the candidate is newer (backend vercmp) */
	PKG_HELD = 1u << 2,       /* alpm IgnorePkg/IgnoreGroup, dpkg/apt hold */
	PKG_FOREIGN = 1u << 3,    /* installed but in no configured repository */
	PKG_ORPHAN = 1u << 4,     /* installed as a dependency and needed by nothing */
	PKG_SECURITY = 1u << 5,   /* upgradable, and the candidate comes from a security
				   * archive (apt; alpm has no such notion) */
	PKG_ESSENTIAL = 1u << 6,  /* apt "Essential: yes" (the candidate's record) */
	/* Set by the engine in replies, from the advisory data (never by a backend): */
	PKG_VULNERABLE = 1u << 7, /* installed, and a known advisory affects that version */
	PKG_FIXES_ADVISORY = 1u << 8, /* upgradable, and the candidate fixes an advisory
				       * that affects the installed version */
};

/* Bits of struct pkg_version.flags. */
enum pkg_version_flag {
	PKG_VERSION_INSTALLED = 1u << 0, /* the installed version (apt-cache policy's ***) */
	PKG_VERSION_CANDIDATE = 1u << 1, /* the version an install would pick */
};

/* A list of strings. */
struct strlist {
	const char *const *v;
	uint32_t n;
};

/* A package file a version is in: a line of apt-cache policy's version table. */
struct pkg_archive {
	const char *where; /* the index as apt describes it ("http://deb.debian.org/debian
			    * bookworm/main amd64 Packages", "/var/lib/dpkg/status") */
	int32_t priority;  /* that package file's pin priority */
};

/* One version of a package, with its pin priority and where it comes from. */
struct pkg_version {
	const char *version;
	int32_t priority;  /* the version's pin priority (apt policy) */
	uint32_t flags;    /* enum pkg_version_flag */
	const struct pkg_archive *archives;
	uint32_t narchives;
};

/*
 * One package as the user sees it: the candidate (the version an install would
 * pick) merged with the installed version, if any. Every string is UTF-8 and
 * non-NULL ("" when unknown). Dependency strings keep the backend's syntax:
 * "glibc>=2.38" (alpm) or "libc6 (>= 2.34) | libc6-udeb" (apt).
 * Ownership: whoever fills the struct says how long the strings live.
 */
struct pkg {
	const char *name;
	const char *version;           /* candidate, else the installed version */
	const char *installed_version; /* "" when not installed */
	const char *repo;              /* alpm repo name, apt archive; "local" for foreign */
	const char *desc;              /* one-line description */
	const char *long_desc;         /* apt's extended description; "" elsewhere */
	const char *url;
	const char *arch;
	const char *packager;          /* alpm packager, apt Maintainer */
	const char *base;              /* alpm pkgbase, apt Source (its name) */
	const char *section;           /* apt Section; "" on alpm */
	/* apt only ("" or empty on alpm): */
	const char *source_version;    /* Source's version when the record names one:
					* "5.2.15-2" of "Source: bash (5.2.15-2)" */
	/* The installed version's source package (from dpkg's status, not the
	 * candidate's record), for matching advisories: its Source name, else
	 * the package's own name; its Source version, else the installed
	 * version. "" when not installed. Kept in the index, not on the wire. */
	const char *installed_source;
	const char *installed_source_version;
	const char *priority;          /* Priority: "required", "optional", ... */
	const char *multi_arch;        /* Multi-Arch: "same", "foreign", "allowed" */
	struct strlist licenses;
	struct strlist groups;
	struct strlist depends;        /* alpm depends, apt Depends */
	struct strlist pre_depends;    /* apt Pre-Depends */
	struct strlist optdepends;     /* alpm optdepends "name: why"; apt Recommends */
	struct strlist suggests;       /* apt Suggests; empty on alpm */
	struct strlist enhances;       /* apt Enhances */
	struct strlist provides;
	struct strlist conflicts;      /* alpm conflicts, apt Conflicts */
	struct strlist breaks;         /* apt Breaks */
	struct strlist replaces;
	struct strlist tags;           /* apt Tag (debtags), one tag each */
	/* apt: every version of the package, in apt-cache policy's order (newest
	 * first); empty on alpm. */
	const struct pkg_version *versions;
	uint32_t nversions;
	int64_t download_size;         /* bytes, -1 unknown */
	int64_t installed_size;        /* bytes, -1 unknown */
	int64_t build_date;            /* unix seconds, 0 unknown */
	int64_t install_date;          /* unix seconds, 0 unknown */
	uint32_t reason;               /* enum pkg_reason */
	uint32_t flags;                /* enum pkg_flag bits */
};

/* What the AUR says of a package (struct pkg_aur.state). */
enum pkg_aur_state {
	PKG_AUR_FOUND = 1,   /* the AUR has it: the record below is the AUR's */
	PKG_AUR_MISSING = 2, /* a foreign package the AUR does not have */
};

/*
 * The AUR's fields of a package (protocol 7): on every package of an AUR
 * search or info reply, and on foreign packages in list replies once the
 * engine has asked the AUR about them. Strings "" when unknown.
 */
struct pkg_aur {
	uint32_t state;            /* enum pkg_aur_state */
	uint32_t pending_requests;
	uint64_t votes;
	uint64_t popularity_micro; /* Popularity x 1e6 (the RPC gives 6 decimals) */
	int64_t out_of_date;       /* Unix time it was flagged, 0 not flagged */
	int64_t first_submitted, last_modified; /* Unix time, 0 unknown */
	const char *version;       /* the AUR's version (for a foreign package, may
				    * differ from the installed one) */
	const char *maintainer;    /* "" = orphan */
	const char *submitter;
	const char *snapshot;      /* the snapshot tarball's URL */
	struct strlist makedepends, checkdepends, keywords, comaintainers;
};

#ifdef __cplusplus
}
#endif
#endif
