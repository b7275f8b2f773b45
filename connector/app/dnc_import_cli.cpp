#include "connector/app/dnc_import_cli.h"

#include <fcntl.h>
#include <phonenumbers/phonenumberutil.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "connector/config/validators.h"
#include "connector/core/time.h"
#include "connector/policy/dnc_file.h"
#include "connector/policy/dnc_import.h"

namespace cti::app {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kBlock = std::size_t{1} << 20;  // input read size
constexpr auto kRedraw = std::chrono::milliseconds(100);

constexpr const char* kHelpFooter = R"(
INPUT has one entry per line; blank lines and lines starting with '#' are skipped.
How --list and --kind map to what is stored:
  --list robinson   stored as Robinson hash keys whatever --kind says. Each line may be
                    a 64-hex SHA-256 (Adigital's format: sha256("04" + "0034...")) or a
                    number, which is hashed the same way on the way in (national numbers
                    are Spanish, so --region must be ES), and only hashes are kept. A
                    file that mixes the two is imported as it is.
  --kind numbers    any other list: "+34...", "0034..." or national numbers (the
                    --region country code is put in front, a leading trunk 0 dropped);
                    stored as E.164 keys. A line that is not a number is rejected.
  --kind hashes     any other list: stored as hash keys exactly as for robinson, so it
                    matches only lists hashed the Robinson way.
Exit codes: 0 written; 1 I/O error, no entries, or more lines rejected than accepted
(usually the wrong --kind; nothing is written then); 2 bad arguments.)";

std::optional<core::Timestamp> parse_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int y = std::stoi(s.substr(0, 4));
  const unsigned m = unsigned(std::stoi(s.substr(5, 2)));
  const unsigned d = unsigned(std::stoi(s.substr(8, 2)));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return core::Timestamp{std::chrono::sys_days{ymd}};
}

bool valid_list_name(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// The first rejected line goes to the terminal: no control characters.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  return out;
}

std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// A progress bar on stderr, redrawn at most every kRedraw, only on a terminal.
class Progress {
 public:
  Progress(bool tty, std::uint64_t total_bytes) : tty_(tty), total_(total_bytes) {}
  bool tty() const { return tty_; }

  void update(std::uint64_t bytes, std::uint64_t lines, bool force = false) {
    if (!tty_) return;
    const auto now = Clock::now();
    if (!force && now - last_ < kRedraw) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? double(lines) / secs : 0;
    char line[160];
    if (total_ > 0) {
      const double frac = std::min(1.0, double(bytes) / double(total_));
      const int filled = int(frac * 30);
      std::snprintf(line, sizeof line, "\r[%.*s%.*s] %3d%%  %s lines  %s lines/s\x1b[K", filled,
                    "##############################", 30 - filled, "                              ",
                    int(frac * 100), grouped(lines).c_str(), grouped(std::uint64_t(rate)).c_str());
    } else {
      std::snprintf(line, sizeof line, "\r%s bytes  %s lines  %s lines/s\x1b[K",
                    grouped(bytes).c_str(), grouped(lines).c_str(),
                    grouped(std::uint64_t(rate)).c_str());
    }
    status(line);
  }
  // Replaces the bar with a message (or clears it).
  void status(const std::string& text) {
    if (!tty_) return;
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
  }

 private:
  bool tty_;
  std::uint64_t total_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
};

int usage(const std::string& message) {
  std::cerr << "dnc-import: " << message << "\nRun with --help for more information.\n";
  return 2;
}

}  // namespace

int run_dnc_import(const DncImportOptions& o) {
  const auto started = Clock::now();
  // Arguments: every problem here is exit 2, like a CLI11 parse error.
  const std::pair<const std::string*, const char*> required[] = {{&o.list, "--list"},
                                                                 {&o.kind, "--kind"},
                                                                 {&o.date, "--date"},
                                                                 {&o.out, "--out"},
                                                                 {&o.input, "INPUT"}};
  for (const auto& [value, name] : required)
    if (value->empty()) return usage(std::string(name) + " is required");
  if (!valid_list_name(o.list))
    return usage("--list must be 1 to 64 characters of a-z, 0-9, '_' and '-' (got \"" +
                 printable(o.list) + "\")");
  if (o.kind != "numbers" && o.kind != "hashes")
    return usage("--kind must be numbers or hashes (got \"" + printable(o.kind) + "\")");
  const auto list_date = parse_date(o.date);
  if (!list_date)
    return usage("--date must be a calendar date as YYYY-MM-DD (got \"" + printable(o.date) +
                 "\")");
  const auto now = core::SystemClock().now();
  // A day of slack for time zones ahead of UTC; a later date would make a
  // stale list look fresh.
  if (*list_date > now + std::chrono::hours(24))
    return usage("--date " + o.date + " is in the future");
  const bool robinson = o.list == "robinson";
  const auto kind =
      robinson || o.kind == "hashes" ? policy::DncKind::RobinsonHashes : policy::DncKind::Numbers;
  const std::string region = o.region.empty() ? "ES" : o.region;
  if (!config::is_region_code(region))
    return usage("--region must be an ISO 3166 code such as ES (got \"" + printable(region) +
                 "\")");
  const int country_code =
      i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(region);
  if (country_code <= 0) return usage("--region " + region + " has no country calling code");
  if (kind == policy::DncKind::RobinsonHashes && region != "ES")
    return usage("--region " + region +
                 " does not apply: numbers in a hash list are normalized the Robinson way "
                 "(national numbers are Spanish)");

  // Read.
  const int fd = ::open(o.input.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::cerr << "dnc-import: cannot read " << o.input << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  struct stat st {};
  const std::uint64_t total =
      ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? std::uint64_t(st.st_size) : 0;
  policy::DncImporter importer(kind, std::to_string(country_code));
  Progress progress(::isatty(STDERR_FILENO) == 1, total);
  std::vector<char> block(kBlock);
  std::uint64_t bytes = 0;
  for (;;) {
    const ssize_t n = ::read(fd, block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      progress.status("\r\x1b[K");
      std::cerr << "dnc-import: cannot read " << o.input << ": " << std::strerror(err) << "\n";
      return 1;
    }
    if (n == 0) break;
    importer.feed(std::string_view(block.data(), std::size_t(n)));
    bytes += std::uint64_t(n);
    progress.update(bytes, importer.stats().lines);
  }
  ::close(fd);
  auto keys = importer.finish();
  const policy::DncImportStats stats = importer.stats();
  progress.update(bytes, stats.lines, true);

  // Check, sort, write.
  std::string problem;
  std::uint64_t duplicates = 0, written = 0, out_bytes = 0;
  if (stats.rejected > stats.accepted) {
    problem = "more lines rejected (" + std::to_string(stats.rejected) + ") than accepted (" +
              std::to_string(stats.accepted) + "), nothing written: wrong --kind? (the usual " +
              "cause: a file of hashes imported with --kind numbers)";
  } else if (stats.accepted == 0) {
    problem = o.input + " has no entries; refusing to write an empty list";
  } else {
    progress.status("\r\x1b[Kdnc-import: sorting and writing " + grouped(stats.accepted) +
                    " entries...");
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    duplicates = stats.accepted - keys.size();
    policy::DncFileHeader header{o.list,      kind,
                                 *list_date,  now,
                                 keys.size(), std::filesystem::path(o.input).filename().string()};
    if (auto w = policy::write_dnc_file(o.out, header, keys); !w) {
      problem = w.error();
    } else {
      written = keys.size();
      std::error_code ec;
      out_bytes = std::filesystem::file_size(o.out, ec);
    }
  }
  progress.status("\r\x1b[K");

  // One summary line, always.
  std::ostringstream summary;
  summary << "dnc-import: " << o.list << ": " << stats.lines << " lines, " << stats.accepted
          << " accepted, " << duplicates << " duplicates removed, " << stats.rejected
          << " rejected";
  if (stats.rejected > 0) {
    if (stats.first_rejected_line > 0)
      summary << " (first at line " << stats.first_rejected_line
              << ", blank and # lines not counted: \"" << printable(stats.first_rejected) << "\")";
    else
      summary << " (first: a line longer than 4096 bytes)";
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f",
                std::chrono::duration<double>(Clock::now() - started).count());
  if (problem.empty())
    summary << "; " << written << " entries, " << out_bytes << " bytes written to " << o.out
            << " in " << secs << " s";
  else
    summary << "; nothing written, " << secs << " s";
  std::cerr << summary.str() << "\n";
  if (!problem.empty()) {
    std::cerr << "dnc-import: " << problem << "\n";
    return 1;
  }
  return 0;
}

void add_dnc_import_command(CLI::App& app) {
  auto options = std::make_shared<DncImportOptions>();
  auto* cmd = app.add_subcommand(
      "dnc-import", "Import a do-not-call registry file into a .dnc snapshot for the connector");
  // Not ->required(): missing values are reported by run_dnc_import with exit
  // code 2 (CLI11's own codes for a missing option are 100+).
  cmd->add_option("--list", options->list,
                  "Registry name, e.g. robinson or internal (required; a-z 0-9 _ -)");
  cmd->add_option("--kind", options->kind, "What INPUT holds: numbers or hashes (required)");
  cmd->add_option("--date", options->date,
                  "YYYY-MM-DD the registry's data was taken; calls are refused against a stale "
                  "list (required)");
  cmd->add_option("--out", options->out, "The .dnc file to write, replaced atomically (required)");
  cmd->add_option("--region", options->region, "ISO 3166 region of national numbers (default ES)");
  cmd->add_option("INPUT", options->input, "The registry file, one entry per line (required)");
  cmd->footer(kHelpFooter);
  cmd->allow_extras();
  cmd->callback([cmd, options] {
    int code = 0;
    if (const auto extra = cmd->remaining(); !extra.empty())
      code = usage("unexpected argument " + extra.front());
    else
      code = run_dnc_import(*options);
    // Ends parsing; CLI11_PARSE returns the code without printing.
    throw CLI::RuntimeError(code);
  });
}

}  // namespace cti::app
