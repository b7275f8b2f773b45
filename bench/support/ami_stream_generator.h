#pragma once
// Deterministic generator of a realistic Asterisk 20/22 AMI event stream for
// benchmarks: many concurrent calls interleaved, each a faithful sequence of
// the events a real PBX emits (Newchannel, NewCallerid, Newexten, VarSet,
// DialBegin/State/End, Newstate, BridgeCreate/Enter/Leave/Destroy, Hangup,
// DeviceStateChange, LocalBridge, Queue*/Agent*, Cdr) with proper
// Uniqueid/Linkedid, PJSIP and Local ;1/;2 channel names, the same header
// blocks and field order as Asterisk, about 440 bytes per event.
//
// Header-only so every benchmark can include it (bench/CMakeLists.txt turns
// each bench/*.cpp into its own executable).
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cti::bench {

struct AmiStream {
  std::string bytes;                // the stream, without banner
  std::size_t events = 0;           // "Event:" frames in it
  std::size_t calls_started = 0;    // calls whose first event is in the stream
  std::size_t calls_completed = 0;  // calls whose last event (Cdr) is in it too
};

struct AmiStreamOptions {
  std::size_t concurrent_calls = 200;
  bool timestamps = true;  // "Timestamp:" header (timestampevents = yes)
};

namespace detail {

struct Chan {
  std::string name, uniqueid, linkedid, caller_num, caller_name, connected_num, connected_name,
      context, exten;
  int state = 0;
  int priority = 1;
};

// One event of a call's script; rendered when emitted so timestamps and the
// interleaving with other calls are those of the emission.
enum class Ev : std::uint8_t {
  Newchannel,
  VarSet,
  Newexten,
  NewCallerid,
  NewConnectedLine,
  Newstate,
  DialBegin,
  DialState,
  DialEnd,
  BridgeCreate,
  BridgeEnter,
  BridgeLeave,
  BridgeDestroy,
  SoftHangupRequest,
  HangupRequest,
  Hangup,
  DeviceStateChange,
  LocalBridge,
  QueueCallerJoin,
  QueueCallerLeave,
  AgentCalled,
  AgentConnect,
  AgentComplete,
  Cdr
};

struct Step {
  // A constructor rather than aggregate init: -Wextra flags partial braces.
  Step(Ev e, int c = 0, int p = -1, int s = -1, std::string x = {}, std::string y = {})
      : ev(e), ch(c), peer(p), state(s), a(std::move(x)), b(std::move(y)) {}
  Ev ev;
  int ch = 0, peer = -1;  // indexes into the call's channels
  int state = -1;         // Newstate: new channel state; Hangup: cause
  std::string a, b;       // variable/value, app/data, dial status, device/state...
};

struct Call {
  std::vector<Chan> chans;
  std::vector<Step> steps;
  std::size_t next = 0;
  std::string bridge;
  int bridged = 0;
  bool answered = false;
  std::string start_time, answer_time;
};

inline const char* state_desc(int s) {
  switch (s) {
    case 0:
      return "Down";
    case 4:
      return "Ring";
    case 5:
      return "Ringing";
    case 6:
      return "Up";
    case 7:
      return "Busy";
  }
  return "Unknown";
}

class Generator {
 public:
  Generator(std::uint64_t seed, AmiStreamOptions opt) : rng_(seed), opt_(opt) {}

  AmiStream run(std::size_t events) {
    AmiStream out;
    out.bytes.reserve(events * 460);
    calls_.resize(opt_.concurrent_calls);
    for (auto& c : calls_) c = new_call(out);
    while (out.events < events) {
      Call& c = calls_[pick_(rng_) % calls_.size()];
      emit(c, c.steps[c.next++], out.bytes);
      ++out.events;
      if (c.next == c.steps.size()) {
        ++out.calls_completed;
        c = new_call(out);
      }
    }
    return out;
  }

 private:
  // --- text helpers ---
  static void kv(std::string& o, std::string_view k, std::string_view v) {
    o.append(k).append(": ").append(v).append("\r\n");
  }
  static void kv(std::string& o, std::string_view k, long v) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    kv(o, k, std::string_view(buf, p - buf));
  }
  void head(std::string& o, std::string_view event, std::string_view privilege) {
    kv(o, "Event", event);
    kv(o, "Privilege", privilege);
    if (opt_.timestamps) {
      char buf[32];
      const long long us = now_us_;
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, us / 1'000'000);
      (void)ec;
      *p++ = '.';
      const long long frac = us % 1'000'000;
      for (long long d = 100000; d > 0; d /= 10) *p++ = static_cast<char>('0' + frac / d % 10);
      kv(o, "Timestamp", std::string_view(buf, p - buf));
    }
  }
  static void chan_block(std::string& o, const Chan& c, std::string_view prefix = {}) {
    auto k = [&](std::string_view name) {
      thread_local std::string key;
      key.assign(prefix).append(name);
      return std::string_view(key);
    };
    kv(o, k("Channel"), c.name);
    kv(o, k("ChannelState"), c.state);
    kv(o, k("ChannelStateDesc"), state_desc(c.state));
    kv(o, k("CallerIDNum"), c.caller_num);
    kv(o, k("CallerIDName"), c.caller_name);
    kv(o, k("ConnectedLineNum"), c.connected_num);
    kv(o, k("ConnectedLineName"), c.connected_name);
    kv(o, k("Language"), "en");
    kv(o, k("AccountCode"), "");
    kv(o, k("Context"), c.context);
    kv(o, k("Exten"), c.exten);
    kv(o, k("Priority"), c.priority);
    kv(o, k("Uniqueid"), c.uniqueid);
    kv(o, k("Linkedid"), c.linkedid);
  }
  void bridge_block(std::string& o, const Call& c, int num) {
    kv(o, "BridgeUniqueid", c.bridge);
    kv(o, "BridgeType", "basic");
    kv(o, "BridgeTechnology", "simple_bridge");
    kv(o, "BridgeCreator", "<unknown>");
    kv(o, "BridgeName", "<unknown>");
    kv(o, "BridgeNumChannels", num);
    kv(o, "BridgeVideoSourceMode", "none");
  }
  std::string wall_time() const {
    // "2026-11-28 15:13:29" from the stream clock (UTC, Cdr format).
    const long long s = now_us_ / 1'000'000;
    const long long days = s / 86400, sod = s % 86400;
    // Civil-from-days (H. Hinnant).
    long long z = days + 719468;
    const long long era = z / 146097, doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    const long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    char buf[96];  // generous: -Wformat-truncation cannot bound the fields

    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", y, m, d, sod / 3600,
                  sod / 60 % 60, sod % 60);
    return buf;
  }

  // --- call scripts ---
  std::string uid() { return std::to_string(epoch_) + "." + std::to_string(uid_seq_++); }
  std::string chan_suffix() {
    char buf[16];
    std::snprintf(buf, sizeof buf, "-%08x", chan_seq_++);
    return buf;
  }
  std::string agent() { return std::to_string(1001 + pick_(rng_) % 300); }
  std::string e164() { return "+346" + std::to_string(10000000 + pick_(rng_) % 89999999); }

  Chan make(std::string name, std::string linkedid, std::string num, std::string ctx,
            std::string exten, int state) {
    Chan c;
    c.name = std::move(name);
    c.uniqueid = uid();
    c.linkedid = linkedid.empty() ? c.uniqueid : std::move(linkedid);
    c.caller_num = std::move(num);
    c.caller_name = "<unknown>";
    c.connected_num = "<unknown>";
    c.connected_name = "<unknown>";
    c.context = std::move(ctx);
    c.exten = std::move(exten);
    c.state = state;
    return c;
  }

  // Channel 0 calls channel `dst` (already created) and the outcome follows.
  void dial(Call& call, int src, int dst, const std::string& device, int outcome) {
    auto& s = call.steps;
    s.push_back({Ev::Newchannel, dst});
    s.push_back({Ev::NewConnectedLine, dst});
    s.push_back({Ev::DialBegin, src, dst, -1, device.substr(device.find('/') + 1)});
    s.push_back({Ev::Newstate, dst, -1, 5});
    s.push_back({Ev::DeviceStateChange, 0, -1, -1, device, "RINGING"});
    s.push_back({Ev::DialState, src, dst, -1, "RINGING"});
    if (outcome == 0) {
      s.push_back({Ev::Newstate, dst, -1, 6});
      s.push_back({Ev::DialEnd, src, dst, -1, "ANSWER"});
      s.push_back({Ev::Newstate, src, -1, 6});
      s.push_back({Ev::VarSet, src, -1, -1, "BRIDGEPEER", ""});
      s.push_back({Ev::BridgeCreate, src});
      s.push_back({Ev::BridgeEnter, src});
      s.push_back({Ev::BridgeEnter, dst});
      s.push_back({Ev::DeviceStateChange, 0, -1, -1, device, "INUSE"});
      s.push_back({Ev::VarSet, dst, -1, -1, "RTPAUDIOQOS",
                   "ssrc=1;themssrc=2;lp=0;rxjitter=0.000;rxcount=250;txjitter=0.000;txcount=250;"
                   "rlp=0;rtt=0.000"});
      s.push_back({Ev::SoftHangupRequest, src, -1, 16});
      s.push_back({Ev::HangupRequest, src, -1, 16});
      s.push_back({Ev::BridgeLeave, src});
      s.push_back({Ev::BridgeLeave, dst});
      s.push_back({Ev::BridgeDestroy, src});
      s.push_back({Ev::Hangup, dst, -1, 16});
      s.push_back({Ev::DeviceStateChange, 0, -1, -1, device, "NOT_INUSE"});
    } else {
      const bool busy = outcome == 2;
      s.push_back({Ev::DialEnd, src, dst, -1, busy ? "BUSY" : "NOANSWER"});
      s.push_back({Ev::Hangup, dst, -1, busy ? 17 : 19});
      s.push_back({Ev::DeviceStateChange, 0, -1, -1, device, "NOT_INUSE"});
      s.push_back({Ev::VarSet, src, -1, -1, "DIALSTATUS", busy ? "BUSY" : "NOANSWER"});
      s.push_back({Ev::Newexten, src, -1, -1, "Hangup", ""});
    }
  }

  Call new_call(AmiStream& out) {
    ++out.calls_started;
    Call call;
    call.bridge =
        "b" + std::to_string(chan_seq_) + "-6f1c-4b8e-9a3f-0c2d" + std::to_string(uid_seq_);
    const unsigned kind = pick_(rng_) % 100;
    const unsigned outcome_roll = pick_(rng_) % 10;
    const int outcome = outcome_roll < 7 ? 0 : outcome_roll < 9 ? 1 : 2;  // answer/noanswer/busy
    const std::string ext = agent();
    auto& s = call.steps;
    if (kind < 50) {
      // Inbound: trunk → agent's phone.
      const std::string caller = e164(), did = "9120001" + std::to_string(10 + pick_(rng_) % 90);
      call.chans.push_back(make("PJSIP/trunk" + chan_suffix(), "", caller, "from-pstn", did, 4));
      call.chans[0].caller_name = caller;
      call.chans.push_back(
          make("PJSIP/" + ext + chan_suffix(), call.chans[0].uniqueid, ext, "agents", ext, 0));
      call.chans[1].connected_num = caller;
      s.push_back({Ev::Newchannel, 0});
      s.push_back({Ev::VarSet, 0, -1, -1, "__FROM_DID", did});
      s.push_back({Ev::Newexten, 0, -1, -1, "Set", "__FROM_DID=" + did});
      s.push_back({Ev::NewCallerid, 0});
      s.push_back({Ev::Newexten, 0, -1, -1, "Dial", "PJSIP/" + ext + ",30"});
      dial(call, 0, 1, "PJSIP/" + ext, outcome);
    } else if (kind < 75) {
      // Inbound through a queue: trunk → Queue → Local ;1/;2 member → phone.
      const std::string caller = e164();
      call.chans.push_back(
          make("PJSIP/trunk" + chan_suffix(), "", caller, "from-pstn", "912000200", 4));
      const std::string local = "Local/" + ext + "@agents" + chan_suffix();
      const std::string root = call.chans[0].uniqueid;
      call.chans.push_back(make(local + ";1", root, caller, "agents", ext, 0));
      call.chans.push_back(make(local + ";2", root, caller, "agents", ext, 4));
      call.chans.push_back(make("PJSIP/" + ext + chan_suffix(), root, ext, "agents", ext, 0));
      s.push_back({Ev::Newchannel, 0});
      s.push_back({Ev::NewCallerid, 0});
      s.push_back({Ev::Newexten, 0, -1, -1, "Answer", ""});
      s.push_back({Ev::Newstate, 0, -1, 6});
      s.push_back({Ev::Newexten, 0, -1, -1, "Queue", "sales"});
      s.push_back({Ev::QueueCallerJoin, 0});
      s.push_back({Ev::Newchannel, 1});
      s.push_back({Ev::Newchannel, 2});
      s.push_back({Ev::LocalBridge, 1, 2});
      s.push_back({Ev::AgentCalled, 0, 1});
      s.push_back({Ev::DialBegin, 0, 1, -1, "Local/" + ext + "@agents"});
      s.push_back({Ev::Newexten, 2, -1, -1, "Dial", "PJSIP/" + ext + ",30"});
      dial(call, 2, 3, "PJSIP/" + ext, outcome);
      if (outcome == 0) {
        s.push_back({Ev::DialEnd, 0, 1, -1, "ANSWER"});
        s.push_back({Ev::AgentConnect, 0, 1});
        s.push_back({Ev::QueueCallerLeave, 0});
        s.push_back({Ev::AgentComplete, 0, 1, -1, "caller"});
        s.push_back({Ev::Hangup, 1, -1, 16});
        s.push_back({Ev::Hangup, 2, -1, 16});
      } else {
        s.push_back({Ev::DialEnd, 0, 1, -1, "NOANSWER"});
        s.push_back({Ev::Hangup, 1, -1, 16});
        s.push_back({Ev::Hangup, 2, -1, 16});
        s.push_back({Ev::QueueCallerLeave, 0});
      }
    } else {
      // Outbound: agent's phone → trunk.
      const std::string dest = "0044207946" + std::to_string(1000 + pick_(rng_) % 8999);
      call.chans.push_back(make("PJSIP/" + ext + chan_suffix(), "", ext, "from-internal", dest, 4));
      call.chans.push_back(make("PJSIP/trunk" + chan_suffix(), call.chans[0].uniqueid,
                                "+34910000002", "from-internal", dest, 0));
      s.push_back({Ev::Newchannel, 0});
      s.push_back({Ev::DeviceStateChange, 0, -1, -1, "PJSIP/" + ext, "INUSE"});
      s.push_back({Ev::Newexten, 0, -1, -1, "Set", "CALLERID(num)=+34910000002"});
      s.push_back({Ev::NewCallerid, 0});
      s.push_back({Ev::Newexten, 0, -1, -1, "Dial", "PJSIP/" + dest + "@trunk,60"});
      dial(call, 0, 1, "PJSIP/trunk", outcome);
    }
    s.push_back({Ev::HangupRequest, 0, -1, 16});
    s.push_back({Ev::Hangup, 0, -1, 16});
    s.push_back({Ev::Cdr, 0, 1});
    return call;
  }

  void emit(Call& call, const Step& st, std::string& o) {
    now_us_ += 40 + pick_(rng_) % 200;
    Chan& c = call.chans[st.ch];
    Chan* p = st.peer >= 0 ? &call.chans[st.peer] : nullptr;
    switch (st.ev) {
      case Ev::Newchannel:
        head(o, "Newchannel", "call,all");
        chan_block(o, c);
        if (call.start_time.empty()) call.start_time = wall_time();
        break;
      case Ev::VarSet:
        head(o, "VarSet", "dialplan,all");
        chan_block(o, c);
        kv(o, "Variable", st.a);
        kv(o, "Value", st.b);
        break;
      case Ev::Newexten:
        ++c.priority;
        head(o, "Newexten", "dialplan,all");
        chan_block(o, c);
        kv(o, "Extension", c.exten);
        kv(o, "Application", st.a);
        kv(o, "AppData", st.b);
        break;
      case Ev::NewCallerid:
        head(o, "NewCallerid", "call,all");
        chan_block(o, c);
        kv(o, "CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
        break;
      case Ev::NewConnectedLine:
        head(o, "NewConnectedLine", "call,all");
        chan_block(o, c);
        break;
      case Ev::Newstate:
        c.state = st.state;
        if (st.state == 6 && !call.answered) {
          call.answered = true;
          call.answer_time = wall_time();
        }
        head(o, "Newstate", "call,all");
        chan_block(o, c);
        break;
      case Ev::DialBegin:
        head(o, "DialBegin", "call,all");
        chan_block(o, c);
        chan_block(o, *p, "Dest");
        kv(o, "DialString", st.a);
        break;
      case Ev::DialState:
      case Ev::DialEnd:
        head(o, st.ev == Ev::DialEnd ? "DialEnd" : "DialState", "call,all");
        chan_block(o, c);
        chan_block(o, *p, "Dest");
        kv(o, "DialStatus", st.a);
        break;
      case Ev::BridgeCreate:
        head(o, "BridgeCreate", "call,all");
        bridge_block(o, call, 0);
        break;
      case Ev::BridgeEnter:
        head(o, "BridgeEnter", "call,all");
        bridge_block(o, call, ++call.bridged);
        chan_block(o, c);
        break;
      case Ev::BridgeLeave:
        head(o, "BridgeLeave", "call,all");
        bridge_block(o, call, --call.bridged);
        chan_block(o, c);
        break;
      case Ev::BridgeDestroy:
        head(o, "BridgeDestroy", "call,all");
        bridge_block(o, call, 0);
        break;
      case Ev::SoftHangupRequest:
      case Ev::HangupRequest:
        head(o, st.ev == Ev::HangupRequest ? "HangupRequest" : "SoftHangupRequest", "call,all");
        chan_block(o, c);
        kv(o, "Cause", st.state);
        break;
      case Ev::Hangup:
        head(o, "Hangup", "call,all");
        chan_block(o, c);
        kv(o, "Cause", st.state);
        kv(o, "Cause-txt",
           st.state == 16   ? "Normal Clearing"
           : st.state == 17 ? "User busy"
                            : "User alerting, no answer");
        break;
      case Ev::DeviceStateChange:
        head(o, "DeviceStateChange", "call,all");
        kv(o, "Device", st.a);
        kv(o, "State", st.b);
        break;
      case Ev::LocalBridge:
        head(o, "LocalBridge", "call,all");
        chan_block(o, c, "LocalOne");
        chan_block(o, *p, "LocalTwo");
        kv(o, "Context", c.context);
        kv(o, "Exten", c.exten);
        kv(o, "LocalOptimization", "No");
        break;
      case Ev::QueueCallerJoin:
      case Ev::QueueCallerLeave:
        head(o, st.ev == Ev::QueueCallerJoin ? "QueueCallerJoin" : "QueueCallerLeave", "agent,all");
        chan_block(o, c);
        kv(o, "Queue", "sales");
        kv(o, "Position", 1);
        kv(o, "Count", st.ev == Ev::QueueCallerJoin ? 1 : 0);
        break;
      case Ev::AgentCalled:
      case Ev::AgentConnect:
      case Ev::AgentComplete:
        head(o,
             st.ev == Ev::AgentCalled    ? "AgentCalled"
             : st.ev == Ev::AgentConnect ? "AgentConnect"
                                         : "AgentComplete",
             "agent,all");
        chan_block(o, c);
        chan_block(o, *p, "Dest");
        kv(o, "Queue", "sales");
        kv(o, "MemberName", p->name.substr(0, p->name.find('@')));
        kv(o, "Interface", p->name.substr(0, p->name.find('-')));
        if (st.ev == Ev::AgentConnect) {
          kv(o, "HoldTime", 2);
          kv(o, "RingTime", 2);
        } else if (st.ev == Ev::AgentComplete) {
          kv(o, "HoldTime", 2);
          kv(o, "TalkTime", 3);
          kv(o, "Reason", st.a);
        }
        break;
      case Ev::Cdr: {
        const std::string end = wall_time();
        head(o, "Cdr", "cdr,all");
        kv(o, "AccountCode", "");
        kv(o, "Source", c.caller_num);
        kv(o, "Destination", c.exten);
        kv(o, "DestinationContext", c.context);
        kv(o, "CallerID", "\"" + c.caller_name + "\" <" + c.caller_num + ">");
        kv(o, "Channel", c.name);
        kv(o, "DestinationChannel", p ? p->name : "");
        kv(o, "LastApplication", "Dial");
        kv(o, "LastData", p ? p->name.substr(0, p->name.find('-')) + ",30" : "");
        kv(o, "StartTime", call.start_time);
        kv(o, "AnswerTime", call.answered ? call.answer_time : "");
        kv(o, "EndTime", end);
        kv(o, "Duration", 5);
        kv(o, "BillableSeconds", call.answered ? 3 : 0);
        kv(o, "Disposition", call.answered ? "ANSWERED" : "NO ANSWER");
        kv(o, "AMAFlags", "DOCUMENTATION");
        kv(o, "UniqueID", c.uniqueid);
        kv(o, "UserField", "");
        break;
      }
    }
    o.append("\r\n");
  }

  std::mt19937_64 rng_;
  std::uniform_int_distribution<unsigned> pick_{0, 1u << 30};
  AmiStreamOptions opt_;
  std::vector<Call> calls_;
  long long epoch_ = 1795878809;
  long long now_us_ = 1795878809LL * 1'000'000;
  std::uint64_t uid_seq_ = 0;
  unsigned chan_seq_ = 0x2a;
};

}  // namespace detail

// The stream plus how many events and calls it holds.
inline AmiStream make_ami_stream(std::size_t events, std::uint64_t seed,
                                 AmiStreamOptions options = {}) {
  return detail::Generator(seed, options).run(events);
}

// The byte stream (no banner) of `events` events; `calls` (optional) receives
// the number of calls that completed (ended with their Cdr) in it.
inline std::string generate_ami_stream(std::size_t events, std::uint64_t seed,
                                       std::size_t* calls = nullptr) {
  AmiStream s = make_ami_stream(events, seed);
  if (calls) *calls = s.calls_completed;
  return std::move(s.bytes);
}

}  // namespace cti::bench
