#include "connector/policy/robinson.h"

#include <openssl/sha.h>

#include "connector/common/hex.h"

namespace cti::policy {

std::string robinson_normalize_phone(std::string_view raw) {
  std::size_t first = 0;
  while (first < raw.size() && (raw[first] == ' ' || raw[first] == '\t')) ++first;
  const bool plus = first < raw.size() && raw[first] == '+';
  std::string digits;
  digits.reserve(raw.size() + 4);
  for (char c : raw)
    if (c >= '0' && c <= '9') digits.push_back(c);
  if (plus) return "00" + digits;
  if (digits.starts_with("00")) return digits;
  return "0034" + digits;
}

Sha256 robinson_hash(std::string_view raw, std::string_view channel) {
  std::string input(channel);
  input += robinson_normalize_phone(raw);
  Sha256 out{};
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), out.data());
  return out;
}

std::string to_hex(const Sha256& digest) { return common::to_hex(digest.data(), digest.size()); }

bool from_hex(std::string_view hex, Sha256& out) {
  if (hex.size() != 64) return false;
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = common::hex_digit_value(hex[2 * i]);
    const int lo = common::hex_digit_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace cti::policy
