#include "connector/store/store.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "test_support.h"

namespace cti::store {
namespace {

using core::CallEventKind;
using test::at;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::open(dir.file("cti.db"), {.clock = &clock});
    ASSERT_TRUE(s) << s.error();
    store = std::move(*s);
  }
  void commit(WriteBatch b) {
    store->submit(std::move(b));
    store->flush();
  }
  test::TempDir dir;
  test::FakeClock clock{at(1'800'000'000)};
  std::unique_ptr<Store> store;
};

TEST_F(StoreTest, GroupCommitBatchesManySubmitsIntoFewTransactions) {
  constexpr int kEvents = 10'000;
  std::atomic<int> ok{0}, failed{0};
  for (int i = 0; i < kEvents; ++i) {
    WriteBatch b;
    b.events.push_back(test::event("call-" + std::to_string(i % 100), std::uint64_t(i / 100) + 1,
                                   CallEventKind::Ringing, at(1'800'000'000 + i)));
    store->submit(std::move(b), [&](bool good) { (good ? ok : failed)++; });
  }
  store->flush();
  EXPECT_EQ(ok.load(), kEvents);
  EXPECT_EQ(failed.load(), 0);
  const auto stats = store->stats();
  EXPECT_EQ(stats.events, std::uint64_t(kEvents));
  EXPECT_EQ(stats.batches, std::uint64_t(kEvents));
  // One transaction per event would be 10,000 commits.
  EXPECT_LT(stats.commits, std::uint64_t(kEvents / 10)) << "commits=" << stats.commits;
  EXPECT_EQ(store->list_events("call-7").size(), 100u);
}

TEST_F(StoreTest, DoneRunsAfterCommitAndASecondStoreSeesTheRows) {
  WriteBatch b;
  b.events.push_back(test::event("c1", 1, CallEventKind::Ringing, at(1'800'000'000)));
  b.records.push_back(test::record("c1", at(1'800'000'000)));
  b.deliveries.push_back(test::item("hooks", "c1", 1));
  std::promise<bool> done;
  store->submit(std::move(b), [&](bool ok) { done.set_value(ok); });
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  ASSERT_TRUE(f.get());
  // No flush, no close: what done(true) acknowledged is already in the file.
  auto other = Store::open(dir.file("cti.db"));
  ASSERT_TRUE(other) << other.error();
  EXPECT_TRUE((*other)->get_call("c1"));
  EXPECT_EQ((*other)->list_events("c1").size(), 1u);
  EXPECT_EQ((*other)->pending_count(), 1u);
}

TEST_F(StoreTest, RecordsAreUpsertedByCallId) {
  auto r = test::record("c1", at(1'800'000'000));
  commit({.records = {r}});
  r.agent = "1001";
  r.agents = {"1001"};
  r.ended_at = at(1'800'000'060);
  r.disposition = core::Disposition::Answered;
  r.talk_s = 42.5;
  commit({.records = {r}});
  const auto got = store->get_call("c1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->agent, "1001");
  EXPECT_EQ(got->agents, std::vector<std::string>{"1001"});
  ASSERT_TRUE(got->ended_at);
  EXPECT_EQ(*got->ended_at, at(1'800'000'060));
  EXPECT_EQ(got->disposition, core::Disposition::Answered);
  EXPECT_DOUBLE_EQ(got->talk_s, 42.5);
  EXPECT_EQ(store->list_calls(std::nullopt, 100).size(), 1u);
  EXPECT_FALSE(store->get_call("nope"));
}

TEST_F(StoreTest, ListCallsNewestFirstWithSinceAndLimit) {
  WriteBatch b;
  for (int i = 0; i < 5; ++i)
    b.records.push_back(test::record("c" + std::to_string(i), at(1'800'000'000 + 10 * i)));
  commit(std::move(b));
  const auto all = store->list_calls(std::nullopt, 100);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.front().call_id, "c4");
  EXPECT_EQ(all.back().call_id, "c0");
  const auto since = store->list_calls(at(1'800'000'020), 100);
  ASSERT_EQ(since.size(), 3u);  // c2 (== since), c3, c4
  EXPECT_EQ(since.back().call_id, "c2");
  const auto limited = store->list_calls(std::nullopt, 2);
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_EQ(limited[1].call_id, "c3");
}

TEST_F(StoreTest, EventsComeBackInSeqOrderWithTheirFields) {
  auto ringing = test::event("c1", 1, CallEventKind::Ringing, at(1'800'000'000));
  ringing.agent = "1001";
  auto answered = test::event("c1", 2, CallEventKind::Answered, at(1'800'000'003));
  answered.agent = "1001";
  auto ended = test::event("c1", 3, CallEventKind::Ended, at(1'800'000'090));
  ended.occurred_at += std::chrono::microseconds(123'456);
  commit({.events = {ended, ringing}});
  commit({.events = {answered}});
  const auto events = store->list_events("c1");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].seq, 1u);
  EXPECT_EQ(events[0].kind, CallEventKind::Ringing);
  EXPECT_EQ(events[0].agent, "1001");
  EXPECT_EQ(events[1].kind, CallEventKind::Answered);
  EXPECT_EQ(events[2].kind, CallEventKind::Ended);
  EXPECT_EQ(events[2].occurred_at, ended.occurred_at);  // microseconds kept
  EXPECT_EQ(events[2].call.call_id, "c1");
  EXPECT_TRUE(store->list_events("other").empty());
}

TEST_F(StoreTest, SameIdempotencyKeyTwiceIsStoredOnce) {
  WriteBatch b;
  b.events.push_back(test::event("c1", 1, CallEventKind::Ringing, at(1'800'000'000)));
  b.deliveries.push_back(test::item("hooks", "c1", 1));
  b.deliveries.push_back(test::item("crm", "c1", 1));  // same key text, other adapter
  commit(b);
  commit(b);  // e.g. the same capture replayed
  EXPECT_EQ(store->list_deliveries("", 100).size(), 2u);
  EXPECT_EQ(store->stats().deliveries, 2u);
  EXPECT_EQ(store->list_events("c1").size(), 1u);
}

TEST_F(StoreTest, EmptyIdempotencyKeyIsDerivedStably) {
  auto it = test::item("hooks", "c1", 1);
  it.request.idempotency_key.clear();
  commit({.deliveries = {it}});
  commit({.deliveries = {it}});
  const auto claimed = store->claim_due(clock.now(), 10, {});
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_FALSE(claimed[0].request.idempotency_key.empty());
  EXPECT_NE(claimed[0].request.idempotency_key.find("c1:1"), std::string::npos);
}

TEST_F(StoreTest, ClaimedItemCarriesTheStoredRequest) {
  auto it = test::item("hooks", "c1", 1, "https://example.test/hook?x=1");
  it.request.method = "PUT";
  it.request.headers = {{"X-A", "1"}, {"X-A", "2"}};
  it.request.body = std::string("bin\0ary", 7);
  it.request.content_type = "application/octet-stream";
  commit({.deliveries = {it}});
  const auto claimed = store->claim_due(clock.now(), 10, {});
  ASSERT_EQ(claimed.size(), 1u);
  const auto& c = claimed[0];
  EXPECT_EQ(c.adapter, "hooks");
  EXPECT_EQ(c.event_id, "c1:1");
  EXPECT_EQ(c.request.method, "PUT");
  EXPECT_EQ(c.request.url, it.request.url);
  EXPECT_EQ(c.request.headers, it.request.headers);
  EXPECT_EQ(c.request.body, it.request.body);
  EXPECT_EQ(c.request.content_type, "application/octet-stream");
  EXPECT_EQ(c.request.idempotency_key, "hooks:c1:1");
  EXPECT_EQ(c.created_at, clock.now());
  EXPECT_EQ(c.attempts, 0);
}

TEST_F(StoreTest, ClaimReturnsOnlyTheHeadOfEachCallInSeqOrder) {
  // Interleaved: a1 b1 a2 b2 a3, submitted out of order across batches.
  commit({.deliveries = {test::item("h", "a", 2), test::item("h", "b", 1)}});
  commit(
      {.deliveries = {test::item("h", "a", 1), test::item("h", "a", 3), test::item("h", "b", 2)}});
  auto ids = [](const std::vector<ClaimedDelivery>& v) {
    std::vector<std::string> out;
    for (const auto& d : v) out.push_back(d.event_id);
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto now = clock.now();
  auto claimed = store->claim_due(now, 10, {});
  EXPECT_EQ(ids(claimed), (std::vector<std::string>{"a:1", "b:1"}));
  EXPECT_EQ(ids(store->claim_due(now, 10, {"a"})), std::vector<std::string>{"b:1"});
  EXPECT_EQ(store->claim_due(now, 1, {}).size(), 1u);

  const auto a1 =
      std::find_if(claimed.begin(), claimed.end(), [](auto& d) { return d.event_id == "a:1"; })->id;
  store->mark_delivered(a1, 200, now);
  claimed = store->claim_due(now, 10, {});
  EXPECT_EQ(ids(claimed), (std::vector<std::string>{"a:2", "b:1"}));

  // a:2 waits for a retry: a:3 must not overtake it.
  const auto a2 =
      std::find_if(claimed.begin(), claimed.end(), [](auto& d) { return d.event_id == "a:2"; })->id;
  store->mark_retry(a2, 503, "HTTP 503", now + std::chrono::seconds(30));
  EXPECT_EQ(ids(store->claim_due(now, 10, {})), std::vector<std::string>{"b:1"});
  EXPECT_EQ(store->next_due_at({"b"}), now + std::chrono::seconds(30));
  EXPECT_EQ(store->next_due_at({}), now);
  EXPECT_EQ(ids(store->claim_due(now + std::chrono::seconds(30), 10, {"b"})),
            std::vector<std::string>{"a:2"});

  // A dead item does not block the rest of its call.
  store->mark_dead(a2, 400, "HTTP 400");
  EXPECT_EQ(ids(store->claim_due(now, 10, {})), (std::vector<std::string>{"a:3", "b:1"}));
  EXPECT_EQ(store->pending_count(), 3u);
}

TEST_F(StoreTest, DeadLettersAreListedAndReplayable) {
  commit({.deliveries = {test::item("h", "a", 1), test::item("h", "a", 2)}});
  const auto head = store->claim_due(clock.now(), 10, {});
  ASSERT_EQ(head.size(), 1u);
  store->mark_dead(head[0].id, 400, "HTTP 400: bad");
  const auto dead = store->list_deliveries("dead", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].id, head[0].id);
  EXPECT_EQ(dead[0].last_status, 400);
  EXPECT_EQ(dead[0].last_error, "HTTP 400: bad");
  EXPECT_EQ(dead[0].attempts, 1);
  EXPECT_EQ(dead[0].event_id, "a:1");
  EXPECT_EQ(store->list_deliveries("pending", 10).size(), 1u);
  EXPECT_EQ(store->list_deliveries("", 10).size(), 2u);

  EXPECT_FALSE(store->replay_delivery(999'999));                                     // not found
  EXPECT_FALSE(store->replay_delivery(store->list_deliveries("pending", 1)[0].id));  // not dead
  clock.advance(std::chrono::seconds(5));
  ASSERT_TRUE(store->replay_delivery(head[0].id));
  const auto row = store->get_delivery(head[0].id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, "pending");
  EXPECT_EQ(row->attempts, 0);
  EXPECT_EQ(row->next_attempt_at, clock.now());
  EXPECT_FALSE(store->replay_delivery(head[0].id));  // no longer dead
}

TEST_F(StoreTest, MarkDeliveredRecordsStatusAndTime) {
  commit({.deliveries = {test::item("h", "a", 1)}});
  const auto c = store->claim_due(clock.now(), 1, {});
  ASSERT_EQ(c.size(), 1u);
  store->mark_delivered(c[0].id, 204, at(1'800'000'001));
  const auto row = store->get_delivery(c[0].id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->state, "delivered");
  EXPECT_EQ(row->last_status, 204);
  EXPECT_EQ(row->delivered_at, at(1'800'000'001));
  EXPECT_EQ(store->pending_count(), 0u);
  EXPECT_TRUE(store->claim_due(clock.now(), 1, {}).empty());
  EXPECT_FALSE(store->next_due_at({}));
}

}  // namespace
}  // namespace cti::store
