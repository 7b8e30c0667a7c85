/* Tests of src/runs/logsrc against the API test server
 * (tests/kubeapi/server.py): a follow dropped by the server (between
 * lines, and in the middle of a line) is resumed from its last line's
 * time and the repeated second de-duplicated: no line lost, none doubled;
 * the follow ends when the container does; tail and since reach the
 * server. From the history cache: since by each line's own time (a line
 * without one takes the time above it, else below it), tail by lines,
 * and a pod the server no longer has is read from the cache with a note. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "kube/client.h"
#include "kube/server_fixture.h"
#include "store/store_fixture.h"
#include "runs/logsrc.h"
#include "util/timeutil.h"

static struct kubeapi api;

#define POD_NAME "run-00001-job-abcde"

static const char *POD =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" POD_NAME "\",\"namespace\":\"agents\","
    "\"labels\":{\"agents.proompteng.ai/agent-run\":\"run-00001\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"agent-runner\",\"image\":\"runner:1\"}]},"
    "\"status\":{\"phase\":\"Running\",\"containerStatuses\":["
    "{\"name\":\"agent-runner\",\"state\":{\"running\":{\"startedAt\":\"2026-02-25T09:00:00Z\"}},\"ready\":true,"
    "\"restartCount\":0,\"image\":\"runner:1\",\"imageID\":\"\"}]}}";

struct env {
    struct kubeconfig *kc;
    struct kube_config *cfg;
    struct kube_client *c;
};

struct got {
    struct buf text;      /* every line delivered, '\n'-ended */
    int lines;
    bool ended, ok;
    char error[ERRLEN];
    int resumes_seen;
};

static int on_line(void *ud, const struct logsrc_line *l)
{
    struct got *g = ud;
    buf_append(&g->text, l->text, l->len);
    buf_append(&g->text, "\n", 1);
    g->lines++;
    return 0;
}

static void on_end(void *ud, const struct logsrc_end *e)
{
    struct got *g = ud;
    g->ended = true;
    g->ok = e->ok;
    snprintf(g->error, sizeof g->error, "%s", e->error ? e->error : "");
}

static void on_resume(void *ud, int attempt, int64_t delay_ms, const char *why)
{
    (void)delay_ms;
    (void)why;
    struct got *g = ud;
    g->resumes_seen = attempt;
}

static void env_start(struct env *e, const char *log, const char *const *args)
{
    kubeapi_prepare(&api);
    char *p = xasprintf("%s/objects/pod.json", api.data);
    fixture_write(p, POD);
    free(p);
    p = xasprintf("%s/logs/agents/" POD_NAME "/agent-runner.log", api.data);
    fixture_write(p, log);
    free(p);
    ck_assert_int_eq(kubeapi_start(&api, args), 0);
    char err[ERRLEN];
    ck_assert_msg(kubeconfig_load(api.kubeconfig, &e->kc, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(kubeconfig_resolve(e->kc, NULL, NULL, &e->cfg, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(kube_client_new(e->cfg, &e->c, err, sizeof err) == 0, "%s", err);
}

static void env_stop(struct env *e)
{
    kube_client_free(e->c);
    kube_config_free(e->cfg);
    kubeconfig_free(e->kc);
    kubeapi_stop(&api);
}

/* Runs the loop until the source has delivered `lines` lines (or ended). */
static void pump_until(struct env *e, struct logsrc *ls, struct got *g, int lines, int ms)
{
    int64_t deadline = time_mono_ms() + ms;
    while (g->lines < lines && !logsrc_done(ls) && time_mono_ms() < deadline) {
        kube_client_wait(e->c, NULL, 0, 100);
        kube_client_perform(e->c);
    }
    ck_assert_msg(g->lines >= lines, "got %d lines, wanted %d: %s", g->lines, lines, g->text.p ? g->text.p : "");
}

static void say_line(const char *text, const char *time)
{
    char b[512];
    snprintf(b, sizeof b,
             "{\"op\":\"log\",\"namespace\":\"agents\",\"pod\":\"" POD_NAME "\",\"container\":\"agent-runner\","
             "\"text\":\"%s\",\"time\":\"%s\"}", text, time);
    ck_assert_int_eq(kubeapi_op(&api, b, false), 0);
}

static void end_container(void)
{
    ck_assert_int_eq(kubeapi_op(&api,
                                "{\"op\":\"modify\",\"kind\":\"Pod\",\"namespace\":\"agents\",\"name\":\"" POD_NAME "\","
                                "\"patch\":{\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":[{\"name\":"
                                "\"agent-runner\",\"state\":{\"terminated\":{\"exitCode\":0,\"startedAt\":"
                                "\"2026-02-25T09:00:00Z\",\"finishedAt\":\"2026-02-25T09:20:00Z\"}}}]}}}",
                                false),
                     0);
}

static const char *LOG5 = "2026-02-25T09:00:01.000Z line 1\n2026-02-25T09:00:02.000Z line 2\n"
                          "2026-02-25T09:00:03.000Z line 3\n2026-02-25T09:00:04.000Z line 4\n"
                          "2026-02-25T09:00:05.000Z line 5\n";

static struct logsrc *follow(struct env *e, struct got *g)
{
    struct logsrc_spec sp = {.kube = e->c, .ns = "agents", .pod = POD_NAME, .container = "agent-runner",
                             .follow = true, .on_line = on_line, .on_end = on_end, .on_resume = on_resume,
                             .ud = g};
    return logsrc_start(&sp);
}

/* The server drops every follow between lines, with lines of the same
 * second before and after the drop: the resume asks from that second,
 * the server repeats it, the repeats are dropped. */
START_TEST(drop_between_lines_loses_and_doubles_nothing)
{
    struct env e;
    env_start(&e, LOG5, NULL);
    struct got g = {0};
    struct logsrc *ls = follow(&e, &g);
    pump_until(&e, ls, &g, 5, 10000);
    say_line("a1", "2026-02-25T09:10:00.100Z");
    say_line("a2", "2026-02-25T09:10:00.200Z");
    pump_until(&e, ls, &g, 7, 10000);
    ck_assert_int_eq(kubeapi_op(&api, "{\"op\":\"drop-streams\"}", false), 0);
    say_line("a3", "2026-02-25T09:10:00.300Z"); /* while the follow is down */
    say_line("a4", "2026-02-25T09:10:01.000Z");
    pump_until(&e, ls, &g, 9, 15000);
    ck_assert_int_ge(logsrc_resumes(ls), 1);
    ck_assert_int_eq(g.resumes_seen, logsrc_resumes(ls));
    ck_assert_int_ge(logsrc_duplicates(ls), 2); /* a1, a2 came again and were dropped */
    /* a line through the resumed follow (the server's follow loop runs,
     * so it sees the next drop), a second drop, then the container ends:
     * the follow ends with it */
    say_line("a4b", "2026-02-25T09:10:01.200Z");
    pump_until(&e, ls, &g, 10, 15000);
    ck_assert_int_eq(kubeapi_op(&api, "{\"op\":\"drop-streams\"}", false), 0);
    say_line("a5", "2026-02-25T09:10:01.500Z");
    pump_until(&e, ls, &g, 11, 15000);
    end_container();
    int64_t deadline = time_mono_ms() + 15000;
    while (!logsrc_done(ls) && time_mono_ms() < deadline) {
        kube_client_wait(e.c, NULL, 0, 100);
        kube_client_perform(e.c);
    }
    ck_assert_msg(g.ended && g.ok, "ended %d ok %d: %s", g.ended, g.ok, g.error);
    ck_assert_str_eq(g.text.p, "line 1\nline 2\nline 3\nline 4\nline 5\na1\na2\na3\na4\na4b\na5\n");
    ck_assert_int_ge(logsrc_resumes(ls), 2);
    logsrc_free(ls);
    buf_free(&g.text);
    env_stop(&e);
}
END_TEST

/* The first follow is cut 45 bytes into its body, inside line 2: the cut
 * line is not delivered half, and comes whole after the resume. */
START_TEST(drop_inside_a_line_delivers_it_once_whole)
{
    struct env e;
    const char *args[] = {"--fault-first", "GET /api/v1/namespaces/agents/pods/" POD_NAME "/log?follow=true:close-after=45",
                          NULL};
    env_start(&e, LOG5, args);
    struct got g = {0};
    struct logsrc *ls = follow(&e, &g);
    pump_until(&e, ls, &g, 5, 15000);
    end_container();
    int64_t deadline = time_mono_ms() + 15000;
    while (!logsrc_done(ls) && time_mono_ms() < deadline) {
        kube_client_wait(e.c, NULL, 0, 100);
        kube_client_perform(e.c);
    }
    ck_assert(g.ended && g.ok);
    ck_assert_str_eq(g.text.p, "line 1\nline 2\nline 3\nline 4\nline 5\n");
    ck_assert_int_eq(logsrc_resumes(ls), 1);
    ck_assert_int_eq(logsrc_duplicates(ls), 1); /* line 1 again */
    logsrc_free(ls);
    buf_free(&g.text);
    env_stop(&e);
}
END_TEST

/* limitBytes reaches the server (the record sink caps each log it
 * stores); the cut last line comes without its line end. */
START_TEST(limit_bytes_reaches_the_server)
{
    struct env e;
    env_start(&e, LOG5, NULL);
    struct got g = {0};
    struct logsrc_spec sp = {.kube = e.c, .ns = "agents", .pod = POD_NAME, .container = "agent-runner",
                             .limit_bytes = 40, .on_line = on_line, .on_end = on_end, .ud = &g};
    struct logsrc *ls = logsrc_start(&sp);
    ck_assert_int_eq(logsrc_wait(e.c, &ls, 1, NULL, NULL), 0);
    ck_assert(g.ok);
    ck_assert_int_eq(g.lines, 2);
    ck_assert_str_eq(g.text.p, "2026-02-25T09:00:01.000Z line 1\n2026-02-\n");
    logsrc_free(ls);
    buf_free(&g.text);
    env_stop(&e);
}
END_TEST

struct ended {
    bool ended, ok, timed_out;
    long http;
};

static int ignore_line(void *ud, const struct logsrc_line *l)
{
    (void)ud;
    (void)l;
    return 0;
}

static void ended_fn(void *ud, const struct logsrc_end *e)
{
    struct ended *x = ud;
    *x = (struct ended){true, e->ok, e->timed_out, e->http};
}

/* The end says when the live read was given up (a stalled server), as
 * opposed to refused: the record sink skips a pass's other logs then. */
START_TEST(end_says_timed_out)
{
    struct env e;
    const char *args[] = {"--fault-first", "GET /api/v1/namespaces/agents/pods/" POD_NAME "/log:stall", NULL};
    env_start(&e, LOG5, args);
    kube_client_set_deadline(e.c, time_mono_ms() + 1500);
    struct ended x = {0};
    struct logsrc_spec sp = {.kube = e.c, .ns = "agents", .pod = POD_NAME, .container = "agent-runner",
                             .on_line = ignore_line, .on_end = ended_fn, .ud = &x};
    struct logsrc *ls = logsrc_start(&sp);
    ck_assert_int_eq(logsrc_wait(e.c, &ls, 1, NULL, NULL), 0);
    ck_assert(x.ended && !x.ok);
    ck_assert(x.timed_out);
    logsrc_free(ls);
    /* refused (no such pod): not a timeout */
    kube_client_set_deadline(e.c, 0);
    x = (struct ended){0};
    sp.pod = "no-such-pod";
    ls = logsrc_start(&sp);
    ck_assert_int_eq(logsrc_wait(e.c, &ls, 1, NULL, NULL), 0);
    ck_assert(x.ended && !x.ok);
    ck_assert_int_eq(x.http, 404);
    ck_assert(!x.timed_out);
    logsrc_free(ls);
    env_stop(&e);
}
END_TEST

/* tailLines and sinceTime go to the server on the first request. */
START_TEST(tail_and_since_reach_the_server)
{
    struct env e;
    env_start(&e, LOG5, NULL);
    struct got g = {0};
    struct logsrc_spec sp = {.kube = e.c, .ns = "agents", .pod = POD_NAME, .container = "agent-runner",
                             .timestamps = true, .tail_lines = 2, .on_line = on_line, .on_end = on_end, .ud = &g};
    struct logsrc *ls = logsrc_start(&sp);
    ck_assert_int_eq(logsrc_wait(e.c, &ls, 1, NULL, NULL), 0);
    ck_assert(g.ok);
    ck_assert_str_eq(g.text.p, "line 4\nline 5\n");
    logsrc_free(ls);
    buf_reset(&g.text);
    g.lines = 0;
    ck_assert_int_eq(time_parse_rfc3339("2026-02-25T09:00:03Z", &sp.since_ms), 0);
    sp.tail_lines = 0;
    ls = logsrc_start(&sp);
    ck_assert_int_eq(logsrc_wait(e.c, &ls, 1, NULL, NULL), 0);
    ck_assert_str_eq(g.text.p, "line 3\nline 4\nline 5\n");
    logsrc_free(ls);
    /* no stamps asked: a line's own leading time is its text, not a stamp */
    buf_reset(&g.text);
    sp.timestamps = false;
    ls = logsrc_start(&sp);
    ck_assert_int_eq(logsrc_wait(e.c, &ls, 1, NULL, NULL), 0);
    ck_assert_str_eq(g.text.p, "2026-02-25T09:00:03.000Z line 3\n2026-02-25T09:00:04.000Z line 4\n"
                               "2026-02-25T09:00:05.000Z line 5\n");
    logsrc_free(ls);
    buf_free(&g.text);
    env_stop(&e);
}
END_TEST

/* A cache holding run r1's pod "r1-job-abcde" with this agent-runner log. */
static const char *CACHED = "head without a time\n"
                            "[2026-03-01T10:00:00Z] l0\n"
                            "cont0\n"
                            "[2026-03-01T10:00:05Z] l5\n"
                            "cont5\n"
                            "[2026-03-01T10:00:09Z] l9\n";

static struct store *cache_with_log(int64_t *run_id)
{
    char *path = fx_db_path();
    struct store *st = fx_open(path, NULL);
    free(path);
    char err[ERRLEN];
    struct agentrun r;
    fx_run(&r, "r1", "uid-r1", "Failed", 1000, 1200, 5000);
    ck_assert_int_eq(store_put_run(st, &r, 6000, run_id, err, sizeof err), 0);
    struct pod p;
    fx_pod_img(&p, "r1-job-abcde", "pod-1", "r1", 1500, "img:1", "sha256:abc");
    ck_assert_int_eq(store_put_pod(st, "test", &p, 6000, err, sizeof err), 0);
    ck_assert_int_eq(store_put_log(st, "test", "pod-1", "agent-runner", false, CACHED, strlen(CACHED), 6000, err,
                                   sizeof err), 0);
    agentrun_free(&r);
    pod_free(&p);
    return st;
}

struct timed {
    struct got g;
    int64_t times[16];
    int n;
    char note[256];
};

static int timed_line(void *ud, const struct logsrc_line *l)
{
    struct timed *t = ud;
    ck_assert_int_eq(l->from, LOGSRC_CACHE);
    if (t->n < 16) t->times[t->n++] = l->time;
    return on_line(&t->g, l);
}

static void timed_end(void *ud, const struct logsrc_end *e)
{
    struct timed *t = ud;
    snprintf(t->note, sizeof t->note, "%s", e->note ? e->note : "");
    on_end(&t->g, e);
}

static char *cached(struct store *st, int64_t id, int64_t since_ms, int64_t tail, struct timed *t)
{
    memset(t, 0, sizeof *t);
    struct logsrc_spec sp = {.ns = "agents", .pod = "r1-job-abcde", .container = "agent-runner", .store = st,
                             .run_id = id, .since_ms = since_ms, .tail_lines = tail, .on_line = timed_line,
                             .on_end = timed_end, .ud = t};
    struct logsrc *ls = logsrc_start(&sp); /* no client: delivered at once */
    ck_assert(logsrc_done(ls));
    ck_assert_msg(t->g.ok, "%s", t->g.error);
    logsrc_free(ls);
    return t->g.text.p ? t->g.text.p : xstrdup("");
}

START_TEST(cache_since_by_line_time_and_tail_by_lines)
{
    int64_t id = 0, t5, t0;
    struct store *st = cache_with_log(&id);
    ck_assert_int_eq(time_parse_rfc3339("2026-03-01T10:00:05Z", &t5), 0);
    ck_assert_int_eq(time_parse_rfc3339("2026-03-01T10:00:00Z", &t0), 0);
    struct timed t;
    char *s = cached(st, id, 0, 0, &t);
    ck_assert_str_eq(s, CACHED);
    /* the head takes the time below it; a continuation the one above */
    ck_assert_int_eq(t.n, 6);
    ck_assert(t.times[0] == t0 && t.times[1] == t0 && t.times[2] == t0 && t.times[4] == t5);
    free(s);
    s = cached(st, id, t5, 0, &t);
    ck_assert_str_eq(s, "[2026-03-01T10:00:05Z] l5\ncont5\n[2026-03-01T10:00:09Z] l9\n");
    free(s);
    s = cached(st, id, t0 - 3600000, 0, &t);
    ck_assert_str_eq(s, CACHED);
    free(s);
    s = cached(st, id, 0, 2, &t);
    ck_assert_str_eq(s, "cont5\n[2026-03-01T10:00:09Z] l9\n");
    free(s);
    s = cached(st, id, t5, 1, &t);
    ck_assert_str_eq(s, "[2026-03-01T10:00:09Z] l9\n");
    free(s);
    s = cached(st, id, t5 + 3600000, 0, &t);
    ck_assert_str_eq(s, "");
    free(s);
    /* a container the cache lacks: an error, no line */
    memset(&t, 0, sizeof t);
    struct logsrc_spec sp = {.ns = "agents", .pod = "r1-job-abcde", .container = "sidecar", .store = st,
                             .run_id = id, .on_line = timed_line, .on_end = timed_end, .ud = &t};
    struct logsrc *ls = logsrc_start(&sp);
    ck_assert(t.g.ended && !t.g.ok && t.g.lines == 0);
    ck_assert_msg(strstr(t.g.error, "history cache has no copy") != NULL, "%s", t.g.error);
    logsrc_free(ls);
    store_close(st);
    fx_rm_rf();
}
END_TEST

/* The live pod is gone (404): the cached copy, with a note saying so. */
START_TEST(gone_pod_falls_back_to_the_cache)
{
    struct env e;
    env_start(&e, LOG5, NULL);
    int64_t id = 0;
    struct store *st = cache_with_log(&id);
    struct timed t;
    memset(&t, 0, sizeof t);
    struct logsrc_spec sp = {.kube = e.c, .ns = "agents", .pod = "r1-job-abcde", .container = "agent-runner",
                             .store = st, .run_id = id, .cache_fallback = true, .on_line = timed_line,
                             .on_end = timed_end, .ud = &t};
    struct logsrc *ls = logsrc_start(&sp);
    ck_assert_int_eq(logsrc_wait(e.c, &ls, 1, NULL, NULL), 0);
    ck_assert_msg(t.g.ok, "%s", t.g.error);
    ck_assert_str_eq(t.g.text.p, CACHED);
    ck_assert_msg(strstr(t.note, "not on the cluster any more") != NULL, "%s", t.note);
    logsrc_free(ls);
    buf_free(&t.g.text);
    /* without the fallback the 404 is the answer */
    memset(&t, 0, sizeof t);
    sp.cache_fallback = false;
    ls = logsrc_start(&sp);
    ck_assert_int_eq(logsrc_wait(e.c, &ls, 1, NULL, NULL), 0);
    ck_assert(t.g.ended && !t.g.ok && t.g.lines == 0);
    logsrc_free(ls);
    store_close(st);
    fx_rm_rf();
    env_stop(&e);
}
END_TEST

START_TEST(tail_offset_counts_lines)
{
    const char *t = "a\nb\nc\n";
    ck_assert_uint_eq(logsrc_tail_offset(t, strlen(t), 1), 4);
    ck_assert_uint_eq(logsrc_tail_offset(t, strlen(t), 2), 2);
    ck_assert_uint_eq(logsrc_tail_offset(t, strlen(t), 3), 0);
    ck_assert_uint_eq(logsrc_tail_offset(t, strlen(t), 9), 0);
    const char *u = "a\nb\nc"; /* the last line without its end */
    ck_assert_uint_eq(logsrc_tail_offset(u, strlen(u), 1), 4);
    ck_assert_uint_eq(logsrc_tail_offset("", 0, 1), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("logsrc");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, tail_offset_counts_lines);
    tcase_add_test(tc, cache_since_by_line_time_and_tail_by_lines);
    tcase_add_test(tc, gone_pod_falls_back_to_the_cache);
    tcase_add_test(tc, tail_and_since_reach_the_server);
    tcase_add_test(tc, limit_bytes_reaches_the_server);
    tcase_add_test(tc, end_says_timed_out);
    tcase_add_test(tc, drop_between_lines_loses_and_doubles_nothing);
    tcase_add_test(tc, drop_inside_a_line_delivers_it_once_whole);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
