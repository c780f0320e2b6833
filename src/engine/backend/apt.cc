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
 * - The cache is opened read-only and without the dpkg/apt lock; nothing is
 *   written except apt's binary cache file (see setup_binary_cache()).
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

#include <apt-pkg/aptconfiguration.h>
#include <apt-pkg/cachefile.h>
#include <apt-pkg/configuration.h>
#include <apt-pkg/debversion.h>
#include <apt-pkg/depcache.h>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/init.h>
#include <apt-pkg/pkgcache.h>
#include <apt-pkg/pkgrecords.h>
#include <apt-pkg/pkgsystem.h>
#include <apt-pkg/policy.h>
#include <apt-pkg/version.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/backend/backend.h"

namespace {

/* One open backend instance. Owns the cache file; strings are its own copies. */
struct apt_handle {
	pkgCacheFile *cf = nullptr;
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
			if (state.Status == 1 && state.Upgradable())
				rec.flags |= PKG_UPGRADABLE;
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

/* Frees the handle and resets libapt's global configuration. */
void apt_close_impl(apt_handle *h)
{
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

/* The module's one export, found by backend_module(). */
__attribute__((visibility("default"))) extern const struct backend_ops omg_backend_apt;
const struct backend_ops omg_backend_apt = {"apt", apt_open, apt_load, apt_vercmp, apt_close};

} // extern "C"
