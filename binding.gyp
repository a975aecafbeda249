{
  "targets": [
    {
      "target_name": "msi_lua",
      "conditions": [
        ["OS=='win'", {
          "sources": [
            "native/addon.cc",
            "native/addon_support.cc",
            "native/win_types.cc",
            "native/products.cc",
            "native/policy.cc",
            "native/signatures.cc",
            "native/token_context.cc",
            "native/wua_session.cc",
            "native/wua_search.cc",
            "native/wua_install.cc",
            "native/installer.cc",
            "native/patches.cc",
            "native/components.cc",
            "native/wua_system.cc"
          ],
          "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
          "defines": [
            "NAPI_VERSION=8",
            "NODE_ADDON_API_CPP_EXCEPTIONS",
            "UNICODE",
            "_UNICODE",
            "_WIN32_WINNT=0x0601",
            "_WIN32_MSI=500"
          ],
          "libraries": [
            "msi.lib", "advapi32.lib", "ole32.lib", "oleaut32.lib", "uuid.lib", "user32.lib",
            "wintrust.lib", "crypt32.lib", "wtsapi32.lib", "userenv.lib"
          ],
          "msvs_settings": {
            "VCCLCompilerTool": {
              "ExceptionHandling": 1,
              "WarningLevel": 4,
              "AdditionalOptions": ["/std:c++17", "/sdl", "/guard:cf", "/permissive-", "/utf-8"]
            },
            "VCLinkerTool": { "AdditionalOptions": ["/guard:cf", "/DYNAMICBASE", "/NXCOMPAT"] }
          }
        }],
        ["OS!='win'", {
          "type": "none"
        }]
      ]
    }
  ]
}
