// Windows Update Agent: download (IUpdateDownloader::BeginDownload/EndDownload) and
// install/uninstall (IUpdateInstaller::BeginInstall/BeginUninstall/EndInstall/
// EndUninstall) on a job thread, with progress through the job's thread-safe function
// and RequestAbort when JS aborts. The updates are the IUpdate objects a search of the
// same session found.
#include <string>
#include <vector>

#include "addon_support.h"
#include "com_object.h"
#include "wua_job.h"
#include "wua_sdk.h"

namespace msilua::wua {
namespace {

struct UpdateOutcome {
  std::string id;
  int32_t resultCode = 0;
  uint32_t hresult = 0;
  bool rebootRequired = false;
};

struct JobOutcome {
  int32_t resultCode = 0;
  uint32_t hresult = 0;
  bool rebootRequired = false;
  bool rebootRequiredBeforeInstallation = false;
  bool abortRequested = false;
  uint32_t abortHresult = 0;
  bool download = false;
  std::vector<std::string> eulasAccepted;
  std::vector<UpdateOutcome> updates;
};

Napi::Value JobOutcomeToJs(Napi::Env env, const JobOutcome& outcome) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("resultCode", outcome.resultCode);
  result.Set("hresult", outcome.hresult);
  result.Set("abortRequested", outcome.abortRequested);
  if (outcome.abortRequested) result.Set("abortHresult", outcome.abortHresult);
  if (!outcome.download) {
    result.Set("rebootRequired", outcome.rebootRequired);
    result.Set("rebootRequiredBeforeInstallation", outcome.rebootRequiredBeforeInstallation);
    Napi::Array accepted = Napi::Array::New(env, outcome.eulasAccepted.size());
    for (size_t i = 0; i < outcome.eulasAccepted.size(); ++i)
      accepted.Set(static_cast<uint32_t>(i), outcome.eulasAccepted[i]);
    result.Set("eulasAccepted", accepted);
  }
  Napi::Array updates = Napi::Array::New(env, outcome.updates.size());
  for (size_t i = 0; i < outcome.updates.size(); ++i) {
    const UpdateOutcome& u = outcome.updates[i];
    Napi::Object update = Napi::Object::New(env);
    update.Set("id", u.id);
    update.Set("resultCode", u.resultCode);
    update.Set("hresult", u.hresult);
    if (!outcome.download) update.Set("rebootRequired", u.rebootRequired);
    updates.Set(static_cast<uint32_t>(i), update);
  }
  result.Set("updates", updates);
  return result;
}

// --- Callbacks (WUA calls them on its own threads; they hold the job weakly) ---------

// The three figures both progress interfaces (IInstallationProgress, IDownloadProgress) report.
template <typename ProgressInterface>
Progress ReadCommonProgress(ProgressInterface* progress) {
  Progress p;
  LONG value = 0;
  if (SUCCEEDED(progress->get_CurrentUpdateIndex(&value))) p.currentUpdateIndex = value;
  if (SUCCEEDED(progress->get_CurrentUpdatePercentComplete(&value))) p.currentUpdatePercent = value;
  if (SUCCEEDED(progress->get_PercentComplete(&value))) p.percent = value;
  return p;
}

class InstallProgressChanged : public ComObject<IInstallationProgressChangedCallback> {
 public:
  explicit InstallProgressChanged(std::weak_ptr<Job> job) : job_(std::move(job)) {}
  HRESULT STDMETHODCALLTYPE Invoke(IInstallationJob*, IInstallationProgressChangedCallbackArgs* args) override {
    auto job = job_.lock();
    if (!job || args == nullptr) return S_OK;
    ComPtr<IInstallationProgress> progress;
    if (FAILED(args->get_Progress(progress.put())) || !progress) return S_OK;
    job->PostProgress(ReadCommonProgress(progress.get()));
    return S_OK;
  }

 private:
  std::weak_ptr<Job> job_;
};

class DownloadProgressChanged : public ComObject<IDownloadProgressChangedCallback> {
 public:
  explicit DownloadProgressChanged(std::weak_ptr<Job> job) : job_(std::move(job)) {}
  HRESULT STDMETHODCALLTYPE Invoke(IDownloadJob*, IDownloadProgressChangedCallbackArgs* args) override {
    auto job = job_.lock();
    if (!job || args == nullptr) return S_OK;
    ComPtr<IDownloadProgress> progress;
    if (FAILED(args->get_Progress(progress.put())) || !progress) return S_OK;
    Progress p = ReadCommonProgress(progress.get());
    DownloadPhase phase = dphInitializing;
    p.downloadPhase = SUCCEEDED(progress->get_CurrentUpdateDownloadPhase(&phase)) ? static_cast<int32_t>(phase) : 0;
    DECIMAL amount{};
    if (SUCCEEDED(progress->get_CurrentUpdateBytesDownloaded(&amount))) p.currentUpdateBytes = DecimalToDouble(amount);
    if (SUCCEEDED(progress->get_CurrentUpdateBytesToDownload(&amount)))
      p.currentUpdateBytesTotal = DecimalToDouble(amount);
    if (SUCCEEDED(progress->get_TotalBytesDownloaded(&amount))) p.totalBytes = DecimalToDouble(amount);
    if (SUCCEEDED(progress->get_TotalBytesToDownload(&amount))) p.totalBytesTotal = DecimalToDouble(amount);
    job->PostProgress(p);
    return S_OK;
  }

 private:
  std::weak_ptr<Job> job_;
};

// IInstallationCompletedCallback and IDownloadCompletedCallback differ only in types:
// both wake the job's thread.
template <typename CallbackInterface, typename JobInterface, typename ArgsInterface>
class JobCompleted : public ComObject<CallbackInterface> {
 public:
  explicit JobCompleted(std::weak_ptr<Job> job) : job_(std::move(job)) {}
  HRESULT STDMETHODCALLTYPE Invoke(JobInterface*, ArgsInterface*) override {
    if (auto job = job_.lock()) ::SetEvent(job->completedEvent());
    return S_OK;
  }

 private:
  std::weak_ptr<Job> job_;
};
using InstallCompleted =
    JobCompleted<IInstallationCompletedCallback, IInstallationJob, IInstallationCompletedCallbackArgs>;
using DownloadCompleted = JobCompleted<IDownloadCompletedCallback, IDownloadJob, IDownloadCompletedCallbackArgs>;

// The IUpdateCollection WUA wants, filled with the session's IUpdate objects in order.
ComPtr<IUpdateCollection> MakeCollection(const std::vector<ComPtr<IUpdate>>& updates) {
  ComPtr<IUpdateCollection> collection;
  CheckHResult("CoCreateInstance(UpdateCollection)",
               ::CoCreateInstance(kClsidUpdateCollection, nullptr, CLSCTX_INPROC_SERVER, __uuidof(IUpdateCollection),
                                  collection.put_void()));
  if (!collection) ThrowHResult("CoCreateInstance(UpdateCollection)", E_POINTER);
  for (const ComPtr<IUpdate>& update : updates) {
    LONG index = 0;
    CheckHResult("IUpdateCollection::Add", collection->Add(update.get(), &index));
  }
  return collection;
}

std::string UpdateIdOf(IUpdate* update) {
  ComPtr<IUpdateIdentity> identity = ReadObject("IUpdate::get_Identity", update, &IUpdate::get_Identity);
  if (!identity) ThrowHResult("IUpdate::get_Identity", E_POINTER, "the update has no identity");
  return ReadString("IUpdateIdentity::get_UpdateID", identity.get(), &IUpdateIdentity::get_UpdateID);
}

// wuaInstall(session, updateIds, { uninstall?, forceQuiet?, allowSourcePrompts?, acceptEulas? }, onProgress?)
//   → { promise, abort }
Napi::Value Install(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Session> session = SessionFromValue(info, 0);
  std::vector<std::wstring> ids = RequireUpdateIds(info, 1);
  Napi::Object options = OptionsArg(info, 2);
  bool uninstall = OptionalBool(options, "uninstall").value_or(false);
  std::optional<bool> forceQuiet = OptionalBool(options, "forceQuiet");
  std::optional<bool> allowSourcePrompts = OptionalBool(options, "allowSourcePrompts");
  bool acceptEulas = OptionalBool(options, "acceptEulas").value_or(false);
  Napi::Value onProgress = info.Length() > 3 ? info[3] : env.Undefined();
  const char* name = uninstall ? "msi-lua:wuaUninstall" : "msi-lua:wuaInstall";

  return Job::Start(env, name, onProgress, [=](Job& job) -> ResultBuilder {
    auto outcome = std::make_shared<JobOutcome>();
    std::vector<ComPtr<IUpdate>> updates = session->Find(ids);
    if (acceptEulas && !uninstall) {
      for (const ComPtr<IUpdate>& update : updates) {
        if (!ReadBool("IUpdate::get_EulaAccepted", update.get(), &IUpdate::get_EulaAccepted)) {
          CheckHResult("IUpdate::AcceptEula", update->AcceptEula());
          outcome->eulasAccepted.push_back(UpdateIdOf(update.get()));
        }
      }
    }
    ComPtr<IUpdateCollection> collection = MakeCollection(updates);

    ComPtr<IUpdateSession> updateSession = session->Get();
    ComPtr<IUpdateInstaller> installer;
    CheckHResult("IUpdateSession::CreateUpdateInstaller", updateSession->CreateUpdateInstaller(installer.put()));
    if (!installer) ThrowHResult("IUpdateSession::CreateUpdateInstaller", E_POINTER);
    CheckHResult("IUpdateInstaller::put_Updates", installer->put_Updates(collection.get()));
    if (forceQuiet) {
      ComPtr<IUpdateInstaller2> installer2;
      CheckHResult("IUpdateInstaller::QueryInterface(IUpdateInstaller2)",
                   installer->QueryInterface(__uuidof(IUpdateInstaller2), installer2.put_void()));
      CheckHResult("IUpdateInstaller2::put_ForceQuiet",
                   installer2->put_ForceQuiet(*forceQuiet ? VARIANT_TRUE : VARIANT_FALSE));
    }
    if (allowSourcePrompts) {
      CheckHResult("IUpdateInstaller::put_AllowSourcePrompts",
                   installer->put_AllowSourcePrompts(*allowSourcePrompts ? VARIANT_TRUE : VARIANT_FALSE));
    }
    if (!uninstall) {
      outcome->rebootRequiredBeforeInstallation =
          ReadBool("IUpdateInstaller::get_RebootRequiredBeforeInstallation", installer.get(),
                   &IUpdateInstaller::get_RebootRequiredBeforeInstallation);
    }

    auto progress = ComPtr<InstallProgressChanged>::Attach(new InstallProgressChanged(job.weak_from_this()));
    auto completed = ComPtr<InstallCompleted>::Attach(new InstallCompleted(job.weak_from_this()));
    UniqueVariant state;
    ComPtr<IInstallationJob> installJob;
    if (uninstall) {
      CheckHResult("IUpdateInstaller::BeginUninstall",
                   installer->BeginUninstall(progress.get(), completed.get(), *state.get(), installJob.put()));
    } else {
      CheckHResult("IUpdateInstaller::BeginInstall",
                   installer->BeginInstall(progress.get(), completed.get(), *state.get(), installJob.put()));
    }
    if (!installJob)
      ThrowHResult(uninstall ? "IUpdateInstaller::BeginUninstall" : "IUpdateInstaller::BeginInstall", E_POINTER);

    job.WaitForCompletion([&] { return installJob->RequestAbort(); },
                          [&] {
                            VARIANT_BOOL done = VARIANT_FALSE;
                            return SUCCEEDED(installJob->get_IsCompleted(&done)) && done != VARIANT_FALSE;
                          });

    ComPtr<IInstallationResult> result;
    HRESULT endHr = uninstall ? installer->EndUninstall(installJob.get(), result.put())
                              : installer->EndInstall(installJob.get(), result.put());
    installJob->CleanUp();
    CheckHResult(uninstall ? "IUpdateInstaller::EndUninstall" : "IUpdateInstaller::EndInstall", endHr);
    if (!result) ThrowHResult(uninstall ? "IUpdateInstaller::EndUninstall" : "IUpdateInstaller::EndInstall", E_POINTER);

    outcome->abortRequested = job.abortRequested();
    outcome->abortHresult = static_cast<uint32_t>(job.abortHResult());
    outcome->resultCode = static_cast<int32_t>(
        ReadValue("IInstallationResult::get_ResultCode", result.get(), &IInstallationResult::get_ResultCode));
    outcome->hresult = static_cast<uint32_t>(
        ReadValue("IInstallationResult::get_HResult", result.get(), &IInstallationResult::get_HResult));
    outcome->rebootRequired =
        ReadBool("IInstallationResult::get_RebootRequired", result.get(), &IInstallationResult::get_RebootRequired);
    for (size_t i = 0; i < updates.size(); ++i) {
      ComPtr<IUpdateInstallationResult> one;
      CheckHResult("IInstallationResult::GetUpdateResult", result->GetUpdateResult(static_cast<LONG>(i), one.put()));
      if (!one) ThrowHResult("IInstallationResult::GetUpdateResult", E_POINTER);
      UpdateOutcome u;
      u.id = WideToUtf8(ids[i]);
      u.resultCode = static_cast<int32_t>(ReadValue("IUpdateInstallationResult::get_ResultCode", one.get(),
                                                    &IUpdateInstallationResult::get_ResultCode));
      u.hresult = static_cast<uint32_t>(
          ReadValue("IUpdateInstallationResult::get_HResult", one.get(), &IUpdateInstallationResult::get_HResult));
      u.rebootRequired = ReadBool("IUpdateInstallationResult::get_RebootRequired", one.get(),
                                  &IUpdateInstallationResult::get_RebootRequired);
      outcome->updates.push_back(std::move(u));
    }
    return [outcome](Napi::Env env) { return JobOutcomeToJs(env, *outcome); };
  });
}

// wuaDownload(session, updateIds, { priority? }, onProgress?) → { promise, abort }
Napi::Value Download(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Session> session = SessionFromValue(info, 0);
  std::vector<std::wstring> ids = RequireUpdateIds(info, 1);
  Napi::Object options = OptionsArg(info, 2);
  std::optional<uint32_t> priority = OptionalUint32(options, "priority");
  Napi::Value onProgress = info.Length() > 3 ? info[3] : env.Undefined();

  return Job::Start(env, "msi-lua:wuaDownload", onProgress, [=](Job& job) -> ResultBuilder {
    auto outcome = std::make_shared<JobOutcome>();
    outcome->download = true;
    std::vector<ComPtr<IUpdate>> updates = session->Find(ids);
    ComPtr<IUpdateCollection> collection = MakeCollection(updates);

    ComPtr<IUpdateSession> updateSession = session->Get();
    ComPtr<IUpdateDownloader> downloader;
    CheckHResult("IUpdateSession::CreateUpdateDownloader", updateSession->CreateUpdateDownloader(downloader.put()));
    if (!downloader) ThrowHResult("IUpdateSession::CreateUpdateDownloader", E_POINTER);
    CheckHResult("IUpdateDownloader::put_Updates", downloader->put_Updates(collection.get()));
    if (priority) {
      CheckHResult("IUpdateDownloader::put_Priority",
                   downloader->put_Priority(static_cast<DownloadPriority>(*priority)));
    }

    auto progress = ComPtr<DownloadProgressChanged>::Attach(new DownloadProgressChanged(job.weak_from_this()));
    auto completed = ComPtr<DownloadCompleted>::Attach(new DownloadCompleted(job.weak_from_this()));
    UniqueVariant state;
    ComPtr<IDownloadJob> downloadJob;
    CheckHResult("IUpdateDownloader::BeginDownload",
                 downloader->BeginDownload(progress.get(), completed.get(), *state.get(), downloadJob.put()));
    if (!downloadJob) ThrowHResult("IUpdateDownloader::BeginDownload", E_POINTER);

    job.WaitForCompletion([&] { return downloadJob->RequestAbort(); },
                          [&] {
                            VARIANT_BOOL done = VARIANT_FALSE;
                            return SUCCEEDED(downloadJob->get_IsCompleted(&done)) && done != VARIANT_FALSE;
                          });

    ComPtr<IDownloadResult> result;
    HRESULT endHr = downloader->EndDownload(downloadJob.get(), result.put());
    downloadJob->CleanUp();
    CheckHResult("IUpdateDownloader::EndDownload", endHr);
    if (!result) ThrowHResult("IUpdateDownloader::EndDownload", E_POINTER);

    outcome->abortRequested = job.abortRequested();
    outcome->abortHresult = static_cast<uint32_t>(job.abortHResult());
    outcome->resultCode = static_cast<int32_t>(
        ReadValue("IDownloadResult::get_ResultCode", result.get(), &IDownloadResult::get_ResultCode));
    outcome->hresult =
        static_cast<uint32_t>(ReadValue("IDownloadResult::get_HResult", result.get(), &IDownloadResult::get_HResult));
    for (size_t i = 0; i < updates.size(); ++i) {
      ComPtr<IUpdateDownloadResult> one;
      CheckHResult("IDownloadResult::GetUpdateResult", result->GetUpdateResult(static_cast<LONG>(i), one.put()));
      if (!one) ThrowHResult("IDownloadResult::GetUpdateResult", E_POINTER);
      UpdateOutcome u;
      u.id = WideToUtf8(ids[i]);
      u.resultCode = static_cast<int32_t>(
          ReadValue("IUpdateDownloadResult::get_ResultCode", one.get(), &IUpdateDownloadResult::get_ResultCode));
      u.hresult = static_cast<uint32_t>(
          ReadValue("IUpdateDownloadResult::get_HResult", one.get(), &IUpdateDownloadResult::get_HResult));
      outcome->updates.push_back(std::move(u));
    }
    return [outcome](Napi::Env env) { return JobOutcomeToJs(env, *outcome); };
  });
}

// wuaInstallerIsBusy(session) → Promise<boolean>: IUpdateInstaller.IsBusy (a short call,
// on the libuv pool with its own MTA membership).
Napi::Value InstallerIsBusy(const Napi::CallbackInfo& info) {
  std::shared_ptr<Session> session = SessionFromValue(info, 0);
  return PromiseWorker<bool>::Run(
      info.Env(), "msi-lua:wuaInstallerIsBusy",
      [session]() {
        ComApartment apartment;
        ComPtr<IUpdateSession> updateSession = session->Get();
        ComPtr<IUpdateInstaller> installer;
        CheckHResult("IUpdateSession::CreateUpdateInstaller", updateSession->CreateUpdateInstaller(installer.put()));
        if (!installer) ThrowHResult("IUpdateSession::CreateUpdateInstaller", E_POINTER);
        return ReadBool("IUpdateInstaller::get_IsBusy", installer.get(), &IUpdateInstaller::get_IsBusy);
      },
      [](Napi::Env env, bool& busy) { return Napi::Boolean::New(env, busy); });
}

}  // namespace

void RegisterInstall(Napi::Env env, Napi::Object exports) {
  exports.Set("wuaInstall", Napi::Function::New(env, Install, "wuaInstall"));
  exports.Set("wuaDownload", Napi::Function::New(env, Download, "wuaDownload"));
  exports.Set("wuaInstallerIsBusy", Napi::Function::New(env, InstallerIsBusy, "wuaInstallerIsBusy"));
}

}  // namespace msilua::wua
