/*
 * bcryptprimitives.dll stand-in for running Pishkhan under wine.
 *
 * Why it exists: since Go 1.22 the Windows runtime gets its random bytes from
 * ProcessPrng in bcryptprimitives.dll, and loads that DLL at start; without
 * it a Go program dies before main. Windows 10 and later ship the DLL, but
 * wine 8 (Debian 12) does not, so the smoke test (scripts/windows.sh smoke)
 * puts this stub into the throwaway wine prefix's system32. It is never
 * shipped with the app: real Windows has the real DLL.
 *
 * ProcessPrng fills the buffer from the system's preferred random number
 * generator through BCryptGenRandom (bcrypt.dll, which wine has). Like the
 * real one it is documented never to fail, so on the (impossible under a
 * working bcrypt) failure it aborts the process rather than hand back
 * predictable bytes.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *            bcryptprimitives.c bcryptprimitives.def -lbcrypt
 */
#include <windows.h>
#include <bcrypt.h>

#ifndef BCRYPT_USE_SYSTEM_PREFERRED_RNG
#define BCRYPT_USE_SYSTEM_PREFERRED_RNG 0x00000002
#endif

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		/* BCryptGenRandom takes a ULONG length: feed it at most 1 GiB at a time. */
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			ExitProcess(0xC0000001); /* STATUS_UNSUCCESSFUL: never return non-random bytes */
		data += n;
		len -= n;
	}
	return TRUE;
}
