// Windows Update Agent: IUpdateSearcher::BeginSearch / EndSearch on a job thread, and the
// facts of each update found (IUpdate, IUpdateIdentity, IInstallationBehavior,
// ICategoryCollection, IStringCollection). The IUpdate objects are kept by the session
// so download/install can hand the same objects back to WUA.
#include <string>
#include <vector>

#include "addon_support.h"
#include "com_object.h"
#include "wua_job.h"
#include "wua_sdk.h"

namespace msilua::wua {
namespace {

struct Behavior {
  bool canRequestUserInput = false;
  int32_t rebootBehavior = 0;
  int32_t impact = 0;
  bool requiresNetworkConnectivity = false;
};

struct Category {
  std::string id;
  std::string name;
  std::string type;
};

struct UpdateFacts {
  std::string id;
  int32_t revision = 0;
  std::string title;
  std::string description;
  std::vector<std::string> kbArticleIds;
  std::vector<std::string> securityBulletinIds;
  std::vector<Category> categories;
  std::string msrcSeverity;
  double minDownloadSize = 0;
  double maxDownloadSize = 0;
  bool isDownloaded = false;
  bool isInstalled = false;
  bool isMandatory = false;
  bool isHidden = false;
  bool isBeta = false;
  bool isUninstallable = false;
  bool eulaAccepted = false;
  int32_t type = 0;
  Behavior installation;
  std::optional<Behavior> uninstallation;
};

// ISearchResult::Warnings: what WUA could not complete in a search (IUpdateException).
struct Warning {
  uint32_t hresult = 0;
  std::string message;
  int32_t context = 0;
};

struct SearchOutcome {
  int32_t resultCode = 0;
  bool abortRequested = false;
  uint32_t abortHresult = 0;
  std::vector<UpdateFacts> updates;
  // Unset when WUA did not answer get_Warnings (unknown, not "none").
  std::optional<std::vector<Warning>> warnings;
  uint32_t warningsHresult = 0;
};

std::vector<std::string> ReadStrings(const char* syscall, IStringCollection* collection) {
  std::vector<std::string> values;
  if (collection == nullptr) return values;
  LONG count = ReadValue("IStringCollection::get_Count", collection, &IStringCollection::get_Count);
  for (LONG i = 0; i < count; ++i) {
    UniqueBstr value;
    CheckHResult(syscall, collection->get_Item(i, value.put()));
    values.push_back(value.utf8());
  }
  return values;
}

Behavior ReadBehavior(IInstallationBehavior* behavior) {
  Behavior facts;
  facts.canRequestUserInput = ReadBool("IInstallationBehavior::get_CanRequestUserInput", behavior,
                                       &IInstallationBehavior::get_CanRequestUserInput);
  facts.rebootBehavior = static_cast<int32_t>(
      ReadValue("IInstallationBehavior::get_RebootBehavior", behavior, &IInstallationBehavior::get_RebootBehavior));
  facts.impact = static_cast<int32_t>(
      ReadValue("IInstallationBehavior::get_Impact", behavior, &IInstallationBehavior::get_Impact));
  facts.requiresNetworkConnectivity = ReadBool("IInstallationBehavior::get_RequiresNetworkConnectivity", behavior,
                                               &IInstallationBehavior::get_RequiresNetworkConnectivity);
  return facts;
}

UpdateFacts ReadUpdate(IUpdate* update) {
  UpdateFacts facts;
  ComPtr<IUpdateIdentity> identity = ReadObject("IUpdate::get_Identity", update, &IUpdate::get_Identity);
  if (!identity) ThrowHResult("IUpdate::get_Identity", E_POINTER, "the update has no identity");
  facts.id = ReadString("IUpdateIdentity::get_UpdateID", identity.get(), &IUpdateIdentity::get_UpdateID);
  facts.revision =
      ReadValue("IUpdateIdentity::get_RevisionNumber", identity.get(), &IUpdateIdentity::get_RevisionNumber);
  facts.title = ReadString("IUpdate::get_Title", update, &IUpdate::get_Title);
  facts.description = ReadString("IUpdate::get_Description", update, &IUpdate::get_Description);
  facts.msrcSeverity = ReadString("IUpdate::get_MsrcSeverity", update, &IUpdate::get_MsrcSeverity);

  ComPtr<IStringCollection> kb = ReadObject("IUpdate::get_KBArticleIDs", update, &IUpdate::get_KBArticleIDs);
  facts.kbArticleIds = ReadStrings("IStringCollection::get_Item", kb.get());
  ComPtr<IStringCollection> bulletins =
      ReadObject("IUpdate::get_SecurityBulletinIDs", update, &IUpdate::get_SecurityBulletinIDs);
  facts.securityBulletinIds = ReadStrings("IStringCollection::get_Item", bulletins.get());

  ComPtr<ICategoryCollection> categories = ReadObject("IUpdate::get_Categories", update, &IUpdate::get_Categories);
  if (categories) {
    LONG count = ReadValue("ICategoryCollection::get_Count", categories.get(), &ICategoryCollection::get_Count);
    for (LONG i = 0; i < count; ++i) {
      ComPtr<ICategory> category;
      CheckHResult("ICategoryCollection::get_Item", categories->get_Item(i, category.put()));
      if (!category) continue;
      Category c;
      c.id = ReadString("ICategory::get_CategoryID", category.get(), &ICategory::get_CategoryID);
      c.name = ReadString("ICategory::get_Name", category.get(), &ICategory::get_Name);
      c.type = ReadString("ICategory::get_Type", category.get(), &ICategory::get_Type);
      facts.categories.push_back(std::move(c));
    }
  }

  facts.minDownloadSize =
      DecimalToDouble(ReadValue("IUpdate::get_MinDownloadSize", update, &IUpdate::get_MinDownloadSize));
  facts.maxDownloadSize =
      DecimalToDouble(ReadValue("IUpdate::get_MaxDownloadSize", update, &IUpdate::get_MaxDownloadSize));
  facts.isDownloaded = ReadBool("IUpdate::get_IsDownloaded", update, &IUpdate::get_IsDownloaded);
  facts.isInstalled = ReadBool("IUpdate::get_IsInstalled", update, &IUpdate::get_IsInstalled);
  facts.isMandatory = ReadBool("IUpdate::get_IsMandatory", update, &IUpdate::get_IsMandatory);
  facts.isHidden = ReadBool("IUpdate::get_IsHidden", update, &IUpdate::get_IsHidden);
  facts.isBeta = ReadBool("IUpdate::get_IsBeta", update, &IUpdate::get_IsBeta);
  facts.isUninstallable = ReadBool("IUpdate::get_IsUninstallable", update, &IUpdate::get_IsUninstallable);
  facts.eulaAccepted = ReadBool("IUpdate::get_EulaAccepted", update, &IUpdate::get_EulaAccepted);
  facts.type = static_cast<int32_t>(ReadValue("IUpdate::get_Type", update, &IUpdate::get_Type));

  ComPtr<IInstallationBehavior> installation =
      ReadObject("IUpdate::get_InstallationBehavior", update, &IUpdate::get_InstallationBehavior);
  if (!installation)
    ThrowHResult("IUpdate::get_InstallationBehavior", E_POINTER, "the update has no installation behavior");
  facts.installation = ReadBehavior(installation.get());
  ComPtr<IInstallationBehavior> uninstallation =
      ReadObject("IUpdate::get_UninstallationBehavior", update, &IUpdate::get_UninstallationBehavior);
  if (uninstallation) facts.uninstallation = ReadBehavior(uninstallation.get());
  return facts;
}

// The warnings are secondary to the updates found: a failure to read them leaves them
// unknown (with the HRESULT) rather than failing a search that produced a result.
void ReadWarnings(ISearchResult* result, SearchOutcome& outcome) {
  ComPtr<IUpdateExceptionCollection> warnings;
  HRESULT hr = result->get_Warnings(warnings.put());
  if (FAILED(hr) || !warnings) {
    outcome.warningsHresult = static_cast<uint32_t>(FAILED(hr) ? hr : E_POINTER);
    return;
  }
  LONG count = 0;
  hr = warnings->get_Count(&count);
  std::vector<Warning> list;
  for (LONG i = 0; SUCCEEDED(hr) && i < count; ++i) {
    ComPtr<IUpdateException> warning;
    hr = warnings->get_Item(i, warning.put());
    if (FAILED(hr)) break;
    if (!warning) continue;
    Warning w;
    LONG code = 0;
    UpdateExceptionContext context{};
    UniqueBstr message;
    if (FAILED(hr = warning->get_HResult(&code)) || FAILED(hr = warning->get_Context(&context)) ||
        FAILED(hr = warning->get_Message(message.put())))
      break;
    w.hresult = static_cast<uint32_t>(code);
    w.context = static_cast<int32_t>(context);
    w.message = message.utf8();
    list.push_back(std::move(w));
  }
  if (FAILED(hr)) {
    outcome.warningsHresult = static_cast<uint32_t>(hr);
    return;
  }
  outcome.warnings = std::move(list);
}

// WUA may keep the callback after the job is over: it only holds a weak reference.
class SearchCompleted : public ComObject<ISearchCompletedCallback> {
 public:
  explicit SearchCompleted(std::weak_ptr<Job> job) : job_(std::move(job)) {}
  HRESULT STDMETHODCALLTYPE Invoke(ISearchJob*, ISearchCompletedCallbackArgs*) override {
    if (auto job = job_.lock()) ::SetEvent(job->completedEvent());
    return S_OK;
  }

 private:
  std::weak_ptr<Job> job_;
};

Napi::Object BehaviorToJs(Napi::Env env, const Behavior& behavior) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("canRequestUserInput", behavior.canRequestUserInput);
  object.Set("rebootBehavior", behavior.rebootBehavior);
  object.Set("impact", behavior.impact);
  object.Set("requiresNetworkConnectivity", behavior.requiresNetworkConnectivity);
  return object;
}

Napi::Array StringsToJs(Napi::Env env, const std::vector<std::string>& values) {
  Napi::Array array = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); ++i) array.Set(static_cast<uint32_t>(i), values[i]);
  return array;
}

Napi::Value SearchOutcomeToJs(Napi::Env env, const SearchOutcome& outcome) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("resultCode", outcome.resultCode);
  result.Set("abortRequested", outcome.abortRequested);
  if (outcome.abortRequested) result.Set("abortHresult", outcome.abortHresult);
  Napi::Array updates = Napi::Array::New(env, outcome.updates.size());
  for (size_t i = 0; i < outcome.updates.size(); ++i) {
    const UpdateFacts& u = outcome.updates[i];
    Napi::Object update = Napi::Object::New(env);
    update.Set("id", u.id);
    update.Set("revision", u.revision);
    update.Set("title", u.title);
    update.Set("description", u.description);
    update.Set("kbArticleIds", StringsToJs(env, u.kbArticleIds));
    update.Set("securityBulletinIds", StringsToJs(env, u.securityBulletinIds));
    Napi::Array categories = Napi::Array::New(env, u.categories.size());
    for (size_t c = 0; c < u.categories.size(); ++c) {
      Napi::Object category = Napi::Object::New(env);
      category.Set("id", u.categories[c].id);
      category.Set("name", u.categories[c].name);
      category.Set("type", u.categories[c].type);
      categories.Set(static_cast<uint32_t>(c), category);
    }
    update.Set("categories", categories);
    update.Set("msrcSeverity", u.msrcSeverity);
    update.Set("minDownloadSize", u.minDownloadSize);
    update.Set("maxDownloadSize", u.maxDownloadSize);
    update.Set("isDownloaded", u.isDownloaded);
    update.Set("isInstalled", u.isInstalled);
    update.Set("isMandatory", u.isMandatory);
    update.Set("isHidden", u.isHidden);
    update.Set("isBeta", u.isBeta);
    update.Set("isUninstallable", u.isUninstallable);
    update.Set("eulaAccepted", u.eulaAccepted);
    update.Set("type", u.type);
    update.Set("installationBehavior", BehaviorToJs(env, u.installation));
    update.Set("uninstallationBehavior",
               u.uninstallation ? Napi::Value(BehaviorToJs(env, *u.uninstallation)) : env.Null());
    updates.Set(static_cast<uint32_t>(i), update);
  }
  result.Set("updates", updates);
  if (outcome.warnings) {
    Napi::Array warnings = Napi::Array::New(env, outcome.warnings->size());
    for (size_t i = 0; i < outcome.warnings->size(); ++i) {
      const Warning& w = (*outcome.warnings)[i];
      Napi::Object warning = Napi::Object::New(env);
      warning.Set("hresult", w.hresult);
      warning.Set("message", w.message);
      warning.Set("context", w.context);
      warnings.Set(static_cast<uint32_t>(i), warning);
    }
    result.Set("warnings", warnings);
  } else {
    result.Set("warnings", env.Null());
    result.Set("warningsHresult", outcome.warningsHresult);
  }
  return result;
}

// wuaSearch(session, criteria, { online?, serverSelection?, serviceId? }) → { promise, abort }
Napi::Value Search(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Session> session = SessionFromValue(info, 0);
  std::wstring criteria = Utf8ToWide(RequireString(info, 1, "criteria"));
  Napi::Object options = OptionsArg(info, 2);
  std::optional<bool> online = OptionalBool(options, "online");
  std::optional<uint32_t> serverSelection = OptionalUint32(options, "serverSelection");
  std::optional<std::string> serviceId = OptionalText(options, "serviceId");

  return Job::Start(env, "msi-lua:wuaSearch", env.Undefined(), [=](Job& job) -> ResultBuilder {
    ComPtr<IUpdateSession> updateSession = session->Get();
    ComPtr<IUpdateSearcher> searcher;
    CheckHResult("IUpdateSession::CreateUpdateSearcher", updateSession->CreateUpdateSearcher(searcher.put()));
    if (!searcher) ThrowHResult("IUpdateSession::CreateUpdateSearcher", E_POINTER);
    if (online)
      CheckHResult("IUpdateSearcher::put_Online", searcher->put_Online(*online ? VARIANT_TRUE : VARIANT_FALSE));
    if (serverSelection) {
      CheckHResult("IUpdateSearcher::put_ServerSelection",
                   searcher->put_ServerSelection(static_cast<ServerSelection>(*serverSelection)));
    }
    if (serviceId) {
      UniqueBstr id(Utf8ToWide(*serviceId));
      CheckHResult("IUpdateSearcher::put_ServiceID", searcher->put_ServiceID(id.get()));
    }

    auto completed = ComPtr<SearchCompleted>::Attach(new SearchCompleted(job.weak_from_this()));
    UniqueBstr criteriaBstr(criteria);
    UniqueVariant state;
    ComPtr<ISearchJob> searchJob;
    CheckHResult("IUpdateSearcher::BeginSearch",
                 searcher->BeginSearch(criteriaBstr.get(), completed.get(), *state.get(), searchJob.put()));
    if (!searchJob) ThrowHResult("IUpdateSearcher::BeginSearch", E_POINTER);

    job.WaitForCompletion([&] { return searchJob->RequestAbort(); },
                          [&] {
                            VARIANT_BOOL done = VARIANT_FALSE;
                            return SUCCEEDED(searchJob->get_IsCompleted(&done)) && done != VARIANT_FALSE;
                          });

    ComPtr<ISearchResult> result;
    HRESULT endHr = searcher->EndSearch(searchJob.get(), result.put());
    searchJob->CleanUp();
    CheckHResult("IUpdateSearcher::EndSearch", endHr);
    if (!result) ThrowHResult("IUpdateSearcher::EndSearch", E_POINTER);

    auto outcome = std::make_shared<SearchOutcome>();
    outcome->abortRequested = job.abortRequested();
    outcome->abortHresult = static_cast<uint32_t>(job.abortHResult());
    outcome->resultCode =
        static_cast<int32_t>(ReadValue("ISearchResult::get_ResultCode", result.get(), &ISearchResult::get_ResultCode));
    ComPtr<IUpdateCollection> updates =
        ReadObject("ISearchResult::get_Updates", result.get(), &ISearchResult::get_Updates);
    if (updates) {
      LONG count = ReadValue("IUpdateCollection::get_Count", updates.get(), &IUpdateCollection::get_Count);
      for (LONG i = 0; i < count; ++i) {
        ComPtr<IUpdate> update;
        CheckHResult("IUpdateCollection::get_Item", updates->get_Item(i, update.put()));
        if (!update) continue;
        UpdateFacts facts = ReadUpdate(update.get());
        session->Remember(Utf8ToWide(facts.id), update);
        outcome->updates.push_back(std::move(facts));
      }
    }
    ReadWarnings(result.get(), *outcome);
    return [outcome](Napi::Env env) { return SearchOutcomeToJs(env, *outcome); };
  });
}

}  // namespace

void RegisterSearch(Napi::Env env, Napi::Object exports) {
  exports.Set("wuaSearch", Napi::Function::New(env, Search, "wuaSearch"));
}

}  // namespace msilua::wua
