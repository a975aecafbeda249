// Windows Installer product facts: MsiGetProductInfoExW and MsiEnumProductsExW.
// Only gathers values and per-property status codes; the facade decides what an
// absent value or a failing status means.
#include "products.h"

#include "addon_support.h"
#include "msi_query.h"

#include <mutex>

#include <msi.h>

namespace msilua {
namespace {

struct ProductRecord {
  std::string productCode;
  uint32_t context = 0;
  std::string userSid;
  std::vector<MsiStringOutcome> properties;
};

MsiStringOutcome ReadProperty(const std::wstring& productCode, const wchar_t* userSid, MSIINSTALLCONTEXT context,
                              const std::wstring& property) {
  return QueryMsiString([&](wchar_t* buffer, DWORD* length) {
    return ::MsiGetProductInfoExW(productCode.c_str(), userSid, context, property.c_str(), buffer, length);
  });
}

void ReadProperties(ProductRecord& record, const std::vector<std::wstring>& properties) {
  std::wstring code = Utf8ToWide(record.productCode);
  std::wstring sid = Utf8ToWide(record.userSid);
  // The machine context takes no user SID.
  const wchar_t* sidArg = (record.context == MSIINSTALLCONTEXT_MACHINE || sid.empty()) ? nullptr : sid.c_str();
  record.properties.reserve(properties.size());
  for (const auto& property : properties) {
    record.properties.push_back(ReadProperty(code, sidArg, static_cast<MSIINSTALLCONTEXT>(record.context), property));
  }
}

// Wine's MsiEnumProductsExW keeps one enumeration state per process and wants strictly
// sequential indexes from it, so a whole enumeration runs inside one call of this
// function and enumerations from the worker threads never interleave.
std::mutex enumerationLock;

std::vector<ProductRecord> Enumerate(const std::wstring* productCode, const std::wstring* userSid, DWORD contexts,
                                     size_t limit) {
  std::lock_guard<std::mutex> hold(enumerationLock);
  std::vector<ProductRecord> records;
  for (DWORD index = 0;; ++index) {
    wchar_t found[39] = {0};
    MSIINSTALLCONTEXT foundContext = MSIINSTALLCONTEXT_NONE;
    wchar_t sid[256] = {0};
    DWORD sidLength = 256;
    UINT status =
        ::MsiEnumProductsExW(productCode ? productCode->c_str() : nullptr, userSid ? userSid->c_str() : nullptr,
                             contexts, index, found, &foundContext, sid, &sidLength);
    if (status == ERROR_NO_MORE_ITEMS) break;
    if (status != ERROR_SUCCESS) ThrowWin32("MsiEnumProductsExW", status);
    ProductRecord record;
    record.productCode = WideToUtf8(found, wcsnlen(found, 38));
    record.context = static_cast<uint32_t>(foundContext);
    record.userSid = WideToUtf8(sid, wcsnlen(sid, 255));
    records.push_back(std::move(record));
    if (records.size() >= limit) break;
  }
  return records;
}

// Finds the first context in which the product is visible to the user. Windows answers
// MsiEnumProductsExW with a product-code filter; Wine's filter finds nothing for any
// code, so on a miss the whole list is scanned (in one call, as Wine wants sequential
// indexes) before the product is declared unknown. Probing MsiGetProductInfoExW per context is no
// substitute: Wine answers the user-managed context for unmanaged products.
void Locate(ProductRecord& record) {
  std::wstring code = Utf8ToWide(record.productCode);
  std::wstring sid = Utf8ToWide(record.userSid);
  const wchar_t* sidArg = sid.empty() ? nullptr : sid.c_str();
  wchar_t found[39] = {0};
  MSIINSTALLCONTEXT foundContext = MSIINSTALLCONTEXT_NONE;
  wchar_t foundSid[256] = {0};
  DWORD foundSidLength = 256;
  UINT status;
  {
    std::lock_guard<std::mutex> hold(enumerationLock);
    status = ::MsiEnumProductsExW(code.c_str(), sidArg, MSIINSTALLCONTEXT_ALL, 0, found, &foundContext, foundSid,
                                  &foundSidLength);
  }
  if (status == ERROR_SUCCESS) {
    record.context = static_cast<uint32_t>(foundContext);
    record.userSid = WideToUtf8(foundSid, wcsnlen(foundSid, 255));
    return;
  }
  for (const auto& candidate : Enumerate(nullptr, sid.empty() ? nullptr : &sid, MSIINSTALLCONTEXT_ALL, SIZE_MAX)) {
    if (_stricmp(candidate.productCode.c_str(), record.productCode.c_str()) == 0) {
      record.context = candidate.context;
      record.userSid = candidate.userSid;
      return;
    }
  }
  ThrowWin32("MsiEnumProductsExW", ERROR_UNKNOWN_PRODUCT);
}

std::vector<std::wstring> ToWide(const std::vector<std::string>& values) {
  std::vector<std::wstring> wide;
  wide.reserve(values.size());
  for (const auto& v : values) wide.push_back(Utf8ToWide(v));
  return wide;
}

Napi::Object RecordToJs(Napi::Env env, const ProductRecord& record) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("productCode", record.productCode);
  object.Set("context", Napi::Number::New(env, record.context));
  object.Set("userSid", record.userSid.empty() ? env.Null() : Napi::String::New(env, record.userSid));
  Napi::Array values = Napi::Array::New(env, record.properties.size());
  for (size_t i = 0; i < record.properties.size(); ++i) {
    const auto& outcome = record.properties[i];
    Napi::Object item = Napi::Object::New(env);
    item.Set("status", Napi::Number::New(env, outcome.status));
    if (outcome.status == ERROR_SUCCESS) {
      item.Set("value", outcome.value);
    } else {
      std::wstring text = SystemMessage(outcome.status);
      if (!text.empty()) item.Set("systemMessage", WideToUtf8(text));
    }
    values.Set(static_cast<uint32_t>(i), item);
  }
  object.Set("values", values);
  return object;
}

// productInfo(productCode, properties[], context, userSid|null)
// context 0: locate the product first (the first context visible to this user).
Napi::Value ProductInfo(const Napi::CallbackInfo& info) {
  std::string productCode = RequireString(info, 0, "productCode");
  std::vector<std::string> properties = RequireStringArray(info, 1, "properties");
  uint32_t context = RequireUint32(info, 2, "context");
  std::optional<std::string> userSid = OptionalString(info, 3, "userSid");
  return PromiseWorker<ProductRecord>::Run(
      info.Env(), "msi-lua:productInfo",
      [productCode, properties, context, userSid]() {
        ProductRecord record;
        record.productCode = productCode;
        record.context = context;
        if (userSid) record.userSid = *userSid;
        if (context == 0) Locate(record);
        ReadProperties(record, ToWide(properties));
        return record;
      },
      [](Napi::Env env, ProductRecord& record) -> Napi::Value { return RecordToJs(env, record); });
}

// enumProducts(contexts bitmask, userSid|null, properties[])
Napi::Value EnumProducts(const Napi::CallbackInfo& info) {
  uint32_t contexts = RequireUint32(info, 0, "contexts");
  std::optional<std::string> userSid = OptionalString(info, 1, "userSid");
  std::vector<std::string> properties = RequireStringArray(info, 2, "properties");
  return PromiseWorker<std::vector<ProductRecord>>::Run(
      info.Env(), "msi-lua:enumProducts",
      [contexts, userSid, properties]() {
        std::wstring sid = userSid ? Utf8ToWide(*userSid) : std::wstring();
        auto records = Enumerate(nullptr, userSid ? &sid : nullptr, contexts, SIZE_MAX);
        auto wideProperties = ToWide(properties);
        for (auto& record : records) ReadProperties(record, wideProperties);
        return records;
      },
      [](Napi::Env env, std::vector<ProductRecord>& records) -> Napi::Value {
        Napi::Array array = Napi::Array::New(env, records.size());
        for (size_t i = 0; i < records.size(); ++i) array.Set(static_cast<uint32_t>(i), RecordToJs(env, records[i]));
        return array;
      });
}

struct AppliedPatch {
  std::string patchCode;
  std::string localPackage;
  uint32_t localPackageStatus = ERROR_SUCCESS;
};

// enumAppliedPatches(productCode, context, userSid|null) → [{ patchCode, localPackage|null, localPackageStatus }]
Napi::Value EnumAppliedPatches(const Napi::CallbackInfo& info) {
  std::wstring productCode = Utf8ToWide(RequireString(info, 0, "productCode"));
  uint32_t context = RequireUint32(info, 1, "context");
  std::optional<std::string> userSid = OptionalString(info, 2, "userSid");
  std::wstring sid = userSid ? Utf8ToWide(*userSid) : std::wstring();
  return PromiseWorker<std::vector<AppliedPatch>>::Run(
      info.Env(), "msi-lua:enumAppliedPatches",
      [productCode, context, sid]() {
        std::vector<AppliedPatch> patches;
        std::lock_guard<std::mutex> hold(enumerationLock);
        const wchar_t* sidArg = (context == MSIINSTALLCONTEXT_MACHINE || sid.empty()) ? nullptr : sid.c_str();
        for (DWORD index = 0;; ++index) {
          wchar_t patchCode[39] = {0};
          wchar_t target[39] = {0};
          MSIINSTALLCONTEXT targetContext = MSIINSTALLCONTEXT_NONE;
          wchar_t targetSid[256] = {0};
          DWORD targetSidLength = 256;
          UINT status = ::MsiEnumPatchesExW(productCode.c_str(), sidArg, context, MSIPATCHSTATE_APPLIED, index,
                                            patchCode, target, &targetContext, targetSid, &targetSidLength);
          if (status == ERROR_NO_MORE_ITEMS) break;
          if (status != ERROR_SUCCESS) ThrowWin32("MsiEnumPatchesExW", status);
          AppliedPatch patch;
          patch.patchCode = WideToUtf8(patchCode, wcsnlen(patchCode, 38));
          MsiStringOutcome localPackage = QueryMsiString(
              [&](wchar_t* buffer, DWORD* length) {
                return ::MsiGetPatchInfoExW(patchCode, productCode.c_str(), sidArg,
                                            static_cast<MSIINSTALLCONTEXT>(context), L"LocalPackage", buffer, length);
              },
              MAX_PATH);
          patch.localPackageStatus = localPackage.status;
          patch.localPackage = std::move(localPackage.value);
          patches.push_back(std::move(patch));
        }
        return patches;
      },
      [](Napi::Env env, std::vector<AppliedPatch>& patches) -> Napi::Value {
        Napi::Array array = Napi::Array::New(env, patches.size());
        for (size_t i = 0; i < patches.size(); ++i) {
          Napi::Object item = Napi::Object::New(env);
          item.Set("patchCode", patches[i].patchCode);
          item.Set("localPackage",
                   patches[i].localPackage.empty() ? env.Null() : Napi::String::New(env, patches[i].localPackage));
          item.Set("localPackageStatus", Napi::Number::New(env, patches[i].localPackageStatus));
          array.Set(static_cast<uint32_t>(i), item);
        }
        return array;
      });
}

// installerVersion() → the file version of the system's msi.dll, e.g. "5.0.19041.1"
Napi::Value InstallerVersion(const Napi::CallbackInfo& info) {
  return PromiseWorker<std::string>::Run(
      info.Env(), "msi-lua:installerVersion",
      []() {
        wchar_t system[MAX_PATH] = {0};
        UINT length = ::GetSystemDirectoryW(system, MAX_PATH);
        if (length == 0 || length >= MAX_PATH) ThrowWin32("GetSystemDirectoryW", ::GetLastError());
        std::wstring path = std::wstring(system, length) + L"\\msi.dll";
        wchar_t version[64] = {0};
        DWORD versionLength = 64;
        UINT status = ::MsiGetFileVersionW(path.c_str(), version, &versionLength, nullptr, nullptr);
        if (status != ERROR_SUCCESS) ThrowWin32("MsiGetFileVersionW", status, WideToUtf8(path));
        return WideToUtf8(version, versionLength);
      },
      [](Napi::Env env, std::string& version) -> Napi::Value { return Napi::String::New(env, version); });
}

}  // namespace

void RegisterProducts(Napi::Env env, Napi::Object exports) {
  exports.Set("productInfo", Napi::Function::New(env, ProductInfo, "productInfo"));
  exports.Set("enumProducts", Napi::Function::New(env, EnumProducts, "enumProducts"));
  exports.Set("enumAppliedPatches", Napi::Function::New(env, EnumAppliedPatches, "enumAppliedPatches"));
  exports.Set("installerVersion", Napi::Function::New(env, InstallerVersion, "installerVersion"));
}

}  // namespace msilua
