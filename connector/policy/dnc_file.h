#pragma once
// The on-disk snapshot of one imported do-not-call registry (`cti-connector
// dnc-import` writes it, the connector loads it at start-up): the DncSet
// keys, already sorted, so 20 M entries load with a few large reads and one
// pass over memory instead of re-parsing the source file.
//
// Format, version 1 (every integer little-endian):
//   offset  size
//        0     8  magic "CTI-DNC\0"
//        8     4  u32 version = 1
//       12     1  u8  kind (DncKind: 1 numbers, 2 Robinson hashes)
//       13     3  reserved, zero
//       16     8  i64 list_date, microseconds since the Unix epoch (UTC)
//       24     8  i64 imported_at, same unit
//       32     8  u64 count of keys
//       40     2  u16 length of the list name, then the name's bytes (1..64)
//              2  u16 length of the source file name, then its bytes (0..4096)
//        count*8  the keys as u64, strictly ascending (sorted, no duplicates)
//             32  SHA-256 of every byte before it
// So a file's size is exactly 44 + name + source + 8 * count + 32 bytes, and
// `head -c -32 F | sha256sum` equals `tail -c 32 F | xxd -p -c 32`.
// The writer goes through `path + ".tmp"`, fsync and rename, so a crash
// leaves either the old file or the new one under `path`, never half a file.
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "connector/core/time.h"
#include "connector/policy/dnc_set.h"

namespace cti::policy {

struct DncFileHeader {
  std::string list;  // "robinson", "internal": 1..64 bytes
  DncKind kind = DncKind::Numbers;
  core::Timestamp list_date{};    // when the registry's data was taken
  core::Timestamp imported_at{};  // when this file was made
  std::uint64_t count = 0;        // number of keys; must equal the keys written
  std::string source;             // the imported file's name, for the audit trail
};

inline constexpr std::uint32_t kDncFileVersion = 1;

// Writes `path` atomically (see above). The keys must be strictly ascending
// and `header.count` must equal their number. The error names the path.
std::expected<void, std::string> write_dnc_file(
    const std::string& path, const DncFileHeader& header,
    const std::vector<std::uint64_t>& sorted_unique_keys);

struct LoadedDnc {
  DncFileHeader header;
  DncSet set;
};

// Loads and verifies a file written by write_dnc_file: a missing file, wrong
// magic or version, a truncated file, a count that does not match the size,
// keys out of order and a bad checksum are each refused with a message that
// names the path.
std::expected<LoadedDnc, std::string> read_dnc_file(const std::string& path);

}  // namespace cti::policy
