#include "connector/config/json_text.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connector/config/json_path.h"

namespace cti::config {
namespace {

using nlohmann::json;

// Where the parser currently is, so a duplicate key can be reported by path.
struct Frame {
  bool is_array = false;
  long index = -1;  // arrays: index of the current element
  std::string key;  // objects: the current key
  std::set<std::string> keys;
};

std::string frames_path(const std::vector<Frame>& frames) {
  std::string path = "$";
  for (const Frame& f : frames) {
    path = f.is_array ? index_path(path, static_cast<std::size_t>(f.index)) : key_path(path, f.key);
  }
  return path;
}

// nlohmann's message is "[json.exception.parse_error.101] parse error at line
// L, column C: <what>; last read: '<text>'". The "last read" part quotes the
// input (possibly a secret), so only the description before it is kept.
std::string describe_syntax_error(const json::parse_error& e) {
  std::string msg = e.what();
  const std::size_t at = msg.find(" at line ");
  if (at != std::string::npos)
    msg.erase(0, at + 1);
  else if (const std::size_t p = msg.find("] "); p != std::string::npos)
    msg.erase(0, p + 2);
  if (const std::size_t last = msg.find("; last read:"); last != std::string::npos) {
    msg.erase(last);
  }
  return "invalid JSON " + msg;
}

}  // namespace

std::expected<json, ConfigError> parse_json_text(std::string_view text) {
  std::vector<Frame> frames;
  std::optional<ConfigError> duplicate;

  auto on_child = [&frames] {
    if (!frames.empty() && frames.back().is_array) ++frames.back().index;
  };
  json::parser_callback_t cb = [&](int, json::parse_event_t event, json& parsed) -> bool {
    switch (event) {
      case json::parse_event_t::object_start:
        on_child();
        frames.emplace_back();
        break;
      case json::parse_event_t::array_start:
        on_child();
        frames.emplace_back();
        frames.back().is_array = true;
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames.empty()) frames.pop_back();
        break;
      case json::parse_event_t::key: {
        Frame& top = frames.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second && !duplicate) {
          duplicate = ConfigError{frames_path(frames), "duplicate key \"" + top.key + "\""};
        }
        break;
      }
      case json::parse_event_t::value:
        on_child();
        break;
    }
    return true;
  };

  try {
    json value = json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/true,
                             /*ignore_comments=*/false);
    if (duplicate) return std::unexpected(*duplicate);
    return value;
  } catch (const json::parse_error& e) {
    return std::unexpected(ConfigError{"$", describe_syntax_error(e)});
  }
}

}  // namespace cti::config
