// Keeps the library non-empty until the wiring lands; delete then.
namespace cti::app {}
