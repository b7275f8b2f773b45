#include "connector/common/metrics.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace cti::common {

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::observe(double v) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  buckets_[size_t(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (v > 0) sum_micros_.fetch_add(std::uint64_t(std::llround(v * 1e6)), std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

double Histogram::sum() const { return double(sum_micros_.load(std::memory_order_relaxed)) / 1e6; }

namespace {
std::string label_key(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out += ',';
    out += k;
    out += "=\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  return out;
}
std::string braces(const std::string& key, const std::string& extra = {}) {
  std::string inner = key;
  if (!extra.empty()) inner = inner.empty() ? extra : inner + "," + extra;
  return inner.empty() ? std::string{} : "{" + inner + "}";
}
std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
}  // namespace

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& fam = families_[name];
  fam.help = help;
  fam.type = "counter";
  auto& slot = fam.counters[label_key(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& fam = families_[name];
  fam.help = help;
  fam.type = "gauge";
  auto& slot = fam.gauges[label_key(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               std::vector<double> bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& fam = families_[name];
  fam.help = help;
  fam.type = "histogram";
  auto& slot = fam.histograms[label_key(labels)];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return *slot;
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream os;
  for (const auto& [name, fam] : families_) {
    os << "# HELP " << name << ' ' << fam.help << '\n';
    os << "# TYPE " << name << ' ' << fam.type << '\n';
    for (const auto& [key, c] : fam.counters) os << name << braces(key) << ' ' << c->value() << '\n';
    for (const auto& [key, g] : fam.gauges) os << name << braces(key) << ' ' << g->value() << '\n';
    for (const auto& [key, h] : fam.histograms) {
      const auto counts = h->cumulative_counts();
      for (size_t i = 0; i < h->bounds().size(); ++i)
        os << name << "_bucket" << braces(key, "le=\"" + fmt(h->bounds()[i]) + "\"") << ' '
           << counts[i] << '\n';
      os << name << "_bucket" << braces(key, "le=\"+Inf\"") << ' ' << counts.back() << '\n';
      os << name << "_sum" << braces(key) << ' ' << fmt(h->sum()) << '\n';
      os << name << "_count" << braces(key) << ' ' << h->count() << '\n';
    }
  }
  return os.str();
}

Registry& default_registry() {
  static Registry registry;
  return registry;
}

}  // namespace cti::common
