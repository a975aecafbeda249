// The scripted update agent: a COM in-process server that stands in for wuapi.dll in the
// Wine tier (test code only; never shipped). It implements the WUA classes msi-lua uses,
// answers from a scenario file and records what it saw for the tests to read.
//
// Environment (read when used, so a test can switch between scenarios):
//   MSI_LUA_AGENT_SCENARIO  path of the scenario JSON (read when a session is created)
//   MSI_LUA_AGENT_RECORD    path of the record file (JSON lines, appended)
//   MSI_LUA_AGENT_RECORD_RELEASES=0   do not record each object release (only allReleased)
//
// Scenario (every field optional):
// {
//   "updates": [{ "id", "revision", "title", "description", "kbArticleIds": [], "securityBulletinIds": [],
//                 "categories": [{ "id", "name", "type" }], "msrcSeverity", "minDownloadSize", "maxDownloadSize",
//                 "isDownloaded", "isInstalled", "isMandatory", "isHidden", "isBeta", "isUninstallable",
//                 "eulaAccepted", "type",
//                 "installationBehavior": { "canRequestUserInput", "rebootBehavior", "impact",
//                                           "requiresNetworkConnectivity" },
//                 "uninstallationBehavior": { ... } | null,
//                 "download" | "install" | "uninstall": { "resultCode", "hresult", "rebootRequired" } }],
//   "search":    { "delayMs", "beginHresult", "endHresult", "resultCode",
//                  "warnings": [{ "hresult", "message", "context" }], "warningsHresult",
//                  "ignoreAbort", "requestAbortHresult" },
//   "history":   [{ "operation", "resultCode", "hresult", "date" (OLE DATE), "updateId", "revision", "title",
//                   "description", "unmappedResultCode", "clientApplicationId", "serverSelection", "serviceId",
//                   "supportUrl", "categories": [...] | null (null: no IUpdateHistoryEntry2) }],
//   "historyHresult": HRESULT of GetTotalHistoryCount/QueryHistory,
//   updates[].hideHresult: HRESULT of put_IsHidden for that update,
//   "reboot":    { "required", "hresult" },
//   "agentInfo": { "apiMajorVersion", "apiMinorVersion", "productVersionString", "hresult" },
//   "services":  [{ "name", "serviceId", "isManaged", "isRegisteredWithAU", "offersWindowsUpdates",
//                   "isScanPackageService", "canRegisterWithAU", "serviceUrl", "issueDate", "isDefaultAUService" }],
//   "serviceManager": { "addHresult", "removeHresult", "registrationState", "pending",
//                   "scanHresult", "scanServiceId", "scanIssueDate" (AddScanPackageService; a service
//                   added without usoNonVolatileService is removed when its IUpdateService is released) },
//   "automaticUpdates": { "serviceEnabled", "notificationLevel", "readOnly", "required",
//                   "includeRecommendedUpdates", "nonAdministratorsElevated", "featuredUpdatesEnabled",
//                   "settingsVersion" (1..3: the newest IAutomaticUpdatesSettingsN answered), "hresult",
//                   "version" (1: no IAutomaticUpdates2; default 2),
//                   "results": { "lastSearchSuccessDate", "lastInstallationSuccessDate" (OLE DATE: VT_DATE;
//                                null/absent: VT_EMPTY; a string: VT_BSTR), "hresult" (of get_Results) } },
//   "download" | "install" | "uninstall":
//                { "stepMs", "stepsPerUpdate", "beginHresult", "endHresult", "resultCode", "hresult",
//                  "rebootRequired", "abortDelayMs", "finishMs", "ignoreAbort", "requestAbortHresult",
//                  "rebootRequiredBeforeInstallation", "busy", "busyHresult" }
// }
// Overall result codes default from the per-update ones (all succeeded → 2, some → 3,
// none → 4, aborted → 5). Installs and uninstalls are serialised process-wide like the
// real agent: a second one while one runs fails with busyHresult (WU_E_OPERATIONINPROGRESS).
#pragma once

#include "../../native/wua_sdk.h"  // windows.h first
#include "../../native/com_object.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "mini_json.h"

namespace agent {

constexpr HRESULT kWuOperationInProgress = static_cast<HRESULT>(0x80240009L);

// DownloadPhase as WUA reports it (wuapi.h of the Windows SDK: 1, 2, 3). mingw-w64's wuapi.h
// numbers dphInitializing.. from 0, so the agent does not use those names.
constexpr DownloadPhase kPhaseInitializing = static_cast<DownloadPhase>(1);
constexpr DownloadPhase kPhaseDownloading = static_cast<DownloadPhase>(2);
constexpr DownloadPhase kPhaseVerifying = static_cast<DownloadPhase>(3);

// --- Recording and live-object accounting ----------------------------------------------

// Appends {"event": name, ...fields, "live": N} to MSI_LUA_AGENT_RECORD. `fields` is a
// JSON fragment without braces (e.g. "\"criteria\":\"IsInstalled=0\"") or empty.
void Record(const std::string& event, const std::string& fields = {});
std::string Quote(const std::string& text);
std::string Utf8(const wchar_t* text);
std::string Utf8(BSTR text);
std::wstring Wide(const std::string& text);

void ObjectCreated(const char* kind);
void ObjectDestroyed(const char* kind);
long LiveObjects();

// Keeps the DLL loaded while a worker thread runs.
void LockModule();
void UnlockModule();
HMODULE Module();

// --- Scenario ---------------------------------------------------------------------------

// What the agent has done to an update during one scenario (a later search sees it, as the
// real agent's datastore would).
struct UpdateStatus {
  bool downloaded = false;
  bool installed = false;
  bool eulaAccepted = false;
  bool hidden = false;
};

struct Scenario {
  Json root;
  std::string path;  // the scenario file (UTF-8), empty when none
  const Json& updates() const { return root["updates"]; }
  const Json& section(const char* name) const { return root[name]; }

  // Mutable state shared by the objects of sessions created from this scenario.
  mutable std::mutex stateMutex;
  mutable std::map<std::string, UpdateStatus> status;
};
std::shared_ptr<const Scenario> LoadScenario();  // throws std::runtime_error

// --- COM object base ---------------------------------------------------------------------

template <typename Interface>
class Object : public msilua::ComObject<Interface> {
 public:
  explicit Object(const char* kind) : kind_(kind) { ObjectCreated(kind_); }

  // IDispatch: msi-lua uses early-bound calls only.
  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* count) override {
    if (count) *count = 0;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT, LCID, ITypeInfo**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID, REFIID, LCID, WORD, DISPPARAMS*, VARIANT*, EXCEPINFO*, UINT*) override {
    return E_NOTIMPL;
  }

 protected:
  ~Object() override { ObjectDestroyed(kind_); }

 private:
  const char* kind_;
};

// Owning pointer for the agent's own use.
template <typename T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(T* p, bool addRef = false) : p_(p) {
    if (p_ && addRef) p_->AddRef();
  }
  Ref(const Ref& o) : p_(o.p_) {
    if (p_) p_->AddRef();
  }
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref& operator=(Ref o) {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Ref() {
    if (p_) p_->Release();
  }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }
  // Hands out a new reference (for out-parameters).
  T* detach_copy() const {
    if (p_) p_->AddRef();
    return p_;
  }
  void reset() { Ref().swap(*this); }
  void swap(Ref& o) { std::swap(p_, o.p_); }

 private:
  T* p_ = nullptr;
};

template <typename T>
Ref<T> Adopt(T* p) {
  return Ref<T>(p, false);
}

inline HRESULT ToBstr(const std::string& text, BSTR* out) {
  if (out == nullptr) return E_POINTER;
  std::wstring wide = Wide(text);
  *out = ::SysAllocStringLen(wide.data(), static_cast<UINT>(wide.size()));
  return *out ? S_OK : E_OUTOFMEMORY;
}

inline HRESULT ToBool(bool value, VARIANT_BOOL* out) {
  if (out == nullptr) return E_POINTER;
  *out = value ? VARIANT_TRUE : VARIANT_FALSE;
  return S_OK;
}

template <typename T>
HRESULT ToValue(T value, T* out) {
  if (out == nullptr) return E_POINTER;
  *out = value;
  return S_OK;
}

template <typename I>
HRESULT ToObject(I* object, I** out) {
  if (out == nullptr) return E_POINTER;
  *out = object;
  if (object) object->AddRef();
  return S_OK;
}

// --- Factories implemented in agent_objects.cc / agent_jobs.cc ----------------------------

IUpdateSession* NewUpdateSession(std::shared_ptr<const Scenario> scenario);
IUpdateCollection* NewUpdateCollection();
IUpdateDownloader* NewDownloader(std::shared_ptr<const Scenario> scenario);
IUpdateInstaller* NewInstaller(std::shared_ptr<const Scenario> scenario);
IUpdateSearcher* NewSearcher(std::shared_ptr<const Scenario> scenario);
IUpdateHistoryEntryCollection* NewHistory(std::shared_ptr<const Scenario> scenario, LONG start, LONG count);
// agent_system.cc: the classes beside UpdateSession (null for another CLSID).
IUnknown* NewSystemObject(const CLSID& clsid, std::shared_ptr<const Scenario> scenario);
bool IsSystemClass(const CLSID& clsid);

// What jobs need to know about an update object the agent made.
std::string UpdateIdOf(IUpdate* update);
const Json* UpdateScenarioOf(IUpdate* update);  // null when the update is not one of ours
void SetUpdateDownloaded(IUpdate* update, bool value);
void SetUpdateInstalled(IUpdate* update, bool value);

}  // namespace agent
