/*
 * jsoncheck FILE KEY EXPECTED [KEY EXPECTED ...]
 *
 * Checks values in a JSON file written by `iommusim run --json`. KEY is a
 * dotted path ("walks.mem_reads"; a number indexes an array:
 * "invalidations.error_events.0.line"); EXPECTED is compared with the value's
 * text: a number exactly (as an integer when it is one), a string as is,
 * true/false/null. Exit 0 when every check holds, 1 otherwise (each failure
 * printed with expected and actual), 2 on usage or unreadable JSON.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *p = realloc(buf, cap = len + 4096 + 1);

			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static const cJSON *lookup(const cJSON *node, const char *path)
{
	char *copy = strdup(path), *save = NULL;

	if (!copy)
		return NULL;
	for (char *k = strtok_r(copy, ".", &save); node && k; k = strtok_r(NULL, ".", &save)) {
		char *end;
		long i;

		if (cJSON_IsObject(node)) {
			node = cJSON_GetObjectItemCaseSensitive(node, k);
			continue;
		}
		i = strtol(k, &end, 10);
		node = cJSON_IsArray(node) && *k >= '0' && *k <= '9' && !*end && i <= INT_MAX
			       ? cJSON_GetArrayItem(node, (int)i)
			       : NULL;
	}
	free(copy);
	return node;
}

/* The value as text: integers without a fraction, strings unquoted. */
static void value_text(const cJSON *v, char *buf, size_t len)
{
	if (cJSON_IsNumber(v)) {
		double d = cJSON_GetNumberValue(v);

		if (d > -9e18 && d < 9e18 && d == (double)(long long)d)
			snprintf(buf, len, "%lld", (long long)d);
		else
			snprintf(buf, len, "%.17g", d);
	} else if (cJSON_IsString(v)) {
		snprintf(buf, len, "%s", cJSON_GetStringValue(v));
	} else if (cJSON_IsBool(v)) {
		snprintf(buf, len, "%s", cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNull(v)) {
		snprintf(buf, len, "null");
	} else {
		snprintf(buf, len, "%s", cJSON_IsObject(v) ? "<object>" : "<array>");
	}
}

int main(int argc, char **argv)
{
	cJSON *root;
	char *text;
	int failed = 0;

	if (argc < 4 || argc % 2) {
		fprintf(stderr, "usage: jsoncheck FILE KEY EXPECTED [KEY EXPECTED ...]\n");
		return 2;
	}
	text = read_file(argv[1]);
	if (!text) {
		fprintf(stderr, "jsoncheck: cannot read %s\n", argv[1]);
		return 2;
	}
	root = cJSON_Parse(text);
	free(text);
	if (!root) {
		fprintf(stderr, "jsoncheck: %s is not valid JSON\n", argv[1]);
		return 2;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		const cJSON *v = lookup(root, argv[i]);
		char actual[256];

		if (!v) {
			fprintf(stderr, "jsoncheck: %s: %s: missing, expected %s\n", argv[1],
				argv[i], argv[i + 1]);
			failed = 1;
			continue;
		}
		value_text(v, actual, sizeof(actual));
		if (strcmp(actual, argv[i + 1])) {
			fprintf(stderr, "jsoncheck: %s: %s: expected %s, actual %s\n", argv[1],
				argv[i], argv[i + 1], actual);
			failed = 1;
		}
	}
	cJSON_Delete(root);
	return failed;
}
