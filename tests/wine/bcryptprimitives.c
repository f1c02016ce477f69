/*
 * Test support for running the Windows build under Wine (tests/wine/run).
 *
 * Why: Rust's standard library (1.78 and later) takes its random bytes
 * from ProcessPrng in bcryptprimitives.dll, which every Windows 10 and 11
 * has, but Debian 12's Wine 8 does not ship. Without it, every Rust
 * program built for x86_64-pc-windows-gnu fails to load under that Wine.
 * This stub, placed next to the executables under test, gives ProcessPrng
 * over RtlGenRandom (advapi32's SystemFunction036), which Wine has. It is
 * never shipped: a real Windows uses its own DLL.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *        bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
