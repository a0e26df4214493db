/*
 * Simulation configuration: an INI file (libinih) and --set overrides, onto
 * the model's and the table builder's configuration. docs/config.md lists
 * every key with its default; the table below is the one source of names.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_type { K_UINT, K_BOOL, K_REPL, K_SAGAW, K_SOFTWARE };

struct key {
	const char *section, *name;
	enum key_type type;
	size_t off; /* into struct sim_config */
	unsigned lo, hi;
};

#define MMU(f)     offsetof(struct sim_config, mmu.f)
#define BLD(f)     offsetof(struct sim_config, builder.f)
#define TIM(f)     offsetof(struct sim_config, timing.f)
#define RPL(f)     offsetof(struct sim_config, replay.f)
#define GEOM(c, f) offsetof(struct sim_config, mmu.c.f)
#define CACHE_KEYS(sec)                                                                            \
	{#sec, "sets", K_UINT, GEOM(sec, sets), 1, 1u << 20},                                      \
		{#sec, "ways", K_UINT, GEOM(sec, ways), 0, 64},                                    \
	{                                                                                          \
#sec, "replacement", K_REPL, GEOM(sec, repl), 0, 0                                 \
	}

static const struct key keys[] = {
	{"iommu", "haw", K_UINT, MMU(haw), 39, 52},
	{"iommu", "mgaw", K_UINT, MMU(mgaw), 39, 57},
	{"iommu", "sagaw", K_SAGAW, MMU(sagaw), 0, 0},
	{"iommu", "fault_records", K_UINT, MMU(nfr), 1, 256},
	{"iommu", "pasid_bits", K_UINT, MMU(pasid_bits), 1, 20},
	{"iommu", "sl_2m", K_BOOL, MMU(sl_2m), 0, 1},
	{"iommu", "sl_1g", K_BOOL, MMU(sl_1g), 0, 1},
	{"iommu", "fl_1g", K_BOOL, MMU(fl_1g), 0, 1},
	{"iommu", "fl_5level", K_BOOL, MMU(fl_5level), 0, 1},
	{"iommu", "nested", K_BOOL, MMU(nested), 0, 1},
	{"iommu", "pass_through", K_BOOL, MMU(pass_through), 0, 1},
	{"iommu", "sl_ad", K_BOOL, MMU(sl_ad), 0, 1},
	{"iommu", "exec_req", K_BOOL, MMU(exec_req), 0, 1},
	{"iommu", "super_req", K_BOOL, MMU(super_req), 0, 1},
	{"iommu", "rid_pasid", K_BOOL, MMU(rid_pasid), 0, 1},
	{"iommu", "page_req", K_BOOL, MMU(page_req), 0, 1},
	{"iommu", "lookup_after_fetch", K_BOOL, MMU(lookup_after_fetch), 0, 1},
	{"iommu", "seed", K_UINT, MMU(seed), 0, ~0u},
	CACHE_KEYS(context_cache),
	CACHE_KEYS(pasid_cache),
	CACHE_KEYS(iotlb),
	CACHE_KEYS(fl_pwc),
	CACHE_KEYS(sl_pwc),
	CACHE_KEYS(nested_tlb),
	{"builder", "pdts", K_UINT, BLD(pdts), 0, 7},
	{"builder", "preset_ad", K_BOOL, BLD(preset_ad), 0, 1},
	{"builder", "sl_ad", K_BOOL, BLD(sl_ad), 0, 1},
	{"builder", "flush_on_attach", K_BOOL, BLD(flush_on_attach), 0, 1},
	{"builder", "prq_order", K_UINT, BLD(prq_order), 0, 7},
	{"pipe", "ctx_lat", K_UINT, TIM(ctx_lat), 1, 20},
	{"pipe", "pasid_lat", K_UINT, TIM(pasid_lat), 1, 20},
	{"pipe", "iotlb_lat", K_UINT, TIM(iotlb_lat), 1, 20},
	{"pipe", "pwc_lat", K_UINT, TIM(pwc_lat), 0, 1000},
	{"walk", "slots", K_UINT, TIM(walk_slots), 1, 64},
	{"walk", "miss_queue", K_UINT, TIM(miss_queue), 1, 4096},
	{"mem", "latency", K_UINT, TIM(mem_latency), 1, 1000000},
	{"mem", "outstanding", K_UINT, TIM(mem_outstanding), 1, 1024},
	{"mem", "interval", K_UINT, TIM(mem_interval), 1, 1000},
	{"resp", "queue", K_UINT, TIM(resp_queue), 1, 4096},
	{"ats", "link_latency", K_UINT, TIM(ats_link_latency), 0, 1000000},
	{"ats", "devtlb_inv_latency", K_UINT, TIM(devtlb_inv_latency), 0, 1000000},
	{"ats", "timeout", K_UINT, TIM(ats_timeout), 1, 100000000},
	{"replay", "software", K_SOFTWARE, RPL(software), 0, 0},
	{"replay", "outstanding", K_UINT, RPL(outstanding), 0, 65536},
	{"replay", "pri_service", K_UINT, RPL(pri_service), 0, 100000000},
	{"replay", "fault_service", K_UINT, RPL(fault_service), 1, 100000000},
	{"replay", "iommus", K_UINT, RPL(iommus), 1, 8},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

void config_default(struct sim_config *c)
{
	memset(c, 0, sizeof(*c));
	iommu_config_default(&c->mmu);
	c->mmu.page_req = true; /* ECAP.PRS: the simulated hardware takes page requests */
	vtd_builder_config_default(&c->builder);
	iommu_tparams_default(&c->timing);
	driver_replay_params_default(&c->replay);
}

/* The keys of a section, for "expected one of ...". */
static void section_keys(const char *section, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? ", " : "",
				      keys[i].name);
	}
}

static bool known_section(const char *section)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].section, section))
			return true;
	return false;
}

static int parse_uint(const char *v, unsigned long long *out)
{
	char *end;

	errno = 0;
	if (!*v || *v == '-' || *v == '+')
		return -1;
	*out = strtoull(v, &end, 0);
	return errno || *end ? -1 : 0;
}

/* Sets one key; 0, or -1 with err "section.key: why". */
static int set_key(struct sim_config *c, const char *section, const char *name, const char *v,
		   unsigned char *seen, char *err, size_t errlen)
{
	char list[256];
	unsigned long long u;

	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		void *field = (char *)c + k->off;

		if (strcmp(k->section, section) || strcmp(k->name, name))
			continue;
		if (seen && seen[i]++) {
			snprintf(err, errlen, "%s.%s: duplicated key, expected each key once",
				 section, name);
			return -1;
		}
		switch (k->type) {
		case K_UINT:
			if (parse_uint(v, &u) || u < k->lo || u > k->hi) {
				snprintf(err, errlen,
					 "%s.%s: '%s', expected a number from %u to %u", section,
					 name, v, k->lo, k->hi);
				return -1;
			}
			if (k->off == offsetof(struct sim_config, mmu.seed))
				*(uint64_t *)field = u;
			else
				*(unsigned *)field = (unsigned)u;
			return 0;
		case K_BOOL:
			if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"))
				*(bool *)field = true;
			else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no"))
				*(bool *)field = false;
			else {
				snprintf(err, errlen,
					 "%s.%s: '%s', expected 1 or 0 (true/false, yes/no)",
					 section, name, v);
				return -1;
			}
			return 0;
		case K_REPL:
			if (!strcmp(v, "lru"))
				*(enum iommu_repl *)field = IOMMU_REPL_LRU;
			else if (!strcmp(v, "plru"))
				*(enum iommu_repl *)field = IOMMU_REPL_PLRU;
			else if (!strcmp(v, "random"))
				*(enum iommu_repl *)field = IOMMU_REPL_RANDOM;
			else {
				snprintf(err, errlen, "%s.%s: '%s', expected lru, plru or random",
					 section, name, v);
				return -1;
			}
			return 0;
		case K_SOFTWARE:
			if (!strcmp(v, "ordered"))
				*(enum driver_software *)field = DRIVER_SW_ORDERED;
			else if (!strcmp(v, "stamp"))
				*(enum driver_software *)field = DRIVER_SW_STAMP;
			else {
				snprintf(err, errlen, "%s.%s: '%s', expected ordered or stamp",
					 section, name, v);
				return -1;
			}
			return 0;
		case K_SAGAW: {
			/* A comma-separated list of 39, 48, 57 (address widths). */
			unsigned mask = 0;
			char buf[64], *save = NULL;

			snprintf(buf, sizeof(buf), "%s", v);
			for (char *t = strtok_r(buf, ", ", &save); t;
			     t = strtok_r(NULL, ", ", &save)) {
				if (!strcmp(t, "39"))
					mask |= 1u << 1;
				else if (!strcmp(t, "48"))
					mask |= 1u << 2;
				else if (!strcmp(t, "57"))
					mask |= 1u << 3;
				else
					mask = 0, save = NULL;
				if (!mask)
					break;
			}
			if (!mask) {
				snprintf(err, errlen,
					 "%s.%s: '%s', expected widths from 39, 48, 57 "
					 "separated by commas",
					 section, name, v);
				return -1;
			}
			*(unsigned *)field = mask;
			return 0;
		}
		}
	}
	if (!known_section(section))
		snprintf(err, errlen,
			 "[%s]: unknown section, expected iommu, context_cache, "
			 "pasid_cache, iotlb, fl_pwc, sl_pwc, nested_tlb, builder, pipe, walk, "
			 "mem, resp, ats or replay",
			 section);
	else {
		section_keys(section, list, sizeof(list));
		snprintf(err, errlen, "%s.%s: unknown key, expected one of %s", section, name,
			 list);
	}
	return -1;
}

struct ini_ctx {
	struct sim_config *c;
	unsigned char seen[NKEYS];
	char err[300];
};

static int config_ini_line(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *x = user;

	if (!name) /* a section header alone */
		return known_section(section)
			       ? 1
			       : (set_key(x->c, section, "", "", NULL, x->err, sizeof(x->err)), 0);
	if (!*section) {
		snprintf(x->err, sizeof(x->err),
			 "%s: key outside a section, expected [section] first", name);
		return 0;
	}
	return set_key(x->c, section, name, value, x->seen, x->err, sizeof(x->err)) ? 0 : 1;
}

/* Cross-field checks, after all keys are set. */
static int config_check(const struct sim_config *c, char *err, size_t errlen)
{
	const struct {
		const char *name;
		const struct iommu_cache_geom *g;
	} caches[] = {
		{"context_cache", &c->mmu.context_cache},
		{"pasid_cache", &c->mmu.pasid_cache},
		{"iotlb", &c->mmu.iotlb},
		{"fl_pwc", &c->mmu.fl_pwc},
		{"sl_pwc", &c->mmu.sl_pwc},
		{"nested_tlb", &c->mmu.nested_tlb},
	};
	const char *why;

	for (size_t i = 0; i < sizeof(caches) / sizeof(caches[0]); i++) {
		if (iommu_cache_geom_check(caches[i].g, &why)) {
			snprintf(err, errlen, "%s.%s", caches[i].name, why);
			return -1;
		}
	}
	if (iommu_tparams_check(&c->timing, &why)) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (iommu_config_check(&c->mmu, &why)) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	return 0;
}

/* The INI reader splits lines longer than its buffer: a long comment line
 * is cut (it carries nothing), any other long line is an error. Returns the
 * text to parse (malloc'd), or NULL with err set. */
static char *config_lines(const char *name, const char *text, char *err, size_t errlen)
{
	const size_t max = INI_MAX_LINE - 2; /* characters, without the newline */
	size_t len = strlen(text);
	char *out = malloc(len + 1), *o = out;
	unsigned line = 1;

	if (!out) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	for (const char *p = text; *p; line++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = p;

		while (q < p + n && (*q == ' ' || *q == '\t'))
			q++;
		if (n > max && q < p + n && (*q == ';' || *q == '#')) {
			memcpy(o, p, max);
			o += max;
		} else if (n > max) {
			snprintf(err, errlen,
				 "%s:%u: a line of %zu characters, expected at most %zu", name,
				 line, n, max);
			free(out);
			return NULL;
		} else {
			memcpy(o, p, n);
			o += n;
		}
		if (nl)
			*o++ = '\n';
		p += n + (nl ? 1 : 0);
	}
	*o = 0;
	return out;
}

/* Parses INI text (NUL-terminated) named name over c. */
int config_parse(struct sim_config *c, const char *name, const char *text, char *err, size_t errlen)
{
	struct ini_ctx *x;
	char *lines = config_lines(name, text, err, errlen);
	int line;

	if (!lines)
		return -1;
	x = calloc(1, sizeof(*x));
	if (!x) {
		free(lines);
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	x->c = c;
	line = ini_parse_string(lines, config_ini_line, x);
	free(lines);
	if (line > 0) {
		if (!x->err[0])
			snprintf(x->err, sizeof(x->err),
				 "syntax error, expected [section] or key = value");
		snprintf(err, errlen, "%s:%d: %s", name, line, x->err);
		free(x);
		return -1;
	}
	free(x);
	if (line < 0) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	if (config_check(c, err, errlen)) {
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", name, why);
		return -1;
	}
	return 0;
}

int config_load(struct sim_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len + 4096 + 1 > cap) {
			char *nt = realloc(text, cap ? 2 * cap : 8192);

			if (!nt) {
				fclose(f);
				free(text);
				snprintf(err, errlen, "%s: out of memory", path);
				return -1;
			}
			text = nt;
			cap = cap ? 2 * cap : 8192;
		}
		n = fread(text + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	rc = ferror(f);
	fclose(f);
	if (rc) {
		free(text);
		snprintf(err, errlen, "%s: cannot read: read error", path);
		return -1;
	}
	text[len] = 0;
	if (strlen(text) != len) {
		free(text);
		snprintf(err, errlen, "%s: a NUL byte, expected a text file", path);
		return -1;
	}
	rc = config_parse(c, path, text, err, errlen);
	free(text);
	return rc;
}

int config_set(struct sim_config *c, const char *assignment, char *err, size_t errlen)
{
	char buf[256], *dot, *eq, why[300];

	snprintf(buf, sizeof(buf), "%s", assignment);
	dot = strchr(buf, '.');
	eq = strchr(buf, '=');
	if (!dot || !eq || dot > eq) {
		snprintf(err, errlen, "--set %s: expected section.key=value", assignment);
		return -1;
	}
	*dot = *eq = 0;
	if (set_key(c, buf, dot + 1, eq + 1, NULL, why, sizeof(why)) ||
	    config_check(c, why, sizeof(why))) {
		snprintf(err, errlen, "--set %s: %s", assignment, why);
		return -1;
	}
	return 0;
}
