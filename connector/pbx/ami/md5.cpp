#include "connector/pbx/ami/md5.h"

#include <openssl/evp.h>

#include "connector/common/hex.h"

namespace cti::pbx::ami {

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr) != 1) return {};
  return common::to_hex(digest, len);
}

}  // namespace cti::pbx::ami
