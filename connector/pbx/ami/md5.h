#pragma once
// MD5 for the AMI challenge login (the protocol mandates it; not used for
// anything security-sensitive of our own).
#include <string>
#include <string_view>

namespace cti::pbx::ami {

// Lowercase hex MD5 of `data` (OpenSSL EVP).
std::string md5_hex(std::string_view data);

}  // namespace cti::pbx::ami
