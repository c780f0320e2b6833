/* SPDX-License-Identifier: MIT */
/* The configuration file (INI, read with libinih): every key, its default and its check;
 * the engine reads it all, a client its [client] and [ui] keys. */
#ifndef OMG_UTIL_CONFIG_H
#define OMG_UTIL_CONFIG_H

#include <stddef.h>

#define OMG_SYSTEM_CONFIG "/etc/omg/config"

/* Every key; docs/configuration.md and omgd(8) describe each one. */
struct config {
	/* [daemon] */
	unsigned idle_timeout; /* seconds; a user engine exits when idle this long, 0 never */
	unsigned max_clients, rate, burst, stall_timeout, recheck_interval;
	size_t frame_max, out_max;
	/* [cache] */
	size_t cache_size;
	unsigned cache_ttl;
	/* [system] */
	char admin_group[64]; /* "" = root only */
	/* [client] */
	int autostart;          /* the CLI starts an engine when none answers */
	unsigned start_timeout; /* seconds it waits for the engine it started */
	/* [transaction] */
	unsigned lock_timeout;     /* seconds to wait for another process's database lock */
	unsigned question_timeout; /* seconds a question waits before its safe default */
	unsigned plan_timeout;     /* seconds a plan waits for the client's confirmation */
	/* [status] */
	unsigned snapshot_interval; /* seconds between snapshot rewrites when nothing changes */
	unsigned check_interval;    /* seconds between private looks for updates (alpm); 0 off */
	/* [security] (docs/security.md) */
	char arch_url[512];         /* the Arch tracker's all.json */
	char debian_url[512];       /* debsecan's feed base; the codename is appended */
	char debian_release[64];    /* "" = VERSION_CODENAME of the root's os-release */
	unsigned security_refresh;  /* seconds between fetches; 0 only on sync or --refresh */
	unsigned max_age;           /* seconds after which the data is reported stale */
	unsigned fetch_timeout;     /* seconds a feed download may take */
	size_t fetch_max;           /* bytes a feed download may be */
	/* [policy] (only /etc/omg/config counts for the system engine) */
	int block_severity;         /* refuse versions with an advisory at or above this
				     * (enum severity); -1 = none */
	char deny[1024];            /* comma-separated globs of packages never installed */
	int require_signatures;     /* refuse plans on roots that accept unsigned packages */
	int override_admin;         /* --override accepted from root or the admin group */
	/* [aur] (docs/aur.md; alpm roots only) */
	char aur_url[512];          /* aurweb: RPC at URL/rpc/v5, snapshots at URL + URLPath */
	int aur_enabled;
	char aur_build_user[64];    /* "" = the caller, or omg-build for root */
	char aur_build_dir[512];    /* "" = DATA/aur-build under the engine's data directory */
	unsigned aur_timeout;       /* seconds one request to the AUR may take */
	unsigned aur_deadline;      /* seconds a search waits for the AUR's results */
	unsigned aur_cache;         /* seconds a reply from the AUR is reused */
	size_t aur_max_size;        /* bytes one reply or snapshot may be */
	int aur_policy;             /* [policy] aur: enum config_aur_policy */
	/* [ui] */
	char theme[64];             /* the UI's theme (themes/NAME.theme); "" the built-in one */
	int mouse;                  /* the UI takes mouse clicks and the wheel */
};

/* [policy] aur: what the engine builds from the AUR. */
enum config_aur_policy {
	AUR_POLICY_DENY = 0,   /* nothing */
	AUR_POLICY_REVIEW = 1, /* what the user approved (the default) */
	AUR_POLICY_ALLOW = 2,  /* also what nobody reviewed; the plan says so */
};

/* The defaults: what an absent file or key means. admin_group defaults to
 * the first of "sudo", "wheel" that exists: the users who can already
 * become root. */
void config_defaults(struct config *c);
/* The file for this mode: /etc/omg/config (system: never OMG_CONFIG, so the
 * environment cannot loosen its [policy]); else OMG_CONFIG, else
 * $XDG_CONFIG_HOME/omg/config (~/.config/omg/config). Caller frees. */
char *config_path(int system);
/* Reads path over the defaults. A missing file is not an error. 0, or -1 with
 * "FILE:LINE: why" in err (c is then left with the defaults). */
int config_load(struct config *c, const char *path, char *err, size_t errlen);

#endif
