"""What every Python test script shares: the paths ctest passes in the
environment and a check() that records a failure without stopping the
test, so one run reports every broken expectation. A script ends with
`return verdict()` from main."""
import os
import sys
import threading

SRC = os.environ["ARTRIAGE_SRC"]
BIN = os.environ["ARTRIAGE_BIN"]
FAILS = []
_LOCK = threading.Lock()  # tests may check from several threads


def check(cond, what):
    """Records `what` as failed unless cond holds; returns cond."""
    if not cond:
        with _LOCK:
            FAILS.append(what)
            print("FAIL:", what, file=sys.stderr, flush=True)
    return cond


def verdict():
    """0 when every check held, else 1 (with the count on stderr)."""
    if FAILS:
        print("%d check(s) failed" % len(FAILS), file=sys.stderr)
        return 1
    print("ok")
    return 0
