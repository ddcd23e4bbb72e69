/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/api/cli_api.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmm/base/errmsg.h"

int cli_api_sock(struct vm_config *cfg, const char *v, char *err, size_t errlen)
{
	size_t n = strlen(v);
	if (n == 0 || n > CLI_API_SOCK_MAX)
		return errmsg(err, errlen, -EINVAL,
			      "--api-sock: the path must be 1 to %d bytes",
			      CLI_API_SOCK_MAX);
	cfg->api_sock = v;
	return 0;
}

int cli_api_id(struct vm_config *cfg, const char *v, char *err, size_t errlen)
{
	size_t n = strlen(v);
	bool ok = n > 0 && n <= 64;
	for (size_t i = 0; ok && i < n; i++)
		ok = (v[i] >= 'a' && v[i] <= 'z') ||
		     (v[i] >= 'A' && v[i] <= 'Z') ||
		     (v[i] >= '0' && v[i] <= '9') || v[i] == '-';
	if (!ok)
		return errmsg(err, errlen, -EINVAL,
			      "--id: '%.80s' is not 1 to 64 of A-Z, a-z, 0-9 "
			      "and -",
			      v);
	cfg->id = v;
	return 0;
}

int cli_api_config_file(struct vm_config *cfg, const char *v, char *err,
			size_t errlen)
{
	if (!v[0])
		return errmsg(err, errlen, -EINVAL,
			      "--config-file: the path is empty");
	cfg->config_file = v;
	return 0;
}

int cli_api_no_api(struct vm_config *cfg, const char *v, char *err,
		   size_t errlen)
{
	(void)v, (void)err, (void)errlen;
	cfg->no_api = true;
	return 0;
}

bool cli_api_level_name(const char *name, enum log_level *out)
{
	static const struct {
		const char *name;
		enum log_level level;
	} names[] = {{"off", LOG_NONE},	    {"error", LOG_ERROR},
		     {"warning", LOG_WARN}, {"warn", LOG_WARN},
		     {"info", LOG_INFO},    {"debug", LOG_DEBUG},
		     {"trace", LOG_DEBUG}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(name, names[i].name)) {
			*out = names[i].level;
			return true;
		}
	}
	return false;
}

int cli_api_level(struct vm_config *cfg, const char *v, char *err,
		  size_t errlen)
{
	if (cli_api_level_name(v, &cfg->log_level))
		return 0;
	return errmsg(err, errlen, -EINVAL,
		      "--level: '%.40s' is not Off, Error, Warning, Info, "
		      "Debug or Trace",
		      v);
}

int cli_api_log_path(struct vm_config *cfg, const char *v, char *err,
		     size_t errlen)
{
	if (!v[0])
		return errmsg(err, errlen, -EINVAL,
			      "--log-path: the path is empty");
	cfg->log_path = v;
	return 0;
}

int cli_api_metrics_path(struct vm_config *cfg, const char *v, char *err,
			 size_t errlen)
{
	if (!v[0])
		return errmsg(err, errlen, -EINVAL,
			      "--metrics-path: the path is empty");
	cfg->metrics_path = v;
	return 0;
}

int cli_api_metrics_interval(struct vm_config *cfg, const char *v, char *err,
			     size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long s = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || s < 1 ||
	    s > CONFIG_MAX_METRICS_INTERVAL_S)
		return errmsg(err, errlen, -EINVAL,
			      "--metrics-interval: '%.40s' is not a number of "
			      "seconds from 1 to %d",
			      v, CONFIG_MAX_METRICS_INTERVAL_S);
	cfg->metrics_interval_s = (unsigned)s;
	return 0;
}

int cli_api_boot_timer(struct vm_config *cfg, const char *v, char *err,
		       size_t errlen)
{
	(void)v, (void)err, (void)errlen;
	cfg->boot_timer = true;
	return 0;
}

int cli_api_check(const struct vm_config *cfg, char *err, size_t errlen)
{
	const char *mode = cfg->config_file ? "--config-file" : "--api-sock";
	if (cfg->no_api && !cfg->config_file)
		return errmsg(err, errlen, -EINVAL,
			      "--no-api needs --config-file FILE (without "
			      "either the VM has no configuration)");
	if (cfg->no_api && cfg->api_sock)
		return errmsg(err, errlen, -EINVAL,
			      "--no-api and --api-sock contradict each other");
	const char *opt = cfg->kernel	  ? "--kernel"
			  : cfg->initrd	  ? "--initrd"
			  : cfg->ndisks	  ? "--disk"
			  : cfg->nnets	  ? "--net"
			  : cfg->vsock.on ? "--vsock"
			  : cfg->record	  ? "--record"
					  : NULL;
	if (opt)
		return errmsg(err, errlen, -EINVAL,
			      "%s: %s does not apply (%s configures the VM: "
			      "docs/api.md)",
			      mode, opt,
			      cfg->config_file ? "the file" : "the API");
	opt = cfg->sandbox.jail	     ? "--jail"
	      : cfg->sandbox.set_uid ? "--uid"
	      : cfg->sandbox.set_gid ? "--gid"
				     : NULL;
	if (opt)
		return errmsg(err, errlen, -EINVAL,
			      "%s: %s is not supported with it yet", mode, opt);
	return 0;
}
