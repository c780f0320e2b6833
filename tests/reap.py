#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""reap.py COMMAND [ARG...]: runs COMMAND as a child subreaper and exits with its status.

The engines omg starts detach from the client; when one exits, its new parent must reap
it. A PID 1 that reaps late (some container and VM init processes take ~2 s) leaves the
engine a zombie meanwhile, and `omg daemon stop`, which waits until kill(pid, 0) fails,
waits with it: each test's teardown (it stops its engines) took 2 s more. Here the
engines the suite leaves behind are reparented to this process, which reaps them at
once, as a prompt init would. The suite's own children are still its own to wait for."""
import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36


def main():
    if len(sys.argv) < 2:
        print("usage: reap.py COMMAND [ARG...]", file=sys.stderr)
        return 2
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        # Not fatal: the command runs as before, only slower on such a machine.
        print("reap.py: prctl(PR_SET_CHILD_SUBREAPER): %s" % os.strerror(ctypes.get_errno()),
              file=sys.stderr)
    child = os.fork()
    if child == 0:
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        except OSError as e:
            print("reap.py: %s: %s" % (sys.argv[1], e.strerror), file=sys.stderr)
        os._exit(127)

    def forward(sig, _frame):
        try:
            os.kill(child, sig)
        except ProcessLookupError:
            pass
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, forward)

    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 1  # cannot happen: the command is our child until we reap it
        except InterruptedError:
            continue
        if pid == child:
            # Whatever the command left running is reparented to init when we exit.
            return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else \
                128 + os.WTERMSIG(status)


if __name__ == "__main__":
    sys.exit(main())
