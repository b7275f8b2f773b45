#include "connector/pbx/ami/session.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <future>
#include <thread>

#include "tests/unit/ami/fake_ami_server.h"

namespace cti::pbx::ami {
namespace {

using namespace std::chrono_literals;
using testing::FakeAmiServer;

class FixedClock final : public core::Clock {
 public:
  core::Timestamp now() const override { return core::from_unix_micros(1'795'878'809'123'456); }
};

// What the session reported, shared between the io thread and the test.
struct Recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<SessionState, std::string>> states;
  std::vector<OwnedFrame> frames;
  std::vector<core::Timestamp> arrivals;

  template <class Pred>
  bool wait(Pred pred, std::chrono::seconds timeout = 20s) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return pred(); });
  }
  int count_state(SessionState s) {
    int n = 0;
    for (const auto& [st, why] : states) n += st == s;
    return n;
  }
  bool has_event(const std::string& name) {
    for (const auto& f : frames) {
      if (f.get("Event") == name) return true;
    }
    return false;
  }
};

class SessionTest : public ::testing::Test {
 protected:
  void start(FakeAmiServer::Options opt, bool md5, std::chrono::milliseconds ping = 20s,
             std::string secret = "s3cret") {
    server_ = std::make_unique<FakeAmiServer>(std::move(opt));
    SessionConfig c;
    c.name = "test";
    c.host = "127.0.0.1";
    c.port = server_->port();
    c.username = "cti";
    c.secret = std::move(secret);
    c.md5_login = md5;
    c.ping_interval = ping;
    c.backoff_initial = 10ms;
    c.backoff_max = 50ms;
    start_session(c);
  }

  void start_session(SessionConfig c) {
    SessionCallbacks cb;
    cb.on_frame = [this](const Frame& f, core::Timestamp at) {
      std::lock_guard lock(rec_.mu);
      rec_.frames.push_back(to_owned(f));
      rec_.arrivals.push_back(at);
      rec_.cv.notify_all();
    };
    cb.on_state = [this](SessionState s, std::string_view why) {
      std::lock_guard lock(rec_.mu);
      rec_.states.emplace_back(s, std::string{why});
      rec_.cv.notify_all();
    };
    session_ = std::make_shared<Session>(ioc_, std::move(c), std::move(cb), clock_);
    session_->start();
    io_thread_ = std::thread([this] { ioc_.run(); });
  }

  bool wait_up(int times = 1) {
    return rec_.wait([&] { return rec_.count_state(SessionState::Up) >= times; });
  }

  void stop_session() {
    if (!session_) return;
    std::promise<void> done;
    session_->stop([&] { done.set_value(); });
    ASSERT_EQ(done.get_future().wait_for(20s), std::future_status::ready);
  }

  void TearDown() override {
    stop_session();
    guard_.reset();
    ioc_.stop();
    if (io_thread_.joinable()) io_thread_.join();
    session_.reset();
    server_.reset();
  }

  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      ioc_.get_executor()};
  std::thread io_thread_;
  FixedClock clock_;
  Recorder rec_;
  std::unique_ptr<FakeAmiServer> server_;
  std::shared_ptr<Session> session_;
};

TEST_F(SessionTest, PlainLoginEventsOnThenResync) {
  start({}, /*md5=*/false);
  ASSERT_TRUE(wait_up());
  ASSERT_TRUE(server_->wait([&] { return server_->count("Status") == 1; }));
  const auto actions = server_->snapshot();
  ASSERT_GE(actions.size(), 3u);
  EXPECT_EQ(actions[0].action(), "Login");
  EXPECT_EQ(actions[0].frame.get("Username"), "cti");
  EXPECT_EQ(actions[0].frame.get("Secret"), "s3cret");
  EXPECT_EQ(actions[0].frame.get("AuthType"), "");
  EXPECT_EQ(actions[1].action(), "Events");
  EXPECT_EQ(actions[1].frame.get("EventMask"), "on");
  EXPECT_EQ(actions[2].action(), "Status");
  EXPECT_EQ(actions[2].frame.get("Variables"), "CTI_CALL_ID");
  // Every action carries a distinct ActionID.
  std::set<std::string> ids;
  for (const auto& a : actions) ids.insert(a.frame.get("ActionID"));
  EXPECT_EQ(ids.size(), actions.size());
  EXPECT_EQ(server_->successful_logins(), 1);

  // The resync list reaches on_frame; the replies to our own actions do not.
  ASSERT_TRUE(rec_.wait([&] { return rec_.has_event("StatusComplete"); }));
  {
    std::lock_guard lock(rec_.mu);
    EXPECT_TRUE(rec_.has_event("Status"));
    for (const auto& f : rec_.frames) EXPECT_EQ(f.get("Response"), "") << f.get("Message");
    EXPECT_EQ(rec_.states[0].first, SessionState::Connecting);
    EXPECT_EQ(rec_.states[1].first, SessionState::LoggingIn);
    EXPECT_EQ(rec_.states[2].first, SessionState::Up);
  }
}

TEST_F(SessionTest, Md5LoginSendsTheChallengeKeyAndNeverTheSecret) {
  start({}, /*md5=*/true);
  ASSERT_TRUE(wait_up());
  const auto actions = server_->snapshot();
  ASSERT_GE(actions.size(), 2u);
  EXPECT_EQ(actions[0].action(), "Challenge");
  EXPECT_EQ(actions[0].frame.get("AuthType"), "MD5");
  EXPECT_EQ(actions[1].action(), "Login");
  EXPECT_EQ(actions[1].frame.get("AuthType"), "MD5");
  // md5("617253901" + "s3cret"), computed independently with md5sum(1).
  EXPECT_EQ(actions[1].frame.get("Key"), "cce38c0a5919fbe0c03e53e8002cf607");
  for (const auto& a : actions) {
    EXPECT_FALSE(a.frame.get("Secret").size()) << a.action();
    for (const auto& [k, v] : a.frame.headers) EXPECT_EQ(v.find("s3cret"), std::string::npos);
  }
  EXPECT_EQ(server_->successful_logins(), 1);
}

TEST_F(SessionTest, WrongPasswordReportsAuthenticationFailedAndRetries) {
  start({}, /*md5=*/true, 20s, "wrong");
  ASSERT_TRUE(server_->wait([&] { return server_->failed_logins() >= 2; }));
  ASSERT_TRUE(rec_.wait([&] {
    for (const auto& [s, why] : rec_.states) {
      if (s == SessionState::Disconnected && why == "authentication failed") return true;
    }
    return false;
  }));
  std::lock_guard lock(rec_.mu);
  EXPECT_EQ(rec_.count_state(SessionState::Up), 0);
  EXPECT_GE(server_->connections(), 2);
  EXPECT_GE(session_->reconnects(), 1u);
}

TEST_F(SessionTest, EventsAreDeliveredWithArrivalTime) {
  start({}, false);
  ASSERT_TRUE(wait_up());
  server_->send(
      "Event: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/1001-0000002a\r\n"
      "AccountCode: \r\nUniqueid: 1795878809.2\r\n\r\n"
      "Response: Success\r\nActionID: someone-else-1\r\nMessage: not ours\r\n\r\n");
  ASSERT_TRUE(rec_.wait([&] {
    for (const auto& f : rec_.frames) {
      if (f.get("ActionID") == "someone-else-1") return true;
    }
    return false;
  }));
  std::lock_guard lock(rec_.mu);
  bool found = false;
  for (std::size_t i = 0; i < rec_.frames.size(); ++i) {
    if (rec_.frames[i].get("Event") == "Newchannel") {
      found = true;
      EXPECT_EQ(rec_.frames[i].get("Channel"), "PJSIP/1001-0000002a");
      EXPECT_EQ(rec_.frames[i].get("AccountCode"), "");
      EXPECT_EQ(rec_.arrivals[i], clock_.now());
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(SessionTest, ServerDropReconnectsAndLogsInAgain) {
  start({}, true);
  ASSERT_TRUE(wait_up());
  ASSERT_TRUE(server_->wait([&] { return server_->count("Status") == 1; }));
  server_->drop();
  ASSERT_TRUE(wait_up(2));
  ASSERT_TRUE(server_->wait([&] { return server_->count("Status") == 2; }));
  EXPECT_EQ(server_->successful_logins(), 2);
  EXPECT_EQ(server_->connections(), 2);
  EXPECT_EQ(session_->reconnects(), 1u);
  std::lock_guard lock(rec_.mu);
  EXPECT_EQ(rec_.count_state(SessionState::Disconnected), 1);
}

TEST_F(SessionTest, StopSendsLogoff) {
  start({}, false);
  ASSERT_TRUE(wait_up());
  stop_session();
  EXPECT_TRUE(server_->wait([&] { return server_->count("Logoff") == 1; }));
  std::lock_guard lock(rec_.mu);
  ASSERT_FALSE(rec_.states.empty());
  EXPECT_EQ(rec_.states.back().first, SessionState::Stopped);
  EXPECT_EQ(server_->connections(), 1);  // no reconnect after stop
}

TEST_F(SessionTest, ActionResponseGoesToTheCallback) {
  start({}, false);
  ASSERT_TRUE(wait_up());
  std::promise<std::expected<OwnedFrame, std::string>> reply;
  session_->send_action({{"Action", "Originate"}, {"ActionID", "mine"}, {"Channel", "PJSIP/1001"}},
                        [&](auto r) { reply.set_value(std::move(r)); });
  auto fut = reply.get_future();
  ASSERT_EQ(fut.wait_for(20s), std::future_status::ready);
  const auto r = fut.get();
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(r->get("Response"), "Success");
  EXPECT_EQ(r->get("Message"), "Originate done");
  const auto actions = server_->snapshot();
  const auto& sent = actions.back();
  EXPECT_EQ(sent.action(), "Originate");
  EXPECT_EQ(sent.frame.get("Channel"), "PJSIP/1001");
  EXPECT_NE(sent.frame.get("ActionID"), "mine");  // the session's own unique id
  EXPECT_EQ(r->get("ActionID"), sent.frame.get("ActionID"));
  std::lock_guard lock(rec_.mu);
  for (const auto& f : rec_.frames) EXPECT_NE(f.get("Message"), "Originate done");
}

TEST_F(SessionTest, PendingActionFailsOnDisconnect) {
  FakeAmiServer::Options opt;
  opt.unanswered = {"Originate"};
  start(opt, false);
  ASSERT_TRUE(wait_up());
  std::promise<std::expected<OwnedFrame, std::string>> reply;
  session_->send_action({{"Action", "Originate"}}, [&](auto r) { reply.set_value(std::move(r)); });
  ASSERT_TRUE(server_->wait([&] { return server_->count("Originate") == 1; }));
  server_->drop();
  auto fut = reply.get_future();
  ASSERT_EQ(fut.wait_for(20s), std::future_status::ready);
  EXPECT_FALSE(fut.get().has_value());
}

TEST_F(SessionTest, ActionWhileDisconnectedFails) {
  // Nothing listens on this port once the probe server is gone.
  std::uint16_t port;
  {
    FakeAmiServer probe({});
    port = probe.port();
  }
  SessionConfig c;
  c.name = "nobody";
  c.host = "127.0.0.1";
  c.port = port;
  c.backoff_initial = 10ms;
  c.backoff_max = 20ms;
  start_session(c);
  ASSERT_TRUE(rec_.wait([&] { return rec_.count_state(SessionState::Disconnected) >= 3; }));
  std::promise<std::expected<OwnedFrame, std::string>> reply;
  session_->send_action({{"Action", "Ping"}}, [&](auto r) { reply.set_value(std::move(r)); });
  auto fut = reply.get_future();
  ASSERT_EQ(fut.wait_for(20s), std::future_status::ready);
  const auto r = fut.get();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "not connected");
  EXPECT_GE(session_->reconnects(), 2u);
}

TEST_F(SessionTest, PingsKeepTheConnectionUp) {
  start({}, false, 200ms);
  ASSERT_TRUE(wait_up());
  ASSERT_TRUE(server_->wait([&] { return server_->count("Ping") >= 3; }));
  std::lock_guard lock(rec_.mu);
  EXPECT_EQ(rec_.count_state(SessionState::Disconnected), 0);
}

TEST_F(SessionTest, UnansweredPingDropsAndReconnects) {
  FakeAmiServer::Options opt;
  opt.answer_ping = false;
  start(opt, false, 50ms);
  ASSERT_TRUE(wait_up(2));
  EXPECT_GE(server_->connections(), 2);
  std::lock_guard lock(rec_.mu);
  bool saw_timeout = false;
  for (const auto& [s, why] : rec_.states) saw_timeout |= why == "ping timeout";
  EXPECT_TRUE(saw_timeout);
}

}  // namespace
}  // namespace cti::pbx::ami
