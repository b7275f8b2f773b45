// String names of the domain enums: part of the public JSON contract.
#include "connector/core/call_event.h"
#include "connector/core/call_record.h"
#include "connector/core/pbx_event.h"

namespace cti::core {

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::Inbound:
      return "inbound";
    case Direction::Outbound:
      return "outbound";
    case Direction::Internal:
      return "internal";
  }
  return "inbound";
}

std::string_view to_string(Disposition d) {
  switch (d) {
    case Disposition::Answered:
      return "answered";
    case Disposition::Missed:
      return "missed";
    case Disposition::Busy:
      return "busy";
    case Disposition::Failed:
      return "failed";
    case Disposition::Abandoned:
      return "abandoned";
    case Disposition::Voicemail:
      return "voicemail";
  }
  return "failed";
}

std::string_view to_string(CallEventKind k) {
  switch (k) {
    case CallEventKind::Queued:
      return "call.queued";
    case CallEventKind::Ringing:
      return "call.ringing";
    case CallEventKind::RingingStopped:
      return "call.ringing_stopped";
    case CallEventKind::Answered:
      return "call.answered";
    case CallEventKind::Held:
      return "call.held";
    case CallEventKind::Resumed:
      return "call.resumed";
    case CallEventKind::Transferred:
      return "call.transferred";
    case CallEventKind::Abandoned:
      return "call.abandoned";
    case CallEventKind::Ended:
      return "call.ended";
  }
  return "call.unknown";
}

std::string_view to_string(PbxEventKind k) {
  switch (k) {
    case PbxEventKind::ChannelCreated:
      return "ChannelCreated";
    case PbxEventKind::ChannelState:
      return "ChannelState";
    case PbxEventKind::ChannelRenamed:
      return "ChannelRenamed";
    case PbxEventKind::CallerIdChanged:
      return "CallerIdChanged";
    case PbxEventKind::ConnectedLineChanged:
      return "ConnectedLineChanged";
    case PbxEventKind::DialBegin:
      return "DialBegin";
    case PbxEventKind::DialState:
      return "DialState";
    case PbxEventKind::DialEnd:
      return "DialEnd";
    case PbxEventKind::BridgeEnter:
      return "BridgeEnter";
    case PbxEventKind::BridgeLeave:
      return "BridgeLeave";
    case PbxEventKind::Hangup:
      return "Hangup";
    case PbxEventKind::HangupRequest:
      return "HangupRequest";
    case PbxEventKind::OriginateResponse:
      return "OriginateResponse";
    case PbxEventKind::QueueCallerJoin:
      return "QueueCallerJoin";
    case PbxEventKind::QueueCallerLeave:
      return "QueueCallerLeave";
    case PbxEventKind::QueueCallerAbandon:
      return "QueueCallerAbandon";
    case PbxEventKind::AgentCalled:
      return "AgentCalled";
    case PbxEventKind::AgentConnect:
      return "AgentConnect";
    case PbxEventKind::AgentComplete:
      return "AgentComplete";
    case PbxEventKind::AgentRingNoAnswer:
      return "AgentRingNoAnswer";
    case PbxEventKind::BlindTransfer:
      return "BlindTransfer";
    case PbxEventKind::AttendedTransfer:
      return "AttendedTransfer";
    case PbxEventKind::LocalBridge:
      return "LocalBridge";
    case PbxEventKind::LocalOptimizationBegin:
      return "LocalOptimizationBegin";
    case PbxEventKind::LocalOptimizationEnd:
      return "LocalOptimizationEnd";
    case PbxEventKind::Hold:
      return "Hold";
    case PbxEventKind::Unhold:
      return "Unhold";
    case PbxEventKind::VarSet:
      return "VarSet";
    case PbxEventKind::Cdr:
      return "Cdr";
    case PbxEventKind::Pickup:
      return "Pickup";
    case PbxEventKind::ApplicationStarted:
      return "ApplicationStarted";
    case PbxEventKind::ResyncChannel:
      return "ResyncChannel";
    case PbxEventKind::ResyncComplete:
      return "ResyncComplete";
  }
  return "Unknown";
}

}  // namespace cti::core
