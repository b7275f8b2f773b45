#include "connector/pbx/ami/event_mapper.h"

#include <charconv>
#include <cstdio>
#include <cstring>

namespace cti::pbx::ami {
namespace {

using core::ChannelInfo;
using core::PbxEvent;
using K = core::PbxEventKind;

// AMI keys come in Asterisk's canonical case almost always (Uniqueid vs
// UniqueID is the known exception), so try an exact compare first and fall
// back to a case-insensitive one.
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (std::memcmp(a.data(), b.data(), a.size()) == 0) return true;
  if (((a[0] ^ b[0]) & ~0x20) != 0) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x + 32);
    if (y >= 'A' && y <= 'Z') y = char(y + 32);
    if (x != y) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

int to_int(std::string_view s, int fallback = 0) {
  int v = fallback;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Durations reported by the PBX (seconds); garbage is clamped to [0, 1e7]
// so later conversions to microseconds cannot overflow.
double to_double(std::string_view s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  if (!(v >= 0)) return 0;  // negative or NaN
  return v > 1e7 ? 1e7 : v;
}

// Assigns one channel field by its un-prefixed key; false if not a channel field.
bool assign_channel_field(ChannelInfo& ch, std::string_view key, std::string_view value) {
  switch (key.size()) {
    case 4:
      if (iequals(key, "Name"))
        return ch.name.assign(value), true;  // LocalOne/LocalTwo never use it
      return false;
    case 5:
      if (iequals(key, "Exten")) return ch.exten.assign(value), true;
      return false;
    case 7:
      if (iequals(key, "Channel")) return ch.name.assign(value), true;
      if (iequals(key, "Context")) return ch.context.assign(value), true;
      return false;
    case 8:
      if (iequals(key, "Uniqueid")) return ch.uniqueid.assign(value), true;
      if (iequals(key, "Linkedid")) return ch.linkedid.assign(value), true;
      return false;
    case 11:
      if (iequals(key, "CallerIDNum")) return ch.caller_num.assign(value), true;
      return false;
    case 12:
      if (iequals(key, "CallerIDName")) return ch.caller_name.assign(value), true;
      if (iequals(key, "ChannelState")) return ch.state = to_int(value, -1), true;
      return false;
    case 16:
      if (iequals(key, "ConnectedLineNum")) return ch.connected_num.assign(value), true;
      return false;
    default:
      return false;
  }
}

void clear_channel(ChannelInfo& ch) {
  ch.name.clear();
  ch.uniqueid.clear();
  ch.linkedid.clear();
  ch.caller_num.clear();
  ch.caller_name.clear();
  ch.connected_num.clear();
  ch.context.clear();
  ch.exten.clear();
  ch.state = -1;
}

void reset(PbxEvent& e) {
  clear_channel(e.channel);
  clear_channel(e.peer);
  e.bridge_id.clear();
  e.queue.clear();
  e.text.clear();
  e.variable.clear();
  e.action_id.clear();
  e.cause = 0;
  e.position = 0;
  e.hold_s = 0;
  e.ring_s = 0;
  e.flag = false;
  e.pbx_time = false;
  e.cdr_start = e.cdr_answer = e.cdr_end = {};
  e.cdr_answered = false;
}

// One pass over the headers: keys starting with `peer_prefix` fill the peer,
// keys starting with `channel_prefix` (or any key when it is empty) fill the
// channel. Other keys are returned to `other` for event-specific fields.
template <class Other>
void read_channels(const Frame& f, std::string_view channel_prefix, std::string_view peer_prefix,
                   PbxEvent& e, Other&& other) {
  for (const Header& h : f.headers()) {
    if (!peer_prefix.empty() && istarts_with(h.key, peer_prefix) &&
        assign_channel_field(e.peer, h.key.substr(peer_prefix.size()), h.value))
      continue;
    if (channel_prefix.empty()) {
      if (assign_channel_field(e.channel, h.key, h.value)) continue;
    } else if (istarts_with(h.key, channel_prefix) &&
               assign_channel_field(e.channel, h.key.substr(channel_prefix.size()), h.value)) {
      continue;
    }
    other(h.key, h.value);
  }
}

// Asterisk CDR times: "2026-11-28 15:13:29" (PBX local time; we treat it as
// UTC, which is what the recorded PBXes use) or empty when not answered.
core::Timestamp cdr_time(std::string_view s) {
  if (s.empty()) return {};
  std::string iso(s);
  iso += 'Z';
  auto t = core::parse_rfc3339(iso);
  return t ? *t : core::Timestamp{};
}

// "HH:MM:SS" -> seconds; anything else (or absurd values) -> 0.
int duration_seconds(std::string_view s) {
  int parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    const auto colon = i < 2 ? s.find(':') : s.size();
    if (colon == std::string_view::npos) return 0;
    const auto field = s.substr(0, colon);
    auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), parts[i]);
    if (ec != std::errc{} || p != field.data() + field.size() || parts[i] < 0 || parts[i] > 100000)
      return 0;
    s.remove_prefix(std::min(s.size(), colon + 1));
  }
  return parts[0] * 3600 + parts[1] * 60 + parts[2];
}
struct EventSpec {
  std::string_view name;
  K kind;
  std::string_view channel_prefix;
  std::string_view peer_prefix;
};

// Only these events reach the tracker; anything else is counted as ignored.
constexpr EventSpec kSpecs[] = {
    {"Newchannel", K::ChannelCreated, "", ""},
    {"Newstate", K::ChannelState, "", ""},
    {"Rename", K::ChannelRenamed, "", ""},
    {"NewCallerid", K::CallerIdChanged, "", ""},
    {"NewConnectedLine", K::ConnectedLineChanged, "", ""},
    {"DialBegin", K::DialBegin, "", "Dest"},
    {"DialState", K::DialState, "", "Dest"},
    {"DialEnd", K::DialEnd, "", "Dest"},
    {"BridgeEnter", K::BridgeEnter, "", ""},
    {"BridgeLeave", K::BridgeLeave, "", ""},
    {"Hangup", K::Hangup, "", ""},
    {"HangupRequest", K::HangupRequest, "", ""},
    {"OriginateResponse", K::OriginateResponse, "", ""},
    {"QueueCallerJoin", K::QueueCallerJoin, "", ""},
    {"QueueCallerLeave", K::QueueCallerLeave, "", ""},
    {"QueueCallerAbandon", K::QueueCallerAbandon, "", ""},
    {"AgentCalled", K::AgentCalled, "", "Dest"},
    {"AgentConnect", K::AgentConnect, "", "Dest"},
    {"AgentComplete", K::AgentComplete, "", "Dest"},
    {"AgentRingNoAnswer", K::AgentRingNoAnswer, "", "Dest"},
    {"BlindTransfer", K::BlindTransfer, "Transferer", "Transferee"},
    {"AttendedTransfer", K::AttendedTransfer, "OrigTransferer", "SecondTransferer"},
    {"LocalBridge", K::LocalBridge, "LocalOne", "LocalTwo"},
    {"LocalOptimizationBegin", K::LocalOptimizationBegin, "LocalOne", "LocalTwo"},
    {"LocalOptimizationEnd", K::LocalOptimizationEnd, "LocalOne", "LocalTwo"},
    {"Hold", K::Hold, "", ""},
    {"Unhold", K::Unhold, "", ""},
    {"VarSet", K::VarSet, "", ""},
    {"Cdr", K::Cdr, "", ""},
    {"Pickup", K::Pickup, "", "Target"},
    {"Newexten", K::ApplicationStarted, "", ""},
    {"CoreShowChannel", K::ResyncChannel, "", ""},
    {"CoreShowChannelsComplete", K::ResyncComplete, "", ""},
    {"Status", K::ResyncChannel, "", ""},
    {"StatusComplete", K::ResyncComplete, "", ""},
};

const EventSpec* find_spec(std::string_view name) {
  // Most events on the wire are noise (Newexten, VarSet, DeviceStateChange):
  // reject on length and first letter before comparing names.
  for (const auto& s : kSpecs)
    if (s.name.size() == name.size() && s.name[0] == name[0] && s.name == name) return &s;
  return nullptr;
}

}  // namespace

bool is_local_channel(std::string_view name) { return name.starts_with("Local/"); }

bool map_frame(const Frame& f, core::Timestamp arrival, PbxEvent& e, MapperStats& stats,
               const MapperOptions& options) {
  const std::string_view name = f.event();
  if (name.empty()) {
    ++stats.not_events;
    return false;
  }
  const EventSpec* spec = find_spec(name);
  if (!spec || !(options.kinds & (std::uint64_t{1} << unsigned(spec->kind)))) {
    ++stats.ignored;
    return false;
  }
  if (spec->kind == K::VarSet) {
    // Most VarSets are dialplan noise: keep only configured variables.
    // "Variable" is next to last in Asterisk's VarSet, so look from the end.
    std::string_view var;
    const auto hs = f.headers();
    for (auto it = hs.rbegin(); it != hs.rend(); ++it)
      if (iequals(it->key, "Variable")) {
        var = it->value;
        break;
      }
    bool wanted = false;
    for (const auto& v : options.variables) wanted = wanted || iequals(v, var);
    if (!wanted) {
      ++stats.ignored;
      return false;
    }
  }
  if (spec->kind == K::ApplicationStarted) {
    // Newexten is the commonest event on the wire: keep only the dialplan
    // applications that change a call's outcome (VoiceMail). "Application"
    // is near the end of the frame.
    std::string_view app;
    const auto hs = f.headers();
    for (auto it = hs.rbegin(); it != hs.rend(); ++it)
      if (iequals(it->key, "Application")) {
        app = it->value;
        break;
      }
    bool wanted = false;
    for (const auto& a : options.applications) wanted = wanted || iequals(a, app);
    if (!wanted) {
      ++stats.ignored;
      return false;
    }
  }
  reset(e);
  e.kind = spec->kind;
  e.at = arrival;
  std::string_view timestamp, cdr_start, cdr_answer, cdr_end, duration, bridge_id_alt;
  read_channels(f, spec->channel_prefix, spec->peer_prefix, e,
                [&](std::string_view key, std::string_view value) {
                  switch (key.size()) {
                    case 5:
                      if (iequals(key, "Queue"))
                        e.queue.assign(value);
                      else if (iequals(key, "Cause"))
                        e.cause = to_int(value);
                      else if (iequals(key, "Value"))
                        e.text.assign(value);
                      break;
                    case 6:
                      if (iequals(key, "Reason")) {
                        if (spec->kind == K::OriginateResponse)
                          e.cause = to_int(value);
                        else
                          e.text.assign(value);
                      } else if (iequals(key, "Result")) {
                        if (spec->kind == K::AttendedTransfer || spec->kind == K::BlindTransfer)
                          e.variable.assign(value);  // Success/Fail
                      }
                      break;
                    case 8:
                      if (iequals(key, "Position"))
                        e.position = to_int(value);
                      else if (iequals(key, "Variable"))
                        e.variable.assign(value);
                      else if (iequals(key, "Response"))
                        e.text.assign(value);
                      else if (iequals(key, "ActionID"))
                        e.action_id.assign(value);
                      else if (iequals(key, "HoldTime"))
                        e.hold_s = to_double(value);
                      else if (iequals(key, "RingTime"))
                        e.ring_s = to_double(value);
                      else if (iequals(key, "UniqueID"))
                        e.channel.uniqueid.assign(value);
                      else if (iequals(key, "Duration"))
                        duration = value;
                      else if (iequals(key, "BridgeId"))
                        bridge_id_alt = value;
                      else if (iequals(key, "DestType"))
                        e.queue.assign(value);
                      break;
                    case 7:
                      if (iequals(key, "Newname"))
                        e.text.assign(value);
                      else if (iequals(key, "EndTime"))
                        cdr_end = value;
                      else if (iequals(key, "Seconds"))
                        duration = value;  // Status: the channel's age in seconds
                      else if (iequals(key, "Forward") &&
                               (spec->kind == K::DialEnd || spec->kind == K::DialState))
                        e.variable.assign(value);  // where the call was forwarded
                      break;
                    case 9:
                      if (iequals(key, "Timestamp"))
                        timestamp = value;
                      else if (iequals(key, "Extension"))
                        e.text.assign(value);
                      else if (iequals(key, "StartTime"))
                        cdr_start = value;
                      break;
                    case 10:
                      if (iequals(key, "DialStatus"))
                        e.text.assign(value);
                      else if (iequals(key, "AnswerTime"))
                        cdr_answer = value;
                      break;
                    case 11:
                      if (iequals(key, "Disposition"))
                        e.cdr_answered = value == "ANSWERED";
                      else if (spec->kind == K::ApplicationStarted && iequals(key, "Application"))
                        e.text.assign(value);
                      break;
                    case 14:
                      if (iequals(key, "BridgeUniqueid")) e.bridge_id.assign(value);
                      break;
                    case 17:
                      if (iequals(key, "LocalOptimization")) e.flag = iequals(value, "Yes");
                      break;
                    default:
                      break;
                  }
                });
  if (!timestamp.empty()) {
    if (auto t = core::parse_unix_seconds(timestamp)) {
      e.at = *t;
      e.pbx_time = true;
    }
  }
  switch (spec->kind) {
    case K::Cdr:
      e.cdr_start = cdr_time(cdr_start);
      e.cdr_answer = cdr_time(cdr_answer);
      e.cdr_end = cdr_time(cdr_end);
      break;
    case K::ResyncChannel:
      if (e.bridge_id.empty()) e.bridge_id.assign(bridge_id_alt);
      // Seconds the channel has existed: "HH:MM:SS" (CoreShowChannel
      // Duration) or plain seconds (Status Seconds).
      e.hold_s = duration.find(':') == std::string_view::npos ? to_double(duration)
                                                              : duration_seconds(duration);
      // Status: "Variable: CTI_CALL_ID=c2c-1" -> variable, text.
      if (const auto eq = e.variable.find('='); eq != std::string::npos) {
        e.text = e.variable.substr(eq + 1);
        e.variable.resize(eq);
      } else {
        e.variable.clear();
      }
      break;
    case K::AttendedTransfer:
      // The consultation target: kept as the transfer's "to".
      if (auto target = f.get("TransferTargetChannel"); !target.empty()) e.text.assign(target);
      break;
    default:
      break;
  }
  // Every channel event needs a Uniqueid; without one the tracker cannot place it.
  const bool needs_channel = spec->kind != K::OriginateResponse &&
                             spec->kind != K::ResyncComplete && spec->kind != K::LocalBridge &&
                             spec->kind != K::LocalOptimizationBegin &&
                             spec->kind != K::LocalOptimizationEnd && spec->kind != K::DialBegin &&
                             spec->kind != K::DialState && spec->kind != K::DialEnd &&
                             spec->kind != K::AttendedTransfer && spec->kind != K::BlindTransfer;
  if (needs_channel && e.channel.uniqueid.empty()) {
    ++stats.invalid;
    return false;
  }
  if ((spec->kind == K::DialBegin || spec->kind == K::DialState || spec->kind == K::DialEnd) &&
      e.peer.uniqueid.empty()) {
    ++stats.invalid;
    return false;
  }
  ++stats.mapped;
  return true;
}

std::optional<PbxEvent> map_frame(const Frame& frame, core::Timestamp arrival, MapperStats& stats) {
  PbxEvent e;
  if (!map_frame(frame, arrival, e, stats)) return std::nullopt;
  return e;
}

}  // namespace cti::pbx::ami
