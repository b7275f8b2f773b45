#pragma once
// A small AMI server for the session tests: plain blocking sockets on
// 127.0.0.1 (ephemeral port) in its own thread. It answers Challenge, Login
// (plain or MD5, checking the credentials), Events, Status (one
// channel), Ping, Logoff and any other action, and records every action it
// receives so tests can wait on what the client did.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "connector/pbx/ami/frame_parser.h"
#include "connector/pbx/ami/md5.h"

namespace cti::pbx::ami::testing {

struct ReceivedAction {
  int connection = 0;  // 1-based connection number
  OwnedFrame frame;
  std::string action() const { return frame.get("Action"); }
};

class FakeAmiServer {
 public:
  struct Options {
    std::string username = "cti";
    std::string secret = "s3cret";
    std::string challenge = "617253901";
    bool answer_ping = true;
    std::set<std::string> unanswered;  // actions that get no reply
  };

  explicit FakeAmiServer(Options opt) : opt_(std::move(opt)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 8) != 0) {
      throw std::runtime_error("fake AMI server: bind/listen failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }

  ~FakeAmiServer() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    drop();
    thread_.join();
    ::close(listen_fd_);
  }

  std::uint16_t port() const { return port_; }

  // Server-side close of the current connection.
  void drop() {
    std::lock_guard lock(mu_);
    if (conn_fd_ >= 0) ::shutdown(conn_fd_, SHUT_RDWR);
  }

  // Sends raw bytes to the current client.
  void send(const std::string& bytes) {
    std::lock_guard lock(mu_);
    if (conn_fd_ >= 0) send_all(conn_fd_, bytes);
  }

  template <class Pred>
  bool wait(Pred pred, std::chrono::seconds timeout = std::chrono::seconds{20}) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(); });
  }

  // Accessors for use inside wait() predicates (mu_ held) or after.
  const std::vector<ReceivedAction>& actions() const { return actions_; }
  int connections() const { return connections_; }
  int successful_logins() const { return logins_ok_; }
  int failed_logins() const { return logins_failed_; }
  std::size_t count(const std::string& action) const {
    std::size_t n = 0;
    for (const auto& a : actions_) n += a.action() == action;
    return n;
  }
  std::vector<ReceivedAction> snapshot() {
    std::lock_guard lock(mu_);
    return actions_;
  }

 private:
  static void send_all(int fd, const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  }

  void run() {
    while (!stop_) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      // Small replies must not wait for the client's delayed ACK (Nagle).
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      {
        std::lock_guard lock(mu_);
        if (stop_) {
          ::close(fd);
          return;
        }
        conn_fd_ = fd;
        ++connections_;
        cv_.notify_all();
      }
      serve(fd);
      {
        std::lock_guard lock(mu_);
        conn_fd_ = -1;
        cv_.notify_all();
      }
      ::close(fd);
    }
  }

  void serve(int fd) {
    send(std::string{"Asterisk Call Manager/11.0.0\r\n"});
    FrameParser parser;
    char buf[4096];
    bool open = true;
    while (open) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      std::vector<OwnedFrame> got;
      parser.feed({buf, static_cast<std::size_t>(n)},
                  [&](const Frame& f) { got.push_back(to_owned(f)); });
      for (auto& f : got) open = handle(f) && open;
    }
    ::shutdown(fd, SHUT_RDWR);
  }

  // Returns false when the connection should close.
  bool handle(const OwnedFrame& f) {
    const std::string action = f.get("Action");
    const std::string id = f.get("ActionID");
    int conn;
    {
      std::lock_guard lock(mu_);
      conn = connections_;
      actions_.push_back({conn, f});
      cv_.notify_all();
    }
    if (opt_.unanswered.contains(action)) return true;
    auto reply = [&](const std::string& body) {
      send("Response: " + body.substr(0, body.find("\r\n")) + "\r\nActionID: " + id + "\r\n" +
           body.substr(body.find("\r\n") + 2) + "\r\n");
    };
    if (action == "Challenge") {
      reply("Success\r\nChallenge: " + opt_.challenge + "\r\n");
    } else if (action == "Login") {
      bool ok = f.get("Username") == opt_.username;
      if (f.get("AuthType") == "MD5") {
        ok = ok && f.get("Key") == md5_hex(opt_.challenge + opt_.secret);
      } else {
        ok = ok && f.get("Secret") == opt_.secret;
      }
      {
        std::lock_guard lock(mu_);
        (ok ? logins_ok_ : logins_failed_)++;
        cv_.notify_all();
      }
      reply(ok ? "Success\r\nMessage: Authentication accepted\r\n"
               : "Error\r\nMessage: Authentication failed\r\n");
    } else if (action == "Events") {
      reply("Success\r\nEvents: On\r\n");
    } else if (action == "Status") {
      reply("Success\r\nEventList: start\r\nMessage: Channel status will follow\r\n");
      send("Event: Status\r\nActionID: " + id +
           "\r\nChannel: PJSIP/1001-0000002a\r\nUniqueid: 1795878809.2\r\n"
           "Linkedid: 1795878809.0\r\nChannelState: 6\r\nSeconds: 12\r\n"
           "Variable: CTI_CALL_ID=\r\n\r\n"
           "Event: StatusComplete\r\nActionID: " +
           id + "\r\nEventList: Complete\r\nListItems: 1\r\nItems: 1\r\n\r\n");
    } else if (action == "Ping") {
      if (opt_.answer_ping) reply("Success\r\nPing: Pong\r\nTimestamp: 1795878809.000000\r\n");
    } else if (action == "Logoff") {
      reply("Goodbye\r\nMessage: Thanks for all the fish.\r\n");
      return false;
    } else {
      reply("Success\r\nMessage: " + action + " done\r\n");
    }
    return true;
  }

  Options opt_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  int conn_fd_ = -1;
  int connections_ = 0, logins_ok_ = 0, logins_failed_ = 0;
  std::vector<ReceivedAction> actions_;
};

}  // namespace cti::pbx::ami::testing
