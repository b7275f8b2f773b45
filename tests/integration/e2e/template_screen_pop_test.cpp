// The template adapter end to end (issue 5, "Tests: Integration"): the real
// connector runs the SHIPPED config/adapters/espocrm.json against a local
// EspoCRM on loopback, between the real AMI replay server (the inbound and
// the queue captures at recorded speed) and real WebSocket panels. Pop-ups
// carry the contact as the template reads it, the agent not chosen gets
// "ringing stopped", and the CRM gets exactly one call log per call, shaped
// as the template maps it, even when an answer is lost and the job retries.
#include "integration/e2e/e2e_support.h"
#include "integration/e2e/local_espocrm.h"
#include "integration/e2e/panel_messages.h"
#include "integration/e2e/ws_client.h"

namespace cti::e2e {
namespace {

// The shipped file itself, by absolute path: the connector resolves a
// relative "file" against its working directory, which is not the source tree.
const std::string kEspoTemplate = CTI_FIXTURES "/../../config/adapters/espocrm.json";
const std::string kAnaToken = "ana-panel-token-espo-0123456789";
const std::string kBenToken = "ben-panel-token-espo-0123456789";
const std::string kApiKey = "espo-api-key-7c1e0f9b2d";
const std::string kAnaEspoUser = "65a1f0c2e3d4b5a61";
const std::string kBenEspoUser = "65a1f0c2e3d4b5a62";
const std::string kCaller = "+34912345678";            // both captures' caller
const std::string kInboundCall = "main-1795878809.0";  // tests/golden/a_inbound_answered.json
const std::string kQueueCall = "main-1795878837.0";    // tests/golden/d_queue_answered.json

// "2026-11-28T15:13:29.979Z" -> "2026-11-28 15:13:29", as |utc_sql writes it.
std::string sql_time(const std::string& rfc3339) {
  std::string out = rfc3339.substr(0, 19);
  out[10] = ' ';
  return out;
}

// The number after "<key>: " on its own line of the call's description.
double described(const std::string& description, const std::string& key) {
  const auto at = description.find("\n" + key + ": ");
  if (at == std::string::npos) return -1;
  return std::stod(description.substr(at + key.size() + 3));
}

// Lucía is the caller. Marta has another number and was modified later, so
// a search that ignored the number would pop her (most recent wins).
nlohmann::json espo_contacts(bool caller_known) {
  nlohmann::json contacts = {{{"id", "64f0c2a1b2c3d4e5f"},
                              {"name", "Marta Gil"},
                              {"accountName", "Gil Transportes"},
                              {"phoneNumber", "+34600999888"},
                              {"modifiedAt", "2026-11-20 09:00:00"}}};
  if (caller_known)
    contacts.push_back({{"id", "64f0c2a1b2c3d4e60"},
                        {"name", "Lucía Fernández"},
                        {"accountName", "Acme Foods"},
                        {"phoneNumber", kCaller},
                        {"modifiedAt", "2026-11-01 10:00:00"}});
  return contacts;
}

class TemplateScreenPopE2e : public E2e {
 protected:
  // As in screen_pop_test.cpp: the connector starts before the PBX listens,
  // so the panels are connected before the first frame.
  void start_connector_without_pbx(const json& crm_patch = json::object()) {
    ami_port_ = unused_port();
    json crm = {{"type", "template"},    {"name", "espo"},
                {"file", kEspoTemplate}, {"base_url", crm_.base_url()},
                {"token", kApiKey},      {"users", {{"ana", kAnaEspoUser}, {"ben", kBenEspoUser}}}};
    crm.merge_patch(crm_patch);
    write_config(0, {{"agents",
                      {{{"id", "ana"}, {"extension", "1001"}, {"token", kAnaToken}},
                       {{"id", "ben"}, {"extension", "1002"}, {"token", kBenToken}}}},
                     {"crm", json::array({crm})},
                     // Generous: the machine is shared; a timed-out pop-up
                     // would be replaced by the late one anyway.
                     {"screen_pop", {{"lookup_timeout_ms", 15000}}}});
    start_connector();
  }
  void start_pbx(const std::string& capture_name) {
    start_ami({capture_name}, {"--speed", "1"}, "127.0.0.1:" + std::to_string(ami_port_));
  }
  json stored_call(const std::string& call_id) const {
    const auto r = api_get("/v1/calls/" + call_id);
    if (!r || r->status != 200) return nullptr;
    return json::parse(r->body);
  }
  std::size_t count(const std::string& method, const std::string& path) const {
    return crm_.requests(method, path).size();
  }
  void expect_key_on_every_request_and_never_logged() const {
    for (const auto& r : crm_.requests()) EXPECT_EQ(r.api_key, kApiKey) << r.method << r.path;
    EXPECT_EQ(slurp(path("connector.err")).find(kApiKey), std::string::npos);
    EXPECT_EQ(slurp(path("connector.out")).find(kApiKey), std::string::npos);
  }

  LocalEspoCrm crm_{kApiKey, espo_contacts(true)};
};

TEST_F(TemplateScreenPopE2e, InboundCallPopsTheEspoContactAtAnaAndLogsOneHeldCallLinkedToIt) {
  start_connector_without_pbx();
  WsClient ana(api_port_, "/v1/ws", panel_protocols(kAnaToken));
  WsClient ben(api_port_, "/v1/ws", panel_protocols(kBenToken));
  ASSERT_TRUE(eventually([&] { return !ana.messages().empty() && !ben.messages().empty(); }));
  start_pbx("a_inbound_answered");

  ASSERT_TRUE(eventually([&] { return final_pop(ana, kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  const json pop = *final_pop(ana, kInboundCall);
  EXPECT_EQ(pop["call"]["from"], kCaller);
  EXPECT_EQ(pop["contact"]["crm"], "espo");
  EXPECT_EQ(pop["contact"]["id"], "64f0c2a1b2c3d4e60");
  EXPECT_EQ(pop["contact"]["name"], "Lucía Fernández");
  EXPECT_EQ(pop["contact"]["company"], "Acme Foods");
  EXPECT_EQ(pop["contact"]["kind"], "contact");
  EXPECT_EQ(pop["contact"]["url"], crm_.base_url() + "/#Contact/view/64f0c2a1b2c3d4e60");
  EXPECT_EQ(pop["contact"]["ambiguous"], false);
  ASSERT_TRUE(eventually([&] { return has_update(ana, kInboundCall, "call.ended"); }));
  EXPECT_TRUE(has_update(ana, kInboundCall, "call.answered"));
  EXPECT_FALSE(has_update(ana, kInboundCall, "call.ringing_stopped"));

  ASSERT_TRUE(eventually([&] { return delivered_log("espo", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  EXPECT_EQ((*delivered_log("espo", kInboundCall))["attempts"], 1);
  const json record = stored_call(kInboundCall);
  ASSERT_TRUE(record.is_object());
  ASSERT_EQ(crm_.calls().size(), 1u);
  const json call = crm_.calls()[0];
  EXPECT_EQ(call["name"], "Inbound call " + kCaller);
  EXPECT_EQ(call["status"], "Held");
  EXPECT_EQ(call["direction"], "Inbound");
  // EspoCRM derives the duration from these two (UTC, whole seconds).
  EXPECT_EQ(call["dateStart"], sql_time(record["started_at"].get<std::string>()));
  EXPECT_EQ(call["dateEnd"], sql_time(record["ended_at"].get<std::string>()));
  EXPECT_EQ(call["parentType"], "Contact");
  EXPECT_EQ(call["parentId"], "64f0c2a1b2c3d4e60");
  EXPECT_EQ(call["assignedUserId"], kAnaEspoUser);
  EXPECT_EQ(call["usersIds"], json::array({kAnaEspoUser}));
  const std::string description = call["description"];
  EXPECT_TRUE(description.starts_with("cti_call_id: " + kInboundCall + "\n")) << description;
  EXPECT_NEAR(described(description, "talk_s"), record["talk_s"].get<double>(), 1e-6);
  EXPECT_NEAR(described(description, "ring_s"), record["ring_s"].get<double>(), 1e-6);

  // Ben was never rung. The contact was found, so no lead search; a first
  // attempt does not ask whether the call is already logged.
  for (const auto& m : ben.messages()) EXPECT_EQ(m.dump().find(kInboundCall), std::string::npos);
  EXPECT_EQ(count("GET", "/api/v1/Lead"), 0u);
  EXPECT_EQ(count("GET", "/api/v1/Call"), 0u);
  // The screen-pop's search and the log job's own.
  EXPECT_EQ(count("GET", "/api/v1/Contact"), 2u);
  EXPECT_TRUE(crm_.leads().empty());
  expect_key_on_every_request_and_never_logged();
}

TEST_F(TemplateScreenPopE2e, QueueCallPopsBothAgentsClosesBensAsAnsweredElsewhereAndLogsOnce) {
  start_connector_without_pbx();
  WsClient ana(api_port_, "/v1/ws", panel_protocols(kAnaToken));
  WsClient ben(api_port_, "/v1/ws", panel_protocols(kBenToken));
  ASSERT_TRUE(eventually([&] { return !ana.messages().empty() && !ben.messages().empty(); }));
  start_pbx("d_queue_answered");

  ASSERT_TRUE(eventually([&] { return final_pop(ana, kQueueCall) && final_pop(ben, kQueueCall); }))
      << slurp(path("connector.err"));
  for (const WsClient* panel : {&ana, &ben}) {
    const json pop = *final_pop(*panel, kQueueCall);
    EXPECT_EQ(pop["call"]["queue"], "sales");
    EXPECT_EQ(pop["contact"]["id"], "64f0c2a1b2c3d4e60");
    EXPECT_EQ(pop["contact"]["name"], "Lucía Fernández");
    EXPECT_EQ(pop["contact"]["url"], crm_.base_url() + "/#Contact/view/64f0c2a1b2c3d4e60");
  }
  ASSERT_TRUE(eventually([&] { return has_update(ben, kQueueCall, "call.ringing_stopped"); }));
  const auto stopped = updates(ben, kQueueCall, "call.ringing_stopped");
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(stopped[0]["reason"], "answered_elsewhere");
  ASSERT_TRUE(eventually([&] {
    return has_update(ana, kQueueCall, "call.ended") && has_update(ben, kQueueCall, "call.ended");
  }));
  EXPECT_TRUE(has_update(ana, kQueueCall, "call.answered"));
  EXPECT_FALSE(has_update(ana, kQueueCall, "call.ringing_stopped"));

  ASSERT_TRUE(eventually([&] { return delivered_log("espo", kQueueCall).has_value(); }))
      << slurp(path("connector.err"));
  ASSERT_EQ(crm_.calls().size(), 1u);
  const json call = crm_.calls()[0];
  EXPECT_EQ(call["status"], "Held");
  EXPECT_EQ(call["parentId"], "64f0c2a1b2c3d4e60");
  // The agent who answered owns it, not the one who only rang.
  EXPECT_EQ(call["assignedUserId"], kAnaEspoUser);
  EXPECT_NE(call["description"].get<std::string>().find("\nqueue: sales\n"), std::string::npos);
  // One lookup serves both pop-ups (ring-all), plus the log job's own.
  EXPECT_EQ(count("GET", "/api/v1/Contact"), 2u);
  expect_key_on_every_request_and_never_logged();
}

TEST_F(TemplateScreenPopE2e, AnUnknownCallerBecomesALeadAndTheCallLogLinksToIt) {
  crm_.set_contacts(espo_contacts(false));
  start_connector_without_pbx({{"create_unknown_contacts", true}});
  WsClient ana(api_port_, "/v1/ws", panel_protocols(kAnaToken));
  ASSERT_TRUE(eventually([&] { return !ana.messages().empty(); }));
  start_pbx("a_inbound_answered");

  ASSERT_TRUE(eventually([&] { return final_pop(ana, kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  const json pop = *final_pop(ana, kInboundCall);
  EXPECT_TRUE(pop["contact"].is_null()) << pop.dump();
  EXPECT_EQ(pop["can_create"], json::array({"espo"}));

  ASSERT_TRUE(eventually([&] { return delivered_log("espo", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  ASSERT_EQ(crm_.leads().size(), 1u);
  const json lead = crm_.leads()[0];
  EXPECT_EQ(lead["lastName"], "Unknown caller");
  EXPECT_EQ(lead["phoneNumber"], kCaller);
  EXPECT_EQ(lead["assignedUserId"], kAnaEspoUser);
  ASSERT_EQ(crm_.calls().size(), 1u);
  EXPECT_EQ(crm_.calls()[0]["parentType"], "Lead");
  EXPECT_EQ(crm_.calls()[0]["parentId"], lead["id"]);
  // The chain searched Contacts and Leads (screen-pop and log job each)
  // before creating.
  EXPECT_EQ(count("GET", "/api/v1/Contact"), 2u);
  EXPECT_EQ(count("GET", "/api/v1/Lead"), 2u);
  expect_key_on_every_request_and_never_logged();
}

// The first POST of the call log is stored but its answer is lost (503): the
// retry's find_logged finds the call by its id in the description, and the
// job ends without logging it twice.
TEST_F(TemplateScreenPopE2e, ALogWhoseAnswerWasLostIsFoundOnTheRetryAndNotSentAgain) {
  crm_.set_next_call_log(LocalEspoCrm::NextCallLog::StoreAndLose503);
  start_connector_without_pbx();
  start_pbx("a_inbound_answered");
  ASSERT_TRUE(eventually([&] { return delivered_log("espo", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  // An extra attempt means a request failed: the connector's log says which.
  EXPECT_EQ((*delivered_log("espo", kInboundCall))["attempts"], 2) << slurp(path("connector.err"));
  EXPECT_EQ(count("POST", "/api/v1/Call"), 1u);
  EXPECT_EQ(crm_.calls().size(), 1u);
  const auto searches = crm_.requests("GET", "/api/v1/Call");
  ASSERT_EQ(searches.size(), 1u);
  // (The local CRM refuses a search without type and attribute.)
  const auto& asked = searches[0].params;
  ASSERT_EQ(asked.count("where[0][value]"), 1u);
  EXPECT_EQ(asked.find("where[0][attribute]")->second, "description");
  EXPECT_EQ(asked.find("where[0][value]")->second, kInboundCall);
  expect_key_on_every_request_and_never_logged();
}

// The CRM refuses the first POST (503, nothing stored): the retry's
// find_logged finds nothing, so the call is logged then, once.
TEST_F(TemplateScreenPopE2e, ARefusedLogIsSentAgainOnTheRetryAndStoredOnce) {
  crm_.set_next_call_log(LocalEspoCrm::NextCallLog::RefuseWith503);
  start_connector_without_pbx();
  start_pbx("a_inbound_answered");
  ASSERT_TRUE(eventually([&] { return delivered_log("espo", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  // An extra attempt means a request failed: the connector's log says which.
  EXPECT_EQ((*delivered_log("espo", kInboundCall))["attempts"], 2) << slurp(path("connector.err"));
  EXPECT_EQ(count("GET", "/api/v1/Call"), 1u);
  EXPECT_EQ(count("POST", "/api/v1/Call"), 2u);
  ASSERT_EQ(crm_.calls().size(), 1u);
  EXPECT_EQ(crm_.calls()[0]["parentId"], "64f0c2a1b2c3d4e60");
  expect_key_on_every_request_and_never_logged();
}

}  // namespace
}  // namespace cti::e2e
