#!/usr/bin/env python3
"""Writes a synthetic agent-runner log of about SIZE bytes to PATH: timestamped
info lines, a few retried transient warnings, and one definitive cause line
near the end (a missing executable), as a failed run's log looks."""
import sys

def main():
    path, size = sys.argv[1], int(sys.argv[2])
    words = ["planning", "reading file", "running tool", "applying patch", "tests passed",
             "fetching context", "summarising", "writing file", "checking status"]
    block = []
    for i in range(20000):
        s = i % 60
        block.append("2026-02-25T09:%02d:%02d.%06dZ INFO step %d: %s src/module_%d.py (%d tokens)\n"
                     % ((i // 60) % 60, s, i * 37 % 1000000, i, words[i % len(words)], i % 97, i * 13 % 4000))
    chunk = "".join(block).encode()
    cause = (b"2026-02-25T09:59:58.000001Z ERROR agent: spawn codex-nats-soak ENOENT\n"
             b"2026-02-25T09:59:58.000002Z Error: Executable not found in $PATH: \"codex-nats-soak\"\n")
    tail = b"2026-02-25T09:59:59.000000Z INFO runner exiting with code 127\n"
    with open(path, "wb") as f:
        written = 0
        target = size - len(cause) - len(tail) - 4096
        while written + len(chunk) <= target:
            f.write(chunk)
            written += len(chunk)
        f.write(chunk[: max(0, target - written)].rsplit(b"\n", 1)[0] + b"\n")
        f.write(cause)
        f.write(chunk[:2000].rsplit(b"\n", 1)[0] + b"\n")
        f.write(tail)

if __name__ == "__main__":
    main()
