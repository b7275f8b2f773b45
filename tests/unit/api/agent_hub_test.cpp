// The hub: pop-ups reach every session of their agent only, and a session
// that attaches later starts from the agent's live pop-ups.
#include "connector/api/agent_hub.h"

#include <gtest/gtest.h>

namespace cti::api {
namespace {

using nlohmann::json;

struct RecordingSink : AgentSink {
  std::vector<json> got;
  bool closed = false;
  void send(std::shared_ptr<const std::string> text) override { got.push_back(json::parse(*text)); }
  void close() override { closed = true; }
};

json pop(const std::string& call_id) {
  return {{"type", "screen_pop"}, {"call", {{"call_id", call_id}, {"agent", ""}}}};
}

TEST(AgentHub, PopsGoToEverySessionOfThatAgentOnly) {
  AgentHub hub;
  auto ana1 = std::make_shared<RecordingSink>(), ana2 = std::make_shared<RecordingSink>();
  auto ben = std::make_shared<RecordingSink>();
  hub.attach("ana", "1001", ana1);
  hub.attach("ana", "1001", ana2);
  hub.attach("ben", "1002", ben);
  EXPECT_EQ(hub.sessions(), 3u);
  hub.pop("1001", "c1", pop("c1"));
  ASSERT_EQ(ana1->got.size(), 1u);
  ASSERT_EQ(ana2->got.size(), 1u);
  EXPECT_TRUE(ben->got.empty());
  EXPECT_EQ(ana1->got[0]["call"]["call_id"], "c1");
}

TEST(AgentHub, HelloCarriesLivePopupsWithTheirLatestCallState) {
  AgentHub hub;
  hub.pop("1001", "c1", pop("c1"));
  hub.pop("1001", "c2", pop("c2"));
  hub.update("1001", "c1",
             {{"type", "call_update"},
              {"event", "call.answered"},
              {"call", {{"call_id", "c1"}, {"agent", "1001"}}}},
             false);
  hub.update("1001", "c2", {{"type", "call_update"}, {"event", "call.ringing_stopped"}}, true);
  auto sink = std::make_shared<RecordingSink>();
  const json hello = json::parse(hub.attach("ana", "1001", sink));
  EXPECT_EQ(hello["type"], "hello");
  EXPECT_EQ(hello["agent"], "ana");
  EXPECT_EQ(hello["extension"], "1001");
  ASSERT_EQ(hello["popups"].size(), 1u);                   // c2 closed
  EXPECT_EQ(hello["popups"][0]["call"]["agent"], "1001");  // c1 as answered
  EXPECT_EQ(hub.live_popups("1001"), 1u);
  hub.update("1001", "c1", {{"type", "call_update"}, {"event", "call.ended"}}, true);
  EXPECT_EQ(hub.live_popups("1001"), 0u);
}

TEST(AgentHub, DetachedSessionsGetNothingAndCloseAllClosesTheRest) {
  AgentHub hub;
  auto a = std::make_shared<RecordingSink>(), b = std::make_shared<RecordingSink>();
  hub.attach("ana", "1001", a);
  hub.attach("ana", "1001", b);
  hub.detach("1001", a.get());
  hub.pop("1001", "c1", pop("c1"));
  EXPECT_TRUE(a->got.empty());
  EXPECT_EQ(b->got.size(), 1u);
  hub.close_all();
  EXPECT_TRUE(b->closed);
  EXPECT_FALSE(a->closed);
  EXPECT_EQ(hub.sessions(), 0u);
}

}  // namespace
}  // namespace cti::api
