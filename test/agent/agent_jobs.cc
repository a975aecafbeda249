// The scripted update agent's downloader and installer: BeginDownload / BeginInstall /
// BeginUninstall run the scenario's progress steps on a worker thread, call the caller's
// progress and completed callbacks, honour RequestAbort, and End* return the results.
#include <algorithm>

#include "agent.h"
#include "agent_worker.h"

namespace agent {
namespace {

enum class Op { Download, Install, Uninstall };

const char* OpName(Op op) {
  switch (op) {
    case Op::Download: return "download";
    case Op::Install: return "install";
    case Op::Uninstall: return "uninstall";
  }
  return "?";
}

// Installs and uninstalls are serialised process-wide, like the real agent's.
std::atomic<int> g_installsRunning{0};

HRESULT HResultOf(const Json& value, HRESULT fallback = S_OK) {
  if (value.type() != Json::Type::Number) return fallback;
  return static_cast<HRESULT>(static_cast<uint32_t>(static_cast<long long>(value.asNumber())));
}

struct UpdateState {
  OperationResultCode resultCode = orcNotStarted;
  HRESULT hresult = S_OK;
  bool rebootRequired = false;
};

struct Snapshot {
  LONG currentIndex = 0;
  LONG currentPercent = 0;
  LONG percent = 0;
  DownloadPhase phase = kPhaseInitializing;
  double currentBytes = 0;
  double currentBytesTotal = 0;
  double totalBytes = 0;
  double totalBytesTotal = 0;
  std::vector<UpdateState> results;
};

// --- Results and progress snapshots -------------------------------------------------------

class UpdateInstallationResult : public Object<IUpdateInstallationResult> {
 public:
  explicit UpdateInstallationResult(UpdateState state) : Object("UpdateInstallationResult"), state_(state) {}
  HRESULT STDMETHODCALLTYPE get_HResult(LONG* out) override { return ToValue<LONG>(state_.hresult, out); }
  HRESULT STDMETHODCALLTYPE get_RebootRequired(VARIANT_BOOL* out) override { return ToBool(state_.rebootRequired, out); }
  HRESULT STDMETHODCALLTYPE get_ResultCode(OperationResultCode* out) override { return ToValue(state_.resultCode, out); }

 private:
  UpdateState state_;
};

class UpdateDownloadResult : public Object<IUpdateDownloadResult> {
 public:
  explicit UpdateDownloadResult(UpdateState state) : Object("UpdateDownloadResult"), state_(state) {}
  HRESULT STDMETHODCALLTYPE get_HResult(LONG* out) override { return ToValue<LONG>(state_.hresult, out); }
  HRESULT STDMETHODCALLTYPE get_ResultCode(OperationResultCode* out) override { return ToValue(state_.resultCode, out); }

 private:
  UpdateState state_;
};

class InstallationProgress : public Object<IInstallationProgress> {
 public:
  explicit InstallationProgress(Snapshot snapshot) : Object("InstallationProgress"), s_(std::move(snapshot)) {}
  HRESULT STDMETHODCALLTYPE get_CurrentUpdateIndex(LONG* out) override { return ToValue(s_.currentIndex, out); }
  HRESULT STDMETHODCALLTYPE get_CurrentUpdatePercentComplete(LONG* out) override { return ToValue(s_.currentPercent, out); }
  HRESULT STDMETHODCALLTYPE get_PercentComplete(LONG* out) override { return ToValue(s_.percent, out); }
  HRESULT STDMETHODCALLTYPE GetUpdateResult(LONG index, IUpdateInstallationResult** out) override {
    if (out == nullptr) return E_POINTER;
    if (index < 0 || static_cast<size_t>(index) >= s_.results.size()) return E_INVALIDARG;
    *out = new UpdateInstallationResult(s_.results[static_cast<size_t>(index)]);
    return S_OK;
  }

 private:
  Snapshot s_;
};

DECIMAL ToDecimal(double value) {
  DECIMAL decimal{};
  ::VarDecFromR8(value, &decimal);
  return decimal;
}

class DownloadProgress : public Object<IDownloadProgress> {
 public:
  explicit DownloadProgress(Snapshot snapshot) : Object("DownloadProgress"), s_(std::move(snapshot)) {}
  HRESULT STDMETHODCALLTYPE get_CurrentUpdateBytesDownloaded(DECIMAL* out) override { return ToValue(ToDecimal(s_.currentBytes), out); }
  HRESULT STDMETHODCALLTYPE get_CurrentUpdateBytesToDownload(DECIMAL* out) override {
    return ToValue(ToDecimal(s_.currentBytesTotal), out);
  }
  HRESULT STDMETHODCALLTYPE get_CurrentUpdateIndex(LONG* out) override { return ToValue(s_.currentIndex, out); }
  HRESULT STDMETHODCALLTYPE get_PercentComplete(LONG* out) override { return ToValue(s_.percent, out); }
  HRESULT STDMETHODCALLTYPE get_TotalBytesDownloaded(DECIMAL* out) override { return ToValue(ToDecimal(s_.totalBytes), out); }
  HRESULT STDMETHODCALLTYPE get_TotalBytesToDownload(DECIMAL* out) override { return ToValue(ToDecimal(s_.totalBytesTotal), out); }
  HRESULT STDMETHODCALLTYPE GetUpdateResult(LONG index, IUpdateDownloadResult** out) override {
    if (out == nullptr) return E_POINTER;
    if (index < 0 || static_cast<size_t>(index) >= s_.results.size()) return E_INVALIDARG;
    *out = new UpdateDownloadResult(s_.results[static_cast<size_t>(index)]);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_CurrentUpdateDownloadPhase(DownloadPhase* out) override { return ToValue(s_.phase, out); }
  HRESULT STDMETHODCALLTYPE get_CurrentUpdatePercentComplete(LONG* out) override { return ToValue(s_.currentPercent, out); }

 private:
  Snapshot s_;
};

class InstallationResult : public Object<IInstallationResult> {
 public:
  InstallationResult(OperationResultCode code, HRESULT hr, bool reboot, std::vector<UpdateState> results)
      : Object("InstallationResult"), code_(code), hr_(hr), reboot_(reboot), results_(std::move(results)) {}
  HRESULT STDMETHODCALLTYPE get_HResult(LONG* out) override { return ToValue<LONG>(hr_, out); }
  HRESULT STDMETHODCALLTYPE get_RebootRequired(VARIANT_BOOL* out) override { return ToBool(reboot_, out); }
  HRESULT STDMETHODCALLTYPE get_ResultCode(OperationResultCode* out) override { return ToValue(code_, out); }
  HRESULT STDMETHODCALLTYPE GetUpdateResult(LONG index, IUpdateInstallationResult** out) override {
    if (out == nullptr) return E_POINTER;
    if (index < 0 || static_cast<size_t>(index) >= results_.size()) return E_INVALIDARG;
    *out = new UpdateInstallationResult(results_[static_cast<size_t>(index)]);
    return S_OK;
  }

 private:
  OperationResultCode code_;
  HRESULT hr_;
  bool reboot_;
  std::vector<UpdateState> results_;
};

class DownloadResult : public Object<IDownloadResult> {
 public:
  DownloadResult(OperationResultCode code, HRESULT hr, std::vector<UpdateState> results)
      : Object("DownloadResult"), code_(code), hr_(hr), results_(std::move(results)) {}
  HRESULT STDMETHODCALLTYPE get_HResult(LONG* out) override { return ToValue<LONG>(hr_, out); }
  HRESULT STDMETHODCALLTYPE get_ResultCode(OperationResultCode* out) override { return ToValue(code_, out); }
  HRESULT STDMETHODCALLTYPE GetUpdateResult(LONG index, IUpdateDownloadResult** out) override {
    if (out == nullptr) return E_POINTER;
    if (index < 0 || static_cast<size_t>(index) >= results_.size()) return E_INVALIDARG;
    *out = new UpdateDownloadResult(results_[static_cast<size_t>(index)]);
    return S_OK;
  }

 private:
  OperationResultCode code_;
  HRESULT hr_;
  std::vector<UpdateState> results_;
};

// --- Callback arguments -------------------------------------------------------------------

class InstallProgressArgs : public Object<IInstallationProgressChangedCallbackArgs> {
 public:
  explicit InstallProgressArgs(Snapshot s) : Object("InstallationProgressChangedCallbackArgs"), s_(std::move(s)) {}
  HRESULT STDMETHODCALLTYPE get_Progress(IInstallationProgress** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new InstallationProgress(s_);
    return S_OK;
  }

 private:
  Snapshot s_;
};

class InstallCompletedArgs : public Object<IInstallationCompletedCallbackArgs> {
 public:
  InstallCompletedArgs() : Object("InstallationCompletedCallbackArgs") {}
};

class DownloadProgressArgs : public Object<IDownloadProgressChangedCallbackArgs> {
 public:
  explicit DownloadProgressArgs(Snapshot s) : Object("DownloadProgressChangedCallbackArgs"), s_(std::move(s)) {}
  HRESULT STDMETHODCALLTYPE get_Progress(IDownloadProgress** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new DownloadProgress(s_);
    return S_OK;
  }

 private:
  Snapshot s_;
};

class DownloadCompletedArgs : public Object<IDownloadCompletedCallbackArgs> {
 public:
  DownloadCompletedArgs() : Object("DownloadCompletedCallbackArgs") {}
};

// --- The operation shared by a job and its worker -----------------------------------------

class Operation {
 public:
  Operation(Op op, const Json& section, std::vector<Ref<IUpdate>> updates)
      : op_(op), section_(section), updates_(std::move(updates)), abort_(::CreateEventW(nullptr, TRUE, FALSE, nullptr)) {
    snapshot_.results.resize(updates_.size());
    for (const auto& update : updates_) {
      const Json* data = UpdateScenarioOf(update.get());
      double size = data ? (*data)["maxDownloadSize"].asNumber(0) : 0;
      sizes_.push_back(size);
      snapshot_.totalBytesTotal += size;
    }
  }
  ~Operation() { ::CloseHandle(abort_); }

  Op op() const { return op_; }
  const Json& section() const { return section_; }
  const std::vector<Ref<IUpdate>>& updates() const { return updates_; }

  HRESULT RequestAbort() {
    Record("RequestAbort", "\"job\":" + Quote(OpName(op_)));
    HRESULT hr = HResultOf(section_["requestAbortHresult"]);
    if (FAILED(hr)) return hr;
    if (!section_["ignoreAbort"].asBool()) {
      aborted_ = true;
      ::SetEvent(abort_);
    }
    return S_OK;
  }

  bool completed() const { return completed_.load(); }
  Snapshot snapshot() {
    std::lock_guard<std::mutex> lock(mutex_);
    return snapshot_;
  }
  OperationResultCode overall() const { return overall_; }
  HRESULT overallHResult() const { return overallHr_; }
  bool rebootRequired() const { return reboot_; }

  // The worker: progress steps, per-update results, abort, completion.
  // `progress(snapshot)` and `completed()` call the caller's callbacks.
  void Run(const std::function<void(const Snapshot&)>& progress, const std::function<void()>& completed) {
    const size_t n = updates_.size();
    const LONG steps = static_cast<LONG>(std::max<long long>(1, section_["stepsPerUpdate"].asInt(4)));
    const DWORD stepMs = static_cast<DWORD>(std::max<long long>(0, section_["stepMs"].asInt(10)));
    double bytesBefore = 0;
    size_t i = 0;
    for (; i < n && ::WaitForSingleObject(abort_, 0) != WAIT_OBJECT_0; ++i) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        snapshot_.currentIndex = static_cast<LONG>(i);
        snapshot_.currentPercent = 0;
        snapshot_.currentBytesTotal = sizes_[i];
        snapshot_.currentBytes = 0;
        snapshot_.phase = kPhaseDownloading;
        snapshot_.results[i].resultCode = orcInProgress;
      }
      // An update whose last step was reported is done: an abort that arrives after its
      // 100% progress (e.g. from that progress callback) no longer stops it, as with the
      // real agent, whose last update is committed before the completed callback.
      bool stepsDone = true;
      for (LONG s = 1; s <= steps; ++s) {
        if (::WaitForSingleObject(abort_, stepMs) == WAIT_OBJECT_0) {
          stepsDone = false;
          break;
        }
        Snapshot copy;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          snapshot_.currentPercent = s * 100 / steps;
          snapshot_.percent = static_cast<LONG>((static_cast<long long>(i) * 100 + snapshot_.currentPercent) / static_cast<long long>(n));
          snapshot_.currentBytes = sizes_[i] * snapshot_.currentPercent / 100.0;
          snapshot_.totalBytes = bytesBefore + snapshot_.currentBytes;
          if (s == steps) snapshot_.phase = kPhaseVerifying;
          copy = snapshot_;
        }
        progress(copy);
      }
      if (!stepsDone) break;
      const Json* data = UpdateScenarioOf(updates_[i].get());
      const Json& outcome = data ? (*data)[OpName(op_)] : Json();
      UpdateState state;
      state.resultCode = static_cast<OperationResultCode>(outcome["resultCode"].asInt(orcSucceeded));
      state.hresult = HResultOf(outcome["hresult"]);
      state.rebootRequired = outcome["rebootRequired"].asBool(false);
      if (state.resultCode == orcSucceeded || state.resultCode == orcSucceededWithErrors) {
        if (op_ == Op::Download) SetUpdateDownloaded(updates_[i].get(), true);
        if (op_ == Op::Install) SetUpdateInstalled(updates_[i].get(), true);
        if (op_ == Op::Uninstall) SetUpdateInstalled(updates_[i].get(), false);
      }
      bytesBefore += sizes_[i];
      std::lock_guard<std::mutex> lock(mutex_);
      snapshot_.results[i] = state;
    }
    const bool stopped = i < n;
    // finishMs: the time WUA takes after the last update before its completed callback
    // (committing, say); an abort within it ends the wait but no longer stops the job.
    // Without it, a test whose abort comes from the 100% progress races the completion.
    if (!stopped) ::WaitForSingleObject(abort_, static_cast<DWORD>(std::max<long long>(0, section_["finishMs"].asInt(0))));
    if (stopped) {
      DWORD delay = static_cast<DWORD>(std::max<long long>(0, section_["abortDelayMs"].asInt(50)));
      if (delay > 0) ::Sleep(delay);
      std::lock_guard<std::mutex> lock(mutex_);
      for (size_t k = 0; k < n; ++k) {
        if (snapshot_.results[k].resultCode == orcNotStarted || snapshot_.results[k].resultCode == orcInProgress) {
          snapshot_.results[k].resultCode = orcAborted;
          snapshot_.results[k].hresult = S_OK;
        }
      }
    }
    Finish(stopped);
    if (op_ != Op::Download) --g_installsRunning;
    completed_ = true;
    Record("Completed", std::string("\"job\":") + Quote(OpName(op_)) + ",\"resultCode\":" + std::to_string(overall_) +
                            ",\"aborted\":" + (aborted_ ? "true" : "false"));
    completed();
  }

 private:
  void Finish(bool stopped) {
    std::lock_guard<std::mutex> lock(mutex_);
    int succeeded = 0;
    int failed = 0;
    bool reboot = false;
    for (const UpdateState& state : snapshot_.results) {
      if (state.resultCode == orcSucceeded || state.resultCode == orcSucceededWithErrors) ++succeeded;
      if (state.resultCode == orcFailed) ++failed;
      reboot = reboot || state.rebootRequired;
    }
    OperationResultCode derived = orcSucceeded;
    if (stopped) {
      derived = orcAborted;
    } else if (failed > 0) {
      derived = succeeded > 0 ? orcSucceededWithErrors : orcFailed;
    }
    overall_ = static_cast<OperationResultCode>(section_["resultCode"].asInt(derived));
    overallHr_ = HResultOf(section_["hresult"]);
    reboot_ = section_["rebootRequired"].asBool(reboot);
  }

  Op op_;
  Json section_;
  std::vector<Ref<IUpdate>> updates_;
  std::vector<double> sizes_;
  HANDLE abort_;
  std::mutex mutex_;
  Snapshot snapshot_;
  std::atomic<bool> aborted_{false};
  std::atomic<bool> completed_{false};
  OperationResultCode overall_ = orcNotStarted;
  HRESULT overallHr_ = S_OK;
  bool reboot_ = false;
};

std::vector<Ref<IUpdate>> UpdatesOf(IUpdateCollection* collection) {
  std::vector<Ref<IUpdate>> updates;
  if (collection == nullptr) return updates;
  LONG count = 0;
  collection->get_Count(&count);
  for (LONG i = 0; i < count; ++i) {
    IUpdate* update = nullptr;
    if (SUCCEEDED(collection->get_Item(i, &update)) && update) updates.push_back(Ref<IUpdate>(update, false));
  }
  return updates;
}

std::string IdList(const std::vector<Ref<IUpdate>>& updates) {
  std::string list = "[";
  for (size_t i = 0; i < updates.size(); ++i) {
    if (i) list += ",";
    list += Quote(UpdateIdOf(updates[i].get()));
  }
  return list + "]";
}

// --- Jobs ------------------------------------------------------------------------------------

// IInstallationJob and IDownloadJob share everything but their interfaces.
template <typename JobInterface, typename ProgressCallback, typename CompletedCallback, typename ProgressArgs,
          typename CompletedArgs, typename ProgressObject, typename ProgressInterface>
class JobBase : public Object<JobInterface> {
 public:
  JobBase(const char* kind, std::shared_ptr<Operation> operation, IUnknown* onProgress, IUnknown* onCompleted, const VARIANT& state)
      : Object<JobInterface>(kind), operation_(std::move(operation)) {
    if (onProgress) onProgress->QueryInterface(__uuidof(ProgressCallback), reinterpret_cast<void**>(&progress_));
    if (onCompleted) onCompleted->QueryInterface(__uuidof(CompletedCallback), reinterpret_cast<void**>(&completed_));
    ::VariantInit(&state_);
    ::VariantCopy(&state_, const_cast<VARIANT*>(&state));
  }

  std::shared_ptr<Operation> operation() const { return operation_; }

  void Start() {
    Ref<JobBase> self(this, true);
    StartWorker([self] {
      self->operation_->Run([&](const Snapshot& s) { self->Progress(s); }, [&] { self->Completed(); });
    });
  }

  HRESULT STDMETHODCALLTYPE get_AsyncState(VARIANT* out) override {
    if (out == nullptr) return E_POINTER;
    ::VariantInit(out);
    return ::VariantCopy(out, &state_);
  }
  HRESULT STDMETHODCALLTYPE get_IsCompleted(VARIANT_BOOL* out) override { return ToBool(operation_->completed(), out); }
  HRESULT STDMETHODCALLTYPE get_Updates(IUpdateCollection** out) override {
    if (out == nullptr) return E_POINTER;
    IUpdateCollection* collection = NewUpdateCollection();
    for (const auto& update : operation_->updates()) {
      LONG index = 0;
      collection->Add(update.get(), &index);
    }
    *out = collection;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE CleanUp() override {
    Record("CleanUp", "\"job\":" + Quote(OpName(operation_->op())));
    ReleaseCallbacks();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetProgress(ProgressInterface** out) override {
    if (out == nullptr) return E_POINTER;
    *out = new ProgressObject(operation_->snapshot());
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE RequestAbort() override { return operation_->RequestAbort(); }

 protected:
  ~JobBase() override {
    ReleaseCallbacks();
    ::VariantClear(&state_);
  }

 private:
  template <typename T>
  T* Take(T*& slot) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (slot) slot->AddRef();
    return slot;
  }

  void Progress(const Snapshot& snapshot) {
    ProgressCallback* callback = Take(progress_);
    if (!callback) return;
    auto args = Adopt(new ProgressArgs(snapshot));
    callback->Invoke(this, args.get());
    callback->Release();
  }

  void Completed() {
    CompletedCallback* callback = Take(completed_);
    if (!callback) return;
    auto args = Adopt(new CompletedArgs());
    callback->Invoke(this, args.get());
    callback->Release();
  }

  void ReleaseCallbacks() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (progress_) progress_->Release();
    if (completed_) completed_->Release();
    progress_ = nullptr;
    completed_ = nullptr;
  }

  std::shared_ptr<Operation> operation_;
  std::mutex mutex_;
  ProgressCallback* progress_ = nullptr;
  CompletedCallback* completed_ = nullptr;
  VARIANT state_;
};

using InstallationJob = JobBase<IInstallationJob, IInstallationProgressChangedCallback, IInstallationCompletedCallback,
                                InstallProgressArgs, InstallCompletedArgs, InstallationProgress, IInstallationProgress>;
using DownloadJob = JobBase<IDownloadJob, IDownloadProgressChangedCallback, IDownloadCompletedCallback, DownloadProgressArgs,
                            DownloadCompletedArgs, DownloadProgress, IDownloadProgress>;

// --- Downloader ------------------------------------------------------------------------------

class UpdateDownloader : public Object<IUpdateDownloader> {
 public:
  explicit UpdateDownloader(std::shared_ptr<const Scenario> scenario) : Object("UpdateDownloader"), scenario_(std::move(scenario)) {}
  HRESULT STDMETHODCALLTYPE get_ClientApplicationID(BSTR* out) override { return ToBstr(clientId_, out); }
  HRESULT STDMETHODCALLTYPE put_ClientApplicationID(BSTR value) override {
    clientId_ = Utf8(value);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_IsForced(VARIANT_BOOL* out) override { return ToBool(false, out); }
  HRESULT STDMETHODCALLTYPE put_IsForced(VARIANT_BOOL) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_Priority(DownloadPriority* out) override { return ToValue(priority_, out); }
  HRESULT STDMETHODCALLTYPE put_Priority(DownloadPriority value) override {
    priority_ = value;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_Updates(IUpdateCollection** out) override { return ToObject(updates_.get(), out); }
  HRESULT STDMETHODCALLTYPE put_Updates(IUpdateCollection* value) override {
    updates_ = Ref<IUpdateCollection>(value, true);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE BeginDownload(IUnknown* onProgress, IUnknown* onCompleted, VARIANT state, IDownloadJob** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    const Json& section = scenario_->section("download");
    std::vector<Ref<IUpdate>> updates = UpdatesOf(updates_.get());
    Record("BeginDownload", "\"updates\":" + IdList(updates) + ",\"priority\":" + std::to_string(static_cast<int>(priority_)));
    HRESULT begin = HResultOf(section["beginHresult"]);
    if (FAILED(begin)) return begin;
    if (updates.empty()) return static_cast<HRESULT>(0x80240024L);  // WU_E_NO_UPDATE
    auto operation = std::make_shared<Operation>(Op::Download, section, std::move(updates));
    auto* job = new DownloadJob("DownloadJob", operation, onProgress, onCompleted, state);
    job->Start();
    *out = job;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Download(IDownloadResult**) override {
    Record("Download");  // msi-lua must use BeginDownload
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE EndDownload(IDownloadJob* value, IDownloadResult** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    if (value == nullptr) return E_INVALIDARG;
    auto operation = static_cast<DownloadJob*>(value)->operation();
    HRESULT end = HResultOf(operation->section()["endHresult"]);
    Record("EndDownload", "\"hresult\":" + std::to_string(static_cast<uint32_t>(end)));
    if (FAILED(end)) return end;
    *out = new DownloadResult(operation->overall(), operation->overallHResult(), operation->snapshot().results);
    return S_OK;
  }

 private:
  std::shared_ptr<const Scenario> scenario_;
  std::string clientId_;
  DownloadPriority priority_ = dpNormal;
  Ref<IUpdateCollection> updates_;
};

// --- Installer ---------------------------------------------------------------------------------

class UpdateInstaller : public Object<IUpdateInstaller2> {
 public:
  explicit UpdateInstaller(std::shared_ptr<const Scenario> scenario) : Object("UpdateInstaller"), scenario_(std::move(scenario)) {}
  HRESULT STDMETHODCALLTYPE get_ClientApplicationID(BSTR* out) override { return ToBstr(clientId_, out); }
  HRESULT STDMETHODCALLTYPE put_ClientApplicationID(BSTR value) override {
    clientId_ = Utf8(value);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_IsForced(VARIANT_BOOL* out) override { return ToBool(false, out); }
  HRESULT STDMETHODCALLTYPE put_IsForced(VARIANT_BOOL) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_ParentHwnd(HWND* out) override { return ToValue<HWND>(nullptr, out); }
  HRESULT STDMETHODCALLTYPE put_ParentHwnd(HWND) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE put_ParentWindow(IUnknown*) override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_ParentWindow(IUnknown** out) override { return ToObject<IUnknown>(nullptr, out); }
  HRESULT STDMETHODCALLTYPE get_Updates(IUpdateCollection** out) override { return ToObject(updates_.get(), out); }
  HRESULT STDMETHODCALLTYPE put_Updates(IUpdateCollection* value) override {
    updates_ = Ref<IUpdateCollection>(value, true);
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE BeginInstall(IUnknown* onProgress, IUnknown* onCompleted, VARIANT state, IInstallationJob** out) override {
    return Begin(Op::Install, onProgress, onCompleted, state, out);
  }
  HRESULT STDMETHODCALLTYPE BeginUninstall(IUnknown* onProgress, IUnknown* onCompleted, VARIANT state, IInstallationJob** out) override {
    return Begin(Op::Uninstall, onProgress, onCompleted, state, out);
  }
  HRESULT STDMETHODCALLTYPE EndInstall(IInstallationJob* value, IInstallationResult** out) override {
    return End(Op::Install, value, out);
  }
  HRESULT STDMETHODCALLTYPE EndUninstall(IInstallationJob* value, IInstallationResult** out) override {
    return End(Op::Uninstall, value, out);
  }
  HRESULT STDMETHODCALLTYPE Install(IInstallationResult**) override {
    Record("Install");  // msi-lua must use BeginInstall
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE RunWizard(BSTR, IInstallationResult**) override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_IsBusy(VARIANT_BOOL* out) override {
    return ToBool(g_installsRunning.load() > 0 || scenario_->section("install")["busy"].asBool(), out);
  }
  HRESULT STDMETHODCALLTYPE Uninstall(IInstallationResult**) override {
    Record("Uninstall");
    return E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE get_AllowSourcePrompts(VARIANT_BOOL* out) override { return ToBool(allowSourcePrompts_, out); }
  HRESULT STDMETHODCALLTYPE put_AllowSourcePrompts(VARIANT_BOOL value) override {
    allowSourcePrompts_ = value != VARIANT_FALSE;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE get_RebootRequiredBeforeInstallation(VARIANT_BOOL* out) override {
    return ToBool(scenario_->section("install")["rebootRequiredBeforeInstallation"].asBool(), out);
  }
  HRESULT STDMETHODCALLTYPE get_ForceQuiet(VARIANT_BOOL* out) override { return ToBool(forceQuiet_, out); }
  HRESULT STDMETHODCALLTYPE put_ForceQuiet(VARIANT_BOOL value) override {
    forceQuiet_ = value != VARIANT_FALSE;
    return S_OK;
  }

 protected:
  bool Supports(REFIID riid) override { return IsEqualIID(riid, __uuidof(IUpdateInstaller)); }

 private:
  HRESULT Begin(Op op, IUnknown* onProgress, IUnknown* onCompleted, const VARIANT& state, IInstallationJob** out) {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    const Json& section = scenario_->section(OpName(op));
    std::vector<Ref<IUpdate>> updates = UpdatesOf(updates_.get());
    std::string name = op == Op::Install ? "BeginInstall" : "BeginUninstall";
    std::string fields = "\"updates\":" + IdList(updates) + ",\"forceQuiet\":" + (forceQuiet_ ? "true" : "false") +
                         ",\"allowSourcePrompts\":" + (allowSourcePrompts_ ? "true" : "false");
    HRESULT begin = HResultOf(section["beginHresult"]);
    if (FAILED(begin)) {
      Record(name, fields + ",\"hresult\":" + std::to_string(static_cast<uint32_t>(begin)));
      return begin;
    }
    if (updates.empty()) return static_cast<HRESULT>(0x80240024L);  // WU_E_NO_UPDATE
    HRESULT busy = HResultOf(section["busyHresult"], kWuOperationInProgress);
    if (section["busy"].asBool() || g_installsRunning.fetch_add(1) > 0) {
      if (!section["busy"].asBool()) --g_installsRunning;
      Record(name, fields + ",\"busy\":true,\"hresult\":" + std::to_string(static_cast<uint32_t>(busy)));
      return busy;
    }
    Record(name, fields);
    auto operation = std::make_shared<Operation>(op, section, std::move(updates));
    auto* job = new InstallationJob("InstallationJob", operation, onProgress, onCompleted, state);
    job->Start();
    *out = job;
    return S_OK;
  }

  HRESULT End(Op op, IInstallationJob* value, IInstallationResult** out) {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    if (value == nullptr) return E_INVALIDARG;
    auto operation = static_cast<InstallationJob*>(value)->operation();
    if (operation->op() != op) return E_INVALIDARG;
    HRESULT end = HResultOf(operation->section()["endHresult"]);
    Record(op == Op::Install ? "EndInstall" : "EndUninstall", "\"hresult\":" + std::to_string(static_cast<uint32_t>(end)));
    if (FAILED(end)) return end;
    *out = new InstallationResult(operation->overall(), operation->overallHResult(), operation->rebootRequired(),
                                  operation->snapshot().results);
    return S_OK;
  }

  std::shared_ptr<const Scenario> scenario_;
  std::string clientId_;
  bool forceQuiet_ = false;
  bool allowSourcePrompts_ = true;
  Ref<IUpdateCollection> updates_;
};

}  // namespace

IUpdateDownloader* NewDownloader(std::shared_ptr<const Scenario> scenario) { return new UpdateDownloader(std::move(scenario)); }
IUpdateInstaller* NewInstaller(std::shared_ptr<const Scenario> scenario) { return new UpdateInstaller(std::move(scenario)); }

}  // namespace agent
