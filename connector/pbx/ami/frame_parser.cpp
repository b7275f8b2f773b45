#include "connector/pbx/ami/frame_parser.h"

#include <cstring>

namespace cti::pbx::ami {

namespace {

constexpr std::string_view kBannerPrefix = "Asterisk Call Manager/";
constexpr std::string_view kEndCommand = "--END COMMAND--";

inline char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Appends `text` split into lines, each ended by '\n', CRs stripped.
void append_lines(std::string& out, std::string_view text) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.append(line);
    out.push_back('\n');
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace

bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

std::string_view Frame::get(std::string_view key) const {
  for (const Header& h : headers_) {
    if (ascii_iequals(h.key, key)) return h.value;
  }
  return {};
}

bool Frame::has(std::string_view key) const {
  for (const Header& h : headers_) {
    if (ascii_iequals(h.key, key)) return true;
  }
  return false;
}

FrameParser::FrameParser(ParserLimits limits) : limits_(limits) {
  pos_.reserve(64);
  views_.reserve(64);
}

std::optional<std::string_view> FrameParser::banner() const {
  if (!banner_seen_) return std::nullopt;
  return std::string_view{banner_};
}

void FrameParser::reset() {
  buf_.clear();
  clear_frame();
  skipping_ = false;
  skip_line_len_ = 0;
  skip_line_cr_ = false;
  banner_seen_ = false;
  banner_.clear();
}

void FrameParser::clear_frame() {
  scan_ = 0;
  pos_.clear();
  malformed_ = false;
  has_output_headers_ = false;
  follows_ = body_started_ = body_done_ = false;
  body_begin_ = body_end_ = 0;
}

void FrameParser::start_skipping(std::string_view partial_line) {
  ++stats_.oversized;
  clear_frame();
  buf_.clear();
  skipping_ = true;
  skip_line_len_ = partial_line.size();
  skip_line_cr_ = partial_line == "\r";
}

std::size_t FrameParser::skip(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == '\n') {
      if (skip_line_len_ == 0 || (skip_line_len_ == 1 && skip_line_cr_)) {
        skipping_ = false;
        skip_line_len_ = 0;
        skip_line_cr_ = false;
        return i + 1;
      }
      skip_line_len_ = 0;
      skip_line_cr_ = false;
    } else {
      skip_line_cr_ = skip_line_len_ == 0 && c == '\r';
      ++skip_line_len_;
    }
  }
  return bytes.size();
}

void FrameParser::feed_impl(std::string_view bytes, Sink sink) {
  stats_.bytes += bytes.size();
  consume(bytes, sink);
}

void FrameParser::consume(std::string_view bytes, Sink sink) {
  while (!bytes.empty()) {
    if (skipping_) {
      bytes.remove_prefix(skip(bytes));
      continue;
    }
    if (buf_.empty()) {
      // Fast path: frames are parsed in place in the caller's chunk.
      const StepResult r = step(bytes.data(), bytes.size(), sink);
      if (r.step == Step::Done) {
        bytes.remove_prefix(r.end);
      } else if (r.step == Step::Oversized) {
        bytes.remove_prefix(r.end);
        start_skipping({});
      } else if (bytes.size() > limits_.max_frame_bytes) {
        start_skipping(bytes.substr(scan_));
        bytes = {};
      } else {
        buf_.assign(bytes);  // scan_ and pos_ are relative to the frame start: still valid
        bytes = {};
      }
      continue;
    }
    // Slow path: complete the pending frame one line at a time so that only
    // that frame is copied; the following frames go back to the fast path.
    const auto nl = bytes.find('\n');
    const std::size_t n = nl == std::string_view::npos ? bytes.size() : nl + 1;
    if (buf_.size() + n > limits_.max_frame_bytes) {
      // Do not grow the buffer past the limit: let skip() judge this line.
      const std::string partial = buf_.substr(scan_);
      start_skipping(partial);
      continue;
    }
    buf_.append(bytes.data(), n);
    bytes.remove_prefix(n);
    if (nl == std::string_view::npos) break;  // no new complete line
    const StepResult r = step(buf_.data(), buf_.size(), sink);
    if (r.step == Step::NeedMore) continue;
    // The frame (or the skipped one) ended on the line just appended; any
    // byte after r.end would be a bug, but re-feed it rather than lose it.
    std::string rest = buf_.substr(r.end);
    buf_.clear();
    if (r.step == Step::Oversized) start_skipping({});
    if (!rest.empty()) consume(rest, sink);
  }
}

FrameParser::StepResult FrameParser::step(const char* data, std::size_t len, Sink sink) {
  std::size_t p = scan_;
  for (;;) {
    const void* hit = p < len ? std::memchr(data + p, '\n', len - p) : nullptr;
    if (hit == nullptr) {
      scan_ = p;
      return {Step::NeedMore, 0};
    }
    const std::size_t next = static_cast<std::size_t>(static_cast<const char*>(hit) - data) + 1;
    std::size_t e = next - 1;
    if (e > p && data[e - 1] == '\r') --e;
    const std::size_t n = e - p;
    const char* s = data + p;
    if (next > limits_.max_frame_bytes) {
      // Judge the line that crosses the limit exactly as skip() would if it
      // had arrived in pieces: a blank line ends the frame, anything else
      // starts the skipping. Same outcome for any chunking of the stream.
      if (n != 0) return {Step::Oversized, next};
      ++stats_.oversized;
      clear_frame();
      return {Step::Done, next};
    }

    if (n == 0) {
      if (follows_ && !body_done_) {
        // An empty line inside a "Response: Follows" body is body text.
        if (!body_started_) {
          body_started_ = true;
          body_begin_ = p;
        }
      } else if (p == 0) {
        // Blank line between frames: nothing to deliver.
        clear_frame();
        return {Step::Done, next};
      } else {
        if (malformed_) {
          ++stats_.malformed;
        } else {
          deliver(data, next, sink);
        }
        clear_frame();
        return {Step::Done, next};
      }
    } else if (follows_ && !body_done_ &&
               (body_started_ || std::memchr(s, ':', n) == nullptr ||
                std::string_view{s, n}.ends_with(kEndCommand))) {
      if (!body_started_) {
        body_started_ = true;
        body_begin_ = p;
      }
      if (std::string_view{s, n}.ends_with(kEndCommand)) {
        body_end_ = e - kEndCommand.size();
        body_done_ = true;
      }
    } else if (p == 0 && s[0] == 'A' && std::string_view{s, n}.starts_with(kBannerPrefix) &&
               std::string_view{s, n}.find(": ") == std::string_view::npos) {
      banner_.assign(s, n);
      banner_seen_ = true;
      clear_frame();
      return {Step::Done, next};
    } else {
      // Keys are short: a byte loop beats memchr's call overhead here.
      std::size_t k = 0;
      while (k < n && s[k] != ':') ++k;
      if (k == 0 || k == n) {
        malformed_ = true;
      } else {
        std::size_t v = k + 1;
        if (v < n && s[v] == ' ') ++v;
        pos_.push_back({static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(k),
                        static_cast<std::uint32_t>(p + v), static_cast<std::uint32_t>(n - v)});
        if (k == 6 && ascii_iequals({s, 6}, "Output")) {
          has_output_headers_ = true;
        } else if (k == 8 && n - v == 7 && ascii_iequals({s, 8}, "Response") &&
                   ascii_iequals({s + v, 7}, "Follows")) {
          follows_ = true;
        }
      }
    }
    if (pos_.size() > limits_.max_headers) {
      return {Step::Oversized, next};
    }
    p = next;
  }
}

void FrameParser::deliver(const char* data, std::size_t end, Sink sink) {
  views_.clear();
  for (const HeaderPos& h : pos_) {
    views_.push_back({{data + h.key_off, h.key_len}, {data + h.val_off, h.val_len}});
  }
  Frame f;
  f.headers_ = views_;
  f.raw_ = {data, end};
  if (follows_ || has_output_headers_) {
    output_scratch_.clear();
    if (follows_ && body_started_) {
      append_lines(output_scratch_, {data + body_begin_, body_end_ - body_begin_});
    }
    if (has_output_headers_) {
      for (const Header& h : views_) {
        if (ascii_iequals(h.key, "Output")) {
          output_scratch_.append(h.value);
          output_scratch_.push_back('\n');
        }
      }
    }
    f.output_ = output_scratch_;
  }
  ++stats_.frames;
  sink.fn(sink.ctx, f);
}

std::string OwnedFrame::get(std::string_view key) const {
  for (const auto& [k, v] : headers) {
    if (ascii_iequals(k, key)) return v;
  }
  return {};
}

OwnedFrame to_owned(const Frame& frame) {
  OwnedFrame out;
  out.headers.reserve(frame.headers().size());
  for (const Header& h : frame.headers()) out.headers.emplace_back(h.key, h.value);
  out.output = frame.output();
  return out;
}

}  // namespace cti::pbx::ami
