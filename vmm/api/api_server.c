/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/api/api_server.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/api/mhd_lib.h"
#include "vmm/base/errmsg.h"
#include "vmm/base/log.h"

/* At most this many connections at once, idle ones included. */
#define API_SERVER_CONNECTIONS 16
/* How often the thread looks at `stop`, in ms. */
#define API_SERVER_TICK_MS 100

/* One request being received: its body so far. */
struct api_server_req {
	char *body;
	size_t len;
	bool too_big; /* more than API_BODY_MAX bytes: refused, not kept */
};

/* Queue status + body (malloc'd or NULL) on conn; takes body. */
static enum MHD_Result api_server_reply(const struct mhd_lib *lib,
					struct MHD_Connection *conn,
					unsigned status, char *body)
{
	struct MHD_Response *resp =
	    body ? lib->create_response_from_buffer(strlen(body), body,
						    MHD_RESPMEM_MUST_FREE)
		 : lib->create_response_from_buffer(0, NULL,
						    MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	if (body)
		lib->add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					 "application/json");
	enum MHD_Result r = lib->queue_response(conn, status, resp);
	lib->destroy_response(resp);
	return r;
}

static enum MHD_Result api_server_too_big(const struct mhd_lib *lib,
					  struct MHD_Connection *conn)
{
	char msg[128];
	snprintf(msg, sizeof(msg),
		 "the request body is larger than the limit of %d bytes",
		 API_BODY_MAX);
	return api_server_reply(lib, conn, 400, api_route_fault_json(msg));
}

/* MHD's access handler: called once with the headers, then with each
 * piece of the body, then once more with none. */
static enum MHD_Result api_server_access(void *cls, struct MHD_Connection *conn,
					 const char *url, const char *method,
					 const char *version,
					 const char *upload, size_t *upload_len,
					 void **req_cls)
{
	struct api_server *s = cls;
	struct api_server_req *rq = *req_cls;
	(void)version;
	if (!rq) {
		if (!(rq = calloc(1, sizeof(*rq))))
			return MHD_NO;
		*req_cls = rq;
		const char *cl = s->lib.lookup_connection_value(
		    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl &&
		    (strlen(cl) > 9 || strtoul(cl, NULL, 10) > API_BODY_MAX)) {
			rq->too_big = true;
			return api_server_too_big(&s->lib, conn);
		}
		return MHD_YES;
	}
	if (*upload_len) {
		size_t n = *upload_len;
		*upload_len = 0;
		if (rq->too_big)
			return MHD_YES;
		if (n > API_BODY_MAX - rq->len) {
			rq->too_big = true;
			free(rq->body);
			rq->body = NULL;
			return MHD_YES;
		}
		char *b = realloc(rq->body, rq->len + n);
		if (!b)
			return MHD_NO;
		memcpy(b + rq->len, upload, n);
		rq->body = b;
		rq->len += n;
		return MHD_YES;
	}
	if (rq->too_big)
		return api_server_too_big(&s->lib, conn);
	struct api_response rs;
	if (api_route(s->st, method, url, rq->body ? rq->body : "", rq->len,
		      &rs) != 0)
		return api_server_reply(&s->lib, conn, 500,
					api_route_fault_json("out of memory"));
	return api_server_reply(&s->lib, conn, rs.status, rs.body);
}

static void api_server_done(void *cls, struct MHD_Connection *conn,
			    void **req_cls, enum MHD_RequestTerminationCode why)
{
	(void)cls, (void)conn, (void)why;
	struct api_server_req *rq = *req_cls;
	if (rq) {
		free(rq->body);
		free(rq);
		*req_cls = NULL;
	}
}

static void *api_server_thread(void *opaque)
{
	struct api_server *s = opaque;
	int r = s->init ? s->init(s->init_opaque) : 0;
	pthread_mutex_lock(&s->lock);
	s->init_done = true;
	s->init_r = r;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	while (!r && !atomic_load(&s->stop))
		if (s->lib.run_wait(s->mhd, API_SERVER_TICK_MS) != MHD_YES)
			log_warn("api: the HTTP server's poll failed");
	/* Here, under this thread's filter: closing the connections needs
	 * calls the control thread's does not allow (shutdown). */
	s->lib.stop_daemon(s->mhd);
	return NULL;
}

int api_server_start(struct api_server *s, int listen_fd, struct api_state *st,
		     int (*init)(void *opaque), void *opaque, char *err,
		     size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->st = st;
	s->init = init;
	s->init_opaque = opaque;
	int r = mhd_lib_open(&s->lib, err, errlen);
	if (r) {
		close(listen_fd);
		return r;
	}
	/* External polling, on our own thread: MHD starts no thread. */
	s->mhd = s->lib.start_daemon(
	    MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, api_server_access,
	    s, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)API_SERVER_CONNECTIONS,
	    MHD_OPTION_NOTIFY_COMPLETED, api_server_done, s, MHD_OPTION_END);
	if (!s->mhd) {
		close(listen_fd);
		mhd_lib_close(&s->lib);
		return errmsg(err, errlen, -EIO,
			      "api: the HTTP server did not start");
	}
	r = -pthread_mutex_init(&s->lock, NULL);
	if (!r && (r = -pthread_cond_init(&s->cond, NULL)))
		pthread_mutex_destroy(&s->lock);
	if (r) {
		s->lib.stop_daemon(s->mhd);
		s->mhd = NULL;
		mhd_lib_close(&s->lib);
		return errmsg(err, errlen, r, "api: %s", strerror(-r));
	}
	if ((r = -pthread_create(&s->thread, NULL, api_server_thread, s))) {
		api_server_stop(s);
		return errmsg(err, errlen, r, "api: thread: %s", strerror(-r));
	}
	s->started = true;
	pthread_mutex_lock(&s->lock);
	while (!s->init_done)
		pthread_cond_wait(&s->cond, &s->lock);
	r = s->init_r;
	pthread_mutex_unlock(&s->lock);
	if (r) {
		api_server_stop(s);
		return errmsg(err, errlen, r,
			      "api: the API thread failed to "
			      "start");
	}
	return 0;
}

void api_server_stop(struct api_server *s)
{
	if (s->started) {
		atomic_store(&s->stop, true);
		pthread_join(s->thread, NULL);
		s->started = false;
	} else if (s->mhd) {
		s->lib.stop_daemon(s->mhd);
	}
	if (s->mhd) {
		s->mhd = NULL;
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
	}
	mhd_lib_close(&s->lib);
}
