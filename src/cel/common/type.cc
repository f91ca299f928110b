// cel/common/type.cc: construction and printing of static types. See type.h.
#include "cel/common/type.h"

namespace celgate::cel {
namespace {
const std::string& EmptyName() {
  static const std::string* s = new std::string();
  return *s;
}
const std::vector<Type>& EmptyParams() {
  static const std::vector<Type>* v = new std::vector<Type>();
  return *v;
}
}  // namespace

Type Type::List(Type elem) {
  return Type(TypeKind::kList, std::make_shared<const Rep>(Rep{"", {std::move(elem)}}));
}
Type Type::Map(Type key, Type value) {
  return Type(TypeKind::kMap,
              std::make_shared<const Rep>(Rep{"", {std::move(key), std::move(value)}}));
}
Type Type::Optional(Type elem) {
  return Type(TypeKind::kOptional, std::make_shared<const Rep>(Rep{"", {std::move(elem)}}));
}
Type Type::TypeOf(Type t) {
  return Type(TypeKind::kType, std::make_shared<const Rep>(Rep{"", {std::move(t)}}));
}
Type Type::Opaque(std::string name, std::vector<Type> params) {
  return Type(TypeKind::kOpaque,
              std::make_shared<const Rep>(Rep{std::move(name), std::move(params)}));
}
Type Type::Param(std::string name) {
  return Type(TypeKind::kTypeParam, std::make_shared<const Rep>(Rep{std::move(name), {}}));
}

const std::string& Type::name() const { return rep_ ? rep_->name : EmptyName(); }
const std::vector<Type>& Type::params() const { return rep_ ? rep_->params : EmptyParams(); }

std::string Type::DebugString() const {
  switch (kind_) {
    case TypeKind::kDyn: return "dyn";
    case TypeKind::kNull: return "null_type";
    case TypeKind::kBool: return "bool";
    case TypeKind::kInt: return "int";
    case TypeKind::kUint: return "uint";
    case TypeKind::kDouble: return "double";
    case TypeKind::kString: return "string";
    case TypeKind::kBytes: return "bytes";
    case TypeKind::kTimestamp: return "google.protobuf.Timestamp";
    case TypeKind::kDuration: return "google.protobuf.Duration";
    case TypeKind::kError: return "*error*";
    case TypeKind::kList: return "list(" + param(0).DebugString() + ")";
    case TypeKind::kMap:
      return "map(" + param(0).DebugString() + ", " + param(1).DebugString() + ")";
    case TypeKind::kOptional: return "optional_type(" + param(0).DebugString() + ")";
    case TypeKind::kType:
      if (params().empty()) return "type";
      return "type(" + param(0).DebugString() + ")";
    case TypeKind::kTypeParam: return name();
    case TypeKind::kOpaque: {
      std::string s = name();
      if (!params().empty()) {
        s += "(";
        for (size_t i = 0; i < params().size(); ++i) {
          if (i) s += ", ";
          s += params()[i].DebugString();
        }
        s += ")";
      }
      return s;
    }
  }
  return "?";
}

bool Type::operator==(const Type& o) const {
  if (kind_ != o.kind_) return false;
  if (name() != o.name()) return false;
  const auto& a = params();
  const auto& b = o.params();
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace celgate::cel
