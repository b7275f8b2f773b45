#pragma once
// Who is watching which agent: the browser sessions (WebSocket) of each
// agent, and the agent's live pop-ups, so a session that (re)connects starts
// from the current state instead of an empty screen. Thread-safe: the
// screen-pop service publishes from the event loop, sessions attach and
// detach from the API threads.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace cti::api {

// A connected browser session. send() must not block: it queues (bounded)
// and writes on the session's own strand.
class AgentSink {
 public:
  virtual ~AgentSink() = default;
  virtual void send(std::shared_ptr<const std::string> text) = 0;
  virtual void close() = 0;  // server stopping
};

class AgentHub {
 public:
  // Registers `sink` for the agent's extension and returns the hello
  // message: {type:"hello", agent, extension, popups:[...]} as text.
  std::string attach(const std::string& agent_id, const std::string& extension,
                     const std::shared_ptr<AgentSink>& sink);
  void detach(const std::string& extension, const AgentSink* sink);

  // A screen_pop for a call ringing at `extension`: kept as that agent's live
  // pop-up (replacing an earlier one for the call) and sent to its sessions.
  void pop(const std::string& extension, const std::string& call_id, nlohmann::json message);
  // A call_update: updates the kept pop-up's call; `closes` (ringing stopped,
  // ended) removes it. Sent to the agent's sessions.
  void update(const std::string& extension, const std::string& call_id, nlohmann::json message,
              bool closes);

  std::size_t sessions() const;
  std::size_t live_popups(const std::string& extension) const;
  // Closes every session (server stop).
  void close_all();

 private:
  void send_locked(const std::string& extension, const nlohmann::json& message);

  mutable std::mutex mu_;
  std::map<std::string, std::set<std::shared_ptr<AgentSink>>> sinks_;    // by extension
  std::map<std::string, std::map<std::string, nlohmann::json>> popups_;  // extension -> call
};

}  // namespace cti::api
