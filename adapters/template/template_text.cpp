#include "adapters/template/template_text.h"

#include <algorithm>
#include <array>
#include <utility>

#include "adapters/template/template_filters.h"

namespace cti::adapters::tmpl {
namespace {

struct FilterSpec {
  std::string_view name;
  FilterKind kind;
  enum class Arg { None, Required, Optional } arg;
};

constexpr std::array kFilters{
    FilterSpec{"url", FilterKind::Url, FilterSpec::Arg::None},
    FilterSpec{"json", FilterKind::Json, FilterSpec::Arg::None},
    FilterSpec{"html", FilterKind::Html, FilterSpec::Arg::None},
    FilterSpec{"int", FilterKind::Int, FilterSpec::Arg::None},
    FilterSpec{"ms", FilterKind::Ms, FilterSpec::Arg::None},
    FilterSpec{"minutes", FilterKind::Minutes, FilterSpec::Arg::None},
    FilterSpec{"mmss", FilterKind::Mmss, FilterSpec::Arg::None},
    FilterSpec{"upper", FilterKind::Upper, FilterSpec::Arg::None},
    FilterSpec{"lower", FilterKind::Lower, FilterSpec::Arg::None},
    FilterSpec{"capitalize", FilterKind::Capitalize, FilterSpec::Arg::None},
    FilterSpec{"digits", FilterKind::Digits, FilterSpec::Arg::None},
    FilterSpec{"default", FilterKind::Default, FilterSpec::Arg::Required},
    FilterSpec{"map", FilterKind::Map, FilterSpec::Arg::Optional},
    FilterSpec{"rfc3339", FilterKind::Rfc3339, FilterSpec::Arg::None},
    FilterSpec{"utc_sql", FilterKind::UtcSql, FilterSpec::Arg::None},
    FilterSpec{"date", FilterKind::Date, FilterSpec::Arg::None},
    FilterSpec{"epoch", FilterKind::Epoch, FilterSpec::Arg::None},
    FilterSpec{"epoch_ms", FilterKind::EpochMs, FilterSpec::Arg::None},
    FilterSpec{"number", FilterKind::Number, FilterSpec::Arg::None},
    FilterSpec{"omit_empty", FilterKind::OmitEmpty, FilterSpec::Arg::None},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_output(FilterKind k) { return k == FilterKind::Number || k == FilterKind::OmitEmpty; }

bool valid_name(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

// `inner` is what stands between "{{" and "}}".
std::expected<Placeholder, std::string> parse_placeholder(std::string_view inner) {
  const std::string shown = "{{" + std::string(inner) + "}}";
  Placeholder p;
  std::size_t bar = inner.find('|');
  p.name = std::string(trim(inner.substr(0, bar)));
  if (!valid_name(p.name)) {
    return std::unexpected(p.name.empty() ? "empty placeholder " + shown
                                          : "bad placeholder name \"" + p.name + "\" in " + shown +
                                                " (names are like call.from, number.e164)");
  }
  while (bar != std::string_view::npos) {
    const std::size_t start = bar + 1;
    bar = inner.find('|', start);
    const std::string_view part =
        inner.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    const std::size_t colon = part.find(':');
    const std::string_view fname = trim(part.substr(0, colon));
    const auto spec = std::find_if(kFilters.begin(), kFilters.end(),
                                   [&](const FilterSpec& s) { return s.name == fname; });
    if (spec == kFilters.end()) {
      std::string known;
      for (const auto& s : kFilters) known += (known.empty() ? "" : ", ") + std::string(s.name);
      return std::unexpected("unknown filter \"" + std::string(fname) + "\" in " + shown +
                             " (filters: " + known + ")");
    }
    Filter f{spec->kind, {}};
    if (colon != std::string_view::npos) {
      if (spec->arg == FilterSpec::Arg::None)
        return std::unexpected("filter \"" + std::string(fname) + "\" takes no argument in " +
                               shown);
      f.arg = std::string(trim(part.substr(colon + 1)));
    } else if (spec->arg == FilterSpec::Arg::Required) {
      return std::unexpected("filter \"" + std::string(fname) + "\" needs an argument (" +
                             std::string(fname) + ":<text>) in " + shown);
    }
    if (!p.filters.empty() && is_output(p.filters.back().kind) && !is_output(f.kind)) {
      return std::unexpected("filter \"" + std::string(fname) + "\" after an output filter in " +
                             shown + " (number and omit_empty come last)");
    }
    p.filters.push_back(std::move(f));
  }
  return p;
}

}  // namespace

bool Placeholder::has(FilterKind kind) const {
  return std::any_of(filters.begin(), filters.end(),
                     [kind](const Filter& f) { return f.kind == kind; });
}

std::expected<Text, std::string> Text::parse(std::string_view source) {
  Text t;
  t.source_ = std::string(source);
  std::size_t pos = 0;
  while (pos < source.size()) {
    const std::size_t open = source.find("{{", pos);
    if (open == std::string_view::npos) {
      t.pieces_.push_back({std::string(source.substr(pos)), {}, false});
      break;
    }
    if (open > pos) t.pieces_.push_back({std::string(source.substr(pos, open - pos)), {}, false});
    const std::size_t close = source.find("}}", open + 2);
    if (close == std::string_view::npos)
      return std::unexpected("\"{{\" without a closing \"}}\" at character " +
                             std::to_string(open + 1));
    auto p = parse_placeholder(source.substr(open + 2, close - open - 2));
    if (!p) return std::unexpected(std::move(p.error()));
    t.pieces_.push_back({{}, std::move(*p), true});
    pos = close + 2;
  }
  return t;
}

const Placeholder* Text::whole() const {
  return pieces_.size() == 1 && pieces_[0].is_placeholder ? &pieces_[0].placeholder : nullptr;
}

std::string render(const Placeholder& p, const Values& values, const Maps& maps) {
  const auto it = values.find(p.name);
  std::string value = it == values.end() ? std::string{} : it->second;
  for (const Filter& f : p.filters) value = apply(f, value, maps);
  return value;
}

std::string render(const Text& text, const Values& values, const Maps& maps) {
  std::string out;
  for (const auto& piece : text.pieces())
    out += piece.is_placeholder ? render(piece.placeholder, values, maps) : piece.literal;
  return out;
}

std::vector<std::string_view> filter_names() {
  std::vector<std::string_view> out;
  for (const auto& s : kFilters) out.push_back(s.name);
  return out;
}

}  // namespace cti::adapters::tmpl
