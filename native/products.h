#pragma once
#include <napi.h>

namespace msilua {
void RegisterProducts(Napi::Env env, Napi::Object exports);
}
