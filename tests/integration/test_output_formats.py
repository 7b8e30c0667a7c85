#!/usr/bin/env python3
"""`-o yaml` and `-o jsonpath=TEMPLATE` on list and show (issue #18):

- jsonpath gives kubectl's answer on the same object: the object `show -o
  json` prints (and, for list, the array under "items") is handed to the
  real kubectl (`create --dry-run=client -o jsonpath=...`, against the test
  API server for discovery) and both outputs must be byte-equal;
- yaml and jsonpath of the hostile scenario carry no control byte, and the
  YAML keeps the JSON's keys and quotes what a YAML reader would take for
  something else ("" attempts, timestamps);
- an unknown format, a filter expression and a broken template are usage
  errors (exit 2) with one line naming the problem."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["ARTRIAGE_SRC"], "tests", "lib"))
from checks import BIN, SRC, check, verdict  # noqa: E402
from kubeapi import KubeAPI  # noqa: E402

CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def run(api, home, *args):
    env = api.env(home=home)
    env["XDG_CACHE_HOME"] = os.path.join(home, ".cache")
    env.pop("GITHUB_TOKEN", None)
    p = subprocess.run([BIN] + list(args), env=env, capture_output=True, timeout=90)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def kubectl_jsonpath(api, home, tmp, obj, template):
    path = os.path.join(tmp, "obj.json")
    with open(path, "w") as f:
        json.dump(obj, f)
    p = subprocess.run(["kubectl", "create", "--validate=false", "--dry-run=client", "-f", path,
                        "-o", "jsonpath=" + template], env=api.env(home=home), capture_output=True, timeout=60)
    check(p.returncode == 0, "kubectl %s: %s" % (template, p.stderr.decode(errors="replace")))
    return p.stdout


def as_agentrun(name, fields):
    """The object as kubectl takes it: our fields at the top, plus what
    kubectl needs to map it (kind, apiVersion, metadata)."""
    o = {"apiVersion": "agents.proompteng.ai/v1alpha1", "kind": "AgentRun",
         "metadata": {"name": name, "namespace": "agents"}}
    for k, v in fields.items():
        if k not in o:
            o[k] = v
    return o


SHOW_TEMPLATES = [
    "{.name}",
    '{.phase}{"\\n"}',
    "{.failure.class} {.failure.line}",
    "{.pods[*].name}",
    "{.pods[0].containers[0]}",
    "{.pods[*].containers[*].name}",
    '{range .attempts[*]}{.name}{"\\t"}{.phase}{"\\t"}{.failure}{"\\n"}{end}',
    "{.attempts[-1].name}|{.attempts[0:1].attempt}|{.attempts[1:].phase}",
    "{.conditions}",
    "{.missing.field}x{.pr}",
    "{['imageDigest']}",
    "run {.name} in {.namespace}: {.deleted}",
]

LIST_TEMPLATES = [
    "{.items[*].name}",
    '{range .items[*]}{.name}{"\\t"}{.phase}{"\\t"}{.failure.class}{"\\t"}{.pr.number}{"\\n"}{end}',
    "{.items[0:3].lane}",
    "{.items[-1]}",
]


def compare_with_kubectl(api, home, tmp):
    rc, out, err = run(api, home, "list", "-o", "json")
    check(rc == 0, "list -o json exit %d: %s" % (rc, err))
    runs = json.loads(out)
    check(len(runs) >= 5, "the demo lists runs (%d)" % len(runs))
    lane = [r["name"] for r in runs if r.get("attempt") and r.get("failure") and r.get("imageDigest")]
    check(lane, "a failed attempt to show")
    name = lane[0]
    rc, out, err = run(api, home, "show", name, "-o", "json")
    check(rc == 0, "show -o json exit %d: %s" % (rc, err))
    shown = json.loads(out)
    for t in SHOW_TEMPLATES:
        rc, ours, err = run(api, home, "show", name, "-o", "jsonpath=" + t)
        check(rc == 0, "show -o jsonpath=%s exit %d: %s" % (t, rc, err))
        theirs = kubectl_jsonpath(api, home, tmp, as_agentrun(name, shown), t)
        check(ours == theirs, "show -o jsonpath=%s\n  ours:    %r\n  kubectl: %r" % (t, ours, theirs))
    for t in LIST_TEMPLATES:
        rc, ours, err = run(api, home, "list", "-o", "jsonpath=" + t)
        check(rc == 0, "list -o jsonpath=%s exit %d: %s" % (t, rc, err))
        # kubectl takes an object with "items" for a list of objects: the
        # runs go under another key, and the template with them
        theirs = kubectl_jsonpath(api, home, tmp, as_agentrun("list", {"runsx": runs}), t.replace(".items", ".runsx"))
        check(ours == theirs, "list -o jsonpath=%s\n  ours:    %r\n  kubectl: %r" % (t, ours, theirs))
    return runs, shown, name


def yaml_checks(api, home, runs, shown, name):
    rc, out, err = run(api, home, "show", name, "-o", "yaml")
    check(rc == 0, "show -o yaml exit %d: %s" % (rc, err))
    text = out.decode()
    keys = [ln.split(":", 1)[0] for ln in text.splitlines() if ln and ln[0] not in " -#"]
    check(keys == list(shown.keys()), "show -o yaml has the keys of -o json, in order: %r" % keys)
    check(re.search(r'^created: "\d{4}-\d\d-\d\dT', text, re.M) is not None,
          "a timestamp string is quoted (YAML 1.1 reads it as a date): %r" % text[:400])
    rc, out, err = run(api, home, "list", "-o", "yaml")
    check(rc == 0, "list -o yaml exit %d: %s" % (rc, err))
    items = [ln for ln in out.decode().splitlines() if ln.startswith("- ")]
    check(len(items) == len(runs), "list -o yaml: one sequence item per run (%d, %d)" % (len(items), len(runs)))
    check(re.search(r'^  attempt: ""$', out.decode(), re.M) is not None, "an empty attempt is \"\", not null")


def hostile_checks(home):
    with KubeAPI(os.path.join(SRC, "data", "demo", "hostile")) as api:
        for args in (["list", "-o", "yaml"], ["list", "-o", "jsonpath={.items}"],
                     ["show", "hostile-title-run-20260225a", "-o", "yaml"],
                     ["show", "hostile-title-run-20260225a", "-o",
                      'jsonpath={.message}{"\\n"}{.reason}{"\\n"}{.repository}{"\\n"}{.head}{"\\n"}{.pods}{"\\n"}{.conditions}']):
            rc, out, err = run(api, home, *args)
            check(rc == 0, "%s exit %d: %s" % (" ".join(args), rc, err))
            bad = CONTROL.search(out.replace(b"\n", b"").replace(b"\t", b""))
            check(bad is None, "%s: a control byte reached stdout: %r" % (" ".join(args), bad and out[max(0, bad.start() - 40):bad.end() + 20]))
            check(b"hostile" in out, "%s: the hostile run is there" % " ".join(args))
        rc, out, err = run(api, home, "show", "hostile-title-run-20260225a", "-o", "jsonpath={.message}")
        check(b"pwned-title" in out and b"^[" in out, "the message's escape is shown as text: %r" % out)


def usage_checks(api, home):
    cases = [
        (["list", "-o", "xml"], "output format 'xml' is not"),
        (["show", "x", "-o", "xml"], "output format 'xml' is not"),
        (["list", "-o", "jsonpath={.items[?(@.phase==\"Failed\")].name}"], "filter expressions"),
        (["list", "-o", "jsonpath={..name}"], "recursive descent"),
        (["show", "x", "-o", "jsonpath={.name"], "is not closed"),
        (["list", "-o", "jsonpath={range .items[*]}{.name}"], "without {end}"),
        (["list", "-o", "jsonpath"], "needs a template"),
    ]
    # a template kubectl cannot execute is a failure (exit 1), nothing printed
    rc, out, err = run(api, home, "list", "-o", "jsonpath={.items[9999].name}")
    check(rc == 1 and out == b"" and "array index out of bounds: index 9999" in err,
          "an index outside the list: exit %d, %r, %r" % (rc, out, err))
    for args, want in cases:
        rc, out, err = run(api, home, *args)
        check(rc == 2, "%s: exit %d (want 2, usage)" % (" ".join(args), rc))
        check(want in err, "%s: stderr names the problem (%r): %r" % (" ".join(args), want, err))
        check(out == b"", "%s: nothing on stdout" % " ".join(args))


def main():
    tmp = tempfile.mkdtemp(prefix="artriage-oformat.")
    try:
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        with KubeAPI(os.path.join(SRC, "data", "demo", "seed")) as api:
            usage_checks(api, home)
            if shutil.which("kubectl"):
                runs, shown, name = compare_with_kubectl(api, home, tmp)
                yaml_checks(api, home, runs, shown, name)
            else:
                print("note: kubectl not found, the comparison with it is skipped")
        hostile_checks(home)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
