#pragma once
// Randomized generator of PBX event streams for property tests, the soak
// test and the tracker benchmark: many calls at once, each one of the real
// patterns (direct, queue ringall answered / abandoned / timed out to
// voicemail, blind and attended transfer, consultation not answered, pickup,
// outbound, internal), written as Asterisk reports them (the same event
// order as the recorded captures in tests/fixtures/ami), interleaved at
// random. Each call carries the records the tracker must produce for it.
//
// Header-only: tests and bench/ include it.
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "connector/core/call_record.h"
#include "connector/core/pbx_event.h"
#include "tests/support/pbx_events.h"

namespace cti::scenarios {

enum class Scenario : std::uint8_t {
  DirectAnswered,
  DirectNoAnswer,
  DirectBusy,
  QueueAnswered,
  QueueAbandoned,
  QueueTimeoutVoicemail,
  BlindTransfer,
  AttendedTransfer,
  ConsultationUnanswered,
  Pickup,
  Outbound,
  Internal,
  kCount
};

struct ExpectedRecord {
  std::string call_id;
  core::Direction direction = core::Direction::Inbound;
  core::Disposition disposition = core::Disposition::Answered;
  std::string agent;
  std::vector<std::string> agents;
  std::string queue;
  std::vector<std::string> transfers;  // "type:from:to"
  std::string parent_call_id;
  bool operator==(const ExpectedRecord&) const = default;
};

// The same fields read from a record the tracker produced.
inline ExpectedRecord observed(const core::CallRecord& r) {
  ExpectedRecord e;
  e.call_id = r.call_id;
  e.direction = r.direction;
  e.disposition = r.disposition.value_or(core::Disposition::Missed);
  e.agent = r.agent;
  e.agents = r.agents;
  e.queue = r.queue;
  for (const auto& t : r.transfers) e.transfers.push_back(t.type + ":" + t.from_agent + ":" + t.to);
  e.parent_call_id = r.parent_call_id;
  return e;
}

struct ScriptedCall {
  Scenario scenario{};
  std::vector<core::PbxEvent> events;  // in PBX order; times set when emitted
  std::vector<ExpectedRecord> expected;
  std::size_t next = 0;
};

class ScenarioGenerator {
 public:
  explicit ScenarioGenerator(std::uint64_t seed, int agents = 50) : rng_(seed), agents_(agents) {}

  // The agent extensions the generated calls use: 1001..1000+agents.
  std::vector<std::string> agent_extensions() const {
    std::vector<std::string> out;
    for (int i = 1; i <= agents_; ++i) out.push_back(std::to_string(1000 + i));
    return out;
  }

  ScriptedCall make(Scenario s) {
    ScriptedCall call;
    call.scenario = s;
    const std::string L = std::to_string(++call_no_) + ".0";  // Linkedid of the call
    uid_ = 0;
    const std::string id = "main-" + L;
    auto agents = distinct_agents(3);
    const std::string A = agents[0], B = agents[1], C = agents[2];
    auto& ev = call.events;
    ExpectedRecord rec;
    rec.call_id = id;
    rec.disposition = core::Disposition::Answered;
    switch (s) {
      case Scenario::DirectAnswered:
      case Scenario::DirectNoAnswer:
      case Scenario::DirectBusy: {
        auto trunk = inbound_trunk(L, ev);
        auto dev = device(A, L, ev);
        ev.push_back(dial_begin(trunk, dev));
        if (s == Scenario::DirectBusy) {
          ev.push_back(state(dev, 7));
          ev.push_back(dial_end(trunk, dev, "BUSY"));
          ev.push_back(hangup(dev, 17));
          ev.push_back(hangup(trunk, 17));
          rec.disposition = core::Disposition::Busy;
          break;
        }
        ev.push_back(state(dev, 5));
        if (s == Scenario::DirectNoAnswer) {
          ev.push_back(dial_end(trunk, dev, "NOANSWER"));
          ev.push_back(hangup(dev, 19));
          ev.push_back(hangup(trunk, 16));
          rec.disposition = core::Disposition::Missed;
          break;
        }
        ev.push_back(state(dev, 6));
        ev.push_back(dial_end(trunk, dev, "ANSWER"));
        ev.push_back(hangup(dev, 16));
        ev.push_back(hangup(trunk, 16));
        rec.agent = A;
        rec.agents = {A};
        break;
      }
      case Scenario::QueueAnswered:
      case Scenario::QueueAbandoned:
      case Scenario::QueueTimeoutVoicemail: {
        auto trunk = inbound_trunk(L, ev);
        ev.push_back(state(trunk, 6));  // Answer() before Queue()
        rec.queue = queue_names_[pick(queue_names_.size())];
        ev.push_back(queue_event(core::PbxEventKind::QueueCallerJoin, trunk, rec.queue));
        const std::size_t n = s == Scenario::QueueTimeoutVoicemail ? 1 : 2 + pick(2);
        std::vector<std::pair<core::ChannelInfo, core::ChannelInfo>> members;
        for (std::size_t i = 0; i < n; ++i) {
          members.push_back(local_pair(agents[i], "agents", L, ev));
          ev.push_back(dial_begin(trunk, members.back().first));
        }
        for (auto& m : members) ev.push_back(state(m.first, 5));
        if (s == Scenario::QueueAnswered) {
          const std::size_t w = pick(n);
          ev.push_back(state(members[w].second, 6));
          ev.push_back(state(members[w].first, 6));
          ev.push_back(dial_end(trunk, members[w].first, "ANSWER"));
          for (std::size_t i = 0; i < n; ++i)
            if (i != w) {
              ev.push_back(dial_end(trunk, members[i].first, "CANCEL"));
              ev.push_back(hangup(members[i].second, 26));
              ev.push_back(hangup(members[i].first, 26));
            }
          ev.push_back(queue_event(core::PbxEventKind::QueueCallerLeave, trunk, rec.queue));
          ev.push_back(hangup(trunk, 16));
          ev.push_back(hangup(members[w].first, 16));
          ev.push_back(hangup(members[w].second, 16));
          rec.agent = agents[w];
          rec.agents = {agents[w]};
        } else if (s == Scenario::QueueAbandoned) {
          // app_queue notices the caller hung up before the channel goes.
          ev.push_back(queue_event(core::PbxEventKind::QueueCallerAbandon, trunk, rec.queue));
          ev.push_back(queue_event(core::PbxEventKind::QueueCallerLeave, trunk, rec.queue));
          for (auto& m : members) {
            ev.push_back(dial_end(trunk, m.first, "CANCEL"));
            ev.push_back(hangup(m.second, 0));
            ev.push_back(hangup(m.first, 0));
          }
          ev.push_back(hangup(trunk, 16));
          rec.disposition = core::Disposition::Abandoned;
        } else {
          auto timeout = queue_event(core::PbxEventKind::AgentRingNoAnswer, trunk, rec.queue);
          timeout.peer = members[0].first;
          ev.push_back(timeout);
          ev.push_back(dial_end(trunk, members[0].first, "NOANSWER"));
          ev.push_back(hangup(members[0].second, 19));
          ev.push_back(hangup(members[0].first, 19));
          ev.push_back(queue_event(core::PbxEventKind::QueueCallerLeave, trunk, rec.queue));
          core::PbxEvent vm = base(core::PbxEventKind::ApplicationStarted, trunk);
          vm.text = "VoiceMail";
          ev.push_back(vm);
          ev.push_back(hangup(trunk, 16));
          rec.disposition = core::Disposition::Voicemail;
        }
        break;
      }
      case Scenario::BlindTransfer: {
        auto trunk = inbound_trunk(L, ev);
        auto [a1, a2] = local_pair(A, "agents", L, ev);
        answer_local(trunk, a1, a2, ev);
        core::PbxEvent xfer = base(core::PbxEventKind::BlindTransfer, a1);
        xfer.peer = trunk;
        xfer.text = B;
        xfer.variable = "Success";
        ev.push_back(xfer);
        ev.push_back(hangup(a1, 16));
        ev.push_back(hangup(a2, 16));
        auto [b1, b2] = local_pair(B, "agents", L, ev);
        answer_local(trunk, b1, b2, ev);
        ev.push_back(hangup(b2, 16));
        ev.push_back(hangup(b1, 16));
        ev.push_back(hangup(trunk, 16));
        rec.agent = B;
        rec.agents = {A, B};
        rec.transfers = {"blind:" + A + ":" + B};
        break;
      }
      case Scenario::AttendedTransfer:
      case Scenario::ConsultationUnanswered: {
        auto trunk = inbound_trunk(L, ev);
        auto [a1, a2] = local_pair(A, "agents", L, ev);
        answer_local(trunk, a1, a2, ev);
        // Atxfer: the PBX dials B on the call's Linkedid; Asterisk may or
        // may not announce it with a DialBegin (capture g has none).
        auto [b1, b2] = local_pair(B, "agents", L, ev);
        if (pick(2)) ev.push_back(dial_begin(core::ChannelInfo{}, b1));
        ev.push_back(state(b1, 5));
        const std::string consult_id = id + "-consult-1";
        ExpectedRecord consult;
        consult.call_id = consult_id;
        consult.direction = core::Direction::Internal;
        consult.parent_call_id = id;
        rec.agent = A;
        rec.agents = {A};
        if (s == Scenario::AttendedTransfer) {
          ev.push_back(state(b2, 6));
          ev.push_back(state(b1, 6));
          core::PbxEvent xfer = base(core::PbxEventKind::AttendedTransfer, a1);
          xfer.peer = a1;
          xfer.variable = "Success";
          ev.push_back(xfer);
          ev.push_back(hangup(a2, 16));
          ev.push_back(hangup(a1, 16));
          ev.push_back(hangup(b2, 16));
          ev.push_back(hangup(b1, 16));
          consult.agent = B;
          consult.agents = {A, B};
          rec.agent = B;
          rec.agents = {A, B};
          rec.transfers = {"attended:" + A + ":" + B};
        } else {
          core::PbxEvent end = dial_end(core::ChannelInfo{}, b1, "NOANSWER");
          ev.push_back(end);
          ev.push_back(hangup(b2, 19));
          ev.push_back(hangup(b1, 19));
          ev.push_back(hangup(a2, 16));
          ev.push_back(hangup(a1, 16));
          consult.disposition = core::Disposition::Missed;
        }
        ev.push_back(hangup(trunk, 16));
        call.expected.push_back(consult);
        break;
      }
      case Scenario::Pickup: {
        auto trunk = inbound_trunk(L, ev);
        auto ringing = device(A, L, ev);
        ev.push_back(dial_begin(trunk, ringing));
        ev.push_back(state(ringing, 5));
        // C dials *8 from their own phone: a Linkedid of its own.
        const std::string P = std::to_string(++call_no_) + ".0";
        core::ChannelInfo picker = test_support::chan("PJSIP/" + C + "-" + P, P, P, C, "*8", 4);
        picker.context = "from-internal";
        ev.push_back(base(core::PbxEventKind::ChannelCreated, picker));
        core::PbxEvent pickup = base(core::PbxEventKind::Pickup, picker);
        pickup.peer = ringing;
        ev.push_back(pickup);
        ev.push_back(state(picker, 6));
        ev.push_back(hangup(ringing, 26));
        ev.push_back(hangup(picker, 16));
        ev.push_back(hangup(trunk, 16));
        rec.agent = C;
        rec.agents = {C};
        break;
      }
      case Scenario::Outbound: {
        const std::string dest = "0044207946" + std::to_string(1000 + pick(8999));
        core::ChannelInfo phone =
            test_support::chan("PJSIP/" + A + "-" + L, next_uid(L), L, A, dest, 4);
        phone.context = "from-internal";
        ev.push_back(base(core::PbxEventKind::ChannelCreated, phone));
        core::ChannelInfo far =
            test_support::chan("PJSIP/trunk-" + L + "o", next_uid(L), L, "+34910000002", dest, 0);
        ev.push_back(base(core::PbxEventKind::ChannelCreated, far));
        ev.push_back(dial_begin(phone, far));
        ev.push_back(state(far, 5));
        ev.push_back(state(far, 6));
        ev.push_back(dial_end(phone, far, "ANSWER"));
        ev.push_back(hangup(far, 16));
        ev.push_back(hangup(phone, 16));
        rec.direction = core::Direction::Outbound;
        rec.agent = A;
        rec.agents = {A};
        break;
      }
      case Scenario::Internal: {
        core::ChannelInfo phone =
            test_support::chan("PJSIP/" + A + "-" + L, next_uid(L), L, A, B, 4);
        phone.context = "from-internal";
        ev.push_back(base(core::PbxEventKind::ChannelCreated, phone));
        auto dev = device(B, L, ev);
        ev.push_back(dial_begin(phone, dev));
        ev.push_back(state(dev, 5));
        ev.push_back(state(dev, 6));
        ev.push_back(dial_end(phone, dev, "ANSWER"));
        ev.push_back(hangup(dev, 16));
        ev.push_back(hangup(phone, 16));
        rec.direction = core::Direction::Internal;
        rec.agent = B;
        rec.agents = {A, B};
        break;
      }
      case Scenario::kCount:
        break;
    }
    call.expected.push_back(rec);
    return call;
  }

  Scenario random_scenario() { return Scenario(pick(std::size_t(Scenario::kCount))); }

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

 private:
  std::string next_uid(const std::string& L) {
    return uid_ == 0 ? (++uid_, L) : L + "-" + std::to_string(uid_++);
  }
  static core::PbxEvent base(core::PbxEventKind kind, const core::ChannelInfo& c) {
    core::PbxEvent e;
    e.kind = kind;
    e.channel = c;
    return e;
  }
  static core::PbxEvent state(core::ChannelInfo& c, int s) {
    c.state = s;
    return base(core::PbxEventKind::ChannelState, c);
  }
  static core::PbxEvent hangup(const core::ChannelInfo& c, int cause) {
    core::PbxEvent e = base(core::PbxEventKind::Hangup, c);
    e.cause = cause;
    return e;
  }
  static core::PbxEvent dial_begin(const core::ChannelInfo& src, const core::ChannelInfo& dst) {
    core::PbxEvent e = base(core::PbxEventKind::DialBegin, src);
    e.peer = dst;
    return e;
  }
  static core::PbxEvent dial_end(const core::ChannelInfo& src, const core::ChannelInfo& dst,
                                 std::string status) {
    core::PbxEvent e = base(core::PbxEventKind::DialEnd, src);
    e.peer = dst;
    e.text = std::move(status);
    return e;
  }
  core::PbxEvent queue_event(core::PbxEventKind kind, const core::ChannelInfo& caller,
                             const std::string& queue) {
    core::PbxEvent e = base(kind, caller);
    e.queue = queue;
    e.position = 1 + int(pick(5));
    return e;
  }
  core::ChannelInfo inbound_trunk(const std::string& L, std::vector<core::PbxEvent>& ev) {
    // A small pool of callers, like real traffic (repeat callers).
    const std::string caller = "+3491" + std::to_string(1000000 + pick(1000));
    core::ChannelInfo t = test_support::chan("PJSIP/trunk-" + L, next_uid(L), L, caller,
                                             "9120001" + std::to_string(10 + pick(90)), 4);
    ev.push_back(base(core::PbxEventKind::ChannelCreated, t));
    return t;
  }
  core::ChannelInfo device(const std::string& ext, const std::string& L,
                           std::vector<core::PbxEvent>& ev) {
    const std::string uid = next_uid(L);
    // Device names end in "-<unique>" with no other '-' after the resource.
    core::ChannelInfo d = test_support::chan(
        "PJSIP/" + ext + "-" + std::to_string(call_no_) + "x" + std::to_string(uid_), uid, L, "",
        ext, 0);
    d.context = "agents";
    ev.push_back(base(core::PbxEventKind::ChannelCreated, d));
    return d;
  }
  std::pair<core::ChannelInfo, core::ChannelInfo> local_pair(const std::string& ext,
                                                             const std::string& context,
                                                             const std::string& L,
                                                             std::vector<core::PbxEvent>& ev) {
    const std::string base_name =
        "Local/" + ext + "@" + context + "-" + L + "x" + std::to_string(uid_);
    core::ChannelInfo one = test_support::chan(base_name + ";1", next_uid(L), L, "", ext, 0);
    core::ChannelInfo two = test_support::chan(base_name + ";2", next_uid(L), L, "", ext, 4);
    one.context = two.context = context;
    ev.push_back(base(core::PbxEventKind::ChannelCreated, one));
    ev.push_back(base(core::PbxEventKind::ChannelCreated, two));
    return {one, two};
  }
  void answer_local(const core::ChannelInfo& trunk, core::ChannelInfo& one, core::ChannelInfo& two,
                    std::vector<core::PbxEvent>& ev) {
    ev.push_back(dial_begin(trunk, one));
    ev.push_back(state(one, 5));
    ev.push_back(state(two, 6));
    ev.push_back(state(one, 6));
    ev.push_back(dial_end(trunk, one, "ANSWER"));
  }
  std::vector<std::string> distinct_agents(std::size_t n) {
    std::vector<std::string> out;
    while (out.size() < n) {
      std::string a = std::to_string(1001 + pick(std::size_t(agents_)));
      bool dup = false;
      for (const auto& x : out) dup = dup || x == a;
      if (!dup) out.push_back(std::move(a));
    }
    return out;
  }

  std::mt19937_64 rng_;
  int agents_;
  std::uint64_t call_no_ = 0;
  int uid_ = 0;
  const std::vector<std::string> queue_names_{"sales", "support", "billing"};
};

// Interleaves `concurrent` calls at a time: each step emits the next event of
// a random live call, stamped with a clock that moves 0.1-50 ms per event.
class InterleavedStream {
 public:
  InterleavedStream(ScenarioGenerator& gen, std::size_t concurrent, std::uint64_t total_calls)
      : gen_(gen), total_(total_calls) {
    for (std::size_t i = 0; i < concurrent && started_ < total_; ++i) start_one();
  }
  // The next event, or nullptr when every call has been played.
  const core::PbxEvent* next() {
    while (!live_.empty()) {
      const std::size_t i = gen_.pick(live_.size());
      ScriptedCall& c = live_[i];
      if (c.next < c.events.size()) {
        core::PbxEvent& e = c.events[c.next++];
        now_us_ += 100 + std::int64_t(gen_.pick(50000));
        e.at = core::from_unix_micros(now_us_);
        e.pbx_time = true;
        return &e;  // valid until the next call (the call's events stay put)
      }
      finished_.push_back(std::move(c));
      live_[i] = std::move(live_.back());
      live_.pop_back();
      if (started_ < total_) start_one();
    }
    return nullptr;
  }
  // Calls fully played since the last call (their expected records).
  std::vector<ScriptedCall> take_finished() { return std::exchange(finished_, {}); }
  std::size_t live() const { return live_.size(); }

 private:
  void start_one() {
    live_.push_back(gen_.make(gen_.random_scenario()));
    ++started_;
  }
  ScenarioGenerator& gen_;
  std::uint64_t total_, started_ = 0;
  std::vector<ScriptedCall> live_, finished_;
  std::int64_t now_us_ = 1'800'000'000'000'000;
};

}  // namespace cti::scenarios
