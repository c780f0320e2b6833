/* SPDX-License-Identifier: MIT */
/* The scripted CLI: global and command options, dispatch, the one write of stdout. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/clock.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/similar.h"
#include "util/version.h"

/* Option bits, to reject an option a command does not take. */
enum {
	O_REGEX = 1 << 0, O_NAMES = 1 << 1, O_INSTALLED = 1 << 2, O_LIMIT = 1 << 3,
	O_KIND = 1 << 4, O_QUIET = 1 << 5, O_IDLE = 1 << 6, O_DAEMON = 1 << 7,
	O_CONFIRM = 1 << 8, O_RECURSIVE = 1 << 9, O_NOSYNC = 1 << 10, O_HELD = 1 << 11,
	O_REFRESH = 1 << 12, O_OVERRIDE = 1 << 13, O_ASDEPS = 1 << 14,
	O_REPO = 1 << 15,    /* --repo: search, and upgrade leaving the AUR out */
	O_APPROVE = 1 << 16, /* aur review --approve */
	O_AUR = 1 << 17,     /* --aur: search only */
};

/* How a command's text is fitted to a terminal (render_fit_lines). */
enum fit { FIT_NONE, FIT_CUT, FIT_WRAP };

struct command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	unsigned options; /* O_* bits it accepts */
	enum fit fit;     /* its text on a terminal: lines cut or wrapped at the width */
	const char *usage;
};

static const struct command commands[] = {
	{"search", cmd_search, O_REGEX | O_NAMES | O_INSTALLED | O_LIMIT | O_QUIET | O_AUR | O_REPO,
	 FIT_CUT,
	 "omg search [--regex] [--names-only] [--installed] [--limit N] [-q]\n"
	 "           [--aur | --repo] TERM...\n"
	 "  Every term must match the name, a provided name, the description or (pacman)\n"
	 "  a group, case-insensitively: what pacman -Ss / apt-cache search find.\n"
	 "  Results are ranked: exact name, name prefix, name substring, provided name,\n"
	 "  description. --names-only: the name and provided names.\n"
	 "  --regex: POSIX extended regexes, the same matches as pacman -Ss and\n"
	 "  apt-cache search.\n"
	 "  Arch: the AUR's matches follow the official ones, in repository 'aur' (the\n"
	 "  AUR's own search: the longest term goes to it, every term must match the\n"
	 "  name or description). They wait at most [aur] search_deadline (3 s); a slow\n"
	 "  or failing AUR is one warning, and the official results stand. --aur: only\n"
	 "  the AUR's; --repo: only the official ones. --regex and --installed search\n"
	 "  the repositories only (docs/aur.md).\n"},
	{"info", cmd_info, 0, FIT_WRAP,
	 "omg info PKG...\n"
	 "  Every field of each package as its backend names it (pacman -Si/-Qi; apt show,\n"
	 "  then apt-cache policy's version table), the installed packages that require it\n"
	 "  and how many others do. Arch: a name the repositories do not have is looked\n"
	 "  up in the AUR (votes, popularity, maintainer, out-of-date flag, dates, make\n"
	 "  and check dependencies, the snapshot's URL).\n"},
	{"aur", cmd_aur, O_APPROVE, FIT_NONE,
	 "omg aur review [--approve] PKG\n"
	 "  Arch: the review of an AUR package's build files before omg builds it: the\n"
	 "  first time every file of its snapshot (PKGBUILD, .install, patches), after\n"
	 "  that the diff against the last version you approved (not the last\n"
	 "  download). On a terminal it is shown in $PAGER and you are asked: yes\n"
	 "  records the approval (kept by the engine with the files' hash; approving\n"
	 "  and declining go to the audit log), no exits 11. Without a terminal it is\n"
	 "  printed and nothing is approved. --approve records it without showing or\n"
	 "  asking, for scripts that reviewed by other means. omg install builds only\n"
	 "  approved files unless [policy] aur = allow (docs/aur.md).\n"},
	{"list", cmd_list, O_KIND | O_INSTALLED | O_LIMIT | O_QUIET, FIT_CUT,
	 "omg list [--installed | --upgradable | --security | --vulnerable | --explicit |\n"
	 "          --orphans | --foreign | --all] [--limit N] [-q]\n"
	 "  Packages of one kind (default --installed), at most N. Upgradable ones held\n"
	 "  back by IgnorePkg or a hold are listed and flagged 'h'; an upgrade that fixes\n"
	 "  a known advisory is marked \"!\" after its version (omg vulns).\n"
	 "  --vulnerable: the installed packages a known advisory affects (omg vulns).\n"
	 "  --security: the upgrades from a security archive (a *-security suite or the\n"
	 "  Debian-Security label), held ones apart: the figure omg status counts. apt\n"
	 "  only: on pacman systems the list is empty and a warning says why (exit 0).\n"},
	{"vulns", cmd_vulns, O_REFRESH | O_QUIET, FIT_CUT,
	 "omg vulns [--all] [--refresh] [-q] [PKG...]\n"
	 "  The installed packages with known vulnerabilities (all, or the PKGs named),\n"
	 "  one row each: name, installed version, source package (apt), the version\n"
	 "  that fixes it or -, the highest severity, remote or local where known, and\n"
	 "  the advisory ids. Arch: the security tracker's AVGs, matched as arch-audit\n"
	 "  does; Debian: the security tracker's debsecan feed for the release, matched as\n"
	 "  debsecan does (docs/security.md). The engine keeps the data and refreshes it\n"
	 "  every [security] refresh (6 h); --refresh fetches it now (a conditional GET).\n"
	 "  --all: also the packages whose advisories are fixed in the installed version.\n"
	 "  --json: an array of {name, installed, source, fixed, severity, ids, remote}.\n"
	 "  Exit status: 0 none known, 1 some listed, 14 no data or data older than\n"
	 "  [security] max_age (it is said; never reported as no vulnerabilities).\n"},
	{"status", cmd_status, 0, FIT_WRAP,
	 "omg status\n"
	 "  Package counts: available, installed, explicit, foreign, upgradable, held\n"
	 "  back, orphans; security upgrades (apt); when the databases were last synced\n"
	 "  and (Arch) when the engine last looked for updates; a needed reboot; the\n"
	 "  running transaction. --json adds the index generation and the snapshot file.\n"},
	{"daemon", cmd_daemon, O_IDLE | O_DAEMON, FIT_WRAP,
	 "omg daemon [run] [--system] [--socket PATH] [--idle SECONDS] [--config PATH]\n"
	 "omg daemon start | stop [--all] | status\n"
	 "  run: the engine for the root in the foreground, serving the protocol on PATH\n"
	 "  (default: $XDG_RUNTIME_DIR/omg/omgd.sock, one socket per root; --system:\n"
	 "  /run/omg/omgd.sock, any local user may read, only root or the admin group may\n"
	 "  change the system). Exits on SIGTERM or SIGINT, or after SECONDS without a\n"
	 "  client (idle_timeout in the configuration); SIGHUP reloads the configuration.\n"
	 "  start: start the engine for the root in the background unless one runs.\n"
	 "  stop: stop it (--all: every engine of yours). status: what it is doing.\n"
	 "  Other commands start the engine on demand; see omgd(8).\n"},
	{"completions", cmd_completions, 0, FIT_NONE,
	 "omg completions bash|zsh|fish\n"
	 "  The shell's completion script: commands, options and package names.\n"
	 "  bash: source <(omg completions bash)    (or save it in\n"
	 "        ~/.local/share/bash-completion/completions/omg)\n"
	 "  zsh:  omg completions zsh > ~/.zfunc/_omg  (~/.zfunc in fpath before compinit)\n"
	 "  fish: omg completions fish > ~/.config/fish/completions/omg.fish\n"},
	{"shell-init", cmd_shell_init, 0, FIT_NONE,
	 "omg shell-init bash|zsh|fish\n"
	 "  The prompt integration: before each prompt it runs omg-fast once (a file\n"
	 "  read, never the engine) and shows pending updates, security updates, a\n"
	 "  needed reboot and a running transaction in front of the prompt.\n"
	 "  bash: eval \"$(omg shell-init bash)\"   in ~/.bashrc\n"
	 "  zsh:  eval \"$(omg shell-init zsh)\"    in ~/.zshrc\n"
	 "  fish: omg shell-init fish | source   in ~/.config/fish/config.fish\n"},
	{"audit", cmd_audit, 0, FIT_CUT,
	 "omg audit log | verify [--json]\n"
	 "  log: the engine's audit log, one line per mutation or refused request:\n"
	 "  number, local time, uid, pid, event and what happened.\n"
	 "  verify: check the log's hash chain, every entry's MAC and the head kept\n"
	 "  apart; exit status 10 naming the first entry edited, removed, reordered or\n"
	 "  cut off. A system engine's log is readable by root only. See docs/audit.md.\n"},
	{"sync", cmd_sync, O_CONFIRM, FIT_WRAP,
	 "omg sync [--yes | --dry-run]\n"
	 "  Refresh the package databases (pacman -Sy, apt-get update). It asks nothing:\n"
	 "  no package changes (--yes is accepted). --dry-run lists the databases and\n"
	 "  refreshes none.\n"},
	{"install", cmd_install, O_CONFIRM | O_HELD | O_OVERRIDE | O_ASDEPS, FIT_WRAP,
	 "omg install [-y | --yes | --dry-run] [--asdeps] [--change-held]\n"
	 "            [--override RULE]... PKG|FILE...\n"
	 "  Install PKG and what it needs, or upgrade it if installed. Shows the plan and\n"
	 "  asks first; --yes (-y) does not ask; --dry-run shows the plan and changes\n"
	 "  nothing (any user may: it takes no lock and needs no root).\n"
	 "  A plan that changes a held package (apt-mark hold, dpkg hold; IgnorePkg or\n"
	 "  IgnoreGroup in pacman.conf) names it and is refused unless --change-held is\n"
	 "  given; the package stays held afterwards.\n"
	 "  A plan the engine's [policy] refuses (deny, severity, signatures) shows why\n"
	 "  and exits 13; --override RULE (repeatable) lets that rule's violations through\n"
	 "  where [policy] override = admin and you are root or in the admin group.\n"
	 "  Installing never refreshes the databases (no partial upgrades): omg upgrade\n"
	 "  does.\n"
	 "  FILE: a package file (pacman -U; alpm roots only), an argument that starts\n"
	 "  with /, ./ or ../ or ends in .pkg.tar.*; files and names mix in one\n"
	 "  transaction.\n"
	 "  --asdeps: install as dependencies (pacman --asdeps; alpm roots only).\n"
	 "  Arch: a PKG the repositories do not have is built from the AUR, with its AUR\n"
	 "  dependencies, in order, by makepkg as the unprivileged [aur] build_user,\n"
	 "  then installed like any package. Build files nobody approved are reviewed\n"
	 "  first on a terminal (omg aur review); without one, or with --yes, the plan\n"
	 "  is refused (exit 13) with the command to review them (docs/aur.md).\n"},
	{"remove", cmd_remove, O_CONFIRM | O_RECURSIVE | O_HELD | O_OVERRIDE, FIT_WRAP,
	 "omg remove [--recursive] [-y | --yes | --dry-run] [--change-held]\n"
	 "           [--override RULE]... PKG...\n"
	 "  Remove PKG. Refused when another installed package needs it, or when it is\n"
	 "  held (dpkg hold) unless --change-held is given.\n"
	 "  --recursive: also remove the dependencies nothing else needs (pacman -Rs).\n"},
	{"upgrade", cmd_upgrade, O_CONFIRM | O_NOSYNC | O_OVERRIDE | O_REPO, FIT_WRAP,
	 "omg upgrade [--no-sync] [-y | --yes | --dry-run] [--override RULE]... [--repo]\n"
	 "  Refresh the databases, then upgrade every package that has a newer version\n"
	 "  (pacman -Syu; apt upgrade: nothing is removed, held and ignored packages stay\n"
	 "  as they are; omg install can change one, see omg install --help).\n"
	 "  --no-sync: plan from the databases as they are. --override RULE: as for\n"
	 "  omg install.\n"
	 "  Arch: then the foreign packages the AUR has newer are rebuilt, as omg\n"
	 "  install builds them (approved build files only); --repo leaves them out.\n"},
	{"attach", cmd_attach, 0, FIT_WRAP,
	 "omg attach\n"
	 "  Follow the transaction running in the engine to its end, or show how the\n"
	 "  last one ended. Ctrl-C detaches; the transaction goes on.\n"},
	{"history", cmd_history, O_LIMIT, FIT_CUT,
	 "omg history [--limit N] [show ID]\n"
	 "  Every transaction on this root, newest first; show: one with its packages.\n"},
	{"sbom", cmd_sbom, 0, FIT_NONE,
	 "omg sbom [--json]\n"
	 "  The installed packages as a CycloneDX 1.5 JSON document (an SBOM) on stdout:\n"
	 "  one component each with its package URL (pkg:deb/debian/NAME@VERSION?arch=A&\n"
	 "  distro=debian-CODENAME, pkg:alpm/arch/NAME@VERSION?arch=A), its licences\n"
	 "  (pacman) and homepage, and, when the engine has advisory data, each known\n"
	 "  advisory of an installed version as a vulnerability with its severity and\n"
	 "  fixed version. The document is JSON either way (--json is accepted).\n"
	 "  See docs/security.md.\n"},
};

static const char usage_text[] =
	"usage: omg [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
	"       omg [--root DIR] [--theme NAME] [--no-mouse]    the full-screen UI\n"
	"\n"
	"commands:\n"
	"  search TERM...   find packages by name and description (Arch: also the AUR)\n"
	"  info PKG...      show every field of packages\n"
	"  list             list packages of a kind (installed, upgradable, foreign, ...)\n"
	"  status           package counts for this system\n"
	"  vulns [PKG...]   installed packages with known vulnerabilities (advisories)\n"
	"  daemon           run the engine in the foreground, serving a socket\n"
	"  completions SH   the completion script for bash, zsh or fish\n"
	"  shell-init SH    pending updates in the bash, zsh or fish prompt (omg-fast)\n"
	"  sync             refresh the package databases\n"
	"  install PKG...   install packages (or files, or AUR builds) and what they need\n"
	"  remove PKG...    remove packages (--recursive: and unneeded dependencies)\n"
	"  upgrade          refresh, then upgrade the whole system\n"
	"  aur review PKG   Arch: review an AUR package's build files and approve them\n"
	"  attach           follow the running transaction, or show the last result\n"
	"  history          the transactions made on this root\n"
	"  audit log|verify the engine's audit log, or check that nobody tampered with it\n"
	"  sbom             the installed packages as a CycloneDX SBOM (JSON)\n"
	"  help [COMMAND]   this help, or a command's (as omg COMMAND --help)\n"
	"\n"
	"global options:\n"
	"  --root DIR           use the system under DIR (like pacman --sysroot)\n"
	"  --backend alpm|apt   override the detected package system\n"
	"  --json               machine-readable output (see omg(1) for the keys)\n"
	"  --color WHEN         auto (default), always or never; NO_COLOR is honoured\n"
	"                       (also --colour)\n"
	"  --timing             print where the time went to stderr\n"
	"  -q, --quiet          search and list: package names only, one per line\n"
	"  --socket PATH        ask the engine serving PATH (also OMG_SOCKET)\n"
	"  --no-daemon          run the engine in this process (also OMG_NO_DAEMON=1)\n"
	"  -h, --help           this help, or a command's help after it\n"
	"  -V, --version        the version\n"
	"\n"
	"full-screen UI options (no command, on a terminal):\n"
	"  --theme NAME         draw with the theme NAME (a file when it has a '/')\n"
	"  --no-mouse           leave the mouse to the terminal\n"
	"\n"
	"exit status: 0 ok, 1 no match, 2 usage, 3 unknown package, 4 bad root,\n"
	"5 bad database, 6 backend module missing, 7 transaction failed,\n"
	"8 database locked, 9 denied, 10 audit log tampered, 11 not confirmed, cancelled\n"
	"or a review declined, 12 output could not be written, 13 refused by the policy\n"
	"(AUR build files nobody approved too), 14 no advisory data or too old (vulns)\n";

/* Parses a non-negative count. */
static int parse_count(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Writes the whole output buffer to stdout. */
static int flush_out(struct cli *c);

int cli_flush(struct cli *c)
{
	if (!c->out.json && c->cmd->fit != FIT_NONE)
		render_fit_lines(&c->out, 0, c->cmd->fit == FIT_WRAP);
	int rc = flush_out(c);
	buf_reset(&c->out.b);
	if (rc)
		c->flush_failed = 1;
	return rc;
}

static int flush_out(struct cli *c)
{
	const char *p = buf_str(&c->out.b);
	size_t n = c->out.b.len;
	while (n) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EPIPE)
				report_error(&c->err, "cannot write output: %s", strerror(errno));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The long options; the values past 255 are theirs alone. */
enum { OPT_ROOT = 256, OPT_BACKEND, OPT_JSON, OPT_COLOR, OPT_TIMING, OPT_REGEX,
       OPT_NAMES, OPT_INSTALLED, OPT_LIMIT, OPT_UPGRADABLE, OPT_EXPLICIT,
       OPT_ORPHANS, OPT_FOREIGN, OPT_ALL, OPT_SOCKET, OPT_IDLE, OPT_NO_DAEMON,
       OPT_SYSTEM, OPT_READY_FD, OPT_CONFIG, OPT_DRY_RUN, OPT_RECURSIVE, OPT_NO_SYNC,
       OPT_THEME, OPT_NO_MOUSE, OPT_SECURITY, OPT_CHANGE_HELD, OPT_VULNERABLE, OPT_REFRESH,
       OPT_OVERRIDE, OPT_ASDEPS, OPT_AUR, OPT_REPO, OPT_APPROVE };
static const struct option longopts[] = {
	{"root", required_argument, NULL, OPT_ROOT},
	{"backend", required_argument, NULL, OPT_BACKEND},
	{"json", no_argument, NULL, OPT_JSON},
	{"color", required_argument, NULL, OPT_COLOR},
	{"colour", required_argument, NULL, OPT_COLOR},
	{"timing", no_argument, NULL, OPT_TIMING},
	{"regex", no_argument, NULL, OPT_REGEX},
	{"names-only", no_argument, NULL, OPT_NAMES},
	{"installed", no_argument, NULL, OPT_INSTALLED},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"upgradable", no_argument, NULL, OPT_UPGRADABLE},
	{"security", no_argument, NULL, OPT_SECURITY},
	{"explicit", no_argument, NULL, OPT_EXPLICIT},
	{"orphans", no_argument, NULL, OPT_ORPHANS},
	{"foreign", no_argument, NULL, OPT_FOREIGN},
	{"all", no_argument, NULL, OPT_ALL},
	{"vulnerable", no_argument, NULL, OPT_VULNERABLE},
	{"refresh", no_argument, NULL, OPT_REFRESH},
	{"quiet", no_argument, NULL, 'q'},
	{"socket", required_argument, NULL, OPT_SOCKET},
	{"idle", required_argument, NULL, OPT_IDLE},
	{"no-daemon", no_argument, NULL, OPT_NO_DAEMON},
	{"system", no_argument, NULL, OPT_SYSTEM},
	{"ready-fd", required_argument, NULL, OPT_READY_FD}, /* internal: the engine's start pipe */
	{"config", required_argument, NULL, OPT_CONFIG},
	{"yes", no_argument, NULL, 'y'},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"recursive", no_argument, NULL, OPT_RECURSIVE},
	{"change-held", no_argument, NULL, OPT_CHANGE_HELD},
	{"asdeps", no_argument, NULL, OPT_ASDEPS},
	{"override", required_argument, NULL, OPT_OVERRIDE},
	{"no-sync", no_argument, NULL, OPT_NO_SYNC},
	{"aur", no_argument, NULL, OPT_AUR},
	{"repo", no_argument, NULL, OPT_REPO},
	{"approve", no_argument, NULL, OPT_APPROVE},
	{"theme", required_argument, NULL, OPT_THEME},
	{"no-mouse", no_argument, NULL, OPT_NO_MOUSE},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* What parsing has seen so far, beyond the options' values in struct cli. */
struct parse {
	unsigned used;     /* O_* bits of the command options given */
	int help, nkinds, nsources, ui_opt;
	const char *color; /* --color's value */
};

/* Says that arg is no option, with the closest long option when one is near. */
static void unknown_option(struct cli *c, const char *arg)
{
	const char *names[sizeof(longopts) / sizeof(longopts[0])];
	size_t n = 0;
	for (const struct option *o = longopts; o->name; o++)
		if (o->val != OPT_READY_FD) /* the engine's, for the client that starts it */
			names[n++] = o->name;
	char word[64];
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
	const char *near = strncmp(arg, "--", 2) == 0 ? similar_closest(word, names, n) : NULL;
	if (near)
		report_error(&c->err, "unknown option '%s'; did you mean '--%s'? (see omg --help)",
			     arg, near);
	else
		report_error(&c->err, "unknown option '%s' (see omg --help)", arg);
}

/* Takes one option getopt_long returned: -1 to go on, or an exit status
 * (a usage error, said on stderr; --version printed). */
static int take_option(struct cli *c, struct parse *ps, int ch, char **argv)
{
	switch (ch) {
	case OPT_ROOT: c->s.root = optarg; break;
	case OPT_BACKEND: c->s.backend = optarg; break;
	case OPT_JSON: c->out.json = 1; break;
	case OPT_COLOR: ps->color = optarg; break;
	case OPT_TIMING: c->timing = 1; break;
	case OPT_REGEX: c->regex = 1; ps->used |= O_REGEX; break;
	case OPT_NAMES: c->names_only = 1; ps->used |= O_NAMES; break;
	case OPT_INSTALLED:
		c->installed_only = 1;
		c->list_kind = LIST_INSTALLED;
		ps->used |= O_INSTALLED;
		ps->nkinds++;
		break;
	case OPT_LIMIT:
		if (parse_count(optarg, &c->limit) != 0) {
			report_error(&c->err, "--limit needs a whole number, not '%s'", optarg);
			return EXIT_USAGE;
		}
		ps->used |= O_LIMIT;
		break;
	case OPT_UPGRADABLE: c->list_kind = LIST_UPGRADABLE; ps->used |= O_KIND; ps->nkinds++; break;
	case OPT_SECURITY: c->list_kind = LIST_SECURITY; ps->used |= O_KIND; ps->nkinds++; break;
	case OPT_EXPLICIT: c->list_kind = LIST_EXPLICIT; ps->used |= O_KIND; ps->nkinds++; break;
	case OPT_ORPHANS: c->list_kind = LIST_ORPHANS; ps->used |= O_KIND; ps->nkinds++; break;
	case OPT_FOREIGN: c->list_kind = LIST_FOREIGN; ps->used |= O_KIND; ps->nkinds++; break;
	case OPT_VULNERABLE:
		c->list_kind = LIST_VULNERABLE;
		ps->used |= O_KIND;
		ps->nkinds++;
		break;
	case OPT_REFRESH: c->refresh = 1; ps->used |= O_REFRESH; break;
	case OPT_ALL:
		c->list_kind = LIST_ALL;
		c->all = 1;
		ps->used |= O_KIND;
		ps->nkinds++;
		break;
	case 'q': c->quiet = 1; ps->used |= O_QUIET; break;
	case 'y': c->yes = 1; ps->used |= O_CONFIRM; break;
	case OPT_DRY_RUN: c->dry_run = 1; ps->used |= O_CONFIRM; break;
	case OPT_RECURSIVE: c->recursive = 1; ps->used |= O_RECURSIVE; break;
	case OPT_CHANGE_HELD: c->change_held = 1; ps->used |= O_HELD; break;
	case OPT_ASDEPS: c->asdeps = 1; ps->used |= O_ASDEPS; break;
	case OPT_NO_SYNC: c->no_sync = 1; ps->used |= O_NOSYNC; break;
	case OPT_AUR: c->source = SOURCE_AUR; ps->used |= O_AUR; ps->nsources++; break;
	case OPT_REPO: c->source = SOURCE_REPO; ps->used |= O_REPO; ps->nsources++; break;
	case OPT_APPROVE: c->approve = 1; ps->used |= O_APPROVE; break;
	case OPT_OVERRIDE: {
		uint32_t rule = policy_rule_parse(optarg);
		if (!rule) {
			report_error(&c->err, "--override takes a policy rule: severity, deny, "
					"signatures or aur, not '%s'", optarg);
			return EXIT_USAGE;
		}
		uint32_t k = 0;
		while (k < c->noverrides && strcmp(c->overrides[k], optarg) != 0)
			k++;
		if (k == c->noverrides) /* each rule once, however often it is named */
			c->overrides[c->noverrides++] = policy_rule_name(rule);
		ps->used |= O_OVERRIDE;
		break;
	}
	case OPT_THEME: c->theme = optarg; ps->ui_opt = 1; break;
	case OPT_NO_MOUSE: c->mouse = 0; ps->ui_opt = 1; break;
	case OPT_SOCKET: c->s.socket = optarg; break;
	case OPT_IDLE: {
		size_t v;
		if (parse_count(optarg, &v) != 0 || v > 86400 * 365) {
			report_error(&c->err, "--idle needs a number of seconds, not '%s'", optarg);
			return EXIT_USAGE;
		}
		c->idle = (unsigned)v;
		c->idle_set = 1;
		ps->used |= O_IDLE;
		break;
	}
	case OPT_NO_DAEMON: c->s.no_daemon = 1; break;
	case OPT_SYSTEM: c->system = 1; ps->used |= O_DAEMON; break;
	case OPT_CONFIG: c->config = optarg; ps->used |= O_DAEMON; break;
	case OPT_READY_FD: {
		size_t v;
		if (parse_count(optarg, &v) != 0 || v < 3 || v > 65535) {
			report_error(&c->err, "--ready-fd needs a file descriptor");
			return EXIT_USAGE;
		}
		c->ready_fd = (int)v;
		ps->used |= O_DAEMON;
		break;
	}
	case 'h': ps->help = 1; break;
	case 'V': printf("omg %s\n", OMG_VERSION); return EXIT_OK;
	case ':':
		report_error(&c->err, "option '%s' needs a value", argv[optind - 1]);
		return EXIT_USAGE;
	default:
		if (optopt > 0 && optopt < 256)
			report_error(&c->err, "unknown option '-%c' (see omg --help)", optopt);
		else
			unknown_option(c, argv[optind - 1]);
		return EXIT_USAGE;
	}
	return -1;
}

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The command that run runs (the table's order is --help's, not a key). */
static const struct command *command_of(int (*run)(struct cli *c, int argc, char **argv))
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].run == run)
			return &commands[i];
	return NULL;
}

/* Says that word is no command, with the closest command (or "help"). */
static void unknown_command(struct cli *c, const char *word)
{
	const char *names[NCOMMANDS + 1];
	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	names[NCOMMANDS] = "help";
	const char *near = similar_closest(word, names, NCOMMANDS + 1);
	if (near)
		report_error(&c->err, "unknown command '%s'; did you mean '%s'? (see omg --help)",
			     word, near);
	else
		report_error(&c->err, "unknown command '%s' (see omg --help)", word);
}

/* The command named at argv[optind] (omgd's is daemon), optind past it; NULL
 * for none. "help [COMMAND]" is --help. EXIT_USAGE in *rc for an unknown one. */
static const struct command *find_command(struct cli *c, struct parse *ps, int argc, char **argv,
					  int *rc)
{
	*rc = 0;
	const char *prog = strrchr(argv[0], '/');
	prog = prog ? prog + 1 : argv[0];
	if (strcmp(prog, "omgd") == 0) /* omgd is the engine: "omgd [OPTIONS]" is "omg daemon run" */
		return command_of(cmd_daemon);
	if (optind < argc && strcmp(argv[optind], "help") == 0) {
		ps->help = 1;
		optind++;
	}
	if (optind >= argc)
		return NULL;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, argv[optind]) == 0) {
			optind++;
			return &commands[i];
		}
	unknown_command(c, argv[optind]);
	*rc = EXIT_USAGE;
	return NULL;
}

/* Refuses options the command does not take and combinations that contradict
 * each other. 0, or EXIT_USAGE after saying why. */
static int check_options(struct cli *c, const struct command *cmd, struct parse *ps)
{
	if ((cmd->run == cmd_daemon || cmd->run == cmd_vulns) && (ps->used & O_KIND) && c->all &&
	    ps->nkinds == 1)
		ps->used &= ~(unsigned)O_KIND; /* --all is daemon stop's and vulns' */
	unsigned bad = ps->used & ~cmd->options;
	static const char *const names[] = {"--regex", "--names-only", "--installed", "--limit",
					    "a list kind option", "--quiet", "--idle",
					    "--system, --config or --ready-fd", "--yes or --dry-run",
					    "--recursive", "--no-sync", "--change-held", "--refresh",
					    "--override", "--asdeps", "--repo", "--approve", "--aur"};
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (bad & (1u << i)) {
			report_error(&c->err, "%s does not apply to '%s'",
				     names[i][0] ? names[i] : "that option", cmd->name);
			return EXIT_USAGE;
		}
	if (ps->nsources > 1) {
		report_error(&c->err, "--aur and --repo contradict each other");
		return EXIT_USAGE;
	}
	if (ps->nkinds > 1) {
		report_error(&c->err, "list takes one of --installed, --upgradable, --security, "
				"--explicit, --orphans, --foreign, --all");
		return EXIT_USAGE;
	}
	if (c->yes && c->dry_run) {
		report_error(&c->err, "--yes and --dry-run contradict each other");
		return EXIT_USAGE;
	}
	if (c->s.no_daemon && c->s.socket && cmd->run != cmd_daemon) {
		report_error(&c->err, "--no-daemon and --socket (or OMG_SOCKET) contradict each other");
		return EXIT_USAGE;
	}
	return 0;
}

/* Colour (--color, NO_COLOR, a terminal) and width (the terminal's) of text
 * output. 0, or EXIT_USAGE for a bad --color. */
static int set_output(struct cli *c, const char *color)
{
	if (strcmp(color, "always") == 0)
		c->out.color = 1;
	else if (strcmp(color, "never") == 0)
		c->out.color = 0;
	else if (strcmp(color, "auto") == 0)
		c->out.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !c->out.json;
	else {
		report_error(&c->err, "--color takes auto, always or never, not '%s'", color);
		return EXIT_USAGE;
	}
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		c->out.color = 0;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		c->out.width = ws.ws_col;
	return 0;
}

/* Whether argv asks for --json before any "--" (known before a usage error stops parsing). */
static int wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			return 1;
	return 0;
}

/* Parses the command line: CLI_RUN_*, or an exit status (said on stderr). */
static int parse(struct cli *c, int argc, char **argv)
{
	memset(c, 0, sizeof(*c));
	c->list_kind = -1;
	c->ready_fd = -1;
	c->mouse = -1;
	c->s.report = &c->err;
	c->out.json = wants_json(argc, argv);
	struct parse ps = {.color = "auto"};
	int ch, rc;
	opterr = 0;
	/* GNU getopt permutes: options may come before or after the command;
	 * "--" ends options (for a term that starts with '-'). */
	while ((ch = getopt_long(argc, argv, ":hqVy", longopts, NULL)) != -1)
		if ((rc = take_option(c, &ps, ch, argv)) >= 0)
			return rc;
	/* The environment's engine choices, for every command and the UI. */
	if (!c->s.socket && getenv("OMG_SOCKET") && *getenv("OMG_SOCKET"))
		c->s.socket = getenv("OMG_SOCKET");
	if (getenv("OMG_NO_DAEMON") && strcmp(getenv("OMG_NO_DAEMON"), "1") == 0)
		c->s.no_daemon = 1;
	const struct command *cmd = find_command(c, &ps, argc, argv, &rc);
	if (rc)
		return rc;
	if (ps.help) {
		fputs(cmd ? cmd->usage : usage_text, stdout);
		return EXIT_OK;
	}
	if (!cmd && !c->out.json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		/* No command on a terminal: the full-screen UI. */
		if (ps.used) {
			report_error(&c->err, "that option needs a command (see omg --help)");
			return EXIT_USAGE;
		}
		return CLI_RUN_UI;
	}
	if (ps.ui_opt) {
		report_error(&c->err, "--theme and --no-mouse are the full-screen UI's: run omg "
				"with no command on a terminal");
		return EXIT_USAGE;
	}
	if (!cmd) /* No command and no terminal (or --json): the status, for scripts. */
		cmd = command_of(cmd_status);
	if ((rc = check_options(c, cmd, &ps)) != 0 || (rc = set_output(c, ps.color)) != 0)
		return rc;
	if (c->list_kind < 0)
		c->list_kind = LIST_INSTALLED;
	c->cmd = cmd;
	c->argc = argc - optind;
	c->argv = argv + optind;
	return CLI_RUN_COMMAND;
}

/* With --json, a failure is one object on stdout instead of the answer:
 * {"error": {"code": N, "message": what stderr said}}. An object the command
 * answered keeps its keys beside "error", an array goes under json_partial
 * (docs/cli.md, "Errors in JSON"). */
static void json_failure(struct cli *c, int rc)
{
	struct buf doc = c->out.b, *b = &c->out.b;
	memset(b, 0, sizeof(*b));
	while (doc.len && (doc.p[doc.len - 1] == '\n' || doc.p[doc.len - 1] == ' '))
		doc.p[--doc.len] = '\0';
	buf_puts(b, "{\"error\":{");
	json_kv_int(b, "code", rc, 1);
	char why[64];
	snprintf(why, sizeof(why), "failed with exit status %d", rc);
	json_kv_str(b, "message", report_any(&c->err) ? report_text(&c->err) : why, 0);
	buf_append(b, buf_str(&c->json_error), c->json_error.len);
	buf_putc(b, '}');
	if (doc.len > 2 && doc.p[0] == '{') {
		buf_putc(b, ',');
		buf_append(b, doc.p + 1, doc.len - 1);
	} else {
		if (doc.len && doc.p[0] == '[' && c->json_partial) {
			buf_printf(b, ",\"%s\":", c->json_partial);
			buf_append(b, doc.p, doc.len);
		}
		buf_putc(b, '}');
	}
	buf_putc(b, '\n');
	buf_free(&doc);
}

/* Whether rc is a failure that --json says as an error object: not success,
 * not stdout itself failing, not "nothing matched" unless an error was said. */
static int json_fails(const struct cli *c, int rc)
{
	return c->out.json && rc != EXIT_OK && rc != EXIT_OUTPUT &&
	       (rc != EXIT_NOMATCH || report_any(&c->err));
}

/* Parses; a usage error with --json is said as the error object at once. */
int cli_parse(struct cli *c, int argc, char **argv)
{
	int rc = parse(c, argc, argv);
	if (rc >= 0 && json_fails(c, rc)) {
		json_failure(c, rc);
		flush_out(c);
	}
	if (rc >= 0) {
		buf_free(&c->out.b);
		buf_free(&c->json_error);
		report_free(&c->err);
	}
	return rc;
}

/* Prints --timing's line: where the time of one call went. */
static void print_timing(struct cli *c, double t0, double t1)
{
	if (c->s.client) {
		fprintf(stderr,
			"omg: timing: engine pid %u (%s, index generation %llu), connect %.1f ms, "
			"requests+format %.1f ms, write %.1f ms\n",
			(unsigned)c->s.client->engine.pid, c->s.client->engine.backend,
			(unsigned long long)c->s.client->engine.generation, c->s.connect_ms,
			t1 - t0 - c->s.connect_ms, clock_ms() - t1);
	}
	if (c->s.local) {
		struct embed_timing t;
		c->s.api->timing(c->s.local, &t);
		fprintf(stderr,
			"omg: timing: store %s, open %.1f ms, load %.1f ms, index %.1f ms, "
			"store write %.1f ms, query+format %.1f ms, write %.1f ms; "
			"%zu %s, index %.1f MiB\n",
			t.store, t.open_ms, t.load_ms, t.index_ms, t.store_ms,
			t1 - t0 - t.open_ms - t.load_ms - t.index_ms - t.store_ms, clock_ms() - t1,
			t.packages, fmt_plural(t.packages, "package", "packages"),
			(double)t.index_bytes / 1048576.0);
	}
}

/* Runs the command, fits or replaces (--json failure) its text, writes it once. */
int cli_run(struct cli *c)
{
	const struct command *cmd = c->cmd;
	double t0 = clock_ms();
	int rc = cmd->run(c, c->argc, c->argv);
	if (json_fails(c, rc))
		json_failure(c, rc);
	else if (!c->out.json && cmd->fit != FIT_NONE)
		render_fit_lines(&c->out, 0, cmd->fit == FIT_WRAP);
	double t1 = clock_ms();
	if ((flush_out(c) != 0 || c->flush_failed) && rc == EXIT_OK)
		rc = EXIT_OUTPUT;
	if (c->timing)
		print_timing(c, t0, t1);
	session_close(&c->s);
	buf_free(&c->out.b);
	buf_free(&c->json_error);
	report_free(&c->err);
	return rc;
}
