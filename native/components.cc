// Component queries: MsiGetComponentPathExW (a component's key path for one product),
// MsiEnumClientsExW (the products that use a component) and MsiEnumComponentsExW (the
// installed components). Gathers raw states and codes; lib/installer/components.ts names
// and shapes them.
#include "installer.h"

#include "addon_support.h"
#include "msi_query.h"

#include <algorithm>
#include <mutex>

#include <msi.h>

namespace msilua {
namespace {

// The enumerations want sequential indexes from one caller at a time (Wine keeps their
// position per process), so each runs whole under this lock.
std::mutex componentEnumerationLock;

// Windows Installer 3.0 functions that mingw-w64's msi.h does not declare and its i686 import
// library does not export: taken from msi.dll (loaded: the addon imports it) by name.
using GetComponentPathExFn = INSTALLSTATE(WINAPI*)(LPCWSTR, LPCWSTR, LPCWSTR, MSIINSTALLCONTEXT, LPWSTR, LPDWORD);
using EnumClientsExFn = UINT(WINAPI*)(LPCWSTR, LPCWSTR, DWORD, DWORD, LPWSTR, MSIINSTALLCONTEXT*, LPWSTR, LPDWORD);
using EnumComponentsExFn = UINT(WINAPI*)(LPCWSTR, DWORD, DWORD, LPWSTR, MSIINSTALLCONTEXT*, LPWSTR, LPDWORD);

template <typename Fn>
Fn MsiProc(const char* name) {
  HMODULE msi = ::GetModuleHandleW(L"msi.dll");
  FARPROC proc = msi != nullptr ? ::GetProcAddress(msi, name) : nullptr;
  if (proc == nullptr) ThrowWin32(name, ERROR_PROC_NOT_FOUND, "msi.dll does not export it");
  return reinterpret_cast<Fn>(reinterpret_cast<void*>(proc));
}

struct ComponentPath {
  int state = INSTALLSTATE_UNKNOWN;
  std::string path;
};

// componentPath(productCode, componentCode, context, userSid|null) → { state, path }
// (MsiGetComponentPathExW). `path` is what Windows wrote into the buffer, up to its NUL.
Napi::Value ComponentPathOf(const Napi::CallbackInfo& info) {
  std::wstring productCode = Utf8ToWide(RequireString(info, 0, "productCode"));
  std::wstring componentCode = Utf8ToWide(RequireString(info, 1, "componentCode"));
  uint32_t context = RequireUint32(info, 2, "context");
  std::optional<std::string> userSid = OptionalString(info, 3, "userSid");
  return PromiseWorker<ComponentPath>::Run(
      info.Env(), "msi-lua:componentPath",
      [productCode, componentCode, context, userSid]() {
        std::wstring sid = userSid ? Utf8ToWide(*userSid) : std::wstring();
        auto getComponentPathEx = MsiProc<GetComponentPathExFn>("MsiGetComponentPathExW");
        ComponentPath result;
        // INSTALLSTATE_MOREDATA is the ERROR_MORE_DATA of this function: QueryMsiString grows the buffer.
        MsiStringOutcome outcome = QueryMsiString([&](wchar_t* buffer, DWORD* length) -> UINT {
          DWORD capacity = *length;
          INSTALLSTATE state =
              getComponentPathEx(productCode.c_str(), componentCode.c_str(), userSid ? sid.c_str() : nullptr,
                                 static_cast<MSIINSTALLCONTEXT>(context), buffer, length);
          result.state = static_cast<int>(state);
          if (state == INSTALLSTATE_MOREDATA) return ERROR_MORE_DATA;
          // Not every state writes the length back: never read past the buffer nor its NUL.
          *length = static_cast<DWORD>(wcsnlen(buffer, capacity));
          return ERROR_SUCCESS;
        });
        if (outcome.status == ERROR_SUCCESS) result.path = std::move(outcome.value);
        return result;
      },
      [](Napi::Env env, ComponentPath& result) -> Napi::Value {
        Napi::Object object = Napi::Object::New(env);
        object.Set("state", Napi::Number::New(env, result.state));
        object.Set("path", result.path);
        return object;
      });
}

struct InstanceRecord {
  std::string code;
  uint32_t context = 0;
  std::string userSid;
};

// Calls enumerate(index, code, &context, sid, &sidLength) for index 0, 1, ... until
// ERROR_NO_MORE_ITEMS; a SID that does not fit is asked for again with a larger buffer.
template <typename Enumerate>
std::vector<InstanceRecord> EnumerateInstances(const char* syscall, const Enumerate& enumerate) {
  std::vector<InstanceRecord> records;
  std::lock_guard<std::mutex> hold(componentEnumerationLock);
  std::wstring sid(256, L'\0');
  for (DWORD index = 0;; ++index) {
    wchar_t code[39] = {0};
    MSIINSTALLCONTEXT context = MSIINSTALLCONTEXT_NONE;
    DWORD sidLength = static_cast<DWORD>(sid.size());
    std::fill(sid.begin(), sid.end(), L'\0');
    UINT status = enumerate(index, code, &context, sid.data(), &sidLength);
    if (status == ERROR_MORE_DATA && sidLength >= sid.size() && sidLength < 4096) {
      sid.assign(static_cast<size_t>(sidLength) + 1, L'\0');
      sidLength = static_cast<DWORD>(sid.size());
      status = enumerate(index, code, &context, sid.data(), &sidLength);
    }
    if (status == ERROR_NO_MORE_ITEMS) break;
    if (status != ERROR_SUCCESS) ThrowWin32(syscall, status);
    InstanceRecord record;
    record.code = WideToUtf8(code, wcsnlen(code, 38));
    record.context = static_cast<uint32_t>(context);
    record.userSid = WideToUtf8(sid.data(), wcsnlen(sid.data(), sid.size()));
    records.push_back(std::move(record));
  }
  return records;
}

Napi::Value InstancesToJs(Napi::Env env, const std::vector<InstanceRecord>& records, const char* codeName) {
  Napi::Array array = Napi::Array::New(env, records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    Napi::Object item = Napi::Object::New(env);
    item.Set(codeName, records[i].code);
    item.Set("context", Napi::Number::New(env, records[i].context));
    item.Set("userSid", records[i].userSid.empty() ? env.Null() : Napi::String::New(env, records[i].userSid));
    array.Set(static_cast<uint32_t>(i), item);
  }
  return array;
}

// componentClients(componentCode, userSid|null, contexts) → [{ productCode, context, userSid|null }]
// (MsiEnumClientsExW)
Napi::Value ComponentClients(const Napi::CallbackInfo& info) {
  std::wstring componentCode = Utf8ToWide(RequireString(info, 0, "componentCode"));
  std::optional<std::string> userSid = OptionalString(info, 1, "userSid");
  uint32_t contexts = RequireUint32(info, 2, "contexts");
  return PromiseWorker<std::vector<InstanceRecord>>::Run(
      info.Env(), "msi-lua:componentClients",
      [componentCode, userSid, contexts]() {
        std::wstring sid = userSid ? Utf8ToWide(*userSid) : std::wstring();
        auto enumClientsEx = MsiProc<EnumClientsExFn>("MsiEnumClientsExW");
        return EnumerateInstances("MsiEnumClientsExW", [&](DWORD index, wchar_t* code, MSIINSTALLCONTEXT* context,
                                                           wchar_t* sidOut, DWORD* sidLength) {
          return enumClientsEx(componentCode.c_str(), userSid ? sid.c_str() : nullptr, contexts, index, code, context,
                               sidOut, sidLength);
        });
      },
      [](Napi::Env env, std::vector<InstanceRecord>& records) -> Napi::Value {
        return InstancesToJs(env, records, "productCode");
      });
}

// components(userSid|null, contexts) → [{ componentCode, context, userSid|null }] (MsiEnumComponentsExW)
Napi::Value Components(const Napi::CallbackInfo& info) {
  std::optional<std::string> userSid = OptionalString(info, 0, "userSid");
  uint32_t contexts = RequireUint32(info, 1, "contexts");
  return PromiseWorker<std::vector<InstanceRecord>>::Run(
      info.Env(), "msi-lua:components",
      [userSid, contexts]() {
        std::wstring sid = userSid ? Utf8ToWide(*userSid) : std::wstring();
        auto enumComponentsEx = MsiProc<EnumComponentsExFn>("MsiEnumComponentsExW");
        return EnumerateInstances("MsiEnumComponentsExW", [&](DWORD index, wchar_t* code, MSIINSTALLCONTEXT* context,
                                                              wchar_t* sidOut, DWORD* sidLength) {
          return enumComponentsEx(userSid ? sid.c_str() : nullptr, contexts, index, code, context, sidOut, sidLength);
        });
      },
      [](Napi::Env env, std::vector<InstanceRecord>& records) -> Napi::Value {
        return InstancesToJs(env, records, "componentCode");
      });
}

}  // namespace

void RegisterComponents(Napi::Env env, Napi::Object exports) {
  exports.Set("componentPath", Napi::Function::New(env, ComponentPathOf, "componentPath"));
  exports.Set("componentClients", Napi::Function::New(env, ComponentClients, "componentClients"));
  exports.Set("components", Napi::Function::New(env, Components, "components"));
}

}  // namespace msilua
