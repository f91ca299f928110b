// cel/common/type.h: static CEL types, as the checker and library declarations use them.
//
// A Type is an immutable value: a kind plus, for parameterised kinds, its parameters
// (list(T), map(K, V), optional_type(T), type(T), opaque types with parameters) or a name
// (opaque types, type parameters). Cheap to copy (shared immutable representation).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace celgate::cel {

enum class TypeKind : uint8_t {
  kDyn,
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kTimestamp,
  kDuration,
  kType,       // type(T): the type of type values
  kOptional,   // optional_type(T)
  kOpaque,     // named library type, e.g. kubernetes.Quantity, net.IP
  kTypeParam,  // a type parameter in a function signature, e.g. T in list(T).min()
  kError,      // the checker's error type
};

class Type {
 public:
  Type() : kind_(TypeKind::kDyn) {}

  static Type Dyn() { return Type(TypeKind::kDyn); }
  static Type Null() { return Type(TypeKind::kNull); }
  static Type Bool() { return Type(TypeKind::kBool); }
  static Type Int() { return Type(TypeKind::kInt); }
  static Type Uint() { return Type(TypeKind::kUint); }
  static Type Double() { return Type(TypeKind::kDouble); }
  static Type String() { return Type(TypeKind::kString); }
  static Type Bytes() { return Type(TypeKind::kBytes); }
  static Type Timestamp() { return Type(TypeKind::kTimestamp); }
  static Type Duration() { return Type(TypeKind::kDuration); }
  static Type Error() { return Type(TypeKind::kError); }
  static Type List(Type elem);
  static Type Map(Type key, Type value);
  static Type Optional(Type elem);
  static Type TypeOf(Type t);  // type(T); TypeOf(Dyn()) is plain `type`
  static Type Opaque(std::string name, std::vector<Type> params = {});
  static Type Param(std::string name);

  TypeKind kind() const { return kind_; }
  bool is_dyn() const { return kind_ == TypeKind::kDyn; }
  // Opaque type or type parameter name.
  const std::string& name() const;
  const std::vector<Type>& params() const;
  // list/optional/type element type, map key type.
  const Type& param(size_t i) const { return params()[i]; }

  // CEL's textual form: int, list(string), map(string, dyn), optional_type(int),
  // type(int), kubernetes.Quantity, T.
  std::string DebugString() const;

  bool operator==(const Type& o) const;
  bool operator!=(const Type& o) const { return !(*this == o); }

 private:
  struct Rep {
    std::string name;
    std::vector<Type> params;
  };
  explicit Type(TypeKind k) : kind_(k) {}
  Type(TypeKind k, std::shared_ptr<const Rep> rep) : kind_(k), rep_(std::move(rep)) {}

  TypeKind kind_;
  std::shared_ptr<const Rep> rep_;
};

}  // namespace celgate::cel
