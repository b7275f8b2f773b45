#pragma once
// CallTracker: PBX channels -> customer calls. Pure and single-threaded: feed
// it normalized PbxEvents in PBX order and it emits ordered CallEvents and,
// when a call is over, exactly one CallRecord. See docs/call-model.md.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "connector/core/call_event.h"
#include "connector/core/call_record.h"
#include "connector/core/pbx_event.h"

namespace cti::core {

struct TrackerConfig {
  std::string pbx = "main";                   // source name written in records
  std::map<std::string, std::string> agents;  // extension -> agent id
  std::string default_region = "ES";
  int max_extension_digits = 6;
  // Dialplan contexts where phones place calls: a Local channel that starts a
  // call there is the phone of the agent named by its caller id (not of the
  // extension it dials).
  std::vector<std::string> internal_contexts{"internal", "from-internal"};
  std::string link_variable{kCallIdVariable};  // set on click-to-call originates
  // For calls adopted after a reconnect or restart: the last seq already
  // emitted for that call id (0 if none), so seq keeps increasing and event
  // ids stay unique. Empty = 0.
  std::function<std::uint64_t(const std::string& call_id)> last_seq;
  // For the same adopted calls: the record the store already holds (the
  // last snapshot sent), so times, agents, queue and transfers carry on
  // instead of being guessed from the channel list. Empty = guess.
  std::function<std::optional<CallRecord>(const std::string& call_id)> stored_call;
};

struct TrackerOutput {
  std::vector<CallEvent> events;    // in emission order
  std::vector<CallRecord> records;  // final records of calls that ended
  void clear() {
    events.clear();
    records.clear();
  }
};

struct TrackerStats {
  std::uint64_t events = 0;
  std::uint64_t unknown_channel_events = 0;  // events for channels never seen
  std::uint64_t events_after_hangup = 0;     // late events for channels just hung up
  std::uint64_t calls_started = 0;
  std::uint64_t calls_ended = 0;
  std::uint64_t calls_closed_by_resync = 0;  // ended while we were disconnected
  std::uint64_t late_call_id_links = 0;      // link variable seen after events went out
  std::uint64_t repeated_call_ids = 0;       // a second call wanted an id already used
};

class CallTracker {
 public:
  explicit CallTracker(TrackerConfig config);
  ~CallTracker();
  CallTracker(CallTracker&&) noexcept;
  CallTracker& operator=(CallTracker&&) noexcept;

  void on_event(const PbxEvent& event, TrackerOutput& out);
  // Bit i set when on_event uses events of PbxEventKind i; mappers may skip
  // the others (they would be ignored here anyway).
  static std::uint64_t consumed_kinds();

  // Call after (re)connecting, before the PBX's channel list arrives: channels
  // not listed by the following ResyncComplete are closed as incomplete.
  void begin_resync();

  std::size_t active_calls() const;
  std::size_t active_channels() const;
  // Current state of live calls (ended_at empty), e.g. for the end of a replay.
  std::vector<CallRecord> live_calls() const;
  const TrackerStats& stats() const;
  // Empty when the internal state is consistent: every channel belongs to
  // exactly one live call and each call's live-channel count matches. For
  // property tests and fuzzing (O(channels)).
  std::string check_consistency() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cti::core
