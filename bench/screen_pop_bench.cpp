// Screen-pop benchmark (issue 5).
//   1. pop latency: a call.ringing handed to the ScreenPop service on its
//      event loop -> the screen_pop message reaching the agent's hub, with a
//      real HubSpot adapter and HTTP client against a local CRM on loopback:
//      (a) contact already cached, (b) every number new and the CRM answering
//      in `crm_ms` (20 ms). p50/p99 over `calls` calls each.
//   2. fan-out with many panels: `sessions` real WebSocket clients (Beast) on
//      a real API server, one agent each; a pop is published to one agent at
//      a time; hub.pop() -> that client's read completing, p50/p99 over every
//      session. The AMI parser + tracker in front (pipeline_bench) add their
//      per-event cost to (1).
// Usage: screen_pop_bench [calls=300] [crm_ms=20] [sessions=1000]
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/hubspot/hubspot_adapter.h"
#include "connector/api/agent_hub.h"
#include "connector/api/auth.h"
#include "connector/api/server.h"
#include "connector/app/screen_pop.h"
#include "connector/app/store_backend.h"
#include "connector/common/metrics.h"
#include "webhooks/http_sender.h"

namespace {

using namespace cti;
using Clock = std::chrono::steady_clock;
namespace net = boost::asio;
namespace websocket = boost::beast::websocket;

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// The agent's hub side: records when each call's final pop-up arrives.
class TimedSink : public api::AgentSink {
 public:
  void send(std::shared_ptr<const std::string> text) override {
    const auto now = Clock::now();
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.value("type", "") != "screen_pop" || j.value("lookup", "") != "done") return;
    std::lock_guard lk(mu_);
    arrived_[j["call"]["call_id"].get<std::string>()] = now;
    cv_.notify_all();
  }
  void close() override {}
  Clock::time_point wait(const std::string& call_id) {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return arrived_.contains(call_id); });
    return arrived_[call_id];
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Clock::time_point> arrived_;
};

core::CallEvent ringing(const std::string& call_id, const std::string& from) {
  core::CallEvent e;
  e.kind = core::CallEventKind::Ringing;
  e.call_id = call_id;
  e.seq = 1;
  e.agent = "1001";
  e.call.call_id = call_id;
  e.call.direction = core::Direction::Inbound;
  e.call.from = from;
  e.call.to = "+34912000100";
  e.call.started_at = core::SystemClock().now();
  return e;
}

void pop_latency(int calls, int crm_ms) {
  httplib::Server crm;
  crm.Post("/crm/v3/objects/contacts/search", [crm_ms](const auto&, auto& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(crm_ms));  // the CRM's own latency
    res.set_content(R"({"total":1,"results":[{"id":"501","properties":{"firstname":"Ana"}}]})",
                    "application/json");
  });
  crm.set_tcp_nodelay(true);  // as a real CRM front end; else Nagle adds ~40 ms
  const int port = crm.bind_to_any_port("127.0.0.1");
  std::thread crm_thread([&] { crm.listen_after_bind(); });

  const auto dir = std::filesystem::temp_directory_path() / "cti-screen-pop-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = std::move(*store::Store::open((dir / "bench.db").string()));

  adapters::HubspotOptions o;
  o.name = "hs";
  o.token = "bench";
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  std::vector<std::shared_ptr<const adapters::CrmAdapter>> crms{
      std::make_shared<adapters::HubspotAdapter>(o)};
  auto hub = std::make_shared<api::AgentHub>();
  auto sink = std::make_shared<TimedSink>();
  hub->attach("ana", "1001", sink);
  config::ScreenPopConfig options;
  options.lookup_timeout_ms = 10000;  // measure the lookup, not the fallback
  common::Registry metrics;
  net::io_context loop;
  auto guard = net::make_work_guard(loop);
  std::thread loop_thread([&] { loop.run(); });
  {
    app::ScreenPop pop(loop, hub, crms,
                       std::shared_ptr<webhooks::HttpSender>(webhooks::make_httplib_sender()),
                       *store, options, metrics);
    auto run = [&](const char* label, auto number_of) {
      std::vector<double> us;
      for (int i = 0; i < calls; ++i) {
        const std::string id = std::string(label) + "-" + std::to_string(i);
        const auto e = ringing(id, number_of(i));
        const auto t0 = Clock::now();
        net::post(loop, [&pop, e] { pop.on_event(e); });
        const auto t1 = sink->wait(id);
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        auto end = e;
        end.kind = core::CallEventKind::Ended;
        end.seq = 2;
        net::post(loop, [&pop, end] { pop.on_event(end); });
      }
      std::printf("pop latency %-28s calls=%d p50=%.0f us p99=%.0f us\n", label, calls,
                  percentile(us, 0.50), percentile(us, 0.99));
    };
    run("cold, CRM answers in crm_ms", [](int i) { return "+3461" + std::to_string(1000000 + i); });
    run("cached contact", [](int) { return std::string("+34611000000"); });
    pop.stop();
  }
  guard.reset();
  loop.stop();
  loop_thread.join();
  crm.stop();
  crm_thread.join();
  store.reset();
  std::filesystem::remove_all(dir);
}

// One WebSocket client per agent, reading on a shared io_context thread.
struct Panel {
  explicit Panel(net::io_context& ioc) : ws(ioc) {}
  websocket::stream<boost::beast::tcp_stream> ws;
  boost::beast::flat_buffer buffer;
  std::atomic<std::int64_t> arrived{0};  // steady ticks of the last screen_pop
  void read() {
    ws.async_read(buffer, [this](boost::beast::error_code ec, std::size_t) {
      if (ec) return;
      const auto text = boost::beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      if (text.find("\"screen_pop\"") != std::string::npos)
        arrived.store(Clock::now().time_since_epoch().count());
      read();
    });
  }
};

void fan_out(int sessions) {
  const auto dir = std::filesystem::temp_directory_path() / "cti-screen-pop-bench-ws";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = std::move(*store::Store::open((dir / "bench.db").string()));
  common::Registry metrics;
  auto backend = std::make_shared<app::StoreBackend>(
      *store, metrics, std::vector<std::shared_ptr<app::PbxHealth>>{}, [] {});
  std::vector<api::AgentView> agents;
  for (int i = 0; i < sessions; ++i)
    agents.push_back({"a" + std::to_string(i), std::to_string(100000 + i), ""});
  backend->set_agents(agents);
  auto hub = std::make_shared<api::AgentHub>();
  api::ServerOptions so;
  so.listen = "127.0.0.1:0";
  so.token_hashes = {api::hash_token("bench-token-0123456789")};
  so.hub = hub;
  so.max_connections = static_cast<std::size_t>(sessions) + 16;
  net::io_context api_ioc;
  api::Server server(api_ioc, so, backend);
  const auto port = server.start();
  if (!port) {
    std::printf("server: %s\n", port.error().c_str());
    return;
  }
  auto api_guard = net::make_work_guard(api_ioc);
  std::vector<std::thread> api_threads;
  for (int i = 0; i < 2; ++i) api_threads.emplace_back([&] { api_ioc.run(); });

  net::io_context client_ioc;
  std::vector<std::unique_ptr<Panel>> panels;
  const auto connect_started = Clock::now();
  for (int i = 0; i < sessions; ++i) {
    auto p = std::make_unique<Panel>(client_ioc);
    p->ws.next_layer().connect({net::ip::make_address("127.0.0.1"), *port});
    p->ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set(boost::beast::http::field::authorization, "Bearer bench-token-0123456789");
    }));
    p->ws.handshake("127.0.0.1", "/v1/ws?agent=a" + std::to_string(i));
    panels.push_back(std::move(p));
  }
  const double connect_s = std::chrono::duration<double>(Clock::now() - connect_started).count();
  for (auto& p : panels) p->read();
  auto client_guard = net::make_work_guard(client_ioc);
  std::thread client_thread([&] { client_ioc.run(); });
  while (hub->sessions() < static_cast<std::size_t>(sessions)) std::this_thread::yield();

  std::vector<double> us;
  for (int i = 0; i < sessions; ++i) {
    const nlohmann::json m = {{"type", "screen_pop"},
                              {"call", {{"call_id", "c" + std::to_string(i)}}}};
    const auto t0 = Clock::now();
    hub->pop(agents[i].extension, "c" + std::to_string(i), m);
    while (panels[i]->arrived.load() == 0) std::this_thread::yield();
    us.push_back(std::chrono::duration<double, std::micro>(
                     Clock::duration(panels[i]->arrived.load()) - t0.time_since_epoch())
                     .count());
  }
  std::printf(
      "fan-out with %d panels connected (%.2f s to connect): hub.pop -> panel p50=%.0f us p99=%.0f "
      "us\n",
      sessions, connect_s, percentile(us, 0.50), percentile(us, 0.99));
  server.stop();
  api_guard.reset();
  for (auto& t : api_threads) t.join();
  client_guard.reset();
  client_ioc.stop();
  client_thread.join();
  panels.clear();
  store.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const int calls = argc > 1 ? std::atoi(argv[1]) : 300;
  const int crm_ms = argc > 2 ? std::atoi(argv[2]) : 20;
  const int sessions = argc > 3 ? std::atoi(argv[3]) : 1000;
  std::printf("cores=%u calls=%d crm_ms=%d sessions=%d\n", std::thread::hardware_concurrency(),
              calls, crm_ms, sessions);
  pop_latency(calls, crm_ms);
  fan_out(sessions);
  return 0;
}
