// The scripted update agent's DLL plumbing: class factory, DllGetClassObject /
// DllCanUnloadNow, the record file, live-object accounting and scenario loading.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "agent.h"

namespace agent {
namespace {

HMODULE g_module = nullptr;
std::atomic<long> g_live{0};
std::atomic<long> g_locks{0};
std::mutex g_recordMutex;
std::map<std::string, long> g_liveByKind;  // under g_recordMutex

std::wstring EnvVar(const wchar_t* name) {
  wchar_t buffer[2048];
  DWORD n = ::GetEnvironmentVariableW(name, buffer, 2048);
  if (n == 0 || n >= 2048) return {};
  return std::wstring(buffer, n);
}

void AppendLine(const std::string& line) {
  std::wstring path = EnvVar(L"MSI_LUA_AGENT_RECORD");
  if (path.empty()) return;
  HANDLE file = ::CreateFileW(path.c_str(), FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                              OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) return;
  DWORD written = 0;
  std::string text = line + "\n";
  ::WriteFile(file, text.data(), static_cast<DWORD>(text.size()), &written, nullptr);
  ::CloseHandle(file);
}

std::string LiveSummaryLocked() {
  std::string summary;
  for (const auto& [kind, count] : g_liveByKind) {
    if (count == 0) continue;
    if (!summary.empty()) summary += ",";
    summary += kind + ":" + std::to_string(count);
  }
  return summary;
}

class ClassFactory : public msilua::ComObject<IClassFactory> {
 public:
  explicit ClassFactory(const CLSID& clsid) : clsid_(clsid) { LockModule(); }
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID riid, void** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    if (outer != nullptr) return CLASS_E_NOAGGREGATION;
    IUnknown* object = nullptr;
    if (IsEqualCLSID(clsid_, msilua::wua::kClsidUpdateSession)) {
      std::shared_ptr<const Scenario> scenario;
      try {
        scenario = LoadScenario();
      } catch (const std::exception& error) {
        Record("scenarioError", "\"message\":" + Quote(error.what()));
        return E_FAIL;
      }
      object = NewUpdateSession(scenario);
      Record("CreateSession");
    } else if (IsEqualCLSID(clsid_, msilua::wua::kClsidUpdateCollection)) {
      object = NewUpdateCollection();
    } else if (IsSystemClass(clsid_)) {
      std::shared_ptr<const Scenario> scenario;
      try {
        scenario = LoadScenario();
      } catch (const std::exception& error) {
        Record("scenarioError", "\"message\":" + Quote(error.what()));
        return E_FAIL;
      }
      object = NewSystemObject(clsid_, scenario);
    } else {
      return CLASS_E_CLASSNOTAVAILABLE;
    }
    HRESULT hr = object->QueryInterface(riid, out);
    object->Release();
    return hr;
  }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL lock) override {
    if (lock) {
      LockModule();
    } else {
      UnlockModule();
    }
    return S_OK;
  }

 private:
  ~ClassFactory() override { UnlockModule(); }
  CLSID clsid_;
};

}  // namespace

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string Utf8(const wchar_t* text) {
  if (text == nullptr || *text == 0) return {};
  int size = ::WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<size_t>(size > 0 ? size - 1 : 0), '\0');
  if (size > 1) ::WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), size, nullptr, nullptr);
  return out;
}

std::string Utf8(BSTR text) { return Utf8(static_cast<const wchar_t*>(text)); }

std::wstring Wide(const std::string& text) {
  if (text.empty()) return {};
  int size = ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<size_t>(size), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), size);
  return out;
}

void Record(const std::string& event, const std::string& fields) {
  std::lock_guard<std::mutex> lock(g_recordMutex);
  std::string line = "{\"event\":" + Quote(event);
  if (!fields.empty()) line += "," + fields;
  line += ",\"live\":" + std::to_string(g_live.load()) + ",\"liveByKind\":" + Quote(LiveSummaryLocked()) +
          ",\"thread\":" + std::to_string(::GetCurrentThreadId()) + "}";
  AppendLine(line);
}

void ObjectCreated(const char* kind) {
  std::lock_guard<std::mutex> lock(g_recordMutex);
  ++g_live;
  ++g_liveByKind[kind];
}

void ObjectDestroyed(const char* kind) {
  bool none = false;
  {
    std::lock_guard<std::mutex> lock(g_recordMutex);
    --g_liveByKind[kind];
    none = --g_live == 0;
  }
  // Every release is recorded, so the tests can see what is still alive at any point
  // (MSI_LUA_AGENT_RECORD_RELEASES=0 keeps only allReleased, for the benchmark).
  if (EnvVar(L"MSI_LUA_AGENT_RECORD_RELEASES") != L"0") Record("released", "\"kind\":" + Quote(kind));
  if (none) Record("allReleased");
}

long LiveObjects() { return g_live.load(); }

void LockModule() { ++g_locks; }
void UnlockModule() { --g_locks; }
HMODULE Module() { return g_module; }

std::shared_ptr<const Scenario> LoadScenario() {
  auto scenario = std::make_shared<Scenario>();
  std::wstring path = EnvVar(L"MSI_LUA_AGENT_SCENARIO");
  if (path.empty()) {
    scenario->root = Json::Parse("{}");
    return scenario;
  }
  HANDLE file = ::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                              OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) throw std::runtime_error("cannot open the scenario file " + Utf8(path.c_str()));
  std::string text;
  char buffer[65536];
  DWORD read = 0;
  while (::ReadFile(file, buffer, sizeof buffer, &read, nullptr) && read > 0) text.append(buffer, read);
  ::CloseHandle(file);
  scenario->root = Json::Parse(text);
  scenario->path = Utf8(path.c_str());
  return scenario;
}

}  // namespace agent

// MSVC exports through the .def file build.js writes: objbase.h declares both entry points
// without dllexport, and MSVC refuses to change a declared function's linkage.
#ifdef _MSC_VER
#define AGENT_EXPORT
#else
#define AGENT_EXPORT __declspec(dllexport)
#endif

extern "C" {

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID) {
  if (reason == DLL_PROCESS_ATTACH) {
    agent::g_module = instance;
    ::DisableThreadLibraryCalls(instance);
  }
  return TRUE;
}

AGENT_EXPORT HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void** out) {
  if (out == nullptr) return E_POINTER;
  *out = nullptr;
  if (!IsEqualCLSID(clsid, msilua::wua::kClsidUpdateSession) && !IsEqualCLSID(clsid, msilua::wua::kClsidUpdateCollection) &&
      !agent::IsSystemClass(clsid)) {
    return CLASS_E_CLASSNOTAVAILABLE;
  }
  auto* factory = new agent::ClassFactory(clsid);
  HRESULT hr = factory->QueryInterface(riid, out);
  factory->Release();
  return hr;
}

AGENT_EXPORT HRESULT WINAPI DllCanUnloadNow() {
  return (agent::g_live.load() == 0 && agent::g_locks.load() == 0) ? S_OK : S_FALSE;
}

}  // extern "C"
