// API costs: the pure router per request, and whole HTTP round trips on one
// keep-alive loopback connection (server io_context on its own thread).
#include <benchmark/benchmark.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "connector/api/auth.h"
#include "connector/api/router.h"
#include "connector/api/server.h"

namespace {

namespace http = boost::beast::http;
namespace net = boost::asio;
using cti::api::Backend;

const std::string token = "bench-token";

class BenchBackend final : public Backend {
 public:
  BenchBackend() {
    record_.call_id = "1795879455.42";
    record_.from = "+34600111222";
    record_.to = "1001";
    record_.agent = "1001";
    record_.agents = {"1001"};
    record_.started_at = *cti::core::parse_rfc3339("2026-11-28T15:13:29.778Z");
    record_.ended_at = record_.started_at + std::chrono::seconds(60);
    record_.disposition = cti::core::Disposition::Answered;
    record_.pbx = "main";
  }
  std::vector<cti::core::CallRecord> list_calls(std::optional<cti::core::Timestamp>,
                                                std::size_t limit) override {
    return std::vector<cti::core::CallRecord>(limit, record_);
  }
  std::optional<cti::core::CallRecord> get_call(const std::string& id) override {
    if (id != record_.call_id) return std::nullopt;
    return record_;
  }
  std::vector<cti::api::DeliveryView> list_deliveries(std::string_view, std::size_t) override {
    return {};
  }
  std::expected<void, std::string> replay_delivery(std::int64_t) override {
    return std::unexpected("not found");
  }
  std::string metrics_text() override { return {}; }
  nlohmann::json health() override { return {{"status", "ok"}}; }

 private:
  cti::core::CallRecord record_;
};

cti::api::Request make_request(const std::string& target, bool auth) {
  cti::api::Request req{http::verb::get, target, 11};
  if (auth) req.set(http::field::authorization, "Bearer " + token);
  return req;
}

void BM_RouterGetCall(benchmark::State& state) {
  cti::api::Router router(
      std::make_shared<BenchBackend>(),
      cti::api::TokenVerifier::from_hashes({cti::api::hash_token(token)}).value());
  const auto req = make_request("/v1/calls/1795879455.42", true);
  for (auto _ : state) benchmark::DoNotOptimize(router.handle(req));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouterGetCall);

void BM_RouterListCalls100(benchmark::State& state) {
  cti::api::Router router(
      std::make_shared<BenchBackend>(),
      cti::api::TokenVerifier::from_hashes({cti::api::hash_token(token)}).value());
  const auto req = make_request("/v1/calls?limit=100", true);
  for (auto _ : state) benchmark::DoNotOptimize(router.handle(req));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouterListCalls100);

void BM_RouterUnauthorized(benchmark::State& state) {
  cti::api::Router router(
      std::make_shared<BenchBackend>(),
      cti::api::TokenVerifier::from_hashes({cti::api::hash_token(token)}).value());
  const auto req = make_request("/v1/calls/1795879455.42", false);
  for (auto _ : state) benchmark::DoNotOptimize(router.handle(req));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouterUnauthorized);

void BM_HttpKeepAliveGetCall(benchmark::State& state) {
  net::io_context server_ioc;
  cti::api::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.token_hashes = {cti::api::hash_token(token)};
  cti::api::Server server(server_ioc, options, std::make_shared<BenchBackend>());
  const auto port = server.start();
  if (!port) {
    state.SkipWithError(port.error().c_str());
    return;
  }
  std::thread loop([&] { server_ioc.run(); });

  net::io_context client_ioc;
  net::ip::tcp::socket socket(client_ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), *port});
  boost::beast::flat_buffer buffer;
  auto req = make_request("/v1/calls/1795879455.42", true);
  req.set(http::field::host, "127.0.0.1");
  for (auto _ : state) {
    http::write(socket, req);
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    if (res.result_int() != 200) {
      state.SkipWithError("unexpected status");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  boost::system::error_code ec;
  socket.close(ec);
  server.stop();
  server_ioc.stop();
  loop.join();
}
BENCHMARK(BM_HttpKeepAliveGetCall)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
