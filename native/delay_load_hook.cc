// mingw builds import Node-API from a delay-load library named after node.exe. When
// the host executable has another name (Electron, a renamed node.exe), resolve the
// imports from the host process itself instead of loading a file called node.exe.
// MSVC builds get the equivalent hook from node-gyp / cmake-js (win_delay_load_hook).
#if defined(__MINGW32__)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <delayimp.h>

#include <cstring>

namespace {

FARPROC WINAPI ResolveHostForNodeImports(unsigned notification, PDelayLoadInfo info) {
  if (notification != dliNotePreLoadLibrary || info == nullptr || info->szDll == nullptr) return nullptr;
  if (_stricmp(info->szDll, "node.exe") != 0) return nullptr;
  return reinterpret_cast<FARPROC>(::GetModuleHandleW(nullptr));
}

}  // namespace

// mingw-w64's __delayLoadHelper2 (libmingwex) calls this hook; defining it here
// replaces the library's empty default.
extern "C" {
PfnDliHook __pfnDliNotifyHook2 = ResolveHostForNodeImports;
}
#endif
