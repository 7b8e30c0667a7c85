#!/usr/bin/env python3
"""Regenerates src/store/schema.c from data/schema/NNN_*.sql.

The schema is compiled into the binary (it must work from any directory);
tests/unit/store/test_schema.c fails when the two drift apart, so run this
after editing or adding a migration: python3 scripts/schema2c.py
"""
import glob
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = ["/* Generated from data/schema/NNN_*.sql by scripts/schema2c.py (tests/unit/store",
       " * checks that the two stay byte-identical): the schema is compiled in so",
       " * that the binary works from any directory. */",
       '#include "store/store_impl.h"', ""]
rows = []
for f in sorted(glob.glob(os.path.join(root, "data/schema/*.sql"))):
    base = os.path.basename(f)
    v = int(base.split("_")[0])
    ident = "schema_%03d" % v
    text = open(f, encoding="utf-8").read()
    out.append("static const char %s[] =" % ident)
    for line in text.splitlines(True):
        esc = line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        out.append('    "%s"' % esc)
    out[-1] += ";"
    out.append("")
    rows.append((v, base, ident))
if [v for v, _, _ in rows] != list(range(1, len(rows) + 1)):
    sys.exit("schema2c: migrations must be numbered 001, 002, ... without gaps")
out.append("const struct store_migration store_migrations[] = {")
for v, b, i in rows:
    out.append('    {%d, "%s", %s},' % (v, b, i))
out.append("};")
out.append("const size_t store_nmigrations = sizeof store_migrations / sizeof store_migrations[0];")
open(os.path.join(root, "src/store/schema.c"), "w").write("\n".join(out) + "\n")
