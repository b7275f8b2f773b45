// Salesforce adapter: record -> request, response -> contact, table-driven
// over every disposition and direction. Salesforce publishes no API
// description, so requests are checked against recorded request/response
// pairs (tests/fixtures/crm/salesforce/, sources in SOURCES.md there).
#include "adapters/salesforce/salesforce_adapter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/salesforce/salesforce_query.h"
#include "connector/core/time.h"
#include "connector/json/call_json.h"

namespace cti::adapters {
namespace {

using nlohmann::json;

const std::string kInstance = "https://acme.my.salesforce.com";
const std::string kToken = "00D5g00000Fake!AQ4AQFakeAccessTokenForTests";

SalesforceOptions options() {
  SalesforceOptions o;
  o.name = "sf";
  o.base_url = kInstance + "/";
  o.token = kToken;
  o.users = {{"1001", "005Dn000001AnaXIAS"}, {"ana", "005Dn000001AnaXIAS"}};
  o.default_region = "ES";
  return o;
}

std::string header(const core::HttpRequest& req, const std::string& name) {
  for (const auto& [k, v] : req.headers) {
    if (k == name) return v;
  }
  return {};
}

core::HttpResponse answer(int status, std::string body,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
  core::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// The value of the `q` parameter, percent-decoded (independent of the
// adapter's encoder).
std::string decoded_q(const std::string& url) {
  const auto at = url.find("?q=");
  if (at == std::string::npos) return {};
  const std::string enc = url.substr(at + 3);
  std::string out;
  for (std::size_t i = 0; i < enc.size(); ++i) {
    if (enc[i] == '%' && i + 2 < enc.size()) {
      out += static_cast<char>(std::stoi(enc.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += enc[i];
    }
  }
  return out;
}

// --- recorded exchanges

struct Recorded {
  std::string file;
  json doc;
  core::HttpResponse response() const {
    const json& r = doc.at("response");
    core::HttpResponse out;
    out.status = r.at("status");
    if (const auto h = r.find("headers"); h != r.end()) {
      for (auto it = h->begin(); it != h->end(); ++it)
        out.headers.emplace_back(it.key(), it.value().get<std::string>());
    }
    out.body = r.at("body").dump();
    return out;
  }
};

Recorded recorded(const std::string& file) {
  std::ifstream in(std::string(CTI_FIXTURES) + "/crm/salesforce/" + file);
  EXPECT_TRUE(in) << file;
  return {file, json::parse(in)};
}

std::vector<Recorded> all_recorded() {
  std::vector<Recorded> out;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(CTI_FIXTURES) + "/crm/salesforce")) {
    if (e.path().extension() == ".json") out.push_back(recorded(e.path().filename().string()));
  }
  return out;
}

core::CallRecord record_of(const json& j) {
  auto r = cti::json::record_from_json(j);
  EXPECT_TRUE(r);
  return r ? *r : core::CallRecord{};
}

std::optional<Contact> contact_of(const json& input) {
  if (!input.contains("contact") || input["contact"].is_null()) return std::nullopt;
  Contact c;
  c.crm = "sf";
  c.id = input["contact"].at("id");
  c.ambiguous = input["contact"].value("ambiguous", false);
  c.matches = input["contact"].value("matches", 1);
  return c;
}

// What the adapter builds for a recorded exchange's input.
core::HttpRequest build(const SalesforceAdapter& adapter, const Recorded& r) {
  const std::string kind = r.doc.at("exchange");
  const json& input = r.doc.at("input");
  if (kind == "lookup") {
    auto req = adapter.lookup(core::PhoneNumber::parse(input.at("number").get<std::string>(), ""));
    EXPECT_TRUE(req) << r.file;
    return req ? *req : core::HttpRequest{};
  }
  if (kind == "log_call") {
    auto req = adapter.log_call(record_of(input.at("record")), contact_of(input));
    EXPECT_TRUE(req) << r.file;
    return req ? *req : core::HttpRequest{};
  }
  EXPECT_EQ(kind, "find_logged_call") << r.file;
  return adapter.find_logged_call(input.at("call_id"));
}

TEST(SalesforceRecorded, EveryRequestMatchesItsRecording) {
  const SalesforceAdapter adapter(options());
  const auto files = all_recorded();
  EXPECT_GE(files.size(), 12u);
  for (const Recorded& r : files) {
    SCOPED_TRACE(r.file);
    const json& want = r.doc.at("request");
    const core::HttpRequest got = build(adapter, r);
    EXPECT_EQ(got.method, want.at("method"));
    EXPECT_EQ(got.url, want.at("url"));
    for (const auto& [k, v] : want.at("headers").items()) EXPECT_EQ(header(got, k), v);
    if (want.at("body").is_null()) {
      EXPECT_EQ(got.body, "");
      EXPECT_EQ(got.method, "GET");
    } else {
      EXPECT_EQ(json::parse(got.body), want.at("body"));
      EXPECT_EQ(got.content_type, "application/json");
    }
    if (want.contains("q")) {
      EXPECT_EQ(decoded_q(got.url), want.at("q"));
    }
  }
}

TEST(SalesforceRecorded, ContactAndLeadMostRecentWinsAndIsAmbiguous) {
  const SalesforceAdapter adapter(options());
  const auto c = adapter.parse_lookup(recorded("lookup_contact_and_lead.json").response());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->crm, "sf");
  EXPECT_EQ(c->id, "003Dn00000QX9fGIAT");
  EXPECT_EQ(c->name, "Lucía Fernández");
  EXPECT_EQ(c->company, "Acme Logística SL");
  EXPECT_EQ(c->kind, "contact");
  EXPECT_EQ(c->url, kInstance + "/lightning/r/Contact/003Dn00000QX9fGIAT/view");
  EXPECT_EQ(c->updated_at, "2026-11-20T08:30:00.000+0000");
  EXPECT_TRUE(c->ambiguous);
  EXPECT_EQ(c->matches, 2);
}

TEST(SalesforceRecorded, LeadCarriesItsCompanyAndLeadUrl) {
  const SalesforceAdapter adapter(options());
  const auto c = adapter.parse_lookup(recorded("lookup_lead_only.json").response());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "00QDn00000AbCdEMAV");
  EXPECT_EQ(c->name, "Javier Ortega");
  EXPECT_EQ(c->company, "Ortega Transportes");
  EXPECT_EQ(c->kind, "lead");
  EXPECT_EQ(c->url, kInstance + "/lightning/r/Lead/00QDn00000AbCdEMAV/view");
  EXPECT_FALSE(c->ambiguous);
  EXPECT_EQ(c->matches, 1);
}

TEST(SalesforceRecorded, ContactWithoutAccountHasNoCompany) {
  const SalesforceAdapter adapter(options());
  const auto c = adapter.parse_lookup(recorded("lookup_contact_without_account.json").response());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "003Dn00000QX9fGIAT");
  EXPECT_EQ(c->company, "");
}

TEST(SalesforceRecorded, NoMatchIsDoneWithoutContact) {
  const SalesforceAdapter adapter(options());
  const Recorded r = recorded("lookup_no_match.json");
  EXPECT_FALSE(adapter.parse_lookup(r.response()));
  const auto number = core::PhoneNumber::parse("+34912345678", "ES");
  const std::vector<Exchange> so_far{{*adapter.lookup(number), r.response()}};
  const Step s = adapter.lookup_step(number, so_far);
  EXPECT_TRUE(s.is(Step::Kind::Done));
  EXPECT_FALSE(s.contact);
}

TEST(SalesforceRecorded, ExpiredTokenIsRetryWithAClearReasonAndNoToken) {
  const SalesforceAdapter adapter(options());
  const auto number = core::PhoneNumber::parse("+34912345678", "ES");
  const std::vector<Exchange> so_far{
      {*adapter.lookup(number), recorded("lookup_invalid_session.json").response()}};
  const Step s = adapter.lookup_step(number, so_far);
  ASSERT_TRUE(s.is(Step::Kind::Retry));
  EXPECT_NE(s.reason.find("INVALID_SESSION_ID"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("configure \"oauth\""), std::string::npos) << s.reason;
  EXPECT_EQ(s.reason.find(kToken), std::string::npos);
}

TEST(SalesforceRecorded, CreatedTaskEndsTheJobWithTheContact) {
  const SalesforceAdapter adapter(options());
  const Recorded lookup = recorded("lookup_contact_and_lead.json");
  const Recorded task = recorded("task_inbound_queue_answered.json");
  const auto r = record_of(task.doc["input"]["record"]);
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, lookup.doc["request"]["url"]);
  done.push_back({s.request, lookup.response()});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  // The recorded Task: linked to the looked-up contact, "contact_matches: 2".
  EXPECT_EQ(s.request.url, task.doc["request"]["url"]);
  EXPECT_EQ(json::parse(s.request.body), task.doc["request"]["body"]);
  EXPECT_EQ(s.request.idempotency_key, "sf:main-1795879465.0:call");
  done.push_back({s.request, task.response()});
  s = adapter.log_step(r, done, 1);
  EXPECT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "003Dn00000QX9fGIAT");
}

TEST(SalesforceRecorded, RequestLimitIsRetryAfterAMinuteAndABadPicklistIsFail) {
  const SalesforceAdapter adapter(options());
  const Recorded limit = recorded("task_request_limit_exceeded.json");
  const auto r = record_of(limit.doc["input"]["record"]);
  const auto number = core::PhoneNumber::parse(r.to, "");
  std::vector<Exchange> done{{*adapter.lookup(number), recorded("lookup_no_match.json").response()},
                             {*adapter.log_call(r, std::nullopt), limit.response()}};
  Step s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Retry));
  EXPECT_EQ(s.retry_after, std::chrono::seconds(60));
  EXPECT_NE(s.reason.find("REQUEST_LIMIT_EXCEEDED"), std::string::npos) << s.reason;

  done.back().response = recorded("task_bad_picklist.json").response();
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Fail));
  EXPECT_NE(s.reason.find("HTTP 400"), std::string::npos) << s.reason;
}

TEST(SalesforceRecorded, RetryStopsWhenTheTaskExistsAndLooksUpWhenNot) {
  const SalesforceAdapter adapter(options());
  const Recorded found = recorded("query_task_found.json");
  const auto r = record_of(recorded("task_outbound_unknown_unmapped.json").doc["input"]["record"]);
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, found.doc["request"]["url"]);
  done.push_back({s.request, found.response()});
  s = adapter.log_step(r, done, 2);
  EXPECT_TRUE(s.is(Step::Kind::Done));
  EXPECT_EQ(s.reason, "already logged by an earlier attempt");

  done.back().response = recorded("query_task_not_found.json").response();
  s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, adapter.lookup(core::PhoneNumber::parse(r.to, ""))->url);
  done.push_back({s.request, recorded("lookup_no_match.json").response()});
  s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(json::parse(s.request.body),
            recorded("task_outbound_unknown_unmapped.json").doc["request"]["body"]);
  done.push_back({s.request, recorded("task_outbound_unknown_unmapped.json").response()});
  EXPECT_TRUE(adapter.log_step(r, done, 2).is(Step::Kind::Done));
}

// --- call log: every disposition x direction x owner mapped/unmapped

core::CallRecord record(core::Direction direction, core::Disposition disposition,
                        std::string agent) {
  core::CallRecord r;
  r.call_id = "c-42";
  r.direction = direction;
  const bool in = direction != core::Direction::Outbound;
  r.from = in ? "+34912345678" : "1001";  // outbound: the agent's extension
  if (!in) r.caller_id_presented = "+34930000000";
  r.to = in ? "+34930000000" : "+34912345678";
  r.agent = std::move(agent);
  r.started_at = *core::parse_rfc3339("2026-11-28T23:59:58.500Z");
  const bool answered =
      disposition == core::Disposition::Answered || disposition == core::Disposition::Voicemail;
  if (answered) r.answered_at = r.started_at + std::chrono::seconds(5);
  r.ended_at = r.started_at + std::chrono::seconds(130);
  r.ring_s = 5;
  r.talk_s = answered ? 124.6 : 0.0;
  r.disposition = disposition;
  return r;
}

struct Expected {
  core::Disposition disposition;
  core::Direction direction;
  const char* call_type;
  const char* call_disposition;  // crm-apis.md §9
  const char* voicemail_line;    // nullptr: none in the Description
};

const Expected kTable[] = {
    {core::Disposition::Answered, core::Direction::Inbound, "Inbound", "Answered", nullptr},
    {core::Disposition::Answered, core::Direction::Outbound, "Outbound", "Answered", nullptr},
    {core::Disposition::Missed, core::Direction::Inbound, "Inbound", "Missed", nullptr},
    {core::Disposition::Missed, core::Direction::Outbound, "Outbound", "Missed", nullptr},
    {core::Disposition::Busy, core::Direction::Inbound, "Inbound", "Busy", nullptr},
    {core::Disposition::Busy, core::Direction::Outbound, "Outbound", "Busy", nullptr},
    {core::Disposition::Failed, core::Direction::Inbound, "Inbound", "Failed", nullptr},
    {core::Disposition::Failed, core::Direction::Outbound, "Outbound", "Failed", nullptr},
    {core::Disposition::Abandoned, core::Direction::Inbound, "Inbound", "Abandoned", nullptr},
    {core::Disposition::Abandoned, core::Direction::Outbound, "Outbound", "Abandoned", nullptr},
    {core::Disposition::Voicemail, core::Direction::Inbound, "Inbound", "Voicemail",
     "voicemail: caller left a voicemail\n"},
    {core::Disposition::Voicemail, core::Direction::Outbound, "Outbound", "Voicemail",
     "voicemail: we left a voicemail\n"},
};

// Task fields the adapter may send (Object Reference, crm-apis.md §3).
const std::set<std::string> kTaskFields{
    "Subject",         "TaskSubtype", "Status", "CallType", "CallDurationInSeconds",
    "CallDisposition", "CallObject",  "WhoId",  "OwnerId",  "ActivityDate",
    "Description"};

TEST(SalesforceLogCall, EveryDispositionAndDirection) {
  const SalesforceAdapter adapter(options());
  for (const Expected& e : kTable) {
    for (const bool mapped : {true, false}) {
      SCOPED_TRACE(std::string(core::to_string(e.disposition)) + " " +
                   std::string(core::to_string(e.direction)) + (mapped ? " mapped" : " unmapped"));
      const auto r = record(e.direction, e.disposition, mapped ? "1001" : "1099");
      const auto req = adapter.log_call(r, std::nullopt);
      ASSERT_TRUE(req);
      EXPECT_EQ(req->method, "POST");
      EXPECT_EQ(req->url, kInstance + "/services/data/v61.0/sobjects/Task");
      EXPECT_EQ(req->content_type, "application/json");
      EXPECT_EQ(header(*req, "Authorization"), "Bearer " + kToken);
      EXPECT_EQ(req->idempotency_key, "sf:c-42:call");

      const json t = json::parse(req->body);
      for (const auto& [key, value] : t.items()) EXPECT_TRUE(kTaskFields.contains(key)) << key;
      const bool in = e.direction == core::Direction::Inbound;
      EXPECT_EQ(t.at("TaskSubtype"), "Call");
      EXPECT_EQ(t.at("Status"), "Completed");
      EXPECT_EQ(t.at("CallType"), e.call_type);
      EXPECT_EQ(t.at("CallDisposition"), e.call_disposition);
      EXPECT_EQ(t.at("CallObject"), "c-42");
      const bool talked = e.disposition == core::Disposition::Answered ||
                          e.disposition == core::Disposition::Voicemail;
      ASSERT_TRUE(t.at("CallDurationInSeconds").is_number_integer());
      EXPECT_EQ(t.at("CallDurationInSeconds"), talked ? 125 : 0);
      EXPECT_EQ(t.at("ActivityDate"), "2026-11-28");  // the UTC day the call started
      EXPECT_EQ(t.at("Subject"),
                in ? "Inbound call from +34912345678" : "Outbound call to +34912345678");
      const std::string d = t.at("Description");
      EXPECT_TRUE(d.starts_with("cti_call_id: c-42\n")) << d;
      EXPECT_NE(d.find(in ? "from: +34912345678\n" : "from: +34930000000\n"), std::string::npos);
      EXPECT_NE(d.find("disposition: " + std::string(core::to_string(e.disposition)) + "\n"),
                std::string::npos);
      if (e.voicemail_line) {
        EXPECT_NE(d.find(e.voicemail_line), std::string::npos) << d;
      } else {
        EXPECT_EQ(d.find("voicemail:"), std::string::npos) << d;
      }
      if (mapped) {
        EXPECT_EQ(t.at("OwnerId"), "005Dn000001AnaXIAS");
      } else {
        EXPECT_FALSE(t.contains("OwnerId"));
      }
      EXPECT_FALSE(t.contains("WhoId"));
    }
  }
}

TEST(SalesforceLogCall, MappingTablesCoverEveryValue) {
  EXPECT_STREQ(salesforce::call_type(core::Direction::Internal), "Internal");
  std::set<std::string> dispositions;
  for (const Expected& e : kTable) dispositions.insert(salesforce::call_disposition(e.disposition));
  EXPECT_EQ(dispositions.size(), 6u);  // one text per disposition
}

TEST(SalesforceLogCall, LinksTheLookedUpContactOrLead) {
  const SalesforceAdapter adapter(options());
  Contact lead;
  lead.id = "00QDn00000AbCdEMAV";
  lead.kind = "lead";
  const auto req =
      adapter.log_call(record(core::Direction::Inbound, core::Disposition::Missed, "ana"), lead);
  ASSERT_TRUE(req);
  const json t = json::parse(req->body);
  EXPECT_EQ(t.at("WhoId"), "00QDn00000AbCdEMAV");
  EXPECT_EQ(t.at("OwnerId"), "005Dn000001AnaXIAS");
  EXPECT_EQ(t.at("Description").get<std::string>().find("contact_matches"), std::string::npos);
  // Through the base-class interface, as the delivery flow calls it.
  const CrmAdapter& base = adapter;
  EXPECT_EQ(
      base.log_call(record(core::Direction::Inbound, core::Disposition::Missed, "ana"), lead)->body,
      req->body);
}

TEST(SalesforceLogCall, DurationIsWholeSecondsOfTalk) {
  const SalesforceAdapter adapter(options());
  auto r = record(core::Direction::Outbound, core::Disposition::Answered, "1001");
  for (const auto& [talk, seconds] :
       std::vector<std::pair<double, int>>{{0.4, 0}, {0.5, 1}, {59.49, 59}, {3600.7, 3601}}) {
    r.talk_s = talk;
    EXPECT_EQ(json::parse(adapter.log_call(r, std::nullopt)->body)["CallDurationInSeconds"],
              seconds)
        << talk;
  }
}

TEST(SalesforceLogCall, InternalCallsConsultationLegsAndLiveCallsAreNotLogged) {
  const SalesforceAdapter adapter(options());
  EXPECT_TRUE(adapter.logs_calls());
  auto internal = record(core::Direction::Inbound, core::Disposition::Answered, "1001");
  internal.direction = core::Direction::Internal;
  EXPECT_FALSE(adapter.log_call(internal, std::nullopt));
  auto consultation = record(core::Direction::Inbound, core::Disposition::Answered, "1001");
  consultation.parent_call_id = "c-41";
  EXPECT_FALSE(adapter.log_call(consultation, std::nullopt));
  auto live = record(core::Direction::Inbound, core::Disposition::Answered, "1001");
  live.disposition.reset();
  EXPECT_FALSE(adapter.log_call(live, std::nullopt));
  EXPECT_TRUE(adapter.log_step(live, {}, 1).is(Step::Kind::Fail));
}

TEST(SalesforceLogCall, EveryGoldenCustomerRecordGivesATask) {
  const SalesforceAdapter adapter(options());
  int logged = 0;
  for (const auto& entry : std::filesystem::directory_iterator(CTI_GOLDEN)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    const json golden = json::parse(in);
    for (const json& j : golden.value("records", json::array())) {
      SCOPED_TRACE(entry.path().filename().string() + " " + j.value("call_id", ""));
      const auto r = record_of(j);
      const bool customer = r.direction != core::Direction::Internal && r.parent_call_id.empty();
      const auto req = adapter.log_call(r, std::nullopt);
      if (!customer || !r.disposition) {
        EXPECT_FALSE(req);
        continue;
      }
      ASSERT_TRUE(req);
      const json t = json::parse(req->body);
      EXPECT_EQ(t["CallObject"], r.call_id);
      EXPECT_EQ(t["CallDurationInSeconds"], std::llround(r.talk_s));
      EXPECT_EQ(t["ActivityDate"], j["started_at"].get<std::string>().substr(0, 10));
      EXPECT_EQ(t["CallType"], r.direction == core::Direction::Outbound ? "Outbound" : "Inbound");
      ++logged;
    }
  }
  EXPECT_GE(logged, 10);
}

// --- answers

TEST(SalesforceAnswers, RetryableFailAndSalesforcesOwnCodes) {
  const SalesforceAdapter adapter(options());
  const auto r = record(core::Direction::Inbound, core::Disposition::Answered, "1001");
  const auto number = core::PhoneNumber::parse(r.from, "");
  struct Case {
    core::HttpResponse response;
    Step::Kind kind;
    long long after;
  };
  const Case cases[] = {
      {answer(429, "", {{"Retry-After", "7"}}), Step::Kind::Retry, 7},
      {answer(503, R"([{"message":"down","errorCode":"SERVER_UNAVAILABLE"}])"), Step::Kind::Retry,
       0},
      {answer(500, "oops"), Step::Kind::Retry, 0},
      {answer(0, "connection refused"), Step::Kind::Retry, 0},
      {answer(403, R"([{"message":"x","errorCode":"REQUEST_LIMIT_EXCEEDED"}])"), Step::Kind::Retry,
       60},
      {answer(403, R"([{"message":"x","errorCode":"REQUEST_LIMIT_EXCEEDED"}])",
              {{"Retry-After", "120"}}),
       Step::Kind::Retry, 120},
      {answer(401,
              R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])"),
       Step::Kind::Retry, 0},
      {answer(403, R"([{"message":"no","errorCode":"INSUFFICIENT_ACCESS"}])"), Step::Kind::Fail, 0},
      {answer(401, "unauthorized"), Step::Kind::Fail, 0},
      {answer(400, R"([{"message":"bad","errorCode":"MALFORMED_QUERY"}])"), Step::Kind::Fail, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.response.status) + " " + c.response.body);
    // In the lookup...
    const std::vector<Exchange> lookup{{*adapter.lookup(number), c.response}};
    Step s = adapter.lookup_step(number, lookup);
    EXPECT_EQ(s.kind, c.kind);
    EXPECT_EQ(s.retry_after.count(), c.after);
    // ...in the Task's answer...
    std::vector<Exchange> chain{{*adapter.lookup(number), answer(200, R"({"searchRecords":[]})")},
                                {*adapter.log_call(r, std::nullopt), c.response}};
    s = adapter.log_step(r, chain, 1);
    EXPECT_EQ(s.kind, c.kind);
    EXPECT_EQ(s.retry_after.count(), c.after);
    EXPECT_NE(s.reason.find("call log"), std::string::npos) << s.reason;
    // ...and in the search for an already logged call.
    const std::vector<Exchange> search{{adapter.find_logged_call(r.call_id), c.response}};
    s = adapter.log_step(r, search, 3);
    EXPECT_EQ(s.kind, c.kind);
    EXPECT_EQ(s.retry_after.count(), c.after);
    EXPECT_EQ(s.reason.find(kToken), std::string::npos);
  }
}

TEST(SalesforceAnswers, ErrorCodesReadsTheErrorArray) {
  EXPECT_EQ(salesforce::error_codes(answer(
                403, R"([{"message":"a","errorCode":"A"},{"message":"b","errorCode":"B"}])")),
            (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(salesforce::error_codes(answer(403, "not json")).empty());
  EXPECT_TRUE(salesforce::error_codes(answer(403, R"({"errorCode":"A"})")).empty());
  EXPECT_TRUE(salesforce::error_codes(answer(403, R"([{"errorCode":7}])")).empty());
}

TEST(SalesforceAnswers, UnreadableSearchAnswerFails) {
  const SalesforceAdapter adapter(options());
  const auto r = record(core::Direction::Inbound, core::Disposition::Answered, "1001");
  const std::vector<Exchange> search{{adapter.find_logged_call(r.call_id), answer(200, "<html>")}};
  EXPECT_TRUE(adapter.log_step(r, search, 2).is(Step::Kind::Fail));
}

// --- lookup

TEST(SalesforceLookup, SoslSearchesBothFormsInPhoneFields) {
  const SalesforceAdapter adapter(options());
  const auto req = adapter.lookup(core::PhoneNumber::parse("+34912345678", "ES"));
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, "GET");
  EXPECT_TRUE(req->url.starts_with(kInstance + "/services/data/v61.0/search/?q=")) << req->url;
  EXPECT_EQ(header(*req, "Authorization"), "Bearer " + kToken);
  EXPECT_EQ(req->body, "");
  EXPECT_EQ(decoded_q(req->url),
            R"(FIND {"\+34912345678" OR "912345678"} IN PHONE FIELDS RETURNING )"
            R"(Contact(Id, Name, Account.Name, LastModifiedDate), )"
            R"(Lead(Id, Name, Company, LastModifiedDate))");
  // Nothing but unreserved characters and %XX escapes in the URL.
  const std::string q = req->url.substr(req->url.find("?q=") + 3);
  for (char c : q)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '%' || c == '-' || c == '_' ||
                c == '.' || c == '~')
        << c;
}

TEST(SalesforceLookup, NationalFormKeepsTheTrunkPrefixAndVersionIsConfigurable) {
  auto o = options();
  o.api_version = "62.0";
  o.default_region = "";
  const SalesforceAdapter adapter(o);
  const auto req = adapter.lookup(core::PhoneNumber::parse("+442071234567", "GB"));
  ASSERT_TRUE(req);
  EXPECT_TRUE(req->url.starts_with(kInstance + "/services/data/v62.0/search/?q=")) << req->url;
  EXPECT_TRUE(decoded_q(req->url).starts_with(R"(FIND {"\+442071234567" OR "02071234567"})"))
      << decoded_q(req->url);
}

TEST(SalesforceLookup, NothingToSearchForExtensionsAndWithheld) {
  const SalesforceAdapter adapter(options());
  for (const char* raw : {"1001", "anonymous", ""}) {
    const auto number = core::PhoneNumber::parse(raw, "ES");
    EXPECT_FALSE(adapter.lookup(number)) << raw;
    const Step s = adapter.lookup_step(number, {});
    EXPECT_TRUE(s.is(Step::Kind::Done)) << raw;
    EXPECT_FALSE(s.contact);
  }
}

TEST(SalesforceQuery, EscapesAndEncodes) {
  EXPECT_EQ(salesforce::escape_sosl(R"(+34 (91) 2-3 a&b|c!{}[]^~*:\"'?)"),
            R"(\+34 \(91\) 2\-3 a\&b\|c\!\{\}\[\]\^\~\*\:\\\"\'\?)");
  EXPECT_EQ(salesforce::escape_sosl("912345678"), "912345678");
  EXPECT_EQ(salesforce::escape_soql(R"(it's a \ test)"), R"(it\'s a \\ test)");
  EXPECT_EQ(salesforce::url_encode("a b+c/d?e=f&g'é~-_."),
            "a%20b%2Bc%2Fd%3Fe%3Df%26g%27%C3%A9~-_.");
}

// --- parse_lookup

core::HttpResponse ok(std::string body) { return {200, {}, std::move(body)}; }

TEST(SalesforceParseLookup, Non200AndGarbageAreNoContact) {
  const SalesforceAdapter adapter(options());
  const std::string one =
      R"({"searchRecords":[{"attributes":{"type":"Contact"},"Id":"003A","Name":"A"}]})";
  EXPECT_TRUE(adapter.parse_lookup(ok(one)));
  for (int status : {201, 400, 401, 403, 404, 500}) {
    EXPECT_FALSE(adapter.parse_lookup({status, {}, one})) << status;
  }
  EXPECT_FALSE(adapter.parse_lookup(ok("not json")));
  EXPECT_FALSE(adapter.parse_lookup(ok("{}")));
  EXPECT_FALSE(adapter.parse_lookup(ok(R"({"searchRecords":{}})")));
  EXPECT_FALSE(
      adapter.parse_lookup(ok(R"({"searchRecords":[{"attributes":{"type":"Contact"}}]})")));
  EXPECT_FALSE(adapter.parse_lookup(
      ok(R"({"searchRecords":[{"attributes":{"type":"Account"},"Id":"001A","Name":"Acme"}]})")));
}

TEST(SalesforceParseLookup, BareArrayOfOldVersionsAndTiesKeepServerOrder) {
  const SalesforceAdapter adapter(options());
  // API < 37.0 answered a bare array. Same dates: the first wins; an undated
  // record never beats a dated one.
  const auto c = adapter.parse_lookup(ok(R"([
      {"attributes":{"type":"Lead"},"Id":"00QA","Name":"Undated"},
      {"attributes":{"type":"Contact"},"Id":"003A","Name":"First","LastModifiedDate":"2026-01-01T00:00:00.000+0000"},
      {"attributes":{"type":"Contact"},"Id":"003B","Name":"Second","LastModifiedDate":"2026-01-01T01:00:00.000+0100"}])"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "003A");
  EXPECT_EQ(c->matches, 3);
  EXPECT_TRUE(c->ambiguous);
}

TEST(SalesforceParseLookup, AppUrlOverridesTheRecordPageHost) {
  auto o = options();
  o.app_url = "https://acme.lightning.force.com/";
  const auto c = SalesforceAdapter(o).parse_lookup(
      ok(R"({"searchRecords":[{"attributes":{"type":"Contact"},"Id":"003A","Name":"A"}]})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->url, "https://acme.lightning.force.com/lightning/r/Contact/003A/view");
}

}  // namespace
}  // namespace cti::adapters
