// Registry facts behind Windows Installer policy (DisableLUAPatching and friends).
// Returns the raw type and data; the facade interprets them.
#include "policy.h"

#include "addon_support.h"

namespace msilua {
namespace {

// A policy value is small; anything beyond this is refused rather than allocated.
constexpr DWORD kMaxValueBytes = 1 << 20;

struct RegistryValue {
  bool found = false;
  DWORD type = REG_NONE;
  std::vector<uint8_t> data;
};

HKEY HiveFromName(const std::string& hive) {
  if (hive == "HKLM") return HKEY_LOCAL_MACHINE;
  if (hive == "HKCU") return HKEY_CURRENT_USER;
  if (hive == "HKU") return HKEY_USERS;
  return nullptr;
}

RegistryValue ReadValue(HKEY hive, const std::wstring& subKey, const std::wstring& name) {
  RegistryValue result;
  UniqueHKey key;
  // Policies live in the 64-bit view; a 32-bit host would otherwise be redirected.
  LSTATUS status = ::RegOpenKeyExW(hive, subKey.c_str(), 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, key.put());
  if (status == ERROR_FILE_NOT_FOUND || status == ERROR_PATH_NOT_FOUND) return result;
  if (status != ERROR_SUCCESS) ThrowWin32("RegOpenKeyExW", static_cast<DWORD>(status));
  for (int attempt = 0; attempt < 4; ++attempt) {
    DWORD type = REG_NONE;
    DWORD size = 0;
    status = ::RegQueryValueExW(key.get(), name.c_str(), nullptr, &type, nullptr, &size);
    if (status == ERROR_FILE_NOT_FOUND) return result;
    if (status != ERROR_SUCCESS) ThrowWin32("RegQueryValueExW", static_cast<DWORD>(status));
    if (size > kMaxValueBytes) ThrowWin32("RegQueryValueExW", ERROR_INSUFFICIENT_BUFFER, "value larger than 1 MiB");
    result.data.assign(size, 0);
    status = ::RegQueryValueExW(key.get(), name.c_str(), nullptr, &type, result.data.data(), &size);
    if (status == ERROR_MORE_DATA) continue;  // the value grew between the two calls
    if (status == ERROR_FILE_NOT_FOUND) return RegistryValue{};
    if (status != ERROR_SUCCESS) ThrowWin32("RegQueryValueExW", static_cast<DWORD>(status));
    result.found = true;
    result.type = type;
    result.data.resize(size);
    return result;
  }
  ThrowWin32("RegQueryValueExW", ERROR_MORE_DATA);
}

// readRegistryValue(hive 'HKLM'|'HKCU'|'HKU', subKey, valueName) → null | { type, data: Buffer }
Napi::Value ReadRegistryValue(const Napi::CallbackInfo& info) {
  std::string hiveName = RequireString(info, 0, "hive");
  HKEY hive = HiveFromName(hiveName);
  if (hive == nullptr) throw Napi::TypeError::New(info.Env(), "The \"hive\" argument must be 'HKLM', 'HKCU' or 'HKU'");
  std::wstring subKey = Utf8ToWide(RequireString(info, 1, "subKey"));
  std::wstring valueName = Utf8ToWide(RequireString(info, 2, "valueName"));
  return PromiseWorker<RegistryValue>::Run(
      info.Env(), "msi-lua:readRegistryValue",
      [hive, subKey, valueName]() { return ReadValue(hive, subKey, valueName); },
      [](Napi::Env env, RegistryValue& value) -> Napi::Value {
        if (!value.found) return env.Null();
        Napi::Object object = Napi::Object::New(env);
        object.Set("type", Napi::Number::New(env, value.type));
        object.Set("data", Napi::Buffer<uint8_t>::Copy(env, value.data.data(), value.data.size()));
        return object;
      });
}

}  // namespace

void RegisterPolicy(Napi::Env env, Napi::Object exports) {
  exports.Set("readRegistryValue", Napi::Function::New(env, ReadRegistryValue, "readRegistryValue"));
}

}  // namespace msilua
