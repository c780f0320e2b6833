# SPDX-License-Identifier: MIT
"""A loopback HTTP server over a sandbox's repository that sends package files slowly, so a
test can act while a real transaction is downloading (kill the client, attach, kill the
engine). Standard library only. Databases and indexes go at full speed."""
import http.server
import os
import threading
import time

SLOW_SUFFIXES = (".pkg.tar.zst", ".deb")


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        if not self.path.endswith(SLOW_SUFFIXES):
            return super().copyfile(source, outputfile)
        self.server.started.set()
        while True:
            chunk = source.read(self.server.chunk)
            if not chunk:
                break
            outputfile.write(chunk)
            outputfile.flush()
            time.sleep(self.server.pause)  # the slowness is the point: tests act meanwhile


class SlowRepo:
    """Serves directory at http://127.0.0.1:PORT/; package files at chunk bytes every
    pause seconds. `started` is set when a package download begins."""

    def __init__(self, directory, chunk=64, pause=0.25):
        handler = lambda *a, **kw: _Handler(*a, directory=directory, **kw)  # noqa: E731
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.chunk = chunk
        self.httpd.pause = pause
        self.httpd.started = threading.Event()
        self.started = self.httpd.started
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def fast(self):
        """From now on, at full speed."""
        self.httpd.pause = 0
        self.httpd.chunk = 1 << 20

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def point_arch_at(root, url):
    """Makes the Arch sandbox's repository the server at url."""
    conf = os.path.join(root, "etc/pacman.d/omg-extra.conf")
    text = open(conf).read()
    lines = [("Server = %s" % url) if line.startswith("Server = ") else line
             for line in text.splitlines()]
    open(conf, "w").write("\n".join(lines) + "\n")


def point_debian_at(root, url):
    """Makes the Debian sandbox's repository the server at url (needs a sync after)."""
    path = os.path.join(root, "etc/apt/sources.list")
    text = open(path).read()
    opts = text.split("]")[0] + "]"
    open(path, "w").write("%s %s/ ./\n" % (opts, url))
