#include "webhooks/delivery_engine.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "receiver.h"
#include "unit/store/test_support.h"
#include "webhooks/signature.h"

namespace cti::webhooks {
namespace {

using namespace std::chrono_literals;
using test::Received;
using test::Reply;

constexpr auto kWait = 60s;  // generous: a loaded 2-core CI box
const std::string kSecret = "whsec-unit-test-7f3a9c";

// "hooks:call-3:2" -> {"call-3", 2}
std::pair<std::string, std::uint64_t> call_and_seq(const std::string& key) {
  const auto last = key.rfind(':');
  const auto first = key.find(':');
  return {key.substr(first + 1, last - first - 1), std::stoull(key.substr(last + 1))};
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { open_store(); }
  void open_store() {
    auto s = store::Store::open(dir.file("cti.db"), {.clock = &clock});
    ASSERT_TRUE(s) << s.error();
    db = std::move(*s);
  }
  std::unique_ptr<DeliveryEngine> make_engine(EngineOptions o = {}) {
    o.timeout = 10s;
    return std::make_unique<DeliveryEngine>(*db, make_httplib_sender(),
                                            std::map<std::string, std::string>{{"hooks", kSecret}},
                                            o, clock, metrics);
  }
  void add(std::vector<store::OutboxItem> items) {
    db->submit({.deliveries = std::move(items)});
    db->flush();
  }
  store::DeliveryRow only_row() {
    auto rows = db->list_deliveries("", 10);
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? store::DeliveryRow{} : rows[0];
  }
  std::uint64_t outcome(const std::string& o) {
    return metrics.counter("cti_deliveries_total", "", {{"outcome", o}}).value();
  }

  test::TempDir dir;
  test::FakeClock clock{test::at(1'800'000'000)};
  common::Registry metrics;
  std::unique_ptr<store::Store> db;
};

TEST_F(EngineTest, DeliversWithIdempotencyKeySignatureAndHeaders) {
  test::Receiver rx;
  auto it = test::item("hooks", "c1", 1, rx.url());
  it.request.headers = {{"X-Custom", "yes"}};
  add({it});
  auto engine = make_engine();
  engine->start();
  ASSERT_TRUE(engine->wait_idle(kWait));

  const auto got = rx.received();
  ASSERT_EQ(got.size(), 1u);
  const Received& r = got[0];
  EXPECT_EQ(r.path, "/hook");
  EXPECT_EQ(r.body, it.request.body);
  EXPECT_EQ(r.header("Idempotency-Key"), "hooks:c1:1");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("User-Agent"), "cti-connector");
  EXPECT_EQ(r.header("X-Custom"), "yes");

  // Verify the way a receiver would, with OpenSSL's HMAC directly.
  const std::string sig = r.header("X-Signature");
  const auto comma = sig.find(",v1=");
  ASSERT_EQ(sig.rfind("t=", 0), 0u) << sig;
  ASSERT_NE(comma, std::string::npos) << sig;
  const std::string t = sig.substr(2, comma - 2);
  EXPECT_EQ(t, "1800000000");  // the injected clock, not wall time
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  const std::string signed_text = t + "." + r.body;
  HMAC(EVP_sha256(), kSecret.data(), int(kSecret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &len);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", mac[i]);
    hex += b;
  }
  EXPECT_EQ(sig.substr(comma + 4), hex);

  const auto row = only_row();
  EXPECT_EQ(row.state, "delivered");
  EXPECT_EQ(row.last_status, 200);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(outcome("delivered"), 1u);
  EXPECT_EQ(metrics.histogram("cti_delivery_latency_seconds", "", {}).count(), 1u);
  EXPECT_EQ(metrics.gauge("cti_outbox_pending", "").value(), 0);
  engine->stop();

  // The secret is never stored: not in any row, not anywhere in the files.
  db.reset();
  for (const auto& f : std::filesystem::directory_iterator(dir.file("")))
    EXPECT_EQ(file_bytes(f.path().string()).find(kSecret), std::string::npos) << f.path();
}

TEST_F(EngineTest, AdapterWithoutSecretIsNotSigned) {
  test::Receiver rx;
  add({test::item("plain", "c1", 1, rx.url())});
  auto engine = make_engine();
  engine->start();
  ASSERT_TRUE(engine->wait_idle(kWait));
  ASSERT_EQ(rx.received().size(), 1u);
  EXPECT_EQ(rx.received()[0].header("X-Signature"), "");
  EXPECT_EQ(rx.received()[0].header("Idempotency-Key"), "plain:c1:1");
}

TEST_F(EngineTest, ServiceUnavailableThenOkIsDeliveredAfterRetry) {
  test::Receiver rx(0, [](const Received&, std::size_t nth) {
    return nth == 0 ? Reply{503, {}, "down"} : Reply{};
  });
  add({test::item("hooks", "c1", 1, rx.url())});
  auto engine = make_engine({.backoff_initial = 1000ms});
  engine->start();
  ASSERT_TRUE(engine->wait_idle(kWait));
  auto row = only_row();
  if (row.state == "pending") {  // (full jitter may have drawn 0 and retried already)
    EXPECT_EQ(row.attempts, 1);
    EXPECT_EQ(row.last_status, 503);
    EXPECT_EQ(row.last_error, "HTTP 503: down");
    ASSERT_TRUE(row.next_attempt_at);
    EXPECT_LE(*row.next_attempt_at, clock.now() + 1000ms);
    EXPECT_EQ(outcome("retry"), 1u);
    clock.advance(1001ms);
    engine->notify();
    ASSERT_TRUE(engine->wait_idle(kWait));
  }
  row = only_row();
  EXPECT_EQ(row.state, "delivered");
  EXPECT_EQ(row.attempts, 2);
  const auto got = rx.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].header("Idempotency-Key"), got[1].header("Idempotency-Key"));
}

TEST_F(EngineTest, TooManyRequestsHonoursRetryAfter) {
  test::Receiver rx(0, [](const Received&, std::size_t nth) {
    return nth == 0 ? Reply{429, {{"Retry-After", "7"}}, "slow down"} : Reply{};
  });
  add({test::item("hooks", "c1", 1, rx.url())});
  auto engine = make_engine({.backoff_initial = 1ms});
  engine->start();
  ASSERT_TRUE(engine->wait_idle(kWait));
  auto row = only_row();
  EXPECT_EQ(row.state, "pending");
  EXPECT_EQ(row.last_status, 429);
  EXPECT_EQ(row.next_attempt_at, clock.now() + 7s);
  EXPECT_EQ(rx.received().size(), 1u);

  clock.advance(6s);  // not yet
  engine->notify();
  ASSERT_TRUE(engine->wait_idle(kWait));
  EXPECT_EQ(rx.received().size(), 1u);

  clock.advance(1s);
  engine->notify();
  ASSERT_TRUE(engine->wait_idle(kWait));
  EXPECT_EQ(only_row().state, "delivered");
  EXPECT_EQ(rx.received().size(), 2u);
}

TEST_F(EngineTest, ServiceUnavailableRetryAfterAsHttpDate) {
  // clock = 1800000000 = Fri, 15 Jan 2027 08:00:00 GMT; ask for 30 s later.
  test::Receiver rx(0, [](const Received&, std::size_t nth) {
    return nth == 0 ? Reply{503, {{"Retry-After", "Fri, 15 Jan 2027 08:00:30 GMT"}}, ""} : Reply{};
  });
  add({test::item("hooks", "c1", 1, rx.url())});
  auto engine = make_engine({.backoff_initial = 1ms});
  engine->start();
  ASSERT_TRUE(engine->wait_idle(kWait));
  EXPECT_EQ(only_row().next_attempt_at, clock.now() + 30s);
}

TEST_F(EngineTest, BadRequestIsDeadAtOnceAndReplayDelivers) {
  test::Receiver rx(0, [](const Received&, std::size_t nth) {
    return nth == 0 ? Reply{400, {}, "bad payload"} : Reply{202, {}, ""};
  });
  add({test::item("hooks", "c1", 1, rx.url())});
  auto engine = make_engine();
  engine->start();
  ASSERT_TRUE(engine->wait_idle(kWait));
  const auto dead = db->list_deliveries("dead", 10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].last_status, 400);
  EXPECT_EQ(dead[0].last_error, "HTTP 400: bad payload");
  EXPECT_EQ(dead[0].attempts, 1);
  EXPECT_EQ(rx.received().size(), 1u);
  EXPECT_EQ(outcome("dead"), 1u);

  ASSERT_TRUE(db->replay_delivery(dead[0].id));
  engine->notify();
  ASSERT_TRUE(engine->wait_idle(kWait));
  const auto row = only_row();
  EXPECT_EQ(row.state, "delivered");
  EXPECT_EQ(row.last_status, 202);
  EXPECT_EQ(rx.received().size(), 2u);
  EXPECT_TRUE(db->list_deliveries("dead", 10).empty());
}

TEST_F(EngineTest, GivesUpAfterMaxAttempts) {
  test::Receiver rx(0, [](const Received&, std::size_t) { return Reply{500, {}, "boom"}; });
  add({test::item("hooks", "c1", 1, rx.url())});
  auto engine = make_engine({.max_attempts = 3, .backoff_initial = 1000ms});
  engine->start();
  for (int i = 0; i < 3 && only_row().state == "pending"; ++i) {
    ASSERT_TRUE(engine->wait_idle(kWait));
    clock.advance(1h);
    engine->notify();
  }
  ASSERT_TRUE(engine->wait_idle(kWait));
  const auto row = only_row();
  EXPECT_EQ(row.state, "dead");
  EXPECT_EQ(row.attempts, 3);
  EXPECT_NE(row.last_error.find("gave up after 3 attempts"), std::string::npos) << row.last_error;
  EXPECT_EQ(rx.received().size(), 3u);
}

TEST_F(EngineTest, OlderThanMaxAgeIsDeadOnFailure) {
  test::Receiver rx(0, [](const Received&, std::size_t) { return Reply{502, {}, ""}; });
  add({test::item("hooks", "c1", 1, rx.url())});
  clock.advance(25h);
  auto engine = make_engine({.max_age = 24h});
  engine->start();
  ASSERT_TRUE(engine->wait_idle(kWait));
  const auto row = only_row();
  EXPECT_EQ(row.state, "dead");
  EXPECT_NE(row.last_error.find("max_age"), std::string::npos) << row.last_error;
  EXPECT_EQ(rx.received().size(), 1u);
}

TEST_F(EngineTest, ParallelWorkersKeepPerCallOrder) {
  test::Receiver rx;
  constexpr int kCalls = 20, kEvents = 5;
  std::vector<store::OutboxItem> items;
  for (int e = 1; e <= kEvents; ++e)  // interleaved across calls
    for (int c = 0; c < kCalls; ++c)
      items.push_back(test::item("hooks", "call-" + std::to_string(c), e, rx.url()));
  add(items);
  auto engine = make_engine({.workers = 4});
  engine->start();
  ASSERT_TRUE(rx.wait_for_count(kCalls * kEvents, kWait));
  ASSERT_TRUE(engine->wait_idle(kWait));
  std::map<std::string, std::vector<std::uint64_t>> per_call;
  for (const auto& r : rx.received()) {
    auto [call, seq] = call_and_seq(r.header("Idempotency-Key"));
    per_call[call].push_back(seq);
  }
  ASSERT_EQ(per_call.size(), std::size_t(kCalls));
  for (const auto& [call, seqs] : per_call)
    EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3, 4, 5})) << call;
  EXPECT_EQ(db->pending_count(), 0u);
}

TEST_F(EngineTest, RestartResumesPendingDeliveriesExactlyOnceInOrder) {
  const int port = test::unused_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  std::vector<store::OutboxItem> items;
  for (int e = 1; e <= 4; ++e)
    for (int c = 0; c < 3; ++c)
      items.push_back(test::item("hooks", "call-" + std::to_string(c), e, url));
  add(items);
  {
    // Receiver down: connection refused, every call's head is retried later.
    auto engine = make_engine({.workers = 3, .max_attempts = 100});
    engine->start();
    ASSERT_TRUE(engine->wait_idle(kWait));
    engine->stop();
    const auto rows = db->list_deliveries("", 100);
    ASSERT_EQ(rows.size(), items.size());
    int tried = 0;
    for (const auto& r : rows) {
      EXPECT_EQ(r.state, "pending");
      if (r.attempts > 0) {
        ++tried;
        EXPECT_EQ(r.seq, 1u);  // only heads were attempted
        EXPECT_EQ(r.last_status, 0);
        EXPECT_FALSE(r.last_error.empty());
      }
    }
    EXPECT_EQ(tried, 3);
    EXPECT_GE(outcome("retry"), 3u);
  }
  db.reset();  // "process exit"

  test::Receiver rx(port);
  clock.advance(1h);
  open_store();
  auto engine = make_engine({.workers = 3});
  engine->start();
  ASSERT_TRUE(rx.wait_for_count(items.size(), kWait));
  ASSERT_TRUE(engine->wait_idle(kWait));
  std::map<std::string, std::vector<std::uint64_t>> per_call;
  std::set<std::string> keys;
  for (const auto& r : rx.received()) {
    const auto key = r.header("Idempotency-Key");
    EXPECT_TRUE(keys.insert(key).second) << "delivered twice: " << key;
    auto [call, seq] = call_and_seq(key);
    per_call[call].push_back(seq);
  }
  EXPECT_EQ(keys.size(), items.size());
  for (const auto& [call, seqs] : per_call)
    EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3, 4})) << call;
  EXPECT_EQ(db->list_deliveries("delivered", 100).size(), items.size());
}

TEST(HttplibSender, NetworkErrorsAreStatusZeroWithText) {
  auto sender = make_httplib_sender();
  core::HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(test::unused_port()) + "/x";
  auto res = sender->send(req, 5000ms);
  EXPECT_EQ(res.status, 0);
  EXPECT_FALSE(res.body.empty());
  req.url = "ftp://example.test/x";
  res = sender->send(req, 5000ms);
  EXPECT_EQ(res.status, 0);
  EXPECT_NE(res.body.find("URL"), std::string::npos);
}

TEST(HttplibSender, HttpsToAPlainHttpServerFailsTheHandshake) {
  test::Receiver rx;
  auto sender = make_httplib_sender();
  core::HttpRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(rx.port()) + "/hook";
  const auto res = sender->send(req, 5000ms);
  EXPECT_EQ(res.status, 0) << res.body;
  EXPECT_TRUE(rx.received().empty());
}

}  // namespace
}  // namespace cti::webhooks
