// SPDX-License-Identifier: MIT
/* The Debian backend: a thin C++ shim over libapt-pkg, a module exporting omg_backend_apt (C ABI). */

/*
 * Invariants:
 * - libapt-pkg keeps its state in process-wide globals (_config, _system, the
 *   thread-local _error): at most one apt backend instance may be open per
 *   process (open() refuses a second one), and every call on it must come from
 *   the thread that opened it. open() also sets APT_CONFIG aside for a sandbox
 *   root (setenv/unsetenv): no other thread may read the environment meanwhile.
 *   vercmp() is pure and may be called from anywhere.
 * - open() and load() use a read-only cache without the dpkg/apt lock; nothing
 *   is written except apt's binary cache file (see setup_binary_cache()).
 *   Only a transaction (plan .. release) takes the dpkg lock and writes; see
 *   "Transactions" below.
 * - No C++ exception crosses the C ABI: every exported function catches.
 *
 * What load() puts in a struct pkg (beyond the obvious):
 * - version: the depcache candidate, else the installed version; packages with
 *   neither (only config files left), pure virtual packages and not-installed
 *   packages of a foreign architecture are not emitted.
 * - desc/long_desc: the translated description apt-cache uses (the first record
 *   of TranslatedDescription()). long_desc is the Description field's
 *   continuation verbatim (lines start with a space, " ." for blank lines), so
 *   desc + "\n" + long_desc is apt's LongDesc() and regexes match as in
 *   apt-cache search. Debian's Packages files carry only the short line, so
 *   without Translation-* files long_desc is "", as in apt-cache show.
 * - repo: the best-pinned index's suite (Archive), else Codename, Label, Origin,
 *   "" for an anonymous repository; "local" when only dpkg's status has it.
 * - FOREIGN: apt list's "[installed,local]": the installed version is in no
 *   index and no index offers an upgrade (an outdated installed version with an
 *   upgrade available is UPGRADABLE, not FOREIGN).
 * - download_size: -1 when the version is not downloadable.
 * - Text from the records is made valid UTF-8 (bad bytes become U+FFFD). A
 *   record that is not the package's (corrupt or stale list) is warned about
 *   and the package skipped.
 */

#include <apt-pkg/acquire-item.h>
#include <apt-pkg/acquire-worker.h>
#include <apt-pkg/acquire.h>
#include <apt-pkg/algorithms.h>
#include <apt-pkg/aptconfiguration.h>
#include <apt-pkg/cachefile.h>
#include <apt-pkg/configuration.h>
#include <apt-pkg/debversion.h>
#include <apt-pkg/depcache.h>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/init.h>
#include <apt-pkg/install-progress.h>
#include <apt-pkg/metaindex.h>
#include <apt-pkg/packagemanager.h>
#include <apt-pkg/pkgcache.h>
#include <apt-pkg/pkgrecords.h>
#include <apt-pkg/pkgsystem.h>
#include <apt-pkg/policy.h>
#include <apt-pkg/sourcelist.h>
#include <apt-pkg/strutl.h>
#include <apt-pkg/update.h>
#include <apt-pkg/upgrade.h>
#include <apt-pkg/version.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/backend/backend.h"

namespace {

struct apt_txn;

/* One open backend instance. Owns the cache file; strings are its own copies. */
struct apt_handle {
	pkgCacheFile *cf = nullptr;        /* read-only, for load() */
	bool cf_stale = false;             /* a commit or sync changed the system: reopen cf */
	apt_txn *tx = nullptr;             /* the planned transaction, if any */
	std::string root;                  /* realpath of the root, "/" for the real system */
	std::string dpkg_info;             /* ".../var/lib/dpkg/info/" */
	std::vector<std::string> warnings; /* from open(), handed to the first load() */
	std::vector<std::string> private_cache; /* our pkgcache/srcpkgcache files, if used */
};

/* The one process-wide flag this file keeps: libapt-pkg's own state is global. */
bool apt_in_use = false;

/* Writes msg into err (truncated, always terminated) when there is room. */
void set_err(char *err, size_t errlen, const std::string &msg)
{
	if (err == nullptr || errlen == 0)
		return;
	snprintf(err, errlen, "%s", msg.c_str());
}

/* Empties libapt's error stack completely. Returns the first error (or "" if
 * none); warnings are appended to warns when it is non-NULL, notices (such as
 * "Ignoring file ... invalid filename extension") and debug lines are dropped.
 * PopMessage() cannot tell a warning from a notice (it returns whether the
 * message was an error, not whether one was popped), so the stack is drained
 * with DumpErrors() at the lowest threshold and each "X: text" line is sorted
 * by its letter. APT::Color is forced off in open(), so there are no escapes. */
std::string drain_errors(std::vector<std::string> *warns)
{
	std::ostringstream out;
	_error->DumpErrors(out, GlobalError::DEBUG, true);
	_error->Discard();
	std::istringstream in(out.str());
	std::string line, first;
	while (std::getline(in, line)) {
		if (line.size() < 3 || line[1] != ':' || line[2] != ' ')
			continue; /* the continuation of a multi-line message */
		std::string msg = line.substr(3);
		if (line[0] == 'E' && first.empty())
			first = msg;
		else if (line[0] == 'W' && warns != nullptr)
			warns->push_back(msg);
	}
	return first;
}

/* Replaces every invalid UTF-8 sequence in s with U+FFFD, in place. */
void utf8_sanitize(std::string &s)
{
	const unsigned char *p = reinterpret_cast<const unsigned char *>(s.data());
	size_t n = s.size(), i = 0;
	while (i < n && p[i] < 0x80)
		i++;
	if (i == n)
		return; /* the common case: plain ASCII */

	std::string out(s, 0, i);
	while (i < n) {
		unsigned char c = p[i];
		size_t len = 0;
		uint32_t cp = 0, min = 0;
		if (c < 0x80) {
			out.push_back(static_cast<char>(c));
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		}
		bool ok = len != 0 && i + len <= n;
		for (size_t k = 1; ok && k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				ok = false;
			else
				cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))
			ok = false;
		if (ok) {
			out.append(s, i, len);
			i += len;
		} else {
			out.append("\xef\xbf\xbd");
			i++;
		}
	}
	s.swap(out);
}

/* 64-bit FNV-1a, a stable name for a root's private cache file. */
uint64_t fnv1a(const std::string &s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (unsigned char c : s) {
		h ^= c;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* mkdir -p with mode 0700 for the parts we create. Returns true if dir exists. */
bool mkdir_p(const std::string &dir)
{
	std::string cur;
	size_t pos = 0;
	while (pos != std::string::npos) {
		pos = dir.find('/', pos + 1);
		cur = dir.substr(0, pos);
		if (cur.empty())
			continue;
		if (mkdir(cur.c_str(), 0700) != 0 && errno != EEXIST)
			return false;
	}
	struct stat st;
	return stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/* The omg cache dir for apt: $XDG_CACHE_HOME/omg/apt, else ~/.cache/omg/apt ("" if no home). */
std::string omg_apt_cache_dir()
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	if (xdg != nullptr && xdg[0] == '/')
		return std::string(xdg) + "/omg/apt";
	const char *home = getenv("HOME");
	if (home == nullptr || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw != nullptr ? pw->pw_dir : nullptr;
	}
	if (home == nullptr || home[0] != '/')
		return "";
	return std::string(home) + "/.cache/omg/apt";
}

/*
 * apt's binary cache: when the effective configuration disables it (the host
 * sets Dir::Cache::pkgcache "") or its directory is not writable by us, point
 * pkgcache and srcpkgcache at private files under the omg cache dir, keyed by
 * the root, so later runs mmap a ready cache instead of re-parsing every list.
 * If that dir cannot be created or written, apt builds the cache in memory.
 */
void setup_binary_cache(const std::string &root, std::vector<std::string> &files)
{
	std::string pc = _config->FindFile("Dir::Cache::pkgcache");
	if (!pc.empty() && access(flNotFile(pc).c_str(), W_OK) == 0)
		return;

	std::string dir = omg_apt_cache_dir();
	if (dir.empty() || !mkdir_p(dir) || access(dir.c_str(), W_OK) != 0)
		return;
	std::string suffix = ".bin";
	if (root != "/") {
		char hex[32];
		snprintf(hex, sizeof hex, "-%016llx.bin", static_cast<unsigned long long>(fnv1a(root)));
		suffix = hex;
	}
	files = {dir + "/pkgcache" + suffix, dir + "/srcpkgcache" + suffix};
	_config->Set("Dir::Cache::pkgcache", files[0]);
	_config->Set("Dir::Cache::srcpkgcache", files[1]);
}

/* Sets APT_CONFIG aside for the lifetime of the object (sandboxes only). */
struct env_aside {
	std::string saved;
	bool had = false;
	explicit env_aside(bool active)
	{
		const char *v = active ? getenv("APT_CONFIG") : nullptr;
		if (v != nullptr) {
			saved = v;
			had = true;
			unsetenv("APT_CONFIG");
		}
	}
	~env_aside()
	{
		if (had)
			setenv("APT_CONFIG", saved.c_str(), 1);
	}
};

/* Whether DPkg::Options already has an option starting with prefix. */
bool has_dpkg_option(const std::string &prefix)
{
	const Configuration::Item *opts = _config->Tree("DPkg::Options");
	for (opts = opts != nullptr ? opts->Child : nullptr; opts != nullptr; opts = opts->Next)
		if (opts->Value.compare(0, prefix.size(), prefix) == 0)
			return true;
	return false;
}

/*
 * dpkg options for a front end without a terminal: keep the installed
 * conffile when both changed (--force-confdef --force-confold, unless the
 * configuration already chose confold/confnew), and for a sandbox root act on
 * the sandbox only (--root=ROOT, --log=ROOT/var/log/dpkg.log; dpkg reads the
 * host's /etc/dpkg/dpkg.cfg, which logs to the host's /var/log/dpkg.log).
 * Never on the real root "/". No pty: dpkg writes straight to the fds that
 * the commit captures (output_capture).
 */
void setup_dpkg_options(const std::string &root, bool sandbox)
{
	if (sandbox) {
		if (!has_dpkg_option("--root"))
			_config->Set("DPkg::Options::", "--root=" + root);
		if (!has_dpkg_option("--log"))
			_config->Set("DPkg::Options::", "--log=" + root + "/var/log/dpkg.log");
	}
	if (!has_dpkg_option("--force-confdef"))
		_config->Set("DPkg::Options::", "--force-confdef");
	if (!has_dpkg_option("--force-confold") && !has_dpkg_option("--force-confnew"))
		_config->Set("DPkg::Options::", "--force-confold");
	_config->Set("Dpkg::Use-Pty", false);
}

/* Opens the package system under opts->root; see backend.h. */
void *apt_open_impl(const struct backend_opts *opts, char *err, size_t errlen, int *status)
{
	*status = BACKEND_ERR_DB;
	if (apt_in_use) {
		set_err(err, errlen, "apt backend already open in this process (libapt-pkg state is global)");
		return nullptr;
	}

	const char *want = (opts != nullptr && opts->root != nullptr && opts->root[0] != '\0')
				   ? opts->root : "/";
	char real[PATH_MAX];
	struct stat st;
	if (realpath(want, real) == nullptr || stat(real, &st) != 0) {
		set_err(err, errlen, std::string(want) + ": " + strerror(errno));
		*status = BACKEND_ERR_ROOT;
		return nullptr;
	}
	if (!S_ISDIR(st.st_mode)) {
		set_err(err, errlen, std::string(want) + ": not a directory");
		*status = BACKEND_ERR_ROOT;
		return nullptr;
	}
	std::string root = real;
	bool sandbox = root != "/";
	std::string base = sandbox ? root + "/" : "/";
	std::string status_file = base + "var/lib/dpkg/status";
	if (access(status_file.c_str(), R_OK) != 0) {
		set_err(err, errlen, status_file + ": " + strerror(errno));
		*status = BACKEND_ERR_ROOT;
		return nullptr;
	}

	/* Start from an empty configuration, as a fresh apt process would. */
	_error->Discard();
	delete _config;
	_config = new Configuration;
	if (sandbox) {
		/* Before pkgInitConfig, so only the sandbox's etc/apt is read. */
		_config->Set("Dir", base);
		_config->Set("Dir::State::status", status_file);
	}

	apt_handle *h = new apt_handle;
	h->root = root;
	bool ok;
	{
		env_aside aside(sandbox);
		ok = pkgInitConfig(*_config);
	}
	_config->Set("APT::Color", false); /* plain "E: " lines for drain_errors() */
	if (ok && sandbox) {
		_config->Set("APT::Sandbox::User", "root");
		_config->Clear("DPkg::Pre-Install-Pkgs");
		_config->Clear("DPkg::Pre-Invoke");
		_config->Clear("DPkg::Post-Invoke");
	}
	if (ok)
		setup_dpkg_options(root, sandbox); /* before pkgInitSystem runs dpkg */
	ok = ok && pkgInitSystem(*_config, _system);
	if (ok) {
		setup_binary_cache(root, h->private_cache);
		h->cf = new pkgCacheFile;
		/* Read-only: no lock taken, builds policy and depcache too. */
		ok = h->cf->Open(nullptr, false) && !_error->PendingError();
	}
	std::string first = drain_errors(&h->warnings);
	if (!ok) {
		set_err(err, errlen, first.empty() ? "cannot open the apt package cache" : first);
		/* apt keeps a cache file even when building it failed, and the next run
		 * would mmap it without noticing the bad list; forget our own copy. */
		for (const std::string &f : h->private_cache)
			unlink(f.c_str());
		delete h->cf;
		delete h;
		_config->Clear();
		return nullptr;
	}
	h->dpkg_info = flNotFile(_config->FindFile("Dir::State::status")) + "info/";
	apt_in_use = true;
	*status = BACKEND_OK;
	return h;
}

/* What load() collects for one emitted package before the record pass. */
struct item {
	pkgCache::Package *pkg;
	pkgCache::Version *ver;     /* candidate, else installed */
	pkgCache::VerFile *vf;      /* record for Maintainer/Homepage/Source */
	pkgCache::DescFile *df;     /* translated description record, or NULL */
	const char *lang;           /* that description's language code (in the mmap) */
	std::string desc, long_desc, url, maint, source;
	bool bad = false;
};

/* One record read. Reads run in (file, offset) order, as apt-cache does: the
 * lists are lz4 and a backward seek decompresses the file from the start. */
struct job {
	uint32_t file;
	uint64_t offset;
	uint32_t idx;
	uint8_t kind; /* JOB_VER | JOB_DESC */
};
enum { JOB_VER = 1, JOB_DESC = 2 };

/* What load() needs to know about each package file (indexed by its ID). */
struct file_info {
	bool in_repo;     /* a real index, not dpkg's status file */
	int prio;         /* policy pin priority */
	std::string repo; /* suite, else codename, label, origin */
};

/* The per-load context: the cache and what is looked up once. */
struct ctx {
	pkgCache &cache;
	std::string native;
	std::vector<std::string> langs;
	std::vector<file_info> files;
	explicit ctx(pkgCache &c) : cache(c) {}
};

/* V's description in the user's languages: VerIterator::TranslatedDescription()
 * with the language list looked up once instead of once per call. */
pkgCache::DescIterator translated_desc(const ctx &c, pkgCache::VerIterator const &V)
{
	auto for_lang = [&V](const char *lang) {
		for (pkgCache::DescIterator D = V.DescriptionList(); !D.end(); ++D)
			if (strcmp(lang, D.LanguageCode()) == 0)
				return D;
		return pkgCache::DescIterator();
	};
	for (const std::string &l : c.langs) {
		pkgCache::DescIterator D = for_lang(l.c_str());
		if (!D.IsGood() && l == "en")
			D = for_lang("");
		if (D.IsGood())
			return D;
	}
	pkgCache::DescIterator D = for_lang("");
	if (D.IsGood())
		return D;
	return V.DescriptionList();
}

/* The description text of the record in p for language lang (apt's field rules:
 * "Description-LANG", and "Description" for en or no language). Not LongDesc():
 * that one converts to the locale's codeset, and we must hand out UTF-8. */
std::string description_field(pkgRecords::Parser &p, const char *lang)
{
	if (lang != nullptr && lang[0] != '\0') {
		std::string d = p.RecordField(("Description-" + std::string(lang)).c_str());
		if (!d.empty() || strcmp(lang, "en") != 0)
			return d;
	}
	return p.RecordField("Description");
}

/* Appends P's name as FullName(true) prints it, without its per-call config lookup:
 * "name", or "name:arch" for another architecture. A "pkg:any" dependency target
 * is a package named "pkg:any" of architecture "any". */
void append_name(std::string &out, const ctx &c, pkgCache::PkgIterator const &P)
{
	out += P.Name();
	const char *arch = P.Arch();
	if (arch != nullptr && strcmp(arch, "all") != 0 && strcmp(arch, "any") != 0 &&
	    c.native != arch) {
		out += ':';
		out += arch;
	}
}

/*
 * The string lists of one record, packed into one reusable arena: each string
 * is NUL-terminated in arena and the views point into it once it stops growing.
 */
enum { L_DEPENDS, L_OPTDEPENDS, L_SUGGESTS, L_PROVIDES, L_CONFLICTS, L_REPLACES, L_COUNT };
struct lists {
	std::string arena;
	std::vector<size_t> off[L_COUNT];
	std::vector<const char *> ptr[L_COUNT];

	void clear()
	{
		arena.clear();
		for (auto &o : off)
			o.clear();
	}
	/* Starts a string in list k; append to arena, then call end(). */
	void begin(int k) { off[k].push_back(arena.size()); }
	void end() { arena.push_back('\0'); }
	struct strlist view(int k)
	{
		ptr[k].clear();
		for (size_t o : off[k])
			ptr[k].push_back(arena.data() + o);
		struct strlist l;
		l.v = ptr[k].empty() ? nullptr : ptr[k].data();
		l.n = static_cast<uint32_t>(ptr[k].size());
		return l;
	}
};

/* Fills the dependency and provides lists of V (implicit multi-arch ones left out). */
void collect_lists(lists &L, const ctx &c, pkgCache::VerIterator const &V)
{
	L.clear();
	bool open = false; /* inside an OR group */
	for (pkgCache::DepIterator D = V.DependsList(); !D.end(); ++D) {
		int k;
		switch (D->Type) {
		case pkgCache::Dep::PreDepends:
		case pkgCache::Dep::Depends: k = L_DEPENDS; break;
		case pkgCache::Dep::Recommends: k = L_OPTDEPENDS; break;
		case pkgCache::Dep::Suggests: k = L_SUGGESTS; break;
		case pkgCache::Dep::Conflicts:
		case pkgCache::Dep::DpkgBreaks: k = L_CONFLICTS; break;
		case pkgCache::Dep::Replaces: k = L_REPLACES; break;
		default: continue; /* Enhances, Obsoletes */
		}
		if (D.IsImplicit())
			continue;
		if (open)
			L.arena += " | ";
		else
			L.begin(k);
		append_name(L.arena, c, D.TargetPkg());
		if (D->Version != 0) {
			L.arena += " (";
			L.arena += pkgCache::CompTypeDeb(D->CompareOp);
			L.arena += ' ';
			L.arena += D.TargetVer();
			L.arena += ')';
		}
		open = (D->CompareOp & pkgCache::Dep::Or) != 0;
		if (!open)
			L.end();
	}
	if (open)
		L.end(); /* a malformed trailing OR */
	for (pkgCache::PrvIterator Prv = V.ProvidesList(); !Prv.end(); ++Prv) {
		if (Prv.IsMultiArchImplicit())
			continue;
		L.begin(L_PROVIDES);
		L.arena += Prv.Name();
		const char *pv = Prv.ProvideVersion();
		if (pv != nullptr && pv[0] != '\0') {
			L.arena += " (= ";
			L.arena += pv;
			L.arena += ')';
		}
		L.end();
	}
}

/* The best-pinned real package file of V, or NULL when only dpkg's status lists it. */
const file_info *best_file(const ctx &c, pkgCache::VerIterator const &V)
{
	const file_info *best = nullptr;
	for (pkgCache::VerFileIterator VF = V.FileList(); !VF.end(); ++VF) {
		const file_info &f = c.files[VF.File()->ID];
		if (f.in_repo && (best == nullptr || f.prio > best->prio))
			best = &f;
	}
	return best;
}

/* mtime of dpkg's file list for P, 0 if there is none. */
int64_t install_date(const apt_handle *h, pkgCache::PkgIterator const &P)
{
	struct stat st;
	std::string base = h->dpkg_info + P.Name();
	if (stat((base + ".list").c_str(), &st) == 0)
		return st.st_mtime;
	if (P.Arch() != nullptr && stat((base + ":" + P.Arch() + ".list").c_str(), &st) == 0)
		return st.st_mtime;
	return 0;
}

/* Pass 1: the packages to emit, with the version and the records to read for each. */
void pick_items(const ctx &c, pkgDepCache &dep, std::vector<item> &items)
{
	pkgCache &cache = c.cache;
	items.reserve(cache.HeaderP->PackageCount);
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
		if (P->VersionList == 0)
			continue; /* purely virtual */
		bool installed = P->CurrentVer != 0;
		if (!installed && (P.Arch() == nullptr || c.native != P.Arch()))
			continue; /* foreign architecture, not installed */
		pkgCache::VerIterator V = dep[P].CandidateVerIter(cache);
		if (V.end())
			V = P.CurrentVer();
		if (V.end())
			continue; /* e.g. only config files left, and in no repository */

		item it;
		it.pkg = P;
		it.ver = V;
		it.df = nullptr;
		it.lang = "";
		pkgCache::DescIterator D = translated_desc(c, V);
		if (!D.end()) {
			pkgCache::DescFileIterator DF = D.FileList();
			if (!DF.end()) {
				it.df = DF;
				it.lang = D.LanguageCode();
			}
		}
		it.vf = nullptr;
		for (pkgCache::VerFileIterator VF = V.FileList(); !VF.end(); ++VF) {
			if (it.vf == nullptr)
				it.vf = VF;
			if (it.df != nullptr && VF->File == it.df->File) {
				it.vf = VF; /* share the record with the description */
				break;
			}
		}
		items.push_back(std::move(it));
	}
}

/* Pass 2: reads Maintainer, Homepage, Source and the description of every item,
 * in (file, offset) order. A record that is not the package's is marked bad. */
bool read_records(const ctx &c, std::vector<item> &items,
		  const std::function<void(const std::string &)> &warn, std::string &error)
{
	pkgCache &cache = c.cache;
	std::vector<job> jobs;
	jobs.reserve(items.size() * 2);
	for (uint32_t i = 0; i < items.size(); i++) {
		const item &it = items[i];
		bool same = it.vf != nullptr && it.df != nullptr && it.vf->File == it.df->File &&
			    it.vf->Offset == it.df->Offset;
		if (it.vf != nullptr)
			jobs.push_back({static_cast<uint32_t>(it.vf->File), it.vf->Offset, i,
					static_cast<uint8_t>(same ? JOB_VER | JOB_DESC : JOB_VER)});
		if (it.df != nullptr && !same)
			jobs.push_back({static_cast<uint32_t>(it.df->File), it.df->Offset, i, JOB_DESC});
	}
	std::sort(jobs.begin(), jobs.end(), [](const job &a, const job &b) {
		return a.file != b.file ? a.file < b.file : a.offset < b.offset;
	});

	pkgRecords recs(cache);
	if (_error->PendingError()) {
		error = drain_errors(nullptr);
		return false;
	}
	for (const job &j : jobs) {
		item &it = items[j.idx];
		if (it.bad)
			continue;
		pkgCache::PkgIterator P(cache, it.pkg);
		pkgRecords::Parser &p = (j.kind & JOB_VER)
			? recs.Lookup(pkgCache::VerFileIterator(cache, it.vf))
			: recs.Lookup(pkgCache::DescFileIterator(cache, it.df));
		if (p.Name() != P.Name()) {
			it.bad = true;
			std::string e = drain_errors(nullptr);
			std::string name;
			append_name(name, c, P);
			warn(name + ": corrupt or stale package record, skipped" +
			     (e.empty() ? "" : ": " + e));
			continue;
		}
		if (j.kind & JOB_VER) {
			it.maint = p.Maintainer();
			it.url = p.Homepage();
			it.source = p.SourcePkg();
		}
		if (j.kind & JOB_DESC) {
			std::string d = description_field(p, it.lang);
			std::string::size_type nl = d.find('\n');
			if (nl == std::string::npos) {
				it.desc.swap(d);
			} else {
				it.desc.assign(d, 0, nl);
				it.long_desc.assign(d, nl + 1, std::string::npos);
			}
		}
	}
	return true;
}

/* Does a repository of the security archive offer V? Debian names the
 * suite "bookworm-security" (label "Debian-Security"), Ubuntu "jammy-security";
 * unattended-upgrades goes by the same fields. */
bool from_security(pkgCache::VerIterator V)
{
	auto ends_security = [](const char *s) {
		static const char tail[] = "-security";
		size_t n = s != nullptr ? strlen(s) : 0;
		return n >= sizeof(tail) - 1 && strcmp(s + n - (sizeof(tail) - 1), tail) == 0;
	};
	for (pkgCache::VerFileIterator VF = V.FileList(); !VF.end(); ++VF) {
		pkgCache::PkgFileIterator F = VF.File();
		if (F.Flagged(pkgCache::Flag::NotSource))
			continue; /* dpkg's status file */
		const char *label = F.Label();
		if (ends_security(F.Archive()) || ends_security(F.Codename()) ||
		    (label != nullptr && strcmp(label, "Debian-Security") == 0))
			return true;
	}
	return false;
}

/* Emits every real package once; see backend.h. */
int apt_load_impl(apt_handle *h, const struct pkg_sink *sink, char *err, size_t errlen)
{
	std::function<void(const std::string &)> warn = [sink](const std::string &m) {
		if (sink->warn != nullptr)
			sink->warn(sink->ctx, m.c_str());
	};
	for (auto &w : h->warnings)
		warn(w);
	h->warnings.clear();

	if (h->cf_stale) {
		/* A commit or sync changed the status or the lists: read them again. */
		delete h->cf;
		h->cf = new pkgCacheFile;
		h->cf_stale = false;
		if (!h->cf->Open(nullptr, false) || _error->PendingError()) {
			std::string e = drain_errors(nullptr);
			h->cf_stale = true;
			set_err(err, errlen, e.empty() ? "cannot open the apt package cache" : e);
			return -1;
		}
		std::vector<std::string> ws;
		drain_errors(&ws);
		for (auto &w : ws)
			warn(w);
	}

	pkgCache *cachep = h->cf->GetPkgCache();
	pkgDepCache *depp = h->cf->GetDepCache();
	pkgPolicy *plcyp = h->cf->GetPolicy();
	if (cachep == nullptr || depp == nullptr || plcyp == nullptr) {
		std::string e = drain_errors(nullptr);
		set_err(err, errlen, e.empty() ? "apt cache not open" : e);
		return -1;
	}
	pkgDepCache &dep = *depp;

	ctx c(*cachep);
	c.native = _config->Find("APT::Architecture");
	c.langs = APT::Configuration::getLanguages();
	c.files.resize(cachep->HeaderP->PackageFileCount);
	for (pkgCache::PkgFileIterator F = cachep->FileBegin(); !F.end(); ++F) {
		if (F->ID >= c.files.size())
			c.files.resize(F->ID + 1);
		file_info &fi = c.files[F->ID];
		fi.in_repo = !F.Flagged(pkgCache::Flag::NotSource);
		fi.prio = plcyp->GetPriority(F);
		const char *names[] = {F.Archive(), F.Codename(), F.Label(), F.Origin()};
		for (const char *n : names)
			if (n != nullptr && n[0] != '\0' && strcmp(n, "now") != 0) {
				fi.repo = n;
				break;
			}
	}

	/* Garbage = what apt autoremove would remove. Building the depcache already
	 * swept once (apt 2.6); sweeping again (~20 ms) keeps ORPHAN independent of that. */
	dep.MarkAndSweep();

	std::vector<item> items;
	pick_items(c, dep, items);
	std::string error;
	if (!read_records(c, items, warn, error)) {
		set_err(err, errlen, error.empty() ? "cannot read the package records" : error);
		return -1;
	}
	{
		std::vector<std::string> ws;
		std::string e = drain_errors(&ws);
		if (!e.empty())
			warn(e);
		for (auto &w : ws)
			warn(w);
	}

	/* Pass 3: build and emit the records. */
	lists L;
	struct strlist none = {nullptr, 0};
	std::string name;
	for (item &it : items) {
		if (it.bad)
			continue;
		pkgCache::PkgIterator P(*cachep, it.pkg);
		pkgCache::VerIterator V(*cachep, it.ver);
		pkgCache::VerIterator cur = P.CurrentVer();
		pkgDepCache::StateCache &state = dep[P];
		name.clear();
		append_name(name, c, P);
		if (V.VerStr() == nullptr || V.VerStr()[0] == '\0') {
			warn(name + ": version without a version string, skipped");
			continue;
		}
		collect_lists(L, c, V);
		const file_info *fi = best_file(c, V);
		for (std::string *s : {&it.desc, &it.long_desc, &it.url, &it.maint, &it.source})
			utf8_sanitize(*s);

		struct pkg rec;
		memset(&rec, 0, sizeof rec);
		rec.name = name.c_str();
		rec.version = V.VerStr();
		rec.installed_version = cur.end() ? "" : cur.VerStr();
		rec.repo = fi != nullptr ? fi->repo.c_str() : "local";
		rec.desc = it.desc.c_str();
		rec.long_desc = it.long_desc.c_str();
		rec.url = it.url.c_str();
		rec.arch = V.Arch() != nullptr ? V.Arch() : "";
		rec.packager = it.maint.c_str();
		rec.base = it.source.empty() ? P.Name() : it.source.c_str();
		rec.section = V.Section() != nullptr ? V.Section() : "";
		rec.licenses = none;
		rec.groups = none;
		rec.depends = L.view(L_DEPENDS);
		rec.optdepends = L.view(L_OPTDEPENDS);
		rec.suggests = L.view(L_SUGGESTS);
		rec.provides = L.view(L_PROVIDES);
		rec.conflicts = L.view(L_CONFLICTS);
		rec.replaces = L.view(L_REPLACES);
		rec.download_size = fi != nullptr ? static_cast<int64_t>(V->Size) : -1;
		rec.installed_size = static_cast<int64_t>(V->InstalledSize);
		rec.build_date = 0;
		rec.install_date = 0;
		rec.reason = PKG_REASON_NONE;
		rec.flags = 0;
		if (!cur.end()) {
			rec.flags |= PKG_INSTALLED;
			rec.install_date = install_date(h, P);
			rec.reason = (state.Flags & pkgCache::Flag::Auto) ? PKG_REASON_DEPEND
									  : PKG_REASON_EXPLICIT;
			if (state.Status == 1 && state.Upgradable()) {
				rec.flags |= PKG_UPGRADABLE;
				if (from_security(V))
					rec.flags |= PKG_SECURITY;
			}
			if (state.Garbage)
				rec.flags |= PKG_ORPHAN;
			/* apt list's "[installed,local]": the installed version is in no
			 * repository and no repository offers an upgrade either. */
			if (!(rec.flags & PKG_UPGRADABLE) &&
			    (cur == V ? fi : best_file(c, cur)) == nullptr)
				rec.flags |= PKG_FOREIGN;
		}
		if (P->SelectedState == pkgCache::State::Hold)
			rec.flags |= PKG_HELD;

		if (sink->add(sink->ctx, &rec) != 0)
			break;
	}
	return 0;
}

/* ------------------------------------------------------------------ transactions */

/*
 * Transactions. plan() resolves the request on a cache of its own, opened
 * WITH the dpkg lock (ADMINDIR/lock-frontend, then lock; it fails fast and the
 * engine retries), and keeps that cache, its marks and the lock until
 * release(). commit() downloads with pkgAcquire (apt checks every hash and,
 * as configured, signature), releases dpkg's inner lock (the frontend lock
 * stays ours and dpkg runs with DPKG_FRONTEND_LOCKED, as in apt-get) and runs
 * dpkg through pkgPackageManager. A sync takes no dpkg lock: ListUpdate takes
 * the lists lock itself during commit.
 * - POSIX record locks belong to the process, and closing ANY descriptor of
 *   the file drops them: nothing here opens a lock file while this process
 *   holds the lock (lock_holder answers from memory then).
 * - commit() sets DEBIAN_FRONTEND, DEBCONF_NONINTERACTIVE_SEEN and
 *   APT_LISTCHANGES_FRONTEND for dpkg and points fds 0-2 of the whole process
 *   elsewhere while it runs (output_capture): the same rule as APT_CONFIG in
 *   open() applies. dpkg gets --force-confdef --force-confold, no pty and
 *   /dev/null as stdin, so nothing can prompt.
 * - What dpkg, maintainer scripts, hooks and apt's methods write becomes
 *   TEV_LOG lines (dpkg's status-fd reports become TEV_PACKAGE events and
 *   Error() lines TLOG_ERROR). Not captured, or captured too much: (1) what a
 *   child writes after the commit returned (a daemon a script started and
 *   that kept its stdout: its writes then fail, as with apt's own pty once
 *   apt exits); (2) other threads' writes to stdout/stderr during a commit
 *   land in this transaction's log instead of the process's log; (3) a line
 *   redrawn with \r (a progress bar) arrives as its last state only.
 * - The read-only cache of load() is kept; after a commit or sync the next
 *   load() reopens it.
 */

/* The transaction being planned or committed. */
struct apt_txn {
	uint32_t kind = 0;
	uint32_t flags = 0;
	pkgCacheFile *cf = nullptr;       /* locked cache with the marks (not for a sync) */
	std::vector<bool> named;          /* by package ID: named by the user */
	std::vector<bool> orphan;         /* by package ID: removed as a new orphan */
	std::vector<std::string> changed; /* full names of the packages dpkg will touch */
	bool marks_only = false;          /* no package changes, only manual marks */
	bool committed = false;

	apt_txn() = default;
	apt_txn(const apt_txn &) = delete;
	apt_txn &operator=(const apt_txn &) = delete;
	/* Deleting the cache file drops the marks and, with it, the dpkg lock. */
	~apt_txn() { delete cf; }
};

/* "comm (pid N)" for pid, or "pid N" when /proc does not say. */
std::string describe_pid(long pid)
{
	std::ifstream f("/proc/" + std::to_string(pid) + "/comm");
	std::string comm;
	if (f && std::getline(f, comm) && !comm.empty())
		return comm + " (pid " + std::to_string(pid) + ")";
	return "pid " + std::to_string(pid);
}

/* Who holds a write lock on path: "" if nobody or the file is missing. Opens
 * and closes path: never call it for a file this process has locked. */
std::string lock_file_holder(const std::string &path)
{
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return "";
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	std::string who;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		who = fl.l_pid > 0 ? describe_pid(fl.l_pid) : "another process";
	close(fd);
	return who;
}

/* dpkg's admin directory ("ROOT/var/lib/dpkg/"), from the configuration. */
std::string dpkg_admindir()
{
	return flNotFile(_config->FindFile("Dir::State::status"));
}

/* Who holds dpkg's frontend lock, else its database lock; "" when free. */
std::string dpkg_lock_holder()
{
	std::string dir = dpkg_admindir();
	std::string who = lock_file_holder(dir + "lock-frontend");
	return who.empty() ? lock_file_holder(dir + "lock") : who;
}

/* The first line of s. */
std::string first_line(const std::string &s)
{
	return s.substr(0, s.find('\n'));
}

/*
 * Captures what child processes (dpkg, maintainer scripts, apt's methods and
 * hooks) write: while active, fds 1 and 2 of the process are a pipe and fd 0
 * is /dev/null (nobody may prompt). A thread drains the pipe into a buffer so
 * a chatty child never blocks on a full pipe; lines are handed out on the
 * caller's thread (take). libapt-pkg forks its children itself (ExecFork) and
 * gives no hook to redirect only theirs, hence the process-wide swap;
 * suspend()/resume() put the real fds back around every callback, so what a
 * callback prints is not captured (a child already running keeps the pipe).
 */
class output_capture {
public:
	output_capture() = default;
	output_capture(const output_capture &) = delete;
	output_capture &operator=(const output_capture &) = delete;
	~output_capture() { finish(); }

	/* Starts capturing; false (nothing changed) if the fds cannot be set up. */
	bool start()
	{
		int p[2];
		if (pipe2(p, O_CLOEXEC) != 0)
			return false;
		rd_ = p[0];
		wr_ = p[1];
		(void)fcntl(wr_, F_SETPIPE_SZ, 1 << 20); /* best effort */
		(void)fcntl(rd_, F_SETFL, O_NONBLOCK);
		null_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
		bool ok = null_ >= 0;
		for (int i = 0; i < 3 && ok; i++) {
			saved_[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);
			if (saved_[i] < 0 && errno != EBADF)
				ok = false;
		}
		if (!ok) {
			close_all();
			return false;
		}
		try {
			reader_ = std::thread(&output_capture::run, this);
		} catch (...) {
			close_all();
			return false;
		}
		started_ = true;
		resume();
		return true;
	}

	/* Puts the process's own fds 0-2 back (until resume). */
	void suspend()
	{
		if (!redirected_)
			return;
		flush_streams();
		for (int i = 0; i < 3; i++) {
			if (saved_[i] >= 0)
				dup2(saved_[i], i);
			else
				close(i);
		}
		redirected_ = false;
	}

	/* Redirects fds 0-2 again. */
	void resume()
	{
		if (!started_ || redirected_)
			return;
		flush_streams();
		dup2(null_, 0);
		dup2(wr_, 1);
		dup2(wr_, 2);
		redirected_ = true;
	}

	bool redirected() const { return redirected_; }

	/* Stops: restores the fds, collects what is left and ends the thread
	 * (without waiting for a daemon a script started that keeps the pipe). */
	void finish()
	{
		if (!started_)
			return;
		suspend();
		close(wr_);
		wr_ = -1;
		stop_ = true;
		if (reader_.joinable())
			reader_.join();
		started_ = false;
		close_all();
	}

	/* Moves every complete line (and with partial, the rest) into out. */
	void take(std::vector<std::string> &out, bool partial)
	{
		std::lock_guard<std::mutex> g(mu_);
		size_t start = 0, nl;
		while ((nl = buf_.find('\n', start)) != std::string::npos) {
			out.push_back(buf_.substr(start, nl - start));
			start = nl + 1;
		}
		buf_.erase(0, start);
		if (partial && !buf_.empty()) {
			out.push_back(buf_);
			buf_.clear();
		}
	}

private:
	static void flush_streams()
	{
		std::cout.flush();
		std::cerr.flush();
		fflush(nullptr);
	}

	void close_all()
	{
		for (int *fd : {&rd_, &wr_, &null_, &saved_[0], &saved_[1], &saved_[2]}) {
			if (*fd >= 0)
				close(*fd);
			*fd = -1;
		}
	}

	/* The reader thread: reads until EOF, or until stopped and idle. */
	void run()
	{
		char b[4096];
		size_t after_stop = 0;
		for (;;) {
			struct pollfd pfd = {rd_, POLLIN, 0};
			int n = poll(&pfd, 1, stop_ ? 0 : 100);
			if (n < 0 && errno != EINTR)
				break;
			if (n <= 0) {
				if (stop_)
					break;
				continue;
			}
			ssize_t r = read(rd_, b, sizeof b);
			if (r == 0)
				break; /* every writer is gone */
			if (r < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				break;
			}
			std::lock_guard<std::mutex> g(mu_);
			buf_.append(b, static_cast<size_t>(r));
			if (stop_ && (after_stop += static_cast<size_t>(r)) > (1u << 20))
				break; /* a child that never stops writing */
		}
	}

	int saved_[3] = {-1, -1, -1};
	int rd_ = -1, wr_ = -1, null_ = -1;
	bool started_ = false, redirected_ = false;
	std::thread reader_;
	std::mutex mu_;
	std::string buf_;
	std::atomic<bool> stop_{false};
};

/* Sends transaction events to the caller: captured output first, as TEV_LOG
 * lines, and every callback with the real fds back in place. */
struct emitter {
	const struct trans_cb *cb = nullptr;
	output_capture *cap = nullptr;
	std::string first_error; /* the first dpkg error reported through Error() */

	void send(const struct trans_event &ev)
	{
		if (cb == nullptr || cb->event == nullptr)
			return;
		bool was = cap != nullptr && cap->redirected();
		if (was)
			cap->suspend();
		cb->event(cb->ctx, &ev);
		if (was)
			cap->resume();
	}

	/* One event; fields not given are 0 or "". */
	void event(uint32_t kind, const std::string &name, const std::string &text,
		   uint32_t index = 0, uint32_t count = 0, uint64_t done = 0, uint64_t total = 0,
		   uint32_t percent = 0)
	{
		if (kind != TEV_LOG)
			flush_log(false);
		std::string n = name, t = text;
		utf8_sanitize(n);
		utf8_sanitize(t);
		struct trans_event ev;
		memset(&ev, 0, sizeof ev);
		ev.kind = kind;
		ev.name = n.c_str();
		ev.text = t.c_str();
		ev.index = index;
		ev.count = count;
		ev.done = done;
		ev.total = total;
		ev.percent = percent > 100 ? 100 : percent;
		send(ev);
	}

	void log(uint32_t level, const std::string &text)
	{
		std::string t = text;
		while (!t.empty() && (t.back() == '\r' || t.back() == '\n'))
			t.pop_back();
		if (t.empty())
			return;
		utf8_sanitize(t);
		struct trans_event ev;
		memset(&ev, 0, sizeof ev);
		ev.kind = TEV_LOG;
		ev.level = level;
		ev.name = "";
		ev.text = t.c_str();
		send(ev);
	}

	/* Captured output so far, one TEV_LOG line each. */
	void flush_log(bool partial)
	{
		if (cap == nullptr)
			return;
		std::vector<std::string> lines;
		cap->take(lines, partial);
		for (std::string &l : lines) {
			/* A progress line redrawn with \r: keep its last state. */
			while (!l.empty() && l.back() == '\r')
				l.pop_back();
			std::string::size_type cr = l.rfind('\r');
			if (cr != std::string::npos)
				l.erase(0, cr + 1);
			log(TLOG_INFO, l);
		}
	}

	/* apt's warnings (and errors, at level) as log lines; empties _error. */
	void log_apt_messages()
	{
		std::vector<std::string> warns;
		std::string e = drain_errors(&warns);
		for (const std::string &w : warns)
			log(TLOG_WARNING, w);
		if (!e.empty())
			log(TLOG_ERROR, e);
	}
};

/* pkgAcquire's progress as TEV_DOWNLOAD events. */
class acq_status : public pkgAcquireStatus {
public:
	/* count: the number of files (0: the items the fetcher holds at the time). */
	acq_status(emitter &em, uint32_t count) : em_(em), count_(count) {}
	void set_count(uint32_t count) { count_ = count; }

	bool MediaChange(std::string, std::string) override { return false; }

	void Fetch(pkgAcquire::ItemDesc &desc) override
	{
		/* apt may report one item twice (a file: Release is fetched, then
		 * copied): one start and one end per item. */
		if (ended_.count(desc.Owner) != 0 || !started_.insert(desc.Owner).second)
			return;
		shown_[desc.Owner] = 0;
		uint64_t total = desc.Owner != nullptr ? desc.Owner->FileSize : 0;
		em_.event(TEV_DOWNLOAD, desc.ShortDesc, "", index(desc), count(desc), 0, total, 0);
	}

	void IMSHit(pkgAcquire::ItemDesc &desc) override { finished(desc, "done"); }

	void Done(pkgAcquire::ItemDesc &desc) override { finished(desc, "done"); }

	void Fail(pkgAcquire::ItemDesc &desc) override
	{
		pkgAcquire::Item *it = desc.Owner;
		if (it == nullptr)
			return;
		/* apt's "Ign": an optional file (InRelease of an unsigned repository,
		 * a translation) that is not there. Not a failure; reported only if
		 * its download had started. */
		if (it->Status == pkgAcquire::Item::StatIdle || it->Status == pkgAcquire::Item::StatDone) {
			if (started_.count(it) != 0)
				finished(desc, "done");
			return;
		}
		std::string why = first_line(it->ErrorText);
		finished(desc, "failed: " + (why.empty() ? std::string("unknown error") : why));
	}

	bool Pulse(pkgAcquire *owner) override
	{
		bool ok = pkgAcquireStatus::Pulse(owner);
		for (pkgAcquire::Worker *w = owner->WorkersBegin(); w != nullptr; w = owner->WorkerStep(w)) {
			auto *q = w->CurrentItem; /* QItem: a protected type name */
			if (q == nullptr || q->Owner == nullptr || started_.count(q->Owner) == 0 ||
			    ended_.count(q->Owner) != 0)
				continue;
			auto last = shown_.find(q->Owner);
			if (last != shown_.end() && last->second == q->CurrentSize)
				continue; /* nothing new since the last event */
			shown_[q->Owner] = q->CurrentSize;
			uint32_t pct = q->TotalSize > 0
				? static_cast<uint32_t>(q->CurrentSize * 100 / q->TotalSize) : 0;
			em_.event(TEV_DOWNLOAD, q->ShortDesc, "", index(*q), count(*q), q->CurrentSize,
				  q->TotalSize, pct > 99 ? 99 : pct);
		}
		em_.flush_log(false);
		return ok;
	}

private:
	uint32_t index(const pkgAcquire::ItemDesc &desc)
	{
		auto r = index_.emplace(desc.Owner, static_cast<uint32_t>(index_.size() + 1));
		return r.first->second;
	}

	uint32_t count(const pkgAcquire::ItemDesc &desc)
	{
		if (count_ != 0)
			return count_;
		pkgAcquire *a = desc.Owner != nullptr ? desc.Owner->GetOwner() : nullptr;
		return a != nullptr ? static_cast<uint32_t>(a->ItemsEnd() - a->ItemsBegin()) : 0;
	}

	void finished(pkgAcquire::ItemDesc &desc, const std::string &text)
	{
		/* Once per item; but a failure after "done" (a signature checked
		 * after the download) is reported too. */
		bool failure = text.compare(0, 7, "failed:") == 0;
		if (!ended_.insert(desc.Owner).second && (!failure || !failed_.insert(desc.Owner).second))
			return;
		if (failure)
			failed_.insert(desc.Owner);
		uint64_t size = desc.Owner != nullptr ? desc.Owner->FileSize : 0;
		em_.event(TEV_DOWNLOAD, desc.ShortDesc, text, index(desc), count(desc), size, size, 100);
	}

	emitter &em_;
	uint32_t count_;
	std::map<const pkgAcquire::Item *, uint32_t> index_;
	std::set<const pkgAcquire::Item *> started_, ended_, failed_;
	std::map<const pkgAcquire::Item *, unsigned long long> shown_; /* bytes last reported */
};

/* dpkg's progress (apt's pmstatus lines) as TEV_PACKAGE events. */
class dpkg_progress : public APT::Progress::PackageManager {
public:
	/* How many times apt reports a package: to install, preparing, unpacking,
	 * installing, preparing to configure, configuring, installed; to remove,
	 * preparing for removal, removing twice; to purge, preparing for removal,
	 * removing twice, completely removing, preparing to completely remove,
	 * completely removed. */
	static constexpr uint32_t STEPS_INSTALL = 6, STEPS_REMOVE = 3, STEPS_PURGE = 6;

	/* expect: STEPS_* for each package. */
	dpkg_progress(emitter &em, std::map<std::string, uint32_t> expect)
		: em_(em), expect_(std::move(expect)),
		  native_(":" + _config->Find("APT::Architecture"))
	{
	}

	bool StatusChanged(std::string pkg, unsigned int, unsigned int, std::string action) override
	{
		std::string name = short_name(pkg);
		auto r = seen_.emplace(name, std::make_pair(static_cast<uint32_t>(seen_.size() + 1), 0u));
		uint32_t &steps = r.first->second.second;
		steps++;
		auto e = expect_.find(name);
		uint32_t want = e != expect_.end() ? e->second : 0;
		/* apt's last word for a package: "Installed x" / "Removed x", or
		 * "Completely removed x" for a purge. */
		bool last = action.compare(0, 10, "Installed ") == 0 ||
			    action.compare(0, 8, "Removed ") == 0 ||
			    action.compare(0, 19, "Completely removed ") == 0;
		uint32_t pct = last ? 100 : want > 0 ? std::min(99u, steps * 100 / want) : 0;
		uint32_t count = static_cast<uint32_t>(std::max(expect_.size(), seen_.size()));
		em_.event(TEV_PACKAGE, name, action, r.first->second.first, count, 0, 0, pct);
		return true;
	}

	void Error(std::string pkg, unsigned int, unsigned int, std::string msg) override
	{
		std::string line = short_name(pkg) + ": " + first_line(msg);
		if (em_.first_error.empty())
			em_.first_error = line;
		em_.flush_log(false);
		em_.log(TLOG_ERROR, line);
	}

	/* dpkg reports the prompt even when --force-confdef/--force-confold
	 * answered it; the outcome is a TEV_DECISION after the commit. */
	void ConffilePrompt(std::string pkg, unsigned int, unsigned int, std::string msg) override
	{
		em_.flush_log(false);
		em_.log(TLOG_INFO, "conffile question answered by --force-confold: " + short_name(pkg) +
					   ": " + first_line(msg));
	}

	void Pulse() override { em_.flush_log(false); }

private:
	/* "name" for the native architecture and "all", else "name:arch"; for
	 * an archive dpkg failed to unpack (a path), the name in its file name. */
	std::string short_name(const std::string &pkg) const
	{
		if (pkg.find('/') != std::string::npos && pkg.size() > 4 &&
		    pkg.compare(pkg.size() - 4, 4, ".deb") == 0) {
			std::string base = flNotDir(pkg);
			return DeQuoteString(base.substr(0, base.find('_')));
		}
		for (const std::string &suffix : {native_, std::string(":all")})
			if (pkg.size() > suffix.size() &&
			    pkg.compare(pkg.size() - suffix.size(), suffix.size(), suffix) == 0)
				return pkg.substr(0, pkg.size() - suffix.size());
		return pkg;
	}

	emitter &em_;
	std::map<std::string, uint32_t> expect_;
	std::map<std::string, std::pair<uint32_t, uint32_t>> seen_; /* name -> index, steps */
	std::string native_;
};

/* Sets environment variables for the lifetime of the object, then restores them. */
struct env_set {
	std::vector<std::pair<std::string, std::pair<bool, std::string>>> saved;
	void set(const char *name, const char *value)
	{
		const char *old = getenv(name);
		saved.push_back({name, {old != nullptr, old != nullptr ? old : ""}});
		setenv(name, value, 1);
	}
	~env_set()
	{
		for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
			if (it->second.first)
				setenv(it->first.c_str(), it->second.second.c_str(), 1);
			else
				unsetenv(it->first.c_str());
		}
	}
};

/* The suite (else codename, label, origin) of V's best-pinned repository, "" if none. */
std::string ver_repo(pkgPolicy &policy, pkgCache::VerIterator const &V)
{
	std::string best;
	int prio = INT_MIN;
	for (pkgCache::VerFileIterator VF = V.FileList(); !VF.end(); ++VF) {
		pkgCache::PkgFileIterator F = VF.File();
		if (F.Flagged(pkgCache::Flag::NotSource))
			continue;
		int p = policy.GetPriority(F);
		if (!best.empty() && p <= prio)
			continue;
		for (const char *n : {F.Archive(), F.Codename(), F.Label(), F.Origin()})
			if (n != nullptr && n[0] != '\0' && strcmp(n, "now") != 0) {
				best = n;
				prio = p;
				break;
			}
	}
	return best;
}

/* How one target of a broken dependency stands, as apt-get's ShowBroken words it. */
std::string target_state(pkgDepCache &dep, pkgCache::DepIterator const &D)
{
	pkgCache &cache = dep.GetCache();
	pkgCache::PkgIterator T = D.TargetPkg();
	std::string s = T.FullName(true);
	if (D.TargetVer() != nullptr)
		s += std::string(" (") + D.CompType() + " " + D.TargetVer() + ")";
	if (T->ProvidesList != 0)
		return s; /* virtual: apt says no more */
	pkgCache::VerIterator V = dep[T].InstVerIter(cache);
	if (!V.end())
		s += std::string(" but ") + V.VerStr() +
		     (V == T.CurrentVer() ? " is installed" : " is to be installed");
	else if (dep[T].CandidateVerIter(cache).end())
		s += " but it is not installable";
	else
		s += " but it is not going to be installed";
	return s;
}

/* apt-get's line for the first broken dependency of P:
 * "omg-missingdep : Depends: omg-nonexistent but it is not installable". */
std::string broken_reason(pkgDepCache &dep, pkgCache::PkgIterator const &P)
{
	pkgCache &cache = dep.GetCache();
	pkgCache::VerIterator V = dep[P].InstVerIter(cache);
	if (V.end())
		V = P.CurrentVer();
	if (V.end())
		return "";
	for (pkgCache::DepIterator D = V.DependsList(); !D.end();) {
		pkgCache::DepIterator Start, End;
		D.GlobOr(Start, End);
		if (!dep.IsImportantDep(End))
			continue;
		if ((dep[End] & pkgDepCache::DepGInstall) == pkgDepCache::DepGInstall)
			continue;
		std::string out = P.FullName(true) + " : " + End.DepType() + ": ";
		for (pkgCache::DepIterator I = Start;; ++I) {
			out += target_state(dep, I);
			if (I == End)
				break;
			out += " or ";
		}
		return out;
	}
	return "";
}

/* Why the marks in dep are broken: the first named package's broken
 * dependency, else any broken package's; "" if none is found. */
std::string broken_summary(pkgDepCache &dep, const apt_txn &tx)
{
	pkgCache &cache = dep.GetCache();
	std::string any;
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
		if (!dep[P].InstBroken())
			continue;
		std::string r = broken_reason(dep, P);
		if (r.empty())
			continue;
		if (tx.named[P->ID])
			return r;
		if (any.empty())
			any = r;
	}
	return any;
}

/* Joins names with ", ". */
std::string join(const std::vector<std::string> &v)
{
	std::string out;
	for (const std::string &s : v)
		out += (out.empty() ? "" : ", ") + s;
	return out;
}

/* Whether installed package R needs (Depends/Pre-Depends) package T or
 * something T's installed version provides. */
bool needs(pkgCache::PkgIterator const &R, pkgCache::PkgIterator const &T)
{
	pkgCache::VerIterator RV = R.CurrentVer(), TV = T.CurrentVer();
	if (RV.end())
		return false;
	for (pkgCache::DepIterator D = RV.DependsList(); !D.end(); ++D) {
		if (D->Type != pkgCache::Dep::Depends && D->Type != pkgCache::Dep::PreDepends)
			continue;
		pkgCache::PkgIterator Tg = D.TargetPkg();
		if (Tg == T)
			return true;
		if (!TV.end())
			for (pkgCache::PrvIterator Prv = TV.ProvidesList(); !Prv.end(); ++Prv)
				if (Prv.ParentPkg() == Tg)
					return true;
	}
	return false;
}

/* Whether the installed R and the to-be-installed I conflict (either way). */
bool conflicts(pkgDepCache &dep, pkgCache::PkgIterator const &R, pkgCache::PkgIterator const &I)
{
	pkgCache &cache = dep.GetCache();
	pkgCache::VerIterator IV = dep[I].InstVerIter(cache), RV = R.CurrentVer();
	auto hits = [](pkgCache::VerIterator const &A, pkgCache::VerIterator const &B) {
		for (pkgCache::DepIterator D = A.DependsList(); !D.end(); ++D) {
			if (!D.IsNegative())
				continue;
			if (D.TargetPkg() == B.ParentPkg())
				return true;
			for (pkgCache::PrvIterator Prv = B.ProvidesList(); !Prv.end(); ++Prv)
				if (Prv.ParentPkg() == D.TargetPkg())
					return true;
		}
		return false;
	};
	return !IV.end() && !RV.end() && (hits(IV, RV) || hits(RV, IV));
}

/*
 * The rule every plan ends with: nothing is removed that the user did not
 * name (or, with --recursive, that this removal orphaned), and nothing
 * essential or protected is removed at all. Returns "" or the reason.
 */
std::string check_removals(pkgDepCache &dep, const apt_txn &tx)
{
	pkgCache &cache = dep.GetCache();
	std::vector<pkgCache::PkgIterator> extra, named, installs;
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
		pkgDepCache::StateCache &st = dep[P];
		if (st.Install() && tx.named[P->ID])
			installs.push_back(P);
		if (!st.Delete() || P->CurrentVer == 0)
			continue;
		if ((P->Flags & pkgCache::Flag::Essential) != 0)
			return "'" + P.FullName(true) + "' is an essential package: it is not removed";
		if ((P->Flags & pkgCache::Flag::Important) != 0)
			return "'" + P.FullName(true) + "' is a protected package: it is not removed";
		/* An apply's named package that goes is one of its '-' or '_' marks:
		 * the '+' and '=' ones are protected from the resolver. */
		if ((tx.kind == TRANS_REMOVE || tx.kind == TRANS_APPLY) && tx.named[P->ID])
			named.push_back(P);
		else if (!tx.orphan[P->ID])
			extra.push_back(P);
	}
	if (extra.empty())
		return "";

	/* An apply says it as a removal when what else goes needs what it removes,
	 * and as an install otherwise. */
	bool needs_named = false;
	for (auto &R : extra)
		for (auto &N : named)
			needs_named = needs_named || needs(R, N);
	std::vector<std::string> what, why;
	if (tx.kind == TRANS_REMOVE || (tx.kind == TRANS_APPLY && needs_named)) {
		for (auto &N : named)
			what.push_back(N.FullName(true));
		for (auto &R : extra) {
			std::vector<std::string> needed;
			for (auto &N : named)
				if (needs(R, N))
					needed.push_back(N.FullName(true));
			why.push_back(R.FullName(true) +
				      (needed.empty() ? "" : " (needs " + join(needed) + ")"));
		}
		if (extra.size() == 1 && named.size() == 1 && needs(extra[0], named[0]))
			return "removing " + what[0] + " would also remove " +
			       extra[0].FullName(true) + ", which needs it; name it too";
		return "removing " + join(what) + " would also remove " + join(why) +
		       "; name " + (extra.size() == 1 ? "it" : "them") + " too";
	}
	std::string verb = tx.kind == TRANS_UPGRADE ? "upgrading" : "installing";
	for (auto &N : installs)
		what.push_back(N.FullName(true));
	for (auto &R : extra) {
		std::vector<std::string> with;
		for (pkgCache::PkgIterator I = cache.PkgBegin(); !I.end(); ++I)
			if (dep[I].Install() && conflicts(dep, R, I))
				with.push_back(I.FullName(true));
		why.push_back(R.FullName(true) +
			      (with.empty() ? "" : ", which conflicts with " + join(with)));
	}
	std::string subject = what.empty() ? verb : verb + " " + join(what);
	if (subject == "upgrading")
		subject = "the upgrade";
	if (tx.kind == TRANS_APPLY && what.empty())
		subject = "the changes";
	if (tx.kind == TRANS_APPLY)
		return subject + " would remove " + join(why) + "; mark " +
		       (extra.size() == 1 ? "it" : "them") + " for removal too if that is what you want";
	return subject + " would remove " + join(why) + "; remove " +
	       (extra.size() == 1 ? "it" : "them") + " first if that is what you want";
}

/* Bytes each package's archive still needs to download, by package full name,
 * as apt-get's "Need to get": 0 when a matching file is in the archives cache. */
std::map<std::string, int64_t> download_sizes(pkgCacheFile &cf)
{
	std::map<std::string, int64_t> out;
	pkgAcquire fetcher;
	pkgRecords recs(cf);
	std::unique_ptr<pkgPackageManager> pm(_system->CreatePM(cf.GetDepCache()));
	if (!pm->GetArchives(&fetcher, cf.GetSourceList(), &recs))
		return out;
	for (auto it = fetcher.ItemsBegin(); it != fetcher.ItemsEnd(); ++it)
		out[(*it)->ShortDesc()] = (*it)->Local ? 0 : static_cast<int64_t>((*it)->FileSize);
	return out;
}

/* Reports every changed package through cb->item (by name) and records them in tx. */
void report_items(apt_txn &tx, const struct trans_cb *cb)
{
	pkgCacheFile &cf = *tx.cf;
	pkgDepCache &dep = *cf.GetDepCache();
	pkgCache &cache = *cf.GetPkgCache();
	pkgPolicy &policy = *cf.GetPolicy();
	struct row {
		std::string name, old_v, new_v, repo;
		uint32_t action, reason;
		int64_t download, size_change;
	};
	std::vector<row> rows;
	std::map<std::string, int64_t> dl;
	bool need_dl = dep.InstCount() > 0;
	if (need_dl)
		dl = download_sizes(cf);
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
		pkgDepCache::StateCache &st = dep[P];
		pkgCache::VerIterator cur = P.CurrentVer(), inst = st.InstVerIter(cache);
		uint32_t action;
		if (st.NewInstall())
			action = ACT_INSTALL;
		else if (st.Upgrade())
			action = ACT_UPGRADE;
		else if (st.Downgrade())
			action = ACT_DOWNGRADE;
		else if (st.ReInstall() && !cur.end())
			action = ACT_REINSTALL;
		else if (st.Delete() && !cur.end())
			action = ACT_REMOVE;
		else
			continue;
		row r;
		r.name = P.FullName(true);
		r.action = action;
		r.old_v = cur.end() ? "" : cur.VerStr();
		int64_t before = cur.end() ? 0 : static_cast<int64_t>(cur->InstalledSize);
		if (action == ACT_REMOVE) {
			r.reason = tx.orphan[P->ID] ? PKG_REASON_DEPEND : PKG_REASON_EXPLICIT;
			r.download = 0;
			r.size_change = -before;
		} else {
			if (inst.end())
				inst = cur;
			r.new_v = inst.VerStr();
			r.repo = ver_repo(policy, inst);
			r.reason = tx.named[P->ID] || !(st.Flags & pkgCache::Flag::Auto)
					   ? PKG_REASON_EXPLICIT : PKG_REASON_DEPEND;
			auto d = dl.find(P.FullName(true));
			r.download = d != dl.end() ? d->second : static_cast<int64_t>(inst->Size);
			r.size_change = static_cast<int64_t>(inst->InstalledSize) - before;
		}
		rows.push_back(std::move(r));
	}
	std::sort(rows.begin(), rows.end(), [](const row &a, const row &b) { return a.name < b.name; });
	tx.changed.clear();
	for (const row &r : rows) {
		tx.changed.push_back(r.name);
		if (cb == nullptr || cb->item == nullptr)
			continue;
		struct trans_item it;
		memset(&it, 0, sizeof it);
		it.action = r.action;
		it.reason = r.reason;
		it.name = r.name.c_str();
		it.old_version = r.old_v.c_str();
		it.new_version = r.new_v.c_str();
		it.repo = r.repo.c_str();
		it.download = r.download;
		it.size_change = r.size_change;
		cb->item(cb->ctx, &it);
	}
}

/* Reports an error from a plan or commit: the message, else apt's first error. */
int fail(char *err, size_t errlen, int *status, int code, const std::string &msg)
{
	std::string apt_first = drain_errors(nullptr);
	set_err(err, errlen, !msg.empty() ? msg
			     : !apt_first.empty() ? apt_first : "the transaction failed");
	*status = code;
	return -1;
}

/* Opens the transaction's cache with the dpkg lock. 0, or -1 (LOCKED when
 * another process holds it). */
int open_locked(apt_txn &tx, char *err, size_t errlen, int *status)
{
	/* Fail fast with the holder; apt's own message names it too, but only
	 * for the lock it tried first. */
	std::string who = dpkg_lock_holder();
	if (!who.empty()) {
		_error->Discard();
		return fail(err, errlen, status, BACKEND_ERR_LOCKED,
			    "the package database is locked by " + who);
	}
	tx.cf = new pkgCacheFile;
	if (!tx.cf->Open(nullptr, true) || _error->PendingError()) {
		std::string e = drain_errors(nullptr);
		delete tx.cf; /* drops a lock taken half-way */
		tx.cf = nullptr;
		who = dpkg_lock_holder();
		if (!who.empty())
			return fail(err, errlen, status, BACKEND_ERR_LOCKED,
				    "the package database is locked by " + who);
		return fail(err, errlen, status, BACKEND_ERR_TXN,
			    e.empty() ? "cannot lock and open the package database" : e);
	}
	drain_errors(nullptr); /* warnings were given at open() already */
	pkgCache &cache = *tx.cf->GetPkgCache();
	tx.named.assign(cache.HeaderP->PackageCount, false);
	tx.orphan.assign(cache.HeaderP->PackageCount, false);
	return 0;
}

/* The package a user's name means for an install: the package itself, or the
 * only provider of a virtual one. NULL-iterator and msg set when there is none. */
pkgCache::PkgIterator install_target(pkgDepCache &dep, const std::string &name, std::string &msg)
{
	pkgCache &cache = dep.GetCache();
	pkgCache::PkgIterator P = cache.FindPkg(name);
	if (!P.end() && P->VersionList != 0)
		return P;
	std::vector<pkgCache::PkgIterator> providers;
	if (!P.end())
		for (pkgCache::PrvIterator Prv = P.ProvidesList(); !Prv.end(); ++Prv) {
			pkgCache::PkgIterator O = Prv.OwnerPkg();
			if (dep[O].CandidateVerIter(cache) == Prv.OwnerVer() &&
			    std::find(providers.begin(), providers.end(), O) == providers.end())
				providers.push_back(O);
		}
	if (providers.size() == 1)
		return providers[0];
	if (providers.empty()) {
		msg = "package '" + name + "' was not found";
	} else {
		std::vector<std::string> names;
		for (auto &O : providers)
			names.push_back(O.FullName(true));
		std::sort(names.begin(), names.end());
		msg = "package '" + name + "' is virtual, provided by " + join(names) + ": name one";
	}
	return pkgCache::PkgIterator();
}

/* As apt-get: marks every target first without its dependencies, so one
 * whose dependencies cannot be met stays marked (and broken) for the resolver
 * to report, then the dependencies of those still broken. A target already
 * at its newest version is only marked manual. Call inside an ActionGroup. */
static void mark_installs(apt_txn &tx, pkgDepCache &dep, pkgCache &cache, pkgProblemResolver &fix,
			  const std::vector<pkgCache::PkgIterator> &targets)
{
	std::vector<pkgCache::PkgIterator> marked;
	for (auto P : targets) {
		if (dep[P].CandidateVerIter(cache) == P.CurrentVer()) {
			if (dep[P].Flags & pkgCache::Flag::Auto) {
				dep.MarkAuto(P, false);
				tx.marks_only = true;
			}
			continue;
		}
		fix.Clear(P);
		fix.Protect(P);
		dep.MarkInstall(P, false, 0, true);
		marked.push_back(P);
	}
	for (auto &P : marked)
		if (dep[P].InstBroken() || dep[P].InstPolicyBroken())
			dep.MarkInstall(P, true, 0, true);
}

/* Lets apt's resolver mend what the marks broke (remove and apply). 0, or -1
 * with why: a removal the user did not name first, else what stays broken. */
static int resolve(apt_txn &tx, pkgDepCache &dep, pkgProblemResolver &fix, char *err,
		   size_t errlen, int *status)
{
	if (dep.BrokenCount() == 0)
		return 0;
	bool ok = fix.Resolve(true);
	if (ok && dep.BrokenCount() == 0)
		return 0;
	std::string why = check_removals(dep, tx);
	if (why.empty())
		why = broken_summary(dep, tx);
	return fail(err, errlen, status, BACKEND_ERR_TXN, why);
}

/* Marks an install of req->targets. 0 or -1. */
int plan_install(apt_txn &tx, const struct trans_request *req, char *err, size_t errlen, int *status)
{
	pkgDepCache &dep = *tx.cf->GetDepCache();
	pkgCache &cache = *tx.cf->GetPkgCache();
	pkgProblemResolver fix(&dep);
	std::vector<pkgCache::PkgIterator> targets;
	for (uint32_t i = 0; i < req->targets.n; i++) {
		std::string name = req->targets.v[i] != nullptr ? req->targets.v[i] : "";
		std::string msg;
		pkgCache::PkgIterator P = install_target(dep, name, msg);
		if (P.end())
			return fail(err, errlen, status, BACKEND_ERR_TXN, msg);
		if (dep[P].CandidateVerIter(cache).end())
			return fail(err, errlen, status, BACKEND_ERR_TXN,
				    "package '" + name + "' has no installation candidate");
		targets.push_back(P);
		tx.named[P->ID] = true;
	}
	{
		pkgDepCache::ActionGroup group(dep);
		mark_installs(tx, dep, cache, fix, targets);
	}
	if (dep.BrokenCount() != 0) {
		bool ok = fix.Resolve(true);
		if (!ok || dep.BrokenCount() != 0) {
			std::string why = broken_summary(dep, tx);
			return fail(err, errlen, status, BACKEND_ERR_TXN, why);
		}
	}
	return 0;
}

/* Marks the removal of req->targets (and with TRANS_RECURSIVE the dependencies
 * that only they kept: auto-installed packages that become garbage). 0 or -1. */
int plan_remove(apt_txn &tx, const struct trans_request *req, char *err, size_t errlen, int *status)
{
	pkgDepCache &dep = *tx.cf->GetDepCache();
	pkgCache &cache = *tx.cf->GetPkgCache();
	pkgProblemResolver fix(&dep);
	std::vector<pkgCache::PkgIterator> targets;
	for (uint32_t i = 0; i < req->targets.n; i++) {
		std::string name = req->targets.v[i] != nullptr ? req->targets.v[i] : "";
		pkgCache::PkgIterator P = cache.FindPkg(name);
		if (P.end() || P->CurrentVer == 0 || P->CurrentState == pkgCache::State::ConfigFiles)
			return fail(err, errlen, status, BACKEND_ERR_TXN,
				    "package '" + name + "' is not installed");
		targets.push_back(P);
		tx.named[P->ID] = true;
	}

	/* Garbage before: orphans this removal did not make are left alone. */
	dep.MarkAndSweep();
	std::vector<bool> garbage_before(cache.HeaderP->PackageCount, false);
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P)
		garbage_before[P->ID] = dep[P].Garbage;

	{
		pkgDepCache::ActionGroup group(dep);
		for (auto &P : targets) {
			dep.MarkDelete(P, false, 0, true);
			fix.Clear(P);
			fix.Protect(P);
			fix.Remove(P);
		}
	}
	if (resolve(tx, dep, fix, err, errlen, status) != 0)
		return -1;
	std::string why = check_removals(dep, tx);
	if (!why.empty())
		return fail(err, errlen, status, BACKEND_ERR_TXN, why);

	if (req->flags & TRANS_RECURSIVE) {
		dep.MarkAndSweep(); /* garbage as if the removal were done */
		std::vector<pkgCache::PkgIterator> orphans;
		for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
			pkgDepCache::StateCache &st = dep[P];
			if (P->CurrentVer == 0 || st.Delete() || !st.Garbage || garbage_before[P->ID] ||
			    !(st.Flags & pkgCache::Flag::Auto))
				continue;
			orphans.push_back(P);
		}
		{
			pkgDepCache::ActionGroup group(dep);
			for (auto &P : orphans) {
				dep.MarkDelete(P, false, 0, false);
				tx.orphan[P->ID] = true;
			}
		}
		/* An orphan that an older orphan (kept) still needs is kept too. */
		for (int round = 0; dep.BrokenCount() != 0 && round < 100; round++) {
			bool changed = false;
			for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
				if (!dep[P].InstBroken() || dep[P].Delete())
					continue;
				for (auto &O : orphans)
					if (tx.orphan[O->ID] && needs(P, O)) {
						dep.MarkKeep(O, false, false);
						tx.orphan[O->ID] = false;
						changed = true;
					}
			}
			if (!changed)
				break;
		}
		if (dep.BrokenCount() != 0)
			return fail(err, errlen, status, BACKEND_ERR_TXN, broken_summary(dep, tx));
	}
	return 0;
}

/* Checks the grammar of TRANS_APPLY targets (trans.h): at least one, each an
 * action character and a name, no name twice. "" or the reason. */
std::string apply_check(const struct trans_request *req)
{
	if (req->targets.n == 0)
		return "apply: name at least one package";
	std::set<std::string> seen;
	for (uint32_t i = 0; i < req->targets.n; i++) {
		std::string t = req->targets.v[i] != nullptr ? req->targets.v[i] : "";
		char op = t.empty() ? '\0' : t[0];
		if (op != APPLY_INSTALL && op != APPLY_REMOVE && op != APPLY_PURGE && op != APPLY_KEEP)
			return "apply: '" + t + "' needs an action: +install, -remove, _purge, =keep";
		if (t.size() == 1)
			return "apply: '" + t + "' names no package";
		if (!seen.insert(t.substr(1)).second)
			return "apply: '" + t.substr(1) + "' is named twice";
	}
	return "";
}

/*
 * Marks a TRANS_APPLY's targets as aptitude commits its marks: '=' kept and
 * protected first (no dependency may then upgrade or remove them), then '-'
 * removed and '_' purged (MarkDelete with purge: dpkg --purge drops the
 * conffiles), then '+' installed or upgraded as plan_install does (an
 * up-to-date one is left), then the resolver, which may change none of them.
 * 0 or -1.
 */
int plan_apply(apt_txn &tx, const struct trans_request *req, char *err, size_t errlen, int *status)
{
	pkgDepCache &dep = *tx.cf->GetDepCache();
	pkgCache &cache = *tx.cf->GetPkgCache();
	pkgProblemResolver fix(&dep);
	std::vector<std::pair<char, pkgCache::PkgIterator>> marks;
	for (uint32_t i = 0; i < req->targets.n; i++) {
		char op = req->targets.v[i][0];
		std::string name = req->targets.v[i] + 1;
		pkgCache::PkgIterator P;
		if (op == APPLY_INSTALL) {
			std::string msg;
			P = install_target(dep, name, msg);
			if (P.end())
				return fail(err, errlen, status, BACKEND_ERR_TXN, msg);
			if (dep[P].CandidateVerIter(cache).end())
				return fail(err, errlen, status, BACKEND_ERR_TXN,
					    "package '" + name + "' has no installation candidate");
		} else {
			P = cache.FindPkg(name);
			if (P.end() || P->CurrentVer == 0 ||
			    P->CurrentState == pkgCache::State::ConfigFiles)
				return fail(err, errlen, status, BACKEND_ERR_TXN,
					    "package '" + name + "' is not installed" +
					    (op == APPLY_KEEP ? ": there is no version to keep" : ""));
		}
		marks.emplace_back(op, P);
		tx.named[P->ID] = true;
	}
	{
		pkgDepCache::ActionGroup group(dep);
		for (auto &m : marks)
			if (m.first == APPLY_KEEP) {
				dep.MarkKeep(m.second, false, true);
				fix.Protect(m.second); /* and the depcache's own Protected mark */
			}
		for (auto &m : marks)
			if (m.first == APPLY_REMOVE || m.first == APPLY_PURGE) {
				dep.MarkDelete(m.second, m.first == APPLY_PURGE, 0, true);
				fix.Clear(m.second);
				fix.Protect(m.second);
				fix.Remove(m.second);
			}
		std::vector<pkgCache::PkgIterator> installs;
		for (auto &m : marks)
			if (m.first == APPLY_INSTALL)
				installs.push_back(m.second);
		mark_installs(tx, dep, cache, fix, installs);
	}
	if (resolve(tx, dep, fix, err, errlen, status) != 0)
		return -1;
	/* Protected marks hold in apt's resolver; say so if one ever did not. */
	for (auto &m : marks) {
		pkgDepCache::StateCache &st = dep[m.second];
		std::string name = m.second.FullName(true);
		if ((m.first == APPLY_REMOVE || m.first == APPLY_PURGE) && !st.Delete())
			return fail(err, errlen, status, BACKEND_ERR_TXN,
				    "apply: " + name + " is to be removed, but the plan keeps it");
		if (m.first == APPLY_KEEP && (st.Delete() || st.Install()))
			return fail(err, errlen, status, BACKEND_ERR_TXN,
				    "apply: " + name + " is to be kept, but the plan would " +
				    (st.Delete() ? "remove" : "upgrade") + " it");
	}
	return 0;
}

/* Marks every upgrade apt-get upgrade --with-new-pkgs would do: new
 * dependencies may be installed, nothing is removed, held packages stay. */
int plan_upgrade(apt_txn &tx, char *err, size_t errlen, int *status)
{
	pkgDepCache &dep = *tx.cf->GetDepCache();
	if (!APT::Upgrade::Upgrade(dep, APT::Upgrade::FORBID_REMOVE_PACKAGES) ||
	    dep.BrokenCount() != 0) {
		std::string why = broken_summary(dep, tx);
		return fail(err, errlen, status, BACKEND_ERR_TXN, why);
	}
	return 0;
}

/* The suite a source's Release file names, else its dist. */
std::string source_suite(metaIndex *m)
{
	std::string uri = m->GetURI(), dist = m->GetDist();
	std::string base = dist == "/" ? uri
			 : (!dist.empty() && dist.back() == '/') ? uri + dist
			 : uri + "dists/" + dist + "/";
	std::string lists = _config->FindDir("Dir::State::lists");
	for (const char *f : {"InRelease", "Release"}) {
		std::string path = lists + URItoFileName(base + f);
		std::string e;
		if (!RealFileExists(path) || !m->Load(path, &e))
			continue;
		std::string s = m->GetSuite();
		if (s.empty())
			s = m->GetCodename();
		if (!s.empty())
			return s;
	}
	_error->Discard();
	return dist;
}

/* One item per source to refresh. */
int plan_sync(const struct trans_cb *cb, char *err, size_t errlen, int *status)
{
	pkgSourceList list;
	if (!list.ReadMainList())
		return fail(err, errlen, status, BACKEND_ERR_DB, "");
	for (metaIndex *m : list) {
		/* One word: the repository's URI (flat) or its suite's. */
		std::string uri = m->GetURI(), dist = m->GetDist();
		std::string name = dist == "./" || dist == "/" ? uri
				   : dist.back() == '/' ? uri + dist
				   : uri + "dists/" + dist;
		std::string repo = source_suite(m);
		if (cb == nullptr || cb->item == nullptr)
			continue;
		struct trans_item it;
		memset(&it, 0, sizeof it);
		it.action = ACT_INSTALL;
		it.reason = PKG_REASON_NONE;
		it.name = name.c_str();
		it.old_version = "";
		it.new_version = "";
		it.repo = repo.c_str();
		cb->item(cb->ctx, &it);
	}
	drain_errors(nullptr);
	return 0;
}

/* Drops the transaction (marks, cache, lock). */
void release_txn(apt_handle *h)
{
	delete h->tx;
	h->tx = nullptr;
	_error->Discard();
}

/* Resolves req; see backend.h. */
int apt_plan_impl(apt_handle *h, const struct trans_request *req, const struct trans_cb *cb,
		  char *err, size_t errlen, int *status)
{
	release_txn(h);
	_error->Discard();
	h->tx = new apt_txn;
	apt_txn &tx = *h->tx;
	tx.kind = req->kind;
	tx.flags = req->flags;
	int rc;
	if (req->kind == TRANS_SYNC) {
		rc = plan_sync(cb, err, errlen, status);
		if (rc != 0)
			release_txn(h);
		else
			*status = BACKEND_OK;
		return rc;
	}
	if (req->kind != TRANS_INSTALL && req->kind != TRANS_REMOVE && req->kind != TRANS_UPGRADE &&
	    req->kind != TRANS_APPLY) {
		release_txn(h);
		return fail(err, errlen, status, BACKEND_ERR_USAGE,
			    "unknown transaction kind " + std::to_string(req->kind));
	}
	if ((req->kind == TRANS_INSTALL || req->kind == TRANS_REMOVE) && req->targets.n == 0) {
		release_txn(h);
		return fail(err, errlen, status, BACKEND_ERR_USAGE, "no packages named");
	}
	if (req->kind == TRANS_APPLY) {
		std::string why = apply_check(req);
		if (!why.empty()) {
			release_txn(h);
			return fail(err, errlen, status, BACKEND_ERR_USAGE, why);
		}
	}
	rc = open_locked(tx, err, errlen, status);
	if (rc == 0) {
		if (req->kind == TRANS_INSTALL)
			rc = plan_install(tx, req, err, errlen, status);
		else if (req->kind == TRANS_REMOVE)
			rc = plan_remove(tx, req, err, errlen, status);
		else if (req->kind == TRANS_APPLY)
			rc = plan_apply(tx, req, err, errlen, status);
		else
			rc = plan_upgrade(tx, err, errlen, status);
	}
	if (rc == 0) {
		std::string why = check_removals(*tx.cf->GetDepCache(), tx);
		if (!why.empty())
			rc = fail(err, errlen, status, BACKEND_ERR_TXN, why);
	}
	if (rc == 0) {
		report_items(tx, cb);
		if (_error->PendingError())
			rc = fail(err, errlen, status, BACKEND_ERR_TXN, "");
	}
	if (rc != 0) {
		release_txn(h); /* the system is unchanged and the lock released */
		return -1;
	}
	_error->Discard();
	*status = BACKEND_OK;
	return 0;
}

/* The conffiles dpkg lists for the installed package name ("" arch-qualified too). */
std::vector<std::string> conffiles_of(const std::string &name)
{
	std::vector<std::string> out;
	std::string info = dpkg_admindir() + "info/";
	std::string arch = _config->Find("APT::Architecture");
	std::string bare = name.substr(0, name.find(':'));
	for (const std::string &f : {info + name + ".conffiles", info + bare + ":" + arch + ".conffiles",
				    info + bare + ".conffiles"}) {
		std::ifstream in(f);
		if (!in)
			continue;
		std::string line;
		while (std::getline(in, line)) {
			/* "PATH", or "remove-on-upgrade PATH" (dpkg >= 1.20.6) */
			std::string::size_type slash = line.find('/');
			if (slash != std::string::npos)
				out.push_back(line.substr(slash));
		}
		break;
	}
	return out;
}

/* After a commit: one TEV_DECISION per conffile dpkg kept (--force-confold)
 * while the package shipped a new version, which it left as FILE.dpkg-dist. */
void report_conffile_decisions(const apt_handle *h, const apt_txn &tx, emitter &em,
			       const struct timespec &start)
{
	std::string base = h->root == "/" ? "" : h->root;
	for (const std::string &name : tx.changed) {
		for (const std::string &cf : conffiles_of(name)) {
			struct stat st;
			std::string dist = base + cf + ".dpkg-dist";
			if (lstat(dist.c_str(), &st) != 0)
				continue;
			/* ctime: dpkg gives the file the package's mtime, but the rename
			 * into place is now. */
			if (st.st_ctim.tv_sec < start.tv_sec ||
			    (st.st_ctim.tv_sec == start.tv_sec && st.st_ctim.tv_nsec < start.tv_nsec))
				continue;
			em.event(TEV_DECISION, name,
				 "kept your " + cf + "; the package's version is " + cf + ".dpkg-dist");
		}
	}
}

/* Refreshes the package lists (apt-get update). */
int commit_sync(apt_handle *h, emitter &em, char *err, size_t errlen, int *status)
{
	pkgSourceList list;
	if (!list.ReadMainList())
		return fail(err, errlen, status, BACKEND_ERR_DB, "");
	std::string lists_lock = _config->FindDir("Dir::State::lists") + "lock";
	std::string who = lock_file_holder(lists_lock);
	if (!who.empty())
		return fail(err, errlen, status, BACKEND_ERR_LOCKED,
			    "the package lists are locked by " + who);
	em.event(TEV_PHASE, "", "refreshing databases", 0,
		 static_cast<uint32_t>(list.end() - list.begin()));
	acq_status progress(em, 0);
	bool ok = ListUpdate(progress, list);
	em.flush_log(true);
	h->cf_stale = true;
	/* The binary cache is rebuilt by the next open or load. */
	pkgCacheFile::RemoveCaches();
	std::vector<std::string> warns;
	std::string e = drain_errors(&warns);
	for (const std::string &w : warns)
		em.log(TLOG_WARNING, w);
	if (!ok || !e.empty()) {
		who = lock_file_holder(lists_lock);
		if (!who.empty())
			return fail(err, errlen, status, BACKEND_ERR_LOCKED,
				    "the package lists are locked by " + who);
		/* A bad signature is only a warning to apt ("the previous index
		 * files will be used"); it is what failed, so it is the message. */
		if (e.empty() && !warns.empty())
			e = warns[0];
		return fail(err, errlen, status, BACKEND_ERR_TXN,
			    e.empty() ? "refreshing the package lists failed" : e);
	}
	*status = BACKEND_OK;
	return 0;
}

/* Downloads and installs/removes the planned packages. */
int commit_packages(apt_handle *h, emitter &em, char *err, size_t errlen, int *status)
{
	apt_txn &tx = *h->tx;
	pkgCacheFile &cf = *tx.cf;
	pkgDepCache &dep = *cf.GetDepCache();
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);

	if (tx.changed.empty()) {
		/* Nothing to install or remove; apt-get still records manual marks. */
		if (tx.marks_only && !dep.writeStateFile(nullptr))
			return fail(err, errlen, status, BACKEND_ERR_TXN, "");
		*status = BACKEND_OK;
		return 0;
	}

	pkgRecords recs(cf);
	if (_error->PendingError())
		return fail(err, errlen, status, BACKEND_ERR_DB, "");
	std::unique_ptr<pkgPackageManager> pm(_system->CreatePM(&dep));
	acq_status progress(em, 0);
	pkgAcquire fetcher(&progress);
	if (!fetcher.GetLock(_config->FindDir("Dir::Cache::Archives")))
		return fail(err, errlen, status, BACKEND_ERR_TXN, "");
	if (!pm->GetArchives(&fetcher, cf.GetSourceList(), &recs) || _error->PendingError())
		return fail(err, errlen, status, BACKEND_ERR_TXN, "");
	/* Files a fetch runs for: not those already in the archives cache. A
	 * file: repository's are "Local" (used in place) but still fetched, for
	 * the hash check. */
	uint32_t need = 0;
	for (auto it = fetcher.ItemsBegin(); it != fetcher.ItemsEnd(); ++it)
		if (!(*it)->Complete)
			need++;
	progress.set_count(need);

	/* apt-get's CheckAuth: no unauthenticated package unless configured so. */
	std::vector<std::string> untrusted;
	for (auto it = fetcher.ItemsBegin(); it != fetcher.ItemsEnd(); ++it)
		if (!(*it)->IsTrusted())
			untrusted.push_back((*it)->ShortDesc());
	if (!untrusted.empty()) {
		if (!_config->FindB("APT::Get::AllowUnauthenticated", false))
			return fail(err, errlen, status, BACKEND_ERR_TXN,
				    "these packages cannot be authenticated: " + join(untrusted));
		em.log(TLOG_WARNING, "installing unauthenticated packages (APT::Get::AllowUnauthenticated): " +
			      join(untrusted));
	}

	pkgAcquire::RunResult res = pkgAcquire::Continue;
	if (fetcher.ItemsBegin() != fetcher.ItemsEnd()) {
		em.event(TEV_PHASE, "", "downloading", 0, need);
		res = fetcher.Run();
	}
	em.flush_log(false);
	std::string failed;
	for (auto it = fetcher.ItemsBegin(); it != fetcher.ItemsEnd(); ++it) {
		pkgAcquire::Item *i = *it;
		if (i->Status == pkgAcquire::Item::StatDone && i->Complete)
			continue;
		if (failed.empty())
			failed = "Failed to fetch " + i->DescURI() + "  " + first_line(i->ErrorText);
	}
	if (res != pkgAcquire::Continue || !failed.empty())
		return fail(err, errlen, status, BACKEND_ERR_TXN,
			    failed.empty() ? "downloading the packages failed" : failed);

	/* dpkg's steps per package, for TEV_PACKAGE percentages. */
	std::map<std::string, uint32_t> expect;
	bool installs = false;
	for (pkgCache::PkgIterator P = cf.GetPkgCache()->PkgBegin(); !P.end(); ++P) {
		pkgDepCache::StateCache &st = dep[P];
		if (st.Delete() && P->CurrentVer != 0)
			expect[P.FullName(true)] = st.Purge() ? dpkg_progress::STEPS_PURGE
							      : dpkg_progress::STEPS_REMOVE;
		else if (st.Install() || st.ReInstall()) {
			expect[P.FullName(true)] = dpkg_progress::STEPS_INSTALL;
			installs = true;
		}
	}
	em.event(TEV_PHASE, "", installs ? "installing" : "removing", 0,
		 static_cast<uint32_t>(expect.size()));

	pkgPackageManager::OrderResult done;
	{
		env_set env;
		env.set("DEBIAN_FRONTEND", "noninteractive");
		env.set("DEBCONF_NONINTERACTIVE_SEEN", "true");
		env.set("APT_LISTCHANGES_FRONTEND", "none");
		dpkg_progress prog(em, expect);
		_system->UnLockInner();
		done = pm->DoInstall(&prog);
		/*
		 * dpkg is done with its lock: take it back, as apt-get does between
		 * rounds. Not only for symmetry: UnLockInner closes the lock's fd but
		 * keeps its number, and the UnLock that ends the transaction closes
		 * that number again. In apt-get that is harmless; in the engine the
		 * number may by then be a client's socket, accepted during the commit.
		 * LockInner replaces the number (with -1 if it fails).
		 */
		if (!_system->LockInner())
			em.log(TLOG_WARNING, "could not take dpkg's lock back after the "
					     "commit: " + drain_errors(nullptr));
	}
	em.flush_log(true);
	tx.committed = true;
	h->cf_stale = true;
	if (done != pkgPackageManager::Completed || _error->PendingError()) {
		std::vector<std::string> warns;
		std::string e = drain_errors(&warns);
		for (const std::string &w : warns)
			em.log(TLOG_WARNING, w);
		std::string msg = !em.first_error.empty() ? em.first_error : e;
		if (done == pkgPackageManager::Incomplete && msg.empty())
			msg = "dpkg did not finish (a media change is not supported)";
		return fail(err, errlen, status, BACKEND_ERR_TXN,
			    msg.empty() ? "dpkg failed" : msg);
	}
	em.log_apt_messages();
	report_conffile_decisions(h, tx, em, start);
	*status = BACKEND_OK;
	return 0;
}

/* Runs the planned transaction; see backend.h. */
int apt_commit_impl(apt_handle *h, const struct trans_cb *cb, char *err, size_t errlen, int *status)
{
	if (h->tx == nullptr)
		return fail(err, errlen, status, BACKEND_ERR_USAGE, "nothing planned");
	if (h->tx->committed)
		return fail(err, errlen, status, BACKEND_ERR_USAGE, "the transaction was committed already");
	_error->Discard();
	output_capture cap;
	emitter em;
	em.cb = cb;
	if (cap.start())
		em.cap = &cap;
	else
		em.log(TLOG_WARNING, std::string("cannot capture dpkg's output: ") + strerror(errno));
	int rc;
	if (h->tx->kind == TRANS_SYNC) {
		rc = commit_sync(h, em, err, errlen, status);
		h->tx->committed = true;
	} else {
		rc = commit_packages(h, em, err, errlen, status);
	}
	cap.finish();
	em.flush_log(true);
	em.cap = nullptr;
	_error->Discard();
	return rc;
}

/* Who holds the dpkg lock; see backend.h. */
std::string apt_lock_holder_impl(apt_handle *h)
{
	/* Never open the lock files while we hold the lock (that would drop it). */
	if (h != nullptr && h->tx != nullptr && h->tx->cf != nullptr && _system != nullptr &&
	    _system->IsLocked())
		return describe_pid(static_cast<long>(getpid()));
	return dpkg_lock_holder();
}

/* Frees the handle and resets libapt's global configuration. */
void apt_close_impl(apt_handle *h)
{
	release_txn(h);
	delete h->cf;
	delete h;
	_error->Discard();
	delete _config;
	_config = new Configuration;
	apt_in_use = false;
}

} // namespace

extern "C" {


/* See backend.h. The returned handle is freed with apt_close. */
static void *apt_open(const struct backend_opts *opts, char *err, size_t errlen, int *status)
{
	int dummy;
	if (status == nullptr)
		status = &dummy;
	try {
		return apt_open_impl(opts, err, errlen, status);
	} catch (const std::bad_alloc &) {
		set_err(err, errlen, "out of memory opening the apt cache");
	} catch (...) {
		set_err(err, errlen, "unexpected error opening the apt cache");
	}
	*status = BACKEND_ERR_DB;
	return nullptr;
}

/* See backend.h. Record strings are borrowed for the duration of sink->add only. */
static int apt_load(void *self, const struct pkg_sink *sink, char *err, size_t errlen)
{
	if (self == nullptr || sink == nullptr || sink->add == nullptr) {
		set_err(err, errlen, "apt load: bad arguments");
		return -1;
	}
	try {
		return apt_load_impl(static_cast<apt_handle *>(self), sink, err, errlen);
	} catch (const std::bad_alloc &) {
		set_err(err, errlen, "out of memory loading the apt cache");
	} catch (...) {
		set_err(err, errlen, "unexpected error loading the apt cache");
	}
	return -1;
}

/* dpkg version comparison: <0, 0, >0. Pure; safe from any thread. */
static int apt_vercmp(const char *a, const char *b)
{
	pkgVersioningSystem *vs = _system != nullptr ? _system->VS : &debVS;
	return vs->CmpVersion(a != nullptr ? a : "", b != nullptr ? b : "");
}

/* Frees everything open() made; a later open() starts from a clean configuration. */
static void apt_close(void *self)
{
	if (self == nullptr)
		return;
	try {
		apt_close_impl(static_cast<apt_handle *>(self));
	} catch (...) {
	}
}

/* See backend.h. Callbacks run on this thread; no lock is waited for. */
static int apt_plan(void *self, const struct trans_request *req, const struct trans_cb *cb,
		    char *err, size_t errlen, int *status)
{
	int dummy;
	if (status == nullptr)
		status = &dummy;
	*status = BACKEND_ERR_USAGE;
	if (self == nullptr || req == nullptr) {
		set_err(err, errlen, "apt plan: bad arguments");
		return -1;
	}
	apt_handle *h = static_cast<apt_handle *>(self);
	try {
		return apt_plan_impl(h, req, cb, err, errlen, status);
	} catch (const std::bad_alloc &) {
		set_err(err, errlen, "out of memory planning the transaction");
	} catch (...) {
		set_err(err, errlen, "unexpected error planning the transaction");
	}
	try {
		release_txn(h);
	} catch (...) {
	}
	*status = BACKEND_ERR_TXN;
	return -1;
}

/* See backend.h. */
static int apt_commit(void *self, const struct trans_cb *cb, char *err, size_t errlen, int *status)
{
	int dummy;
	if (status == nullptr)
		status = &dummy;
	*status = BACKEND_ERR_USAGE;
	if (self == nullptr) {
		set_err(err, errlen, "apt commit: bad arguments");
		return -1;
	}
	try {
		return apt_commit_impl(static_cast<apt_handle *>(self), cb, err, errlen, status);
	} catch (const std::bad_alloc &) {
		set_err(err, errlen, "out of memory committing the transaction");
	} catch (...) {
		set_err(err, errlen, "unexpected error committing the transaction");
	}
	*status = BACKEND_ERR_TXN;
	return -1;
}

/* See backend.h. Safe without a plan and after a commit. */
static void apt_release(void *self)
{
	if (self == nullptr)
		return;
	try {
		release_txn(static_cast<apt_handle *>(self));
	} catch (...) {
	}
}

/* See backend.h. */
static void apt_lock_holder(void *self, char *out, size_t outlen)
{
	if (out == nullptr || outlen == 0)
		return;
	out[0] = '\0';
	try {
		set_err(out, outlen, apt_lock_holder_impl(static_cast<apt_handle *>(self)));
	} catch (...) {
		out[0] = '\0';
	}
}

/* The module's one export, found by backend_module(). */
__attribute__((visibility("default"))) extern const struct backend_ops omg_backend_apt;
const struct backend_ops omg_backend_apt = {"apt",	     apt_open,	 apt_load,
					    apt_vercmp,	     apt_close,	 apt_plan,
					    apt_commit,	     apt_release, apt_lock_holder,
					    nullptr /* dpkg's locks go with the process */,
					    nullptr /* the lists are apt's own; no private copy */};

} // extern "C"
