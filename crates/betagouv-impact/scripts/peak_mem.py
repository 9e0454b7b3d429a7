#!/usr/bin/env python3
"""Peak memory of a command: polls /proc/PID/status every half millisecond for
the peak of RssAnon (anonymous memory: heap, stacks; pages of the page cache
and of a mapped file excluded; sampling may miss a peak shorter than the
interval), and reports it with the kernel's exact max RSS of the child
(getrusage, as `/usr/bin/time -v` prints; it includes the binary's pages).

    python3 peak_mem.py [--stdin FILE] -- CMD ARGS...
Prints: rss_anon_peak_kib max_rss_kib
"""
import os
import resource
import subprocess
import tempfile
import sys
import time


def main():
    args = sys.argv[1:]
    stdin = subprocess.DEVNULL
    if args[0] == "--stdin":
        stdin = open(args[1], "rb")
        args = args[2:]
    if args[0] == "--":
        args = args[1:]
    out = tempfile.TemporaryFile()
    p = subprocess.Popen(args, stdin=stdin, stdout=out)
    anon = 0
    status = f"/proc/{p.pid}/status"
    while p.poll() is None:
        try:
            with open(status) as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        anon = max(anon, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
        time.sleep(0.0005)
    if p.returncode != 0:
        raise SystemExit(f"{args[0]} failed ({p.returncode})")
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"{anon} {maxrss}")


if __name__ == "__main__":
    main()
