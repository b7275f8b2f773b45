#pragma once
// One Stoplight Prism mock server (npm @stoplight/prism-cli) serving one API
// description, as a child process of the test: `node <repo>/tests/node/
// node_modules/.bin/prism mock SPEC -h 127.0.0.1 -p PORT`.
//
// Why not tools::ChildProcess: readiness is a line on Prism's stdout, so we
// need a pipe (it only redirects to files), and a crashed test binary must not
// leave a node process behind (PR_SET_PDEATHSIG needs fork, not posix_spawn).
#include <sys/types.h>

#include <chrono>
#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cti::contract {

// Where the test finds node and Prism. A missing one is an error that says
// to run scripts/bootstrap (the contract tests fail, never skip).
struct PrismTool {
  std::filesystem::path node;   // node on PATH
  std::filesystem::path prism;  // <repo>/tests/node/node_modules/.bin/prism
  static std::expected<PrismTool, std::string> find();
};

class PrismServer {
 public:
  // Starts Prism on a free loopback port. Returns once it printed "Prism is
  // listening", or an error (with its output) if it exited or did not get
  // ready within `timeout`. Use start_all() to start several at once.
  static std::expected<std::unique_ptr<PrismServer>, std::string> start(
      const PrismTool& tool, const std::filesystem::path& spec, std::chrono::seconds timeout);
  // Starts every spec concurrently (Prism takes seconds of CPU to read a
  // large description), then waits for each. All or nothing: on any error
  // the ones already started are stopped.
  static std::expected<std::vector<std::unique_ptr<PrismServer>>, std::string> start_all(
      const PrismTool& tool, const std::vector<std::filesystem::path>& specs,
      std::chrono::seconds timeout);

  // Stops the process group (SIGTERM, SIGKILL after a grace period).
  ~PrismServer();
  PrismServer(const PrismServer&) = delete;
  PrismServer& operator=(const PrismServer&) = delete;

  const std::filesystem::path& spec() const { return spec_; }
  unsigned short port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }
  // From spawn to reading the readiness line (servers started together are
  // waited for in turn: an upper bound for all but the first).
  std::chrono::milliseconds startup_time() const { return startup_time_; }
  // The last few KiB Prism printed (its request log): for failure messages.
  std::string output_tail() const;

 private:
  PrismServer(std::filesystem::path spec, unsigned short port);
  std::expected<void, std::string> spawn(const PrismTool& tool);
  // Reads stdout until the readiness line; an error with Prism's output if it
  // exited or the deadline passed (then it is stopped).
  std::expected<void, std::string> wait_ready(std::chrono::steady_clock::time_point deadline);
  void append_output(const char* data, std::size_t size);
  void drain();  // keeps reading so a full pipe never blocks Prism
  void stop();

  std::filesystem::path spec_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::chrono::steady_clock::time_point spawned_at_;
  std::chrono::milliseconds startup_time_{};
  mutable std::mutex output_mu_;
  std::string output_;
  std::thread drainer_;
};

}  // namespace cti::contract
