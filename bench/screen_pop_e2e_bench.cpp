// Screen-pop from the AMI ringing frame to the agent's WebSocket (issue 5),
// through everything in between: the real `cti-connector` process (its AMI
// session, parser, tracker, screen-pop service, HubSpot adapter and HTTP
// client, API server and WebSocket session), fed by a PBX played by this
// program on loopback, with a local HubSpot-style CRM answering its searches
// in `crm_ms`, and `sessions` agent panels connected over real WebSockets.
//
// Each measured call is the recorded inbound call (a_inbound_answered: the
// caller rings agent 1001) with fresh channel ids: its frames up to the
// DialBegin to Local/1001@ are written, the clock starts as the ringing frame
// is written, and stops when agent 1001's panel has read the screen_pop with
// the contact (lookup "done"). The rest of the call is then written and the
// next call waits for its call.ended, so calls never overlap.
//   (a) every caller new: the CRM is asked, answering in `crm_ms`;
//   (b) the same caller again: the contact comes from the connector's cache.
// The other `sessions - 1` panels belong to other agents; they stay connected
// (and pinged) throughout.
// Usage: screen_pop_e2e_bench [calls=200] [crm_ms=20] [sessions=1000]

// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it
// clang-format on

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tools/support/child_process.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
namespace net = boost::asio;
namespace websocket = boost::beast::websocket;

const std::string kIntegrationToken = "bench-integration-token-0123456789";
const std::string kAmiSecret = "bench-ami-secret";
const std::string kRecordedLinkedid = "1795878809";
const std::string kRecordedCaller = "+34912345678";

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "screen_pop_e2e_bench: %s\n", why.c_str());
  std::exit(1);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// The recorded call's event frames (login responses dropped), split at the
// ringing frame: `before` ends with the frames preceding it.
struct CallScript {
  std::string before, ringing, after;
};

CallScript load_call(const std::string& capture_path) {
  const std::string bytes = slurp(capture_path);
  if (bytes.empty()) die("cannot read " + capture_path);
  CallScript s;
  int part = 0;
  for (std::size_t at = bytes.find("\r\n") + 2; at < bytes.size();) {
    auto end = bytes.find("\r\n\r\n", at);
    if (end == std::string::npos) break;
    end += 4;
    const std::string frame = bytes.substr(at, end - at);
    at = end;
    if (!frame.starts_with("Event: ") || frame.starts_with("Event: FullyBooted") ||
        frame.starts_with("Event: SuccessfulAuth"))
      continue;
    const bool ringing = frame.starts_with("Event: DialBegin") &&
                         frame.find("\r\nDestChannel: Local/1001@") != std::string::npos;
    if (ringing && part == 0) {
      s.ringing = frame;
      part = 1;
      continue;
    }
    (part == 0 ? s.before : s.after) += frame;
  }
  if (s.ringing.empty()) die("no DialBegin to Local/1001@ in " + capture_path);
  return s;
}

// The PBX: one AMI connection; every action is answered with success (the
// connector logs in with a plain secret, enables events, asks for Status and
// pings); the bench writes the call's frames.
class FakeAmi {
 public:
  FakeAmi() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 4) != 0)
      die("AMI listen failed");
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeAmi() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  unsigned short port() const { return port_; }
  void wait_logged_in() {
    std::unique_lock lk(mu_);
    if (!cv_.wait_for(lk, std::chrono::seconds(30), [&] { return events_on_; }))
      die("the connector did not log in to the AMI server");
  }
  void write(const std::string& bytes) {
    std::lock_guard lk(write_mu_);
    for (std::size_t done = 0; done < bytes.size();) {
      const auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) die("AMI write failed");
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  void serve() {
    fd_ = ::accept(listen_fd_, nullptr, nullptr);
    if (fd_ < 0) return;
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    write("Asterisk Call Manager/11.0.0\r\n");
    std::string in;
    char buf[4096];
    for (;;) {
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return;
      in.append(buf, static_cast<std::size_t>(n));
      for (auto end = in.find("\r\n\r\n"); end != std::string::npos; end = in.find("\r\n\r\n")) {
        const std::string action = in.substr(0, end + 2);
        in.erase(0, end + 4);
        std::string id;
        if (auto at = action.find("ActionID: "); at != std::string::npos)
          id = action.substr(at + 10, action.find("\r\n", at) - at - 10);
        write("Response: Success\r\nActionID: " + id + "\r\nMessage: ok\r\n\r\n");
        if (action.starts_with("Action: Events")) {
          std::lock_guard lk(mu_);
          events_on_ = true;
          cv_.notify_all();
        }
      }
    }
  }
  int listen_fd_ = -1, fd_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
  std::mutex mu_, write_mu_;
  std::condition_variable cv_;
  bool events_on_ = false;
};

// A HubSpot-style CRM: every search finds one contact after `crm_ms`; call
// activities are accepted.
class LocalCrm {
 public:
  explicit LocalCrm(int crm_ms) {
    server_.Post("/crm/v3/objects/contacts/search", [crm_ms](const auto&, auto& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(crm_ms));  // the CRM's own latency
      res.set_content(R"({"total":1,"results":[{"id":"501","properties":{"firstname":"Lucía",)"
                      R"("lastname":"Fernández","company":"Acme Foods"}}]})",
                      "application/json");
    });
    server_.Post("/crm/v3/objects/calls", [](const auto&, auto& res) {
      res.status = 201;
      res.set_content(R"({"id":"9001"})", "application/json");
    });
    server_.set_tcp_nodelay(true);  // as a real CRM front end; else Nagle adds ~40 ms
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalCrm() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// One panel: reads every message; the measured one records when each call's
// final pop-up and its end arrived.
struct Panel {
  explicit Panel(net::io_context& ioc, bool measured) : ws(ioc), measured(measured) {}
  websocket::stream<boost::beast::tcp_stream> ws;
  boost::beast::flat_buffer buffer;
  bool measured;
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, Clock::time_point> popped, ended;

  void read() {
    ws.async_read(buffer, [this](boost::beast::error_code ec, std::size_t) {
      if (ec) return;
      const auto now = Clock::now();
      if (measured) note(boost::beast::buffers_to_string(buffer.data()), now);
      buffer.consume(buffer.size());
      read();
    });
  }
  void note(const std::string& text, Clock::time_point now) {
    const auto m = json::parse(text, nullptr, false);
    if (m.is_discarded() || !m.contains("call")) return;
    const std::string id = m["call"].value("call_id", "");
    std::lock_guard lk(mu);
    if (m.value("type", "") == "screen_pop" && m.value("lookup", "") == "done")
      popped.emplace(id, now);
    if (m.value("type", "") == "call_update" && m.value("event", "") == "call.ended")
      ended.emplace(id, now);
    cv.notify_all();
  }
  Clock::time_point wait(std::map<std::string, Clock::time_point>& of, const std::string& id) {
    std::unique_lock lk(mu);
    if (!cv.wait_for(lk, std::chrono::seconds(30), [&] { return of.contains(id); }))
      die("no message for " + id + " within 30 s");
    return of[id];
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::atoi(argv[1]) : 200;
  const int crm_ms = argc > 2 ? std::atoi(argv[2]) : 20;
  const int sessions = std::max(1, argc > 3 ? std::atoi(argv[3]) : 1000);
  std::printf("cores=%u calls=%d crm_ms=%d sessions=%d\n", std::thread::hardware_concurrency(),
              calls, crm_ms, sessions);

  const CallScript script = load_call(std::string(CTI_FIXTURES) + "/ami/a_inbound_answered.ami");
  FakeAmi ami;
  LocalCrm crm(crm_ms);

  const auto dir = std::filesystem::temp_directory_path() / "cti-screen-pop-e2e-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  json agents = json::array({{{"id", "ana"}, {"extension", "1001"}}});
  for (int i = 1; i < sessions; ++i)
    agents.push_back({{"id", "p" + std::to_string(i)}, {"extension", std::to_string(20000 + i)}});
  const json config = {
      {"pbx",
       {{{"type", "ami"},
         {"name", "main"},
         {"host", "127.0.0.1"},
         {"port", ami.port()},
         {"username", "cti"},
         {"secret", kAmiSecret},
         {"md5_login", false}}}},
      {"agents", agents},
      {"numbers", {{"default_region", "ES"}, {"dids", {"+34912000100"}}}},
      {"crm",
       {{{"type", "hubspot"},
         {"name", "hs"},
         {"base_url", "http://127.0.0.1:" + std::to_string(crm.port())},
         {"token", "bench-hubspot-token"},
         {"users", {{"ana", "75001"}}}}}},
      {"store", {{"path", (dir / "cti.db").string()}}},
      {"api", {{"listen", "127.0.0.1:0"}, {"tokens", {kIntegrationToken}}}},
      {"screen_pop", {{"lookup_timeout_ms", 10000}}},  // measure the lookup, not the fallback
      {"log", {{"level", "warn"}}},
  };
  std::ofstream(dir / "config.json") << config.dump(2);
  auto child = cti::tools::ChildProcess::spawn(
      {std::string(CTI_BINARY_DIR) + "/cti-connector", "run", "--config",
       (dir / "config.json").string(), "--api-port-file", (dir / "api.port").string()},
      (dir / "connector.out").string(), (dir / "connector.err").string());
  if (!child) die(child.error());
  const auto api_port = cti::tools::wait_for_port_file((dir / "api.port").string(), *child);
  if (!api_port) die("connector did not start: " + slurp((dir / "connector.err").string()));
  ami.wait_logged_in();

  net::io_context client_ioc;
  std::vector<std::unique_ptr<Panel>> panels;
  const auto connect_started = Clock::now();
  for (int i = 0; i < sessions; ++i) {
    auto p = std::make_unique<Panel>(client_ioc, i == 0);
    p->ws.next_layer().connect({net::ip::make_address("127.0.0.1"), *api_port});
    p->ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set(boost::beast::http::field::authorization, "Bearer " + kIntegrationToken);
    }));
    p->ws.handshake("127.0.0.1",
                    "/v1/ws?agent=" + (i == 0 ? std::string("ana") : "p" + std::to_string(i)));
    panels.push_back(std::move(p));
  }
  const double connect_s = std::chrono::duration<double>(Clock::now() - connect_started).count();
  for (auto& p : panels) p->read();
  auto client_guard = net::make_work_guard(client_ioc);
  std::thread client_thread([&] { client_ioc.run(); });
  Panel& ana = *panels[0];

  int serial = 0;
  auto one_call = [&](const std::string& caller) {
    const std::string linkedid = std::to_string(1795900000 + serial++);
    auto patch = [&](std::string s) {
      replace_all(s, kRecordedLinkedid, linkedid);
      replace_all(s, kRecordedCaller, caller);
      return s;
    };
    const std::string call_id = "main-" + linkedid + ".0";
    ami.write(patch(script.before));
    const std::string ringing = patch(script.ringing);
    const auto t0 = Clock::now();
    ami.write(ringing);
    const auto t1 = ana.wait(ana.popped, call_id);
    ami.write(patch(script.after));
    ana.wait(ana.ended, call_id);
    return std::chrono::duration<double, std::micro>(t1 - t0).count();
  };
  auto run = [&](const char* label, auto caller_of) {
    std::vector<double> us;
    for (int i = 0; i < calls; ++i) us.push_back(one_call(caller_of(i)));
    std::printf("frame -> panel %-32s calls=%d p50=%.0f us p99=%.0f us\n", label, calls,
                percentile(us, 0.50), percentile(us, 0.99));
  };
  std::printf("%d panels connected in %.2f s\n", sessions, connect_s);
  run("(a) every caller new, CRM asked",
      [](int i) { return "+349123" + std::to_string(10000 + i); });
  one_call("+34912399999");  // puts the contact in the cache
  run("(b) contact cached", [](int) { return std::string("+34912399999"); });

  child->signal(SIGTERM);
  child->wait_for_exit(std::chrono::seconds(20));
  client_guard.reset();
  client_ioc.stop();
  client_thread.join();
  panels.clear();
  const std::string err = slurp((dir / "connector.err").string());
  if (err.find("bench-hubspot-token") != std::string::npos) die("the CRM token reached the log");
  std::filesystem::remove_all(dir);
  return 0;
}
