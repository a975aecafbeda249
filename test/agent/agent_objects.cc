// The scripted update agent's session, searcher and update objects: IUpdateSession,
// IUpdateSearcher (BeginSearch/EndSearch on a worker thread), ISearchJob, ISearchResult,
// IUpdateCollection, IUpdate, IUpdateIdentity, IInstallationBehavior, ICategory(Collection)
// and IStringCollection, all answering from the scenario.
#include <map>

#include <algorithm>

#include "agent.h"
#include "agent_worker.h"

namespace agent {
namespace {

// --- Small value objects -------------------------------------------------------------------

class StringCollection : public Object<IStringCollection> {
 public:
  explicit StringCollection(std::vector<std::string> values) : Object("StringCollection"), values_(std::move(values)) {}
  HRESULT STDMETHODCALLTYPE get_Item(LONG index, BSTR* out) override {
    if (index < 0 || static_cast<size_t>(index) >= values_.size()) return E_INVALIDARG;
    return ToBstr(values_[static_cast<size_t>(index)], out);
  }
  HRESULT STDMETHODCALLTYPE put_Item(LONG, BSTR) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Count(LONG* out) override { return ToValue<LONG>(static_cast<LONG>(values_.size()), out); }
  HRESULT STDMETHODCALLTYPE get_ReadOnly(VARIANT_BOOL* out) override { return ToBool(true, out); }
  HRESULT STDMETHODCALLTYPE Add(BSTR, LONG*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Clear() override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Copy(IStringCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE Insert(LONG, BSTR) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE RemoveAt(LONG) override { return E_NOTIMPL; }

 private:
  std::vector<std::string> values_;
};

std::vector<std::string> Strings(const Json& array) {
  std::vector<std::string> values;
  for (size_t i = 0; i < array.size(); ++i) values.push_back(array[i].asString());
  return values;
}

class UpdateIdentity : public Object<IUpdateIdentity> {
 public:
  UpdateIdentity(std::string id, LONG revision) : Object("UpdateIdentity"), id_(std::move(id)), revision_(revision) {}
  HRESULT STDMETHODCALLTYPE get_RevisionNumber(LONG* out) override { return ToValue(revision_, out); }
  HRESULT STDMETHODCALLTYPE get_UpdateID(BSTR* out) override { return ToBstr(id_, out); }

 private:
  std::string id_;
  LONG revision_;
};

class InstallationBehavior : public Object<IInstallationBehavior> {
 public:
  explicit InstallationBehavior(const Json& data) : Object("InstallationBehavior"), data_(data) {}
  HRESULT STDMETHODCALLTYPE get_CanRequestUserInput(VARIANT_BOOL* out) override {
    return ToBool(data_["canRequestUserInput"].asBool(), out);
  }
  HRESULT STDMETHODCALLTYPE get_Impact(InstallationImpact* out) override {
    return ToValue(static_cast<InstallationImpact>(data_["impact"].asInt(0)), out);
  }
  HRESULT STDMETHODCALLTYPE get_RebootBehavior(InstallationRebootBehavior* out) override {
    return ToValue(static_cast<InstallationRebootBehavior>(data_["rebootBehavior"].asInt(0)), out);
  }
  HRESULT STDMETHODCALLTYPE get_RequiresNetworkConnectivity(VARIANT_BOOL* out) override {
    return ToBool(data_["requiresNetworkConnectivity"].asBool(), out);
  }

 private:
  Json data_;
};

class Category : public Object<ICategory> {
 public:
  explicit Category(const Json& data) : Object("Category"), data_(data) {}
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) override { return ToBstr(data_["name"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_CategoryID(BSTR* out) override { return ToBstr(data_["id"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_Children(ICategoryCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Description(BSTR* out) override { return ToBstr(data_["description"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_Image(IImageInformation**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Order(LONG* out) override { return ToValue<LONG>(0, out); }
  HRESULT STDMETHODCALLTYPE get_Parent(ICategory**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Type(BSTR* out) override { return ToBstr(data_["type"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_Updates(IUpdateCollection**) override { return E_NOTIMPL; }

 private:
  Json data_;
};

class CategoryCollection : public Object<ICategoryCollection> {
 public:
  explicit CategoryCollection(const Json& array) : Object("CategoryCollection"), data_(array) {}
  HRESULT STDMETHODCALLTYPE get_Item(LONG index, ICategory** out) override {
    if (out == nullptr) return E_POINTER;
    if (index < 0 || static_cast<size_t>(index) >= data_.size()) return E_INVALIDARG;
    *out = new Category(data_[static_cast<size_t>(index)]);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Count(LONG* out) override { return ToValue<LONG>(static_cast<LONG>(data_.size()), out); }

 private:
  Json data_;
};

// --- Updates -------------------------------------------------------------------------------

class Update;
std::mutex g_updatesMutex;
std::map<IUpdate*, Update*> g_updates;

DECIMAL ToDecimal(double value) {
  DECIMAL decimal{};
  ::VarDecFromR8(value, &decimal);
  return decimal;
}

class Update : public Object<IUpdate> {
 public:
  Update(const Json& data, std::shared_ptr<const Scenario> scenario)
      : Object("Update"), data_(data), id_(data["id"].asString()), scenario_(std::move(scenario)) {
    {
      std::lock_guard<std::mutex> lock(scenario_->stateMutex);
      if (scenario_->status.count(id_) == 0) {
        UpdateStatus initial;
        initial.downloaded = data["isDownloaded"].asBool(false);
        initial.installed = data["isInstalled"].asBool(false);
        initial.eulaAccepted = data["eulaAccepted"].asBool(true);
        initial.hidden = data["isHidden"].asBool(false);
        scenario_->status[id_] = initial;
      }
    }
    std::lock_guard<std::mutex> lock(g_updatesMutex);
    g_updates[this] = this;
  }

  const Json& data() const { return data_; }
  UpdateStatus status() const {
    std::lock_guard<std::mutex> lock(scenario_->stateMutex);
    return scenario_->status[id_];
  }
  template <typename Change>
  void change(Change&& apply) {
    std::lock_guard<std::mutex> lock(scenario_->stateMutex);
    apply(scenario_->status[id_]);
  }
  void setDownloaded(bool value) {
    change([&](UpdateStatus& s) { s.downloaded = value; });
  }
  void setInstalled(bool value) {
    change([&](UpdateStatus& s) { s.installed = value; });
  }

  HRESULT STDMETHODCALLTYPE get_Title(BSTR* out) override { return ToBstr(data_["title"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_AutoSelectOnWebSites(VARIANT_BOOL* out) override { return ToBool(false, out); }
  HRESULT STDMETHODCALLTYPE get_BundledUpdates(IUpdateCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_CanRequireSource(VARIANT_BOOL* out) override { return ToBool(false, out); }
  HRESULT STDMETHODCALLTYPE get_Categories(ICategoryCollection** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new CategoryCollection(data_["categories"]);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Deadline(VARIANT*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_DeltaCompressedContentAvailable(VARIANT_BOOL* out) override { return ToBool(false, out); }
  HRESULT STDMETHODCALLTYPE get_DeltaCompressedContentPreferred(VARIANT_BOOL* out) override { return ToBool(false, out); }
  HRESULT STDMETHODCALLTYPE get_Description(BSTR* out) override { return ToBstr(data_["description"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_EulaAccepted(VARIANT_BOOL* out) override { return ToBool(status().eulaAccepted, out); }
  HRESULT STDMETHODCALLTYPE get_EulaText(BSTR* out) override { return ToBstr(data_["eulaText"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_HandlerID(BSTR* out) override { return ToBstr("", out); }
  HRESULT STDMETHODCALLTYPE get_Identity(IUpdateIdentity** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new UpdateIdentity(data_["id"].asString(), static_cast<LONG>(data_["revision"].asInt(1)));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Image(IImageInformation**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_InstallationBehavior(IInstallationBehavior** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new InstallationBehavior(data_["installationBehavior"]);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_IsBeta(VARIANT_BOOL* out) override { return ToBool(data_["isBeta"].asBool(), out); }
  HRESULT STDMETHODCALLTYPE get_IsDownloaded(VARIANT_BOOL* out) override { return ToBool(status().downloaded, out); }
  HRESULT STDMETHODCALLTYPE get_IsHidden(VARIANT_BOOL* out) override { return ToBool(status().hidden, out); }
  HRESULT STDMETHODCALLTYPE put_IsHidden(VARIANT_BOOL value) override {
    HRESULT hr = data_["hideHresult"].type() == Json::Type::Number
                     ? static_cast<HRESULT>(static_cast<uint32_t>(data_["hideHresult"].asInt()))
                     : S_OK;
    Record("put_IsHidden", "\"update\":" + Quote(id_) + ",\"value\":" + (value != VARIANT_FALSE ? "true" : "false") +
                               ",\"hresult\":" + std::to_string(static_cast<uint32_t>(hr)));
    if (FAILED(hr)) return hr;
    std::lock_guard<std::mutex> lock(scenario_->stateMutex);
    scenario_->status[id_].hidden = value != VARIANT_FALSE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_IsInstalled(VARIANT_BOOL* out) override { return ToBool(status().installed, out); }
  HRESULT STDMETHODCALLTYPE get_IsMandatory(VARIANT_BOOL* out) override { return ToBool(data_["isMandatory"].asBool(), out); }
  HRESULT STDMETHODCALLTYPE get_IsUninstallable(VARIANT_BOOL* out) override {
    return ToBool(data_["isUninstallable"].asBool(), out);
  }
  HRESULT STDMETHODCALLTYPE get_Languages(IStringCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_LastDeploymentChangeTime(DATE*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_MaxDownloadSize(DECIMAL* out) override {
    return ToValue(ToDecimal(data_["maxDownloadSize"].asNumber()), out);
  }
  HRESULT STDMETHODCALLTYPE get_MinDownloadSize(DECIMAL* out) override {
    return ToValue(ToDecimal(data_["minDownloadSize"].asNumber()), out);
  }
  HRESULT STDMETHODCALLTYPE get_MoreInfoUrls(IStringCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_MsrcSeverity(BSTR* out) override { return ToBstr(data_["msrcSeverity"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_RecommendedCpuSpeed(LONG* out) override { return ToValue<LONG>(0, out); }
  HRESULT STDMETHODCALLTYPE get_RecommendedHardDiskSpace(LONG* out) override { return ToValue<LONG>(0, out); }
  HRESULT STDMETHODCALLTYPE get_RecommendedMemory(LONG* out) override { return ToValue<LONG>(0, out); }
  HRESULT STDMETHODCALLTYPE get_ReleaseNotes(BSTR* out) override { return ToBstr("", out); }
  HRESULT STDMETHODCALLTYPE get_SecurityBulletinIDs(IStringCollection** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new StringCollection(Strings(data_["securityBulletinIds"]));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_SupersededUpdateIDs(IStringCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_SupportUrl(BSTR* out) override { return ToBstr(data_["supportUrl"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_Type(UpdateType* out) override {
    return ToValue(static_cast<UpdateType>(data_["type"].asInt(1)), out);
  }
  HRESULT STDMETHODCALLTYPE get_UninstallationNotes(BSTR* out) override { return ToBstr("", out); }
  HRESULT STDMETHODCALLTYPE get_UninstallationBehavior(IInstallationBehavior** out) override {
    if (out == nullptr) return E_POINTER;
    *out = data_.has("uninstallationBehavior") ? new InstallationBehavior(data_["uninstallationBehavior"]) : nullptr;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_UninstallationSteps(IStringCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_KBArticleIDs(IStringCollection** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new StringCollection(Strings(data_["kbArticleIds"]));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE AcceptEula() override {
    change([](UpdateStatus& s) { s.eulaAccepted = true; });
    Record("AcceptEula", "\"update\":" + Quote(data_["id"].asString()));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_DeploymentAction(DeploymentAction* out) override { return ToValue(daInstallation, out); }
  HRESULT STDMETHODCALLTYPE CopyFromCache(BSTR, VARIANT_BOOL) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_DownloadPriority(DownloadPriority* out) override { return ToValue(dpNormal, out); }
  HRESULT STDMETHODCALLTYPE get_DownloadContents(IUpdateDownloadContentCollection**) override { return E_NOTIMPL; }

 protected:
  ~Update() override {
    std::lock_guard<std::mutex> lock(g_updatesMutex);
    g_updates.erase(this);
  }

 private:
  Json data_;
  std::string id_;
  std::shared_ptr<const Scenario> scenario_;
};

class UpdateCollection : public Object<IUpdateCollection> {
 public:
  explicit UpdateCollection(bool readOnly = false) : Object("UpdateCollection"), readOnly_(readOnly) {}
  void Push(IUpdate* update) { items_.push_back(Ref<IUpdate>(update, true)); }

  HRESULT STDMETHODCALLTYPE get_Item(LONG index, IUpdate** out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (index < 0 || static_cast<size_t>(index) >= items_.size()) return E_INVALIDARG;
    return ToObject(items_[static_cast<size_t>(index)].get(), out);
  }
  HRESULT STDMETHODCALLTYPE put_Item(LONG index, IUpdate* value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (readOnly_) return E_ACCESSDENIED;
    if (index < 0 || static_cast<size_t>(index) >= items_.size() || value == nullptr) return E_INVALIDARG;
    items_[static_cast<size_t>(index)] = Ref<IUpdate>(value, true);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Count(LONG* out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return ToValue<LONG>(static_cast<LONG>(items_.size()), out);
  }
  HRESULT STDMETHODCALLTYPE get_ReadOnly(VARIANT_BOOL* out) override { return ToBool(readOnly_, out); }
  HRESULT STDMETHODCALLTYPE Add(IUpdate* value, LONG* index) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (readOnly_) return E_ACCESSDENIED;
    if (value == nullptr) return E_INVALIDARG;
    items_.push_back(Ref<IUpdate>(value, true));
    if (index) *index = static_cast<LONG>(items_.size() - 1);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Clear() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (readOnly_) return E_ACCESSDENIED;
    items_.clear();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Copy(IUpdateCollection** out) override {
    if (out == nullptr) return E_POINTER;
    std::lock_guard<std::mutex> lock(mutex_);
    auto* copy = new UpdateCollection(false);
    for (const auto& item : items_) copy->Push(item.get());
    *out = copy;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Insert(LONG index, IUpdate* value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (readOnly_) return E_ACCESSDENIED;
    if (index < 0 || static_cast<size_t>(index) > items_.size() || value == nullptr) return E_INVALIDARG;
    items_.insert(items_.begin() + index, Ref<IUpdate>(value, true));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE RemoveAt(LONG index) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (readOnly_) return E_ACCESSDENIED;
    if (index < 0 || static_cast<size_t>(index) >= items_.size()) return E_INVALIDARG;
    items_.erase(items_.begin() + index);
    return S_OK;
  }

 private:
  bool readOnly_;
  std::mutex mutex_;
  std::vector<Ref<IUpdate>> items_;
};

// --- Search --------------------------------------------------------------------------------

class SearchCompletedArgs : public Object<ISearchCompletedCallbackArgs> {
 public:
  SearchCompletedArgs() : Object("SearchCompletedCallbackArgs") {}
};

// One of ISearchResult::Warnings, from the scenario's search.warnings[i].
class UpdateException : public Object<IUpdateException> {
 public:
  explicit UpdateException(const Json& data)
      : Object("UpdateException"),
        message_(data["message"].asString()),
        hresult_(static_cast<LONG>(static_cast<uint32_t>(data["hresult"].asInt(0)))),
        context_(static_cast<UpdateExceptionContext>(data["context"].asInt(1))) {}
  HRESULT STDMETHODCALLTYPE get_Message(BSTR* out) override { return ToBstr(message_, out); }
  HRESULT STDMETHODCALLTYPE get_HResult(LONG* out) override { return ToValue(hresult_, out); }
  HRESULT STDMETHODCALLTYPE get_Context(UpdateExceptionContext* out) override { return ToValue(context_, out); }

 private:
  std::string message_;
  LONG hresult_;
  UpdateExceptionContext context_;
};

class UpdateExceptionCollection : public Object<IUpdateExceptionCollection> {
 public:
  explicit UpdateExceptionCollection(const Json& list) : Object("UpdateExceptionCollection") {
    for (size_t i = 0; i < list.size(); ++i) items_.push_back(Adopt(new UpdateException(list[i])));
  }
  HRESULT STDMETHODCALLTYPE get_Item(LONG index, IUpdateException** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    if (index < 0 || static_cast<size_t>(index) >= items_.size()) return E_INVALIDARG;
    *out = items_[static_cast<size_t>(index)].detach_copy();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Count(LONG* out) override { return ToValue<LONG>(static_cast<LONG>(items_.size()), out); }

 private:
  std::vector<Ref<UpdateException>> items_;
};

// Warnings come from search.warnings (none by default, as from a clean search);
// search.warningsHresult makes get_Warnings fail.
class SearchResult : public Object<ISearchResult> {
 public:
  SearchResult(OperationResultCode code, Ref<IUpdateCollection> updates, const Json& section)
      : Object("SearchResult"),
        code_(code),
        updates_(std::move(updates)),
        warnings_(Adopt(new UpdateExceptionCollection(section["warnings"]))),
        warningsHresult_(static_cast<HRESULT>(static_cast<uint32_t>(section["warningsHresult"].asInt(0)))) {}
  HRESULT STDMETHODCALLTYPE get_ResultCode(OperationResultCode* out) override { return ToValue(code_, out); }
  HRESULT STDMETHODCALLTYPE get_RootCategories(ICategoryCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Updates(IUpdateCollection** out) override { return ToObject(updates_.get(), out); }
  HRESULT STDMETHODCALLTYPE get_Warnings(IUpdateExceptionCollection** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    if (FAILED(warningsHresult_)) return warningsHresult_;
    return ToObject<IUpdateExceptionCollection>(warnings_.get(), out);
  }

 private:
  OperationResultCode code_;
  Ref<IUpdateCollection> updates_;
  Ref<UpdateExceptionCollection> warnings_;
  HRESULT warningsHresult_;
};

class SearchJob : public Object<ISearchJob> {
 public:
  SearchJob(const Json& section, IUnknown* onCompleted, const VARIANT& state)
      : Object("SearchJob"), section_(section), abort_(::CreateEventW(nullptr, TRUE, FALSE, nullptr)) {
    if (onCompleted) onCompleted->QueryInterface(__uuidof(ISearchCompletedCallback), reinterpret_cast<void**>(&completed_));
    ::VariantInit(&state_);
    ::VariantCopy(&state_, const_cast<VARIANT*>(&state));
  }

  void Start() {
    Ref<SearchJob> self(this, true);
    StartWorker([self] { self->Run(); });
  }

  bool aborted() const { return aborted_.load(); }
  const Json& section() const { return section_; }

  HRESULT STDMETHODCALLTYPE get_AsyncState(VARIANT* out) override {
    if (out == nullptr) return E_POINTER;
    ::VariantInit(out);
    return ::VariantCopy(out, &state_);
  }
  HRESULT STDMETHODCALLTYPE get_IsCompleted(VARIANT_BOOL* out) override { return ToBool(completedFlag_.load(), out); }
  HRESULT STDMETHODCALLTYPE CleanUp() override {
    Record("CleanUp", "\"job\":\"search\"");
    ReleaseCallback();
    return S_OK;
  }
  // search.requestAbortHresult makes RequestAbort fail; search.ignoreAbort runs the search to its end.
  HRESULT STDMETHODCALLTYPE RequestAbort() override {
    Record("RequestAbort", "\"job\":\"search\"");
    HRESULT hr = static_cast<HRESULT>(static_cast<uint32_t>(section_["requestAbortHresult"].asInt(0)));
    if (FAILED(hr)) return hr;
    if (section_["ignoreAbort"].asBool()) return S_OK;
    aborted_ = true;
    ::SetEvent(abort_);
    return S_OK;
  }

 protected:
  ~SearchJob() override {
    ReleaseCallback();
    ::VariantClear(&state_);
    ::CloseHandle(abort_);
  }

 private:
  void ReleaseCallback() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (completed_) {
      completed_->Release();
      completed_ = nullptr;
    }
  }

  void Run() {
    DWORD delay = static_cast<DWORD>(section_["delayMs"].asInt(0));
    if (delay > 0) ::WaitForSingleObject(abort_, delay);
    completedFlag_ = true;
    ISearchCompletedCallback* callback = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      callback = completed_;
      if (callback) callback->AddRef();
    }
    if (callback) {
      auto args = Adopt(new SearchCompletedArgs());
      callback->Invoke(this, args.get());
      callback->Release();
    }
  }

  Json section_;
  HANDLE abort_;
  std::mutex mutex_;
  ISearchCompletedCallback* completed_ = nullptr;
  VARIANT state_;
  std::atomic<bool> aborted_{false};
  std::atomic<bool> completedFlag_{false};
};

// --- History ---------------------------------------------------------------------------------

class HistoryIdentity : public Object<IUpdateIdentity> {
 public:
  HistoryIdentity(std::string id, LONG revision) : Object("UpdateIdentity"), id_(std::move(id)), revision_(revision) {}
  HRESULT STDMETHODCALLTYPE get_RevisionNumber(LONG* out) override { return ToValue(revision_, out); }
  HRESULT STDMETHODCALLTYPE get_UpdateID(BSTR* out) override { return ToBstr(id_, out); }

 private:
  std::string id_;
  LONG revision_;
};

class HistoryEntry : public Object<IUpdateHistoryEntry2> {
 public:
  explicit HistoryEntry(const Json& data) : Object("UpdateHistoryEntry"), data_(data) {}
  HRESULT STDMETHODCALLTYPE get_Operation(UpdateOperation* out) override {
    return ToValue(static_cast<UpdateOperation>(data_["operation"].asInt(1)), out);
  }
  HRESULT STDMETHODCALLTYPE get_ResultCode(OperationResultCode* out) override {
    return ToValue(static_cast<OperationResultCode>(data_["resultCode"].asInt(2)), out);
  }
  HRESULT STDMETHODCALLTYPE get_HResult(LONG* out) override {
    return ToValue(static_cast<LONG>(static_cast<uint32_t>(data_["hresult"].asInt(0))), out);
  }
  HRESULT STDMETHODCALLTYPE get_Date(DATE* out) override { return ToValue<DATE>(data_["date"].asNumber(0), out); }
  HRESULT STDMETHODCALLTYPE get_UpdateIdentity(IUpdateIdentity** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new HistoryIdentity(data_["updateId"].asString(), static_cast<LONG>(data_["revision"].asInt(1)));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Title(BSTR* out) override { return ToBstr(data_["title"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_Description(BSTR* out) override { return ToBstr(data_["description"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_UnmappedResultCode(LONG* out) override {
    return ToValue(static_cast<LONG>(static_cast<uint32_t>(data_["unmappedResultCode"].asInt(0))), out);
  }
  HRESULT STDMETHODCALLTYPE get_ClientApplicationID(BSTR* out) override { return ToBstr(data_["clientApplicationId"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_ServerSelection(ServerSelection* out) override {
    return ToValue(static_cast<ServerSelection>(data_["serverSelection"].asInt(0)), out);
  }
  HRESULT STDMETHODCALLTYPE get_ServiceID(BSTR* out) override { return ToBstr(data_["serviceId"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_UninstallationSteps(IStringCollection**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_UninstallationNotes(BSTR* out) override { return ToBstr("", out); }
  HRESULT STDMETHODCALLTYPE get_SupportUrl(BSTR* out) override { return ToBstr(data_["supportUrl"].asString(), out); }
  HRESULT STDMETHODCALLTYPE get_Categories(ICategoryCollection** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new CategoryCollection(data_["categories"]);
    return S_OK;
  }

 protected:
  // "categories": null plays an agent older than IUpdateHistoryEntry2.
  bool Supports(REFIID riid) override {
    if (IsEqualIID(riid, __uuidof(IUpdateHistoryEntry))) return true;
    return false;
  }

 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** out) override {
    if (out != nullptr && IsEqualIID(riid, __uuidof(IUpdateHistoryEntry2)) && data_["categories"].type() == Json::Type::Null) {
      *out = nullptr;
      return E_NOINTERFACE;
    }
    return Object<IUpdateHistoryEntry2>::QueryInterface(riid, out);
  }

 private:
  Json data_;
};

class HistoryCollection : public Object<IUpdateHistoryEntryCollection> {
 public:
  HistoryCollection(std::shared_ptr<const Scenario> scenario, LONG start, LONG count)
      : Object("UpdateHistoryEntryCollection"), scenario_(std::move(scenario)), start_(start), count_(count) {}
  HRESULT STDMETHODCALLTYPE get_Item(LONG index, IUpdateHistoryEntry** out) override {
    if (out == nullptr) return E_POINTER;
    if (index < 0 || index >= count_) return E_INVALIDARG;
    *out = new HistoryEntry(scenario_->section("history")[static_cast<size_t>(start_ + index)]);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Count(LONG* out) override { return ToValue(count_, out); }

 private:
  std::shared_ptr<const Scenario> scenario_;
  LONG start_;
  LONG count_;
};

class UpdateSearcher : public Object<IUpdateSearcher> {
 public:
  explicit UpdateSearcher(std::shared_ptr<const Scenario> scenario) : Object("UpdateSearcher"), scenario_(std::move(scenario)) {}

  HRESULT STDMETHODCALLTYPE get_CanAutomaticallyUpgradeService(VARIANT_BOOL* out) override { return ToBool(false, out); }
  HRESULT STDMETHODCALLTYPE put_CanAutomaticallyUpgradeService(VARIANT_BOOL) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_ClientApplicationID(BSTR* out) override { return ToBstr(clientId_, out); }
  HRESULT STDMETHODCALLTYPE put_ClientApplicationID(BSTR value) override {
    clientId_ = Utf8(value);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_IncludePotentiallySupersededUpdates(VARIANT_BOOL* out) override { return ToBool(false, out); }
  HRESULT STDMETHODCALLTYPE put_IncludePotentiallySupersededUpdates(VARIANT_BOOL) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_ServerSelection(ServerSelection* out) override { return ToValue(serverSelection_, out); }
  HRESULT STDMETHODCALLTYPE put_ServerSelection(ServerSelection value) override {
    serverSelection_ = value;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE BeginSearch(BSTR criteria, IUnknown* onCompleted, VARIANT state, ISearchJob** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    const Json& section = scenario_->section("search");
    Record("BeginSearch", "\"criteria\":" + Quote(Utf8(criteria)) + ",\"online\":" + (online_ ? "true" : "false") +
                              ",\"onlineSet\":" + (onlineSet_ ? "true" : "false") +
                              ",\"serverSelection\":" + std::to_string(static_cast<int>(serverSelection_)) +
                              ",\"serviceId\":" + Quote(serviceId_));
    HRESULT begin = static_cast<HRESULT>(static_cast<uint32_t>(section["beginHresult"].asInt(0)));
    if (FAILED(begin)) return begin;
    auto* job = new SearchJob(section, onCompleted, state);
    job->Start();
    *out = job;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE EndSearch(ISearchJob* searchJob, ISearchResult** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    if (searchJob == nullptr) return E_INVALIDARG;
    auto* job = static_cast<SearchJob*>(searchJob);
    const Json& section = job->section();
    HRESULT end = static_cast<HRESULT>(static_cast<uint32_t>(section["endHresult"].asInt(0)));
    Record("EndSearch", "\"hresult\":" + std::to_string(static_cast<uint32_t>(end)));
    if (FAILED(end)) return end;
    auto updates = Adopt(new UpdateCollection(true));
    if (!job->aborted()) {
      const Json& list = scenario_->updates();
      for (size_t i = 0; i < list.size(); ++i) {
        auto update = Adopt(new Update(list[i], scenario_));
        updates->Push(update.get());
      }
    }
    OperationResultCode code = job->aborted() ? orcAborted : static_cast<OperationResultCode>(section["resultCode"].asInt(orcSucceeded));
    *out = new SearchResult(code, Ref<IUpdateCollection>(updates.get(), true), section);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE EscapeString(BSTR, BSTR*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE QueryHistory(LONG start, LONG count, IUpdateHistoryEntryCollection** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    Record("QueryHistory", "\"start\":" + std::to_string(start) + ",\"count\":" + std::to_string(count));
    HRESULT hr = HistoryHResult();
    if (FAILED(hr)) return hr;
    LONG total = static_cast<LONG>(scenario_->section("history").size());
    if (start < 0 || count < 0 || start > total) return E_INVALIDARG;
    *out = NewHistory(scenario_, start, std::min(count, total - start));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Search(BSTR, ISearchResult**) override {
    Record("Search");  // msi-lua must use BeginSearch
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE get_Online(VARIANT_BOOL* out) override { return ToBool(online_, out); }
  HRESULT STDMETHODCALLTYPE put_Online(VARIANT_BOOL value) override {
    online_ = value != VARIANT_FALSE;
    onlineSet_ = true;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetTotalHistoryCount(LONG* out) override {
    if (out == nullptr) return E_POINTER;
    HRESULT hr = HistoryHResult();
    if (FAILED(hr)) return hr;
    *out = static_cast<LONG>(scenario_->section("history").size());
    return S_OK;
  }
  HRESULT HistoryHResult() const {
    const Json& hr = scenario_->section("historyHresult");
    return hr.type() == Json::Type::Number ? static_cast<HRESULT>(static_cast<uint32_t>(hr.asInt())) : S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_ServiceID(BSTR* out) override { return ToBstr(serviceId_, out); }
  HRESULT STDMETHODCALLTYPE put_ServiceID(BSTR value) override {
    serviceId_ = Utf8(value);
    return S_OK;
  }

 private:
  std::shared_ptr<const Scenario> scenario_;
  std::string clientId_;
  std::string serviceId_;
  ServerSelection serverSelection_ = ssDefault;
  bool online_ = true;
  bool onlineSet_ = false;
};

class UpdateSession : public Object<IUpdateSession> {
 public:
  explicit UpdateSession(std::shared_ptr<const Scenario> scenario) : Object("UpdateSession"), scenario_(std::move(scenario)) {}
  HRESULT STDMETHODCALLTYPE get_ClientApplicationID(BSTR* out) override { return ToBstr(clientId_, out); }
  HRESULT STDMETHODCALLTYPE put_ClientApplicationID(BSTR value) override {
    clientId_ = Utf8(value);
    Record("put_ClientApplicationID", "\"value\":" + Quote(clientId_));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_ReadOnly(VARIANT_BOOL* out) override { return ToBool(false, out); }
  HRESULT STDMETHODCALLTYPE get_WebProxy(IWebProxy**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE put_WebProxy(IWebProxy*) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE CreateUpdateSearcher(IUpdateSearcher** out) override {
    if (out == nullptr) return E_POINTER;
    *out = NewSearcher(scenario_);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CreateUpdateDownloader(IUpdateDownloader** out) override {
    if (out == nullptr) return E_POINTER;
    *out = NewDownloader(scenario_);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CreateUpdateInstaller(IUpdateInstaller** out) override {
    if (out == nullptr) return E_POINTER;
    *out = NewInstaller(scenario_);
    return S_OK;
  }

 private:
  std::shared_ptr<const Scenario> scenario_;
  std::string clientId_;
};

Update* FindUpdate(IUpdate* update) {
  std::lock_guard<std::mutex> lock(g_updatesMutex);
  auto it = g_updates.find(update);
  return it == g_updates.end() ? nullptr : it->second;
}

}  // namespace

IUpdateSession* NewUpdateSession(std::shared_ptr<const Scenario> scenario) { return new UpdateSession(std::move(scenario)); }
IUpdateCollection* NewUpdateCollection() { return new UpdateCollection(false); }
IUpdateSearcher* NewSearcher(std::shared_ptr<const Scenario> scenario) { return new UpdateSearcher(std::move(scenario)); }
IUpdateHistoryEntryCollection* NewHistory(std::shared_ptr<const Scenario> scenario, LONG start, LONG count) {
  return new HistoryCollection(std::move(scenario), start, count);
}

std::string UpdateIdOf(IUpdate* update) {
  Update* ours = FindUpdate(update);
  return ours ? ours->data()["id"].asString() : std::string();
}

const Json* UpdateScenarioOf(IUpdate* update) {
  Update* ours = FindUpdate(update);
  return ours ? &ours->data() : nullptr;
}

void SetUpdateDownloaded(IUpdate* update, bool value) {
  if (Update* ours = FindUpdate(update)) ours->setDownloaded(value);
}

void SetUpdateInstalled(IUpdate* update, bool value) {
  if (Update* ours = FindUpdate(update)) ours->setInstalled(value);
}

}  // namespace agent
