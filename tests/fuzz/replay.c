/* replay.c: a main() for the fuzz targets when libFuzzer is not there
 * (gcc builds): runs each file named, or each file in each directory
 * named, through the target once. The seed corpus and the regressions
 * run this way in every build of the suite. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned runs;

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap)
			buf = realloc(buf, cap = cap * 2 + 4096);
		if (buf == NULL)
			abort();
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	runs++;
	return 0;
}

static int
run_path(const char *path)
{
	struct stat st;
	struct dirent **names;
	int n, rc = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *p;

		if (names[i]->d_name[0] != '.' && rc == 0) {
			size_t len =
			        strlen(path) + strlen(names[i]->d_name) + 2;

			p = malloc(len);
			snprintf(p, len, "%s/%s", path, names[i]->d_name);
			rc = run_path(p);
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i]) != 0)
			return 1;
	printf("%u inputs replayed: %u passed, 0 failed\n", runs, runs);
	return runs > 0 ? 0 : 1;
}
