#include "tests/integration/contract/prism_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

extern char** environ;

namespace cti::contract {
namespace {

constexpr std::string_view kReady = "Prism is listening";
constexpr std::size_t kOutputKeep = 16 * 1024;
constexpr int kPortAttempts = 3;

std::string bootstrap_hint() {
  return " (the contract tests need Node.js and the npm tools of tests/node: run "
         "scripts/bootstrap)";
}

// Free loopback ports, chosen by the kernel (bind to port 0). The sockets are
// held until all are chosen so that one call never returns a port twice;
// another process may still take one before Prism binds it: the caller
// retries on EADDRINUSE.
std::vector<unsigned short> free_ports(std::size_t n) {
  std::vector<int> fds;
  std::vector<unsigned short> ports;
  for (std::size_t i = 0; i < n; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ports.push_back(0);
    } else {
      ports.push_back(ntohs(addr.sin_port));
    }
    if (fd >= 0) fds.push_back(fd);
  }
  for (const int fd : fds) ::close(fd);
  return ports;
}

std::expected<std::filesystem::path, std::string> find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::unexpected(name + " not found on PATH");
}

}  // namespace

std::expected<PrismTool, std::string> PrismTool::find() {
  PrismTool tool;
  auto node = find_on_path("node");
  if (!node) return std::unexpected(node.error() + bootstrap_hint());
  tool.node = *node;
  // CTI_FIXTURES is <repo>/tests/fixtures (tests/CMakeLists.txt).
  tool.prism = std::filesystem::path(CTI_FIXTURES).parent_path() / "node" / "node_modules" /
               ".bin" / "prism";
  if (!std::filesystem::exists(tool.prism))
    return std::unexpected(tool.prism.string() + " does not exist" + bootstrap_hint());
  return tool;
}

PrismServer::PrismServer(std::filesystem::path spec, unsigned short port)
    : spec_(std::move(spec)), port_(port) {}

PrismServer::~PrismServer() { stop(); }

std::expected<std::unique_ptr<PrismServer>, std::string> PrismServer::start(
    const PrismTool& tool, const std::filesystem::path& spec, std::chrono::seconds timeout) {
  auto all = start_all(tool, {spec}, timeout);
  if (!all) return std::unexpected(all.error());
  return std::move(all->front());
}

std::expected<std::vector<std::unique_ptr<PrismServer>>, std::string> PrismServer::start_all(
    const PrismTool& tool, const std::vector<std::filesystem::path>& specs,
    std::chrono::seconds timeout) {
  std::vector<std::unique_ptr<PrismServer>> servers(specs.size());
  std::vector<std::size_t> pending(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) pending[i] = i;
  const auto deadline = std::chrono::steady_clock::now() + timeout;

  for (int attempt = 1; !pending.empty(); ++attempt) {
    const auto ports = free_ports(pending.size());
    for (std::size_t k = 0; k < pending.size(); ++k) {
      const std::size_t i = pending[k];
      if (!std::filesystem::exists(specs[i]))
        return std::unexpected("API description " + specs[i].string() + " does not exist");
      if (ports[k] == 0) return std::unexpected("cannot find a free loopback port");
      servers[i].reset(new PrismServer(specs[i], ports[k]));
      if (auto spawned = servers[i]->spawn(tool); !spawned) return std::unexpected(spawned.error());
    }
    std::vector<std::size_t> port_taken;
    for (const std::size_t i : pending) {
      auto ready = servers[i]->wait_ready(deadline);
      if (ready) continue;
      // Someone took the port between our probe and Prism's bind: new port.
      if (attempt < kPortAttempts &&
          servers[i]->output_tail().find("EADDRINUSE") != std::string::npos) {
        port_taken.push_back(i);
        servers[i].reset();
        continue;
      }
      return std::unexpected(ready.error());
    }
    pending = std::move(port_taken);
  }
  return servers;
}

std::expected<void, std::string> PrismServer::spawn(const PrismTool& tool) {
  // Everything the child needs is prepared before fork: between fork and
  // exec only async-signal-safe calls (the test binary has threads).
  const std::string port = std::to_string(port_);
  std::vector<std::string> argv_s = {tool.node.string(),
                                     tool.prism.string(),
                                     "mock",
                                     spec_.string(),
                                     "-h",
                                     "127.0.0.1",
                                     "-p",
                                     port};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0)
    return std::unexpected(std::string("pipe: ") + std::strerror(errno));
  const pid_t parent = ::getpid();
  spawned_at_ = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(out[0]);
    ::close(out[1]);
    return std::unexpected(std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    // Own process group: stop() signals the group, so nothing node starts
    // survives. SIGKILL when the test binary dies, even by a crash or an
    // abort that skips every destructor.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copy
    ::dup2(out[1], STDERR_FILENO);
    ::execve(argv[0], argv.data(), environ);
    ::_exit(127);
  }
  ::close(out[1]);
  pid_ = pid;
  out_fd_ = out[0];
  return {};
}

void PrismServer::append_output(const char* data, std::size_t size) {
  std::lock_guard lk(output_mu_);
  output_.append(data, size);
  // Bounded: the tail says why Prism failed to start, or what it did last.
  if (output_.size() > 2 * kOutputKeep) output_.erase(0, output_.size() - kOutputKeep);
}

std::string PrismServer::output_tail() const {
  std::lock_guard lk(output_mu_);
  return output_.size() <= kOutputKeep ? output_ : output_.substr(output_.size() - kOutputKeep);
}

std::expected<void, std::string> PrismServer::wait_ready(
    std::chrono::steady_clock::time_point deadline) {
  const std::string what = "Prism on " + spec_.filename().string() + " (pid " +
                           std::to_string(pid_) + ", port " + std::to_string(port_) + ")";
  // The readiness line may straddle two reads: search each chunk with the
  // end of the previous one (output_ itself is trimmed, so no offsets in it).
  std::string window;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      stop();
      return std::unexpected(what + " did not print \"" + std::string(kReady) +
                             "\" in time; its output:\n" + output_tail());
    }
    pollfd p{out_fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) continue;  // deadline check above
    char chunk[4096];
    const ssize_t n = ::read(out_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // EOF: Prism exited (bad spec, port taken...)
      stop();
      return std::unexpected(what + " exited before it was ready; its output:\n" + output_tail());
    }
    append_output(chunk, static_cast<std::size_t>(n));
    window.append(chunk, static_cast<std::size_t>(n));
    if (window.find(kReady) != std::string::npos) break;
    if (window.size() > kReady.size()) window.erase(0, window.size() - kReady.size());
  }
  startup_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - spawned_at_);
  drainer_ = std::thread([this] { drain(); });
  return {};
}

void PrismServer::drain() {
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(out_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EOF once Prism is gone
    append_output(chunk, static_cast<std::size_t>(n));
  }
}

void PrismServer::stop() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGTERM);
    // Wait without reaping (WNOWAIT): while the exited leader is an unreaped
    // zombie its pid, and so its process group id, cannot be reused, so the
    // group SIGKILL below can only reach what this Prism started.
    const auto grace = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
          info.si_pid != 0 || std::chrono::steady_clock::now() >= grace)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(-pid_, SIGKILL);  // the leader if still running, and anything left in its group
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (drainer_.joinable()) drainer_.join();  // EOF: every writer is gone
  if (out_fd_ >= 0) {
    ::close(out_fd_);
    out_fd_ = -1;
  }
}

}  // namespace cti::contract
