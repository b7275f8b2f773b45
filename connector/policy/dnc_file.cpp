#include "connector/policy/dnc_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

namespace cti::policy {
namespace {

constexpr std::array<char, 8> kMagic = {'C', 'T', 'I', '-', 'D', 'N', 'C', '\0'};
constexpr std::size_t kFixedSize = 40;  // magic .. count
constexpr std::size_t kMaxList = 64;
constexpr std::size_t kMaxSource = 4096;
constexpr std::size_t kDigestSize = 32;
constexpr std::size_t kBlockKeys = std::size_t{1} << 19;  // 4 MiB per read or write

std::string fail(const std::string& path, const std::string& what) {
  return "dnc file " + path + ": " + what;
}
std::string sys_fail(const std::string& path, const std::string& what, int err) {
  return fail(path, what + ": " + std::strerror(err));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // close() reports the deferred write errors of some filesystems (NFS).
  int close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

class Sha256Stream {
 public:
  Sha256Stream() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void update(const void* data, std::size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::array<unsigned char, kDigestSize> final() {
    std::array<unsigned char, kDigestSize> out{};
    EVP_DigestFinal_ex(ctx_.get(), out.data(), nullptr);
    return out;
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

template <typename T>
void put_le(std::string& out, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i)
    out.push_back(char((std::uint64_t(v) >> (8 * i)) & 0xff));
}
template <typename T>
T get_le(const unsigned char* p) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= std::uint64_t(p[i]) << (8 * i);
  return T(v);
}

// Keys in memory <-> little-endian on disk (a no-op on every host we ship to).
void to_from_le(std::uint64_t* keys, std::size_t n) {
  if constexpr (std::endian::native == std::endian::big)
    for (std::size_t i = 0; i < n; ++i) keys[i] = std::byteswap(keys[i]);
}

bool write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= std::size_t(w);
  }
  return true;
}

// Reads up to n bytes; fewer only at end of file. -1 on error (errno set).
ssize_t read_full(int fd, void* data, std::size_t n) {
  char* p = static_cast<char*>(data);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    got += std::size_t(r);
  }
  return ssize_t(got);
}

std::expected<void, std::string> write_body(int fd, const std::string& path,
                                            const std::string& head,
                                            const std::vector<std::uint64_t>& keys) {
  Sha256Stream sha;
  sha.update(head.data(), head.size());
  if (!write_all(fd, head.data(), head.size()))
    return std::unexpected(sys_fail(path, "write", errno));
  std::vector<std::uint64_t> swapped;  // used on big-endian hosts only
  for (std::size_t i = 0; i < keys.size(); i += kBlockKeys) {
    const std::size_t n = std::min(kBlockKeys, keys.size() - i);
    const std::uint64_t* block = keys.data() + i;
    if constexpr (std::endian::native == std::endian::big) {
      swapped.assign(block, block + n);
      to_from_le(swapped.data(), n);
      block = swapped.data();
    }
    sha.update(block, n * sizeof(std::uint64_t));
    if (!write_all(fd, block, n * sizeof(std::uint64_t)))
      return std::unexpected(sys_fail(path, "write", errno));
  }
  const auto digest = sha.final();
  if (!write_all(fd, digest.data(), digest.size()))
    return std::unexpected(sys_fail(path, "write", errno));
  return {};
}

}  // namespace

std::expected<void, std::string> write_dnc_file(const std::string& path,
                                                const DncFileHeader& header,
                                                const std::vector<std::uint64_t>& keys) {
  if (header.list.empty() || header.list.size() > kMaxList)
    return std::unexpected(fail(path, "the list name must be 1 to 64 bytes"));
  if (header.source.size() > kMaxSource)
    return std::unexpected(fail(path, "the source name is longer than 4096 bytes"));
  if (header.kind != DncKind::Numbers && header.kind != DncKind::RobinsonHashes)
    return std::unexpected(fail(path, "unknown kind " + std::to_string(int(header.kind))));
  if (header.count != keys.size())
    return std::unexpected(fail(path, "the header counts " + std::to_string(header.count) +
                                          " entries but " + std::to_string(keys.size()) +
                                          " keys were given"));
  if (std::adjacent_find(keys.begin(), keys.end(), std::greater_equal<>()) != keys.end())
    return std::unexpected(fail(path, "the keys are not sorted and unique"));

  std::string head(kMagic.begin(), kMagic.end());
  put_le<std::uint32_t>(head, kDncFileVersion);
  put_le<std::uint8_t>(head, std::uint8_t(header.kind));
  head.append(3, '\0');
  put_le<std::int64_t>(head, core::to_unix_micros(header.list_date));
  put_le<std::int64_t>(head, core::to_unix_micros(header.imported_at));
  put_le<std::uint64_t>(head, header.count);
  put_le<std::uint16_t>(head, std::uint16_t(header.list.size()));
  head += header.list;
  put_le<std::uint16_t>(head, std::uint16_t(header.source.size()));
  head += header.source;

  const std::string tmp = path + ".tmp";
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return std::unexpected(sys_fail(path, "cannot create " + tmp, errno));
  auto written = write_body(fd.get(), path, head, keys);
  if (written && ::fsync(fd.get()) != 0) written = std::unexpected(sys_fail(path, "fsync", errno));
  if (written && fd.close() != 0) written = std::unexpected(sys_fail(path, "close", errno));
  if (written && ::rename(tmp.c_str(), path.c_str()) != 0)
    written = std::unexpected(sys_fail(path, "rename from " + tmp, errno));
  if (!written) {
    ::unlink(tmp.c_str());
    return written;
  }
  // Make the rename itself durable. Best effort: the file under `path` is
  // complete either way, and some filesystems refuse fsync on a directory.
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());
  return {};
}

std::expected<LoadedDnc, std::string> read_dnc_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::unexpected(sys_fail(path, "cannot open", errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return std::unexpected(sys_fail(path, "fstat", errno));
  if (!S_ISREG(st.st_mode)) return std::unexpected(fail(path, "not a regular file"));
  const auto size = std::uint64_t(st.st_size);

  auto read_exact = [&](void* into, std::size_t n,
                        const char* what) -> std::expected<void, std::string> {
    const ssize_t got = read_full(fd.get(), into, n);
    if (got < 0) return std::unexpected(sys_fail(path, "read", errno));
    if (std::size_t(got) < n)
      return std::unexpected(fail(path, std::string("truncated while reading the ") + what));
    return {};
  };

  Sha256Stream sha;
  std::array<unsigned char, kFixedSize + 2> fixed{};
  if (size < fixed.size()) {
    // Too short for a header; a stray small file still gets "not a DNC file".
    std::array<char, kMagic.size()> magic{};
    if (size >= magic.size() &&
        read_full(fd.get(), magic.data(), magic.size()) == ssize_t(magic.size()) && magic != kMagic)
      return std::unexpected(fail(path, "not a DNC file (wrong magic)"));
    return std::unexpected(
        fail(path, "truncated (" + std::to_string(size) + " bytes, shorter than the header)"));
  }
  if (auto r = read_exact(fixed.data(), fixed.size(), "header"); !r)
    return std::unexpected(r.error());
  if (!std::equal(kMagic.begin(), kMagic.end(), fixed.begin(),
                  [](char a, unsigned char b) { return a == char(b); }))
    return std::unexpected(fail(path, "not a DNC file (wrong magic)"));
  const auto version = get_le<std::uint32_t>(&fixed[8]);
  if (version != kDncFileVersion)
    return std::unexpected(fail(path, "unsupported version " + std::to_string(version) +
                                          " (this build reads version " +
                                          std::to_string(kDncFileVersion) + ")"));
  LoadedDnc out;
  DncFileHeader& h = out.header;
  const auto kind = fixed[12];
  if (kind != std::uint8_t(DncKind::Numbers) && kind != std::uint8_t(DncKind::RobinsonHashes))
    return std::unexpected(fail(path, "unknown kind " + std::to_string(kind)));
  if (fixed[13] != 0 || fixed[14] != 0 || fixed[15] != 0)
    return std::unexpected(fail(path, "damaged header (reserved bytes are not zero)"));
  h.kind = DncKind(kind);
  h.list_date = core::from_unix_micros(get_le<std::int64_t>(&fixed[16]));
  h.imported_at = core::from_unix_micros(get_le<std::int64_t>(&fixed[24]));
  h.count = get_le<std::uint64_t>(&fixed[32]);
  const auto list_len = get_le<std::uint16_t>(&fixed[40]);
  if (list_len == 0 || list_len > kMaxList)
    return std::unexpected(
        fail(path, "damaged header (list name of " + std::to_string(list_len) + " bytes)"));
  sha.update(fixed.data(), fixed.size());

  std::string names(list_len + 2, '\0');
  if (auto r = read_exact(names.data(), names.size(), "header"); !r)
    return std::unexpected(r.error());
  sha.update(names.data(), names.size());
  h.list = names.substr(0, list_len);
  const auto source_len =
      get_le<std::uint16_t>(reinterpret_cast<const unsigned char*>(names.data()) + list_len);
  if (source_len > kMaxSource)
    return std::unexpected(
        fail(path, "damaged header (source name of " + std::to_string(source_len) + " bytes)"));
  h.source.resize(source_len);
  if (auto r = read_exact(h.source.data(), h.source.size(), "header"); !r)
    return std::unexpected(r.error());
  sha.update(h.source.data(), h.source.size());

  // The size must be exactly header + 8 * count + digest: checked before
  // allocating, so a damaged count cannot ask for terabytes.
  const std::uint64_t head_size = fixed.size() + names.size() + source_len;
  if (size < head_size + kDigestSize || (size - head_size - kDigestSize) % 8 != 0)
    return std::unexpected(fail(path, "truncated or damaged (" + std::to_string(size) +
                                          " bytes: not a header, whole 8-byte keys and a "
                                          "32-byte checksum)"));
  const std::uint64_t keys_in_file = (size - head_size - kDigestSize) / 8;
  if (keys_in_file != h.count)
    return std::unexpected(fail(path, "count mismatch: the header says " + std::to_string(h.count) +
                                          " entries, the file holds " +
                                          std::to_string(keys_in_file) +
                                          (keys_in_file < h.count ? " (truncated?)" : "")));

  std::vector<std::uint64_t> keys(h.count);
  for (std::size_t i = 0; i < keys.size(); i += kBlockKeys) {
    const std::size_t n = std::min(kBlockKeys, keys.size() - i);
    if (auto r = read_exact(keys.data() + i, n * sizeof(std::uint64_t), "keys"); !r)
      return std::unexpected(r.error());
    sha.update(keys.data() + i, n * sizeof(std::uint64_t));
    to_from_le(keys.data() + i, n);
  }
  std::array<unsigned char, kDigestSize> stored{};
  if (auto r = read_exact(stored.data(), stored.size(), "checksum"); !r)
    return std::unexpected(r.error());
  if (sha.final() != stored)
    return std::unexpected(fail(path, "checksum mismatch (the file is damaged)"));

  auto set = DncSet::from_sorted(std::move(keys));
  if (!set) return std::unexpected(fail(path, "the keys are not in strictly ascending order"));
  out.set = std::move(*set);
  return out;
}

}  // namespace cti::policy
