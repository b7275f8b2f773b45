#pragma once
// Test-side helpers for the tool tests: a temporary directory, a blocking AMI
// client with a receive timeout (a test must fail, not hang), and an
// independent reading of a capture file to compute expectations.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tools/support/child_process.h"

namespace cti::tools::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cti-tools-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Runs argv to completion (stdout to dir/out, stderr to dir/err) and returns
// its exit code, or -1 if it could not start, did not exit within a minute
// or was killed by a signal.
inline int run_to_exit(const std::vector<std::string>& argv, const std::filesystem::path& dir) {
  auto child =
      cti::tools::ChildProcess::spawn(argv, (dir / "out").string(), (dir / "err").string());
  EXPECT_TRUE(child.has_value());
  if (!child) return -1;
  auto status = child->wait_for_exit(std::chrono::seconds(60));
  EXPECT_TRUE(status.has_value());
  return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One AMI frame as the test sees it.
struct Frame {
  std::string raw;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string get(const std::string& key) const {
    for (const auto& [k, v] : headers)
      if (k == key) return v;
    return {};
  }
  std::string first_key() const { return headers.empty() ? std::string() : headers[0].first; }
};

inline Frame make_frame(std::string raw) {
  Frame f;
  std::istringstream in(raw);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto colon = line.find(": ");
    if (colon == std::string::npos)
      f.headers.emplace_back(line, "");
    else
      f.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  f.raw = std::move(raw);
  return f;
}

// The frames a new client should be sent from a capture: everything after the
// banner line except the responses to the recording client's own actions.
inline std::vector<Frame> capture_event_frames(const std::filesystem::path& p) {
  std::string data = read_file(p);
  std::vector<Frame> out;
  std::size_t pos = data.find("\r\n") + 2;  // the recorded banner line
  for (;;) {
    auto end = data.find("\r\n\r\n", pos);
    if (end == std::string::npos) break;
    Frame f = make_frame(data.substr(pos, end + 4 - pos));
    pos = end + 4;
    if (f.first_key() != "Response") out.push_back(std::move(f));
  }
  return out;
}

class AmiClient {
 public:
  explicit AmiClient(unsigned short port, int timeout_s = 30) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_s, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~AmiClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  AmiClient(const AmiClient&) = delete;
  AmiClient& operator=(const AmiClient&) = delete;

  bool connected() const { return connected_; }

  bool send(const std::string& text) {
    std::size_t sent = 0;
    while (sent < text.size()) {
      ssize_t n = ::send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // The banner: one line without the blank-line terminator.
  std::optional<std::string> read_line() {
    for (;;) {
      if (auto eol = buf_.find("\r\n"); eol != std::string::npos) {
        std::string line = buf_.substr(0, eol);
        buf_.erase(0, eol + 2);
        return line;
      }
      if (!fill()) return std::nullopt;
    }
  }

  // nullopt on EOF or timeout.
  std::optional<Frame> read_frame() {
    for (;;) {
      if (auto end = buf_.find("\r\n\r\n"); end != std::string::npos) {
        std::string raw = buf_.substr(0, end + 4);
        buf_.erase(0, end + 4);
        return make_frame(std::move(raw));
      }
      if (!fill()) return std::nullopt;
    }
  }

  // Reads until a frame with `key: value` arrives; the skipped frames are
  // appended to `seen` when given.
  std::optional<Frame> read_until(const std::string& key, const std::string& value,
                                  std::vector<Frame>* seen = nullptr) {
    while (auto f = read_frame()) {
      if (f->get(key) == value) return f;
      if (seen) seen->push_back(std::move(*f));
    }
    return std::nullopt;
  }

  bool eof_seen() const { return eof_; }

 private:
  bool fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = n == 0;
      return false;
    }
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string buf_;
};

}  // namespace cti::tools::test
