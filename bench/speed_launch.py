"""Start one measured command from a tiny process and report its wall time and peak RSS.

    python -I -S bench/speed_launch.py REPORT_FILE COMMAND [ARG ...]

Why not time the command straight from bench/speed.py: Linux counts the memory
a process had just before `exec` into its `ru_maxrss`, and a forked (or
vforked) child starts out as its parent. A child of the bench, which holds a
table's questions and phrasings, would report the bench's memory instead of
its own (a 500 MB parent makes `python -c pass` read 511 MB). This launcher
holds under 10 MB, less than any Python process it starts, so the maximum the
kernel reports is the command's own (and that of the command's children,
counted as the largest one, not summed).

Writes "SECONDS MAXRSS_KB EXIT_CODE CPU_SECONDS" to REPORT_FILE and exits with the
command's code. CPU seconds (user + system, the command's children included) move
less than wall time when other work shares the cores.
Standard library only, and no `site` (-S), so it starts small and fast.
"""

import os
import sys
import time


def main() -> int:
    report, *command = sys.argv[1:]
    started = time.perf_counter()
    pid = os.posix_spawnp(command[0], command, os.environ)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    with open(report, "w", encoding="ascii") as out:
        out.write(f"{seconds} {usage.ru_maxrss} {code} {usage.ru_utime + usage.ru_stime}\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
