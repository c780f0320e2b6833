# SPDX-License-Identifier: MIT
"""The UI part of make bench: the full-screen UI (omg with no command) through a real pty,
its screen read by a terminal emulator (python3-pyte), on the ~63k-package Arch corpus and on
the host's Debian lists.

Each UI runs on a pty of COLSxROWS (120x40, TIOCSWINSZ) with TERM=xterm-256color and
LANG=C.UTF-8, in the bench's private XDG environment and a private XDG_RUNTIME_DIR (so its
own user engine, started or found there, serves it). A reader process copies every byte
the UI writes from the pty's master to the bench with the time it was read; the bench feeds
those bytes to a pyte screen and reads the screen. A frame's time is the time its last
byte was read from the pty, so pyte's own speed does not count.

1. Time to the first full frame: from the spawn to the screen showing the package list:
   row 0 the counts ("installed,"), row 2 the column headings ("Name"), every list row the
   corpus' names from the first in the engine's (strcmp) order, the detail pane's bar the
   first name, and the last row the key hints ("?:help").
     warm: the user engine already runs (the normal case): RUNS runs, mean/p50/p95/min;
     cold: no engine runs, the UI starts it (index from the LMDB store): COLD_RUNS runs.
   Each run also waits for the whole list (the "1 All N" tab with N = the corpus' count),
   quits with q, and keeps the UI's own OMG_UI_TIMING=1 breakdown.
   Goal: under 100 ms warm.
2. Keystroke to redraw, in one UI session after the whole list is loaded: j and PgDn on
   the list (a reference: until the detail pane's bar names the new package), then ROUNDS
   rounds of / and the keys of "fire", 4 backspaces, "lib", 3 backspaces, "python3-", one
   at a time: from os.write of the key to the last row showing "Find: TEXT" with
   "N match(es)" (drawn after the list rows, in the same frame). Every count is checked
   against the bench's own count (every word a case-insensitive substring of
   "name\\ndescription", from omg list --all --json); a difference fails the part.
   Goal: under 16 ms.
3. The bench's own floors on the same path: /bin/echo x spawned to its byte on the screen,
   and a key to the pty's own echo (cat on a cooked pty).
A screen that does not show what is expected within TIMEOUT seconds fails the part, with
the last screen printed. The engines run in a private XDG_RUNTIME_DIR and are stopped with
omg daemon stop --all there; their logs (and the UI's) are copied to build/bench/ui-*.log.

Environment: OMG_BENCH_UI_RUNS (warm runs, default 20), OMG_BENCH_UI_COLD_RUNS (default 1),
OMG_BENCH_UI_ROUNDS (typing rounds, default 3), OMG_BENCH_UI_TIMEOUT (seconds, default 10),
OMG_BENCH_UI_DEBIAN=0 skips the Debian lists.
"""
import fcntl
import glob
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

COLS, ROWS = 120, 40
RUNS = int(os.environ.get("OMG_BENCH_UI_RUNS", "20"))
COLD_RUNS = int(os.environ.get("OMG_BENCH_UI_COLD_RUNS", "1"))
ROUNDS = int(os.environ.get("OMG_BENCH_UI_ROUNDS", "3"))
TIMEOUT = float(os.environ.get("OMG_BENCH_UI_TIMEOUT", "10"))
DEBIAN = os.environ.get("OMG_BENCH_UI_DEBIAN", "1") != "0"
WARMUP_RUNS = 2          # warm runs not counted (the engine's first list, the page cache)
CURSOR_KEYS = 20         # j presses, and PgDn presses
SETTLE_S = 0.05          # quiet on the pty before the next key
GOAL_FIRST_MS = 100.0
GOAL_KEY_MS = 16.0
# What is typed at the find prompt: text, or a number of backspaces.
FIND_SEQ = ("fire", 4, "lib", 3, "python3-")
BACKSPACE = b"\x7f"      # xterm-256color's kbs
PGDN = b"\x1b[6~"        # its knp

TIMING_RE = re.compile(
    r"omg: ui: connect ([\d.]+) ms, first list frame ([\d.]+) ms, first screen ([\d.]+) ms, "
    r"whole list ([\d.]+) ms \((\d+) packages\)(?:, search index ([\d.]+) ms)?")
FIND_RE = re.compile(r"^Find: (.*)   (\d+) match(?:es)?  \(Enter")
HDR = struct.Struct("<dI")


class UIFailed(RuntimeError):
    pass


def _pyte():
    try:
        import pyte
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        try:
            import pyte
        except ImportError:
            raise UIFailed("the ui part needs python3-pyte (scripts/deps.sh installs it); run "
                           "the bench with /usr/bin/python3")
    return pyte


def make_screen():
    pyte = _pyte()

    class Screen(pyte.Screen):
        """pyte's screen with what ncurses sends for xterm-256color and pyte 0.8 lacks:
        REP (CSI n b, rep), SU and SD (CSI n S / T: indn, rin, scrolling the list in its
        region); the keypad (ESC = / >) and window (CSI t) modes are taken and ignored.
        Anything else pyte does not know is counted in unknown."""

        def __init__(self, cols, rows):
            super().__init__(cols, rows)
            self.last_char = " "
            self.unknown = {}
            self.reply = None

        def draw(self, data):
            super().draw(data)
            if data:
                self.last_char = data[-1]

        def repeat_last(self, *params, **kw):
            n = params[0] if params and params[0] else 1
            self.draw(self.last_char * min(n, self.columns * self.lines))

        def _region(self):
            m = self.margins
            return (m.top, m.bottom) if m else (0, self.lines - 1)

        def scroll_up(self, *params, **kw):
            top, bottom = self._region()
            for _ in range(min(params[0] if params and params[0] else 1, bottom - top + 1)):
                for y in range(top, bottom):
                    self.buffer[y] = self.buffer[y + 1]
                self.buffer.pop(bottom, None)
            self.dirty.update(range(self.lines))

        def scroll_down(self, *params, **kw):
            top, bottom = self._region()
            for _ in range(min(params[0] if params and params[0] else 1, bottom - top + 1)):
                for y in range(bottom, top, -1):
                    self.buffer[y] = self.buffer[y - 1]
                self.buffer.pop(top, None)
            self.dirty.update(range(self.lines))

        def ignored(self, *params, **kw):
            pass

        def debug(self, *args, **kw):
            key = (repr(args) + (repr(kw) if kw else ""))[:60]
            self.unknown[key] = self.unknown.get(key, 0) + 1

        def write_process_input(self, data):
            if self.reply:
                self.reply(data)

    class Stream(pyte.ByteStream):
        csi = dict(pyte.ByteStream.csi, b="repeat_last", S="scroll_up", T="scroll_down",
                   t="ignored")
        escape = dict(pyte.ByteStream.escape, **{"=": "ignored", ">": "ignored"})
        events = pyte.ByteStream.events | {"repeat_last", "scroll_up", "scroll_down", "ignored"}

    scr = Screen(COLS, ROWS)
    return scr, Stream(scr)


def row_text(scr, y):
    """Row y of the screen as text (a wide character's second cell left out)."""
    line = scr.buffer[y]
    return "".join(line[x].data for x in range(scr.columns))


def stats(ms):
    v = sorted(ms)
    if not v:
        return None

    def pct(p):
        k = (len(v) - 1) * p / 100.0
        lo = int(k)
        hi = min(lo + 1, len(v) - 1)
        return v[lo] + (v[hi] - v[lo]) * (k - lo)
    return {"n": len(v), "mean": round(sum(v) / len(v), 2), "p50": round(pct(50), 2),
            "p95": round(pct(95), 2), "min": round(v[0], 2), "max": round(v[-1], 2)}


# ---------------------------------------------------------------- a UI on a pty

class Session:
    """omg's UI on a pty of COLSxROWS, its output read by a reader process into a pyte
    screen with the time each chunk left the pty."""

    def __init__(self, argv, env, what):
        self.what = what
        self.scr, self.stream = make_screen()
        self.raw_tail = bytearray()
        self.keep_raw = False
        self.eof = False
        self.buf = b""
        self.t_first = None  # when the UI's first byte was read
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.scr.reply = lambda d: os.write(self.master, d.encode())
        rfd, wfd = os.pipe()
        try:
            fcntl.fcntl(wfd, 1031, 1 << 20)  # F_SETPIPE_SZ: room for many frames
        except OSError:
            pass
        self.reader = os.fork()
        if self.reader == 0:  # the reader: pty -> (time, chunk) records on the pipe
            code = 0
            try:
                os.close(rfd)
                os.close(slave)
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):  # the bench's output is not ours to hold
                    os.dup2(null, fd)
                parent = os.getppid()
                while True:
                    # the bench gone: let go of the pty, which hangs the UI up
                    if not select.select([self.master], [], [], 1.0)[0]:
                        if os.getppid() != parent:
                            break
                        continue
                    try:
                        d = os.read(self.master, 65536)
                    except OSError:
                        break  # EIO: the UI closed the pty
                    if not d:
                        break
                    rec = HDR.pack(time.monotonic(), len(d)) + d
                    while rec:
                        rec = rec[os.write(wfd, rec):]
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(wfd)
        self.pipe = rfd
        self.t_spawn = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                start_new_session=True,
                preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        except OSError as e:
            self.proc = None
            self.close()
            raise UIFailed("%s: cannot run %s: %s" % (what, argv[0], e))
        finally:
            os.close(slave)  # the UI holds it: its exit ends the reader (EIO)

    # -- reading

    def _chunks(self, timeout):
        """The (time, bytes) chunks that arrive within timeout (at least one unless
        nothing came); [] at the end of the output."""
        out = []
        deadline = time.monotonic() + timeout
        while True:
            while len(self.buf) >= HDR.size:
                t, n = HDR.unpack_from(self.buf)
                if len(self.buf) < HDR.size + n:
                    break
                out.append((t, self.buf[HDR.size:HDR.size + n]))
                if self.t_first is None:
                    self.t_first = t
                self.buf = self.buf[HDR.size + n:]
            if out or self.eof:
                return out
            left = deadline - time.monotonic()
            if left <= 0:
                return out
            r, _, _ = select.select([self.pipe], [], [], left)
            if not r:
                return out
            d = os.read(self.pipe, 1 << 20)
            if not d:
                self.eof = True
            self.buf += d

    def _feed(self, data):
        if self.keep_raw:
            self.raw_tail += data
        self.stream.feed(data)

    def wait_for(self, pred, what, timeout=TIMEOUT):
        """Feeds the screen until pred(self) holds; returns the time the chunk that made
        it hold was read from the pty. Fails with the screen after timeout."""
        if pred(self):
            return time.monotonic()
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            chunks = self._chunks(max(left, 0))
            for i, (t, d) in enumerate(chunks):
                self._feed(d)
                if pred(self):
                    for _, rest in chunks[i + 1:]:  # the screen stays current
                        self._feed(rest)
                    return t
            if not chunks and (self.eof or left <= 0):
                rc = self.proc.poll()
                raise UIFailed("%s: the screen did not show %s within %g s%s\n%s" % (
                    self.what, what, timeout,
                    "" if rc is None else " (the UI exited %d)" % rc, self.dump()))

    def settle(self, quiet=SETTLE_S, most=2.0):
        """Feeds what comes until the pty is quiet for `quiet` seconds (at most `most`)."""
        end = time.monotonic() + most
        while time.monotonic() < end:
            chunks = self._chunks(quiet)
            if not chunks:
                return
            for _, d in chunks:
                self._feed(d)

    def row(self, y):
        return row_text(self.scr, y)

    def dump(self):
        return "---- last screen (%dx%d) ----\n%s\n----" % (
            COLS, ROWS, "\n".join("%2d|%s" % (i, l.rstrip()) for i, l in
                                  enumerate(self.scr.display)))

    # -- writing

    def key(self, data):
        """Writes a key to the UI; returns the time just before the write."""
        t = time.monotonic()
        os.write(self.master, data)
        return t

    def quit(self):
        """q, then wait for the UI to exit; returns (exit status, OMG_UI_TIMING dict)."""
        self.keep_raw = True
        self.key(b"q")
        try:
            rc = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.settle()
            dump = self.dump()
            self.close()
            raise UIFailed("%s: the UI did not exit within %g s of q\n%s" % (
                self.what, TIMEOUT, dump))
        end = time.monotonic() + TIMEOUT
        while not self.eof and time.monotonic() < end:
            for _, d in self._chunks(0.5):
                self._feed(d)
        m = TIMING_RE.search(self.raw_tail.decode("utf-8", "replace"))
        timing = None
        if m:
            timing = {"connect_ms": float(m.group(1)), "first_list_frame_ms": float(m.group(2)),
                      "first_screen_ms": float(m.group(3)), "whole_list_ms": float(m.group(4)),
                      "packages": int(m.group(5))}
            if m.group(6):
                timing["search_index_ms"] = float(m.group(6))
        self.close()
        return rc, timing

    def close(self):
        p = getattr(self, "proc", None)
        if p and p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if self.reader:
            try:
                os.kill(self.reader, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(self.reader, 0)
            except ChildProcessError:
                pass
            self.reader = 0
        for fd in ("master", "pipe"):
            f = getattr(self, fd, -1)
            if f >= 0:
                try:
                    os.close(f)
                except OSError:
                    pass
                setattr(self, fd, -1)


# ---------------------------------------------------------------- what the screen shows

def bar_row(s):
    """The detail pane's title bar (the first row from 3 on that starts with a dash)."""
    for y in range(3, ROWS - 1):
        r = s.row(y)
        if r.startswith("\u2500\u2500 ") or r.startswith("-- "):
            return y
    return -1


def name_width(s):
    """The name column's width: from column 4 (after the state) to the Version heading."""
    x = s.row(2).find("Version")
    return x - 4 if x > 4 else COLS


def name_in_row(text, width=COLS):
    """The name column of a list row."""
    return text[4:4 + width].strip()


def same_name(shown, name):
    """A name as a list row shows it (cut to the column when too long: the cut name runs
    into the version column, so the row's text may carry more after it)."""
    if shown == name:
        return True
    return len(shown) >= 20 and name.startswith(shown) and len(name) > len(shown)


def full_frame(names):
    """The first full frame: counts, headings, every list row from the first name on,
    the detail bar on the first name, the key hints."""
    def pred(s):
        if "installed," not in s.row(0) or not re.search(r"\bName\b", s.row(2)):
            return False
        if "?:help" not in s.row(ROWS - 1):
            return False
        b = bar_row(s)
        if b < 4:
            return False
        for i, y in enumerate(range(3, b)):
            if i >= len(names):
                break
            if not same_name(name_in_row(s.row(y), name_width(s)), names[i]):
                return False
        bar = s.row(b)
        return bar[3:].split(" ", 1)[0] == names[0]
    return pred


def whole_list(total):
    def pred(s):
        r = s.row(1)
        m = re.search(r"\b1 All (\d+)\b", r)
        return bool(m) and int(m.group(1)) == total and "loading" not in r
    return pred


def list_rows(s):
    """The names the list rows show (rows 3 up to the detail bar)."""
    b = bar_row(s)
    w = name_width(s)
    return [name_in_row(s.row(y), w) for y in range(3, b)] if b > 3 else None


def cursor_on(name, names=None, top=0):
    """The detail pane names `name`: its bar and its first line (what the list knows, or
    the engine's record); with names, the list rows show names from top on."""
    def pred(s):
        b = bar_row(s)
        if b < 0 or s.row(b)[3:].split(" ", 1)[0] != name:
            return False
        f = s.row(b + 1).split()
        if not (f and (f[0] == name or (f[:2] == ["Name", ":"] and f[2:3] == [name]))):
            return False
        if names is not None:
            shown = list_rows(s)
            want = names[top:top + len(shown)]
            if len(want) < len(shown) or not all(same_name(a, w) for a, w in zip(shown, want)):
                return False
        return True
    return pred


def find_shows(text, matches=None):
    """The last row shows "Find: text" and a count; with matches (a set of names), every
    list row shows a match, in name order."""
    def pred(s):
        m = FIND_RE.match(s.row(ROWS - 1))
        if not m or m.group(1) != text:
            return False
        if matches is not None:
            shown = [n for n in list_rows(s) or [] if n]
            if shown != sorted(shown, key=lambda n: n.encode()):
                return False
            if not all(n in matches or any(same_name(n, x) for x in matches if len(x) > len(n))
                       for n in shown):
                return False
            if not shown and matches:
                return False
        return True
    return pred


def find_count(s):
    m = FIND_RE.match(s.row(ROWS - 1))
    return int(m.group(2)) if m else None


# ---------------------------------------------------------------- the bench's own count

def fold(text):
    """utf8_fold: ASCII A-Z lowered, other code points by towlower (one for one)."""
    out = []
    for c in text:
        if c < "\x80":
            out.append(c.lower())
        else:
            low = c.lower()
            out.append(low if len(low) == 1 else ("i" if c == "\u0130" else c))
    return "".join(out)


class Counter:
    """The packages the UI's find matches: every word a substring of the folded
    "name\ndescription"."""

    def __init__(self, recs):
        self.names = [r["name"] for r in recs]
        self.folded = [fold(r["name"]) + "\n" + fold(r.get("description") or "") for r in recs]
        self.cache = {}

    def matches(self, text):
        if text not in self.cache:
            words = [w for w in re.split(r"[ \t]+", fold(text)) if w]
            self.cache[text] = {n for n, f in zip(self.names, self.folded)
                                if all(w in f for w in words)}
        return self.cache[text]

    def count(self, text):
        return len(self.matches(text))


# ---------------------------------------------------------------- one corpus

class Corpus:
    def __init__(self, section, omg, base, env, run, say, tmpdirs):
        self.section, self.omg, self.base, self.run, self.say = section, omg, base, run, say
        self.rt = tempfile.mkdtemp(prefix="omg-bench-ui.", dir="/tmp")
        tmpdirs.append(self.rt)
        os.chmod(self.rt, 0o700)
        self.env = dict(env)
        for var in ("LINES", "COLUMNS", "NO_COLOR", "OMG_SOCKET", "OMG_NO_DAEMON", "TMUX"):
            self.env.pop(var, None)
        self.env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                         "XDG_RUNTIME_DIR": self.rt,
                         "XDG_STATE_HOME": os.path.join(self.rt, "state"),
                         "OMG_UI_TIMING": "1"})

    def cli(self, args, ok=(0,), what=None):
        return self.run(self.base + args, ok=ok, what=what or "omg " + " ".join(args),
                        env=self.env)

    def stop_engines(self):
        """Stops the engines in the private runtime directory (only those)."""
        self.cli(["daemon", "stop", "--all"], ok=(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
                 what="omg daemon stop --all")
        left = glob.glob(os.path.join(self.rt, "omg", "*.sock"))
        if left:
            raise UIFailed("%s: engines still listen at %s after omg daemon stop --all" % (
                self.section, left))

    def session(self, what):
        return Session([str(a) for a in self.base], self.env, "%s UI (%s)" % (self.section,
                                                                            what))

    def save_logs(self, out_dir):
        for log in glob.glob(os.path.join(self.rt, "state", "omg", "*.log")):
            shutil.copy(log, os.path.join(out_dir, "ui-%s-%s" % (self.section,
                                                                 os.path.basename(log))))


def header_engine(s):
    """The header's "user engine PID" / "system engine PID", or ""."""
    m = re.search(r"(\w+) engine (\d+)", s.row(0))
    return "%s %s" % (m.group(1), m.group(2)) if m else ""


def first_frame_run(c, names, total, label):
    """One UI start: (first frame ms, whole list ms, OMG_UI_TIMING dict, engine)."""
    s = c.session(label)
    try:
        t = s.wait_for(full_frame(names), "the first full frame (list from %s, counts, keys)"
                       % names[0])
        first = (t - s.t_spawn) * 1000.0
        first_byte = (s.t_first - s.t_spawn) * 1000.0
        t2 = s.wait_for(whole_list(total), "the whole list (1 All %d)" % total)
        whole = (t2 - s.t_spawn) * 1000.0
        s.settle()
        engine = header_engine(s)
        unknown = dict(s.scr.unknown)
        rc, timing = s.quit()
    finally:
        s.close()
    if rc != 0:
        raise UIFailed("%s UI (%s): exited %d after q" % (c.section, label, rc))
    return first, whole, timing, engine, unknown, first_byte


def time_key(s, data, pred, what):
    """Writes a key; the ms until pred holds (then lets the UI settle)."""
    if pred(s):
        raise UIFailed("%s: the screen already shows %s before the key\n%s" % (
            s.what, what, s.dump()))
    t0 = s.key(data)
    t = s.wait_for(pred, what)
    ms = (t - t0) * 1000.0
    s.settle()
    return ms


def key_session(c, names, total, counter):
    say = c.say
    s = c.session("keys")
    res = {"cursor_j": [], "pgdn": [], "open_find": [], "find": [], "find_keys": [],
           "mismatches": []}
    try:
        s.wait_for(full_frame(names), "the first full frame")
        s.wait_for(whole_list(total), "the whole list (1 All %d)" % total)
        s.settle(0.2)
        list_h = bar_row(s) - 3
        cur = top = 0
        for key, step, out in ((b"j", 1, "cursor_j"), (PGDN, list_h, "pgdn")):
            for _ in range(CURSOR_KEYS):
                cur += step
                if cur >= top + list_h:  # the UI's move_to
                    top = cur - list_h + 1
                res[out].append(time_key(s, key, cursor_on(names[cur], names, top),
                                         "the cursor on %s, the list from %s (%s)" % (
                                             names[cur], names[top], out)))
        for rnd in range(ROUNDS):
            res["open_find"].append(time_key(s, b"/", find_shows(""), "the Find: prompt"))
            text = ""
            for step in FIND_SEQ:
                keys = ([ch.encode() for ch in step] if isinstance(step, str)
                        else [BACKSPACE] * step)
                for k in keys:
                    text = text[:-1] if k == BACKSPACE else text + k.decode()
                    ms = time_key(s, k, find_shows(text, counter.matches(text)),
                                  "Find: %s with its count, the list rows matches" % text)
                    shown, want = find_count(s), counter.count(text)
                    res["find"].append(ms)
                    res["find_keys"].append({"round": rnd + 1, "key": "BS" if k == BACKSPACE
                                             else k.decode(), "text": text, "ms": round(ms, 3),
                                             "count": shown, "expected": want})
                    if shown != want:
                        res["mismatches"].append({"text": text, "ui": shown,
                                                  "bench": want})
            s.key(b"\x1b")  # Esc: back to the list
            s.wait_for(lambda x: not x.row(ROWS - 1).startswith("Find:"), "the list after Esc")
            s.settle(0.1)
        res["unknown_sequences"] = dict(s.scr.unknown)
        rc, timing = s.quit()
        res["exit"] = rc
        res["ui_timing"] = timing
    finally:
        s.close()
    if res["exit"] != 0:
        raise UIFailed("%s UI (keys): exited %d after q" % (c.section, res["exit"]))
    final = {}
    for k in res["find_keys"]:
        final[k["text"]] = k
    say("  find counts checked against the bench's own count: %d keystrokes, %d differ; the "
        "words' final texts: %s" % (
            len(res["find_keys"]), len(res["mismatches"]),
            ", ".join("%r %d" % (w, final[w]["count"]) for w in FIND_SEQ
                      if isinstance(w, str) and w in final)))
    if res["mismatches"]:
        raise UIFailed("%s UI: the find count differs from the bench's count: %s" % (
            c.section, res["mismatches"][:10]))
    return res


def corpus_part(section, omg, base, env, run, say, tmpdirs, out_dir):
    c = Corpus(section, omg, base, env, run, say, tmpdirs)
    say("")
    say("[%s, ui] %s on a %dx%d pty (TERM=xterm-256color), private engine directory %s" % (
        section, " ".join(str(a) for a in base), COLS, ROWS, c.rt))
    try:
        return _corpus_part(c, section, base, say, out_dir)
    finally:
        try:
            c.stop_engines()
        finally:
            c.save_logs(out_dir)


def _corpus_part(c, section, base, say, out_dir):
    out, _, _ = c.cli(["list", "--all", "-q"], what="omg list --all -q")
    engine_order = [l for l in out.splitlines() if l]
    names = sorted(engine_order, key=lambda n: n.encode())
    total = len(names)
    if names != engine_order:
        say("  note: omg list --all -q is not in strcmp order; the UI is checked against "
            "strcmp order")
    js, _, _ = c.cli(["list", "--all", "--json"], what="omg list --all --json")
    counter = Counter(json.loads(js))
    say("  %d packages; the first names %s" % (total, ", ".join(names[:3])))
    res = {"section": section, "command": " ".join(str(a) for a in base), "size": "%dx%d" % (
        COLS, ROWS), "packages": total, "first_name": names[0],
        "engine_order_is_strcmp": names == engine_order}

    # cold: no engine; the UI starts it
    cold, cold_timing, cold_whole, cold_byte = [], [], [], []
    for i in range(COLD_RUNS):
        c.stop_engines()
        first, whole, timing, engine, unknown, fb = first_frame_run(c, names, total, "cold")
        cold_byte.append(fb)
        if not engine.startswith("user"):
            say("  note: the cold UI is served by %r, not a user engine it started" % engine)
        cold.append(first)
        cold_whole.append(whole)
        cold_timing.append(timing)
        say("  cold (no engine running, the UI starts it): first full frame %.1f ms, whole "
            "list %.0f ms; the UI's timing: %s" % (first, whole, fmt_timing(timing)))
    res["cold"] = {"first_frame_ms": [round(x, 2) for x in cold], "stats": stats(cold),
                   "whole_list_ms": [round(x, 1) for x in cold_whole],
                   "first_byte_ms": [round(x, 2) for x in cold_byte], "ui_timing": cold_timing}

    # warm: the engine the last cold run started serves every run
    warm, warm_whole, warm_timing, warm_byte, engines, unknown_all = [], [], [], [], set(), {}
    say("  warm (the engine runs): %d runs after %d not counted ..." % (RUNS, WARMUP_RUNS))
    for i in range(WARMUP_RUNS + RUNS):
        first, whole, timing, engine, unknown, fb = first_frame_run(c, names, total, "warm")
        for k, v in unknown.items():
            unknown_all[k] = unknown_all.get(k, 0) + v
        if i < WARMUP_RUNS:
            continue
        engines.add(engine)
        warm.append(first)
        warm_byte.append(fb)
        warm_whole.append(whole)
        warm_timing.append(timing)
    if len(engines) != 1:
        say("  note: the warm runs saw more than one engine: %s" % sorted(engines))
    ws = stats(warm)
    res["warm"] = {"first_frame_ms": [round(x, 2) for x in warm], "stats": ws,
                   "whole_list_ms": [round(x, 1) for x in warm_whole],
                   "whole_list_stats": stats(warm_whole),
                   "first_byte_ms": [round(x, 2) for x in warm_byte],
                   "first_byte_stats": stats(warm_byte), "ui_timing": warm_timing,
                   "engine": sorted(engines)}
    tk = [t for t in warm_timing if t]
    if len(tk) < len(warm_timing):
        say("  note: %d warm runs printed no omg: ui: timing line" % (len(warm_timing) - len(tk)))
    if tk:
        res["warm"]["ui_timing_mean"] = {k: round(sum(t[k] for t in tk) / len(tk), 2) for k in
                                         ("connect_ms", "first_list_frame_ms", "first_screen_ms",
                                          "whole_list_ms", "search_index_ms")
                                         if all(k in t for t in tk)}
    say("  warm first full frame: mean %.1f, p50 %.1f, p95 %.1f, min %.1f, max %.1f ms; the "
        "UI's first byte mean %.1f ms; whole list mean %.0f ms" % (
            ws["mean"], ws["p50"], ws["p95"], ws["min"], ws["max"],
            res["warm"]["first_byte_stats"]["mean"], res["warm"]["whole_list_stats"]["mean"]))
    if tk:
        say("  the UI's own timing, warm mean: %s" % fmt_timing(res["warm"]["ui_timing_mean"]))

    # keystrokes
    say("  keystrokes: %d j, %d PgDn, then %d rounds of / and %s ..." % (
        CURSOR_KEYS, CURSOR_KEYS, ROUNDS, " ".join(
            repr(x) if isinstance(x, str) else "%d backspaces" % x for x in FIND_SEQ)))
    keys = key_session(c, names, total, counter)
    for k, v in unknown_all.items():
        keys["unknown_sequences"][k] = keys["unknown_sequences"].get(k, 0) + v
    res["keys"] = {"find": stats(keys["find"]), "open_find": stats(keys["open_find"]),
                   "cursor_j": stats(keys["cursor_j"]), "pgdn": stats(keys["pgdn"]),
                   "find_keys": keys["find_keys"], "cursor_j_ms": [round(x, 3) for x in
                                                                   keys["cursor_j"]],
                   "pgdn_ms": [round(x, 3) for x in keys["pgdn"]],
                   "ui_timing": keys["ui_timing"],
                   "first_find_key": keys["find_keys"][0] if keys["find_keys"] else None}
    res["unknown_sequences"] = keys["unknown_sequences"]
    if keys["unknown_sequences"]:
        say("  note: escape sequences the emulator did not know: %s" % keys["unknown_sequences"])
    f = res["keys"]["find"]
    say("  find, per key: mean %.2f, p50 %.2f, p95 %.2f, max %.2f ms (%d keys); j mean %.2f; "
        "PgDn mean %.2f ms" % (f["mean"], f["p50"], f["p95"], f["max"], f["n"],
                               res["keys"]["cursor_j"]["mean"], res["keys"]["pgdn"]["mean"]))
    res["goals"] = [
        goal(section, "UI first full frame, warm engine, under %g ms" % GOAL_FIRST_MS, ws,
             GOAL_FIRST_MS),
        goal(section, "find-as-you-type keystroke to redraw, under %g ms" % GOAL_KEY_MS, f,
             GOAL_KEY_MS)]
    return res


def goal(section, text, st, limit):
    """Met on the mean; the note says when the p95 or max is over."""
    note = ""
    if st["p95"] >= limit:
        note = "p95 %.1f ms is over" % st["p95"]
    elif st["max"] >= limit:
        note = "max %.1f ms is over" % st["max"]
    return {"goal": text, "section": section, "value": st["mean"], "met": st["mean"] < limit,
            "figure": "mean %.1f ms, p50 %.1f, p95 %.1f, max %.1f (%d)" % (
                st["mean"], st["p50"], st["p95"], st["max"], st["n"]), "note": note}


def fmt_timing(t):
    if not t:
        return "(no omg: ui: line)"
    return ("connect %.1f ms, first list frame %.1f ms, first screen %.1f ms, whole list "
            "%.1f ms%s" % (t["connect_ms"], t["first_list_frame_ms"], t["first_screen_ms"],
                           t["whole_list_ms"], ", search index %.1f ms" % t["search_index_ms"]
                           if "search_index_ms" in t else ""))


# ---------------------------------------------------------------- the floors

def floors(env, say):
    """What the bench's own path costs: the spawn of /bin/echo x to its byte on the screen
    (Popen from Python, the pty, the reader, pyte), and a key to the pty's own echo (cat
    on a cooked pty: no program draws anything)."""
    env = dict(env, TERM="xterm-256color")
    spawn = []
    for _ in range(RUNS):
        s = Session(["/bin/echo", "x"], env, "floor: /bin/echo x")
        try:
            t = s.wait_for(lambda x: x.row(0).strip() == "x", "x")
            spawn.append((t - s.t_spawn) * 1000.0)
        finally:
            s.close()
    echo = []
    s = Session(["/bin/cat"], env, "floor: cat")
    try:
        s.settle(0.1)
        text = ""
        for ch in "abcdefghijklmnopqrst":
            text += ch
            echo.append(time_key(s, ch.encode(), lambda x, t=text: x.row(0).rstrip() == t,
                                 "the echo of %s" % text))
    finally:
        s.close()
    res = {"spawn_echo_x": stats(spawn), "key_echo": stats(echo)}
    say("  floors: /bin/echo x spawned to its byte on the screen %.1f ms mean; a key to the "
        "pty's own echo %.2f ms mean" % (res["spawn_echo_x"]["mean"], res["key_echo"]["mean"]))
    return res


# ---------------------------------------------------------------- the part

def ui_part(omg, env, run, say, tmpdirs, corpus_dir, out_dir, have_debian_lists):
    """Both corpora; the results for results.json (raises on a failure)."""
    _pyte()
    import corpus
    res = {"cols": COLS, "rows": ROWS, "runs": RUNS, "cold_runs": COLD_RUNS,
           "warmup_runs": WARMUP_RUNS, "rounds": ROUNDS, "find_sequence": list(FIND_SEQ),
           "goal_first_frame_ms": GOAL_FIRST_MS, "goal_key_ms": GOAL_KEY_MS, "sections": [],
           "skipped": []}
    say("")
    say("[ui] the bench's own floors on the pty ...")
    try:
        res["floors"] = floors(env, say)
    except UIFailed as e:
        raise RuntimeError("ui part: %s" % e)
    say("[ui] building/reusing the Arch corpus in %s ..." % corpus_dir)
    try:
        info = corpus.build_arch_corpus(corpus_dir)
    except RuntimeError as e:
        res["skipped"].append("Arch corpus: %s" % e)
        say("  skipped: %s" % e)
        info = None
    try:
        if info:
            res["sections"].append(corpus_part("arch", omg, [omg, "--root", info["root"]], env,
                                               run, say, tmpdirs, out_dir))
        if DEBIAN and have_debian_lists:
            res["sections"].append(corpus_part("debian", omg, [omg], env, run, say, tmpdirs,
                                               out_dir))
        elif not DEBIAN:
            res["skipped"].append("Debian lists: OMG_BENCH_UI_DEBIAN=0")
        else:
            res["skipped"].append("Debian lists: none in /var/lib/apt/lists")
    except UIFailed as e:
        raise RuntimeError("ui part: %s" % e)
    res["goals"] = [g for s in res["sections"] for g in s["goals"]]
    return res


def _row(st):
    return "%7.1f %7.1f %7.1f %7.1f %7.1f %5d" % (st["mean"], st["p50"], st["p95"], st["min"],
                                                  st["max"], st["n"])


def print_ui(res, say):
    say("")
    say("=" * 140)
    say("the UI through a pty (%dx%d, xterm-256color, pyte): the first full frame from the spawn, "
        "and keystroke to redraw" % (res["cols"], res["rows"]))
    say("-" * 140)
    say("%-7s %-62s %7s %7s %7s %7s %7s %5s" % ("corpus", "what (ms)", "mean", "p50", "p95",
                                                 "min", "max", "n"))
    say("-" * 140)
    for s in res["sections"]:
        k = s["keys"]
        rows = [
            ("first full frame, warm (the user engine runs)", s["warm"]["stats"]),
            ("the UI's first byte on the pty, warm", s["warm"]["first_byte_stats"]),
            ("first full frame, COLD (no engine: the UI starts it)", s["cold"]["stats"]),
            ("whole list shown (1 All %d), warm" % s["packages"], s["warm"]["whole_list_stats"]),
            ("find: a key typed at / to its frame (Find: TEXT + count)", k["find"]),
            ("/ opens the find prompt", k["open_find"]),
            ("j: cursor down (reference)", k["cursor_j"]),
            ("PgDn (reference)", k["pgdn"])]
        for label, st in rows:
            say("%-7s %-62s %s" % (s["section"], label, _row(st)))
        fk = k.get("first_find_key")
        if fk:
            say("%-7s %-62s %7.1f" % ("", "  of which the session's first find key, %r" % fk["key"],
                                      fk["ms"]))
        t = s["warm"].get("ui_timing_mean")
        say("%-7s %-62s %s" % ("", "the UI's own OMG_UI_TIMING, warm mean", fmt_timing(t)))
        say("%-7s %-62s %s" % ("", "the UI's own OMG_UI_TIMING, cold",
                               "; ".join(fmt_timing(x) for x in s["cold"]["ui_timing"])))
    say("-" * 140)
    for s in res["sections"]:
        ks, cnt = {}, {}
        for k in s["keys"]["find_keys"]:
            ks.setdefault(k["text"], []).append(k["ms"])
            cnt[k["text"]] = k["count"]
        say("%-7s find, per text: mean ms [matches, as the UI and the bench count them]:" %
            s["section"])
        say("        " + "  ".join("%s %.1f [%d]" % (t or "''", sum(v) / len(v), cnt[t])
                               for t, v in ks.items()))
    fl = res.get("floors")
    if fl:
        say("%-7s %-62s %s" % ("floor", "/bin/echo x: spawn to its byte on the screen",
                                _row(fl["spawn_echo_x"])))
        say("%-7s %-62s %s" % ("floor", "a key to the pty's own echo (cat)", _row(fl["key_echo"])))
    for sk in res["skipped"]:
        say("ui skipped: " + sk)
    say("")
    say("goals (from the issue; met on the mean):")
    for g in res["goals"]:
        say("  %-4s %-7s %-62s %s%s" % ("MET" if g["met"] else "NOT", g["section"], g["goal"],
                                       g["figure"], "; " + g["note"] if g["note"] else ""))


def markdown_ui(res):
    lines = ["| corpus | UI (%dx%d pty) | mean ms | p50 | p95 | min | max | n |" % (
        res["cols"], res["rows"]), "|---|---|---|---|---|---|---|---|"]
    for s in res["sections"]:
        k = s["keys"]
        for label, st in (("first full frame, warm engine", s["warm"]["stats"]),
                          ("first full frame, cold (the UI starts the engine)",
                           s["cold"]["stats"]),
                          ("find: keystroke to redraw", k["find"]),
                          ("j: cursor down", k["cursor_j"]), ("PgDn", k["pgdn"])):
            lines.append("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d |" % (
                s["section"], label, st["mean"], st["p50"], st["p95"], st["min"], st["max"],
                st["n"]))
    fl = res.get("floors")
    if fl:
        for label, st in (("floor: `/bin/echo x` spawned to its byte on the screen",
                           fl["spawn_echo_x"]), ("floor: a key to the pty's own echo",
                                                 fl["key_echo"])):
            lines.append("| - | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d |" % (
                label, st["mean"], st["p50"], st["p95"], st["min"], st["max"], st["n"]))
    lines += ["", "| goal | corpus | measured | met |", "|---|---|---|---|"]
    for g in res["goals"]:
        lines.append("| %s | %s | %s%s | %s |" % (g["goal"], g["section"], g["figure"],
                                                  "; " + g["note"] if g["note"] else "",
                                                  "yes" if g["met"] else "**no**"))
    return "\n".join(lines)
