// The scripted update agent's classes beside UpdateSession: WindowsUpdateAgentInfo,
// SystemInformation, UpdateServiceManager and AutomaticUpdates, each answering from the
// scenario (see agent.h) and recording the calls that change something.
#include "agent.h"

namespace agent {
namespace {

HRESULT HResultIn(const Json& section, const char* key = "hresult") {
  const Json& value = section[key];
  return value.type() == Json::Type::Number ? static_cast<HRESULT>(static_cast<uint32_t>(value.asInt())) : S_OK;
}

class AgentInfo : public Object<IWindowsUpdateAgentInfo> {
 public:
  explicit AgentInfo(std::shared_ptr<const Scenario> scenario) : Object("WindowsUpdateAgentInfo"), scenario_(std::move(scenario)) {}
  HRESULT STDMETHODCALLTYPE GetInfo(VARIANT identifier, VARIANT* out) override {
    if (out == nullptr) return E_POINTER;
    ::VariantInit(out);
    const Json& info = scenario_->section("agentInfo");
    HRESULT hr = HResultIn(info);
    if (FAILED(hr)) return hr;
    if (identifier.vt != VT_BSTR || identifier.bstrVal == nullptr) return E_INVALIDARG;
    std::string name = Utf8(identifier.bstrVal);
    Record("GetInfo", "\"name\":" + Quote(name));
    if (name == "ApiMajorVersion" || name == "ApiMinorVersion") {
      out->vt = VT_I4;
      out->lVal = static_cast<LONG>(info[name == "ApiMajorVersion" ? "apiMajorVersion" : "apiMinorVersion"].asInt(0));
      return S_OK;
    }
    if (name == "ProductVersionString") {
      out->vt = VT_BSTR;
      return ToBstr(info["productVersionString"].asString(), &out->bstrVal);
    }
    return E_INVALIDARG;
  }

 private:
  std::shared_ptr<const Scenario> scenario_;
};

class SystemInformation : public Object<ISystemInformation> {
 public:
  explicit SystemInformation(std::shared_ptr<const Scenario> scenario) : Object("SystemInformation"), scenario_(std::move(scenario)) {}
  HRESULT STDMETHODCALLTYPE get_OemHardwareSupportLink(BSTR* out) override { return ToBstr("", out); }
  HRESULT STDMETHODCALLTYPE get_RebootRequired(VARIANT_BOOL* out) override {
    const Json& reboot = scenario_->section("reboot");
    HRESULT hr = HResultIn(reboot);
    if (FAILED(hr)) return hr;
    return ToBool(reboot["required"].asBool(false), out);
  }

 private:
  std::shared_ptr<const Scenario> scenario_;
};

// --- services ------------------------------------------------------------------------------

struct ServiceData {
  std::string name;
  std::string serviceId;
  bool isManaged = false;
  bool isRegisteredWithAU = false;
  bool offersWindowsUpdates = false;
  bool isScanPackageService = false;
  bool canRegisterWithAU = false;
  std::string serviceUrl;
  double issueDate = 0;
  bool isDefaultAUService = false;
};

ServiceData FromJson(const Json& j) {
  ServiceData d;
  d.name = j["name"].asString();
  d.serviceId = j["serviceId"].asString();
  d.isManaged = j["isManaged"].asBool();
  d.isRegisteredWithAU = j["isRegisteredWithAU"].asBool();
  d.offersWindowsUpdates = j["offersWindowsUpdates"].asBool();
  d.isScanPackageService = j["isScanPackageService"].asBool();
  d.canRegisterWithAU = j["canRegisterWithAU"].asBool();
  d.serviceUrl = j["serviceUrl"].asString();
  d.issueDate = j["issueDate"].asNumber(0);
  d.isDefaultAUService = j["isDefaultAUService"].asBool();
  return d;
}

// The services registered now, per scenario file: AddService2 and RemoveService change
// what a later Services call (of any manager object) lists, as the real agent's store would.
std::mutex g_servicesMutex;
std::string g_servicesScenario;
std::vector<ServiceData> g_services;

std::vector<ServiceData> Services(const Scenario& scenario) {
  std::lock_guard<std::mutex> lock(g_servicesMutex);
  static bool pinned = false;
  if (!pinned) {
    // COM unloads an idle DLL (DllCanUnloadNow), which would forget the registered
    // services between two calls: once they exist, the module stays loaded.
    LockModule();
    pinned = true;
  }
  if (g_servicesScenario != scenario.path) {
    g_servicesScenario = scenario.path;
    g_services.clear();
    const Json& list = scenario.section("services");
    for (size_t i = 0; i < list.size(); ++i) g_services.push_back(FromJson(list[i]));
  }
  return g_services;
}

class Service : public Object<IUpdateService2> {
 public:
  explicit Service(ServiceData data, bool removeOnRelease = false)
      : Object("UpdateService"), d_(std::move(data)), removeOnRelease_(removeOnRelease) {}
  // A scan package service added without usoNonVolatileService: the real agent removes its
  // registration when the IUpdateService it returned is released.
  ~Service() override {
    if (!removeOnRelease_) return;
    {
      std::lock_guard<std::mutex> lock(g_servicesMutex);
      for (auto it = g_services.begin(); it != g_services.end(); ++it) {
        if (_stricmp(it->serviceId.c_str(), d_.serviceId.c_str()) == 0) {
          g_services.erase(it);
          break;
        }
      }
    }
    Record("VolatileServiceRemoved", "\"serviceId\":" + Quote(d_.serviceId));
  }
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) override { return ToBstr(d_.name, out); }
  HRESULT STDMETHODCALLTYPE get_ContentValidationCert(VARIANT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_ExpirationDate(DATE*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_IsManaged(VARIANT_BOOL* out) override { return ToBool(d_.isManaged, out); }
  HRESULT STDMETHODCALLTYPE get_IsRegisteredWithAU(VARIANT_BOOL* out) override { return ToBool(d_.isRegisteredWithAU, out); }
  HRESULT STDMETHODCALLTYPE get_IssueDate(DATE* out) override { return ToValue<DATE>(d_.issueDate, out); }
  HRESULT STDMETHODCALLTYPE get_OffersWindowsUpdates(VARIANT_BOOL* out) override { return ToBool(d_.offersWindowsUpdates, out); }
  HRESULT STDMETHODCALLTYPE get_RedirectUrls(IStringCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_ServiceID(BSTR* out) override { return ToBstr(d_.serviceId, out); }
  HRESULT STDMETHODCALLTYPE get_IsScanPackageService(VARIANT_BOOL* out) override { return ToBool(d_.isScanPackageService, out); }
  HRESULT STDMETHODCALLTYPE get_CanRegisterWithAU(VARIANT_BOOL* out) override { return ToBool(d_.canRegisterWithAU, out); }
  HRESULT STDMETHODCALLTYPE get_ServiceUrl(BSTR* out) override { return ToBstr(d_.serviceUrl, out); }
  HRESULT STDMETHODCALLTYPE get_SetupPrefix(BSTR* out) override { return ToBstr("", out); }
  HRESULT STDMETHODCALLTYPE get_IsDefaultAUService(VARIANT_BOOL* out) override { return ToBool(d_.isDefaultAUService, out); }

 protected:
  bool Supports(REFIID riid) override { return IsEqualIID(riid, __uuidof(IUpdateService)); }

 private:
  ServiceData d_;
  bool removeOnRelease_;
};

class ServiceCollection : public Object<IUpdateServiceCollection> {
 public:
  explicit ServiceCollection(std::vector<ServiceData> services) : Object("UpdateServiceCollection"), services_(std::move(services)) {}
  HRESULT STDMETHODCALLTYPE get_Item(LONG index, IUpdateService** out) override {
    if (out == nullptr) return E_POINTER;
    if (index < 0 || static_cast<size_t>(index) >= services_.size()) return E_INVALIDARG;
    *out = new Service(services_[static_cast<size_t>(index)]);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Count(LONG* out) override { return ToValue(static_cast<LONG>(services_.size()), out); }

 private:
  std::vector<ServiceData> services_;
};

class Registration : public Object<IUpdateServiceRegistration> {
 public:
  Registration(UpdateServiceRegistrationState state, bool pending, ServiceData service)
      : Object("UpdateServiceRegistration"), state_(state), pending_(pending), service_(std::move(service)) {}
  HRESULT STDMETHODCALLTYPE get_RegistrationState(UpdateServiceRegistrationState* out) override { return ToValue(state_, out); }
  HRESULT STDMETHODCALLTYPE get_ServiceID(BSTR* out) override { return ToBstr(service_.serviceId, out); }
  HRESULT STDMETHODCALLTYPE get_IsPendingRegistrationWithAU(VARIANT_BOOL* out) override { return ToBool(pending_, out); }
  HRESULT STDMETHODCALLTYPE get_Service(IUpdateService2** out) override {
    if (out == nullptr) return E_POINTER;
    *out = state_ == usrsRegistered ? new Service(service_) : nullptr;
    return S_OK;
  }

 private:
  UpdateServiceRegistrationState state_;
  bool pending_;
  ServiceData service_;
};

class ServiceManager : public Object<IUpdateServiceManager2> {
 public:
  explicit ServiceManager(std::shared_ptr<const Scenario> scenario) : Object("UpdateServiceManager"), scenario_(std::move(scenario)) {}
  HRESULT STDMETHODCALLTYPE get_Services(IUpdateServiceCollection** out) override {
    if (out == nullptr) return E_POINTER;
    HRESULT hr = HResultIn(scenario_->section("serviceManager"), "servicesHresult");
    if (FAILED(hr)) return hr;
    *out = new ServiceCollection(Services(*scenario_));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE AddService(BSTR, BSTR, IUpdateService**) override {
    Record("AddService");  // msi-lua uses AddService2
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE RegisterServiceWithAU(BSTR) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE RemoveService(BSTR serviceId) override {
    std::string id = Utf8(serviceId);
    HRESULT hr = HResultIn(scenario_->section("serviceManager"), "removeHresult");
    Record("RemoveService", "\"serviceId\":" + Quote(id) + ",\"hresult\":" + std::to_string(static_cast<uint32_t>(hr)));
    if (FAILED(hr)) return hr;
    Services(*scenario_);
    std::lock_guard<std::mutex> lock(g_servicesMutex);
    for (auto it = g_services.begin(); it != g_services.end(); ++it) {
      if (_stricmp(it->serviceId.c_str(), id.c_str()) == 0) {
        g_services.erase(it);
        return S_OK;
      }
    }
    return static_cast<HRESULT>(0x80248014L);  // WU_E_DS_UNKNOWNSERVICE
  }
  HRESULT STDMETHODCALLTYPE UnregisterServiceWithAU(BSTR) override { return E_NOTIMPL; }
  // serviceManager.scanHresult scripts a failure (a cab that is not a scan package, access
  // denied); otherwise the service is scanServiceId (or a fixed id) and listed until removed.
  HRESULT STDMETHODCALLTYPE AddScanPackageService(BSTR serviceName, BSTR scanFileLocation, LONG flags,
                                                  IUpdateService** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    const Json& section = scenario_->section("serviceManager");
    HRESULT hr = HResultIn(section, "scanHresult");
    Record("AddScanPackageService", "\"name\":" + Quote(Utf8(serviceName)) + ",\"cab\":" + Quote(Utf8(scanFileLocation)) +
                                        ",\"flags\":" + std::to_string(flags) + ",\"hresult\":" + std::to_string(static_cast<uint32_t>(hr)));
    if (FAILED(hr)) return hr;
    ServiceData data;
    data.name = Utf8(serviceName);
    data.serviceId = section["scanServiceId"].asString("5a0d0f1e-2b3c-4d5e-8f90-a1b2c3d4e5f6");
    data.isScanPackageService = true;
    data.offersWindowsUpdates = true;
    data.issueDate = section["scanIssueDate"].asNumber(0);
    Services(*scenario_);
    {
      std::lock_guard<std::mutex> lock(g_servicesMutex);
      g_services.push_back(data);
    }
    *out = new Service(data, (flags & 1) == 0);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE SetOption(BSTR, VARIANT) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_ClientApplicationID(BSTR* out) override { return ToBstr(clientId_, out); }
  HRESULT STDMETHODCALLTYPE put_ClientApplicationID(BSTR value) override {
    clientId_ = Utf8(value);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE QueryServiceRegistration(BSTR, IUpdateServiceRegistration**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE AddService2(BSTR serviceId, LONG flags, BSTR cabPath, IUpdateServiceRegistration** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    const Json& section = scenario_->section("serviceManager");
    std::string id = Utf8(serviceId);
    HRESULT hr = HResultIn(section, "addHresult");
    Record("AddService2", "\"serviceId\":" + Quote(id) + ",\"flags\":" + std::to_string(flags) +
                              ",\"cab\":" + Quote(Utf8(cabPath)) + ",\"hresult\":" + std::to_string(static_cast<uint32_t>(hr)));
    if (FAILED(hr)) return hr;
    auto state = static_cast<UpdateServiceRegistrationState>(section["registrationState"].asInt(usrsRegistered));
    ServiceData data;
    data.serviceId = id;
    data.name = section["name"].asString("Added service");
    data.isRegisteredWithAU = (flags & 4) != 0;
    data.offersWindowsUpdates = true;
    data.canRegisterWithAU = true;
    if (state == usrsRegistered) {
      Services(*scenario_);
      std::lock_guard<std::mutex> lock(g_servicesMutex);
      g_services.push_back(data);
    }
    *out = new Registration(state, section["pending"].asBool(state == usrsRegistrationPending), data);
    return S_OK;
  }

 protected:
  bool Supports(REFIID riid) override { return IsEqualIID(riid, __uuidof(IUpdateServiceManager)); }

 private:
  std::shared_ptr<const Scenario> scenario_;
  std::string clientId_;
};

// --- Automatic Updates ----------------------------------------------------------------------

class AutomaticUpdatesSettings : public Object<IAutomaticUpdatesSettings3> {
 public:
  explicit AutomaticUpdatesSettings(const Json& data) : Object("AutomaticUpdatesSettings"), d_(data) {}
  HRESULT STDMETHODCALLTYPE get_NotificationLevel(AutomaticUpdatesNotificationLevel* out) override {
    return ToValue(static_cast<AutomaticUpdatesNotificationLevel>(d_["notificationLevel"].asInt(0)), out);
  }
  HRESULT STDMETHODCALLTYPE put_NotificationLevel(AutomaticUpdatesNotificationLevel) override { return Refused("put_NotificationLevel"); }
  HRESULT STDMETHODCALLTYPE get_ReadOnly(VARIANT_BOOL* out) override { return ToBool(d_["readOnly"].asBool(), out); }
  HRESULT STDMETHODCALLTYPE get_Required(VARIANT_BOOL* out) override { return ToBool(d_["required"].asBool(), out); }
  HRESULT STDMETHODCALLTYPE get_ScheduledInstallationDay(AutomaticUpdatesScheduledInstallationDay* out) override {
    return ToValue(static_cast<AutomaticUpdatesScheduledInstallationDay>(0), out);
  }
  HRESULT STDMETHODCALLTYPE put_ScheduledInstallationDay(AutomaticUpdatesScheduledInstallationDay) override {
    return Refused("put_ScheduledInstallationDay");
  }
  HRESULT STDMETHODCALLTYPE get_ScheduledInstallationTime(LONG* out) override { return ToValue<LONG>(3, out); }
  HRESULT STDMETHODCALLTYPE put_ScheduledInstallationTime(LONG) override { return Refused("put_ScheduledInstallationTime"); }
  HRESULT STDMETHODCALLTYPE Refresh() override { return S_OK; }
  HRESULT STDMETHODCALLTYPE Save() override { return Refused("Save"); }
  HRESULT STDMETHODCALLTYPE get_IncludeRecommendedUpdates(VARIANT_BOOL* out) override {
    return ToBool(d_["includeRecommendedUpdates"].asBool(), out);
  }
  HRESULT STDMETHODCALLTYPE put_IncludeRecommendedUpdates(VARIANT_BOOL) override { return Refused("put_IncludeRecommendedUpdates"); }
  HRESULT STDMETHODCALLTYPE CheckPermission(AutomaticUpdatesUserType, AutomaticUpdatesPermissionType, VARIANT_BOOL*) override {
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE get_NonAdministratorsElevated(VARIANT_BOOL* out) override {
    return ToBool(d_["nonAdministratorsElevated"].asBool(), out);
  }
  HRESULT STDMETHODCALLTYPE put_NonAdministratorsElevated(VARIANT_BOOL) override { return Refused("put_NonAdministratorsElevated"); }
  HRESULT STDMETHODCALLTYPE get_FeaturedUpdatesEnabled(VARIANT_BOOL* out) override {
    return ToBool(d_["featuredUpdatesEnabled"].asBool(), out);
  }
  HRESULT STDMETHODCALLTYPE put_FeaturedUpdatesEnabled(VARIANT_BOOL) override { return Refused("put_FeaturedUpdatesEnabled"); }

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** out) override {
    // settingsVersion plays an older agent that answers only the first interfaces.
    long long version = d_["settingsVersion"].asInt(3);
    if (out != nullptr && ((IsEqualIID(riid, __uuidof(IAutomaticUpdatesSettings3)) && version < 3) ||
                           (IsEqualIID(riid, __uuidof(IAutomaticUpdatesSettings2)) && version < 2))) {
      *out = nullptr;
      return E_NOINTERFACE;
    }
    return Object<IAutomaticUpdatesSettings3>::QueryInterface(riid, out);
  }

 protected:
  bool Supports(REFIID riid) override {
    return IsEqualIID(riid, __uuidof(IAutomaticUpdatesSettings)) || IsEqualIID(riid, __uuidof(IAutomaticUpdatesSettings2));
  }

 private:
  // msi-lua reads settings only: any write is recorded, so a test sees it never happens.
  HRESULT Refused(const char* method) {
    Record(method);
    return E_ACCESSDENIED;
  }
  Json d_;
};

// automaticUpdates.results: each date an OLE DATE number (VT_DATE), null or absent (VT_EMPTY:
// never), or a string (VT_BSTR: a type WUA does not document, to test that it is not trusted).
class AutomaticUpdatesResults : public Object<IAutomaticUpdatesResults> {
 public:
  explicit AutomaticUpdatesResults(const Json& data) : Object("AutomaticUpdatesResults"), d_(data) {}
  HRESULT STDMETHODCALLTYPE get_LastSearchSuccessDate(VARIANT* out) override { return Date("lastSearchSuccessDate", out); }
  HRESULT STDMETHODCALLTYPE get_LastInstallationSuccessDate(VARIANT* out) override {
    return Date("lastInstallationSuccessDate", out);
  }

 private:
  HRESULT Date(const char* key, VARIANT* out) {
    if (out == nullptr) return E_POINTER;
    ::VariantInit(out);
    const Json& value = d_[key];
    if (value.type() == Json::Type::Number) {
      out->vt = VT_DATE;
      out->date = value.asNumber(0);
    } else if (value.type() == Json::Type::String) {
      out->vt = VT_BSTR;
      return ToBstr(value.asString(), &out->bstrVal);
    }
    return S_OK;
  }
  Json d_;
};

class AutomaticUpdates : public Object<IAutomaticUpdates2> {
 public:
  explicit AutomaticUpdates(std::shared_ptr<const Scenario> scenario) : Object("AutomaticUpdates"), scenario_(std::move(scenario)) {}
  HRESULT STDMETHODCALLTYPE DetectNow() override { return Refused("DetectNow"); }
  HRESULT STDMETHODCALLTYPE Pause() override { return Refused("Pause"); }
  HRESULT STDMETHODCALLTYPE Resume() override { return Refused("Resume"); }
  HRESULT STDMETHODCALLTYPE ShowSettingsDialog() override { return Refused("ShowSettingsDialog"); }
  HRESULT STDMETHODCALLTYPE get_Settings(IAutomaticUpdatesSettings** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    const Json& data = scenario_->section("automaticUpdates");
    HRESULT hr = HResultIn(data);
    if (FAILED(hr)) return hr;
    *out = new AutomaticUpdatesSettings(data);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_ServiceEnabled(VARIANT_BOOL* out) override {
    return ToBool(scenario_->section("automaticUpdates")["serviceEnabled"].asBool(true), out);
  }
  HRESULT STDMETHODCALLTYPE EnableService() override { return Refused("EnableService"); }
  HRESULT STDMETHODCALLTYPE get_Results(IAutomaticUpdatesResults** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    const Json& results = scenario_->section("automaticUpdates")["results"];
    HRESULT hr = HResultIn(results);
    if (FAILED(hr)) return hr;
    *out = new AutomaticUpdatesResults(results);
    return S_OK;
  }

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** out) override {
    // version 1 plays an agent older than IAutomaticUpdates2 (no Results).
    if (out != nullptr && IsEqualIID(riid, __uuidof(IAutomaticUpdates2)) &&
        scenario_->section("automaticUpdates")["version"].asInt(2) < 2) {
      *out = nullptr;
      return E_NOINTERFACE;
    }
    return Object<IAutomaticUpdates2>::QueryInterface(riid, out);
  }

 protected:
  bool Supports(REFIID riid) override { return IsEqualIID(riid, __uuidof(IAutomaticUpdates)); }

 private:
  HRESULT Refused(const char* method) {
    Record(method);
    return E_ACCESSDENIED;
  }
  std::shared_ptr<const Scenario> scenario_;
};

}  // namespace

bool IsSystemClass(const CLSID& clsid) {
  return IsEqualCLSID(clsid, msilua::wua::kClsidWindowsUpdateAgentInfo) || IsEqualCLSID(clsid, msilua::wua::kClsidSystemInformation) ||
         IsEqualCLSID(clsid, msilua::wua::kClsidUpdateServiceManager) || IsEqualCLSID(clsid, msilua::wua::kClsidAutomaticUpdates);
}

IUnknown* NewSystemObject(const CLSID& clsid, std::shared_ptr<const Scenario> scenario) {
  if (IsEqualCLSID(clsid, msilua::wua::kClsidWindowsUpdateAgentInfo)) return new AgentInfo(std::move(scenario));
  if (IsEqualCLSID(clsid, msilua::wua::kClsidSystemInformation)) return new SystemInformation(std::move(scenario));
  if (IsEqualCLSID(clsid, msilua::wua::kClsidUpdateServiceManager)) return new ServiceManager(std::move(scenario));
  if (IsEqualCLSID(clsid, msilua::wua::kClsidAutomaticUpdates)) return new AutomaticUpdates(std::move(scenario));
  return nullptr;
}

}  // namespace agent
