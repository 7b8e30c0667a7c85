/* Unit tests for src/rerun: the next-attempt transform (every dropped and
 * replaced field, head aliases, workflow step overrides, provenance, name
 * length, next-after-newest), UUIDv4 keys, the preview diff, the Status
 * messages and the exactly-once state machine under lost answers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/agentrun.h"
#include "rerun/rerun.h"
#include "util/jsonutil.h"
#include "util/xalloc.h"

#define LANE "torghut-v5-doc12-dspy-adoption-run-20260225"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = xmalloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

/* The runs of examples/agentrunlist.json, parsed. */
struct runs {
    cJSON *list;
    struct agentrun *r;
    size_t n;
};

static void runs_from_json(struct runs *rs, cJSON *items)
{
    memset(rs, 0, sizeof *rs);
    rs->list = items;
    rs->r = xcalloc((size_t)cJSON_GetArraySize(items) + 1, sizeof *rs->r);
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        char err[256];
        ck_assert_int_eq(agentrun_parse(it, &rs->r[rs->n], err, sizeof err), 0);
        rs->n++;
    }
}

static void load_examples(struct runs *rs)
{
    const char *src = getenv("ARTRIAGE_SRC");
    ck_assert_ptr_nonnull(src);
    char *path = xasprintf("%s/tests/data/examples/agentrunlist.json", src);
    char *text = slurp(path);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    cJSON *doc = cJSON_Parse(text);
    ck_assert_ptr_nonnull(doc);
    cJSON *items = cJSON_DetachItemFromObject(doc, "items");
    cJSON_Delete(doc);
    runs_from_json(rs, items);
    free(text);
    free(path);
}

static void runs_free(struct runs *rs)
{
    for (size_t i = 0; i < rs->n; i++) agentrun_free(&rs->r[i]);
    free(rs->r);
    cJSON_Delete(rs->list);
}

static const struct agentrun *find(const struct runs *rs, const char *name)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].name, name) == 0) return &rs->r[i];
    ck_abort_msg("no run %s", name);
    return NULL;
}

static void plan_for(const struct runs *rs, const char *name, const struct rerun_opts *o,
                     struct rerun_plan *plan)
{
    const struct agentrun *old = find(rs, name);
    struct rerun_lane lane;
    rerun_lane_collect(old, rs->r, rs->n, &lane);
    char err[512] = "";
    int rc = rerun_plan_build(old->raw, &lane, o, plan, err, sizeof err);
    ck_assert_msg(rc == 0, "plan failed: %s", err);
    rerun_lane_free(&lane);
}

static const struct rerun_change *change(const struct rerun_plan *p, const char *path)
{
    for (size_t i = 0; i < p->ndiff; i++)
        if (strcmp(p->diff[i].path, path) == 0) return &p->diff[i];
    return NULL;
}

START_TEST(uuid4_format)
{
    char seen[64][37];
    for (int i = 0; i < 64; i++) {
        char err[128];
        ck_assert_int_eq(rerun_uuid4(seen[i], err, sizeof err), 0);
        ck_assert_msg(rerun_is_uuid4(seen[i]), "not a v4 uuid: %s", seen[i]);
        for (int j = 0; j < i; j++) ck_assert_str_ne(seen[i], seen[j]);
    }
    ck_assert(rerun_is_uuid4("0b6f1d2e-8c1a-4e5f-9a7b-3c2d1e0f9a8b"));
    ck_assert(!rerun_is_uuid4("0b6f1d2e-8c1a-3e5f-9a7b-3c2d1e0f9a8b")); /* version 3 */
    ck_assert(!rerun_is_uuid4("0b6f1d2e-8c1a-4e5f-7a7b-3c2d1e0f9a8b")); /* variant */
    ck_assert(!rerun_is_uuid4("0B6F1D2E-8C1A-4E5F-9A7B-3C2D1E0F9A8B"));
    ck_assert(!rerun_is_uuid4("0b6f1d2e8c1a4e5f9a7b3c2d1e0f9a8b"));
    ck_assert(!rerun_is_uuid4(NULL));
}
END_TEST

/* The seed incident: rerun of e when g exists -> h, after the newest. */
START_TEST(seed_lane_next_attempt)
{
    struct runs rs;
    load_examples(&rs);
    struct rerun_opts o = {.who = "oncall@laptop", .blamed_class = "runtime.missing-executable"};
    struct rerun_plan p;
    plan_for(&rs, LANE "e", &o, &p);
    ck_assert_str_eq(p.name, LANE "h");
    ck_assert_str_eq(p.head, "codex/torghut-v5-doc12-dspy-adoption-20260225h");
    ck_assert(rerun_is_uuid4(p.key));
    const cJSON *obj = p.object;
    ck_assert_str_eq(json_str(obj, "kind"), "AgentRun");
    ck_assert_str_eq(json_str(obj, "apiVersion"), "agents.proompteng.ai/v1alpha1");
    ck_assert_str_eq(json_str(obj, "metadata.name"), LANE "h");
    ck_assert_str_eq(json_str(obj, "metadata.namespace"), "agents");
    ck_assert_str_eq(json_str(obj, "spec.idempotencyKey"), p.key);
    ck_assert_str_eq(json_str(obj, "spec.parameters.head"), p.head);
    ck_assert_ptr_null(json_at(obj, "status"));
    const char *gone[] = {"metadata.uid", "metadata.resourceVersion", "metadata.generation",
                          "metadata.creationTimestamp", "metadata.finalizers"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        ck_assert_msg(json_at(obj, gone[i]) == NULL, "%s kept", gone[i]);
    const cJSON *ann = json_obj(obj, "metadata.annotations");
    ck_assert_str_eq(cJSON_GetObjectItem(ann, RERUN_ANN_OF)->valuestring, "agents/" LANE "e");
    ck_assert_str_eq(cJSON_GetObjectItem(ann, RERUN_ANN_OF_UID)->valuestring,
                     "8664fd9b-91a3-465d-8c4d-7a5663a958d4");
    ck_assert_str_eq(cJSON_GetObjectItem(ann, RERUN_ANN_BY)->valuestring, "oncall@laptop");
    ck_assert_str_eq(cJSON_GetObjectItem(ann, RERUN_ANN_CLASS)->valuestring, "runtime.missing-executable");
    ck_assert_str_eq(cJSON_GetObjectItem(json_obj(obj, "metadata.labels"), "app.kubernetes.io/part-of")->valuestring,
                     "torghut");

    /* Only the intended spec fields differ from the old spec. */
    const cJSON *old_spec = json_obj(find(&rs, LANE "e")->raw, "spec");
    cJSON *a = cJSON_Duplicate(old_spec, true), *b = cJSON_Duplicate(json_obj(obj, "spec"), true);
    cJSON_DeleteItemFromObject(a, "idempotencyKey");
    cJSON_DeleteItemFromObject(b, "idempotencyKey");
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(a, "parameters"), "head");
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(b, "parameters"), "head");
    ck_assert(cJSON_Compare(a, b, true));
    cJSON_Delete(a);
    cJSON_Delete(b);

    /* The preview diff names exactly those fields. */
    ck_assert_ptr_nonnull(change(&p, "metadata.name"));
    ck_assert_ptr_nonnull(change(&p, "spec.idempotencyKey"));
    const struct rerun_change *hc = change(&p, "spec.parameters.head");
    ck_assert_ptr_nonnull(hc);
    ck_assert_str_eq(hc->old_json, "\"codex/torghut-v5-doc12-dspy-adoption-20260225e\"");
    ck_assert_str_eq(hc->new_json, "\"codex/torghut-v5-doc12-dspy-adoption-20260225h\"");
    size_t spec_changes = 0;
    for (size_t i = 0; i < p.ndiff; i++)
        if (strncmp(p.diff[i].path, "spec.", 5) == 0) spec_changes++;
    ck_assert_uint_eq(spec_changes, 2);
    ck_assert_ptr_nonnull(change(&p, "metadata.annotations[\"artriage.dev/rerun-of\"]"));
    rerun_plan_free(&p);
    runs_free(&rs);
}
END_TEST

static cJSON *run_json(const char *name, const char *created, const char *head)
{
    char *s = xasprintf("{\"apiVersion\":\"agents.proompteng.ai/v1alpha1\",\"kind\":\"AgentRun\","
                        "\"metadata\":{\"name\":\"%s\",\"namespace\":\"agents\",\"uid\":\"uid-%s\","
                        "\"creationTimestamp\":\"%s\"},"
                        "\"spec\":{\"agentRef\":{\"name\":\"codex-agent\"},\"runtime\":{\"type\":\"job\"},"
                        "\"parameters\":{\"repository\":\"o/r\",\"head\":\"%s\"},\"idempotencyKey\":\"k-%s\"}}",
                        name, name, created, head, name);
    cJSON *o = cJSON_Parse(s);
    free(s);
    return o;
}

/* A rerun of attempt c when d exists is named after d: e. */
START_TEST(next_after_newest)
{
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, run_json("lane-x-20260301c", "2026-03-01T10:00:00Z", "codex/lane-x-20260301c"));
    cJSON_AddItemToArray(items, run_json("lane-x-20260301d", "2026-03-01T11:00:00Z", "codex/lane-x-20260301d"));
    cJSON_AddItemToArray(items, run_json("other-20260301a", "2026-03-01T12:00:00Z", "codex/other-20260301a"));
    struct runs rs;
    runs_from_json(&rs, items);
    struct rerun_opts o = {0};
    struct rerun_plan p;
    plan_for(&rs, "lane-x-20260301c", &o, &p);
    ck_assert_str_eq(p.name, "lane-x-20260301e");
    ck_assert_str_eq(p.head, "codex/lane-x-20260301e");
    ck_assert_str_eq(cJSON_GetObjectItem(json_obj(p.object, "metadata.annotations"), RERUN_ANN_OF)->valuestring,
                     "agents/lane-x-20260301c");
    rerun_plan_free(&p);
    runs_free(&rs);
}
END_TEST

/* Every server-set field, dropped annotation and label; kept others. */
START_TEST(drops_server_and_marker_fields)
{
    const char *js =
        "{\"apiVersion\":\"agents.proompteng.ai/v1alpha1\",\"kind\":\"AgentRun\",\"metadata\":{"
        "\"name\":\"sched-x-r4\",\"generateName\":\"sched-x-\",\"namespace\":\"agents\",\"uid\":\"u1\","
        "\"resourceVersion\":\"9\",\"generation\":3,\"creationTimestamp\":\"2026-03-01T10:00:00Z\","
        "\"deletionTimestamp\":\"2026-03-02T10:00:00Z\",\"deletionGracePeriodSeconds\":0,"
        "\"selfLink\":\"/x\",\"managedFields\":[{\"manager\":\"m\"}],"
        "\"ownerReferences\":[{\"kind\":\"Schedule\",\"name\":\"s\",\"uid\":\"o\"}],"
        "\"finalizers\":[\"agents.proompteng.ai/runtime-cleanup\"],"
        "\"labels\":{\"agents.proompteng.ai/delivery-id\":\"d\",\"schedules.proompteng.ai/schedule\":\"s\","
        "\"agents.proompteng.ai/orchestration-run\":\"o\",\"agents.proompteng.ai/orchestration-step\":\"st\","
        "\"team\":\"a\"},"
        "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{}\","
        "\"agents.proompteng.ai/template\":\"true\","
        "\"agents.proompteng.ai/terminal-ack.slack.Failed.at\":\"t\","
        "\"agents.proompteng.ai/retain\":\"true\",\"artriage.dev/rerun-of\":\"agents/older\","
        "\"artriage.dev/rerun-class\":\"old.class\",\"note\":\"keep me\"}},"
        "\"spec\":{\"agentRef\":{\"name\":\"a\"},\"runtime\":{\"type\":\"job\"},"
        "\"workload\":{\"image\":\"reg/runner:old\",\"resources\":{\"limits\":{\"cpu\":\"1\"}}},"
        "\"parameters\":{\"headBranch\":\"feature/x-r4\",\"branch\":\"feature/x-r4\",\"base\":\"main\"},"
        "\"idempotencyKey\":\"old\"},"
        "\"status\":{\"phase\":\"Failed\"}}";
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, cJSON_Parse(js));
    struct runs rs;
    runs_from_json(&rs, items);
    struct rerun_opts o = {.image = RERUN_IMAGE_DEFAULT, .who = "me@h"};
    struct rerun_plan p;
    plan_for(&rs, "sched-x-r4", &o, &p);
    ck_assert_str_eq(p.name, "sched-x-r5");
    const cJSON *md = json_obj(p.object, "metadata");
    const char *gone[] = {"generateName", "uid", "resourceVersion", "generation", "creationTimestamp",
                          "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "managedFields",
                          "ownerReferences", "finalizers"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        ck_assert_msg(cJSON_GetObjectItem(md, gone[i]) == NULL, "metadata.%s kept", gone[i]);
    const cJSON *labels = json_obj(md, "labels");
    ck_assert_int_eq(cJSON_GetArraySize(labels), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(labels, "team")->valuestring, "a");
    const cJSON *ann = json_obj(md, "annotations");
    ck_assert_ptr_null(cJSON_GetObjectItem(ann, "kubectl.kubernetes.io/last-applied-configuration"));
    ck_assert_ptr_null(cJSON_GetObjectItem(ann, "agents.proompteng.ai/template"));
    ck_assert_ptr_null(cJSON_GetObjectItem(ann, "agents.proompteng.ai/terminal-ack.slack.Failed.at"));
    ck_assert_ptr_null(cJSON_GetObjectItem(ann, RERUN_ANN_CLASS)); /* old provenance replaced */
    ck_assert_str_eq(cJSON_GetObjectItem(ann, "agents.proompteng.ai/retain")->valuestring, "true");
    ck_assert_str_eq(cJSON_GetObjectItem(ann, "note")->valuestring, "keep me");
    ck_assert_str_eq(cJSON_GetObjectItem(ann, RERUN_ANN_OF)->valuestring, "agents/sched-x-r4");
    ck_assert_str_eq(cJSON_GetObjectItem(ann, RERUN_ANN_OF_UID)->valuestring, "u1");
    ck_assert_ptr_null(json_at(p.object, "status"));
    /* Aliases replaced in place; no canonical key added beside them. */
    const cJSON *params = json_obj(p.object, "spec.parameters");
    ck_assert_ptr_null(cJSON_GetObjectItem(params, "head"));
    ck_assert_str_eq(json_str(params, "headBranch"), "feature/x-r5");
    ck_assert_str_eq(json_str(params, "branch"), "feature/x-r5");
    ck_assert_str_eq(p.head, "feature/x-r5");
    /* --image default: the pin goes, the rest of workload stays. */
    ck_assert_ptr_null(json_at(p.object, "spec.workload.image"));
    ck_assert_ptr_nonnull(json_at(p.object, "spec.workload.resources"));
    ck_assert_str_ne(json_str(p.object, "spec.idempotencyKey"), "old");
    rerun_plan_free(&p);
    runs_free(&rs);
}
END_TEST

START_TEST(image_modes)
{
    const char *js = "{\"kind\":\"AgentRun\",\"metadata\":{\"name\":\"img-20260301a\",\"namespace\":\"n\"},"
                     "\"spec\":{\"workload\":{\"image\":\"reg/r:1\"},\"vcsPolicy\":{\"mode\":\"none\"},"
                     "\"workflow\":{\"steps\":[{\"name\":\"s\",\"workload\":{\"image\":\"reg/r:1\"}}]}}}";
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, cJSON_Parse(js));
    struct runs rs;
    runs_from_json(&rs, items);
    struct rerun_opts o = {0};
    struct rerun_plan p;
    plan_for(&rs, "img-20260301a", &o, &p);
    ck_assert_str_eq(json_str(p.object, "spec.workload.image"), "reg/r:1");
    ck_assert_ptr_null(p.head); /* no VCS, no head: none invented */
    ck_assert_ptr_null(json_at(p.object, "spec.parameters"));
    rerun_plan_free(&p);

    enum rerun_image_mode m;
    const char *ref;
    char err[256];
    ck_assert_int_eq(rerun_image_parse("reg/r:2", &m, &ref, err, sizeof err), 0);
    ck_assert_int_eq(m, RERUN_IMAGE_SET);
    ck_assert_int_eq(rerun_image_parse("reg/r 2", &m, &ref, err, sizeof err), -1);
    o.image = RERUN_IMAGE_SET;
    o.image_ref = "reg/r:2";
    plan_for(&rs, "img-20260301a", &o, &p);
    ck_assert_str_eq(json_str(p.object, "spec.workload.image"), "reg/r:2");
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(json_arr(p.object, "spec.workflow.steps"), 0), "workload.image"),
                     "reg/r:2");
    rerun_plan_free(&p);
    o.image = RERUN_IMAGE_DEFAULT;
    plan_for(&rs, "img-20260301a", &o, &p);
    ck_assert_ptr_null(json_at(p.object, "spec.workload"));
    ck_assert_ptr_null(json_at(cJSON_GetArrayItem(json_arr(p.object, "spec.workflow.steps"), 0), "workload"));
    rerun_plan_free(&p);
    runs_free(&rs);
}
END_TEST

/* Workflow step overrides: the run head becomes the new head; another
 * branch in a step gets its own next branch; none collides. */
START_TEST(workflow_step_overrides)
{
    const char *js =
        "{\"kind\":\"AgentRun\",\"metadata\":{\"name\":\"wf-20260301b\",\"namespace\":\"n\"},"
        "\"spec\":{\"runtime\":{\"type\":\"workflow\"},\"parameters\":{\"head_ref\":\"codex/wf-20260301b\"},"
        "\"workflow\":{\"steps\":[{\"name\":\"plan\",\"parameters\":{\"head\":\"codex/wf-20260301b\"}},"
        "{\"name\":\"verify\",\"parameters\":{\"headRef\":\"codex/wf-verify-20260301b\",\"stage\":\"verify\"}},"
        "{\"name\":\"plain\"}]}}}";
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, cJSON_Parse(js));
    struct runs rs;
    runs_from_json(&rs, items);
    struct rerun_opts o = {0};
    struct rerun_plan p;
    plan_for(&rs, "wf-20260301b", &o, &p);
    ck_assert_str_eq(p.name, "wf-20260301c");
    ck_assert_str_eq(p.head, "codex/wf-20260301c");
    ck_assert_str_eq(json_str(p.object, "spec.parameters.head_ref"), "codex/wf-20260301c");
    ck_assert_ptr_null(json_at(p.object, "spec.parameters.head"));
    const cJSON *steps = json_arr(p.object, "spec.workflow.steps");
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(steps, 0), "parameters.head"), "codex/wf-20260301c");
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(steps, 1), "parameters.headRef"), "codex/wf-verify-20260301c");
    ck_assert_str_eq(json_str(cJSON_GetArrayItem(steps, 1), "parameters.stage"), "verify");
    ck_assert_ptr_null(json_at(cJSON_GetArrayItem(steps, 2), "parameters"));
    ck_assert_ptr_nonnull(change(&p, "spec.workflow.steps[1].parameters.headRef"));
    rerun_plan_free(&p);
    runs_free(&rs);
}
END_TEST

/* A run without a head parameter gets one explicitly, from status.vcs. */
START_TEST(derived_head_made_explicit)
{
    struct runs rs;
    load_examples(&rs);
    struct rerun_opts o = {0};
    struct rerun_plan p;
    plan_for(&rs, "jangar-control-plane-implement-sched-q8w2n", &o, &p);
    ck_assert_str_eq(p.name, "jangar-control-plane-implement-sched-q8w2n-r2");
    ck_assert_ptr_nonnull(p.head);
    ck_assert_str_ne(p.head, "codex/jangar-control-plane-implement-sched-q8w2n");
    ck_assert_str_eq(json_str(p.object, "spec.parameters.head"), p.head);
    /* schedule labels dropped, swarm labels kept */
    const cJSON *labels = json_obj(p.object, "metadata.labels");
    ck_assert_ptr_null(cJSON_GetObjectItem(labels, "schedules.proompteng.ai/schedule"));
    ck_assert_ptr_null(cJSON_GetObjectItem(labels, "agents.proompteng.ai/delivery-id"));
    ck_assert_ptr_nonnull(cJSON_GetObjectItem(labels, "swarm.proompteng.ai/name"));
    ck_assert_ptr_null(json_at(p.object, "metadata.generateName"));
    rerun_plan_free(&p);
    runs_free(&rs);
}
END_TEST

START_TEST(name_length_and_choices)
{
    /* 60-character prefix: the next name is cut to 63, suffix intact. */
    char name[80];
    snprintf(name, sizeof name, "%s-20260301z", "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij");
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, run_json(name, "2026-03-01T10:00:00Z", "codex/long"));
    cJSON_AddItemToArray(items, run_json("taken-20260301a", "2026-03-01T10:00:00Z", "codex/taken-a"));
    struct runs rs;
    runs_from_json(&rs, items);
    struct rerun_opts o = {0};
    struct rerun_plan p;
    plan_for(&rs, name, &o, &p);
    ck_assert_uint_le(strlen(p.name), 63);
    size_t n = strlen(p.name);
    ck_assert_str_eq(p.name + n - 11, "-20260301za");
    rerun_plan_free(&p);

    const struct agentrun *old = find(&rs, name);
    struct rerun_lane lane;
    rerun_lane_collect(old, rs.r, rs.n, &lane);
    char err[512];
    struct rerun_opts bad = {.name = "taken-20260301a"};
    ck_assert_int_eq(rerun_plan_build(old->raw, &lane, &bad, &p, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "already exists"));
    bad.name = "Bad_Name";
    ck_assert_int_eq(rerun_plan_build(old->raw, &lane, &bad, &p, err, sizeof err), -1);
    bad.name = NULL;
    bad.head = "codex/long";
    ck_assert_int_eq(rerun_plan_build(old->raw, &lane, &bad, &p, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "already used"));
    bad.head = "bad..branch";
    ck_assert_int_eq(rerun_plan_build(old->raw, &lane, &bad, &p, err, sizeof err), -1);
    struct rerun_opts good = {.name = "custom-name", .head = "fix/custom", .key = "0b6f1d2e-8c1a-4e5f-9a7b-3c2d1e0f9a8b"};
    ck_assert_int_eq(rerun_plan_build(old->raw, &lane, &good, &p, err, sizeof err), 0);
    ck_assert_str_eq(p.name, "custom-name");
    ck_assert_str_eq(p.head, "fix/custom");
    ck_assert_str_eq(p.key, good.key);
    rerun_plan_free(&p);
    rerun_lane_free(&lane);
    runs_free(&rs);
}
END_TEST

/* A run linked only by provenance joins the lane: its name and head are
 * never reused, and it counts as the newest attempt. */
START_TEST(provenance_joins_lane)
{
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, run_json("p-20260301a", "2026-03-01T10:00:00Z", "codex/p-20260301a"));
    cJSON *custom = run_json("my-fix", "2026-03-01T11:00:00Z", "codex/p-20260301b");
    cJSON *ann = cJSON_AddObjectToObject(cJSON_GetObjectItem(custom, "metadata"), "annotations");
    cJSON_AddStringToObject(ann, RERUN_ANN_OF, "agents/p-20260301a");
    cJSON_AddItemToArray(items, custom);
    struct runs rs;
    runs_from_json(&rs, items);
    struct rerun_lane lane;
    rerun_lane_collect(find(&rs, "p-20260301a"), rs.r, rs.n, &lane);
    ck_assert_str_eq(lane.newest_name, "my-fix");
    bool has = false;
    for (size_t i = 0; i < lane.nused; i++)
        if (strcmp(lane.used_heads[i], "codex/p-20260301b") == 0) has = true;
    ck_assert(has);
    rerun_lane_free(&lane);
    runs_free(&rs);
}
END_TEST

/* ---- state machine ---------------------------------------------------- */

static struct rerun_plan *tiny_plan(void)
{
    struct rerun_plan *p = xcalloc(1, sizeof *p);
    p->object = cJSON_Parse("{\"kind\":\"AgentRun\",\"metadata\":{\"name\":\"r-20260301b\"}}");
    p->ns = xstrdup("agents");
    p->name = xstrdup("r-20260301b");
    p->key = xstrdup("0b6f1d2e-8c1a-4e5f-9a7b-3c2d1e0f9a8b");
    return p;
}

static void tiny_free(struct rerun_plan *p)
{
    rerun_plan_free(p);
    free(p);
}

/* Drives x with scripted answers: one per REQUEST (waits are answered
 * with status 0 and do not consume a script entry). */
struct answer {
    int status;
    const char *body;
};

static enum rerun_state drive(struct rerun_exec *x, const struct answer *script, size_t n, bool confirm,
                              int *waits)
{
    size_t i = 0;
    for (int guard = 0; guard < 100; guard++) {
        struct rerun_req rq;
        enum rerun_state st = rerun_exec_next(x, &rq);
        if (st == RERUN_ST_CONFIRM) {
            rerun_exec_confirm(x, confirm);
            continue;
        }
        if (st != RERUN_ST_REQUEST) return st;
        struct rerun_resp rs = {.retry_after = -1};
        if (rq.kind == RERUN_REQ_WAIT) {
            if (waits) (*waits)++;
            rerun_exec_feed(x, &rs);
            continue;
        }
        ck_assert_msg(i < n, "more requests than scripted answers");
        cJSON *body = script[i].body ? cJSON_Parse(script[i].body) : NULL;
        rs.status = script[i].status;
        rs.body = body;
        rs.transport_error = script[i].status ? NULL : "timeout";
        i++;
        rerun_exec_feed(x, &rs);
        cJSON_Delete(body);
    }
    ck_abort_msg("state machine did not finish");
    return RERUN_ST_FAILED;
}

#define OURS "{\"metadata\":{\"name\":\"r-20260301b\",\"uid\":\"new-uid\"},\"spec\":{\"idempotencyKey\":\"0b6f1d2e-8c1a-4e5f-9a7b-3c2d1e0f9a8b\"}}"
#define THEIRS "{\"metadata\":{\"name\":\"r-20260301b\",\"uid\":\"x\"},\"spec\":{\"idempotencyKey\":\"other\"}}"
#define S409 "{\"kind\":\"Status\",\"reason\":\"AlreadyExists\",\"code\":409}"

START_TEST(exec_plain_and_confirm)
{
    struct rerun_plan *p = tiny_plan();
    struct answer ok[] = {{201, OURS}, {201, OURS}};
    struct rerun_exec *x = rerun_exec_new(p, NULL);
    ck_assert_int_eq(drive(x, ok, 2, true, NULL), RERUN_ST_DONE);
    ck_assert_str_eq(rerun_exec_result(x)->uid, "new-uid");
    ck_assert_int_eq(rerun_exec_result(x)->posts, 1);
    ck_assert(!rerun_exec_result(x)->recovered);
    rerun_exec_free(x);
    /* declined: nothing after the dry run */
    x = rerun_exec_new(p, NULL);
    ck_assert_int_eq(drive(x, ok, 1, false, NULL), RERUN_ST_FAILED);
    ck_assert_int_eq(rerun_exec_result(x)->posts, 0);
    ck_assert(rerun_exec_result(x)->cancelled);
    rerun_exec_free(x);
    /* dry run only */
    struct rerun_exec_opts dro = {.dry_run_only = true};
    x = rerun_exec_new(p, &dro);
    ck_assert_int_eq(drive(x, ok, 1, true, NULL), RERUN_ST_DRY_DONE);
    ck_assert(rerun_exec_result(x)->dry_run);
    ck_assert(!rerun_exec_result(x)->created);
    rerun_exec_free(x);
    tiny_free(p);
}
END_TEST

/* The response is lost after the server created the run: the retry gets
 * 409, the GET finds our key: success, one run. */
START_TEST(exec_lost_response_is_recovered)
{
    struct rerun_plan *p = tiny_plan();
    struct answer script[] = {{201, OURS}, {0, NULL}, {409, S409}, {200, OURS}};
    struct rerun_exec_opts o = {.skip_confirm = true};
    struct rerun_exec *x = rerun_exec_new(p, &o);
    int waits = 0;
    ck_assert_int_eq(drive(x, script, 4, true, &waits), RERUN_ST_DONE);
    const struct rerun_result *r = rerun_exec_result(x);
    ck_assert(r->created && r->recovered);
    ck_assert_str_eq(r->uid, "new-uid");
    ck_assert_int_eq(r->posts, 2);
    ck_assert_int_eq(r->gets, 1);
    ck_assert_int_eq(waits, 1);
    rerun_exec_free(x);
    tiny_free(p);
}
END_TEST

/* A 409 on the dry run whose object is gone by the GET: the dry run is
 * repeated, and the confirmation still comes before any real POST. */
START_TEST(exec_dry_409_then_gone_keeps_confirmation)
{
    struct rerun_plan *p = tiny_plan();
    struct answer script[] = {{409, S409}, {404, NULL}, {201, OURS}, {201, OURS}};
    struct rerun_exec *x = rerun_exec_new(p, NULL);
    size_t i = 0;
    bool confirmed = false;
    for (int guard = 0; guard < 20; guard++) {
        struct rerun_req rq;
        enum rerun_state st = rerun_exec_next(x, &rq);
        if (st == RERUN_ST_CONFIRM) {
            ck_assert_int_eq(rerun_exec_result(x)->posts, 0);
            confirmed = true;
            rerun_exec_confirm(x, true);
            continue;
        }
        if (st != RERUN_ST_REQUEST) break;
        if (rq.kind == RERUN_REQ_CREATE && !rq.dry_run) ck_assert(confirmed);
        ck_assert_uint_lt(i, 4);
        cJSON *body = script[i].body ? cJSON_Parse(script[i].body) : NULL;
        struct rerun_resp rs = {.status = script[i].status, .body = body, .retry_after = -1};
        i++;
        rerun_exec_feed(x, &rs);
        cJSON_Delete(body);
    }
    ck_assert(confirmed);
    ck_assert(rerun_exec_result(x)->created);
    ck_assert_int_eq(rerun_exec_result(x)->posts, 1);
    rerun_exec_free(x);
    tiny_free(p);
}
END_TEST

START_TEST(exec_409_other_key)
{
    struct rerun_plan *p = tiny_plan();
    struct answer script[] = {{201, OURS}, {409, S409}, {200, THEIRS}};
    struct rerun_exec_opts o = {.skip_confirm = true};
    struct rerun_exec *x = rerun_exec_new(p, &o);
    ck_assert_int_eq(drive(x, script, 3, true, NULL), RERUN_ST_FAILED);
    const struct rerun_result *r = rerun_exec_result(x);
    ck_assert(!r->created);
    ck_assert_ptr_nonnull(strstr(r->error, "not this rerun"));
    ck_assert_ptr_nonnull(strstr(r->error, "other"));
    rerun_exec_free(x);
    tiny_free(p);
}
END_TEST

/* 5xx and timeouts are retried with the same object; a refusal after an
 * unanswered POST is checked with a GET before it is reported. */
START_TEST(exec_retries_then_refusal_verified)
{
    struct rerun_plan *p = tiny_plan();
    struct answer script[] = {{201, OURS}, {0, NULL}, {503, NULL}, {201, OURS}};
    struct rerun_exec_opts o = {.skip_confirm = true, .backoff_ms = 1};
    struct rerun_exec *x = rerun_exec_new(p, &o);
    ck_assert_int_eq(drive(x, script, 4, true, NULL), RERUN_ST_DONE);
    ck_assert_int_eq(rerun_exec_result(x)->posts, 3);
    rerun_exec_free(x);

    struct answer s2[] = {{201, OURS}, {0, NULL}, {403, "{\"kind\":\"Status\",\"reason\":\"Forbidden\"}"}, {200, OURS}};
    x = rerun_exec_new(p, &o);
    ck_assert_int_eq(drive(x, s2, 4, true, NULL), RERUN_ST_DONE);
    ck_assert(rerun_exec_result(x)->recovered);
    rerun_exec_free(x);

    struct answer s3[] = {{201, OURS}, {0, NULL}, {403, "{\"kind\":\"Status\",\"reason\":\"Forbidden\"}"}, {404, NULL}};
    x = rerun_exec_new(p, &o);
    ck_assert_int_eq(drive(x, s3, 4, true, NULL), RERUN_ST_FAILED);
    ck_assert_int_eq(rerun_exec_result(x)->http_status, 403);
    ck_assert(!rerun_exec_result(x)->unknown);
    rerun_exec_free(x);

    /* Every POST unanswered, the GET too: unknown, and it says so. */
    struct answer s4[] = {{201, OURS}, {0, NULL}, {0, NULL}, {0, NULL}, {0, NULL}, {0, NULL},
                          {0, NULL}, {0, NULL}, {0, NULL}, {0, NULL}, {0, NULL}};
    x = rerun_exec_new(p, &o);
    ck_assert_int_eq(drive(x, s4, 11, true, NULL), RERUN_ST_FAILED);
    ck_assert(rerun_exec_result(x)->unknown);
    ck_assert_ptr_nonnull(strstr(rerun_exec_result(x)->error, p->key));
    ck_assert_int_eq(rerun_exec_result(x)->posts, 5);
    rerun_exec_free(x);
    tiny_free(p);
}
END_TEST

START_TEST(status_messages)
{
    cJSON *f = cJSON_Parse(
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,"
        "\"message\":\"agentruns.agents.proompteng.ai is forbidden: User \\\"dev\\\" cannot create resource "
        "\\\"agentruns\\\" in API group \\\"agents.proompteng.ai\\\" in the namespace \\\"agents\\\"\","
        "\"details\":{\"group\":\"agents.proompteng.ai\",\"kind\":\"agentruns\"}}");
    char *m = rerun_status_message(403, f, "create", "agents", "x");
    ck_assert_ptr_nonnull(strstr(m, "missing permission to create agentruns.agents.proompteng.ai in namespace agents"));
    free(m);
    cJSON_Delete(f);
    /* Worded by HTTP method (the test server): still an RBAC verb. */
    f = cJSON_Parse("{\"kind\":\"Status\",\"reason\":\"Forbidden\",\"code\":403,\"message\":"
                    "\"agentruns is forbidden: User \\\"sa\\\" cannot post resource \\\"agentruns\\\"\"}");
    ck_assert_ptr_nonnull(f);
    m = rerun_status_message(403, f, "create", "agents", "x");
    ck_assert_ptr_nonnull(strstr(m, "missing permission to create agentruns.agents.proompteng.ai in namespace agents"));
    free(m);
    cJSON_Delete(f);
    /* No message: fall back to the request we made. */
    f = cJSON_Parse("{\"kind\":\"Status\",\"reason\":\"Forbidden\",\"code\":403}");
    m = rerun_status_message(403, f, "create", "prod", "x");
    ck_assert_ptr_nonnull(strstr(m, "create agentruns.agents.proompteng.ai in namespace prod"));
    free(m);
    cJSON_Delete(f);

    const char *src = getenv("ARTRIAGE_SRC");
    char *path = xasprintf("%s/tests/data/examples/status-422-invalid.json", src);
    char *text = slurp(path);
    ck_assert_ptr_nonnull(text);
    f = cJSON_Parse(text);
    m = rerun_status_message(422, f, "create", "agents", "torghut-v5-doc12-dspy-adoption-run-20260225h");
    ck_assert_ptr_nonnull(strstr(m, "invalid field: spec: Invalid value"));
    ck_assert_ptr_nonnull(strstr(m, "spec.parameters.prompt is not allowed"));
    free(m);
    cJSON_Delete(f);
    free(text);
    free(path);
}
END_TEST

START_TEST(diff_paths)
{
    cJSON *a = cJSON_Parse("{\"a\":1,\"b\":{\"c\":[1,2],\"d\":\"x\"},\"k.e\":true}");
    cJSON *b = cJSON_Parse("{\"a\":1,\"b\":{\"c\":[1,3,4]},\"n\":null,\"k.e\":true}");
    struct rerun_change *d = NULL;
    size_t n = 0;
    rerun_diff_json("spec", a, b, &d, &n);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(d[0].path, "spec.b.c[1]");
    ck_assert_str_eq(d[0].old_json, "2");
    ck_assert_str_eq(d[0].new_json, "3");
    ck_assert_str_eq(d[1].path, "spec.b.c[2]");
    ck_assert_ptr_null(d[1].old_json);
    ck_assert_str_eq(d[2].path, "spec.b.d");
    ck_assert_ptr_null(d[2].new_json);
    ck_assert_str_eq(d[3].path, "spec.n");
    for (size_t i = 0; i < n; i++) {
        free(d[i].path);
        free(d[i].old_json);
        free(d[i].new_json);
    }
    free(d);
    cJSON_Delete(a);
    cJSON_Delete(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rerun");
    TCase *tc = tcase_create("rerun");
    tcase_add_test(tc, uuid4_format);
    tcase_add_test(tc, seed_lane_next_attempt);
    tcase_add_test(tc, next_after_newest);
    tcase_add_test(tc, drops_server_and_marker_fields);
    tcase_add_test(tc, image_modes);
    tcase_add_test(tc, workflow_step_overrides);
    tcase_add_test(tc, derived_head_made_explicit);
    tcase_add_test(tc, name_length_and_choices);
    tcase_add_test(tc, provenance_joins_lane);
    tcase_add_test(tc, exec_plain_and_confirm);
    tcase_add_test(tc, exec_lost_response_is_recovered);
    tcase_add_test(tc, exec_409_other_key);
    tcase_add_test(tc, exec_dry_409_then_gone_keeps_confirmation);
    tcase_add_test(tc, exec_retries_then_refusal_verified);
    tcase_add_test(tc, status_messages);
    tcase_add_test(tc, diff_paths);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
