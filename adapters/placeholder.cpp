// Keeps the library non-empty until the first adapter lands; delete then.
namespace cti::adapters {}
