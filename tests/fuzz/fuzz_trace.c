/*
 * Fuzz target: the trace reader and the trace driver on arbitrary text.
 * Every input must end in events applied by the model or in one error
 * message naming the file and line ("fuzz.trace:N: ..."), never a crash,
 * a hang or a silent stop.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "driver.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_reader *r = trace_open_mem((const char *)data, size, "fuzz.trace");
	struct sim_config cfg;
	struct driver *d;
	const char *why;
	int rc;

	if (!r)
		return 0;
	config_default(&cfg);
	d = driver_create(&cfg.mmu, &cfg.builder, &why);
	if (!d)
		abort();
	rc = driver_replay(d, r);
	/* An error is one message that names the file and the line. */
	if (rc && strncmp(driver_error(d), "fuzz.trace:", 11))
		abort();
	driver_destroy(d);
	trace_close(r);
	return 0;
}
