// The shipped config/adapters/odoo.json end to end: the real connector runs
// it against a local Odoo 17/18 JSON-RPC server on loopback, between the
// real AMI replay server (the inbound capture at recorded speed) and a real
// WebSocket panel. The pop-up carries the partner as the template reads it;
// the partner's chatter gets exactly one note per call, as the template
// writes it, even when an answer is lost and the job retries; a caller
// without a partner is logged only when partners may be created; Odoo's
// errors (HTTP 200 with a JSON-RPC "error") fail the job with Odoo's words.
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include "integration/e2e/e2e_support.h"
#include "integration/e2e/local_odoo.h"
#include "integration/e2e/panel_messages.h"
#include "integration/e2e/ws_client.h"

namespace cti::e2e {
namespace {

// The shipped file itself, by absolute path (the tests' config lives in a
// temporary directory).
const std::string kOdooTemplate = CTI_FIXTURES "/../../config/adapters/odoo.json";
const std::string kAnaToken = "ana-panel-token-odoo-0123456789";
const std::string kBenToken = "ben-panel-token-odoo-0123456789";
const std::string kDb = "acme-prod";
const int kUid = 7;
const std::string kApiKey = "odoo-api-key-5b0e3c9a71f2d8";
const std::string kCaller = "+34912345678";            // the capture's caller
const std::string kInboundCall = "main-1795878809.0";  // tests/golden/a_inbound_answered.json
const std::string kQueueCall = "main-1795878837.0";    // tests/golden/d_queue_answered.json
const int kLucia = 41;                                 // her res.partner id

// "2026-11-28T15:13:29.979Z" -> "2026-11-28 15:13:29", as |utc_sql writes it.
std::string sql_time(const std::string& rfc3339) {
  std::string out = rfc3339.substr(0, 19);
  out[10] = ' ';
  return out;
}

// Seconds -> "mm:ss", as |mmss writes them (rounded).
std::string mmss(double seconds) {
  const long long s = std::llround(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld", s / 60, s % 60);
  return buf;
}

// Lucía is the caller, stored as `lucia_phone`. Marta has another number and
// was written later, so a search that ignored the number would pop her (most
// recent wins); she has no company (false), as Odoo sends it.
json odoo_partners(std::optional<std::string> lucia_phone) {
  json partners = {{{"id", 14},
                    {"name", "Marta Gil"},
                    {"phone", "+34 600 999 888"},
                    {"commercial_company_name", false},
                    {"write_date", "2026-11-20 09:00:00"}}};
  if (lucia_phone)
    partners.push_back({{"id", kLucia},
                        {"name", "Lucía Fernández"},
                        {"mobile", *lucia_phone},
                        {"commercial_company_name", "Acme Foods & Sons <ES>"},
                        {"write_date", "2026-11-01 10:00:00"}});
  return partners;
}

class OdooTemplateE2e : public E2e {
 protected:
  // As in screen_pop_test.cpp: the connector starts before the PBX listens,
  // so the panel is connected before the first frame.
  void start_connector_without_pbx(const json& crm_patch = json::object()) {
    ami_port_ = unused_port();
    json crm = {{"type", "template"},    {"name", "odoo"},
                {"file", kOdooTemplate}, {"base_url", odoo_.base_url()},
                {"token", kApiKey},      {"vars", {{"db", kDb}, {"uid", kUid}}}};
    crm.merge_patch(crm_patch);
    write_config(0, {{"agents",
                      {{{"id", "ana"}, {"extension", "1001"}, {"token", kAnaToken}},
                       {{"id", "ben"}, {"extension", "1002"}, {"token", kBenToken}}}},
                     {"crm", json::array({crm})},
                     // Generous: the machine is shared.
                     {"screen_pop", {{"lookup_timeout_ms", 15000}}}});
    start_connector();
  }
  void start_pbx(const std::string& capture_name = "a_inbound_answered") {
    start_ami({capture_name}, {"--speed", "1"}, "127.0.0.1:" + std::to_string(ami_port_));
  }
  // Ana's panel, connected before the PBX plays the call.
  std::unique_ptr<WsClient> panel_then_pbx() {
    auto ana = std::make_unique<WsClient>(api_port_, "/v1/ws", panel_protocols(kAnaToken));
    EXPECT_TRUE(eventually([&] { return !ana->messages().empty(); }));
    start_pbx();
    return ana;
  }
  json stored_call(const std::string& call_id) const {
    const auto r = api_get("/v1/calls/" + call_id);
    if (!r || r->status != 200) return nullptr;
    return json::parse(r->body);
  }
  // The call's log job once it is a dead letter.
  std::optional<json> dead_log(const std::string& call_id) const {
    const auto r = api_get("/v1/deliveries?state=dead&limit=1000");
    if (!r || r->status != 200) return std::nullopt;
    const json page = json::parse(r->body);
    for (const auto& d : page["deliveries"])
      if (d["adapter"] == "odoo" && d["call_id"] == call_id) return d;
    return std::nullopt;
  }
  // The pop-up once its lookup ended, whatever the outcome.
  static std::optional<json> settled_pop(const WsClient& panel, const std::string& call_id) {
    std::optional<json> last;
    for (const auto& m : of_type(panel.messages(), "screen_pop"))
      if (m["call"]["call_id"] == call_id && m["lookup"] != "pending") last = m;
    return last;
  }
  std::size_t count(const std::string& model, const std::string& method) const {
    return odoo_.requests(model, method).size();
  }
  // execute_kw carries the key in the body; it must not reach a log or the
  // database file.
  void expect_key_on_every_request_and_never_logged(const std::string& key = kApiKey) const {
    for (const auto& r : odoo_.requests()) EXPECT_EQ(r.api_key, key) << r.model << "." << r.method;
    for (const char* file : {"connector.err", "connector.out", "cti.db", "cti.db-wal"})
      EXPECT_EQ(slurp(path(file)).find(key), std::string::npos) << file;
  }

  void expect_found_when_stored_as(const std::string& stored) {
    odoo_.set_partners(odoo_partners(stored));
    start_connector_without_pbx();
    const auto ana = panel_then_pbx();
    ASSERT_TRUE(eventually([&] { return delivered_log("odoo", kInboundCall).has_value(); }))
        << slurp(path("connector.err"));
    ASSERT_TRUE(final_pop(*ana, kInboundCall).has_value());
    EXPECT_EQ((*final_pop(*ana, kInboundCall))["contact"]["id"], std::to_string(kLucia));
    const json notes = odoo_.messages();
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0]["res_id"], kLucia);
  }
  // The retry's find_logged: one count of partner notes holding the call id.
  void expect_one_search_for_the_logged_call() const {
    const auto searches = odoo_.requests("mail.message", "search_count");
    ASSERT_EQ(searches.size(), 1u);
    EXPECT_EQ(searches[0].args, json::array({{{"model", "=", "res.partner"},
                                              {"body", "ilike", "cti_call_id: " + kInboundCall}}}));
  }

  LocalOdoo odoo_{kDb, kUid, kApiKey, odoo_partners(kCaller)};
};

TEST_F(OdooTemplateE2e, InboundCallPopsThePartnerAtAnaAndPostsOneNoteInItsChatter) {
  start_connector_without_pbx();
  const auto ana = panel_then_pbx();

  ASSERT_TRUE(eventually([&] { return final_pop(*ana, kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  const json pop = *final_pop(*ana, kInboundCall);
  EXPECT_EQ(pop["call"]["from"], kCaller);
  EXPECT_EQ(pop["contact"]["crm"], "odoo");
  EXPECT_EQ(pop["contact"]["id"], std::to_string(kLucia));
  EXPECT_EQ(pop["contact"]["name"], "Lucía Fernández");
  EXPECT_EQ(pop["contact"]["company"], "Acme Foods & Sons <ES>");
  EXPECT_EQ(pop["contact"]["url"], odoo_.base_url() + "/web#id=" + std::to_string(kLucia) +
                                       "&model=res.partner&view_type=form");
  EXPECT_EQ(pop["contact"]["ambiguous"], false);

  ASSERT_TRUE(eventually([&] { return delivered_log("odoo", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  EXPECT_EQ((*delivered_log("odoo", kInboundCall))["attempts"], 1) << slurp(path("connector.err"));
  const json record = stored_call(kInboundCall);
  ASSERT_TRUE(record.is_object());
  const json notes = odoo_.messages();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["model"], "res.partner");
  EXPECT_EQ(notes[0]["res_id"], kLucia);
  EXPECT_EQ(notes[0]["message_type"], "comment");
  EXPECT_EQ(notes[0]["subtype_xmlid"], "mail.mt_note");  // a note, not a message to followers
  // As the template renders it; stored as HTML (body_is_html), not escaped.
  // It shows no partner value, and the PBX values it shows cannot hold "<"
  // or "&" in this capture: TemplateOdoo.HtmlInCallerDataIsEscaped covers
  // |html.
  EXPECT_EQ(notes[0]["body"], "<p><b>Inbound call</b> " + kCaller +
                                  ": answered</p><ul><li>started: " +
                                  sql_time(record["started_at"].get<std::string>()) +
                                  " UTC</li><li>talk: " + mmss(record["talk_s"].get<double>()) +
                                  "</li><li>agent: 1001</li><li>queue: </li></ul>"
                                  "<p>cti_call_id: " +
                                  kInboundCall + "</p>");

  // The screen-pop's search and the log job's own, by the normalized phone,
  // for the fields the template reads, newest first; a first attempt does
  // not ask whether the call is already logged.
  const auto searches = odoo_.requests("res.partner", "search_read");
  ASSERT_EQ(searches.size(), 2u);
  for (const auto& s : searches) {
    EXPECT_EQ(s.args, json::parse(R"([[["phone_mobile_search", "=", "+34912345678"]]])"));
    EXPECT_EQ(s.kwargs["order"], "write_date desc");
  }
  EXPECT_EQ(count("mail.message", "search_count"), 0u);
  EXPECT_EQ(count("res.partner", "message_post"), 1u);
  EXPECT_EQ(odoo_.requests().size(), 3u);
  expect_key_on_every_request_and_never_logged();
}

// Ring-all: one lookup serves both pop-ups; the note names the queue and
// the agent who answered, not the one who only rang.
TEST_F(OdooTemplateE2e, QueueCallPopsBothAgentsAndPostsOneNoteNamingTheQueueAndWhoAnswered) {
  start_connector_without_pbx();
  WsClient ana(api_port_, "/v1/ws", panel_protocols(kAnaToken));
  WsClient ben(api_port_, "/v1/ws", panel_protocols(kBenToken));
  ASSERT_TRUE(eventually([&] { return !ana.messages().empty() && !ben.messages().empty(); }));
  start_pbx("d_queue_answered");

  ASSERT_TRUE(eventually([&] { return final_pop(ana, kQueueCall) && final_pop(ben, kQueueCall); }))
      << slurp(path("connector.err"));
  for (const WsClient* panel : {&ana, &ben})
    EXPECT_EQ((*final_pop(*panel, kQueueCall))["contact"]["id"], std::to_string(kLucia));
  ASSERT_TRUE(eventually([&] { return delivered_log("odoo", kQueueCall).has_value(); }))
      << slurp(path("connector.err"));
  const json notes = odoo_.messages();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["res_id"], kLucia);
  const std::string body = notes[0]["body"];
  EXPECT_NE(body.find("<li>agent: 1001</li><li>queue: sales</li>"), std::string::npos) << body;
  EXPECT_NE(body.find("<p>cti_call_id: " + kQueueCall + "</p>"), std::string::npos) << body;
  EXPECT_EQ(count("res.partner", "search_read"), 2u);
  expect_key_on_every_request_and_never_logged();
}

// Odoo keeps numbers as typed; phone_mobile_search compares them without
// spaces and punctuation, and "00" as "+". An exact "phone =" search would
// miss both of these.
TEST_F(OdooTemplateE2e, APartnerStoredWithSpacesIsStillFound) {
  expect_found_when_stored_as("+34 912 34 56 78");
}

TEST_F(OdooTemplateE2e, APartnerStoredWithA00PrefixAndPunctuationIsStillFound) {
  expect_found_when_stored_as("0034 (912) 34-56.78");
}

// log.when is contact_found: the job ends (delivered) after its search,
// and since no request of a delivered job is still on its way, the local
// Odoo has seen all it will: no partner created, no note.
TEST_F(OdooTemplateE2e, AnUnknownCallerIsNotLoggedUnlessPartnersMayBeCreated) {
  odoo_.set_partners(odoo_partners(std::nullopt));
  start_connector_without_pbx();
  const auto ana = panel_then_pbx();

  ASSERT_TRUE(eventually([&] { return final_pop(*ana, kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  const json pop = *final_pop(*ana, kInboundCall);
  EXPECT_TRUE(pop["contact"].is_null()) << pop.dump();
  EXPECT_FALSE(pop.contains("can_create")) << pop.dump();

  ASSERT_TRUE(eventually([&] { return delivered_log("odoo", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  EXPECT_EQ((*delivered_log("odoo", kInboundCall))["attempts"], 1);
  EXPECT_EQ(count("res.partner", "search_read"), 2u);
  EXPECT_EQ(count("res.partner", "create"), 0u);
  EXPECT_EQ(count("res.partner", "message_post"), 0u);
  EXPECT_TRUE(odoo_.messages().empty());
  EXPECT_EQ(odoo_.partners().size(), 1u);
  expect_key_on_every_request_and_never_logged();
}

TEST_F(OdooTemplateE2e, AnUnknownCallerBecomesAPartnerWithTheNoteInItsChatterWhenCreatingIsOn) {
  odoo_.set_partners(odoo_partners(std::nullopt));
  start_connector_without_pbx({{"create_unknown_contacts", true}});
  const auto ana = panel_then_pbx();

  ASSERT_TRUE(eventually([&] { return final_pop(*ana, kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  const json pop = *final_pop(*ana, kInboundCall);
  EXPECT_TRUE(pop["contact"].is_null()) << pop.dump();
  EXPECT_EQ(pop["can_create"], json::array({"odoo"}));

  ASSERT_TRUE(eventually([&] { return delivered_log("odoo", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  EXPECT_EQ((*delivered_log("odoo", kInboundCall))["attempts"], 1) << slurp(path("connector.err"));
  const json partners = odoo_.partners();
  ASSERT_EQ(partners.size(), 2u);
  const json created = partners[1];
  EXPECT_EQ(created["name"], "Unknown caller " + kCaller);
  EXPECT_EQ(created["phone"], kCaller);
  const auto creates = odoo_.requests("res.partner", "create");
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0].args,
            json::array({{{"name", "Unknown caller " + kCaller}, {"phone", kCaller}}}));
  const json notes = odoo_.messages();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["res_id"], created["id"]);
  const std::string body = notes[0]["body"];
  EXPECT_NE(body.find("cti_call_id: " + kInboundCall), std::string::npos) << body;
  // The log job searched before creating; the note went to the new id.
  const auto all = odoo_.requests();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].method, "create");
  EXPECT_EQ(all[3].method, "message_post");
  EXPECT_EQ(all[3].args, json::array({json::array({created["id"]})}));
  expect_key_on_every_request_and_never_logged();
}

// Odoo answers a bad key with HTTP 200 and a JSON-RPC error: the pop-up's
// lookup fails (not "no partner", which would offer a create) and the log
// job is a dead letter that says what Odoo said, never the key.
TEST_F(OdooTemplateE2e, AWrongApiKeyFailsWithOdoosMessageAndNeverShowsTheKey) {
  const std::string wrong = "odoo-api-key-revoked-0a9f33e1";
  start_connector_without_pbx({{"token", wrong}, {"create_unknown_contacts", true}});
  const auto ana = panel_then_pbx();

  ASSERT_TRUE(eventually([&] { return settled_pop(*ana, kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  const json pop = *settled_pop(*ana, kInboundCall);
  EXPECT_EQ(pop["lookup"], "failed") << pop.dump();
  EXPECT_TRUE(pop["contact"].is_null());
  EXPECT_FALSE(pop.contains("can_create")) << pop.dump();

  ASSERT_TRUE(eventually([&] { return dead_log(kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  const json dead = *dead_log(kInboundCall);
  EXPECT_EQ(dead["attempts"], 1);  // a refused key does not heal by retrying
  const std::string error = dead["last_error"];
  // Odoo's exception and message, not only the start of its traceback.
  EXPECT_NE(error.find(R"("name":"odoo.exceptions.AccessDenied")"), std::string::npos) << error;
  EXPECT_NE(error.find(R"("message":"Access Denied")"), std::string::npos) << error;
  EXPECT_EQ(error.find(wrong), std::string::npos) << error;
  EXPECT_NE(slurp(path("connector.err")).find("Access Denied"), std::string::npos);
  EXPECT_EQ(count("res.partner", "create"), 0u);
  EXPECT_EQ(count("res.partner", "message_post"), 0u);
  EXPECT_TRUE(odoo_.messages().empty());
  expect_key_on_every_request_and_never_logged(wrong);
}

// The first note is refused (503, nothing posted): the retry asks Odoo
// whether a note with the call id exists (find_logged), finds none, and
// posts it then, once.
TEST_F(OdooTemplateE2e, ARefusedNoteIsPostedOnTheRetryOnce) {
  odoo_.set_next_note(LocalOdoo::NextNote::RefuseWith503);
  start_connector_without_pbx();
  start_pbx();
  ASSERT_TRUE(eventually([&] { return delivered_log("odoo", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  // An extra attempt means a request failed: the connector's log says which.
  EXPECT_EQ((*delivered_log("odoo", kInboundCall))["attempts"], 2) << slurp(path("connector.err"));
  expect_one_search_for_the_logged_call();
  EXPECT_EQ(count("res.partner", "message_post"), 2u);
  const json notes = odoo_.messages();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["res_id"], kLucia);
  expect_key_on_every_request_and_never_logged();
}

// The first note is posted but its answer is lost (a proxy's 503): the
// retry's find_logged finds it by the call id, and the job ends without a
// second note (message_post has no dedupe of its own).
TEST_F(OdooTemplateE2e, ANoteWhoseAnswerWasLostIsFoundOnTheRetryAndNotPostedAgain) {
  odoo_.set_next_note(LocalOdoo::NextNote::PostAndLose503);
  start_connector_without_pbx();
  start_pbx();
  ASSERT_TRUE(eventually([&] { return delivered_log("odoo", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  EXPECT_EQ((*delivered_log("odoo", kInboundCall))["attempts"], 2) << slurp(path("connector.err"));
  expect_one_search_for_the_logged_call();
  EXPECT_EQ(count("res.partner", "message_post"), 1u);
  EXPECT_EQ(odoo_.messages().size(), 1u);
  // Found, so not even the partner search ran again.
  EXPECT_EQ(count("res.partner", "search_read"), 2u);
  expect_key_on_every_request_and_never_logged();
}

// A JSON-RPC error at HTTP 200 is Odoo refusing the note (a constraint, an
// access rule): retrying would not change it, so the job is a dead letter
// at once, with Odoo's message.
TEST_F(OdooTemplateE2e, ANoteOdooRefusesWithARpcErrorIsADeadLetterWithOdoosMessage) {
  odoo_.set_next_note(LocalOdoo::NextNote::RpcError);
  start_connector_without_pbx();
  start_pbx();
  ASSERT_TRUE(eventually([&] { return dead_log(kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  const json dead = *dead_log(kInboundCall);
  EXPECT_EQ(dead["attempts"], 1);
  const std::string error = dead["last_error"];
  EXPECT_NE(error.find(R"("name":"odoo.exceptions.ValidationError")"), std::string::npos) << error;
  EXPECT_NE(error.find(R"("message":"The operation cannot be completed: note refused")"),
            std::string::npos)
      << error;
  EXPECT_EQ(count("res.partner", "message_post"), 1u);
  EXPECT_TRUE(odoo_.messages().empty());
  expect_key_on_every_request_and_never_logged();
}

}  // namespace
}  // namespace cti::e2e
