// Token and desktop facts behind getInteractiveContext(): the process token (user, logon
// SID, groups, session, elevation), the window station and input desktop owners
// (GetUserObjectInformationW with UOI_USER_SID / UOI_NAME) and the user of the shell
// process (GetShellWindow → process → token). A fact that cannot be read is reported
// with the call that failed and why; it is never filled in by guessing.
#include "token_context.h"

#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "addon_support.h"  // windows.h first: sddl.h depends on it
#include <sddl.h>

namespace msilua {
namespace {

struct FactFailure {
  std::string syscall;
  uint32_t hresult = 0;
  std::string message;
};

struct TokenFacts {
  std::optional<uint32_t> sessionId;
  std::optional<bool> elevated;
  std::optional<uint32_t> elevationType;
  std::optional<std::string> userSid;
  std::optional<std::string> logonSid;
  std::optional<std::vector<std::string>> groupSids;
  std::optional<std::string> windowStation;
  std::optional<std::string> windowStationUserSid;
  std::optional<std::string> inputDesktopUserSid;
  std::optional<uint32_t> shellProcessId;
  std::optional<std::string> shellUserSid;
  std::map<std::string, FactFailure> failures;
};

FactFailure Win32Failure(const char* syscall, DWORD code, std::string message = {}) {
  FactFailure failure;
  failure.syscall = syscall;
  failure.hresult = static_cast<uint32_t>(HRESULT_FROM_WIN32(code));
  std::string system = WideToUtf8(SystemMessage(code));
  failure.message = message.empty() ? system : (system.empty() ? message : message + ": " + system);
  return failure;
}

std::string SidToString(PSID sid) {
  wchar_t* text = nullptr;
  if (!::ConvertSidToStringSidW(sid, &text)) ThrowWin32("ConvertSidToStringSidW", ::GetLastError());
  UniqueLocal owner(text);
  return WideToUtf8(text, wcslen(text));
}

// GetTokenInformation into a buffer of the size the first call asks for.
bool TokenInformation(HANDLE token, TOKEN_INFORMATION_CLASS kind, std::vector<uint8_t>& buffer, DWORD& error) {
  DWORD size = 0;
  ::GetTokenInformation(token, kind, nullptr, 0, &size);
  error = ::GetLastError();
  if (size == 0) return false;
  buffer.assign(size, 0);
  if (!::GetTokenInformation(token, kind, buffer.data(), size, &size)) {
    error = ::GetLastError();
    return false;
  }
  return true;
}

std::optional<std::string> TokenUserSid(HANDLE token, FactFailure& failure) {
  std::vector<uint8_t> buffer;
  DWORD error = 0;
  if (!TokenInformation(token, TokenUser, buffer, error)) {
    failure = Win32Failure("GetTokenInformation(TokenUser)", error);
    return std::nullopt;
  }
  return SidToString(reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid);
}

// UOI_USER_SID of a window station or desktop; no SID associated is a failure with a reason.
std::optional<std::string> ObjectUserSid(HANDLE object, const char* syscall, FactFailure& failure) {
  DWORD needed = 0;
  if (::GetUserObjectInformationW(object, UOI_USER_SID, nullptr, 0, &needed) || needed == 0) {
    DWORD error = ::GetLastError();
    if (needed == 0 && (error == ERROR_SUCCESS || error == ERROR_INSUFFICIENT_BUFFER)) {
      failure = FactFailure{syscall, 0, "no user SID is associated with the object"};
    } else {
      failure = Win32Failure(syscall, error);
    }
    return std::nullopt;
  }
  std::vector<uint8_t> buffer(needed, 0);
  if (!::GetUserObjectInformationW(object, UOI_USER_SID, buffer.data(), needed, &needed)) {
    failure = Win32Failure(syscall, ::GetLastError());
    return std::nullopt;
  }
  return SidToString(reinterpret_cast<PSID>(buffer.data()));
}

void ReadProcessToken(TokenFacts& facts) {
  UniqueHandle token;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, token.put())) {
    FactFailure failure = Win32Failure("OpenProcessToken", ::GetLastError());
    for (const char* fact : {"sessionId", "elevated", "userSid", "logonSid", "groupSids"})
      facts.failures[fact] = failure;
    return;
  }
  FactFailure failure;
  if (auto sid = TokenUserSid(token.get(), failure)) {
    facts.userSid = sid;
  } else {
    facts.failures["userSid"] = failure;
  }

  DWORD sessionId = 0;
  DWORD size = 0;
  if (::GetTokenInformation(token.get(), TokenSessionId, &sessionId, sizeof sessionId, &size)) {
    facts.sessionId = sessionId;
  } else {
    facts.failures["sessionId"] = Win32Failure("GetTokenInformation(TokenSessionId)", ::GetLastError());
  }

  TOKEN_ELEVATION elevation{};
  if (::GetTokenInformation(token.get(), TokenElevation, &elevation, sizeof elevation, &size)) {
    facts.elevated = elevation.TokenIsElevated != 0;
  } else {
    facts.failures["elevated"] = Win32Failure("GetTokenInformation(TokenElevation)", ::GetLastError());
  }
  TOKEN_ELEVATION_TYPE elevationType = TokenElevationTypeDefault;
  if (::GetTokenInformation(token.get(), TokenElevationType, &elevationType, sizeof elevationType, &size)) {
    facts.elevationType = static_cast<uint32_t>(elevationType);
  } else {
    facts.failures["elevationType"] = Win32Failure("GetTokenInformation(TokenElevationType)", ::GetLastError());
  }

  std::vector<uint8_t> buffer;
  DWORD error = 0;
  if (!TokenInformation(token.get(), TokenGroups, buffer, error)) {
    FactFailure groups = Win32Failure("GetTokenInformation(TokenGroups)", error);
    facts.failures["groupSids"] = groups;
    facts.failures["logonSid"] = groups;
    return;
  }
  auto* groups = reinterpret_cast<TOKEN_GROUPS*>(buffer.data());
  std::vector<std::string> sids;
  for (DWORD i = 0; i < groups->GroupCount; ++i) {
    const SID_AND_ATTRIBUTES& group = groups->Groups[i];
    if ((group.Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID && !facts.logonSid)
      facts.logonSid = SidToString(group.Sid);
    if ((group.Attributes & SE_GROUP_ENABLED) != 0 && (group.Attributes & SE_GROUP_USE_FOR_DENY_ONLY) == 0) {
      sids.push_back(SidToString(group.Sid));
    }
  }
  facts.groupSids = std::move(sids);
  if (!facts.logonSid)
    facts.failures["logonSid"] = FactFailure{"GetTokenInformation(TokenGroups)", 0, "the token has no logon SID group"};
}

void ReadWindowStation(TokenFacts& facts) {
  HWINSTA station = ::GetProcessWindowStation();  // not to be closed
  if (station == nullptr) {
    FactFailure failure = Win32Failure("GetProcessWindowStation", ::GetLastError());
    facts.failures["windowStation"] = failure;
    facts.failures["windowStationUserSid"] = failure;
    return;
  }
  DWORD needed = 0;
  ::GetUserObjectInformationW(station, UOI_NAME, nullptr, 0, &needed);
  std::vector<wchar_t> name(needed / sizeof(wchar_t) + 1, L'\0');
  if (needed > 0 && ::GetUserObjectInformationW(station, UOI_NAME, name.data(),
                                                static_cast<DWORD>(name.size() * sizeof(wchar_t)), &needed)) {
    facts.windowStation = WideToUtf8(name.data(), wcslen(name.data()));
  } else {
    facts.failures["windowStation"] = Win32Failure("GetUserObjectInformationW(UOI_NAME)", ::GetLastError());
  }
  FactFailure failure;
  if (auto sid = ObjectUserSid(station, "GetUserObjectInformationW(window station, UOI_USER_SID)", failure)) {
    facts.windowStationUserSid = sid;
  } else {
    facts.failures["windowStationUserSid"] = failure;
  }
}

void ReadInputDesktop(TokenFacts& facts) {
  HDESK desktop = ::OpenInputDesktop(0, FALSE, DESKTOP_READOBJECTS);
  if (desktop == nullptr) {
    facts.failures["inputDesktopUserSid"] = Win32Failure("OpenInputDesktop", ::GetLastError());
    return;
  }
  FactFailure failure;
  if (auto sid = ObjectUserSid(desktop, "GetUserObjectInformationW(input desktop, UOI_USER_SID)", failure)) {
    facts.inputDesktopUserSid = sid;
  } else {
    facts.failures["inputDesktopUserSid"] = failure;
  }
  ::CloseDesktop(desktop);
}

void ReadShellUser(TokenFacts& facts) {
  HWND shell = ::GetShellWindow();
  if (shell == nullptr) {
    FactFailure failure{"GetShellWindow", 0, "there is no shell window on this desktop"};
    facts.failures["shellProcessId"] = failure;
    facts.failures["shellUserSid"] = failure;
    return;
  }
  DWORD processId = 0;
  ::GetWindowThreadProcessId(shell, &processId);
  if (processId == 0) {
    FactFailure failure = Win32Failure("GetWindowThreadProcessId", ::GetLastError());
    facts.failures["shellProcessId"] = failure;
    facts.failures["shellUserSid"] = failure;
    return;
  }
  facts.shellProcessId = processId;
  UniqueHandle process(::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, processId));
  if (!process) {
    facts.failures["shellUserSid"] = Win32Failure("OpenProcess(shell)", ::GetLastError());
    return;
  }
  UniqueHandle token;
  if (!::OpenProcessToken(process.get(), TOKEN_QUERY, token.put())) {
    facts.failures["shellUserSid"] = Win32Failure("OpenProcessToken(shell)", ::GetLastError());
    return;
  }
  FactFailure failure;
  if (auto sid = TokenUserSid(token.get(), failure)) {
    facts.shellUserSid = sid;
  } else {
    failure.syscall += " (shell)";
    facts.failures["shellUserSid"] = failure;
  }
}

template <typename T>
Napi::Value Optional(Napi::Env env, const std::optional<T>& value) {
  if (!value) return env.Null();
  if constexpr (std::is_same_v<T, bool>) {
    return Napi::Boolean::New(env, *value);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return Napi::String::New(env, *value);
  } else {
    return Napi::Number::New(env, static_cast<double>(*value));
  }
}

Napi::Value FactsToJs(Napi::Env env, const TokenFacts& facts) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("sessionId", Optional(env, facts.sessionId));
  result.Set("elevated", Optional(env, facts.elevated));
  result.Set("elevationType", Optional(env, facts.elevationType));
  result.Set("userSid", Optional(env, facts.userSid));
  result.Set("logonSid", Optional(env, facts.logonSid));
  if (facts.groupSids) {
    Napi::Array groups = Napi::Array::New(env, facts.groupSids->size());
    for (size_t i = 0; i < facts.groupSids->size(); ++i) groups.Set(static_cast<uint32_t>(i), (*facts.groupSids)[i]);
    result.Set("groupSids", groups);
  } else {
    result.Set("groupSids", env.Null());
  }
  result.Set("windowStation", Optional(env, facts.windowStation));
  result.Set("windowStationUserSid", Optional(env, facts.windowStationUserSid));
  result.Set("inputDesktopUserSid", Optional(env, facts.inputDesktopUserSid));
  result.Set("shellProcessId", Optional(env, facts.shellProcessId));
  result.Set("shellUserSid", Optional(env, facts.shellUserSid));
  Napi::Object failures = Napi::Object::New(env);
  for (const auto& [fact, failure] : facts.failures) {
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("syscall", failure.syscall);
    entry.Set("hresult", failure.hresult);
    entry.Set("message", failure.message);
    failures.Set(fact, entry);
  }
  result.Set("failures", failures);
  return result;
}

// tokenContextFacts() → Promise<NativeTokenFacts>
Napi::Value TokenContextFacts(const Napi::CallbackInfo& info) {
  return PromiseWorker<TokenFacts>::Run(
      info.Env(), "msi-lua:tokenContextFacts",
      []() {
        TokenFacts facts;
        ReadProcessToken(facts);
        ReadWindowStation(facts);
        ReadInputDesktop(facts);
        ReadShellUser(facts);
        return facts;
      },
      [](Napi::Env env, TokenFacts& facts) { return FactsToJs(env, facts); });
}

}  // namespace

void RegisterTokenContext(Napi::Env env, Napi::Object exports) {
  exports.Set("tokenContextFacts", Napi::Function::New(env, TokenContextFacts, "tokenContextFacts"));
}

}  // namespace msilua
