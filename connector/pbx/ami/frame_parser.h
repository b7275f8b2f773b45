#pragma once
// Streaming parser for the Asterisk Manager Interface byte stream.
//
// The stream is a banner line ("Asterisk Call Manager/11.0.0") followed by
// frames: "Key: Value" lines ended by an empty line, CRLF or LF line endings.
// Bytes arrive in arbitrary chunks; complete frames are handed to a callback
// as views into either the caller's chunk (no copy when a frame lies wholly
// inside it) or the parser's own buffer (only the pending partial frame is
// ever copied). Header storage is reused across frames, so the hot path does
// not allocate. Pure code: no Asio, no clocks; compiled by clang for fuzzing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cti::pbx::ami {

struct Header {
  std::string_view key;
  std::string_view value;
};

// ASCII case-insensitive equality (AMI keys are ASCII; Asterisk itself
// compares them case-insensitively).
bool ascii_iequals(std::string_view a, std::string_view b);

// One complete frame: a view into the parser's memory, valid only during the
// on_frame callback. Use to_owned() for anything that must outlive it.
class Frame {
 public:
  std::span<const Header> headers() const { return headers_; }
  // First header with that key (ASCII case-insensitive); "" if absent.
  std::string_view get(std::string_view key) const;
  bool has(std::string_view key) const;
  std::string_view event() const { return get("Event"); }
  std::string_view response() const { return get("Response"); }
  std::string_view action_id() const { return get("ActionID"); }
  // Body of a command response: the values of "Output:" lines, or the raw
  // text of a "Response: Follows" body up to "--END COMMAND--"; every line
  // ends with '\n' (CR stripped). "" if the frame is not a command response.
  std::string_view output() const { return output_; }
  // The frame's bytes as received, including its terminating empty line.
  std::string_view raw() const { return raw_; }

 private:
  friend class FrameParser;
  std::span<const Header> headers_;
  std::string_view output_;
  std::string_view raw_;
};

struct ParserLimits {
  std::size_t max_frame_bytes = 64 * 1024;
  std::size_t max_headers = 512;
};

struct ParserStats {
  std::uint64_t frames = 0;     // frames delivered
  std::uint64_t bytes = 0;      // bytes fed
  std::uint64_t oversized = 0;  // frames over max_frame_bytes / max_headers, skipped
  std::uint64_t malformed = 0;  // frames with a line that is not "Key: Value", skipped
};

class FrameParser {
 public:
  explicit FrameParser(ParserLimits limits = {});

  // Calls on_frame(const Frame&) once per complete frame, in stream order.
  template <class OnFrame>
  void feed(std::string_view bytes, OnFrame&& on_frame) {
    using Fn = std::remove_reference_t<OnFrame>;
    feed_impl(bytes, Sink{const_cast<void*>(static_cast<const void*>(&on_frame)),
                          [](void* ctx, const Frame& f) { (*static_cast<Fn*>(ctx))(f); }});
  }

  // "Asterisk Call Manager/11.0.0" once the banner has been seen.
  std::optional<std::string_view> banner() const;
  const ParserStats& stats() const { return stats_; }
  const ParserLimits& limits() const { return limits_; }
  // Bytes of the pending partial frame held in the parser's own buffer.
  std::size_t buffered_bytes() const { return buf_.size(); }
  // New connection: drop any partial frame and expect a banner again.
  void reset();

 private:
  // Type-erased callback so the parsing code lives in the .cpp file.
  struct Sink {
    void* ctx;
    void (*fn)(void*, const Frame&);
  };
  // Where a header lies, relative to the start of its frame (the frame may
  // move from the caller's chunk into buf_, so pointers would dangle).
  struct HeaderPos {
    std::uint32_t key_off, key_len, val_off, val_len;
  };
  enum class Step { Done, NeedMore, Oversized };
  struct StepResult {
    Step step;
    std::size_t end;  // Done: bytes of the frame; Oversized: where skipping starts
  };

  void feed_impl(std::string_view bytes, Sink sink);
  void consume(std::string_view bytes, Sink sink);
  // Parses complete lines of the frame starting at data[0] from scan_ on.
  StepResult step(const char* data, std::size_t len, Sink sink);
  void deliver(const char* data, std::size_t end, Sink sink);
  // Discards bytes of an oversized frame up to and including its blank line;
  // returns the number of bytes consumed.
  std::size_t skip(std::string_view bytes);
  void start_skipping(std::string_view partial_line);
  void clear_frame();

  ParserLimits limits_;
  ParserStats stats_;
  std::string banner_;
  bool banner_seen_ = false;

  std::string buf_;       // the pending partial frame (starts at a frame start)
  std::size_t scan_ = 0;  // offset of the first unparsed line in the current frame
  std::vector<HeaderPos> pos_;
  std::vector<Header> views_;
  std::string output_scratch_;
  bool malformed_ = false;
  bool has_output_headers_ = false;
  // "Response: Follows" command body state.
  bool follows_ = false, body_started_ = false, body_done_ = false;
  std::size_t body_begin_ = 0, body_end_ = 0;

  // Oversized-frame skipping state.
  bool skipping_ = false;
  std::size_t skip_line_len_ = 0;  // bytes of the current line so far
  bool skip_line_cr_ = false;      // the current line so far is exactly "\r"
};

// For things that must outlive the parser buffer (action responses).
struct OwnedFrame {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string output;
  // First header with that key (ASCII case-insensitive); "" if absent.
  std::string get(std::string_view key) const;
};

OwnedFrame to_owned(const Frame& frame);

}  // namespace cti::pbx::ami
