#!/usr/bin/env python3
"""Writes N runs into a history cache made by artriage (bench/console.sh,
bench/runset_mem.sh): what `sync` would have written, straight into the
runs table (prints nothing; not a test).

usage: cache_rows.py DB N lean|full

lean: the list columns only. full: what a synced AgentRun holds (the
columns, and the raw object `sync` keeps: resourceVersion, reason,
message, idempotency key, both hashes, runtimeRef, three conditions; the
fields bench/runset_mem.c's "full" runs carry). Run i is named
lane-(i//4)-run-20260225 + "abcd"[i%4], created base + i s; every 50th is
deleted.
"""
import datetime, json, sqlite3, sys
db, n, full = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "full"
con = sqlite3.connect(db)
base = 1772000000000
phases = ["Failed", "Succeeded", "Running", "Pending", "Cancelled"]

def ts(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

def raw(i, ns, name, uid, agent, phase, created, head, rv, reason, message, idem, sph, sh):
    conds = [{"type": t, "status": "False" if k == 2 else "True", "reason": "Reconciled",
              "message": "the controller reconciled it", "lastTransitionTime": ts(created + k * 1000)}
             for k, t in enumerate(["Accepted", "Ready", "Succeeded"])]
    return json.dumps({
        "apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
        "metadata": {"name": name, "namespace": ns, "uid": uid, "resourceVersion": rv,
                     "creationTimestamp": ts(created)},
        "spec": {"agentRef": {"name": agent}, "runtime": {"type": "job"}, "idempotencyKey": idem,
                 "parameters": {"repository": "proompteng/lab", "base": "main", "head": head}},
        "status": {"phase": phase, "reason": reason, "message": message, "startedAt": ts(created + 2000),
                   "finishedAt": ts(created + 60000),
                   "vcs": {"repository": "proompteng/lab", "baseBranch": "main", "headBranch": head},
                   "systemPromptHash": sph, "specHash": sh, "runtimeRef": {"name": name + "-job"},
                   "conditions": conds}}, separators=(",", ":"))

cols = ("context, namespace, name, uid, lane, attempt, agent, runtime, phase, created, started, finished,"
        " repository, base, head, first_seen, last_seen, deleted")
if full:
    cols += ", resource_version, reason, message, idempotency_key, system_prompt_hash, spec_hash, raw"
sql = f"INSERT INTO runs ({cols}) VALUES ({','.join('?' * len(cols.split(',')))})"
rows = []
for i in range(n):
    lane = f"lane-{i // 4:05d}-run-20260225"
    att = "abcd"[i % 4]
    created = base + i * 1000
    ns, name, uid = "agents" if i % 10 else "synthesis", lane + att, f"uid-{i:06d}"
    agent, phase, head = "codex-agent" if i % 3 else "anypi-agent", phases[i % 5], f"codex/{lane}{att}"
    row = ("bench", ns, name, uid, lane, att, agent, "job", phase, created, created + 2000, created + 60000,
           "proompteng/lab", "main", head, created, created, i % 50 == 0)
    if full:
        rv, reason = str(100000000 + i * 7), "BackoffLimitExceeded"
        message = f"job {name}: BackoffLimitExceeded after 1 attempt(s)"
        idem, sph, sh = f"idem-{lane}-{i}", f"{i // 1000:064x}", f"{i:064x}"
        row += (rv, reason, message, idem, sph, sh,
                raw(i, ns, name, uid, agent, phase, created, head, rv, reason, message, idem, sph, sh))
    rows.append(row)
    if len(rows) == 50000:
        con.executemany(sql, rows)
        rows = []
con.executemany(sql, rows)
con.commit()
