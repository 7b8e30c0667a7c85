#!/usr/bin/env python3
"""Robustness sweep, transport part (see test_robustness.py): the API answers
invalid JSON, an HTML page (500 and 200), an empty body, JSON nested
100,000 deep, a Status with a 20 MiB message or wrong types, a truncated or
cut body, a stall, or an answer that never ends; every command exits within
10 s with sane output or ONE line on stderr naming the server, context or
run; no signal, no hang."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_robustness  # noqa: E402

if __name__ == "__main__":
    test_robustness.main("transport")
