"""Watch resume as a client of tests/kubeapi/server.py sees it, for the
product's list+watch loops (`sync --watch`, the console): one scenario,
judged from outside through the server's request log and the history
cache (`artriage --offline list -o json`), whatever the loops look like
inside.

    run_scenario(api, cache, screen=None)

`cache()` returns {name: run JSON} from the client's history cache;
`screen` (optional) is a callable(name, text, timeout) that waits until the
client shows `text` on the row of run `name`, for the console.

The scenario, on the console fixture (tests/ui/fixture.py):
1. the client lists, then watches (agentruns and pods);
2. a change reaches it through the watch (the Pending run starts);
3. plain drop: every stream is cut, a run is deleted while the client is
   away (its next watch is held back 1.5 s): the client resumes from the
   resourceVersion it last saw (>= that of the change in 2), lists
   nothing again, and learns of the deletion from the resumed watch;
4. 410: every stream is cut, a run is deleted and the server compacts its
   history, so the resumed watch gets 410 Expired and the deletion is no
   longer replayable: the client lists again and sweeps the run the list
   no longer has (marked deleted);
5. after that relist the client watches again from the list's
   resourceVersion: a later change reaches it.

Returns a list of failures (empty when all held)."""

import time

API = "agents.proompteng.ai/v1alpha1"
RUNS = "/apis/%s/namespaces/agents/agentruns" % API
PODS = "/api/v1/namespaces/agents/pods"
LANE = "torghut-v5-doc12-dspy-adoption-run-20260225"
PENDING = "torghut-market-context-news-7h2pd"
RUNNING = "jangar-control-plane-implement-sched-q8w2n"
GONE_IN_DROP = LANE + "b"    # deleted while the client reconnects
GONE_IN_410 = LANE + "d"     # deleted, then the history compacted


def is_watch(r):
    return (r.get("query") or {}).get("watch") in ("true", "1")


def lists_of(reqs, path):
    return [r for r in reqs if r["method"] == "GET" and r["path"] == path and not is_watch(r)]


def watches_of(reqs, path):
    return [r for r in reqs if r["method"] == "GET" and r["path"] == path and is_watch(r)]


def rv_of(r):
    v = (r.get("query") or {}).get("resourceVersion") or ""
    return int(v) if v.isdigit() else -1


def until(pred, timeout):
    deadline = time.time() + timeout
    while True:
        v = pred()
        if v or time.time() >= deadline:
            return v
        time.sleep(0.1)


def run_scenario(api, cache, screen=None, timeout=40):
    fails = []

    def want(cond, what):
        if not cond:
            fails.append(what)
            print("FAIL:", what, flush=True)
        return cond

    def cached(name, key, value):
        return until(lambda: (cache().get(name) or {}).get(key) == value, timeout)

    # 1. listed and watching
    if not want(until(lambda: watches_of(api.requests(), RUNS) and watches_of(api.requests(), PODS),
                      timeout), "the client never watched agentruns and pods"):
        return fails
    if not want(cached(LANE + "g", "phase", "Succeeded"), "the listed runs never reached the cache"):
        return fails

    # 2. a change through the watch
    api.op({"op": "modify", "kind": "AgentRun", "apiVersion": API, "namespace": "agents",
            "name": PENDING, "patch": {"status": {"phase": "Running"}}})
    rv_change = int(api.get(RUNS + "/" + PENDING)["metadata"]["resourceVersion"])
    want(cached(PENDING, "phase", "Running"), "a watched change (%s Running) never reached the cache"
         % PENDING)
    if screen:
        screen(PENDING, "Running", timeout)

    # 3. a plain drop, a deletion while away: resume, no relist
    mark = len(api.requests())
    api.op({"op": "fault", "rule": "GET %s?watch=true:delay=1500:1" % RUNS})
    api.op({"op": "drop-streams"})
    api.op({"op": "delete", "kind": "AgentRun", "apiVersion": API, "namespace": "agents",
            "name": GONE_IN_DROP})
    want(cached(GONE_IN_DROP, "deleted", True),
         "a run deleted during a dropped watch is not marked deleted in the cache")
    if screen:
        screen(GONE_IN_DROP, "(deleted)", timeout)
    reqs = api.requests()[mark:]
    w = watches_of(reqs, RUNS)
    want(w, "no agentruns watch after the drop")
    want(all(rv_of(r) >= rv_change for r in w),
         "the resumed agentruns watch did not start from the last resourceVersion seen (>= %d): %s"
         % (rv_change, [(r["query"] or {}).get("resourceVersion") for r in w]))
    want(watches_of(reqs, PODS), "no pods watch after the drop")
    want(not lists_of(reqs, RUNS), "a plain drop made the client list agentruns again (%d lists)"
         % len(lists_of(reqs, RUNS)))
    want(not lists_of(reqs, PODS), "a plain drop made the client list pods again (%d lists)"
         % len(lists_of(reqs, PODS)))

    # 4. 410: the deletion is no longer in the history; only a relist shows it
    mark = len(api.requests())
    api.op({"op": "fault", "rule": "GET %s?watch=true:delay=1500:1" % RUNS})
    api.op({"op": "drop-streams"})
    api.op({"op": "delete", "kind": "AgentRun", "apiVersion": API, "namespace": "agents",
            "name": GONE_IN_410})
    api.op({"op": "compact"})
    compacted = int(api.get("/_kubeapi/state").get("compactedResourceVersion", "0"))
    want(until(lambda: lists_of(api.requests()[mark:], RUNS), timeout),
         "a 410 on the resumed watch did not make the client list agentruns again")
    want(cached(GONE_IN_410, "deleted", True),
         "a run gone in a 410 gap is not swept (marked deleted) after the relist")
    if screen:
        screen(GONE_IN_410, "(deleted)", timeout)
    c = cache()
    want(not (c.get(LANE + "e") or {}).get("deleted", True) and
         not (c.get(RUNNING) or {}).get("deleted", True),
         "the sweep after the relist marked runs the server still has as deleted")

    # 5. watching again from the relist: a later change arrives
    api.op({"op": "modify", "kind": "AgentRun", "apiVersion": API, "namespace": "agents",
            "name": RUNNING, "patch": {"status": {"phase": "Succeeded"}}})
    want(cached(RUNNING, "phase", "Succeeded"), "no change reached the cache after the relist")
    if screen:
        screen(RUNNING, "Succeeded", timeout)
    w = watches_of(api.requests()[mark:], RUNS)
    want(any(rv_of(r) >= compacted for r in w),
         "no agentruns watch from the relist's resourceVersion (>= %d): %s"
         % (compacted, [(r["query"] or {}).get("resourceVersion") for r in w]))
    return fails
