// SPDX-License-Identifier: MIT
/* Configuring libapt-pkg for a root, opening its read-only cache, and loading every package into the index. */

/*
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
 * - base/source_version: the record's Source field ("bash (5.2.15-2)") split in
 *   two; the package's own name when there is none. ESSENTIAL, tags (Tag, split
 *   at commas) from the record; priority and multi_arch from the cache, as
 *   apt-cache show prints them ("" for no Multi-Arch).
 * - installed_source/installed_source_version: the same from the installed
 *   version's record (dpkg's status: what debsecan matches), resolved: the
 *   package's own name when there is no Source, the installed version when
 *   Source names no version. Read once more only when the installed version
 *   is not the emitted one (an upgrade or a downgrade is offered).
 * - versions: apt-cache policy's version table: every version of the package
 *   (newest first), its pin priority, and each package file it is in with that
 *   file's priority and description.
 * - Text from the records is made valid UTF-8 (bad bytes become U+FFFD). A
 *   record that is not the package's (corrupt or stale list) is warned about
 *   and the package skipped.
 */

#include <apt-pkg/aptconfiguration.h>
#include <apt-pkg/cachefile.h>
#include <apt-pkg/configuration.h>
#include <apt-pkg/depcache.h>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/indexfile.h>
#include <apt-pkg/init.h>
#include <apt-pkg/pkgcache.h>
#include <apt-pkg/pkgrecords.h>
#include <apt-pkg/pkgsystem.h>
#include <apt-pkg/policy.h>
#include <apt-pkg/sourcelist.h>
#include <apt-pkg/strutl.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <strings.h>
#include <functional>

#include <sys/stat.h>
#include <unistd.h>

#include "engine/backend/apt-int.h"

namespace {

/* The one process-wide flag the module keeps: libapt-pkg's own state is global. */
bool apt_in_use = false;

/* omg's cache directory for apt ("<XDG cache>/omg/apt"); "" when there is no home. */
std::string cache_dir()
{
	char *base = xdg_omg_dir(XDG_CACHE);
	if (base == nullptr)
		return "";
	std::string dir = std::string(base) + "/apt";
	free(base);
	return dir;
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

	std::string dir = cache_dir();
	struct stat st;
	if (dir.empty() || xdg_mkdirs(dir.c_str()) != 0 || stat(dir.c_str(), &st) != 0 ||
	    !S_ISDIR(st.st_mode) || access(dir.c_str(), W_OK) != 0)
		return;
	std::string suffix = ".bin";
	if (root != "/") {
		char hex[32];
		snprintf(hex, sizeof hex, "-%016llx.bin",
			 static_cast<unsigned long long>(hash_fnv1a(root.data(), root.size())));
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
	/* Unsets APT_CONFIG, keeping its value, when active. */
	explicit env_aside(bool active)
	{
		const char *v = active ? getenv("APT_CONFIG") : nullptr;
		if (v != nullptr) {
			saved = v;
			had = true;
			unsetenv("APT_CONFIG");
		}
	}
	/* Puts APT_CONFIG back. */
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
 * the commit captures (apt_capture).
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

/* The realpath of the root opts names ("/" when none) into root, with dpkg's
 * status file under it into status_file. false with err and *status set when
 * the root is missing, not a directory or has no readable status file. */
bool check_root(const struct backend_opts *opts, std::string &root, std::string &status_file,
		char *err, size_t errlen, int *status)
{
	const char *want = (opts != nullptr && opts->root != nullptr && opts->root[0] != '\0')
				   ? opts->root : "/";
	char real[PATH_MAX];
	struct stat st;
	*status = BACKEND_ERR_ROOT;
	if (realpath(want, real) == nullptr || stat(real, &st) != 0) {
		apt_set_err(err, errlen, std::string(want) + ": " + strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		apt_set_err(err, errlen, std::string(want) + ": not a directory");
		return false;
	}
	root = real;
	status_file = (root != "/" ? root + "/" : root) + "var/lib/dpkg/status";
	if (access(status_file.c_str(), R_OK) != 0) {
		apt_set_err(err, errlen, status_file + ": " + strerror(errno));
		return false;
	}
	*status = BACKEND_ERR_DB;
	return true;
}

/* ------------------------------------------------------------ loading */

/* A warning for load()'s caller. */
using warn_fn = std::function<void(const std::string &)>;

/* What load() collects for one emitted package before the record pass. */
struct item {
	pkgCache::Package *pkg;
	pkgCache::Version *ver;     /* candidate, else installed */
	pkgCache::VerFile *vf;      /* record for Maintainer/Homepage/Source */
	pkgCache::VerFile *ivf;     /* the installed version's record when it is not
				     * ver's (its Source), else NULL */
	pkgCache::DescFile *df;     /* translated description record, or NULL */
	const char *lang;           /* that description's language code (in the mmap) */
	std::string desc, long_desc, url, maint, source, source_ver, tags;
	std::string isource, isource_ver; /* ivf's Source, split */
	bool essential = false;
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
enum { JOB_VER = 1, JOB_DESC = 2, JOB_ISRC = 4 };

/* What load() needs to know about each package file (indexed by its ID). */
struct file_info {
	bool in_repo;      /* a real index, not dpkg's status file */
	int prio;          /* policy pin priority */
	std::string repo;  /* suite, else codename, label, origin */
	std::string where; /* the index as apt-cache policy describes it */
};

/* The per-load context: the cache and what is looked up once. */
struct ctx {
	pkgCache &cache;
	pkgPolicy *policy = nullptr;
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
enum { L_DEPENDS, L_PRE_DEPENDS, L_OPTDEPENDS, L_SUGGESTS, L_ENHANCES, L_PROVIDES, L_CONFLICTS,
       L_BREAKS, L_REPLACES, L_TAGS, L_COUNT };
struct lists {
	std::string arena;
	std::vector<size_t> off[L_COUNT];
	std::vector<const char *> ptr[L_COUNT];

	/* Empties every list, keeping the memory. */
	void clear()
	{
		arena.clear();
		for (auto &o : off)
			o.clear();
	}
	/* Starts a string in list k; append to arena, then call end(). */
	void begin(int k) { off[k].push_back(arena.size()); }
	/* Ends the string begun last. */
	void end() { arena.push_back('\0'); }
	/* List k as a strlist; borrowed until the next change to the lists. */
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
		case pkgCache::Dep::PreDepends: k = L_PRE_DEPENDS; break;
		case pkgCache::Dep::Depends: k = L_DEPENDS; break;
		case pkgCache::Dep::Recommends: k = L_OPTDEPENDS; break;
		case pkgCache::Dep::Suggests: k = L_SUGGESTS; break;
		case pkgCache::Dep::Enhances: k = L_ENHANCES; break;
		case pkgCache::Dep::Conflicts: k = L_CONFLICTS; break;
		case pkgCache::Dep::DpkgBreaks: k = L_BREAKS; break;
		case pkgCache::Dep::Replaces: k = L_REPLACES; break;
		default: continue; /* Obsoletes */
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

/* Adds the tags of a Tag field ("a::b, c::d,\n e::f") to list L_TAGS. */
void collect_tags(lists &L, const std::string &field)
{
	for (size_t at = 0; at < field.size();) {
		size_t end = field.find(',', at);
		if (end == std::string::npos)
			end = field.size();
		size_t b = field.find_first_not_of(" \t\n", at);
		size_t e = field.find_last_not_of(" \t\n", end - 1);
		if (b != std::string::npos && b < end && e != std::string::npos && e >= b) {
			L.begin(L_TAGS);
			L.arena.append(field, b, e - b + 1);
			L.end();
		}
		at = end + 1;
	}
}

/* apt-cache policy's version table of P into vers (archives into archives,
 * reused from package to package): every version, newest first. */
void version_table(const ctx &c, pkgCache::PkgIterator const &P, pkgCache::VerIterator const &cand,
		   std::vector<struct pkg_version> &vers, std::vector<struct pkg_archive> &archives)
{
	vers.clear();
	archives.clear();
	for (pkgCache::VerIterator V = P.VersionList(); !V.end(); ++V) {
		struct pkg_version v;
		memset(&v, 0, sizeof v);
		v.version = V.VerStr() != nullptr ? V.VerStr() : "";
		v.priority = c.policy->GetPriority(V);
		v.flags = (P.CurrentVer() == V ? PKG_VERSION_INSTALLED : 0) |
			  (cand == V ? PKG_VERSION_CANDIDATE : 0);
		v.narchives = 0;
		for (pkgCache::VerFileIterator VF = V.FileList(); !VF.end(); ++VF) {
			const file_info &f = c.files[VF.File()->ID];
			struct pkg_archive o;
			o.where = f.where.c_str();
			o.priority = f.prio;
			archives.push_back(o);
			v.narchives++;
		}
		vers.push_back(v);
	}
	/* archives stopped growing: point each version at its run */
	size_t at = 0;
	for (struct pkg_version &v : vers) {
		v.archives = v.narchives ? &archives[at] : nullptr;
		at += v.narchives;
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
		/* The installed version's own record when it is not V: dpkg's
		 * status first (what debsecan reads), else any other. */
		it.ivf = nullptr;
		pkgCache::VerIterator cur = P.CurrentVer();
		if (installed && cur != V)
			for (pkgCache::VerFileIterator VF = cur.FileList(); !VF.end(); ++VF) {
				if (it.ivf == nullptr ||
				    VF.File().Flagged(pkgCache::Flag::NotSource))
					it.ivf = VF;
				if (VF.File().Flagged(pkgCache::Flag::NotSource))
					break;
			}
		items.push_back(std::move(it));
	}
}

/* Pass 2: reads Maintainer, Homepage, Source and the description of every item,
 * in (file, offset) order. A record that is not the package's is marked bad. */
bool read_records(const ctx &c, std::vector<item> &items,
		  const warn_fn &warn, std::string &error)
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
		if (it.ivf != nullptr)
			jobs.push_back({static_cast<uint32_t>(it.ivf->File), it.ivf->Offset, i, JOB_ISRC});
	}
	std::sort(jobs.begin(), jobs.end(), [](const job &a, const job &b) {
		return a.file != b.file ? a.file < b.file : a.offset < b.offset;
	});

	pkgRecords recs(cache);
	if (_error->PendingError()) {
		error = apt_drain_errors(nullptr);
		return false;
	}
	for (const job &j : jobs) {
		item &it = items[j.idx];
		if (it.bad)
			continue;
		pkgCache::PkgIterator P(cache, it.pkg);
		pkgRecords::Parser &p = (j.kind & JOB_VER)
			? recs.Lookup(pkgCache::VerFileIterator(cache, it.vf))
			: (j.kind & JOB_ISRC)
			? recs.Lookup(pkgCache::VerFileIterator(cache, it.ivf))
			: recs.Lookup(pkgCache::DescFileIterator(cache, it.df));
		if (p.Name() != P.Name()) {
			it.bad = true;
			std::string e = apt_drain_errors(nullptr);
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
			it.source_ver = p.SourceVer();
			it.tags = p.RecordField("Tag");
			it.essential = p.RecordField("Essential") == "yes";
		}
		if (j.kind & JOB_ISRC) {
			it.isource = p.SourcePkg();
			it.isource_ver = p.SourceVer();
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

/* After a commit or sync changed the status or the lists: reads them again
 * into a new read-only cache. 0, or -1 with err (h->cf_stale stays set). */
int reopen_cache(apt_handle *h, const warn_fn &warn, char *err, size_t errlen)
{
	delete h->cf;
	h->cf = new pkgCacheFile;
	h->cf_stale = false;
	if (!h->cf->Open(nullptr, false) || _error->PendingError()) {
		std::string e = apt_drain_errors(nullptr);
		h->cf_stale = true;
		apt_set_err(err, errlen, e.empty() ? "cannot open the apt package cache" : e);
		return -1;
	}
	std::vector<std::string> ws;
	apt_drain_errors(&ws);
	for (auto &w : ws)
		warn(w);
	return 0;
}

/* Looks up once what every record needs: the native architecture, the
 * description languages, and each package file's repository and pin. */
void index_files(ctx &c, pkgPolicy &policy, pkgSourceList *sources)
{
	pkgCache &cache = c.cache;
	c.policy = &policy;
	c.native = _config->Find("APT::Architecture");
	c.langs = APT::Configuration::getLanguages();
	c.files.resize(cache.HeaderP->PackageFileCount);
	for (pkgCache::PkgFileIterator F = cache.FileBegin(); !F.end(); ++F) {
		if (F->ID >= c.files.size())
			c.files.resize(F->ID + 1);
		file_info &fi = c.files[F->ID];
		fi.in_repo = !F.Flagged(pkgCache::Flag::NotSource);
		fi.prio = policy.GetPriority(F);
		const char *names[] = {F.Archive(), F.Codename(), F.Label(), F.Origin()};
		for (const char *n : names)
			if (n != nullptr && n[0] != '\0' && strcmp(n, "now") != 0) {
				fi.repo = n;
				break;
			}
		pkgIndexFile *ixf = nullptr;
		if ((sources != nullptr && sources->FindIndex(F, ixf)) || _system->FindIndex(F, ixf))
			fi.where = ixf->Describe(true);
		else
			fi.where = F.FileName() != nullptr ? F.FileName() : "";
		apt_utf8_clean(fi.where); /* a path is bytes; the protocol carries UTF-8 */
	}
}

/* The flags and reason of an installed package P whose emitted version is V. */
void installed_state(const apt_handle *h, const ctx &c, pkgDepCache &dep,
		     pkgCache::PkgIterator const &P, pkgCache::VerIterator const &V,
		     const file_info *fi, struct pkg &rec)
{
	pkgCache::VerIterator cur = P.CurrentVer();
	pkgDepCache::StateCache &state = dep[P];
	rec.flags |= PKG_INSTALLED;
	rec.install_date = install_date(h, P);
	rec.reason = (state.Flags & pkgCache::Flag::Auto) ? PKG_REASON_DEPEND : PKG_REASON_EXPLICIT;
	if (state.Status == 1 && state.Upgradable()) {
		rec.flags |= PKG_UPGRADABLE;
		if (from_security(V))
			rec.flags |= PKG_SECURITY;
	}
	if (state.Garbage)
		rec.flags |= PKG_ORPHAN;
	/* apt list's "[installed,local]": the installed version is in no
	 * repository and no repository offers an upgrade either. */
	if (!(rec.flags & PKG_UPGRADABLE) && (cur == V ? fi : best_file(c, cur)) == nullptr)
		rec.flags |= PKG_FOREIGN;
}

/* The Priority field's word for the cache's number (untranslated, unlike
 * VerIterator::PriorityType()); "" when there is none. */
const char *priority_name(unsigned char prio)
{
	static const char *const names[] = {"", "required", "important", "standard", "optional",
					    "extra"};
	return prio < sizeof(names) / sizeof(names[0]) ? names[prio] : "";
}

/* What emit_item reuses from item to item. */
struct scratch {
	lists L;
	std::string name;
	std::vector<struct pkg_version> vers;
	std::vector<struct pkg_archive> archives;
};

/* Pass 3 for one item: builds its record and hands it to sink->add. Returns
 * what add returns (non-zero: stop), 0 for a skipped item. */
int emit_item(const apt_handle *h, const ctx &c, pkgDepCache &dep, item &it, scratch &S,
	      const struct pkg_sink *sink, const warn_fn &warn)
{
	pkgCache::PkgIterator P(c.cache, it.pkg);
	pkgCache::VerIterator V(c.cache, it.ver);
	pkgCache::VerIterator cur = P.CurrentVer();
	lists &L = S.L;
	std::string &name = S.name;
	name.clear();
	append_name(name, c, P);
	if (V.VerStr() == nullptr || V.VerStr()[0] == '\0') {
		warn(name + ": version without a version string, skipped");
		return 0;
	}
	for (std::string *s : {&it.desc, &it.long_desc, &it.url, &it.maint, &it.source,
			       &it.source_ver, &it.tags, &it.isource, &it.isource_ver})
		apt_utf8_clean(*s);
	collect_lists(L, c, V);
	collect_tags(L, it.tags);
	const file_info *fi = best_file(c, V);
	version_table(c, P, V, S.vers, S.archives);
	const char *ma = V.MultiArchType();

	struct strlist none = {nullptr, 0};
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
	rec.source_version = it.source_ver.c_str();
	if (!cur.end()) {
		/* the installed version's Source: read apart only when it is not V */
		const std::string &src = it.ivf != nullptr ? it.isource : it.source;
		const std::string &sv = it.ivf != nullptr ? it.isource_ver : it.source_ver;
		rec.installed_source = src.empty() ? P.Name() : src.c_str();
		rec.installed_source_version = sv.empty() ? rec.installed_version : sv.c_str();
	} else {
		rec.installed_source = rec.installed_source_version = "";
	}
	rec.priority = priority_name(V->Priority);
	rec.multi_arch = ma == nullptr || strcmp(ma, "none") == 0 ? "" : ma;
	rec.licenses = none;
	rec.groups = none;
	rec.depends = L.view(L_DEPENDS);
	rec.pre_depends = L.view(L_PRE_DEPENDS);
	rec.optdepends = L.view(L_OPTDEPENDS);
	rec.suggests = L.view(L_SUGGESTS);
	rec.enhances = L.view(L_ENHANCES);
	rec.provides = L.view(L_PROVIDES);
	rec.conflicts = L.view(L_CONFLICTS);
	rec.breaks = L.view(L_BREAKS);
	rec.replaces = L.view(L_REPLACES);
	rec.tags = L.view(L_TAGS);
	rec.versions = S.vers.empty() ? nullptr : S.vers.data();
	rec.nversions = static_cast<uint32_t>(S.vers.size());
	rec.download_size = fi != nullptr ? static_cast<int64_t>(V->Size) : -1;
	rec.installed_size = static_cast<int64_t>(V->InstalledSize);
	rec.build_date = 0;
	rec.install_date = 0;
	rec.reason = PKG_REASON_NONE;
	rec.flags = it.essential ? PKG_ESSENTIAL : 0;
	if (!cur.end())
		installed_state(h, c, dep, P, V, fi, rec);
	if (P->SelectedState == pkgCache::State::Hold)
		rec.flags |= PKG_HELD;
	return sink->add(sink->ctx, &rec);
}

} // namespace

/* ------------------------------------------------------------ the exported part */

/* Opens the package system under opts->root; see apt-int.h and backend.h. */
apt_handle *apt_open_handle(const struct backend_opts *opts, char *err, size_t errlen,
			    int *status)
{
	*status = BACKEND_ERR_DB;
	if (apt_in_use) {
		apt_set_err(err, errlen,
			    "apt backend already open in this process (libapt-pkg state is global)");
		return nullptr;
	}
	std::string root, status_file;
	if (!check_root(opts, root, status_file, err, errlen, status))
		return nullptr;
	bool sandbox = root != "/";

	/* Start from an empty configuration, as a fresh apt process would. */
	_error->Discard();
	delete _config;
	_config = new Configuration;
	if (sandbox) {
		/* Before pkgInitConfig, so only the sandbox's etc/apt is read. */
		_config->Set("Dir", root + "/");
		_config->Set("Dir::State::status", status_file);
	}

	apt_handle *h = new apt_handle;
	h->root = root;
	bool ok;
	{
		env_aside aside(sandbox);
		ok = pkgInitConfig(*_config);
	}
	_config->Set("APT::Color", false); /* plain "E: " lines for apt_drain_errors() */
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
	std::string first = apt_drain_errors(&h->warnings);
	if (!ok) {
		apt_set_err(err, errlen, first.empty() ? "cannot open the apt package cache" : first);
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

/* Emits every real package once, in three passes (pick, read records, emit); see backend.h. */
int apt_open_load(apt_handle *h, const struct pkg_sink *sink, char *err, size_t errlen)
{
	warn_fn warn = [sink](const std::string &m) {
		if (sink->warn != nullptr)
			sink->warn(sink->ctx, m.c_str());
	};
	for (auto &w : h->warnings)
		warn(w);
	h->warnings.clear();
	if (h->cf_stale && reopen_cache(h, warn, err, errlen) != 0)
		return -1;

	pkgCache *cachep = h->cf->GetPkgCache();
	pkgDepCache *depp = h->cf->GetDepCache();
	pkgPolicy *plcyp = h->cf->GetPolicy();
	if (cachep == nullptr || depp == nullptr || plcyp == nullptr) {
		std::string e = apt_drain_errors(nullptr);
		apt_set_err(err, errlen, e.empty() ? "apt cache not open" : e);
		return -1;
	}
	pkgDepCache &dep = *depp;
	ctx c(*cachep);
	index_files(c, *plcyp, h->cf->GetSourceList());

	/* Garbage = what apt autoremove would remove. Building the depcache already
	 * swept once (apt 2.6); sweeping again (~20 ms) keeps ORPHAN independent of that. */
	dep.MarkAndSweep();

	std::vector<item> items;
	pick_items(c, dep, items);
	std::string error;
	if (!read_records(c, items, warn, error)) {
		apt_set_err(err, errlen, error.empty() ? "cannot read the package records" : error);
		return -1;
	}
	{
		std::vector<std::string> ws;
		std::string e = apt_drain_errors(&ws);
		if (!e.empty())
			warn(e);
		for (auto &w : ws)
			warn(w);
	}

	scratch S;
	for (item &it : items)
		if (!it.bad && emit_item(h, c, dep, it, S, sink, warn) != 0)
			break;
	return 0;
}

/* Frees the handle and resets libapt's global configuration. */
void apt_open_free(apt_handle *h)
{
	delete h->cf;
	delete h;
	_error->Discard();
	delete _config;
	_config = new Configuration;
	apt_in_use = false;
}

/* ------------------------------------------------ what lets unsigned packages in */

/* The [trusted=...] option of a one-line source ("deb [arch=amd64 trusted=yes] URI ..."). */
static bool list_line_trusted(const std::string &raw)
{
	std::string line = raw.substr(0, raw.find('#'));
	std::istringstream in(line);
	std::string type;
	if (!(in >> type) || (type != "deb" && type != "deb-src"))
		return false;
	std::string rest;
	std::getline(in, rest);
	size_t open = rest.find_first_not_of(" \t");
	if (open == std::string::npos || rest[open] != '[')
		return false;
	size_t close = rest.find(']', open);
	if (close == std::string::npos)
		return false;
	std::istringstream opts(rest.substr(open + 1, close - open - 1));
	std::string opt;
	while (opts >> opt) {
		size_t eq = opt.find('=');
		if (eq != std::string::npos && opt.compare(0, eq, "trusted") == 0 &&
		    StringToBool(opt.substr(eq + 1), false))
			return true;
	}
	return false;
}

/* Whether a deb822 .sources file has an enabled stanza with "Trusted: yes". */
static bool sources_file_trusted(std::ifstream &in)
{
	bool trusted = false, enabled = true;
	std::string line;
	for (;;) {
		bool more = static_cast<bool>(std::getline(in, line));
		if (!more || line.find_first_not_of(" \t\r") == std::string::npos) {
			if (trusted && enabled)
				return true;
			trusted = false, enabled = true; /* the next stanza */
			if (!more)
				return false;
			continue;
		}
		if (line[0] == '#' || line[0] == ' ' || line[0] == '\t')
			continue; /* a comment, or a field's continuation */
		size_t colon = line.find(':');
		if (colon == std::string::npos)
			continue;
		std::string key = line.substr(0, colon), value = line.substr(colon + 1);
		value.erase(0, value.find_first_not_of(" \t"));
		value.erase(value.find_last_not_of(" \t\r") + 1);
		if (strcasecmp(key.c_str(), "Trusted") == 0)
			trusted = StringToBool(value, false);
		else if (strcasecmp(key.c_str(), "Enabled") == 0)
			enabled = StringToBool(value, true);
	}
}

/* path shown relative to Dir::Etc ("sources.list.d/x.list"), as a user knows it. */
static std::string etc_relative(const std::string &path)
{
	std::string etc = _config->FindDir("Dir::Etc");
	return path.compare(0, etc.size(), etc) == 0 ? path.substr(etc.size()) : path;
}

/* One sources file: its trusted=yes, as "FILE: [trusted=yes]" in why. */
static bool source_file_trusted(const std::string &path, std::string &why)
{
	std::ifstream in(path);
	if (!in)
		return false;
	bool deb822 = path.size() > 8 && path.compare(path.size() - 8, 8, ".sources") == 0;
	if (deb822) {
		if (!sources_file_trusted(in))
			return false;
		why = etc_relative(path) + ": Trusted: yes";
		return true;
	}
	std::string line;
	while (std::getline(in, line))
		if (list_line_trusted(line)) {
			why = etc_relative(path) + ": [trusted=yes]";
			return true;
		}
	return false;
}

int apt_open_accepts_unsigned(char *why, size_t whylen)
{
	static const char *const keys[] = {"APT::Get::AllowInsecureRepositories",
					   "Acquire::AllowInsecureRepositories",
					   "APT::Get::AllowUnauthenticated"};
	for (const char *k : keys)
		if (_config->FindB(k, false)) {
			apt_set_err(why, whylen, std::string(k) + " is true");
			return 1;
		}
	std::string found;
	if (source_file_trusted(_config->FindFile("Dir::Etc::sourcelist"), found)) {
		apt_set_err(why, whylen, found);
		return 1;
	}
	/* sources.list.d in name order, as apt reads it. */
	std::string parts = _config->FindDir("Dir::Etc::sourceparts");
	std::vector<std::string> names;
	if (DIR *d = opendir(parts.c_str())) {
		while (struct dirent *e = readdir(d)) {
			std::string n = e->d_name;
			if ((n.size() > 5 && n.compare(n.size() - 5, 5, ".list") == 0) ||
			    (n.size() > 8 && n.compare(n.size() - 8, 8, ".sources") == 0))
				names.push_back(n);
		}
		closedir(d);
	}
	std::sort(names.begin(), names.end());
	for (const std::string &n : names)
		if (source_file_trusted(parts + n, found)) {
			apt_set_err(why, whylen, found);
			return 1;
		}
	return 0;
}
