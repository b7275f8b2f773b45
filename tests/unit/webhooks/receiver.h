#pragma once
// A real webhook receiver on 127.0.0.1 (cpp-httplib) that records what it gets
// and answers with whatever the test scripts.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cti::test {

struct Received {
  std::string path, body;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

struct Reply {
  int status = 200;
  httplib::Headers headers;
  std::string body = "ok";
};

class Receiver {
 public:
  using Script = std::function<Reply(const Received&, std::size_t nth)>;

  // port 0: any free port.
  explicit Receiver(int port = 0, Script script = {}) : script_(std::move(script)) {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      Received r{req.path, req.body, req.headers};
      Reply reply;
      {
        std::lock_guard lk(mu_);
        const auto nth = received_.size();
        received_.push_back(r);
        if (script_) reply = script_(r, nth);
      }
      cv_.notify_all();
      res.status = reply.status;
      for (const auto& [k, v] : reply.headers) res.set_header(k, v);
      res.set_content(reply.body, "text/plain");
    });
    if (port == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
    } else if (server_.bind_to_port("127.0.0.1", port)) {
      port_ = port;
    }
    if (port_ <= 0) throw std::runtime_error("receiver: cannot bind");
    // Bound and listening already: connections queue until the accept loop runs.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<Received> received() {
    std::lock_guard lk(mu_);
    return received_;
  }
  bool wait_for_count(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, timeout, [&] { return received_.size() >= n; });
  }
  void set_script(Script s) {
    std::lock_guard lk(mu_);
    script_ = std::move(s);
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> received_;
  Script script_;
};

// A loopback port with nothing listening (connection refused), found by
// binding port 0 and closing it again.
inline int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("unused_port: cannot bind");
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace cti::test
