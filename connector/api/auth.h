#pragma once
// Bearer-token authentication. Configured tokens are only ever held as
// SHA-256 hashes; a presented token is hashed and compared with every
// configured hash in constant time, so neither timing nor logs reveal tokens.
#include <array>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cti::api {

// Lowercase hex SHA-256 of the token (what the config stores).
std::string hash_token(std::string_view token);

// The token of an "Authorization: Bearer <token>" header value (scheme is
// case-insensitive); nullopt for any other scheme or an empty token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

class TokenVerifier {
 public:
  using Digest = std::array<unsigned char, 32>;

  // Each hash is 64 hex digits (either case); otherwise an error naming its index.
  static std::expected<TokenVerifier, std::string> from_hashes(
      const std::vector<std::string>& hex_hashes);

  // True when sha256(token) equals one of the configured hashes. Always looks
  // at every hash so the time taken does not depend on which one matched.
  bool verify(std::string_view token) const;
  // Index of the configured hash sha256(token) equals, nullopt for none;
  // constant time like verify().
  std::optional<std::size_t> match(std::string_view token) const;
  // Same, for a raw Authorization header value.
  bool verify_authorization(std::string_view authorization) const;
  std::size_t size() const { return hashes_.size(); }

 private:
  std::vector<Digest> hashes_;
};

}  // namespace cti::api
