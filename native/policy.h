#pragma once
#include <napi.h>

namespace msilua {
void RegisterPolicy(Napi::Env env, Napi::Object exports);
}
