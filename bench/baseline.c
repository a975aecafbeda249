/* The baseline for `npm run bench` (a): the same Windows Installer calls msi-lua makes
 * for "10 properties of each product", in plain C, timed with QueryPerformanceCounter.
 * Usage: baseline.exe <rounds> <productCode>... ; prints the elapsed nanoseconds. */
#define UNICODE
#define _UNICODE
#define _WIN32_MSI 500
#include <windows.h>
#include <msi.h>
#include <stdio.h>

static const wchar_t *kProperties[10] = {
  L"ProductName", L"VersionString", L"Publisher", L"Language", L"HelpLink",
  L"URLInfoAbout", L"PackageCode", L"LocalPackage", L"InstallDate", L"AuthorizedLUAApp",
};

int wmain(int argc, wchar_t **argv) {
  if (argc < 3) return 2;
  int rounds = _wtoi(argv[1]);
  LARGE_INTEGER frequency, start, end;
  QueryPerformanceFrequency(&frequency);
  QueryPerformanceCounter(&start);
  unsigned long long characters = 0;
  for (int round = 0; round < rounds; ++round) {
    for (int product = 2; product < argc; ++product) {
      for (int p = 0; p < 10; ++p) {
        wchar_t value[512];
        DWORD length = 512;
        UINT status = MsiGetProductInfoExW(argv[product], NULL, MSIINSTALLCONTEXT_MACHINE, kProperties[p], value, &length);
        if (status != ERROR_SUCCESS) {
          fwprintf(stderr, L"MsiGetProductInfoExW(%ls, %ls) = %u\n", argv[product], kProperties[p], status);
          return 1;
        }
        characters += length;
      }
    }
  }
  QueryPerformanceCounter(&end);
  double ns = (double)(end.QuadPart - start.QuadPart) * 1e9 / (double)frequency.QuadPart;
  printf("%.0f %llu\n", ns, characters);
  return 0;
}
