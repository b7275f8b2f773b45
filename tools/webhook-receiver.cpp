// webhook-receiver: a local HTTP endpoint for the connector's signed webhooks.
// Verifies X-Signature and Idempotency-Key, de-duplicates, prints one line per
// event, and can fail on purpose to exercise the sender's retries. Used by the
// demo and the integration tests; see tools/README.md.
#include <httplib.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "tools/support/tool_util.h"
#include "tools/support/webhook_signature.h"

namespace {

struct Options {
  std::string listen = "127.0.0.1:19000";
  std::string secret;
  std::string path = "/hook";
  unsigned fail_first = 0;
  int fail_status = 503;
  int retry_after = -1;  // -1: no Retry-After header
  std::string record;
  std::string port_file;
  bool quiet = false;
};

struct Stats {
  std::uint64_t requests = 0;
  std::uint64_t received = 0;  // distinct deliveries accepted (and recorded)
  std::uint64_t duplicates = 0;
  std::uint64_t bad_signatures = 0;
  std::uint64_t missing_key = 0;
  std::uint64_t injected_failures = 0;
};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "call.ringing  main-1795878809.0 seq=1 agent=1001"
std::string summarize(const nlohmann::json& body) {
  if (!body.is_object()) return "(non-JSON body)";
  auto str = [](const nlohmann::json& j, const char* key) -> std::string {
    if (!j.is_object() || !j.contains(key)) return {};
    const auto& v = j[key];
    return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
  };
  const nlohmann::json empty = nlohmann::json::object();
  const auto& call = body.contains("call") && body["call"].is_object() ? body["call"] : empty;
  std::string type = str(body, "type");
  std::string call_id = str(call, "call_id");
  if (call_id.empty()) call_id = str(body, "call_id");
  char head[256];
  std::snprintf(head, sizeof head, "%-13s %s", type.empty() ? "(untyped)" : type.c_str(),
                call_id.c_str());
  std::string line = head;
  if (auto seq = str(body, "seq"); !seq.empty()) line += " seq=" + seq;
  // The event's own agent (the one rung/answering) first, else the call's.
  std::string agent = str(body, "agent");
  if (agent.empty()) agent = str(call, "agent");
  if (!agent.empty()) line += " agent=" + agent;
  if (type == "call.ended") {
    if (auto d = str(call, "disposition"); !d.empty()) line += " disposition=" + d;
  }
  return line;
}

class Receiver {
 public:
  explicit Receiver(const Options& opt) : opt_(opt) {}

  void hook(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    ++stats_.requests;
    auto check = cti::tools::verify_signature(req.get_header_value("X-Signature"), opt_.secret,
                                              req.body, unix_now());
    if (check != cti::tools::SignatureCheck::Ok) {
      ++stats_.bad_signatures;
      std::fprintf(stderr, "webhook-receiver: 401 %s\n", cti::tools::to_string(check));
      res.status = 401;
      res.set_content(R"({"error":"bad signature"})", "application/json");
      return;
    }
    std::string key = req.get_header_value("Idempotency-Key");
    if (key.empty()) {
      ++stats_.missing_key;
      std::fprintf(stderr, "webhook-receiver: 400 missing Idempotency-Key\n");
      res.status = 400;
      res.set_content(R"({"error":"Idempotency-Key required"})", "application/json");
      return;
    }
    if (stats_.injected_failures < opt_.fail_first) {
      ++stats_.injected_failures;
      std::fprintf(stderr, "webhook-receiver: injected %d (%llu of %u) for %s\n", opt_.fail_status,
                   static_cast<unsigned long long>(stats_.injected_failures), opt_.fail_first,
                   key.c_str());
      res.status = opt_.fail_status;
      if (opt_.retry_after >= 0) res.set_header("Retry-After", std::to_string(opt_.retry_after));
      res.set_content(R"({"error":"injected failure"})", "application/json");
      return;
    }
    if (!seen_.insert(key).second) {
      ++stats_.duplicates;
      if (!opt_.quiet) std::printf("duplicate      %s\n", key.c_str());
      std::fflush(stdout);
      res.status = 200;
      res.set_content(R"({"duplicate":true})", "application/json");
      return;
    }
    ++stats_.received;
    auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (!opt_.record.empty()) {
      nlohmann::json line = {{"idempotency_key", key},
                             {"signature_ok", true},
                             {"body", body.is_discarded() ? nlohmann::json(req.body) : body}};
      std::ofstream out(opt_.record, std::ios::app);
      out << line.dump() << "\n";
    }
    if (!opt_.quiet) {
      std::printf("%s\n", summarize(body.is_discarded() ? nlohmann::json() : body).c_str());
      std::fflush(stdout);
    }
    res.status = 200;
    res.set_content(R"({"ok":true})", "application/json");
  }

  std::string stats_json() {
    std::lock_guard lock(mu_);
    return nlohmann::json{
        {"requests", stats_.requests},       {"received", stats_.received},
        {"duplicates", stats_.duplicates},   {"bad_signatures", stats_.bad_signatures},
        {"missing_key", stats_.missing_key}, {"injected_failures", stats_.injected_failures}}
        .dump();
  }

 private:
  const Options& opt_;
  std::mutex mu_;  // cpp-httplib runs handlers on a thread pool
  Stats stats_;
  std::set<std::string> seen_;
};

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"Local receiver for signed webhooks"};
  app.add_option("--listen", opt.listen, "host:port (port 0 = any free port)")
      ->capture_default_str();
  app.add_option("--secret", opt.secret, "HMAC secret")->required()->envname("WEBHOOK_SECRET");
  app.add_option("--path", opt.path, "path that receives the POSTs")->capture_default_str();
  app.add_option("--fail-first", opt.fail_first,
                 "answer the first N signed requests with an error");
  app.add_option("--fail-status", opt.fail_status, "status of the injected failures")
      ->check(CLI::Range(400, 599))
      ->capture_default_str();
  app.add_option("--retry-after", opt.retry_after, "Retry-After seconds on injected failures");
  app.add_option("--record", opt.record, "append each accepted delivery as a JSON line");
  app.add_option("--port-file", opt.port_file, "write the bound port to this file");
  app.add_flag("--quiet", opt.quiet, "do not print deliveries to stdout");
  CLI11_PARSE(app, argc, argv);

  auto listen = cti::tools::parse_listen(opt.listen);
  if (!listen) {
    std::fprintf(stderr, "webhook-receiver: bad --listen '%s'\n", opt.listen.c_str());
    return 2;
  }

  // Block the stop signals before httplib starts its threads; one thread
  // waits for them and stops the server so in-flight requests finish.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Receiver receiver(opt);
  httplib::Server server;
  server.Post(".*", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.path != opt.path) {
      res.status = 404;
      return;
    }
    receiver.hook(req, res);
  });
  server.Get("/stats", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(receiver.stats_json(), "application/json");
  });

  int port = listen->port == 0
                 ? server.bind_to_any_port(listen->host)
                 : (server.bind_to_port(listen->host, listen->port) ? listen->port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "webhook-receiver: cannot listen on %s\n", opt.listen.c_str());
    return 2;
  }
  if (!opt.port_file.empty() &&
      !cti::tools::write_port_file(opt.port_file, static_cast<unsigned short>(port))) {
    std::fprintf(stderr, "webhook-receiver: cannot write --port-file %s\n", opt.port_file.c_str());
    return 2;
  }
  std::fprintf(stderr, "webhook-receiver: listening on http://%s:%d%s\n", listen->host.c_str(),
               port, opt.path.c_str());

  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::fprintf(stderr, "webhook-receiver: signal %d: stopping\n", sig);
    server.stop();
  });
  bool ok = server.listen_after_bind();
  // listen_after_bind only returns after stop() (or a failure); unblock the
  // waiter in the failure case so join() cannot hang.
  if (!ok) kill(getpid(), SIGTERM);
  signal_waiter.join();
  return ok ? 0 : 1;
}
