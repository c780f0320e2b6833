// SPDX-License-Identifier: MIT
/* apt's acquire progress and dpkg's status reports, and the output captured meanwhile, as transaction events. */

#include <apt-pkg/acquire-item.h>
#include <apt-pkg/acquire-worker.h>
#include <apt-pkg/acquire.h>
#include <apt-pkg/configuration.h>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/strutl.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "engine/backend/apt-int.h"

/* ------------------------------------------------------------ the emitter */

/* Hands ev to cb->event with the real fds in place. */
void apt_progress_emitter::send(const struct trans_event &ev)
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

/* One event, after the captured output so far; fields not given are 0 or "". */
void apt_progress_emitter::event(uint32_t kind, const std::string &name, const std::string &text,
				 uint32_t index, uint32_t count, uint64_t done, uint64_t total,
				 uint32_t percent)
{
	if (kind != TEV_LOG)
		flush_log(false);
	std::string n = name, t = text;
	apt_utf8_clean(n);
	apt_utf8_clean(t);
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

/* One TEV_LOG line at level (trailing newlines cut; nothing if empty). */
void apt_progress_emitter::log(uint32_t level, const std::string &text)
{
	std::string t = text;
	while (!t.empty() && (t.back() == '\r' || t.back() == '\n'))
		t.pop_back();
	if (t.empty())
		return;
	apt_utf8_clean(t);
	struct trans_event ev;
	memset(&ev, 0, sizeof ev);
	ev.kind = TEV_LOG;
	ev.level = level;
	ev.name = "";
	ev.text = t.c_str();
	send(ev);
}

/* Captured output so far, one TEV_LOG line each. */
void apt_progress_emitter::flush_log(bool partial)
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
void apt_progress_emitter::log_apt_messages()
{
	std::vector<std::string> warns;
	std::string e = apt_drain_errors(&warns);
	for (const std::string &w : warns)
		log(TLOG_WARNING, w);
	if (!e.empty())
		log(TLOG_ERROR, e);
}

/* ------------------------------------------------------------ downloads */

/* An item starts: one TEV_DOWNLOAD at 0 bytes. */
void apt_progress_acquire::Fetch(pkgAcquire::ItemDesc &desc)
{
	/* apt may report one item twice (a file: Release is fetched, then
	 * copied): one start and one end per item. */
	if (ended_.count(desc.Owner) != 0 || !started_.insert(desc.Owner).second)
		return;
	shown_[desc.Owner] = 0;
	uint64_t total = desc.Owner != nullptr ? desc.Owner->FileSize : 0;
	em_.event(TEV_DOWNLOAD, desc.ShortDesc, "", index(desc), count(desc), 0, total, 0);
}

/* The file was up to date already: done. */
void apt_progress_acquire::IMSHit(pkgAcquire::ItemDesc &desc)
{
	finished(desc, "done");
}

/* The file arrived: done. */
void apt_progress_acquire::Done(pkgAcquire::ItemDesc &desc)
{
	finished(desc, "done");
}

/* The item failed, or was an optional file that is not there ("Ign"). */
void apt_progress_acquire::Fail(pkgAcquire::ItemDesc &desc)
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
	std::string why = apt_first_line(it->ErrorText);
	finished(desc, "failed: " + (why.empty() ? std::string("unknown error") : why));
}

/* Every running item that moved since the last pulse, then the captured output. */
bool apt_progress_acquire::Pulse(pkgAcquire *owner)
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

/* The item's number, 1-based, in the order items were first seen. */
uint32_t apt_progress_acquire::index(const pkgAcquire::ItemDesc &desc)
{
	auto r = index_.emplace(desc.Owner, static_cast<uint32_t>(index_.size() + 1));
	return r.first->second;
}

/* The number of files: as set, else the items the fetcher holds now. */
uint32_t apt_progress_acquire::count(const pkgAcquire::ItemDesc &desc)
{
	if (count_ != 0)
		return count_;
	pkgAcquire *a = desc.Owner != nullptr ? desc.Owner->GetOwner() : nullptr;
	return a != nullptr ? static_cast<uint32_t>(a->ItemsEnd() - a->ItemsBegin()) : 0;
}

/* The item's last TEV_DOWNLOAD, at 100%, with text "done" or "failed: why". */
void apt_progress_acquire::finished(pkgAcquire::ItemDesc &desc, const std::string &text)
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

/* ------------------------------------------------------------ dpkg */

/* expect: each package's steps and verb, by full name. */
apt_progress_dpkg::apt_progress_dpkg(apt_progress_emitter &em,
				     std::map<std::string, apt_dpkg_expect> expect)
	: em_(em), expect_(std::move(expect)), native_(":" + _config->Find("APT::Architecture"))
{
}

/* One pmstatus line: a TEV_PACKAGE with the package's share of its steps
 * done. apt's action ("Unpacking x (1.0)") names the package again: the
 * event carries the verb of the whole change instead, as libalpm's do. */
bool apt_progress_dpkg::StatusChanged(std::string pkg, unsigned int, unsigned int,
				      std::string action)
{
	std::string name = short_name(pkg);
	uint32_t steps = ++seen_[name];
	auto e = expect_.find(name);
	uint32_t want = e != expect_.end() ? e->second.steps : 0;
	const char *verb = e != expect_.end() ? e->second.verb : "changing";
	/* apt's last word for a package: "Installed x" / "Removed x", or
	 * "Completely removed x" for a purge. */
	bool last = action.compare(0, 10, "Installed ") == 0 ||
		    action.compare(0, 8, "Removed ") == 0 ||
		    action.compare(0, 19, "Completely removed ") == 0;
	if (last && finished_.count(name) != 0)
		return true; /* said once */
	uint32_t count = static_cast<uint32_t>(std::max(expect_.size(), seen_.size()));
	uint32_t index = static_cast<uint32_t>(finished_.size()) + 1;
	if (last)
		finished_.insert(name);
	uint32_t pct = last ? 100 : want > 0 ? std::min(99u, steps * 100 / want) : 0;
	em_.event(TEV_PACKAGE, name, verb, std::min(index, count), count, 0, 0, pct);
	return true;
}

/* A dpkg error: a TLOG_ERROR line; the first one becomes the commit's message. */
void apt_progress_dpkg::Error(std::string pkg, unsigned int, unsigned int, std::string msg)
{
	std::string line = short_name(pkg) + ": " + apt_first_line(msg);
	if (em_.first_error.empty())
		em_.first_error = line;
	em_.flush_log(false);
	em_.log(TLOG_ERROR, line);
}

/* dpkg reports the prompt even when --force-confdef/--force-confold
 * answered it; the outcome is a TEV_DECISION after the commit. */
void apt_progress_dpkg::ConffilePrompt(std::string pkg, unsigned int, unsigned int,
				       std::string msg)
{
	em_.flush_log(false);
	em_.log(TLOG_INFO, "conffile question answered by --force-confold: " + short_name(pkg) +
				   ": " + apt_first_line(msg));
}

/* Captured output, between dpkg's reports. */
void apt_progress_dpkg::Pulse()
{
	em_.flush_log(false);
}

/* "name" for the native architecture and "all", else "name:arch"; for
 * an archive dpkg failed to unpack (a path), the name in its file name. */
std::string apt_progress_dpkg::short_name(const std::string &pkg) const
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
