#include "connector/api/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

#include "connector/common/hex.h"

namespace cti::api {
namespace {

TokenVerifier::Digest sha256(std::string_view data) {
  TokenVerifier::Digest out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != out.size())
    throw std::runtime_error("EVP_Digest(sha256) failed");  // OpenSSL broken: programmer error
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

}  // namespace

std::string hash_token(std::string_view token) {
  const auto digest = sha256(token);
  return common::to_hex(digest.data(), digest.size());
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() <= scheme.size() ||
      !iequals(authorization.substr(0, scheme.size()), scheme))
    return std::nullopt;
  std::string_view rest = authorization.substr(scheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return std::nullopt;
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

std::expected<TokenVerifier, std::string> TokenVerifier::from_hashes(
    const std::vector<std::string>& hex_hashes) {
  TokenVerifier v;
  for (std::size_t i = 0; i < hex_hashes.size(); ++i) {
    const std::string& hex = hex_hashes[i];
    Digest d{};
    bool ok = hex.size() == d.size() * 2;
    for (std::size_t j = 0; ok && j < d.size(); ++j) {
      const int hi = hex_value(hex[2 * j]), lo = hex_value(hex[2 * j + 1]);
      ok = hi >= 0 && lo >= 0;
      if (ok) d[j] = static_cast<unsigned char>(hi << 4 | lo);
    }
    if (!ok)
      return std::unexpected("token hash " + std::to_string(i) +
                             " is not a SHA-256 hex digest (64 hex digits)");
    v.hashes_.push_back(d);
  }
  return v;
}

bool TokenVerifier::verify(std::string_view token) const { return match(token).has_value(); }

std::optional<std::size_t> TokenVerifier::match(std::string_view token) const {
  const Digest presented = sha256(token);
  // Accumulate instead of returning early: the loop always runs over every hash.
  std::size_t found = hashes_.size();
  for (std::size_t i = 0; i < hashes_.size(); ++i) {
    const bool equal = CRYPTO_memcmp(presented.data(), hashes_[i].data(), hashes_[i].size()) == 0;
    found = equal ? i : found;
  }
  if (found == hashes_.size()) return std::nullopt;
  return found;
}

bool TokenVerifier::verify_authorization(std::string_view authorization) const {
  const auto token = bearer_token(authorization);
  return token && verify(*token);
}

}  // namespace cti::api
