// The template adapter's Step chain (lookup -> create -> log), answers read by
// JSON pointer (several results, most recent wins, ambiguous), and non-2xx
// answers. The templates are built here by hand; the config parser and the
// shipped EspoCRM/Odoo templates are tested in tests/unit/config.
#include "adapters/template/template_adapter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapter_test_support.h"

namespace cti::adapters {
namespace {

using nlohmann::json;
using tmpl::Text;
using namespace testing;

tmpl::BodyTemplate body(const json& j) {
  tmpl::BodyTemplate b;
  if (j.is_string()) {
    b.kind = tmpl::BodyTemplate::Kind::Text;
    b.text = *Text::parse(j.get<std::string>());
  } else if (j.is_object()) {
    b.kind = tmpl::BodyTemplate::Kind::Object;
    for (const auto& [k, v] : j.items()) {
      b.items.push_back(body(v));
      b.items.back().key = k;
    }
  } else if (j.is_array()) {
    b.kind = tmpl::BodyTemplate::Kind::Array;
    for (const auto& v : j) b.items.push_back(body(v));
  } else {
    b.literal = j;
  }
  return b;
}

tmpl::RequestTemplate request(std::string method, std::string url, json b = nullptr,
                              std::vector<std::string> when = {}) {
  tmpl::RequestTemplate t;
  t.method = std::move(method);
  t.url = *Text::parse(url);
  if (!b.is_null()) t.json_body = body(b);
  for (const auto& w : when) t.when.push_back(*tmpl::Condition::parse(w));
  return t;
}

tmpl::LookupTemplate contacts_lookup() {
  tmpl::LookupTemplate l;
  l.request = request("GET", "{{crm.base_url}}/api/Contact?phone={{number.e164|url}}");
  l.kind = "contact";
  l.results = "/list";
  l.total = "/total";
  l.name = {"/first", "/last"};
  l.company = "/account/name";
  l.updated_at = "/modifiedAt";
  l.url = *Text::parse("{{crm.base_url}}/#Contact/{{contact.id}}");
  return l;
}

TemplateOptions options() {
  TemplateOptions o;
  o.name = "espo";
  o.base_url = "https://crm.example.com/";
  o.token = "key-123";
  o.users = {{"1001", "u-ana"}};
  o.default_region = "ES";
  o.headers.push_back({"X-Api-Key", *Text::parse("{{crm.token}}")});
  o.lookups.push_back(contacts_lookup());
  tmpl::LookupTemplate leads = contacts_lookup();
  leads.kind = "lead";
  leads.request = request("GET", "{{crm.base_url}}/api/Lead?phone={{number.e164|url}}");
  o.lookups.push_back(leads);
  o.create_contact = tmpl::CreateTemplate{
      request("POST", "{{crm.base_url}}/api/Lead", {{"phone", "{{number.e164}}"}}, {"no_contact"}),
      "/id", "lead", ""};
  o.create_unknown_contacts = true;
  o.log = tmpl::LogTemplate{request("POST", "{{crm.base_url}}/api/Call",
                                    {{"parentId", "{{contact.id|omit_empty}}"},
                                     {"parentType", "{{contact.kind|capitalize|omit_empty}}"},
                                     {"user", "{{agent.crm_user}}"},
                                     {"name", "{{call.direction}} {{call.from}}"}}),
                            ""};
  return o;
}

// Agent 1001 answered +34912345678 at 2026-11-28T15:13:29.778Z.
core::CallRecord record() {
  return customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001",
                       core::from_unix_micros(1795878809'778000));
}

// Runs log_step with canned answers, one per Send, and returns the requests
// sent and the final step.
struct Chain {
  std::vector<core::HttpRequest> sent;
  Step last;
};
Chain run(const TemplateAdapter& a, const core::CallRecord& r,
          std::vector<core::HttpResponse> answers, int attempt = 1) {
  Chain out;
  std::vector<Exchange> so_far;
  for (;;) {
    Step s = a.log_step(r, so_far, attempt);
    if (!s.is(Step::Kind::Send)) {
      out.last = std::move(s);
      return out;
    }
    out.sent.push_back(s.request);
    if (so_far.size() >= answers.size()) {
      out.last = std::move(s);
      return out;
    }
    so_far.push_back({s.request, answers[so_far.size()]});
  }
}

const char* kNoMatch = R"({"total":0,"list":[]})";

TEST(TemplateLogStep, NoMatchAnywhereCreatesThenLogsWithTheCreatedId) {
  const TemplateAdapter a(options());
  const Chain r = run(a, record(),
                      {answer(200, kNoMatch), answer(200, kNoMatch), answer(200, R"({"id":"L9"})"),
                       answer(200, R"({"id":"C1"})")});
  ASSERT_EQ(r.sent.size(), 4u);
  EXPECT_EQ(r.sent[0].url, "https://crm.example.com/api/Contact?phone=%2B34912345678");
  EXPECT_EQ(r.sent[1].url, "https://crm.example.com/api/Lead?phone=%2B34912345678");
  EXPECT_EQ(r.sent[2].url, "https://crm.example.com/api/Lead");
  EXPECT_EQ(json::parse(r.sent[2].body), json({{"phone", "+34912345678"}}));
  EXPECT_EQ(r.sent[2].idempotency_key, "espo:contact:+34912345678");
  EXPECT_EQ(r.sent[3].url, "https://crm.example.com/api/Call");
  EXPECT_EQ(r.sent[3].idempotency_key, "espo:c-42:call");
  // The lookups only read: the sender may resend them on a broken
  // connection, whatever their method; the create and the log never.
  EXPECT_TRUE(r.sent[0].read_only && r.sent[1].read_only);
  EXPECT_FALSE(r.sent[2].read_only || r.sent[3].read_only);
  EXPECT_EQ(json::parse(r.sent[3].body), json({{"parentId", "L9"},
                                               {"parentType", "Lead"},
                                               {"user", "u-ana"},
                                               {"name", "inbound +34912345678"}}));
  for (const auto& req : r.sent) {
    ASSERT_EQ(req.headers.size(), 1u);
    EXPECT_EQ(req.headers[0], (std::pair<std::string, std::string>{"X-Api-Key", "key-123"}));
  }
  ASSERT_TRUE(r.last.is(Step::Kind::Done));
  ASSERT_TRUE(r.last.contact);
  EXPECT_EQ(r.last.contact->id, "L9");
  EXPECT_EQ(r.last.contact->kind, "lead");
}

TEST(TemplateLogStep, FoundContactIsLoggedWithoutCreating) {
  const TemplateAdapter a(options());
  const Chain r =
      run(a, record(),
          {answer(200, R"({"total":1,"list":[{"id":"C7","first":"Ana","last":"Ruiz"}]})"),
           answer(201, "{}")});
  ASSERT_EQ(r.sent.size(), 2u);
  EXPECT_EQ(json::parse(r.sent[1].body)["parentId"], "C7");
  EXPECT_EQ(json::parse(r.sent[1].body)["parentType"], "Contact");
  ASSERT_TRUE(r.last.is(Step::Kind::Done));
  EXPECT_EQ(r.last.contact->name, "Ana Ruiz");
}

TEST(TemplateLogStep, NoCreateWhenDisabledAndEmptyValuesAreOmitted) {
  TemplateOptions o = options();
  o.create_unknown_contacts = false;
  const TemplateAdapter a(o);
  core::CallRecord rec = record();
  rec.agent = "1099";  // unmapped
  const Chain r = run(a, rec, {answer(200, kNoMatch), answer(404), answer(200, "{}")});
  ASSERT_EQ(r.sent.size(), 3u);
  EXPECT_EQ(json::parse(r.sent[2].body), json({{"user", ""}, {"name", "inbound +34912345678"}}));
  EXPECT_TRUE(r.last.is(Step::Kind::Done));
  EXPECT_FALSE(r.last.contact);
}

TEST(TemplateLogStep, LogConditionCanSkipTheCall) {
  TemplateOptions o = options();
  o.create_unknown_contacts = false;
  o.log->request.when = {*tmpl::Condition::parse("contact_found")};
  const TemplateAdapter a(o);
  const Chain r = run(a, record(), {answer(200, kNoMatch), answer(200, kNoMatch)});
  EXPECT_EQ(r.sent.size(), 2u);
  ASSERT_TRUE(r.last.is(Step::Kind::Done));
  EXPECT_NE(r.last.reason.find("skipped"), std::string::npos);
}

TEST(TemplateLogStep, RateLimitIsRetryWithTheHintAndClientErrorsFail) {
  const TemplateAdapter a(options());
  Chain r = run(a, record(), {answer(429, "", {{"Retry-After", "17"}})});
  ASSERT_TRUE(r.last.is(Step::Kind::Retry));
  EXPECT_EQ(r.last.retry_after, std::chrono::seconds(17));
  r = run(a, record(), {answer(200, R"({"list":[{"id":"C7"}]})"), answer(503)});
  EXPECT_TRUE(r.last.is(Step::Kind::Retry));
  r = run(a, record(), {answer(200, R"({"list":[{"id":"C7"}]})"), answer(400, "bad field")});
  ASSERT_TRUE(r.last.is(Step::Kind::Fail));
  EXPECT_NE(r.last.reason.find("HTTP 400: bad field"), std::string::npos);
  r = run(a, record(), {answer(401)});
  EXPECT_TRUE(r.last.is(Step::Kind::Fail));
  // created, but the answer has no id where the template says
  r = run(a, record(), {answer(200, kNoMatch), answer(200, kNoMatch), answer(200, R"({"ok":1})")});
  ASSERT_TRUE(r.last.is(Step::Kind::Fail));
  EXPECT_NE(r.last.reason.find("no id at /id"), std::string::npos);
}

TEST(TemplateLogStep, ErrorPointerTurnsA200IntoAFailure) {
  TemplateOptions o = options();
  o.lookups.resize(1);
  o.lookups[0].error = "/error";
  o.log->error = "/error";
  const TemplateAdapter a(o);
  Chain r = run(a, record(), {answer(200, R"({"error":{"message":"Access Denied"}})")});
  ASSERT_TRUE(r.last.is(Step::Kind::Fail));
  EXPECT_NE(r.last.reason.find("Access Denied"), std::string::npos);
  r = run(a, record(),
          {answer(200, R"({"list":[{"id":"C7"}],"error":null})"),
           answer(200, R"({"error":{"code":200}})")});
  ASSERT_TRUE(r.last.is(Step::Kind::Fail));
  EXPECT_NE(r.last.reason.find("call log"), std::string::npos);
}

TEST(TemplateLogStep, RetriesAskFindLoggedFirst) {
  TemplateOptions o = options();
  o.find_logged = tmpl::FindLoggedTemplate{
      request("GET", "{{crm.base_url}}/api/Call?q={{call.call_id|url}}"), "/total", ""};
  const TemplateAdapter a(o);
  Chain r = run(a, record(), {answer(200, R"({"total":1})")}, /*attempt=*/2);
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_EQ(r.sent[0].url, "https://crm.example.com/api/Call?q=c-42");
  EXPECT_TRUE(r.sent[0].read_only);
  ASSERT_TRUE(r.last.is(Step::Kind::Done));
  EXPECT_EQ(r.last.reason, "already logged by an earlier attempt");
  r = run(a, record(),
          {answer(200, R"({"total":0})"), answer(200, R"({"list":[{"id":"C7"}]})"), answer(200)},
          2);
  EXPECT_EQ(r.sent.size(), 3u);
  EXPECT_TRUE(r.last.is(Step::Kind::Done));
  // the first attempt does not search
  r = run(a, record(), {answer(200, R"({"list":[{"id":"C7"}]})"), answer(200)}, 1);
  EXPECT_EQ(r.sent.size(), 2u);
}

TEST(TemplateLogStep, LiveInternalAndWithheldCalls) {
  const TemplateAdapter a(options());
  core::CallRecord live = record();
  live.disposition.reset();
  EXPECT_TRUE(a.log_step(live, {}, 1).is(Step::Kind::Fail));
  core::CallRecord internal = record();
  internal.direction = core::Direction::Internal;
  EXPECT_TRUE(a.log_step(internal, {}, 1).is(Step::Kind::Done));
  // withheld: no lookup, no create (nothing to create with), straight to the log
  core::CallRecord withheld = record();
  withheld.from = "anonymous";
  const Chain r = run(a, withheld, {answer(200)});
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_EQ(r.sent[0].url, "https://crm.example.com/api/Call");
}

// --- reading lookup answers

TEST(TemplateLookup, SeveralResultsMostRecentWinsAndIsAmbiguous) {
  const TemplateAdapter a(options());
  const auto c = a.parse_lookup(answer(200, R"({"total":3,"list":[
      {"id":"old","first":"Old","modifiedAt":"2025-01-15 10:00:00"},
      {"id":"new","first":"New","last":"One","account":{"name":"Acme"},
       "modifiedAt":"2025-03-01 08:00:00"},
      {"id":"mid","modifiedAt":"2025-02-01T00:00:00Z"}]})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "new");
  EXPECT_EQ(c->name, "New One");
  EXPECT_EQ(c->company, "Acme");
  EXPECT_EQ(c->updated_at, "2025-03-01 08:00:00");
  EXPECT_EQ(c->url, "https://crm.example.com/#Contact/new");
  EXPECT_EQ(c->crm, "espo");
  EXPECT_EQ(c->kind, "contact");
  EXPECT_TRUE(c->ambiguous);
  EXPECT_EQ(c->matches, 3);
}

TEST(TemplateLookup, TotalBeyondThePageAndNoDates) {
  const TemplateAdapter a(options());
  const auto c = a.parse_lookup(answer(200, R"({"total":12,"list":[{"id":1},{"id":2}]})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "1");  // no dates: the CRM's order; numeric ids read as text
  EXPECT_EQ(c->matches, 12);
  EXPECT_TRUE(c->ambiguous);
}

TEST(TemplateLookup, OneResultAndOdooStyleFalseValues) {
  TemplateOptions o = options();
  o.lookups[0].results = "/result";
  o.lookups[0].total.clear();
  const TemplateAdapter a(o);
  const auto c =
      a.parse_lookup(answer(200, R"({"result":[{"id":7,"first":"Ana","account":false}]})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "7");
  EXPECT_EQ(c->company, "");
  EXPECT_FALSE(c->ambiguous);
  EXPECT_EQ(c->matches, 1);
}

TEST(TemplateLookup, NoContactForEmptyGarbageAndIdlessResults) {
  const TemplateAdapter a(options());
  EXPECT_FALSE(a.parse_lookup(answer(200, kNoMatch)));
  EXPECT_FALSE(a.parse_lookup(answer(200, "<html>")));
  EXPECT_FALSE(a.parse_lookup(answer(200, R"({"list":[{"name":"x"},{"id":""}]})")));
  EXPECT_FALSE(a.parse_lookup(answer(200, R"({"list":"nope"})")));
  EXPECT_FALSE(a.parse_lookup(answer(500, R"({"list":[{"id":"x"}]})")));
}

TEST(TemplateLookup, StepTriesEachLookupUntilOneMatches) {
  const TemplateAdapter a(options());
  const auto n = core::PhoneNumber::parse("+34912345678", "ES");
  std::vector<Exchange> so_far;
  Step s = a.lookup_step(n, so_far);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  so_far.push_back({s.request, answer(204)});
  s = a.lookup_step(n, so_far);
  ASSERT_TRUE(s.is(Step::Kind::Send));
  EXPECT_NE(s.request.url.find("/api/Lead"), std::string::npos);
  so_far.push_back({s.request, answer(200, R"({"list":[{"id":"L1"}]})")});
  s = a.lookup_step(n, so_far);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  EXPECT_EQ(s.contact->kind, "lead");
  // every lookup says no: no contact
  so_far.back().response = answer(404);
  s = a.lookup_step(n, so_far);
  ASSERT_TRUE(s.is(Step::Kind::Done));
  EXPECT_FALSE(s.contact);
  // extensions are never searched
  EXPECT_TRUE(a.lookup_step(core::PhoneNumber::parse("1001", "ES"), {}).is(Step::Kind::Done));
}

TEST(TemplateValues, EveryCallFieldAndNumberForm) {
  const TemplateAdapter a(options());
  core::CallRecord r = record();
  r.did = "+34930000000";
  r.queue = "sales";
  r.caller_id_presented = "+34930000001";
  r.answered_at = r.started_at + std::chrono::seconds(5);
  r.ring_s = 5;
  r.wait_s = 2.5;
  r.pbx = "main";
  const auto n = core::PhoneNumber::parse("+34912345678", "ES");
  Contact c;
  c.id = "C7";
  c.name = "Ana";
  c.company = "Acme";
  c.kind = "contact";
  const tmpl::Values v = a.values(&n, &r, &c);
  const std::pair<const char*, const char*> expected[] = {
      {"call.call_id", "c-42"},
      {"call.direction", "inbound"},
      {"call.from", "+34912345678"},
      {"call.to", "+34930000000"},
      {"call.did", "+34930000000"},
      {"call.agent", "1001"},
      {"call.queue", "sales"},
      {"call.caller_id_presented", "+34930000001"},
      {"call.started_at", "2026-11-28T15:13:29.778Z"},
      {"call.answered_at", "2026-11-28T15:13:34.778Z"},
      {"call.ended_at", "2026-11-28T15:15:39.778Z"},
      {"call.ring_s", "5"},
      {"call.talk_s", "125"},
      {"call.wait_s", "2.5"},
      {"call.duration_s", "130"},
      {"call.disposition", "answered"},
      {"call.outcome", "answered.inbound"},
      {"call.pbx", "main"},
      {"number.e164", "+34912345678"},
      {"number.national", "912345678"},
      {"number.digits", "34912345678"},
      {"contact.id", "C7"},
      {"contact.name", "Ana"},
      {"contact.company", "Acme"},
      {"contact.kind", "contact"},
      {"agent.id", "1001"},
      {"agent.crm_user", "u-ana"},
      {"crm.base_url", "https://crm.example.com"},
      {"crm.token", "key-123"},
      {"crm.name", "espo"},
  };
  for (const auto& [key, value] : expected) {
    ASSERT_TRUE(v.contains(key)) << key;
    EXPECT_EQ(v.at(key), value) << key;
  }
  // no record: no call.* and no agent.*
  const tmpl::Values popup = a.values(&n, nullptr, nullptr);
  EXPECT_FALSE(popup.contains("call.from"));
  EXPECT_FALSE(popup.contains("agent.crm_user"));
}

TEST(TemplateCreateContact, OfferedOnlyWhenEnabledAndForE164) {
  TemplateOptions o = options();
  const auto n = core::PhoneNumber::parse("+34912345678", "ES");
  EXPECT_TRUE(TemplateAdapter(o).create_contact(n));
  EXPECT_FALSE(TemplateAdapter(o).create_contact(core::PhoneNumber::parse("anonymous", "ES")));
  o.create_unknown_contacts = false;
  EXPECT_FALSE(TemplateAdapter(o).create_contact(n));
}

// From the pop-up, the agent who clicked "create" is {{agent.*}}: the
// template can make them the owner, as the log chain's create does.
TEST(TemplateCreateContact, ThePopupsAgentFillsTheAgentPlaceholders) {
  TemplateOptions o = options();
  o.create_contact->request =
      request("POST", "{{crm.base_url}}/api/Lead",
              {{"phone", "{{number.e164}}"}, {"assignedUserId", "{{agent.crm_user|omit_empty}}"}},
              {"no_contact"});
  const TemplateAdapter a(o);
  const auto n = core::PhoneNumber::parse("+34912345678", "ES");
  const auto owned = a.create_contact({n, "1001"});
  ASSERT_TRUE(owned);
  EXPECT_EQ(json::parse(owned->body),
            json::parse(R"({"phone":"+34912345678","assignedUserId":"u-ana"})"));
  for (const char* agent : {"1002", ""})
    EXPECT_EQ(json::parse(a.create_contact({n, agent})->body),
              json::parse(R"({"phone":"+34912345678"})"))
        << agent;
}

}  // namespace
}  // namespace cti::adapters
