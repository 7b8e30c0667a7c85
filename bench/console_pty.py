#!/usr/bin/env python3
"""Drives the console in a pseudo-terminal and prints figures (bench/console.sh).

usage: console_pty.py BINARY DB NEWEST_NAME

Measures, on a history cache opened with --offline: time to the first
paint that shows the newest run (wall time, and the CPU time the process
had used by then, which a busy machine does not inflate), the time until
the cache is loaded and linked (the process stops using CPU for a second)
and the RSS then, keystroke-to-screen while typing a filter (first byte,
and the frame complete: no more bytes for 20 ms), and bytes written per
idle second.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time


def read_for(fd, secs):
    out = b""
    end = time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return out
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                out += os.read(fd, 65536)
            except OSError:
                return out


def until(fd, marker, secs):
    buf = b""
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            buf += os.read(fd, 65536)
            if marker in buf:
                return time.monotonic()
    return None


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    binary, db, newest = sys.argv[1], sys.argv[2], sys.argv[3].encode()
    env = dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8")
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary, "--offline", "--db", db], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    t_paint = until(fd, newest, 30)
    if t_paint is None:
        print("first paint: the newest run never appeared")
        os.kill(pid, 9)
        return 1
    cpu_paint = cpu_ms(pid)
    print(f"first paint (newest run on screen): {(t_paint - t0) * 1000:.0f} ms "
          f"(CPU used by then: {cpu_paint:.0f} ms)")
    # the cache is loaded and linked when the process stops working: no CPU
    # used for a second (a silent screen alone is not enough: a long pass
    # over the runs is silent too)
    t_load = time.monotonic()
    last, still = cpu_ms(pid), 0
    while time.monotonic() - t_load < 600 and still < 4:
        read_for(fd, 0.25)
        now = cpu_ms(pid)
        still = still + 1 if now == last else 0
        last = now
    print(f"cache loaded and linked after: {(time.monotonic() - t0 - 1.0) * 1000:.0f} ms "
          f"(CPU {last:.0f} ms)")
    print(f"RSS: {rss_kb(pid) / 1024:.1f} MiB")
    # keystroke to screen while filtering
    firsts, fulls, cpus = [], [], []
    for ch in b"/lane-0424":
        c0 = cpu_ms(pid)
        os.write(fd, bytes([ch]))
        t = time.monotonic()
        r, _, _ = select.select([fd], [], [], 2)
        if not r:
            continue
        first = time.monotonic()
        os.read(fd, 65536)
        last = first
        while True:
            r, _, _ = select.select([fd], [], [], 0.02)
            if not r:
                break
            os.read(fd, 65536)
            last = time.monotonic()
        firsts.append((first - t) * 1000)
        fulls.append((last - t) * 1000)
        cpus.append(cpu_ms(pid) - c0)
    if fulls:
        fulls.sort()
        firsts.sort()
        print(f"keystroke to screen while filtering ({len(fulls)} keys): first byte median "
              f"{firsts[len(firsts) // 2]:.1f} ms, frame complete median {fulls[len(fulls) // 2]:.1f} ms, "
              f"worst {fulls[-1]:.1f} ms")
        cpus.sort()
        print(f"CPU per keystroke (clock ticks, coarse): median {cpus[len(cpus) // 2]:.0f} ms, "
              f"worst {cpus[-1]:.0f} ms, all {[round(c) for c in cpus]}")
    os.write(fd, b"\r")
    read_for(fd, 1.0)
    idle = read_for(fd, 5.0)
    print(f"idle output: {len(idle) / 5.0:.1f} bytes/s (over 5 s)")
    os.write(fd, b"q")
    t = time.monotonic()
    while time.monotonic() - t < 5:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            print(f"exit status: {os.waitstatus_to_exitcode(status)}")
            break
        read_for(fd, 0.05)
    else:
        os.kill(pid, 9)
        print("did not exit on q")
    return 0


if __name__ == "__main__":
    sys.exit(main())
