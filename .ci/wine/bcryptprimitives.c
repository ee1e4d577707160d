/* ProcessPrng for Wine 8.0, which lacks it.
 *
 * Rust's standard library (1.78 and later) draws its random numbers from ProcessPrng in
 * bcryptprimitives.dll; Wine 8.0's bcryptprimitives.dll does not export it, so every Rust
 * program fails to start there (exit status 53, no output). This DLL exports ProcessPrng
 * and forwards it to RtlGenRandom (exported by advapi32.dll as SystemFunction036), which
 * Wine implements. .ci/run builds it with mingw-w64 and puts it beside the .exe files,
 * with a DLL override so Wine loads it instead of its own.
 *
 * ProcessPrng: https://learn.microsoft.com/en-us/windows/win32/seccng/processprng
 * RtlGenRandom: https://learn.microsoft.com/en-us/windows/win32/api/ntsecapi/nf-ntsecapi-rtlgenrandom
 */
#include <windows.h>

typedef BOOLEAN(WINAPI *RtlGenRandomFn)(PVOID, ULONG);

/* Fills data with len random bytes; TRUE on success, as ProcessPrng always returns. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    static RtlGenRandomFn gen_random;
    if (!gen_random) {
        HMODULE advapi = LoadLibraryA("advapi32.dll");
        if (!advapi)
            return FALSE;
        gen_random = (RtlGenRandomFn)(void *)GetProcAddress(advapi, "SystemFunction036");
        if (!gen_random)
            return FALSE;
    }
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!gen_random(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
