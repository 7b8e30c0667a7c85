#!/usr/bin/env python3
"""The wording model's files agree with their scripts and with the engine:
  - scripts/train-model.py --check: data/model/classes.nb is byte for byte
    what the training writes from the labelled sets;
  - bench/model_fallback.py --check-blocks: tests/data/fallback-blocks.tsv
    (the engine's blocks the thresholds are chosen on) is what the engine
    reads now, and the engine gives every block the class and confidence
    the script gives it (model.c's tokens are the script's).
When this fails after a change to the locator, the tokens or the training
sets: rerun bench/model_fallback.py --write-blocks, then
scripts/train-model.py, and commit both files."""
import os
import subprocess
import sys

SRC = os.environ.get("ARTRIAGE_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def run(args):
    p = subprocess.run([sys.executable, *args], cwd=SRC, capture_output=True, text=True, timeout=900)
    tail = "\n".join(p.stdout.splitlines()[-3:])
    print("%s: exit %d\n%s%s" % (" ".join(args), p.returncode, tail, p.stderr))
    return p.returncode


def main():
    bad = run([os.path.join(SRC, "scripts", "train-model.py"), "--check"])
    bad |= run([os.path.join(SRC, "bench", "model_fallback.py"), "--check-blocks"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
