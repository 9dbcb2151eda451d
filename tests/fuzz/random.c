/* random.c: a main() that plays a fuzz target a fixed number of times on
 * inputs drawn from a fixed sequence: deterministic random interleavings
 * in every build (gcc has no libFuzzer). Usage: PROGRAM [RUNS [SEED]]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int
main(int argc, char **argv)
{
	unsigned long runs = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	uint64_t x =
	        argc > 2 ? strtoull(argv[2], NULL, 10) : 88172645463325252u;
	uint8_t buf[256];

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (unsigned long r = 0; r < runs; r++) {
		size_t len;

		for (size_t i = 0; i < sizeof buf; i++) {
			x ^= x << 13; /* xorshift64 */
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (uint8_t)(x >> 24);
		}
		len = 16 + buf[0] % (sizeof buf - 16);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("%lu random inputs played\n", runs);
	return 0;
}
