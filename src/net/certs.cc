// net/certs.cc: CA, serving and client certificates with OpenSSL 3 (net/certs.h).
#include "net/certs.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "net/tls.h"

namespace celgate::net {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(FILE* p) const { std::fclose(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using CertPtr = std::unique_ptr<X509, Free>;

KeyPtr NewKey() { return KeyPtr(EVP_EC_gen("P-256")); }

bool AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// Makes a certificate for `key` signed by (issuer, issuer_key); self-signed when issuer null.
StatusOr<CertPtr> MakeCert(EVP_PKEY* key, const std::string& cn, X509* issuer,
                           EVP_PKEY* issuer_key, int days,
                           const std::vector<std::pair<int, std::string>>& exts) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* iss = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(iss));
  for (const auto& [nid, value] : exts) {
    if (!AddExt(cert.get(), iss, nid, value)) {
      return InternalError("certificate extension " + value + ": " + OpenSslErrors());
    }
  }
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) {
    return InternalError("signing certificate: " + OpenSslErrors());
  }
  return cert;
}

Status WritePem(const std::string& path, X509* cert, EVP_PKEY* key) {
  std::unique_ptr<FILE, Free> f(std::fopen(path.c_str(), "w"));
  if (!f) return InvalidArgumentError("cannot write " + path);
  if (key != nullptr) {
    ::chmod(path.c_str(), 0600);
    if (PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      return InternalError("writing " + path + ": " + OpenSslErrors());
    }
  } else if (PEM_write_X509(f.get(), cert) != 1) {
    return InternalError("writing " + path + ": " + OpenSslErrors());
  }
  return OkStatus();
}

StatusOr<CertPtr> ReadCert(const std::string& path) {
  std::unique_ptr<FILE, Free> f(std::fopen(path.c_str(), "r"));
  if (!f) return NotFoundError("cannot read " + path);
  CertPtr c(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  if (!c) return InvalidArgumentError("no certificate in " + path);
  return c;
}

StatusOr<KeyPtr> ReadKey(const std::string& path) {
  std::unique_ptr<FILE, Free> f(std::fopen(path.c_str(), "r"));
  if (!f) return NotFoundError("cannot read " + path);
  KeyPtr k(PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr));
  if (!k) return InvalidArgumentError("no private key in " + path);
  return k;
}

}  // namespace

Status WriteCertificates(const CertificateRequest& req) {
  std::error_code ec;
  std::filesystem::create_directories(req.dir, ec);
  if (ec) return InvalidArgumentError("cannot create " + req.dir + ": " + ec.message());
  const std::string d = req.dir + "/";
  KeyPtr ca_key;
  CertPtr ca;
  if (req.reuse_ca && std::filesystem::exists(d + "ca.crt") &&
      std::filesystem::exists(d + "ca.key")) {
    StatusOr<CertPtr> c = ReadCert(d + "ca.crt");
    if (!c.ok()) return c.status();
    StatusOr<KeyPtr> k = ReadKey(d + "ca.key");
    if (!k.ok()) return k.status();
    ca = std::move(*c);
    ca_key = std::move(*k);
  } else {
    ca_key = NewKey();
    if (!ca_key) return InternalError("EC key generation: " + OpenSslErrors());
    StatusOr<CertPtr> c =
        MakeCert(ca_key.get(), "celgate-ca", nullptr, nullptr, req.days,
                 {{NID_basic_constraints, "critical,CA:TRUE"},
                  {NID_key_usage, "critical,keyCertSign,cRLSign"},
                  {NID_subject_key_identifier, "hash"}});
    if (!c.ok()) return c.status();
    ca = std::move(*c);
    if (Status s = WritePem(d + "ca.key", nullptr, ca_key.get()); !s.ok()) return s;
    if (Status s = WritePem(d + "ca.crt", ca.get(), nullptr); !s.ok()) return s;
  }

  std::string san;
  for (const std::string& n : req.dns_names) san += (san.empty() ? "" : ",") + ("DNS:" + n);
  for (const std::string& ip : req.ips) san += (san.empty() ? "" : ",") + ("IP:" + ip);
  if (san.empty()) return InvalidArgumentError("the serving certificate needs a DNS name or IP");
  std::string cn = !req.dns_names.empty() ? req.dns_names[0] : req.ips[0];

  KeyPtr key = NewKey();
  StatusOr<CertPtr> leaf =
      MakeCert(key.get(), cn, ca.get(), ca_key.get(), req.days,
               {{NID_basic_constraints, "critical,CA:FALSE"},
                {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                {NID_ext_key_usage, "serverAuth"},
                {NID_subject_alt_name, san},
                {NID_authority_key_identifier, "keyid:always"}});
  if (!leaf.ok()) return leaf.status();
  // Key first, then certificate: a reloading server polling both sees a consistent pair once
  // the certificate lands (and rejects the intermediate state, keeping the old pair).
  if (Status s = WritePem(d + "tls.key.tmp", nullptr, key.get()); !s.ok()) return s;
  if (Status s = WritePem(d + "tls.crt.tmp", leaf->get(), nullptr); !s.ok()) return s;
  std::filesystem::rename(d + "tls.key.tmp", d + "tls.key", ec);
  if (!ec) std::filesystem::rename(d + "tls.crt.tmp", d + "tls.crt", ec);
  if (ec) return InternalError("renaming into " + req.dir + ": " + ec.message());

  KeyPtr ckey = NewKey();
  StatusOr<CertPtr> client =
      MakeCert(ckey.get(), "celgate-client", ca.get(), ca_key.get(), req.days,
               {{NID_basic_constraints, "critical,CA:FALSE"},
                {NID_key_usage, "critical,digitalSignature"},
                {NID_ext_key_usage, "clientAuth"}});
  if (!client.ok()) return client.status();
  if (Status s = WritePem(d + "client.key", nullptr, ckey.get()); !s.ok()) return s;
  return WritePem(d + "client.crt", client->get(), nullptr);
}

StatusOr<std::chrono::system_clock::time_point> CertificateNotAfter(const std::string& pem_file) {
  StatusOr<CertPtr> c = ReadCert(pem_file);
  if (!c.ok()) return c.status();
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(c->get()), &tm) != 1) {
    return InvalidArgumentError("bad notAfter in " + pem_file);
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace celgate::net
