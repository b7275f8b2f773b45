// Keeps the library non-empty until the delivery engine lands; delete then.
namespace cti::webhooks {}
