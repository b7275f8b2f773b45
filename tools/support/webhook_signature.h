#pragma once
// Verification side of the webhook signature
// `X-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`,
// for the local webhook receiver. Several v1= entries are allowed (a sender
// rotating secrets signs with both); one match is enough.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cti::tools {

struct ParsedSignature {
  std::int64_t t = 0;
  std::vector<std::string> v1;
};

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

inline std::optional<ParsedSignature> parse_signature_header(std::string_view header) {
  ParsedSignature out;
  bool have_t = false;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto part = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    auto key = part.substr(0, eq);
    auto value = part.substr(eq + 1);
    if (key == "t") {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), out.t);
      if (ec != std::errc{} || p != value.data() + value.size()) return std::nullopt;
      have_t = true;
    } else if (key == "v1") {
      std::string hex(value);
      for (auto& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.v1.push_back(std::move(hex));
    }  // unknown schemes are ignored, as receivers of such headers usually do
  }
  if (!have_t || out.v1.empty()) return std::nullopt;
  return out;
}

inline std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data(), &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

enum class SignatureCheck { Ok, Missing, Malformed, Stale, Mismatch };

inline const char* to_string(SignatureCheck c) {
  switch (c) {
    case SignatureCheck::Ok:
      return "ok";
    case SignatureCheck::Missing:
      return "missing X-Signature";
    case SignatureCheck::Malformed:
      return "malformed X-Signature";
    case SignatureCheck::Stale:
      return "timestamp outside tolerance";
    case SignatureCheck::Mismatch:
      return "signature mismatch";
  }
  return "?";
}

// Pure: `now_unix` is passed in so tests can check the tolerance window.
inline SignatureCheck verify_signature(std::string_view header, std::string_view secret,
                                       std::string_view body, std::int64_t now_unix,
                                       std::int64_t tolerance_s = 300) {
  if (header.empty()) return SignatureCheck::Missing;
  auto sig = parse_signature_header(header);
  if (!sig) return SignatureCheck::Malformed;
  if (std::llabs(now_unix - sig->t) > tolerance_s) return SignatureCheck::Stale;
  std::string signed_payload = std::to_string(sig->t);
  signed_payload += '.';
  signed_payload.append(body);
  std::string expected = hmac_sha256_hex(secret, signed_payload);
  bool ok = false;
  for (const auto& candidate : sig->v1) {
    // Constant time: the comparison must not tell an attacker how many
    // leading characters of a forged signature were right.
    if (candidate.size() == expected.size() &&
        CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0)
      ok = true;
  }
  return ok ? SignatureCheck::Ok : SignatureCheck::Mismatch;
}

}  // namespace cti::tools
