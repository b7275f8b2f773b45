#pragma once
// Lista Robinson (Adigital) consultation keys. The list is consulted with
// hashes, never numbers: lowercase hex SHA-256 of the channel id ("04" =
// phone calls) + the number normalized the way Adigital's client does.
// See ../shared/reference/compliance.md §1.1 for the source of every rule.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cti::policy {

// Drop every non-digit; a leading "+" becomes "00"; a leading "00" stays;
// anything else gets "0034" in front. "+34 93 240 40 70" -> "0034932404070".
std::string robinson_normalize_phone(std::string_view raw);

using Sha256 = std::array<std::uint8_t, 32>;

// SHA-256 of `channel` + robinson_normalize_phone(raw).
Sha256 robinson_hash(std::string_view raw, std::string_view channel = "04");

std::string to_hex(const Sha256& digest);
// 64 lowercase or uppercase hex digits -> digest; false on anything else.
bool from_hex(std::string_view hex, Sha256& out);

}  // namespace cti::policy
