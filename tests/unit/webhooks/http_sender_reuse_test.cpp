// The real cpp-httplib sender against a loopback server that closes a
// keep-alive connection the moment the next request arrives on it, as a
// server does when its idle timeout (httplib's and Node's: 5 s) races the
// reuse. A GET (or a POST search marked read_only) goes again on a new
// connection; any other POST comes back as a network error for the job's own
// retry, and a timeout is never doubled.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "webhooks/http_sender.h"

namespace {

// One connection at a time (the sender reuses one keep-alive connection per
// request here). `script(connection, request_on_it)` says what to do.
class ScriptedServer {
 public:
  enum class Act { Answer, Close, Hold };
  struct Seen {
    int connection, nth;
    std::string method;
  };

  explicit ScriptedServer(std::function<Act(int, int)> script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    if (const int fd = current_fd_.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  std::vector<Seen> seen() const {
    std::lock_guard lk(mu_);
    return seen_;
  }

 private:
  void serve() {
    for (int connection = 0; !stopping_; ++connection) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      current_fd_ = fd;
      std::string buffer;
      for (int nth = 0;; ++nth) {
        const auto method = read_request(fd, buffer);
        if (!method) break;
        {
          std::lock_guard lk(mu_);
          seen_.push_back({connection, nth, *method});
        }
        const Act act = script_(connection, nth);
        if (act == Act::Close) break;
        if (act == Act::Hold) {
          while (read_request(fd, buffer)) {
          }
          break;
        }
        const std::string answer =
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok";
        if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) break;
      }
      current_fd_ = -1;
      ::close(fd);
    }
  }

  // The next request's method, or nothing at end of stream.
  static std::optional<std::string> read_request(int fd, std::string& buffer) {
    for (;;) {
      if (const auto head_end = buffer.find("\r\n\r\n"); head_end != std::string::npos) {
        std::size_t body = 0;
        if (const auto cl = buffer.find("Content-Length: ");
            cl != std::string::npos && cl < head_end)
          body = std::stoul(buffer.substr(cl + 16));
        if (buffer.size() >= head_end + 4 + body) {
          std::string method = buffer.substr(0, buffer.find(' '));
          buffer.erase(0, head_end + 4 + body);
          return method;
        }
      }
      char chunk[4096];
      const auto n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  std::function<Act(int, int)> script_;
  int listen_fd_ = -1, port_ = 0;
  std::atomic<int> current_fd_{-1};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
};

// The second request on the first connection meets a closing server.
ScriptedServer::Act close_on_reuse(int connection, int nth) {
  return connection == 0 && nth == 1 ? ScriptedServer::Act::Close : ScriptedServer::Act::Answer;
}

cti::core::HttpRequest request(int port, std::string method) {
  cti::core::HttpRequest r;
  r.method = std::move(method);
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/Call";
  if (r.method == "POST") r.body = R"({"name":"call"})";
  return r;
}

constexpr std::chrono::seconds kTimeout{10};

TEST(HttpSenderReuse, AGetMeetingAClosedKeepAliveConnectionIsSentAgainOnANewOne) {
  ScriptedServer server(close_on_reuse);
  auto sender = cti::webhooks::make_httplib_sender();
  ASSERT_EQ(sender->send(request(server.port(), "GET"), kTimeout).status, 200);
  const auto second = sender->send(request(server.port(), "GET"), kTimeout);
  EXPECT_EQ(second.status, 200) << second.body;
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1].connection, 0);  // the reused one, closed on it
  EXPECT_EQ(seen[2].connection, 1);  // the same request on a new connection
  EXPECT_EQ(seen[2].method, "GET");
}

// The server may have acted on it before closing, and CRMs ignore an
// Idempotency-Key header: the job's next attempt decides (find_logged), not
// the transport.
TEST(HttpSenderReuse, APostIsNeverSentTwiceByTheTransportIdempotencyKeyOrNot) {
  for (const bool with_key : {false, true}) {
    SCOPED_TRACE(with_key ? "with Idempotency-Key" : "without");
    ScriptedServer server(close_on_reuse);
    auto sender = cti::webhooks::make_httplib_sender();
    ASSERT_EQ(sender->send(request(server.port(), "GET"), kTimeout).status, 200);
    auto post = request(server.port(), "POST");
    if (with_key) post.headers.emplace_back("Idempotency-Key", "espo:main-1795878809.0");
    const auto answer = sender->send(post, kTimeout);
    EXPECT_EQ(answer.status, 0);
    EXPECT_NE(answer.body.find("127.0.0.1"), std::string::npos) << answer.body;
    EXPECT_EQ(server.seen().size(), 2u);
    // The broken connection was not pooled: the next request opens a new one.
    EXPECT_EQ(sender->send(request(server.port(), "GET"), kTimeout).status, 200);
    ASSERT_EQ(server.seen().size(), 3u);
    EXPECT_EQ(server.seen()[2].connection, 1);
  }
}

// A search sent as POST (HubSpot's search API, Odoo's JSON-RPC) that its
// adapter marked read_only goes again like a GET.
TEST(HttpSenderReuse, AReadOnlyPostIsSentAgainOnANewConnection) {
  ScriptedServer server(close_on_reuse);
  auto sender = cti::webhooks::make_httplib_sender();
  ASSERT_EQ(sender->send(request(server.port(), "GET"), kTimeout).status, 200);
  auto search = request(server.port(), "POST");
  search.read_only = true;
  EXPECT_EQ(sender->send(search, kTimeout).status, 200);
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].connection, 1);
  EXPECT_EQ(seen[2].method, "POST");
}

TEST(HttpSenderReuse, ANewConnectionThatFailsIsNotRetried) {
  ScriptedServer server([](int, int) { return ScriptedServer::Act::Close; });
  auto sender = cti::webhooks::make_httplib_sender();
  EXPECT_EQ(sender->send(request(server.port(), "GET"), kTimeout).status, 0);
  EXPECT_EQ(server.seen().size(), 1u);
}

// A slow server is not a stale connection: resending would double the wait.
TEST(HttpSenderReuse, ATimeoutOnAReusedConnectionIsNotRetried) {
  ScriptedServer server([](int connection, int nth) {
    return connection == 0 && nth == 1 ? ScriptedServer::Act::Hold : ScriptedServer::Act::Answer;
  });
  auto sender = cti::webhooks::make_httplib_sender();
  ASSERT_EQ(sender->send(request(server.port(), "GET"), kTimeout).status, 200);
  EXPECT_EQ(sender->send(request(server.port(), "GET"), std::chrono::milliseconds(300)).status, 0);
  EXPECT_EQ(server.seen().size(), 2u);
}

}  // namespace
