#pragma once
// End-to-end harness: the real cti-connector process between the real
// ami-replay-server (recorded Asterisk captures) and the real webhook-receiver,
// all on loopback, with a real SQLite file. Waits poll a condition with a
// deadline (a test fails, it never hangs); nothing sleeps to synchronise.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "connector/pbx/ami/replay.h"
#include "tools/support/child_process.h"

namespace cti::e2e {

using nlohmann::json;
using tools::ChildProcess;

inline const std::string kAmiSecret = "e2e-ami-secret";
inline const std::string kHookSecret = "e2e-webhook-secret";
inline const std::string kToken = "e2e-token-0123456789abcdef";

inline std::string bin(const std::string& name) { return std::string(CTI_BINARY_DIR) + "/" + name; }
inline std::string capture(const std::string& name) {
  return std::string(CTI_FIXTURES) + "/ami/" + name + ".ami";
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls `done` until it is true or the deadline passes.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// A loopback port that nothing listens on right now (for "receiver down").
inline unsigned short unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct Delivery {
  std::string key;
  bool signature_ok = false;
  json body;
};

class E2e : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cti-e2e-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    connector_.reset();
    ami_.reset();
    receiver_.reset();
    std::error_code ec;
    if (!HasFailure())
      std::filesystem::remove_all(dir_, ec);
    else
      std::cerr << "kept " << dir_ << " for inspection\n";
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  void start_receiver(unsigned short port = 0, const std::vector<std::string>& extra = {}) {
    std::filesystem::remove(path("receiver.port"));
    std::vector<std::string> argv{bin("webhook-receiver"),
                                  "--listen",
                                  "127.0.0.1:" + std::to_string(port),
                                  "--secret",
                                  kHookSecret,
                                  "--record",
                                  path("received.jsonl"),
                                  "--port-file",
                                  path("receiver.port"),
                                  "--quiet"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto child = ChildProcess::spawn(argv, path("receiver.out"), path("receiver.err"));
    ASSERT_TRUE(child.has_value()) << child.error();
    receiver_.emplace(std::move(*child));
    auto p = tools::wait_for_port_file(path("receiver.port"), *receiver_);
    ASSERT_TRUE(p.has_value()) << slurp(path("receiver.err"));
    receiver_port_ = *p;
  }

  void start_ami(const std::vector<std::string>& captures,
                 const std::vector<std::string>& extra = {},
                 const std::string& listen = "127.0.0.1:0") {
    std::vector<std::string> argv{
        bin("ami-replay-server"), "--listen", listen, "--secret", kAmiSecret, "--port-file",
        path("ami.port")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    for (const auto& c : captures) argv.push_back(capture(c));
    auto child = ChildProcess::spawn(argv, path("ami.out"), path("ami.err"));
    ASSERT_TRUE(child.has_value()) << child.error();
    ami_.emplace(std::move(*child));
    auto p = tools::wait_for_port_file(path("ami.port"), *ami_);
    ASSERT_TRUE(p.has_value()) << slurp(path("ami.err"));
    ami_port_ = *p;
  }

  // `patch` is merged into the config (RFC 7386 merge patch).
  void write_config(unsigned short hook_port, const json& patch = json::object()) {
    json cfg = {
        {"pbx",
         {{{"type", "ami"},
           {"name", "main"},
           {"host", "127.0.0.1"},
           {"port", ami_port_},
           {"username", "cti"},
           {"secret", kAmiSecret},
           {"backoff_initial_ms", 50},
           {"backoff_max_ms", 200}}}},
        {"agents",
         {{{"id", "ana"}, {"extension", "1001"}},
          {{"id", "ben"}, {"extension", "1002"}},
          {{"id", "eva"}, {"extension", "1003"}}}},
        {"numbers", {{"default_region", "ES"}}},
        {"crm",
         {{{"type", "webhook"},
           {"name", "hooks"},
           {"url", "http://127.0.0.1:" + std::to_string(hook_port) + "/hook"},
           {"secret", kHookSecret}}}},
        {"store", {{"path", path("cti.db")}}},
        {"api", {{"listen", "127.0.0.1:0"}, {"tokens", {kToken}}}},
        {"delivery", {{"backoff_initial_ms", 50}, {"backoff_max_ms", 300}, {"workers", 2}}},
        {"log", {{"level", "debug"}}},
    };
    cfg.merge_patch(patch);
    std::ofstream(path("config.json")) << cfg.dump(2);
  }

  void start_connector() {
    std::filesystem::remove(path("api.port"));
    auto child = ChildProcess::spawn({bin("cti-connector"), "run", "--config", path("config.json"),
                                      "--api-port-file", path("api.port")},
                                     path("connector.out"), path("connector.err"));
    ASSERT_TRUE(child.has_value()) << child.error();
    connector_.emplace(std::move(*child));
    auto p = tools::wait_for_port_file(path("api.port"), *connector_);
    ASSERT_TRUE(p.has_value()) << slurp(path("connector.err"));
    api_port_ = *p;
  }

  std::vector<Delivery> received() const {
    std::vector<Delivery> out;
    std::ifstream in(path("received.jsonl"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto j = json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;  // a line being written right now
      Delivery d;
      d.key = j.value("idempotency_key", "");
      d.signature_ok = j.value("signature_ok", false);
      const json& body = j["body"];
      d.body = body.is_string() ? json::parse(body.get<std::string>(), nullptr, false) : body;
      out.push_back(std::move(d));
    }
    return out;
  }

  // True once the receiver has recorded an event of this type.
  bool has_received(const std::string& type) const {
    for (const auto& d : received())
      if (d.body["type"] == type) return true;
    return false;
  }

  // Replays `capture` with its real timing, kills the connector (SIGKILL)
  // once call.answered went out, restarts it on the same database while the
  // replay goes on, and waits for call.ended. No idempotency key may arrive
  // twice.
  void kill_after_answer_and_restart(const std::string& capture) {
    start_receiver();
    start_ami({capture}, {"--speed", "1"});
    write_config(receiver_port_);
    start_connector();
    ASSERT_TRUE(eventually([&] { return has_received("call.answered"); }))
        << slurp(path("connector.err"));
    connector_->signal(SIGKILL);
    ASSERT_TRUE(connector_->wait_for_exit(std::chrono::seconds(10)).has_value());
    connector_.reset();
    start_connector();
    ASSERT_TRUE(eventually([&] { return has_received("call.ended"); }))
        << slurp(path("connector.err"));
    std::set<std::string> keys;
    for (const auto& d : received())
      EXPECT_TRUE(keys.insert(d.key).second) << "duplicate " << d.key;
  }

  // The call's log job at CRM `adapter` once it is delivered (then no
  // request of it is still on its way to the CRM).
  std::optional<json> delivered_log(const std::string& adapter, const std::string& call_id) const {
    const auto r = api_get("/v1/deliveries?state=delivered&limit=1000");
    if (!r || r->status != 200) return std::nullopt;
    const json page = json::parse(r->body);  // named: a range-for would outlive a temporary
    for (const auto& d : page["deliveries"])
      if (d["adapter"] == adapter && d["call_id"] == call_id) return d;
    return std::nullopt;
  }

  httplib::Result api_post(const std::string& target, const json& body,
                           const std::string& token = kToken) const {
    httplib::Client c("127.0.0.1", api_port_);
    c.set_read_timeout(20, 0);
    httplib::Headers h{{"Authorization", "Bearer " + token}};
    return c.Post(target.c_str(), h, body.dump(), "application/json");
  }

  httplib::Result api_get(const std::string& target, bool auth = true) const {
    httplib::Client c("127.0.0.1", api_port_);
    c.set_read_timeout(10, 0);
    httplib::Headers h;
    if (auth) h.emplace("Authorization", "Bearer " + kToken);
    return c.Get(target.c_str(), h);
  }

  // What the tracker emits for these captures (same code path, no timing):
  // (call_id, seq) -> type.
  // The tracker settings write_config() gives the connector.
  static core::TrackerConfig tracker_config() {
    core::TrackerConfig tc;
    tc.pbx = "main";
    tc.agents = {{"1001", "ana"}, {"1002", "ben"}, {"1003", "eva"}};
    return tc;
  }

  static std::map<std::pair<std::string, std::uint64_t>, std::string> expected_events(
      const std::vector<std::string>& captures) {
    const core::TrackerConfig tc = tracker_config();
    std::map<std::pair<std::string, std::uint64_t>, std::string> out;
    for (const auto& c : captures) {
      const auto r = pbx::ami::replay_bytes(slurp(capture(c)), tc, std::nullopt, {});
      for (const auto& e : r.events) out[{e.call_id, e.seq}] = std::string(core::to_string(e.kind));
    }
    return out;
  }

  std::filesystem::path dir_;
  std::optional<ChildProcess> receiver_, ami_, connector_;
  unsigned short receiver_port_ = 0, ami_port_ = 0, api_port_ = 0;
};

}  // namespace cti::e2e
