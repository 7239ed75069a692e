#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, as a user at a terminal would.

    ptyrun.py [STEP...] -- CMD [ARGS...]

Steps run in order while CMD's output is collected:
    wait:TEXT    wait until TEXT has appeared in the output
    send:^C      type Ctrl-C (any ^X control key, or plain text)
    touch:FILE   create FILE
    sleep:SECS   pause

The output (CRLF turned into LF) is printed when CMD ends, and the exit
status is CMD's (128+N for signal N). A step still waiting after TIMEOUT
seconds (60, or $PTYRUN_TIMEOUT) kills CMD and exits 124: a test that hangs
fails instead, with no wall-clock threshold on how fast anything is.
"""
import os
import pty
import select
import signal
import sys
import time

TIMEOUT = float(os.environ.get("PTYRUN_TIMEOUT", "60"))


def main():
    args = sys.argv[1:]
    split = args.index("--")
    steps, cmd = args[:split], args[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        # A shell's background job ignores SIGINT; a terminal user's does not.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)
        os.execvp(cmd[0], cmd)
    out = b""
    deadline = time.time() + TIMEOUT
    eof = False
    while not eof:
        while steps:
            kind, _, arg = steps[0].partition(":")
            if kind == "wait" and arg.encode() not in out:
                break
            if kind == "send":
                data = bytes([ord(arg[1]) & 0x1f]) if arg.startswith("^") else arg.encode()
                os.write(fd, data)
            elif kind == "touch":
                open(arg, "w").close()
            elif kind == "sleep":
                time.sleep(float(arg))
            steps.pop(0)
            deadline = time.time() + TIMEOUT
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.write(out.decode(errors="replace"))
            sys.stdout.write("\nptyrun: timed out at step %r\n" % (steps[:1],))
            sys.exit(124)
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            eof = not data
            out += data
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


main()
