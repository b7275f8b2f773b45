// ami-replay-server: a fake Asterisk AMI server that replays recorded captures
// (tests/fixtures/ami/*.ami) to whatever AMI client connects. Used by the demo
// and by the integration tests; see tools/README.md.
//
// One io_context thread. Each connection runs four coroutines: a reader that
// answers actions, a streamer that feeds capture frames, an originate player
// (--originate-capture) and the only writer (a queue), so responses never
// interleave with a half-written event.
//
// --originate-capture FILE makes Originate behave like a PBX doing a
// click-to-call: after the "queued" response, the connection is sent FILE's
// frames (without its own responses), with the recorded CTI_CALL_ID value
// replaced by the one in the action's Variable header(s) and the
// OriginateResponse's ActionID replaced by the action's. Each Originate plays
// FILE once, from the start, on its own connection, independently of the
// shared replay position of the positional captures.

// GCC 12 reports a false -Wmismatched-new-delete when it inlines Boost 1.74's
// awaitable frame allocator (operator new inside thread_info_base, the
// matching class operator delete); the pair is correct.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange without including it
// clang-format on

#include <openssl/evp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <cctype>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tools/support/ami_capture.h"
#include "tools/support/channel_table.h"
#include "tools/support/tool_util.h"

namespace asio = boost::asio;
using asio::ip::tcp;
using cti::tools::Capture;
using cti::tools::CaptureFrame;
using cti::tools::header_ci;
using cti::tools::iequals;

namespace {

struct Options {
  std::string listen = "127.0.0.1:15038";
  std::string username = "cti";
  std::string secret;
  bool md5_only = false;
  double speed = 1.0;
  bool loop = false;
  std::size_t split_max = 0;
  std::uint64_t drop_after_bytes = 0;
  std::string port_file;
  std::string log_actions;
  std::string originate_capture;
  std::vector<std::string> captures;
};

__attribute__((format(printf, 1, 2))) void log(const char* fmt, ...) {
  std::fprintf(stderr, "ami-replay-server: ");
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stderr, fmt, args);
  va_end(args);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

std::string md5_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

std::string response(std::string_view status, std::string_view action_id,
                     std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out = "Response: ";
  out.append(status).append("\r\n");
  if (!action_id.empty()) out.append("ActionID: ").append(action_id).append("\r\n");
  for (auto [k, v] : fields) out.append(k).append(": ").append(v).append("\r\n");
  return out + "\r\n";
}

// The replay position is shared by all connections: a client that reconnects
// continues where the previous connection stopped, and CoreShowChannels
// reports the channels live at that point of the recording.
struct Replay {
  std::vector<Capture> captures;
  std::size_t capture = 0;
  std::size_t frame = 0;
  cti::tools::ChannelTable table;
  double now_t = 0;  // recorded time of the last replayed frame
  std::uint64_t bytes_sent = 0;
  bool dropped = false;
  unsigned originate_plays = 0;  // across connections: each playback gets new ids

  void skip_empty() {
    while (capture < captures.size() && frame >= captures[capture].frames.size()) {
      ++capture;
      frame = 0;
    }
  }
  bool at_end() {
    skip_empty();
    return capture >= captures.size();
  }
  const CaptureFrame& current() const { return captures[capture].frames[frame]; }
  void advance() {
    ++frame;
    skip_empty();
  }
  void restart() {
    capture = frame = 0;
    table.clear();
    now_t = 0;
  }
};

constexpr std::size_t kMaxQueued = 64;  // bounds memory when streaming at full speed
constexpr std::size_t kMaxActionBytes = 64 * 1024;
constexpr std::size_t kMaxPendingOriginates = 64;  // playbacks waiting per connection
constexpr std::string_view kCallIdVariable = "CTI_CALL_ID";

// The capture played on each Originate (--originate-capture), loaded once.
struct OriginateCapture {
  Capture capture;
  // The CTI_CALL_ID the recording's Originate set, from its first
  // "Variable: CTI_CALL_ID" / "Value: ..." frame (VarSet); empty when none.
  std::string call_id;
};

std::string find_recorded_call_id(const Capture& cap) {
  for (const auto& f : cap.frames) {
    const std::string* var = cti::tools::find_header(f.headers, "Variable");
    const std::string* value = cti::tools::find_header(f.headers, "Value");
    if (var && value && *var == kCallIdVariable && !value->empty()) return *value;
  }
  return {};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// CTI_CALL_ID from an Originate's "Variable: a=1,b=2" header(s) (Asterisk
// accepts several pairs per header and several headers; the last one set
// wins). Empty when absent or set to nothing.
std::string originate_call_id(const cti::tools::Headers& h) {
  std::string out;
  for (const auto& [key, value] : h) {
    if (!iequals(key, "Variable")) continue;
    std::string_view rest = value;
    for (;;) {
      const auto comma = rest.find(',');
      std::string_view pair = rest.substr(0, comma);
      const auto eq = pair.find('=');
      if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == kCallIdVariable)
        out = std::string(trim(pair.substr(eq + 1)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

// Sets the value of the first `name:` line of a raw frame (CRLF or LF);
// an empty value removes the line.
// The nth playback (n >= 1) of the originate capture must look like a new
// call, as it would on a real PBX: every uniqueid/linkedid "E.S" becomes
// "E.(S + n*100000)" and every channel counter "-0000000a;" is moved by
// n*0x100000, in the values of headers named *Uniqueid, *Linkedid and
// *Channel. Times are left alone.
void renumber_ids(std::string& frame, unsigned n) {
  if (n == 0) return;
  std::string out;
  out.reserve(frame.size() + 64);
  std::size_t pos = 0;
  while (pos < frame.size()) {
    std::size_t eol = frame.find('\n', pos);
    if (eol == std::string::npos) eol = frame.size();
    std::string line = frame.substr(pos, eol - pos);
    const auto colon = line.find(": ");
    if (colon != std::string::npos) {
      const std::string name = line.substr(0, colon);
      std::string value = line.substr(colon + 2);
      const bool cr = !value.empty() && value.back() == '\r';
      if (cr) value.pop_back();
      auto ends = [&](std::string_view suffix) {
        return name.size() >= suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
      };
      if (ends("Uniqueid") || ends("Linkedid")) {
        const auto dot = value.find('.');
        if (dot != std::string::npos && dot + 1 < value.size() &&
            value.find_first_not_of("0123456789", dot + 1) == std::string::npos)
          value = value.substr(0, dot + 1) +
                  std::to_string(std::stoull(value.substr(dot + 1)) + 100000ULL * n);
      } else if (ends("Channel")) {
        // "Local/1001@agents-00000000;1": 8 hex digits after the last '-'.
        const auto dash = value.rfind('-');
        if (dash != std::string::npos && dash + 9 <= value.size() &&
            std::all_of(value.begin() + dash + 1, value.begin() + dash + 9,
                        [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
          char counter[9];
          std::snprintf(counter, sizeof counter, "%08lx",
                        std::stoul(value.substr(dash + 1, 8), nullptr, 16) + 0x100000UL * n);
          value.replace(dash + 1, 8, counter, 8);
        }
      }
      line = name + ": " + value + (cr ? "\r" : "");
    }
    out += line;
    if (eol < frame.size()) out += '\n';
    pos = eol + 1;
  }
  frame = std::move(out);
}

void set_header_value(std::string& frame, std::string_view name, std::string_view value) {
  for (std::size_t line = 0; line < frame.size();) {
    auto eol = frame.find('\n', line);
    if (eol == std::string::npos) eol = frame.size();
    std::string_view text(frame.data() + line, eol - line);
    if (text.size() > name.size() && text[name.size()] == ':' &&
        iequals(text.substr(0, name.size()), name)) {
      if (value.empty()) {
        frame.erase(line, std::min(eol + 1, frame.size()) - line);
      } else {
        const std::size_t end = text.ends_with('\r') ? eol - 1 : eol;
        frame.replace(line, end - line, std::string(name) + ": " + std::string(value));
      }
      return;
    }
    line = eol + 1;
  }
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Replay& replay, const OriginateCapture* originate, const Options& opt,
          int id)
      : socket_(std::move(socket)),
        replay_(replay),
        originate_(originate),
        opt_(opt),
        id_(id),
        wake_writer_(socket_.get_executor()),
        wake_streamer_(socket_.get_executor()),
        wake_originator_(socket_.get_executor()),
        pace_(socket_.get_executor()),
        originate_pace_(socket_.get_executor()),
        split_rng_(static_cast<unsigned>(opt.split_max * 7919 + id)) {}

  void start() {
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    auto ep = socket_.remote_endpoint(ec);
    log("[conn %d] connected from %s:%u", id_, ep.address().to_string().c_str(), ep.port());
    send("Asterisk Call Manager/11.0.0\r\n");
    auto ex = socket_.get_executor();
    asio::co_spawn(ex, reader(shared_from_this()), asio::detached);
    asio::co_spawn(ex, writer(shared_from_this()), asio::detached);
    asio::co_spawn(ex, streamer(shared_from_this()), asio::detached);
    if (originate_) asio::co_spawn(ex, originator(shared_from_this()), asio::detached);
  }

 private:
  struct Out {
    std::string data;
    bool close_after = false;
    const char* reason = "";
  };

  // One queued click-to-call playback of the originate capture.
  struct Playback {
    std::string call_id;    // CTI_CALL_ID of the Originate; empty = play unchanged
    std::string action_id;  // ActionID of the Originate; empty = no ActionID
    unsigned serial = 0;    // 0 for the server's first playback (recorded ids)
  };

  // Waiting coroutines re-check their conditions on these.
  void wake_producers() {
    wake_streamer_.cancel();
    wake_originator_.cancel();
  }

  void send(std::string data) { queue(Out{std::move(data)}); }
  void send_and_close(std::string data, const char* reason) {
    closing_ = true;
    queue(Out{std::move(data), true, reason});
    wake_producers();
  }
  void queue(Out out) {
    outq_.push_back(std::move(out));
    wake_writer_.cancel();
  }

  void close(const char* reason) {
    if (!open_) return;
    open_ = false;
    closing_ = true;
    log("[conn %d] closed: %s", id_, reason);
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    wake_writer_.cancel();
    wake_producers();
    pace_.cancel();
    originate_pace_.cancel();
  }

  // A timer that never expires is the condition variable of a coroutine:
  // cancel() wakes it. Single-threaded, so no wake-up is lost between the
  // condition check and the wait.
  static asio::awaitable<void> wait(asio::steady_timer& t) {
    t.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<void> writer(std::shared_ptr<Session>) {
    std::uniform_int_distribution<std::size_t> chunk(1, opt_.split_max ? opt_.split_max : 1);
    for (;;) {
      while (open_ && outq_.empty()) co_await wait(wake_writer_);
      if (!open_) co_return;
      Out out = std::move(outq_.front());
      outq_.pop_front();
      wake_producers();
      std::string_view rest = out.data;
      while (!rest.empty()) {
        std::size_t n = opt_.split_max ? std::min(rest.size(), chunk(split_rng_)) : rest.size();
        boost::system::error_code ec;
        co_await asio::async_write(socket_, asio::buffer(rest.data(), n),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          close("write failed");
          co_return;
        }
        rest.remove_prefix(n);
      }
      if (out.close_after) {
        close(out.reason);
        co_return;
      }
    }
  }

  asio::awaitable<void> reader(std::shared_ptr<Session>) {
    std::string buffer;
    std::array<char, 4096> chunk{};
    while (open_ && !closing_) {
      boost::system::error_code ec;
      std::size_t n = co_await socket_.async_read_some(
          asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        close(ec == asio::error::eof ? "client closed the connection" : "read failed");
        co_return;
      }
      buffer.append(chunk.data(), n);
      for (auto& frame : cti::tools::take_frames(buffer)) {
        handle_action(frame);
        if (closing_) co_return;
      }
      if (buffer.size() > kMaxActionBytes) {
        close("action too large");
        co_return;
      }
    }
  }

  asio::awaitable<void> streamer(std::shared_ptr<Session>) {
    std::size_t base_capture = static_cast<std::size_t>(-1);
    auto base = std::chrono::steady_clock::now();
    double base_t = 0;
    for (;;) {
      while (open_ && !closing_ && !events_on_) co_await wait(wake_streamer_);
      if (!open_ || closing_) co_return;
      Replay& r = replay_;
      if (r.at_end()) {
        if (!opt_.loop || r.captures.empty()) {  // nothing to loop over: idle, never spin
          log("[conn %d] %s; idle until logoff", id_,
              r.captures.empty() ? "no captures to stream" : "all captures sent");
          while (open_ && !closing_) co_await wait(wake_streamer_);
          co_return;
        }
        log("[conn %d] all captures sent; looping", id_);
        r.restart();
        base_capture = static_cast<std::size_t>(-1);
        continue;
      }
      const CaptureFrame& f = r.current();
      if (f.own_response) {
        r.advance();
        continue;
      }
      if (opt_.speed > 0 && r.captures[r.capture].timed) {
        if (r.capture != base_capture) {
          base_capture = r.capture;
          base = std::chrono::steady_clock::now();
          base_t = f.t;
        }
        auto due = base + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>((f.t - base_t) / opt_.speed));
        if (due > std::chrono::steady_clock::now()) {
          pace_.expires_at(due);
          boost::system::error_code ec;
          co_await pace_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
          continue;  // re-check everything: the world may have changed while waiting
        }
      }
      if (outq_.size() >= kMaxQueued) {
        co_await wait(wake_streamer_);
        continue;
      }
      std::string bytes = f.bytes;
      r.table.apply(f);
      r.now_t = f.t;
      r.bytes_sent += bytes.size();
      r.advance();
      if (opt_.drop_after_bytes > 0 && !r.dropped && r.bytes_sent >= opt_.drop_after_bytes) {
        r.dropped = true;
        log("[conn %d] dropping the connection after %llu capture bytes", id_,
            static_cast<unsigned long long>(r.bytes_sent));
        send_and_close(std::move(bytes), "--drop-after-bytes reached");
        co_return;
      }
      send(std::move(bytes));
    }
  }

  // Plays the originate capture once per queued Originate, one after the
  // other, through the same writer queue as everything else (bounded by
  // kMaxQueued, paced by --speed like the streamer, only while events are
  // on). The first playback uses the recorded channel names and uniqueids;
  // later ones get new ones (renumber_ids), as a real PBX's new calls would.
  asio::awaitable<void> originator(std::shared_ptr<Session>) {
    const Capture& cap = originate_->capture;
    for (;;) {
      while (open_ && !closing_ && originates_.empty()) co_await wait(wake_originator_);
      if (!open_ || closing_) co_return;
      const Playback p = std::move(originates_.front());
      originates_.pop_front();
      log("[conn %d] originate playback of %s (CTI_CALL_ID %s) started", id_, cap.name.c_str(),
          p.call_id.empty() ? "unchanged" : p.call_id.c_str());
      bool based = false;
      auto base = std::chrono::steady_clock::now();
      double base_t = 0;
      for (std::size_t i = 0; i < cap.frames.size();) {
        if (!open_ || closing_) co_return;
        const CaptureFrame& f = cap.frames[i];
        if (f.own_response) {
          ++i;
          continue;
        }
        if (!events_on_) {
          co_await wait(wake_originator_);
          continue;
        }
        if (opt_.speed > 0 && cap.timed) {
          if (!based) {
            based = true;
            base = std::chrono::steady_clock::now();
            base_t = f.t;
          }
          auto due = base + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>((f.t - base_t) / opt_.speed));
          if (due > std::chrono::steady_clock::now()) {
            originate_pace_.expires_at(due);
            boost::system::error_code ec;
            co_await originate_pace_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;  // re-check: the connection may have closed meanwhile
          }
        }
        if (outq_.size() >= kMaxQueued) {
          co_await wait(wake_originator_);
          continue;
        }
        send(originate_frame(f, p));
        ++i;
      }
      log("[conn %d] originate playback of %s finished", id_, cap.name.c_str());
    }
  }

  std::string originate_frame(const CaptureFrame& f, const Playback& p) const {
    std::string bytes = f.bytes;
    renumber_ids(bytes, p.serial);
    if (!p.call_id.empty()) replace_all(bytes, originate_->call_id, p.call_id);
    if (f.event() == "OriginateResponse" && cti::tools::find_header(f.headers, "ActionID"))
      set_header_value(bytes, "ActionID", p.action_id);
    return bytes;
  }

  void queue_originate(const cti::tools::Headers& h, const std::string& id) {
    if (!originate_) return;
    if (originates_.size() >= kMaxPendingOriginates) {
      log("[conn %d] originate (ActionID %s) not played: %zu playbacks already pending", id_,
          id.c_str(), originates_.size());
      return;
    }
    Playback p{originate_call_id(h), id, replay_.originate_plays++};
    if (p.call_id.empty())
      log("[conn %d] originate (ActionID %s) has no %s variable: playing %s unchanged", id_,
          id.c_str(), kCallIdVariable.data(), originate_->capture.name.c_str());
    if (!originates_.empty())
      log("[conn %d] originate (ActionID %s) queued behind %zu playback(s)", id_, id.c_str(),
          originates_.size());
    originates_.push_back(std::move(p));
    wake_originator_.cancel();
  }

  void log_action(std::string_view raw) {
    if (opt_.log_actions.empty()) return;
    std::ofstream out(opt_.log_actions, std::ios::app | std::ios::binary);
    out << raw;
  }

  void handle_action(const std::string& raw) {
    auto h = cti::tools::parse_headers(raw);
    if (h.empty()) return;  // stray blank lines
    log_action(raw);
    std::string action = header_ci(h, "Action");
    std::string id = header_ci(h, "ActionID");
    auto reply = [&](std::string data, const char* outcome) {
      log("[conn %d] action %s (ActionID %s) -> %s", id_, action.c_str(), id.c_str(), outcome);
      send(std::move(data));
    };
    if (action.empty()) {
      reply(response("Error", id, {{"Message", "Missing action in request"}}), "Error");
    } else if (iequals(action, "Ping")) {
      auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch());
      char ts[64];
      std::snprintf(ts, sizeof ts, "%.6f", now.count());
      reply(response("Success", id, {{"Ping", "Pong"}, {"Timestamp", ts}}), "Pong");
    } else if (iequals(action, "Challenge")) {
      if (!iequals(header_ci(h, "AuthType"), "MD5")) {
        reply(response("Error", id, {{"Message", "Must specify AuthType"}}), "Error");
        return;
      }
      std::random_device rd;
      challenge_ = std::to_string(100000000 + rd() % 900000000);
      reply(response("Success", id, {{"Challenge", challenge_}}), "Success");
    } else if (iequals(action, "Login")) {
      login(h, action, id);
    } else if (iequals(action, "Logoff")) {
      log("[conn %d] action Logoff (ActionID %s) -> Goodbye", id_, id.c_str());
      send_and_close(response("Goodbye", id, {{"Message", "Thanks for all the fish."}}), "logoff");
    } else if (!authenticated_) {
      reply(response("Error", id, {{"Message", "Permission denied"}}), "Permission denied");
    } else if (iequals(action, "Events")) {
      std::string mask = header_ci(h, "EventMask");
      events_on_ = !iequals(mask, "off");
      wake_producers();
      reply(response("Success", id, {{"Events", events_on_ ? "On" : "Off"}}),
            events_on_ ? "Events On" : "Events Off");
    } else if (iequals(action, "CoreShowChannels")) {
      reply(core_show_channels(id), "channel list");
    } else if (iequals(action, "Status")) {
      reply(status(id, header_ci(h, "Variables")), "channel status");
    } else if (iequals(action, "Originate")) {
      log("[conn %d] originate Channel=%s Context=%s Exten=%s CallerID=%s", id_,
          header_ci(h, "Channel").c_str(), header_ci(h, "Context").c_str(),
          header_ci(h, "Exten").c_str(), header_ci(h, "CallerID").c_str());
      reply(response("Success", id, {{"Message", "Originate successfully queued"}}), "queued");
      queue_originate(h, id);  // after the response: its events must follow it
    } else {
      reply(response("Error", id, {{"Message", "Invalid/unknown command"}}), "unknown");
    }
  }

  void login(const cti::tools::Headers& h, const std::string& action, const std::string& id) {
    bool ok = iequals(header_ci(h, "Username"), opt_.username);
    std::string key = header_ci(h, "Key");
    if (!key.empty()) {
      ok = ok && !challenge_.empty() && iequals(key, md5_hex(challenge_ + opt_.secret));
    } else {
      ok = ok && !opt_.md5_only && header_ci(h, "Secret") == opt_.secret;
    }
    challenge_.clear();  // a challenge is good for one attempt
    if (!ok) {
      log("[conn %d] action %s (ActionID %s) -> Authentication failed", id_, action.c_str(),
          id.c_str());
      send_and_close(response("Error", id, {{"Message", "Authentication failed"}}),
                     "authentication failed");
      return;
    }
    authenticated_ = true;
    log("[conn %d] action %s (ActionID %s) -> Authentication accepted (%s)", id_, action.c_str(),
        id.c_str(), key.empty() ? "plain" : "md5");
    send(response("Success", id, {{"Message", "Authentication accepted"}}));
  }

  std::string core_show_channels(const std::string& id) {
    std::string out =
        response("Success", id, {{"EventList", "start"}, {"Message", "Channels will follow"}});
    const auto& live = replay_.table.live();
    for (const auto& ch : live) {
      out += "Event: CoreShowChannel\r\n";
      if (!id.empty()) out += "ActionID: " + id + "\r\n";
      for (std::size_t i = 0; i < cti::tools::kChannelFields.size(); ++i) {
        std::string_view name = cti::tools::kChannelFields[i];
        std::string value = name == "Duration"
                                ? cti::tools::format_duration(replay_.now_t - ch.created_t)
                                : ch.values[i];
        out.append(name).append(": ").append(value).append("\r\n");
      }
      out += "\r\n";
    }
    out += "Event: CoreShowChannelsComplete\r\n";
    if (!id.empty()) out += "ActionID: " + id + "\r\n";
    out += "EventList: Complete\r\nListItems: " + std::to_string(live.size()) + "\r\n\r\n";
    return out;
  }

  // Asterisk's Status action: one Status event per live channel with the
  // requested channel variables ("Variable: NAME=value"), then StatusComplete.
  std::string status(const std::string& id, const std::string& variables) {
    std::string out = response("Success", id,
                               {{"EventList", "start"}, {"Message", "Channel status will follow"}});
    std::vector<std::string> wanted;
    for (std::size_t pos = 0; pos <= variables.size();) {
      const auto comma = std::min(variables.find(',', pos), variables.size());
      if (comma > pos) wanted.push_back(variables.substr(pos, comma - pos));
      pos = comma + 1;
    }
    const auto& live = replay_.table.live();
    for (const auto& ch : live) {
      out += "Event: Status\r\nPrivilege: Call\r\n";
      if (!id.empty()) out += "ActionID: " + id + "\r\n";
      for (std::size_t i = 0; i < cti::tools::kChannelFields.size(); ++i) {
        std::string_view name = cti::tools::kChannelFields[i];
        if (name == "Duration" || name == "ApplicationData") continue;
        if (name == "BridgeId") name = "BridgeID";
        out.append(name).append(": ").append(ch.values[i]).append("\r\n");
      }
      out += "Seconds: " + std::to_string(long(replay_.now_t - ch.created_t)) + "\r\n";
      for (const auto& v : wanted)
        if (const std::string* value = ch.variable(v))
          out += "Variable: " + v + "=" + *value + "\r\n";
      out += "\r\n";
    }
    out += "Event: StatusComplete\r\n";
    if (!id.empty()) out += "ActionID: " + id + "\r\n";
    out += "EventList: Complete\r\nListItems: " + std::to_string(live.size()) +
           "\r\nItems: " + std::to_string(live.size()) + "\r\n\r\n";
    return out;
  }

  tcp::socket socket_;
  Replay& replay_;
  const OriginateCapture* originate_;  // null without --originate-capture
  const Options& opt_;
  int id_;
  asio::steady_timer wake_writer_;
  asio::steady_timer wake_streamer_;
  asio::steady_timer wake_originator_;
  asio::steady_timer pace_;
  asio::steady_timer originate_pace_;
  std::deque<Out> outq_;
  std::deque<Playback> originates_;  // the first is playing or about to
  std::mt19937 split_rng_;
  std::string challenge_;
  bool open_ = true;
  bool closing_ = false;  // a final frame is queued: read and stream no more
  bool authenticated_ = false;
  bool events_on_ = false;
};

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, Replay& replay,
                                  const OriginateCapture* originate, const Options& opt) {
  int next_id = 1;
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      log("accept failed: %s", ec.message().c_str());
      continue;
    }
    std::make_shared<Session>(std::move(socket), replay, originate, opt, next_id++)->start();
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"Fake Asterisk AMI server replaying recorded captures"};
  app.add_option("--listen", opt.listen, "host:port to listen on (port 0 = any free port)")
      ->capture_default_str();
  app.add_option("--username", opt.username, "AMI username to accept")->capture_default_str();
  app.add_option("--secret", opt.secret, "AMI secret to accept")->required()->envname("AMI_SECRET");
  app.add_flag("--md5-only", opt.md5_only, "refuse plain-text Secret logins");
  app.add_option("--speed", opt.speed, "1 = recorded timing, 2 = twice as fast, 0 = no delays")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_flag("--loop", opt.loop, "start over after the last capture");
  app.add_option("--split-seed", opt.split_max,
                 "write in random-sized chunks of 1..N bytes (N also seeds the split)");
  app.add_option("--drop-after-bytes", opt.drop_after_bytes,
                 "close the connection once N capture bytes were sent (once); the next "
                 "connection resumes there");
  app.add_option("--port-file", opt.port_file, "write the bound port to this file");
  app.add_option("--log-actions", opt.log_actions, "append every action received to this file");
  app.add_option("--originate-capture", opt.originate_capture,
                 "capture (.ami) played to the connection on each Originate, with its "
                 "CTI_CALL_ID and OriginateResponse ActionID replaced by the action's")
      ->check(CLI::ExistingFile);
  app.add_option("captures", opt.captures,
                 "capture files (.ami), replayed in order (optional with --originate-capture)")
      ->check(CLI::ExistingFile);
  CLI11_PARSE(app, argc, argv);
  if (opt.captures.empty() && opt.originate_capture.empty())
    return app.exit(CLI::RequiredError("captures or --originate-capture"));

  auto listen = cti::tools::parse_listen(opt.listen);
  if (!listen) {
    log("bad --listen '%s' (want host:port)", opt.listen.c_str());
    return 2;
  }
  Replay replay;
  for (const auto& path : opt.captures) {
    auto cap = cti::tools::load_capture(path);
    if (!cap) {
      log("%s", cap.error().c_str());
      return 2;
    }
    log("loaded %s: %zu frames%s", cap->name.c_str(), cap->frames.size(),
        cap->timed ? " (timed)" : "");
    replay.captures.push_back(std::move(*cap));
  }
  std::optional<OriginateCapture> originate;
  if (!opt.originate_capture.empty()) {
    auto cap = cti::tools::load_capture(opt.originate_capture);
    if (!cap) {
      log("%s", cap.error().c_str());
      return 2;
    }
    originate.emplace();
    originate->call_id = find_recorded_call_id(*cap);
    originate->capture = std::move(*cap);
    log("loaded %s for Originate: %zu frames%s, recorded %s %s", originate->capture.name.c_str(),
        originate->capture.frames.size(), originate->capture.timed ? " (timed)" : "",
        kCallIdVariable.data(),
        originate->call_id.empty() ? "not found (played unchanged)" : originate->call_id.c_str());
  }

  try {
    asio::io_context io;
    tcp::endpoint endpoint(asio::ip::make_address(listen->host), listen->port);
    tcp::acceptor acceptor(io);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
    unsigned short port = acceptor.local_endpoint().port();
    if (!opt.port_file.empty() && !cti::tools::write_port_file(opt.port_file, port)) {
      log("cannot write --port-file %s", opt.port_file.c_str());
      return 2;
    }
    log("listening on %s:%u", listen->host.c_str(), port);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int sig) {
      log("signal %d: stopping", sig);
      io.stop();
    });
    asio::co_spawn(io, accept_loop(acceptor, replay, originate ? &*originate : nullptr, opt),
                   asio::detached);
    io.run();
  } catch (const std::exception& e) {
    log("fatal: %s", e.what());
    return 1;
  }
  return 0;
}
