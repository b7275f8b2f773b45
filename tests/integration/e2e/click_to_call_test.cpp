// Click-to-call end to end: the connector, a fake Asterisk on loopback that
// answers Originate by playing the recorded click-to-call (capture h) under
// the call id it was given, and the real HTTP API. An allowed call becomes
// an outbound call record; a denied one never reaches the PBX.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "integration/e2e/e2e_support.h"

namespace cti::e2e {
namespace {

const std::string kAnaToken = "ana-agent-token-0123456789";

class ClickToCall : public E2e {
 protected:
  void start_all(const json& policy = json::object()) {
    start_receiver();
    start_ami({}, {"--originate-capture",
                   std::string(CTI_FIXTURES) + "/ami/timestamped/h_click_to_call.ami", "--speed",
                   "0", "--log-actions", path("actions.log")});
    // The timestamped recording carries PBX times, so talk_s is real even
    // at --speed 0. Its PBX shows +34910000001 to the customer and rings
    // Local/1001@agents; the caller id chosen here must be the same number.
    write_config(
        receiver_port_,
        {{"agents",
          {{{"id", "ana"}, {"extension", "1001"}, {"token", kAnaToken}},
           {{"id", "ben"}, {"extension", "1002"}}}},
         {"numbers",
          {{"default_region", "ES"}, {"dids", {"+34910000001"}}, {"default_line", "+34910000001"}}},
         {"policy", policy}});
    start_connector();
    // Dialling needs the AMI session up.
    ASSERT_TRUE(eventually([&] {
      auto r = api_get("/v1/health", false);
      return r && json::parse(r->body, nullptr, false).value("status", "") == "ok";
    })) << slurp(path("connector.err"));
  }
  std::string actions() const { return slurp(path("actions.log")); }
  json ended_record(const std::string& call_id) {
    json record;
    EXPECT_TRUE(eventually([&] {
      auto r = api_get("/v1/calls/" + call_id);
      if (!r || r->status != 200) return false;
      record = json::parse(r->body);
      return record.contains("ended_at") && !record["ended_at"].is_null();
    })) << call_id
        << "\n"
        << slurp(path("connector.err"));
    return record;
  }
  static json originate_at_agents() {
    return {{"originate", {{"endpoint", "Local/{extension}@agents"}}}};
  }
};

TEST_F(ClickToCall, DeniedCallNeverReachesThePbxAllowedOneBecomesAnOutboundRecord) {
  start_all(originate_at_agents());
  // The customer opted out (recorded by the integration), then the agent clicks.
  auto dnc = api_post("/v1/dnc", {{"number", "+34 600 111 333"}, {"reason", "asked"}});
  ASSERT_TRUE(dnc);
  ASSERT_EQ(dnc->status, 201) << dnc->body;
  auto denied =
      api_post("/v1/calls", {{"to", "600 111 333"}, {"purpose", "commercial"}}, kAnaToken);
  ASSERT_TRUE(denied);
  ASSERT_EQ(denied->status, 403) << denied->body;
  EXPECT_EQ(denied->get_header_value("Content-Type"), "application/problem+json");
  const json problem = json::parse(denied->body);
  bool dnc_reason = false;
  for (const auto& r : problem["reasons"]) dnc_reason = dnc_reason || r["code"] == "dnc_internal";
  EXPECT_TRUE(dnc_reason) << denied->body;

  // Allowed: 202 with the call id; the PBX gets one Originate carrying it.
  auto ok = api_post("/v1/calls", {{"to", "600 111 222"}, {"purpose", "service"}}, kAnaToken);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 202) << ok->body;
  const json accepted = json::parse(ok->body);
  const std::string call_id = accepted["call_id"];
  EXPECT_EQ(accepted["caller_id_presented"], "+34910000001");

  // The denied call left no trace at the PBX: exactly one Originate, ours.
  const std::string log = actions();
  std::size_t originates = 0;
  for (auto at = log.find("Action: Originate"); at != std::string::npos;
       at = log.find("Action: Originate", at + 1))
    ++originates;
  EXPECT_EQ(originates, 1u) << log;
  EXPECT_NE(log.find("Variable: CTI_CALL_ID=" + call_id), std::string::npos) << log;
  EXPECT_NE(log.find("Exten: 600111222"), std::string::npos) << log;
  EXPECT_NE(log.find("Channel: Local/1001@agents"), std::string::npos) << log;
  EXPECT_NE(log.find("CallerID: +34910000001"), std::string::npos) << log;
  EXPECT_EQ(log.find("600111333"), std::string::npos) << log;

  // The PBX's events make the call record, under our call id.
  const json record = ended_record(call_id);
  ASSERT_FALSE(record.is_null());
  EXPECT_EQ(record["direction"], "outbound");
  EXPECT_EQ(record["agent"], "1001");  // records name extensions
  EXPECT_EQ(record["to"], "+34600111222");
  EXPECT_EQ(record["caller_id_presented"], "+34910000001");
  EXPECT_EQ(record["disposition"], "answered");
  EXPECT_GT(record["talk_s"].get<double>(), 0);
  ASSERT_TRUE(eventually([&] { return has_received("call.ended"); }));
  for (const auto& d : received()) {
    if (d.body["type"] == "call.ended") {
      EXPECT_EQ(d.body["call"]["call_id"], call_id);
    }
  }

  // The audit log has the opt-out, the refusal and the call.
  auto audit = api_get("/v1/audit");
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->status, 200) << audit->body;
  std::vector<std::string> actions_seen;
  const json audit_body = json::parse(audit->body);
  for (const auto& e : audit_body["entries"]) actions_seen.push_back(e["action"]);
  EXPECT_EQ(actions_seen, (std::vector<std::string>{"dial", "dial", "dnc_add"}));
}

TEST_F(ClickToCall, EachClickIsItsOwnCallAndFinishedCallsAreCharged) {
  std::ofstream(path("rates.csv")) << "prefix,rate_per_min,currency\n346,0.60,EUR\n";
  json policy = originate_at_agents();
  policy["spend"] = {{"rates_file", path("rates.csv")}, {"agent_monthly_budget", 100}};
  start_all(policy);
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    auto ok = api_post("/v1/calls", {{"to", "+34600111222"}, {"purpose", "service"}}, kAnaToken);
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok->status, 202) << ok->body;
    ids.push_back(json::parse(ok->body)["call_id"]);
    const json record = ended_record(ids.back());
    ASSERT_FALSE(record.is_null());
    EXPECT_EQ(record["direction"], "outbound");
    EXPECT_GT(record["talk_s"].get<double>(), 0);
  }
  EXPECT_NE(ids[0], ids[1]);
  // Each finished call's real cost: talk_s x 0.60/min, committed with call.ended.
  SQLite::Database db(path("cti.db"), SQLite::OPEN_READONLY);
  for (const auto& id : ids) {
    SQLite::Statement q(db, "SELECT agent, talk_s, cost, currency FROM spend WHERE call_id = ?");
    q.bind(1, id);
    ASSERT_TRUE(q.executeStep()) << "no spend row for " << id;
    EXPECT_EQ(q.getColumn(0).getString(), "ana");
    EXPECT_NEAR(q.getColumn(2).getDouble(), q.getColumn(1).getDouble() / 60 * 0.60, 1e-9);
    EXPECT_EQ(q.getColumn(3).getString(), "EUR");
  }
}

// The operator's path for Lista Robinson: a file of numbers imported with
// the CLI (hashed on the way in, dated), named in the config, loaded at
// start: a commercial call to a listed number is refused, a service call
// goes through, and the snapshot holds no number in clear.
TEST_F(ClickToCall, ImportedRobinsonListRefusesCommercialCalls) {
  std::ofstream(path("robinson.txt")) << "+34600111333\n0034600111444\n600111555\n";
  const std::string today = core::format_rfc3339_ms(core::SystemClock{}.now()).substr(0, 10);
  auto import = ChildProcess::spawn(
      {bin("cti-connector"), "dnc-import", "--list", "robinson", "--kind", "numbers", "--date",
       today, "--out", path("robinson.dnc"), path("robinson.txt")},
      path("import.out"), path("import.err"));
  ASSERT_TRUE(import.has_value()) << import.error();
  const auto status = import->wait_for_exit(std::chrono::seconds(60));
  ASSERT_TRUE(status.has_value());
  ASSERT_EQ(*status, 0) << slurp(path("import.err"));
  EXPECT_EQ(slurp(path("robinson.dnc")).find("600111333"), std::string::npos);

  json policy = originate_at_agents();
  policy["dnc"] = {{"registries", {{{"name", "robinson"}, {"file", path("robinson.dnc")}}}}};
  start_all(policy);
  auto check = [&](const std::string& to, const std::string& purpose) {
    auto r = api_post("/v1/policy/check", {{"to", to}, {"purpose", purpose}}, kAnaToken);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body)["decision"];
  };
  for (const std::string listed : {"+34 600 111 333", "600111444", "0034600111555"}) {
    const json d = check(listed, "commercial");
    EXPECT_FALSE(d["allowed"]) << listed;
    bool robinson = false;
    for (const auto& r : d["reasons"]) robinson = robinson || r["code"] == "dnc_robinson";
    EXPECT_TRUE(robinson) << listed << " " << d.dump();
  }
  const json unlisted = check("+34600111666", "commercial");
  for (const auto& r : unlisted["reasons"]) EXPECT_NE(r["code"], "dnc_robinson");
  EXPECT_TRUE(check("+34 600 111 333", "service")["allowed"]);
}

}  // namespace
}  // namespace cti::e2e
