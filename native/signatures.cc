// Signature facts for a file (a .msp patch): what Windows Installer itself says
// (MsiGetFileSignatureInformationW, the call it uses for UAC patching) and what
// WinVerifyTrust says with revocation checking of the whole chain. Both outcomes are
// returned as HRESULTs; the facade decides what they mean.
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
  auto getVersion = reinterpret_cast<GetVersionFn>(reinterpret_cast<void*>(::GetProcAddress(ntdll, "wine_get_version")));
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

// fileSignature(path, checkRevocation) → { msiHresult, signerCertificate: Buffer|null, trustHresult, revocationChecked, wineVersion }
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

}  // namespace

void RegisterSignatures(Napi::Env env, Napi::Object exports) {
  exports.Set("fileSignature", Napi::Function::New(env, FileSignature, "fileSignature"));
}

}  // namespace msilua
