// Salesforce adapter: record -> request, response -> contact, table-driven
// over every disposition and direction. Salesforce publishes no API
// description, so requests are checked against recorded request/response
// pairs (tests/fixtures/crm/salesforce/, sources in SOURCES.md there).
#include "adapters/salesforce/salesforce_adapter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "adapter_test_support.h"
#include "adapters/salesforce/salesforce_query.h"
#include "connector/core/time.h"
#include "connector/json/call_json.h"

namespace cti::adapters {
namespace {

using nlohmann::json;
using namespace testing;

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

// Unknown callers enabled, created as `as` ("lead" or "contact").
SalesforceOptions creating(const std::string& as) {
  SalesforceOptions o = options();
  o.create_unknown_contacts = true;
  o.create_as = as;
  return o;
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
  return {file, fixture_json("crm/salesforce/" + file)};
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
  if (kind == "create_contact") {
    const SalesforceAdapter creator(creating(input.at("create_as")));
    auto req =
        creator.create_contact(core::PhoneNumber::parse(input.at("number").get<std::string>(), ""));
    EXPECT_TRUE(req) << r.file;
    return req ? *req : core::HttpRequest{};
  }
  EXPECT_EQ(kind, "find_logged_call") << r.file;
  return adapter.find_logged_call(input.at("call_id"));
}

TEST(SalesforceRecorded, EveryRequestMatchesItsRecording) {
  const SalesforceAdapter adapter(options());
  const auto files = all_recorded();
  EXPECT_GE(files.size(), 15u);
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

TEST(SalesforceRecorded, CreatedLeadAndContactAreDoneWithTheirRecordPages) {
  for (const char* file : {"create_lead.json", "create_contact.json"}) {
    SCOPED_TRACE(file);
    const Recorded r = recorded(file);
    const std::string as = r.doc["input"]["create_as"];
    const SalesforceAdapter adapter(creating(as));
    const auto number = core::PhoneNumber::parse(r.doc["input"]["number"].get<std::string>(), "");
    std::vector<Exchange> done;
    Step s = adapter.create_step(number, done);
    ASSERT_TRUE(s.is(Step::Kind::Send));
    EXPECT_EQ(s.request.url, r.doc["request"]["url"]);
    EXPECT_EQ(json::parse(s.request.body), r.doc["request"]["body"]);
    EXPECT_EQ(s.request.idempotency_key, "sf:contact:" + number.value());
    done.push_back({s.request, r.response()});
    s = adapter.create_step(number, done);
    ASSERT_TRUE(s.is(Step::Kind::Done)) << s.reason;
    ASSERT_TRUE(s.contact);
    const std::string id = r.doc["response"]["body"]["id"];
    const std::string type = as == "lead" ? "Lead" : "Contact";
    EXPECT_EQ(s.contact->crm, "sf");
    EXPECT_EQ(s.contact->id, id);
    EXPECT_EQ(s.contact->name, number.value());  // the LastName we sent
    EXPECT_EQ(s.contact->kind, as);
    EXPECT_EQ(s.contact->url, kInstance + "/lightning/r/" + type + "/" + id + "/view");
    EXPECT_EQ(s.contact->matches, 1);
  }
}

TEST(SalesforceRecorded, DuplicatesDetectedIsFailWithSalesforcesMessage) {
  const Recorded r = recorded("create_lead_duplicates_detected.json");
  const SalesforceAdapter adapter(creating("lead"));
  const auto number = core::PhoneNumber::parse(r.doc["input"]["number"].get<std::string>(), "");
  EXPECT_FALSE(adapter.parse_created(r.response()));
  const std::vector<Exchange> done{{*adapter.create_contact(number), r.response()}};
  const Step s = adapter.create_step(number, done);
  ASSERT_TRUE(s.is(Step::Kind::Fail));
  EXPECT_EQ(s.reason,
            "create lead: Salesforce refused it: DUPLICATES_DETECTED: Use one of these records?");
  EXPECT_FALSE(s.contact);
}

// --- call log: every disposition x direction x owner mapped/unmapped

// Started two seconds before midnight UTC (ActivityDate is that day), 124.6 s
// of talk (CallDurationInSeconds rounds it).
core::CallRecord record(core::Direction direction, core::Disposition disposition,
                        std::string agent) {
  return customer_call(direction, disposition, std::move(agent),
                       *core::parse_rfc3339("2026-11-28T23:59:58.500Z"), 124.6);
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
      SCOPED_TRACE(case_name(e.disposition, e.direction, mapped));
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
  const auto calls = not_logged_calls();
  for (const NotLogged& n : calls) EXPECT_FALSE(adapter.log_call(n.record, std::nullopt)) << n.what;
  EXPECT_TRUE(adapter.log_step(calls[0].record, {}, 1).is(Step::Kind::Fail));  // live
}

TEST(SalesforceLogCall, EveryGoldenCustomerRecordGivesATask) {
  const SalesforceAdapter adapter(options());
  const int logged =
      for_each_golden_call_log(adapter, [](const GoldenRecord& g, const core::HttpRequest& req) {
        const core::CallRecord& r = g.record;
        const json t = json::parse(req.body);
        EXPECT_EQ(t["CallObject"], r.call_id);
        EXPECT_EQ(t["CallDurationInSeconds"], std::llround(r.talk_s));
        EXPECT_EQ(t["ActivityDate"], g.json["started_at"].get<std::string>().substr(0, 10));
        EXPECT_EQ(t["CallType"], r.direction == core::Direction::Outbound ? "Outbound" : "Inbound");
      });
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
    const std::chrono::seconds after(c.after);
    const std::vector<Exchange> lookup{{*adapter.lookup(number), c.response}};
    expect_end(adapter.lookup_step(number, lookup), c.kind, after, "lookup: ", kToken);
    // ...in the Task's answer...
    std::vector<Exchange> chain{{*adapter.lookup(number), answer(200, R"({"searchRecords":[]})")},
                                {*adapter.log_call(r, std::nullopt), c.response}};
    expect_end(adapter.log_step(r, chain, 1), c.kind, after, "call log: ", kToken);
    // ...and in the search for an already logged call.
    const std::vector<Exchange> search{{adapter.find_logged_call(r.call_id), c.response}};
    expect_end(adapter.log_step(r, search, 3), c.kind, after,
               "search for an already logged call: ", kToken);
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
  expect_no_lookup(SalesforceAdapter(options()));
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

// --- unknown caller: create a lead (or a contact)

const core::PhoneNumber kUnknown = core::PhoneNumber::parse("+34912345678", "ES");

TEST(SalesforceCreateContact, OnlyWhenEnabled) {
  expect_creates_only_when_enabled(SalesforceAdapter(options()),
                                   SalesforceAdapter(creating("lead")));
}

TEST(SalesforceCreateContact, ALeadByDefaultWithTheNumberAsNameAndNoCompany) {
  auto o = options();
  o.create_unknown_contacts = true;  // create_as left at its default
  const auto req = SalesforceAdapter(o).create_contact(kUnknown);
  ASSERT_TRUE(req);
  expect_json_post(*req, kInstance + "/services/data/v61.0/sobjects/Lead",
                   {"Authorization", "Bearer " + kToken}, "sf:contact:+34912345678");
  EXPECT_EQ(
      json::parse(req->body),
      json::parse(
          R"({"LastName":"+34912345678","Company":"[not provided]","Phone":"+34912345678"})"));
}

TEST(SalesforceCreateContact, AContactHasNoCompany) {
  const auto req = SalesforceAdapter(creating("contact")).create_contact(kUnknown);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, kInstance + "/services/data/v61.0/sobjects/Contact");
  EXPECT_EQ(json::parse(req->body),
            json::parse(R"({"LastName":"+34912345678","Phone":"+34912345678"})"));
}

// The agent who clicked "create" owns the record (else the API user does).
TEST(SalesforceCreateContact, TheAgentWhoAskedOwnsTheRecord) {
  const SalesforceAdapter adapter(creating("lead"));
  const auto owned = adapter.create_contact({kUnknown, "ana"});
  ASSERT_TRUE(owned);
  EXPECT_EQ(json::parse(owned->body)["OwnerId"], "005Dn000001AnaXIAS");
  for (const char* agent : {"eva", ""})
    EXPECT_FALSE(json::parse(adapter.create_contact({kUnknown, agent})->body).contains("OwnerId"))
        << agent;
}

TEST(SalesforceCreateContact, NothingToCreateForExtensionsAndWithheld) {
  expect_no_create(SalesforceAdapter(creating("lead")));
}

TEST(SalesforceParseCreated, OnlyASuccessWithAnId) {
  const SalesforceAdapter adapter(creating("lead"));
  const auto c = adapter.parse_created(ok(R"({"id":"00QA","success":true,"errors":[]})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->crm, "sf");
  EXPECT_EQ(c->id, "00QA");
  EXPECT_EQ(c->kind, "lead");
  EXPECT_EQ(c->url, kInstance + "/lightning/r/Lead/00QA/view");
  for (const char* body :
       {R"({"id":"00QA","success":false,"errors":[]})", R"({"id":"00QA"})",
        R"({"success":true,"errors":[]})", R"({"id":7,"success":true})",
        R"({"id":"00QA","success":"true"})", R"([{"errorCode":"X","message":"y"}])", "nope"}) {
    EXPECT_FALSE(adapter.parse_created(ok(body))) << body;
  }
}

TEST(SalesforceCreateStep, RefusalsAndRetries) {
  const SalesforceAdapter adapter(creating("lead"));
  const core::HttpRequest sent = *adapter.create_contact(kUnknown);
  const EndCase cases[] = {
      {answer(400, R"([{"message":"Required fields are missing: [Company]",
           "errorCode":"REQUIRED_FIELD_MISSING","fields":["Company"]}])"),
       Step::Kind::Fail, 0,
       "create lead: Salesforce refused it: REQUIRED_FIELD_MISSING: Required fields are missing: "
       "[Company]"},
      // A save result that says no, whatever the status.
      {answer(201, R"({"id":"","success":false,"errors":[{"statusCode":"DUPLICATES_DETECTED",
           "message":"Use one of these records?","fields":[]}]})"),
       Step::Kind::Fail, 0,
       "create lead: Salesforce refused it: DUPLICATES_DETECTED: Use one of these records?"},
      {answer(201, R"({"success":true,"errors":[]})"), Step::Kind::Fail, 0,
       "create lead: the answer names no id"},
      {answer(404, "<html>"), Step::Kind::Fail, 0, "create lead: HTTP 404: <html>"},
      {answer(429, "", {{"Retry-After", "7"}}), Step::Kind::Retry, 7, "create lead: HTTP 429"},
      {answer(503, R"([{"message":"down","errorCode":"SERVER_UNAVAILABLE"}])"), Step::Kind::Retry,
       0, "create lead: HTTP 503"},
      {answer(403, R"([{"message":"x","errorCode":"REQUEST_LIMIT_EXCEEDED"}])"), Step::Kind::Retry,
       60, "create lead: Salesforce API request limit exceeded"},
      {answer(401,
              R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])"),
       Step::Kind::Retry, 0, "create lead: Salesforce rejected the access token"},
  };
  expect_ends(
      sent, cases, [&](auto so_far) { return adapter.create_step(kUnknown, so_far); }, kToken);
}

TEST(SalesforceAnswers, ErrorTextReadsErrorArraysAndSaveResults) {
  EXPECT_EQ(salesforce::error_text(answer(
                400, R"([{"message":"a","errorCode":"A"},{"message":"b","errorCode":"B"}])")),
            "A: a; B: b");
  EXPECT_EQ(salesforce::error_text(
                answer(201, R"({"success":false,"errors":[{"statusCode":"S","message":"m"}]})")),
            "S: m");
  EXPECT_EQ(salesforce::error_text(answer(400, R"([{"message":"only a message"}])")),
            "only a message");
  EXPECT_EQ(salesforce::error_text(answer(400, "not json")), "");
  EXPECT_EQ(salesforce::error_text(answer(201, R"({"id":"1","success":true})")), "");
  EXPECT_EQ(salesforce::error_text(answer(400, R"([{"errorCode":7}])")), "");
}

}  // namespace
}  // namespace cti::adapters
