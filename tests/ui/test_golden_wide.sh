#!/usr/bin/env bash
# Golden screens at 200x60 (see test_golden.sh).
GOLDEN_SIZES=200x60 exec bash "$(dirname "$0")/test_golden.sh"
