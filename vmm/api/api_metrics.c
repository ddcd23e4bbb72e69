/* SPDX-License-Identifier: Apache-2.0 */
/* Metrics (api_metrics.h): PUT /metrics and FlushMetrics' line. */
#include "vmm/api/api_metrics.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm/api/api_json.h"

int api_metrics_config(struct api_config *ac, const char *body, size_t len,
		       char *fault, size_t cap)
{
	static const char what[] = "metrics";
	static const struct api_json_member m[] = {{"metrics_path", true}};
	json_t *o;
	int r =
	    api_json_object(what, body, len, m, ARRAY_SIZE(m), &o, fault, cap);
	if (r)
		return r;
	char path[CONFIG_PATH_MAX];
	r = api_json_string(what, o, "metrics_path", path, sizeof(path), NULL,
			    fault, cap);
	json_decref(o);
	if (r)
		return r;
	memcpy(ac->metrics_path, path, sizeof(path));
	ac->cfg.metrics_path = ac->metrics_path;
	return 0;
}

/* vm_metric_fn: root[group][index][name] = value. */
static void metrics_put(void *opaque, const char *group, unsigned index,
			const char *name, uint64_t value)
{
	json_t *root = opaque, *arr = json_object_get(root, group);
	if (!arr) {
		arr = json_array();
		if (!arr || json_object_set_new(root, group, arr))
			return;
	}
	while (json_array_size(arr) <= index)
		if (json_array_append_new(arr, json_object()))
			return;
	json_object_set_new(json_array_get(arr, index), name,
			    json_integer((json_int_t)value));
}

char *api_metrics_line(struct vm *vm)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	json_t *root =
	    json_pack("{s:I,s:I}", "utc_timestamp_ms",
		      (json_int_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
		      "lost_metrics", (json_int_t)vm_metrics_lost(vm));
	if (!root)
		return NULL;
	vm_metrics(vm, metrics_put, root);
	char *s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

int api_metrics_flush(struct vm *vm, const char *what, char *fault, size_t cap)
{
	int fd = vm_metrics_fd(vm);
	if (fd < 0) {
		snprintf(fault, cap,
			 "%s: no metrics file (PUT /metrics before "
			 "InstanceStart)",
			 what);
		return -ENOENT;
	}
	char *line = api_metrics_line(vm);
	if (!line) {
		snprintf(fault, cap, "%s: out of memory", what);
		return -ENOMEM;
	}
	size_t len = strlen(line);
	ssize_t n = write(fd, line, len);
	int r = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	free(line);
	if (r) {
		vm_metrics_lose(vm);
		snprintf(fault, cap,
			 "%s: the metrics file took %zd of %zu bytes: %s", what,
			 n < 0 ? (ssize_t)0 : n, len, strerror(-r));
	}
	return r;
}
