#!/usr/bin/env python3
"""Kubernetes API test server for artriage (Python 3 standard library only).

Serves a scenario directory (objects + container logs) with the JSON shapes,
Status errors, watch streams and log streams of a real API server, faithful
enough that kubectl works against it. See tests/kubeapi/README.md for the
command line, the data layout, the script format, fault injection and the
/_kubeapi control endpoints.
"""

import argparse
import base64
import bisect
import copy
import datetime
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

AGENTS_GROUP = "agents.proompteng.ai"
AGENTS_VERSION = "v1alpha1"
NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
PATH_SAFE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TS_PREFIX_RE = re.compile(
    rb"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ")
GENERATE_CHARS = "bcdfghjklmnpqrstvwxz2456789"

REASONS = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
    405: "MethodNotAllowed", 406: "NotAcceptable", 409: "Conflict",
    410: "Expired", 415: "UnsupportedMediaType", 422: "Invalid",
    429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable",
    504: "Timeout",
}

# Printer columns of crd/agents.proompteng.ai_agentruns.yaml; a
# CustomResourceDefinition object in DIR/objects overrides them.
AGENTRUN_COLUMNS = [
    {"name": "Phase", "type": "string", "jsonPath": ".status.phase"},
    {"name": "Agent", "type": "string", "jsonPath": ".spec.agentRef.name"},
    {"name": "Succeeded", "type": "string",
     "jsonPath": '.status.conditions[?(@.type=="Succeeded")].status'},
    {"name": "Reason", "type": "string",
     "jsonPath": '.status.conditions[?(@.type=="Succeeded")].reason'},
    {"name": "StartTime", "type": "date", "jsonPath": ".status.startedAt"},
    {"name": "CompletionTime", "type": "date", "jsonPath": ".status.finishedAt"},
    {"name": "Runtime", "type": "string", "jsonPath": ".spec.runtime.type"},
]


# --------------------------------------------------------------------------
# small helpers

def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def rfc3339(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_nano(ts):
    """Kubelet-style fixed nanosecond timestamp from a float epoch."""
    sec = int(ts)
    nanos = int(round((ts - sec) * 1e9))
    if nanos >= 1000000000:
        sec, nanos = sec + 1, nanos - 1000000000
    base = datetime.datetime.fromtimestamp(sec, datetime.timezone.utc)
    return base.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % nanos


def parse_time(s):
    """RFC 3339 (any fraction, Z or offset) to float epoch, None if invalid."""
    if not isinstance(s, str):
        return None
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|z|[+-]\d{2}:\d{2})$", s)
    if not m:
        return None
    try:
        base = datetime.datetime.strptime(m.group(1) + "T" + m.group(2), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    tz = m.group(4)
    off = 0
    if tz not in ("Z", "z"):
        off = (int(tz[1:3]) * 60 + int(tz[4:6])) * 60 * (1 if tz[0] == "+" else -1)
    ts = base.replace(tzinfo=datetime.timezone.utc).timestamp() - off
    if m.group(3):
        ts += float("0" + m.group(3))
    return ts


def human_duration(seconds):
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 120:
        return "%ds" % s
    m = s // 60
    if m < 10:
        return "%dm%ds" % (m, s % 60) if s % 60 else "%dm" % m
    if m < 180:
        return "%dm" % m
    h = m // 60
    if h < 8:
        return "%dh%dm" % (h, m % 60) if m % 60 else "%dh" % h
    if h < 48:
        return "%dh" % h
    if h < 24 * 8:
        return "%dd%dh" % (h // 24, h % 24) if h % 24 else "%dd" % (h // 24)
    if h < 24 * 365 * 2:
        return "%dd" % (h // 24)
    if h < 24 * 365 * 8:
        y, d = h // (24 * 365), (h // 24) % 365
        return "%dy%dd" % (y, d) if d else "%dy" % y
    return "%dy" % (h // (24 * 365))


def age_of(ts_str):
    ts = parse_time(ts_str)
    if ts is None:
        return "<unknown>"
    return human_duration(time.time() - ts)


def dumps(obj):
    try:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        # lone surrogates from hostile input: fall back to \u escapes
        return json.dumps(obj, separators=(",", ":")).encode("ascii")


def as_dict(x):
    return x if isinstance(x, dict) else {}


def as_list(x):
    return x if isinstance(x, list) else []


def as_int(x):
    try:
        return int(x)
    except (TypeError, ValueError):
        return 0


def get_path(obj, dotted):
    cur = obj
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    out = dict(target)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def json_patch(doc, ops):
    """RFC 6902 subset: add, remove, replace, test."""
    doc = copy.deepcopy(doc)
    if not isinstance(ops, list):
        raise ValueError("json patch must be a list of operations")
    for op in ops:
        if not isinstance(op, dict) or not isinstance(op.get("path"), str):
            raise ValueError("invalid json patch operation")
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        if not parts:
            raise ValueError("json patch path must not be empty")
        parent = doc
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]
        last = parts[-1]
        kind = op.get("op")
        if isinstance(parent, list):
            idx = len(parent) if last == "-" else int(last)
            if kind == "add":
                parent.insert(idx, op.get("value"))
            elif kind == "remove":
                del parent[idx]
            elif kind == "replace":
                parent[idx] = op.get("value")
            elif kind == "test":
                if parent[idx] != op.get("value"):
                    raise ValueError("json patch test failed at " + op["path"])
            else:
                raise ValueError("unsupported json patch op %r" % kind)
        else:
            if kind in ("add", "replace"):
                if kind == "replace" and last not in parent:
                    raise KeyError(op["path"])
                parent[last] = op.get("value")
            elif kind == "remove":
                del parent[last]
            elif kind == "test":
                if parent.get(last) != op.get("value"):
                    raise ValueError("json patch test failed at " + op["path"])
            else:
                raise ValueError("unsupported json patch op %r" % kind)
    return doc


def plural_of(kind):
    k = kind.lower()
    if k.endswith("y") and k[-2:-1] not in ("a", "e", "i", "o", "u"):
        return k[:-1] + "ies"
    if k.endswith(("s", "x", "ch", "sh")):
        return k + "es"
    return k + "s"


# --------------------------------------------------------------------------
# selectors

class SelectorError(Exception):
    pass


def parse_label_selector(text):
    """Returns a list of (key, op, values) requirements."""
    reqs = []
    if not text:
        return reqs
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    for raw in parts:
        p = raw.strip()
        if not p:
            raise SelectorError("unable to parse requirement: found '', expected: identifier")
        m = re.match(r"^([A-Za-z0-9._/-]+)\s+(in|notin)\s*\(([^)]*)\)$", p)
        if m:
            vals = [v.strip() for v in m.group(3).split(",") if v.strip()]
            reqs.append((m.group(1), m.group(2), vals))
            continue
        m = re.match(r"^([A-Za-z0-9._/-]+)\s*(==|!=|=)\s*([A-Za-z0-9._-]*)$", p)
        if m:
            op = "=" if m.group(2) in ("=", "==") else "!="
            reqs.append((m.group(1), op, [m.group(3)]))
            continue
        m = re.match(r"^(!?)\s*([A-Za-z0-9._/-]+)$", p)
        if m:
            reqs.append((m.group(2), "!exists" if m.group(1) else "exists", []))
            continue
        raise SelectorError("unable to parse requirement: %s" % p)
    return reqs


def labels_match(reqs, obj):
    if not reqs:
        return True
    labels = get_path(obj, "metadata.labels")
    if not isinstance(labels, dict):
        labels = {}
    for key, op, vals in reqs:
        has = key in labels
        v = labels.get(key)
        if op == "=" and (not has or v != vals[0]):
            return False
        if op == "!=" and has and v == vals[0]:
            return False
        if op == "in" and (not has or v not in vals):
            return False
        if op == "notin" and has and v in vals:
            return False
        if op == "exists" and not has:
            return False
        if op == "!exists" and has:
            return False
    return True


def parse_field_selector(text, allowed):
    reqs = []
    if not text:
        return reqs
    for p in text.split(","):
        p = p.strip()
        if not p:
            continue
        m = re.match(r"^([A-Za-z0-9._]+)\s*(==|!=|=)\s*(.*)$", p)
        if not m:
            raise SelectorError("invalid selector: '%s'; can't understand '%s'" % (text, p))
        field = m.group(1)
        if field not in allowed:
            raise SelectorError('field label not supported: %s' % field)
        reqs.append((field, "!=" if m.group(2) == "!=" else "=", m.group(3)))
    return reqs


def fields_match(reqs, obj):
    for field, op, val in reqs:
        got = get_path(obj, field)
        got = "" if got is None else str(got)
        if (got == val) != (op == "="):
            return False
    return True


# --------------------------------------------------------------------------
# resources and the store

class Entry:
    __slots__ = ("obj", "data")

    def __init__(self, obj):
        self.obj = obj
        self.data = dumps(obj)


class Resource:
    def __init__(self, group, version, plural, kind, namespaced, singular=None,
                 short_names=(), categories=(), subresources=(), columns=None,
                 field_labels=()):
        self.group = group
        self.version = version
        self.api_version = "%s/%s" % (group, version) if group else version
        self.plural = plural
        self.kind = kind
        self.list_kind = kind + "List"
        self.namespaced = namespaced
        self.singular = singular or kind.lower()
        self.short_names = list(short_names)
        self.categories = list(categories)
        self.subresources = list(subresources)
        self.columns = columns
        self.field_labels = {"metadata.name"} | ({"metadata.namespace"} if namespaced else set())
        self.field_labels |= set(field_labels)
        self.objects = {}
        self.keys = []
        self.view_of = None  # events.k8s.io events are a view of core events

    @property
    def gr(self):
        return "%s.%s" % (self.plural, self.group) if self.group else self.plural

    def discovery(self):
        out = [{
            "name": self.plural, "singularName": self.singular,
            "namespaced": self.namespaced, "kind": self.kind,
            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
        }]
        if self.short_names:
            out[0]["shortNames"] = self.short_names
        if self.categories:
            out[0]["categories"] = self.categories
        out[0]["storageVersionHash"] = base64.b64encode(
            hashlib.sha256(self.gr.encode()).digest()[:8]).decode()
        for sub in self.subresources:
            verbs = ["get"] if sub == "log" else ["get", "patch", "update"]
            out.append({"name": "%s/%s" % (self.plural, sub), "singularName": "",
                        "namespaced": self.namespaced,
                        "kind": "Pod" if sub == "log" else self.kind, "verbs": verbs})
        return out


class HistEvent:
    __slots__ = ("rv", "res", "type", "obj", "old", "data")

    def __init__(self, rv, res, etype, obj, old, data):
        self.rv = rv
        self.res = res
        self.type = etype
        self.obj = obj
        self.old = old
        self.data = data


class ApiError(Exception):
    def __init__(self, code, message, reason=None, details=None, headers=None):
        Exception.__init__(self, message)
        self.code = code
        self.message = message
        self.reason = reason or REASONS.get(code, "Unknown")
        self.details = details
        self.headers = headers or {}

    def status(self):
        st = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
              "message": self.message, "reason": self.reason, "code": self.code}
        if self.details:
            st["details"] = self.details
        return st


def not_found(res, name):
    return ApiError(404, '%s "%s" not found' % (res.gr, name), "NotFound",
                    {"name": name, "group": res.group, "kind": res.plural})


class Store:
    """All objects, one global resourceVersion, a bounded event history."""

    def __init__(self, history):
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.rv = 0
        self.compacted_rv = 0
        self.history = []
        self.hist_rvs = []
        self.history_max = max(1, history)
        self.resources = {}      # (group, version, plural) -> Resource
        self.by_kind = {}        # (apiVersion, kind) -> Resource
        self.drop_generation = 0
        self._add_builtin()

    def _add_builtin(self):
        self.register(Resource("", "v1", "namespaces", "Namespace", False, short_names=["ns"],
                               field_labels=["status.phase"]))
        self.register(Resource("", "v1", "pods", "Pod", True, short_names=["po"],
                               categories=["all"], subresources=["log", "status"],
                               field_labels=["spec.nodeName", "status.phase",
                                             "spec.restartPolicy", "spec.serviceAccountName"]))
        self.register(Resource("", "v1", "events", "Event", True, short_names=["ev"],
                               field_labels=["involvedObject.kind", "involvedObject.namespace",
                                             "involvedObject.name", "involvedObject.uid",
                                             "involvedObject.apiVersion",
                                             "involvedObject.resourceVersion",
                                             "involvedObject.fieldPath", "reason",
                                             "reportingComponent", "source", "type"]))
        self.register(Resource("", "v1", "configmaps", "ConfigMap", True, short_names=["cm"]))
        self.register(Resource("batch", "v1", "jobs", "Job", True, categories=["all"],
                               subresources=["status"], field_labels=["status.successful"]))
        ev2 = Resource("events.k8s.io", "v1", "events", "Event", True, short_names=["ev"],
                       field_labels=["regarding.kind", "regarding.namespace", "regarding.name",
                                     "regarding.uid", "reason", "type", "reportingController"])
        ev2.view_of = self.resources[("", "v1", "events")]
        self.register(ev2)
        self.register(Resource(AGENTS_GROUP, AGENTS_VERSION, "agentruns", "AgentRun", True,
                               subresources=["status"], columns=AGENTRUN_COLUMNS))
        for kind, plural in (("Agent", "agents"), ("AgentProvider", "agentproviders"),
                             ("ImplementationSpec", "implementationspecs"),
                             ("VersionControlProvider", "versioncontrolproviders")):
            self.register(Resource(AGENTS_GROUP, AGENTS_VERSION, plural, kind, True,
                                   subresources=["status"]))

    def register(self, res):
        self.resources[(res.group, res.version, res.plural)] = res
        self.by_kind.setdefault((res.api_version, res.kind), res)
        return res

    def resource_for(self, api_version, kind, namespaced_hint=True):
        res = self.by_kind.get((api_version, kind))
        if res is not None:
            return res
        if "/" in api_version:
            group, version = api_version.split("/", 1)
        else:
            group, version = "", api_version
        return self.register(Resource(group, version, plural_of(kind), kind, namespaced_hint))

    def groups(self):
        out = {}
        for (group, version, _), res in self.resources.items():
            if group:
                out.setdefault(group, [])
                if version not in out[group]:
                    out[group].append(version)
        return out

    # ---- mutation (caller holds no lock; these take it)

    def next_rv(self):
        self.rv += 1
        return self.rv

    def _record(self, res, etype, obj, old, data):
        ev = HistEvent(self.rv, res, etype, obj, old, data)
        self.history.append(ev)
        self.hist_rvs.append(ev.rv)
        if len(self.history) > self.history_max * 2:
            cut = len(self.history) - self.history_max
            self.compacted_rv = self.history[cut - 1].rv
            del self.history[:cut]
            del self.hist_rvs[:cut]
        self.cond.notify_all()

    def compact(self):
        with self.lock:
            self.compacted_rv = self.rv
            self.history = []
            self.hist_rvs = []

    def events_after(self, rv):
        i = bisect.bisect_right(self.hist_rvs, rv)
        return self.history[i:]

    def prepare(self, res, obj, ns, keep_rv=False):
        meta = obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise ApiError(400, "metadata must be an object")
        obj["apiVersion"] = res.api_version
        obj["kind"] = res.kind
        if res.namespaced:
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        if not meta.get("uid"):
            meta["uid"] = str(uuid.uuid4())
        if not meta.get("creationTimestamp"):
            meta["creationTimestamp"] = rfc3339(now_utc())
        rv = meta.get("resourceVersion")
        if keep_rv and isinstance(rv, str) and rv.isdigit():
            self.rv = max(self.rv, int(rv))
        else:
            meta["resourceVersion"] = str(self.next_rv())

    def load(self, res, obj):
        """Initial objects: keep their resourceVersions when numeric."""
        meta = obj.get("metadata") or {}
        ns = meta.get("namespace") or ("default" if res.namespaced else "")
        name = meta.get("name")
        if not isinstance(name, str) or not name:
            if isinstance(meta.get("generateName"), str):
                name = meta["generateName"] + "".join(random.choice(GENERATE_CHARS) for _ in range(5))
                obj["metadata"]["name"] = name
            else:
                raise ValueError("object of kind %s has no metadata.name" % res.kind)
        with self.lock:
            self.prepare(res, obj, ns, keep_rv=True)
            self._put(res, (ns if res.namespaced else "", name), obj)

    def finish_load(self):
        with self.lock:
            for res in list(self.resources.values()):
                for key, e in res.objects.items():
                    rv = e.obj["metadata"].get("resourceVersion")
                    if not (isinstance(rv, str) and rv.isdigit()):
                        e.obj["metadata"]["resourceVersion"] = str(self.next_rv())
                        e.data = dumps(e.obj)
            self.compacted_rv = self.rv

    def _put(self, res, key, obj):
        if key not in res.objects:
            bisect.insort(res.keys, key)
        e = Entry(obj)
        res.objects[key] = e
        return e

    def _remove(self, res, key):
        if key in res.objects:
            del res.objects[key]
            i = bisect.bisect_left(res.keys, key)
            if i < len(res.keys) and res.keys[i] == key:
                del res.keys[i]

    def ensure_namespace(self, ns):
        if not ns:
            return
        nsres = self.resources[("", "v1", "namespaces")]
        if ("", ns) in nsres.objects:
            return
        obj = {"apiVersion": "v1", "kind": "Namespace",
               "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
               "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
        self.prepare(nsres, obj, "")
        e = self._put(nsres, ("", ns), obj)
        self._record(nsres, "ADDED", obj, None, e.data)

    def create(self, res, ns, obj, dry_run=False, from_script=False):
        with self.lock:
            meta = obj.get("metadata")
            name = meta.get("name")
            if not name and meta.get("generateName"):
                for _ in range(20):
                    name = meta["generateName"] + "".join(
                        random.choice(GENERATE_CHARS) for _ in range(5))
                    if (ns, name) not in res.objects:
                        break
                meta["name"] = name
            key = (ns if res.namespaced else "", name)
            if key in res.objects:
                raise ApiError(409, '%s "%s" already exists' % (res.gr, name), "AlreadyExists",
                               {"name": name, "group": res.group, "kind": res.plural})
            if res.namespaced and not from_script and \
                    ("", ns) not in self.resources[("", "v1", "namespaces")].objects:
                raise ApiError(404, 'namespaces "%s" not found' % ns, "NotFound",
                               {"name": ns, "kind": "namespaces"})
            drop = ("resourceVersion",) if from_script else \
                ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "selfLink")
            for k in drop:
                meta.pop(k, None)
            if not from_script or "generation" not in meta:
                meta["generation"] = 1
            if dry_run:
                obj["apiVersion"] = res.api_version
                obj["kind"] = res.kind
                if res.namespaced:
                    meta["namespace"] = ns
                meta["uid"] = str(uuid.uuid4())
                meta["creationTimestamp"] = rfc3339(now_utc())
                return obj
            self.prepare(res, obj, ns)
            e = self._put(res, key, obj)
            if res.namespaced:
                self.ensure_namespace(ns)
            self._record(res, "ADDED", obj, None, e.data)
            return obj

    def replace(self, res, ns, name, obj, subresource=None, expect_rv=None):
        """Full update of an existing object (or of its status)."""
        with self.lock:
            key = (ns if res.namespaced else "", name)
            old = res.objects.get(key)
            if old is None:
                raise not_found(res, name)
            if expect_rv and expect_rv != old.obj["metadata"].get("resourceVersion"):
                raise ApiError(409, 'Operation cannot be fulfilled on %s "%s": the object has '
                               'been modified; please apply your changes to the latest version '
                               'and try again' % (res.gr, name), "Conflict",
                               {"name": name, "group": res.group, "kind": res.plural})
            new = copy.deepcopy(old.obj)
            if subresource == "status":
                if "status" in obj:
                    new["status"] = obj["status"]
                else:
                    new.pop("status", None)
            else:
                keep_meta = new["metadata"]
                body_meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
                spec_changed = any(obj.get(k) != new.get(k) for k in obj
                                   if k not in ("metadata", "status", "apiVersion", "kind"))
                status = new.get("status")
                new = copy.deepcopy(obj)
                if "status" in res.subresources:
                    if status is None:
                        new.pop("status", None)
                    else:
                        new["status"] = status
                meta = dict(body_meta)
                for k in ("uid", "creationTimestamp", "namespace", "name", "generation"):
                    if k in keep_meta:
                        meta[k] = keep_meta[k]
                    else:
                        meta.pop(k, None)
                if spec_changed:
                    meta["generation"] = int(keep_meta.get("generation") or 1) + 1
                new["metadata"] = meta
            return self._commit(res, key, old, new)

    def patch(self, res, ns, name, patch, ptype, subresource=None, whole=False):
        with self.lock:
            key = (ns if res.namespaced else "", name)
            old = res.objects.get(key)
            if old is None:
                raise not_found(res, name)
            try:
                if ptype == "json":
                    new = json_patch(old.obj, patch)
                else:
                    if not isinstance(patch, dict):
                        raise ValueError("a merge patch must be a JSON object")
                    new = merge_patch(old.obj, patch)
            except (ValueError, KeyError, IndexError, TypeError) as ex:
                raise ApiError(422, "the patch could not be applied: %s" % ex, "Invalid")
            if not isinstance(new.get("metadata"), dict):
                raise ApiError(422, "metadata must be an object", "Invalid")
            if whole:
                pass
            elif subresource == "status":
                body = copy.deepcopy(old.obj)
                if "status" in new:
                    body["status"] = new["status"]
                else:
                    body.pop("status", None)
                new = body
            else:
                if "status" in res.subresources:
                    if "status" in old.obj:
                        new["status"] = copy.deepcopy(old.obj["status"])
                    else:
                        new.pop("status", None)
                for k in ("uid", "creationTimestamp", "namespace", "name"):
                    if k in old.obj["metadata"]:
                        new["metadata"][k] = old.obj["metadata"][k]
                if any(new.get(k) != old.obj.get(k) for k in set(new) | set(old.obj)
                       if k not in ("metadata", "status")):
                    new["metadata"]["generation"] = \
                        int(old.obj["metadata"].get("generation") or 1) + 1
            return self._commit(res, key, old, new)

    def _commit(self, res, key, old, new):
        new["apiVersion"] = res.api_version
        new["kind"] = res.kind
        new["metadata"]["resourceVersion"] = str(self.next_rv())
        e = self._put(res, key, new)
        self._record(res, "MODIFIED", new, old.obj, e.data)
        return new

    def delete(self, res, ns, name, propagation="Background"):
        with self.lock:
            key = (ns if res.namespaced else "", name)
            old = res.objects.get(key)
            if old is None:
                raise not_found(res, name)
            gone = copy.deepcopy(old.obj)
            gone["metadata"]["deletionTimestamp"] = rfc3339(now_utc())
            gone["metadata"]["deletionGracePeriodSeconds"] = 0
            gone["metadata"]["resourceVersion"] = str(self.next_rv())
            self._remove(res, key)
            self._record(res, "DELETED", gone, old.obj, dumps(gone))
            if propagation != "Orphan":
                self._collect_dependents(old.obj["metadata"].get("uid"))
            return gone

    def _collect_dependents(self, uid):
        if not uid:
            return
        doomed = []
        for res in self.resources.values():
            if res.view_of is not None:
                continue
            for key, e in res.objects.items():
                refs = e.obj["metadata"].get("ownerReferences")
                if isinstance(refs, list) and any(isinstance(r, dict) and r.get("uid") == uid
                                                  for r in refs):
                    doomed.append((res, key))
        for res, key in doomed:
            if key in res.objects:
                self.delete(res, key[0], key[1])

    def find(self, res, ns, name):
        with self.lock:
            e = res.objects.get((ns if res.namespaced else "", name))
            return e


# --------------------------------------------------------------------------
# events.k8s.io/v1 view of core/v1 events

def event_v1_to_events_v1(ev):
    meta = ev.get("metadata") or {}
    out = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": meta}
    mapping = (("involvedObject", "regarding"), ("related", "related"), ("message", "note"),
               ("reason", "reason"), ("type", "type"), ("action", "action"),
               ("eventTime", "eventTime"), ("reportingComponent", "reportingController"),
               ("reportingInstance", "reportingInstance"), ("series", "series"),
               ("firstTimestamp", "deprecatedFirstTimestamp"),
               ("lastTimestamp", "deprecatedLastTimestamp"), ("count", "deprecatedCount"),
               ("source", "deprecatedSource"))
    for a, b in mapping:
        if a in ev:
            out[b] = ev[a]
    if not out.get("reportingController") and isinstance(ev.get("source"), dict):
        out["reportingController"] = ev["source"].get("component", "")
    if "eventTime" not in out:
        out["eventTime"] = None
    return out


# --------------------------------------------------------------------------
# tables

def jsonpath_value(obj, path):
    """The subset of JSONPath the CRD printer columns use."""
    path = path.strip()
    if path.startswith("{") and path.endswith("}"):
        path = path[1:-1]
    tokens = re.findall(r'\.([A-Za-z0-9_-]+)|\[\?\(@\.([A-Za-z0-9_]+)=="([^"]*)"\)\]|\[(\d+)\]',
                        path)
    cur = [obj]
    for name, fkey, fval, idx in tokens:
        nxt = []
        for c in cur:
            if name:
                if isinstance(c, dict) and name in c:
                    nxt.append(c[name])
            elif fkey:
                if isinstance(c, list):
                    nxt.extend(x for x in c if isinstance(x, dict) and x.get(fkey) == fval)
            elif idx:
                if isinstance(c, list) and int(idx) < len(c):
                    nxt.append(c[int(idx)])
        cur = nxt
    if not cur:
        return None
    v = cur[0]
    return v


def partial_meta(obj):
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata") or {}}


NAME_COL = {"name": "Name", "type": "string", "format": "name", "priority": 0,
            "description": "Name must be unique within a namespace. Is required when creating "
                           "resources, although some resources may allow a client to request "
                           "the generation of an appropriate name automatically."}


def col(name, ctype="string", priority=0, description="", fmt=""):
    return {"name": name, "type": ctype, "format": fmt, "description": description,
            "priority": priority}


def pod_status_reason(pod):
    st = as_dict(pod.get("status"))
    reason = st.get("reason") or st.get("phase") or "Unknown"
    ready = 0
    restarts = 0
    statuses = as_list(st.get("containerStatuses"))
    total = len(as_list(as_dict(pod.get("spec")).get("containers"))) or len(statuses)
    for cs in statuses:
        if not isinstance(cs, dict):
            continue
        restarts += as_int(cs.get("restartCount"))
        state = as_dict(cs.get("state"))
        if cs.get("ready"):
            ready += 1
        if isinstance(state.get("waiting"), dict) and state["waiting"].get("reason"):
            reason = state["waiting"]["reason"]
        elif isinstance(state.get("terminated"), dict):
            t = state["terminated"]
            if t.get("reason"):
                reason = t["reason"]
            elif t.get("signal"):
                reason = "Signal:%s" % t["signal"]
            else:
                reason = "ExitCode:%s" % t.get("exitCode", 0)
    if as_dict(pod.get("metadata")).get("deletionTimestamp"):
        reason = "Terminating"
    return "%d/%d" % (ready, total), str(reason), str(restarts)


def table_for(res, objs):
    """meta.k8s.io/v1 Table: CRD printer columns, or kubectl's built-in ones."""
    kind = res.kind
    if res.columns is not None:
        defs = [NAME_COL]
        for c in res.columns:
            defs.append(col(c["name"], c.get("type", "string"), int(c.get("priority", 0)),
                            c.get("description", ""), c.get("format", "")))
    elif kind == "Pod":
        defs = [NAME_COL, col("Ready"), col("Status"), col("Restarts"), col("Age"),
                col("IP", priority=1), col("Node", priority=1),
                col("Nominated Node", priority=1), col("Readiness Gates", priority=1)]
    elif kind == "Job":
        defs = [NAME_COL, col("Status"), col("Completions"), col("Duration"), col("Age"),
                col("Containers", priority=1), col("Images", priority=1),
                col("Selector", priority=1)]
    elif kind == "Event" and res.group == "":
        defs = [col("Last Seen"), col("Type"), col("Reason"), col("Object"), col("Message"),
                col("Subobject", priority=1), col("Source", priority=1),
                col("First Seen", priority=1), col("Count", priority=1),
                dict(NAME_COL, priority=1)]
    elif kind == "Namespace":
        defs = [NAME_COL, col("Status"), col("Age")]
    else:
        defs = [NAME_COL, col("Age")]
    rows = []
    for o in objs:
        meta = o.get("metadata") or {}
        name = meta.get("name", "")
        if res.columns is not None:
            cells = [name]
            for c in res.columns:
                v = jsonpath_value(o, c.get("jsonPath", ""))
                if v is not None and c.get("type") == "date":
                    v = age_of(v)
                elif isinstance(v, (dict, list)):
                    v = json.dumps(v)
                cells.append(v)
        elif kind == "Pod":
            ready, reason, restarts = pod_status_reason(o)
            st = as_dict(o.get("status"))
            cells = [name, ready, reason, restarts, age_of(meta.get("creationTimestamp")),
                     st.get("podIP") or "<none>",
                     as_dict(o.get("spec")).get("nodeName") or "<none>", "<none>", "<none>"]
        elif kind == "Job":
            st = as_dict(o.get("status"))
            spec = as_dict(o.get("spec"))
            status = "Running"
            for c in as_list(st.get("conditions")):
                if isinstance(c, dict) and c.get("status") == "True":
                    if c.get("type") == "Complete":
                        status = "Complete"
                    elif c.get("type") == "Failed":
                        status = "Failed"
                    elif c.get("type") == "Suspended":
                        status = "Suspended"
            comps = spec.get("completions", 1)
            dur = ""
            start = parse_time(st.get("startTime"))
            if start is not None:
                end = parse_time(st.get("completionTime")) or time.time()
                dur = human_duration(end - start)
            tspec = as_dict(as_dict(spec.get("template")).get("spec"))
            ctrs = [c for c in as_list(tspec.get("containers")) if isinstance(c, dict)]
            sel = as_dict(as_dict(spec.get("selector")).get("matchLabels"))
            cells = [name, status, "%s/%s" % (st.get("succeeded", 0), comps), dur,
                     age_of(meta.get("creationTimestamp")),
                     ",".join(str(c.get("name", "")) for c in ctrs),
                     ",".join(str(c.get("image", "")) for c in ctrs),
                     ",".join("%s=%s" % kv for kv in sorted(sel.items())) or "<none>"]
        elif kind == "Event" and res.group == "":
            io = as_dict(o.get("involvedObject"))
            last = o.get("lastTimestamp") or o.get("eventTime") or o.get("firstTimestamp") \
                or meta.get("creationTimestamp")
            src = as_dict(o.get("source"))
            cells = [age_of(last), o.get("type", ""), o.get("reason", ""),
                     "%s/%s" % (str(io.get("kind", "")).lower(), io.get("name", "")),
                     o.get("message", ""), io.get("fieldPath", ""),
                     ", ".join(x for x in (src.get("component"), src.get("host")) if x),
                     age_of(o.get("firstTimestamp") or last), o.get("count", 1), name]
        elif kind == "Namespace":
            cells = [name, as_dict(o.get("status")).get("phase", "Active"),
                     age_of(meta.get("creationTimestamp"))]
        else:
            cells = [name, age_of(meta.get("creationTimestamp"))]
        rows.append({"cells": cells, "object": partial_meta(o)})
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {},
            "columnDefinitions": defs, "rows": rows}


# --------------------------------------------------------------------------
# validation of created objects

def validate_agentrun(obj, name):
    causes = []
    spec = obj.get("spec")

    def add(field, reason, message):
        causes.append({"reason": reason, "message": message, "field": field})

    if not isinstance(spec, dict):
        add("spec", "FieldValueRequired", "Required value")
    else:
        ar = spec.get("agentRef")
        if not isinstance(ar, dict):
            add("spec.agentRef", "FieldValueRequired", "Required value")
        elif not isinstance(ar.get("name"), str) or not ar.get("name"):
            add("spec.agentRef.name", "FieldValueRequired", "Required value")
        rt = spec.get("runtime")
        if not isinstance(rt, dict):
            add("spec.runtime", "FieldValueRequired", "Required value")
        elif "type" not in rt:
            add("spec.runtime.type", "FieldValueRequired", "Required value")
        elif rt.get("type") not in ("workflow", "job", "temporal", "custom"):
            add("spec.runtime.type", "FieldValueNotSupported",
                'Unsupported value: %s: supported values: "workflow", "job", "temporal", '
                '"custom"' % json.dumps(rt.get("type")))
        params = spec.get("parameters")
        if params is not None and not isinstance(params, dict):
            add("spec.parameters", "FieldValueTypeInvalid",
                'Invalid value: "%s": spec.parameters in body must be of type object: "%s"'
                % (type(params).__name__, type(params).__name__))
        elif isinstance(params, dict):
            for k, v in params.items():
                if not isinstance(v, str):
                    add("spec.parameters.%s" % k, "FieldValueTypeInvalid",
                        'Invalid value: "%s": spec.parameters.%s in body must be of type '
                        'string: "%s"' % (type(v).__name__, k, type(v).__name__))
        if not causes:
            rules = (
                ("implementationSpecRef" in spec or "implementation" in spec,
                 "spec.implementationSpecRef or spec.implementation is required"),
                (not ("systemPrompt" in spec and "systemPromptRef" in spec),
                 "Only one of spec.systemPrompt or spec.systemPromptRef may be set"),
                ("systemPrompt" not in spec and "systemPromptRef" not in spec,
                 "AgentRun-level systemPrompt/systemPromptRef overrides are not allowed; "
                 "configure Agent.spec.defaults instead"),
                (not isinstance(params, dict) or "prompt" not in params,
                 "spec.parameters.prompt is not allowed; use ImplementationSpec.spec.text"),
            )
            for ok, msg in rules:
                if not ok:
                    add("spec", "FieldValueInvalid", 'Invalid value: "object": ' + msg)
            wf = spec.get("workflow")
            steps = wf.get("steps") if isinstance(wf, dict) else None
            for i, st in enumerate(steps if isinstance(steps, list) else []):
                p = st.get("parameters") if isinstance(st, dict) else None
                if isinstance(p, dict) and "prompt" in p:
                    add("spec.workflow.steps[%d].parameters" % i, "FieldValueInvalid",
                        'Invalid value: "object": workflow step parameters.prompt is not '
                        'allowed; use ImplementationSpec.spec.text')
    return causes


def invalid(res, name, causes):
    parts = ["%s: %s" % (c["field"], c["message"]) for c in causes]
    text = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    kind = "%s.%s" % (res.kind, res.group) if res.group else res.kind
    return ApiError(422, '%s "%s" is invalid: %s' % (kind, name, text), "Invalid",
                    {"name": name, "group": res.group, "kind": res.kind, "causes": causes})


# --------------------------------------------------------------------------
# container logs

class LogStore:
    """Log files under DIR/logs plus lines appended by the script (in memory;
    the files on disk are never modified)."""

    def __init__(self, root):
        self.root = root
        self.cond = threading.Condition()
        self.appended = {}    # (ns, pod, container, previous) -> [(epoch, bytes)]
        self.generation = 0

    def path(self, ns, pod, container, previous):
        for part in (ns, pod, container):
            if not PATH_SAFE_RE.match(part or "") or ".." in part:
                return None
        suffix = ".previous.log" if previous else ".log"
        return os.path.join(self.root, ns, pod, container + suffix)

    def exists(self, ns, pod, container, previous):
        p = self.path(ns, pod, container, previous)
        with self.cond:
            if (ns, pod, container, previous) in self.appended:
                return True
        return p is not None and os.path.isfile(p)

    def pod_dir_exists(self, ns, pod):
        p = self.path(ns, pod, "x", False)
        return p is not None and os.path.isdir(os.path.dirname(p))

    def read(self, ns, pod, container, previous):
        p = self.path(ns, pod, container, previous)
        data = b""
        if p is not None and os.path.isfile(p):
            try:
                with open(p, "rb") as f:
                    data = f.read()
            except OSError:
                data = b""
        with self.cond:
            extra = list(self.appended.get((ns, pod, container, previous), ()))
        return data, extra

    def append(self, ns, pod, container, text, previous=False, when=None):
        if self.path(ns, pod, container, previous) is None:
            raise ValueError("unsafe log path component")
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else bytes(text)
        with self.cond:
            self.appended.setdefault((ns, pod, container, previous), []).append(
                (when if when is not None else time.time(), data))
            self.generation += 1
            self.cond.notify_all()


def split_lines(data):
    """bytes -> list of lines, each keeping its newline (last may lack one)."""
    if not data:
        return []
    lines = data.split(b"\n")
    out = [ln + b"\n" for ln in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


# --------------------------------------------------------------------------
# fault injection

class Fault:
    def __init__(self):
        self.close_after = None
        self.delay_ms = 0
        self.status = None
        self.retry_after = None
        self.gone = False
        self.truncate = False
        self.drop_after_create = False
        self.drop = False
        self.body = None      # path of a file whose bytes replace the answer
        self.ctype = None
        self.stall = False
        self.repeat = False
        self.dribble = 0      # body bytes per second (0 = full speed)

    def any(self):
        return any((self.close_after is not None, self.delay_ms, self.status, self.gone,
                    self.truncate, self.drop_after_create, self.drop, self.body is not None,
                    self.stall, self.repeat, self.dribble))

    def replaces_answer(self):
        return self.body is not None or self.stall or self.repeat

    def merge(self, other):
        for k, v in vars(other).items():
            if v not in (None, False, 0):
                setattr(self, k, v)


def parse_fault(spec):
    f = Fault()
    if not spec:
        return f
    for item in re.split(r"[&,;]", spec):
        item = item.strip()
        if not item:
            continue
        key, _, val = item.partition("=")
        key = key.strip().lower()
        val = val.strip()
        try:
            if key == "close-after":
                f.close_after = max(0, int(val))
            elif key == "delay":
                f.delay_ms = max(0, int(val))
            elif key == "status":
                f.status = int(val)
                if not 100 <= f.status <= 599:
                    raise ValueError(val)
            elif key == "retry-after":
                f.retry_after = str(int(val))
            elif key == "gone":
                f.gone = True
            elif key == "truncate":
                f.truncate = True
            elif key == "drop-after-create":
                f.drop_after_create = True
            elif key == "drop":
                f.drop = True
            elif key == "body":
                if not val:
                    raise ValueError(val)
                f.body = val
            elif key == "ctype":
                if not val:
                    raise ValueError(val)
                f.ctype = val
            elif key == "stall":
                f.stall = True
            elif key == "repeat":
                f.repeat = True
            elif key == "dribble":
                f.dribble = int(val)
                if f.dribble <= 0:
                    raise ValueError(val)
            else:
                raise ValueError("unknown fault %r" % key)
        except ValueError:
            raise ValueError("bad fault item %r in %r" % (item, spec))
    return f


class FaultRule:
    """'METHOD PATHPREFIX[?k=v&...]:SPEC[:COUNT]'; COUNT '*' = every request."""

    def __init__(self, text):
        head, sep, rest = text.partition(":")
        if not sep:
            raise ValueError("fault rule %r: expected 'METHOD PATH:SPEC[:COUNT]'" % text)
        mp = head.strip().split(None, 1)
        if len(mp) != 2:
            raise ValueError("fault rule %r: expected 'METHOD PATH'" % text)
        self.method = mp[0].upper()
        path, _, query = mp[1].partition("?")
        # a PATH ending in '$' is that path alone, not a prefix
        self.exact = path.endswith("$")
        self.path = path[:-1] if self.exact else path
        self.query = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        spec, _, count = rest.partition(":")
        self.fault_text = spec
        self.fault = parse_fault(spec)
        count = count.strip()
        self.remaining = None if count == "*" else int(count or "1")
        self.text = text

    def take(self, method, path, query):
        if self.method not in ("*", method):
            return False
        if not (path == self.path if self.exact else path.startswith(self.path)):
            return False
        for k, v in self.query.items():
            if query.get(k, [None])[0] != v:
                return False
        if self.remaining is not None:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
        return True


class DropConnection(Exception):
    """Close the client connection without (further) response."""


# --------------------------------------------------------------------------
# the server

class Ctx:
    pass


CTX = Ctx()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kubeapi-test"
    sys_version = ""

    def log_message(self, fmt, *args):
        if CTX.verbose:
            sys.stderr.write("kubeapi: %s\n" % (fmt % args))

    def log_request(self, code="-", size="-"):
        self._status_code = code
        self.log_message('"%s" %s', self.requestline, code)

    # ---- plumbing

    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        self._fault = Fault()
        self._sent = 0
        self._path, self._query = "", {}
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.settimeout(10)
                self.connection.do_handshake()
                self.connection.settimeout(None)
            except (OSError, ssl.SSLError):
                self.close_connection = True
                raise

    def handle_one_request(self):
        try:
            BaseHTTPRequestHandler.handle_one_request(self)
        except DropConnection:
            self.close_connection = True
            self._hard_close()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, socket.timeout, OSError):
            self.close_connection = True

    def _hard_close(self):
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _record(self, status):
        with CTX.req_lock:
            CTX.requests.append({
                "time": time.time(), "method": self.command, "path": self._path,
                "query": {k: v if len(v) > 1 else v[0] for k, v in self._query.items()},
                "status": status,
                "accept": self.headers.get("Accept", ""),
                # what the client sent as credentials (tests check that none
                # goes over plain http)
                "authorization": self.headers.get("Authorization", ""),
            })
            if len(CTX.requests) > 20000:
                del CTX.requests[:10000]

    def _write(self, data):
        """Body bytes, honouring close-after and dribble."""
        f = self._fault
        if f.dribble and f.close_after is None:
            # a server (or proxy) that stays alive but sends N bytes a second
            step = max(1, f.dribble // 5)
            for i in range(0, len(data), step):
                piece = data[i:i + step]
                self.wfile.write(piece)
                self.wfile.flush()
                self._sent += len(piece)
                time.sleep(len(piece) / float(f.dribble))
            return
        if f.close_after is not None:
            room = f.close_after - self._sent
            if room <= 0:
                raise DropConnection()
            if len(data) > room:
                self.wfile.write(data[:room])
                self._sent += room
                raise DropConnection()
        self.wfile.write(data)
        self._sent += len(data)

    def send_body(self, code, body, ctype="application/json", headers=None):
        self.send_parts(code, [body], ctype, headers)

    def send_parts(self, code, parts, ctype="application/json", headers=None):
        """One response from a list of byte strings, written in ~1 MiB groups
        so that a 5,000-item list is never copied into one big buffer."""
        self._started = True
        total = sum(len(p) for p in parts)
        if self._fault.truncate and total > 1:
            body = b"".join(parts)
            parts = [body[:total // 2]]
            total = len(parts[0])
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(total))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Audit-Id", str(uuid.uuid4()))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self._record(code)
        if self.command != "HEAD":
            group, size = [], 0
            for p in parts:
                group.append(p)
                size += len(p)
                if size >= 1 << 20:
                    self._write(b"".join(group))
                    group, size = [], 0
            if group:
                self._write(b"".join(group))
        self.wfile.flush()

    def send_json(self, code, obj, headers=None):
        self.send_body(code, dumps(obj), "application/json", headers)

    def send_error_status(self, err):
        headers = dict(err.headers)
        if err.code == 429 and "Retry-After" not in headers:
            headers["Retry-After"] = "1"
        self.send_json(err.code, err.status(), headers)

    def start_stream(self, ctype, code=200):
        self._started = True
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self._record(code)
        self.wfile.flush()

    def chunk(self, data):
        if not data:
            return
        f = self._fault
        if f.close_after is not None:
            room = f.close_after - self._sent
            if room <= 0:
                raise DropConnection()
            if len(data) > room:
                # the connection breaks mid-chunk: send a partial chunk
                self.wfile.write(b"%x\r\n" % len(data) + data[:room])
                self._sent += room
                raise DropConnection()
        self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
        self._sent += len(data)
        self.wfile.flush()

    def end_stream(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def client_gone(self):
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            if r:
                return not self._peek()
        except (OSError, ValueError):
            return True
        return False

    def authenticated(self):
        """Either accepted credential authenticates (as on a real API
        server): the bearer token of --token, the CA-signed client
        certificate of --client-cert. With neither option, everyone."""
        if CTX.token is None and not CTX.client_cert:
            return True
        if CTX.token is not None and self.headers.get("Authorization", "") == "Bearer " + CTX.token:
            return True
        if CTX.client_cert and isinstance(self.connection, ssl.SSLSocket):
            try:
                return bool(self.connection.getpeercert())
            except (ValueError, OSError):
                return False
        return False

    def _peek(self):
        try:
            if isinstance(self.connection, ssl.SSLSocket):
                # no MSG_PEEK through TLS; a streaming client sends nothing
                self.connection.setblocking(False)
                try:
                    return self.connection.recv(1) != b""
                finally:
                    self.connection.setblocking(True)
            return self.connection.recv(1, socket.MSG_PEEK) != b""
        except (BlockingIOError, ssl.SSLWantReadError):
            return True
        except OSError:
            return False

    def read_body(self):
        n = self.headers.get("Content-Length")
        if n is None:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                out = b""
                while True:
                    line = self.rfile.readline(100)
                    size = int(line.split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline(100)
                        return out
                    out += self.rfile.read(size)
                    self.rfile.readline(10)
            return b""
        try:
            n = int(n)
        except ValueError:
            raise ApiError(400, "invalid Content-Length")
        if n > 64 * 1024 * 1024:
            raise ApiError(413, "request entity too large")
        return self.rfile.read(n)

    # ---- dispatch

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def dispatch(self):
        self._fault = Fault()
        self._sent = 0
        self._body_read = False
        self._started = False
        parts = urlsplit(self.path)
        self._path = parts.path
        self._query = parse_qs(parts.query, keep_blank_values=True)
        try:
            if self._path.startswith("/_kubeapi/"):
                return self.control()
            if self._path not in ("/healthz", "/livez", "/readyz") and not self.authenticated():
                raise ApiError(401, "Unauthorized", "Unauthorized")
            self._fault = self.collect_faults()
            f = self._fault
            if f.delay_ms:
                time.sleep(f.delay_ms / 1000.0)
            if f.drop:
                self._record(0)
                raise DropConnection()
            if f.replaces_answer():
                return self.fault_answer(f)
            if f.status:
                self.injected_status(f)
                return
            self.route()
        except ApiError as err:
            if self.command in ("POST", "PUT", "PATCH") and not self._body_read:
                try:
                    self.read_body()
                except (ApiError, ValueError, OSError):
                    self.close_connection = True
            self.send_error_status(err)
        except (DropConnection, OSError):
            raise
        except Exception as ex:  # a bug, or an object shape nobody expected
            sys.stderr.write("kubeapi: %s %s: %s" % (self.command, self.path,
                                                    traceback.format_exc()))
            if self._started:
                raise DropConnection()
            self.close_connection = True
            self.send_error_status(ApiError(500, "Internal error occurred: %s: %s"
                                            % (type(ex).__name__, ex)))

    def collect_faults(self):
        f = Fault()
        f.merge(CTX.global_fault)
        with CTX.fault_lock:
            for rule in CTX.fault_rules:
                if rule.take(self.command, self._path, self._query):
                    f.merge(rule.fault)
        hdr = self.headers.get("X-Fault")
        q = self._query.get("fault", [None])[0]
        for spec in (hdr, q):
            if spec:
                try:
                    f.merge(parse_fault(spec))
                except ValueError as ex:
                    raise ApiError(400, str(ex))
        return f

    def fault_answer(self, f):
        """The body= / stall / repeat faults: whatever bytes a broken server
        or proxy might send, instead of the real answer."""
        if self.command in ("POST", "PUT", "PATCH"):
            self.read_body()
            self._body_read = True
        data = b""
        if f.body is not None:
            try:
                with open(f.body, "rb") as fh:
                    data = fh.read()
            except OSError as ex:
                raise ApiError(500, "fault body %s: %s" % (f.body, ex))
        code = f.status or 200
        ctype = f.ctype or "application/json"
        q = self._query
        streaming = (f.stall or f.repeat or "/watch/" in self._path
                     or q.get("watch", [""])[0] in ("true", "1")
                     or q.get("follow", [""])[0] == "true")
        if not streaming:
            return self.send_body(code, data, ctype)
        self.start_stream(ctype, code)
        self.chunk(data)
        if f.repeat and data:
            while not self.client_gone():
                self.chunk(data)
        elif f.stall or f.repeat:
            while not self.client_gone():
                time.sleep(0.05)
            raise DropConnection()
        self.end_stream()

    def injected_status(self, f):
        code = f.status
        res_name = self._path.rstrip("/").split("/")[-1] or "resource"
        messages = {
            401: "Unauthorized",
            403: '%s is forbidden: User "system:serviceaccount:agents:artriage" cannot %s '
                 'resource "%s" (injected fault)' % (res_name, self.command.lower(), res_name),
            404: "the server could not find the requested resource",
            409: "Operation cannot be fulfilled: the object has been modified (injected fault)",
            410: "too old resource version (injected fault)",
            429: "Too many requests, please try again later. (injected fault)",
            500: "Internal error occurred: injected fault",
            503: "the server is currently unable to handle the request (injected fault)",
        }
        err = ApiError(code, messages.get(code, "injected fault %d" % code))
        if f.retry_after:
            err.headers["Retry-After"] = f.retry_after
        if code == 429:
            err.details = {"causes": [{"reason": "TooManyRequests",
                                       "message": "too many requests"}],
                           "retryAfterSeconds": int(f.retry_after or 1)}
        if self.command in ("POST", "PUT", "PATCH"):
            self.read_body()
            self._body_read = True
        self.send_error_status(err)

    def route(self):
        p = self._path
        if p in ("/healthz", "/livez", "/readyz"):
            return self.send_body(200, b"ok", "text/plain; charset=utf-8")
        if p == "/version":
            return self.send_json(200, {
                "major": "1", "minor": "32", "gitVersion": "v1.32.0-kubeapi-test",
                "gitCommit": "0" * 40, "gitTreeState": "clean",
                "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.4",
                "compiler": "gc", "platform": "linux/amd64"})
        if p == "/api":
            return self.send_json(200, {
                "kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [
                    {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:%d" % CTX.port}]})
        if p == "/apis":
            groups = []
            with CTX.store.lock:
                for g, versions in sorted(CTX.store.groups().items()):
                    vs = [{"groupVersion": "%s/%s" % (g, v), "version": v} for v in versions]
                    groups.append({"name": g, "versions": vs, "preferredVersion": vs[0]})
            return self.send_json(200, {"kind": "APIGroupList", "apiVersion": "v1",
                                        "groups": groups})
        if p == "/openapi/v3":
            return self.openapi_index()
        if p.startswith("/openapi/v3/"):
            return self.openapi_doc(p[len("/openapi/v3/"):])
        segs = [s for s in p.split("/") if s]
        if len(segs) >= 2 and segs[0] == "api" and segs[1] == "v1":
            return self.resource_path("", "v1", segs[2:])
        if len(segs) >= 1 and segs[0] == "apis":
            if len(segs) == 2:
                return self.group_doc(segs[1])
            if len(segs) >= 3:
                return self.resource_path(segs[1], segs[2], segs[3:])
        raise ApiError(404, "the server could not find the requested resource", "NotFound",
                       {"causes": [{"reason": "UnexpectedServerResponse", "message": "404 page not found"}]})

    def group_doc(self, group):
        versions = CTX.store.groups().get(group)
        if not versions:
            raise ApiError(404, "the server could not find the requested resource")
        vs = [{"groupVersion": "%s/%s" % (group, v), "version": v} for v in versions]
        self.send_json(200, {"kind": "APIGroup", "apiVersion": "v1", "name": group,
                             "versions": vs, "preferredVersion": vs[0]})

    def openapi_index(self):
        paths = {}
        with CTX.store.lock:
            gvs = {(g, v) for (g, v, _) in CTX.store.resources}
        for g, v in sorted(gvs):
            key = "api/%s" % v if not g else "apis/%s/%s" % (g, v)
            h = hashlib.sha256(key.encode()).hexdigest()[:32].upper()
            paths[key] = {"serverRelativeURL": "/openapi/v3/%s?hash=%s" % (key, h)}
        self.send_json(200, {"paths": paths})

    def openapi_doc(self, key):
        segs = key.split("/")
        if segs[0] == "api" and len(segs) == 2:
            g, v = "", segs[1]
        elif segs[0] == "apis" and len(segs) == 3:
            g, v = segs[1], segs[2]
        else:
            raise ApiError(404, "the server could not find the requested resource")
        with CTX.store.lock:
            ress = [r for (rg, rv, _), r in CTX.store.resources.items() if rg == g and rv == v]
        if not ress:
            raise ApiError(404, "the server could not find the requested resource")
        base = "/api/%s" % v if not g else "/apis/%s/%s" % (g, v)
        paths, schemas = {}, {}
        params = [{"name": n, "in": "query", "schema": {"type": "string"}, "uniqueItems": True,
                   "description": n} for n in ("dryRun", "fieldManager", "fieldValidation")]
        for r in ress:
            gvk = [{"group": g, "version": v, "kind": r.kind}]
            sname = "%s.%s.%s" % (".".join(reversed(g.split("."))) if g else "io.k8s.api.core",
                                  v, r.kind)
            schemas[sname] = {"type": "object", "x-kubernetes-group-version-kind": gvk,
                              "x-kubernetes-preserve-unknown-fields": True,
                              "properties": {"apiVersion": {"type": "string"},
                                             "kind": {"type": "string"},
                                             "metadata": {"type": "object"},
                                             "spec": {"type": "object"},
                                             "status": {"type": "object"}}}
            ref = {"$ref": "#/components/schemas/%s" % sname}
            coll = base + ("/namespaces/{namespace}/" if r.namespaced else "/") + r.plural
            op = lambda verb, action: {
                "operationId": "%s%s" % (verb, r.kind), "parameters": params,
                "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk[0],
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {"200": {"description": "OK", "content": {
                    "application/json": {"schema": ref}}}}}
            paths[coll] = {"post": op("create", "post"), "get": {
                "operationId": "list%s" % r.kind, "x-kubernetes-action": "list",
                "x-kubernetes-group-version-kind": gvk[0],
                "responses": {"200": {"description": "OK"}}}}
            item = {"get": op("read", "get"), "put": op("replace", "put"),
                    "patch": op("patch", "patch"), "delete": op("delete", "delete")}
            item["patch"]["requestBody"] = {"content": {
                "application/merge-patch+json": {"schema": {"type": "object"}},
                "application/json-patch+json": {"schema": {"type": "object"}},
                "application/apply-patch+yaml": {"schema": {"type": "object"}}}}
            paths[coll + "/{name}"] = item
        self.send_json(200, {"openapi": "3.0.0",
                             "info": {"title": "Kubernetes", "version": "v1.32.0"},
                             "paths": paths, "components": {"schemas": schemas}})

    # ---- resources

    def resource_path(self, group, version, segs):
        store = CTX.store
        if not segs:
            with store.lock:
                ress = [r for (g, v, _), r in store.resources.items()
                        if g == group and v == version]
            if not ress:
                raise ApiError(404, "the server could not find the requested resource")
            out = []
            for r in sorted(ress, key=lambda x: x.plural):
                out.extend(r.discovery())
            return self.send_json(200, {"kind": "APIResourceList", "apiVersion": "v1",
                                        "groupVersion": ress[0].api_version, "resources": out})
        watch = False
        if segs[0] == "watch":
            watch = True
            segs = segs[1:]
        ns = None
        if len(segs) >= 3 and segs[0] == "namespaces" and \
                (group, version, segs[2]) in store.resources:
            ns = segs[1]
            segs = segs[2:]
        res = store.resources.get((group, version, segs[0])) if segs else None
        if res is None or len(segs) > 3:
            raise ApiError(404, "the server could not find the requested resource")
        if res.namespaced is False and ns is not None:
            raise ApiError(404, "the server could not find the requested resource")
        name = segs[1] if len(segs) >= 2 else None
        sub = segs[2] if len(segs) == 3 else None
        if sub is not None and sub not in res.subresources:
            raise ApiError(404, "the server could not find the requested resource")
        if res.namespaced and name is not None and ns is None:
            raise ApiError(404, "the server could not find the requested resource")
        if not watch:
            watch = self._query.get("watch", ["false"])[0] in ("true", "1")
        m = self.command
        if sub == "log":
            if m != "GET":
                raise ApiError(405, "method not allowed")
            return self.pod_log(ns, name)
        if name is None:
            if m == "GET":
                return self.watch(res, ns, None) if watch else self.list(res, ns)
            if m == "POST":
                if res.namespaced and ns is None:
                    raise ApiError(405, "the server does not allow this method on the requested "
                                   "resource", "MethodNotAllowed")
                return self.create(res, ns)
            raise ApiError(405, 'the server does not allow this method on the requested resource',
                           "MethodNotAllowed")
        if m == "GET":
            if watch:
                return self.watch(res, ns, name)
            return self.get(res, ns, name)
        if res.view_of is not None:
            res = res.view_of
        if m == "DELETE":
            body = self.read_body()
            self._body_read = True
            prop = "Background"
            try:
                opts = json.loads(body) if body.strip() else {}
                if isinstance(opts, dict) and opts.get("propagationPolicy") in ("Orphan", "Foreground"):
                    prop = opts["propagationPolicy"]
            except ValueError:
                raise ApiError(400, "invalid DeleteOptions body")
            prop = self._query.get("propagationPolicy", [prop])[0]
            if self.dry_run():
                e = store.find(res, ns or "", name)
                if e is None:
                    raise not_found(res, name)
                return self.send_body(200, e.data)
            gone = store.delete(res, ns or "", name, prop)
            return self.send_json(200, gone)
        if m in ("PUT", "PATCH"):
            body = self.read_body()
            self._body_read = True
            try:
                doc = json.loads(body)
            except ValueError as ex:
                raise ApiError(400, "the body of the request was in an unknown format - "
                               "accepted media types include: application/json (%s)" % ex)
            if self.dry_run():
                e = store.find(res, ns or "", name)
                if e is None:
                    raise not_found(res, name)
                return self.send_body(200, e.data)
            if m == "PUT":
                if not isinstance(doc, dict):
                    raise ApiError(400, "the body must be a JSON object")
                meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
                if meta.get("name") not in (None, name):
                    raise ApiError(400, "the name of the object (%s) does not match the name on "
                                   "the URL (%s)" % (meta.get("name"), name))
                new = store.replace(res, ns or "", name, doc, sub, meta.get("resourceVersion"))
            else:
                ctype = self.headers.get("Content-Type", "").split(";")[0].strip()
                if ctype == "application/json-patch+json":
                    ptype = "json"
                elif ctype in ("application/merge-patch+json",
                               "application/strategic-merge-patch+json"):
                    ptype = "merge"
                else:
                    raise ApiError(415, 'the body of the request was in an unknown format - '
                                   'accepted media types include: application/json-patch+json, '
                                   'application/merge-patch+json', "UnsupportedMediaType")
                new = store.patch(res, ns or "", name, doc, ptype, sub)
            return self.send_json(200, new)
        raise ApiError(405, "the server does not allow this method on the requested resource",
                       "MethodNotAllowed")

    def dry_run(self):
        vals = self._query.get("dryRun", [])
        for v in vals:
            if v != "All":
                raise ApiError(400, 'unsupported dry run option "%s"' % v)
        return bool(vals)

    def wants_table(self):
        accept = self.headers.get("Accept", "")
        first = accept.split(",")[0]
        return "as=Table" in first and "g=meta.k8s.io" in first

    def view(self, res, obj):
        return event_v1_to_events_v1(obj) if res.view_of is not None else obj

    def get(self, res, ns, name):
        store = CTX.store
        base = res.view_of or res
        e = store.find(base, ns or "", name)
        if e is None:
            raise not_found(res, name)
        if self.wants_table():
            t = table_for(res, [self.view(res, e.obj)])
            t["metadata"]["resourceVersion"] = e.obj["metadata"].get("resourceVersion", "")
            return self.send_json(200, t)
        if res.view_of is not None:
            return self.send_json(200, self.view(res, e.obj))
        self.send_body(200, e.data)

    def selectors(self, res):
        try:
            lsel = parse_label_selector(self._query.get("labelSelector", [""])[0])
            fsel = parse_field_selector(self._query.get("fieldSelector", [""])[0],
                                        res.field_labels)
        except SelectorError as ex:
            raise ApiError(400, str(ex))
        return lsel, fsel

    def list(self, res, ns):
        store = CTX.store
        base = res.view_of or res
        lsel, fsel = self.selectors(res)
        limit = 0
        if "limit" in self._query:
            try:
                limit = int(self._query["limit"][0])
            except ValueError:
                raise ApiError(400, "invalid limit")
            limit = max(0, limit)
        cont = self._query.get("continue", [""])[0]
        start = None
        with store.lock:
            list_rv = store.rv
            if cont:
                try:
                    tok = json.loads(base64.urlsafe_b64decode(cont + "=" * (-len(cont) % 4)))
                    list_rv = int(tok["rv"])
                    start = tuple(tok["start"])
                except (ValueError, KeyError, TypeError):
                    raise ApiError(400, "continue key is not valid: incorrect encoded start "
                                   "resourceVersion (version meta.k8s.io/v1)")
                if list_rv < store.compacted_rv and CTX.strict_continue:
                    raise ApiError(410, "The provided continue parameter is too old to display "
                                   "a consistent list result. You can start a new list without "
                                   "the continue parameter, or use the continue token in this "
                                   "response to retrieve the remainder of the results. "
                                   "Continuing with the provided token results in an "
                                   "inconsistent list - objects that were created, modified, "
                                   "or deleted between the time the first chunk was returned "
                                   "and now may show up in the list.", "Expired")
            keys = base.keys
            if ns is not None and base.namespaced:
                lo = bisect.bisect_left(keys, (ns, ""))
                hi = bisect.bisect_left(keys, (ns + "\x00", ""))
            else:
                lo, hi = 0, len(keys)
            if start is not None:
                lo = max(lo, bisect.bisect_right(keys, start))
            picked = []
            nxt = None
            i = lo
            filtered = bool(lsel or fsel)
            objects = base.objects
            while i < hi:
                e = objects[keys[i]]
                i += 1
                if filtered:
                    view = self.view(res, e.obj) if res.view_of else e.obj
                    if not labels_match(lsel, view) or not fields_match(fsel, view):
                        continue
                picked.append(e)
                if limit and len(picked) >= limit:
                    if i < hi:
                        nxt = keys[i - 1]
                    break
        meta = {"resourceVersion": str(list_rv)}
        if nxt is not None:
            meta["continue"] = base64.urlsafe_b64encode(dumps(
                {"v": "meta.k8s.io/v1", "rv": list_rv, "start": list(nxt)})).decode().rstrip("=")
            if not filtered:
                meta["remainingItemCount"] = hi - i
        if self.wants_table():
            t = table_for(res, [self.view(res, e.obj) for e in picked])
            t["metadata"] = meta
            return self.send_json(200, t)
        parts = [b'{"kind":"%s","apiVersion":"%s","metadata":%s,"items":[' % (
            res.list_kind.encode(), res.api_version.encode(), dumps(meta))]
        for n, e in enumerate(picked):
            if n:
                parts.append(b",")
            parts.append(dumps(self.view(res, e.obj)) if res.view_of is not None else e.data)
        parts.append(b"]}")
        self.send_parts(200, parts)

    def create(self, res, ns):
        store = CTX.store
        body = self.read_body()
        self._body_read = True
        try:
            obj = json.loads(body)
        except ValueError as ex:
            raise ApiError(400, "the body of the request was in an unknown format - accepted "
                           "media types include: application/json (%s)" % ex)
        if not isinstance(obj, dict):
            raise ApiError(400, "the body of the request must be a JSON object")
        if res.view_of is not None:
            raise ApiError(405, "create events through /api/v1", "MethodNotAllowed")
        meta = obj.get("metadata")
        if meta is None:
            meta = obj["metadata"] = {}
        if not isinstance(meta, dict):
            raise ApiError(400, "metadata must be an object")
        kind = obj.get("kind")
        if kind is not None and kind != res.kind:
            raise ApiError(400, "the API version in the data (%s) does not match the expected "
                           "API version (%s) or kind %r does not match %r"
                           % (obj.get("apiVersion"), res.api_version, kind, res.kind))
        if res.namespaced:
            bns = meta.get("namespace")
            if bns and bns != ns:
                raise ApiError(400, "the namespace of the provided object does not match the "
                               "namespace sent on the request")
        name = meta.get("name")
        if not name and not meta.get("generateName"):
            raise invalid(res, "", [{"reason": "FieldValueRequired",
                                     "message": "Required value: name or generateName is required",
                                     "field": "metadata.name"}])
        check = name or (meta.get("generateName") + "a")
        if not isinstance(check, str) or not NAME_RE.match(check) or len(check) > 253:
            raise invalid(res, str(name), [{
                "reason": "FieldValueInvalid", "field": "metadata.name",
                "message": "Invalid value: %s: a lowercase RFC 1123 subdomain must consist of "
                           "lower case alphanumeric characters, '-' or '.', and must start and "
                           "end with an alphanumeric character (e.g. 'example.com', regex used "
                           "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]"
                           "([-a-z0-9]*[a-z0-9])?)*')" % json.dumps(name)}])
        if res.kind == "AgentRun":
            causes = validate_agentrun(obj, name)
            if causes:
                raise invalid(res, name or meta.get("generateName", ""), causes)
        if "status" in res.subresources:
            obj.pop("status", None)
        created = store.create(res, ns or "", obj, dry_run=self.dry_run())
        if self._fault.drop_after_create:
            self._record(0)
            raise DropConnection()
        self.send_json(201, created)

    # ---- watch

    def watch(self, res, ns, name):
        store = CTX.store
        base = res.view_of or res
        lsel, fsel = self.selectors(res)
        if name is not None:
            fsel = fsel + [("metadata.name", "=", name)]
        rv_param = self._query.get("resourceVersion", [""])[0]
        try:
            timeout = float(self._query.get("timeoutSeconds", [CTX.watch_timeout])[0])
        except ValueError:
            raise ApiError(400, "invalid timeoutSeconds")
        if timeout <= 0:
            timeout = CTX.watch_timeout
        bookmarks = self._query.get("allowWatchBookmarks", ["false"])[0] == "true"
        table = self.wants_table()
        expired = self._fault.gone
        initial = []
        with store.lock:
            if rv_param in ("", "0"):
                pos = store.rv
                for key in base.keys:
                    e = base.objects[key]
                    if ns is not None and base.namespaced and key[0] != ns:
                        continue
                    initial.append(e.obj)
            else:
                try:
                    pos = int(rv_param)
                except ValueError:
                    raise ApiError(400, 'invalid resource version "%s"' % rv_param)
                if pos < store.compacted_rv:
                    expired = True
            my_drop = store.drop_generation
        self.start_stream("application/json")
        state = {"headers_sent": False}

        def emit(etype, obj):
            if res.view_of is not None and etype != "ERROR":
                obj = self.view(res, obj)
            if table and etype not in ("ERROR", "BOOKMARK"):
                t = table_for(res, [obj])
                t["metadata"]["resourceVersion"] = (obj.get("metadata") or {}).get(
                    "resourceVersion", "")
                if state["headers_sent"]:
                    t["columnDefinitions"] = []
                state["headers_sent"] = True
                obj = t
            self.chunk(dumps({"type": etype, "object": obj}) + b"\n")

        def matches(o):
            if o is None:
                return False
            if ns is not None and base.namespaced and (o.get("metadata") or {}).get("namespace") != ns:
                return False
            v = self.view(res, o) if res.view_of else o
            return labels_match(lsel, v) and fields_match(fsel, v)

        if expired:
            emit("ERROR", ApiError(410, "too old resource version: %s (%d)" % (
                rv_param or "0", store.compacted_rv), "Expired").status())
            self.end_stream()
            return
        for o in initial:
            if matches(o):
                emit("ADDED", o)
        deadline = time.time() + timeout
        next_bookmark = time.time() + CTX.bookmark_interval
        last_sent = pos
        while True:
            now = time.time()
            if now >= deadline:
                break
            with store.lock:
                if store.drop_generation != my_drop:
                    raise DropConnection()
                if pos < store.compacted_rv:
                    evs = None
                else:
                    evs = store.events_after(pos)
                    if not evs:
                        store.cond.wait(min(0.5, deadline - now, max(0.01, next_bookmark - now)))
                        if store.drop_generation != my_drop:
                            raise DropConnection()
                        evs = store.events_after(pos) if pos >= store.compacted_rv else None
            if evs is None:
                emit("ERROR", ApiError(410, "too old resource version: %d (%d)" % (
                    pos, store.compacted_rv), "Expired").status())
                break
            for ev in evs:
                pos = ev.rv
                if ev.res is not base:
                    continue
                new_ok = matches(ev.obj)
                old_ok = matches(ev.old) if ev.type == "MODIFIED" else new_ok
                if ev.type == "MODIFIED" and new_ok != old_ok:
                    etype = "ADDED" if new_ok else "DELETED"
                elif new_ok:
                    etype = ev.type
                else:
                    continue
                if table or res.view_of is not None or etype != ev.type:
                    emit(etype, ev.obj)
                else:
                    self.chunk(b'{"type":"%s","object":%s}\n' % (etype.encode(), ev.data))
                last_sent = pos
            if bookmarks and time.time() >= next_bookmark:
                bm_rv = max(last_sent, pos)
                emit("BOOKMARK", {"kind": res.kind, "apiVersion": res.api_version,
                                  "metadata": {"resourceVersion": str(bm_rv),
                                               "creationTimestamp": None}})
                next_bookmark = time.time() + CTX.bookmark_interval
            if not evs and self.client_gone():
                raise DropConnection()
        self.end_stream()

    # ---- logs

    def pod_log(self, ns, pod):
        store = CTX.store
        logs = CTX.logs
        q = self._query
        podres = store.resources[("", "v1", "pods")]
        e = store.find(podres, ns, pod)
        pobj = e.obj if e else None
        if pobj is None and not logs.pod_dir_exists(ns, pod):
            raise not_found(podres, pod)
        container = q.get("container", [""])[0]
        names = []
        if pobj is not None:
            spec = as_dict(pobj.get("spec"))
            for c in as_list(spec.get("initContainers")) + as_list(spec.get("containers")):
                if isinstance(c, dict) and isinstance(c.get("name"), str):
                    names.append(c["name"])
            main = [c.get("name") for c in as_list(spec.get("containers"))
                    if isinstance(c, dict) and isinstance(c.get("name"), str)]
            if not container:
                if len(main) == 1:
                    container = main[0]
                elif main:
                    raise ApiError(400, "a container name must be specified for pod %s, choose "
                                   "one of: [%s]" % (pod, " ".join(main)))
            elif names and container not in names:
                raise ApiError(400, "container %s is not valid for pod %s" % (container, pod))
        if not container and pobj is None:
            # a log-only pod: the container files say which containers exist
            d = os.path.dirname(logs.path(ns, pod, "x", False))
            found = sorted(f[:-4] for f in os.listdir(d)
                           if f.endswith(".log") and not f.endswith(".previous.log"))
            if len(found) == 1:
                container = found[0]
        if not container:
            raise ApiError(400, "a container name must be specified for pod %s" % pod)
        previous = q.get("previous", ["false"])[0] == "true"
        follow = q.get("follow", ["false"])[0] == "true"
        stamps = q.get("timestamps", ["false"])[0] == "true"
        cstat = self.container_status(pobj, container)
        if not logs.exists(ns, pod, container, previous):
            if previous:
                raise ApiError(400, 'previous terminated container "%s" in pod "%s" not found'
                               % (container, pod))
            waiting = as_dict(cstat.get("state")).get("waiting") if cstat else None
            why = "ContainerCreating"
            if isinstance(waiting, dict) and waiting.get("reason"):
                why = waiting["reason"]
                if waiting["reason"] in ("ImagePullBackOff", "ErrImagePull"):
                    why = "trying and failing to pull image"
            raise ApiError(400, 'container "%s" in pod "%s" is waiting to start: %s'
                           % (container, pod, why))
        try:
            tail = int(q["tailLines"][0]) if "tailLines" in q else None
            limit = int(q["limitBytes"][0]) if "limitBytes" in q else None
            since = None
            if "sinceTime" in q:
                since = parse_time(q["sinceTime"][0])
                if since is None:
                    raise ValueError("sinceTime")
            elif "sinceSeconds" in q:
                since = time.time() - int(q["sinceSeconds"][0])
        except ValueError:
            raise ApiError(400, "invalid log query parameter")
        data, extra = logs.read(ns, pod, container, previous)
        lines = self.stamp_lines(data, extra, cstat, previous)
        if since is not None:
            lines = [(t, ln) for t, ln in lines if t >= since]
        if tail is not None:
            lines = lines[-tail:] if tail > 0 else []
        state = {"left": limit}

        def render(items):
            out = []
            for t, ln in items:
                if stamps and not TS_PREFIX_RE.match(ln):
                    ln = rfc3339_nano(t).encode() + b" " + ln
                out.append(ln)
            blob = b"".join(out)
            if state["left"] is not None:
                blob = blob[:state["left"]]
                state["left"] -= len(blob)
            return blob

        if not follow:
            return self.send_body(200, render(lines), "text/plain")
        self.start_stream("text/plain")
        self.chunk(render(lines))
        seen = len(extra)
        my_drop = store.drop_generation
        while state["left"] is None or state["left"] > 0:
            if self.container_done(ns, pod, container, previous, pobj is not None):
                break
            with logs.cond:
                cur = logs.appended.get((ns, pod, container, previous), [])
                if len(cur) <= seen:
                    logs.cond.wait(0.5)
                    cur = logs.appended.get((ns, pod, container, previous), [])
                fresh = cur[seen:]
                seen = len(cur)
            if store.drop_generation != my_drop:
                raise DropConnection()
            if fresh:
                new_lines = []
                for when, blob in fresh:
                    for ln in split_lines(blob):
                        new_lines.append((when, ln))
                self.chunk(render(new_lines))
            elif self.client_gone():
                raise DropConnection()
        # flush lines appended in the same instant the container ended
        with logs.cond:
            cur = logs.appended.get((ns, pod, container, previous), [])
            fresh = cur[seen:]
        if fresh and (state["left"] is None or state["left"] > 0):
            self.chunk(render([(w, ln) for w, b in fresh for ln in split_lines(b)]))
        self.end_stream()

    def container_status(self, pobj, container):
        if pobj is None:
            return None
        st = as_dict(pobj.get("status"))
        for key in ("containerStatuses", "initContainerStatuses"):
            for cs in as_list(st.get(key)):
                if isinstance(cs, dict) and cs.get("name") == container:
                    return cs
        return None

    def container_done(self, ns, pod, container, previous, had_pod):
        if previous:
            return True
        e = CTX.store.find(CTX.store.resources[("", "v1", "pods")], ns, pod)
        if e is None:
            # a pod that vanished ends the stream; log-only scenarios follow on
            return had_pod
        cs = self.container_status(e.obj, container)
        if cs and isinstance(as_dict(cs.get("state")).get("terminated"), dict):
            return True
        phase = as_dict(e.obj.get("status")).get("phase")
        return phase in ("Succeeded", "Failed") and cs is None

    def stamp_lines(self, data, extra, cstat, previous):
        """[(epoch, line)] — a line's own timestamp, else one spread over the
        container's run (kubelet records when each line was written)."""
        lines = split_lines(data)
        start = end = None
        if cstat:
            st = as_dict(cstat.get("lastState" if previous else "state"))
            for k in ("terminated", "running"):
                if isinstance(st.get(k), dict):
                    start = parse_time(st[k].get("startedAt"))
                    end = parse_time(st[k].get("finishedAt"))
                    break
        if start is None:
            start = CTX.start_time
        out = []
        n = len(lines)
        step = ((end - start) / max(1, n - 1)) if end is not None and end > start else 0.1
        for i, ln in enumerate(lines):
            m = TS_PREFIX_RE.match(ln)
            t = parse_time(m.group(1).decode()) if m else None
            out.append((t if t is not None else start + i * step, ln))
        for when, blob in extra:
            for ln in split_lines(blob):
                m = TS_PREFIX_RE.match(ln)
                t = parse_time(m.group(1).decode()) if m else None
                out.append((t if t is not None else when, ln))
        return out

    # ---- control endpoints (no auth, no faults)

    def control(self):
        p = self._path
        if p == "/_kubeapi/requests":
            if self.command == "DELETE":
                with CTX.req_lock:
                    CTX.requests = []
                return self.send_json(200, {"ok": True})
            with CTX.req_lock:
                reqs = list(CTX.requests)
            return self.send_json(200, {"requests": reqs})
        if p == "/_kubeapi/state":
            s = CTX.store
            with s.lock:
                return self.send_json(200, {"resourceVersion": str(s.rv),
                                            "compactedResourceVersion": str(s.compacted_rv),
                                            "history": len(s.history)})
        if p == "/_kubeapi/op" and self.command == "POST":
            body = self.read_body()
            try:
                op = json.loads(body)
                result = apply_op(op)
            except (ValueError, KeyError, TypeError) as ex:
                raise ApiError(400, "bad control op: %s" % ex)
            return self.send_json(200, {"ok": True, "result": result})
        raise ApiError(404, "unknown control endpoint %s" % p)


# --------------------------------------------------------------------------
# scenario loading and the script

def iter_objects(doc):
    if isinstance(doc, dict) and isinstance(doc.get("items"), list) and \
            str(doc.get("kind", "")).endswith("List"):
        for it in doc["items"]:
            yield from iter_objects(it)
    elif isinstance(doc, dict):
        yield doc
    elif isinstance(doc, list):
        for it in doc:
            yield from iter_objects(it)


def register_crd(store, crd):
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group = spec.get("group")
    if not group or not names.get("plural") or not names.get("kind"):
        return
    for v in spec.get("versions") or []:
        if not isinstance(v, dict) or not v.get("name"):
            continue
        subs = list((v.get("subresources") or {}).keys())
        cols = v.get("additionalPrinterColumns")
        key = (group, v["name"], names["plural"])
        res = store.resources.get(key)
        if res is None:
            res = store.register(Resource(group, v["name"], names["plural"], names["kind"],
                                          spec.get("scope", "Namespaced") == "Namespaced",
                                          singular=names.get("singular"),
                                          short_names=names.get("shortNames") or (),
                                          categories=names.get("categories") or (),
                                          subresources=subs))
        if isinstance(cols, list):
            res.columns = [c for c in cols if isinstance(c, dict) and c.get("name")]


def load_scenario(store, data_dir):
    objdir = os.path.join(data_dir, "objects")
    files = sorted(f for f in os.listdir(objdir) if f.endswith(".json")) \
        if os.path.isdir(objdir) else []
    docs = []
    for fn in files:
        path = os.path.join(objdir, fn)
        try:
            with open(path, "rb") as f:
                doc = json.loads(f.read())
        except (OSError, ValueError) as ex:
            raise SystemExit("kubeapi: cannot load %s: %s" % (path, ex))
        for obj in iter_objects(doc):
            docs.append((path, obj))
    crd_res = store.register(Resource("apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                      "CustomResourceDefinition", False, short_names=["crd"]))
    for path, obj in docs:
        if obj.get("kind") == "CustomResourceDefinition":
            register_crd(store, obj)
    for path, obj in docs:
        kind, api = obj.get("kind"), obj.get("apiVersion")
        if not isinstance(kind, str) or not isinstance(api, str):
            raise SystemExit("kubeapi: %s: object without kind/apiVersion" % path)
        if kind == "CustomResourceDefinition":
            res = crd_res
        else:
            ns_hint = bool((obj.get("metadata") or {}).get("namespace"))
            res = store.resource_for(api, kind, ns_hint)
        try:
            store.load(res, obj)
        except (ValueError, ApiError) as ex:
            raise SystemExit("kubeapi: %s: %s" % (path, ex))
    with store.lock:
        for ns in ("default", "kube-system", "agents"):
            store.ensure_namespace(ns)
        nsset = set()
        for res in store.resources.values():
            if res.namespaced and res.view_of is None:
                nsset.update(k[0] for k in res.keys)
        for ns in sorted(nsset):
            store.ensure_namespace(ns)
        logdir = os.path.join(data_dir, "logs")
        if os.path.isdir(logdir):
            for ns in sorted(os.listdir(logdir)):
                if PATH_SAFE_RE.match(ns):
                    store.ensure_namespace(ns)
        store.history = []
        store.hist_rvs = []
    store.finish_load()


def find_res(store, op):
    kind = op.get("kind")
    api = op.get("apiVersion")
    if api:
        res = store.by_kind.get((api, kind))
    else:
        res = next((r for (a, k), r in store.by_kind.items() if k == kind and r.view_of is None),
                   None)
    if res is None:
        raise ValueError("unknown kind %r" % kind)
    return res


def apply_op(op):
    store = CTX.store
    if not isinstance(op, dict):
        raise ValueError("an op must be a JSON object")
    kind = op.get("op")
    if kind in ("add", "modify") and "object" in op:
        obj = copy.deepcopy(op["object"])
        if not isinstance(obj, dict):
            raise ValueError("object must be a JSON object")
        res = find_res(store, {"kind": obj.get("kind"), "apiVersion": obj.get("apiVersion")})
        meta = obj.setdefault("metadata", {})
        ns = meta.get("namespace") or ("default" if res.namespaced else "")
        name = meta.get("name")
        with store.lock:
            existing = store.find(res, ns, name) if name else None
            if existing is None:
                if kind == "modify":
                    raise ValueError("modify: %s %s/%s does not exist" % (res.kind, ns, name))
                created = store.create(res, ns, obj, from_script=True)
                # keep creationTimestamp etc. given by the script
                return created["metadata"].get("resourceVersion")
            base = existing.obj["metadata"]
            for k in ("uid", "creationTimestamp"):
                if k in base and not meta.get(k):
                    meta[k] = base[k]
            meta["namespace"] = ns if res.namespaced else meta.get("namespace")
            if not res.namespaced:
                meta.pop("namespace", None)
            obj["apiVersion"], obj["kind"] = res.api_version, res.kind
            obj["metadata"]["resourceVersion"] = str(store.next_rv())
            e = store._put(res, (ns if res.namespaced else "", name), obj)
            store._record(res, "MODIFIED", obj, existing.obj, e.data)
            return obj["metadata"]["resourceVersion"]
    if kind == "modify":
        res = find_res(store, op)
        ns = op.get("namespace") or ("default" if res.namespaced else "")
        # a merge patch from the script may change spec and status at once
        new = store.patch(res, ns, op["name"], op.get("patch") or {}, "merge", whole=True)
        return new["metadata"]["resourceVersion"]
    if kind == "delete":
        res = find_res(store, op)
        ns = op.get("namespace") or ("default" if res.namespaced else "")
        gone = store.delete(res, ns, op["name"], op.get("propagationPolicy", "Background"))
        return gone["metadata"]["resourceVersion"]
    if kind == "log":
        text = op.get("text", "")
        if text and not text.endswith("\n"):
            text += "\n"
        CTX.logs.append(op["namespace"], op["pod"], op["container"], text,
                        bool(op.get("previous")), parse_time(op.get("time")))
        return None
    if kind == "fault":
        rule = FaultRule(op["rule"])
        with CTX.fault_lock:
            CTX.fault_rules.append(rule)
        return None
    if kind == "clear-faults":
        with CTX.fault_lock:
            CTX.fault_rules = []
            CTX.global_fault = Fault()
        return None
    if kind == "drop-streams":
        with store.lock:
            store.drop_generation += 1
            store.cond.notify_all()
        with CTX.logs.cond:
            CTX.logs.cond.notify_all()
        return None
    if kind == "compact":
        store.compact()
        return str(store.compacted_rv)
    raise ValueError("unknown op %r" % kind)


def load_script(path):
    ops = []
    with open(path, "r", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                op = json.loads(line)
                at = float(op.get("at", 0))
            except (ValueError, TypeError, AttributeError) as ex:
                raise SystemExit("kubeapi: %s:%d: %s" % (path, n, ex))
            ops.append((at, n, op))
    ops.sort(key=lambda x: (x[0], x[1]))
    return ops


def run_script(ops, path):
    t0 = time.time()
    for at, n, op in ops:
        delay = t0 + at - time.time()
        if delay > 0:
            time.sleep(delay)
        try:
            apply_op(op)
        except (ValueError, KeyError, TypeError, ApiError) as ex:
            sys.stderr.write("kubeapi: %s:%d: op failed: %s\n" % (path, n, ex))


# --------------------------------------------------------------------------
# TLS, kubeconfig, lifetime

def make_tls(tmp, client_cert=False):
    def run(args):
        subprocess.run(["openssl"] + args, cwd=tmp, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "7",
                                 "-subj", "/CN=kubeapi-test-ca",
                                 "-addext", "basicConstraints=critical,CA:TRUE",
                                 "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    run(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"])
    with open(os.path.join(tmp, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    run(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.crt", "-days", "7", "-extfile", "ext.cnf"])
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(tmp, "server.crt"), os.path.join(tmp, "server.key"))
    ctx.set_alpn_protocols(["http/1.1"])
    with open(os.path.join(tmp, "ca.crt"), "rb") as f:
        ca = f.read()
    client = None
    if client_cert:
        # a user certificate signed by the same CA, as kubeadm's admin.conf
        # has; clients without one still connect (CERT_OPTIONAL, like a real
        # API server) and get 401 unless another credential is accepted
        run(["req"] + ec + ["-keyout", "client.key", "-out", "client.csr",
                            "-subj", "/O=system:masters/CN=kubeapi-admin"])
        with open(os.path.join(tmp, "client-ext.cnf"), "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=clientAuth\n")
        run(["x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "client.crt", "-days", "7", "-extfile", "client-ext.cnf"])
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.load_verify_locations(os.path.join(tmp, "ca.crt"))
        with open(os.path.join(tmp, "client.crt"), "rb") as f:
            crt = f.read()
        with open(os.path.join(tmp, "client.key"), "rb") as f:
            key = f.read()
        client = (crt, key)
    return ctx, ca, client


def yq(s):
    return json.dumps(s)


def write_kubeconfig(path, port, tls, ca, token, client=None):
    scheme = "https" if tls else "http"
    lines = ["apiVersion: v1", "kind: Config", "clusters:", "- name: kubeapi", "  cluster:",
             "    server: %s" % yq("%s://127.0.0.1:%d" % (scheme, port))]
    if tls:
        lines.append("    certificate-authority-data: %s" % yq(base64.b64encode(ca).decode()))
    lines += ["contexts:", "- name: kubeapi", "  context:", "    cluster: kubeapi",
              "    namespace: agents", "    user: kubeapi", "current-context: kubeapi",
              "preferences: {}", "users:", "- name: kubeapi"]
    user = []
    if token is not None:
        user.append("    token: %s" % yq(token))
    if client is not None:
        user.append("    client-certificate-data: %s" % yq(base64.b64encode(client[0]).decode()))
        user.append("    client-key-data: %s" % yq(base64.b64encode(client[1]).decode()))
    lines += ["  user:"] + user if user else ["  user: {}"]
    text = "\n".join(lines) + "\n"
    d = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".kubeconfig-", dir=d)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    ssl_ctx = None

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_ctx is not None:
            # the handshake happens in the handler thread, not in accept()
            sock = self.ssl_ctx.wrap_socket(sock, server_side=True,
                                            do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        if CTX.verbose:
            ThreadingHTTPServer.handle_error(self, request, client_address)


def shutdown(code=0):
    if CTX.tmpdir:
        shutil.rmtree(CTX.tmpdir, ignore_errors=True)
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def watch_lifetime():
    """Exit when stdin reaches EOF or the parent process goes away."""
    parent = os.getppid()
    stdin_is_null = False
    try:
        st = os.fstat(0)
        dn = os.stat(os.devnull)
        stdin_is_null = (st.st_rdev == dn.st_rdev and st.st_ino == dn.st_ino)
    except OSError:
        stdin_is_null = True

    def stdin_loop():
        try:
            while True:
                chunk = os.read(0, 4096)
                if not chunk:
                    break
        except OSError:
            pass
        shutdown(0)

    def parent_loop():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                shutdown(0)

    if not stdin_is_null:
        threading.Thread(target=stdin_loop, daemon=True).start()
    threading.Thread(target=parent_loop, daemon=True).start()


def main(argv=None):
    ap = argparse.ArgumentParser(description="Kubernetes API test server (see README.md)")
    ap.add_argument("--data", required=True, help="scenario dir: objects/*.json, logs/")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--token")
    ap.add_argument("--client-cert", action="store_true",
                    help="with --tls: accept a CA-signed client certificate (written to the kubeconfig)")
    ap.add_argument("--kubeconfig-out", required=True)
    ap.add_argument("--script")
    ap.add_argument("--fault", default="", help="fault applied to every API request")
    ap.add_argument("--fault-first", action="append", default=[],
                    metavar="'METHOD PATH[?q]:SPEC[:N]'",
                    help="fault for the first N matching requests (N '*' = all)")
    ap.add_argument("--history", type=int, default=5000,
                    help="watch events kept for resuming (older RVs get 410)")
    ap.add_argument("--bookmark-interval", type=float, default=5.0)
    ap.add_argument("--watch-timeout", type=float, default=1800.0)
    ap.add_argument("--no-strict-continue", action="store_true",
                    help="never answer 410 to an old continue token")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)

    CTX.verbose = args.verbose
    CTX.token = args.token
    CTX.client_cert = args.client_cert
    if args.client_cert and not args.tls:
        ap.error("--client-cert needs --tls")
    CTX.tmpdir = None
    CTX.start_time = time.time()
    CTX.requests = []
    CTX.req_lock = threading.Lock()
    CTX.fault_lock = threading.Lock()
    CTX.bookmark_interval = max(0.05, args.bookmark_interval)
    CTX.watch_timeout = max(1.0, args.watch_timeout)
    CTX.strict_continue = not args.no_strict_continue
    try:
        CTX.global_fault = parse_fault(args.fault)
        CTX.fault_rules = [FaultRule(r) for r in args.fault_first]
    except ValueError as ex:
        ap.error(str(ex))
    if not os.path.isdir(args.data):
        ap.error("--data %s is not a directory" % args.data)
    CTX.store = Store(args.history)
    CTX.logs = LogStore(os.path.join(args.data, "logs"))
    load_scenario(CTX.store, args.data)
    ops = load_script(args.script) if args.script else []

    signal.signal(signal.SIGTERM, lambda *_: shutdown(0))
    signal.signal(signal.SIGINT, lambda *_: shutdown(0))
    srv = Server(("127.0.0.1", args.port), Handler)
    CTX.port = srv.server_address[1]
    ca = client = None
    if args.tls:
        CTX.tmpdir = tempfile.mkdtemp(prefix="kubeapi-tls-")
        try:
            srv.ssl_ctx, ca, client = make_tls(CTX.tmpdir, args.client_cert)
        except (OSError, subprocess.CalledProcessError) as ex:
            sys.stderr.write("kubeapi: cannot make TLS certificates with openssl: %s\n" % ex)
            shutdown(1)
    write_kubeconfig(args.kubeconfig_out, CTX.port, args.tls, ca, args.token, client)
    watch_lifetime()
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2},
                     daemon=True).start()
    sys.stdout.write("READY %d %d\n" % (CTX.port, os.getpid()))
    sys.stdout.flush()
    if ops:
        threading.Thread(target=run_script, args=(ops, args.script), daemon=True).start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
