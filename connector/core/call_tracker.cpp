#include "connector/core/call_tracker.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <set>
#include <unordered_set>

#include "connector/core/phone_number.h"

namespace cti::core {
namespace {

constexpr int kStateRinging = 5;
constexpr int kStateUp = 6;
constexpr int kStateBusy = 7;

// Q.850 causes that mean the network could not complete the call (as opposed
// to nobody answering or a normal clearing).
bool is_failure_cause(int cause) {
  switch (cause) {
    case 0:
    case 16:
    case 17:
    case 18:
    case 19:
    case 31:
      return false;
    default:
      return cause > 0;
  }
}

struct ChannelName {
  bool local = false;
  std::string pair_key;  // "Local/1001@agents-00000001" for both halves
  int half = 0;          // 1 or 2 for Local channels
  std::string exten;     // Local: the extension it dials; device: the resource
  std::string context;   // Local only
};

// "PJSIP/1001-0000002a" -> resource 1001; "Local/1001@agents-00000001;2" ->
// exten 1001, context agents, half 2.
ChannelName parse_channel_name(std::string_view name) {
  ChannelName out;
  const auto slash = name.find('/');
  if (slash == std::string_view::npos) return out;
  const std::string_view tech = name.substr(0, slash);
  std::string_view rest = name.substr(slash + 1);
  if (tech == "Local") {
    out.local = true;
    std::string_view base = rest;
    if (const auto semi = rest.rfind(';'); semi != std::string_view::npos) {
      out.half = rest.substr(semi + 1) == "2" ? 2 : 1;
      base = rest.substr(0, semi);
    }
    out.pair_key = std::string(name.substr(0, slash + 1)) + std::string(base);
    const auto at = base.find('@');
    out.exten = std::string(base.substr(0, at));
    if (at != std::string_view::npos) {
      std::string_view ctx = base.substr(at + 1);
      if (const auto dash = ctx.rfind('-'); dash != std::string_view::npos)
        ctx = ctx.substr(0, dash);
      out.context = std::string(ctx);
    }
    return out;
  }
  // Device channels: the unique suffix follows the last '-'.
  if (const auto dash = rest.rfind('-'); dash != std::string_view::npos)
    rest = rest.substr(0, dash);
  out.exten = std::string(rest);
  return out;
}

struct Channel {
  // `linkedid` is the key of the call the channel belongs to: the PBX's
  // Linkedid, or "<linkedid>/consult-<n>" for a consultation leg.
  std::string uniqueid, linkedid, name, caller_num, connected_num, exten;
  ChannelName parsed;
  std::string agent;          // agent extension this channel belongs to, "" if none
  std::string forwarded_for;  // a forward target: the agent whose phone forwarded here
  bool dialled = false;       // the destination of a DialBegin we saw
  int state = -1;
  Timestamp created{};
  std::uint64_t resync_generation = 0;
};

struct AgentState {
  bool ringing = false;
  bool answered = false;
};

}  // namespace

struct CallTracker::Impl {
  struct Call {
    std::string linkedid;  // key in `calls` (see Channel::linkedid)
    std::string call_id;
    std::uint64_t seq = 0;
    Timestamp started_at{};
    std::optional<Timestamp> answered_at;
    std::string origin_uid, origin_pair;
    std::string origin_agent;                // set when an agent's phone started the call
    bool origin_agent_by_caller_id = false;  // a phone dialling out, not a phone being rung
    std::string origin_caller_raw, origin_exten_raw;
    bool dest_known = false;  // first dialled party decided
    bool dest_is_agent = false;
    std::string dest_agent, dialled_raw, presented_raw;
    std::vector<std::string> agents_talked;
    std::string last_answer_agent;
    std::map<std::string, AgentState> agent_states;
    // Uniqueids and Local pair names of the external party (outbound); a
    // handful at most, so a vector beats a tree.
    std::vector<std::string> external;
    // Uniqueids of this call's channels not hung up yet (a handful).
    std::vector<std::string> members;
    bool any_agent_dialled = false, busy = false, failed_dial = false;
    int customer_cause = 0, any_cause = 0;
    bool incomplete = false;
    bool origin_gone = false;  // the caller's own leg hung up
    // Queues: the last queue joined, when, and the time waited so far.
    std::string queue;
    std::optional<Timestamp> queue_joined;
    double wait_s = 0;
    bool abandoned = false;
    // Voicemail: uniqueids / Local pair keys that ran VoiceMail().
    std::vector<std::string> voicemail_legs;
    std::vector<Transfer> transfers;
    // Attended transfers: a customer call's live consultation leg, and for a
    // consultation leg the customer call it serves.
    std::string consult_key;
    int consults = 0;
    std::string parent_key, parent_call_id;
    std::string forward_agent;  // an agent's phone forwarded the call; the next dial is for them
    bool adopted_in_resync = false;  // created from the channel list, nothing sent since
    bool start_from_store = false;   // started_at is the stored (exact) one
  };

  TrackerConfig cfg;
  std::set<std::string> internal_contexts;
  std::unordered_map<std::string, Channel> channels;  // by uniqueid
  std::unordered_map<std::string, Call> calls;        // by linkedid
  TrackerStats stats;
  std::uint64_t resync_generation = 0;
  bool resync_active = false;

  explicit Impl(TrackerConfig c) : cfg(std::move(c)) {
    internal_contexts.insert(cfg.internal_contexts.begin(), cfg.internal_contexts.end());
  }

  bool is_agent(const std::string& ext) const { return !ext.empty() && cfg.agents.count(ext) > 0; }

  // Normalized numbers by raw input: DIDs and repeat callers hit the cache,
  // so libphonenumber runs about once per distinct number. Bounded: cleared
  // when it grows past kMaxNormalized entries.
  static constexpr std::size_t kMaxNormalized = 50000;
  mutable std::unordered_map<std::string, std::string> normalized;

  const std::string& normalize(const Call&, const std::string& raw) const {
    auto it = normalized.find(raw);
    if (it != normalized.end()) return it->second;
    if (normalized.size() >= kMaxNormalized) normalized.clear();
    const auto n = PhoneNumber::parse(raw, cfg.default_region, cfg.max_extension_digits);
    return normalized.emplace(raw, n.value()).first->second;
  }

  // Which agent (extension) a channel belongs to, if any.
  std::string resolve_agent(const Channel& ch, const Call& call) const {
    const bool origin_leg = ch.uniqueid == call.origin_uid ||
                            (!ch.parsed.pair_key.empty() && ch.parsed.pair_key == call.origin_pair);
    if (origin_leg && ch.parsed.local && internal_contexts.count(ch.parsed.context)) {
      // A phone simulated or bridged through a Local channel in a dialling
      // context: the agent is whoever's caller id it carries.
      return is_agent(call.origin_caller_raw) ? call.origin_caller_raw : std::string{};
    }
    if (is_agent(ch.parsed.exten)) return ch.parsed.exten;
    // A device channel in a dialling context that presents an agent's
    // extension as caller id is that agent's phone.
    if (origin_leg && !ch.parsed.local && is_agent(ch.caller_num)) return ch.caller_num;
    return {};
  }

  Direction direction(const Call& c) const {
    if (c.origin_agent.empty()) return Direction::Inbound;
    if (c.dest_known && c.dest_is_agent) return Direction::Internal;
    if (!c.dest_known && is_agent(c.dialled_raw)) return Direction::Internal;
    return Direction::Outbound;
  }

  CallRecord snapshot(const Call& c) const {
    CallRecord r;
    r.call_id = c.call_id;
    r.direction = direction(c);
    r.pbx = cfg.pbx;
    r.started_at = c.started_at;
    r.answered_at = c.answered_at;
    r.agents = c.agents_talked;
    r.agent = c.last_answer_agent;
    r.incomplete = c.incomplete;
    r.queue = c.queue;
    r.wait_s = c.wait_s;
    r.transfers = c.transfers;
    r.parent_call_id = c.parent_call_id;
    switch (r.direction) {
      case Direction::Inbound: {
        r.from = normalize(c, c.origin_caller_raw);
        const std::string did_raw = c.origin_exten_raw == "s" ? std::string{} : c.origin_exten_raw;
        r.did = normalize(c, did_raw);
        r.to = r.did;
        break;
      }
      case Direction::Outbound:
        r.from = c.origin_agent;
        r.to = normalize(c, c.dialled_raw);
        r.caller_id_presented = normalize(c, c.presented_raw);
        if (r.agent.empty()) r.agent = c.origin_agent;
        break;
      case Direction::Internal:
        r.from = c.origin_agent;
        r.to = c.dest_known ? c.dest_agent : c.dialled_raw;
        break;
    }
    return r;
  }

  CallEvent& emit(Call& c, CallEventKind kind, Timestamp at, std::string agent, std::string reason,
                  TrackerOutput& out) {
    CallEvent e;
    e.kind = kind;
    e.call_id = c.call_id;
    e.seq = ++c.seq;
    e.occurred_at = at;
    e.agent = std::move(agent);
    e.reason = std::move(reason);
    e.call = snapshot(c);
    out.events.push_back(std::move(e));
    return out.events.back();
  }

  Call& start_call(const PbxEvent& ev, const std::string& linkedid) {
    auto [it, inserted] = calls.try_emplace(linkedid);
    Call& c = it->second;
    if (inserted) {
      c.linkedid = linkedid;
      c.call_id = unique_call_id(cfg.pbx + "-" + linkedid);
      c.started_at = ev.at;
      ++stats.calls_started;
    }
    return c;
  }

  Channel* find_channel(const std::string& uid) {
    auto it = channels.find(uid);
    return it == channels.end() ? nullptr : &it->second;
  }

  Call* call_of(const Channel& ch) {
    auto it = calls.find(ch.linkedid);
    return it == calls.end() ? nullptr : &it->second;
  }

  void add_channel(const PbxEvent& ev, const ChannelInfo& info, Timestamp created) {
    const std::string& linkedid = info.linkedid.empty() ? info.uniqueid : info.linkedid;
    Call& c = start_call(ev, linkedid);
    auto [it, inserted] = channels.try_emplace(info.uniqueid);
    Channel& ch = it->second;
    ch.uniqueid = info.uniqueid;
    ch.linkedid = linkedid;
    ch.name = info.name;
    ch.parsed = parse_channel_name(info.name);
    ch.caller_num = info.caller_num;
    ch.connected_num = info.connected_num;
    ch.exten = info.exten;
    ch.state = info.state;
    ch.resync_generation = resync_generation;
    if (inserted) ch.created = created;
    if (inserted) c.members.push_back(ch.uniqueid);
    if (ch.uniqueid == linkedid && c.origin_uid.empty()) {
      c.origin_uid = ch.uniqueid;
      c.origin_pair = ch.parsed.pair_key;
      c.origin_exten_raw = info.exten;
      if (info.caller_num != "<unknown>") c.origin_caller_raw = info.caller_num;
      c.started_at = std::min(c.started_at, created);
    }
    ch.agent = resolve_agent(ch, c);
    refresh_origin_agent(c);
    // A device the consultation target's Local channel dials while an
    // attended transfer is in progress belongs to the consultation, not to
    // the customer's call (same Linkedid).
    if (inserted && !c.consult_key.empty() && !ch.agent.empty())
      if (Call* k = find_call(c.consult_key); k && k->dest_agent == ch.agent)
        move_channel(ch, c, *k);
  }

  Call* find_call(const std::string& key) {
    auto it = calls.find(key);
    return it == calls.end() ? nullptr : &it->second;
  }

  static void drop_member(Call& c, const std::string& uid) {
    auto it = std::find(c.members.begin(), c.members.end(), uid);
    if (it == c.members.end()) return;
    *it = std::move(c.members.back());
    c.members.pop_back();
  }

  // Re-homes a live channel (consultation legs, transfers, pickups).
  static void move_channel(Channel& ch, Call& from, Call& to) {
    if (&from == &to) return;
    ch.linkedid = to.linkedid;
    drop_member(from, ch.uniqueid);
    to.members.push_back(ch.uniqueid);
  }

  // Both halves of a Local pair (or just the channel) of call `c`.
  std::vector<Channel*> leg_channels(const Call& c, const Channel& ch) {
    std::vector<Channel*> legs;
    if (ch.parsed.pair_key.empty()) {
      if (Channel* self = find_channel(ch.uniqueid)) legs.push_back(self);
      return legs;
    }
    for (const auto& uid : c.members)
      if (Channel* other = find_channel(uid); other && other->parsed.pair_key == ch.parsed.pair_key)
        legs.push_back(other);
    return legs;
  }

  std::vector<Channel*> channels_of(const Call& c) {
    std::vector<Channel*> out;
    for (const auto& uid : c.members)
      if (Channel* ch = find_channel(uid)) out.push_back(ch);
    return out;
  }

  void refresh_origin_agent(Call& c) {
    if (!c.origin_agent.empty()) return;
    if (Channel* o = find_channel(c.origin_uid)) {
      o->agent = resolve_agent(*o, c);
      c.origin_agent = o->agent;
      c.origin_agent_by_caller_id = !o->agent.empty() && o->agent != o->parsed.exten;
    }
  }

  void on_caller_id(const PbxEvent& ev, Channel& ch, Call& c) {
    ch.caller_num = ev.channel.caller_num;
    ch.connected_num = ev.channel.connected_num;
    if (ch.uniqueid == c.origin_uid && ev.channel.caller_num != "<unknown>") {
      // The origin's caller id is the customer (inbound) or the agent's
      // extension (phones in dialling contexts); only the first real value
      // counts, later changes are what the far end is shown (outbound).
      if (c.origin_caller_raw.empty()) c.origin_caller_raw = ev.channel.caller_num;
      refresh_origin_agent(c);
    }
    if (ch.agent.empty()) ch.agent = resolve_agent(ch, c);
  }

  // First dial to someone other than the origin decides who was called.
  void on_dial_begin(const PbxEvent& ev, TrackerOutput& out) {
    Channel* dest = find_channel(ev.peer.uniqueid);
    if (!dest) {
      ++stats.unknown_channel_events;
      return;
    }
    Call* c = call_of(*dest);
    if (!c) return;
    const bool dest_is_origin = is_origin_leg(*c, *dest);
    if (dest_is_origin) {
      // An Originate ringing the agent's own phone first (click-to-call).
      if (ev.channel.uniqueid.empty() && !c->origin_agent.empty() && !c->origin_agent_by_caller_id)
        agent_ringing(*c, c->origin_agent, ev.at, out, /*allow_origin=*/true);
      return;
    }
    for (Channel* leg : leg_channels(*c, *dest)) leg->dialled = true;
    const Channel* src = ev.channel.uniqueid.empty() ? nullptr : find_channel(ev.channel.uniqueid);
    if (is_consultation_dial(ev, *c, *dest)) c = &start_consultation(*c, *dest, src);
    if (!c->dest_known) {
      c->dest_known = true;
      c->dest_is_agent = !dest->agent.empty();
      c->dest_agent = dest->agent;
      if (!ev.channel.uniqueid.empty() && c->parent_key.empty()) {
        c->dialled_raw = ev.channel.exten;
        c->presented_raw = ev.channel.caller_num;
      } else {
        c->dialled_raw = dest->parsed.local ? dest->parsed.exten : dest->exten;
        c->presented_raw = ev.peer.connected_num;
      }
      if (c->dialled_raw.empty()) c->dialled_raw = dest->parsed.exten;
    }
    if (!dest->agent.empty()) {
      c->any_agent_dialled = true;
      agent_ringing(*c, dest->agent, ev.at, out);
    } else {
      if (!c->forward_agent.empty()) {
        // Where the agent's phone forwarded the call (a mobile, another
        // line): whoever answers there answers for that agent.
        for (Channel* leg : leg_channels(*c, *dest)) leg->forwarded_for = c->forward_agent;
        c->forward_agent.clear();
      }
      mark_external(*c, *dest);
    }
  }

  // An answered customer call where the PBX (Atxfer: no dialling channel)
  // or the talking agent dials someone else: the consultation of an
  // attended transfer. The customer's own channel dialling (blind transfer,
  // queue) is not.
  // A consultation leaves the customer's own channels in the customer call;
  // a call that is nothing but `dest` is not being consulted from.
  bool keeps_other_channels(const Call& c, const Channel& dest) const {
    for (const auto& uid : c.members) {
      if (uid == dest.uniqueid) continue;
      auto it = channels.find(uid);
      if (it == channels.end()) continue;
      if (dest.parsed.pair_key.empty() || it->second.parsed.pair_key != dest.parsed.pair_key)
        return true;
    }
    return false;
  }

  bool is_consultation_dial(const PbxEvent& ev, const Call& c, const Channel& dest) {
    if (!c.parent_key.empty() || !c.answered_at || !c.consult_key.empty()) return false;
    if (!keeps_other_channels(c, dest)) return false;
    if (!dest.agent.empty() && c.agent_states.count(dest.agent) &&
        c.agent_states.at(dest.agent).answered)
      return false;
    if (ev.channel.uniqueid.empty()) return true;
    const Channel* src = find_channel(ev.channel.uniqueid);
    return src && !src->agent.empty() && !is_origin_leg(c, *src);
  }

  // Asterisk's Atxfer does not always announce its dial (no DialBegin, only
  // DialState/DialEnd without a dialling channel): an agent's channel that
  // nobody was seen dialling starts ringing in an answered customer call.
  bool is_unannounced_consultation(const Call& c, const Channel& ch) const {
    return !ch.dialled && !ch.agent.empty() && c.parent_key.empty() && c.answered_at &&
           c.consult_key.empty() && !is_origin_leg(c, ch) && !c.agent_states.count(ch.agent) &&
           keeps_other_channels(c, ch);
  }

  Call& start_consultation(Call& c, Channel& dest, const Channel* src) {
    const int n = ++c.consults;
    const std::string key = c.linkedid + "/consult-" + std::to_string(n);
    Call& k = calls[key];  // may rehash: `c` stays valid (node-based map)
    k.linkedid = key;
    k.call_id = unique_call_id(c.call_id + "-consult-" + std::to_string(n));
    k.parent_key = c.linkedid;
    k.parent_call_id = c.call_id;
    k.origin_agent = src && !src->agent.empty() ? src->agent : c.last_answer_agent;
    k.started_at = dest.created;
    k.dest_known = true;
    k.dest_is_agent = !dest.agent.empty();
    k.dest_agent = dest.agent;
    k.dialled_raw = dest.parsed.local ? dest.parsed.exten : dest.exten;
    ++stats.calls_started;
    c.consult_key = key;
    for (Channel* leg : leg_channels(c, dest)) {
      k.started_at = std::min(k.started_at, leg->created);
      move_channel(*leg, c, k);
    }
    return k;
  }

  // A leg is a Local pair (both halves) or a single device channel.
  static const std::string& leg_key(const Channel& ch) {
    return ch.parsed.pair_key.empty() ? ch.uniqueid : ch.parsed.pair_key;
  }
  static bool holds_leg(const std::vector<std::string>& legs, const Channel& ch) {
    return std::find(legs.begin(), legs.end(), leg_key(ch)) != legs.end();
  }
  static void add_leg(std::vector<std::string>& legs, const Channel& ch) {
    if (!holds_leg(legs, ch)) legs.push_back(leg_key(ch));
  }
  static void add_talker(Call& c, const std::string& agent) {
    if (std::find(c.agents_talked.begin(), c.agents_talked.end(), agent) == c.agents_talked.end())
      c.agents_talked.push_back(agent);
  }

  static void mark_external(Call& c, const Channel& ch) { add_leg(c.external, ch); }
  bool is_external_leg(const Call& c, const Channel& ch) const { return holds_leg(c.external, ch); }

  bool is_origin_leg(const Call& c, const Channel& ch) const {
    return ch.uniqueid == c.origin_uid ||
           (!ch.parsed.pair_key.empty() && ch.parsed.pair_key == c.origin_pair);
  }

  void agent_ringing(Call& c, const std::string& agent, Timestamp at, TrackerOutput& out,
                     bool allow_origin = false) {
    if (agent.empty() || (agent == c.origin_agent && !allow_origin)) return;
    auto& st = c.agent_states[agent];
    if (st.ringing || st.answered) return;
    st.ringing = true;
    emit(c, CallEventKind::Ringing, at, agent, {}, out);
  }

  void stop_ringing(Call& c, const std::string& agent, Timestamp at, const std::string& reason,
                    TrackerOutput& out) {
    auto it = c.agent_states.find(agent);
    if (it == c.agent_states.end() || !it->second.ringing) return;
    it->second.ringing = false;
    emit(c, CallEventKind::RingingStopped, at, agent, reason, out);
  }

  void answered(Call& c, const std::string& agent, Timestamp at, TrackerOutput& out) {
    const Direction dir = direction(c);
    if (dir == Direction::Outbound) {
      if (c.answered_at) return;
      c.answered_at = at;
      c.last_answer_agent = c.origin_agent;
      add_talker(c, c.origin_agent);
      emit(c, CallEventKind::Answered, at, c.origin_agent, {}, out);
      return;
    }
    auto& st = c.agent_states[agent];
    if (st.answered) return;
    st.answered = true;
    st.ringing = false;
    if (!c.answered_at) c.answered_at = at;
    if (dir == Direction::Internal && !c.origin_agent.empty()) add_talker(c, c.origin_agent);
    add_talker(c, agent);
    c.last_answer_agent = agent;
    emit(c, CallEventKind::Answered, at, agent, {}, out);
    for (auto& [other, ost] : c.agent_states)
      if (other != agent && ost.ringing) stop_ringing(c, other, at, "answered_elsewhere", out);
  }

  void on_state(const PbxEvent& ev, Channel& ch, Call& call, TrackerOutput& out) {
    ch.state = ev.channel.state;
    Call& c =
        (ch.state == kStateRinging || ch.state == kStateUp) && is_unannounced_consultation(call, ch)
            ? start_consultation(call, ch, nullptr)
            : call;
    if (ch.state == kStateBusy && !ch.agent.empty() && !is_origin_leg(c, ch)) c.busy = true;
    if (is_origin_leg(c, ch)) {
      // Click-to-call: the agent picked up their own phone; the call itself
      // is answered when the customer does.
      if (ch.state == kStateUp && !c.origin_agent.empty()) {
        stop_ringing(c, c.origin_agent, ev.at, "picked_up", out);
        // The placing agent is on the line even if the customer never answers.
        add_talker(c, c.origin_agent);
      }
      return;
    }
    if (ch.state == kStateUp && is_voicemail_leg(c, ch)) {
      // VoiceMail() answers the channel: that is not a person answering.
      if (!ch.agent.empty()) stop_ringing(c, ch.agent, ev.at, "voicemail", out);
      return;
    }
    if (ch.agent.empty() && !ch.forwarded_for.empty() && ch.state == kStateUp &&
        direction(c) != Direction::Outbound) {
      answered(c, ch.forwarded_for, ev.at, out);
      return;
    }
    if (!ch.agent.empty()) {
      if (ch.state == kStateRinging) agent_ringing(c, ch.agent, ev.at, out);
      if (ch.state == kStateUp) answered(c, ch.agent, ev.at, out);
    } else if (ch.state == kStateUp && direction(c) == Direction::Outbound &&
               is_external_leg(c, ch)) {
      answered(c, {}, ev.at, out);
    }
  }

  void on_dial_state(const PbxEvent& ev, TrackerOutput& out) {
    Channel* dest = find_channel(ev.peer.uniqueid);
    if (!dest) return;
    Call* c = call_of(*dest);
    if (!c || is_origin_leg(*c, *dest)) return;
    if (ev.text == "RINGING" && is_unannounced_consultation(*c, *dest))
      c = &start_consultation(*c, *dest, nullptr);
    if (ev.text == "RINGING" && !dest->agent.empty()) agent_ringing(*c, dest->agent, ev.at, out);
  }

  void on_dial_end(const PbxEvent& ev, TrackerOutput& out) {
    Channel* dest = find_channel(ev.peer.uniqueid);
    if (!dest) {
      ++stats.unknown_channel_events;
      return;
    }
    Call* c = call_of(*dest);
    if (!c || is_origin_leg(*c, *dest)) return;
    const std::string& status = ev.text;
    if (!ev.variable.empty() && !dest->agent.empty()) {
      // The agent's phone forwarded the call (Forward: where to).
      c->forward_agent = dest->agent;
      stop_ringing(*c, dest->agent, ev.at, "forwarded", out);
      return;
    }
    if (status == "BUSY") c->busy = true;
    if (status == "CONGESTION" || status == "CHANUNAVAIL") c->failed_dial = true;
    if (status == "ANSWER") {
      if (!dest->agent.empty())
        answered(*c, dest->agent, ev.at, out);
      else if (direction(*c) == Direction::Outbound && is_external_leg(*c, *dest))
        answered(*c, {}, ev.at, out);
      return;
    }
    if (!dest->agent.empty()) {
      const std::string reason = status == "NOANSWER" ? "timeout"
                                 : status == "CANCEL"
                                     ? (c->origin_gone ? "caller_left" : "cancelled")
                                 : status == "BUSY" ? "busy"
                                                    : "failed";
      stop_ringing(*c, dest->agent, ev.at, reason, out);
    }
  }

  void on_hangup(const PbxEvent& ev, Channel& ch, Call& c, TrackerOutput& out) {
    const int cause = ev.cause;
    if (cause == 17) c.busy = c.busy || !ch.agent.empty() || is_external_leg(c, ch);
    if (cause > 0) {
      if (c.any_cause == 0) c.any_cause = cause;
      const bool customer_leg = direction(c) == Direction::Outbound ? is_external_leg(c, ch)
                                : direction(c) == Direction::Internal
                                    ? (!ch.agent.empty() && ch.agent == c.dest_agent)
                                    : is_origin_leg(c, ch);
      if (customer_leg && c.customer_cause == 0) c.customer_cause = cause;
    }
    if (is_origin_leg(c, ch)) c.origin_gone = true;
    if (!ch.agent.empty() && !is_origin_leg(c, ch))
      stop_ringing(c, ch.agent, ev.at, c.origin_gone ? "caller_left" : "hangup", out);
    drop_member(c, ch.uniqueid);
    remember_gone(ch.uniqueid);
    channels.erase(ch.uniqueid);  // `ch` is dangling from here on
    if (c.members.empty()) end_call(c, ev.at, out);
  }

  // The last kRecentlyGone channels that hung up.
  static constexpr std::size_t kRecentlyGone = 1024;
  std::unordered_set<std::string> recently_gone;
  std::deque<std::string> gone_order;

  void remember_gone(const std::string& uid) {
    if (!recently_gone.insert(uid).second) return;
    gone_order.push_back(uid);
    if (gone_order.size() > kRecentlyGone) {
      recently_gone.erase(gone_order.front());
      gone_order.pop_front();
    }
  }

  void end_call(Call& c, Timestamp at, TrackerOutput& out) {
    for (auto& [agent, st] : c.agent_states)
      if (st.ringing)
        stop_ringing(c, agent, at, c.answered_at ? "answered_elsewhere" : "caller_left", out);
    if (c.queue_joined) {
      // Still queued when the caller hung up, but no QueueCallerAbandon
      // reached us (lost while disconnected): abandoned all the same.
      leave_queue(c, at);
      if (c.origin_gone && !c.answered_at && !c.abandoned) {
        c.abandoned = true;
        emit(c, CallEventKind::Abandoned, at, {}, {}, out);
      }
    }
    CallRecord rec = snapshot(c);
    rec.ended_at = std::max(at, c.started_at);
    const Timestamp answered =
        c.answered_at ? std::clamp(*c.answered_at, c.started_at, *rec.ended_at) : *rec.ended_at;
    // PBX clocks can step back a little (and hostile input a lot): the
    // record is kept ordered, started <= answered <= ended.
    if (c.answered_at) rec.answered_at = answered;
    rec.ring_s = seconds_between(c.started_at, answered);
    rec.talk_s = c.answered_at ? seconds_between(answered, *rec.ended_at) : 0.0;
    rec.hangup_cause = c.customer_cause ? c.customer_cause : c.any_cause;
    if (c.answered_at) {
      rec.disposition = Disposition::Answered;
    } else if (c.abandoned) {
      rec.disposition = Disposition::Abandoned;
    } else if (!c.voicemail_legs.empty()) {
      rec.disposition = Disposition::Voicemail;
    } else if (c.busy) {
      rec.disposition = Disposition::Busy;
    } else if (c.failed_dial || is_failure_cause(rec.hangup_cause)) {
      // An inbound call that rang an agent and was then dropped is missed,
      // not failed: someone could have answered it.
      rec.disposition =
          (rec.direction != Direction::Outbound && c.any_agent_dialled && !c.failed_dial)
              ? Disposition::Missed
              : Disposition::Failed;
    } else {
      rec.disposition = Disposition::Missed;
    }
    CallEvent e;
    e.kind = CallEventKind::Ended;
    e.call_id = c.call_id;
    e.seq = ++c.seq;
    e.occurred_at = *rec.ended_at;
    e.agent = rec.agent;
    e.call = rec;
    out.events.push_back(std::move(e));
    out.records.push_back(std::move(rec));
    ++stats.calls_ended;
    if (!c.parent_key.empty())
      if (Call* parent = find_call(c.parent_key); parent && parent->consult_key == c.linkedid)
        parent->consult_key.clear();
    const std::string key = c.linkedid;
    calls.erase(key);
  }

  bool is_voicemail_leg(const Call& c, const Channel& ch) const {
    return holds_leg(c.voicemail_legs, ch);
  }

  void on_application(const PbxEvent& ev, Channel& ch, Call& c) {
    const std::string_view app = ev.text;
    const bool voicemail = std::equal(app.begin(), app.end(), std::string_view("voicemail").begin(),
                                      std::string_view("voicemail").end(), [](char a, char b) {
                                        return std::tolower(static_cast<unsigned char>(a)) == b;
                                      });
    if (voicemail) add_leg(c.voicemail_legs, ch);
  }

  void leave_queue(Call& c, Timestamp at) {
    if (!c.queue_joined) return;
    if (at > *c.queue_joined) c.wait_s += seconds_between(*c.queue_joined, at);
    c.queue_joined.reset();
  }

  void on_queue(const PbxEvent& ev, Call& c, TrackerOutput& out) {
    switch (ev.kind) {
      case PbxEventKind::QueueCallerJoin:
        if (c.queue_joined) leave_queue(c, ev.at);  // moved straight to another queue
        c.queue = ev.queue;
        c.queue_joined = ev.at;
        emit(c, CallEventKind::Queued, ev.at, {}, {}, out).position = ev.position;
        break;
      case PbxEventKind::QueueCallerLeave:
        leave_queue(c, ev.at);
        break;
      case PbxEventKind::QueueCallerAbandon:
        leave_queue(c, ev.at);
        c.origin_gone = true;  // members still ringing stop because the caller left
        if (c.answered_at || c.abandoned) break;
        c.abandoned = true;
        emit(c, CallEventKind::Abandoned, ev.at, {}, {}, out).position = ev.position;
        break;
      case PbxEventKind::AgentRingNoAnswer:
        if (Channel* member = find_channel(ev.peer.uniqueid); member && !member->agent.empty())
          if (Call* mc = call_of(*member)) stop_ringing(*mc, member->agent, ev.at, "timeout", out);
        break;
      default:
        break;
    }
  }

  std::string transfer_target(const Call& c, const std::string& raw) const {
    if (is_agent(raw)) return raw;
    return normalize(c, raw);
  }

  void on_blind_transfer(const PbxEvent& ev, TrackerOutput& out) {
    if (ev.variable == "Fail") return;
    Channel* transferer = find_channel(ev.channel.uniqueid);
    Channel* transferee = find_channel(ev.peer.uniqueid);
    Call* c = transferer ? call_of(*transferer) : transferee ? call_of(*transferee) : nullptr;
    if (!c) {
      ++stats.unknown_channel_events;
      return;
    }
    Transfer t;
    t.type = "blind";
    t.from_agent =
        transferer && !transferer->agent.empty() ? transferer->agent : c->last_answer_agent;
    t.to = transfer_target(*c, ev.text);
    t.at = ev.at;
    c->transfers.push_back(t);
    emit(*c, CallEventKind::Transferred, ev.at, t.from_agent, t.type, out);
  }

  // The consultation becomes the customer's conversation: its channels join
  // the customer call, the target agent is now talking with the customer,
  // and the consultation leg ends here.
  void on_attended_transfer(const PbxEvent& ev, TrackerOutput& out) {
    if (ev.variable == "Fail") return;
    Channel* first = find_channel(ev.channel.uniqueid);  // transferer, customer side
    Channel* second = find_channel(ev.peer.uniqueid);    // transferer, consultation side
    Call* c = first ? call_of(*first) : nullptr;
    if (c && !c->parent_key.empty()) c = find_call(c->parent_key);
    if (!c) {
      ++stats.unknown_channel_events;
      return;
    }
    Call* k = c->consult_key.empty() ? nullptr : find_call(c->consult_key);
    if (!k && second) {
      // Phones doing the transfer themselves: the consultation was a call of
      // its own (another Linkedid).
      if (Call* other = call_of(*second); other && other != c) k = other;
    }
    Transfer t;
    t.type = "attended";
    t.from_agent = first && !first->agent.empty() ? first->agent : c->last_answer_agent;
    t.at = ev.at;
    if (k) {
      t.to = k->dest_is_agent ? k->dest_agent : normalize(*k, k->dialled_raw);
      t.consult_call_id = k->call_id;
      if (k->parent_call_id.empty()) k->parent_call_id = c->call_id;
    } else {
      t.to = transfer_target(*c, parse_channel_name(ev.text).exten);
    }
    c->transfers.push_back(t);
    emit(*c, CallEventKind::Transferred, ev.at, t.from_agent, t.type, out);
    if (!k) return;
    std::vector<Channel*> moved = channels_of(*k);
    for (Channel* ch : moved) move_channel(*ch, *k, *c);
    for (Channel* ch : moved) {
      if (ch->agent.empty() || ch->agent == t.from_agent) continue;
      if (ch->state == kStateUp)
        answered(*c, ch->agent, ev.at, out);
      else if (ch->state == kStateRinging)
        agent_ringing(*c, ch->agent, ev.at, out);
    }
    end_call(*k, ev.at, out);
  }

  // Directed or group pickup: the picking agent's channel joins the ringing
  // call and answers it; the others stop ringing (answered elsewhere).
  void on_pickup(const PbxEvent& ev, TrackerOutput& out) {
    Channel* picker = find_channel(ev.channel.uniqueid);
    Channel* target = find_channel(ev.peer.uniqueid);
    Call* c = target ? call_of(*target) : nullptr;
    if (!picker || !c) {
      ++stats.unknown_channel_events;
      return;
    }
    Call* own = call_of(*picker);
    const std::string agent = picker->agent;
    if (own && own != c) {
      for (Channel* leg : leg_channels(*own, *picker)) move_channel(*leg, *own, *c);
      if (own->members.empty()) {
        // The picker's "*8" call was never a conversation of its own.
        if (own->seq == 0) {
          forget_call_id(own->call_id);
          calls.erase(own->linkedid);
        } else {
          end_call(*own, ev.at, out);
        }
      }
    }
    if (!agent.empty()) answered(*c, agent, ev.at, out);
  }

  void on_var_set(const PbxEvent& ev, Channel& ch, Call& c) {
    (void)ch;
    if (ev.variable != cfg.link_variable || ev.text.empty()) return;
    if (c.seq > 0) {
      ++stats.late_call_id_links;  // ids already went out: keep them stable
      return;
    }
    forget_call_id(c.call_id);
    c.call_id = unique_call_id(ev.text);
  }

  // A call id is never given to two calls of one tracker: a repeated
  // Linkedid (a PBX replaying history) or a repeated link variable gets
  // "#2", "#3"... Otherwise the second call's events would collide with the
  // first's (same call_id and seq) and be dropped as duplicates downstream.
  // Remembers the last kMaxRememberedIds ids.
  static constexpr std::size_t kMaxRememberedIds = 100000;
  std::unordered_map<std::string, std::uint32_t> used_ids;
  std::deque<std::string> used_order;

  std::string unique_call_id(const std::string& wanted) {
    auto [it, fresh] = used_ids.try_emplace(wanted, 1);
    std::string id = wanted;
    if (!fresh) {
      ++stats.repeated_call_ids;
      id = wanted + "#" + std::to_string(++it->second);
    }
    if (fresh) {
      used_order.push_back(wanted);
      if (used_order.size() > kMaxRememberedIds) {
        used_ids.erase(used_order.front());
        used_order.pop_front();
      }
    }
    return id;
  }

  // The default id was never sent (the link variable replaces it before any
  // event), so it may be used again.
  void forget_call_id(const std::string& id) {
    auto it = used_ids.find(id);
    if (it != used_ids.end() && it->second == 1) {
      used_ids.erase(it);
      // Its entry in used_order ages out harmlessly (erase of a missing key).
    }
  }

  void on_resync_channel(const PbxEvent& ev) {
    if (Channel* ch = find_channel(ev.channel.uniqueid)) {
      ch->resync_generation = resync_generation;
      ch->state = ev.channel.state;
      return;
    }
    // A channel that appeared while we were away: adopt it with what the
    // PBX still knows (its age gives an approximate start).
    const Timestamp created = ev.at - std::chrono::microseconds(std::int64_t(ev.hold_s * 1e6));
    const bool new_call =
        !calls.count(ev.channel.linkedid.empty() ? ev.channel.uniqueid : ev.channel.linkedid);
    add_channel(ev, ev.channel, created);
    Channel* ch = find_channel(ev.channel.uniqueid);
    Call* c = ch ? call_of(*ch) : nullptr;
    if (!ch || !c) return;
    if (new_call) c->adopted_in_resync = true;
    const bool renamed = c->adopted_in_resync && ev.variable == cfg.link_variable &&
                         !ev.text.empty() && ev.text != c->call_id;
    if (renamed) {
      // The click-to-call's own id (Status reports the variable): the store
      // knows the call by it.
      forget_call_id(c->call_id);
      c->call_id = unique_call_id(ev.text);
    }
    // Once per adopted call and id (the originate channel, listed first,
    // carries the variable, so a click-to-call is usually read once).
    if (new_call || renamed) load_stored(*c);
    if (!c->start_from_store && c->started_at > created) c->started_at = created;
    if (ch->state == kStateUp && !ch->agent.empty() && !is_origin_leg(*c, *ch)) {
      auto& st = c->agent_states[ch->agent];
      st.answered = true;
      if (!c->answered_at) c->answered_at = created;
      add_talker(*c, ch->agent);
      c->last_answer_agent = ch->agent;
    }
  }

  // What was already sent about an adopted call is the truth: its seq goes
  // on, and its times, agents, queue and transfers are kept.
  void load_stored(Call& c) {
    c.seq = cfg.last_seq ? cfg.last_seq(c.call_id) : 0;
    if (!cfg.stored_call) return;
    const auto rec = cfg.stored_call(c.call_id);
    if (!rec) return;
    c.start_from_store = true;
    c.started_at = rec->started_at;
    if (rec->answered_at) c.answered_at = rec->answered_at;
    for (const auto& agent : rec->agents) {
      c.agent_states[agent].answered = true;
      add_talker(c, agent);
    }
    if (!rec->agent.empty()) c.last_answer_agent = rec->agent;
    c.queue = rec->queue;
    c.wait_s = rec->wait_s;
    c.transfers = rec->transfers;
    c.parent_call_id = rec->parent_call_id;
  }

  void on_resync_complete(const PbxEvent& ev, TrackerOutput& out) {
    if (!resync_active) return;
    resync_active = false;
    for (auto& [key, c] : calls) c.adopted_in_resync = false;
    std::vector<std::string> gone;
    for (const auto& [uid, ch] : channels)
      if (ch.resync_generation < resync_generation) gone.push_back(uid);
    for (const auto& uid : gone) {
      Channel* ch = find_channel(uid);
      if (!ch) continue;
      Call* c = call_of(*ch);
      if (!c) {
        channels.erase(uid);
        continue;
      }
      c->incomplete = true;
      const bool last = c->members.size() == 1;
      PbxEvent hangup;
      hangup.kind = PbxEventKind::Hangup;
      hangup.at = ev.at;
      if (last) ++stats.calls_closed_by_resync;
      on_hangup(hangup, *ch, *c, out);
    }
  }

  void on_event(const PbxEvent& ev, TrackerOutput& out) {
    ++stats.events;
    switch (ev.kind) {
      case PbxEventKind::ChannelCreated:
        if (!find_channel(ev.channel.uniqueid)) add_channel(ev, ev.channel, ev.at);
        return;
      case PbxEventKind::ResyncChannel:
        on_resync_channel(ev);
        return;
      case PbxEventKind::ResyncComplete:
        on_resync_complete(ev, out);
        return;
      case PbxEventKind::DialBegin:
        on_dial_begin(ev, out);
        return;
      case PbxEventKind::DialState:
        on_dial_state(ev, out);
        return;
      case PbxEventKind::DialEnd:
        on_dial_end(ev, out);
        return;
      case PbxEventKind::BlindTransfer:
        on_blind_transfer(ev, out);
        return;
      case PbxEventKind::AttendedTransfer:
        on_attended_transfer(ev, out);
        return;
      case PbxEventKind::Pickup:
        on_pickup(ev, out);
        return;
      case PbxEventKind::OriginateResponse:
      case PbxEventKind::LocalBridge:
      case PbxEventKind::LocalOptimizationBegin:
      case PbxEventKind::LocalOptimizationEnd:
      case PbxEventKind::Cdr:
        return;  // not consumed (see consumed_kinds)
      default:
        break;
    }
    Channel* ch = find_channel(ev.channel.uniqueid);
    if (!ch) {
      // Asterisk sends a last NewCallerid/NewConnectedLine after some
      // Hangups: late, not unknown.
      if (recently_gone.count(ev.channel.uniqueid))
        ++stats.events_after_hangup;
      else
        ++stats.unknown_channel_events;
      return;
    }
    Call* c = call_of(*ch);
    if (!c) {
      ++stats.unknown_channel_events;
      return;
    }
    switch (ev.kind) {
      case PbxEventKind::ChannelState:
        on_state(ev, *ch, *c, out);
        break;
      case PbxEventKind::CallerIdChanged:
        on_caller_id(ev, *ch, *c);
        break;
      case PbxEventKind::ConnectedLineChanged:
        ch->connected_num = ev.channel.connected_num;
        break;
      case PbxEventKind::ChannelRenamed:
        ch->name = ev.text;
        break;
      case PbxEventKind::Hangup:
        on_hangup(ev, *ch, *c, out);
        break;
      case PbxEventKind::VarSet:
        on_var_set(ev, *ch, *c);
        break;
      case PbxEventKind::ApplicationStarted:
        on_application(ev, *ch, *c);
        break;
      case PbxEventKind::QueueCallerJoin:
      case PbxEventKind::QueueCallerLeave:
      case PbxEventKind::QueueCallerAbandon:
      case PbxEventKind::AgentRingNoAnswer:
        on_queue(ev, *c, out);
        break;
      default:
        break;
    }
  }
};

CallTracker::CallTracker(TrackerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
CallTracker::~CallTracker() = default;
CallTracker::CallTracker(CallTracker&&) noexcept = default;
CallTracker& CallTracker::operator=(CallTracker&&) noexcept = default;

void CallTracker::on_event(const PbxEvent& event, TrackerOutput& out) {
  impl_->on_event(event, out);
}

std::uint64_t CallTracker::consumed_kinds() {
  std::uint64_t mask = 0;
  for (PbxEventKind k :
       {PbxEventKind::ChannelCreated, PbxEventKind::ChannelState, PbxEventKind::ChannelRenamed,
        PbxEventKind::CallerIdChanged, PbxEventKind::DialBegin, PbxEventKind::DialState,
        PbxEventKind::DialEnd, PbxEventKind::Hangup, PbxEventKind::VarSet,
        PbxEventKind::ResyncChannel, PbxEventKind::ResyncComplete, PbxEventKind::QueueCallerJoin,
        PbxEventKind::QueueCallerLeave, PbxEventKind::QueueCallerAbandon,
        PbxEventKind::AgentRingNoAnswer, PbxEventKind::BlindTransfer,
        PbxEventKind::AttendedTransfer, PbxEventKind::Pickup, PbxEventKind::ApplicationStarted})
    mask |= std::uint64_t{1} << unsigned(k);
  return mask;
}

void CallTracker::begin_resync() {
  ++impl_->resync_generation;
  impl_->resync_active = true;
}

std::size_t CallTracker::active_calls() const { return impl_->calls.size(); }
std::size_t CallTracker::active_channels() const { return impl_->channels.size(); }

std::vector<CallRecord> CallTracker::live_calls() const {
  std::vector<CallRecord> out;
  for (const auto& [id, c] : impl_->calls) out.push_back(impl_->snapshot(c));
  std::sort(out.begin(), out.end(),
            [](const CallRecord& a, const CallRecord& b) { return a.started_at < b.started_at; });
  return out;
}

const TrackerStats& CallTracker::stats() const { return impl_->stats; }

std::string CallTracker::check_consistency() const {
  std::unordered_map<std::string, std::size_t> counted;
  for (const auto& [uid, ch] : impl_->channels) {
    if (uid != ch.uniqueid) return "channel " + uid + " stored under another uniqueid";
    if (!impl_->calls.count(ch.linkedid))
      return "channel " + uid + " belongs to no live call (" + ch.linkedid + ")";
    ++counted[ch.linkedid];
  }
  for (const auto& [key, c] : impl_->calls) {
    if (key != c.linkedid) return "call " + key + " stored under another key";
    const std::size_t n = counted.count(key) ? counted.at(key) : 0;
    if (n != c.members.size())
      return "call " + c.call_id + " counts " + std::to_string(c.members.size()) +
             " live channels, has " + std::to_string(n);
    if (n == 0) return "call " + c.call_id + " is live with no channel";
    for (const auto& uid : c.members) {
      auto it = impl_->channels.find(uid);
      if (it == impl_->channels.end() || it->second.linkedid != key)
        return "call " + c.call_id + " lists channel " + uid + " that is not its own";
    }
  }
  return {};
}

}  // namespace cti::core
