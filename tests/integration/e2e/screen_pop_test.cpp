// Screen-pop end to end: the real connector between the real AMI replay
// server (the recorded queue call: 1002 and 1001 ring, 1001 answers) and a
// local CRM speaking HubSpot's API on loopback; two agents' panels are real
// WebSocket clients. The pop-ups carry the CRM contact, the agent not chosen
// gets "ringing stopped", and the CRM gets exactly one call activity.
#include "integration/e2e/e2e_support.h"
#include "integration/e2e/panel_messages.h"
#include "integration/e2e/ws_client.h"

namespace cti::e2e {
namespace {

const std::string kAnaToken = "ana-panel-token-0123456789";
const std::string kBenToken = "ben-panel-token-0123456789";
const std::string kQueueCall = "main-1795878837.0";    // tests/golden/d_queue_answered.json
const std::string kInboundCall = "main-1795878809.0";  // tests/golden/a_inbound_answered.json

// A CRM on loopback that answers like HubSpot's v3 API and records requests.
class LocalHubspot {
 public:
  LocalHubspot() {
    server_.Post("/crm/v3/objects/contacts/search", [this](const auto& req, auto& res) {
      record(req);
      res.set_content(R"({"total":1,"results":[{"id":"501","properties":{"firstname":"Lucía",)"
                      R"("lastname":"Fernández","company":"Acme Foods",)"
                      R"("hs_lastmodifieddate":"2026-11-01T10:00:00Z"}}]})",
                      "application/json");
    });
    server_.Post("/crm/v3/objects/contacts", [this](const auto& req, auto& res) {
      record(req);
      res.status = 201;
      res.set_content(R"({"id":"777","properties":{"phone":"+34600111222"}})", "application/json");
    });
    server_.Post("/crm/v3/objects/calls", [this](const auto& req, auto& res) {
      record(req);
      res.status = 201;
      res.set_content(R"({"id":"9001"})", "application/json");
    });
    port_ = static_cast<unsigned short>(server_.bind_to_any_port("127.0.0.1"));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalHubspot() {
    server_.stop();
    thread_.join();
  }
  unsigned short port() const { return port_; }
  std::vector<std::pair<std::string, json>> requests(const std::string& path) const {
    std::lock_guard lk(mu_);
    std::vector<std::pair<std::string, json>> out;
    for (const auto& r : requests_)
      if (r.first == path) out.push_back(r);
    return out;
  }
  std::vector<std::string> auth_headers() const {
    std::lock_guard lk(mu_);
    return auth_;
  }

 private:
  void record(const httplib::Request& req) {
    std::lock_guard lk(mu_);
    requests_.emplace_back(req.path, json::parse(req.body, nullptr, false));
    auth_.push_back(req.get_header_value("Authorization"));
  }
  httplib::Server server_;
  unsigned short port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, json>> requests_;
  std::vector<std::string> auth_;
};

class ScreenPopE2e : public E2e {
 protected:
  // The connector starts first, with the PBX not listening yet, so both
  // panels are connected before the first frame: nothing races the capture.
  void start_connector_without_pbx() {
    ami_port_ = unused_port();
    write_config(0, {{"agents",
                      {{{"id", "ana"}, {"extension", "1001"}, {"token", kAnaToken}},
                       {{"id", "ben"}, {"extension", "1002"}, {"token", kBenToken}}}},
                     {"crm",
                      {{{"type", "hubspot"},
                        {"name", "hs"},
                        {"base_url", "http://127.0.0.1:" + std::to_string(crm_.port())},
                        {"token", "hs-private-app-token"},
                        {"portal_id", "4242"},
                        {"create_unknown_contacts", true},
                        {"users", {{"ana", "75001"}}}}}},
                     {"screen_pop", {{"lookup_timeout_ms", 5000}}}});
    start_connector();
  }
  void start_pbx(const std::string& capture_name) {
    start_ami({capture_name}, {"--speed", "1"}, "127.0.0.1:" + std::to_string(ami_port_));
  }
  LocalHubspot crm_;
};

TEST_F(ScreenPopE2e, QueueCallPopsTheContactAtBothAgentsClosesTheLoserAndLogsOnce) {
  start_connector_without_pbx();
  // Ana's panel authenticates like a browser (subprotocol), Ben's like a
  // script (Authorization header).
  WsClient ana(api_port_, "/v1/ws", panel_protocols(kAnaToken));
  WsClient ben(api_port_, "/v1/ws", "", "Bearer " + kBenToken);
  EXPECT_EQ(ana.accepted_protocol(), "cti.v1");
  ASSERT_TRUE(eventually([&] { return !ana.messages().empty() && !ben.messages().empty(); }));
  EXPECT_EQ(ana.messages()[0]["type"], "hello");
  EXPECT_EQ(ana.messages()[0]["agent"], "ana");
  EXPECT_EQ(ana.messages()[0]["extension"], "1001");
  EXPECT_EQ(ben.messages()[0]["agent"], "ben");
  EXPECT_TRUE(ana.messages()[0]["popups"].empty());

  start_pbx("d_queue_answered");
  ASSERT_TRUE(eventually([&] { return final_pop(ana, kQueueCall) && final_pop(ben, kQueueCall); }))
      << slurp(path("connector.err"));
  for (const WsClient* panel : {&ana, &ben}) {
    const json pop = *final_pop(*panel, kQueueCall);
    EXPECT_EQ(pop["call"]["from"], "+34912345678");
    EXPECT_EQ(pop["call"]["queue"], "sales");
    EXPECT_EQ(pop["contact"]["crm"], "hs");
    EXPECT_EQ(pop["contact"]["id"], "501");
    EXPECT_EQ(pop["contact"]["name"], "Lucía Fernández");
    EXPECT_EQ(pop["contact"]["company"], "Acme Foods");
    EXPECT_EQ(pop["contact"]["url"], "https://app.hubspot.com/contacts/4242/record/0-1/501");
    EXPECT_TRUE(pop["history"].is_array());
  }
  // 1001 answers: Ben's pop-up closes as answered elsewhere; Ana's shows the
  // answer; the end closes both.
  ASSERT_TRUE(eventually([&] { return has_update(ben, kQueueCall, "call.ringing_stopped"); }));
  for (const auto& m : of_type(ben.messages(), "call_update"))
    if (m["event"] == "call.ringing_stopped") {
      EXPECT_EQ(m["reason"], "answered_elsewhere");
    }
  EXPECT_TRUE(eventually([&] { return has_update(ana, kQueueCall, "call.answered"); }));
  ASSERT_TRUE(eventually([&] {
    return has_update(ana, kQueueCall, "call.ended") && has_update(ben, kQueueCall, "call.ended");
  }));
  EXPECT_FALSE(has_update(ana, kQueueCall, "call.ringing_stopped"));

  // One lookup for both pop-ups (the ring-all shares it), one call activity
  // with owner and contact, after the end.
  ASSERT_TRUE(eventually([&] { return crm_.requests("/crm/v3/objects/calls").size() == 1; }))
      << slurp(path("connector.err"));
  const json call = crm_.requests("/crm/v3/objects/calls")[0].second;
  EXPECT_EQ(call["properties"]["hubspot_owner_id"], "75001");
  EXPECT_EQ(call["properties"]["hs_call_direction"], "INBOUND");
  EXPECT_EQ(call["properties"]["hs_call_status"], "COMPLETED");
  EXPECT_EQ(call["associations"][0]["to"]["id"], "501");
  EXPECT_NE(
      call["properties"]["hs_call_body"].get<std::string>().find("cti_call_id: " + kQueueCall),
      std::string::npos);
  for (const auto& auth : crm_.auth_headers()) EXPECT_EQ(auth, "Bearer hs-private-app-token");
  // The job's own lookup (for the association) plus the screen-pop's.
  EXPECT_EQ(crm_.requests("/crm/v3/objects/contacts/search").size(), 2u);
  // The token never reached the log.
  EXPECT_EQ(slurp(path("connector.err")).find("hs-private-app-token"), std::string::npos);
  EXPECT_EQ(slurp(path("connector.out")).find("hs-private-app-token"), std::string::npos);
}

// The direct inbound call (no queue): only 1001 rings, answers and talks.
TEST_F(ScreenPopE2e, InboundCallPopsTheContactAtAnaOnlyAndLogsOneInboundActivityWithHerOwner) {
  start_connector_without_pbx();
  WsClient ana(api_port_, "/v1/ws", panel_protocols(kAnaToken));
  WsClient ben(api_port_, "/v1/ws", panel_protocols(kBenToken));
  ASSERT_TRUE(eventually([&] { return !ana.messages().empty() && !ben.messages().empty(); }));
  start_pbx("a_inbound_answered");

  ASSERT_TRUE(eventually([&] { return final_pop(ana, kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  const json pop = *final_pop(ana, kInboundCall);
  EXPECT_EQ(pop["call"]["from"], "+34912345678");
  EXPECT_EQ(pop["call"]["queue"], "");
  EXPECT_EQ(pop["contact"]["id"], "501");
  EXPECT_EQ(pop["contact"]["name"], "Lucía Fernández");
  EXPECT_EQ(pop["contact"]["url"], "https://app.hubspot.com/contacts/4242/record/0-1/501");
  ASSERT_TRUE(eventually([&] { return has_update(ana, kInboundCall, "call.ended"); }));
  EXPECT_TRUE(has_update(ana, kInboundCall, "call.answered"));

  // Delivered: every request of the log job has reached the CRM by now.
  ASSERT_TRUE(eventually([&] { return delivered_log("hs", kInboundCall).has_value(); }))
      << slurp(path("connector.err"));
  ASSERT_EQ(crm_.requests("/crm/v3/objects/calls").size(), 1u);
  const json call = crm_.requests("/crm/v3/objects/calls")[0].second;
  EXPECT_EQ(call["properties"]["hs_call_direction"], "INBOUND");
  EXPECT_EQ(call["properties"]["hs_call_status"], "COMPLETED");
  EXPECT_EQ(call["properties"]["hubspot_owner_id"], "75001");
  EXPECT_EQ(call["associations"][0]["to"]["id"], "501");
  EXPECT_NE(
      call["properties"]["hs_call_body"].get<std::string>().find("cti_call_id: " + kInboundCall),
      std::string::npos);
  // Ben's extension never rang: nothing about this call reached his panel.
  for (const auto& m : ben.messages()) EXPECT_EQ(m.dump().find(kInboundCall), std::string::npos);
}

TEST_F(ScreenPopE2e, AReconnectingPanelResumesWithTheLivePopup) {
  start_connector_without_pbx();
  auto first = std::make_unique<WsClient>(api_port_, "/v1/ws", panel_protocols(kAnaToken));
  start_pbx("d_queue_answered");
  ASSERT_TRUE(eventually([&] { return final_pop(*first, kQueueCall).has_value(); }))
      << slurp(path("connector.err"));
  first.reset();  // the browser tab reloads while the call is live
  WsClient again(api_port_, "/v1/ws", panel_protocols(kAnaToken));
  ASSERT_TRUE(eventually([&] { return !again.messages().empty(); }));
  const json hello = again.messages()[0];
  ASSERT_EQ(hello["type"], "hello");
  // The call is still live (it ends seconds later), so the pop-up is back at once.
  ASSERT_FALSE(has_update(again, kQueueCall, "call.ended"))
      << "the call ended before the panel reconnected; hello: " << hello.dump();
  ASSERT_FALSE(hello["popups"].empty()) << hello.dump();
  EXPECT_EQ(hello["popups"][0]["call"]["call_id"], kQueueCall);
  EXPECT_EQ(hello["popups"][0]["contact"]["name"], "Lucía Fernández");
}

TEST_F(ScreenPopE2e, UpgradeNeedsAValidTokenAndAnAgentTokenWatchesOnlyItsAgent) {
  start_connector_without_pbx();
  auto handshake_error = [&](const std::string& target, const std::string& protocols,
                             const std::string& authorization) -> std::string {
    try {
      WsClient c(api_port_, target, protocols, authorization);
      return "";
    } catch (const std::exception& e) {
      return e.what();
    }
  };
  EXPECT_NE(handshake_error("/v1/ws", "cti.v1", ""), "");                               // no token
  EXPECT_NE(handshake_error("/v1/ws", "cti.v1, bearer." + base64url("nope"), ""), "");  // bad
  EXPECT_NE(handshake_error("/v1/ws?agent=ben", panel_protocols(kAnaToken), ""), "");   // not hers
  EXPECT_NE(handshake_error("/v1/ws", "", "Bearer " + kToken), "");  // integration, no ?agent=
  EXPECT_EQ(handshake_error("/v1/ws?agent=ben", "", "Bearer " + kToken), "");
  // Refused upgrades are problem+json with the status.
  httplib::Client c("127.0.0.1", api_port_);
  auto r = c.Get("/v1/ws", {{"Connection", "Upgrade"},
                            {"Upgrade", "websocket"},
                            {"Sec-WebSocket-Version", "13"},
                            {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
  // GET /v1/me tells the panel who it is.
  httplib::Client me("127.0.0.1", api_port_);
  auto who = me.Get("/v1/me", {{"Authorization", "Bearer " + kAnaToken}});
  ASSERT_TRUE(who);
  ASSERT_EQ(who->status, 200) << who->body;
  const json j = json::parse(who->body);
  EXPECT_EQ(j["agent"], "ana");
  EXPECT_EQ(j["extension"], "1001");
}

TEST_F(ScreenPopE2e, CreateContactForAnUnknownCallerGoesToTheCrmWithTheE164NumberOnly) {
  start_connector_without_pbx();
  const auto created = api_post("/v1/contacts", {{"number", "600 111 222"}}, kAnaToken);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body << slurp(path("connector.err"));
  const json contact = json::parse(created->body);
  EXPECT_EQ(contact["crm"], "hs");
  EXPECT_EQ(contact["id"], "777");
  EXPECT_EQ(contact["url"], "https://app.hubspot.com/contacts/4242/record/0-1/777");
  const auto sent = crm_.requests("/crm/v3/objects/contacts");
  ASSERT_EQ(sent.size(), 1u);
  // E.164, nothing invented; Ana asked, so Ana's HubSpot user owns it.
  EXPECT_EQ(sent[0].second["properties"],
            json({{"phone", "+34600111222"}, {"hubspot_owner_id", "75001"}}));

  const auto unknown_crm =
      api_post("/v1/contacts", {{"number", "+34600111222"}, {"crm", "sf"}}, kAnaToken);
  ASSERT_TRUE(unknown_crm);
  EXPECT_EQ(unknown_crm->status, 404);
  const auto not_a_number = api_post("/v1/contacts", {{"number", "call me"}}, kAnaToken);
  ASSERT_TRUE(not_a_number);
  EXPECT_EQ(not_a_number->status, 422);
  EXPECT_EQ(not_a_number->get_header_value("Content-Type"), "application/problem+json");
  EXPECT_EQ(crm_.requests("/crm/v3/objects/contacts").size(), 1u);  // refusals reach no CRM
}

}  // namespace
}  // namespace cti::e2e
