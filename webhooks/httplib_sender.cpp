#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "webhooks/http_sender.h"

namespace cti::webhooks {
namespace {

struct SplitUrl {
  std::string origin;  // scheme://host[:port]
  std::string path;    // /path?query, at least "/"
};

std::optional<SplitUrl> split_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const auto scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const auto path_start = url.find_first_of("/?#", scheme_end + 3);
  SplitUrl out;
  out.origin = url.substr(0, path_start);
  out.path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (out.path.front() != '/') out.path = std::string("/").append(out.path);
  if (const auto hash = out.path.find('#'); hash != std::string::npos) out.path.resize(hash);
  if (out.origin.size() <= scheme_end + 3) return std::nullopt;
  return out;
}

bool has_header(const httplib::Headers& h, const char* name) { return h.find(name) != h.end(); }

// RFC 9110 9.2.2: a request with an idempotent method may be sent again
// after a connection failure, and so may a search sent as POST that the
// adapter marked read_only. Never another POST, even with an
// Idempotency-Key: the CRMs we post to ignore that header, and the server
// may have acted on the request before the connection broke. The job's next
// attempt decides for those (find_logged), not the transport.
bool safe_to_resend(const core::HttpRequest& request) {
  if (request.read_only) return true;
  for (const char* method : {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
    if (request.method == method) return true;
  return false;
}

class HttplibSender final : public HttpSender {
 public:
  explicit HttplibSender(std::string ca_file) : ca_file_(std::move(ca_file)) {}
  core::HttpResponse send(const core::HttpRequest& request,
                          std::chrono::milliseconds timeout) override {
    const auto url = split_url(request.url);
    if (!url) return {0, {}, "unsupported or malformed URL: " + request.url};

    httplib::Request req;
    req.method = request.method;
    req.path = url->path;
    for (const auto& [k, v] : request.headers) req.headers.emplace(k, v);
    if (!has_header(req.headers, "Content-Type") && !request.body.empty())
      req.headers.emplace("Content-Type", request.content_type);
    req.body = request.body;

    auto [client, reused] = acquire(url->origin, timeout);
    if (!client->is_valid()) return {0, {}, "cannot create HTTP client for " + url->origin};
    const auto started = std::chrono::steady_clock::now();
    auto result = client->send(req);
    if (!result && reused && safe_to_resend(request) &&
        std::chrono::steady_clock::now() - started < timeout / 2) {
      // The server closed the idle connection as we reused it (its keep-alive
      // timeout, often 5 s, racing our request): the request never reached
      // it or cannot have changed anything, so send it once more on a new
      // connection instead of failing the job's attempt. A timeout is not
      // this case and is not resent (it would double the wait).
      client = connect(url->origin, timeout);
      result = client->send(req);
    }
    if (!result) {
      // The connection may be half-dead: do not put this client back.
      return {0, {}, httplib::to_string(result.error()) + " (" + url->origin + ")"};
    }
    core::HttpResponse out;
    out.status = result->status;
    for (const auto& [k, v] : result->headers) out.headers.emplace_back(k, v);
    out.body = std::move(result->body);
    release(url->origin, std::move(client));
    return out;
  }

 private:
  static constexpr std::size_t kMaxIdlePerOrigin = 16;

  // A pooled idle connection (reused = true) or a new one.
  std::pair<std::unique_ptr<httplib::Client>, bool> acquire(const std::string& origin,
                                                            std::chrono::milliseconds timeout) {
    {
      std::lock_guard lk(mu_);
      auto& idle = idle_[origin];
      if (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        c->set_connection_timeout(timeout);
        c->set_read_timeout(timeout);
        c->set_write_timeout(timeout);
        return {std::move(c), true};
      }
    }
    return {connect(origin, timeout), false};
  }

  std::unique_ptr<httplib::Client> connect(const std::string& origin,
                                           std::chrono::milliseconds timeout) const {
    auto c = std::make_unique<httplib::Client>(origin);
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);
    c->set_connection_timeout(timeout);
    c->set_read_timeout(timeout);
    c->set_write_timeout(timeout);
    c->enable_server_certificate_verification(true);  // explicit: never send to an unverified peer
    if (!ca_file_.empty())
      c->set_ca_cert_path(ca_file_);  // a private CA instead of the system store
    return c;
  }

  void release(const std::string& origin, std::unique_ptr<httplib::Client> c) {
    std::lock_guard lk(mu_);
    auto& idle = idle_[origin];
    if (idle.size() < kMaxIdlePerOrigin) idle.push_back(std::move(c));
  }

  std::string ca_file_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<httplib::Client>>> idle_;
};

}  // namespace

std::unique_ptr<HttpSender> make_httplib_sender(std::string ca_file) {
  return std::make_unique<HttplibSender>(std::move(ca_file));
}

}  // namespace cti::webhooks
