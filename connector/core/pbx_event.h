#pragma once
// A PBX-neutral event: what a protocol mapper (AMI today, ESL next) produces
// and what CallTracker consumes. Owns its strings so it can outlive the
// parser buffer it came from.
#include <cstdint>
#include <string>
#include <string_view>

#include "connector/core/time.h"

namespace cti::core {

// The channel variable a click-to-call Originate sets to name its call; the
// tracker, the mapper and the resync (Status) all use this one name.
inline constexpr std::string_view kCallIdVariable = "CTI_CALL_ID";

// One channel as the PBX describes it in an event.
struct ChannelInfo {
  std::string name;        // "PJSIP/1001-0000002a", "Local/1001@agents-00000001;1"
  std::string uniqueid;    // unique per channel
  std::string linkedid;    // the id of the channel that started the call
  std::string caller_num;  // CallerIDNum ("<unknown>" kept as is)
  std::string caller_name;
  std::string connected_num;  // ConnectedLineNum
  std::string context;
  std::string exten;
  int state = -1;  // ChannelState (0 down, 4 ring, 5 ringing, 6 up, 7 busy)

  bool empty() const { return name.empty() && uniqueid.empty(); }
};

enum class PbxEventKind : std::uint8_t {
  ChannelCreated,        // Newchannel
  ChannelState,          // Newstate
  ChannelRenamed,        // Rename (text = new name)
  CallerIdChanged,       // NewCallerid
  ConnectedLineChanged,  // NewConnectedLine
  DialBegin,             // channel dials peer (channel may be empty when originated)
  DialState,             // text = DialStatus (RINGING, PROCEEDING, ...)
  DialEnd,        // text = DialStatus (ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL),
                  // variable = Forward (where the dialled phone forwarded the call)
  BridgeEnter,    // bridge_id
  BridgeLeave,    // bridge_id
  Hangup,         // cause (Q.850)
  HangupRequest,  // cause
  OriginateResponse,       // text = Response (Success/Failure), action_id, cause = Reason
  QueueCallerJoin,         // queue, position
  QueueCallerLeave,        // queue, position
  QueueCallerAbandon,      // queue, position, hold_s
  AgentCalled,             // queue; channel = caller, peer = member channel
  AgentConnect,            // queue; hold_s, ring_s
  AgentComplete,           // queue; text = Reason (caller/agent/transfer)
  AgentRingNoAnswer,       // queue
  BlindTransfer,           // channel = transferer, peer = transferee, text = target extension
  AttendedTransfer,        // channel = original transferer, peer = second transferer, text = result
  LocalBridge,             // channel = ;1, peer = ;2, flag = optimization allowed
  LocalOptimizationBegin,  // channel = ;1, peer = ;2
  LocalOptimizationEnd,
  Hold,
  Unhold,
  VarSet,              // variable, text = value (only variables the mapper keeps)
  Cdr,                 // channel.uniqueid; start/answer/end in cdr_* fields
  Pickup,              // channel = the picking-up channel, peer = the ringing channel picked up
  ApplicationStarted,  // Newexten of a watched dialplan app (text = app, e.g. VoiceMail)
  ResyncChannel,       // CoreShowChannel: a live channel reported after (re)connect
  ResyncComplete,      // CoreShowChannelsComplete
};

std::string_view to_string(PbxEventKind kind);

struct PbxEvent {
  PbxEventKind kind{};
  Timestamp at{};         // PBX time if the PBX said it, else arrival time
  bool pbx_time = false;  // true when `at` came from the PBX (Timestamp:)
  ChannelInfo channel;
  ChannelInfo peer;  // dial destination, bridge peer, LocalTwo, transferee...
  std::string bridge_id;
  std::string queue;
  std::string text;      // dial status, originate response, transfer target...
  std::string variable;  // VarSet name
  std::string action_id;
  int cause = 0;      // Q.850 hangup cause or originate reason
  int position = 0;   // queue position
  double hold_s = 0;  // queue hold time reported by the PBX
  double ring_s = 0;  // queue ring time reported by the PBX
  bool flag = false;
  // Cdr fields (1 s resolution in Asterisk's default CDR format).
  Timestamp cdr_start{}, cdr_answer{}, cdr_end{};
  bool cdr_answered = false;
};

}  // namespace cti::core
