/* bcryptprimitives.dll for Wine 8.0, which lacks it: Windows 10 and later have it, and the Go
 * runtime reads its random numbers from its ProcessPrng at start. This one gives them from
 * RtlGenRandom. It is put in a throwaway Wine prefix by scripts/test-windows.sh, never in the
 * installer. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom, advapi32 */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x10000000 ? 0x10000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}
