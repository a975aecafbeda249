// Windows Update Agent: the session handle, the MTA keeper and the long-job runner
// (a dedicated CreateThread thread per job; progress and outcome through one thread-safe
// function). Search is in wua_search.cc, download/install/uninstall in wua_install.cc.
#include "wua_job.h"

#include "addon_support.h"
#include "wua_sdk.h"

namespace msilua::wua {

// ---------------------------------------------------------------------------------
// MtaKeeper
// ---------------------------------------------------------------------------------
namespace {

using CoIncrementMTAUsageFn = HRESULT(WINAPI*)(void**);
using CoDecrementMTAUsageFn = HRESULT(WINAPI*)(void*);

template <typename Fn>
Fn ComBaseProc(const char* name) {
  for (const wchar_t* module : {L"combase.dll", L"ole32.dll"}) {
    HMODULE handle = ::GetModuleHandleW(module);
    if (handle == nullptr) continue;
    if (FARPROC proc = ::GetProcAddress(handle, name)) return reinterpret_cast<Fn>(reinterpret_cast<void*>(proc));
  }
  return nullptr;
}

DWORD WINAPI ParkedMtaThread(void* parameter) {
  HANDLE stop = static_cast<HANDLE>(parameter);
  HRESULT hr = ::CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  ::WaitForSingleObject(stop, INFINITE);
  if (SUCCEEDED(hr)) ::CoUninitialize();
  return 0;
}

}  // namespace

MtaKeeper::MtaKeeper() {
  if (auto increment = ComBaseProc<CoIncrementMTAUsageFn>("CoIncrementMTAUsage")) {
    HRESULT hr = increment(&cookie_);
    if (SUCCEEDED(hr)) return;
    cookie_ = nullptr;
  }
  stop_ = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (stop_ == nullptr) ThrowWin32("CreateEventW", ::GetLastError());
  thread_ = ::CreateThread(nullptr, 0, ParkedMtaThread, stop_, 0, nullptr);
  if (thread_ == nullptr) {
    DWORD error = ::GetLastError();
    ::CloseHandle(stop_);
    ThrowWin32("CreateThread", error);
  }
}

MtaKeeper::~MtaKeeper() {
  if (cookie_ != nullptr) {
    if (auto decrement = ComBaseProc<CoDecrementMTAUsageFn>("CoDecrementMTAUsage")) decrement(cookie_);
  }
  if (thread_ != nullptr) {
    ::SetEvent(stop_);
    ::WaitForSingleObject(thread_, INFINITE);
    ::CloseHandle(thread_);
  }
  if (stop_ != nullptr) ::CloseHandle(stop_);
}

// ---------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------
Session::~Session() {
  bool holdsObjects = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    holdsObjects = static_cast<bool>(session_) || !updates_.empty() || mta_;
  }
  if (!holdsObjects) return;
  // Dropped without close() (garbage collected): release on a thread that has joined
  // the MTA, never on the JS thread, which has no apartment.
  try {
    UniqueHandle releaser = StartThread([this] {
      ComApartment apartment;
      Close();
    });
    ::WaitForSingleObject(releaser.get(), INFINITE);
  } catch (...) {
    // No thread for the release: the objects leak rather than being released on a
    // thread without an apartment.
  }
}

void Session::ThrowIfClosed() {
  if (closed_) ThrowHResult("IUpdateSession", E_ABORT, "the update session is closed");
}

ComPtr<IUpdateSession> Session::Get() {
  std::lock_guard<std::mutex> lock(mutex_);
  ThrowIfClosed();
  if (session_) return session_;
  if (!mta_) mta_ = std::make_unique<MtaKeeper>();
  ComPtr<IUpdateSession> created;
  CheckHResult("CoCreateInstance(UpdateSession)", ::CoCreateInstance(kClsidUpdateSession, nullptr, CLSCTX_INPROC_SERVER,
                                                                     __uuidof(IUpdateSession), created.put_void()));
  if (!clientApplicationId_.empty()) {
    UniqueBstr id(clientApplicationId_);
    CheckHResult("IUpdateSession::put_ClientApplicationID", created->put_ClientApplicationID(id.get()));
  }
  session_ = created;
  return session_;
}

void Session::Remember(const std::wstring& updateId, const ComPtr<IUpdate>& update) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  updates_[updateId] = update;
}

std::vector<ComPtr<IUpdate>> Session::Find(const std::vector<std::wstring>& updateIds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ThrowIfClosed();
  std::vector<ComPtr<IUpdate>> found;
  found.reserve(updateIds.size());
  for (const std::wstring& id : updateIds) {
    auto it = updates_.find(id);
    if (it == updates_.end()) {
      ThrowHResult("IUpdateCollection::Add", E_INVALIDARG,
                   "update " + WideToUtf8(id) + " was not found by a search of this session");
    }
    found.push_back(it->second);
  }
  return found;
}

void Session::Close() {
  std::map<std::wstring, ComPtr<IUpdate>> updates;
  ComPtr<IUpdateSession> session;
  std::unique_ptr<MtaKeeper> mta;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    updates.swap(updates_);
    session = std::move(session_);
    mta = std::move(mta_);
  }
  updates.clear();
  session.reset();
  mta.reset();
}

namespace {

// Distinguishes our session externals from any other external value.
const napi_type_tag kSessionTag = {0x6d73696c75617775ULL, 0x6173657373696f6eULL};

using SessionHolder = std::shared_ptr<Session>;

}  // namespace

std::shared_ptr<Session> SessionFromValue(const Napi::CallbackInfo& info, size_t index) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || !info[index].IsExternal()) {
    throw Napi::TypeError::New(env, "The \"session\" argument must be a handle from wuaOpenSession");
  }
  auto external = info[index].As<Napi::External<SessionHolder>>();
  if (!external.CheckTypeTag(&kSessionTag)) {
    throw Napi::TypeError::New(env, "The \"session\" argument must be a handle from wuaOpenSession");
  }
  return *external.Data();
}

// ---------------------------------------------------------------------------------
// Job
// ---------------------------------------------------------------------------------
struct Job::Message {
  enum class Kind { Progress, Done, Failed } kind = Kind::Progress;
  Progress progress;
  ResultBuilder result;
  std::optional<NativeFailure> failure;
};

Job::Job() {
  abortEvent_ = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  completedEvent_ = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
  if (abortEvent_ == nullptr || completedEvent_ == nullptr) ThrowWin32("CreateEventW", ::GetLastError());
}

Job::~Job() {
  if (abortEvent_ != nullptr) ::CloseHandle(abortEvent_);
  if (completedEvent_ != nullptr) ::CloseHandle(completedEvent_);
}

Napi::Object Job::Start(Napi::Env env, const char* name, Napi::Value onProgress, Work work) {
  if (!onProgress.IsUndefined() && !onProgress.IsNull() && !onProgress.IsFunction()) {
    throw Napi::TypeError::New(env, "The \"onProgress\" argument must be a function or undefined");
  }
  std::shared_ptr<Job> job;
  try {
    job.reset(new Job());
  } catch (const NativeFailure& failure) {
    throw ToJsError(env, failure);
  }
  job->deferred_.emplace(Napi::Promise::Deferred::New(env));
  Napi::Function callback = onProgress.IsFunction() ? onProgress.As<Napi::Function>()
                                                    : Napi::Function::New(env, [](const Napi::CallbackInfo&) {});
  // The thread-safe function owns a reference to the job until it is finalized, so the
  // context pointer stays valid for every queued message.
  auto* keepAlive = new std::shared_ptr<Job>(job);
  job->tsfn_ = Tsfn::New(
      env, callback, name, 0, 1, job.get(), [](Napi::Env, std::shared_ptr<Job>* owner, Job*) { delete owner; },
      keepAlive);

  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", job->deferred_->Promise());
  std::weak_ptr<Job> weak = job;
  handle.Set("abort", Napi::Function::New(
                          env,
                          [weak](const Napi::CallbackInfo&) {
                            if (auto alive = weak.lock()) ::SetEvent(alive->abortEvent_);
                          },
                          "abort"));
  try {
    // The handle closes at once: the thread owns the job through its shared_ptr and the
    // outcome reaches JS through the thread-safe function, never through a join.
    StartThread([job, work = std::move(work)]() mutable { job->Run(std::move(work)); });
  } catch (const NativeFailure& failure) {
    job->tsfn_.Release();
    throw ToJsError(env, failure);
  }
  return handle;
}

void Job::Run(Work work) {
  auto* message = new Message();
  try {
    ResultBuilder builder;
    {
      ComApartment apartment;
      builder = work(*this);
    }
    message->kind = Message::Kind::Done;
    message->result = std::move(builder);
  } catch (const NativeFailure& failure) {
    message->kind = Message::Kind::Failed;
    message->failure = failure;
  } catch (const std::bad_alloc&) {
    message->kind = Message::Kind::Failed;
    message->failure = NativeFailure("operator new", static_cast<uint32_t>(E_OUTOFMEMORY), L"");
  } catch (const std::exception& error) {
    message->kind = Message::Kind::Failed;
    message->failure = NativeFailure("native", static_cast<uint32_t>(E_UNEXPECTED), L"", error.what());
  } catch (...) {
    message->kind = Message::Kind::Failed;
    message->failure =
        NativeFailure("native", static_cast<uint32_t>(E_UNEXPECTED), L"", "unknown exception on the job thread");
  }
  Finish(message);
}

void Job::Finish(Message* message) {
  std::lock_guard<std::mutex> lock(postMutex_);
  finished_ = true;
  if (tsfn_.BlockingCall(message) != napi_ok) delete message;
  tsfn_.Release();
}

void Job::PostProgress(const Progress& progress) {
  std::lock_guard<std::mutex> lock(postMutex_);
  if (finished_) return;
  auto* message = new Message();
  message->kind = Message::Kind::Progress;
  message->progress = progress;
  if (tsfn_.NonBlockingCall(message) != napi_ok) delete message;
}

void Job::CallJs(Napi::Env env, Napi::Function callback, Job* job, Message* raw) {
  std::unique_ptr<Message> message(raw);
  if (env == nullptr || message == nullptr || job == nullptr) return;  // the environment is shutting down
  Napi::HandleScope scope(env);
  switch (message->kind) {
    case Message::Kind::Progress: {
      const Progress& p = message->progress;
      Napi::Object event = Napi::Object::New(env);
      event.Set("currentUpdateIndex", p.currentUpdateIndex);
      event.Set("currentUpdatePercent", p.currentUpdatePercent);
      event.Set("percent", p.percent);
      if (p.downloadPhase >= 0) {
        event.Set("downloadPhase", p.downloadPhase);
        event.Set("currentUpdateBytes", p.currentUpdateBytes);
        event.Set("currentUpdateBytesTotal", p.currentUpdateBytesTotal);
        event.Set("totalBytes", p.totalBytes);
        event.Set("totalBytesTotal", p.totalBytesTotal);
      }
      callback.Call({event});
      break;
    }
    case Message::Kind::Done:
      try {
        job->deferred_->Resolve(message->result ? message->result(env) : env.Undefined());
      } catch (const Napi::Error& error) {
        job->deferred_->Reject(error.Value());
      }
      break;
    case Message::Kind::Failed:
      job->deferred_->Reject(ToJsError(env, *message->failure).Value());
      break;
  }
}

void Job::WaitForCompletion(const std::function<HRESULT()>& requestAbort, const std::function<bool()>& isCompleted) {
  HANDLE handles[2] = {completedEvent_, abortEvent_};
  bool abortSent = false;
  for (;;) {
    DWORD count = abortSent ? 1 : 2;
    DWORD wait = ::WaitForMultipleObjects(count, handles, FALSE, 250);
    if (wait == WAIT_OBJECT_0) return;
    if (wait == WAIT_OBJECT_0 + 1) {
      abortSent = true;
      abortHResult_.store(requestAbort());
      abortRequested_.store(true);
      continue;
    }
    if (wait == WAIT_FAILED) ThrowWin32("WaitForMultipleObjects", ::GetLastError());
    // Timeout: the completed callback is the signal; IsCompleted is the safety net.
    if (isCompleted()) return;
  }
}

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------
double DecimalToDouble(const DECIMAL& value) {
  double result = 0;
  DECIMAL copy = value;
  if (FAILED(::VarR8FromDec(&copy, &result))) return 0;
  return result;
}

Napi::Object OptionsArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined() || info[index].IsNull()) return Napi::Object::New(info.Env());
  if (!info[index].IsObject()) throw Napi::TypeError::New(info.Env(), "The \"options\" argument must be an object");
  return info[index].As<Napi::Object>();
}

std::optional<bool> OptionalBool(Napi::Object options, const char* name) {
  Napi::Value value = options.Get(name);
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  if (!value.IsBoolean())
    throw Napi::TypeError::New(options.Env(), std::string("The \"") + name + "\" option must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::optional<uint32_t> OptionalUint32(Napi::Object options, const char* name) {
  Napi::Value value = options.Get(name);
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(number >= 0 && number <= 4294967295.0) || number != static_cast<double>(static_cast<uint32_t>(number))) {
    throw Napi::TypeError::New(options.Env(),
                               std::string("The \"") + name + "\" option must be an unsigned 32-bit integer");
  }
  return static_cast<uint32_t>(number);
}

std::optional<std::string> OptionalText(Napi::Object options, const char* name) {
  Napi::Value value = options.Get(name);
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  if (!value.IsString())
    throw Napi::TypeError::New(options.Env(), std::string("The \"") + name + "\" option must be a string");
  return value.As<Napi::String>().Utf8Value();
}

std::vector<std::wstring> RequireUpdateIds(const Napi::CallbackInfo& info, size_t index) {
  std::vector<std::wstring> ids;
  for (const std::string& id : RequireStringArray(info, index, "updateIds")) ids.push_back(Utf8ToWide(id));
  if (ids.empty()) throw Napi::TypeError::New(info.Env(), "The \"updateIds\" argument must not be empty");
  return ids;
}

namespace {

// wuaOpenSession(clientApplicationId: string) → session handle (no COM work yet).
Napi::Value OpenSession(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string clientApplicationId = RequireString(info, 0, "clientApplicationId");
  auto* holder = new SessionHolder(std::make_shared<Session>(Utf8ToWide(clientApplicationId)));
  auto external = Napi::External<SessionHolder>::New(env, holder, [](Napi::Env, SessionHolder* data) { delete data; });
  external.TypeTag(&kSessionTag);
  return external;
}

// wuaCloseSession(session) → Promise<void>: releases every COM object of the session.
Napi::Value CloseSession(const Napi::CallbackInfo& info) {
  std::shared_ptr<Session> session = SessionFromValue(info, 0);
  return PromiseWorker<bool>::Run(
      info.Env(), "msi-lua:wuaCloseSession",
      [session]() {
        ComApartment apartment;
        session->Close();
        return true;
      },
      [](Napi::Env env, bool&) { return env.Undefined(); });
}

}  // namespace
}  // namespace msilua::wua

namespace msilua {

void RegisterWua(Napi::Env env, Napi::Object exports) {
  exports.Set("wuaOpenSession", Napi::Function::New(env, wua::OpenSession, "wuaOpenSession"));
  exports.Set("wuaCloseSession", Napi::Function::New(env, wua::CloseSession, "wuaCloseSession"));
  wua::RegisterSearch(env, exports);
  wua::RegisterInstall(env, exports);
  wua::RegisterSystem(env, exports);
}

}  // namespace msilua
