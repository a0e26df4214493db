/*
 * Fuzz target: the configuration reader (INI text and --set assignments).
 * Every input ends in a configuration the model accepts, or in one message
 * naming the file (and line) — never a crash or a model it cannot build.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512];
	struct sim_config c;
	const char *why;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	config_default(&c);
	if (config_parse(&c, "fuzz.ini", text, err, sizeof(err)) == 0) {
		/* accepted: the model and the engine must accept it too */
		if (iommu_config_check(&c.mmu, &why) || iommu_tparams_check(&c.timing, &why))
			abort();
	} else if (strncmp(err, "fuzz.ini", 8)) {
		abort();
	}
	/* each line as a --set assignment */
	config_default(&c);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (config_set(&c, line, err, sizeof(err)) && strncmp(err, "--set ", 6))
			abort();
	free(text);
	return 0;
}
