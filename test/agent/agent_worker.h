// Worker threads of the scripted update agent. Each one joins the MTA (as the real
// agent's callback threads do) and holds a reference on the agent DLL until its last
// instruction (FreeLibraryAndExitThread), so COM may unload the DLL safely afterwards.
#pragma once

#include <functional>
#include <memory>

#include "agent.h"

namespace agent {

inline DWORD WINAPI WorkerMain(void* parameter) {
  std::unique_ptr<std::function<void()>> work(static_cast<std::function<void()>*>(parameter));
  HRESULT hr = ::CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  (*work)();
  work.reset();
  if (SUCCEEDED(hr)) ::CoUninitialize();
  UnlockModule();
  ::FreeLibraryAndExitThread(Module(), 0);
  return 0;
}

inline void StartWorker(std::function<void()> work) {
  HMODULE self = nullptr;
  // Takes a loader reference on this DLL for the thread's lifetime.
  ::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, reinterpret_cast<LPCWSTR>(&WorkerMain), &self);
  LockModule();
  auto* heap = new std::function<void()>(std::move(work));
  HANDLE thread = ::CreateThread(nullptr, 0, WorkerMain, heap, 0, nullptr);
  if (thread == nullptr) {
    delete heap;
    UnlockModule();
    ::FreeLibrary(self);
    return;
  }
  ::CloseHandle(thread);
}

}  // namespace agent
