// k8s/cellib/internal/common.cc: see common.h.
#include "k8s/cellib/internal/common.h"

#include "base/utf8.h"

namespace celgate::k8s::cellib::internal {

uint64_t ActualSize(const cel::Value& v) {
  switch (v.kind()) {
    case cel::ValueKind::kString: return utf8::CountCodePoints(v.string_value());
    case cel::ValueKind::kBytes: return v.bytes_value().size();
    case cel::ValueKind::kList: return v.list().size();
    case cel::ValueKind::kMap: return v.map().size();
    default: return 1;
  }
}

uint64_t FirstArgTraversal(const cel::CostSizes& size) {
  return CeilCost(size[0], kStringTraversalFactor);
}
uint64_t SecondArgTraversal(const cel::CostSizes& size) {
  return CeilCost(size[1], kStringTraversalFactor);
}

std::string GoQuote(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

const cel::TypeInfo& IPValue::StaticTypeInfo() {
  static constexpr cel::TypeInfo kInfo{"net.IP"};
  return kInfo;
}
const cel::TypeInfo& CIDRValue::StaticTypeInfo() {
  static constexpr cel::TypeInfo kInfo{"net.CIDR"};
  return kInfo;
}

}  // namespace celgate::k8s::cellib::internal
