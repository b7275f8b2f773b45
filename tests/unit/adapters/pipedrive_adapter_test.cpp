// Pipedrive adapter: record -> request, response -> contact, table-driven over
// every disposition and direction; every request checked offline against the
// operations in Pipedrive's own API descriptions (fragments converted to JSON
// in tests/fixtures/crm/pipedrive/, see its SOURCES.md).
#include "adapters/pipedrive/pipedrive_adapter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "adapter_test_support.h"
#include "connector/core/time.h"
#include "openapi_check.h"

namespace cti::adapters {
namespace {

using nlohmann::json;
using namespace testing;

const json& spec() {
  static const json s = fixture_json("crm/pipedrive/pipedrive.fragments.json");
  return s;
}
const json& operation(const char* key) { return spec().at("paths").at(key); }

PipedriveOptions options() {
  PipedriveOptions o;
  o.name = "pd";
  o.base_url = "https://acme.pipedrive.com";
  o.token = "pd-token-secret";
  o.users = {{"1001", "777001"}, {"ana", "777002"}};
  return o;
}

// --- call log: every disposition x direction x user mapped/unmapped

struct Expected {
  core::Disposition disposition;
  core::Direction direction;
  const char* outcome;
};

// crm-apis.md §9 (inbound voicemail and failed: see pipedrive::outcome).
const Expected kTable[] = {
    {core::Disposition::Answered, core::Direction::Inbound, "connected"},
    {core::Disposition::Answered, core::Direction::Outbound, "connected"},
    {core::Disposition::Missed, core::Direction::Inbound, "no_answer"},
    {core::Disposition::Missed, core::Direction::Outbound, "no_answer"},
    {core::Disposition::Busy, core::Direction::Inbound, "busy"},
    {core::Disposition::Busy, core::Direction::Outbound, "busy"},
    {core::Disposition::Failed, core::Direction::Inbound, "no_answer"},
    {core::Disposition::Failed, core::Direction::Outbound, "no_answer"},
    {core::Disposition::Abandoned, core::Direction::Inbound, "no_answer"},
    {core::Disposition::Abandoned, core::Direction::Outbound, "no_answer"},
    {core::Disposition::Voicemail, core::Direction::Inbound, "no_answer"},
    {core::Disposition::Voicemail, core::Direction::Outbound, "left_voicemail"},
};

TEST(PipedriveLogCall, EveryDispositionAndDirection) {
  const PipedriveAdapter adapter(options());
  for (const Expected& e : kTable) {
    for (const bool mapped : {true, false}) {
      SCOPED_TRACE(case_name(e.disposition, e.direction, mapped));
      const auto r = customer_call(e.direction, e.disposition, mapped ? "1001" : "1099");
      const auto req = adapter.log_call(r, std::nullopt);
      ASSERT_TRUE(req);
      EXPECT_EQ(req->method, "POST");
      EXPECT_EQ(req->url, "https://acme.pipedrive.com/api/v1/callLogs");
      EXPECT_EQ(header(*req, "x-api-token"), "pd-token-secret");
      EXPECT_EQ(req->url.find("api_token"), std::string::npos);
      EXPECT_EQ(req->idempotency_key, "pd:c-42:call");

      const json body = json::parse(req->body);
      EXPECT_EQ(openapi::check_body(operation("POST /callLogs"), body), std::vector<std::string>{});
      const bool in = e.direction == core::Direction::Inbound;
      EXPECT_EQ(body.at("outcome"), e.outcome);
      const bool talked = e.disposition == core::Disposition::Answered ||
                          e.disposition == core::Disposition::Voicemail;
      EXPECT_EQ(body.at("duration"), talked ? "125" : "0");
      EXPECT_EQ(body.at("start_time"), "2026-11-28T15:24:15.442Z");
      EXPECT_EQ(body.at("end_time"), "2026-11-28T15:26:25.442Z");
      EXPECT_EQ(body.at("from_phone_number"), in ? "+34912345678" : "+34930000000");
      EXPECT_EQ(body.at("to_phone_number"), r.to);
      EXPECT_EQ(body.at("subject"),
                in ? "Inbound call from +34912345678" : "Outbound call to +34912345678");
      const std::string note = body.at("note");
      EXPECT_TRUE(note.starts_with("<p>cti_call_id: c-42<br>")) << note;
      EXPECT_NE(note.find("disposition: " + std::string(core::to_string(e.disposition))),
                std::string::npos);
      if (mapped) {
        EXPECT_EQ(body.at("user_id"), 777001);
      } else {
        EXPECT_FALSE(body.contains("user_id"));
      }
      EXPECT_FALSE(body.contains("person_id"));
    }
  }
}

TEST(PipedriveLogCall, OutcomesAreInTheSpecEnum) {
  const json& values = operation("POST /callLogs")["requestBody"]["content"]["application/json"]
                                                  ["schema"]["properties"]["outcome"]["enum"];
  const std::set<std::string> allowed(values.begin(), values.end());
  EXPECT_EQ(allowed.size(), 6u);
  for (const Expected& e : kTable)
    for (const int cause : {0, 1, 16, 17, 28})
      EXPECT_TRUE(allowed.contains(pipedrive::outcome(e.disposition, e.direction, cause)));
}

TEST(PipedriveLogCall, FailedToAnInvalidNumberIsWrongNumber) {
  for (const int cause : {1, 28}) {
    EXPECT_STREQ(pipedrive::outcome(core::Disposition::Failed, core::Direction::Outbound, cause),
                 "wrong_number");
  }
  EXPECT_STREQ(pipedrive::outcome(core::Disposition::Failed, core::Direction::Outbound, 34),
               "no_answer");
  // The cause only matters for failed calls.
  EXPECT_STREQ(pipedrive::outcome(core::Disposition::Busy, core::Direction::Outbound, 1), "busy");
  const PipedriveAdapter adapter(options());
  auto r = customer_call(core::Direction::Outbound, core::Disposition::Failed, "1001");
  r.hangup_cause = 1;
  EXPECT_EQ(json::parse(adapter.log_call(r, std::nullopt)->body)["outcome"], "wrong_number");
}

TEST(PipedriveLogCall, LinksThePersonAndNotesAmbiguity) {
  const PipedriveAdapter adapter(options());
  Contact c;
  c.crm = "pd";
  c.id = "4211";
  c.ambiguous = true;
  c.matches = 3;
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "ana");
  const json body = json::parse(adapter.log_call(r, c)->body);
  EXPECT_EQ(openapi::check_body(operation("POST /callLogs"), body), std::vector<std::string>{});
  EXPECT_EQ(body["person_id"], 4211);
  EXPECT_EQ(body["user_id"], 777002);
  EXPECT_NE(body["note"].get<std::string>().find("contact_matches: 3"), std::string::npos);
  c.id = "not-a-number";  // never sent as a string where the spec wants an integer
  EXPECT_FALSE(json::parse(adapter.log_call(r, c)->body).contains("person_id"));
}

TEST(PipedriveLogCall, DurationIsWholeSecondsAndNoteIsEscapedHtml) {
  const PipedriveAdapter adapter(options());
  auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  r.talk_s = 12.6;
  r.queue = "<sales & support>";
  const json body = json::parse(adapter.log_call(r, std::nullopt)->body);
  EXPECT_EQ(body["duration"], "13");
  const std::string note = body["note"];
  EXPECT_NE(note.find("queue: &lt;sales &amp; support&gt;"), std::string::npos) << note;
  EXPECT_EQ(note.find("<sales"), std::string::npos);
}

TEST(PipedriveLogCall, LiveInternalAndConsultationCallsAreNotLogged) {
  const PipedriveAdapter adapter(options());
  EXPECT_TRUE(adapter.logs_calls());
  for (const NotLogged& n : not_logged_calls())
    EXPECT_FALSE(adapter.log_call(n.record, std::nullopt)) << n.what;
}

TEST(PipedriveLogCall, EveryGoldenCustomerRecordGivesASpecValidCallLog) {
  const PipedriveAdapter adapter(options());
  const int logged = for_each_golden_call_log(adapter, [](const GoldenRecord& g,
                                                          const core::HttpRequest& req) {
    const json body = json::parse(req.body);
    EXPECT_EQ(openapi::check_body(operation("POST /callLogs"), body), std::vector<std::string>{});
    EXPECT_EQ(body["duration"], std::to_string(std::llround(g.record.talk_s)));
    EXPECT_EQ(body["start_time"], g.json["started_at"]);
  });
  EXPECT_GE(logged, 10);
}

// --- lookup

const core::PhoneNumber kCaller = core::PhoneNumber::parse("+34912345678", "ES");

std::string search_answer(const std::vector<std::pair<int, std::string>>& persons) {
  json items = json::array();
  for (const auto& [id, name] : persons) {
    items.push_back({{"result_score", 0.5},
                     {"item",
                      {{"id", id},
                       {"type", "person"},
                       {"name", name},
                       {"phones", {"+34912345678"}},
                       {"organization", {{"id", 7}, {"name", name + " Org"}}}}}});
  }
  return json{{"success", true}, {"data", {{"items", items}}}}.dump();
}
const std::string kNobody = search_answer({});

TEST(PipedriveLookup, SearchesTheE164FormThenTheNationalForm) {
  const PipedriveAdapter adapter(options());
  std::vector<Exchange> done;
  Step s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.method, "GET");
  EXPECT_EQ(path_of(s.request.url), "https://acme.pipedrive.com/api/v2/persons/search");
  EXPECT_EQ(header(s.request, "x-api-token"), "pd-token-secret");
  EXPECT_EQ(openapi::check_query(operation("GET /persons/search"), s.request.url),
            std::vector<std::string>{});
  auto q = openapi::query_of(s.request.url);
  EXPECT_EQ(q["term"], "+34912345678");
  EXPECT_NE(s.request.url.find("term=%2B34912345678"), std::string::npos);  // '+' encoded
  EXPECT_EQ(q["fields"], "phone");
  EXPECT_EQ(q["exact_match"], "true");
  EXPECT_EQ(q["limit"], "10");

  done.push_back({s.request, answer(200, kNobody)});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(openapi::check_query(operation("GET /persons/search"), s.request.url),
            std::vector<std::string>{});
  EXPECT_EQ(openapi::query_of(s.request.url)["term"], "912345678");

  done.push_back({s.request, answer(200, kNobody)});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  EXPECT_FALSE(s.contact);
}

TEST(PipedriveLookup, OneMatchStopsAtTheFirstFormWithTheAppLink) {
  const PipedriveAdapter adapter(options());
  std::vector<Exchange> done;
  Step s = adapter.lookup_step(kCaller, done);
  done.push_back({s.request, answer(200, search_answer({{4211, "Ana García"}}))});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->crm, "pd");
  EXPECT_EQ(s.contact->id, "4211");
  EXPECT_EQ(s.contact->name, "Ana García");
  EXPECT_EQ(s.contact->company, "Ana García Org");
  EXPECT_EQ(s.contact->url, "https://acme.pipedrive.com/person/4211");
  EXPECT_FALSE(s.contact->ambiguous);
  EXPECT_EQ(s.contact->matches, 1);
}

TEST(PipedriveLookup, NationalFormMatchIsFound) {
  const PipedriveAdapter adapter(options());
  std::vector<Exchange> done;
  Step s = adapter.lookup_step(kCaller, done);
  done.push_back({s.request, answer(200, kNobody)});
  s = adapter.lookup_step(kCaller, done);
  done.push_back({s.request, answer(200, search_answer({{9, "Luis"}}))});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "9");
}

TEST(PipedriveLookup, SeveralMatchesMostRecentlyUpdatedWinsAndIsAmbiguous) {
  const PipedriveAdapter adapter(options());
  std::vector<Exchange> done;
  Step s = adapter.lookup_step(kCaller, done);
  done.push_back({s.request, answer(200, search_answer({{11, "Old"}, {12, "New"}, {13, "Mid"}}))});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(path_of(s.request.url), "https://acme.pipedrive.com/api/v2/persons");
  EXPECT_EQ(openapi::check_query(operation("GET /persons"), s.request.url),
            std::vector<std::string>{});
  auto q = openapi::query_of(s.request.url);
  EXPECT_EQ(q["ids"], "11,12,13");
  EXPECT_EQ(q["sort_by"], "update_time");
  EXPECT_EQ(q["sort_direction"], "desc");
  // Out of order on purpose: the adapter compares the times itself.
  done.push_back({s.request, answer(200, R"({"success":true,"data":[
      {"id":11,"name":"Old","update_time":"2025-01-01T00:00:00Z"},
      {"id":13,"name":"Mid","update_time":"2026-03-01T00:00:00Z"},
      {"id":12,"name":"New","update_time":"2026-11-20T08:30:00Z"}]})")});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "12");
  EXPECT_EQ(s.contact->name, "New");
  EXPECT_EQ(s.contact->company, "New Org");
  EXPECT_EQ(s.contact->updated_at, "2026-11-20T08:30:00Z");
  EXPECT_TRUE(s.contact->ambiguous);
  EXPECT_EQ(s.contact->matches, 3);
}

TEST(PipedriveLookup, OrderingRequestRefusedKeepsTheSearchOrderButBusyRetries) {
  const PipedriveAdapter adapter(options());
  std::vector<Exchange> done;
  Step s = adapter.lookup_step(kCaller, done);
  done.push_back({s.request, answer(200, search_answer({{11, "First"}, {12, "Second"}}))});
  s = adapter.lookup_step(kCaller, done);
  done.push_back({s.request, answer(403, R"({"success":false})")});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "11");
  EXPECT_TRUE(s.contact->ambiguous);
  done.back().response = answer(503, "");
  EXPECT_TRUE(adapter.lookup_step(kCaller, done).is(Step::Kind::Retry));
}

TEST(PipedriveLookup, NonSuccessAnswers) {
  const PipedriveAdapter adapter(options());
  const char* search = "person search: HTTP ";
  const EndCase cases[] = {
      {answer(429, "", {{"x-ratelimit-reset", "2"}}), Step::Kind::Retry, 2, search},
      {answer(429, "", {{"Retry-After", "7"}}), Step::Kind::Retry, 7, search},
      {answer(429, ""), Step::Kind::Retry, 0, search},
      {answer(500, ""), Step::Kind::Retry, 0, search},
      {answer(0, "connection refused"), Step::Kind::Retry, 0, "person search: network error"},
      {answer(401, R"({"success":false,"error":"unauthorized access"})"), Step::Kind::Fail, 0,
       search},
      {answer(400, ""), Step::Kind::Fail, 0, search},
  };
  expect_ends(
      adapter.lookup_step(kCaller, {}).request, cases,
      [&](auto so_far) { return adapter.lookup_step(kCaller, so_far); }, "pd-token-secret");
}

TEST(PipedriveLookup, NothingToSearchForExtensionsAndWithheld) {
  expect_no_lookup(PipedriveAdapter(options()));
}

TEST(PipedriveLookup, GarbageAnswersAreNoMatch) {
  const PipedriveAdapter adapter(options());
  for (const char* body : {"not json", "[]", R"({"data":[]})", R"({"data":{"items":{}}})",
                           R"({"data":{"items":[{"item":{"name":"no id"}}]}})"}) {
    SCOPED_TRACE(body);
    std::vector<Exchange> done;
    Step s = adapter.lookup_step(kCaller, done);
    done.push_back({s.request, answer(200, body)});
    s = adapter.lookup_step(kCaller, done);
    ASSERT_TRUE(s.is(Step::Kind::Send));  // on to the national form
    done.push_back({s.request, answer(200, body)});
    s = adapter.lookup_step(kCaller, done);
    ASSERT_TRUE(s.is(Step::Kind::Done));
    EXPECT_FALSE(s.contact);
  }
}

TEST(PipedriveLookup, AppLinkOnlyForACompanyDomainOrWhenConfigured) {
  struct Case {
    const char* base_url;
    const char* app_url;
    const char* expected;
  };
  const Case cases[] = {
      {"https://acme.pipedrive.com/", "", "https://acme.pipedrive.com/person/5"},
      {"https://api.pipedrive.com", "", ""},
      {"http://127.0.0.1:4010", "", ""},
      {"http://127.0.0.1:4010", "https://acme.pipedrive.com/",
       "https://acme.pipedrive.com/person/5"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.base_url);
    auto o = options();
    o.base_url = c.base_url;
    o.app_url = c.app_url;
    const PipedriveAdapter adapter(o);
    std::vector<Exchange> done;
    Step s = adapter.lookup_step(kCaller, done);
    EXPECT_TRUE(s.request.url.starts_with(std::string(o.base_url).substr(0, 10)));
    EXPECT_EQ(s.request.url.find("//api/"), std::string::npos);  // trailing slash trimmed
    done.push_back({s.request, answer(200, search_answer({{5, "X"}}))});
    s = adapter.lookup_step(kCaller, done);
    ASSERT_TRUE(s.contact);
    EXPECT_EQ(s.contact->url, c.expected);
  }
}

// --- the call-log job (log_step)

TEST(PipedriveLogStep, LooksUpThenLogsWithThePersonThenIsDone) {
  const PipedriveAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(path_of(s.request.url), "https://acme.pipedrive.com/api/v2/persons/search");
  done.push_back({s.request, answer(200, search_answer({{4211, "Ana"}}))});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://acme.pipedrive.com/api/v1/callLogs");
  EXPECT_EQ(json::parse(s.request.body)["person_id"], 4211);
  done.push_back({s.request, answer(200, R"({"success":true,"data":{"id":"CA1"}})")});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "4211");
}

TEST(PipedriveLogStep, NoPersonAfterBothFormsLogsWithoutOne) {
  const PipedriveAdapter adapter(options());
  const auto r = customer_call(core::Direction::Outbound, core::Disposition::Busy, "ana");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  done.push_back({s.request, answer(200, kNobody)});
  s = adapter.log_step(r, done, 1);
  done.push_back({s.request, answer(200, kNobody)});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  const json body = json::parse(s.request.body);
  EXPECT_FALSE(body.contains("person_id"));
  EXPECT_EQ(body["outcome"], "busy");
}

TEST(PipedriveLogStep, CallLogAnswers) {
  const PipedriveAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  done.push_back({s.request, answer(200, search_answer({{4211, "Ana"}}))});
  s = adapter.log_step(r, done, 1);
  done.push_back({s.request, {}});
  done.back().response = answer(429, "", {{"X-RateLimit-Reset", "2"}});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Retry));
  EXPECT_EQ(s.retry_after, std::chrono::seconds(2));
  done.back().response = answer(502, "");
  EXPECT_TRUE(adapter.log_step(r, done, 1).is(Step::Kind::Retry));
  done.back().response = answer(400, R"({"success":false,"error":"\"outcome\" is required."})");
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Fail));
  EXPECT_NE(s.reason.find("HTTP 400"), std::string::npos) << s.reason;
}

TEST(PipedriveLogStep, RetryLooksForTheCallFirstAndStopsWhenAlreadyLogged) {
  const PipedriveAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(path_of(s.request.url), "https://acme.pipedrive.com/api/v2/activities");
  EXPECT_EQ(openapi::check_query(operation("GET /activities"), s.request.url),
            std::vector<std::string>{});
  auto q = openapi::query_of(s.request.url);
  EXPECT_EQ(q["updated_since"], "2026-11-28T15:24:15Z");
  EXPECT_EQ(q["owner_id"], "777001");
  EXPECT_EQ(q["sort_by"], "update_time");

  done.push_back({s.request, answer(200, R"({"success":true,"data":[
      {"id":1,"subject":"Other","note":"<p>cti_call_id: c-4<br>x</p>"},
      {"id":2,"subject":"Inbound call","note":"<p>cti_call_id: c-42<br>disposition: answered</p>"}]})")});
  s = adapter.log_step(r, done, 2);
  EXPECT_TRUE(s.is(Step::Kind::Done));
  EXPECT_EQ(s.reason, "already logged by an earlier attempt");

  // Only c-4 and c-420: not ours, so on to the lookup.
  done.back().response = answer(200, R"({"success":true,"data":[
      {"id":1,"note":"<p>cti_call_id: c-4<br>x</p>"},{"id":3,"note":"<p>cti_call_id: c-420</p>"}]})");
  s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(path_of(s.request.url), "https://acme.pipedrive.com/api/v2/persons/search");
  done.push_back({s.request, answer(200, search_answer({{4211, "Ana"}}))});
  s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://acme.pipedrive.com/api/v1/callLogs");
}

TEST(PipedriveLogStep, RetrySearchAnswers) {
  const PipedriveAdapter adapter(options());
  auto r = customer_call(core::Direction::Inbound, core::Disposition::Missed, "");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 3);
  EXPECT_FALSE(openapi::query_of(s.request.url).contains("owner_id"));  // agent unmapped
  done.push_back({s.request, answer(429, "", {{"Retry-After", "4"}})});
  s = adapter.log_step(r, done, 3);
  ASSERT_TRUE(s.is(Step::Kind::Retry));
  EXPECT_EQ(s.retry_after, std::chrono::seconds(4));
  // No activities scope (403): log anyway rather than lose the call.
  done.back().response = answer(403, R"({"success":false})");
  s = adapter.log_step(r, done, 3);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(path_of(s.request.url), "https://acme.pipedrive.com/api/v2/persons/search");
}

// --- unknown caller: create a person

PipedriveOptions creating() {
  auto o = options();
  o.create_unknown_contacts = true;
  return o;
}

TEST(PipedriveCreateContact, OnlyWhenEnabled) {
  expect_creates_only_when_enabled(PipedriveAdapter(options()), PipedriveAdapter(creating()));
}

TEST(PipedriveCreateContact, PostsAPersonNamedByTheNumberWithItsPhone) {
  const PipedriveAdapter adapter(creating());
  const auto req = adapter.create_contact(kCaller);
  ASSERT_TRUE(req);
  expect_json_post(*req, "https://acme.pipedrive.com/api/v2/persons",
                   {"x-api-token", "pd-token-secret"}, "pd:contact:+34912345678");
  const json body = json::parse(req->body);
  EXPECT_EQ(body, json::parse(R"({"name":"+34912345678",
      "phones":[{"value":"+34912345678","primary":true,"label":"work"}]})"));
  EXPECT_EQ(openapi::check_body(operation("POST /persons"), body), std::vector<std::string>{});
}

// The agent who clicked "create" owns the person (an integer user id); one
// the block does not map, or maps to something not numeric, leaves
// Pipedrive's default (the token's user).
TEST(PipedriveCreateContact, TheAgentWhoAskedOwnsThePerson) {
  auto o = creating();
  o.users["ben"] = "not-a-user-id";
  const PipedriveAdapter adapter(o);
  const auto owned = adapter.create_contact({kCaller, "ana"});
  ASSERT_TRUE(owned);
  const json body = json::parse(owned->body);
  EXPECT_EQ(body["owner_id"], 777002);
  EXPECT_EQ(openapi::check_body(operation("POST /persons"), body), std::vector<std::string>{});
  for (const char* agent : {"ben", "eva", ""})
    EXPECT_FALSE(json::parse(adapter.create_contact({kCaller, agent})->body).contains("owner_id"))
        << agent;
}

TEST(PipedriveCreateContact, NothingToCreateForExtensionsAndWithheld) {
  expect_no_create(PipedriveAdapter(creating()));
}

TEST(PipedriveParseCreated, ThePersonWithItsLinkOrNothing) {
  const PipedriveAdapter adapter(creating());
  const auto c = adapter.parse_created(
      answer(200, R"({"success":true,"data":{"id":4242,"name":"+34912345678","phones":[]}})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->crm, "pd");
  EXPECT_EQ(c->id, "4242");
  EXPECT_EQ(c->name, "+34912345678");
  EXPECT_EQ(c->url, "https://acme.pipedrive.com/person/4242");
  EXPECT_EQ(c->kind, "");  // the lookup sets no kind either: persons only
  EXPECT_EQ(c->matches, 1);
  EXPECT_FALSE(c->ambiguous);
  for (const char* body :
       {R"({"success":false,"error":"Bad request","data":{"id":4242}})", R"({"success":true})",
        R"({"success":true,"data":{"name":"x"}})", R"({"success":true,"data":{"id":"4242"}})",
        R"({"success":true,"data":[]})", "not json", "[]"}) {
    EXPECT_FALSE(adapter.parse_created(answer(200, body))) << body;
  }
  auto o = creating();
  o.base_url = "https://api.pipedrive.com";  // no company domain: no link
  EXPECT_EQ(PipedriveAdapter(o)
                .parse_created(answer(200, R"({"success":true,"data":{"id":7,"name":"n"}})"))
                ->url,
            "");
}

TEST(PipedriveCreateStep, SendsThenIsDoneWithTheNewPerson) {
  const PipedriveAdapter adapter(creating());
  std::vector<Exchange> done;
  Step s = adapter.create_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.body, adapter.create_contact(kCaller)->body);
  EXPECT_EQ(s.request.idempotency_key, "pd:contact:+34912345678");
  done.push_back({s.request, answer(201, R"({"success":true,"data":{"id":4242}})")});
  s = adapter.create_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "4242");
  EXPECT_EQ(s.contact->name, "+34912345678");  // the answer named none: what we sent
  EXPECT_EQ(s.contact->url, "https://acme.pipedrive.com/person/4242");
}

TEST(PipedriveCreateStep, RefusalsAndRetries) {
  const PipedriveAdapter adapter(creating());
  const core::HttpRequest sent = *adapter.create_contact(kCaller);
  const EndCase cases[] = {
      {answer(200, R"({"success":false,"error":"Person limit reached","error_info":"Upgrade"})"),
       Step::Kind::Fail, 0, "create person: Pipedrive refused it: Person limit reached (Upgrade)"},
      {answer(200, R"({"success":false})"), Step::Kind::Fail, 0,
       R"(create person: Pipedrive refused it: HTTP 200: {"success":false})"},
      {answer(400, R"({"success":false,"error":"Name is required"})"), Step::Kind::Fail, 0,
       "create person: HTTP 400: Name is required"},
      {answer(200, R"({"success":true,"data":{}})"), Step::Kind::Fail, 0,
       "create person: the answer names no id"},
      {answer(429, "", {{"x-ratelimit-reset", "2"}}), Step::Kind::Retry, 2,
       "create person: HTTP 429"},
      {answer(429, "", {{"Retry-After", "7"}}), Step::Kind::Retry, 7, "create person: HTTP 429"},
      {answer(503, ""), Step::Kind::Retry, 0, "create person: HTTP 503"},
      {answer(0, "connection refused"), Step::Kind::Retry, 0, "create person"},
  };
  expect_ends(
      sent, cases, [&](auto so_far) { return adapter.create_step(kCaller, so_far); },
      "pd-token-secret");
}

TEST(PipedriveSpecChecker, RejectsWhatTheSpecRejects) {
  // The checks bite: a missing required field, a number where the spec wants
  // a string, an unknown outcome, a non-RFC 3339 time, bad query parameters.
  const auto errors = openapi::check_body(
      operation("POST /callLogs"),
      json::parse(R"({"outcome":"answered","duration":125,"start_time":"2026-11-28 15:24:15",
                      "end_time":"2026-11-28T15:26:25Z"})"));
  EXPECT_EQ(errors.size(), 4u) << json(errors).dump();
  EXPECT_EQ(openapi::check_query(operation("GET /persons/search"),
                                 "https://x/api/v2/persons/search?term=1&fields=phone,email"
                                 "&exact_match=yes&api_token=t")
                .size(),
            3u);
  EXPECT_EQ(
      openapi::check_query(operation("GET /persons/search"), "https://x/s?fields=phone").size(),
      1u);  // term is required
}

}  // namespace
}  // namespace cti::adapters
