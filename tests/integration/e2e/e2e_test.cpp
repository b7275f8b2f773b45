// Real Asterisk captures -> ami-replay-server -> cti-connector -> signed
// webhooks at webhook-receiver, plus the API over HTTP, all on loopback.
#include "e2e_support.h"

namespace cti::e2e {
namespace {

const std::vector<std::string> kDirect = {"a_inbound_answered",      "b_inbound_missed_noanswer",
                                          "c_inbound_busy",          "h_click_to_call",
                                          "j_outbound_agent_direct", "k_internal"};

// Checks what the receiver got against what the tracker emits for the
// captures: every event exactly once, signed, in seq order per call.
void expect_delivered_once_in_order(
    const std::vector<Delivery>& got,
    const std::map<std::pair<std::string, std::uint64_t>, std::string>& want) {
  std::set<std::string> keys;
  std::map<std::string, std::uint64_t> last_seq;
  std::map<std::pair<std::string, std::uint64_t>, std::string> seen;
  for (const auto& d : got) {
    EXPECT_TRUE(d.signature_ok) << d.key;
    EXPECT_TRUE(keys.insert(d.key).second) << "delivered twice: " << d.key;
    const std::string call_id = d.body["call"]["call_id"];
    const std::uint64_t seq = d.body["seq"];
    EXPECT_EQ(d.key, "hooks:" + call_id + ":" + std::to_string(seq));
    EXPECT_GT(seq, last_seq[call_id]) << "out of order for " << call_id;
    last_seq[call_id] = seq;
    seen[{call_id, seq}] = d.body["type"];
  }
  EXPECT_EQ(seen, want);
}

TEST_F(E2e, CapturesBecomeSignedWebhooksAndCallRecords) {
  start_receiver();
  start_ami(kDirect, {"--speed", "0", "--split-seed", "61"});
  write_config(receiver_port_);
  start_connector();
  const auto want = expected_events(kDirect);
  ASSERT_TRUE(eventually([&] { return received().size() >= want.size(); }))
      << received().size() << " of " << want.size() << "\n"
      << slurp(path("connector.err"));
  expect_delivered_once_in_order(received(), want);

  // The API serves the same calls from the store.
  auto calls = api_get("/v1/calls?limit=100");
  ASSERT_TRUE(calls);
  ASSERT_EQ(calls->status, 200);
  const auto body = json::parse(calls->body);
  EXPECT_EQ(body["calls"].size(), kDirect.size());
  auto one = api_get("/v1/calls/main-1795878809.0");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->status, 200);
  const auto rec = json::parse(one->body);
  EXPECT_EQ(rec["disposition"], "answered");
  EXPECT_EQ(rec["agent"], "1001");
  EXPECT_EQ(rec["from"], "+34912345678");
  auto click = api_get("/v1/calls/c2c-h-0001");
  ASSERT_TRUE(click);
  EXPECT_EQ(json::parse(click->body)["direction"], "outbound");
}

TEST_F(E2e, ApiNeedsAuthAndAnswersProblemJson) {
  start_receiver();
  start_ami({"a_inbound_answered"}, {"--speed", "0"});
  write_config(receiver_port_);
  start_connector();
  auto health = api_get("/v1/health", false);
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto no_auth = api_get("/v1/calls", false);
  ASSERT_TRUE(no_auth);
  EXPECT_EQ(no_auth->status, 401);
  EXPECT_EQ(no_auth->get_header_value("Content-Type"), "application/problem+json");
  httplib::Client c("127.0.0.1", api_port_);
  auto bad = c.Get("/v1/calls", {{"Authorization", "Bearer not-the-token-at-all"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  auto missing = api_get("/v1/calls/no-such-call");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  const auto problem = json::parse(missing->body);
  EXPECT_EQ(problem["status"], 404);
  EXPECT_TRUE(problem.contains("type") && problem.contains("title"));
  ASSERT_TRUE(eventually(
      [&] { return received().size() >= expected_events({"a_inbound_answered"}).size(); }));
  auto metrics = api_get("/metrics");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200);
  // Every sample line is "name{labels} value" with a numeric value.
  std::istringstream lines(metrics->body);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    EXPECT_NO_THROW((void)std::stod(line.substr(space + 1))) << line;
    ++samples;
  }
  EXPECT_GT(samples, 0);
  EXPECT_NE(metrics->body.find("cti_pbx_events_total{pbx=\"main\",type=\"Newchannel\"} 4"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("cti_deliveries_total"), std::string::npos);
}

// Replays the direct-call captures while nobody listens on `hook_port`, and
// returns once every event's request is stored and pending.
class E2eReceiverDown : public E2e {
 protected:
  void store_everything_with_receiver_down(unsigned short hook_port, std::size_t events) {
    start_ami(kDirect, {"--speed", "0"});
    write_config(hook_port);
    start_connector();
    ASSERT_TRUE(eventually([&] {
      auto r = api_get("/v1/deliveries?state=pending&limit=1000");
      return r && r->status == 200 && json::parse(r->body)["deliveries"].size() == events;
    })) << slurp(path("connector.err"));
  }
};

TEST_F(E2eReceiverDown, ReceiverDownThenUpDeliversEverythingOnceInOrder) {
  const unsigned short hook_port = unused_port();
  const auto want = expected_events(kDirect);
  ASSERT_NO_FATAL_FAILURE(store_everything_with_receiver_down(hook_port, want.size()));
  start_receiver(hook_port);
  ASSERT_TRUE(eventually([&] { return received().size() >= want.size(); }))
      << received().size() << " of " << want.size();
  expect_delivered_once_in_order(received(), want);
}

TEST_F(E2eReceiverDown, KillDashNineLosesNothingThatWasStored) {
  const unsigned short hook_port = unused_port();
  const auto want = expected_events(kDirect);
  ASSERT_NO_FATAL_FAILURE(store_everything_with_receiver_down(hook_port, want.size()));
  connector_->signal(SIGKILL);
  ASSERT_TRUE(connector_->wait_for_exit(std::chrono::seconds(10)).has_value());
  connector_.reset();
  start_receiver(hook_port);
  start_connector();  // same database
  ASSERT_TRUE(eventually([&] { return received().size() >= want.size(); }))
      << received().size() << " of " << want.size() << "\n"
      << slurp(path("connector.err"));
  expect_delivered_once_in_order(received(), want);
}

TEST_F(E2e, KillDashNineMidCallClosesTheCallExactlyOnce) {
  // Call a replayed with its real timing: answered at ~2 s, caller hangs up
  // at ~5 s. The connector is killed right after call.answered went out; the
  // PBX side goes on, and the restarted connector must adopt the live call
  // (Status), continue its seq and end it exactly once.
  ASSERT_NO_FATAL_FAILURE(kill_after_answer_and_restart("a_inbound_answered"));
  int ended = 0;
  for (const auto& d : received()) {
    if (d.body["type"] != "call.ended") continue;
    ++ended;
    EXPECT_EQ(d.body["call"]["call_id"], "main-1795878809.0");
    EXPECT_EQ(d.body["call"]["disposition"], "answered");
    EXPECT_EQ(d.body["call"]["agent"], "1001");
  }
  EXPECT_EQ(ended, 1);
}

TEST_F(E2e, KillDashNineMidClickToCallKeepsItsCallId) {
  // Click-to-call h with real timing: the connector dies after the customer
  // answered. The restarted connector adopts the call from Status, which
  // reports the CTI_CALL_ID variable, so the call keeps "c2c-h-0001" and its
  // seq instead of becoming a second call under the Linkedid.
  ASSERT_NO_FATAL_FAILURE(kill_after_answer_and_restart("h_click_to_call"));
  int ended = 0;
  for (const auto& d : received()) {
    EXPECT_EQ(d.body["call"]["call_id"], "c2c-h-0001") << d.body.dump();
    if (d.body["type"] != "call.ended") continue;
    ++ended;
    EXPECT_EQ(d.body["call"]["direction"], "outbound");
    EXPECT_EQ(d.body["call"]["disposition"], "answered");
    EXPECT_EQ(d.body["call"]["agent"], "1001");
  }
  EXPECT_EQ(ended, 1);
}

TEST_F(E2e, AmiDropMidCallReconnectsResyncsAndKeepsOneCorrectRecord) {
  start_receiver();
  // Close the AMI connection in the middle of call a, after the agent answered.
  start_ami({"a_inbound_answered"}, {"--speed", "0", "--drop-after-bytes", "31000"});
  write_config(receiver_port_);
  start_connector();
  ASSERT_TRUE(eventually([&] { return has_received("call.ended"); }))
      << slurp(path("connector.err"));
  int ended = 0;
  for (const auto& d : received()) {
    if (d.body["type"] != "call.ended") continue;
    ++ended;
    const auto& call = d.body["call"];
    EXPECT_EQ(call["call_id"], "main-1795878809.0");
    EXPECT_EQ(call["disposition"], "answered");
    EXPECT_EQ(call["agent"], "1001");
    EXPECT_EQ(call["from"], "+34912345678");
    EXPECT_FALSE(call.value("incomplete", false)) << "the PBX still had the call: not incomplete";
  }
  EXPECT_EQ(ended, 1);
  EXPECT_NE(slurp(path("ami.err")).find("action Status"), std::string::npos)
      << "the connector must resync after reconnecting";
}

TEST_F(E2e, SighupKeepsRunningSigtermDrainsWithLogoff) {
  start_receiver();
  start_ami({"a_inbound_answered"}, {"--speed", "0"});
  write_config(receiver_port_);
  start_connector();
  ASSERT_TRUE(eventually(
      [&] { return slurp(path("ami.err")).find("action Status") != std::string::npos; }));
  connector_->signal(SIGHUP);
  ASSERT_TRUE(
      eventually([&] { return slurp(path("connector.err")).find("SIGHUP") != std::string::npos; }));
  auto health = api_get("/v1/health", false);
  ASSERT_TRUE(health) << "SIGHUP must not stop the connector";
  EXPECT_EQ(health->status, 200);
  connector_->signal(SIGTERM);
  const auto status = connector_->wait_for_exit(std::chrono::seconds(20));
  ASSERT_TRUE(status.has_value()) << "SIGTERM must stop the connector";
  EXPECT_TRUE(WIFEXITED(*status)) << "it must exit by itself, not die of the signal";
#if !defined(__SANITIZE_ADDRESS__)
  // (Under ASan, LeakSanitizer may set its own exit code at exit.)
  EXPECT_EQ(WEXITSTATUS(*status), 0);
#endif
  EXPECT_TRUE(eventually([&] {
    return slurp(path("ami.err")).find("Logoff") != std::string::npos;
  })) << "draining logs off the AMI session";
}

}  // namespace
}  // namespace cti::e2e
