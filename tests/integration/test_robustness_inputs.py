#!/usr/bin/env python3
"""Robustness sweep, inputs part (see test_robustness.py): garbage
kubeconfigs (random bytes, YAML bombs and alias loops, deep nesting, huge
values, wrong types, missing files, exec plugins that hang, flood or print
garbage) and hostile classifier inputs (random bytes, an 8 MiB line, NUL
only, invalid UTF-8, 1 MiB of escape sequences): every command exits
within 10 s with sane output or one line on stderr, no signal, no hang."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_robustness  # noqa: E402

if __name__ == "__main__":
    test_robustness.main("inputs")
