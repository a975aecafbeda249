// Facts about the process token and the interactive desktop, for getInteractiveContext()
// (lib/process/interactive-context.ts decides what they mean; nothing is inferred here).
#pragma once
#include <napi.h>

namespace msilua {
// Binds tokenContextFacts() → Promise<NativeTokenFacts> (lib/native/wua-binding.ts).
void RegisterTokenContext(Napi::Env env, Napi::Object exports);
}  // namespace msilua
