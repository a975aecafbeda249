// Windows Update Agent beyond search and install: agent info (IWindowsUpdateAgentInfo),
// the reboot flag (ISystemInformation), update services (IUpdateServiceManager2), Automatic
// Updates settings (IAutomaticUpdates, IAutomaticUpdatesSettings3) and last results
// (IAutomaticUpdates2::get_Results), scan package services (AddScanPackageService), history
// (IUpdateSearcher::GetTotalHistoryCount/QueryHistory) and hiding (IUpdate::put_IsHidden).
// Each call runs on its own MTA job thread (wua_session.cc), as the long jobs do: WUA may
// take seconds to answer even these. Dates go to JS as OLE Automation DATE numbers; the
// facade converts them.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "addon_support.h"
#include "wua_job.h"
#include "wua_sdk.h"

namespace msilua::wua {
namespace {

template <typename Interface>
ComPtr<Interface> Create(const char* syscall, const GUID& clsid) {
  ComPtr<Interface> object;
  CheckHResult(syscall,
               ::CoCreateInstance(clsid, nullptr, CLSCTX_INPROC_SERVER, __uuidof(Interface), object.put_void()));
  if (!object) ThrowHResult(syscall, E_POINTER);
  return object;
}

// An optional interface: empty when the object does not implement it (older agents).
template <typename Interface, typename From>
ComPtr<Interface> Query(From* object) {
  ComPtr<Interface> result;
  if (FAILED(object->QueryInterface(__uuidof(Interface), result.put_void()))) result.reset();
  return result;
}

std::optional<bool> ReadOptionalBool(const char* syscall, bool present,
                                     const std::function<HRESULT(VARIANT_BOOL*)>& getter) {
  if (!present) return std::nullopt;
  VARIANT_BOOL value = VARIANT_FALSE;
  CheckHResult(syscall, getter(&value));
  return value != VARIANT_FALSE;
}

Napi::Value OptionalBoolToJs(Napi::Env env, const std::optional<bool>& value) {
  return value ? Napi::Value(Napi::Boolean::New(env, *value)) : env.Null();
}

// --- agent info ----------------------------------------------------------------------------

struct AgentInfo {
  int32_t apiMajorVersion = 0;
  int32_t apiMinorVersion = 0;
  std::string productVersionString;
};

void GetInfo(IWindowsUpdateAgentInfo* info, const wchar_t* name, UniqueVariant& value) {
  UniqueVariant identifier;
  identifier.get()->vt = VT_BSTR;
  identifier.get()->bstrVal = ::SysAllocString(name);
  if (identifier.get()->bstrVal == nullptr) ThrowHResult("SysAllocString", E_OUTOFMEMORY);
  CheckHResult("IWindowsUpdateAgentInfo::GetInfo", info->GetInfo(*identifier.get(), value.put()));
}

int32_t VariantInt(const char* what, UniqueVariant& value) {
  UniqueVariant converted;
  CheckHResult(what, ::VariantChangeType(converted.get(), value.get(), 0, VT_I4));
  return converted.get()->lVal;
}

std::string VariantText(const char* what, UniqueVariant& value) {
  UniqueVariant converted;
  CheckHResult(what, ::VariantChangeType(converted.get(), value.get(), 0, VT_BSTR));
  BSTR text = converted.get()->bstrVal;
  return text ? WideToUtf8(text, ::SysStringLen(text)) : std::string();
}

Napi::Value AgentInfoCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Job::Start(env, "msi-lua:wuaAgentInfo", env.Undefined(), [](Job&) -> ResultBuilder {
    auto agent =
        Create<IWindowsUpdateAgentInfo>("CoCreateInstance(WindowsUpdateAgentInfo)", kClsidWindowsUpdateAgentInfo);
    auto facts = std::make_shared<AgentInfo>();
    UniqueVariant major;
    GetInfo(agent.get(), L"ApiMajorVersion", major);
    facts->apiMajorVersion = VariantInt("IWindowsUpdateAgentInfo::GetInfo(ApiMajorVersion)", major);
    UniqueVariant minor;
    GetInfo(agent.get(), L"ApiMinorVersion", minor);
    facts->apiMinorVersion = VariantInt("IWindowsUpdateAgentInfo::GetInfo(ApiMinorVersion)", minor);
    UniqueVariant product;
    GetInfo(agent.get(), L"ProductVersionString", product);
    facts->productVersionString = VariantText("IWindowsUpdateAgentInfo::GetInfo(ProductVersionString)", product);
    return [facts](Napi::Env env) {
      Napi::Object object = Napi::Object::New(env);
      object.Set("apiMajorVersion", facts->apiMajorVersion);
      object.Set("apiMinorVersion", facts->apiMinorVersion);
      object.Set("productVersionString", facts->productVersionString);
      return object;
    };
  });
}

// --- reboot flag ----------------------------------------------------------------------------

Napi::Value RebootRequiredCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Job::Start(env, "msi-lua:wuaRebootRequired", env.Undefined(), [](Job&) -> ResultBuilder {
    auto system = Create<ISystemInformation>("CoCreateInstance(SystemInformation)", kClsidSystemInformation);
    bool required =
        ReadBool("ISystemInformation::get_RebootRequired", system.get(), &ISystemInformation::get_RebootRequired);
    return [required](Napi::Env env) { return Napi::Boolean::New(env, required); };
  });
}

// --- update services ------------------------------------------------------------------------

struct ServiceFacts {
  std::string name;
  std::string serviceId;
  bool isManaged = false;
  bool isRegisteredWithAU = false;
  bool offersWindowsUpdates = false;
  bool isScanPackageService = false;
  bool canRegisterWithAU = false;
  std::string serviceUrl;
  double issueDate = 0;
  std::optional<bool> isDefaultAUService;
};

ServiceFacts ReadService(IUpdateService* service) {
  ServiceFacts facts;
  facts.name = ReadString("IUpdateService::get_Name", service, &IUpdateService::get_Name);
  facts.serviceId = ReadString("IUpdateService::get_ServiceID", service, &IUpdateService::get_ServiceID);
  facts.isManaged = ReadBool("IUpdateService::get_IsManaged", service, &IUpdateService::get_IsManaged);
  facts.isRegisteredWithAU =
      ReadBool("IUpdateService::get_IsRegisteredWithAU", service, &IUpdateService::get_IsRegisteredWithAU);
  facts.offersWindowsUpdates =
      ReadBool("IUpdateService::get_OffersWindowsUpdates", service, &IUpdateService::get_OffersWindowsUpdates);
  facts.isScanPackageService =
      ReadBool("IUpdateService::get_IsScanPackageService", service, &IUpdateService::get_IsScanPackageService);
  facts.canRegisterWithAU =
      ReadBool("IUpdateService::get_CanRegisterWithAU", service, &IUpdateService::get_CanRegisterWithAU);
  facts.serviceUrl = ReadString("IUpdateService::get_ServiceUrl", service, &IUpdateService::get_ServiceUrl);
  facts.issueDate = ReadValue("IUpdateService::get_IssueDate", service, &IUpdateService::get_IssueDate);
  if (auto service2 = Query<IUpdateService2>(service)) {
    facts.isDefaultAUService =
        ReadBool("IUpdateService2::get_IsDefaultAUService", service2.get(), &IUpdateService2::get_IsDefaultAUService);
  }
  return facts;
}

Napi::Object ServiceToJs(Napi::Env env, const ServiceFacts& s) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("name", s.name);
  object.Set("serviceId", s.serviceId);
  object.Set("isManaged", s.isManaged);
  object.Set("isRegisteredWithAU", s.isRegisteredWithAU);
  object.Set("offersWindowsUpdates", s.offersWindowsUpdates);
  object.Set("isScanPackageService", s.isScanPackageService);
  object.Set("canRegisterWithAU", s.canRegisterWithAU);
  object.Set("serviceUrl", s.serviceUrl);
  object.Set("issueDate", s.issueDate);
  object.Set("isDefaultAUService", OptionalBoolToJs(env, s.isDefaultAUService));
  return object;
}

ComPtr<IUpdateServiceManager2> ServiceManager() {
  return Create<IUpdateServiceManager2>("CoCreateInstance(UpdateServiceManager)", kClsidUpdateServiceManager);
}

Napi::Value ServicesCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Job::Start(env, "msi-lua:wuaServices", env.Undefined(), [](Job&) -> ResultBuilder {
    auto manager = ServiceManager();
    ComPtr<IUpdateServiceCollection> services =
        ReadObject("IUpdateServiceManager::get_Services", static_cast<IUpdateServiceManager*>(manager.get()),
                   &IUpdateServiceManager::get_Services);
    auto list = std::make_shared<std::vector<ServiceFacts>>();
    if (services) {
      LONG count =
          ReadValue("IUpdateServiceCollection::get_Count", services.get(), &IUpdateServiceCollection::get_Count);
      for (LONG i = 0; i < count; ++i) {
        ComPtr<IUpdateService> service;
        CheckHResult("IUpdateServiceCollection::get_Item", services->get_Item(i, service.put()));
        if (service) list->push_back(ReadService(service.get()));
      }
    }
    return [list](Napi::Env env) {
      Napi::Array array = Napi::Array::New(env, list->size());
      for (size_t i = 0; i < list->size(); ++i) array.Set(static_cast<uint32_t>(i), ServiceToJs(env, (*list)[i]));
      return array;
    };
  });
}

// wuaAddService(serviceId, flags) → { registrationState, serviceId, isPendingRegistrationWithAU, service }
Napi::Value AddServiceCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring serviceId = Utf8ToWide(RequireString(info, 0, "serviceId"));
  uint32_t flags = RequireUint32(info, 1, "flags");
  return Job::Start(env, "msi-lua:wuaAddService", env.Undefined(), [serviceId, flags](Job&) -> ResultBuilder {
    auto manager = ServiceManager();
    UniqueBstr id(serviceId);
    UniqueBstr noCab(std::wstring(L""));
    ComPtr<IUpdateServiceRegistration> registration;
    CheckHResult("IUpdateServiceManager2::AddService2",
                 manager->AddService2(id.get(), static_cast<LONG>(flags), noCab.get(), registration.put()));
    if (!registration) ThrowHResult("IUpdateServiceManager2::AddService2", E_POINTER);
    struct Outcome {
      int32_t state = 0;
      std::string serviceId;
      bool pending = false;
      std::optional<ServiceFacts> service;
    };
    auto outcome = std::make_shared<Outcome>();
    outcome->state = ReadValue("IUpdateServiceRegistration::get_RegistrationState", registration.get(),
                               &IUpdateServiceRegistration::get_RegistrationState);
    outcome->serviceId = ReadString("IUpdateServiceRegistration::get_ServiceID", registration.get(),
                                    &IUpdateServiceRegistration::get_ServiceID);
    outcome->pending = ReadBool("IUpdateServiceRegistration::get_IsPendingRegistrationWithAU", registration.get(),
                                &IUpdateServiceRegistration::get_IsPendingRegistrationWithAU);
    ComPtr<IUpdateService2> service = ReadObject("IUpdateServiceRegistration::get_Service", registration.get(),
                                                 &IUpdateServiceRegistration::get_Service);
    if (service) outcome->service = ReadService(service.get());
    return [outcome](Napi::Env env) {
      Napi::Object object = Napi::Object::New(env);
      object.Set("registrationState", outcome->state);
      object.Set("serviceId", outcome->serviceId);
      object.Set("isPendingRegistrationWithAU", outcome->pending);
      object.Set("service", outcome->service ? Napi::Value(ServiceToJs(env, *outcome->service)) : env.Null());
      return object;
    };
  });
}

Napi::Value RemoveServiceCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring serviceId = Utf8ToWide(RequireString(info, 0, "serviceId"));
  return Job::Start(env, "msi-lua:wuaRemoveService", env.Undefined(), [serviceId](Job&) -> ResultBuilder {
    auto manager = ServiceManager();
    UniqueBstr id(serviceId);
    CheckHResult("IUpdateServiceManager::RemoveService", manager->RemoveService(id.get()));
    return [](Napi::Env env) { return env.Undefined(); };
  });
}

// wuaAddScanPackageService(serviceName, scanFileLocation, flags) → the service, as wuaServices
// lists it. The facade has checked the name, made the path absolute and found a regular file.
Napi::Value AddScanPackageServiceCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring name = Utf8ToWide(RequireString(info, 0, "serviceName"));
  std::wstring location = Utf8ToWide(RequireString(info, 1, "scanFileLocation"));
  uint32_t flags = RequireUint32(info, 2, "flags");
  return Job::Start(
      env, "msi-lua:wuaAddScanPackageService", env.Undefined(), [name, location, flags](Job&) -> ResultBuilder {
        // IUpdateServiceManager (not ...2): agents older than AddService2 have scan package services.
        auto manager =
            Create<IUpdateServiceManager>("CoCreateInstance(UpdateServiceManager)", kClsidUpdateServiceManager);
        UniqueBstr serviceName(name);
        UniqueBstr scanFile(location);
        ComPtr<IUpdateService> service;
        CheckHResult(
            "IUpdateServiceManager::AddScanPackageService",
            manager->AddScanPackageService(serviceName.get(), scanFile.get(), static_cast<LONG>(flags), service.put()));
        if (!service) ThrowHResult("IUpdateServiceManager::AddScanPackageService", E_POINTER);
        auto facts = std::make_shared<ServiceFacts>(ReadService(service.get()));
        return [facts](Napi::Env env) { return ServiceToJs(env, *facts); };
      });
}

// --- Automatic Updates ------------------------------------------------------------------------

struct AutomaticUpdatesFacts {
  bool serviceEnabled = false;
  int32_t notificationLevel = 0;
  bool readOnly = false;
  bool required = false;
  std::optional<bool> includeRecommendedUpdates;
  std::optional<bool> nonAdministratorsElevated;
  std::optional<bool> featuredUpdatesEnabled;
};

Napi::Value AutomaticUpdatesCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Job::Start(env, "msi-lua:wuaAutomaticUpdates", env.Undefined(), [](Job&) -> ResultBuilder {
    auto au = Create<IAutomaticUpdates>("CoCreateInstance(AutomaticUpdates)", kClsidAutomaticUpdates);
    auto facts = std::make_shared<AutomaticUpdatesFacts>();
    facts->serviceEnabled =
        ReadBool("IAutomaticUpdates::get_ServiceEnabled", au.get(), &IAutomaticUpdates::get_ServiceEnabled);
    ComPtr<IAutomaticUpdatesSettings> settings =
        ReadObject("IAutomaticUpdates::get_Settings", au.get(), &IAutomaticUpdates::get_Settings);
    if (!settings) ThrowHResult("IAutomaticUpdates::get_Settings", E_POINTER);
    AutomaticUpdatesNotificationLevel level = aunlNotConfigured;
    CheckHResult("IAutomaticUpdatesSettings::get_NotificationLevel", settings->get_NotificationLevel(&level));
    facts->notificationLevel = static_cast<int32_t>(level);
    facts->readOnly =
        ReadBool("IAutomaticUpdatesSettings::get_ReadOnly", settings.get(), &IAutomaticUpdatesSettings::get_ReadOnly);
    facts->required =
        ReadBool("IAutomaticUpdatesSettings::get_Required", settings.get(), &IAutomaticUpdatesSettings::get_Required);
    auto settings2 = Query<IAutomaticUpdatesSettings2>(settings.get());
    facts->includeRecommendedUpdates =
        ReadOptionalBool("IAutomaticUpdatesSettings2::get_IncludeRecommendedUpdates", static_cast<bool>(settings2),
                         [&](VARIANT_BOOL* out) { return settings2->get_IncludeRecommendedUpdates(out); });
    auto settings3 = Query<IAutomaticUpdatesSettings3>(settings.get());
    facts->nonAdministratorsElevated =
        ReadOptionalBool("IAutomaticUpdatesSettings3::get_NonAdministratorsElevated", static_cast<bool>(settings3),
                         [&](VARIANT_BOOL* out) { return settings3->get_NonAdministratorsElevated(out); });
    facts->featuredUpdatesEnabled =
        ReadOptionalBool("IAutomaticUpdatesSettings3::get_FeaturedUpdatesEnabled", static_cast<bool>(settings3),
                         [&](VARIANT_BOOL* out) { return settings3->get_FeaturedUpdatesEnabled(out); });
    return [facts](Napi::Env env) {
      Napi::Object object = Napi::Object::New(env);
      object.Set("serviceEnabled", facts->serviceEnabled);
      object.Set("notificationLevel", facts->notificationLevel);
      object.Set("readOnly", facts->readOnly);
      object.Set("required", facts->required);
      object.Set("includeRecommendedUpdates", OptionalBoolToJs(env, facts->includeRecommendedUpdates));
      object.Set("nonAdministratorsElevated", OptionalBoolToJs(env, facts->nonAdministratorsElevated));
      object.Set("featuredUpdatesEnabled", OptionalBoolToJs(env, facts->featuredUpdatesEnabled));
      return object;
    };
  });
}

// One IAutomaticUpdatesResults date as read: its VARIANT type and, for VT_DATE, the DATE.
// The facade decides what VT_EMPTY (never) and any other type (unknown) mean.
struct VariantDateFact {
  int32_t vt = VT_EMPTY;
  double date = 0;
};

VariantDateFact ReadVariantDate(const char* syscall, IAutomaticUpdatesResults* results,
                                HRESULT (STDMETHODCALLTYPE IAutomaticUpdatesResults::*getter)(VARIANT*)) {
  UniqueVariant value;
  CheckHResult(syscall, (results->*getter)(value.put()));
  VariantDateFact fact;
  fact.vt = static_cast<int32_t>(value.get()->vt);
  if (value.get()->vt == VT_DATE) fact.date = value.get()->date;
  return fact;
}

Napi::Object VariantDateToJs(Napi::Env env, const VariantDateFact& fact) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("vt", fact.vt);
  object.Set("date", fact.date);
  return object;
}

// wuaAutomaticUpdatesResults() → { hasResults, lastSearchSuccessDate, lastInstallationSuccessDate }:
// hasResults false (dates null) when the agent has no IAutomaticUpdates2 (older agents).
Napi::Value AutomaticUpdatesResultsCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Job::Start(env, "msi-lua:wuaAutomaticUpdatesResults", env.Undefined(), [](Job&) -> ResultBuilder {
    auto au = Create<IAutomaticUpdates>("CoCreateInstance(AutomaticUpdates)", kClsidAutomaticUpdates);
    struct Facts {
      bool hasResults = false;
      VariantDateFact search;
      VariantDateFact installation;
    };
    auto facts = std::make_shared<Facts>();
    if (auto au2 = Query<IAutomaticUpdates2>(au.get())) {
      ComPtr<IAutomaticUpdatesResults> results =
          ReadObject("IAutomaticUpdates2::get_Results", au2.get(), &IAutomaticUpdates2::get_Results);
      if (!results) ThrowHResult("IAutomaticUpdates2::get_Results", E_POINTER);
      facts->hasResults = true;
      facts->search = ReadVariantDate("IAutomaticUpdatesResults::get_LastSearchSuccessDate", results.get(),
                                      &IAutomaticUpdatesResults::get_LastSearchSuccessDate);
      facts->installation = ReadVariantDate("IAutomaticUpdatesResults::get_LastInstallationSuccessDate", results.get(),
                                            &IAutomaticUpdatesResults::get_LastInstallationSuccessDate);
    }
    return [facts](Napi::Env env) {
      Napi::Object object = Napi::Object::New(env);
      object.Set("hasResults", facts->hasResults);
      object.Set("lastSearchSuccessDate",
                 facts->hasResults ? Napi::Value(VariantDateToJs(env, facts->search)) : env.Null());
      object.Set("lastInstallationSuccessDate",
                 facts->hasResults ? Napi::Value(VariantDateToJs(env, facts->installation)) : env.Null());
      return object;
    };
  });
}

// --- history ------------------------------------------------------------------------------------

struct HistoryCategory {
  std::string id;
  std::string name;
  std::string type;
};

struct HistoryEntry {
  int32_t operation = 0;
  int32_t resultCode = 0;
  uint32_t hresult = 0;
  double date = 0;
  std::string updateId;
  int32_t revision = 0;
  std::string title;
  std::string description;
  uint32_t unmappedResultCode = 0;
  std::string clientApplicationId;
  int32_t serverSelection = 0;
  std::string serviceId;
  std::string supportUrl;
  std::optional<std::vector<HistoryCategory>> categories;
};

HistoryEntry ReadHistoryEntry(IUpdateHistoryEntry* entry) {
  HistoryEntry e;
  UpdateOperation operation = uoInstallation;
  CheckHResult("IUpdateHistoryEntry::get_Operation", entry->get_Operation(&operation));
  e.operation = static_cast<int32_t>(operation);
  OperationResultCode code = orcNotStarted;
  CheckHResult("IUpdateHistoryEntry::get_ResultCode", entry->get_ResultCode(&code));
  e.resultCode = static_cast<int32_t>(code);
  e.hresult =
      static_cast<uint32_t>(ReadValue("IUpdateHistoryEntry::get_HResult", entry, &IUpdateHistoryEntry::get_HResult));
  e.date = ReadValue("IUpdateHistoryEntry::get_Date", entry, &IUpdateHistoryEntry::get_Date);
  ComPtr<IUpdateIdentity> identity =
      ReadObject("IUpdateHistoryEntry::get_UpdateIdentity", entry, &IUpdateHistoryEntry::get_UpdateIdentity);
  if (identity) {
    e.updateId = ReadString("IUpdateIdentity::get_UpdateID", identity.get(), &IUpdateIdentity::get_UpdateID);
    e.revision = ReadValue("IUpdateIdentity::get_RevisionNumber", identity.get(), &IUpdateIdentity::get_RevisionNumber);
  }
  e.title = ReadString("IUpdateHistoryEntry::get_Title", entry, &IUpdateHistoryEntry::get_Title);
  e.description = ReadString("IUpdateHistoryEntry::get_Description", entry, &IUpdateHistoryEntry::get_Description);
  e.unmappedResultCode = static_cast<uint32_t>(
      ReadValue("IUpdateHistoryEntry::get_UnmappedResultCode", entry, &IUpdateHistoryEntry::get_UnmappedResultCode));
  e.clientApplicationId =
      ReadString("IUpdateHistoryEntry::get_ClientApplicationID", entry, &IUpdateHistoryEntry::get_ClientApplicationID);
  ServerSelection selection = ssDefault;
  CheckHResult("IUpdateHistoryEntry::get_ServerSelection", entry->get_ServerSelection(&selection));
  e.serverSelection = static_cast<int32_t>(selection);
  e.serviceId = ReadString("IUpdateHistoryEntry::get_ServiceID", entry, &IUpdateHistoryEntry::get_ServiceID);
  e.supportUrl = ReadString("IUpdateHistoryEntry::get_SupportUrl", entry, &IUpdateHistoryEntry::get_SupportUrl);
  if (auto entry2 = Query<IUpdateHistoryEntry2>(entry)) {
    std::vector<HistoryCategory> categories;
    ComPtr<ICategoryCollection> collection =
        ReadObject("IUpdateHistoryEntry2::get_Categories", entry2.get(), &IUpdateHistoryEntry2::get_Categories);
    if (collection) {
      LONG count = ReadValue("ICategoryCollection::get_Count", collection.get(), &ICategoryCollection::get_Count);
      for (LONG i = 0; i < count; ++i) {
        ComPtr<ICategory> category;
        CheckHResult("ICategoryCollection::get_Item", collection->get_Item(i, category.put()));
        if (!category) continue;
        categories.push_back({ReadString("ICategory::get_CategoryID", category.get(), &ICategory::get_CategoryID),
                              ReadString("ICategory::get_Name", category.get(), &ICategory::get_Name),
                              ReadString("ICategory::get_Type", category.get(), &ICategory::get_Type)});
      }
    }
    e.categories = std::move(categories);
  }
  return e;
}

Napi::Object HistoryEntryToJs(Napi::Env env, const HistoryEntry& e) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("operation", e.operation);
  object.Set("resultCode", e.resultCode);
  object.Set("hresult", e.hresult);
  object.Set("date", e.date);
  object.Set("updateId", e.updateId);
  object.Set("revision", e.revision);
  object.Set("title", e.title);
  object.Set("description", e.description);
  object.Set("unmappedResultCode", e.unmappedResultCode);
  object.Set("clientApplicationId", e.clientApplicationId);
  object.Set("serverSelection", e.serverSelection);
  object.Set("serviceId", e.serviceId);
  object.Set("supportUrl", e.supportUrl);
  if (e.categories) {
    Napi::Array categories = Napi::Array::New(env, e.categories->size());
    for (size_t i = 0; i < e.categories->size(); ++i) {
      Napi::Object c = Napi::Object::New(env);
      c.Set("id", (*e.categories)[i].id);
      c.Set("name", (*e.categories)[i].name);
      c.Set("type", (*e.categories)[i].type);
      categories.Set(static_cast<uint32_t>(i), c);
    }
    object.Set("categories", categories);
  } else {
    object.Set("categories", env.Null());
  }
  return object;
}

// wuaHistory(session, start, count) → { total, entries }: one page; count 0 reads only the total.
Napi::Value HistoryCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Session> session = SessionFromValue(info, 0);
  uint32_t start = RequireUint32(info, 1, "start");
  uint32_t count = RequireUint32(info, 2, "count");
  return Job::Start(env, "msi-lua:wuaHistory", env.Undefined(), [session, start, count](Job&) -> ResultBuilder {
    ComPtr<IUpdateSession> updateSession = session->Get();
    ComPtr<IUpdateSearcher> searcher;
    CheckHResult("IUpdateSession::CreateUpdateSearcher", updateSession->CreateUpdateSearcher(searcher.put()));
    if (!searcher) ThrowHResult("IUpdateSession::CreateUpdateSearcher", E_POINTER);
    LONG total =
        ReadValue("IUpdateSearcher::GetTotalHistoryCount", searcher.get(), &IUpdateSearcher::GetTotalHistoryCount);
    auto entries = std::make_shared<std::vector<HistoryEntry>>();
    // Only what exists is asked for: WUA answers E_INVALIDARG past the end.
    LONG available = total > static_cast<LONG>(start) ? total - static_cast<LONG>(start) : 0;
    LONG wanted = std::min<LONG>(available, static_cast<LONG>(std::min<uint32_t>(count, 0x7fffffff)));
    if (wanted > 0) {
      ComPtr<IUpdateHistoryEntryCollection> collection;
      CheckHResult("IUpdateSearcher::QueryHistory",
                   searcher->QueryHistory(static_cast<LONG>(start), wanted, collection.put()));
      if (collection) {
        LONG n = ReadValue("IUpdateHistoryEntryCollection::get_Count", collection.get(),
                           &IUpdateHistoryEntryCollection::get_Count);
        for (LONG i = 0; i < n; ++i) {
          ComPtr<IUpdateHistoryEntry> entry;
          CheckHResult("IUpdateHistoryEntryCollection::get_Item", collection->get_Item(i, entry.put()));
          if (entry) entries->push_back(ReadHistoryEntry(entry.get()));
        }
      }
    }
    return [total, entries](Napi::Env env) {
      Napi::Object object = Napi::Object::New(env);
      object.Set("total", static_cast<double>(total));
      Napi::Array array = Napi::Array::New(env, entries->size());
      for (size_t i = 0; i < entries->size(); ++i)
        array.Set(static_cast<uint32_t>(i), HistoryEntryToJs(env, (*entries)[i]));
      object.Set("entries", array);
      return object;
    };
  });
}

// wuaSetHidden(session, updateIds, hidden) → [{ id, hresult, isHidden }]: IUpdate::put_IsHidden
// per update; a failure is that update's result, not the call's.
Napi::Value SetHiddenCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Session> session = SessionFromValue(info, 0);
  std::vector<std::wstring> ids = RequireUpdateIds(info, 1);
  bool hidden = RequireBoolean(info, 2, "hidden");
  return Job::Start(env, "msi-lua:wuaSetHidden", env.Undefined(), [session, ids, hidden](Job&) -> ResultBuilder {
    struct One {
      std::string id;
      uint32_t hresult = 0;
      std::optional<bool> isHidden;
    };
    std::vector<ComPtr<IUpdate>> updates = session->Find(ids);
    auto results = std::make_shared<std::vector<One>>();
    for (size_t i = 0; i < updates.size(); ++i) {
      One one;
      one.id = WideToUtf8(ids[i]);
      HRESULT hr = updates[i]->put_IsHidden(hidden ? VARIANT_TRUE : VARIANT_FALSE);
      one.hresult = static_cast<uint32_t>(hr);
      VARIANT_BOOL now = VARIANT_FALSE;
      if (SUCCEEDED(updates[i]->get_IsHidden(&now))) one.isHidden = now != VARIANT_FALSE;
      results->push_back(std::move(one));
    }
    return [results](Napi::Env env) {
      Napi::Array array = Napi::Array::New(env, results->size());
      for (size_t i = 0; i < results->size(); ++i) {
        Napi::Object object = Napi::Object::New(env);
        object.Set("id", (*results)[i].id);
        object.Set("hresult", (*results)[i].hresult);
        object.Set("isHidden", OptionalBoolToJs(env, (*results)[i].isHidden));
        array.Set(static_cast<uint32_t>(i), object);
      }
      return array;
    };
  });
}

// wuaRegistryKeyExists(subKey) → Promise<boolean>: whether HKLM\subKey exists (64-bit view).
// The pending-reboot signals of Windows Update and Component Based Servicing are keys whose
// presence is the signal; a key that cannot be opened for another reason is a failure.
Napi::Value RegistryKeyExistsCall(const Napi::CallbackInfo& info) {
  std::wstring subKey = Utf8ToWide(RequireString(info, 0, "subKey"));
  return PromiseWorker<bool>::Run(
      info.Env(), "msi-lua:wuaRegistryKeyExists",
      [subKey]() {
        UniqueHKey key;
        LSTATUS status =
            ::RegOpenKeyExW(HKEY_LOCAL_MACHINE, subKey.c_str(), 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, key.put());
        if (status == ERROR_FILE_NOT_FOUND || status == ERROR_PATH_NOT_FOUND) return false;
        if (status != ERROR_SUCCESS) ThrowWin32("RegOpenKeyExW", static_cast<DWORD>(status));
        return true;
      },
      [](Napi::Env env, bool& exists) { return Napi::Boolean::New(env, exists); });
}

}  // namespace

void RegisterSystem(Napi::Env env, Napi::Object exports) {
  exports.Set("wuaAgentInfo", Napi::Function::New(env, AgentInfoCall, "wuaAgentInfo"));
  exports.Set("wuaRebootRequired", Napi::Function::New(env, RebootRequiredCall, "wuaRebootRequired"));
  exports.Set("wuaServices", Napi::Function::New(env, ServicesCall, "wuaServices"));
  exports.Set("wuaAddService", Napi::Function::New(env, AddServiceCall, "wuaAddService"));
  exports.Set("wuaRemoveService", Napi::Function::New(env, RemoveServiceCall, "wuaRemoveService"));
  exports.Set("wuaAutomaticUpdates", Napi::Function::New(env, AutomaticUpdatesCall, "wuaAutomaticUpdates"));
  exports.Set("wuaAddScanPackageService",
              Napi::Function::New(env, AddScanPackageServiceCall, "wuaAddScanPackageService"));
  exports.Set("wuaAutomaticUpdatesResults",
              Napi::Function::New(env, AutomaticUpdatesResultsCall, "wuaAutomaticUpdatesResults"));
  exports.Set("wuaHistory", Napi::Function::New(env, HistoryCall, "wuaHistory"));
  exports.Set("wuaSetHidden", Napi::Function::New(env, SetHiddenCall, "wuaSetHidden"));
  exports.Set("wuaRegistryKeyExists", Napi::Function::New(env, RegistryKeyExistsCall, "wuaRegistryKeyExists"));
}

}  // namespace msilua::wua
