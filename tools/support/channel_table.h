#pragma once
// Channels live at a replay position, rebuilt from the events replayed so far,
// so the replay server can answer CoreShowChannels the way Asterisk would at
// that moment of the recording.
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "tools/support/ami_capture.h"

namespace cti::tools {

// Field order of Asterisk's CoreShowChannel event.
inline constexpr std::array<std::string_view, 18> kChannelFields = {
    "Channel",           "ChannelState", "ChannelStateDesc",
    "CallerIDNum",       "CallerIDName", "ConnectedLineNum",
    "ConnectedLineName", "Language",     "AccountCode",
    "Context",           "Exten",        "Priority",
    "Uniqueid",          "Linkedid",     "Application",
    "ApplicationData",   "Duration",     "BridgeId"};

struct LiveChannel {
  std::array<std::string, kChannelFields.size()> values;
  double created_t = 0;
  std::vector<std::pair<std::string, std::string>> variables;  // from VarSet, latest value

  const std::string* variable(std::string_view name) const {
    for (const auto& [k, v] : variables)
      if (k == name) return &v;
    return nullptr;
  }

  std::string& at(std::string_view field) {
    for (std::size_t i = 0; i < kChannelFields.size(); ++i)
      if (kChannelFields[i] == field) return values[i];
    return values[0];  // unreachable for the names used below
  }
  const std::string& uniqueid() const { return values[12]; }
};

class ChannelTable {
 public:
  void clear() { channels_.clear(); }
  const std::vector<LiveChannel>& live() const { return channels_; }

  void apply(const CaptureFrame& f) {
    auto event = f.event();
    if (event.empty()) return;
    // Cdr/CEL describe finished channels; OriginateResponse carries the
    // originate request's context, not the channel's current one.
    if (event == "Cdr" || event == "CEL" || event == "OriginateResponse") return;
    const std::string* uid = find_header(f.headers, "Uniqueid");
    if (!uid) return;
    if (event == "Newchannel") {
      LiveChannel ch;
      ch.created_t = f.t;
      update_snapshot(ch, f.headers);
      ch.at("Uniqueid") = *uid;
      channels_.push_back(std::move(ch));
      return;
    }
    auto it = std::find_if(channels_.begin(), channels_.end(),
                           [&](const LiveChannel& c) { return c.uniqueid() == *uid; });
    if (it == channels_.end()) return;
    if (event == "Hangup") {
      channels_.erase(it);
      return;
    }
    update_snapshot(*it, f.headers);
    if (event == "Newexten") {
      if (auto* app = find_header(f.headers, "Application")) it->at("Application") = *app;
      if (auto* data = find_header(f.headers, "AppData")) it->at("ApplicationData") = *data;
    } else if (event == "Rename") {
      if (auto* name = find_header(f.headers, "Newname")) it->at("Channel") = *name;
    } else if (event == "BridgeEnter") {
      if (auto* b = find_header(f.headers, "BridgeUniqueid")) it->at("BridgeId") = *b;
    } else if (event == "BridgeLeave") {
      it->at("BridgeId").clear();
    } else if (event == "VarSet") {
      const std::string* name = find_header(f.headers, "Variable");
      const std::string* value = find_header(f.headers, "Value");
      if (name && value) {
        auto v = std::find_if(it->variables.begin(), it->variables.end(),
                              [&](const auto& kv) { return kv.first == *name; });
        if (v == it->variables.end())
          it->variables.emplace_back(*name, *value);
        else
          v->second = *value;
      }
    }
  }

 private:
  // Every channel event carries the channel snapshot (unprefixed fields);
  // copy whatever of it is present.
  static void update_snapshot(LiveChannel& ch, const Headers& h) {
    static constexpr std::array<std::string_view, 13> kSnapshot = {
        "Channel",           "ChannelState", "ChannelStateDesc",
        "CallerIDNum",       "CallerIDName", "ConnectedLineNum",
        "ConnectedLineName", "Language",     "AccountCode",
        "Context",           "Exten",        "Priority",
        "Linkedid"};
    for (auto name : kSnapshot)
      if (auto* v = find_header(h, name)) ch.at(name) = *v;
  }

  std::vector<LiveChannel> channels_;  // creation order
};

// "HH:MM:SS" like Asterisk's Duration field.
inline std::string format_duration(double seconds) {
  long s = seconds < 0 ? 0 : static_cast<long>(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

}  // namespace cti::tools
