/* SPDX-License-Identifier: MIT */
/* Which language runtime version is active where: version files, installed versions, PATH. */
#ifndef OMG_UTIL_RTVER_H
#define OMG_UTIL_RTVER_H

#include <stddef.h>

/*
 * libc only, no allocation, no global state, bounded: omg-fast (the prompt
 * helper, linked statically against libc alone) and omg both use it. Every
 * result is a fixed-size value the caller owns; nothing here holds a file
 * descriptor or memory across calls. The precedence of version files is
 * documented in docs/runtimes.md (one table); the code below follows it.
 */

/* The runtimes omg manages itself, in this fixed order (the index into result arrays). */
enum rtver_rt {
	RTVER_NODE,
	RTVER_PYTHON,
	RTVER_GO,
	RTVER_RUST,
	RTVER_RUBY,
	RTVER_JAVA,
	RTVER_BUN,
	RTVER_COUNT
};
/* A mask of runtimes for rtver_resolve: (1u << RTVER_NODE) | ...; RTVER_ALL is every one. */
#define RTVER_ALL ((1u << RTVER_COUNT) - 1)

#define RTVER_VERSION_MAX 64  /* a version's bytes with its NUL: versions are at most 63 bytes */
#define RTVER_ALTS 4          /* versions one entry may name (asdf's fallbacks, pyenv's list) */
#define RTVER_PATH_MAX 4096   /* a path with its NUL (PATH_MAX) */
#define RTVER_WHY_MAX 128     /* a refusal's one line with its NUL */
#define RTVER_FILE_MAX 65536  /* a version file is read whole, up to this size; larger is refused */

/* Where a version came from. */
enum rtver_file {
	RTVER_F_NONE,               /* nowhere: no version file and no global choice */
	RTVER_F_TOOL_VERSIONS,      /* .tool-versions (asdf, mise) */
	RTVER_F_NVMRC,              /* .nvmrc */
	RTVER_F_NODE_VERSION,       /* .node-version */
	RTVER_F_PACKAGE_JSON,       /* package.json: devEngines.runtime, then engines.node */
	RTVER_F_PYTHON_VERSION,     /* .python-version */
	RTVER_F_GO_MOD,             /* go.mod: toolchain, then go */
	RTVER_F_GO_VERSION,         /* .go-version */
	RTVER_F_RUST_TOOLCHAIN,     /* rust-toolchain (a bare channel, or TOML) */
	RTVER_F_RUST_TOOLCHAIN_TOML,/* rust-toolchain.toml: [toolchain] channel */
	RTVER_F_RUBY_VERSION,       /* .ruby-version */
	RTVER_F_JAVA_VERSION,       /* .java-version */
	RTVER_F_BUN_VERSION,        /* .bun-version */
	RTVER_F_GLOBAL,             /* $XDG_CONFIG_HOME/omg/tool-versions (.tool-versions format) */
	RTVER_F_COUNT
};

/* What the search found for one runtime. */
enum rtver_state {
	RTVER_UNSET,  /* no file names a version: nothing is pinned */
	RTVER_PINNED, /* versions[0..nversions) from path, line */
	RTVER_BAD,    /* the file that decides is refused: why, path, line; never used */
};

/*
 * One runtime's pinned version. The strings are NUL-terminated. A version
 * that is PINNED is normalised (docs/runtimes.md: "v20" -> "20", nvm's
 * "lts/" and a star -> "lts", "go1.22.5" -> "1.22.5", "ruby-3.3.0" ->
 * "3.3.0") and checked: 1 to 63 bytes of A-Z a-z 0-9 . _ + -, not starting
 * with '.' or '-', no "..". So it is safe as one path component; anything
 * else makes the file BAD.
 */
struct rtver_pin {
	enum rtver_state state;
	enum rtver_file file;  /* PINNED, BAD: the kind of file; RTVER_F_NONE when UNSET */
	unsigned line;         /* PINNED, BAD: the version's 1-based line (0: the whole file) */
	unsigned nversions;    /* PINNED: 1..RTVER_ALTS, the first preferred */
	char versions[RTVER_ALTS][RTVER_VERSION_MAX];
	char path[RTVER_PATH_MAX]; /* PINNED, BAD: the file, as found (the logical path) */
	char why[RTVER_WHY_MAX];   /* BAD: what is wrong (printable ASCII, one line, no path) */
};

/*
 * Where to look: omg's config and data directories and the ceilings.
 * config: "<XDG config home>/omg" (its tool-versions file is the global
 * choice), data: "<XDG data home>/omg" (installs are under data/versions);
 * either "" when unknown (no global choice; nothing is installed).
 * ceilings: borrowed, colon-separated absolute directories the search does
 * not enter (NULL or "": none).
 */
struct rtver_env {
	char config[RTVER_PATH_MAX];
	char data[RTVER_PATH_MAX];
	const char *ceilings;
};

/* Fills env from the environment: XDG_CONFIG_HOME and XDG_DATA_HOME when
 * absolute, else HOME/.config and HOME/.local/share (util/xdg.c's rule, without
 * allocating); OMG_CEILING_PATHS for the ceilings (borrowed from environ). */
void rtver_env_init(struct rtver_env *env);

/* The runtime's name as omg says it ("node", "python", "go", "rust", "ruby",
 * "java", "bun"); static. */
const char *rtver_name(enum rtver_rt rt);
/* The runtime named by the n bytes at name: omg's names and asdf's/mise's
 * ("nodejs", "golang", with or without mise's "core:"); -1 for another tool. */
int rtver_lookup(const char *name, size_t n);
/* The file kind's name as a user sees it (".nvmrc", "global tool-versions"); static. */
const char *rtver_file_name(enum rtver_file file);

/*
 * Reads one version file's contents for one runtime: buf is the whole file
 * (n bytes, not NUL-terminated, any bytes). Sets pin->state, line,
 * nversions, versions and why; leaves file and path alone. UNSET when the
 * file names no version for rt (another tool's line, package.json without
 * a pin for node, an empty file); BAD with why when what it names is refused.
 * RTVER_F_GLOBAL reads as RTVER_F_TOOL_VERSIONS. A kind that is not rt's
 * (a go.mod for node) is UNSET.
 */
void rtver_parse(enum rtver_file file, enum rtver_rt rt, const char *buf, size_t n,
		 struct rtver_pin *pin);

/*
 * Finds the version of each runtime in mask for the directory dir: walks up
 * from dir (absolute; "." and ".." resolved as text, the shell's logical
 * path, symbolic links not followed back) to / or a ceiling, and in each
 * directory reads .tool-versions first and then the runtime's own files
 * (docs/runtimes.md); the first file that names a version wins, and so does
 * one that is BAD (a refused nearer file is not passed over for a farther
 * one). Then env's global tool-versions, then UNSET. out[rt] is written for
 * each rt in mask, the others untouched. Files are opened with openat() in
 * each directory, read up to RTVER_FILE_MAX bytes; nothing is allocated
 * (about 70 KiB of stack). 0, or -1 with errno EINVAL (dir not absolute) or
 * ENAMETOOLONG.
 */
int rtver_resolve(const struct rtver_env *env, const char *dir, unsigned mask,
		  struct rtver_pin out[RTVER_COUNT]);

/*
 * The order of runtime versions: runs of digits compare as numbers, runs of
 * letters bytewise, a number after a word; other bytes only separate. When
 * one runs out first, the longer is newer if its next run is a number
 * ("1.2.1" > "1.2") and older if it is a word ("1.2rc1" < "1.2", "3.13.0a1" <
 * "3.13.0", "1.77.0-beta.1" < "1.77.0"). Negative, 0 or positive; a and b are
 * borrowed, NUL-terminated.
 */
int rtver_cmp(const char *a, const char *b);

/*
 * Whether the installed version have (a directory name) satisfies the
 * pinned version want for rt: the same string; or a prefix of it that ends
 * at a '.' or '+' ("20" -> "20.11.1", "21" -> "21.0.2+13"), or at a '-' too
 * when want does not start with a digit ("nightly" -> "nightly-2024-01-01");
 * or an alias: "latest" (and rust's "stable"): a release, all digits, '.'
 * and '+'; "lts": node's even majors from 4, java's 8, 11, 17, 21, 25, ...
 * (releases only); node's "lts-<codename>" (argon .. krypton): that major.
 * 1 or 0.
 */
int rtver_match(enum rtver_rt rt, const char *want, const char *have);

/* Whether a pinned runtime is there. */
enum rtver_inst {
	RTVER_I_NONE,      /* nothing pinned (UNSET or BAD): omg adds nothing */
	RTVER_I_SYSTEM,    /* pinned to "system": the system's own, omg adds nothing */
	RTVER_I_MISSING,   /* pinned but not installed: version is what was asked */
	RTVER_I_INSTALLED, /* version is the installed directory, bin its bin directory */
};

/* The installed version a pin selects. */
struct rtver_active {
	enum rtver_inst inst;
	char version[RTVER_VERSION_MAX]; /* INSTALLED: "20.11.1" for "20"; MISSING: versions[0] */
	char bin[RTVER_PATH_MAX];        /* INSTALLED: <data>/versions/<rt>/<version>/bin */
};

/*
 * Maps a pin to an install under env->data/versions/<rt>/: for each of the
 * pin's versions in order, "system" is RTVER_I_SYSTEM; a directory of exactly
 * that name with a bin directory is taken; else the newest (rtver_cmp) entry
 * that rtver_match accepts, when its bin directory exists. The first version
 * that finds one wins; none: RTVER_I_MISSING. Writes out and returns
 * out->inst. No allocation; one stat per exact name, one directory read per
 * prefix or alias.
 */
enum rtver_inst rtver_installed(const struct rtver_env *env, enum rtver_rt rt,
				const struct rtver_pin *pin, struct rtver_active *out);

/*
 * The PATH rewriter for the prompt hook, a pure function. path: the current
 * PATH; old_marker: the directories omg put in it last time, colon-separated
 * (the marker variable's value, OMG_RT_PATH; NULL or "" for none); bins: the
 * nbins directories to put first now. Writes to out the PATH with every
 * entry of old_marker removed, then bins (each once, in order) in front, and
 * other copies of bins removed; every other entry stays, in its order, empty
 * ones too. Writes to marker the new marker (bins, colon-separated). So PATH
 * never grows across calls and no bin appears twice, and bins = none (leaving
 * a project) gives back the PATH without omg's entries. path "" has no
 * entries. 0, or -1 with errno EINVAL (a bin empty, relative or with ':') or
 * ERANGE (out or marker too small; both then hold "").
 */
int rtver_path_rewrite(const char *path, const char *old_marker, const char *const *bins,
		       size_t nbins, char *out, size_t outlen, char *marker, size_t markerlen);

#endif
