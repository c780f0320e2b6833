// SPDX-License-Identifier: MIT
/* Who holds dpkg's and apt's lock files, asked without taking or dropping a lock. */

#include <apt-pkg/configuration.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/pkgsystem.h>

#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include "engine/backend/apt-int.h"

namespace {

/* "comm (pid N)" for pid, or "pid N" when /proc does not say. */
std::string describe_pid(long pid)
{
	std::ifstream f("/proc/" + std::to_string(pid) + "/comm");
	std::string comm;
	if (f && std::getline(f, comm) && !comm.empty())
		return comm + " (pid " + std::to_string(pid) + ")";
	return "pid " + std::to_string(pid);
}

} // namespace

/* Who holds a write lock on path: "" if nobody or the file is missing. Opens
 * and closes path: never call it for a file this process has locked. */
std::string apt_lock_file_holder(const std::string &path)
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
std::string apt_lock_admindir()
{
	return flNotFile(_config->FindFile("Dir::State::status"));
}

/* Who holds dpkg's frontend lock, else its database lock; "" when free. */
std::string apt_lock_dpkg_holder()
{
	std::string dir = apt_lock_admindir();
	std::string who = apt_lock_file_holder(dir + "lock-frontend");
	return who.empty() ? apt_lock_file_holder(dir + "lock") : who;
}

/* Who holds the dpkg lock, this process included; see backend.h. */
std::string apt_lock_owner(const apt_handle *h)
{
	/* Never open the lock files while we hold the lock (that would drop it). */
	if (h != nullptr && h->tx != nullptr && h->tx->cf != nullptr && _system != nullptr &&
	    _system->IsLocked())
		return describe_pid(static_cast<long>(getpid()));
	return apt_lock_dpkg_holder();
}
