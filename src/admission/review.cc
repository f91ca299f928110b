// admission/review.cc: AdmissionReview codec (see review.h).
#include "admission/review.h"

namespace celgate::admission {

StatusOr<std::unique_ptr<DecodedReview>> DecodeReview(std::string_view body) {
  StatusOr<json::Document> doc = json::Parse(body);
  if (!doc.ok()) {
    return InvalidArgumentError("AdmissionReview is not valid JSON: " +
                                std::string(doc.status().message()));
  }
  auto out = std::make_unique<DecodedReview>();
  out->doc = std::move(*doc);
  json::Value root = out->doc.root();
  if (!root.is_object()) return InvalidArgumentError("AdmissionReview must be a JSON object");
  std::string_view api_version = root.Find("apiVersion").as_string();
  std::string_view kind = root.Find("kind").as_string();
  if (kind != "AdmissionReview") {
    return InvalidArgumentError("kind must be AdmissionReview, got '" + std::string(kind) + "'");
  }
  if (api_version != "admission.k8s.io/v1" && api_version != "admission.k8s.io/v1beta1") {
    return InvalidArgumentError(
        "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got '" +
        std::string(api_version) + "'");
  }
  out->api_version = api_version;
  json::Value req = root.Find("request");
  if (!req.is_object()) return InvalidArgumentError("AdmissionReview has no request");
  policy::RequestAttributes& a = out->request;
  a.raw = req;
  // kube-apiserver always sends a uid and requires it echoed (admission-policies.md 12.3).
  json::Value uid = req.Find("uid");
  if (!uid.is_string() || uid.as_string().empty()) {
    return InvalidArgumentError(uid.valid() && !uid.is_string()
                                    ? "AdmissionReview request.uid must be a string"
                                    : "AdmissionReview request has no uid");
  }
  a.uid = uid.as_string();
  json::Value k = req.Find("kind");
  a.kind_group = k.Find("group").as_string();
  a.kind_version = k.Find("version").as_string();
  a.kind = k.Find("kind").as_string();
  json::Value r = req.Find("resource");
  a.group = r.Find("group").as_string();
  a.version = r.Find("version").as_string();
  a.resource = r.Find("resource").as_string();
  a.sub_resource = req.Find("subResource").as_string();
  a.name = req.Find("name").as_string();
  a.ns = req.Find("namespace").as_string();
  a.operation_name = req.Find("operation").as_string();
  a.operation = policy::ParseOperation(a.operation_name);
  if (a.operation == policy::kAllOperations) a.operation = 0;
  json::Value obj = req.Find("object");
  if (obj.valid() && !obj.is_null()) a.object = obj;
  json::Value old = req.Find("oldObject");
  if (old.valid() && !old.is_null()) a.old_object = old;
  return out;
}

namespace {

// Responses are written by one Writer per thread: its buffer keeps its capacity between
// requests, so encoding allocates only the returned string. A buffer grown past
// kMaxKeptWriterBytes by a large response is dropped afterwards.
constexpr size_t kMaxKeptWriterBytes = 64 * 1024;

std::unique_ptr<json::Writer>& ThreadWriter() {
  thread_local std::unique_ptr<json::Writer> writer;
  if (!writer) writer = std::make_unique<json::Writer>();
  return writer;
}

std::string TakeResponse(std::unique_ptr<json::Writer>& writer) {
  std::string out = writer->Take();
  if (out.size() > kMaxKeptWriterBytes) writer.reset();
  return out;
}

void StartResponse(json::Writer& w, const DecodedReview& review, bool allowed) {
  w.StartObject();
  w.Key("apiVersion");
  w.String(review.api_version);
  w.Key("kind");
  w.String("AdmissionReview");
  w.Key("response");
  w.StartObject();
  w.Key("uid");
  w.String(review.request.uid);
  w.Key("allowed");
  w.Bool(allowed);
}

std::string_view RequestName(const policy::RequestAttributes& a) {
  if (!a.name.empty()) return a.name;
  json::Value meta = a.object.Find("metadata");
  if (!meta.Find("name").as_string().empty()) return meta.Find("name").as_string();
  if (!meta.Find("generateName").as_string().empty()) return meta.Find("generateName").as_string();
  return "Unknown";
}

void WriteStatus(json::Writer& w, const DecodedReview& review, int code, std::string_view reason,
                 std::string_view message, std::string_view cause) {
  const policy::RequestAttributes& a = review.request;
  w.Key("status");
  w.StartObject();
  w.Key("metadata");
  w.StartObject();
  w.EndObject();
  w.Key("status");
  w.String("Failure");
  w.Key("message");
  w.String(message);
  w.Key("reason");
  w.String(reason);
  w.Key("details");
  w.StartObject();
  w.Key("name");
  w.String(RequestName(a));
  if (!a.group.empty()) {
    w.Key("group");
    w.String(a.group);
  }
  w.Key("kind");
  w.String(a.resource);
  if (!cause.empty()) {
    w.Key("causes");
    w.StartArray();
    w.StartObject();
    w.Key("message");
    w.String(cause);
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  w.Key("code");
  w.Int(code);
  w.EndObject();
}

}  // namespace

std::string PolicyAnnotationKey(std::string_view policy, std::string_view key) {
  std::string k(policy);
  k += '_';
  k += key;
  if (k.size() > 63) k.resize(63);
  while (!k.empty() && !std::isalnum(static_cast<unsigned char>(k.back()))) k.pop_back();
  return k;
}

std::string EncodeResponse(const DecodedReview& review, const policy::Decision& decision,
                           const EncodeOptions& options) {
  std::unique_ptr<json::Writer>& writer = ThreadWriter();
  json::Writer& w = *writer;
  StartResponse(w, review, decision.allowed);
  if (!decision.allowed && decision.denial) {
    const policy::Denial& d = *decision.denial;
    std::string cause = d.Cause();
    std::string reason = d.reason.empty() ? "Invalid" : d.reason;
    std::string message = cause;
    if (options.in_process_status) {
      const policy::RequestAttributes& a = review.request;
      message = std::string(a.resource);
      if (!a.group.empty()) message += "." + std::string(a.group);
      message += " \"" + std::string(RequestName(a)) + "\" is forbidden: " + cause;
    }
    WriteStatus(w, review, policy::ReasonToCode(reason), reason, message, cause);
  }
  if (!decision.warnings.empty()) {
    w.Key("warnings");
    w.StartArray();
    for (const std::string& s : decision.warnings) w.String(s);
    w.EndArray();
  }
  if (decision.validation_failure || !decision.audit_annotations.empty()) {
    w.Key("auditAnnotations");
    w.StartObject();
    for (const auto& a : decision.audit_annotations) {
      w.Key(PolicyAnnotationKey(a.policy, a.key));
      w.String(a.value);
    }
    if (decision.validation_failure) {
      w.Key("validation_failure");
      w.String(*decision.validation_failure);
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return TakeResponse(writer);
}

std::string EncodeError(const DecodedReview& review, int code, std::string_view reason,
                        std::string_view message) {
  std::unique_ptr<json::Writer>& writer = ThreadWriter();
  json::Writer& w = *writer;
  StartResponse(w, review, false);
  WriteStatus(w, review, code, reason, message, "");
  w.EndObject();
  w.EndObject();
  return TakeResponse(writer);
}

}  // namespace celgate::admission
