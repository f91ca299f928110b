// k8s/validation.h: Kubernetes name validators and the named formats of the CEL format library.
//
// Where this sits: k8s/ (plain C++, no CEL). Used by k8s/labels.h, by policy validation and by
// k8s/cellib/format. Messages are apimachinery's (k8s.io/apimachinery/pkg/util/validation)
// verbatim, as released up to Kubernetes 1.33 ("must be no more than 63 characters"), because
// they reach users through messageExpression.
//
// Every function returns the list of problems; an empty list means valid. Pure functions,
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace celgate::k8s {

std::vector<std::string> IsDNS1123Label(std::string_view value);
std::vector<std::string> IsDNS1123Subdomain(std::string_view value);
std::vector<std::string> IsDNS1035Label(std::string_view value);
// Label key: optional DNS-subdomain prefix and '/', then a name of at most 63 characters.
std::vector<std::string> IsQualifiedName(std::string_view value);
std::vector<std::string> IsValidLabelValue(std::string_view value);
// IANA service name (container port names).
std::vector<std::string> IsValidPortName(std::string_view value);

// The generateName ("prefix") variants used by the format library (apimachinery
// NameIsDNSLabel(s, true) etc.): a trailing '-' is masked before validation, exactly as
// upstream's maskTrailingDash does (it replaces the last TWO characters with "a").
std::vector<std::string> IsDNS1123LabelPrefix(std::string_view value);
std::vector<std::string> IsDNS1123SubdomainPrefix(std::string_view value);
std::vector<std::string> IsDNS1035LabelPrefix(std::string_view value);

// Format-library names (library/format.go): dns1123Label, dns1123Subdomain, dns1035Label,
// qualifiedName, dns1123LabelPrefix, dns1123SubdomainPrefix, dns1035LabelPrefix, labelValue,
// uri, uuid, byte, date, datetime. (portName is deliberately absent: upstream's format library
// does not register it.)
const std::vector<std::string>& KnownNamedFormats();

// nullopt when `format_name` is not in KnownNamedFormats(); else the error list of validating
// `value` (empty = valid). Messages: the validators above; "uri": Go's ParseRequestURI error
// text; "uuid": "does not match the UUID format"; "byte": "invalid base64"; "date":
// "invalid date"; "datetime": "invalid datetime".
std::optional<std::vector<std::string>> ValidateNamedFormat(std::string_view format_name,
                                                            std::string_view value);

// Building blocks shared with other files in k8s/.
std::string MaxLenError(int length);  // "must be no more than <n> characters"
std::string RegexError(std::string_view msg, std::string_view re,
                       const std::vector<std::string_view>& examples);
std::string EmptyError();  // "must be non-empty"

}  // namespace celgate::k8s
