// Zoho adapter: record -> request, response -> contact, table-driven over
// every disposition and direction. Zoho's description (zoho/crm-oas record.json)
// is generic ({module_api_name}, records are free maps), so the Calls fields,
// Call_Type values and the Call_Duration format are checked against
// crm-apis.md §4/§9 by hand; the search query against the parameters both
// record.json and module_search.json declare (module_search requires per_page).
#include "adapters/zoho/zoho_adapter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "adapter_test_support.h"
#include "connector/core/time.h"
#include "openapi_check.h"

namespace cti::adapters {
namespace {

using nlohmann::json;
using namespace testing;

ZohoOptions options() {
  ZohoOptions o;
  o.name = "zc";
  o.token = "1000.zoho-secret";
  o.users = {{"1001", "5725767000000411001"}, {"ana", "5725767000000411002"}};
  return o;
}

// The search parameters of zoho/crm-oas v8 module_search.json (per_page
// required there) — the union with record.json's, which are all optional.
const json& search_operation() {
  static const json op = json::parse(R"({"parameters":[
    {"name":"criteria","in":"query","schema":{"type":"string"}},
    {"name":"email","in":"query","schema":{"type":"string"}},
    {"name":"phone","in":"query","schema":{"type":"string"}},
    {"name":"word","in":"query","schema":{"type":"string"}},
    {"name":"converted","in":"query","schema":{"type":"string","enum":["true","false","both"]}},
    {"name":"approved","in":"query","schema":{"type":"string"}},
    {"name":"page","in":"query","schema":{"type":"integer"}},
    {"name":"per_page","in":"query","required":true,"schema":{"type":"integer"}},
    {"name":"fields","in":"query","schema":{"type":"string"}},
    {"name":"cvid","in":"query","schema":{"type":"string"}},
    {"name":"type","in":"query","schema":{"type":"string"}}]})");
  return op;
}

// One Calls record as crm-apis.md §4 describes it; the problems found.
std::vector<std::string> check_call(const json& doc) {
  std::vector<std::string> errors;
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array() ||
      doc["data"].size() != 1 || !doc["data"][0].is_object())
    return {"body: expected {\"data\":[one record]}"};
  const json& c = doc["data"][0];
  static const std::set<std::string> types{"Inbound", "Outbound", "Missed"};
  if (!c.contains("Call_Type") || !types.contains(c["Call_Type"].get<std::string>()))
    errors.push_back("Call_Type not Inbound/Outbound/Missed");
  static const std::regex start(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)");
  if (!c.contains("Call_Start_Time") ||
      !std::regex_match(c["Call_Start_Time"].get<std::string>(), start))
    errors.push_back("Call_Start_Time not ISO-8601 with offset");
  static const std::regex duration(R"(\d{2,}:[0-5]\d)");
  if (c.value("Call_Type", "") != "Missed" &&
      (!c.contains("Call_Duration") ||
       !std::regex_match(c["Call_Duration"].get<std::string>(), duration)))
    errors.push_back("Call_Duration not mm:ss on a completed call");
  if (!c.contains("Subject") || !c["Subject"].is_string()) errors.push_back("Subject missing");
  for (const char* lookup : {"Who_Id", "What_Id", "Owner"})
    if (c.contains(lookup) && !(c[lookup].is_object() && c[lookup]["id"].is_string()))
      errors.push_back(std::string(lookup) + " not {\"id\": string}");
  if (c.contains("What_Id") != c.contains("$se_module"))
    errors.push_back("What_Id needs $se_module");
  return errors;
}

// --- call log: every disposition x direction x owner mapped/unmapped

struct Expected {
  core::Disposition disposition;
  core::Direction direction;
  const char* call_type;
  const char* duration;  // nullptr: none (Missed)
};

const Expected kTable[] = {
    {core::Disposition::Answered, core::Direction::Inbound, "Inbound", "02:05"},
    {core::Disposition::Answered, core::Direction::Outbound, "Outbound", "02:05"},
    {core::Disposition::Missed, core::Direction::Inbound, "Missed", nullptr},
    {core::Disposition::Missed, core::Direction::Outbound, "Outbound", "00:00"},
    {core::Disposition::Busy, core::Direction::Inbound, "Inbound", "00:00"},
    {core::Disposition::Busy, core::Direction::Outbound, "Outbound", "00:00"},
    {core::Disposition::Failed, core::Direction::Inbound, "Inbound", "00:00"},
    {core::Disposition::Failed, core::Direction::Outbound, "Outbound", "00:00"},
    {core::Disposition::Abandoned, core::Direction::Inbound, "Missed", nullptr},
    {core::Disposition::Abandoned, core::Direction::Outbound, "Outbound", "00:00"},
    {core::Disposition::Voicemail, core::Direction::Inbound, "Missed", nullptr},
    {core::Disposition::Voicemail, core::Direction::Outbound, "Outbound", "02:05"},
};

TEST(ZohoLogCall, EveryDispositionAndDirection) {
  const ZohoAdapter adapter(options());
  for (const Expected& e : kTable) {
    for (const bool mapped : {true, false}) {
      SCOPED_TRACE(case_name(e.disposition, e.direction, mapped));
      const auto r = customer_call(e.direction, e.disposition, mapped ? "1001" : "1099");
      const auto req = adapter.log_call(r, std::nullopt);
      ASSERT_TRUE(req);
      EXPECT_EQ(req->method, "POST");
      EXPECT_EQ(req->url, "https://www.zohoapis.com/crm/v8/Calls");
      EXPECT_EQ(header(*req, "Authorization"), "Zoho-oauthtoken 1000.zoho-secret");
      EXPECT_EQ(req->idempotency_key, "zc:c-42:call");
      const json doc = json::parse(req->body);
      EXPECT_EQ(check_call(doc), std::vector<std::string>{});
      EXPECT_FALSE(doc.contains("trigger"));
      const json& c = doc["data"][0];
      const bool in = e.direction == core::Direction::Inbound;
      EXPECT_EQ(c["Call_Type"], e.call_type);
      EXPECT_EQ(c["Call_Start_Time"], "2026-11-28T15:24:15+00:00");
      if (e.duration) {
        EXPECT_EQ(c["Call_Duration"], e.duration);
      } else {
        EXPECT_FALSE(c.contains("Call_Duration"));
      }
      EXPECT_EQ(c["Subject"],
                in ? "Inbound call from +34912345678" : "Outbound call to +34912345678");
      const std::string text = c["Description"];
      EXPECT_TRUE(text.starts_with("cti_call_id: c-42\n")) << text;
      EXPECT_NE(text.find("disposition: " + std::string(core::to_string(e.disposition)) + "\n"),
                std::string::npos);
      EXPECT_NE(text.find(in ? "from: +34912345678\n" : "from: +34930000000\n"), std::string::npos);
      if (mapped) {
        EXPECT_EQ(c["Owner"], json::parse(R"({"id":"5725767000000411001"})"));
      } else {
        EXPECT_FALSE(c.contains("Owner"));
      }
      EXPECT_FALSE(c.contains("Who_Id"));
      EXPECT_FALSE(c.contains("What_Id"));
      EXPECT_FALSE(c.contains("Call_Result"));  // none configured
    }
  }
}

TEST(ZohoLogCall, DurationIsMinutesAndSeconds) {
  EXPECT_EQ(zoho::call_duration(0), "00:00");
  EXPECT_EQ(zoho::call_duration(9.4), "00:09");
  EXPECT_EQ(zoho::call_duration(59.6), "01:00");
  EXPECT_EQ(zoho::call_duration(125), "02:05");
  EXPECT_EQ(zoho::call_duration(3725), "62:05");  // minutes are not wrapped into hours
  EXPECT_EQ(zoho::call_duration(-3), "00:00");
}

TEST(ZohoLogCall, ContactIsWhoIdLeadIsWhatIdWithModule) {
  const ZohoAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "ana");
  Contact c;
  c.crm = "zc";
  c.id = "5725767000000222001";
  c.kind = "contact";
  json call = json::parse(adapter.log_call(r, c)->body)["data"][0];
  EXPECT_EQ(call["Who_Id"], json::parse(R"({"id":"5725767000000222001"})"));
  EXPECT_FALSE(call.contains("What_Id"));
  EXPECT_FALSE(call.contains("$se_module"));
  EXPECT_EQ(call["Owner"]["id"], "5725767000000411002");

  c.kind = "lead";
  c.ambiguous = true;
  c.matches = 2;
  const json doc = json::parse(adapter.log_call(r, c)->body);
  EXPECT_EQ(check_call(doc), std::vector<std::string>{});
  call = doc["data"][0];
  EXPECT_FALSE(call.contains("Who_Id"));
  EXPECT_EQ(call["What_Id"], json::parse(R"({"id":"5725767000000222001"})"));
  EXPECT_EQ(call["$se_module"], "Leads");
  EXPECT_NE(call["Description"].get<std::string>().find("contact_matches: 2\n"), std::string::npos);
}

TEST(ZohoLogCall, CallResultAndCallIdFieldWhenConfigured) {
  auto o = options();
  o.call_results = {{"busy", "No response/Busy"}};
  o.call_id_field = "CTI_Call_ID";
  o.base_url = "https://www.zohoapis.eu/";
  const ZohoAdapter adapter(o);
  auto req = adapter.log_call(customer_call(core::Direction::Outbound, core::Disposition::Busy, ""),
                              std::nullopt);
  EXPECT_EQ(req->url, "https://www.zohoapis.eu/crm/v8/Calls");
  json call = json::parse(req->body)["data"][0];
  EXPECT_EQ(call["Call_Result"], "No response/Busy");
  EXPECT_EQ(call["CTI_Call_ID"], "c-42");
  call = json::parse(
      adapter
          .log_call(customer_call(core::Direction::Outbound, core::Disposition::Answered, ""),
                    std::nullopt)
          ->body)["data"][0];
  EXPECT_FALSE(call.contains("Call_Result"));
}

TEST(ZohoLogCall, LiveInternalAndConsultationCallsAreNotLogged) {
  const ZohoAdapter adapter(options());
  EXPECT_TRUE(adapter.logs_calls());
  for (const NotLogged& n : not_logged_calls())
    EXPECT_FALSE(adapter.log_call(n.record, std::nullopt)) << n.what;
}

TEST(ZohoLogCall, EveryGoldenCustomerRecordGivesAValidCall) {
  const ZohoAdapter adapter(options());
  const int logged =
      for_each_golden_call_log(adapter, [](const GoldenRecord&, const core::HttpRequest& req) {
        EXPECT_EQ(check_call(json::parse(req.body)), std::vector<std::string>{});
      });
  EXPECT_GE(logged, 10);
}

TEST(ZohoCallChecker, RejectsWhatTheReferenceRejects) {
  EXPECT_EQ(check_call(json::parse(R"({"data":[{"Subject":"x","Call_Type":"Incoming",
      "Call_Start_Time":"2026-11-28T15:24:15Z","Call_Duration":"125",
      "What_Id":{"id":"1"},"Owner":{"id":5}}]})"))
                .size(),
            5u);
}

// --- lookup

const core::PhoneNumber kCaller = core::PhoneNumber::parse("+34912345678", "ES");

TEST(ZohoLookup, SearchesContactsThenLeadsAnd204IsNoMatch) {
  const ZohoAdapter adapter(options());
  std::vector<Exchange> done;
  Step s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.method, "GET");
  EXPECT_EQ(path_of(s.request.url), "https://www.zohoapis.com/crm/v8/Contacts/search");
  EXPECT_EQ(header(s.request, "Authorization"), "Zoho-oauthtoken 1000.zoho-secret");
  EXPECT_EQ(openapi::check_query(search_operation(), s.request.url), std::vector<std::string>{});
  EXPECT_NE(s.request.url.find("phone=%2B34912345678"), std::string::npos);
  EXPECT_EQ(openapi::query_of(s.request.url)["per_page"], "10");

  done.push_back({s.request, answer(204, "")});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(path_of(s.request.url), "https://www.zohoapis.com/crm/v8/Leads/search");
  EXPECT_EQ(openapi::check_query(search_operation(), s.request.url), std::vector<std::string>{});

  done.push_back({s.request, answer(204, "")});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  EXPECT_FALSE(s.contact);
}

TEST(ZohoLookup, ContactMatchStopsBeforeLeads) {
  auto o = options();
  o.app_url = "https://crm.zoho.eu/crm/org20071234/";
  const ZohoAdapter adapter(o);
  std::vector<Exchange> done;
  Step s = adapter.lookup_step(kCaller, done);
  done.push_back({s.request, answer(200, R"({"data":[{"id":"5725767000000222001",
      "Full_Name":"Ana García","First_Name":"Ana","Last_Name":"García","Phone":"+34912345678",
      "Account_Name":{"id":"9","name":"Acme SL"},"Modified_Time":"2026-11-01T10:00:00+01:00",
      "Owner":{"id":"1","name":"x"}}],"info":{"per_page":10,"count":1,"page":1,
      "more_records":false}})")});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->crm, "zc");
  EXPECT_EQ(s.contact->id, "5725767000000222001");
  EXPECT_EQ(s.contact->name, "Ana García");
  EXPECT_EQ(s.contact->company, "Acme SL");
  EXPECT_EQ(s.contact->kind, "contact");
  EXPECT_EQ(s.contact->updated_at, "2026-11-01T10:00:00+01:00");
  EXPECT_EQ(s.contact->url, "https://crm.zoho.eu/crm/org20071234/tab/Contacts/5725767000000222001");
  EXPECT_FALSE(s.contact->ambiguous);
  EXPECT_EQ(s.contact->matches, 1);
}

TEST(ZohoLookup, LeadsMostRecentlyModifiedWinsAndIsAmbiguous) {
  const ZohoAdapter adapter(options());  // no app_url: no link
  std::vector<Exchange> done;
  Step s = adapter.lookup_step(kCaller, done);
  done.push_back({s.request, answer(204, "")});
  s = adapter.lookup_step(kCaller, done);
  // Offsets differ: 09:00+01:00 (08:00Z) is later than 07:30Z.
  done.push_back({s.request, answer(200, R"({"data":[
      {"id":"L1","Last_Name":"Early","Company":"Old Co","Modified_Time":"2026-11-20T07:30:00+00:00"},
      {"id":"L2","First_Name":"Eva","Last_Name":"Late","Company":"New Co",
       "Modified_Time":"2026-11-20T09:00:00+01:00"}],
      "info":{"count":2,"more_records":false}})")});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "L2");
  EXPECT_EQ(s.contact->name, "Eva Late");
  EXPECT_EQ(s.contact->company, "New Co");
  EXPECT_EQ(s.contact->kind, "lead");
  EXPECT_TRUE(s.contact->ambiguous);
  EXPECT_EQ(s.contact->matches, 2);
  EXPECT_EQ(s.contact->url, "");
}

TEST(ZohoLookup, EmptyDataIsNoMatchToo) {
  const ZohoAdapter adapter(options());
  std::vector<Exchange> done;
  Step s = adapter.lookup_step(kCaller, done);
  done.push_back({s.request, answer(200, R"({"data":[],"info":{"count":0}})")});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Send));  // on to Leads
  done.push_back({s.request, answer(200, "not json")});
  s = adapter.lookup_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  EXPECT_FALSE(s.contact);
}

TEST(ZohoLookup, NonSuccessAnswers) {
  const ZohoAdapter adapter(options());
  const char* search = "Contacts search: HTTP ";
  const EndCase cases[] = {
      {answer(429, "", {{"Retry-After", "30"}}), Step::Kind::Retry, 30, search},
      // Not read as a delay (an epoch value would otherwise mean an hour's wait).
      {answer(429, "", {{"X-RATELIMIT-RESET", "1795879515000"}}), Step::Kind::Retry, 0, search},
      {answer(500, ""), Step::Kind::Retry, 0, search},
      {answer(401, R"({"code":"INVALID_TOKEN"})"), Step::Kind::Fail, 0, search},
      {answer(400, R"({"code":"INVALID_QUERY"})"), Step::Kind::Fail, 0, search},
  };
  expect_ends(
      adapter.lookup_step(kCaller, {}).request, cases,
      [&](auto so_far) { return adapter.lookup_step(kCaller, so_far); }, "zoho-secret");
}

TEST(ZohoLookup, NothingToSearchForExtensionsAndWithheld) {
  expect_no_lookup(ZohoAdapter(options()));
}

// --- unknown caller: create a lead (or a contact)

ZohoOptions creating(const char* as = "lead") {
  auto o = options();
  o.create_unknown_contacts = true;
  o.create_as = as;
  o.app_url = "https://crm.zoho.eu/crm/org20071234";
  return o;
}

// record.json's request schema of POST /crm/v8/{module} (Body_Wrapper, its
// items resolved to Record) from the Prism copy of Zoho's description.
const json& create_operation() {
  static const json op = [] {
    const json spec = fixture_json("crm/zoho/prism/record.json");
    const json& post = spec.at("paths").at("/crm/v8/{module_api_name}").at("post");
    EXPECT_EQ(post.at("requestBody").at("content").at("application/json").at("schema").at("$ref"),
              "#/components/schemas/Body_Wrapper");
    json body = spec.at("components").at("schemas").at("Body_Wrapper");
    body["properties"]["data"]["items"] = spec.at("components").at("schemas").at("Record");
    return json{{"requestBody", {{"content", {{"application/json", {{"schema", body}}}}}}}};
  }();
  return op;
}

const std::string kLeadAdded = R"({"data":[{"code":"SUCCESS","details":{
    "Modified_Time":"2026-11-28T16:24:15+01:00","Modified_By":{"name":"API","id":"1"},
    "Created_Time":"2026-11-28T16:24:15+01:00","id":"5725767000000649013",
    "Created_By":{"name":"API","id":"1"}},"message":"record added","status":"success"}]})";
const std::string kDuplicate = R"({"data":[{"code":"DUPLICATE_DATA","details":{
    "api_name":"Phone","json_path":"$.data[0].Phone","duplicate_record":{
    "id":"5725767000000649001","module":{"api_name":"Leads","id":"2"}}},
    "message":"duplicate data","status":"error"}]})";

TEST(ZohoCreateContact, OnlyWhenEnabled) {
  expect_creates_only_when_enabled(ZohoAdapter(options()), ZohoAdapter(creating()));
}

TEST(ZohoCreateContact, PostsALeadByDefaultNamedByTheNumber) {
  const ZohoAdapter adapter(creating());
  const auto req = adapter.create_contact(kCaller);
  ASSERT_TRUE(req);
  expect_json_post(*req, "https://www.zohoapis.com/crm/v8/Leads",
                   {"Authorization", "Zoho-oauthtoken 1000.zoho-secret"},
                   "zc:contact:+34912345678");
  const json body = json::parse(req->body);
  EXPECT_EQ(body, json::parse(R"({"data":[{"Last_Name":"+34912345678","Phone":"+34912345678"}]})"));
  EXPECT_EQ(openapi::check_body(create_operation(), body), std::vector<std::string>{});
}

TEST(ZohoCreateContact, CreateAsContactPostsToContacts) {
  const ZohoAdapter adapter(creating("contact"));
  const auto req = adapter.create_contact(kCaller);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://www.zohoapis.com/crm/v8/Contacts");
  EXPECT_EQ(json::parse(req->body),
            json::parse(R"({"data":[{"Last_Name":"+34912345678","Phone":"+34912345678"}]})"));
}

// The agent who clicked "create" owns the record; one the block does not map
// (or an integration token, no agent) leaves Zoho's default owner.
TEST(ZohoCreateContact, TheAgentWhoAskedOwnsTheRecord) {
  const ZohoAdapter adapter(creating());
  const auto owned = adapter.create_contact({kCaller, "ana"});
  ASSERT_TRUE(owned);
  const json body = json::parse(owned->body);
  EXPECT_EQ(body["data"][0]["Owner"], json::parse(R"({"id":"5725767000000411002"})"));
  EXPECT_EQ(openapi::check_body(create_operation(), body), std::vector<std::string>{});
  for (const char* agent : {"eva", ""})
    EXPECT_FALSE(
        json::parse(adapter.create_contact({kCaller, agent})->body)["data"][0].contains("Owner"))
        << agent;
}

TEST(ZohoCreateContact, NothingToCreateForExtensionsAndWithheld) {
  expect_no_create(ZohoAdapter(creating()));
}

TEST(ZohoParseCreated, TheNewRecordWithItsKindAndLinkOrNothing) {
  const auto lead = ZohoAdapter(creating()).parse_created(answer(201, kLeadAdded));
  ASSERT_TRUE(lead);
  EXPECT_EQ(lead->crm, "zc");
  EXPECT_EQ(lead->id, "5725767000000649013");
  EXPECT_EQ(lead->kind, "lead");
  EXPECT_EQ(lead->url, "https://crm.zoho.eu/crm/org20071234/tab/Leads/5725767000000649013");
  EXPECT_EQ(lead->matches, 1);
  const auto contact = ZohoAdapter(creating("contact")).parse_created(answer(201, kLeadAdded));
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->kind, "contact");
  EXPECT_EQ(contact->url, "https://crm.zoho.eu/crm/org20071234/tab/Contacts/5725767000000649013");
  auto no_link = creating();
  no_link.app_url.clear();
  EXPECT_EQ(ZohoAdapter(no_link).parse_created(answer(201, kLeadAdded))->url, "");

  const ZohoAdapter adapter(creating());
  for (const std::string& body : {kDuplicate, std::string(R"({"data":[]})"),
                                  std::string(R"({"data":[{"status":"success","details":{}}]})"),
                                  std::string(R"({"data":[{"status":"success"}]})"),
                                  std::string(R"({"details":{"id":"1"}})"), std::string("nope")}) {
    EXPECT_FALSE(adapter.parse_created(answer(201, body))) << body;
  }
}

TEST(ZohoCreateStep, SendsThenIsDoneWithTheNewLead) {
  const ZohoAdapter adapter(creating());
  std::vector<Exchange> done;
  Step s = adapter.create_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://www.zohoapis.com/crm/v8/Leads");
  EXPECT_EQ(s.request.idempotency_key, "zc:contact:+34912345678");
  done.push_back({s.request, answer(201, kLeadAdded)});
  s = adapter.create_step(kCaller, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "5725767000000649013");
  EXPECT_EQ(s.contact->name, "+34912345678");  // what we sent as Last_Name
  EXPECT_EQ(s.contact->kind, "lead");
}

TEST(ZohoCreateStep, RefusalsAndRetries) {
  const ZohoAdapter adapter(creating());
  const core::HttpRequest sent = *adapter.create_contact(kCaller);
  const EndCase cases[] = {
      // Zoho's refusal inside a 2xx, and the same body with a 400.
      {answer(202, kDuplicate), Step::Kind::Fail, 0,
       "create lead: Zoho refused it: DUPLICATE_DATA: duplicate data (Phone)"},
      {answer(400, kDuplicate), Step::Kind::Fail, 0,
       "create lead: Zoho refused it: DUPLICATE_DATA: duplicate data (Phone)"},
      {answer(201, R"({"data":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"Last_Name"},
           "message":"required field not found","status":"error"}]})"),
       Step::Kind::Fail, 0,
       "create lead: Zoho refused it: MANDATORY_NOT_FOUND: required field not found (Last_Name)"},
      {answer(401, R"({"code":"INVALID_TOKEN","message":"invalid oauth token","status":"error"})"),
       Step::Kind::Fail, 0, "create lead: HTTP 401"},
      {answer(201, R"({"data":[{"status":"success","details":{}}]})"), Step::Kind::Fail, 0,
       "create lead: the answer names no id"},
      {answer(429, "", {{"Retry-After", "30"}}), Step::Kind::Retry, 30, "create lead: HTTP 429"},
      {answer(429, "", {{"X-RATELIMIT-RESET", "1795879515000"}}), Step::Kind::Retry, 0,
       "create lead: HTTP 429"},
      {answer(500, ""), Step::Kind::Retry, 0, "create lead: HTTP 500"},
  };
  expect_ends(
      sent, cases, [&](auto so_far) { return adapter.create_step(kCaller, so_far); },
      "zoho-secret");
  // A contact is named so in the reason.
  const ZohoAdapter contacts(creating("contact"));
  const std::vector<Exchange> done{{*contacts.create_contact(kCaller), answer(202, kDuplicate)}};
  EXPECT_TRUE(contacts.create_step(kCaller, done).reason.starts_with("create contact: "));
}

TEST(ZohoCreateContact, CheckerBitesOnAWrongShape) {
  EXPECT_FALSE(openapi::check_body(create_operation(), json::parse(R"({"data":{"Last_Name":"x"}})"))
                   .empty());
}

TEST(ZohoDataCentre, EveryDocumentedDataCentreHasItsApiDomain) {
  const std::pair<const char*, const char*> table[] = {
      {"com", "https://www.zohoapis.com"}, {"eu", "https://www.zohoapis.eu"},
      {"in", "https://www.zohoapis.in"},   {"com.au", "https://www.zohoapis.com.au"},
      {"jp", "https://www.zohoapis.jp"},   {"ca", "https://www.zohoapis.ca"},
      {"sa", "https://www.zohoapis.sa"},
  };
  for (const auto& [dc, url] : table) EXPECT_EQ(zoho::data_centre_url(dc), url) << dc;
  for (const char* bad : {"", "us", "EU", "de", "com.cn"}) EXPECT_FALSE(zoho::data_centre_url(bad));
}

// --- the call-log job (log_step)

const char* kContactFound =
    R"({"data":[{"id":"C1","Full_Name":"Ana","Modified_Time":"2026-01-01T00:00:00+00:00"}]})";
const char* kLeadFound =
    R"({"data":[{"id":"L1","Last_Name":"Lead","Modified_Time":"2026-01-01T00:00:00+00:00"}]})";
const char* kInserted =
    R"({"data":[{"code":"SUCCESS","details":{"id":"99"},"message":"record added","status":"success"}]})";

TEST(ZohoLogStep, LooksUpThenLogsWithTheContactThenIsDone) {
  const ZohoAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(path_of(s.request.url), "https://www.zohoapis.com/crm/v8/Contacts/search");
  done.push_back({s.request, answer(200, kContactFound)});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://www.zohoapis.com/crm/v8/Calls");
  EXPECT_EQ(json::parse(s.request.body)["data"][0]["Who_Id"]["id"], "C1");
  done.push_back({s.request, answer(201, kInserted)});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "C1");
}

TEST(ZohoLogStep, LeadFoundAfterContactsIsLinkedAsALead) {
  const ZohoAdapter adapter(options());
  const auto r = customer_call(core::Direction::Outbound, core::Disposition::Answered, "ana");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  done.push_back({s.request, answer(204, "")});
  s = adapter.log_step(r, done, 1);
  done.push_back({s.request, answer(200, kLeadFound)});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  const json call = json::parse(s.request.body)["data"][0];
  EXPECT_EQ(call["What_Id"]["id"], "L1");
  EXPECT_EQ(call["$se_module"], "Leads");
}

TEST(ZohoLogStep, CallLogAnswers) {
  const ZohoAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Missed, "");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  done.push_back({s.request, answer(204, "")});
  s = adapter.log_step(r, done, 1);
  done.push_back({s.request, answer(204, "")});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_FALSE(json::parse(s.request.body)["data"][0].contains("Who_Id"));
  done.push_back(
      {s.request, answer(429, "", {{"Retry-After", "12"}, {"X-RateLimit-Reset", "99"}})});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Retry));
  EXPECT_EQ(s.retry_after, std::chrono::seconds(12));
  done.back().response = answer(429, "", {{"X-RateLimit-Reset", "1795879515000"}});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Retry));
  EXPECT_EQ(s.retry_after, std::chrono::seconds(0));
  done.back().response = answer(503, "");
  EXPECT_TRUE(adapter.log_step(r, done, 1).is(Step::Kind::Retry));
  done.back().response = answer(400, R"({"data":[{"code":"MANDATORY_NOT_FOUND"}]})");
  EXPECT_TRUE(adapter.log_step(r, done, 1).is(Step::Kind::Fail));
  // A 2xx whose record was refused is a failure too.
  done.back().response =
      answer(202, R"({"data":[{"code":"INVALID_DATA","details":{"api_name":"Call_Duration"},
      "message":"invalid data","status":"error"}]})");
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Fail));
  EXPECT_NE(s.reason.find("INVALID_DATA"), std::string::npos) << s.reason;
}

TEST(ZohoLogStep, RetrySearchesCallsByWordAndStopsWhenAlreadyLogged) {
  const ZohoAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(path_of(s.request.url), "https://www.zohoapis.com/crm/v8/Calls/search");
  EXPECT_EQ(openapi::check_query(search_operation(), s.request.url), std::vector<std::string>{});
  EXPECT_EQ(openapi::query_of(s.request.url)["word"], "c-42");

  done.push_back({s.request, answer(200, R"({"data":[
      {"id":"7","Description":"cti_call_id: c-42\ndisposition: answered\n"}]})")});
  s = adapter.log_step(r, done, 2);
  EXPECT_TRUE(s.is(Step::Kind::Done));
  EXPECT_EQ(s.reason, "already logged by an earlier attempt");

  // A word match that is not our line (another call mentioning c-42): go on.
  done.back().response =
      answer(200, R"({"data":[{"id":"8","Description":"cti_call_id: c-42-b\nsee c-42\n"}]})");
  s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(path_of(s.request.url), "https://www.zohoapis.com/crm/v8/Contacts/search");

  done.back().response = answer(204, "");
  s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  done.push_back({s.request, answer(200, kContactFound)});
  s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://www.zohoapis.com/crm/v8/Calls");
  done.push_back({s.request, answer(201, kInserted)});
  EXPECT_TRUE(adapter.log_step(r, done, 2).is(Step::Kind::Done));
}

TEST(ZohoLogStep, RetrySearchesTheCallIdFieldWhenConfigured) {
  auto o = options();
  o.call_id_field = "CTI_Call_ID";
  const ZohoAdapter adapter(o);
  auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  r.call_id = "main-1795879455.442(x)";
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 2);
  EXPECT_EQ(openapi::query_of(s.request.url)["criteria"],
            R"((CTI_Call_ID:equals:main-1795879455.442\(x\)))");
  EXPECT_FALSE(openapi::query_of(s.request.url).contains("word"));
  done.push_back(
      {s.request,
       answer(200, R"j({"data":[{"id":"7","CTI_Call_ID":"main-1795879455.442(x)"}]})j")});
  EXPECT_TRUE(adapter.log_step(r, done, 2).is(Step::Kind::Done));
  done.back().response = answer(401, "");
  EXPECT_TRUE(adapter.log_step(r, done, 2).is(Step::Kind::Fail));
  done.back().response = answer(429, "", {{"Retry-After", "3"}});
  s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Retry));
  EXPECT_EQ(s.retry_after, std::chrono::seconds(3));
}

}  // namespace
}  // namespace cti::adapters
