/* SPDX-License-Identifier: Apache-2.0 */
/* PUT /logger (api_logger.h). */
#include "vmm/api/api_logger.h"

#include <jansson.h>
#include <string.h>

#include "vmm/api/api_json.h"
#include "vmm/api/cli_api.h"

int api_logger_config(struct api_config *ac, const char *body, size_t len,
		      char *fault, size_t cap)
{
	static const char what[] = "logger";
	static const struct api_json_member m[] = {{"log_path", false},
						   {"level", false},
						   {"show_level", false},
						   {"show_log_origin", false},
						   {"module", false}};
	json_t *o;
	int r =
	    api_json_object(what, body, len, m, ARRAY_SIZE(m), &o, fault, cap);
	if (r)
		return r;
	char path[CONFIG_PATH_MAX], level[16] = "";
	bool has_path = false, show_level = ac->cfg.log_show_level;
	bool origin = false;
	enum log_level lv = ac->cfg.log_level;
	r = api_json_string(what, o, "log_path", path, sizeof(path), &has_path,
			    fault, cap);
	if (!r)
		r = api_json_string(what, o, "level", level, sizeof(level),
				    NULL, fault, cap);
	if (!r && level[0] && !cli_api_level_name(level, &lv))
		r = api_json_fault(fault, cap,
				   "logger: level '%s' is not Error, Warning, "
				   "Info, Debug, Trace or Off",
				   level);
	if (!r)
		r = api_json_bool(what, o, "show_level", &show_level, fault,
				  cap);
	if (!r)
		r = api_json_bool(what, o, "show_log_origin", &origin, fault,
				  cap);
	if (!r && origin)
		r = api_json_fault(fault, cap,
				   "logger: show_log_origin is not supported "
				   "by vmm (its lines carry no origin)");
	if (!r)
		r = api_json_null_only(what, o, "module", fault, cap);
	json_decref(o);
	if (r)
		return r;
	if (has_path) {
		memcpy(ac->log_path, path, sizeof(path));
		ac->cfg.log_path = ac->log_path;
	}
	ac->cfg.log_level = lv;
	ac->cfg.log_show_level = show_level;
	return 0;
}
