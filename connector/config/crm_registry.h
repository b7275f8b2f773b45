#pragma once
// CRM blocks ("crm": [...]) are parsed by type, Envoy style: each CRM type
// registers a factory that validates its own JSON block and stores the result
// in the Config. Adding a CRM type is one factory plus one registration line in
// builtin_crm_registry().
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "connector/config/config.h"
#include "connector/config/reader.h"

namespace cti::config {

// Validates one crm[] entry (its `type` already matched) and appends it to
// `out`; returns the entry's name so the registry can keep names unique across
// all CRM types. Reports problems through the Node (ConfigFailure).
using CrmFactory = std::function<std::string(const Node& block, Config& out)>;

class CrmRegistry {
 public:
  // Later registrations of the same type replace earlier ones.
  void add(std::string type, CrmFactory factory);
  const CrmFactory* find(std::string_view type) const;
  std::vector<std::string> types() const;  // sorted

  // Parses the whole "crm" array: dispatches each entry by its "type"
  // (default "webhook"), rejects unknown types (listing the known ones) and
  // duplicate names.
  void parse_all(const Node& crm_array, Config& out) const;

 private:
  std::map<std::string, CrmFactory, std::less<>> factories_;
};

// The registry with every CRM type this build knows ("webhook").
const CrmRegistry& builtin_crm_registry();

// The "webhook" factory: signed JSON POSTs to a URL.
std::string parse_webhook_crm(const Node& block, Config& out);

}  // namespace cti::config
