/*
 * binmake: writes a binary trace file from hex bytes, for the tests of the
 * binary reader's errors (bin_errors.sh).
 *
 *   binmake OUT VERSION HEX...
 *
 * OUT gets the 16-byte file header (the magic, VERSION, flags 0) and one zstd
 * frame holding the bytes HEX... ("0b", "06 0a00000000000000 ..."; white
 * space inside an argument is ignored). Exit status 0, or 1 with a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int main(int argc, char **argv)
{
	static const uint8_t magic[8] = {0x89, 'I', 'O', 'M', 'M', 'U', '\r', '\n'};
	uint8_t raw[4096], header[16] = {0};
	size_t n = 0, bound, csize;
	unsigned long version;
	void *comp;
	FILE *f;
	int hi = -1;

	if (argc < 3) {
		fprintf(stderr, "usage: binmake OUT VERSION HEX...\n");
		return 1;
	}
	version = strtoul(argv[2], NULL, 0);
	for (int a = 3; a < argc; a++) {
		for (const char *p = argv[a]; *p; p++) {
			int v = hexval(*p);

			if (*p == ' ')
				continue;
			if (v < 0 || n == sizeof(raw)) {
				fprintf(stderr, "binmake: bad hex '%s'\n", argv[a]);
				return 1;
			}
			if (hi < 0) {
				hi = v;
			} else {
				raw[n++] = (uint8_t)(hi << 4 | v);
				hi = -1;
			}
		}
	}
	if (hi >= 0) {
		fprintf(stderr, "binmake: odd number of hex digits\n");
		return 1;
	}
	memcpy(header, magic, sizeof(magic));
	for (int i = 0; i < 4; i++)
		header[8 + i] = (uint8_t)(version >> (8 * i));
	bound = ZSTD_compressBound(n);
	comp = malloc(bound);
	if (!comp)
		return 1;
	csize = ZSTD_compress(comp, bound, raw, n, 3);
	if (ZSTD_isError(csize)) {
		fprintf(stderr, "binmake: %s\n", ZSTD_getErrorName(csize));
		return 1;
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(header, 1, sizeof(header), f) != sizeof(header) ||
	    fwrite(comp, 1, csize, f) != csize || fclose(f)) {
		fprintf(stderr, "binmake: cannot write %s\n", argv[1]);
		return 1;
	}
	free(comp);
	return 0;
}
