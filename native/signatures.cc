// Signature facts for a file (a .msp patch): what Windows Installer itself says
// (MsiGetFileSignatureInformationW, the call it uses for UAC patching) and what
// WinVerifyTrust says with revocation checking of the whole chain. Both outcomes are
// returned as HRESULTs; the facade decides what they mean.
// Also the machine's chain engine on its own (CertGetCertificateChain plus the
// Authenticode chain policy) for certificates the facade read from a signature: Wine's
// WinVerifyTrust skips the chain policy for MSI files, its chain engine does not.
#include "signatures.h"

#include "addon_support.h"

#include <msi.h>
#include <softpub.h>
#include <wincrypt.h>
#include <wintrust.h>

namespace msilua {
namespace {

struct CertContextTraits {
  static PCCERT_CONTEXT invalid() { return nullptr; }
  static void close(PCCERT_CONTEXT c) { ::CertFreeCertificateContext(c); }
};
using UniqueCertContext = UniqueResource<PCCERT_CONTEXT, CertContextTraits>;

struct CertStoreTraits {
  static HCERTSTORE invalid() { return nullptr; }
  static void close(HCERTSTORE store) { ::CertCloseStore(store, 0); }
};
using UniqueCertStore = UniqueResource<HCERTSTORE, CertStoreTraits>;

struct ChainContextTraits {
  static PCCERT_CHAIN_CONTEXT invalid() { return nullptr; }
  static void close(PCCERT_CHAIN_CONTEXT chain) { ::CertFreeCertificateChain(chain); }
};
using UniqueChainContext = UniqueResource<PCCERT_CHAIN_CONTEXT, ChainContextTraits>;

constexpr uint32_t kMaxChainInputCertificates = 64;

struct SignatureFacts {
  uint32_t msiHresult = 0;
  std::vector<uint8_t> signerCertificate;
  uint32_t trustHresult = 0;
  bool revocationChecked = false;
  // Wine's ntdll exports wine_get_version; its WinVerifyTrust does not check the hash of
  // MSI files, so the facade must know whose verdict it is reading.
  std::string wineVersion;
};

std::string WineVersion() {
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  if (ntdll == nullptr) return {};
  using GetVersionFn = const char*(__cdecl*)();
  auto getVersion =
      reinterpret_cast<GetVersionFn>(reinterpret_cast<void*>(::GetProcAddress(ntdll, "wine_get_version")));
  const char* version = getVersion ? getVersion() : nullptr;
  return version ? std::string(version) : std::string();
}

uint32_t VerifyTrust(const std::wstring& path, bool checkRevocation) {
  WINTRUST_FILE_INFO file = {};
  file.cbStruct = sizeof(file);
  file.pcwszFilePath = path.c_str();
  WINTRUST_DATA data = {};
  data.cbStruct = sizeof(data);
  data.dwUIChoice = WTD_UI_NONE;
  data.fdwRevocationChecks = checkRevocation ? WTD_REVOKE_WHOLECHAIN : WTD_REVOKE_NONE;
  data.dwUnionChoice = WTD_CHOICE_FILE;
  data.pFile = &file;
  data.dwStateAction = WTD_STATEACTION_VERIFY;
  data.dwProvFlags = checkRevocation ? WTD_REVOCATION_CHECK_CHAIN : WTD_REVOCATION_CHECK_NONE;
  GUID action = WINTRUST_ACTION_GENERIC_VERIFY_V2;
  LONG status = ::WinVerifyTrust(static_cast<HWND>(INVALID_HANDLE_VALUE), &action, &data);
  // The state must be closed whatever the verdict.
  data.dwStateAction = WTD_STATEACTION_CLOSE;
  ::WinVerifyTrust(static_cast<HWND>(INVALID_HANDLE_VALUE), &action, &data);
  return static_cast<uint32_t>(status);
}

SignatureFacts GatherSignature(const std::wstring& path, bool checkRevocation) {
  DWORD attributes = ::GetFileAttributesW(path.c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES) ThrowWin32("GetFileAttributesW", ::GetLastError(), WideToUtf8(path));
  SignatureFacts facts;
  UniqueCertContext certificate;
  PCCERT_CONTEXT raw = nullptr;
  HRESULT hr = ::MsiGetFileSignatureInformationW(path.c_str(), MSI_INVALID_HASH_IS_FATAL, &raw, nullptr, nullptr);
  certificate.reset(raw);
  facts.msiHresult = static_cast<uint32_t>(hr);
  if (SUCCEEDED(hr) && certificate) {
    const BYTE* der = certificate.get()->pbCertEncoded;
    facts.signerCertificate.assign(der, der + certificate.get()->cbCertEncoded);
  }
  facts.trustHresult = VerifyTrust(path, checkRevocation);
  facts.revocationChecked = checkRevocation;
  facts.wineVersion = WineVersion();
  return facts;
}

// fileSignature(path, checkRevocation) → { msiHresult, signerCertificate: Buffer|null, trustHresult, revocationChecked,
// wineVersion }
Napi::Value FileSignature(const Napi::CallbackInfo& info) {
  std::wstring path = Utf8ToWide(RequireString(info, 0, "path"));
  bool checkRevocation = RequireBoolean(info, 1, "checkRevocation");
  return PromiseWorker<SignatureFacts>::Run(
      info.Env(), "msi-lua:fileSignature", [path, checkRevocation]() { return GatherSignature(path, checkRevocation); },
      [](Napi::Env env, SignatureFacts& facts) -> Napi::Value {
        Napi::Object object = Napi::Object::New(env);
        object.Set("msiHresult", Napi::Number::New(env, facts.msiHresult));
        object.Set("signerCertificate", facts.signerCertificate.empty()
                                            ? env.Null()
                                            : Napi::Buffer<uint8_t>::Copy(env, facts.signerCertificate.data(),
                                                                          facts.signerCertificate.size())
                                                  .As<Napi::Value>());
        object.Set("trustHresult", Napi::Number::New(env, facts.trustHresult));
        object.Set("revocationChecked", Napi::Boolean::New(env, facts.revocationChecked));
        object.Set("wineVersion", facts.wineVersion.empty() ? env.Null() : Napi::String::New(env, facts.wineVersion));
        return object;
      });
}

struct ChainElementFacts {
  std::vector<uint8_t> certificate;
  uint32_t errorStatus = 0;
  uint32_t infoStatus = 0;
  // dwRevocationResult when the engine recorded revocation information for the element.
  std::optional<uint32_t> revocationResult;
};

struct ChainFacts {
  uint32_t errorStatus = 0;
  uint32_t infoStatus = 0;
  // CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_AUTHENTICODE) with "revocation
  // unknown" and "not time valid" ignored: those are separate facts, read from the bits.
  uint32_t policyHresult = 0;
  bool revocationChecked = false;
  std::vector<ChainElementFacts> elements;
};

ChainFacts GatherChain(const std::vector<std::vector<uint8_t>>& certificates, bool checkRevocation) {
  UniqueCertStore supplied(::CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, nullptr));
  if (!supplied) ThrowWin32("CertOpenStore", ::GetLastError());
  UniqueCertContext signer;
  for (size_t i = 0; i < certificates.size(); ++i) {
    PCCERT_CONTEXT added = nullptr;
    const auto& der = certificates[i];
    if (!::CertAddEncodedCertificateToStore(supplied.get(), X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, der.data(),
                                            static_cast<DWORD>(der.size()), CERT_STORE_ADD_ALWAYS,
                                            i == 0 ? &added : nullptr)) {
      ThrowWin32("CertAddEncodedCertificateToStore", ::GetLastError(), "certificates[" + std::to_string(i) + "]");
    }
    if (i == 0) signer.reset(added);
  }
  // What WinVerifyTrust asks of an Authenticode signer.
  LPSTR codeSigning[] = {const_cast<LPSTR>(szOID_PKIX_KP_CODE_SIGNING)};
  CERT_CHAIN_PARA para = {};
  para.cbSize = sizeof(para);
  para.RequestedUsage.dwType = USAGE_MATCH_TYPE_AND;
  para.RequestedUsage.Usage.cUsageIdentifier = 1;
  para.RequestedUsage.Usage.rgpszUsageIdentifier = codeSigning;
  DWORD flags = checkRevocation ? CERT_CHAIN_REVOCATION_CHECK_CHAIN : 0;
  PCCERT_CHAIN_CONTEXT rawChain = nullptr;
  if (!::CertGetCertificateChain(nullptr, signer.get(), nullptr, supplied.get(), &para, flags, nullptr, &rawChain)) {
    ThrowWin32("CertGetCertificateChain", ::GetLastError());
  }
  UniqueChainContext chain(rawChain);
  ChainFacts facts;
  facts.revocationChecked = checkRevocation;
  facts.errorStatus = chain.get()->TrustStatus.dwErrorStatus;
  facts.infoStatus = chain.get()->TrustStatus.dwInfoStatus;
  if (chain.get()->cChain > 0) {
    const CERT_SIMPLE_CHAIN* simple = chain.get()->rgpChain[0];
    for (DWORD i = 0; i < simple->cElement; ++i) {
      const CERT_CHAIN_ELEMENT* element = simple->rgpElement[i];
      ChainElementFacts item;
      const BYTE* der = element->pCertContext->pbCertEncoded;
      item.certificate.assign(der, der + element->pCertContext->cbCertEncoded);
      item.errorStatus = element->TrustStatus.dwErrorStatus;
      item.infoStatus = element->TrustStatus.dwInfoStatus;
      if (element->pRevocationInfo != nullptr) item.revocationResult = element->pRevocationInfo->dwRevocationResult;
      facts.elements.push_back(std::move(item));
    }
  }
  CERT_CHAIN_POLICY_PARA policy = {};
  policy.cbSize = sizeof(policy);
  policy.dwFlags = CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS | CERT_CHAIN_POLICY_IGNORE_ALL_NOT_TIME_VALID_FLAGS;
  CERT_CHAIN_POLICY_STATUS status = {};
  status.cbSize = sizeof(status);
  if (!::CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_AUTHENTICODE, chain.get(), &policy, &status)) {
    ThrowWin32("CertVerifyCertificateChainPolicy", ::GetLastError());
  }
  facts.policyHresult = status.dwError;
  return facts;
}

// verifyCertificateChain(certificates: Buffer[] (signer first), checkRevocation)
//   → { errorStatus, infoStatus, policyHresult, revocationChecked,
//       elements: [{ certificate, errorStatus, infoStatus, revocationResult|null }] }
Napi::Value VerifyCertificateChain(const Napi::CallbackInfo& info) {
  auto certificates = RequireBufferArray(info, 0, "certificates", kMaxChainInputCertificates);
  bool checkRevocation = RequireBoolean(info, 1, "checkRevocation");
  return PromiseWorker<ChainFacts>::Run(
      info.Env(), "msi-lua:verifyCertificateChain",
      [certificates = std::move(certificates), checkRevocation]() {
        return GatherChain(certificates, checkRevocation);
      },
      [](Napi::Env env, ChainFacts& facts) -> Napi::Value {
        Napi::Object object = Napi::Object::New(env);
        object.Set("errorStatus", Napi::Number::New(env, facts.errorStatus));
        object.Set("infoStatus", Napi::Number::New(env, facts.infoStatus));
        object.Set("policyHresult", Napi::Number::New(env, facts.policyHresult));
        object.Set("revocationChecked", Napi::Boolean::New(env, facts.revocationChecked));
        Napi::Array elements = Napi::Array::New(env, facts.elements.size());
        for (size_t i = 0; i < facts.elements.size(); ++i) {
          const ChainElementFacts& item = facts.elements[i];
          Napi::Object element = Napi::Object::New(env);
          element.Set("certificate",
                      Napi::Buffer<uint8_t>::Copy(env, item.certificate.data(), item.certificate.size()));
          element.Set("errorStatus", Napi::Number::New(env, item.errorStatus));
          element.Set("infoStatus", Napi::Number::New(env, item.infoStatus));
          element.Set("revocationResult", item.revocationResult
                                              ? Napi::Number::New(env, *item.revocationResult).As<Napi::Value>()
                                              : env.Null());
          elements.Set(static_cast<uint32_t>(i), element);
        }
        object.Set("elements", elements);
        return object;
      });
}

}  // namespace

void RegisterSignatures(Napi::Env env, Napi::Object exports) {
  exports.Set("fileSignature", Napi::Function::New(env, FileSignature, "fileSignature"));
  exports.Set("verifyCertificateChain", Napi::Function::New(env, VerifyCertificateChain, "verifyCertificateChain"));
}

}  // namespace msilua
