#include "connector/policy/dnc_import.h"

namespace cti::policy {

DncImporter::DncImporter(DncKind kind, std::string home_country_code)
    : kind_(kind), cc_(std::move(home_country_code)) {}

void DncImporter::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(bytes);
      if (partial_.size() > 4096) {  // no sane entry is that long: count it, drop it
        ++stats_.lines;
        ++stats_.rejected;
        partial_.clear();
      }
      return;
    }
    if (partial_.empty()) {
      line(bytes.substr(0, nl));
    } else {
      partial_.append(bytes.substr(0, nl));
      line(partial_);
      partial_.clear();
    }
    bytes.remove_prefix(nl + 1);
  }
}

std::vector<std::uint64_t> DncImporter::finish() {
  if (!partial_.empty()) {
    line(partial_);
    partial_.clear();
  }
  return std::move(keys_);
}

void DncImporter::line(std::string_view l) {
  while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t'))
    l.remove_suffix(1);
  while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
  if (l.empty() || l.front() == '#') return;
  ++stats_.lines;
  auto reject = [&] {
    if (stats_.rejected++ == 0) {
      stats_.first_rejected_line = stats_.lines;
      stats_.first_rejected = std::string(l.substr(0, 80));
    }
  };
  if (kind_ == DncKind::RobinsonHashes) {
    Sha256 digest{};
    if (l.size() == 64 && from_hex(l, digest)) {
      keys_.push_back(dnc_key_for_hash(digest));
      ++stats_.accepted;
      return;
    }
    // A number: hash it the Robinson way (its own normalization).
    bool has_digit = false, only_phone_chars = true;
    for (char c : l) {
      has_digit = has_digit || (c >= '0' && c <= '9');
      only_phone_chars = only_phone_chars && ((c >= '0' && c <= '9') || c == '+' || c == ' ' ||
                                              c == '-' || c == '.' || c == '(' || c == ')');
    }
    if (!has_digit || !only_phone_chars) return reject();
    keys_.push_back(dnc_key_for_hash(robinson_hash(l)));
    ++stats_.accepted;
    return;
  }
  // Numbers list: "+<digits>", "00<digits>" or national (home country code
  // prepended; a single trunk "0" dropped first, as in most numbering plans).
  std::string e164 = "+";
  std::string digits;
  for (char c : l) {
    if (c >= '0' && c <= '9')
      digits.push_back(c);
    else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' &&
             !(c == '+' && digits.empty()))
      return reject();
  }
  if (l.front() == '+') {
    e164 += digits;
  } else if (digits.starts_with("00")) {
    e164 += digits.substr(2);
  } else {
    if (digits.starts_with("0")) digits.erase(0, 1);
    e164 += cc_ + digits;
  }
  auto key = dnc_key_for_e164(e164);
  if (!key || e164.size() < 8) return reject();
  keys_.push_back(*key);
  ++stats_.accepted;
}

}  // namespace cti::policy
