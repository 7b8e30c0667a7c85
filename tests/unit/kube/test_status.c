/* Unit tests for src/kube/status.c: each kind of API error becomes one
 * clear sentence, and the Status details stay available to callers. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "kube/status.h"

static const struct kube_what RUN_GET = {.verb = "get", .kind = "AgentRun",
                                         .resource = "agentruns.agents.proompteng.ai", .name = "x",
                                         .ns = "agents", .server = "https://k:6443",
                                         .path = "/apis/agents.proompteng.ai/v1alpha1/namespaces/agents/agentruns/x",
                                         .user = "alice", .context = "prod"};

static void sentence(long code, const char *body, const char *retry, const struct kube_what *w, char *out,
                     struct kube_status *keep)
{
    struct kube_status st;
    kube_status_parse(code, body, body ? strlen(body) : 0, retry, &st);
    kube_status_sentence(&st, w, out, 512);
    if (keep) *keep = st;
    else kube_status_free(&st);
}

START_TEST(not_found_and_forbidden)
{
    char out[512];
    sentence(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                  "\"agentruns.agents.proompteng.ai \\\"x\\\" not found\",\"reason\":\"NotFound\",\"code\":404}",
             NULL, &RUN_GET, out, NULL);
    ck_assert_str_eq(out, "AgentRun \"x\" not found in namespace \"agents\"");

    struct kube_what create = RUN_GET;
    create.verb = "create";
    create.name = NULL;
    struct kube_status st;
    sentence(403, "{\"kind\":\"Status\",\"message\":\"agentruns.agents.proompteng.ai is forbidden: User \\\"x\\\" "
                  "cannot create resource \\\"agentruns\\\" in API group \\\"agents.proompteng.ai\\\" in the namespace "
                  "\\\"agents\\\"\",\"reason\":\"Forbidden\",\"details\":{\"group\":\"agents.proompteng.ai\",\"kind\":\"agentruns\"},\"code\":403}",
             NULL, &create, out, &st);
    ck_assert_str_eq(out, "forbidden: user \"x\" cannot create agentruns.agents.proompteng.ai in namespace \"agents\"");
    ck_assert_str_eq(st.reason, "Forbidden");
    ck_assert_str_eq(st.kind, "agentruns");
    kube_status_free(&st);

    struct kube_what list = RUN_GET;
    list.verb = "list";
    list.name = NULL;
    list.ns = NULL;
    sentence(404, "404 page not found\n", NULL, &list, out, NULL);
    ck_assert_ptr_nonnull(strstr(out, "does not serve agentruns.agents.proompteng.ai"));
    sentence(403, "{\"kind\":\"Status\",\"message\":\"nope\",\"reason\":\"Forbidden\",\"code\":403}", NULL, &list, out, NULL);
    ck_assert_str_eq(out, "forbidden: cannot list agentruns.agents.proompteng.ai in any namespace: nope");
}
END_TEST

START_TEST(conflict_invalid_gone_throttled)
{
    char out[512];
    struct kube_status st;
    struct kube_what create = RUN_GET;
    create.verb = "create";
    sentence(409, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
                  "\"agentruns.agents.proompteng.ai \\\"x\\\" already exists\",\"reason\":\"AlreadyExists\","
                  "\"details\":{\"name\":\"x\",\"group\":\"agents.proompteng.ai\",\"kind\":\"agentruns\"},\"code\":409}",
             NULL, &create, out, &st);
    ck_assert_str_eq(out, "AgentRun \"x\" already exists in namespace \"agents\"");
    ck_assert_str_eq(st.reason, "AlreadyExists");
    ck_assert_str_eq(st.name, "x");
    kube_status_free(&st);

    sentence(422, "{\"kind\":\"Status\",\"message\":\"AgentRun.agents.proompteng.ai \\\"x\\\" is invalid: ...\","
                  "\"reason\":\"Invalid\",\"details\":{\"name\":\"x\",\"kind\":\"AgentRun\",\"causes\":["
                  "{\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value: \\\"object\\\": prompt is not allowed\",\"field\":\"spec\"},"
                  "{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":\"spec.agentRef\"}]},\"code\":422}",
             NULL, &create, out, &st);
    ck_assert_str_eq(out, "AgentRun \"x\" is invalid: spec: Invalid value: \"object\": prompt is not allowed; "
                          "spec.agentRef: Required value");
    ck_assert_uint_eq(st.ncauses, 2);
    ck_assert_str_eq(st.causes[1].field, "spec.agentRef");
    kube_status_free(&st);

    struct kube_what watch = RUN_GET;
    watch.verb = "watch";
    watch.name = NULL;
    sentence(410, "{\"kind\":\"Status\",\"message\":\"too old resource version: 1 (5)\",\"reason\":\"Expired\",\"code\":410}",
             NULL, &watch, out, NULL);
    ck_assert_ptr_nonnull(strstr(out, "watch of agentruns.agents.proompteng.ai expired (410 Gone"));

    sentence(429, "{\"kind\":\"Status\",\"message\":\"slow down\",\"reason\":\"TooManyRequests\",\"code\":429}", "7\r\n",
             &RUN_GET, out, &st);
    ck_assert_str_eq(out, "https://k:6443 is throttling requests (429 Too Many Requests); retry after 7 s");
    ck_assert_int_eq(st.retry_after_s, 7);
    kube_status_free(&st);
}
END_TEST

START_TEST(unauthorized_and_server_errors)
{
    char out[512];
    sentence(401, "{\"kind\":\"Status\",\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}", NULL,
             &RUN_GET, out, NULL);
    ck_assert_str_eq(out, "unauthorized: https://k:6443 rejected the credentials of user 'alice' (context 'prod')");
    struct kube_what anon = RUN_GET;
    anon.no_credentials = true;
    sentence(401, "{\"kind\":\"Status\",\"message\":\"Unauthorized\",\"code\":401}", NULL, &anon, out, NULL);
    ck_assert_str_eq(out, "unauthorized: https://k:6443 wants credentials and the kubeconfig user 'alice' (context 'prod') "
                          "has none (no token, client certificate, exec plugin or password)");

    sentence(500, "<html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1>\n</body></html>",
             NULL, &RUN_GET, out, NULL);
    ck_assert_str_eq(out, "server error 500 from https://k:6443 on get agentruns.agents.proompteng.ai: "
                          "500 Internal Server Error");
    sentence(503, "", "2", &RUN_GET, out, NULL);
    ck_assert_str_eq(out, "server error 503 from https://k:6443 on get agentruns.agents.proompteng.ai (empty body); "
                          "retry after 2 s");
    sentence(500, "{\"kind\":\"Status\",\"mess", NULL, &RUN_GET, out, NULL); /* truncated JSON */
    ck_assert_str_eq(out, "server error 500 from https://k:6443 on get agentruns.agents.proompteng.ai: "
                          "{\"kind\":\"Status\",\"mess");
    /* terminal escapes and NULs from the server are neutralised */
    const char evil[] = "{\"kind\":\"Status\",\"message\":\"bad \\u001b]0;pwn\\u0007\",\"code\":500}";
    sentence(500, evil, NULL, &RUN_GET, out, NULL);
    ck_assert_ptr_null(strchr(out, 0x1b));
    ck_assert_ptr_nonnull(strstr(out, "^[]0;pwn^G"));
    struct kube_status st;
    kube_status_parse(502, "a\0b", 3, NULL, &st);
    ck_assert_str_eq(st.message, "a b");
    kube_status_free(&st);
    /* wrong types everywhere */
    sentence(409, "{\"kind\":7,\"message\":[],\"reason\":{},\"details\":{\"causes\":[1,\"x\",{\"field\":3}]},\"code\":\"x\"}",
             NULL, &RUN_GET, out, NULL);
    ck_assert_str_eq(out, "AgentRun \"x\" conflict in namespace \"agents\"");
    struct kube_what logs = {.verb = "logs", .kind = "Pod", .name = "p-1", .ns = "agents", .server = "https://k"};
    sentence(400, "{\"kind\":\"Status\",\"message\":\"container \\\"agent-runner\\\" in pod \\\"p-1\\\" is waiting to start: "
                  "ImagePullBackOff\",\"reason\":\"BadRequest\",\"code\":400}", NULL, &logs, out, NULL);
    ck_assert_str_eq(out, "cannot read logs of pod \"p-1\" in namespace \"agents\": container \"agent-runner\" in pod "
                          "\"p-1\" is waiting to start: ImagePullBackOff");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, not_found_and_forbidden);
    tcase_add_test(tc, conflict_invalid_gone_throttled);
    tcase_add_test(tc, unauthorized_and_server_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
