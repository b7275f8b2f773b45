// HubSpot adapter: record -> request, response -> contact, table-driven over
// every disposition and direction, and every request body checked offline
// against the request schema in HubSpot's own API description
// (tests/fixtures/crm/hubspot/*.v3.json). Contract tests against Prism (which
// also checks auth and paths) are separate and still to do.
#include "adapters/hubspot/hubspot_adapter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapter_test_support.h"
#include "connector/core/time.h"

namespace cti::adapters {
namespace {

using nlohmann::json;
using namespace testing;

// --- a small OpenAPI 3.0 schema checker: $ref, type, required, properties,
// additionalProperties, items, enum. Enough for HubSpot's request schemas.
json load_spec(const std::string& file) { return fixture_json("crm/hubspot/" + file); }

class SchemaChecker {
 public:
  explicit SchemaChecker(const json& spec) : spec_(spec) {}

  std::vector<std::string> check_request(const std::string& path, const json& body) {
    errors_.clear();
    const json& schema = spec_.at("paths")
                             .at(path)
                             .at("post")
                             .at("requestBody")
                             .at("content")
                             .at("application/json")
                             .at("schema");
    check(schema, body, "body");
    return errors_;
  }

 private:
  const json& resolve(const json& schema) const {
    if (schema.contains("$ref")) {
      const std::string ref = schema["$ref"].get<std::string>();
      return spec_.at(json::json_pointer(ref.substr(1)));  // "#/components/..."
    }
    return schema;
  }

  void check(const json& raw_schema, const json& value, const std::string& where) {
    const json& s = resolve(raw_schema);
    const std::string type = s.value("type", "");
    if (type == "object") {
      if (!value.is_object()) return fail(where, "expected object, got " + value.dump());
      for (const auto& req : s.value("required", json::array())) {
        if (!value.contains(req.get<std::string>())) fail(where, "missing required " + req.dump());
      }
      const json props = s.value("properties", json::object());
      for (const auto& [key, v] : value.items()) {
        if (props.contains(key)) {
          check(props[key], v, where + "." + key);
        } else if (s.contains("additionalProperties") && s["additionalProperties"].is_object()) {
          check(s["additionalProperties"], v, where + "." + key);
        }
      }
    } else if (type == "array") {
      if (!value.is_array()) return fail(where, "expected array, got " + value.dump());
      for (std::size_t i = 0; i < value.size(); ++i) {
        check(s.at("items"), value[i], where + "[" + std::to_string(i) + "]");
      }
    } else if (type == "string") {
      if (!value.is_string()) return fail(where, "expected string, got " + value.dump());
    } else if (type == "integer") {
      if (!value.is_number_integer()) return fail(where, "expected integer, got " + value.dump());
    } else if (type == "boolean") {
      if (!value.is_boolean()) return fail(where, "expected boolean, got " + value.dump());
    }
    if (s.contains("enum")) {
      bool found = false;
      for (const auto& e : s["enum"]) found = found || e == value;
      if (!found) fail(where, value.dump() + " not in enum " + s["enum"].dump());
    }
  }

  void fail(const std::string& where, const std::string& what) {
    errors_.push_back(where + ": " + what);
  }

  const json& spec_;
  std::vector<std::string> errors_;
};

const json& calls_spec() {
  static const json spec = load_spec("calls.v3.json");
  return spec;
}
const json& contacts_spec() {
  static const json spec = load_spec("contacts.v3.json");
  return spec;
}

// --- fixtures

HubspotOptions options() {
  HubspotOptions o;
  o.name = "hs";
  o.token = "pat-eu1-secret";
  o.users = {{"1001", "75001"}, {"ana", "75002"}};
  return o;
}

// --- call log: every disposition x direction x owner mapped/unmapped

struct Expected {
  core::Disposition disposition;
  core::Direction direction;
  const char* status;
  const char* guid;  // nullptr: no hs_call_disposition
};

// crm-apis.md §9 (failed: no documented GUID; inbound voicemail: see adapter).
const Expected kTable[] = {
    {core::Disposition::Answered, core::Direction::Inbound, "COMPLETED",
     "f240bbac-87c9-4f6e-bf70-924b57d47db7"},
    {core::Disposition::Answered, core::Direction::Outbound, "COMPLETED",
     "f240bbac-87c9-4f6e-bf70-924b57d47db7"},
    {core::Disposition::Missed, core::Direction::Inbound, "NO_ANSWER",
     "73a0d17f-1163-4015-bdd5-ec830791da20"},
    {core::Disposition::Missed, core::Direction::Outbound, "NO_ANSWER",
     "73a0d17f-1163-4015-bdd5-ec830791da20"},
    {core::Disposition::Busy, core::Direction::Inbound, "BUSY",
     "9d9162e7-6cf3-4944-bf63-4dff82258764"},
    {core::Disposition::Busy, core::Direction::Outbound, "BUSY",
     "9d9162e7-6cf3-4944-bf63-4dff82258764"},
    {core::Disposition::Failed, core::Direction::Inbound, "FAILED", nullptr},
    {core::Disposition::Failed, core::Direction::Outbound, "FAILED", nullptr},
    {core::Disposition::Abandoned, core::Direction::Inbound, "CANCELED",
     "73a0d17f-1163-4015-bdd5-ec830791da20"},
    {core::Disposition::Abandoned, core::Direction::Outbound, "CANCELED",
     "73a0d17f-1163-4015-bdd5-ec830791da20"},
    {core::Disposition::Voicemail, core::Direction::Inbound, "NO_ANSWER",
     "73a0d17f-1163-4015-bdd5-ec830791da20"},
    {core::Disposition::Voicemail, core::Direction::Outbound, "COMPLETED",
     "b2cf5968-551e-4856-9783-52b3da59a7d0"},
};

TEST(HubspotLogCall, EveryDispositionAndDirection) {
  const HubspotAdapter adapter(options());
  SchemaChecker checker(calls_spec());
  for (const Expected& e : kTable) {
    for (const bool mapped : {true, false}) {
      SCOPED_TRACE(case_name(e.disposition, e.direction, mapped));
      const auto r = customer_call(e.direction, e.disposition, mapped ? "1001" : "1099");
      const auto req = adapter.log_call(r, std::nullopt);
      ASSERT_TRUE(req);
      EXPECT_EQ(req->method, "POST");
      EXPECT_EQ(req->url, "https://api.hubapi.com/crm/v3/objects/calls");
      EXPECT_EQ(req->content_type, "application/json");
      EXPECT_EQ(header(*req, "Authorization"), "Bearer pat-eu1-secret");
      EXPECT_EQ(req->idempotency_key, "hs:c-42:call");

      const json body = json::parse(req->body);
      EXPECT_EQ(checker.check_request("/crm/v3/objects/calls", body), std::vector<std::string>{});
      const json& p = body.at("properties");
      for (const auto& [key, value] : p.items()) {
        EXPECT_TRUE(value.is_string()) << key << " = " << value.dump();
      }
      const bool in = e.direction == core::Direction::Inbound;
      EXPECT_EQ(p.at("hs_timestamp"), core::format_rfc3339_ms(r.started_at));
      EXPECT_EQ(p.at("hs_call_direction"), in ? "INBOUND" : "OUTBOUND");
      const bool talked = e.disposition == core::Disposition::Answered ||
                          e.disposition == core::Disposition::Voicemail;
      EXPECT_EQ(p.at("hs_call_duration"), talked ? "125000" : "0");
      EXPECT_EQ(p.at("hs_call_status"), e.status);
      if (e.guid) {
        EXPECT_EQ(p.at("hs_call_disposition"), e.guid);
      } else {
        EXPECT_FALSE(p.contains("hs_call_disposition"));
      }
      EXPECT_EQ(p.at("hs_call_from_number"), in ? "+34912345678" : "+34930000000");
      EXPECT_EQ(p.at("hs_call_to_number"), r.to);
      EXPECT_EQ(p.at("hs_call_title"),
                in ? "Inbound call from +34912345678" : "Outbound call to +34912345678");
      EXPECT_NE(p.at("hs_call_body").get<std::string>().find("cti_call_id: c-42\n"),
                std::string::npos);
      if (mapped) {
        EXPECT_EQ(p.at("hubspot_owner_id"), "75001");
      } else {
        EXPECT_FALSE(p.contains("hubspot_owner_id"));
      }
      EXPECT_EQ(body.at("associations"), json::array());
    }
  }
}

TEST(HubspotLogCall, StatusesAreDocumentedValues) {
  // crm-apis.md §1: the hs_call_status values of the calls object.
  const std::set<std::string> documented{
      "BUSY",   "CALLING_CRM_USER", "CANCELED",  "COMPLETED", "CONNECTING",
      "FAILED", "IN_PROGRESS",      "NO_ANSWER", "QUEUED",    "RINGING"};
  for (const Expected& e : kTable) {
    EXPECT_TRUE(documented.contains(hubspot::outcome(e.disposition, e.direction).status));
  }
}

TEST(HubspotLogCall, AssociatesTheLookedUpContact) {
  const HubspotAdapter adapter(options());
  Contact c;
  c.crm = "hs";
  c.id = "501";
  c.ambiguous = true;
  c.matches = 2;
  const auto req = adapter.log_call(
      customer_call(core::Direction::Inbound, core::Disposition::Answered, "ana"), c);
  ASSERT_TRUE(req);
  const json body = json::parse(req->body);
  SchemaChecker checker(calls_spec());
  EXPECT_EQ(checker.check_request("/crm/v3/objects/calls", body), std::vector<std::string>{});
  EXPECT_EQ(body.at("associations"), json::parse(R"([{"to":{"id":"501"},"types":[
      {"associationCategory":"HUBSPOT_DEFINED","associationTypeId":194}]}])"));
  EXPECT_EQ(body["properties"]["hubspot_owner_id"], "75002");
  EXPECT_NE(body["properties"]["hs_call_body"].get<std::string>().find("contact_matches: 2"),
            std::string::npos);
  // Through the base-class interface, as the delivery flow calls it.
  const CrmAdapter& base = adapter;
  EXPECT_EQ(
      base.log_call(customer_call(core::Direction::Inbound, core::Disposition::Answered, "ana"), c)
          ->body,
      req->body);
}

TEST(HubspotLogCall, DurationIsTalkTimeInMillisecondsRounded) {
  const HubspotAdapter adapter(options());
  auto r = customer_call(core::Direction::Outbound, core::Disposition::Answered, "1001");
  r.talk_s = 12.3456;
  EXPECT_EQ(json::parse(adapter.log_call(r, std::nullopt)->body)["properties"]["hs_call_duration"],
            "12346");
  r.talk_s = 0.0004;
  EXPECT_EQ(json::parse(adapter.log_call(r, std::nullopt)->body)["properties"]["hs_call_duration"],
            "0");
}

TEST(HubspotLogCall, CallIdInCustomPropertyWhenConfigured) {
  auto o = options();
  o.call_id_property = "cti_call_id";
  o.base_url = "http://127.0.0.1:4010/";
  const HubspotAdapter adapter(o);
  const auto req = adapter.log_call(
      customer_call(core::Direction::Inbound, core::Disposition::Busy, ""), std::nullopt);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "http://127.0.0.1:4010/crm/v3/objects/calls");
  EXPECT_EQ(json::parse(req->body)["properties"]["cti_call_id"], "c-42");
}

TEST(HubspotLogCall, LiveCallIsNotLogged) {
  const HubspotAdapter adapter(options());
  auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  r.disposition.reset();
  EXPECT_FALSE(adapter.log_call(r, std::nullopt));
}

TEST(HubspotLogCall, FindLoggedCallMatchesTheSpec) {
  SchemaChecker checker(calls_spec());
  for (const std::string property : {"", "cti_call_id"}) {
    auto o = options();
    o.call_id_property = property;
    const auto req = HubspotAdapter(o).find_logged_call("c-42");
    EXPECT_EQ(req.url, "https://api.hubapi.com/crm/v3/objects/calls/search");
    EXPECT_EQ(header(req, "Authorization"), "Bearer pat-eu1-secret");
    const json body = json::parse(req.body);
    EXPECT_EQ(checker.check_request("/crm/v3/objects/calls/search", body),
              std::vector<std::string>{});
    const json& f = body["filterGroups"][0]["filters"][0];
    EXPECT_EQ(f["propertyName"], property.empty() ? "hs_call_body" : property);
    EXPECT_EQ(f["value"], "c-42");
  }
}

TEST(HubspotLogCall, EveryGoldenCustomerRecordGivesASpecValidCall) {
  // The tracker's golden records (real Asterisk captures) through the adapter.
  const HubspotAdapter adapter(options());
  SchemaChecker checker(calls_spec());
  const int logged =
      for_each_golden_call_log(adapter, [&](const GoldenRecord& g, const core::HttpRequest& req) {
        const json body = json::parse(req.body);
        EXPECT_EQ(checker.check_request("/crm/v3/objects/calls", body), std::vector<std::string>{});
        const json& p = body["properties"];
        EXPECT_EQ(p["hs_call_duration"], std::to_string(std::llround(g.record.talk_s * 1000)));
        EXPECT_EQ(p["hs_timestamp"], g.json["started_at"]);
        EXPECT_TRUE(p["hs_call_from_number"].get<std::string>().starts_with("+"))
            << p["hs_call_from_number"];
      });
  EXPECT_GE(logged, 10);
}

// --- the call-log job (log_step)

const char* kOneContact =
    R"({"total":1,"results":[{"id":"501","properties":{"firstname":"Ana","lastname":"Ruiz",)"
    R"("hs_lastmodifieddate":"2026-01-02T03:04:05Z"}}]})";

TEST(HubspotLogStep, LooksUpThenLogsWithTheContactThenIsDone) {
  const HubspotAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://api.hubapi.com/crm/v3/objects/contacts/search");
  EXPECT_TRUE(s.request.read_only);  // a search: the sender may resend it
  done.push_back({s.request, answer(200, kOneContact)});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://api.hubapi.com/crm/v3/objects/calls");
  EXPECT_FALSE(s.request.read_only);  // the create: never sent twice by the transport
  EXPECT_EQ(json::parse(s.request.body)["associations"][0]["to"]["id"], "501");
  EXPECT_EQ(s.request.idempotency_key, "hs:" + r.call_id + ":call");
  done.push_back({s.request, answer(201, R"({"id":"9"})")});
  s = adapter.log_step(r, done, 1);
  EXPECT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "501");
}

TEST(HubspotLogStep, NoContactLogsWithoutAssociation) {
  const HubspotAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Missed, "");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  done.push_back({s.request, answer(200, R"({"total":0,"results":[]})")});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_TRUE(json::parse(s.request.body)["associations"].empty());
}

TEST(HubspotLogStep, RateLimitIsRetryWithHubspotsWindowAndBadRequestIsFail) {
  const HubspotAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 1);
  done.push_back(
      {s.request, answer(429, "{}", {{"X-HubSpot-RateLimit-Interval-Milliseconds", "10000"}})});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Retry));
  EXPECT_EQ(s.retry_after, std::chrono::seconds(10));

  done.back().response = answer(200, kOneContact);
  s = adapter.log_step(r, done, 1);
  done.push_back({s.request, answer(400, R"({"message":"Property values were not valid"})")});
  s = adapter.log_step(r, done, 1);
  ASSERT_TRUE(s.is(Step::Kind::Fail));
  EXPECT_NE(s.reason.find("HTTP 400"), std::string::npos) << s.reason;
}

TEST(HubspotLogStep, RetrySearchesForTheCallFirstAndStopsWhenAlreadyLogged) {
  const HubspotAdapter adapter(options());
  const auto r = customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  std::vector<Exchange> done;
  Step s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://api.hubapi.com/crm/v3/objects/calls/search");
  EXPECT_TRUE(s.request.read_only);
  done.push_back({s.request, answer(200, R"({"total":1,"results":[{"id":"9"}]})")});
  s = adapter.log_step(r, done, 2);
  EXPECT_TRUE(s.is(Step::Kind::Done));
  EXPECT_EQ(s.reason, "already logged by an earlier attempt");

  done.back().response = answer(200, R"({"total":0,"results":[]})");
  s = adapter.log_step(r, done, 2);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://api.hubapi.com/crm/v3/objects/contacts/search");
}

TEST(HubspotLogStep, InternalCallsAndConsultationLegsAreNotLogged) {
  const HubspotAdapter adapter(options());
  EXPECT_TRUE(adapter.logs_calls());
  const auto calls = not_logged_calls();
  for (const NotLogged& n : calls) EXPECT_FALSE(adapter.log_call(n.record, std::nullopt)) << n.what;
  core::CallEvent e;
  e.kind = core::CallEventKind::Ended;
  e.call = calls[2].record;                  // the consultation leg
  EXPECT_TRUE(adapter.on_event(e).empty());  // the log is a job, not an event request
}

// --- lookup

TEST(HubspotLookup, SearchesPhoneAndMobileInE164AndNationalForms) {
  const HubspotAdapter adapter(options());
  const auto req = adapter.lookup(core::PhoneNumber::parse("+34912345678", "ES"));
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url, "https://api.hubapi.com/crm/v3/objects/contacts/search");
  EXPECT_EQ(header(*req, "Authorization"), "Bearer pat-eu1-secret");
  const json body = json::parse(req->body);
  SchemaChecker checker(contacts_spec());
  EXPECT_EQ(checker.check_request("/crm/v3/objects/contacts/search", body),
            std::vector<std::string>{});
  for (const char* required : {"after", "filterGroups", "limit", "properties", "sorts"}) {
    EXPECT_TRUE(body.contains(required)) << required;
  }
  std::set<std::pair<std::string, std::string>> searched;
  for (const auto& group : body["filterGroups"]) {
    ASSERT_EQ(group["filters"].size(), 1u);  // one condition per OR-ed group
    const auto& f = group["filters"][0];
    EXPECT_EQ(f["operator"], "EQ");
    searched.emplace(f["propertyName"], f["value"]);
  }
  const std::set<std::pair<std::string, std::string>> expected{{"phone", "+34912345678"},
                                                               {"phone", "912345678"},
                                                               {"mobilephone", "+34912345678"},
                                                               {"mobilephone", "912345678"}};
  EXPECT_EQ(searched, expected);
  EXPECT_LE(body["filterGroups"].size(), 6u);  // spec: up to 6 groups
  EXPECT_EQ(body["properties"], json::parse(R"(["firstname","lastname","company","phone",
      "mobilephone","hs_lastmodifieddate"])"));
  ASSERT_EQ(body["sorts"].size(), 1u);
  EXPECT_EQ(json::parse(body["sorts"][0].get<std::string>()),
            json::parse(R"({"propertyName":"hs_lastmodifieddate","direction":"DESCENDING"})"));
  EXPECT_EQ(body["after"], "0");
  EXPECT_EQ(body["limit"], 10);
}

TEST(HubspotLookup, NationalFormKeepsTheTrunkPrefix) {
  const HubspotAdapter adapter(options());
  const json body =
      json::parse(adapter.lookup(core::PhoneNumber::parse("+442071234567", "GB"))->body);
  std::set<std::string> values;
  for (const auto& g : body["filterGroups"]) values.insert(g["filters"][0]["value"]);
  EXPECT_EQ(values, (std::set<std::string>{"+442071234567", "02071234567"}));
}

TEST(HubspotLookup, NothingToSearchForExtensionsAndWithheld) {
  expect_no_lookup(HubspotAdapter(options()));
}

TEST(HubspotSpecChecker, RejectsWhatTheSpecRejects) {
  // The checker itself bites: HubSpot's documented object sorts, a missing
  // required field and a numeric property value all break the description.
  SchemaChecker contacts(contacts_spec());
  json bad = json::parse(R"({"filterGroups":[],"properties":[],"limit":10,
      "sorts":[{"propertyName":"hs_lastmodifieddate","direction":"DESCENDING"}]})");
  EXPECT_EQ(contacts.check_request("/crm/v3/objects/contacts/search", bad).size(), 2u);
  SchemaChecker calls(calls_spec());
  EXPECT_EQ(calls
                .check_request("/crm/v3/objects/calls",
                               json::parse(R"({"properties":{"hs_call_duration":125000}})"))
                .size(),
            2u);
}

// --- parse_lookup

TEST(HubspotParseLookup, NoResultsIsNoContact) {
  const HubspotAdapter adapter(options());
  EXPECT_FALSE(adapter.parse_lookup(ok(R"({"total":0,"results":[]})")));
}

TEST(HubspotParseLookup, OneResult) {
  auto o = options();
  o.portal_id = "8812345";
  const HubspotAdapter adapter(o);
  const auto c = adapter.parse_lookup(ok(R"({"total":1,"results":[{"id":"501",
      "properties":{"firstname":"Ana","lastname":"García","company":"Acme SL",
      "phone":"+34912345678","hs_lastmodifieddate":"2026-11-01T10:00:00.000Z"},
      "createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-11-01T10:00:00.000Z","archived":false}]})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->crm, "hs");
  EXPECT_EQ(c->id, "501");
  EXPECT_EQ(c->name, "Ana García");
  EXPECT_EQ(c->company, "Acme SL");
  EXPECT_EQ(c->url, "https://app.hubspot.com/contacts/8812345/record/0-1/501");
  EXPECT_FALSE(c->ambiguous);
  EXPECT_EQ(c->matches, 1);
  EXPECT_EQ(c->updated_at, "2026-11-01T10:00:00.000Z");
}

TEST(HubspotParseLookup, TwoResultsMostRecentWinsAndIsAmbiguous) {
  const HubspotAdapter adapter(options());  // no portal_id: no URL
  // Older first: the adapter must not trust the server's order (the spec's
  // string sorts may be ignored by the API).
  const auto c = adapter.parse_lookup(ok(R"({"total":2,"results":[
      {"id":"501","properties":{"firstname":"Old","lastname":"Record",
       "hs_lastmodifieddate":"2025-03-01T10:00:00Z"},"createdAt":"2025-01-01T00:00:00Z",
       "updatedAt":"2025-03-01T10:00:00Z","archived":false},
      {"id":"777","properties":{"firstname":"New","lastname":"","company":"Beta",
       "hs_lastmodifieddate":"2026-11-20T08:30:00.123Z"},"createdAt":"2026-01-01T00:00:00Z",
       "updatedAt":"2026-11-20T08:30:00.123Z","archived":false}]})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "777");
  EXPECT_EQ(c->name, "New");
  EXPECT_EQ(c->company, "Beta");
  EXPECT_TRUE(c->ambiguous);
  EXPECT_EQ(c->matches, 2);
  EXPECT_EQ(c->url, "");
}

TEST(HubspotParseLookup, TotalBeyondThePageCountsAsMatches) {
  const HubspotAdapter adapter(options());
  const auto c = adapter.parse_lookup(ok(R"({"total":14,"results":[{"id":"9",
      "properties":{"lastname":"Solo"},"updatedAt":"2026-01-01T00:00:00Z"}]})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "Solo");
  EXPECT_EQ(c->updated_at, "2026-01-01T00:00:00Z");
  EXPECT_EQ(c->matches, 14);
  EXPECT_TRUE(c->ambiguous);
}

TEST(HubspotParseLookup, Non200AndGarbageAreNoContact) {
  const HubspotAdapter adapter(options());
  const std::string one = R"({"total":1,"results":[{"id":"501","properties":{}}]})";
  for (int status : {201, 400, 401, 404, 429, 500, 503}) {
    EXPECT_FALSE(adapter.parse_lookup({status, {}, one})) << status;
  }
  EXPECT_TRUE(adapter.parse_lookup(ok(one)));
  EXPECT_FALSE(adapter.parse_lookup(ok("not json")));
  EXPECT_FALSE(adapter.parse_lookup(ok("[]")));
  EXPECT_FALSE(adapter.parse_lookup(ok(R"({"results":{}})")));
  EXPECT_FALSE(adapter.parse_lookup(ok(R"({"results":[{"properties":{}}]})")));  // no id
}

// --- unknown caller

TEST(HubspotCreateContact, OnlyWhenEnabledAndWithoutInventedNames) {
  const auto number = core::PhoneNumber::parse("+34912345678", "ES");
  EXPECT_FALSE(HubspotAdapter(options()).create_contact(number));
  auto o = options();
  o.create_unknown_contacts = true;
  const auto req = HubspotAdapter(o).create_contact(number);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->url, "https://api.hubapi.com/crm/v3/objects/contacts");
  const json body = json::parse(req->body);
  SchemaChecker checker(contacts_spec());
  EXPECT_EQ(checker.check_request("/crm/v3/objects/contacts", body), std::vector<std::string>{});
  EXPECT_EQ(body["properties"], json::parse(R"({"phone":"+34912345678"})"));
  for (const char* raw : kNotE164)
    EXPECT_FALSE(HubspotAdapter(o).create_contact(core::PhoneNumber::parse(raw, "ES"))) << raw;
}

// The agent who clicked "create" owns the contact, as their call logs do.
TEST(HubspotCreateContact, TheAgentWhoAskedOwnsTheContact) {
  auto o = options();
  o.create_unknown_contacts = true;
  const HubspotAdapter adapter(o);
  const auto number = core::PhoneNumber::parse("+34912345678", "ES");
  const auto owned = adapter.create_contact({number, "ana"});
  ASSERT_TRUE(owned);
  const json body = json::parse(owned->body);
  EXPECT_EQ(body["properties"],
            json::parse(R"({"phone":"+34912345678","hubspot_owner_id":"75002"})"));
  SchemaChecker checker(contacts_spec());
  EXPECT_EQ(checker.check_request("/crm/v3/objects/contacts", body), std::vector<std::string>{});
  for (const char* agent : {"eva", ""})
    EXPECT_FALSE(json::parse(adapter.create_contact({number, agent})->body)["properties"].contains(
        "hubspot_owner_id"))
        << agent;
}

}  // namespace
}  // namespace cti::adapters

namespace cti::adapters {
namespace {

TEST(HubspotCreateStep, OnlyWhenConfiguredThenTheNewIdWithItsRecordUrl) {
  HubspotOptions o;
  o.name = "hs";
  o.token = "t";
  o.portal_id = "4242";
  const auto number = core::PhoneNumber::parse("+34600111222", "ES");
  const HubspotAdapter off(o);
  EXPECT_FALSE(off.creates_contacts());
  EXPECT_TRUE(off.create_step(number, {}).is(Step::Kind::Fail));

  o.create_unknown_contacts = true;
  const HubspotAdapter on(o);
  EXPECT_TRUE(on.creates_contacts());
  std::vector<Exchange> done;
  Step s = on.create_step(number, done);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_EQ(s.request.url, "https://api.hubapi.com/crm/v3/objects/contacts");
  done.push_back({s.request, answer(201, R"({"id":"777","properties":{}})")});
  s = on.create_step(number, done);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  ASSERT_TRUE(s.contact);
  EXPECT_EQ(s.contact->id, "777");
  EXPECT_EQ(s.contact->crm, "hs");
  EXPECT_EQ(s.contact->url, "https://app.hubspot.com/contacts/4242/record/0-1/777");

  done.back().response.status = 409;  // HubSpot: a contact with that value exists
  EXPECT_TRUE(on.create_step(number, done).is(Step::Kind::Fail));
  done.back().response.status = 201;
  done.back().response.body = "{}";
  EXPECT_TRUE(on.create_step(number, done).is(Step::Kind::Fail));  // no id: say so
}

}  // namespace
}  // namespace cti::adapters
